/* SPDX-License-Identifier: MIT */
/*
 * The ELF format plug-in: 64-bit little-endian relocatable objects (ET_REL);
 * shared objects and PIEs (ET_DYN) are formats/elf/elf_dyn.c's.
 *
 * What a loader needs from the ELF relocatable-object model
 * ---------------------------------------------------------
 * A file starts with a 64-byte header (Elf64_Ehdr) that names the class
 * (32/64-bit), byte order, object type and machine, and points at the
 * section header table: e_shnum entries of e_shentsize bytes at e_shoff.
 * A relocatable object (ET_REL) has no program headers and no layout of
 * its own: sh_addr is 0 everywhere and the loader chooses where every
 * section goes.  Section 0 is a null entry.  A file with SHN_LORESERVE
 * (0xff00) sections or more stores 0 in e_shnum and the real count in
 * section 0's sh_size; likewise e_shstrndx is then SHN_XINDEX and the
 * section-name table's index is section 0's sh_link.
 *
 * sh_type says what a section holds and sh_flags how it is used.  SHF_ALLOC
 * sections occupy memory at run time: SHF_EXECINSTR ones are code,
 * SHF_WRITE ones data, SHT_NOBITS ones (.bss) are zero-filled and take no
 * file space, SHF_TLS ones form the thread-local template.  Everything
 * without SHF_ALLOC is for the linker or the debugger: the symbol table
 * (SHT_SYMTAB) and its string table (SHT_STRTAB), relocation sections,
 * section groups, .comment, .note.GNU-stack, .debug_*.
 *
 * Relocations live in SHT_RELA sections (r_offset, r_info, r_addend) or in
 * SHT_REL sections, whose addend is stored in the field being patched.
 * sh_link names the symbol table they use, sh_info the section they patch.
 * r_info packs the symbol index (high 32 bits) and a machine-specific type
 * (low 32 bits); r_offset is an offset in the patched section.  Symbol 0 is
 * the null symbol: r_sym 0 means "no symbol, S = 0".
 *
 * A symbol (Elf64_Sym) has a name in the string table named by the symbol
 * table's sh_link, a binding (STB_LOCAL, STB_GLOBAL, STB_WEAK; GNU's
 * STB_GNU_UNIQUE is a global the dynamic linker keeps unique), a type
 * (STT_FUNC, STT_OBJECT, STT_SECTION for a section itself, STT_FILE,
 * STT_TLS, ...), a visibility in st_other (STV_HIDDEN and STV_INTERNAL never
 * leave the link unit) and st_shndx: a section index or a special index,
 * SHN_UNDEF (undefined), SHN_ABS (st_value is an absolute value),
 * SHN_COMMON (a tentative definition: st_value is the alignment, st_size
 * the size) or SHN_XINDEX (the real index is in the parallel
 * SHT_SYMTAB_SHNDX table).  In ET_REL, st_value of a symbol defined in a
 * section is its offset in that section.
 *
 * Section groups (SHT_GROUP) list sections that are kept or dropped
 * together.  A group flagged GRP_COMDAT is kept only once per link, keyed by
 * its signature (the name of symbol sh_info): this is how inline functions
 * and template instances are de-duplicated.  Other groups load normally.
 *
 * Constructors and destructors are arrays of function pointers in
 * .init_array / .fini_array (SHT_INIT_ARRAY / SHT_FINI_ARRAY), with
 * .init_array.NNNNN variants for __attribute__((constructor(NNNNN))), and
 * .preinit_array for what runs before everything else.  Older compilers
 * used .ctors / .dtors, whose .NNNNN suffix is 65535 minus the priority;
 * crtstuff ran .ctors from its last entry to its first and .dtors in the
 * other direction, the mirror of .init_array / .fini_array.
 *
 * This file validates all of the above once (elf_validate) and then builds
 * the neutral image from the validated views.  Native relocation types map
 * to arch kinds through one table per machine; nothing here knows an
 * instruction encoding.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objload/plugin.h"
#include "formats/elf/elf_abi.h"
#include "formats/elf/elf_dyn.h"
#include "formats/formats.h"
#include "formats/plan.h"
#include "formats/reader.h"

/* ---- The ELF constants this file uses (gABI and psABI names) ---------- */

enum {
	EI_NIDENT = 16,
	EI_CLASS = 4,
	EI_DATA = 5,
	EI_VERSION = 6,
	ELFCLASS32 = 1,
	ELFCLASS64 = 2,
	ELFDATA2LSB = 1,
	ELFDATA2MSB = 2,
	EV_CURRENT = 1,

	ET_NONE = 0,
	ET_REL = 1,
	ET_EXEC = 2,
	ET_DYN = 3,
	ET_CORE = 4,

	EM_X86_64 = 62,
	EM_AARCH64 = 183,

	ELF64_EHDR_SIZE = 64,
	ELF64_SHDR_SIZE = 64,
	ELF64_SYM_SIZE = 24,
	ELF64_RELA_SIZE = 24,
	ELF64_REL_SIZE = 16,
	ELF64_ADDR_SIZE = 8,
};

enum {
	SHT_NULL = 0,
	SHT_PROGBITS = 1,
	SHT_SYMTAB = 2,
	SHT_STRTAB = 3,
	SHT_RELA = 4,
	SHT_HASH = 5,
	SHT_DYNAMIC = 6,
	SHT_NOTE = 7,
	SHT_NOBITS = 8,
	SHT_REL = 9,
	SHT_SHLIB = 10,
	SHT_DYNSYM = 11,
	SHT_INIT_ARRAY = 14,
	SHT_FINI_ARRAY = 15,
	SHT_PREINIT_ARRAY = 16,
	SHT_GROUP = 17,
	SHT_SYMTAB_SHNDX = 18,
	SHT_RELR = 19,
};

#define SHT_LOOS 0x60000000u
#define SHT_HIOS 0x6fffffffu
#define SHT_LOPROC 0x70000000u
#define SHT_HIPROC 0x7fffffffu
#define SHT_LOUSER 0x80000000u
#define SHT_HIUSER 0xffffffffu
#define SHT_X86_64_UNWIND 0x70000001u

#define SHF_WRITE 0x1u
#define SHF_ALLOC 0x2u
#define SHF_EXECINSTR 0x4u
#define SHF_TLS 0x400u
#define SHF_COMPRESSED 0x800u

#define GRP_COMDAT 0x1u
#define GRP_MASKOS 0x0ff00000u
#define GRP_MASKPROC 0xf0000000u

/* x86-64 psABI relocation types.  39 and 40 were the MPX variants of PC32
 * and PLT32; 43 and up are the APX forms of the GOT loads (binutils 2.43). */
enum {
	R_X86_64_NONE = 0,
	R_X86_64_64 = 1,
	R_X86_64_PC32 = 2,
	R_X86_64_GOT32 = 3,
	R_X86_64_PLT32 = 4,
	R_X86_64_COPY = 5,
	R_X86_64_GLOB_DAT = 6,
	R_X86_64_JUMP_SLOT = 7,
	R_X86_64_RELATIVE = 8,
	R_X86_64_GOTPCREL = 9,
	R_X86_64_32 = 10,
	R_X86_64_32S = 11,
	R_X86_64_16 = 12,
	R_X86_64_PC16 = 13,
	R_X86_64_8 = 14,
	R_X86_64_PC8 = 15,
	R_X86_64_DTPMOD64 = 16,
	R_X86_64_DTPOFF64 = 17,
	R_X86_64_TPOFF64 = 18,
	R_X86_64_TLSGD = 19,
	R_X86_64_TLSLD = 20,
	R_X86_64_DTPOFF32 = 21,
	R_X86_64_GOTTPOFF = 22,
	R_X86_64_TPOFF32 = 23,
	R_X86_64_PC64 = 24,
	R_X86_64_GOTOFF64 = 25,
	R_X86_64_GOTPC32 = 26,
	R_X86_64_GOT64 = 27,
	R_X86_64_GOTPCREL64 = 28,
	R_X86_64_GOTPC64 = 29,
	R_X86_64_GOTPLT64 = 30,
	R_X86_64_PLTOFF64 = 31,
	R_X86_64_SIZE32 = 32,
	R_X86_64_SIZE64 = 33,
	R_X86_64_GOTPC32_TLSDESC = 34,
	R_X86_64_TLSDESC_CALL = 35,
	R_X86_64_TLSDESC = 36,
	R_X86_64_IRELATIVE = 37,
	R_X86_64_RELATIVE64 = 38,
	R_X86_64_PC32_BND = 39,
	R_X86_64_PLT32_BND = 40,
	R_X86_64_GOTPCRELX = 41,
	R_X86_64_REX_GOTPCRELX = 42,
	R_X86_64_CODE_4_GOTPCRELX = 43,
	R_X86_64_CODE_4_GOTTPOFF = 44,
	R_X86_64_CODE_4_GOTPC32_TLSDESC = 45,
	R_X86_64_CODE_5_GOTPCRELX = 46,
	R_X86_64_CODE_5_GOTTPOFF = 47,
	R_X86_64_CODE_5_GOTPC32_TLSDESC = 48,
	R_X86_64_CODE_6_GOTPCRELX = 49,
	R_X86_64_CODE_6_GOTTPOFF = 50,
	R_X86_64_CODE_6_GOTPC32_TLSDESC = 51,
};

/* AAELF64 relocation types, ELF64 numbering.  256 is the withdrawn
 * R_AARCH64_NULL, still accepted as "none"; 1024 and up are dynamic. */
enum {
	R_AARCH64_NONE = 0,
	R_AARCH64_NULL = 256,
	R_AARCH64_ABS64 = 257,
	R_AARCH64_ABS32 = 258,
	R_AARCH64_ABS16 = 259,
	R_AARCH64_PREL64 = 260,
	R_AARCH64_PREL32 = 261,
	R_AARCH64_PREL16 = 262,
	R_AARCH64_MOVW_UABS_G0 = 263,
	R_AARCH64_MOVW_UABS_G0_NC = 264,
	R_AARCH64_MOVW_UABS_G1 = 265,
	R_AARCH64_MOVW_UABS_G1_NC = 266,
	R_AARCH64_MOVW_UABS_G2 = 267,
	R_AARCH64_MOVW_UABS_G2_NC = 268,
	R_AARCH64_MOVW_UABS_G3 = 269,
	R_AARCH64_MOVW_SABS_G0 = 270,
	R_AARCH64_MOVW_SABS_G1 = 271,
	R_AARCH64_MOVW_SABS_G2 = 272,
	R_AARCH64_LD_PREL_LO19 = 273,
	R_AARCH64_ADR_PREL_LO21 = 274,
	R_AARCH64_ADR_PREL_PG_HI21 = 275,
	R_AARCH64_ADR_PREL_PG_HI21_NC = 276,
	R_AARCH64_ADD_ABS_LO12_NC = 277,
	R_AARCH64_LDST8_ABS_LO12_NC = 278,
	R_AARCH64_TSTBR14 = 279,
	R_AARCH64_CONDBR19 = 280,
	R_AARCH64_JUMP26 = 282,
	R_AARCH64_CALL26 = 283,
	R_AARCH64_LDST16_ABS_LO12_NC = 284,
	R_AARCH64_LDST32_ABS_LO12_NC = 285,
	R_AARCH64_LDST64_ABS_LO12_NC = 286,
	R_AARCH64_MOVW_PREL_G0 = 287,
	R_AARCH64_MOVW_PREL_G0_NC = 288,
	R_AARCH64_MOVW_PREL_G1 = 289,
	R_AARCH64_MOVW_PREL_G1_NC = 290,
	R_AARCH64_MOVW_PREL_G2 = 291,
	R_AARCH64_MOVW_PREL_G2_NC = 292,
	R_AARCH64_MOVW_PREL_G3 = 293,
	R_AARCH64_LDST128_ABS_LO12_NC = 299,
	R_AARCH64_MOVW_GOTOFF_G0 = 300,
	R_AARCH64_MOVW_GOTOFF_G0_NC = 301,
	R_AARCH64_MOVW_GOTOFF_G1 = 302,
	R_AARCH64_MOVW_GOTOFF_G1_NC = 303,
	R_AARCH64_MOVW_GOTOFF_G2 = 304,
	R_AARCH64_MOVW_GOTOFF_G2_NC = 305,
	R_AARCH64_MOVW_GOTOFF_G3 = 306,
	R_AARCH64_GOTREL64 = 307,
	R_AARCH64_GOTREL32 = 308,
	R_AARCH64_GOT_LD_PREL19 = 309,
	R_AARCH64_LD64_GOTOFF_LO15 = 310,
	R_AARCH64_ADR_GOT_PAGE = 311,
	R_AARCH64_LD64_GOT_LO12_NC = 312,
	R_AARCH64_LD64_GOTPAGE_LO15 = 313,
	R_AARCH64_PLT32 = 314,
	R_AARCH64_GOTPCREL32 = 315,
	R_AARCH64_TLSGD_ADR_PREL21 = 512,
	R_AARCH64_TLSGD_ADR_PAGE21 = 513,
	R_AARCH64_TLSGD_ADD_LO12_NC = 514,
	R_AARCH64_TLSGD_MOVW_G1 = 515,
	R_AARCH64_TLSGD_MOVW_G0_NC = 516,
	R_AARCH64_TLSLD_ADR_PREL21 = 517,
	R_AARCH64_TLSLD_ADR_PAGE21 = 518,
	R_AARCH64_TLSLD_ADD_LO12_NC = 519,
	R_AARCH64_TLSLD_MOVW_G1 = 520,
	R_AARCH64_TLSLD_MOVW_G0_NC = 521,
	R_AARCH64_TLSLD_LD_PREL19 = 522,
	R_AARCH64_TLSLD_MOVW_DTPREL_G2 = 523,
	R_AARCH64_TLSLD_MOVW_DTPREL_G1 = 524,
	R_AARCH64_TLSLD_MOVW_DTPREL_G1_NC = 525,
	R_AARCH64_TLSLD_MOVW_DTPREL_G0 = 526,
	R_AARCH64_TLSLD_MOVW_DTPREL_G0_NC = 527,
	R_AARCH64_TLSLD_ADD_DTPREL_HI12 = 528,
	R_AARCH64_TLSLD_ADD_DTPREL_LO12 = 529,
	R_AARCH64_TLSLD_ADD_DTPREL_LO12_NC = 530,
	R_AARCH64_TLSLD_LDST8_DTPREL_LO12 = 531,
	R_AARCH64_TLSLD_LDST8_DTPREL_LO12_NC = 532,
	R_AARCH64_TLSLD_LDST16_DTPREL_LO12 = 533,
	R_AARCH64_TLSLD_LDST16_DTPREL_LO12_NC = 534,
	R_AARCH64_TLSLD_LDST32_DTPREL_LO12 = 535,
	R_AARCH64_TLSLD_LDST32_DTPREL_LO12_NC = 536,
	R_AARCH64_TLSLD_LDST64_DTPREL_LO12 = 537,
	R_AARCH64_TLSLD_LDST64_DTPREL_LO12_NC = 538,
	R_AARCH64_TLSIE_MOVW_GOTTPREL_G1 = 539,
	R_AARCH64_TLSIE_MOVW_GOTTPREL_G0_NC = 540,
	R_AARCH64_TLSIE_ADR_GOTTPREL_PAGE21 = 541,
	R_AARCH64_TLSIE_LD64_GOTTPREL_LO12_NC = 542,
	R_AARCH64_TLSIE_LD_GOTTPREL_PREL19 = 543,
	R_AARCH64_TLSLE_MOVW_TPREL_G2 = 544,
	R_AARCH64_TLSLE_MOVW_TPREL_G1 = 545,
	R_AARCH64_TLSLE_MOVW_TPREL_G1_NC = 546,
	R_AARCH64_TLSLE_MOVW_TPREL_G0 = 547,
	R_AARCH64_TLSLE_MOVW_TPREL_G0_NC = 548,
	R_AARCH64_TLSLE_ADD_TPREL_HI12 = 549,
	R_AARCH64_TLSLE_ADD_TPREL_LO12 = 550,
	R_AARCH64_TLSLE_ADD_TPREL_LO12_NC = 551,
	R_AARCH64_TLSLE_LDST8_TPREL_LO12 = 552,
	R_AARCH64_TLSLE_LDST8_TPREL_LO12_NC = 553,
	R_AARCH64_TLSLE_LDST16_TPREL_LO12 = 554,
	R_AARCH64_TLSLE_LDST16_TPREL_LO12_NC = 555,
	R_AARCH64_TLSLE_LDST32_TPREL_LO12 = 556,
	R_AARCH64_TLSLE_LDST32_TPREL_LO12_NC = 557,
	R_AARCH64_TLSLE_LDST64_TPREL_LO12 = 558,
	R_AARCH64_TLSLE_LDST64_TPREL_LO12_NC = 559,
	R_AARCH64_TLSDESC_LD_PREL19 = 560,
	R_AARCH64_TLSDESC_ADR_PREL21 = 561,
	R_AARCH64_TLSDESC_ADR_PAGE21 = 562,
	R_AARCH64_TLSDESC_LD64_LO12 = 563,
	R_AARCH64_TLSDESC_ADD_LO12 = 564,
	R_AARCH64_TLSDESC_OFF_G1 = 565,
	R_AARCH64_TLSDESC_OFF_G0_NC = 566,
	R_AARCH64_TLSDESC_LDR = 567,
	R_AARCH64_TLSDESC_ADD = 568,
	R_AARCH64_TLSDESC_CALL = 569,
	R_AARCH64_TLSLE_LDST128_TPREL_LO12 = 570,
	R_AARCH64_TLSLE_LDST128_TPREL_LO12_NC = 571,
	R_AARCH64_TLSLD_LDST128_DTPREL_LO12 = 572,
	R_AARCH64_TLSLD_LDST128_DTPREL_LO12_NC = 573,
	R_AARCH64_COPY = 1024,
	R_AARCH64_GLOB_DAT = 1025,
	R_AARCH64_JUMP_SLOT = 1026,
	R_AARCH64_RELATIVE = 1027,
	R_AARCH64_TLS_DTPMOD = 1028,
	R_AARCH64_TLS_DTPREL = 1029,
	R_AARCH64_TLS_TPREL = 1030,
	R_AARCH64_TLSDESC = 1031,
	R_AARCH64_IRELATIVE = 1032,
};

/* The ELF convention for the GOT base: a PC-relative reference to this
 * symbol means "the GOT of this link", which objload provides itself. */
#define ELF_GOT_SYMBOL "_GLOBAL_OFFSET_TABLE_"

/* ---- Per-machine tables --------------------------------------------- */

#define ELF_KIND_UNSUPPORTED (-1)
#define ELF_KIND_SAME (-1)

/* How one native relocation type becomes an edge. */
struct elf_reloc_type {
	const char *name;  /* NULL: no such type */
	int16_t kind;      /* arch kind, or ELF_KIND_UNSUPPORTED */
	int16_t got_kind;  /* kind when S is _GLOBAL_OFFSET_TABLE_, or
			      ELF_KIND_SAME */
	uint8_t no_symbol; /* the formula has no S: the edge gets none */
	uint8_t insn;      /* patches an instruction: an SHT_REL addend
			      would be encoded in its immediate, which the
			      plug-in does not decode */
};

#define RT(type, k) \
	[R_X86_64_##type] = { "R_X86_64_" #type, OBJLOAD_X86_64_##k, \
			      ELF_KIND_SAME, 0, 0 }
/* PC-relative to _GLOBAL_OFFSET_TABLE_ means "to the GOT base". */
#define RT_GOTSYM(type, k, gk) \
	[R_X86_64_##type] = { "R_X86_64_" #type, OBJLOAD_X86_64_##k, \
			      OBJLOAD_X86_64_##gk, 0, 0 }
/* The GOT-base relocations ignore S (it is _GLOBAL_OFFSET_TABLE_). */
#define RT_NOSYM(type, k) \
	[R_X86_64_##type] = { "R_X86_64_" #type, OBJLOAD_X86_64_##k, \
			      ELF_KIND_SAME, 1, 0 }
#define RT_NO(type) \
	[R_X86_64_##type] = { "R_X86_64_" #type, ELF_KIND_UNSUPPORTED, \
			      ELF_KIND_SAME, 0, 0 }

/*
 * x86-64: every psABI type, by number.  PLTOFF64 ("L - GOT + A") becomes
 * GOTOFF64 ("S + A - GOT"): objload resolves every symbol eagerly, so the
 * PLT entry L of a symbol can be the symbol itself.  PLT32 likewise is a
 * plain branch that may go through a stub when S is out of reach.  The
 * relaxable GOT loads (GOTPCRELX, REX_GOTPCRELX and the APX CODE_n forms)
 * are GOTPCREL32: objload keeps the GOT load and does not relax it.
 * The thread-local types map to the TLS kinds of their model (docs/
 * tls.md); TLSDESC itself (a descriptor in data) and the APX CODE_n TLS
 * forms have none: the catch-all TLS kind, refused by the core.
 */
static const struct elf_reloc_type elf_x86_64_relocs[] = {
	RT(NONE, NONE),
	RT(64, ABS64),
	RT_GOTSYM(PC32, PC32, GOTPC32),
	RT(GOT32, GOTSLOT32),
	RT(PLT32, BRANCH32),
	RT_NO(COPY),
	RT_NO(GLOB_DAT),
	RT_NO(JUMP_SLOT),
	RT_NO(RELATIVE),
	RT(GOTPCREL, GOTPCREL32),
	RT(32, ABS32),
	RT(32S, ABS32S),
	RT(16, ABS16),
	RT(PC16, PC16),
	RT(8, ABS8),
	RT(PC8, PC8),
	RT(DTPMOD64, TLSMOD64),
	RT(DTPOFF64, TLSOFF64),
	RT(TPOFF64, TPOFF64),
	RT(TLSGD, TLSGD32),
	RT(TLSLD, TLSLD32),
	RT(DTPOFF32, TLSOFF32),
	RT(GOTTPOFF, GOTTPOFF32),
	RT(TPOFF32, TPOFF32),
	RT_GOTSYM(PC64, PC64, GOTPC64),
	RT(GOTOFF64, GOTOFF64),
	RT_NOSYM(GOTPC32, GOTPC32),
	RT(GOT64, GOTSLOT64),
	RT(GOTPCREL64, GOTPCREL64),
	RT_NOSYM(GOTPC64, GOTPC64),
	RT_NO(GOTPLT64),
	RT(PLTOFF64, GOTOFF64),
	RT(SIZE32, SIZE32),
	RT(SIZE64, SIZE64),
	RT(GOTPC32_TLSDESC, TLSDESC32),
	RT(TLSDESC_CALL, TLSDESCCALL),
	RT(TLSDESC, TLS),
	RT_NO(IRELATIVE),
	RT_NO(RELATIVE64),
	RT_NO(PC32_BND),
	RT_NO(PLT32_BND),
	RT(GOTPCRELX, GOTPCRELX32),
	RT(REX_GOTPCRELX, REXGOTPCRELX32),
	RT(CODE_4_GOTPCRELX, GOTPCREL32),
	RT(CODE_4_GOTTPOFF, TLS),
	RT(CODE_4_GOTPC32_TLSDESC, TLS),
	RT(CODE_5_GOTPCRELX, GOTPCREL32),
	RT(CODE_5_GOTTPOFF, TLS),
	RT(CODE_5_GOTPC32_TLSDESC, TLS),
	RT(CODE_6_GOTPCRELX, GOTPCREL32),
	RT(CODE_6_GOTTPOFF, TLS),
	RT(CODE_6_GOTPC32_TLSDESC, TLS),
};

#undef RT
#undef RT_GOTSYM
#undef RT_NOSYM
#undef RT_NO

/* Bytes of the field each x86-64 kind patches: where an SHT_REL addend is
 * read from. */
static const uint8_t elf_x86_64_kind_width[] = {
#define OBJLOAD_X86_64_KIND(name, width, check, flags, formula) \
	[OBJLOAD_X86_64_##name] = width,
#include "objload/kinds-x86_64.def"
#undef OBJLOAD_X86_64_KIND
};

/* AArch64: data fields (RD), instruction fields (RI), and types objload
 * has no kind for (RN). */
#define RD(type, k) \
	[R_AARCH64_##type] = { "R_AARCH64_" #type, OBJLOAD_AARCH64_##k, \
			       ELF_KIND_SAME, 0, 0 }
#define RI(type, k) \
	[R_AARCH64_##type] = { "R_AARCH64_" #type, OBJLOAD_AARCH64_##k, \
			       ELF_KIND_SAME, 0, 1 }
#define RN(type) \
	[R_AARCH64_##type] = { "R_AARCH64_" #type, ELF_KIND_UNSUPPORTED, \
			       ELF_KIND_SAME, 0, 0 }

/*
 * AArch64: every AAELF64 type, by number.  The _NC types ("no check") are
 * the unchecked halves of ADRP + lo12 pairs and MOVZ/MOVK sequences.
 * PLT32 is PREL32 (objload resolves eagerly, so a symbol is its own PLT
 * entry).  Not mapped: the signed and PC-relative MOVW groups, the GOT-
 * base-relative forms (GOTREL, MOVW_GOTOFF, LD64_GOTOFF_LO15,
 * LD64_GOTPAGE_LO15 of gcc -fpic), the LDR-literal types (tiny code
 * model) and the dynamic types, which a relocatable object has no use
 * for.  Thread-local types: local exec's ADD pair, initial exec's ADRP +
 * LDR of a TP slot and the TLS descriptor sequence have kinds (an image
 * linked for an address gets a static layout, docs/tls.md); the other
 * models (GD, LD, the MOVW and LDST forms) map to the catch-all TLS kind,
 * refused by the core.
 */
static const struct elf_reloc_type elf_aarch64_relocs[] = {
	RD(NONE, NONE),
	RD(NULL, NONE),
	RD(ABS64, ABS64),
	RD(ABS32, ABS32),
	RD(ABS16, ABS16),
	RD(PREL64, PREL64),
	RD(PREL32, PREL32),
	RD(PREL16, PREL16),
	RI(MOVW_UABS_G0, MOVW_UABS_G0),
	RI(MOVW_UABS_G0_NC, MOVW_UABS_G0_NC),
	RI(MOVW_UABS_G1, MOVW_UABS_G1),
	RI(MOVW_UABS_G1_NC, MOVW_UABS_G1_NC),
	RI(MOVW_UABS_G2, MOVW_UABS_G2),
	RI(MOVW_UABS_G2_NC, MOVW_UABS_G2_NC),
	RI(MOVW_UABS_G3, MOVW_UABS_G3),
	RN(MOVW_SABS_G0),
	RN(MOVW_SABS_G1),
	RN(MOVW_SABS_G2),
	RN(LD_PREL_LO19),
	RI(ADR_PREL_LO21, ADR_LO21),
	RI(ADR_PREL_PG_HI21, ADR_PAGE21),
	RI(ADR_PREL_PG_HI21_NC, ADR_PAGE21_NC),
	RI(ADD_ABS_LO12_NC, ADD_LO12),
	RI(LDST8_ABS_LO12_NC, LDST8_LO12),
	RI(TSTBR14, TSTBR14),
	RI(CONDBR19, CONDBR19),
	RI(JUMP26, JUMP26),
	RI(CALL26, CALL26),
	RI(LDST16_ABS_LO12_NC, LDST16_LO12),
	RI(LDST32_ABS_LO12_NC, LDST32_LO12),
	RI(LDST64_ABS_LO12_NC, LDST64_LO12),
	RN(MOVW_PREL_G0),
	RN(MOVW_PREL_G0_NC),
	RN(MOVW_PREL_G1),
	RN(MOVW_PREL_G1_NC),
	RN(MOVW_PREL_G2),
	RN(MOVW_PREL_G2_NC),
	RN(MOVW_PREL_G3),
	RI(LDST128_ABS_LO12_NC, LDST128_LO12),
	RN(MOVW_GOTOFF_G0),
	RN(MOVW_GOTOFF_G0_NC),
	RN(MOVW_GOTOFF_G1),
	RN(MOVW_GOTOFF_G1_NC),
	RN(MOVW_GOTOFF_G2),
	RN(MOVW_GOTOFF_G2_NC),
	RN(MOVW_GOTOFF_G3),
	RN(GOTREL64),
	RN(GOTREL32),
	RN(GOT_LD_PREL19),
	RN(LD64_GOTOFF_LO15),
	RI(ADR_GOT_PAGE, GOT_PAGE21),
	RI(LD64_GOT_LO12_NC, GOT_LO12),
	RN(LD64_GOTPAGE_LO15),
	RD(PLT32, PREL32),
	RD(GOTPCREL32, GOT_PCREL32),
	RI(TLSGD_ADR_PREL21, TLS),
	RI(TLSGD_ADR_PAGE21, TLS),
	RI(TLSGD_ADD_LO12_NC, TLS),
	RI(TLSGD_MOVW_G1, TLS),
	RI(TLSGD_MOVW_G0_NC, TLS),
	RI(TLSLD_ADR_PREL21, TLS),
	RI(TLSLD_ADR_PAGE21, TLS),
	RI(TLSLD_ADD_LO12_NC, TLS),
	RI(TLSLD_MOVW_G1, TLS),
	RI(TLSLD_MOVW_G0_NC, TLS),
	RI(TLSLD_LD_PREL19, TLS),
	RI(TLSLD_MOVW_DTPREL_G2, TLS),
	RI(TLSLD_MOVW_DTPREL_G1, TLS),
	RI(TLSLD_MOVW_DTPREL_G1_NC, TLS),
	RI(TLSLD_MOVW_DTPREL_G0, TLS),
	RI(TLSLD_MOVW_DTPREL_G0_NC, TLS),
	RI(TLSLD_ADD_DTPREL_HI12, TLS),
	RI(TLSLD_ADD_DTPREL_LO12, TLS),
	RI(TLSLD_ADD_DTPREL_LO12_NC, TLS),
	RI(TLSLD_LDST8_DTPREL_LO12, TLS),
	RI(TLSLD_LDST8_DTPREL_LO12_NC, TLS),
	RI(TLSLD_LDST16_DTPREL_LO12, TLS),
	RI(TLSLD_LDST16_DTPREL_LO12_NC, TLS),
	RI(TLSLD_LDST32_DTPREL_LO12, TLS),
	RI(TLSLD_LDST32_DTPREL_LO12_NC, TLS),
	RI(TLSLD_LDST64_DTPREL_LO12, TLS),
	RI(TLSLD_LDST64_DTPREL_LO12_NC, TLS),
	RI(TLSIE_MOVW_GOTTPREL_G1, TLS),
	RI(TLSIE_MOVW_GOTTPREL_G0_NC, TLS),
	RI(TLSIE_ADR_GOTTPREL_PAGE21, TLSIE_PAGE21),
	RI(TLSIE_LD64_GOTTPREL_LO12_NC, TLSIE_LO12),
	RI(TLSIE_LD_GOTTPREL_PREL19, TLS),
	RI(TLSLE_MOVW_TPREL_G2, TLS),
	RI(TLSLE_MOVW_TPREL_G1, TLS),
	RI(TLSLE_MOVW_TPREL_G1_NC, TLS),
	RI(TLSLE_MOVW_TPREL_G0, TLS),
	RI(TLSLE_MOVW_TPREL_G0_NC, TLS),
	RI(TLSLE_ADD_TPREL_HI12, TLSLE_HI12),
	RI(TLSLE_ADD_TPREL_LO12, TLSLE_LO12),
	RI(TLSLE_ADD_TPREL_LO12_NC, TLSLE_LO12_NC),
	RI(TLSLE_LDST8_TPREL_LO12, TLS),
	RI(TLSLE_LDST8_TPREL_LO12_NC, TLS),
	RI(TLSLE_LDST16_TPREL_LO12, TLS),
	RI(TLSLE_LDST16_TPREL_LO12_NC, TLS),
	RI(TLSLE_LDST32_TPREL_LO12, TLS),
	RI(TLSLE_LDST32_TPREL_LO12_NC, TLS),
	RI(TLSLE_LDST64_TPREL_LO12, TLS),
	RI(TLSLE_LDST64_TPREL_LO12_NC, TLS),
	RI(TLSDESC_LD_PREL19, TLS),
	RI(TLSDESC_ADR_PREL21, TLS),
	RI(TLSDESC_ADR_PAGE21, TLSDESC_PAGE21),
	RI(TLSDESC_LD64_LO12, TLSDESC_LD64_LO12),
	RI(TLSDESC_ADD_LO12, TLSDESC_ADD_LO12),
	RI(TLSDESC_OFF_G1, TLS),
	RI(TLSDESC_OFF_G0_NC, TLS),
	RI(TLSDESC_LDR, TLS),
	RI(TLSDESC_ADD, TLS),
	RI(TLSDESC_CALL, TLSDESC_CALL),
	RI(TLSLE_LDST128_TPREL_LO12, TLS),
	RI(TLSLE_LDST128_TPREL_LO12_NC, TLS),
	RI(TLSLD_LDST128_DTPREL_LO12, TLS),
	RI(TLSLD_LDST128_DTPREL_LO12_NC, TLS),
	RN(COPY),
	RN(GLOB_DAT),
	RN(JUMP_SLOT),
	RN(RELATIVE),
	RD(TLS_DTPMOD, TLS),
	RD(TLS_DTPREL, TLSOFF64),
	RD(TLS_TPREL, TPOFF64),
	RD(TLSDESC, TLS),
	RN(IRELATIVE),
};

#undef RD
#undef RI
#undef RN

static const uint8_t elf_aarch64_kind_width[] = {
#define OBJLOAD_AARCH64_KIND(name, width, check, range_bits, flags, formula) \
	[OBJLOAD_AARCH64_##name] = width,
#include "objload/kinds-aarch64.def"
#undef OBJLOAD_AARCH64_KIND
};

struct elf_machine {
	uint16_t e_machine;
	objload_arch_id arch;
	const char *name;
	/* Indexed by native type. */
	const struct elf_reloc_type *relocs;
	uint32_t nrelocs;
	const uint8_t *kind_width;
	unsigned nkinds;
	uint32_t unwind_type;          /* SHT_ of unwind tables, 0: none */
	const char *unwind_type_name;  /* as readelf shows it */
	uint16_t large_common;         /* SHN_ of large commons, 0: none */
};

static const struct elf_machine elf_machines[] = {
	{
		.e_machine = EM_X86_64,
		.arch = OBJLOAD_ARCH_X86_64,
		.name = "x86-64",
		.relocs = elf_x86_64_relocs,
		.nrelocs = sizeof(elf_x86_64_relocs) / sizeof(elf_x86_64_relocs[0]),
		.kind_width = elf_x86_64_kind_width,
		.nkinds = sizeof(elf_x86_64_kind_width) / sizeof(elf_x86_64_kind_width[0]),
		.unwind_type = SHT_X86_64_UNWIND,
		.unwind_type_name = "X86_64_UNWIND",
		.large_common = SHN_X86_64_LCOMMON,
	},
	{
		.e_machine = EM_AARCH64,
		.arch = OBJLOAD_ARCH_AARCH64,
		.name = "AArch64",
		.relocs = elf_aarch64_relocs,
		.nrelocs = sizeof(elf_aarch64_relocs) / sizeof(elf_aarch64_relocs[0]),
		.kind_width = elf_aarch64_kind_width,
		.nkinds = sizeof(elf_aarch64_kind_width) / sizeof(elf_aarch64_kind_width[0]),
	},
};

#define ELF_NMACHINES (sizeof(elf_machines) / sizeof(elf_machines[0]))

static const struct elf_machine *elf_machine_by_arch(objload_arch_id arch)
{
	for (size_t i = 0; i < ELF_NMACHINES; i++)
		if (elf_machines[i].arch == arch)
			return &elf_machines[i];
	return NULL;
}

/* The kind a native type maps to, or NULL when the type is unknown or not
 * supported. */
static const struct elf_reloc_type *elf_reloc_lookup(const struct elf_machine *m,
						     uint32_t type)
{
	const struct elf_reloc_type *rt;

	if (!m->relocs || type >= m->nrelocs)
		return NULL;
	rt = &m->relocs[type];
	if (!rt->name || rt->kind == ELF_KIND_UNSUPPORTED)
		return NULL;
	return rt;
}

/* ---- Bounds-checked reading ----------------------------------------- */

/* ---- Parse state ------------------------------------------------------ */

struct elf_shdr {
	uint32_t name;
	uint32_t type;
	uint64_t flags;
	uint64_t addr;
	uint64_t offset;
	uint64_t size;
	uint32_t link;
	uint32_t info;
	uint64_t addralign;
	uint64_t entsize;
};

struct elf_sym {
	uint32_t name;
	uint8_t info;
	uint8_t other;
	uint16_t shndx;
	uint64_t value;
	uint64_t size;
};

struct elf_rel {
	uint64_t offset;
	uint32_t sym;
	uint32_t type;
	int64_t addend;
};

/* Kept in img->format_data (allocated with objload_image_alloc). */
struct elf_info {
	uint16_t e_machine;
	uint32_t symtab;               /* section index, 0: none */
	size_t skipped_relocations;    /* of sections that are not loaded */
};

struct elf_ctx {
	objload_image *img;
	const uint8_t *file;
	size_t size;
	const struct elf_machine *mach;
	struct elf_info *info;
	uint64_t shoff;
	uint32_t shnum;
	uint32_t shstrndx;             /* 0: sections have no names */
	struct elf_shdr *sh;           /* shnum headers (malloc) */
	const char **names;            /* shnum validated names (malloc) */
	uint32_t *owner;               /* group section holding each section */
	uint32_t symtab, strtab, shndx_table;
	uint32_t nsyms;
	int linked;                    /* ET_DYN: formats/elf/elf_dyn.c */
	struct elf_dyn_header dyn;
};

/* Is [off, off + len) inside the file?  Written so that it cannot
 * overflow. */
static int elf_in_file(const struct elf_ctx *c, uint64_t off, uint64_t len)
{
	return off <= (uint64_t)c->size && (uint64_t)c->size - off >= len;
}

static int elf_window(const struct elf_ctx *c, uint64_t off, uint64_t len,
		      struct rd_cursor *cur)
{
	if (!elf_in_file(c, off, len))
		return -1;
	cur->p = c->file + (size_t)off;
	cur->len = (size_t)len;
	cur->off = 0;
	return 0;
}

static objload_status elf_truncated(struct elf_ctx *c, const char *what,
				    uint64_t off)
{
	return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
				   "%s at offset 0x%llx is outside the file (%zu bytes)",
				   what, (unsigned long long)off, c->size);
}

static objload_status elf_read_shdr(struct elf_ctx *c, uint32_t i,
				    struct elf_shdr *sh)
{
	struct rd_cursor cur;
	uint64_t off = c->shoff + (uint64_t)i * ELF64_SHDR_SIZE;

	if (elf_window(c, off, ELF64_SHDR_SIZE, &cur) ||
	    rd_u32(&cur, &sh->name) || rd_u32(&cur, &sh->type) ||
	    rd_u64(&cur, &sh->flags) || rd_u64(&cur, &sh->addr) ||
	    rd_u64(&cur, &sh->offset) || rd_u64(&cur, &sh->size) ||
	    rd_u32(&cur, &sh->link) || rd_u32(&cur, &sh->info) ||
	    rd_u64(&cur, &sh->addralign) || rd_u64(&cur, &sh->entsize))
		return elf_truncated(c, "section header", off);
	return OBJLOAD_OK;
}

static inline objload_status elf_read_sym(struct elf_ctx *c, uint32_t i,
				   struct elf_sym *s)
{
	struct rd_cursor cur;
	const struct elf_shdr *st = &c->sh[c->symtab];
	uint64_t off = st->offset + (uint64_t)i * ELF64_SYM_SIZE;

	if (i >= c->nsyms || elf_window(c, off, ELF64_SYM_SIZE, &cur) ||
	    rd_u32(&cur, &s->name) || rd_u8(&cur, &s->info) ||
	    rd_u8(&cur, &s->other) || rd_u16(&cur, &s->shndx) ||
	    rd_u64(&cur, &s->value) || rd_u64(&cur, &s->size))
		return elf_truncated(c, "symbol", off);
	return OBJLOAD_OK;
}

/* Entry i of SHT_SYMTAB_SHNDX: the section of symbol i when its st_shndx
 * is SHN_XINDEX. */
static objload_status elf_read_xindex(struct elf_ctx *c, uint32_t i,
				      uint32_t *shndx)
{
	struct rd_cursor cur;
	const struct elf_shdr *x = &c->sh[c->shndx_table];
	uint64_t off = x->offset + (uint64_t)i * 4;

	if (elf_window(c, off, 4, &cur) || rd_u32(&cur, shndx))
		return elf_truncated(c, "extended section index", off);
	return OBJLOAD_OK;
}

static inline objload_status elf_read_rel(struct elf_ctx *c, uint32_t r, uint64_t k,
				   struct elf_rel *rel)
{
	const struct elf_shdr *rs = &c->sh[r];
	int rela = rs->type == SHT_RELA;
	uint64_t esz = rela ? ELF64_RELA_SIZE : ELF64_REL_SIZE;
	uint64_t off = rs->offset + k * esz;
	uint64_t info, addend = 0;
	const uint8_t *p;

	/* one range check covers the whole entry */
	if (!elf_in_file(c, off, esz)) {
		elf_truncated(c, "relocation", off);
		return OBJLOAD_ERR_FORMAT;   /* what elf_truncated returns */
	}
	p = c->file + (size_t)off;
	rel->offset = rd_le(p, 8);
	info = rd_le(p + 8, 8);
	if (rela)
		addend = rd_le(p + 16, 8);
	rel->sym = (uint32_t)(info >> 32);
	rel->type = (uint32_t)info;
	rel->addend = (int64_t)addend;
	return OBJLOAD_OK;
}

/* Word k of a group section: 0 is the flag word, then member indices. */
static objload_status elf_read_group_word(struct elf_ctx *c, uint32_t g,
					  uint64_t k, uint32_t *w)
{
	struct rd_cursor cur;
	uint64_t off = c->sh[g].offset + k * 4;

	if (elf_window(c, off, 4, &cur) || rd_u32(&cur, w))
		return elf_truncated(c, "group entry", off);
	return OBJLOAD_OK;
}

/* Resolve a symbol's st_shndx through SHN_XINDEX. */
static objload_status elf_sym_shndx(struct elf_ctx *c, uint32_t i,
				    const struct elf_sym *s, uint32_t *shndx)
{
	if (s->shndx != SHN_XINDEX) {
		*shndx = s->shndx;
		return OBJLOAD_OK;
	}
	if (!c->shndx_table)
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "symbol %u: st_shndx is SHN_XINDEX but the file has no SHT_SYMTAB_SHNDX section",
					   i);
	return elf_read_xindex(c, i, shndx);
}

static int elf_is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static int elf_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- Constructor and destructor tables -------------------------------- */

struct elf_init_class {
	int is_init;               /* the section is an init/fini table */
	objload_init_kind kind;
	uint32_t priority;
	int reverse;
	int bad_priority;          /* a .NNNNN suffix above 65535 */
};

/* The names that make a section a table, and what a .NNNNN priority
 * suffix means.  Without a suffix a table runs after every prioritised
 * one (65536).  .preinit_array runs before everything (0; ties keep the
 * order of the sections).  .ctors/.dtors are marked `reverse`, as
 * plugin.h asks, and their suffix is 65535 - priority. */
static const struct {
	const char *name;
	uint32_t type;                 /* the SHT_ that means the same, or 0 */
	objload_init_kind kind;
	uint32_t base_priority;        /* without a suffix */
	int suffix;                    /* takes a .NNNNN priority suffix */
	int legacy;                    /* .ctors/.dtors rules */
} elf_init_names[] = {
	{ ".preinit_array", SHT_PREINIT_ARRAY, OBJLOAD_INIT_CONSTRUCTOR, 0, 0, 0 },
	{ ".init_array", SHT_INIT_ARRAY, OBJLOAD_INIT_CONSTRUCTOR, 65536, 1, 0 },
	{ ".fini_array", SHT_FINI_ARRAY, OBJLOAD_INIT_DESTRUCTOR, 65536, 1, 0 },
	{ ".ctors", 0, OBJLOAD_INIT_CONSTRUCTOR, 65536, 1, 1 },
	{ ".dtors", 0, OBJLOAD_INIT_DESTRUCTOR, 65536, 1, 1 },
};

#define ELF_NINIT_NAMES (sizeof(elf_init_names) / sizeof(elf_init_names[0]))

/* "NNNNN" (1 to 10 digits, nothing else) to *n. */
static int elf_parse_priority(const char *s, uint64_t *n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (i == 0)
		return -1;
	*n = v;
	return 0;
}

static void elf_classify_init(const char *name, uint32_t type,
			      struct elf_init_class *ic)
{
	memset(ic, 0, sizeof(*ic));
	/* every table name starts with ".p", ".i", ".f", ".c" or ".d"; most
	 * sections are named otherwise and only the type test below applies */
	if (name[0] != '.' || !strchr("pifcd", name[1]) || !name[1])
		goto by_type;
	for (size_t k = 0; k < ELF_NINIT_NAMES; k++) {
		size_t len;
		uint64_t n;

		/* ".data", ".comment", ".debug_*" pass the test above: their
		 * second letter sends them past most names */
		if (name[1] != elf_init_names[k].name[1])
			continue;
		len = strlen(elf_init_names[k].name);
		if (strncmp(name, elf_init_names[k].name, len) != 0)
			continue;
		if (name[len] == '\0') {
			ic->priority = elf_init_names[k].base_priority;
		} else if (name[len] == '.' && elf_init_names[k].suffix &&
			   elf_parse_priority(name + len + 1, &n) == 0) {
			if (n > 65535) {
				ic->bad_priority = 1;
				n = 65535;
			}
			ic->priority = elf_init_names[k].legacy ?
				       65535 - (uint32_t)n : (uint32_t)n;
		} else {
			continue;
		}
		ic->is_init = 1;
		ic->kind = elf_init_names[k].kind;
		ic->reverse = elf_init_names[k].legacy;
		return;
	}
by_type:
	/* Any other name with an init-array type: no priority. */
	for (size_t k = 0; k < ELF_NINIT_NAMES; k++) {
		if (elf_init_names[k].type && elf_init_names[k].type == type) {
			ic->is_init = 1;
			ic->kind = elf_init_names[k].kind;
			ic->priority = elf_init_names[k].base_priority;
			return;
		}
	}
}

/* ---- Validation --------------------------------------------------------- */

static objload_status elf_check_header(struct elf_ctx *c)
{
	objload_image *img = c->img;
	const uint8_t *id = c->file;
	struct rd_cursor cur;
	uint16_t e_type, e_machine, ehsize, phentsize, phnum, shentsize, shnum,
		 shstrndx;
	uint32_t version, flags;
	uint64_t entry, phoff;
	struct elf_shdr sh0;
	objload_status st;

	if (c->size < EI_NIDENT || memcmp(id, "\177ELF", 4) != 0)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "not an ELF file or shorter than the %d-byte identification",
					   EI_NIDENT);
	if (id[EI_CLASS] == ELFCLASS32)
		return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
					   "32-bit ELF (ELFCLASS32) is not supported");
	if (id[EI_CLASS] != ELFCLASS64)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "unknown ELF class %u", id[EI_CLASS]);
	if (id[EI_DATA] == ELFDATA2MSB)
		return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
					   "big-endian ELF (ELFDATA2MSB) is not supported");
	if (id[EI_DATA] != ELFDATA2LSB)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "unknown ELF data encoding %u", id[EI_DATA]);
	if (id[EI_VERSION] != EV_CURRENT)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "unknown ELF identification version %u",
					   id[EI_VERSION]);

	if (elf_window(c, 0, ELF64_EHDR_SIZE, &cur))
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "file is %zu bytes, shorter than the %d-byte ELF header",
					   c->size, ELF64_EHDR_SIZE);
	cur.off = EI_NIDENT;
	if (rd_u16(&cur, &e_type) || rd_u16(&cur, &e_machine) ||
	    rd_u32(&cur, &version) || rd_u64(&cur, &entry) ||
	    rd_u64(&cur, &phoff) || rd_u64(&cur, &c->shoff) ||
	    rd_u32(&cur, &flags) || rd_u16(&cur, &ehsize) ||
	    rd_u16(&cur, &phentsize) || rd_u16(&cur, &phnum) ||
	    rd_u16(&cur, &shentsize) || rd_u16(&cur, &shnum) ||
	    rd_u16(&cur, &shstrndx))
		return elf_truncated(c, "ELF header", 0);

	if (version != EV_CURRENT)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "unknown ELF version %u (e_version)", version);
	switch (e_type) {
	case ET_REL:
		break;
	case ET_DYN:
		c->linked = 1;
		break;
	case ET_EXEC:
	case ET_CORE:
		return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
					   "%s: only relocatable objects (ET_REL) are supported yet",
					   e_type == ET_EXEC ? "executable (ET_EXEC)" :
					   "core file (ET_CORE)");
	default:
		if (e_type >= 0xfe00)  /* ET_LOOS..ET_HIPROC */
			return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
						   "ELF type 0x%x: only relocatable objects (ET_REL) are supported yet",
						   e_type);
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "unknown ELF type %u (e_type)", e_type);
	}

	c->mach = NULL;
	for (size_t i = 0; i < ELF_NMACHINES; i++)
		if (elf_machines[i].e_machine == e_machine)
			c->mach = &elf_machines[i];
	if (!c->mach)
		return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
					   "machine %u (e_machine) is not supported; objload knows x86-64 (62) and AArch64 (183)",
					   e_machine);
	if (c->linked) {
		/* a linked image is read through its program headers */
		c->dyn = (struct elf_dyn_header){ .e_machine = e_machine, .arch = c->mach->arch,
						  .phoff = phoff, .phentsize = phentsize,
						  .phnum = phnum };
		return OBJLOAD_OK;
	}

	c->shnum = 0;
	c->shstrndx = 0;
	if (c->shoff == 0) {
		if (shnum != 0)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "e_shnum is %u but there is no section header table (e_shoff is 0)",
						   shnum);
		return OBJLOAD_OK;  /* no sections at all */
	}

	if (shentsize != ELF64_SHDR_SIZE)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "section header size %u (e_shentsize) is not %d",
					   shentsize, ELF64_SHDR_SIZE);
	if (!elf_in_file(c, c->shoff, ELF64_SHDR_SIZE))
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "section header table at offset 0x%llx (e_shoff) is outside the file (%zu bytes)",
					   (unsigned long long)c->shoff, c->size);
	st = elf_read_shdr(c, 0, &sh0);
	if (st)
		return st;

	/* Extended numbering: the count and the name table index live in
	 * section 0 when they do not fit the header. */
	if (shnum == 0) {
		if (sh0.size == 0)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "e_shoff is set but e_shnum and section 0's sh_size are both 0");
		if (sh0.size >= OBJLOAD_NO_INDEX)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "extended section count %llu (section 0's sh_size) is too large",
						   (unsigned long long)sh0.size);
		c->shnum = (uint32_t)sh0.size;
	} else {
		c->shnum = shnum;
	}
	if (c->shnum > ((uint64_t)c->size - c->shoff) / ELF64_SHDR_SIZE)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "section header table (%u entries at offset 0x%llx) extends past the end of the file (%zu bytes)",
					   c->shnum, (unsigned long long)c->shoff, c->size);

	if (shstrndx == SHN_XINDEX)
		c->shstrndx = sh0.link;
	else if (shstrndx >= SHN_LORESERVE)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "section-name table index 0x%x (e_shstrndx) is a reserved index",
					   shstrndx);
	else
		c->shstrndx = shstrndx;
	if (c->shstrndx >= c->shnum)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "section-name table index %u (e_shstrndx) is not below the section count %u",
					   c->shstrndx, c->shnum);
	return OBJLOAD_OK;
}

/* Section name checks: the table is a valid, NUL-terminated STRTAB and
 * every sh_name is inside it. */
static objload_status elf_check_names(struct elf_ctx *c)
{
	const struct elf_shdr *ns;
	uint32_t n = c->shstrndx;

	for (uint32_t i = 0; i < c->shnum; i++)
		c->names[i] = "";
	if (n == 0)
		return OBJLOAD_OK;  /* the file gives no names */
	ns = &c->sh[n];
	if (ns->type != SHT_STRTAB)
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "section %u (section-name table): type %u is not SHT_STRTAB",
					   n, ns->type);
	if (!elf_in_file(c, ns->offset, ns->size))
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "section %u (section-name table): contents (offset 0x%llx, size 0x%llx) extend past the end of the file (%zu bytes)",
					   n, (unsigned long long)ns->offset,
					   (unsigned long long)ns->size, c->size);
	if (ns->size == 0 || c->file[ns->offset + ns->size - 1] != '\0')
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "section %u (section-name table): string table does not end with a NUL byte",
					   n);
	for (uint32_t i = 1; i < c->shnum; i++) {
		if (c->sh[i].name >= ns->size)
			return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
						   "section %u: sh_name %u is outside the section-name table (section %u, %llu bytes)",
						   i, c->sh[i].name, n,
						   (unsigned long long)ns->size);
		c->names[i] = (const char *)c->file + ns->offset + c->sh[i].name;
	}
	return OBJLOAD_OK;
}

/* Checks of one section header that need no other section. */
static objload_status elf_check_section(struct elf_ctx *c, uint32_t i)
{
	const struct elf_shdr *s = &c->sh[i];
	const char *name = c->names[i];
	objload_image *img = c->img;
	struct elf_init_class ic;
	uint64_t esz = 0;

	if (s->type != SHT_NOBITS && !elf_in_file(c, s->offset, s->size))
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "section %u (%s): contents (offset 0x%llx, size 0x%llx) extend past the end of the file (%zu bytes)",
					   i, name, (unsigned long long)s->offset,
					   (unsigned long long)s->size, c->size);
	if (s->addralign != 0 && !elf_is_pow2(s->addralign))
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "section %u (%s): alignment %llu (sh_addralign) is not a power of two",
					   i, name, (unsigned long long)s->addralign);
	if ((s->flags & SHF_ALLOC) && (s->flags & SHF_COMPRESSED))
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "section %u (%s): SHF_COMPRESSED on an SHF_ALLOC section",
					   i, name);

	switch (s->type) {
	case SHT_SYMTAB:
		if (c->symtab)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s): a second symbol table (the first is section %u)",
						   i, name, c->symtab);
		c->symtab = i;
		esz = ELF64_SYM_SIZE;
		break;
	case SHT_SYMTAB_SHNDX:
		if (c->shndx_table)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s): a second SHT_SYMTAB_SHNDX section (the first is section %u)",
						   i, name, c->shndx_table);
		c->shndx_table = i;
		esz = 4;
		break;
	case SHT_RELA:
		esz = ELF64_RELA_SIZE;
		break;
	case SHT_REL:
		esz = ELF64_REL_SIZE;
		break;
	case SHT_GROUP:
		esz = 4;
		if (s->size < 4)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s): group section has no flag word",
						   i, name);
		break;
	case SHT_STRTAB:
		if (s->size && c->file[s->offset + s->size - 1] != '\0')
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s): string table does not end with a NUL byte",
						   i, name);
		break;
	default:
		break;
	}
	if (esz && s->entsize != esz)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "section %u (%s): entry size %llu (sh_entsize) is not %llu",
					   i, name, (unsigned long long)s->entsize,
					   (unsigned long long)esz);
	if (esz && s->size % esz)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "section %u (%s): size %llu is not a multiple of the entry size %llu",
					   i, name, (unsigned long long)s->size,
					   (unsigned long long)esz);

	elf_classify_init(name, s->type, &ic);
	if (ic.is_init) {
		if (!(s->flags & SHF_ALLOC))
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s): constructor/destructor table without SHF_ALLOC",
						   i, name);
		if (s->type == SHT_NOBITS)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s): constructor/destructor table is SHT_NOBITS",
						   i, name);
		if (s->size % ELF64_ADDR_SIZE)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s): constructor/destructor table size %llu is not a multiple of %d",
						   i, name, (unsigned long long)s->size,
						   ELF64_ADDR_SIZE);
		if (ic.bad_priority)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s): priority suffix is larger than 65535",
						   i, name);
	}
	return OBJLOAD_OK;
}

/* Checks of sections that refer to other sections. */
/* A section that is one of the file's own tables, which no relocation may
 * patch (a relocation section patching one would be skipped as "not
 * loaded" and the file would load as if it had no such section). */
static int elf_is_table(uint32_t type)
{
	return type == SHT_NULL || type == SHT_SYMTAB || type == SHT_STRTAB ||
	       type == SHT_RELA || type == SHT_REL || type == SHT_DYNSYM ||
	       type == SHT_GROUP || type == SHT_SYMTAB_SHNDX || type == SHT_RELR;
}

static objload_status elf_check_links(struct elf_ctx *c)
{
	objload_image *img = c->img;

	if (c->symtab) {
		const struct elf_shdr *st = &c->sh[c->symtab];
		uint64_t n = st->size / ELF64_SYM_SIZE;

		if (n >= OBJLOAD_NO_INDEX)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s): too many symbols (%llu)",
						   c->symtab, c->names[c->symtab],
						   (unsigned long long)n);
		c->nsyms = (uint32_t)n;
		if (st->link == 0 || st->link >= c->shnum ||
		    c->sh[st->link].type != SHT_STRTAB)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s): sh_link %u is not a string table",
						   c->symtab, c->names[c->symtab], st->link);
		c->strtab = st->link;
		if (st->info > c->nsyms)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s): first non-local symbol %u (sh_info) is past the %u symbols",
						   c->symtab, c->names[c->symtab], st->info,
						   c->nsyms);
	}
	if (c->shndx_table) {
		const struct elf_shdr *x = &c->sh[c->shndx_table];

		if (x->link != c->symtab || c->symtab == 0)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s): sh_link %u is not the symbol table",
						   c->shndx_table, c->names[c->shndx_table],
						   x->link);
		if (x->size / 4 != c->nsyms)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s): %llu entries for %u symbols",
						   c->shndx_table, c->names[c->shndx_table],
						   (unsigned long long)(x->size / 4), c->nsyms);
	}

	for (uint32_t i = 1; i < c->shnum; i++) {
		const struct elf_shdr *s = &c->sh[i];
		const char *name = c->names[i];

		if (s->type == SHT_RELA || s->type == SHT_REL) {
			if (c->symtab == 0 || s->link != c->symtab)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "section %u (%s): sh_link %u is not the symbol table",
							   i, name, s->link);
			if (s->info == 0 || s->info >= c->shnum || s->info == i)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "section %u (%s): target section %u (sh_info) is not a valid section",
							   i, name, s->info);
			if (s->size && c->sh[s->info].type == SHT_NOBITS)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "section %u (%s): relocates section %u (%s), which is SHT_NOBITS",
							   i, name, s->info, c->names[s->info]);
			if (s->size && elf_is_table(c->sh[s->info].type))
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "section %u (%s): relocates section %u (%s), one of the file's own tables (type %u), not contents",
							   i, name, s->info, c->names[s->info],
							   c->sh[s->info].type);
		} else if (s->type == SHT_GROUP) {
			if (c->symtab == 0 || s->link != c->symtab)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "section %u (%s): sh_link %u is not the symbol table",
							   i, name, s->link);
			if (s->info == 0 || s->info >= c->nsyms)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "section %u (%s): signature symbol %u (sh_info) is not a valid symbol",
							   i, name, s->info);
		}
	}
	return OBJLOAD_OK;
}

static objload_status elf_check_symbols(struct elf_ctx *c)
{
	objload_image *img = c->img;
	const struct elf_shdr *strtab;

	if (!c->symtab)
		return OBJLOAD_OK;
	strtab = &c->sh[c->strtab];
	for (uint32_t i = 1; i < c->nsyms; i++) {
		struct elf_sym s;
		uint32_t shndx;
		unsigned bind, type;
		const char *name;
		objload_status st = elf_read_sym(c, i, &s);

		if (st)
			return st;
		if (s.name >= strtab->size)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "symbol %u: st_name %u is outside the string table (section %u (%s), %llu bytes)",
						   i, s.name, c->strtab, c->names[c->strtab],
						   (unsigned long long)strtab->size);
		name = (const char *)c->file + strtab->offset + s.name;
		bind = s.info >> 4;
		type = s.info & 0xf;
		if (bind > STB_WEAK && bind < STB_LOOS)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "symbol %u (%s): reserved binding %u",
						   i, name,
						   bind);
		if (type > STT_TLS && type < STT_LOOS)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "symbol %u (%s): reserved type %u",
						   i, name,
						   type);

		st = elf_sym_shndx(c, i, &s, &shndx);
		if (st)
			return st;
		if (s.shndx == SHN_XINDEX) {
			if (shndx == 0 || shndx >= c->shnum)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "symbol %u (%s): extended section index %u is not a valid section",
							   i, name,
							   shndx);
		} else if (shndx == SHN_COMMON ||
			   (c->mach->large_common && shndx == c->mach->large_common)) {
			if (s.value && !elf_is_pow2(s.value))
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "symbol %u (%s): common alignment %llu is not a power of two",
							   i, name,
							   (unsigned long long)s.value);
			continue;
		} else if (shndx == SHN_UNDEF || shndx == SHN_ABS) {
			continue;
		} else if (shndx >= SHN_LORESERVE) {
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "symbol %u (%s): st_shndx 0x%x is a reserved index objload does not know",
						   i, name,
						   shndx);
		} else if (shndx >= c->shnum) {
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "symbol %u (%s): section %u (st_shndx) is not below the section count %u",
						   i, name,
						   shndx, c->shnum);
		}
		if (s.value > c->sh[shndx].size)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "symbol %u (%s): offset 0x%llx (st_value) is past the end of section %u (%s), 0x%llx bytes",
						   i, name,
						   (unsigned long long)s.value, shndx,
						   c->names[shndx],
						   (unsigned long long)c->sh[shndx].size);
	}
	return OBJLOAD_OK;
}

static objload_status elf_check_relocations(struct elf_ctx *c)
{
	objload_image *img = c->img;

	for (uint32_t r = 1; r < c->shnum; r++) {
		const struct elf_shdr *rs = &c->sh[r];
		uint64_t n, esz;
		uint32_t t;

		if (rs->type != SHT_RELA && rs->type != SHT_REL)
			continue;
		esz = rs->type == SHT_RELA ? ELF64_RELA_SIZE : ELF64_REL_SIZE;
		n = rs->size / esz;
		t = rs->info;
		for (uint64_t k = 0; k < n; k++) {
			const struct elf_reloc_type *rt;
			struct elf_rel rel;
			uint64_t width = 0;
			objload_status st = elf_read_rel(c, r, k, &rel);

			if (st)
				return st;
			if (rel.sym >= c->nsyms)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "section %u (%s): relocation %llu: symbol %u (r_sym) is not below the symbol count %u",
							   r, c->names[r], (unsigned long long)k,
							   rel.sym, c->nsyms);
			rt = elf_reloc_lookup(c->mach, rel.type);
			if (rt && (unsigned)rt->kind < c->mach->nkinds)
				width = c->mach->kind_width[rt->kind];
			if (rel.offset > c->sh[t].size ||
			    c->sh[t].size - rel.offset < width)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "section %u (%s): relocation %llu: field at offset 0x%llx (%llu bytes) is outside section %u (%s), 0x%llx bytes",
							   r, c->names[r], (unsigned long long)k,
							   (unsigned long long)rel.offset,
							   (unsigned long long)width, t,
							   c->names[t],
							   (unsigned long long)c->sh[t].size);
		}
	}
	return OBJLOAD_OK;
}

static objload_status elf_check_groups(struct elf_ctx *c)
{
	objload_image *img = c->img;

	for (uint32_t g = 1; g < c->shnum; g++) {
		const struct elf_shdr *gs = &c->sh[g];
		uint32_t flags;
		uint64_t n;
		objload_status st;

		if (gs->type != SHT_GROUP)
			continue;
		st = elf_read_group_word(c, g, 0, &flags);
		if (st)
			return st;
		if (flags & ~(GRP_COMDAT | GRP_MASKOS | GRP_MASKPROC))
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s): unknown group flags 0x%x",
						   g, c->names[g], flags);
		n = gs->size / 4;
		for (uint64_t k = 1; k < n; k++) {
			uint32_t m;

			st = elf_read_group_word(c, g, k, &m);
			if (st)
				return st;
			if (m == 0 || m >= c->shnum || m == g)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "section %u (%s): member %u is not a valid section",
							   g, c->names[g], m);
			if (c->owner[m])
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "section %u (%s): member %u (%s) is already in group section %u",
							   g, c->names[g], m, c->names[m],
							   c->owner[m]);
			c->owner[m] = g;
		}
	}
	return OBJLOAD_OK;
}

/*
 * Every check of the file, made once, before anything is built.  The build
 * steps after this read only what was checked here.
 *
 * ELF header (elf_check_header):
 *   - at least EI_NIDENT bytes with the \177ELF magic;
 *   - EI_CLASS is ELFCLASS64 (ELFCLASS32: unsupported), EI_DATA is
 *     ELFDATA2LSB (ELFDATA2MSB: unsupported), EI_VERSION is EV_CURRENT;
 *   - the whole 64-byte header is inside the file; e_version is EV_CURRENT;
 *   - e_type is ET_REL, or ET_DYN (a shared object or PIE: checked and
 *     built from its program headers by formats/elf/elf_dyn.c once the
 *     machine is known); ET_EXEC, ET_CORE and OS/processor types are
 *     unsupported, other values malformed;
 *   - e_machine is EM_X86_64 or EM_AARCH64 (others unsupported);
 *   - e_shoff 0 (no section header table) only with e_shnum 0;
 *   - when e_shoff is not 0: e_shentsize is 64; section 0's header is
 *     inside the file; the section count (e_shnum, or section 0's sh_size
 *     when e_shnum is 0) is not 0 and below OBJLOAD_NO_INDEX; the whole
 *     table fits, checked as count <= (size - e_shoff) / 64 so nothing can
 *     overflow; the name table index (e_shstrndx, or section 0's sh_link
 *     when it is SHN_XINDEX) is not another reserved index and is below
 *     the count.
 * Section names (elf_check_names): the name table is SHT_STRTAB, inside
 *   the file, non-empty and NUL-terminated; every sh_name is inside it.
 * Each section (elf_check_section):
 *   - contents inside the file (offset <= size && size - offset >= len)
 *     unless SHT_NOBITS;
 *   - sh_addralign is 0 or a power of two;
 *   - no SHF_COMPRESSED on an SHF_ALLOC section;
 *   - at most one SHT_SYMTAB and one SHT_SYMTAB_SHNDX;
 *   - sh_entsize and a size that is a multiple of it for SHT_SYMTAB (24),
 *     SHT_RELA (24), SHT_REL (16), SHT_GROUP (4, plus a flag word) and
 *     SHT_SYMTAB_SHNDX (4);
 *   - every SHT_STRTAB that is not empty ends with a NUL byte, so every
 *     name below its size is a C string;
 *   - constructor/destructor tables (by name or by SHT_*_ARRAY type) are
 *     SHF_ALLOC, not SHT_NOBITS, a multiple of 8 bytes, and a .NNNNN
 *     priority suffix is at most 65535.
 * Links (elf_check_links):
 *   - the symbol table has fewer than OBJLOAD_NO_INDEX entries, its
 *     sh_link is an SHT_STRTAB section, its sh_info is at most the count;
 *   - SHT_SYMTAB_SHNDX links to the symbol table and has one entry per
 *     symbol;
 *   - SHT_RELA/SHT_REL: sh_link is the symbol table, sh_info a section
 *     other than 0 and itself, and, when there are entries, neither
 *     SHT_NOBITS nor one of the file's tables (symbols, strings,
 *     relocations, groups);
 *   - SHT_GROUP: sh_link is the symbol table, sh_info a symbol other
 *     than 0.
 * Symbols (elf_check_symbols), every one but symbol 0:
 *   - st_name inside the string table;
 *   - binding and type not in the reserved ranges (3..9 and 7..9);
 *   - st_shndx is SHN_UNDEF, SHN_ABS, SHN_COMMON (alignment 0 or a power
 *     of two), the machine's large-common index, or a section below the
 *     count; SHN_XINDEX needs SHT_SYMTAB_SHNDX, whose entry must be a
 *     section other than 0 and below the count; other reserved indices
 *     are rejected;
 *   - a symbol defined in a section has st_value <= the section's size.
 * Relocations (elf_check_relocations), of every relocation section:
 *   - r_sym below the symbol count;
 *   - r_offset plus the field width of the type's kind inside the target
 *     section (width 0 for types without a kind: the build rejects them
 *     when the target is loaded, and ignores them otherwise).
 * Groups (elf_check_groups): the flag word has only GRP_COMDAT and OS or
 *   processor bits; every member is a section other than 0 and the group
 *   itself, below the count, and in no other group.
 */
static objload_status elf_validate(struct elf_ctx *c)
{
	objload_status st;

	st = elf_check_header(c);
	if (st || c->shnum == 0)
		return st;

	c->sh = calloc(c->shnum, sizeof(*c->sh));
	c->names = calloc(c->shnum, sizeof(*c->names));
	c->owner = calloc(c->shnum, sizeof(*c->owner));
	if (!c->sh || !c->names || !c->owner)
		return objload_image_error(c->img, OBJLOAD_ERR_NOMEM,
					   "out of memory for %u section headers",
					   c->shnum);
	for (uint32_t i = 0; i < c->shnum; i++) {
		st = elf_read_shdr(c, i, &c->sh[i]);
		if (st)
			return st;
	}
	st = elf_check_names(c);
	if (st)
		return st;
	for (uint32_t i = 1; i < c->shnum; i++) {
		st = elf_check_section(c, i);
		if (st)
			return st;
	}
	st = elf_check_links(c);
	if (!st)
		st = elf_check_symbols(c);
	if (!st)
		st = elf_check_relocations(c);
	if (!st)
		st = elf_check_groups(c);
	return st;
}

/* ---- Building the image ----------------------------------------------- */

/* The SHT_ name without its prefix, as readelf shows it. */
static const char *elf_sht_name(struct elf_ctx *c, uint32_t type)
{
	static const char *const gabi[] = {
		[SHT_NULL] = "NULL",
		[SHT_PROGBITS] = "PROGBITS",
		[SHT_SYMTAB] = "SYMTAB",
		[SHT_STRTAB] = "STRTAB",
		[SHT_RELA] = "RELA",
		[SHT_HASH] = "HASH",
		[SHT_DYNAMIC] = "DYNAMIC",
		[SHT_NOTE] = "NOTE",
		[SHT_NOBITS] = "NOBITS",
		[SHT_REL] = "REL",
		[SHT_SHLIB] = "SHLIB",
		[SHT_DYNSYM] = "DYNSYM",
		[SHT_INIT_ARRAY] = "INIT_ARRAY",
		[SHT_FINI_ARRAY] = "FINI_ARRAY",
		[SHT_PREINIT_ARRAY] = "PREINIT_ARRAY",
		[SHT_GROUP] = "GROUP",
		[SHT_SYMTAB_SHNDX] = "SYMTAB_SHNDX",
		[SHT_RELR] = "RELR",
	};
	static const struct {
		uint32_t type;
		const char *name;
	} os[] = {
		{ 0x6fff4c00u, "LLVM_ODRTAB" },
		{ 0x6fff4c01u, "LLVM_LINKER_OPTIONS" },
		{ 0x6fff4c03u, "LLVM_ADDRSIG" },
		{ 0x6fff4c04u, "LLVM_DEPENDENT_LIBRARIES" },
		{ 0x6fff4c05u, "LLVM_SYMPART" },
		{ 0x6fff4c09u, "LLVM_CALL_GRAPH_PROFILE" },
		{ 0x6ffffff5u, "GNU_ATTRIBUTES" },
		{ 0x6ffffff6u, "GNU_HASH" },
		{ 0x6ffffff7u, "GNU_LIBLIST" },
		{ 0x6ffffffdu, "VERDEF" },
		{ 0x6ffffffeu, "VERNEED" },
		{ 0x6fffffffu, "VERSYM" },
	};
	char buf[32];
	const char *s;

	if (type < sizeof(gabi) / sizeof(gabi[0]) && gabi[type])
		return gabi[type];
	for (size_t k = 0; k < sizeof(os) / sizeof(os[0]); k++)
		if (os[k].type == type)
			return os[k].name;
	if (c->mach->unwind_type && type == c->mach->unwind_type)
		return c->mach->unwind_type_name;
	if (type >= SHT_LOOS && type <= SHT_HIOS)
		snprintf(buf, sizeof(buf), "LOOS+0x%x", type - SHT_LOOS);
	else if (type >= SHT_LOPROC && type <= SHT_HIPROC)
		snprintf(buf, sizeof(buf), "LOPROC+0x%x", type - SHT_LOPROC);
	else if (type >= SHT_LOUSER)
		snprintf(buf, sizeof(buf), "LOUSER+0x%x", type - SHT_LOUSER);
	else
		snprintf(buf, sizeof(buf), "0x%x", type);
	s = objload_image_strdup(c->img, buf);
	return s ? s : "unknown";
}

static objload_section_role elf_section_role(const struct elf_ctx *c,
					     uint32_t i)
{
	const struct elf_shdr *s = &c->sh[i];
	const char *name = c->names[i];
	struct elf_init_class ic;

	if (i == 0)
		return OBJLOAD_ROLE_NOLOAD;
	if (!(s->flags & SHF_ALLOC)) {
		if (elf_has_prefix(name, ".debug_") ||
		    elf_has_prefix(name, ".zdebug_"))
			return OBJLOAD_ROLE_DEBUG;
		return OBJLOAD_ROLE_NOLOAD;
	}
	elf_classify_init(name, s->type, &ic);
	if (ic.is_init)
		return OBJLOAD_ROLE_DATA;
	if (s->flags & SHF_TLS)
		return OBJLOAD_ROLE_TLS;
	if (strcmp(name, ".eh_frame") == 0 ||
	    (c->mach->unwind_type && s->type == c->mach->unwind_type))
		return OBJLOAD_ROLE_UNWIND;
	if (s->type == SHT_NOBITS)
		return OBJLOAD_ROLE_ZEROFILL;
	if (s->flags & SHF_EXECINSTR)
		return OBJLOAD_ROLE_CODE;
	if (s->flags & SHF_WRITE)
		return OBJLOAD_ROLE_DATA;
	return OBJLOAD_ROLE_RODATA;
}

static int elf_role_loaded(objload_section_role role)
{
	return role != OBJLOAD_ROLE_NOLOAD && role != OBJLOAD_ROLE_DEBUG;
}

static objload_status elf_build_sections(struct elf_ctx *c)
{
	objload_image *img = c->img;
	objload_section *secs;

	if (c->shnum == 0)
		return OBJLOAD_OK;
	secs = objload_image_add_sections(img, c->shnum);
	if (!secs)
		return objload_image_error(img, OBJLOAD_ERR_NOMEM,
					   "out of memory for %u sections", c->shnum);
	for (uint32_t i = 0; i < c->shnum; i++) {
		const struct elf_shdr *s = &c->sh[i];
		objload_section *o = &secs[i];

		o->name = c->names[i];
		o->role = elf_section_role(c, i);
		o->group = OBJLOAD_NO_INDEX;
		o->native_index = i;
		if (i == 0) {
			/* Section 0 may carry the extended counts: not a size. */
			o->align = 1;
			o->native_type = "NULL";
			continue;
		}
		o->align = s->addralign ? s->addralign : 1;
		o->size = s->size;
		o->bytes = s->type == SHT_NOBITS ? NULL : c->file + s->offset;
		o->file_addr = s->addr;
		o->native_type = elf_sht_name(c, s->type);
		o->native_flags = s->flags;
	}
	return OBJLOAD_OK;
}

static objload_status elf_build_inits(struct elf_ctx *c)
{
	objload_image *img = c->img;

	for (uint32_t i = 1; i < c->shnum; i++) {
		struct elf_init_class ic;
		objload_init_table *t;

		elf_classify_init(c->names[i], c->sh[i].type, &ic);
		if (!ic.is_init || c->sh[i].size == 0)
			continue;
		t = objload_image_add_inits(img, 1);
		if (!t)
			return objload_image_error(img, OBJLOAD_ERR_NOMEM,
						   "out of memory for init tables");
		t->kind = ic.kind;
		t->section = i;
		t->offset = 0;
		t->count = c->sh[i].size / ELF64_ADDR_SIZE;
		t->priority = ic.priority;
		t->reverse = ic.reverse;
	}
	return OBJLOAD_OK;
}

static objload_status elf_build_symbols(struct elf_ctx *c)
{
	objload_image *img = c->img;
	const struct elf_shdr *strtab;
	objload_symbol *syms;

	if (c->nsyms == 0)
		return OBJLOAD_OK;
	strtab = &c->sh[c->strtab];
	syms = objload_image_add_symbols(img, c->nsyms);
	if (!syms)
		return objload_image_error(img, OBJLOAD_ERR_NOMEM,
					   "out of memory for %u symbols", c->nsyms);
	syms[0].name = "";
	syms[0].binding = OBJLOAD_BIND_LOCAL;
	syms[0].def = OBJLOAD_DEF_UNDEFINED;
	syms[0].section = OBJLOAD_NO_INDEX;
	for (uint32_t i = 1; i < c->nsyms; i++) {
		objload_symbol *o = &syms[i];
		struct elf_sym s;
		uint32_t shndx;
		unsigned bind, type, vis;
		objload_status st = elf_read_sym(c, i, &s);

		if (!st)
			st = elf_sym_shndx(c, i, &s, &shndx);
		if (st)
			return st;
		o->name = (const char *)c->file + strtab->offset + s.name;
		o->native_index = i;
		o->size = s.size;
		o->value = s.value;
		o->section = OBJLOAD_NO_INDEX;

		bind = s.info >> 4;
		type = s.info & 0xf;
		vis = s.other & 3;
		switch (bind) {
		case STB_LOCAL:
			o->binding = OBJLOAD_BIND_LOCAL;
			break;
		case STB_GLOBAL:
		case STB_GNU_UNIQUE:
			o->binding = OBJLOAD_BIND_GLOBAL;
			break;
		case STB_WEAK:
			o->binding = OBJLOAD_BIND_WEAK;
			break;
		default:
			return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
						   "symbol %u (%s): OS- or processor-specific binding %u is not supported",
						   i, o->name, bind);
		}
		switch (type) {
		case STT_NOTYPE:
			o->type = OBJLOAD_SYM_NOTYPE;
			break;
		case STT_OBJECT:
		case STT_COMMON:
			o->type = OBJLOAD_SYM_OBJECT;
			break;
		case STT_FUNC:
			o->type = OBJLOAD_SYM_FUNC;
			break;
		case STT_GNU_IFUNC:
			/* its value is the resolver (core/ifunc.c) */
			o->type = OBJLOAD_SYM_IFUNC;
			break;
		case STT_SECTION:
			o->type = OBJLOAD_SYM_SECTION;
			break;
		case STT_FILE:
			o->type = OBJLOAD_SYM_FILE;
			break;
		case STT_TLS:
			o->type = OBJLOAD_SYM_TLS;
			break;
		default:
			return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
						   "symbol %u (%s): OS- or processor-specific type %u is not supported",
						   i, o->name, type);
		}
		o->hidden = vis == STV_HIDDEN || vis == STV_INTERNAL;

		if (s.shndx == SHN_UNDEF) {
			o->def = OBJLOAD_DEF_UNDEFINED;
		} else if (s.shndx == SHN_ABS) {
			o->def = OBJLOAD_DEF_ABSOLUTE;
		} else if (s.shndx == SHN_COMMON ||
			   (c->mach->large_common && s.shndx == c->mach->large_common)) {
			o->def = OBJLOAD_DEF_COMMON;
			if (o->value == 0)
				o->value = 1;
		} else {
			o->def = OBJLOAD_DEF_SECTION;
			o->section = shndx;
			if (type == STT_SECTION)
				o->name = c->names[shndx];
		}
		if ((o->binding == OBJLOAD_BIND_GLOBAL ||
		     o->binding == OBJLOAD_BIND_WEAK) &&
		    type != STT_SECTION && type != STT_FILE && o->name[0])
			o->cname = o->name;
	}
	return OBJLOAD_OK;
}

static objload_status elf_build_groups(struct elf_ctx *c)
{
	objload_image *img = c->img;

	for (uint32_t g = 1; g < c->shnum; g++) {
		const struct elf_shdr *gs = &c->sh[g];
		uint32_t flags, gi, n, *members = NULL;
		objload_group *grp;
		objload_status st;

		if (gs->type != SHT_GROUP)
			continue;
		st = elf_read_group_word(c, g, 0, &flags);
		if (st)
			return st;
		if (!(flags & GRP_COMDAT))
			continue;  /* members load as ordinary sections */
		n = (uint32_t)(gs->size / 4 - 1);
		if (n) {
			members = objload_image_alloc(img, (size_t)n * sizeof(*members));
			if (!members)
				return objload_image_error(img, OBJLOAD_ERR_NOMEM,
							   "out of memory for group %s",
							   c->names[g]);
		}
		for (uint32_t k = 0; k < n; k++) {
			st = elf_read_group_word(c, g, k + 1, &members[k]);
			if (st)
				return st;
		}
		gi = img->ngroups;
		grp = objload_image_add_groups(img, 1);
		if (!grp)
			return objload_image_error(img, OBJLOAD_ERR_NOMEM,
						   "out of memory for group %s",
						   c->names[g]);
		grp->key = img->symbols[gs->info].name;
		grp->nmembers = n;
		grp->members = members;
		for (uint32_t k = 0; k < n; k++)
			img->sections[members[k]].group = gi;
	}
	return OBJLOAD_OK;
}

static objload_status elf_map_reloc(struct elf_ctx *c, uint32_t r, uint64_t k,
				    const struct elf_rel *rel, objload_edge *e)
{
	objload_image *img = c->img;
	const struct elf_machine *m = c->mach;
	const struct elf_shdr *rs = &c->sh[r];
	uint32_t t = rs->info;
	const struct elf_reloc_type *rt;
	int kind;
	uint32_t sym = rel->sym;

	if (rel->type >= m->nrelocs || !m->relocs[rel->type].name)
		return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
					   "section %u (%s): relocation %llu at %s+0x%llx: relocation type %u is not a known %s type",
					   r, c->names[r], (unsigned long long)k,
					   c->names[t], (unsigned long long)rel->offset,
					   rel->type, m->name);
	rt = &m->relocs[rel->type];
	if (rt->kind == ELF_KIND_UNSUPPORTED)
		return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
					   "section %u (%s): relocation %llu at %s+0x%llx: relocation type %s (%u) is not supported",
					   r, c->names[r], (unsigned long long)k,
					   c->names[t], (unsigned long long)rel->offset,
					   rt->name, rel->type);

	kind = rt->kind;
	if (rt->no_symbol) {
		sym = 0;
	} else if (rt->got_kind != ELF_KIND_SAME && sym &&
		   img->symbols[sym].name[0] == ELF_GOT_SYMBOL[0] &&
		   strcmp(img->symbols[sym].name, ELF_GOT_SYMBOL) == 0) {
		kind = rt->got_kind;
		sym = 0;
	}

	e->section = t;
	e->offset = rel->offset;
	e->kind = (uint16_t)kind;
	e->native_type = rel->type;
	e->symbol = sym ? sym : OBJLOAD_NO_INDEX;
	e->subtrahend = OBJLOAD_NO_INDEX;
	if (rs->type == SHT_RELA) {
		e->addend = rel->addend;
	} else if (rt->insn) {
		return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
					   "section %u (%s): relocation %llu at %s+0x%llx: %s in SHT_REL: the addend is encoded in the instruction, which is not supported (use SHT_RELA)",
					   r, c->names[r], (unsigned long long)k,
					   c->names[t], (unsigned long long)rel->offset,
					   rt->name);
	} else {
		/* SHT_REL: the addend is the field's current contents, as
		 * the arch reads it */
		unsigned width = (unsigned)kind < m->nkinds ? m->kind_width[kind] : 0;
		struct rd_cursor cur;

		e->addend = 0;
		if (width &&
		    (elf_window(c, c->sh[t].offset + rel->offset, width, &cur) ||
		     objload_arch_read_addend(img->arch, kind, cur.p, cur.len, &e->addend)))
			return elf_truncated(c, "relocated field",
					     c->sh[t].offset + rel->offset);
	}
	return OBJLOAD_OK;
}

static objload_status elf_build_edges(struct elf_ctx *c)
{
	objload_image *img = c->img;

	for (uint32_t r = 1; r < c->shnum; r++) {
		const struct elf_shdr *rs = &c->sh[r];
		uint64_t n;
		objload_edge *e;

		if (rs->type != SHT_RELA && rs->type != SHT_REL)
			continue;
		n = rs->size / (rs->type == SHT_RELA ? ELF64_RELA_SIZE : ELF64_REL_SIZE);
		if (n == 0)
			continue;
		if (!elf_role_loaded(img->sections[rs->info].role)) {
			c->info->skipped_relocations += n;
			continue;
		}
		e = objload_image_add_edges(img, n);
		if (!e)
			return objload_image_error(img, OBJLOAD_ERR_NOMEM,
						   "out of memory for %llu relocations of section %u (%s)",
						   (unsigned long long)n, r, c->names[r]);
		/* Nothing below grows the image's arrays, so e stays valid. */
		for (uint64_t k = 0; k < n; k++) {
			struct elf_rel rel;
			objload_status st = elf_read_rel(c, r, k, &rel);

			if (!st)
				st = elf_map_reloc(c, r, k, &rel, &e[k]);
			if (st)
				return st;
		}
	}
	return OBJLOAD_OK;
}

/* ---- The plug-in ------------------------------------------------------ */

static int elf_probe(const uint8_t *bytes, size_t len)
{
	return bytes && len >= 4 && memcmp(bytes, "\177ELF", 4) == 0;
}

/* A linked shared library (e_type ET_DYN), which objload_add_library
 * (-lNAME: a system library) hands to the host's dynamic loader; the same
 * file given as an input (objload_add_file, objload_add_memory) objload
 * loads itself (elf_dyn.c).  EI_DATA says the byte order of e_type
 * (offset 16, the same in ELF32 and ELF64). */
static int elf_shared_library(const uint8_t *bytes, size_t len)
{
	unsigned type;

	if (!elf_probe(bytes, len) || len < 18)
		return 0;
	if (bytes[5] == 1)
		type = (unsigned)bytes[16] | (unsigned)bytes[17] << 8;
	else if (bytes[5] == 2)
		type = (unsigned)bytes[16] << 8 | bytes[17];
	else
		return 0;
	return type == 3;
}

static objload_status elf_parse_inner(struct elf_ctx *c)
{
	objload_image *img = c->img;
	objload_status st;

	if (img->nsections || img->nsymbols || img->nedges || img->ninits ||
	    img->ngroups)
		return objload_image_error(img, OBJLOAD_ERR_ARGUMENT,
					   "ELF parse needs an empty image");
	st = elf_validate(c);
	if (st)
		return st;
	if (c->linked)
		return elf_dyn_parse(img, &c->dyn);

	img->arch = c->mach->arch;
	img->kind = OBJLOAD_IMAGE_RELOCATABLE;
	img->callconv = OBJLOAD_CC_SYSV;
	img->layout_meaningful = 0;
	c->info = objload_image_alloc(img, sizeof(*c->info));
	if (!c->info)
		return objload_image_error(img, OBJLOAD_ERR_NOMEM, "out of memory");
	memset(c->info, 0, sizeof(*c->info));
	c->info->e_machine = c->mach->e_machine;
	c->info->symtab = c->symtab;
	img->format_data = c->info;

	st = elf_build_sections(c);
	if (!st)
		st = elf_build_inits(c);
	if (!st)
		st = elf_build_symbols(c);
	if (!st)
		st = elf_build_groups(c);
	if (!st)
		st = elf_build_edges(c);
	return st;
}

static objload_status elf_parse(objload_image *img)
{
	struct elf_ctx c;
	objload_status st;

	memset(&c, 0, sizeof(c));
	c.img = img;
	c.file = img->file;
	c.size = img->file ? img->file_size : 0;
	st = elf_parse_inner(&c);
	free(c.sh);
	free(c.names);
	free(c.owner);
	return st;
}

/*
 * The strategy.  A relocatable object loads whole by default: its
 * sections are packed with the other whole images' into one reservation,
 * where every reference between them is in reach.  An object whose
 * sections mostly stand alone — no other section of the file refers to
 * them, as -ffunction-sections and -fdata-sections make them — loads
 * section by section instead, so that what the program never reaches can
 * be left out.  A per-section plan fails under a scattering memory manager
 * when sections refer to each other through fields that must reach
 * directly (PC-relative data references such as lea .LC0(%rip)).
 */
static objload_status elf_plan(const objload_image *img, const objload_plan_query *q,
			       objload_plan_choice *choice)
{
	objload_image_facts f;
	struct fmt_decision d = { .strategy = OBJLOAD_STRATEGY_WHOLE };

	if (img->kind != OBJLOAD_IMAGE_RELOCATABLE)
		return elf_dyn_plan(img, q, choice);
	fmt_plan_facts(img, q, &f);
	if (q->placement_scatters && f.cross_section_direct)
		d.scatter_fails = fmt_image_printf(img,
			"%llu PC-relative or section-relative references between sections of this "
			"file (the first to '%s') must reach directly, and a scattering memory "
			"manager places sections beyond their reach",
			(unsigned long long)f.cross_section_direct,
			f.cross_example ? f.cross_example : "?");
	if (q->dead_strip && f.isolated_code_sections >= FMT_MIN_ISOLATED_CODE &&
	    f.isolated_code_bytes * 4 >= f.code_bytes) {
		d.strategy = OBJLOAD_STRATEGY_SECTION;
		d.why = fmt_image_printf(img,
			"%u of its %u code sections (%llu of %llu bytes) are called by no "
			"other section of this file, as -ffunction-sections makes them: loaded section by section, what the program never reaches "
			"is left out", f.isolated_code_sections, f.code_sections,
			(unsigned long long)f.isolated_code_bytes, (unsigned long long)f.code_bytes);
	} else {
		d.why = "relocatable ELF: its loadable sections are packed with the other whole "
			"images into one reservation by protection, so references between them "
			"stay in reach without stubs";
	}
	if (!d.why)
		d.why = "relocatable ELF: sections packed into one reservation by protection";
	return fmt_plan_answer(img, q, &d, NULL, choice);
}

static const char *elf_reloc_name(const objload_image *img,
				  uint32_t native_type)
{
	const struct elf_machine *m = elf_machine_by_arch(img->arch);

	if (!m || !m->relocs || native_type >= m->nrelocs)
		return NULL;
	return m->relocs[native_type].name;
}

static void elf_release(objload_image *img)
{
	/* format_data lives in image memory: nothing to free. */
	img->format_data = NULL;
}

/*
 * Linker-defined bounds: GNU ld, gold, lld and mold define __start_SEC and
 * __stop_SEC for every output section whose name SEC is a C identifier,
 * at its first byte and one past its last.
 */
static int elf_is_c_identifier(const char *p)
{
	if (!*p || (*p >= '0' && *p <= '9'))
		return 0;
	for (; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

static int elf_section_bound(const char *name, char *section, size_t len, int *is_end)
{
	const char *sec;

	if (strncmp(name, "__start_", 8) == 0) {
		sec = name + 8;
		*is_end = 0;
	} else if (strncmp(name, "__stop_", 7) == 0) {
		sec = name + 7;
		*is_end = 1;
	} else {
		return 0;
	}
	if (!elf_is_c_identifier(sec) || strlen(sec) >= len)
		return 0;
	strcpy(section, sec);
	return 1;
}

const objload_format objload_format_elf = {
	.name = "elf",
	.abi_version = OBJLOAD_PLUGIN_ABI_VERSION,
	.probe = elf_probe,
	.parse = elf_parse,
	.plan = elf_plan,
	.reloc_name = elf_reloc_name,
	.release = elf_release,
	.section_bound = elf_section_bound,
	.shared_library = elf_shared_library,
};
