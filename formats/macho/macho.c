/* SPDX-License-Identifier: MIT */
/*
 * The Mach-O format plug-in: 64-bit little-endian relocatable objects
 * (MH_OBJECT) for x86-64 and arm64, thin or inside a universal (fat) file;
 * dylibs and bundles (MH_DYLIB, MH_BUNDLE) are formats/macho/macho_dylib.c's.
 *
 * What a loader needs from the Mach-O relocatable-object model
 * ------------------------------------------------------------
 * A thin file starts with a 32-byte mach_header_64: magic (MH_MAGIC_64 in
 * the file's byte order), cputype/cpusubtype, filetype (MH_OBJECT for a
 * compiler's output), and ncmds load commands of sizeofcmds bytes that
 * follow the header.  Every load command starts with (cmd, cmdsize);
 * cmdsize covers the whole command and is a multiple of 8 in 64-bit files.
 *
 * An object has one LC_SEGMENT_64 with an empty name that covers every
 * section: the sections have addresses (section_64.addr) in one address
 * space, laid out by the assembler, and the file's own relative layout is
 * meaningful.  Each section names its segment and itself ("__TEXT",
 * "__text"), its file offset and size (zero-fill sections have no file
 * bytes), its alignment as a power of two, and its own relocation list
 * (reloff, nreloc).  The low byte of its flags is a type (S_REGULAR,
 * S_ZEROFILL, S_CSTRING_LITERALS, S_MOD_INIT_FUNC_POINTERS, the
 * S_THREAD_LOCAL_* family, ...); the high bits are attributes
 * (S_ATTR_PURE_INSTRUCTIONS, S_ATTR_SOME_INSTRUCTIONS for code,
 * S_ATTR_DEBUG for DWARF).
 *
 * LC_SYMTAB points at an array of nlist_64 (n_strx, n_type, n_sect,
 * n_desc, n_value) and its string table.  n_type holds N_STAB bits
 * (debugger entries), N_PEXT (private extern: visible inside the link
 * unit only), N_EXT (external) and the kind in N_TYPE: N_UNDF (undefined;
 * with N_EXT and n_value > 0 a common block of n_value bytes, aligned to
 * 1 << GET_COMM_ALIGN(n_desc)), N_ABS, N_SECT (defined in the 1-based
 * section n_sect; n_value is an ADDRESS in the file's layout, not an
 * offset), N_PBUD and N_INDR (an alias: not supported).  n_desc carries
 * N_WEAK_DEF (a weak definition) and N_WEAK_REF (a weak reference).
 * LC_DYSYMTAB splits the table into local, defined-external and
 * undefined ranges.  C names carry one leading underscore: C `foo` is
 * `_foo`.
 *
 * A relocation_info is 8 bytes: r_address (offset in the section),
 * r_symbolnum (24 bits), r_pcrel, r_length (log2 of the field width),
 * r_extern and r_type.  With r_extern, r_symbolnum is a symbol index;
 * without it, r_symbolnum is a 1-based section ordinal and the field
 * holds the target's address in the file's layout.  The addend is always
 * implicit: it is the field's contents.  On x86-64, PC-relative fields of
 * extern relocations hold the addend as if the instruction ended right
 * after the 4-byte field; SIGNED_1/2/4 say the instruction ends 1, 2 or 4
 * bytes later, and the linker adds that back on both sides.  A pair
 * SUBTRACTOR (B) + UNSIGNED (A) at the same address writes A - B + field.
 * On arm64 only data fields hold an addend: an instruction's comes from
 * an ARM64_RELOC_ADDEND just before its relocation.
 *
 * Constructors are pointers in S_MOD_INIT_FUNC_POINTERS sections, run
 * first to last; S_MOD_TERM_FUNC_POINTERS, run last to first.  Objects
 * built for several CPUs come in a universal file: a big-endian fat
 * header (FAT_MAGIC, or FAT_MAGIC_64 with 64-bit offsets) listing one
 * thin file per cputype.
 *
 * This file validates all of that once (macho_validate) and then builds
 * the neutral image from the validated views.  Native relocation types map
 * to arch kinds through one table per CPU; nothing here knows an
 * instruction encoding.  Relocations whose target is a section (r_extern
 * 0) become edges to a synthetic local section symbol with the addend
 * rebased from the file's layout to the section's start, so they stay
 * right under any layout, including --strategy=section.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objload/plugin.h"
#include "formats/formats.h"
#include "formats/ehframe.h"
#include "formats/macho/macho_dylib.h"
#include "formats/plan.h"
#include "formats/reader.h"
#include "abi/darwin/names.h"

/* ---- Mach-O constants (<mach-o/loader.h>, <mach-o/nlist.h>, ...) ------- */

#define MH_MAGIC 0xfeedfaceu
#define MH_CIGAM 0xcefaedfeu
#define MH_MAGIC_64 0xfeedfacfu
#define MH_CIGAM_64 0xcffaedfeu
#define FAT_MAGIC 0xcafebabeu
#define FAT_MAGIC_64 0xcafebabfu

#define CPU_ARCH_ABI64 0x01000000u
#define CPU_TYPE_X86 7u
#define CPU_TYPE_X86_64 (CPU_TYPE_X86 | CPU_ARCH_ABI64)
#define CPU_TYPE_ARM 12u
#define CPU_TYPE_ARM64 (CPU_TYPE_ARM | CPU_ARCH_ABI64)

enum {
	MH_OBJECT = 1,
	MH_EXECUTE = 2,
	MH_FVMLIB = 3,
	MH_CORE = 4,
	MH_PRELOAD = 5,
	MH_DYLIB = 6,
	MH_DYLINKER = 7,
	MH_BUNDLE = 8,
	MH_DYLIB_STUB = 9,
	MH_DSYM = 10,
	MH_KEXT_BUNDLE = 11,
	MH_FILESET = 12,
};

enum {
	MACHO_HEADER64_SIZE = 32,
	MACHO_SEGMENT64_SIZE = 72,
	MACHO_SECTION64_SIZE = 80,
	MACHO_SYMTAB_SIZE = 24,
	MACHO_DYSYMTAB_SIZE = 80,
	MACHO_NLIST64_SIZE = 16,
	MACHO_RELOC_SIZE = 8,
	MACHO_FAT_HEADER_SIZE = 8,
	MACHO_FAT_ARCH_SIZE = 20,
	MACHO_FAT_ARCH64_SIZE = 32,
};

#define LC_REQ_DYLD 0x80000000u
enum {
	LC_SEGMENT = 0x1,
	LC_SYMTAB = 0x2,
	LC_DYSYMTAB = 0xb,
	LC_SEGMENT_64 = 0x19,
	LC_VERSION_MIN_MACOSX = 0x24,
	LC_VERSION_MIN_IPHONEOS = 0x25,
	LC_DATA_IN_CODE = 0x29,
	LC_LINKER_OPTION = 0x2d,
	LC_LINKER_OPTIMIZATION_HINT = 0x2e,
	LC_VERSION_MIN_TVOS = 0x2f,
	LC_VERSION_MIN_WATCHOS = 0x30,
	LC_NOTE = 0x31,
	LC_BUILD_VERSION = 0x32,
};

/* Section types (flags & SECTION_TYPE) and attributes. */
#define SECTION_TYPE 0x000000ffu
#define SECTION_ATTRIBUTES 0xffffff00u
enum {
	S_REGULAR = 0x0,
	S_ZEROFILL = 0x1,
	S_CSTRING_LITERALS = 0x2,
	S_4BYTE_LITERALS = 0x3,
	S_8BYTE_LITERALS = 0x4,
	S_LITERAL_POINTERS = 0x5,
	S_NON_LAZY_SYMBOL_POINTERS = 0x6,
	S_LAZY_SYMBOL_POINTERS = 0x7,
	S_SYMBOL_STUBS = 0x8,
	S_MOD_INIT_FUNC_POINTERS = 0x9,
	S_MOD_TERM_FUNC_POINTERS = 0xa,
	S_COALESCED = 0xb,
	S_GB_ZEROFILL = 0xc,
	S_INTERPOSING = 0xd,
	S_16BYTE_LITERALS = 0xe,
	S_DTRACE_DOF = 0xf,
	S_LAZY_DYLIB_SYMBOL_POINTERS = 0x10,
	S_THREAD_LOCAL_REGULAR = 0x11,
	S_THREAD_LOCAL_ZEROFILL = 0x12,
	S_THREAD_LOCAL_VARIABLES = 0x13,
	S_THREAD_LOCAL_VARIABLE_POINTERS = 0x14,
	S_THREAD_LOCAL_INIT_FUNCTION_POINTERS = 0x15,
	S_INIT_FUNC_OFFSETS = 0x16,
	MACHO_NSECTION_TYPES = 0x17,
};
#define S_ATTR_PURE_INSTRUCTIONS 0x80000000u
#define S_ATTR_DEBUG 0x02000000u
#define S_ATTR_SOME_INSTRUCTIONS 0x00000400u

/* nlist_64.n_type and n_desc. */
enum {
	N_STAB = 0xe0,
	N_PEXT = 0x10,
	N_TYPE = 0x0e,
	N_EXT = 0x01,
	N_UNDF = 0x0,
	N_ABS = 0x2,
	N_INDR = 0xa,
	N_PBUD = 0xc,
	N_SECT = 0xe,
	N_SO = 0x64,
	N_OSO = 0x66,
	NO_SECT = 0,
	MAX_SECT = 255,
};
#define N_WEAK_REF 0x0040u
#define N_WEAK_DEF 0x0080u
#define GET_COMM_ALIGN(n_desc) (((n_desc) >> 8) & 0x0f)

#define R_SCATTERED 0x80000000u

enum {
	X86_64_RELOC_UNSIGNED = 0,
	X86_64_RELOC_SIGNED = 1,
	X86_64_RELOC_BRANCH = 2,
	X86_64_RELOC_GOT_LOAD = 3,
	X86_64_RELOC_GOT = 4,
	X86_64_RELOC_SUBTRACTOR = 5,
	X86_64_RELOC_SIGNED_1 = 6,
	X86_64_RELOC_SIGNED_2 = 7,
	X86_64_RELOC_SIGNED_4 = 8,
	X86_64_RELOC_TLV = 9,
};

enum {
	ARM64_RELOC_UNSIGNED = 0,
	ARM64_RELOC_SUBTRACTOR = 1,
	ARM64_RELOC_BRANCH26 = 2,
	ARM64_RELOC_PAGE21 = 3,
	ARM64_RELOC_PAGEOFF12 = 4,
	ARM64_RELOC_GOT_LOAD_PAGE21 = 5,
	ARM64_RELOC_GOT_LOAD_PAGEOFF12 = 6,
	ARM64_RELOC_POINTER_TO_GOT = 7,
	ARM64_RELOC_TLVP_LOAD_PAGE21 = 8,
	ARM64_RELOC_TLVP_LOAD_PAGEOFF12 = 9,
	ARM64_RELOC_ADDEND = 10,
	ARM64_RELOC_AUTHENTICATED_POINTER = 11,
};

/* ---- Per-CPU relocation tables ------------------------------------------ */

#define MACHO_KIND_ILLEGAL (-1)

/* How one native relocation type becomes an edge.  The kind depends on
 * r_length (2: 4 bytes, 3: 8 bytes); MACHO_KIND_ILLEGAL marks a length
 * the type does not allow. */
struct macho_reloc_type {
	const char *name;       /* NULL: no such type */
	int16_t kind4, kind8;   /* arch kind for r_length 2 and 3 */
	uint8_t pcrel;          /* r_pcrel must be this */
	uint8_t extern_only;    /* r_extern must be 1 */
};

#define RT(type, k4, k8, pc, ext) \
	[X86_64_RELOC_##type] = { "X86_64_RELOC_" #type, k4, k8, pc, ext }
#define K(k) OBJLOAD_X86_64_##k
#define NO MACHO_KIND_ILLEGAL

/*
 * x86-64.  Every PC-relative type writes S + A - P over a 4-byte field at
 * P; the build computes A so that the instruction-end bias comes out right
 * (see macho_edge_addend).  GOT_LOAD (movq foo@GOTPCREL(%rip)) and GOT
 * (other uses, e.g. .long foo@GOTPCREL in __eh_frame) both read a GOT slot;
 * GOT_LOAD promises the movq, so the core may relax it into a leaq when
 * foo is in reach, as ld64 does.  SUBTRACTOR names the subtrahend of the
 * UNSIGNED that must follow it.  TLV (movq _x@TLVP(%rip), %rdi) loads the
 * address of a thread-local variable's descriptor in __thread_vars the
 * same way; `call *(%rdi)` then calls its thunk, _tlv_bootstrap, which
 * objload provides (core/tls.c).
 */
static const struct macho_reloc_type macho_x86_64_relocs[] = {
	RT(UNSIGNED, K(ABS32), K(ABS64), 0, 0),
	RT(SIGNED, K(PC32), NO, 1, 0),
	RT(BRANCH, K(BRANCH32), NO, 1, 0),
	RT(GOT_LOAD, K(REXGOTPCRELX32), NO, 1, 1),
	RT(GOT, K(GOTPCREL32), NO, 1, 1),
	RT(SUBTRACTOR, K(DELTA32), K(DELTA64), 0, 0),
	RT(SIGNED_1, K(PC32), NO, 1, 0),
	RT(SIGNED_2, K(PC32), NO, 1, 0),
	RT(SIGNED_4, K(PC32), NO, 1, 0),
	RT(TLV, K(REXGOTPCRELX32), NO, 1, 1),
};

#undef RT
#undef K
#undef NO

/*
 * arm64.  Instruction fields hold no addend: a nonzero one comes in an
 * ARM64_RELOC_ADDEND placed just before the relocation it applies to (its
 * r_symbolnum is the addend, a signed 24-bit value), so the build reads
 * it there (see macho_arm64_addend).  Data fields (UNSIGNED, the pair
 * SUBTRACTOR + UNSIGNED, POINTER_TO_GOT) hold their addend as on x86-64.
 * PAGE21 + PAGEOFF12 is ADRP + ADD or ADRP + LD/ST of the symbol; the
 * PAGEOFF12 kind reads the access size from the instruction it patches
 * (LDST_LO12_AUTO).  The GOT_LOAD pair is ADRP + LDR of a GOT slot,
 * relaxed by the core when the target is in reach (ADRP + ADD).
 * POINTER_TO_GOT, 32-bit PC-relative, is a .long foo@GOT - .
 * in __eh_frame.  Instruction types must name a symbol (r_extern): the
 * assembler always writes them so, and a section-relative one would need
 * the target decoded from the instruction.  ADDEND's kind is NONE: it is
 * folded into the relocation that follows and makes no edge.
 * AUTHENTICATED_POINTER (arm64e pointer authentication) is refused with
 * a message when an edge is built.
 */
#define RA(type, k4, k8, pc, ext) \
	[ARM64_RELOC_##type] = { "ARM64_RELOC_" #type, k4, k8, pc, ext }
#define K(k) OBJLOAD_AARCH64_##k
#define NO MACHO_KIND_ILLEGAL

static const struct macho_reloc_type macho_arm64_relocs[] = {
	RA(UNSIGNED, K(ABS32), K(ABS64), 0, 0),
	RA(SUBTRACTOR, K(DELTA32), K(DELTA64), 0, 0),
	RA(BRANCH26, K(CALL26), NO, 1, 1),
	RA(PAGE21, K(ADR_PAGE21), NO, 1, 1),
	RA(PAGEOFF12, K(LDST_LO12_AUTO), NO, 0, 1),
	RA(GOT_LOAD_PAGE21, K(GOT_PAGE21), NO, 1, 1),
	RA(GOT_LOAD_PAGEOFF12, K(GOT_LO12), NO, 0, 1),
	RA(POINTER_TO_GOT, K(GOT_PCREL32), NO, 1, 1),
	RA(TLVP_LOAD_PAGE21, K(GOT_PAGE21), NO, 1, 1),
	RA(TLVP_LOAD_PAGEOFF12, K(GOT_LO12), NO, 0, 1),
	RA(ADDEND, K(NONE), NO, 0, 0),
	RA(AUTHENTICATED_POINTER, NO, K(ABS64), 0, 1),
};

#undef RA
#undef K
#undef NO

struct macho_cpu {
	uint32_t cputype;
	objload_arch_id arch;
	const char *name;               /* as lipo and the fat header say */
	/* Indexed by r_type; NULL: no edges yet (names only). */
	const struct macho_reloc_type *relocs;
	const char *const *reloc_names;
	uint32_t nrelocs;
	uint32_t subtractor, unsigned_type;  /* the pair's types */
	uint32_t addend_type;           /* a type whose r_symbolnum is an
					   addend, or UINT32_MAX */
	/* __thread_vars: the kinds of a descriptor's offset field (the
	 * variable's offset in the thread-local template) and of what
	 * objload refuses (the catch-all TLS kind) */
	uint16_t abs64_kind, tls_offset_kind, tls_refused_kind;
};

static const struct macho_cpu macho_cpus[] = {
	{
		.cputype = CPU_TYPE_X86_64,
		.arch = OBJLOAD_ARCH_X86_64,
		.name = "x86_64",
		.relocs = macho_x86_64_relocs,
		.nrelocs = sizeof(macho_x86_64_relocs) / sizeof(macho_x86_64_relocs[0]),
		.subtractor = X86_64_RELOC_SUBTRACTOR,
		.unsigned_type = X86_64_RELOC_UNSIGNED,
		.addend_type = UINT32_MAX,
		.abs64_kind = OBJLOAD_X86_64_ABS64,
		.tls_offset_kind = OBJLOAD_X86_64_TLSOFF64,
		.tls_refused_kind = OBJLOAD_X86_64_TLS,
	},
	{
		.cputype = CPU_TYPE_ARM64,
		.arch = OBJLOAD_ARCH_AARCH64,
		.name = "arm64",
		.relocs = macho_arm64_relocs,
		.nrelocs = sizeof(macho_arm64_relocs) / sizeof(macho_arm64_relocs[0]),
		.subtractor = ARM64_RELOC_SUBTRACTOR,
		.unsigned_type = ARM64_RELOC_UNSIGNED,
		.addend_type = ARM64_RELOC_ADDEND,
		.abs64_kind = OBJLOAD_AARCH64_ABS64,
		.tls_offset_kind = OBJLOAD_AARCH64_TLSOFF64,
		.tls_refused_kind = OBJLOAD_AARCH64_TLS,
	},
};

#define MACHO_NCPUS (sizeof(macho_cpus) / sizeof(macho_cpus[0]))

static const struct macho_cpu *macho_cpu_by_type(uint32_t cputype)
{
	for (size_t i = 0; i < MACHO_NCPUS; i++)
		if (macho_cpus[i].cputype == cputype)
			return &macho_cpus[i];
	return NULL;
}

static const struct macho_cpu *macho_cpu_by_arch(objload_arch_id arch)
{
	for (size_t i = 0; i < MACHO_NCPUS; i++)
		if (macho_cpus[i].arch == arch)
			return &macho_cpus[i];
	return NULL;
}

/* The native type of an edge with no relocation behind it: a pc-relative
 * __eh_frame field the assembler resolved itself (macho_check_eh_frame). */
#define MACHO_EH_IMPLICIT 0xffffu

static const char *macho_reloc_type_name(const struct macho_cpu *cpu,
					 uint32_t type)
{
	if (type == MACHO_EH_IMPLICIT)
		return "implicit (__eh_frame pointer resolved by the assembler)";
	if (type >= cpu->nrelocs)
		return NULL;
	if (cpu->relocs)
		return cpu->relocs[type].name;
	return cpu->reloc_names[type];
}

/* The slice of a universal file objload picks: the host's CPU. */
#if defined(__x86_64__)
#define MACHO_HOST_CPUTYPE CPU_TYPE_X86_64
#elif defined(__aarch64__)
#define MACHO_HOST_CPUTYPE CPU_TYPE_ARM64
#else
#define MACHO_HOST_CPUTYPE 0u
#endif

/* ---- Bounds-checked reading ------------------------------------------- */

/* A window [0, len) of the file.  Getters advance only on success. */
/* A fixed-size name field (segname, sectname): up to n bytes, NUL-padded
 * but not necessarily NUL-terminated. */
static int macho_cur_name(struct rd_cursor *cur, char *out, size_t n)
{
	if (cur->len - cur->off < n)
		return -1;
	memcpy(out, cur->p + cur->off, n);
	out[n] = '\0';
	cur->off += n;
	return 0;
}

static uint32_t macho_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t macho_be64(const uint8_t *p)
{
	return (uint64_t)macho_be32(p) << 32 | macho_be32(p + 4);
}

/* ---- Parse state -------------------------------------------------------- */

struct macho_sect {
	char segname[17], sectname[17];
	const char *name;       /* "segname,sectname" (image memory) */
	uint64_t addr, size;
	uint32_t offset, align, reloff, nreloc, flags;
	uint32_t lc;            /* load command that holds it, for messages */
	objload_section_role role;
	int zerofill;
	int need_secsym;        /* target of a non-extern relocation */
	uint32_t secsym;        /* its synthetic symbol, or OBJLOAD_NO_INDEX */
};

struct macho_rel {
	uint32_t address;
	uint32_t symbolnum;
	unsigned pcrel, length, ext, type;
	int scattered;
};

struct macho_nlist {
	uint32_t strx;
	uint8_t type, sect;
	uint16_t desc;
	uint64_t value;
};

/* Kept in img->format_data (image memory). */
struct macho_info {
	uint32_t cputype;
	const char *notes;      /* appended to every plan reason */
	int eh_frame;           /* has a __TEXT,__eh_frame */
};

struct macho_ctx {
	objload_image *img;
	const uint8_t *file;    /* the thin Mach-O: the whole file or a slice */
	size_t size;
	uint64_t slice_off;     /* of the thin file in a universal file */
	int fat;
	const struct macho_cpu *cpu;
	uint32_t ncmds, sizeofcmds, filetype;

	struct macho_sect *sects;   /* malloc */
	uint32_t nsects;

	int have_symtab, have_dysymtab;
	uint32_t symtab_lc, dysymtab_lc;
	uint64_t dysymtab_off;
	uint32_t symoff, nsyms, stroff, strsize;

	/* __eh_frame pointers the assembler resolved without a relocation
	 * (macho_check_eh_frame), made edges by macho_build_eh_edges */
	struct macho_eh_edge {
		uint64_t offset;
		unsigned width;
		uint32_t target;        /* section index */
		int64_t addend;         /* from the target section's start */
	} *eh;                      /* malloc */
	size_t neh, eh_cap;
	uint32_t eh_sect;

	int linked;                 /* MH_DYLIB, MH_BUNDLE: macho_dylib.c */

	/* facts for `objload info` */
	char version[96];
	char *linker_options;       /* malloc */
	size_t linker_options_len;
};

static int macho_in_file(const struct macho_ctx *c, uint64_t off, uint64_t len)
{
	return off <= (uint64_t)c->size && (uint64_t)c->size - off >= len;
}

static int macho_window(const struct macho_ctx *c, uint64_t off, uint64_t len,
			struct rd_cursor *cur)
{
	if (!macho_in_file(c, off, len))
		return -1;
	cur->p = c->file + (size_t)off;
	cur->len = (size_t)len;
	cur->off = 0;
	return 0;
}

static objload_status macho_truncated(struct macho_ctx *c, const char *what,
				      uint64_t off)
{
	return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
				   "%s at offset 0x%llx is outside the file (%zu bytes)",
				   what, (unsigned long long)off, c->size);
}

static objload_status macho_nomem(struct macho_ctx *c)
{
	return objload_image_error(c->img, OBJLOAD_ERR_NOMEM, "out of memory");
}

static objload_status macho_read_nlist(struct macho_ctx *c, uint32_t i,
				       struct macho_nlist *n)
{
	struct rd_cursor cur;
	uint64_t off = (uint64_t)c->symoff + (uint64_t)i * MACHO_NLIST64_SIZE;

	if (i >= c->nsyms || macho_window(c, off, MACHO_NLIST64_SIZE, &cur) ||
	    rd_u32(&cur, &n->strx) || rd_u8(&cur, &n->type) ||
	    rd_u8(&cur, &n->sect) || rd_u16(&cur, &n->desc) ||
	    rd_u64(&cur, &n->value))
		return macho_truncated(c, "symbol table entry", off);
	return OBJLOAD_OK;
}

/* Name of a validated symbol (macho_check_symbols checked n_strx and the
 * terminating NUL). */
static const char *macho_sym_name(const struct macho_ctx *c,
				  const struct macho_nlist *n)
{
	return (const char *)c->file + c->stroff + n->strx;
}

static objload_status macho_read_rel(struct macho_ctx *c, uint32_t s,
				     uint32_t k, struct macho_rel *r)
{
	struct rd_cursor cur;
	uint64_t off = (uint64_t)c->sects[s].reloff + (uint64_t)k * MACHO_RELOC_SIZE;
	uint32_t w0, w1;

	if (macho_window(c, off, MACHO_RELOC_SIZE, &cur) ||
	    rd_u32(&cur, &w0) || rd_u32(&cur, &w1))
		return macho_truncated(c, "relocation", off);
	r->scattered = (w0 & R_SCATTERED) != 0;
	r->address = w0;
	r->symbolnum = w1 & 0xffffffu;
	r->pcrel = (w1 >> 24) & 1;
	r->length = (w1 >> 25) & 3;
	r->ext = (w1 >> 27) & 1;
	r->type = w1 >> 28;
	return OBJLOAD_OK;
}

static const char *macho_sect_type_name(uint32_t type)
{
	static const char *const names[MACHO_NSECTION_TYPES] = {
		[S_REGULAR] = "S_REGULAR",
		[S_ZEROFILL] = "S_ZEROFILL",
		[S_CSTRING_LITERALS] = "S_CSTRING_LITERALS",
		[S_4BYTE_LITERALS] = "S_4BYTE_LITERALS",
		[S_8BYTE_LITERALS] = "S_8BYTE_LITERALS",
		[S_LITERAL_POINTERS] = "S_LITERAL_POINTERS",
		[S_NON_LAZY_SYMBOL_POINTERS] = "S_NON_LAZY_SYMBOL_POINTERS",
		[S_LAZY_SYMBOL_POINTERS] = "S_LAZY_SYMBOL_POINTERS",
		[S_SYMBOL_STUBS] = "S_SYMBOL_STUBS",
		[S_MOD_INIT_FUNC_POINTERS] = "S_MOD_INIT_FUNC_POINTERS",
		[S_MOD_TERM_FUNC_POINTERS] = "S_MOD_TERM_FUNC_POINTERS",
		[S_COALESCED] = "S_COALESCED",
		[S_GB_ZEROFILL] = "S_GB_ZEROFILL",
		[S_INTERPOSING] = "S_INTERPOSING",
		[S_16BYTE_LITERALS] = "S_16BYTE_LITERALS",
		[S_DTRACE_DOF] = "S_DTRACE_DOF",
		[S_LAZY_DYLIB_SYMBOL_POINTERS] = "S_LAZY_DYLIB_SYMBOL_POINTERS",
		[S_THREAD_LOCAL_REGULAR] = "S_THREAD_LOCAL_REGULAR",
		[S_THREAD_LOCAL_ZEROFILL] = "S_THREAD_LOCAL_ZEROFILL",
		[S_THREAD_LOCAL_VARIABLES] = "S_THREAD_LOCAL_VARIABLES",
		[S_THREAD_LOCAL_VARIABLE_POINTERS] = "S_THREAD_LOCAL_VARIABLE_POINTERS",
		[S_THREAD_LOCAL_INIT_FUNCTION_POINTERS] = "S_THREAD_LOCAL_INIT_FUNCTION_POINTERS",
		[S_INIT_FUNC_OFFSETS] = "S_INIT_FUNC_OFFSETS",
	};

	return type < MACHO_NSECTION_TYPES ? names[type] : "unknown";
}

/* The role of a section, from its type, attributes and names. */
static objload_section_role macho_section_role(const struct macho_sect *s)
{
	uint32_t type = s->flags & SECTION_TYPE;

	/* __LD,__compact_unwind carries S_ATTR_DEBUG too, but is linker
	 * input, not debug information */
	if (strcmp(s->segname, "__LD") == 0 || strcmp(s->segname, "__LLVM") == 0)
		return OBJLOAD_ROLE_NOLOAD;  /* __compact_unwind, bitcode */
	if (s->flags & S_ATTR_DEBUG)
		return OBJLOAD_ROLE_DEBUG;
	if (strcmp(s->segname, "__TEXT") == 0 && strcmp(s->sectname, "__eh_frame") == 0)
		return OBJLOAD_ROLE_UNWIND;
	switch (type) {
	case S_MOD_INIT_FUNC_POINTERS:
	case S_MOD_TERM_FUNC_POINTERS:
		return OBJLOAD_ROLE_DATA;
	case S_THREAD_LOCAL_REGULAR:
	case S_THREAD_LOCAL_ZEROFILL:
		return OBJLOAD_ROLE_TLS;      /* the template */
	case S_THREAD_LOCAL_VARIABLES:
	case S_THREAD_LOCAL_VARIABLE_POINTERS:
	case S_THREAD_LOCAL_INIT_FUNCTION_POINTERS:
		return OBJLOAD_ROLE_DATA;     /* descriptors, pointers */
	case S_ZEROFILL:
	case S_GB_ZEROFILL:
		return OBJLOAD_ROLE_ZEROFILL;
	case S_CSTRING_LITERALS:
	case S_4BYTE_LITERALS:
	case S_8BYTE_LITERALS:
	case S_16BYTE_LITERALS:
		return OBJLOAD_ROLE_RODATA;
	default:
		break;
	}
	if (s->flags & (S_ATTR_PURE_INSTRUCTIONS | S_ATTR_SOME_INSTRUCTIONS))
		return OBJLOAD_ROLE_CODE;
	if (strcmp(s->segname, "__TEXT") == 0)
		return OBJLOAD_ROLE_RODATA;  /* __const, __ustring, __gcc_except_tab */
	return OBJLOAD_ROLE_DATA;            /* __DATA*, and any other segment */
}

static int macho_role_loaded(objload_section_role role)
{
	return role != OBJLOAD_ROLE_NOLOAD && role != OBJLOAD_ROLE_DEBUG;
}

static int macho_is_zerofill(uint32_t flags)
{
	uint32_t type = flags & SECTION_TYPE;

	return type == S_ZEROFILL || type == S_GB_ZEROFILL ||
	       type == S_THREAD_LOCAL_ZEROFILL;
}

/* ---- Validation ------------------------------------------------------------ */

/* A universal file: find the host's slice and narrow c->file to it. */
/* The slice a universal file gives: the CPU the user asked for
 * (objload_set_arch), or the host's. */
static uint32_t macho_wanted_cputype(const struct macho_ctx *c)
{
	switch (c->img->wanted_arch) {
	case OBJLOAD_ARCH_X86_64: return CPU_TYPE_X86_64;
	case OBJLOAD_ARCH_AARCH64: return CPU_TYPE_ARM64;
	case OBJLOAD_ARCH_UNKNOWN: break;
	}
	return MACHO_HOST_CPUTYPE;
}

static objload_status macho_pick_slice(struct macho_ctx *c)
{
	objload_image *img = c->img;
	uint32_t magic = macho_be32(c->file), nfat;
	int is64 = magic == FAT_MAGIC_64;
	uint64_t esz = is64 ? MACHO_FAT_ARCH64_SIZE : MACHO_FAT_ARCH_SIZE;
	char have[160];
	size_t hl = 0;

	if (c->size < MACHO_FAT_HEADER_SIZE)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "universal file is %zu bytes, shorter than its %d-byte header",
					   c->size, MACHO_FAT_HEADER_SIZE);
	nfat = macho_be32(c->file + 4);
	if (nfat == 0 || nfat > (c->size - MACHO_FAT_HEADER_SIZE) / esz)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "universal file: %u architectures (nfat_arch) do not fit in the file (%zu bytes)",
					   nfat, c->size);
	have[0] = '\0';
	for (uint32_t i = 0; i < nfat; i++) {
		const uint8_t *a = c->file + MACHO_FAT_HEADER_SIZE + i * esz;
		uint32_t cputype = macho_be32(a);
		uint64_t off = is64 ? macho_be64(a + 8) : macho_be32(a + 8);
		uint64_t size = is64 ? macho_be64(a + 16) : macho_be32(a + 12);
		const struct macho_cpu *cpu = macho_cpu_by_type(cputype);
		int n;

		n = snprintf(have + hl, sizeof(have) - hl, "%s%s", i ? ", " : "",
			     cpu ? cpu->name : "other");
		if (n > 0 && (size_t)n < sizeof(have) - hl)
			hl += (size_t)n;
		if (cputype != macho_wanted_cputype(c))
			continue;
		if (!macho_in_file(c, off, size))
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "universal file: the %s slice (offset 0x%llx, size 0x%llx) extends past the end of the file (%zu bytes)",
						   cpu ? cpu->name : "host", (unsigned long long)off,
						   (unsigned long long)size, c->size);
		if (off < MACHO_FAT_HEADER_SIZE + nfat * esz)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "universal file: the %s slice at offset 0x%llx overlaps the architecture table",
						   cpu ? cpu->name : "host", (unsigned long long)off);
		c->fat = 1;
		c->slice_off = off;
		c->file += off;
		c->size = (size_t)size;
		return OBJLOAD_OK;
	}
	return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
				   "universal file has no slice for %s (it has: %s)",
				   c->img->wanted_arch ? objload_arch_name(c->img->wanted_arch) :
				   "this host's CPU", have);
}

static objload_status macho_check_header(struct macho_ctx *c)
{
	objload_image *img = c->img;
	struct rd_cursor cur;
	uint32_t magic, cputype, cpusubtype, flags, reserved;
	objload_status st;

	if (c->size < 4)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "file is %zu bytes, too short for a Mach-O magic number",
					   c->size);
	magic = macho_be32(c->file);
	if (magic == FAT_MAGIC || magic == FAT_MAGIC_64) {
		st = macho_pick_slice(c);
		if (st)
			return st;
		if (c->size < 4)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "universal file: the host's slice is %zu bytes, too short for a Mach-O header",
						   c->size);
		magic = macho_be32(c->file);
	}
	if (magic == MH_MAGIC_64) /* bytes fe ed fa cf: big-endian 64-bit */
		return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
					   "big-endian Mach-O is not supported");
	if (magic == MH_MAGIC || magic == MH_CIGAM)
		return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
					   "32-bit Mach-O (MH_MAGIC) is not supported");
	if (magic != MH_CIGAM_64)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "not a Mach-O file (magic 0x%08x)", magic);

	if (macho_window(c, 0, MACHO_HEADER64_SIZE, &cur))
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "file is %zu bytes, shorter than the %d-byte mach_header_64",
					   c->size, MACHO_HEADER64_SIZE);
	cur.off = 4;
	if (rd_u32(&cur, &cputype) || rd_u32(&cur, &cpusubtype) ||
	    rd_u32(&cur, &c->filetype) || rd_u32(&cur, &c->ncmds) ||
	    rd_u32(&cur, &c->sizeofcmds) || rd_u32(&cur, &flags) ||
	    rd_u32(&cur, &reserved))
		return macho_truncated(c, "mach_header_64", 0);
	(void)cpusubtype;
	(void)flags;
	(void)reserved;

	c->cpu = macho_cpu_by_type(cputype);
	if (!c->cpu)
		return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
					   "CPU type 0x%x (cputype) is not supported; objload knows x86_64 (0x%x) and arm64 (0x%x)",
					   cputype, CPU_TYPE_X86_64, CPU_TYPE_ARM64);
	if (c->fat && cputype != macho_wanted_cputype(c))
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "universal file: the slice listed for this host's CPU holds a %s object",
					   c->cpu->name);
	c->linked = c->filetype == MH_DYLIB || c->filetype == MH_BUNDLE;
	if (c->filetype != MH_OBJECT && !c->linked) {
		static const char *const types[] = {
			[MH_EXECUTE] = "executable (MH_EXECUTE)",
			[MH_FVMLIB] = "fixed VM library (MH_FVMLIB)",
			[MH_CORE] = "core file (MH_CORE)",
			[MH_PRELOAD] = "preloaded executable (MH_PRELOAD)",
			[MH_DYLIB] = "dynamic library (MH_DYLIB)",
			[MH_DYLINKER] = "dynamic linker (MH_DYLINKER)",
			[MH_BUNDLE] = "bundle (MH_BUNDLE)",
			[MH_DYLIB_STUB] = "dylib stub (MH_DYLIB_STUB)",
			[MH_DSYM] = "debug symbols (MH_DSYM)",
			[MH_KEXT_BUNDLE] = "kernel extension (MH_KEXT_BUNDLE)",
			[MH_FILESET] = "file set (MH_FILESET)",
		};

		if (c->filetype < sizeof(types) / sizeof(types[0]) && types[c->filetype])
			return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
						   "%s: only relocatable objects (MH_OBJECT) are supported",
						   types[c->filetype]);
		return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
					   "file type %u (filetype): only relocatable objects (MH_OBJECT) are supported",
					   c->filetype);
	}
	if (c->sizeofcmds > c->size - MACHO_HEADER64_SIZE)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "load commands (%u bytes, sizeofcmds) extend past the end of the file (%zu bytes)",
					   c->sizeofcmds, c->size);
	if (c->ncmds > c->sizeofcmds / 8)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "%u load commands (ncmds) cannot fit in %u bytes (sizeofcmds)",
					   c->ncmds, c->sizeofcmds);
	return OBJLOAD_OK;
}

static void macho_version_str(char *buf, size_t n, uint32_t v)
{
	if (v & 0xff)
		snprintf(buf, n, "%u.%u.%u", v >> 16, (v >> 8) & 0xff, v & 0xff);
	else
		snprintf(buf, n, "%u.%u", v >> 16, (v >> 8) & 0xff);
}

static const char *macho_platform_name(uint32_t p)
{
	static const char *const names[] = {
		[1] = "macos", [2] = "ios", [3] = "tvos", [4] = "watchos",
		[5] = "bridgeos", [6] = "maccatalyst", [7] = "ios-simulator",
		[8] = "tvos-simulator", [9] = "watchos-simulator",
		[10] = "driverkit",
	};

	return p < sizeof(names) / sizeof(names[0]) && names[p] ? names[p] : "unknown";
}

static objload_status macho_check_segment(struct macho_ctx *c, uint32_t lc,
					  uint64_t off, uint32_t cmdsize)
{
	objload_image *img = c->img;
	struct rd_cursor cur;
	char segname[17];
	uint64_t vmaddr, vmsize, fileoff, filesize;
	uint32_t maxprot, initprot, nsects, flags;
	struct macho_sect *grown;

	if (macho_window(c, off, cmdsize, &cur) || cmdsize < MACHO_SEGMENT64_SIZE)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "load command %u (LC_SEGMENT_64): cmdsize %u is smaller than the %d-byte segment command",
					   lc, cmdsize, MACHO_SEGMENT64_SIZE);
	cur.off = 8;
	if (macho_cur_name(&cur, segname, 16) || rd_u64(&cur, &vmaddr) ||
	    rd_u64(&cur, &vmsize) || rd_u64(&cur, &fileoff) ||
	    rd_u64(&cur, &filesize) || rd_u32(&cur, &maxprot) ||
	    rd_u32(&cur, &initprot) || rd_u32(&cur, &nsects) ||
	    rd_u32(&cur, &flags))
		return macho_truncated(c, "segment command", off);
	(void)maxprot;
	(void)initprot;
	(void)flags;
	if (nsects > (cmdsize - MACHO_SEGMENT64_SIZE) / MACHO_SECTION64_SIZE)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "load command %u (LC_SEGMENT_64 '%s'): %u sections (nsects) do not fit in cmdsize %u",
					   lc, segname, nsects, cmdsize);
	if (filesize && !macho_in_file(c, fileoff, filesize))
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "load command %u (LC_SEGMENT_64 '%s'): contents (offset 0x%llx, size 0x%llx) extend past the end of the file (%zu bytes)",
					   lc, segname, (unsigned long long)fileoff,
					   (unsigned long long)filesize, c->size);
	if (vmaddr > UINT64_MAX - vmsize)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "load command %u (LC_SEGMENT_64 '%s'): address range 0x%llx + 0x%llx wraps around",
					   lc, segname, (unsigned long long)vmaddr,
					   (unsigned long long)vmsize);
	if (nsects > MAX_SECT - c->nsects)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "load command %u (LC_SEGMENT_64 '%s'): more than %d sections in the file (n_sect is one byte)",
					   lc, segname, MAX_SECT);
	if (!nsects)
		return OBJLOAD_OK;
	grown = realloc(c->sects, (size_t)(c->nsects + nsects) * sizeof(*grown));
	if (!grown)
		return macho_nomem(c);
	c->sects = grown;
	for (uint32_t k = 0; k < nsects; k++) {
		struct macho_sect *s = &c->sects[c->nsects];
		uint32_t r1, r2, r3, type;
		uint32_t ord = c->nsects + 1;

		memset(s, 0, sizeof(*s));
		s->secsym = OBJLOAD_NO_INDEX;
		s->lc = lc;
		if (macho_cur_name(&cur, s->sectname, 16) ||
		    macho_cur_name(&cur, s->segname, 16) ||
		    rd_u64(&cur, &s->addr) || rd_u64(&cur, &s->size) ||
		    rd_u32(&cur, &s->offset) || rd_u32(&cur, &s->align) ||
		    rd_u32(&cur, &s->reloff) || rd_u32(&cur, &s->nreloc) ||
		    rd_u32(&cur, &s->flags) || rd_u32(&cur, &r1) ||
		    rd_u32(&cur, &r2) || rd_u32(&cur, &r3))
			return macho_truncated(c, "section header", off + cur.off);
		c->nsects++;
		type = s->flags & SECTION_TYPE;
		s->zerofill = macho_is_zerofill(s->flags);
		if (type >= MACHO_NSECTION_TYPES)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s,%s): unknown section type 0x%x",
						   ord, s->segname, s->sectname, type);
		if (!s->zerofill && !macho_in_file(c, s->offset, s->size))
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s,%s): contents (offset 0x%x, size 0x%llx) extend past the end of the file (%zu bytes)",
						   ord, s->segname, s->sectname, s->offset,
						   (unsigned long long)s->size, c->size);
		if (s->align > 31)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s,%s): alignment 2^%u is too large",
						   ord, s->segname, s->sectname, s->align);
		if (s->addr < vmaddr || s->addr - vmaddr > vmsize ||
		    vmsize - (s->addr - vmaddr) < s->size)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s,%s): addresses 0x%llx + 0x%llx are outside its segment (0x%llx + 0x%llx)",
						   ord, s->segname, s->sectname,
						   (unsigned long long)s->addr,
						   (unsigned long long)s->size,
						   (unsigned long long)vmaddr,
						   (unsigned long long)vmsize);
		if (s->nreloc &&
		    !macho_in_file(c, s->reloff, (uint64_t)s->nreloc * MACHO_RELOC_SIZE))
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s,%s): %u relocations at offset 0x%x (reloff) extend past the end of the file (%zu bytes)",
						   ord, s->segname, s->sectname, s->nreloc,
						   s->reloff, c->size);
		if (s->nreloc && s->zerofill)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s,%s): a zero-fill section has %u relocations",
						   ord, s->segname, s->sectname, s->nreloc);
		switch (type) {
		case S_MOD_INIT_FUNC_POINTERS:
		case S_MOD_TERM_FUNC_POINTERS:
			if (s->size % 8)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "section %u (%s,%s): %s size %llu is not a multiple of 8",
							   ord, s->segname, s->sectname,
							   macho_sect_type_name(type),
							   (unsigned long long)s->size);
			break;
		case S_NON_LAZY_SYMBOL_POINTERS:
		case S_LAZY_SYMBOL_POINTERS:
		case S_SYMBOL_STUBS:
		case S_LAZY_DYLIB_SYMBOL_POINTERS:
		case S_INTERPOSING:
		case S_DTRACE_DOF:
		case S_INIT_FUNC_OFFSETS:
			return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
						   "section %u (%s,%s): section type %s is not supported",
						   ord, s->segname, s->sectname,
						   macho_sect_type_name(type));
		default:
			break;
		}
		s->role = macho_section_role(s);
	}
	return OBJLOAD_OK;
}

static objload_status macho_check_symtab(struct macho_ctx *c, uint32_t lc,
					 uint64_t off, uint32_t cmdsize)
{
	objload_image *img = c->img;
	struct rd_cursor cur;

	if (c->have_symtab)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "load command %u: a second LC_SYMTAB (the first is load command %u)",
					   lc, c->symtab_lc);
	if (cmdsize < MACHO_SYMTAB_SIZE || macho_window(c, off, cmdsize, &cur))
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "load command %u (LC_SYMTAB): cmdsize %u is smaller than %d",
					   lc, cmdsize, MACHO_SYMTAB_SIZE);
	cur.off = 8;
	if (rd_u32(&cur, &c->symoff) || rd_u32(&cur, &c->nsyms) ||
	    rd_u32(&cur, &c->stroff) || rd_u32(&cur, &c->strsize))
		return macho_truncated(c, "LC_SYMTAB", off);
	c->have_symtab = 1;
	c->symtab_lc = lc;
	if (c->nsyms >= OBJLOAD_NO_INDEX / 2 ||
	    !macho_in_file(c, c->symoff, (uint64_t)c->nsyms * MACHO_NLIST64_SIZE))
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "load command %u (LC_SYMTAB): %u symbols at offset 0x%x (symoff) extend past the end of the file (%zu bytes)",
					   lc, c->nsyms, c->symoff, c->size);
	if (!macho_in_file(c, c->stroff, c->strsize))
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "load command %u (LC_SYMTAB): string table (offset 0x%x, size %u) extends past the end of the file (%zu bytes)",
					   lc, c->stroff, c->strsize, c->size);
	return OBJLOAD_OK;
}

/* One (index, count) range of LC_DYSYMTAB inside the symbol table. */
static objload_status macho_check_range(struct macho_ctx *c, uint32_t lc,
					const char *what, uint32_t first,
					uint32_t n)
{
	if (first > c->nsyms || c->nsyms - first < n)
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "load command %u (LC_DYSYMTAB): %s symbols %u + %u are outside the %u symbols",
					   lc, what, first, n, c->nsyms);
	return OBJLOAD_OK;
}

/* A (file offset, count of entries of esz bytes) table of LC_DYSYMTAB. */
static objload_status macho_check_table(struct macho_ctx *c, uint32_t lc,
					const char *what, uint32_t off,
					uint32_t n, uint64_t esz)
{
	if (n && !macho_in_file(c, off, (uint64_t)n * esz))
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "load command %u (LC_DYSYMTAB): %s (%u entries at offset 0x%x) extends past the end of the file (%zu bytes)",
					   lc, what, n, off, c->size);
	return OBJLOAD_OK;
}

static objload_status macho_check_dysymtab(struct macho_ctx *c)
{
	struct rd_cursor cur;
	uint32_t v[18];
	uint64_t off;
	objload_status st;
	uint32_t lc = c->dysymtab_lc;

	off = c->dysymtab_off;
	if (macho_window(c, off, MACHO_DYSYMTAB_SIZE, &cur))
		return macho_truncated(c, "LC_DYSYMTAB", off);
	cur.off = 8;
	for (int i = 0; i < 18; i++)
		if (rd_u32(&cur, &v[i]))
			return macho_truncated(c, "LC_DYSYMTAB", off);
	if (!c->have_symtab)
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "load command %u: LC_DYSYMTAB without LC_SYMTAB",
					   lc);
	st = macho_check_range(c, lc, "local", v[0], v[1]);
	if (!st)
		st = macho_check_range(c, lc, "defined external", v[2], v[3]);
	if (!st)
		st = macho_check_range(c, lc, "undefined", v[4], v[5]);
	if (!st)
		st = macho_check_table(c, lc, "table of contents", v[6], v[7], 8);
	if (!st)
		st = macho_check_table(c, lc, "module table", v[8], v[9], 56);
	if (!st)
		st = macho_check_table(c, lc, "external references", v[10], v[11], 4);
	if (!st)
		st = macho_check_table(c, lc, "indirect symbols", v[12], v[13], 4);
	if (!st)
		st = macho_check_table(c, lc, "external relocations", v[14], v[15], 8);
	if (!st)
		st = macho_check_table(c, lc, "local relocations", v[16], v[17], 8);
	return st;
}

static objload_status macho_add_linker_option(struct macho_ctx *c,
					      const char *opt, size_t len)
{
	size_t need = c->linker_options_len + len + 2;
	char *grown = realloc(c->linker_options, need);

	if (!grown)
		return macho_nomem(c);
	c->linker_options = grown;
	if (c->linker_options_len)
		grown[c->linker_options_len++] = ' ';
	memcpy(grown + c->linker_options_len, opt, len);
	c->linker_options_len += len;
	grown[c->linker_options_len] = '\0';
	return OBJLOAD_OK;
}

static objload_status macho_check_linker_option(struct macho_ctx *c, uint32_t lc,
						uint64_t off, uint32_t cmdsize)
{
	struct rd_cursor cur;
	uint32_t count;
	size_t pos;

	if (cmdsize < 12 || macho_window(c, off, cmdsize, &cur))
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "load command %u (LC_LINKER_OPTION): cmdsize %u is too small",
					   lc, cmdsize);
	cur.off = 8;
	if (rd_u32(&cur, &count))
		return macho_truncated(c, "LC_LINKER_OPTION", off);
	pos = 12;
	for (uint32_t i = 0; i < count; i++) {
		const char *s = (const char *)cur.p + pos;
		const char *nul = pos < cmdsize ? memchr(s, '\0', cmdsize - pos) : NULL;
		objload_status st;

		if (!nul)
			return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
						   "load command %u (LC_LINKER_OPTION): string %u of %u is not NUL-terminated inside the command",
						   lc, i, count);
		st = macho_add_linker_option(c, s, (size_t)(nul - s));
		if (st)
			return st;
		pos += (size_t)(nul - s) + 1;
	}
	return OBJLOAD_OK;
}

static objload_status macho_check_commands(struct macho_ctx *c)
{
	objload_image *img = c->img;
	uint64_t off = MACHO_HEADER64_SIZE;
	uint64_t end = MACHO_HEADER64_SIZE + (uint64_t)c->sizeofcmds;

	for (uint32_t lc = 0; lc < c->ncmds; lc++) {
		struct rd_cursor cur;
		uint32_t cmd, cmdsize, v[4];
		objload_status st = OBJLOAD_OK;

		if (end - off < 8 || macho_window(c, off, 8, &cur) ||
		    rd_u32(&cur, &cmd) || rd_u32(&cur, &cmdsize))
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "load command %u at offset 0x%llx: its header is outside sizeofcmds (%u bytes)",
						   lc, (unsigned long long)off, c->sizeofcmds);
		if (cmdsize < 8 || cmdsize % 8)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "load command %u (cmd 0x%x): cmdsize %u is not a multiple of 8 of at least 8",
						   lc, cmd, cmdsize);
		if (cmdsize > end - off)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "load command %u (cmd 0x%x): cmdsize %u extends past sizeofcmds (%u bytes)",
						   lc, cmd, cmdsize, c->sizeofcmds);
		switch (cmd) {
		case LC_SEGMENT_64:
			st = macho_check_segment(c, lc, off, cmdsize);
			break;
		case LC_SEGMENT:
			st = objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
						 "load command %u: LC_SEGMENT (32-bit) in a 64-bit file is not supported",
						 lc);
			break;
		case LC_SYMTAB:
			st = macho_check_symtab(c, lc, off, cmdsize);
			break;
		case LC_DYSYMTAB:
			if (c->have_dysymtab)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "load command %u: a second LC_DYSYMTAB (the first is load command %u)",
							   lc, c->dysymtab_lc);
			if (cmdsize < MACHO_DYSYMTAB_SIZE)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "load command %u (LC_DYSYMTAB): cmdsize %u is smaller than %d",
							   lc, cmdsize, MACHO_DYSYMTAB_SIZE);
			c->have_dysymtab = 1;
			c->dysymtab_lc = lc;
			c->dysymtab_off = off;
			break;
		case LC_BUILD_VERSION: {
			char minos[24], sdk[24];

			if (cmdsize < 24 || macho_window(c, off, cmdsize, &cur))
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "load command %u (LC_BUILD_VERSION): cmdsize %u is smaller than 24",
							   lc, cmdsize);
			cur.off = 8;
			if (rd_u32(&cur, &v[0]) || rd_u32(&cur, &v[1]) ||
			    rd_u32(&cur, &v[2]) || rd_u32(&cur, &v[3]))
				return macho_truncated(c, "LC_BUILD_VERSION", off);
			if (v[3] > (cmdsize - 24) / 8)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "load command %u (LC_BUILD_VERSION): %u tool entries do not fit in cmdsize %u",
							   lc, v[3], cmdsize);
			macho_version_str(minos, sizeof(minos), v[1]);
			macho_version_str(sdk, sizeof(sdk), v[2]);
			snprintf(c->version, sizeof(c->version), "%s %s, sdk %s",
				 macho_platform_name(v[0]), minos, sdk);
			break;
		}
		case LC_VERSION_MIN_MACOSX:
		case LC_VERSION_MIN_IPHONEOS:
		case LC_VERSION_MIN_TVOS:
		case LC_VERSION_MIN_WATCHOS: {
			char minos[24], sdk[24];

			if (cmdsize < 16 || macho_window(c, off, 16, &cur))
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "load command %u (LC_VERSION_MIN_*): cmdsize %u is smaller than 16",
							   lc, cmdsize);
			cur.off = 8;
			if (rd_u32(&cur, &v[0]) || rd_u32(&cur, &v[1]))
				return macho_truncated(c, "LC_VERSION_MIN_*", off);
			macho_version_str(minos, sizeof(minos), v[0]);
			macho_version_str(sdk, sizeof(sdk), v[1]);
			snprintf(c->version, sizeof(c->version), "%s %s, sdk %s",
				 cmd == LC_VERSION_MIN_MACOSX ? "macos" :
				 cmd == LC_VERSION_MIN_IPHONEOS ? "ios" :
				 cmd == LC_VERSION_MIN_TVOS ? "tvos" : "watchos",
				 minos, sdk);
			break;
		}
		case LC_LINKER_OPTION:
			st = macho_check_linker_option(c, lc, off, cmdsize);
			break;
		case LC_DATA_IN_CODE:
		case LC_LINKER_OPTIMIZATION_HINT:
			/* linkedit_data_command: (dataoff, datasize) */
			if (cmdsize < 16 || macho_window(c, off, 16, &cur))
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "load command %u (cmd 0x%x): cmdsize %u is smaller than 16",
							   lc, cmd, cmdsize);
			cur.off = 8;
			if (rd_u32(&cur, &v[0]) || rd_u32(&cur, &v[1]))
				return macho_truncated(c, "load command", off);
			if (!macho_in_file(c, v[0], v[1]))
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "load command %u (cmd 0x%x): data (offset 0x%x, size %u) extends past the end of the file (%zu bytes)",
							   lc, cmd, v[0], v[1], c->size);
			break;
		default:
			if (cmd & LC_REQ_DYLD)
				return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
							   "load command %u: cmd 0x%x is required to load the file and objload does not know it",
							   lc, cmd);
			break;  /* informational: ignored */
		}
		if (st)
			return st;
		off += cmdsize;
	}
	if (c->have_dysymtab)
		return macho_check_dysymtab(c);
	return OBJLOAD_OK;
}

static objload_status macho_check_symbols(struct macho_ctx *c)
{
	objload_image *img = c->img;

	for (uint32_t i = 0; i < c->nsyms; i++) {
		struct macho_nlist n;
		const char *name;
		unsigned type;
		objload_status st = macho_read_nlist(c, i, &n);

		if (st)
			return st;
		if (n.strx >= c->strsize ||
		    !memchr(c->file + c->stroff + n.strx, '\0', c->strsize - n.strx)) {
			if (n.strx == 0 && c->strsize == 0)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "symbol %u: the string table is empty",
							   i);
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "symbol %u: name at n_strx %u is not a NUL-terminated string inside the string table (%u bytes)",
						   i, n.strx, c->strsize);
		}
		name = macho_sym_name(c, &n);
		if (n.type & N_STAB)
			continue;  /* debugger entries: n_sect is theirs */
		type = n.type & N_TYPE;
		switch (type) {
		case N_UNDF:
			if (!(n.type & N_EXT))
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "symbol %u (%s): undefined but not external",
							   i, name);
			if (n.value && GET_COMM_ALIGN(n.desc) > 15)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "symbol %u (%s): common alignment 2^%u is too large",
							   i, name, GET_COMM_ALIGN(n.desc));
			break;
		case N_ABS:
			break;
		case N_SECT: {
			const struct macho_sect *s;

			if (n.sect == NO_SECT || n.sect > c->nsects)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "symbol %u (%s): section %u (n_sect) is not one of the %u sections",
							   i, name, n.sect, c->nsects);
			s = &c->sects[n.sect - 1];
			if (n.value < s->addr || n.value - s->addr > s->size)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "symbol %u (%s): address 0x%llx (n_value) is outside section %u (%s), 0x%llx + 0x%llx",
							   i, name, (unsigned long long)n.value,
							   n.sect, s->name,
							   (unsigned long long)s->addr,
							   (unsigned long long)s->size);
			break;
		}
		case N_INDR:
			return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
						   "symbol %u (%s): indirect symbols (N_INDR) are not supported",
						   i, name);
		case N_PBUD:
			return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
						   "symbol %u (%s): prebound undefined symbols (N_PBUD) are not supported",
						   i, name);
		default:
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "symbol %u (%s): unknown symbol kind 0x%x (n_type & N_TYPE)",
						   i, name, type);
		}
	}
	return OBJLOAD_OK;
}

/* One relocation's symbol or section reference. */
static objload_status macho_check_target(struct macho_ctx *c, uint32_t s,
					 uint32_t k, const struct macho_rel *r,
					 const char *tname)
{
	objload_image *img = c->img;
	struct macho_sect *sec = &c->sects[s];

	if (r->ext) {
		struct macho_nlist n;
		objload_status st;

		if (r->symbolnum >= c->nsyms)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s): relocation %u (%s) at 0x%x: symbol %u (r_symbolnum) is not below the symbol count %u",
						   s + 1, sec->name, k, tname, r->address,
						   r->symbolnum, c->nsyms);
		st = macho_read_nlist(c, r->symbolnum, &n);
		if (st)
			return st;
		if (n.type & N_STAB)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s): relocation %u (%s) at 0x%x: symbol %u is a debugger (stab) entry",
						   s + 1, sec->name, k, tname, r->address,
						   r->symbolnum);
		return OBJLOAD_OK;
	}
	if (r->symbolnum == 0 || r->symbolnum > c->nsects)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "section %u (%s): relocation %u (%s) at 0x%x: section %u (r_symbolnum) is not one of the %u sections",
					   s + 1, sec->name, k, tname, r->address,
					   r->symbolnum, c->nsects);
	if (macho_role_loaded(sec->role))
		c->sects[r->symbolnum - 1].need_secsym = 1;
	return OBJLOAD_OK;
}

static objload_status macho_check_relocations(struct macho_ctx *c)
{
	objload_image *img = c->img;
	const struct macho_cpu *cpu = c->cpu;

	for (uint32_t s = 0; s < c->nsects; s++) {
		struct macho_sect *sec = &c->sects[s];

		for (uint32_t k = 0; k < sec->nreloc; k++) {
			struct macho_rel r;
			const char *tname;
			uint64_t width;
			objload_status st = macho_read_rel(c, s, k, &r);

			if (st)
				return st;
			if (r.scattered)
				return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
							   "section %u (%s): relocation %u is a scattered relocation, which 64-bit objects do not use",
							   s + 1, sec->name, k);
			tname = macho_reloc_type_name(cpu, r.type);
			if (!tname)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "section %u (%s): relocation %u at 0x%x: unknown %s relocation type %u",
							   s + 1, sec->name, k, r.address,
							   cpu->name, r.type);
			width = 1u << r.length;
			if (r.address > sec->size || sec->size - r.address < width)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "section %u (%s): relocation %u (%s): field at 0x%x (%llu bytes) is outside the section (0x%llx bytes)",
							   s + 1, sec->name, k, tname, r.address,
							   (unsigned long long)width,
							   (unsigned long long)sec->size);
			if (cpu->relocs) {
				const struct macho_reloc_type *rt = &cpu->relocs[r.type];

				if ((r.length == 2 ? rt->kind4 : r.length == 3 ? rt->kind8 :
				     MACHO_KIND_ILLEGAL) == MACHO_KIND_ILLEGAL)
					return objload_image_error(img, OBJLOAD_ERR_FORMAT,
								   "section %u (%s): relocation %u (%s) at 0x%x: r_length %u (%llu bytes) is not allowed for this type",
								   s + 1, sec->name, k, tname,
								   r.address, r.length,
								   (unsigned long long)width);
				if (r.pcrel != rt->pcrel)
					return objload_image_error(img, OBJLOAD_ERR_FORMAT,
								   "section %u (%s): relocation %u (%s) at 0x%x: r_pcrel must be %u for this type",
								   s + 1, sec->name, k, tname,
								   r.address, rt->pcrel);
				if (rt->extern_only && !r.ext)
					return objload_image_error(img, OBJLOAD_ERR_FORMAT,
								   "section %u (%s): relocation %u (%s) at 0x%x: this type needs a symbol (r_extern)",
								   s + 1, sec->name, k, tname,
								   r.address);
			}
			if (r.type != cpu->addend_type) {
				st = macho_check_target(c, s, k, &r, tname);
				if (st)
					return st;
			}
			if (r.type == cpu->subtractor) {
				struct macho_rel u;

				if (k + 1 >= sec->nreloc)
					return objload_image_error(img, OBJLOAD_ERR_FORMAT,
								   "section %u (%s): relocation %u (%s) at 0x%x is the last one: it must be followed by an UNSIGNED relocation",
								   s + 1, sec->name, k, tname, r.address);
				st = macho_read_rel(c, s, k + 1, &u);
				if (st)
					return st;
				if (u.scattered || u.type != cpu->unsigned_type ||
				    u.address != r.address || u.length != r.length ||
				    u.pcrel)
					return objload_image_error(img, OBJLOAD_ERR_FORMAT,
								   "section %u (%s): relocation %u (%s) at 0x%x must be followed by an UNSIGNED relocation of the same field, not %s at 0x%x",
								   s + 1, sec->name, k, tname, r.address,
								   u.scattered ? "a scattered relocation" :
								   macho_reloc_type_name(cpu, u.type) ?
								   macho_reloc_type_name(cpu, u.type) : "an unknown type",
								   u.address & ~R_SCATTERED);
				st = macho_check_target(c, s, k + 1, &u,
							macho_reloc_type_name(cpu, u.type));
				if (st)
					return st;
				k++;
			} else if (r.type == cpu->addend_type) {
				struct macho_rel n;

				if (k + 1 >= sec->nreloc)
					return objload_image_error(img, OBJLOAD_ERR_FORMAT,
								   "section %u (%s): relocation %u (%s) at 0x%x is the last one: it must be followed by the relocation it applies to",
								   s + 1, sec->name, k, tname, r.address);
				st = macho_read_rel(c, s, k + 1, &n);
				if (st)
					return st;
				if (n.scattered || n.address != r.address ||
				    (n.type != ARM64_RELOC_BRANCH26 &&
				     n.type != ARM64_RELOC_PAGE21 &&
				     n.type != ARM64_RELOC_PAGEOFF12))
					return objload_image_error(img, OBJLOAD_ERR_FORMAT,
								   "section %u (%s): relocation %u (%s) at 0x%x must be followed by a BRANCH26, PAGE21 or PAGEOFF12 relocation of the same field",
								   s + 1, sec->name, k, tname, r.address);
			}
		}
	}
	return OBJLOAD_OK;
}

/*
 * Every check of the file, made once, before anything is built.  The build
 * steps after this read only what was checked here.
 *
 * Universal file (macho_pick_slice): the 8-byte fat header is inside the
 *   file; nfat_arch is not 0 and its fat_arch (20 bytes) or fat_arch_64
 *   (32 bytes) entries fit; the host CPU's slice exists (otherwise:
 *   unsupported, naming the slices there are), lies inside the file and
 *   after the table; the slice's own cputype is the host's.
 * Header (macho_check_header):
 *   - the magic is MH_MAGIC_64 in little-endian order (big-endian and
 *     32-bit files are unsupported, anything else malformed);
 *   - the whole 32-byte mach_header_64 is inside the file;
 *   - cputype is x86_64 or arm64 (others unsupported);
 *   - filetype is MH_OBJECT, or MH_DYLIB or MH_BUNDLE (checked and built
 *     by formats/macho/macho_dylib.c from here on); others unsupported;
 *   - sizeofcmds fits in the file after the header, and ncmds commands of
 *     at least 8 bytes fit in sizeofcmds.
 * Load commands (macho_check_commands), walked in order:
 *   - each header (cmd, cmdsize) is inside sizeofcmds; cmdsize is at least
 *     8, a multiple of 8, and does not run past sizeofcmds;
 *   - LC_SEGMENT_64: the 72-byte command and nsects 80-byte section_64
 *     entries fit in cmdsize; the segment's file range is inside the file
 *     and its address range does not wrap; at most 255 sections in all;
 *     each section: a known type (not one of the linked-image types:
 *     symbol pointers, stubs, interposing, DTrace, init offsets, which are
 *     unsupported); contents inside the file unless zero-fill; alignment
 *     at most 2^31; addresses inside the segment's; relocations (reloff,
 *     nreloc * 8) inside the file; none on a zero-fill section;
 *     S_MOD_INIT/TERM_FUNC_POINTERS a multiple of 8 bytes;
 *   - LC_SEGMENT (32-bit): unsupported;
 *   - LC_SYMTAB: at most one; symbols (nsyms * 16 at symoff) and the
 *     string table (strsize at stroff) inside the file;
 *   - LC_DYSYMTAB: at most one, at least 80 bytes, needs LC_SYMTAB; the
 *     local, defined-external and undefined ranges inside the symbol
 *     table; its other tables, when not empty, inside the file;
 *   - LC_BUILD_VERSION: at least 24 bytes with ntools 8-byte entries;
 *     LC_VERSION_MIN_*: at least 16 bytes (both only recorded for info);
 *   - LC_LINKER_OPTION: count NUL-terminated strings inside the command
 *     (recorded for info, never applied);
 *   - LC_DATA_IN_CODE, LC_LINKER_OPTIMIZATION_HINT: data inside the file;
 *   - unknown commands are ignored unless marked LC_REQ_DYLD.
 * Symbols (macho_check_symbols), every nlist_64:
 *   - n_strx inside the string table and the name NUL-terminated there;
 *   - stabs (N_STAB bits) need nothing else;
 *   - N_UNDF only with N_EXT; a common's alignment at most 2^15;
 *   - N_SECT: n_sect is a section, n_value inside it (or at its end);
 *   - N_INDR and N_PBUD unsupported, other kinds malformed.
 * Relocations (macho_check_relocations), of every section:
 *   - not scattered; r_type known for the CPU;
 *   - the field [r_address, r_address + 2^r_length) inside the section;
 *   - x86-64: r_length and r_pcrel allowed for the type; GOT, GOT_LOAD
 *     and TLV extern;
 *   - extern: r_symbolnum below nsyms and not a stab; otherwise a
 *     section ordinal 1..nsects (ARM64_RELOC_ADDEND carries an addend);
 *   - SUBTRACTOR followed by an UNSIGNED of the same field (address,
 *     length, not pc-relative), whose target is checked the same way;
 *     ARM64_RELOC_ADDEND followed by BRANCH26, PAGE21 or PAGEOFF12 of the
 *     same field.
 */
/*
 * __eh_frame.  The assembler resolves an FDE's pc_begin and its LSDA
 * pointer (pc-relative, to __text and __gcc_except_tab of the same object)
 * against the object's own layout and writes no relocation for them:
 * ld64 keeps the layout.  objload does not (each section is its own
 * piece, and the per-section strategy scatters them), so each such field
 * becomes an edge to its target section: S (the section) + A (the offset
 * the field pointed at) - P.  formats/ehframe.c walks the CIE/FDE records;
 * a field that does carry a relocation (the personality pointer, through
 * the GOT) is left to it.
 */
static int macho_has_reloc_at(struct macho_ctx *c, uint32_t s, uint64_t offset)
{
	for (uint32_t k = 0; k < c->sects[s].nreloc; k++) {
		struct macho_rel r;

		if (macho_read_rel(c, s, k, &r) == OBJLOAD_OK && r.address == offset)
			return 1;
	}
	return 0;
}

struct macho_eh_walk {
	struct macho_ctx *c;
	objload_status st;
};

static int macho_eh_pointer(void *ctx, const eh_pointer *p)
{
	struct macho_eh_walk *w = ctx;
	struct macho_ctx *c = w->c;
	const struct macho_sect *eh = &c->sects[c->eh_sect];
	uint64_t target = eh->addr + p->offset + (uint64_t)p->value;
	uint32_t t;

	if (macho_has_reloc_at(c, c->eh_sect, p->offset))
		return 0;
	for (t = 0; t < c->nsects; t++)
		if (!c->sects[t].zerofill && target >= c->sects[t].addr &&
		    target - c->sects[t].addr < c->sects[t].size)
			break;
	if (t == c->nsects || !macho_role_loaded(c->sects[t].role)) {
		w->st = objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					    "section %u (%s): the %s pointer at 0x%llx points to 0x%llx, in no loaded section",
					    c->eh_sect + 1, eh->name, p->is_lsda ? "LSDA" : "pc_begin",
					    (unsigned long long)p->offset, (unsigned long long)target);
		return 1;
	}
	if (c->neh == c->eh_cap) {
		size_t ncap = c->eh_cap ? c->eh_cap * 2 : 16;
		struct macho_eh_edge *n = realloc(c->eh, ncap * sizeof(*n));

		if (!n) {
			w->st = macho_nomem(c);
			return 1;
		}
		c->eh = n;
		c->eh_cap = ncap;
	}
	c->eh[c->neh++] = (struct macho_eh_edge){
		.offset = p->offset, .width = p->width, .target = t,
		.addend = (int64_t)(target - c->sects[t].addr),
	};
	c->sects[t].need_secsym = 1;
	return 0;
}

static objload_status macho_check_eh_frame(struct macho_ctx *c)
{
	struct macho_eh_walk w = { .c = c, .st = OBJLOAD_OK };
	uint64_t bad = 0;
	const char *why = NULL;
	int r;

	for (c->eh_sect = 0; c->eh_sect < c->nsects; c->eh_sect++)
		if (c->sects[c->eh_sect].role == OBJLOAD_ROLE_UNWIND &&
		    strcmp(c->sects[c->eh_sect].sectname, "__eh_frame") == 0)
			break;
	if (c->eh_sect == c->nsects || !c->cpu->relocs || c->sects[c->eh_sect].zerofill)
		return OBJLOAD_OK;
	r = eh_frame_pointers(c->file + c->sects[c->eh_sect].offset,
			      (size_t)c->sects[c->eh_sect].size, macho_eh_pointer, &w,
			      &bad, &why);
	if (r < 0)
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "section %u (%s): record at 0x%llx: %s",
					   c->eh_sect + 1, c->sects[c->eh_sect].name,
					   (unsigned long long)bad, why);
	return w.st;
}

static objload_status macho_build_eh_edges(struct macho_ctx *c)
{
	objload_edge *e;

	if (!c->neh)
		return OBJLOAD_OK;
	e = objload_image_add_edges(c->img, c->neh);
	if (!e)
		return macho_nomem(c);
	for (size_t i = 0; i < c->neh; i++) {
		const struct macho_eh_edge *x = &c->eh[i];
		int arm = c->cpu->arch == OBJLOAD_ARCH_AARCH64;

		e[i].section = c->eh_sect;
		e[i].offset = x->offset;
		e[i].native_type = MACHO_EH_IMPLICIT;
		e[i].kind = (uint16_t)(x->width == 8 ? (arm ? OBJLOAD_AARCH64_PREL64 : OBJLOAD_X86_64_PC64) :
				       x->width == 4 ? (arm ? OBJLOAD_AARCH64_PREL32 : OBJLOAD_X86_64_PC32) :
				       (arm ? OBJLOAD_AARCH64_PREL16 : OBJLOAD_X86_64_PC16));
		e[i].symbol = c->sects[x->target].secsym;
		e[i].subtrahend = OBJLOAD_NO_INDEX;
		e[i].addend = x->addend;
	}
	return OBJLOAD_OK;
}

static objload_status macho_validate(struct macho_ctx *c)
{
	objload_status st;

	st = macho_check_header(c);
	if (st || c->linked)
		return st;   /* a linked image is macho_dylib.c's to check */
	st = macho_check_commands(c);
	if (st)
		return st;
	for (uint32_t s = 0; s < c->nsects; s++) {
		struct macho_sect *sec = &c->sects[s];
		char buf[40];

		snprintf(buf, sizeof(buf), "%s,%s", sec->segname, sec->sectname);
		sec->name = objload_image_strdup(c->img, buf);
		if (!sec->name)
			return macho_nomem(c);
	}
	st = macho_check_symbols(c);
	if (!st)
		st = macho_check_relocations(c);
	if (!st)
		st = macho_check_eh_frame(c);
	return st;
}

/* ---- Building the image ----------------------------------------------- */

static objload_status macho_build_sections(struct macho_ctx *c)
{
	objload_image *img = c->img;
	objload_section *secs;

	if (c->nsects == 0)
		return OBJLOAD_OK;
	secs = objload_image_add_sections(img, c->nsects);
	if (!secs)
		return macho_nomem(c);
	for (uint32_t i = 0; i < c->nsects; i++) {
		const struct macho_sect *s = &c->sects[i];
		objload_section *o = &secs[i];

		o->name = s->name;
		o->role = s->role;
		o->align = 1ull << s->align;
		o->size = s->size;
		o->bytes = s->zerofill ? NULL : c->file + s->offset;
		o->file_addr = s->addr;
		o->group = OBJLOAD_NO_INDEX;
		o->native_index = i + 1;
		o->native_type = macho_sect_type_name(s->flags & SECTION_TYPE);
		o->native_flags = s->flags;
	}
	return OBJLOAD_OK;
}

static objload_status macho_build_inits(struct macho_ctx *c)
{
	for (uint32_t i = 0; i < c->nsects; i++) {
		uint32_t type = c->sects[i].flags & SECTION_TYPE;
		objload_init_table *t;

		if ((type != S_MOD_INIT_FUNC_POINTERS &&
		     type != S_MOD_TERM_FUNC_POINTERS) || c->sects[i].size == 0)
			continue;
		t = objload_image_add_inits(c->img, 1);
		if (!t)
			return macho_nomem(c);
		t->kind = type == S_MOD_INIT_FUNC_POINTERS ?
			  OBJLOAD_INIT_CONSTRUCTOR : OBJLOAD_INIT_DESTRUCTOR;
		t->section = i;
		t->offset = 0;
		t->count = c->sects[i].size / 8;
		t->priority = 65536;   /* Mach-O tables have no priorities */
		t->reverse = 0;
	}
	return OBJLOAD_OK;
}

/* The CPU objload itself runs on: what abi/darwin's own functions are
 * compiled for. */
#if defined(__aarch64__)
#define MACHO_HOST_ARCH OBJLOAD_ARCH_AARCH64
#else
#define MACHO_HOST_ARCH OBJLOAD_ARCH_X86_64
#endif

/* The C-level name of a symbol, after the underscore rule and the macOS
 * names that are not glibc's (abi/darwin/names.c).  Sets *alias when the
 * symbol is one of those. */
static objload_status macho_cname(struct macho_ctx *c, const char *name,
				  int ext, int undefined, const char **out,
				  const darwin_name **alias)
{
	const char *base;
	size_t plain_len;

	*alias = NULL;
	if (name[0] == '_')
		base = name + 1;
	else
		base = ext ? name : NULL;
	*out = base;
	if (!ext || !base || !base[0])
		return OBJLOAD_OK;
	*alias = darwin_name_lookup(name);
	if (*alias && (*alias)->host) {
		*out = (*alias)->host;
		return OBJLOAD_OK;
	}
	plain_len = undefined ? darwin_name_without_variant(base) : 0;
	if (plain_len) {
		char *plain = objload_image_alloc(c->img, plain_len + 1);

		if (!plain)
			return macho_nomem(c);
		memcpy(plain, base, plain_len);
		plain[plain_len] = '\0';
		*out = plain;
	}
	return OBJLOAD_OK;
}

const char *macho_c_level_name(objload_image *img, const char *name, int undefined,
			       int *nomem)
{
	struct macho_ctx c = { .img = img };
	const darwin_name *alias;
	const char *out;

	*nomem = macho_cname(&c, name, 1, undefined, &out, &alias) != OBJLOAD_OK;
	return *nomem ? NULL : out;
}

/* Appends "name" to the list of references without a glibc counterpart. */
static objload_status macho_note_unsupported(struct macho_ctx *c, char **list,
					     size_t *len, const char *name)
{
	size_t n = strlen(name);
	char *grown = realloc(*list, *len + n + 3);

	if (!grown)
		return macho_nomem(c);
	*list = grown;
	if (*len) {
		grown[(*len)++] = ',';
		grown[(*len)++] = ' ';
	}
	memcpy(grown + *len, name, n);
	*len += n;
	grown[*len] = '\0';
	return OBJLOAD_OK;
}

static objload_status macho_build_symbols(struct macho_ctx *c, char **unsupported)
{
	objload_image *img = c->img;
	objload_symbol *syms;
	uint32_t nsec = 0, next;
	size_t ulen = 0;

	for (uint32_t s = 0; s < c->nsects; s++)
		nsec += c->sects[s].need_secsym;
	if (c->nsyms + nsec == 0)
		return OBJLOAD_OK;
	syms = objload_image_add_symbols(img, c->nsyms + nsec);
	if (!syms)
		return macho_nomem(c);
	for (uint32_t i = 0; i < c->nsyms; i++) {
		objload_symbol *o = &syms[i];
		const darwin_name *alias;
		const void *provided;
		struct macho_nlist n;
		unsigned kind;
		int ext;
		objload_status st = macho_read_nlist(c, i, &n);

		if (st)
			return st;
		o->name = macho_sym_name(c, &n);
		o->native_index = i;
		o->section = OBJLOAD_NO_INDEX;
		o->binding = OBJLOAD_BIND_LOCAL;
		o->type = OBJLOAD_SYM_NOTYPE;
		if (n.type & N_STAB) {
			/* debugger entries: kept so that indices match the
			 * file, as locals that nothing can reference */
			o->def = OBJLOAD_DEF_ABSOLUTE;
			o->value = n.value;
			if (n.type == N_SO || n.type == N_OSO)
				o->type = OBJLOAD_SYM_FILE;
			continue;
		}
		kind = n.type & N_TYPE;
		ext = (n.type & N_EXT) != 0;
		o->hidden = (n.type & N_PEXT) != 0;
		if (ext)
			o->binding = (n.desc & (kind == N_UNDF ? N_WEAK_REF : N_WEAK_DEF)) ?
				     OBJLOAD_BIND_WEAK : OBJLOAD_BIND_GLOBAL;
		switch (kind) {
		case N_UNDF:
			if (n.value) {
				o->def = OBJLOAD_DEF_COMMON;
				o->size = n.value;
				o->value = 1ull << GET_COMM_ALIGN(n.desc);
				o->type = OBJLOAD_SYM_OBJECT;
				o->binding = OBJLOAD_BIND_GLOBAL;
			} else {
				o->def = OBJLOAD_DEF_UNDEFINED;
			}
			break;
		case N_ABS:
			o->def = OBJLOAD_DEF_ABSOLUTE;
			o->value = n.value;
			break;
		default: { /* N_SECT, checked */
			const struct macho_sect *s = &c->sects[n.sect - 1];

			o->def = OBJLOAD_DEF_SECTION;
			o->section = n.sect - 1u;
			o->value = n.value - s->addr;
			o->type = s->role == OBJLOAD_ROLE_CODE ? OBJLOAD_SYM_FUNC :
				  s->role == OBJLOAD_ROLE_TLS ? OBJLOAD_SYM_TLS :
				  OBJLOAD_SYM_OBJECT;
			break;
		}
		}
		st = macho_cname(c, o->name, ext, o->def == OBJLOAD_DEF_UNDEFINED,
				 &o->cname, &alias);
		if (st)
			return st;
		if (o->def == OBJLOAD_DEF_UNDEFINED && ext && c->cpu->arch == MACHO_HOST_ARCH &&
		    (provided = darwin_provided_symbol(o->name))) {
			/* objload's own (abi/darwin/), compiled for the
			 * host's CPU: a local absolute, so that objects
			 * sharing it never clash */
			o->def = OBJLOAD_DEF_ABSOLUTE;
			o->binding = OBJLOAD_BIND_LOCAL;
			o->value = (uint64_t)(uintptr_t)provided;
			continue;
		}
		if (alias && !alias->host && o->def == OBJLOAD_DEF_UNDEFINED) {
			st = macho_note_unsupported(c, unsupported, &ulen, o->name);
			if (st)
				return st;
		}
	}
	next = c->nsyms;
	for (uint32_t s = 0; s < c->nsects; s++) {
		objload_symbol *o;

		if (!c->sects[s].need_secsym)
			continue;
		o = &syms[next];
		o->name = c->sects[s].name;
		o->binding = OBJLOAD_BIND_LOCAL;
		o->def = OBJLOAD_DEF_SECTION;
		o->type = OBJLOAD_SYM_SECTION;
		o->section = s;
		o->value = 0;
		o->native_index = OBJLOAD_NO_INDEX;
		c->sects[s].secsym = next++;
	}
	return OBJLOAD_OK;
}

/* Sign-extend the low `width` bytes of v. */
static int64_t macho_sext(uint64_t v, unsigned width)
{
	unsigned shift;

	if (width == 0 || width >= 8)
		return (int64_t)v;
	shift = 64 - 8 * width;
	return (int64_t)(v << shift) >> shift;
}

/* The implicit addend: the field's contents as the arch reads them for
 * the edge's kind.  arm64 instruction fields hold none (see
 * macho_arm64_addend): only its data types are read. */
static int64_t macho_field(const struct macho_ctx *c, uint32_t s,
			   const struct macho_rel *r, unsigned kind)
{
	const uint8_t *p = c->file + c->sects[s].offset + r->address;
	int64_t v = 0;

	if (c->cpu->arch == OBJLOAD_ARCH_AARCH64 && r->type != ARM64_RELOC_UNSIGNED &&
	    r->type != ARM64_RELOC_SUBTRACTOR && r->type != ARM64_RELOC_POINTER_TO_GOT)
		return 0;
	/* [address, address + width) was checked inside the section, and the
	 * section inside the file */
	if (objload_arch_read_addend(c->cpu->arch, kind, p, 1u << r->length, &v))
		return 0;
	return v;
}

/* Symbol index of a relocation's target, and what the target adds to the
 * addend: a section target's field holds an address in the file's layout,
 * which becomes an offset from the synthetic section symbol. */
static uint32_t macho_target(const struct macho_ctx *c, const struct macho_rel *r,
			     int64_t *rebase)
{
	if (r->ext) {
		*rebase = 0;
		return r->symbolnum;
	}
	*rebase = -(int64_t)c->sects[r->symbolnum - 1].addr;
	return c->sects[r->symbolnum - 1].secsym;
}

/*
 * The addend of a single (non-pair) x86-64 relocation of section s, so that
 * the kind's S + A - P (P the field's address) or S + A is right:
 *
 *   extern, absolute:      A = field
 *   extern, PC-relative:   A = field - 4
 *       The field holds the addend as if the instruction ended right after
 *       the 4-byte field; SIGNED_N instructions end N bytes later, and the
 *       linker adds N to the addend and to P alike (ld64: S + (field + N)
 *       - (P + 4 + N)), so N cancels.
 *   section, absolute:     A = field - addr(T)
 *       The field holds the target's address in the file; T is the
 *       target section, whose synthetic symbol is S.
 *   section, PC-relative:  A = field + Pfile - addr(T)
 *       The field holds the final displacement in the file's layout,
 *       Tfile - (Pfile + 4 + N); the target is Pfile + 4 + N + field, and
 *       with S = T's start, S + A - P = Tfinal - (Pfinal + 4 + N): N
 *       cancels again.  Pfile = addr(section s) + r_address.
 */
static int64_t macho_edge_addend(const struct macho_ctx *c, uint32_t s,
				 const struct macho_rel *r, int64_t field,
				 int64_t rebase)
{
	if (r->ext)
		return r->pcrel ? field - 4 : field;
	if (r->pcrel)
		return field + (int64_t)(c->sects[s].addr + r->address) + rebase;
	return field + rebase;
}

/*
 * arm64, before an edge is made: an ARM64_RELOC_ADDEND is folded into the
 * relocation that follows it (macho_check_relocations made sure there is
 * one, of a type that takes it, on the same field) and makes no edge;
 * AUTHENTICATED_POINTER is refused.
 */
static objload_status macho_arm64_check(struct macho_ctx *c, uint32_t s,
					uint32_t k, const struct macho_rel *r,
					int64_t *pending, int *folded)
{
	*folded = r->type == ARM64_RELOC_ADDEND;
	if (*folded) {
		/* r_symbolnum: a signed 24-bit addend */
		*pending = macho_sext(r->symbolnum, 3);
		return OBJLOAD_OK;
	}
	if (r->type == ARM64_RELOC_AUTHENTICATED_POINTER)
		return objload_image_error(c->img, OBJLOAD_ERR_UNSUPPORTED,
					   "section %u (%s): relocation %u (ARM64_RELOC_AUTHENTICATED_POINTER) at 0x%x: arm64e pointer authentication is not supported",
					   s + 1, c->sects[s].name, k, r->address);
	return OBJLOAD_OK;
}

/*
 * The addend of an arm64 edge: data fields (UNSIGNED) hold it, rebased for
 * a section target as on x86-64; a PC-relative POINTER_TO_GOT holds it
 * minus the field's offset in its section; instruction fields hold none, and it is the
 * preceding ARM64_RELOC_ADDEND's, or 0.  An instruction type always names
 * a symbol (r_extern), so nothing rebases.
 */
static int64_t macho_arm64_addend(const struct macho_rel *r, int64_t field,
				  int64_t rebase, int64_t *pending)
{
	int64_t a = *pending;

	*pending = 0;
	if (r->type == ARM64_RELOC_UNSIGNED)
		return field + rebase;
	/* PC-relative: the assembler stored A minus the field's offset in its
	 * section (llvm-mc writes -8 for `.long foo@GOT - .` at offset 8 and
	 * 0 at offset 0, whatever the section's address): add it back. */
	if (r->type == ARM64_RELOC_POINTER_TO_GOT)
		return field + (r->pcrel ? (int64_t)r->address : 0);
	return a;
}

/*
 * Thread-local variables.  A descriptor in __thread_vars is {thunk, key,
 * offset}: an UNSIGNED to _tlv_bootstrap, a word dyld fills, and an
 * UNSIGNED to the variable's initial value in __thread_data/__thread_bss,
 * which stands for its offset in the image's thread-local template: that
 * one becomes the TLS offset kind.  __thread_init lists functions dyld
 * would run for C++ thread_local variables with dynamic initialisers:
 * refused (the catch-all TLS kind).
 */
static void macho_tlv_kind(const struct macho_ctx *c, uint32_t s, objload_edge *e)
{
	const objload_image *img = c->img;
	uint32_t type = c->sects[s].flags & SECTION_TYPE;
	const objload_symbol *sym;

	if (type == S_THREAD_LOCAL_INIT_FUNCTION_POINTERS) {
		e->kind = c->cpu->tls_refused_kind;
		return;
	}
	if (type != S_THREAD_LOCAL_VARIABLES || e->kind != c->cpu->abs64_kind ||
	    e->symbol >= img->nsymbols)
		return;
	sym = &img->symbols[e->symbol];
	if (sym->def == OBJLOAD_DEF_SECTION && sym->section < img->nsections &&
	    img->sections[sym->section].role == OBJLOAD_ROLE_TLS)
		e->kind = c->cpu->tls_offset_kind;
}

static objload_status macho_build_edges(struct macho_ctx *c, size_t *skipped)
{
	objload_image *img = c->img;
	const struct macho_cpu *cpu = c->cpu;

	*skipped = 0;
	for (uint32_t s = 0; s < c->nsects; s++) {
		struct macho_sect *sec = &c->sects[s];

		if (!sec->nreloc)
			continue;
		if (!cpu->relocs || !macho_role_loaded(sec->role)) {
			*skipped += sec->nreloc;
			continue;
		}
		int64_t pending = 0;    /* arm64: from an ARM64_RELOC_ADDEND */

		for (uint32_t k = 0; k < sec->nreloc; k++) {
			const struct macho_reloc_type *rt;
			struct macho_rel r, u;
			objload_edge *e;
			int64_t field, rebase, rebase_sub;
			objload_status st = macho_read_rel(c, s, k, &r);

			if (st)
				return st;
			rt = &cpu->relocs[r.type];
			if (cpu->arch == OBJLOAD_ARCH_AARCH64) {
				int folded;

				st = macho_arm64_check(c, s, k, &r, &pending, &folded);
				if (st)
					return st;
				if (folded)
					continue;
			}
			e = objload_image_add_edges(img, 1);
			if (!e)
				return macho_nomem(c);
			e->section = s;
			e->offset = r.address;
			e->native_type = r.type;
			e->kind = (uint16_t)(r.length == 3 ? rt->kind8 : rt->kind4);
			e->subtrahend = OBJLOAD_NO_INDEX;
			field = macho_field(c, s, &r, e->kind);
			if (r.type != cpu->subtractor) {
				e->symbol = macho_target(c, &r, &rebase);
				e->addend = cpu->arch == OBJLOAD_ARCH_AARCH64 ?
					macho_arm64_addend(&r, field, rebase, &pending) :
					macho_edge_addend(c, s, &r, field, rebase);
				macho_tlv_kind(c, s, e);
				continue;
			}
			/* SUBTRACTOR B + UNSIGNED A: A - B + field; a
			 * section target adds its slide, a section
			 * subtrahend subtracts its own. */
			st = macho_read_rel(c, s, ++k, &u);
			if (st)
				return st;
			e->subtrahend = macho_target(c, &r, &rebase_sub);
			e->symbol = macho_target(c, &u, &rebase);
			e->addend = field + rebase - rebase_sub;
		}
	}
	return OBJLOAD_OK;
}

/* The reasons `objload info` shows, with the file's facts appended. */
static objload_status macho_build_info(struct macho_ctx *c, const char *unsupported,
				       size_t skipped)
{
	struct macho_info *info = objload_image_alloc(c->img, sizeof(*info));
	char notes[1024];
	size_t n = 0;

	if (!info)
		return macho_nomem(c);
	info->cputype = c->cpu->cputype;
	notes[0] = '\0';
#define MACHO_NOTE(...) \
	do { \
		int w_ = snprintf(notes + n, sizeof(notes) - n, __VA_ARGS__); \
		if (w_ > 0) \
			n = (size_t)w_ < sizeof(notes) - n ? n + (size_t)w_ : sizeof(notes) - 1; \
	} while (0)
	if (c->version[0])
		MACHO_NOTE("; built for %s", c->version);
	if (c->fat)
		MACHO_NOTE("; %s slice of a universal file at offset 0x%llx",
			   c->cpu->name, (unsigned long long)c->slice_off);
	if (c->linker_options)
		MACHO_NOTE("; linker options (not applied): %s", c->linker_options);
	if (!c->cpu->relocs && skipped)
		MACHO_NOTE("; %zu %s relocations not mapped yet (no %s applier)",
			   skipped, c->cpu->name, objload_arch_name(c->cpu->arch));
	if (unsupported)
		MACHO_NOTE("; references macOS-only names without a glibc counterpart: %s",
			   unsupported);
#undef MACHO_NOTE
	info->notes = objload_image_strdup(c->img, notes);
	if (!info->notes)
		return macho_nomem(c);
	for (uint32_t s = 0; s < c->nsects; s++)
		info->eh_frame |= strcmp(c->sects[s].segname, "__TEXT") == 0 &&
				  strcmp(c->sects[s].sectname, "__eh_frame") == 0;
	c->img->format_data = info;
	return OBJLOAD_OK;
}

/* ---- The plug-in ------------------------------------------------------ */

static int macho_probe(const uint8_t *bytes, size_t len)
{
	uint32_t m;

	if (!bytes || len < 4)
		return 0;
	m = macho_be32(bytes);
	if (m == FAT_MAGIC || m == FAT_MAGIC_64) {
		/* Java class files share 0xcafebabe; their next word (the
		 * version) is 45 or more, a fat file's (nfat_arch) small. */
		return len >= 8 && macho_be32(bytes + 4) < 45;
	}
	return m == MH_MAGIC_64 || m == MH_CIGAM_64 ||   /* 64-bit */
	       m == MH_MAGIC || m == MH_CIGAM;            /* 32-bit */
}

static objload_status macho_parse_inner(struct macho_ctx *c)
{
	objload_image *img = c->img;
	char *unsupported = NULL;
	size_t skipped = 0;
	objload_status st;

	if (img->nsections || img->nsymbols || img->nedges || img->ninits ||
	    img->ngroups)
		return objload_image_error(img, OBJLOAD_ERR_ARGUMENT,
					   "Mach-O parse needs an empty image");
	st = macho_validate(c);
	if (st)
		return st;
	if (c->linked) {
		struct macho_dylib_header h = {
			.file = c->file, .size = c->size, .arch = c->cpu->arch,
			.filetype = c->filetype, .ncmds = c->ncmds, .sizeofcmds = c->sizeofcmds,
		};

		return macho_dylib_parse(img, &h);
	}

	img->arch = c->cpu->arch;
	img->kind = OBJLOAD_IMAGE_RELOCATABLE;
	/* x86-64: System V; arm64: AAPCS64 but variadic arguments on the
	 * stack (docs/aarch64.md) */
	img->callconv = c->cpu->arch == OBJLOAD_ARCH_AARCH64 ? OBJLOAD_CC_DARWIN_ARM64 :
			OBJLOAD_CC_SYSV;
	img->layout_meaningful = 1;

	st = macho_build_sections(c);
	if (!st)
		st = macho_build_inits(c);
	if (!st)
		st = macho_build_symbols(c, &unsupported);
	if (!st)
		st = macho_build_edges(c, &skipped);
	if (!st)
		st = macho_build_eh_edges(c);
	if (!st)
		st = macho_build_info(c, unsupported, skipped);
	free(unsupported);
	return st;
}

static objload_status macho_parse(objload_image *img)
{
	struct macho_ctx c;
	objload_status st;

	memset(&c, 0, sizeof(c));
	c.img = img;
	c.file = img->file;
	c.size = img->file ? img->file_size : 0;
	st = macho_parse_inner(&c);
	free(c.sects);
	free(c.linker_options);
	free(c.eh);
	return st;
}

/*
 * The strategy.  An object's sections share the layout the assembler gave
 * them; the plug-in rebases every section-relative reference, so they can
 * move apart, and by default they are packed with the other whole images
 * into one reservation.  Per-section loading pays when most sections
 * stand alone (referred to by no other section of the file), and fails
 * under a scattering memory manager when sections must reach each other
 * directly (PC-relative data references, __eh_frame's pc-relative
 * pointers into __text).
 */
static objload_status macho_plan(const objload_image *img, const objload_plan_query *q,
				 objload_plan_choice *choice)
{
	const struct macho_info *info = img->format_data;
	objload_image_facts f;
	struct fmt_decision d = { .strategy = OBJLOAD_STRATEGY_WHOLE };

	if (img->kind != OBJLOAD_IMAGE_RELOCATABLE)
		return macho_dylib_plan(img, q, choice);
	fmt_plan_facts(img, q, &f);
	if (q->placement_scatters && f.cross_section_direct)
		d.scatter_fails = fmt_image_printf(img,
			"%llu PC-relative references between its sections (the first to '%s') "
			"must reach directly, and a scattering memory manager places sections "
			"beyond their reach", (unsigned long long)f.cross_section_direct,
			f.cross_example ? f.cross_example : "?");
	if (q->dead_strip && f.isolated_code_sections >= FMT_MIN_ISOLATED_CODE &&
	    f.isolated_code_bytes * 4 >= f.code_bytes) {
		d.strategy = OBJLOAD_STRATEGY_SECTION;
		d.why = fmt_image_printf(img,
			"%u of its %u code sections (%llu of %llu bytes) are called by no "
			"other section of this file: loaded section by section, what the program "
			"never reaches is left out", f.isolated_code_sections, f.code_sections,
			(unsigned long long)f.isolated_code_bytes, (unsigned long long)f.code_bytes);
	} else if (info && info->eh_frame) {
		d.why = "a Mach-O object is one segment whose loadable sections share one "
			"layout, and __eh_frame reaches __text through pc-relative pointers: "
			"packed with the other whole images into one reservation by protection";
	} else {
		d.why = "a Mach-O object is one segment whose loadable sections share one "
			"layout: packed with the other whole images into one reservation by "
			"protection";
	}
	if (!d.why)
		d.why = "Mach-O object: sections packed into one reservation by protection";
	return fmt_plan_answer(img, q, &d, info ? info->notes : NULL, choice);
}

static const char *macho_reloc_name(const objload_image *img,
				    uint32_t native_type)
{
	const struct macho_cpu *cpu = macho_cpu_by_arch(img->arch);

	if (img->kind != OBJLOAD_IMAGE_RELOCATABLE)
		return macho_dylib_fixup_name(native_type);
	return cpu ? macho_reloc_type_name(cpu, native_type) : NULL;
}

static void macho_release(objload_image *img)
{
	/* format_data lives in image memory: nothing to free. */
	img->format_data = NULL;
}

/*
 * Linker-defined bounds: ld64 defines section$start$SEG$SECT and
 * section$end$SEG$SECT at the start and the end of section SECT of segment
 * SEG.  Sections are named "SEG,SECT" here.
 */
static int macho_section_bound(const char *name, char *section, size_t len,
			       int *is_end)
{
	const char *rest, *dollar;
	size_t seglen;

	if (strncmp(name, "section$start$", 14) == 0) {
		rest = name + 14;
		*is_end = 0;
	} else if (strncmp(name, "section$end$", 12) == 0) {
		rest = name + 12;
		*is_end = 1;
	} else {
		return 0;
	}
	dollar = strchr(rest, '$');
	if (!dollar || dollar == rest || !dollar[1] || strchr(dollar + 1, '$'))
		return 0;
	seglen = (size_t)(dollar - rest);
	if (seglen > 16 || strlen(dollar + 1) > 16 || seglen + strlen(dollar + 1) + 2 > len)
		return 0;
	snprintf(section, len, "%.*s,%s", (int)seglen, rest, dollar + 1);
	return 1;
}

/* Mach-O decorates C names with a leading underscore: an archive index's
 * "_foo" is C-level "foo". */
static const char *macho_index_cname(const char *name)
{
	return name[0] == '_' && name[1] ? name + 1 : name;
}

const objload_format objload_format_macho = {
	.name = "macho",
	.abi_version = OBJLOAD_PLUGIN_ABI_VERSION,
	.probe = macho_probe,
	.parse = macho_parse,
	.plan = macho_plan,
	.reloc_name = macho_reloc_name,
	.release = macho_release,
	.section_bound = macho_section_bound,
	.index_cname = macho_index_cname,
};
