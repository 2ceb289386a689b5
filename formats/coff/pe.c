/* SPDX-License-Identifier: MIT */
/*
 * PE images: Windows DLLs (PE32+, x86-64 and arm64), read by the COFF
 * plug-in and loaded whole, as Windows' loader loads them.
 *
 * What a loader needs from a PE image
 * -----------------------------------
 * A PE file starts with an MS-DOS header ("MZ"; e_lfanew at 0x3c gives the
 * offset of the PE signature "PE\0\0"), then the COFF file header (as an
 * object's: Machine, NumberOfSections, ..., SizeOfOptionalHeader,
 * Characteristics, where IMAGE_FILE_DLL and EXECUTABLE_IMAGE are set and
 * RELOCS_STRIPPED says the image cannot move), then the optional header:
 * for PE32+ Magic 0x20b, AddressOfEntryPoint, ImageBase (the address the
 * linker assumed), SectionAlignment, SizeOfImage, SizeOfHeaders, and
 * NumberOfRvaAndSizes data directories (RVA, size), then the section
 * table.  Addresses inside the image are RVAs: offsets from the image's
 * base.  A section occupies [VirtualAddress, + VirtualSize) in memory; its
 * first SizeOfRawData bytes come from the file at PointerToRawData, the
 * rest is zero.  The headers themselves are mapped at RVA 0 (code such as
 * MinGW's pseudo-relocator reads them through __ImageBase).
 *
 * Code reaches code and data by RIP-relative offsets no table records, so
 * the sections must keep their distances: the image is one area, each
 * section at its RVA (file_addr), and the plug-in refuses a per-section
 * plan.  What does need fixing when the image moves is listed in the data
 * directories:
 *
 *   - base relocations (directory 5): blocks of (PageRVA, BlockSize) and
 *     16-bit entries (type << 12 | offset).  DIR64 (10) is a 64-bit field
 *     holding ImageBase + RVA, HIGHLOW (3) its 32-bit form; ABSOLUTE (0)
 *     pads a block.  Each becomes a pointer edge (ABS64, ABS32) to the
 *     section holding that RVA, so the core writes base + RVA;
 *   - imports (directory 1): 20-byte descriptors (OriginalFirstThunk: the
 *     lookup table, Name: the DLL, FirstThunk: the import address table,
 *     IAT) ending with a zero one.  Lookup entries are 64-bit: bit 63 set
 *     means an ordinal (low 16 bits), else the RVA of a hint and a name.
 *     Each IAT slot becomes a pointer edge to an undefined symbol named
 *     "DLL!name" (as Windows tools write it) whose C-level name is the
 *     function's: the session binds it as it binds any reference (its
 *     images' exports, the Microsoft x64 bridge for the C runtime and the
 *     Windows API layer, the host), and an import nothing provides is
 *     reported with every other one;
 *   - delay imports (directory 13): 32-byte descriptors (Attributes 1:
 *     RVAs; DllName, ModuleHandle, IAT, name table, ...).  The IAT holds
 *     the address of a stub that would call __delayLoadHelper2 on first
 *     use; objload binds these slots at load like ordinary imports (and
 *     drops the base relocations of those slots), so a missing one fails
 *     the load rather than the first call;
 *   - exports (directory 0): a 40-byte directory (Name, Base,
 *     NumberOfFunctions, NumberOfNames, AddressOfFunctions,
 *     AddressOfNames, AddressOfNameOrdinals).  Each function's RVA is a
 *     definition; an RVA inside the export directory is a forwarder, the
 *     string "DLL.name" or "DLL.#ordinal", which becomes an alias of
 *     that name.  A named export is a weak global symbol (a definition
 *     in an object wins, the first DLL wins over a later one, as with
 *     shared libraries); every export also gets a hidden symbol "#N"
 *     whose C-level name is "module.dll#N", which imports by ordinal
 *     bind to;
 *   - TLS (directory 9): the template of thread-local data and a
 *     NULL-terminated array of callbacks called like the entry point.
 *     Thread-local variables need TLS support, which this build does not
 *     have: an image whose template holds more than the C runtime's own
 *     markers (MinGW's _tls_start/_tls_end: at most 8 zero bytes and no
 *     zero fill) is refused; the callbacks of one that does not are run;
 *   - the entry point (DllMain, or the C runtime's DllMainCRTStartup
 *     around it) and the TLS callbacks become OBJLOAD_INIT_ATTACH_* tables:
 *     the core calls them with DLL_PROCESS_ATTACH after relocation and
 *     DLL_PROCESS_DETACH at unload.
 *
 * Refused with a message: PE32 (32-bit) images, machines other than
 * x86-64 and arm64, executables (no IMAGE_FILE_DLL), images whose
 * relocations were stripped, .NET assemblies (a CLR header), sections
 * both writable and executable, base relocation types other than DIR64
 * and HIGHLOW, VA-based (version 1) delay-import descriptors.  Ignored,
 * as a loader may: resources, the debug directory, bound imports (every
 * import is bound again), the exception table (there is no structured
 * exception handling on the host; images importing its handlers are
 * refused by the core), the load configuration.
 *
 * Everything is validated once, before anything is built: the headers
 * (pe_check_headers), the section table (pe_check_sections), and each
 * table as it is read, every RVA and count against the image and the
 * file; nothing here encodes an instruction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/coff/coff.h"
#include "formats/plan.h"
#include "formats/reader.h"

enum {
	PE_MACHINE_AMD64 = 0x8664,
	PE_MACHINE_ARM64 = 0xaa64,

	PE_FILE_RELOCS_STRIPPED = 0x0001,
	PE_FILE_EXECUTABLE_IMAGE = 0x0002,
	PE_FILE_DLL = 0x2000,

	PE_MAGIC_PE32 = 0x10b,
	PE_MAGIC_PE32PLUS = 0x20b,
	PE_OPT_FIXED = 112,          /* PE32+ optional header before the directories */

	PE_DIR_EXPORT = 0,
	PE_DIR_IMPORT = 1,
	PE_DIR_SECURITY = 4,
	PE_DIR_BASERELOC = 5,
	PE_DIR_TLS = 9,
	PE_DIR_DELAY_IMPORT = 13,
	PE_DIR_CLR = 14,
	PE_NDIRS = 16,

	PE_REL_BASED_ABSOLUTE = 0,
	PE_REL_BASED_HIGHLOW = 3,
	PE_REL_BASED_DIR64 = 10,

	/* the native types of the edges that are not base relocations */
	PE_NATIVE_IMPORT = 0x10000,
	PE_NATIVE_DELAY_IMPORT = 0x10001,

	PE_TLS_CRT_MARKERS = 8,      /* MinGW's _tls_start.._tls_end */
};

#define SCN_CNT_CODE 0x00000020u
#define SCN_CNT_UNINITIALIZED_DATA 0x00000080u
#define SCN_MEM_EXECUTE 0x20000000u
#define SCN_MEM_WRITE 0x80000000u

static const char *const pe_dir_names[PE_NDIRS] = {
	"export table", "import table", "resource table", "exception table",
	"certificate table", "base relocation table", "debug directory", "architecture",
	"global pointer", "TLS directory", "load configuration", "bound import table",
	"import address table", "delay-import descriptors", "CLR runtime header", "reserved",
};

/* One section header, validated. */
struct pe_sec {
	uint8_t raw_name[8];
	const char *name;
	uint32_t va, vsize, rawsize, rawptr, ch;
	uint32_t size;       /* in memory (VirtualSize, or SizeOfRawData when 0) */
	uint32_t filesize;   /* of which the file holds: min(SizeOfRawData, size) */
	objload_section_role role;
};

/* A loaded neutral section and its place, sorted by RVA. */
struct pe_place {
	uint32_t rva, size;
	uint32_t section;    /* neutral section index */
	uint32_t symbol;     /* its section symbol */
	int zero;            /* zero-filled: no edge may patch it */
};

struct pe_ctx {
	objload_image *img;
	const uint8_t *file;
	size_t size;
	uint32_t pe_off, opt_off, sec_off;
	uint16_t machine, nsecs, opt_size, characteristics;
	uint64_t image_base;
	uint32_t section_align, size_of_image, size_of_headers, entry;
	uint32_t ndirs;
	struct {
		uint32_t rva, size;
	} dir[PE_NDIRS];
	uint64_t strtab_off;
	uint32_t strtab_size;
	struct pe_sec *sec;          /* nsecs (malloc) */
	struct pe_place *place;      /* nplace (malloc) */
	uint32_t nplace;
	const char *module;          /* its export directory's name, lower case */
	unsigned pointer_kind, narrow_kind;
	uint32_t *claimed;           /* RVAs of IAT slots imports bind (malloc) */
	size_t nclaimed, claimed_cap;
};

static objload_status pe_nomem(struct pe_ctx *c)
{
	return objload_image_error(c->img, OBJLOAD_ERR_NOMEM, "out of memory");
}

/* Fields whose range is already checked (formats/reader.h's rd_le). */
static uint32_t le16(const uint8_t *p)
{
	return (uint32_t)rd_le(p, 2);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)rd_le(p, 4);
}

static uint64_t le64(const uint8_t *p)
{
	return rd_le(p, 8);
}

/* ---- probe ---------------------------------------------------------------- */

/* Any PE image: one for another machine gets a clear refusal from
 * pe_parse rather than "no format knows it". */
int pe_probe(const uint8_t *b, size_t len)
{
	uint32_t off;

	if (!b || len < 64 || b[0] != 'M' || b[1] != 'Z')
		return 0;
	off = le32(b + 0x3c);
	return off <= len && len - off >= 24 && memcmp(b + off, "PE\0\0", 4) == 0;
}

/* ---- reading by RVA ----------------------------------------------------------- */

/* How many bytes of file contents there are from rva on, within its
 * region (the headers, or a section's raw data); 0 when rva is in none. */
static uint64_t pe_rva_room(const struct pe_ctx *c, uint32_t rva)
{
	if (rva < c->size_of_headers)
		return c->size_of_headers - rva;
	for (uint16_t i = 0; i < c->nsecs; i++)
		if (rva >= c->sec[i].va && rva - c->sec[i].va < c->sec[i].filesize)
			return c->sec[i].filesize - (rva - c->sec[i].va);
	return 0;
}

/* The file offset of rva, pe_rva_room saying there are bytes there. */
static const uint8_t *pe_rva_file(const struct pe_ctx *c, uint32_t rva)
{
	if (rva < c->size_of_headers)
		return c->file + rva;
	for (uint16_t i = 0; i < c->nsecs; i++)
		if (rva >= c->sec[i].va && rva - c->sec[i].va < c->sec[i].filesize)
			return c->file + c->sec[i].rawptr + (rva - c->sec[i].va);
	return NULL;
}

/* The file bytes of [rva, rva + len), all in one region; NULL when they
 * are not. */
static const uint8_t *pe_rva_bytes(const struct pe_ctx *c, uint32_t rva, uint64_t len)
{
	return len && pe_rva_room(c, rva) >= len ? pe_rva_file(c, rva) : NULL;
}

/* The NUL-terminated string at rva, all of it in the file; NULL when
 * there is none. */
static const char *pe_rva_string(const struct pe_ctx *c, uint32_t rva)
{
	uint64_t room = pe_rva_room(c, rva);
	const uint8_t *p = room ? pe_rva_file(c, rva) : NULL;

	return p && memchr(p, 0, (size_t)room) ? (const char *)p : NULL;
}

/* The loaded section holding [rva, rva + len) (len 0: rva may be its
 * end); NULL when none does. */
static const struct pe_place *pe_place_of(const struct pe_ctx *c, uint32_t rva, uint32_t len)
{
	for (uint32_t i = 0; i < c->nplace; i++) {
		const struct pe_place *p = &c->place[i];

		if (rva >= p->rva && rva - p->rva <= p->size && len <= p->size - (rva - p->rva) &&
		    (len || rva - p->rva < p->size ||
		     i + 1 == c->nplace || c->place[i + 1].rva != rva))
			return p;
	}
	return NULL;
}

/* ---- validation: headers ---------------------------------------------------- */

static int is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/*
 * The headers, checked once:
 *   - the MS-DOS header (64 bytes, "MZ"), e_lfanew inside the file, the
 *     signature "PE\0\0" and the 20-byte file header after it;
 *   - Machine AMD64 or ARM64 (pe_probe takes any PE image, so that
 *     another machine's is refused by name); EXECUTABLE_IMAGE and DLL set (an .exe is
 *     refused); RELOCS_STRIPPED clear;
 *   - the optional header inside the file, PE32+ (Magic 0x20b; PE32 is
 *     refused), long enough for its NumberOfRvaAndSizes (at most 16)
 *     directories;
 *   - SectionAlignment a power of two; SizeOfImage not 0 and below 2 GiB;
 *     SizeOfHeaders inside the file and the image; ImageBase + SizeOfImage
 *     without overflow;
 *   - every data directory with a size inside the image (the certificate
 *     table, a file offset, is not looked at); no CLR header;
 *   - the section table inside the file; the COFF string table, when
 *     there is one (MinGW's long section names), inside the file and
 *     ending with a NUL byte.
 */
static objload_status pe_check_headers(struct pe_ctx *c)
{
	objload_image *img = c->img;
	struct rd_cursor cur = { c->file, c->size, 0 };
	uint16_t magic = 0;
	uint32_t symptr = 0, nsyms = 0;

	c->pe_off = le32(c->file + 0x3c);   /* pe_probe checked the signature */
	cur.off = c->pe_off + 4;
	rd_u16(&cur, &c->machine);
	rd_u16(&cur, &c->nsecs);
	cur.off += 4;
	rd_u32(&cur, &symptr);
	rd_u32(&cur, &nsyms);
	rd_u16(&cur, &c->opt_size);
	rd_u16(&cur, &c->characteristics);
	c->opt_off = c->pe_off + 24;
	if (c->machine != PE_MACHINE_AMD64 && c->machine != PE_MACHINE_ARM64)
		return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
					   "PE file header: machine 0x%04x is not supported (x86-64 0x8664 and arm64 0xaa64 are)",
					   c->machine);
	if (!(c->characteristics & PE_FILE_EXECUTABLE_IMAGE))
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "PE file header: IMAGE_FILE_EXECUTABLE_IMAGE is not set: not a valid image");
	if (!(c->characteristics & PE_FILE_DLL))
		return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
					   "a PE executable (IMAGE_FILE_DLL is not set): only DLLs are loaded");
	if (c->characteristics & PE_FILE_RELOCS_STRIPPED)
		return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
					   "its base relocations were stripped (IMAGE_FILE_RELOCS_STRIPPED): "
					   "it can only run at the address it was linked for, and objload "
					   "places images itself");
	if (c->opt_size < 2 || c->opt_off > c->size || c->size - c->opt_off < c->opt_size)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "PE optional header (%u bytes at 0x%x) is outside the file (%zu bytes)",
					   c->opt_size, c->opt_off, c->size);
	magic = (uint16_t)le16(c->file + c->opt_off);
	if (magic == PE_MAGIC_PE32)
		return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
					   "a PE32 (32-bit) image: only PE32+ images are loaded");
	if (magic != PE_MAGIC_PE32PLUS)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "PE optional header: magic 0x%x is neither PE32 nor PE32+", magic);
	if (c->opt_size < PE_OPT_FIXED)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "PE optional header: %u bytes, a PE32+ one has at least %u",
					   c->opt_size, PE_OPT_FIXED);
	{
		const uint8_t *o = c->file + c->opt_off;

		c->entry = le32(o + 16);
		c->image_base = le64(o + 24);
		c->section_align = le32(o + 32);
		c->size_of_image = le32(o + 56);
		c->size_of_headers = le32(o + 60);
		c->ndirs = le32(o + 108);
	}
	if (c->ndirs > PE_NDIRS || (uint64_t)PE_OPT_FIXED + 8ull * c->ndirs > c->opt_size)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "PE optional header: %u data directories do not fit in its %u bytes",
					   c->ndirs, c->opt_size);
	if (!is_pow2(c->section_align))
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "PE optional header: SectionAlignment 0x%x is not a power of two",
					   c->section_align);
	if (!c->size_of_image || c->size_of_image >= 0x80000000u ||
	    c->image_base > UINT64_MAX - c->size_of_image)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "PE optional header: SizeOfImage 0x%x at ImageBase 0x%llx is not a valid image size",
					   c->size_of_image, (unsigned long long)c->image_base);
	if (!c->size_of_headers || c->size_of_headers > c->size ||
	    c->size_of_headers > c->size_of_image)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "PE optional header: SizeOfHeaders 0x%x is outside the file (%zu bytes) or the image (0x%x)",
					   c->size_of_headers, c->size, c->size_of_image);
	for (uint32_t d = 0; d < c->ndirs; d++) {
		const uint8_t *e = c->file + c->opt_off + PE_OPT_FIXED + 8 * d;

		c->dir[d].rva = le32(e);
		c->dir[d].size = le32(e + 4);
		if (!c->dir[d].size || d == PE_DIR_SECURITY)
			continue;
		if (c->dir[d].rva > c->size_of_image ||
		    c->dir[d].size > c->size_of_image - c->dir[d].rva)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "PE data directory %u (%s): 0x%x bytes at RVA 0x%x are outside the image (0x%x bytes)",
						   d, pe_dir_names[d], c->dir[d].size, c->dir[d].rva,
						   c->size_of_image);
	}
	if (c->dir[PE_DIR_CLR].size)
		return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
					   "a .NET assembly (it has a CLR runtime header): only native code is loaded");
	c->sec_off = c->opt_off + c->opt_size;
	if ((uint64_t)c->nsecs * 40 > c->size - c->sec_off)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "PE section table (%u headers at 0x%x) is outside the file (%zu bytes)",
					   c->nsecs, c->sec_off, c->size);
	/* the COFF string table, for long section names */
	if (symptr && nsyms) {
		c->strtab_off = (uint64_t)symptr + (uint64_t)nsyms * 18;
		if (c->strtab_off > c->size || c->size - c->strtab_off < 4)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "PE file header: the string table after %u symbols at 0x%x is outside the file (%zu bytes)",
						   nsyms, symptr, c->size);
		c->strtab_size = le32(c->file + c->strtab_off);
		if (c->strtab_size < 4 || c->strtab_size > c->size - c->strtab_off ||
		    (c->strtab_size > 4 && c->file[c->strtab_off + c->strtab_size - 1]))
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "PE string table: size %u at 0x%llx is outside the file or it does not end with a NUL byte",
						   c->strtab_size, (unsigned long long)c->strtab_off);
	}
	return OBJLOAD_OK;
}

/* ---- validation: sections ----------------------------------------------------- */

static objload_section_role pe_role(const struct pe_sec *s)
{
	if (strcmp(s->name, ".reloc") == 0)
		return OBJLOAD_ROLE_NOLOAD;   /* read here, not needed at run time */
	if (strncmp(s->name, ".debug", 6) == 0)
		return OBJLOAD_ROLE_DEBUG;
	if (strcmp(s->name, ".pdata") == 0 || strcmp(s->name, ".xdata") == 0)
		return OBJLOAD_ROLE_UNWIND;
	if (s->ch & (SCN_CNT_CODE | SCN_MEM_EXECUTE))
		return OBJLOAD_ROLE_CODE;
	if (!s->filesize)
		return OBJLOAD_ROLE_ZEROFILL;
	return (s->ch & SCN_MEM_WRITE) ? OBJLOAD_ROLE_DATA : OBJLOAD_ROLE_RODATA;
}

static objload_status pe_section_name(struct pe_ctx *c, uint16_t i, struct pe_sec *s)
{
	uint64_t o;
	char *n;

	if (s->raw_name[0] == '/' && s->raw_name[1] >= '0' && s->raw_name[1] <= '9') {
		if (coff_decimal_name(s->raw_name, &o) || o < 4 || o >= c->strtab_size)
			return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
						   "PE section %u: long name %.8s is not an offset in the string table (%u bytes)",
						   i + 1, (const char *)s->raw_name, c->strtab_size);
		s->name = (const char *)c->file + c->strtab_off + o;
		return OBJLOAD_OK;
	}
	n = objload_image_alloc(c->img, 9);
	if (!n)
		return pe_nomem(c);
	memcpy(n, s->raw_name, 8);
	s->name = n;
	return OBJLOAD_OK;
}

/*
 * The section table, checked once: names (short, or /NNN in the string
 * table); each section after the headers and after the one before it,
 * its memory [VirtualAddress, + size) inside SizeOfImage, its raw data
 * inside the file; no section both writable and executable.
 */
static objload_status pe_check_sections(struct pe_ctx *c)
{
	objload_image *img = c->img;
	uint64_t prev_end = c->size_of_headers;

	c->sec = calloc(c->nsecs ? c->nsecs : 1, sizeof(*c->sec));
	if (!c->sec)
		return pe_nomem(c);
	for (uint16_t i = 0; i < c->nsecs; i++) {
		struct pe_sec *s = &c->sec[i];
		const uint8_t *h = c->file + c->sec_off + 40 * (size_t)i;
		objload_status st;

		memcpy(s->raw_name, h, 8);
		s->vsize = le32(h + 8);
		s->va = le32(h + 12);
		s->rawsize = le32(h + 16);
		s->rawptr = le32(h + 20);
		s->ch = le32(h + 36);
		st = pe_section_name(c, i, s);
		if (st)
			return st;
		s->size = s->vsize ? s->vsize : s->rawsize;
		s->filesize = (s->ch & SCN_CNT_UNINITIALIZED_DATA) ? 0 :
			      s->rawsize < s->size ? s->rawsize : s->size;
		if (s->va < prev_end)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "PE section %u (%s) at RVA 0x%x overlaps the headers or the section before it (which end at 0x%llx)",
						   i + 1, s->name, s->va, (unsigned long long)prev_end);
		if ((uint64_t)s->va + s->size > c->size_of_image)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "PE section %u (%s): 0x%x bytes at RVA 0x%x run past SizeOfImage 0x%x",
						   i + 1, s->name, s->size, s->va, c->size_of_image);
		if (s->filesize && (s->rawptr > c->size || s->filesize > c->size - s->rawptr))
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "PE section %u (%s): its contents (0x%x bytes at 0x%x) are outside the file (%zu bytes)",
						   i + 1, s->name, s->filesize, s->rawptr, c->size);
		s->role = pe_role(s);
		if (s->role == OBJLOAD_ROLE_CODE && (s->ch & SCN_MEM_WRITE))
			return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
						   "PE section %u (%s) is writable and executable: objload never maps memory so",
						   i + 1, s->name);
		prev_end = (uint64_t)s->va + s->size;
	}
	return OBJLOAD_OK;
}

/* ---- building: sections ---------------------------------------------------- */

/* The alignment a section at `rva` can keep: the RVA's lowest set bit, at
 * most SectionAlignment. */
static uint64_t pe_align_of(const struct pe_ctx *c, uint32_t rva)
{
	uint64_t a = rva ? (uint64_t)(rva & -rva) : c->section_align;

	return a < c->section_align ? a : c->section_align;
}

static objload_status pe_add_section(struct pe_ctx *c, const char *name,
				     objload_section_role role, uint32_t rva, uint32_t size,
				     const uint8_t *bytes, uint32_t native_index,
				     const char *native_type, uint32_t flags)
{
	objload_image *img = c->img;
	objload_section *o = objload_image_add_sections(img, 1);
	objload_symbol *sym;
	uint32_t index = img->nsections - 1;

	if (!o)
		return pe_nomem(c);
	o->name = name;
	o->role = role;
	o->align = pe_align_of(c, rva);
	o->size = size;
	o->bytes = bytes;
	o->file_addr = rva;
	o->native_index = native_index;
	o->native_type = native_type;
	o->native_flags = flags;
	if (role == OBJLOAD_ROLE_NOLOAD || role == OBJLOAD_ROLE_DEBUG)
		return OBJLOAD_OK;
	/* a section symbol, which the edges into it name */
	sym = objload_image_add_symbols(img, 1);
	if (!sym)
		return pe_nomem(c);
	sym->name = name;
	sym->binding = OBJLOAD_BIND_LOCAL;
	sym->def = OBJLOAD_DEF_SECTION;
	sym->type = OBJLOAD_SYM_SECTION;
	sym->section = index;
	sym->native_index = native_index;
	c->place[c->nplace++] = (struct pe_place){
		.rva = rva, .size = size, .section = index, .symbol = img->nsymbols - 1,
		.zero = role == OBJLOAD_ROLE_ZEROFILL,
	};
	return OBJLOAD_OK;
}

/*
 * Neutral section 0 is the headers at RVA 0; then each PE section.  When
 * its VirtualSize exceeds its SizeOfRawData, the rest is zero: a writable
 * section gets a zero-fill section for it, at the RVA where its contents
 * end (a .data with .bss after it costs no copy); another (code, read-only
 * data, which may not share a page with writable zero-fill) is copied
 * with the zeros after it.
 */
static objload_status pe_build_sections(struct pe_ctx *c)
{
	objload_status st;

	c->place = calloc(2 * (size_t)c->nsecs + 1, sizeof(*c->place));
	if (!c->place)
		return pe_nomem(c);
	st = pe_add_section(c, "(headers)", OBJLOAD_ROLE_RODATA, 0, c->size_of_headers,
			    c->file, 0, "HEADERS", 0);
	for (uint16_t i = 0; i < c->nsecs && !st; i++) {
		const struct pe_sec *s = &c->sec[i];
		const uint8_t *bytes = s->filesize ? c->file + s->rawptr : NULL;
		uint8_t *padded;

		if (s->role == OBJLOAD_ROLE_ZEROFILL) {
			st = pe_add_section(c, s->name, s->role, s->va, s->size, NULL, i + 1,
					    "BSS", s->ch);
			continue;
		}
		if (s->filesize == s->size || s->role == OBJLOAD_ROLE_NOLOAD ||
		    s->role == OBJLOAD_ROLE_DEBUG) {
			st = pe_add_section(c, s->name, s->role, s->va, s->filesize, bytes, i + 1,
					    s->role == OBJLOAD_ROLE_CODE ? "CODE" : "DATA", s->ch);
			continue;
		}
		if (s->role == OBJLOAD_ROLE_DATA) {
			st = pe_add_section(c, s->name, s->role, s->va, s->filesize, bytes, i + 1,
					    "DATA", s->ch);
			if (!st)
				st = pe_add_section(c, s->name, OBJLOAD_ROLE_ZEROFILL,
						    s->va + s->filesize, s->size - s->filesize,
						    NULL, i + 1, "ZERO-TAIL", s->ch);
			continue;
		}
		padded = objload_image_alloc(c->img, s->size);   /* zeroed */
		if (!padded)
			return pe_nomem(c);
		if (bytes)
			memcpy(padded, bytes, s->filesize);
		st = pe_add_section(c, s->name, s->role, s->va, s->size, padded, i + 1,
				    s->role == OBJLOAD_ROLE_CODE ? "CODE" : "DATA", s->ch);
	}
	return st;
}

/* ---- building: imports ---------------------------------------------------------- */

static int pe_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static objload_status pe_claim(struct pe_ctx *c, uint32_t rva)
{
	if (c->nclaimed == c->claimed_cap) {
		size_t cap = c->claimed_cap ? c->claimed_cap * 2 : 64;
		uint32_t *n = realloc(c->claimed, cap * sizeof(*n));

		if (!n)
			return pe_nomem(c);
		c->claimed = n;
		c->claimed_cap = cap;
	}
	c->claimed[c->nclaimed++] = rva;
	return OBJLOAD_OK;
}

static int pe_is_claimed(const struct pe_ctx *c, uint32_t rva)
{
	return c->nclaimed &&
	       bsearch(&rva, c->claimed, c->nclaimed, sizeof(*c->claimed), pe_cmp_u32) != NULL;
}

/* A module name as imports and ordinal names use it: lower case, ".dll"
 * added when it has no extension; `len` bytes of `name`. */
static char *pe_module_name(struct pe_ctx *c, const char *name, size_t len)
{
	int has_dot = memchr(name, '.', len) != NULL;
	char *m = objload_image_alloc(c->img, len + 5);

	if (!m)
		return NULL;
	for (size_t i = 0; i < len; i++)
		m[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
	memcpy(m + len, has_dot ? "" : ".dll", has_dot ? 1 : 5);
	return m;
}

/* The module name of the file the image was loaded from. */
static const char *pe_file_module(struct pe_ctx *c)
{
	const char *slash = strrchr(c->img->path, '/');
	const char *b = slash ? slash + 1 : c->img->path;

	return pe_module_name(c, b, strlen(b));
}

/* "module.dll#N": the C-level name of an ordinal. */
static char *pe_ordinal_cname(struct pe_ctx *c, const char *module, size_t len, uint32_t ord)
{
	const char *m = pe_module_name(c, module, len);

	return m ? fmt_image_printf(c->img, "%s#%u", m, ord) : NULL;
}

/* An undefined symbol for import `what` of `dll` and the pointer edge of
 * the IAT slot at `slot` bound to it. */
static objload_status pe_bind_slot(struct pe_ctx *c, const char *dll, uint64_t entry,
				   uint32_t slot, uint32_t native, const char *table)
{
	objload_image *img = c->img;
	const struct pe_place *p = pe_place_of(c, slot, 8);
	objload_symbol *sym;
	objload_edge *e;
	char *name, *cname;

	if (!p || p->zero)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "PE %s of %s: the address slot at RVA 0x%x is not in a section with contents",
					   table, dll, slot);
	if (entry >> 63) {
		uint32_t ord = (uint32_t)(entry & 0xffff);

		name = fmt_image_printf(img, "%s!#%u", dll, ord);
		cname = pe_ordinal_cname(c, dll, strlen(dll), ord);
	} else {
		const char *fn = (entry >> 31) ? NULL : pe_rva_string(c, (uint32_t)entry + 2);

		if (!fn || !pe_rva_bytes(c, (uint32_t)entry, 2))
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "PE %s of %s: the name of the import at RVA 0x%x (hint/name at 0x%llx) is not in the file",
						   table, dll, slot, (unsigned long long)entry);
		name = fmt_image_printf(img, "%s!%s", dll, fn);
		cname = (char *)fn;
	}
	if (!name || !cname)
		return pe_nomem(c);
	sym = objload_image_add_symbols(img, 1);
	e = sym ? objload_image_add_edges(img, 1) : NULL;
	if (!e)
		return pe_nomem(c);
	sym = &img->symbols[img->nsymbols - 1];
	sym->name = name;
	sym->cname = cname;
	sym->binding = OBJLOAD_BIND_GLOBAL;
	sym->def = OBJLOAD_DEF_UNDEFINED;
	sym->section = OBJLOAD_NO_INDEX;
	e->section = p->section;
	e->offset = slot - p->rva;
	e->kind = (uint16_t)c->pointer_kind;
	e->native_type = native;
	e->symbol = img->nsymbols - 1;
	return pe_claim(c, slot);
}

/* One table of imports: lookup entries at `names` (8 bytes each, up to a
 * zero one), their slots at `iat`. */
static objload_status pe_bind_table(struct pe_ctx *c, const char *dll, uint32_t names,
				    uint32_t iat, uint32_t native, const char *table)
{
	for (uint64_t k = 0;; k++) {
		uint64_t off = 8 * k;
		const uint8_t *e = off <= UINT32_MAX - names ? pe_rva_bytes(c, names + (uint32_t)off, 8) : NULL;
		uint64_t entry;
		objload_status st;

		if (!e || off > UINT32_MAX - iat)
			return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
						   "PE %s of %s: the lookup table at RVA 0x%x runs out of the file before its zero entry",
						   table, dll, names);
		entry = le64(e);
		if (!entry)
			return OBJLOAD_OK;
		st = pe_bind_slot(c, dll, entry, iat + (uint32_t)off, native, table);
		if (st)
			return st;
	}
}

/* Where the fields of an import or delay-import descriptor are. */
struct pe_descriptors {
	unsigned dir, size;           /* data directory; bytes per descriptor */
	unsigned lookup, name, iat;   /* field offsets */
	int attributes;               /* offset of Attributes, or -1 */
	uint32_t native;              /* the edges' native type */
	const char *what;
};

/* Import descriptors (directory 1): OriginalFirstThunk, TimeDateStamp,
 * ForwarderChain, Name, FirstThunk. */
static const struct pe_descriptors pe_imports = {
	PE_DIR_IMPORT, 20, 0, 12, 16, -1, PE_NATIVE_IMPORT, "import",
};

/* Delay-import descriptors (directory 13): Attributes, DllName,
 * ModuleHandle, ImportAddressTable, ImportNameTable, ... */
static const struct pe_descriptors pe_delay_imports = {
	PE_DIR_DELAY_IMPORT, 32, 16, 4, 12, 0, PE_NATIVE_DELAY_IMPORT, "delay-import",
};

/* The descriptors of one kind, up to a zero one, and the tables they
 * name: every slot bound at load. */
static objload_status pe_build_imports(struct pe_ctx *c, const struct pe_descriptors *k)
{
	uint32_t rva = c->dir[k->dir].rva;
	char table[32];

	if (!c->dir[k->dir].size)
		return OBJLOAD_OK;
	snprintf(table, sizeof(table), "%s table", k->what);
	for (uint32_t i = 0;; i++) {
		const uint8_t *d = (uint64_t)rva + (uint64_t)k->size * i <= UINT32_MAX ?
				   pe_rva_bytes(c, rva + k->size * i, k->size) : NULL;
		uint32_t lookup, name_rva, iat, attributes;
		const char *dll;
		objload_status st;

		if (!d)
			return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
						   "PE %s at RVA 0x%x: descriptor %u is outside the file before a zero descriptor ends the table",
						   table, rva, i);
		lookup = le32(d + k->lookup);
		name_rva = le32(d + k->name);
		iat = le32(d + k->iat);
		attributes = k->attributes < 0 ? 0 : le32(d + k->attributes);
		if (!lookup && !name_rva && !iat && !attributes)
			return OBJLOAD_OK;
		if (k->attributes >= 0 && !(attributes & 1))
			return objload_image_error(c->img, OBJLOAD_ERR_UNSUPPORTED,
						   "PE %s descriptor %u holds addresses, not RVAs (Attributes 0x%x): only RVA-based descriptors are supported",
						   k->what, i, attributes);
		/* an import descriptor without a lookup table: the IAT holds
		 * the lookup entries */
		if (!lookup && k->attributes < 0)
			lookup = iat;
		dll = pe_rva_string(c, name_rva);
		if (!dll || !iat || !lookup)
			return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
						   "PE %s descriptor %u: %s", k->what, i,
						   !dll ? "its DLL name is not in the file" :
						   "it has no address table or no name table");
		st = pe_bind_table(c, dll, lookup, iat, k->native, table);
		if (st)
			return st;
	}
}

/* ---- building: exports ------------------------------------------------------------ */

/* The C-level name a forwarder string "DLL.name" or "DLL.#ordinal" (at
 * rva) stands for, in *to; an error naming export `name` when it is
 * none. */
static objload_status pe_forwarder(struct pe_ctx *c, const char *name, uint32_t rva,
				   const char **to)
{
	const char *fwd = pe_rva_string(c, rva), *dot = fwd ? strrchr(fwd, '.') : NULL;
	char *end;
	unsigned long ord;

	if (!dot || dot == fwd || !dot[1])
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "PE export %s: the forwarder at RVA 0x%x is not a string DLL.name",
					   name, rva);
	if (dot[1] != '#') {
		*to = dot + 1;
		return OBJLOAD_OK;
	}
	ord = strtoul(dot + 2, &end, 10);
	if (*end || end == dot + 2 || ord > 0xffff)
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "PE export %s: forwarder %s names no valid ordinal", name, fwd);
	*to = pe_ordinal_cname(c, fwd, (size_t)(dot - fwd), (uint32_t)ord);
	return *to ? OBJLOAD_OK : pe_nomem(c);
}

/* A definition of the export at `rva` named `name`, C-level `cname`:
 * in a section, or, when rva lies in the export directory, an alias of
 * what it forwards to.  A forwarder to a function of the same name
 * ("printf = msvcrt.printf") defines nothing here: in objload's one
 * namespace, that name already binds to the other DLL's. */
static objload_status pe_export(struct pe_ctx *c, const char *name, const char *cname,
				uint32_t rva, int hidden)
{
	objload_image *img = c->img;
	uint32_t dir = c->dir[PE_DIR_EXPORT].rva, dirsize = c->dir[PE_DIR_EXPORT].size;
	const struct pe_place *p = NULL;
	const char *to = NULL;
	objload_symbol *sym;
	objload_status st;

	if (!name || !cname)
		return pe_nomem(c);
	if (rva >= dir && rva - dir < dirsize) {
		st = pe_forwarder(c, name, rva, &to);
		if (st)
			return st;
		if (strcmp(to, cname) == 0)
			return OBJLOAD_OK;
	} else if (!(p = pe_place_of(c, rva, 0))) {
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "PE export %s: RVA 0x%x is in no loaded section", name, rva);
	}
	sym = objload_image_add_symbols(img, 1);
	if (!sym)
		return pe_nomem(c);
	sym->name = name;
	sym->cname = cname;
	sym->binding = OBJLOAD_BIND_WEAK;
	sym->hidden = hidden;
	sym->section = OBJLOAD_NO_INDEX;
	if (to) {
		sym->def = OBJLOAD_DEF_ALIAS;
		sym->alternate = to;
		return OBJLOAD_OK;
	}
	sym->def = OBJLOAD_DEF_SECTION;
	sym->section = p->section;
	sym->value = rva - p->rva;
	sym->type = img->sections[p->section].role == OBJLOAD_ROLE_CODE ? OBJLOAD_SYM_FUNC :
		    OBJLOAD_SYM_OBJECT;
	return OBJLOAD_OK;
}

/*
 * The export directory (directory 0): its tables inside the file, every
 * name a string in the file, every name's ordinal index below
 * NumberOfFunctions, every ordinal (Base + index) at most 65535.
 */
static objload_status pe_build_exports(struct pe_ctx *c)
{
	objload_image *img = c->img;
	uint32_t rva = c->dir[PE_DIR_EXPORT].rva;
	const uint8_t *d, *funcs, *names = NULL, *ords = NULL;
	uint32_t base, nfuncs, nnames;
	const char *mname, *file;

	if (!c->dir[PE_DIR_EXPORT].size)
		return OBJLOAD_OK;
	d = pe_rva_bytes(c, rva, 40);
	if (!d)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "PE export directory at RVA 0x%x is not in the file", rva);
	mname = pe_rva_string(c, le32(d + 12));
	base = le32(d + 16);
	nfuncs = le32(d + 20);
	nnames = le32(d + 24);
	if (!mname)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "PE export directory: its module name (RVA 0x%x) is not in the file",
					   le32(d + 12));
	c->module = pe_module_name(c, mname, strlen(mname));
	if (!c->module)
		return pe_nomem(c);
	if (nfuncs > 0x10000 || (nfuncs && base > 0x10000 - nfuncs) || nnames > nfuncs)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "PE export directory: %u functions from ordinal %u and %u names are not valid ordinals (at most 65535)",
					   nfuncs, base, nnames);
	funcs = pe_rva_bytes(c, le32(d + 28), 4ull * nfuncs);
	if (nnames) {
		names = pe_rva_bytes(c, le32(d + 32), 4ull * nnames);
		ords = pe_rva_bytes(c, le32(d + 36), 2ull * nnames);
	}
	if ((nfuncs && !funcs) || (nnames && (!names || !ords)))
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "PE export directory: its %s table is not in the file",
					   nfuncs && !funcs ? "address" : !names ? "name" : "ordinal");
	for (uint32_t k = 0; k < nnames; k++) {
		uint32_t idx = le16(ords + 2 * k);
		const char *n = pe_rva_string(c, le32(names + 4 * k));
		objload_status st;

		if (!n || idx >= nfuncs)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "PE export name %u: %s", k, !n ?
						   "its string is not in the file" :
						   "its ordinal index is past the address table");
		st = pe_export(c, n, n, le32(funcs + 4 * idx), 0);
		if (st)
			return st;
	}
	/* ordinals under the module's own name and, when the file was
	 * renamed, under the file's, which is what importers name */
	file = pe_file_module(c);
	if (!file)
		return pe_nomem(c);
	for (uint32_t k = 0; k < nfuncs; k++) {
		uint32_t f = le32(funcs + 4 * k);
		objload_status st;

		if (!f)
			continue;   /* an unused ordinal */
		st = pe_export(c, fmt_image_printf(img, "#%u", base + k),
			       fmt_image_printf(img, "%s#%u", c->module, base + k), f, 1);
		if (!st && strcmp(file, c->module) != 0)
			st = pe_export(c, fmt_image_printf(img, "#%u", base + k),
				       fmt_image_printf(img, "%s#%u", file, base + k), f, 1);
		if (st)
			return st;
	}
	return OBJLOAD_OK;
}

/* ---- building: base relocations ----------------------------------------------------- */

static objload_status pe_base_reloc(struct pe_ctx *c, uint32_t type, uint32_t field)
{
	objload_image *img = c->img;
	unsigned width = type == PE_REL_BASED_DIR64 ? 8 : 4;
	const struct pe_place *p = pe_place_of(c, field, width), *t;
	const uint8_t *bytes = pe_rva_bytes(c, field, width);
	uint64_t value, target;
	objload_edge *e;

	if (pe_is_claimed(c, field))
		return OBJLOAD_OK;   /* an import slot: the import binds it */
	if (!p || !bytes || p->zero)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "PE base relocation at RVA 0x%x (%s): the field is not in the contents of a loaded section",
					   field, pe_reloc_name(type));
	if (type == PE_REL_BASED_DIR64) {
		value = le64(bytes);
		target = value - c->image_base;
	} else {
		value = le32(bytes);
		target = (uint32_t)(value - (uint32_t)c->image_base);
		if (c->image_base > UINT32_MAX)
			target = UINT64_MAX;   /* no 32-bit address is in the image */
	}
	if (target > c->size_of_image)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "PE base relocation at RVA 0x%x (%s): the field holds 0x%llx, not an address in the image (ImageBase 0x%llx, 0x%x bytes)",
					   field, pe_reloc_name(type), (unsigned long long)value,
					   (unsigned long long)c->image_base, c->size_of_image);
	/* the section it points into, or the headers: every section keeps
	 * its distance from every other, so any base is right */
	t = pe_place_of(c, (uint32_t)target, 0);
	if (!t)
		t = &c->place[0];
	e = objload_image_add_edges(img, 1);
	if (!e)
		return pe_nomem(c);
	e->section = p->section;
	e->offset = field - p->rva;
	e->kind = (uint16_t)(width == 8 ? c->pointer_kind : c->narrow_kind);
	e->native_type = type;
	e->symbol = t->symbol;
	e->addend = (int64_t)(target - t->rva);
	return OBJLOAD_OK;
}

/*
 * The base relocation table (directory 5): blocks of PageRVA, BlockSize
 * (at least 8, inside the table) and (BlockSize - 8) / 2 entries.
 */
static objload_status pe_build_base_relocs(struct pe_ctx *c)
{
	uint32_t rva = c->dir[PE_DIR_BASERELOC].rva, size = c->dir[PE_DIR_BASERELOC].size;
	const uint8_t *t;
	uint32_t off = 0;

	if (!size)
		return OBJLOAD_OK;
	t = pe_rva_bytes(c, rva, size);
	if (!t)
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "PE base relocation table (0x%x bytes at RVA 0x%x) is not in the file",
					   size, rva);
	if (c->nclaimed)
		qsort(c->claimed, c->nclaimed, sizeof(*c->claimed), pe_cmp_u32);
	while (size - off >= 8) {
		uint32_t page = le32(t + off), bsize = le32(t + off + 4);

		if (bsize < 8 || bsize > size - off)
			return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
						   "PE base relocation block at offset 0x%x: BlockSize %u is below 8 or runs past the table (0x%x bytes)",
						   off, bsize, size);
		for (uint32_t k = 8; k + 2 <= bsize; k += 2) {
			uint32_t entry = le16(t + off + k), type = entry >> 12;
			objload_status st;

			if (type == PE_REL_BASED_ABSOLUTE)
				continue;
			if (type != PE_REL_BASED_DIR64 && type != PE_REL_BASED_HIGHLOW)
				return objload_image_error(c->img, OBJLOAD_ERR_UNSUPPORTED,
							   "PE base relocation at RVA 0x%x: type %u (%s) is not supported (DIR64 and HIGHLOW are)",
							   page + (entry & 0xfff), type, pe_reloc_name(type));
			if (page > UINT32_MAX - 0xfff)
				return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
							   "PE base relocation block at offset 0x%x: page RVA 0x%x is not in the image",
							   off, page);
			st = pe_base_reloc(c, type, page + (entry & 0xfff));
			if (st)
				return st;
		}
		off += bsize;
	}
	return OBJLOAD_OK;
}

/* ---- building: start-up -------------------------------------------------------- */

static objload_status pe_add_init(struct pe_ctx *c, objload_init_kind kind, uint32_t section,
				  uint64_t offset, uint64_t count)
{
	objload_init_table *t = objload_image_add_inits(c->img, 1);

	if (!t)
		return pe_nomem(c);
	t->kind = kind;
	t->section = section;
	t->offset = offset;
	t->count = count;
	return OBJLOAD_OK;
}

/*
 * The TLS directory (directory 9, 40 bytes: the template's start and end,
 * the index's and the callbacks' addresses, as VAs; SizeOfZeroFill).  A
 * template holding thread-local variables is refused; the callbacks, a
 * NULL-terminated array of VAs in a section's contents, run at attach and
 * detach before the entry point.
 */
static objload_status pe_build_tls(struct pe_ctx *c)
{
	objload_image *img = c->img;
	const uint8_t *d, *tmpl;
	uint64_t start, end, callbacks, cb;
	uint32_t zerofill, n = 0;
	const struct pe_place *p;

	if (!c->dir[PE_DIR_TLS].size)
		return OBJLOAD_OK;
	d = pe_rva_bytes(c, c->dir[PE_DIR_TLS].rva, 40);
	if (!d)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "PE TLS directory at RVA 0x%x is not in the file",
					   c->dir[PE_DIR_TLS].rva);
	start = le64(d);
	end = le64(d + 8);
	callbacks = le64(d + 24);
	zerofill = le32(d + 32);
	if (end < start || start - c->image_base > c->size_of_image ||
	    end - start > c->size_of_image)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "PE TLS directory: the template [0x%llx, 0x%llx) is not in the image",
					   (unsigned long long)start, (unsigned long long)end);
	tmpl = pe_rva_bytes(c, (uint32_t)(start - c->image_base), end - start);
	if (zerofill || end - start > PE_TLS_CRT_MARKERS ||
	    (end > start && (!tmpl || memcmp(tmpl, "\0\0\0\0\0\0\0\0", (size_t)(end - start)))))
		return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
					   "it has thread-local variables (a TLS template of %llu bytes and %u of zero fill): thread-local storage in DLLs is not supported yet",
					   (unsigned long long)(end - start), zerofill);
	if (!callbacks)
		return OBJLOAD_OK;
	cb = callbacks - c->image_base;
	p = cb < c->size_of_image ? pe_place_of(c, (uint32_t)cb, 8) : NULL;
	if (!p || p->zero)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "PE TLS directory: the callback array at 0x%llx is not in a section's contents",
					   (unsigned long long)callbacks);
	for (;; n++) {
		const uint8_t *e = (uint64_t)(cb - p->rva) + 8ull * (n + 1) <= p->size ?
				   pe_rva_bytes(c, (uint32_t)cb + 8 * n, 8) : NULL;

		if (!e)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "PE TLS directory: the callback array at 0x%llx has no NULL entry inside its section",
						   (unsigned long long)callbacks);
		if (!le64(e))
			break;
	}
	return n ? pe_add_init(c, OBJLOAD_INIT_ATTACH_TABLE, p->section, cb - p->rva, n) :
		   OBJLOAD_OK;
}

static objload_status pe_build_entry(struct pe_ctx *c)
{
	const struct pe_place *p;

	if (!c->entry)
		return OBJLOAD_OK;
	p = pe_place_of(c, c->entry, 1);
	if (!p || c->img->sections[p->section].role != OBJLOAD_ROLE_CODE)
		return objload_image_error(c->img, OBJLOAD_ERR_FORMAT,
					   "PE optional header: AddressOfEntryPoint 0x%x is not in a code section",
					   c->entry);
	return pe_add_init(c, OBJLOAD_INIT_ATTACH_ENTRY, p->section, c->entry - p->rva, 1);
}

/* ---- the plug-in's entry points --------------------------------------------------- */

static objload_status pe_parse_inner(struct pe_ctx *c)
{
	objload_image *img = c->img;
	objload_status st;

	if (img->nsections || img->nsymbols || img->nedges || img->ninits || img->ngroups)
		return objload_image_error(img, OBJLOAD_ERR_ARGUMENT, "PE parse needs an empty image");
	st = pe_check_headers(c);
	if (!st)
		st = pe_check_sections(c);
	if (st)
		return st;
	img->arch = c->machine == PE_MACHINE_AMD64 ? OBJLOAD_ARCH_X86_64 : OBJLOAD_ARCH_AARCH64;
	img->kind = OBJLOAD_IMAGE_SHARED;
	/* Windows on arm64 follows AAPCS64 (see coff.c) */
	img->callconv = c->machine == PE_MACHINE_ARM64 ? OBJLOAD_CC_SYSV : OBJLOAD_CC_MS_X64;
	img->layout_meaningful = 1;
	img->format_data = NULL;
	c->pointer_kind = c->machine == PE_MACHINE_AMD64 ? OBJLOAD_X86_64_ABS64 :
			  OBJLOAD_AARCH64_ABS64;
	c->narrow_kind = c->machine == PE_MACHINE_AMD64 ? OBJLOAD_X86_64_ABS32 :
			 OBJLOAD_AARCH64_ABS32;
	st = pe_build_sections(c);
	if (!st)   /* first: a refusal says more than what follows from it */
		st = pe_build_tls(c);
	if (!st)
		st = pe_build_exports(c);
	if (!st)
		st = pe_build_imports(c, &pe_imports);
	if (!st)
		st = pe_build_imports(c, &pe_delay_imports);
	if (!st)
		st = pe_build_base_relocs(c);
	if (!st)
		st = pe_build_entry(c);
	return st;
}

objload_status pe_parse(objload_image *img)
{
	struct pe_ctx c;
	objload_status st;

	memset(&c, 0, sizeof(c));
	c.img = img;
	c.file = img->file;
	c.size = img->file_size;
	st = pe_parse_inner(&c);
	free(c.sec);
	free(c.place);
	free(c.claimed);
	return st;
}

/*
 * The strategy: always whole.  A DLL's code reaches its data and its
 * other functions by RIP-relative offsets that no base relocation
 * records, so its sections must keep the distances of their RVAs.  (The
 * wording is the one every linked image's plug-in gives.)
 */
objload_status pe_plan(const objload_image *img, const objload_plan_query *q,
		       objload_plan_choice *choice)
{
	uint32_t n = 0;
	const char *r;

	for (uint32_t j = 0; j < img->nsections; j++)
		n += img->sections[j].role != OBJLOAD_ROLE_NOLOAD &&
		     img->sections[j].role != OBJLOAD_ROLE_DEBUG;
	if (q->forced == OBJLOAD_STRATEGY_SECTION) {
		r = fmt_image_printf(img, "linked image: layout is meaningful: a PE DLL (%u "
				     "sections, its headers included) keeps the distances its "
				     "static linker gave its sections (their RVAs), because its "
				     "code reaches its data by PC-relative offsets no relocation "
				     "records; it is always loaded whole", n);
		choice->reason = r ? r : "linked image: layout is meaningful";
		return OBJLOAD_ERR_UNSUPPORTED;
	}
	if (q->forced != OBJLOAD_STRATEGY_AUTO && q->forced != OBJLOAD_STRATEGY_WHOLE) {
		choice->reason = "unknown strategy";
		return OBJLOAD_ERR_UNSUPPORTED;
	}
	choice->strategy = OBJLOAD_STRATEGY_WHOLE;
	r = fmt_image_printf(img, "linked image: layout is meaningful: a PE DLL, %u sections "
			     "(its headers included) at the distances its static linker gave "
			     "them (their RVAs), in an area of its own; base relocations move it "
			     "as a whole", n);
	choice->reason = r ? r : "linked image: layout is meaningful";
	return OBJLOAD_OK;
}

const char *pe_reloc_name(uint32_t native_type)
{
	switch (native_type) {
	case PE_REL_BASED_ABSOLUTE: return "IMAGE_REL_BASED_ABSOLUTE";
	case 1: return "IMAGE_REL_BASED_HIGH";
	case 2: return "IMAGE_REL_BASED_LOW";
	case PE_REL_BASED_HIGHLOW: return "IMAGE_REL_BASED_HIGHLOW";
	case 4: return "IMAGE_REL_BASED_HIGHADJ";
	case 5: return "IMAGE_REL_BASED_MACHINE_SPECIFIC_5";
	case 7: return "IMAGE_REL_BASED_MACHINE_SPECIFIC_7";
	case 8: return "IMAGE_REL_BASED_MACHINE_SPECIFIC_8";
	case 9: return "IMAGE_REL_BASED_MACHINE_SPECIFIC_9";
	case PE_REL_BASED_DIR64: return "IMAGE_REL_BASED_DIR64";
	case PE_NATIVE_IMPORT: return "import address table slot";
	case PE_NATIVE_DELAY_IMPORT: return "delay-import address table slot";
	default: return NULL;
	}
}
