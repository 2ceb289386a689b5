/* SPDX-License-Identifier: MIT */
/*
 * The COFF format plug-in: x86-64 and arm64 object files as Microsoft's
 * compilers, clang and MinGW's gcc write them.
 *
 * What a loader needs from the COFF object model
 * ----------------------------------------------
 * A file starts with IMAGE_FILE_HEADER (20 bytes: Machine, NumberOfSections,
 * TimeDateStamp, PointerToSymbolTable, NumberOfSymbols,
 * SizeOfOptionalHeader, Characteristics) or, for objects compiled with
 * /bigobj, with ANON_OBJECT_HEADER_BIGOBJ (56 bytes: Sig1 0, Sig2 0xffff,
 * Version >= 2, Machine, a fixed ClassID GUID, 32-bit section and symbol
 * counts).  An object has no optional header.  The section table follows
 * the header: 40-byte IMAGE_SECTION_HEADERs numbered from 1.
 *
 * A section name is 8 bytes, NUL-padded; a longer one is written "/NNN",
 * a decimal offset into the string table (bigobj may write "//" and six
 * base-64 digits).  Characteristics say what a section holds:
 * CNT_CODE/MEM_EXECUTE code, CNT_UNINITIALIZED_DATA zero-fill (no file
 * bytes), MEM_WRITE data, otherwise read-only data; LNK_INFO (.drectve)
 * and LNK_REMOVE (.llvm_addrsig) are for the linker only; ALIGN_*
 * (bits 20-23) is log2(alignment) + 1, 0 meaning the 16-byte default;
 * LNK_COMDAT marks a section kept once per link.  `name$suffix` sections
 * are merged by a linker into `name`, sorted by suffix: the C runtime's
 * initializer tables .CRT$XCA .. .CRT$XCZ (constructors) and .CRT$XT*
 * (terminators) rely on that order.  .pdata/.xdata are the unwind tables,
 * .debug$S/$T CodeView.
 *
 * Relocations (10 bytes: VirtualAddress, SymbolTableIndex, Type) have no
 * addend field: the addend is the field's contents.  A section with more
 * than 65535 of them sets LNK_NRELOC_OVFL, writes 0xffff as the count and
 * stores the real count (this entry included) in the first entry's
 * VirtualAddress.  REL32 is relative to the end of its 4-byte field,
 * REL32_N to N bytes further; ADDR32NB is relative to the image base.
 *
 * Symbols are 18-byte records (20 with bigobj: a 32-bit section number),
 * each followed by NumberOfAuxSymbols auxiliary records of the same size
 * that count in the symbol numbering.  Name: 8 bytes, or 4 zero bytes and
 * a string-table offset.  SectionNumber: 1.. a section, 0 undefined (or a
 * common block when Value > 0), -1 absolute, -2 debugging (.file).
 * StorageClass: EXTERNAL (global), STATIC (local; a section's own symbol
 * carries a section-definition aux record with the COMDAT selection and,
 * for ASSOCIATIVE, the section it follows), LABEL, FILE (aux records hold
 * the file name), WEAK_EXTERNAL (undefined; the aux record names a default
 * symbol used when nothing else defines the name).  x86-64 COFF has no
 * leading underscore: the C name is the symbol name, except that
 * `__imp_NAME` is the import slot holding NAME's address.
 *
 * This file validates all of the above once (coff_validate) and then
 * builds the neutral image from validated views.  Relocation types map to
 * arch kinds through one table; nothing here encodes an instruction.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "objload/plugin.h"
#include "formats/coff/coff.h"
#include "formats/formats.h"
#include "formats/plan.h"
#include "formats/reader.h"

/* ---- Constants (the names of Microsoft's PE/COFF specification) ------- */

enum {
	COFF_MACHINE_AMD64 = 0x8664,
	COFF_MACHINE_ARM64 = 0xaa64,

	COFF_HDR_SIZE = 20,
	COFF_BIGOBJ_HDR_SIZE = 56,
	COFF_SHDR_SIZE = 40,
	COFF_RELOC_SIZE = 10,
	COFF_SYM_SIZE = 18,
	COFF_BIGOBJ_SYM_SIZE = 20,
};

#define SCN_CNT_CODE 0x00000020u
#define SCN_CNT_INITIALIZED_DATA 0x00000040u
#define SCN_CNT_UNINITIALIZED_DATA 0x00000080u
#define SCN_LNK_INFO 0x00000200u
#define SCN_LNK_REMOVE 0x00000800u
#define SCN_LNK_COMDAT 0x00001000u
#define SCN_ALIGN_MASK 0x00f00000u
#define SCN_LNK_NRELOC_OVFL 0x01000000u
#define SCN_MEM_EXECUTE 0x20000000u
#define SCN_MEM_READ 0x40000000u
#define SCN_MEM_WRITE 0x80000000u

enum {
	SYM_UNDEFINED = 0,
	SYM_ABSOLUTE = -1,
	SYM_DEBUG = -2,

	CLASS_EXTERNAL = 2,
	CLASS_STATIC = 3,
	CLASS_LABEL = 6,
	CLASS_FUNCTION = 101,
	CLASS_FILE = 103,
	CLASS_SECTION = 104,
	CLASS_WEAK_EXTERNAL = 105,

	DTYPE_FUNCTION = 2,

	COMDAT_NODUPLICATES = 1,
	COMDAT_ANY = 2,
	COMDAT_SAME_SIZE = 3,
	COMDAT_EXACT_MATCH = 4,
	COMDAT_ASSOCIATIVE = 5,
	COMDAT_LARGEST = 6,

	WEAK_NOLIBRARY = 1,
	WEAK_LIBRARY = 2,
	WEAK_ALIAS = 3,
	WEAK_ANTI_DEPENDENCY = 4,
};

/* The ClassID of ANON_OBJECT_HEADER_BIGOBJ, as stored. */
static const uint8_t coff_bigobj_classid[16] = {
	0xc7, 0xa1, 0xba, 0xd1, 0xee, 0xba, 0xa9, 0x4b,
	0xaf, 0x20, 0xfa, 0xf6, 0x6a, 0xa4, 0xdc, 0xb8,
};

/* ---- Relocation types --------------------------------------------------- */

#define COFF_KIND_UNSUPPORTED (-1)

struct coff_reloc_type {
	const char *name;     /* NULL: no such type */
	int16_t kind;         /* x86-64 kind, or COFF_KIND_UNSUPPORTED */
	uint8_t width;        /* bytes of the field (the implicit addend) */
	uint8_t pc_bias;      /* REL32_N: 4 + N subtracted from the addend */
	const char *why;      /* for unsupported types */
};

/*
 * x86-64 (IMAGE_REL_AMD64_*).  REL32 becomes PC32 with A = field - 4 - N:
 * COFF measures from the end of the field (plus N), the kinds from P.
 * COFF has no separate call relocation, and clang writes undefined
 * functions with type 0, so a REL32 cannot be told to be a call: it is
 * PC32 (see docs/coff.md for what this means under per-section).
 */
static const struct coff_reloc_type coff_amd64_relocs[] = {
	[0x00] = { "IMAGE_REL_AMD64_ABSOLUTE", OBJLOAD_X86_64_NONE, 0, 0, NULL },
	[0x01] = { "IMAGE_REL_AMD64_ADDR64", OBJLOAD_X86_64_ABS64, 8, 0, NULL },
	[0x02] = { "IMAGE_REL_AMD64_ADDR32", OBJLOAD_X86_64_ABS32, 4, 0, NULL },
	[0x03] = { "IMAGE_REL_AMD64_ADDR32NB", OBJLOAD_X86_64_IMAGEREL32, 4, 0, NULL },
	[0x04] = { "IMAGE_REL_AMD64_REL32", OBJLOAD_X86_64_PC32, 4, 4, NULL },
	[0x05] = { "IMAGE_REL_AMD64_REL32_1", OBJLOAD_X86_64_PC32, 4, 5, NULL },
	[0x06] = { "IMAGE_REL_AMD64_REL32_2", OBJLOAD_X86_64_PC32, 4, 6, NULL },
	[0x07] = { "IMAGE_REL_AMD64_REL32_3", OBJLOAD_X86_64_PC32, 4, 7, NULL },
	[0x08] = { "IMAGE_REL_AMD64_REL32_4", OBJLOAD_X86_64_PC32, 4, 8, NULL },
	[0x09] = { "IMAGE_REL_AMD64_REL32_5", OBJLOAD_X86_64_PC32, 4, 9, NULL },
	[0x0a] = { "IMAGE_REL_AMD64_SECTION", COFF_KIND_UNSUPPORTED, 2, 0,
		   "a 16-bit section index (debug information) has no meaning in a loaded image" },
	[0x0b] = { "IMAGE_REL_AMD64_SECREL", OBJLOAD_X86_64_SECREL32, 4, 0, NULL },
	[0x0c] = { "IMAGE_REL_AMD64_SECREL7", COFF_KIND_UNSUPPORTED, 1, 0,
		   "7-bit section-relative offsets are not supported" },
	[0x0d] = { "IMAGE_REL_AMD64_TOKEN", COFF_KIND_UNSUPPORTED, 4, 0,
		   "CLR tokens are not supported" },
	[0x0e] = { "IMAGE_REL_AMD64_SREL32", COFF_KIND_UNSUPPORTED, 4, 0,
		   "span-dependent relocations are not supported" },
	[0x0f] = { "IMAGE_REL_AMD64_PAIR", COFF_KIND_UNSUPPORTED, 4, 0,
		   "span-dependent relocations are not supported" },
	[0x10] = { "IMAGE_REL_AMD64_SSPAN32", COFF_KIND_UNSUPPORTED, 4, 0,
		   "span-dependent relocations are not supported" },
};

#define COFF_NAMD64_RELOCS (sizeof(coff_amd64_relocs) / sizeof(coff_amd64_relocs[0]))

/*
 * arm64 (IMAGE_REL_ARM64_*).  The addend is implicit here too, but most
 * fields are instructions: the immediate holds it, and the AArch64 arch
 * reads it (objload_arch_read_addend), so this file never decodes an
 * instruction.  `width` is the field's size for the bounds check.
 * PAGEBASE_REL21 + PAGEOFFSET_12A/12L is ADRP + ADD/LD-ST; the 12L kind
 * reads the access size from the instruction.  REL32, like AMD64's, is
 * relative to the end of its field: A = field - 4.  SECREL_* address a
 * symbol's offset in its section (thread-local data through the TLS
 * index): the kinds exist, but such code also needs the TEB, so it only
 * links, never runs here.  BRANCH26 covers calls and tail calls alike and
 * may go through a veneer.
 */
static const struct coff_reloc_type coff_arm64_relocs[] = {
	[0x00] = { "IMAGE_REL_ARM64_ABSOLUTE", OBJLOAD_AARCH64_NONE, 0, 0, NULL },
	[0x01] = { "IMAGE_REL_ARM64_ADDR32", OBJLOAD_AARCH64_ABS32, 4, 0, NULL },
	[0x02] = { "IMAGE_REL_ARM64_ADDR32NB", OBJLOAD_AARCH64_IMAGEREL32, 4, 0, NULL },
	[0x03] = { "IMAGE_REL_ARM64_BRANCH26", OBJLOAD_AARCH64_CALL26, 4, 0, NULL },
	[0x04] = { "IMAGE_REL_ARM64_PAGEBASE_REL21", OBJLOAD_AARCH64_ADR_PAGE21, 4, 0, NULL },
	[0x05] = { "IMAGE_REL_ARM64_REL21", OBJLOAD_AARCH64_ADR_LO21, 4, 0, NULL },
	[0x06] = { "IMAGE_REL_ARM64_PAGEOFFSET_12A", OBJLOAD_AARCH64_ADD_LO12, 4, 0, NULL },
	[0x07] = { "IMAGE_REL_ARM64_PAGEOFFSET_12L", OBJLOAD_AARCH64_LDST_LO12_AUTO, 4, 0, NULL },
	[0x08] = { "IMAGE_REL_ARM64_SECREL", OBJLOAD_AARCH64_SECREL32, 4, 0, NULL },
	[0x09] = { "IMAGE_REL_ARM64_SECREL_LOW12A", OBJLOAD_AARCH64_SECREL_LO12A, 4, 0, NULL },
	[0x0a] = { "IMAGE_REL_ARM64_SECREL_HIGH12A", OBJLOAD_AARCH64_SECREL_HI12A, 4, 0, NULL },
	[0x0b] = { "IMAGE_REL_ARM64_SECREL_LOW12L", OBJLOAD_AARCH64_SECREL_LO12L, 4, 0, NULL },
	[0x0c] = { "IMAGE_REL_ARM64_TOKEN", COFF_KIND_UNSUPPORTED, 4, 0,
		   "CLR tokens are not supported" },
	[0x0d] = { "IMAGE_REL_ARM64_SECTION", COFF_KIND_UNSUPPORTED, 2, 0,
		   "a 16-bit section index (debug information) has no meaning in a loaded image" },
	[0x0e] = { "IMAGE_REL_ARM64_ADDR64", OBJLOAD_AARCH64_ABS64, 8, 0, NULL },
	[0x0f] = { "IMAGE_REL_ARM64_BRANCH19", OBJLOAD_AARCH64_CONDBR19, 4, 0, NULL },
	[0x10] = { "IMAGE_REL_ARM64_BRANCH14", OBJLOAD_AARCH64_TSTBR14, 4, 0, NULL },
	[0x11] = { "IMAGE_REL_ARM64_REL32", OBJLOAD_AARCH64_PREL32, 4, 4, NULL },
};

#define COFF_NARM64_RELOCS (sizeof(coff_arm64_relocs) / sizeof(coff_arm64_relocs[0]))

/* ---- Bounds-checked reading ------------------------------------------- */

/* ---- Parse state ------------------------------------------------------ */

struct coff_shdr {
	uint8_t raw_name[8];
	uint32_t vsize, va, rawsize, rawptr, relptr, lnptr;
	uint16_t nrel16, nln;
	uint32_t ch;
	/* derived by validation */
	const char *name;
	uint64_t size;
	uint32_t nrel;          /* relocation entries, the overflow entry excluded */
	uint32_t rel_first;     /* 1 when the first entry holds the count */
	uint64_t align;
	int has_def;            /* a section-definition aux record was seen */
	uint8_t selection;
	uint32_t assoc;         /* ASSOCIATIVE: the section it follows */
	uint32_t comdat_sym;    /* the COMDAT symbol (its name is the key) */
	uint32_t group;         /* neutral group index */
};

struct coff_sym {
	const char *name;
	uint32_t value;
	int32_t secnum;
	uint16_t type;
	uint8_t sclass;
	uint8_t naux;
	int is_aux;             /* an auxiliary record, not a symbol */
};

struct coff_directive_info {
	char *text;             /* the directives, as `objload info` shows them */
	const char *notes;      /* "; directives: ...", after every plan reason */
	size_t skipped_relocations;
};

struct coff_ctx {
	objload_image *img;
	const uint8_t *file;
	size_t size;
	int bigobj;
	uint16_t machine;
	uint32_t nsecs;
	uint32_t symptr, nsyms;
	unsigned symsize;
	uint64_t strtab_off;
	uint32_t strtab_size;   /* 0: no string table */
	struct coff_shdr *sh;   /* nsecs + 1, index 0 unused (malloc) */
	struct coff_sym *sy;    /* nsyms (malloc) */
	struct coff_directive_info *info;
	struct coff_name {
		const char *name;
		uint32_t index;
	} *by_name;             /* coff_build_name_index (malloc) */
	uint32_t nby_name;
};

static int coff_in_file(const struct coff_ctx *c, uint64_t off, uint64_t len)
{
	return off <= (uint64_t)c->size && (uint64_t)c->size - off >= len;
}

static int coff_window(const struct coff_ctx *c, uint64_t off, uint64_t len,
		       struct rd_cursor *cur)
{
	if (!coff_in_file(c, off, len))
		return -1;
	cur->p = c->file + (size_t)off;
	cur->len = (size_t)len;
	cur->off = 0;
	return 0;
}

static objload_status coff_truncated(struct coff_ctx *c, const char *what,
				     uint64_t off)
{
	return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
				   "%s at offset 0x%llx is outside the file (%zu bytes)",
				   what, (unsigned long long)off, c->size);
}

static objload_status coff_nomem(struct coff_ctx *c)
{
	return objload_image_error(c->img, OBJLOAD_ERR_NOMEM, "out of memory");
}

/* A name of at most 8 bytes, NUL-padded, as a C string in image memory. */
static const char *coff_short_name(struct coff_ctx *c, const uint8_t raw[8])
{
	char *s = objload_image_alloc(c->img, 9);

	if (s) {
		memcpy(s, raw, 8);
		s[8] = '\0';
	}
	return s;
}

/* The string at `off` of the string table, validated NUL-terminated. */
static const char *coff_string(const struct coff_ctx *c, uint64_t off)
{
	if (off < 4 || off >= c->strtab_size)
		return NULL;
	return (const char *)c->file + c->strtab_off + off;
}

/* ---- Validation ------------------------------------------------------- */

static objload_status coff_check_header(struct coff_ctx *c)
{
	struct rd_cursor cur;
	uint16_t sig1 = 0, sig2 = 0, nsec16 = 0, optsize = 0, ch = 0, version = 0;
	uint32_t stamp;
	uint8_t classid[16];

	if (coff_window(c, 0, COFF_HDR_SIZE, &cur))
		return coff_truncated(c, "file header", 0);
	rd_u16(&cur, &sig1);
	rd_u16(&cur, &sig2);
	if (sig1 == 0 && sig2 == 0xffff) {
		uint32_t sizedata, flags, mdsize, mdoff;

		if (coff_window(c, 0, COFF_BIGOBJ_HDR_SIZE, &cur))
			return coff_truncated(c, "bigobj header", 0);
		cur.off = 4;
		rd_u16(&cur, &version);
		rd_u16(&cur, &c->machine);
		rd_u32(&cur, &stamp);
		rd_bytes(&cur, classid, sizeof(classid));
		rd_u32(&cur, &sizedata);
		rd_u32(&cur, &flags);
		rd_u32(&cur, &mdsize);
		rd_u32(&cur, &mdoff);
		rd_u32(&cur, &c->nsecs);
		rd_u32(&cur, &c->symptr);
		rd_u32(&cur, &c->nsyms);
		if (version < 2 || memcmp(classid, coff_bigobj_classid, 16) != 0)
			return objload_image_error(c->img, OBJLOAD_ERR_UNSUPPORTED,
						   "an anonymous COFF object (version %u) that is not a /bigobj object is not supported",
						   version);
		c->bigobj = 1;
		c->symsize = COFF_BIGOBJ_SYM_SIZE;
	} else {
		cur.off = 0;
		rd_u16(&cur, &c->machine);
		rd_u16(&cur, &nsec16);
		rd_u32(&cur, &stamp);
		rd_u32(&cur, &c->symptr);
		rd_u32(&cur, &c->nsyms);
		rd_u16(&cur, &optsize);
		rd_u16(&cur, &ch);
		if (optsize != 0)
			return objload_image_error(c->img, OBJLOAD_ERR_UNSUPPORTED,
						   "file header: SizeOfOptionalHeader is %u: a COFF object has no optional header, and a PE image starts with an MS-DOS header (MZ)",
						   optsize);
		c->nsecs = nsec16;
		c->symsize = COFF_SYM_SIZE;
	}
	if (c->machine != COFF_MACHINE_AMD64 && c->machine != COFF_MACHINE_ARM64)
		return objload_image_error(c->img, OBJLOAD_ERR_UNSUPPORTED,
					   "file header: machine 0x%04x is not supported (x86-64 0x8664 and arm64 0xaa64 are)",
					   c->machine);
	if (c->nsecs >= OBJLOAD_NO_INDEX - 1 ||
	    c->nsecs > (c->size - (c->bigobj ? COFF_BIGOBJ_HDR_SIZE : COFF_HDR_SIZE)) /
			       COFF_SHDR_SIZE)
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "file header: %u section headers do not fit in the file (%zu bytes)",
					   c->nsecs, c->size);
	if (c->nsyms == 0) {
		c->symptr = 0;
		return OBJLOAD_OK;
	}
	if (c->nsyms >= OBJLOAD_NO_INDEX / 2 ||
	    !coff_in_file(c, c->symptr, (uint64_t)c->nsyms * c->symsize))
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "file header: symbol table (%u symbols at 0x%x) is outside the file (%zu bytes)",
					   c->nsyms, c->symptr, c->size);
	c->strtab_off = (uint64_t)c->symptr + (uint64_t)c->nsyms * c->symsize;
	if (coff_window(c, c->strtab_off, 4, &cur)) {
		c->strtab_size = 0;   /* tolerated: no long names then */
		return OBJLOAD_OK;
	}
	rd_u32(&cur, &c->strtab_size);
	if (c->strtab_size < 4 || !coff_in_file(c, c->strtab_off, c->strtab_size))
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "string table: size %u at 0x%llx is outside the file (%zu bytes) or below 4",
					   c->strtab_size, (unsigned long long)c->strtab_off, c->size);
	if (c->strtab_size > 4 && c->file[c->strtab_off + c->strtab_size - 1] != 0)
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "string table: does not end with a NUL byte");
	return OBJLOAD_OK;
}

int coff_decimal_name(const uint8_t raw[8], uint64_t *off)
{
	uint64_t o = 0;

	for (int k = 1; k < 8 && raw[k]; k++) {
		if (raw[k] < '0' || raw[k] > '9')
			return -1;
		o = o * 10 + (uint64_t)(raw[k] - '0');
	}
	*off = o;
	return 0;
}

/* "//" followed by base-64 digits (bigobj long section names). */
static int coff_base64(const uint8_t *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n && s[i]; i++) {
		int d;

		if (s[i] >= 'A' && s[i] <= 'Z')
			d = s[i] - 'A';
		else if (s[i] >= 'a' && s[i] <= 'z')
			d = s[i] - 'a' + 26;
		else if (s[i] >= '0' && s[i] <= '9')
			d = s[i] - '0' + 52;
		else if (s[i] == '+')
			d = 62;
		else if (s[i] == '/')
			d = 63;
		else
			return -1;
		v = v * 64 + (uint64_t)d;
	}
	*out = v;
	return 0;
}

static objload_status coff_check_section(struct coff_ctx *c, uint32_t i)
{
	struct coff_shdr *s = &c->sh[i];
	struct rd_cursor cur;
	uint64_t off = (c->bigobj ? COFF_BIGOBJ_HDR_SIZE : COFF_HDR_SIZE) +
		       (uint64_t)(i - 1) * COFF_SHDR_SIZE;
	unsigned a;

	if (coff_window(c, off, COFF_SHDR_SIZE, &cur) ||
	    rd_bytes(&cur, s->raw_name, 8) || rd_u32(&cur, &s->vsize) ||
	    rd_u32(&cur, &s->va) || rd_u32(&cur, &s->rawsize) ||
	    rd_u32(&cur, &s->rawptr) || rd_u32(&cur, &s->relptr) ||
	    rd_u32(&cur, &s->lnptr) || rd_u16(&cur, &s->nrel16) ||
	    rd_u16(&cur, &s->nln) || rd_u32(&cur, &s->ch))
		return coff_truncated(c, "section header", off);

	/* name */
	if (s->raw_name[0] == '/' && s->raw_name[1] == '/') {
		uint64_t o;

		if (coff_base64(s->raw_name + 2, 6, &o) || !(s->name = coff_string(c, o)))
			return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
						   "section %u: long name %.8s is not a valid string-table offset",
						   i, (const char *)s->raw_name);
	} else if (s->raw_name[0] == '/' && s->raw_name[1] >= '0' && s->raw_name[1] <= '9') {
		uint64_t o = 0;

		if (coff_decimal_name(s->raw_name, &o))
			return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
						   "section %u: long name %.8s is not /NNN",
						   i, (const char *)s->raw_name);
		if (!(s->name = coff_string(c, o)))
			return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
						   "section %u: long name offset %llu is outside the string table (%u bytes)",
						   i, (unsigned long long)o, c->strtab_size);
	} else if (!(s->name = coff_short_name(c, s->raw_name))) {
		return coff_nomem(c);
	}

	/* alignment: ALIGN_1BYTES (1) .. ALIGN_8192BYTES (14), 0: default 16 */
	a = (s->ch & SCN_ALIGN_MASK) >> 20;
	if (a == 15)
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "section %u (%s): alignment field 15 is not defined",
					   i, s->name);
	s->align = a ? (uint64_t)1 << (a - 1) : 16;

	/* contents */
	s->size = s->rawsize;
	if (!(s->ch & SCN_CNT_UNINITIALIZED_DATA) && s->rawsize &&
	    !coff_in_file(c, s->rawptr, s->rawsize))
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "section %u (%s): contents (0x%x bytes at 0x%x) are outside the file (%zu bytes)",
					   i, s->name, s->rawsize, s->rawptr, c->size);

	/* relocations, with the NRELOC_OVFL count */
	s->nrel = s->nrel16;
	s->rel_first = 0;
	if ((s->ch & SCN_LNK_NRELOC_OVFL) && s->nrel16 == 0xffff) {
		uint32_t n;

		if (coff_window(c, s->relptr, 4, &cur) || rd_u32(&cur, &n))
			return coff_truncated(c, "relocation count (NRELOC_OVFL)", s->relptr);
		if (n == 0)
			return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s): NRELOC_OVFL count is 0",
						   i, s->name);
		s->nrel = n - 1;
		s->rel_first = 1;
	}
	if (s->nrel + s->rel_first &&
	    !coff_in_file(c, s->relptr, (uint64_t)(s->nrel + s->rel_first) * COFF_RELOC_SIZE))
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "section %u (%s): %u relocations at 0x%x are outside the file (%zu bytes)",
					   i, s->name, s->nrel, s->relptr, c->size);
	if (s->nrel && (s->ch & SCN_CNT_UNINITIALIZED_DATA))
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "section %u (%s): has relocations but no contents (uninitialized data)",
					   i, s->name);
	s->assoc = 0;
	s->group = OBJLOAD_NO_INDEX;
	return OBJLOAD_OK;
}

static objload_status coff_read_sym(struct coff_ctx *c, uint32_t i, uint8_t raw_name[8],
				    struct coff_sym *s)
{
	struct rd_cursor cur;
	uint64_t off = (uint64_t)c->symptr + (uint64_t)i * c->symsize;
	uint16_t sec16 = 0;
	uint32_t sec32 = 0;

	if (coff_window(c, off, c->symsize, &cur) || rd_bytes(&cur, raw_name, 8) ||
	    rd_u32(&cur, &s->value))
		return coff_truncated(c, "symbol", off);
	if (c->bigobj) {
		rd_u32(&cur, &sec32);
		s->secnum = (int32_t)sec32;
	} else {
		rd_u16(&cur, &sec16);
		s->secnum = (int16_t)sec16;
	}
	rd_u16(&cur, &s->type);
	rd_bytes(&cur, &s->sclass, 1);
	rd_bytes(&cur, &s->naux, 1);
	return OBJLOAD_OK;
}

/* The raw bytes of aux record `i`. */
static const uint8_t *coff_aux(const struct coff_ctx *c, uint32_t i)
{
	return c->file + c->symptr + (size_t)i * c->symsize;
}

static uint32_t coff_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint16_t coff_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static objload_status coff_check_symbols(struct coff_ctx *c)
{
	objload_image *img = c->img;

	for (uint32_t i = 0; i < c->nsyms; i++) {
		struct coff_sym *s = &c->sy[i];
		uint8_t raw[8];
		objload_status st = coff_read_sym(c, i, raw, s);

		if (st)
			return st;
		if (raw[0] == 0 && raw[1] == 0 && raw[2] == 0 && raw[3] == 0) {
			uint32_t o = coff_le32(raw + 4);

			if (!(s->name = coff_string(c, o)))
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "symbol %u: name offset %u is outside the string table (%u bytes)",
							   i, o, c->strtab_size);
		} else if (!(s->name = coff_short_name(c, raw))) {
			return coff_nomem(c);
		}
		if (s->naux > c->nsyms - 1 - i)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "symbol %u (%s): %u auxiliary records run past the %u symbols",
						   i, s->name, s->naux, c->nsyms);
		if (s->secnum > 0 && (uint32_t)s->secnum > c->nsecs)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "symbol %u (%s): section %d is not below the section count %u",
						   i, s->name, s->secnum, c->nsecs);
		if (s->secnum < SYM_DEBUG)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "symbol %u (%s): section number %d is reserved",
						   i, s->name, s->secnum);
		if (s->secnum > 0 && s->value > c->sh[s->secnum].size)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "symbol %u (%s): value 0x%x is past the end of section %d (%s), 0x%llx bytes",
						   i, s->name, s->value, s->secnum, c->sh[s->secnum].name,
						   (unsigned long long)c->sh[s->secnum].size);
		switch (s->sclass) {
		case CLASS_EXTERNAL:
		case CLASS_STATIC:
		case CLASS_LABEL:
		case CLASS_FUNCTION:
		case CLASS_FILE:
		case CLASS_SECTION:
			break;
		case CLASS_WEAK_EXTERNAL: {
			uint32_t tag;

			if (s->naux < 1 || s->secnum != SYM_UNDEFINED)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "symbol %u (%s): a weak external needs section 0 and an auxiliary record",
							   i, s->name);
			tag = coff_le32(coff_aux(c, i + 1));
			if (tag >= c->nsyms || tag == i)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "symbol %u (%s): weak external default %u is not a valid symbol",
							   i, s->name, tag);
			break;
		}
		default:
			return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
						   "symbol %u (%s): storage class %u is not supported",
						   i, s->name, s->sclass);
		}
		/* a section's own symbol: STATIC, value 0, with a definition */
		if (s->sclass == CLASS_STATIC && s->secnum > 0 && s->naux >= 1 &&
		    s->value == 0 && !c->sh[s->secnum].has_def) {
			struct coff_shdr *sec = &c->sh[s->secnum];
			const uint8_t *a = coff_aux(c, i + 1);
			uint32_t number = coff_le16(a + 12);

			if (c->bigobj)
				number |= (uint32_t)coff_le16(a + 16) << 16;
			sec->has_def = 1;
			sec->selection = a[14];
			if (sec->ch & SCN_LNK_COMDAT) {
				if (sec->selection < COMDAT_NODUPLICATES ||
				    sec->selection > COMDAT_LARGEST)
					return objload_image_error(img, OBJLOAD_ERR_FORMAT,
								   "section %d (%s): COMDAT selection %u is not defined",
								   s->secnum, sec->name, sec->selection);
				if (sec->selection == COMDAT_ASSOCIATIVE) {
					if (number == 0 || number > c->nsecs ||
					    number == (uint32_t)s->secnum)
						return objload_image_error(img, OBJLOAD_ERR_FORMAT,
									   "section %d (%s): associative COMDAT names section %u, not a valid other section",
									   s->secnum, sec->name, number);
					sec->assoc = number;
				}
			}
		} else if (s->secnum > 0 && (c->sh[s->secnum].ch & SCN_LNK_COMDAT) &&
			   c->sh[s->secnum].has_def && !c->sh[s->secnum].comdat_sym &&
			   c->sh[s->secnum].selection != COMDAT_ASSOCIATIVE) {
			c->sh[s->secnum].comdat_sym = i;   /* the COMDAT key */
		}
		for (uint32_t k = 1; k <= s->naux; k++) {
			c->sy[i + k].is_aux = 1;
			c->sy[i + k].name = "";
		}
		i += s->naux;
	}
	return OBJLOAD_OK;
}

static const struct coff_reloc_type *coff_reloc_type(const struct coff_ctx *c, uint16_t type)
{
	if (c->machine == COFF_MACHINE_ARM64)
		return type < COFF_NARM64_RELOCS && coff_arm64_relocs[type].name ?
		       &coff_arm64_relocs[type] : NULL;
	if (c->machine != COFF_MACHINE_AMD64 || type >= COFF_NAMD64_RELOCS ||
	    !coff_amd64_relocs[type].name)
		return NULL;
	return &coff_amd64_relocs[type];
}

static objload_status coff_read_reloc(struct coff_ctx *c, uint32_t sec, uint32_t k,
				      uint32_t *rva, uint32_t *sym, uint16_t *type)
{
	struct rd_cursor cur;
	const struct coff_shdr *s = &c->sh[sec];
	uint64_t off = (uint64_t)s->relptr + (uint64_t)(k + s->rel_first) * COFF_RELOC_SIZE;

	if (coff_window(c, off, COFF_RELOC_SIZE, &cur) || rd_u32(&cur, rva) ||
	    rd_u32(&cur, sym) || rd_u16(&cur, type))
		return coff_truncated(c, "relocation", off);
	return OBJLOAD_OK;
}

static objload_status coff_check_relocations(struct coff_ctx *c)
{
	for (uint32_t i = 1; i <= c->nsecs; i++) {
		const struct coff_shdr *s = &c->sh[i];

		for (uint32_t k = 0; k < s->nrel; k++) {
			uint32_t rva, sym;
			uint16_t type;
			const struct coff_reloc_type *rt;
			uint64_t width, off;
			objload_status st = coff_read_reloc(c, i, k, &rva, &sym, &type);

			if (st)
				return st;
			if (sym >= c->nsyms || c->sy[sym].is_aux)
				return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
							   "section %u (%s): relocation %u: symbol %u is not a symbol of the %u-entry table",
							   i, s->name, k, sym, c->nsyms);
			rt = coff_reloc_type(c, type);
			width = rt ? rt->width : 0;
			off = (uint64_t)rva - (rva >= s->va ? s->va : 0);
			if (rva < s->va || off > s->size || s->size - off < width)
				return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
							   "section %u (%s): relocation %u: field at 0x%x (%llu bytes) is outside the section (0x%llx bytes)",
							   i, s->name, k, rva, (unsigned long long)width,
							   (unsigned long long)s->size);
		}
	}
	return OBJLOAD_OK;
}

/*
 * Every check of the file, made once, before anything is built.
 *
 * Header (coff_check_header):
 *   - IMAGE_FILE_HEADER inside the file, or, when Sig1 is 0 and Sig2
 *     0xffff, the whole ANON_OBJECT_HEADER_BIGOBJ with Version >= 2 and
 *     the bigobj ClassID (other anonymous objects: unsupported);
 *   - SizeOfOptionalHeader 0 (a PE image, which starts with "MZ", is read by
 *     formats/coff/pe.c);
 *   - Machine AMD64 or ARM64 (others unsupported);
 *   - the section table fits in the file (count <= (size - header) / 40)
 *     and the count is below OBJLOAD_NO_INDEX;
 *   - the symbol table (count x 18, or 20 for bigobj) inside the file,
 *     the count below OBJLOAD_NO_INDEX / 2;
 *   - the string table, when present, has a size >= 4 inside the file and
 *     ends with a NUL byte, so every offset below its size is a C string.
 * Sections (coff_check_section):
 *   - header inside the file; name short, /NNN or //base64 with an offset
 *     inside the string table;
 *   - alignment field not 15;
 *   - contents inside the file unless CNT_UNINITIALIZED_DATA;
 *   - relocations inside the file, their count from the first entry when
 *     LNK_NRELOC_OVFL is set and NumberOfRelocations is 0xffff (then not
 *     0); none on uninitialized data.
 * Symbols (coff_check_symbols), every record:
 *   - name short or an offset inside the string table;
 *   - auxiliary records inside the table;
 *   - section number a section, 0, -1 or -2, and Value inside the
 *     section for a section;
 *   - storage class EXTERNAL, STATIC, LABEL, FUNCTION, FILE, SECTION or
 *     WEAK_EXTERNAL (others: unsupported); a weak external is undefined,
 *     has an auxiliary record whose default is another valid symbol;
 *   - a section definition on a COMDAT section has selection 1..6, and
 *     an ASSOCIATIVE one names another valid section.
 * Relocations (coff_check_relocations), of every section:
 *   - the symbol index names a symbol, not an auxiliary record;
 *   - the field (the type's width; 0 for unknown types, rejected later
 *     when the section is loaded) inside the section.
 */
static objload_status coff_validate(struct coff_ctx *c)
{
	objload_status st = coff_check_header(c);

	if (st)
		return st;
	c->sh = calloc((size_t)c->nsecs + 1, sizeof(*c->sh));
	c->sy = calloc(c->nsyms ? c->nsyms : 1, sizeof(*c->sy));
	if (!c->sh || !c->sy)
		return coff_nomem(c);
	for (uint32_t i = 1; i <= c->nsecs; i++) {
		st = coff_check_section(c, i);
		if (st)
			return st;
	}
	st = coff_check_symbols(c);
	if (!st)
		st = coff_check_relocations(c);
	return st;
}

/* ---- Building the image ----------------------------------------------- */

static int coff_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static objload_section_role coff_section_role(const struct coff_shdr *s)
{
	if (coff_has_prefix(s->name, ".debug$") || coff_has_prefix(s->name, ".debug_"))
		return OBJLOAD_ROLE_DEBUG;
	/* MinGW's gcc writes .drectve without LNK_INFO */
	if ((s->ch & (SCN_LNK_REMOVE | SCN_LNK_INFO)) || strcmp(s->name, ".drectve") == 0)
		return OBJLOAD_ROLE_NOLOAD;
	if (strcmp(s->name, ".pdata") == 0 || strcmp(s->name, ".xdata") == 0 ||
	    coff_has_prefix(s->name, ".pdata$") || coff_has_prefix(s->name, ".xdata$"))
		return OBJLOAD_ROLE_UNWIND;
	if (s->ch & SCN_CNT_UNINITIALIZED_DATA)
		return OBJLOAD_ROLE_ZEROFILL;
	if (s->ch & (SCN_CNT_CODE | SCN_MEM_EXECUTE))
		return OBJLOAD_ROLE_CODE;
	if (s->ch & SCN_MEM_WRITE)
		return OBJLOAD_ROLE_DATA;
	return OBJLOAD_ROLE_RODATA;
}

static int coff_role_loaded(objload_section_role role)
{
	return role != OBJLOAD_ROLE_NOLOAD && role != OBJLOAD_ROLE_DEBUG;
}

static objload_status coff_build_sections(struct coff_ctx *c)
{
	objload_section *o = objload_image_add_sections(c->img, c->nsecs + 1);

	if (!o)
		return coff_nomem(c);
	o[0].name = "";
	o[0].role = OBJLOAD_ROLE_NOLOAD;
	o[0].align = 1;
	o[0].group = OBJLOAD_NO_INDEX;
	o[0].native_type = "NULL";
	for (uint32_t i = 1; i <= c->nsecs; i++) {
		const struct coff_shdr *s = &c->sh[i];

		o[i].name = s->name;
		o[i].role = coff_section_role(s);
		o[i].align = s->align;
		o[i].size = s->size;
		o[i].bytes = (s->ch & SCN_CNT_UNINITIALIZED_DATA) || !s->size ? NULL :
			     c->file + s->rawptr;
		o[i].file_addr = s->va;
		o[i].group = OBJLOAD_NO_INDEX;
		o[i].native_index = i;
		/* COFF has no section type: the contents flags stand for
		 * one (COMDAT is a flag, shown with the flags) */
		o[i].native_type = (s->ch & SCN_CNT_CODE) ? "CODE" :
				   (s->ch & SCN_CNT_UNINITIALIZED_DATA) ? "BSS" :
				   (s->ch & (SCN_LNK_INFO | SCN_LNK_REMOVE)) ? "INFO" :
				   (s->ch & SCN_CNT_INITIALIZED_DATA) ? "DATA" : "NONE";
		o[i].native_flags = s->ch;
	}
	return OBJLOAD_OK;
}

/*
 * Constructor and destructor tables.
 *
 * MinGW: .ctors / .dtors with an optional .NNNNN suffix (65535 minus the
 * priority).
 * MSVC: .CRT$XC<suffix> are constructors and .CRT$XT<suffix> terminators,
 * which a linker merges in lexical order of the suffix and the CRT runs
 * first to last.  The priority keeps that order across images: the
 * suffix's first character in the top byte and the rest, when it is at
 * most seven decimal digits (clang writes .CRT$XCA00101 for priority
 * 101), as a number below it; so .CRT$XCA00101 < .CRT$XCT00300 < .CRT$XCU.
 * Terminator tables get the same priority, so that the core, which runs
 * destructor tables by descending priority and each from its last entry,
 * runs them as GCC's destructor priorities mean and as the host build of
 * the same source does (the MSVC CRT itself would run .CRT$XT forward:
 * clang writes destructor(101) to .CRT$XTA00101).  MinGW's .ctors/.dtors
 * tables hold their entries in source order (measured with clang and gcc
 * for x86_64-w64-mingw32) and run like .init_array/.fini_array.  These
 * priorities are
 * above every ELF priority: in a mixed session, COFF constructors run
 * after the ELF ones.
 */
static int coff_crt_priority(const char *suffix, uint32_t *prio)
{
	uint32_t v = 0;
	size_t n = 0;

	if (!suffix[0]) {
		*prio = 0;
		return 0;
	}
	for (const char *p = suffix + 1; *p; p++, n++) {
		if (*p < '0' || *p > '9' || n >= 7)
			return -1;
		v = v * 10 + (uint32_t)(*p - '0');
	}
	*prio = (uint32_t)(uint8_t)suffix[0] << 24 | v;
	return 0;
}

static objload_status coff_build_inits(struct coff_ctx *c)
{
	objload_image *img = c->img;

	for (uint32_t i = 1; i <= c->nsecs; i++) {
		const char *name = c->sh[i].name;
		objload_init_kind kind;
		uint32_t prio = 65536;
		objload_init_table *t;

		if (!coff_role_loaded(img->sections[i].role) || c->sh[i].size == 0)
			continue;
		if (coff_has_prefix(name, ".CRT$XC") || coff_has_prefix(name, ".CRT$XT")) {
			kind = name[6] == 'C' ? OBJLOAD_INIT_CONSTRUCTOR : OBJLOAD_INIT_DESTRUCTOR;
			if (coff_crt_priority(name + 7, &prio))
				return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
							   "section %u (%s): initializer table suffix is not a letter and at most 7 digits",
							   i, name);
		} else if (coff_has_prefix(name, ".ctors") || coff_has_prefix(name, ".dtors")) {
			const char *p = name + 6;
			uint32_t v = 0;

			kind = name[1] == 'c' ? OBJLOAD_INIT_CONSTRUCTOR : OBJLOAD_INIT_DESTRUCTOR;
			if (*p == '.') {
				size_t n = 0;

				for (p++; *p >= '0' && *p <= '9' && n < 6; p++, n++)
					v = v * 10 + (uint32_t)(*p - '0');
				if (*p || n == 0 || v > 65535)
					return objload_image_error(img, OBJLOAD_ERR_FORMAT,
								   "section %u (%s): priority suffix is not .NNNNN (at most 65535)",
								   i, name);
				prio = 65535 - v;
			} else if (*p) {
				continue;
			}
		} else {
			continue;
		}
		if (c->sh[i].size % 8)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s): initializer table of 0x%llx bytes is not a multiple of 8",
						   i, name, (unsigned long long)c->sh[i].size);
		t = objload_image_add_inits(img, 1);
		if (!t)
			return coff_nomem(c);
		t->kind = kind;
		t->section = i;
		t->offset = 0;
		t->count = c->sh[i].size / 8;
		t->priority = prio;
		t->reverse = 0;
	}
	return OBJLOAD_OK;
}

/*
 * Weak externals.  A weak external names, in its auxiliary record, a
 * default symbol used when nothing else defines its name; the default may
 * itself be a weak external, so defaults form chains.  Each chain is
 * followed once (memoized, so all of them together cost O(symbols)) to its
 * terminal, the first symbol that is not a weak external:
 *
 *   - defined in this file (a section or an absolute value): the weak
 *     external becomes a weak definition there; any strong definition
 *     elsewhere wins, otherwise the default is used, which is what a COFF
 *     linker does;
 *   - an undefined or common external: it becomes the weak external's
 *     alternate name, which the core uses when nothing defines the name;
 *   - an auxiliary record, a .file or other debugging symbol, or an
 *     undefined symbol without a C-level name: no address could ever come
 *     of it, so the file is refused here rather than linked to address 0;
 *   - a cycle of weak externals naming each other: refused likewise.
 */
static uint32_t coff_weak_default(const struct coff_ctx *c, uint32_t i)
{
	return coff_le32(coff_aux(c, i + 1));   /* checked: < nsyms, != i */
}

static objload_status coff_check_weak_terminal(struct coff_ctx *c, uint32_t weak,
					       uint32_t t)
{
	const struct coff_sym *d = &c->sy[t];
	const objload_symbol *o = &c->img->symbols[t];
	const char *why = NULL;

	if (d->is_aux)
		why = "an auxiliary record, not a symbol";
	else if (d->sclass == CLASS_FILE || d->secnum == SYM_DEBUG)
		why = "a .file or debugging symbol, which has no address";
	else if (o->def == OBJLOAD_DEF_UNDEFINED && !o->cname)
		why = "an undefined local symbol, which nothing can define";
	if (!why)
		return OBJLOAD_OK;
	return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
				   "symbol %u (%s): the default of weak external %s is symbol %u (%s): %s",
				   weak, c->sy[weak].name, c->sy[weak].name, t, d->name, why);
}

static objload_status coff_build_weak_externals(struct coff_ctx *c)
{
	objload_image *img = c->img;
	uint32_t *terminal = malloc((size_t)c->nsyms * sizeof(*terminal));
	uint32_t *path = malloc((size_t)c->nsyms * sizeof(*path));
	uint8_t *state = calloc(c->nsyms ? c->nsyms : 1, 1);   /* 0 new, 1 on path, 2 done */
	objload_status st = OBJLOAD_OK;

	if (!terminal || !path || !state) {
		st = coff_nomem(c);
		goto out;
	}
	for (uint32_t i = 0; i < c->nsyms && !st; i++) {
		uint32_t n = 0, j = i, t;

		if (c->sy[i].is_aux || c->sy[i].sclass != CLASS_WEAK_EXTERNAL || state[i])
			continue;
		while (!c->sy[j].is_aux && c->sy[j].sclass == CLASS_WEAK_EXTERNAL && !state[j]) {
			state[j] = 1;
			path[n++] = j;
			j = coff_weak_default(c, j);
		}
		if (state[j] == 1) {
			st = objload_image_error(img, OBJLOAD_ERR_FORMAT,
						 "symbol %u (%s): weak externals name each other as defaults in a cycle (through symbol %u, %s): none has a definition",
						 i, c->sy[i].name, j, c->sy[j].name);
			break;
		}
		t = state[j] == 2 ? terminal[j] : j;
		st = coff_check_weak_terminal(c, i, t);
		for (uint32_t k = 0; k < n; k++) {
			terminal[path[k]] = t;
			state[path[k]] = 2;
		}
	}
	for (uint32_t i = 0; i < c->nsyms && !st; i++) {
		objload_symbol *o = &img->symbols[i];
		const objload_symbol *d;

		if (c->sy[i].is_aux || c->sy[i].sclass != CLASS_WEAK_EXTERNAL)
			continue;
		d = &img->symbols[terminal[i]];
		if (d->def == OBJLOAD_DEF_SECTION || d->def == OBJLOAD_DEF_ABSOLUTE) {
			o->def = d->def;
			o->section = d->section;
			o->value = d->value;
			o->type = d->type;
		} else {
			/* the default is defined in another object */
			o->alternate = d->cname;
		}
	}
out:
	free(terminal);
	free(path);
	free(state);
	return st;
}

static objload_status coff_build_symbols(struct coff_ctx *c)
{
	objload_image *img = c->img;
	objload_symbol *syms;

	if (c->nsyms == 0)
		return OBJLOAD_OK;
	syms = objload_image_add_symbols(img, c->nsyms);
	if (!syms)
		return coff_nomem(c);
	for (uint32_t i = 0; i < c->nsyms; i++) {
		const struct coff_sym *s = &c->sy[i];
		objload_symbol *o = &syms[i];

		o->name = s->name;
		o->native_index = i;
		o->section = OBJLOAD_NO_INDEX;
		o->binding = OBJLOAD_BIND_LOCAL;
		if (s->is_aux) {
			/* an auxiliary record: a placeholder, so that symbol
			 * numbers stay the file's */
			o->def = OBJLOAD_DEF_ABSOLUTE;
			continue;
		}
		o->value = s->value;
		o->type = (s->type >> 4 & 3) == DTYPE_FUNCTION ? OBJLOAD_SYM_FUNC :
			  OBJLOAD_SYM_NOTYPE;
		if (s->sclass == CLASS_FILE) {
			o->type = OBJLOAD_SYM_FILE;
			o->def = OBJLOAD_DEF_ABSOLUTE;
			continue;
		}
		if (s->secnum > 0) {
			o->def = OBJLOAD_DEF_SECTION;
			o->section = (uint32_t)s->secnum;
			if ((s->sclass == CLASS_STATIC || s->sclass == CLASS_SECTION) &&
			    s->value == 0 && s->naux >= 1 &&
			    strcmp(s->name, c->sh[s->secnum].name) == 0)
				o->type = OBJLOAD_SYM_SECTION;
		} else if (s->secnum == SYM_ABSOLUTE || s->secnum == SYM_DEBUG) {
			o->def = OBJLOAD_DEF_ABSOLUTE;
		} else if (s->sclass == CLASS_EXTERNAL && s->value > 0) {
			/* a common block: Value bytes; alignment from
			 * -aligncomm (set later) or the size, at most 16 */
			uint64_t a = 1;

			while (a * 2 <= s->value && a < 16)
				a *= 2;
			o->def = OBJLOAD_DEF_COMMON;
			o->size = s->value;
			o->value = a;
			o->type = OBJLOAD_SYM_OBJECT;
		} else {
			o->def = OBJLOAD_DEF_UNDEFINED;
		}
		if (s->sclass == CLASS_EXTERNAL || s->sclass == CLASS_WEAK_EXTERNAL) {
			o->binding = s->sclass == CLASS_EXTERNAL ? OBJLOAD_BIND_GLOBAL :
				     OBJLOAD_BIND_WEAK;
			o->cname = o->name;
			if (o->def == OBJLOAD_DEF_UNDEFINED && coff_has_prefix(o->name, "__imp_") &&
			    o->name[6]) {
				o->cname = o->name + 6;
				o->indirect = 1;
			}
		}
	}
	return coff_build_weak_externals(c);
}

/* COMDAT sections become groups keyed by their COMDAT symbol; associative
 * sections join the group of the section they follow (transitively). */
/* COFF's selection numbers as the core's competition rules (ASSOCIATIVE
 * sections join their parent's group instead). */
static objload_comdat_select coff_comdat_select(uint8_t selection)
{
	switch (selection) {
	case COMDAT_NODUPLICATES: return OBJLOAD_COMDAT_NODUPLICATES;
	case COMDAT_SAME_SIZE: return OBJLOAD_COMDAT_SAME_SIZE;
	case COMDAT_EXACT_MATCH: return OBJLOAD_COMDAT_EXACT_MATCH;
	case COMDAT_LARGEST: return OBJLOAD_COMDAT_LARGEST;
	default: return OBJLOAD_COMDAT_ANY;
	}
}

/* The group of associative section i: follow what it follows to a section
 * that is not associative, marking the path, so that every chain is walked
 * once (O(sections) for all).  OBJLOAD_NO_INDEX with an error set when the
 * chain ends at a section that is not COMDAT or runs in a cycle. */
static objload_status coff_assoc_group(struct coff_ctx *c, uint32_t i, uint8_t *state,
				       uint32_t *path)
{
	uint32_t n = 0, p = i, gi;

	while (c->sh[p].selection == COMDAT_ASSOCIATIVE && c->sh[p].assoc && !state[p]) {
		state[p] = 1;
		path[n++] = p;
		p = c->sh[p].assoc;
	}
	if (state[p] == 1)
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "section %u (%s): associative COMDAT sections follow each other in a cycle (through section %u, %s)",
					   i, c->sh[i].name, p, c->sh[p].name);
	gi = c->sh[p].group;
	if (gi == OBJLOAD_NO_INDEX)
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "section %u (%s): associative COMDAT leads to section %u (%s), which is not a COMDAT section",
					   i, c->sh[i].name, p, c->sh[p].name);
	for (uint32_t k = 0; k < n; k++) {
		c->sh[path[k]].group = gi;
		state[path[k]] = 2;
	}
	return OBJLOAD_OK;
}

/*
 * COMDAT sections become groups keyed by their COMDAT symbol; associative
 * sections join the group of the section they follow (transitively).
 * Members are counted first and each group's array is allocated once, so
 * the whole is linear in the number of sections.
 */
static objload_status coff_build_groups(struct coff_ctx *c)
{
	objload_image *img = c->img;
	uint8_t *state = NULL;
	uint32_t *path = NULL;
	objload_status st = OBJLOAD_OK;

	for (uint32_t i = 1; i <= c->nsecs; i++) {
		struct coff_shdr *s = &c->sh[i];
		objload_group *g;

		if (!(s->ch & SCN_LNK_COMDAT) || s->selection == COMDAT_ASSOCIATIVE)
			continue;
		if (!s->has_def || !s->comdat_sym)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %u (%s): COMDAT section without %s",
						   i, s->name, s->has_def ? "a COMDAT symbol" :
						   "a section definition");
		s->group = img->ngroups;
		g = objload_image_add_groups(img, 1);
		if (!g)
			return coff_nomem(c);
		g->key = c->sy[s->comdat_sym].name;
		g->select = coff_comdat_select(s->selection);
	}
	if (!img->ngroups)
		return OBJLOAD_OK;
	state = calloc((size_t)c->nsecs + 1, 1);   /* 0 new, 1 on path, 2 done */
	path = malloc(((size_t)c->nsecs + 1) * sizeof(*path));
	if (!state || !path) {
		st = coff_nomem(c);
		goto out;
	}
	for (uint32_t i = 1; i <= c->nsecs && !st; i++)
		if ((c->sh[i].ch & SCN_LNK_COMDAT) && c->sh[i].selection == COMDAT_ASSOCIATIVE &&
		    !state[i])
			st = coff_assoc_group(c, i, state, path);
	for (uint32_t i = 1; i <= c->nsecs && !st; i++)
		if (c->sh[i].group != OBJLOAD_NO_INDEX)
			img->groups[c->sh[i].group].nmembers++;
	for (uint32_t gi = 0; gi < img->ngroups && !st; gi++) {
		objload_group *g = &img->groups[gi];

		g->members = objload_image_alloc(img, (size_t)g->nmembers * sizeof(*g->members));
		if (!g->members)
			st = coff_nomem(c);
		g->nmembers = 0;
	}
	for (uint32_t i = 1; i <= c->nsecs && !st; i++) {
		uint32_t gi = c->sh[i].group;

		if (gi == OBJLOAD_NO_INDEX)
			continue;
		img->groups[gi].members[img->groups[gi].nmembers++] = i;
		img->sections[i].group = gi;
	}
out:
	free(state);
	free(path);
	return st;
}

/*
 * arm64: the implicit addend of relocation k at `off` of section sec, as
 * the arch reads it from the field (`cur`, rt->width bytes): an
 * instruction's immediate or a data field's contents; REL32 then measures
 * from the end of its field (rt->pc_bias).
 */
static objload_status coff_arm64_addend(struct coff_ctx *c, uint32_t sec, uint32_t k,
					uint64_t off, const struct coff_reloc_type *rt,
					const struct rd_cursor *cur, int64_t *addend)
{
	objload_status st;

	*addend = 0;
	if (!rt->width)
		return OBJLOAD_OK;
	st = objload_arch_read_addend(OBJLOAD_ARCH_AARCH64, (unsigned)rt->kind,
				      cur->p, cur->len, addend);
	if (st)
		return objload_image_error(c->img, st,
					   "section %u (%s): relocation %u (%s) at 0x%llx: the field (0x%02x%02x%02x%02x) is not an instruction this relocation can patch",
					   sec, c->sh[sec].name, k, rt->name,
					   (unsigned long long)off, cur->p[3], cur->p[2],
					   cur->p[1], cur->p[0]);
	*addend -= rt->pc_bias;
	return OBJLOAD_OK;
}

static objload_status coff_build_edges(struct coff_ctx *c)
{
	objload_image *img = c->img;

	for (uint32_t i = 1; i <= c->nsecs; i++) {
		const struct coff_shdr *s = &c->sh[i];
		objload_edge *e;

		if (!s->nrel)
			continue;
		if (!coff_role_loaded(img->sections[i].role)) {
			c->info->skipped_relocations += s->nrel;
			continue;
		}
		e = objload_image_add_edges(img, s->nrel);
		if (!e)
			return coff_nomem(c);
		for (uint32_t k = 0; k < s->nrel; k++) {
			uint32_t rva, sym;
			uint16_t type;
			const struct coff_reloc_type *rt;
			uint64_t off, v = 0;
			struct rd_cursor cur = { 0 };
			objload_status st = coff_read_reloc(c, i, k, &rva, &sym, &type);

			if (st)
				return st;
			off = rva - s->va;
			rt = coff_reloc_type(c, type);
			if (!rt)
				return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
							   "section %u (%s): relocation %u at 0x%llx against '%s': type 0x%x is not a known %s COFF type",
							   i, s->name, k, (unsigned long long)off,
							   c->sy[sym].name, type,
							   c->machine == COFF_MACHINE_ARM64 ? "arm64" : "x86-64");
			if (rt->kind == COFF_KIND_UNSUPPORTED)
				return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
							   "section %u (%s): relocation %u at 0x%llx against '%s': %s is not supported in a loaded section: %s",
							   i, s->name, k, (unsigned long long)off,
							   c->sy[sym].name, rt->name, rt->why);
			if (rt->width &&
			    (coff_window(c, (uint64_t)s->rawptr + off, rt->width, &cur) ||
			     rd_get(&cur, rt->width, &v)))
				return coff_truncated(c, "relocated field", (uint64_t)s->rawptr + off);
			e[k].section = i;
			e[k].offset = off;
			e[k].kind = (uint16_t)rt->kind;
			e[k].native_type = type;
			e[k].symbol = sym;
			e[k].subtrahend = OBJLOAD_NO_INDEX;
			if (c->machine == COFF_MACHINE_ARM64) {
				st = coff_arm64_addend(c, i, k, off, rt, &cur, &e[k].addend);
				if (st)
					return st;
				continue;
			}
			/* the implicit addend, as the arch reads the field (a
			 * 32-bit one is signed: ADDR32NB of foo - 4 holds -4) */
			e[k].addend = 0;
			if (rt->width &&
			    objload_arch_read_addend(OBJLOAD_ARCH_X86_64, (unsigned)rt->kind,
						     cur.p, rt->width, &e[k].addend))
				return coff_truncated(c, "relocated field",
						      (uint64_t)s->rawptr + off);
			e[k].addend -= rt->pc_bias;
		}
	}
	return OBJLOAD_OK;
}

/* ---- .drectve --------------------------------------------------------- */

/* Next directive of [*p, end): quotes removed, into buf.  0 at the end. */
static int coff_next_directive(const char **p, const char *end, char *buf, size_t len)
{
	size_t n = 0;
	int quoted = 0;

	while (*p < end && (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r' || !**p))
		(*p)++;
	if (*p >= end)
		return 0;
	for (; *p < end && **p && (quoted || (**p != ' ' && **p != '\t' &&
					       **p != '\n' && **p != '\r')); (*p)++) {
		if (**p == '"') {
			quoted = !quoted;
			continue;
		}
		if (n + 1 < len)
			buf[n++] = **p;
	}
	buf[n] = '\0';
	return 1;
}

/* Symbols a directive may name (not auxiliary records, not .file, with a
 * C-level name), sorted by name then index, built at the first directive
 * that looks one up: each lookup is then a binary search, so a .drectve
 * of n directives over m symbols costs O((n + m) log m), not O(n m). */
static int coff_name_cmp(const void *a, const void *b)
{
	const struct coff_name *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	return r ? r : (x->index > y->index) - (x->index < y->index);
}

static objload_status coff_build_name_index(struct coff_ctx *c)
{
	uint32_t n = 0;

	if (c->by_name)
		return OBJLOAD_OK;
	c->by_name = malloc((c->nsyms ? (size_t)c->nsyms : 1) * sizeof(*c->by_name));
	if (!c->by_name)
		return coff_nomem(c);
	for (uint32_t i = 0; i < c->nsyms; i++)
		if (!c->sy[i].is_aux && c->sy[i].sclass != CLASS_FILE && c->img->symbols[i].cname)
			c->by_name[n++] = (struct coff_name){ c->sy[i].name, i };
	qsort(c->by_name, n, sizeof(*c->by_name), coff_name_cmp);
	c->nby_name = n;
	return OBJLOAD_OK;
}

/* The lowest-numbered symbol a directive may name `name`, or
 * OBJLOAD_NO_INDEX (coff_build_name_index first). */
static uint32_t coff_find_symbol(const struct coff_ctx *c, const char *name)
{
	size_t lo = 0, hi = c->nby_name;

	while (lo < hi) {   /* the first entry not below name */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(c->by_name[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->nby_name && strcmp(c->by_name[lo].name, name) == 0)
		return c->by_name[lo].index;
	return OBJLOAD_NO_INDEX;
}

/*
 * /ALTERNATENAME:from=to: `from` resolves to `to` when nothing defines it.
 * When `to` is defined in this file, `from` becomes a weak definition at
 * the same place (a symbol is added if this file does not name `from`).
 * When `to` is defined elsewhere, this file's references to `from` carry
 * `to` as their alternate name, which the core uses when nothing defines
 * `from`.
 */
static objload_status coff_alternatename(struct coff_ctx *c, const char *arg)
{
	objload_image *img = c->img;
	const char *eq = strchr(arg, '=');
	char *from;
	uint32_t fi, ti;
	const objload_symbol *to;

	if (!eq || eq == arg || !eq[1])
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   ".drectve: /ALTERNATENAME:%s is not from=to", arg);
	from = objload_image_alloc(img, (size_t)(eq - arg) + 1);
	if (!from)
		return coff_nomem(c);
	memcpy(from, arg, (size_t)(eq - arg));
	from[eq - arg] = '\0';
	ti = coff_find_symbol(c, eq + 1);
	fi = coff_find_symbol(c, from);
	if (ti == OBJLOAD_NO_INDEX ||
	    (img->symbols[ti].def != OBJLOAD_DEF_SECTION &&
	     img->symbols[ti].def != OBJLOAD_DEF_ABSOLUTE)) {
		/* `to` is defined elsewhere (or not named here): references
		 * of this file to `from` fall back to it at link time */
		char *alt;

		if (fi == OBJLOAD_NO_INDEX || img->symbols[fi].def != OBJLOAD_DEF_UNDEFINED)
			return OBJLOAD_OK;
		alt = objload_image_strdup(img, eq + 1);
		if (!alt)
			return coff_nomem(c);
		img->symbols[fi].alternate = alt;
		return OBJLOAD_OK;
	}
	to = &img->symbols[ti];
	if (fi == OBJLOAD_NO_INDEX) {
		objload_symbol *n = objload_image_add_symbols(img, 1);

		if (!n)
			return coff_nomem(c);
		to = &img->symbols[ti];   /* the array may have moved */
		n->name = from;
		n->cname = from;
		n->native_index = ti;
		fi = img->nsymbols - 1;
	} else if (img->symbols[fi].def != OBJLOAD_DEF_UNDEFINED) {
		return OBJLOAD_OK;   /* defined here: the alternate is unused */
	}
	img->symbols[fi].binding = OBJLOAD_BIND_WEAK;
	img->symbols[fi].def = to->def;
	img->symbols[fi].section = to->section;
	img->symbols[fi].value = to->value;
	img->symbols[fi].type = to->type;
	return OBJLOAD_OK;
}

/* -aligncomm:name,log2 (MinGW): the alignment of a common block. */
static objload_status coff_aligncomm(struct coff_ctx *c, const char *arg)
{
	const char *comma = strrchr(arg, ',');
	char name[256];
	uint32_t si;
	unsigned long a;
	char *end;

	if (!comma || (size_t)(comma - arg) >= sizeof(name))
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   ".drectve: -aligncomm:%s is not name,log2", arg);
	memcpy(name, arg, (size_t)(comma - arg));
	name[comma - arg] = '\0';
	a = strtoul(comma + 1, &end, 10);
	if (*end || a > 13)
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   ".drectve: -aligncomm:%s: alignment 2^%s is not valid",
					   arg, comma + 1);
	si = coff_find_symbol(c, name);
	if (si != OBJLOAD_NO_INDEX && c->img->symbols[si].def == OBJLOAD_DEF_COMMON)
		c->img->symbols[si].value = (uint64_t)1 << a;
	return OBJLOAD_OK;
}

static objload_status coff_build_directives(struct coff_ctx *c)
{
	objload_image *img = c->img;
	size_t cap = 1, used = 0;

	for (uint32_t i = 1; i <= c->nsecs; i++)
		if (strcmp(c->sh[i].name, ".drectve") == 0)
			cap += c->sh[i].size + 8;
	c->info->text = objload_image_alloc(img, cap);
	if (!c->info->text)
		return coff_nomem(c);
	c->info->text[0] = '\0';
	for (uint32_t i = 1; i <= c->nsecs; i++) {
		const struct coff_shdr *s = &c->sh[i];
		const char *p, *end;
		char buf[1024];

		if (strcmp(s->name, ".drectve") != 0 || (s->ch & SCN_CNT_UNINITIALIZED_DATA))
			continue;
		p = (const char *)c->file + s->rawptr;
		end = p + s->size;
		if (s->size >= 3 && (uint8_t)p[0] == 0xef && (uint8_t)p[1] == 0xbb &&
		    (uint8_t)p[2] == 0xbf)
			p += 3;   /* UTF-8 byte-order mark */
		while (coff_next_directive(&p, end, buf, sizeof(buf))) {
			const char *opt = buf + 1, *colon = strchr(buf, ':');
			size_t olen = colon ? (size_t)(colon - opt) : strlen(opt);
			objload_status st = coff_build_name_index(c);

			if (buf[0] != '/' && buf[0] != '-')
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "section %u (.drectve): '%s' is not an option",
							   i, buf);
			if (st)
				return st;
			if (colon && olen == 13 && strncasecmp(opt, "ALTERNATENAME", 13) == 0)
				st = coff_alternatename(c, colon + 1);
			else if (colon && olen == 9 && strncasecmp(opt, "ALIGNCOMM", 9) == 0)
				st = coff_aligncomm(c, colon + 1);
			if (st)
				return st;
			used += (size_t)snprintf(c->info->text + used, cap - used, "%s%s",
						 used ? " " : "", buf);
			if (used >= cap)
				used = cap - 1;
		}
	}
	return OBJLOAD_OK;
}

static const char *coff_reason(struct coff_ctx *c, const char *base)
{
	size_t len = strlen(base) + strlen(c->info->text) + 32;
	char *r = objload_image_alloc(c->img, len);

	if (!r)
		return base;
	snprintf(r, len, "%s%s%s", base, c->info->text[0] ? "; directives: " : "",
		 c->info->text);
	return r;
}

/* ---- The plug-in ------------------------------------------------------ */

static int coff_probe(const uint8_t *b, size_t len)
{
	unsigned machine;

	if (pe_probe(b, len))
		return 1;   /* a PE image: formats/coff/pe.c */
	if (!b || len < COFF_HDR_SIZE)
		return 0;
	if (b[0] == 0 && b[1] == 0 && b[2] == 0xff && b[3] == 0xff) {
		if (len < COFF_BIGOBJ_HDR_SIZE)
			return 0;
		machine = b[6] | b[7] << 8;
	} else {
		machine = b[0] | b[1] << 8;
	}
	return machine == COFF_MACHINE_AMD64 || machine == COFF_MACHINE_ARM64;
}

/*
 * Microsoft import libraries (archives of a DLL's exports) hold, instead
 * of objects, short import records: IMPORT_OBJECT_HEADER (Sig1 0, Sig2
 * 0xffff, Version 0, Machine, TimeDateStamp, SizeOfData, OrdinalHint,
 * Type: 20 bytes), then SizeOfData bytes holding the symbol's name and the
 * DLL's name, NUL-terminated.  The core leaves such a symbol (foo, and
 * __imp_foo through the import slot) to the host.
 */
static int coff_import_member(const uint8_t *bytes, size_t len, const char **name,
			      char *err, size_t errlen)
{
	struct rd_cursor cur = { bytes, len, 0 };
	uint16_t sig1, sig2, version, machine, hint, type;
	uint32_t stamp, sod;

	if (!bytes || rd_u16(&cur, &sig1) || rd_u16(&cur, &sig2) || rd_u16(&cur, &version) ||
	    sig1 != 0 || sig2 != 0xffff || version != 0)
		return 0;
	if (rd_u16(&cur, &machine) || rd_u32(&cur, &stamp) || rd_u32(&cur, &sod) ||
	    rd_u16(&cur, &hint) || rd_u16(&cur, &type)) {
		snprintf(err, errlen, "import header is truncated (%zu bytes, the header is 20)", len);
		return -1;
	}
	if (sod > len - cur.off || !memchr(bytes + cur.off, 0, sod)) {
		snprintf(err, errlen,
			 "import header's SizeOfData %u runs past the member's %zu bytes or holds no NUL-terminated name",
			 sod, len);
		return -1;
	}
	*name = (const char *)bytes + cur.off;
	return 1;
}

/* An archive index names a function's import slot "__imp_foo" beside
 * "foo": both stand for C-level "foo". */
static const char *coff_index_cname(const char *name)
{
	return strncmp(name, "__imp_", 6) == 0 && name[6] ? name + 6 : name;
}

static objload_status coff_parse_inner(struct coff_ctx *c)
{
	objload_image *img = c->img;
	objload_status st;

	if (img->nsections || img->nsymbols || img->nedges || img->ninits || img->ngroups)
		return objload_image_error(img, OBJLOAD_ERR_ARGUMENT,
					   "COFF parse needs an empty image");
	st = coff_validate(c);
	if (st)
		return st;
	img->arch = c->machine == COFF_MACHINE_AMD64 ? OBJLOAD_ARCH_X86_64 :
		    OBJLOAD_ARCH_AARCH64;
	img->kind = OBJLOAD_IMAGE_RELOCATABLE;
	/* Windows on arm64 follows AAPCS64 except for variadic calls (see
	 * docs/aarch64.md) */
	img->callconv = c->machine == COFF_MACHINE_ARM64 ? OBJLOAD_CC_MS_ARM64 :
			OBJLOAD_CC_MS_X64;
	img->layout_meaningful = 0;
	c->info = objload_image_alloc(img, sizeof(*c->info));
	if (!c->info)
		return coff_nomem(c);
	memset(c->info, 0, sizeof(*c->info));
	img->format_data = c->info;

	st = coff_build_sections(c);
	if (!st)
		st = coff_build_symbols(c);
	if (!st)
		st = coff_build_groups(c);
	if (!st)
		st = coff_build_inits(c);
	if (!st)
		st = coff_build_edges(c);
	if (!st)
		st = coff_build_directives(c);
	if (st)
		return st;
	c->info->notes = coff_reason(c, "");
	return OBJLOAD_OK;
}

static objload_status coff_parse(objload_image *img)
{
	struct coff_ctx c;
	objload_status st;

	if (pe_probe(img->file, img->file ? img->file_size : 0))
		return pe_parse(img);
	memset(&c, 0, sizeof(c));
	c.img = img;
	c.file = img->file;
	c.size = img->file ? img->file_size : 0;
	st = coff_parse_inner(&c);
	free(c.sh);
	free(c.sy);
	free(c.by_name);
	return st;
}

/*
 * The strategy.  COFF has one relocation, REL32, for calls and for data
 * references alike, so a call cannot be told from a data reference and
 * sent through a stub: sections that refer to each other must stay
 * within +-2 GiB, and image-relative (ADDR32NB) references within 4 GiB
 * of the image base.  Whole-image loading keeps them so.  An object made
 * of many stand-alone COMDAT sections (MSVC /Gy, C++ inline functions)
 * loads section by section, leaving out what the program never reaches;
 * a scattering memory manager gets a refusal instead.
 */
static objload_status coff_plan(const objload_image *img, const objload_plan_query *q,
				objload_plan_choice *choice)
{
	const struct coff_directive_info *info = img->format_data;
	objload_image_facts f;
	struct fmt_decision d = { .strategy = OBJLOAD_STRATEGY_WHOLE };
	uint32_t comdats = 0;

	if (img->kind != OBJLOAD_IMAGE_RELOCATABLE)
		return pe_plan(img, q, choice);
	fmt_plan_facts(img, q, &f);
	for (uint32_t j = 0; j < img->nsections; j++)
		comdats += img->sections[j].group != OBJLOAD_NO_INDEX;
	if (q->placement_scatters && f.cross_section_direct)
		d.scatter_fails = fmt_image_printf(img,
			"REL32 is COFF's relocation for calls and data alike, so none of the %llu "
			"references between its sections (the first to '%s') can go through a "
			"stub; they must stay within +-2 GiB, and a scattering memory manager "
			"places sections beyond that", (unsigned long long)f.cross_section_direct,
			f.cross_example ? f.cross_example : "?");
	if (q->dead_strip && comdats >= 4 &&
	    f.isolated_code_sections >= FMT_MIN_ISOLATED_CODE &&
	    f.isolated_code_bytes * 4 >= f.code_bytes) {
		d.strategy = OBJLOAD_STRATEGY_SECTION;
		d.why = fmt_image_printf(img,
			"%u of its %u loadable sections are COMDATs and %u of its %u code sections "
			"(%llu of %llu bytes) are called by no other section of this file, as /Gy "
			"and C++ inline functions make them: loaded section by section, what the "
			"program never reaches is left out", comdats, f.sections,
			f.isolated_code_sections, f.code_sections,
			(unsigned long long)f.isolated_code_bytes, (unsigned long long)f.code_bytes);
	} else {
		d.why = "relocatable COFF: its loadable sections are packed with the other whole "
			"images into one reservation by protection, so REL32 and image-relative "
			"(ADDR32NB) references stay in reach";
	}
	if (!d.why)
		d.why = "relocatable COFF: sections packed into one reservation by protection";
	return fmt_plan_answer(img, q, &d, info ? info->notes : NULL, choice);
}

static const char *coff_reloc_name(const objload_image *img, uint32_t native_type)
{
	if (img->kind != OBJLOAD_IMAGE_RELOCATABLE)
		return pe_reloc_name(native_type);
	if (img->arch == OBJLOAD_ARCH_AARCH64)
		return native_type < COFF_NARM64_RELOCS ?
		       coff_arm64_relocs[native_type].name : NULL;
	if (img->arch != OBJLOAD_ARCH_X86_64 || native_type >= COFF_NAMD64_RELOCS)
		return NULL;
	return coff_amd64_relocs[native_type].name;
}

static void coff_release(objload_image *img)
{
	/* format_data lives in image memory: nothing to free. */
	img->format_data = NULL;
}

const objload_format objload_format_coff = {
	.name = "coff",
	.abi_version = OBJLOAD_PLUGIN_ABI_VERSION,
	.probe = coff_probe,
	.parse = coff_parse,
	.plan = coff_plan,
	.reloc_name = coff_reloc_name,
	.release = coff_release,
	.index_cname = coff_index_cname,
	.import_member = coff_import_member,
};
