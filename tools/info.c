/* SPDX-License-Identifier: MIT */
/*
 * `objload info`: one image as the plug-in read it, as text or as JSON
 * (the schema is docs/json.md and docs/objload-info.schema.json).
 *
 * Section flags are the format's own (ELF sh_flags, COFF Characteristics,
 * Mach-O section flags, bfd's flagword): they are shown as the number,
 * readelf-style letters and the names of the bits set.  COFF auxiliary
 * symbol records, which the COFF plug-in keeps as empty placeholder
 * symbols so that symbol numbers stay the file's, are shown as the
 * auxiliary data of the symbol they follow, decoded by that symbol's
 * storage class (section definition, file name, weak external, function
 * definition).  Every name from a file is escaped (tool_put_name).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objload.h"
#include "objload/plugin.h"
#include "tools/tool.h"

/* ---- section flags -------------------------------------------------------------- */

struct flag_bit {
	uint64_t mask, value;
	char letter;            /* 0: none */
	const char *name;
};

/* ELF sh_flags: readelf's letters (W A X M S I L O G T C E R l). */
static const struct flag_bit elf_flags[] = {
	{ 0x1, 0x1, 'W', "WRITE" }, { 0x2, 0x2, 'A', "ALLOC" },
	{ 0x4, 0x4, 'X', "EXECINSTR" }, { 0x10, 0x10, 'M', "MERGE" },
	{ 0x20, 0x20, 'S', "STRINGS" }, { 0x40, 0x40, 'I', "INFO_LINK" },
	{ 0x80, 0x80, 'L', "LINK_ORDER" }, { 0x100, 0x100, 'O', "OS_NONCONFORMING" },
	{ 0x200, 0x200, 'G', "GROUP" }, { 0x400, 0x400, 'T', "TLS" },
	{ 0x800, 0x800, 'C', "COMPRESSED" }, { 0x200000, 0x200000, 'R', "GNU_RETAIN" },
	{ 0x10000000, 0x10000000, 'l', "X86_64_LARGE" },
	{ 0x80000000, 0x80000000, 'E', "EXCLUDE" },
};

/* COFF section Characteristics; the letters follow readelf's where the
 * meaning is the same (W, X, G for COMDAT, I for info, E for remove). */
static const struct flag_bit coff_flags[] = {
	{ 0x8, 0x8, 0, "TYPE_NO_PAD" }, { 0x20, 0x20, 'C', "CNT_CODE" },
	{ 0x40, 0x40, 'D', "CNT_INITIALIZED_DATA" },
	{ 0x80, 0x80, 'U', "CNT_UNINITIALIZED_DATA" }, { 0x100, 0x100, 0, "LNK_OTHER" },
	{ 0x200, 0x200, 'I', "LNK_INFO" }, { 0x800, 0x800, 'E', "LNK_REMOVE" },
	{ 0x1000, 0x1000, 'G', "LNK_COMDAT" }, { 0x8000, 0x8000, 0, "GPREL" },
	{ 0x20000, 0x20000, 0, "MEM_16BIT" }, { 0x40000, 0x40000, 0, "MEM_LOCKED" },
	{ 0x80000, 0x80000, 0, "MEM_PRELOAD" },
	{ 0xf00000, 0x100000, 0, "ALIGN_1BYTES" }, { 0xf00000, 0x200000, 0, "ALIGN_2BYTES" },
	{ 0xf00000, 0x300000, 0, "ALIGN_4BYTES" }, { 0xf00000, 0x400000, 0, "ALIGN_8BYTES" },
	{ 0xf00000, 0x500000, 0, "ALIGN_16BYTES" }, { 0xf00000, 0x600000, 0, "ALIGN_32BYTES" },
	{ 0xf00000, 0x700000, 0, "ALIGN_64BYTES" }, { 0xf00000, 0x800000, 0, "ALIGN_128BYTES" },
	{ 0xf00000, 0x900000, 0, "ALIGN_256BYTES" }, { 0xf00000, 0xa00000, 0, "ALIGN_512BYTES" },
	{ 0xf00000, 0xb00000, 0, "ALIGN_1024BYTES" }, { 0xf00000, 0xc00000, 0, "ALIGN_2048BYTES" },
	{ 0xf00000, 0xd00000, 0, "ALIGN_4096BYTES" }, { 0xf00000, 0xe00000, 0, "ALIGN_8192BYTES" },
	{ 0x1000000, 0x1000000, 0, "LNK_NRELOC_OVFL" },
	{ 0x2000000, 0x2000000, 0, "MEM_DISCARDABLE" },
	{ 0x4000000, 0x4000000, 0, "MEM_NOT_CACHED" }, { 0x8000000, 0x8000000, 0, "MEM_NOT_PAGED" },
	{ 0x10000000, 0x10000000, 0, "MEM_SHARED" }, { 0x20000000, 0x20000000, 'X', "MEM_EXECUTE" },
	{ 0x40000000, 0x40000000, 'R', "MEM_READ" }, { 0x80000000, 0x80000000, 'W', "MEM_WRITE" },
};

/* Mach-O section attributes (the type, the low byte, is the section's
 * type name); X for instructions as readelf's EXECINSTR. */
static const struct flag_bit macho_flags[] = {
	{ 0x80000000, 0x80000000, 'X', "PURE_INSTRUCTIONS" },
	{ 0x40000000, 0x40000000, 0, "NO_TOC" },
	{ 0x20000000, 0x20000000, 0, "STRIP_STATIC_SYMS" },
	{ 0x10000000, 0x10000000, 0, "NO_DEAD_STRIP" },
	{ 0x08000000, 0x08000000, 0, "LIVE_SUPPORT" },
	{ 0x04000000, 0x04000000, 0, "SELF_MODIFYING_CODE" },
	{ 0x02000000, 0x02000000, 'D', "DEBUG" },
	{ 0x400, 0x400, 'x', "SOME_INSTRUCTIONS" },
	{ 0x200, 0x200, 0, "EXT_RELOC" },
	{ 0x100, 0x100, 0, "LOC_RELOC" },
};

/* bfd's flagword (bfd.h SEC_*). */
static const struct flag_bit bfd_flags[] = {
	{ 0x1, 0x1, 'A', "ALLOC" }, { 0x2, 0x2, 0, "LOAD" }, { 0x4, 0x4, 0, "RELOC" },
	{ 0x8, 0x8, 0, "READONLY" }, { 0x10, 0x10, 'X', "CODE" }, { 0x20, 0x20, 0, "DATA" },
	{ 0x40, 0x40, 0, "ROM" }, { 0x80, 0x80, 0, "CONSTRUCTOR" },
	{ 0x100, 0x100, 0, "HAS_CONTENTS" }, { 0x200, 0x200, 0, "NEVER_LOAD" },
	{ 0x400, 0x400, 'T', "THREAD_LOCAL" }, { 0x1000, 0x1000, 0, "IS_COMMON" },
	{ 0x2000, 0x2000, 0, "DEBUGGING" }, { 0x8000, 0x8000, 'E', "EXCLUDE" },
	{ 0x20000, 0x20000, 'G', "LINK_ONCE" }, { 0x800000, 0x800000, 'M', "MERGE" },
	{ 0x1000000, 0x1000000, 'S', "STRINGS" }, { 0x2000000, 0x2000000, 0, "GROUP" },
};

struct decoded_flags {
	char letters[40];
	const char *names[40];
	size_t nnames;
	uint64_t unknown;       /* bits no entry explains */
};

static void decode_flags(const objload_image *img, uint64_t v, struct decoded_flags *d)
{
	const struct flag_bit *t = NULL;
	size_t n = 0, k = 0;
	uint64_t known = 0;

	memset(d, 0, sizeof(*d));
	if (strcmp(img->format->name, "elf") == 0) {
		t = elf_flags;
		n = sizeof(elf_flags) / sizeof(elf_flags[0]);
	} else if (strcmp(img->format->name, "coff") == 0) {
		t = coff_flags;
		n = sizeof(coff_flags) / sizeof(coff_flags[0]);
	} else if (strcmp(img->format->name, "macho") == 0) {
		t = macho_flags;
		n = sizeof(macho_flags) / sizeof(macho_flags[0]);
		v &= ~(uint64_t)0xff;   /* the type: native_type */
	} else if (strcmp(img->format->name, "bfd") == 0) {
		t = bfd_flags;
		n = sizeof(bfd_flags) / sizeof(bfd_flags[0]);
	}
	for (size_t i = 0; i < n; i++) {
		known |= t[i].mask;
		if ((v & t[i].mask) != t[i].value)
			continue;
		if (t[i].letter && k + 1 < sizeof(d->letters))
			d->letters[k++] = t[i].letter;
		if (d->nnames < sizeof(d->names) / sizeof(d->names[0]))
			d->names[d->nnames++] = t[i].name;
	}
	d->letters[k] = '\0';
	d->unknown = t ? v & ~known : 0;
}

/* ---- COFF auxiliary records ------------------------------------------------------- */

/* Where the symbol table of a COFF object is, from its header: regular
 * COFF (18-byte records) or /bigobj (20-byte records).  0 when the bytes
 * do not hold it. */
struct coff_symtab {
	const uint8_t *base;
	uint32_t count, recsize;
};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static int coff_symtab_of(const objload_image *img, struct coff_symtab *t)
{
	static const uint8_t bigobj_class[16] = {
		0xc7, 0xa1, 0xba, 0xd1, 0xee, 0xba, 0xa9, 0x4b,
		0xaf, 0x20, 0xfa, 0xf6, 0x6a, 0xa4, 0xdc, 0xb8,
	};
	const uint8_t *f = img->file;
	uint64_t off;

	if (!f || strcmp(img->format->name, "coff") != 0)
		return 0;
	if (img->file_size >= 56 && le16(f) == 0 && le16(f + 2) == 0xffff &&
	    memcmp(f + 12, bigobj_class, 16) == 0) {
		off = le32(f + 48);
		t->count = le32(f + 52);
		t->recsize = 20;
	} else if (img->file_size >= 20) {
		off = le32(f + 8);
		t->count = le32(f + 12);
		t->recsize = 18;
	} else {
		return 0;
	}
	if (off > img->file_size || (uint64_t)t->count * t->recsize > img->file_size - off ||
	    t->count != img->nsymbols)
		return 0;
	t->base = f + off;
	return 1;
}

/* owner[i]: the symbol that aux record i belongs to, or OBJLOAD_NO_INDEX
 * for a symbol.  NULL when the image has no COFF symbol table. */
static uint32_t *coff_aux_owners(const objload_image *img, struct coff_symtab *t)
{
	uint32_t *owner;

	if (!coff_symtab_of(img, t))
		return NULL;
	owner = malloc((t->count ? t->count : 1) * sizeof(*owner));
	if (!owner)
		return NULL;
	for (uint32_t i = 0; i < t->count; i++)
		owner[i] = OBJLOAD_NO_INDEX;
	for (uint32_t i = 0; i < t->count; i++) {
		const uint8_t *r = t->base + (size_t)i * t->recsize;
		uint32_t naux = r[t->recsize - 1];

		for (uint32_t k = 1; k <= naux && i + k < t->count; k++)
			owner[i + k] = i;
		i += naux;
	}
	return owner;
}

enum { CLASS_EXTERNAL = 2, CLASS_STATIC = 3, CLASS_FUNCTION = 101, CLASS_FILE = 103,
       CLASS_SECTION = 104, CLASS_WEAK_EXTERNAL = 105 };

/* One aux record of symbol `sym`, as "key=value" pairs, text or JSON. */
static void coff_put_aux(FILE *f, const objload_image *img, const struct coff_symtab *t,
			 uint32_t sym, uint32_t aux, int json)
{
	const uint8_t *owner = t->base + (size_t)sym * t->recsize;
	const uint8_t *a = t->base + (size_t)aux * t->recsize;
	int big = t->recsize == 20;
	uint8_t sclass = owner[big ? 18 : 16];
	int32_t secnum = big ? (int32_t)le32(owner + 12) : (int16_t)le16(owner + 12);
	uint16_t type = le16(owner + (big ? 16 : 14));
	char text[64];

	if (json)
		fprintf(f, "{\"index\": %u, ", aux);
	else
		fprintf(f, "    aux %u: ", aux);
	if (sclass == CLASS_FILE) {
		/* the file name runs over all aux records of the symbol */
		size_t len = 0;

		for (const uint8_t *p = a; p < t->base + (size_t)t->count * t->recsize &&
		     len < sizeof(text) - 1 && *p && p < a + 18; p++)
			text[len++] = (char)*p;
		text[len] = '\0';
		if (json) {
			fputs("\"kind\": \"file\", \"name\": ", f);
			tool_put_json(f, text);
		} else {
			fputs("file name=", f);
			tool_put_name(f, text);
		}
	} else if ((sclass == CLASS_STATIC || sclass == CLASS_SECTION) && secnum > 0 &&
		   (uint32_t)secnum < img->nsections && le32(owner + 8) == 0 &&
		   strcmp(img->symbols[sym].name, img->sections[secnum].name) == 0) {
		/* a section symbol: the section definition */
		uint32_t number = le16(a + 12) | (big ? (uint32_t)le16(a + 16) << 16 : 0);

		fprintf(f, json ? "\"kind\": \"section\", \"length\": %u, \"relocations\": %u, "
				  "\"linenumbers\": %u, \"checksum\": %u, \"number\": %u, "
				  "\"selection\": %u" :
				  "section length=0x%x relocations=%u linenumbers=%u "
				  "checksum=0x%08x number=%u selection=%u",
			le32(a), le16(a + 4), le16(a + 6), le32(a + 8), number, a[14]);
	} else if (sclass == CLASS_WEAK_EXTERNAL) {
		uint32_t ch = le32(a + 4);
		const char *how = ch == 1 ? "nolibrary" : ch == 2 ? "library" :
				  ch == 3 ? "alias" : "?";

		fprintf(f, json ? "\"kind\": \"weak_external\", \"default_symbol\": %u, "
				  "\"characteristics\": %u, \"search\": \"%s\"" :
				  "weak-external default=%u characteristics=%u (%s)",
			le32(a), ch, how);
	} else if ((sclass == CLASS_EXTERNAL || sclass == CLASS_STATIC) &&
		   (type >> 4 & 3) == 2 && secnum > 0) {
		fprintf(f, json ? "\"kind\": \"function\", \"tag\": %u, \"total_size\": %u, "
				  "\"linenumbers_at\": %u, \"next_function\": %u" :
				  "function tag=%u total-size=%u linenumbers-at=0x%x next-function=%u",
			le32(a), le32(a + 4), le32(a + 8), le32(a + 12));
	} else if (sclass == CLASS_FUNCTION) {
		fprintf(f, json ? "\"kind\": \"bf_ef\", \"line\": %u, \"next_function\": %u" :
				  "bf/ef line=%u next-function=%u",
			le16(a + 4), le32(a + 12));
	} else {
		fputs(json ? "\"kind\": \"raw\"" : "raw", f);
	}
	/* the record's bytes, always */
	fputs(json ? ", \"raw\": \"" : " raw=", f);
	for (int i = 0; i < 18; i++)
		fprintf(f, "%02x", a[i]);
	fputs(json ? "\"}" : "\n", f);
}

/* ---- common pieces ----------------------------------------------------------------- */

static const char *role_name(objload_section_role r)
{
	switch (r) {
	case OBJLOAD_ROLE_CODE: return "code";
	case OBJLOAD_ROLE_RODATA: return "rodata";
	case OBJLOAD_ROLE_DATA: return "data";
	case OBJLOAD_ROLE_ZEROFILL: return "zerofill";
	case OBJLOAD_ROLE_TLS: return "tls";
	case OBJLOAD_ROLE_UNWIND: return "unwind";
	case OBJLOAD_ROLE_DEBUG: return "debug";
	case OBJLOAD_ROLE_NOLOAD: return "noload";
	}
	return "?";
}

static const char *binding_name(objload_binding b)
{
	return b == OBJLOAD_BIND_LOCAL ? "local" : b == OBJLOAD_BIND_WEAK ? "weak" : "global";
}

static const char *def_name(objload_symdef d)
{
	switch (d) {
	case OBJLOAD_DEF_SECTION: return "section";
	case OBJLOAD_DEF_ABSOLUTE: return "absolute";
	case OBJLOAD_DEF_UNDEFINED: return "undefined";
	case OBJLOAD_DEF_COMMON: return "common";
	case OBJLOAD_DEF_ALIAS: return "alias";
	}
	return "?";
}

static const char *type_name(objload_symtype t)
{
	switch (t) {
	case OBJLOAD_SYM_NOTYPE: return "notype";
	case OBJLOAD_SYM_FUNC: return "func";
	case OBJLOAD_SYM_OBJECT: return "object";
	case OBJLOAD_SYM_SECTION: return "section";
	case OBJLOAD_SYM_FILE: return "file";
	case OBJLOAD_SYM_TLS: return "tls";
	case OBJLOAD_SYM_IFUNC: return "ifunc";
	}
	return "?";
}

static const char *kind_name(objload_image_kind k)
{
	return k == OBJLOAD_IMAGE_RELOCATABLE ? "relocatable" :
	       k == OBJLOAD_IMAGE_SHARED ? "shared" : "executable";
}

static const char *callconv_name(objload_callconv cc)
{
	switch (cc) {
	case OBJLOAD_CC_SYSV: return "sysv";
	case OBJLOAD_CC_MS_X64: return "ms-x64";
	case OBJLOAD_CC_DARWIN_ARM64: return "darwin-arm64";
	case OBJLOAD_CC_MS_ARM64: return "ms-arm64";
	}
	return "?";
}

static const char *native_reloc_name(const objload_image *img, const objload_edge *e,
				     char *buf, size_t len)
{
	const char *n = img->format->reloc_name ? img->format->reloc_name(img, e->native_type) : NULL;

	if (!n) {
		snprintf(buf, len, "type-%u", e->native_type);
		n = buf;
	}
	return n;
}

static const char *section_name(const objload_image *img, uint32_t i)
{
	return i < img->nsections ? img->sections[i].name : "?";
}

static const char *symbol_name(const objload_image *img, uint32_t i)
{
	if (i == OBJLOAD_NO_INDEX || i >= img->nsymbols)
		return NULL;
	return img->symbols[i].name;
}

static const char *init_kind_name(objload_init_kind k)
{
	switch (k) {
	case OBJLOAD_INIT_CONSTRUCTOR: return "constructors";
	case OBJLOAD_INIT_DESTRUCTOR: return "destructors";
	case OBJLOAD_INIT_ATTACH_TABLE: return "attach-table";
	case OBJLOAD_INIT_ATTACH_ENTRY: return "attach-entry";
	}
	return "?";
}

/* A linked image's interface: what it imports (its undefined symbols)
 * and what it exports (its global definitions, aliases included). */
static int is_import(const objload_symbol *sym)
{
	return sym->binding != OBJLOAD_BIND_LOCAL && sym->def == OBJLOAD_DEF_UNDEFINED;
}

static int is_export(const objload_symbol *sym)
{
	return sym->binding != OBJLOAD_BIND_LOCAL && sym->cname &&
	       sym->def != OBJLOAD_DEF_UNDEFINED;
}

static uint32_t count_of(const objload_image *img, int (*pred)(const objload_symbol *))
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < img->nsymbols; i++)
		n += pred(&img->symbols[i]) != 0;
	return n;
}

/* The counts `info` prints in its "linked" summary: dynamic symbols other
 * images may bind to (hidden ones excluded) and named undefined ones. */
static void linked_counts(const objload_image *img, uint32_t *exports, uint32_t *imports)
{
	*exports = *imports = 0;
	for (uint32_t i = 0; i < img->nsymbols; i++) {
		const objload_symbol *sym = &img->symbols[i];

		if (!sym->cname)
			continue;
		*imports += is_import(sym);
		*exports += is_export(sym) && !sym->hidden;
	}
}

static void interface_text(FILE *f, const objload_image *img)
{
	fprintf(f, "imports: %u\n", count_of(img, is_import));
	for (uint32_t i = 0; i < img->nsymbols; i++) {
		const objload_symbol *sym = &img->symbols[i];

		if (!is_import(sym))
			continue;
		fputs("  import ", f);
		tool_put_name(f, sym->name);
		if (sym->cname) {
			fputs(" cname=", f);
			tool_put_name(f, sym->cname);
		}
		fputc('\n', f);
	}
	fprintf(f, "exports: %u\n", count_of(img, is_export));
	for (uint32_t i = 0; i < img->nsymbols; i++) {
		const objload_symbol *sym = &img->symbols[i];

		if (!is_export(sym))
			continue;
		fputs("  export ", f);
		tool_put_name(f, sym->name);
		fprintf(f, " %s", type_name(sym->type));
		if (sym->def == OBJLOAD_DEF_SECTION) {
			fputc(' ', f);
			tool_put_name(f, section_name(img, sym->section));
			fprintf(f, "+0x%" PRIx64, sym->value);
		} else if (sym->def == OBJLOAD_DEF_ALIAS) {
			fputs(" forwarded-to=", f);
			tool_put_name(f, sym->alternate);
		}
		if (sym->hidden)
			fputs(" hidden", f);
		if (strcmp(sym->cname, sym->name) != 0) {
			fputs(" cname=", f);
			tool_put_name(f, sym->cname);
		}
		fputc('\n', f);
	}
}

static void interface_json(FILE *f, const objload_image *img)
{
	int first = 1;

	fputs(",\n  \"imports\": [", f);
	for (uint32_t i = 0; i < img->nsymbols; i++) {
		if (!is_import(&img->symbols[i]))
			continue;
		fprintf(f, "%s\n    {\"symbol\": %u, \"name\": ", first ? "" : ",", i);
		first = 0;
		tool_put_json(f, img->symbols[i].name);
		fputs(", \"cname\": ", f);
		tool_put_json(f, img->symbols[i].cname);
		fputc('}', f);
	}
	fputs("],\n  \"exports\": [", f);
	first = 1;
	for (uint32_t i = 0; i < img->nsymbols; i++) {
		const objload_symbol *sym = &img->symbols[i];

		if (!is_export(sym))
			continue;
		fprintf(f, "%s\n    {\"symbol\": %u, \"name\": ", first ? "" : ",", i);
		first = 0;
		tool_put_json(f, sym->name);
		fputs(", \"cname\": ", f);
		tool_put_json(f, sym->cname);
		fputs(", \"forwarded_to\": ", f);
		tool_put_json(f, sym->def == OBJLOAD_DEF_ALIAS ? sym->alternate : NULL);
		fprintf(f, ", \"hidden\": %s}", sym->hidden ? "true" : "false");
	}
	fputc(']', f);
}

/* The plug-in's choice as `objload run` would ask for it: with its entry
 * point declared, so dead-stripping applies. */
static objload_status plan_choice(const objload_image *img, objload_strategy forced,
				  objload_plan_choice *choice)
{
	objload_plan_query q = { .forced = forced, .dead_strip = 1 };

	memset(choice, 0, sizeof(*choice));
	return img->format->plan(img, &q, choice);
}

/* ---- text ---------------------------------------------------------------------------- */

void tool_info_text(FILE *f, const objload_session *s, objload_strategy forced)
{
	const objload_image *img = objload_get_image(s, 0);
	objload_plan_choice choice;
	objload_status st;
	struct coff_symtab ct;
	uint32_t *aux_owner;

	if (!img)
		return;
	aux_owner = coff_aux_owners(img, &ct);
	fputs("file: ", f);
	tool_put_name(f, img->path);
	fprintf(f, "\nformat: %s\n", img->format->name);
	fprintf(f, "arch: %s\n", objload_arch_name(img->arch));
	fprintf(f, "kind: %s\n", kind_name(img->kind));
	fprintf(f, "calling-convention: %s\n", callconv_name(img->callconv));
	st = plan_choice(img, forced, &choice);
	fprintf(f, "strategy: %s%s (", st ? "refused " : "",
		objload_strategy_name(st ? forced : choice.strategy));
	tool_put_name(f, choice.reason ? choice.reason : "no reason given");
	fputs(")\n", f);
	{
		objload_image_facts fa;

		objload_image_get_facts(img, &fa);
		fprintf(f, "facts: %u loadable sections (%" PRIu64 " bytes), %u of code (%" PRIu64
			" bytes), largest alignment %" PRIu64 ", %u referred to by no other section "
			"(%" PRIu64 " bytes; %u of code), %" PRIu64 " direct and %" PRIu64
			" branch references between sections\n",
			fa.sections, fa.bytes, fa.code_sections, fa.code_bytes, fa.largest_align,
			fa.isolated_sections, fa.isolated_bytes, fa.isolated_code_sections,
			fa.cross_section_direct, fa.cross_section_branches);
	}

	if (img->kind != OBJLOAD_IMAGE_RELOCATABLE) {
		uint32_t exports, imports;

		linked_counts(img, &exports, &imports);
		fputs("soname: ", f);
		tool_put_name(f, img->soname ? img->soname : "(none)");
		fprintf(f, "\ndynamic-symbols: %u exported, %u imported\nneeded: %u\n", exports,
			imports, img->nneeded);
		for (uint32_t i = 0; i < img->nneeded; i++) {
			fputs("  needed ", f);
			tool_put_name(f, img->needed[i]);
			fputc('\n', f);
		}
	}
	fprintf(f, "sections: %u\n", img->nsections);
	for (uint32_t i = 0; i < img->nsections; i++) {
		const objload_section *sec = &img->sections[i];
		struct decoded_flags d;

		decode_flags(img, sec->native_flags, &d);
		fprintf(f, "  section %u ", i);
		tool_put_name(f, sec->name[0] ? sec->name : "(unnamed)");
		fprintf(f, " role=%s type=%s size=0x%" PRIx64 " align=%" PRIu64
			" flags=0x%" PRIx64, role_name(sec->role),
			sec->native_type ? sec->native_type : "-", sec->size, sec->align,
			sec->native_flags);
		if (img->kind != OBJLOAD_IMAGE_RELOCATABLE)
			fprintf(f, " addr=0x%" PRIx64, sec->file_addr);
		if (d.nnames || d.unknown) {
			fprintf(f, " [%s%s", d.letters, d.letters[0] ? ":" : "");
			for (size_t k = 0; k < d.nnames; k++)
				fprintf(f, " %s", d.names[k]);
			if (d.unknown)
				fprintf(f, " 0x%" PRIx64, d.unknown);
			fputc(']', f);
		}
		if (sec->group != OBJLOAD_NO_INDEX && sec->group < img->ngroups) {
			fputs(" comdat=", f);
			tool_put_name(f, img->groups[sec->group].key);
		}
		fputc('\n', f);
	}
	fprintf(f, "symbols: %u\n", img->nsymbols);
	for (uint32_t i = 0; i < img->nsymbols; i++) {
		const objload_symbol *sym = &img->symbols[i];

		if (aux_owner && aux_owner[i] != OBJLOAD_NO_INDEX) {
			coff_put_aux(f, img, &ct, aux_owner[i], i, 0);
			continue;
		}
		fprintf(f, "  symbol %u ", i);
		tool_put_name(f, sym->name[0] ? sym->name : "(unnamed)");
		fprintf(f, " value=0x%" PRIx64 " size=%" PRIu64 " %s %s %s", sym->value,
			sym->size, binding_name(sym->binding), type_name(sym->type),
			def_name(sym->def));
		if (sym->def == OBJLOAD_DEF_SECTION) {
			fputs(" section=", f);
			tool_put_name(f, section_name(img, sym->section));
		}
		if (sym->hidden)
			fputs(" hidden", f);
		if (sym->cname && strcmp(sym->cname, sym->name) != 0) {
			fputs(" cname=", f);
			tool_put_name(f, sym->cname);
		}
		if (sym->alternate) {
			fputs(" alternate=", f);
			tool_put_name(f, sym->alternate);
		}
		if (sym->indirect)
			fputs(" indirect", f);
		fputc('\n', f);
	}
	fprintf(f, "relocations: %zu\n", img->nedges);
	for (size_t i = 0; i < img->nedges; i++) {
		const objload_edge *e = &img->edges[i];
		const char *sn = symbol_name(img, e->symbol);
		char nbuf[32];

		fputs("  reloc ", f);
		tool_put_name(f, section_name(img, e->section));
		fprintf(f, " 0x%" PRIx64 " %s %s ", e->offset,
			native_reloc_name(img, e, nbuf, sizeof(nbuf)),
			objload_kind_name(img->arch, e->kind));
		tool_put_name(f, !sn ? "(none)" : sn[0] ? sn : "(unnamed)");
		fprintf(f, " %s0x%" PRIx64, e->addend < 0 ? "-" : "+",
			e->addend < 0 ? -(uint64_t)e->addend : (uint64_t)e->addend);
		if (e->subtrahend != OBJLOAD_NO_INDEX) {
			fputs(" minus ", f);
			tool_put_name(f, symbol_name(img, e->subtrahend));
		}
		fputc('\n', f);
	}
	fprintf(f, "init-tables: %u\n", img->ninits);
	for (uint32_t i = 0; i < img->ninits; i++) {
		const objload_init_table *t = &img->inits[i];

		fprintf(f, "  %s ", init_kind_name(t->kind));
		tool_put_name(f, section_name(img, t->section));
		fprintf(f, "+0x%" PRIx64 " count=%" PRIu64 " priority=%u%s\n", t->offset,
			t->count, t->priority, t->reverse ? " reverse" : "");
	}
	if (img->kind != OBJLOAD_IMAGE_RELOCATABLE)
		interface_text(f, img);
	free(aux_owner);
}

/* ---- JSON ------------------------------------------------------------------------------ */

static void json_hex(FILE *f, uint64_t v)
{
	fprintf(f, "\"0x%" PRIx64 "\"", v);
}

void tool_info_json(FILE *f, const objload_session *s, objload_strategy forced)
{
	const objload_image *img = objload_get_image(s, 0);
	objload_plan_choice choice;
	objload_status st;
	struct coff_symtab ct;
	uint32_t *aux_owner;
	int first;

	if (!img)
		return;
	aux_owner = coff_aux_owners(img, &ct);
	fputs("{\"file\": ", f);
	tool_put_json(f, img->path);
	fputs(", \"type\": \"object\", \"format\": ", f);
	tool_put_json(f, img->format->name);
	fprintf(f, ", \"arch\": \"%s\", \"kind\": \"%s\", \"calling_convention\": \"%s\",\n",
		objload_arch_name(img->arch), kind_name(img->kind),
		callconv_name(img->callconv));
	st = plan_choice(img, forced, &choice);
	fprintf(f, "  \"strategy\": {\"name\": \"%s\", \"refused\": %s, \"reason\": ",
		objload_strategy_name(st ? forced : choice.strategy), st ? "true" : "false");
	tool_put_json(f, choice.reason);
	fputs("},\n", f);
	if (img->kind != OBJLOAD_IMAGE_RELOCATABLE) {
		uint32_t exports, imports;

		linked_counts(img, &exports, &imports);
		fputs("  \"linked\": {\"soname\": ", f);
		tool_put_json(f, img->soname);
		fprintf(f, ", \"exports\": %u, \"imports\": %u, \"needed\": [", exports, imports);
		for (uint32_t i = 0; i < img->nneeded; i++) {
			fputs(i ? ", " : "", f);
			tool_put_json(f, img->needed[i]);
		}
		fputs("]},\n", f);
	}
	fputs("  \"sections\": [", f);
	for (uint32_t i = 0; i < img->nsections; i++) {
		const objload_section *sec = &img->sections[i];
		struct decoded_flags d;

		decode_flags(img, sec->native_flags, &d);
		fprintf(f, "%s\n    {\"index\": %u, \"name\": ", i ? "," : "", i);
		tool_put_json(f, sec->name);
		fprintf(f, ", \"role\": \"%s\", \"type\": ", role_name(sec->role));
		tool_put_json(f, sec->native_type);
		fprintf(f, ", \"size\": %" PRIu64 ", \"align\": %" PRIu64 ", \"flags\": {\"value\": ",
			sec->size, sec->align);
		json_hex(f, sec->native_flags);
		fputs(", \"letters\": ", f);
		tool_put_json(f, d.letters);
		fputs(", \"names\": [", f);
		for (size_t k = 0; k < d.nnames; k++) {
			fputs(k ? ", " : "", f);
			tool_put_json(f, d.names[k]);
		}
		fputs("], \"unknown\": ", f);
		json_hex(f, d.unknown);
		fputs("}, \"comdat\": ", f);
		tool_put_json(f, sec->group != OBJLOAD_NO_INDEX && sec->group < img->ngroups ?
			      img->groups[sec->group].key : NULL);
		if (img->kind != OBJLOAD_IMAGE_RELOCATABLE) {
			fputs(", \"address\": ", f);
			json_hex(f, sec->file_addr);
		}
		fputc('}', f);
	}
	fputs("],\n  \"symbols\": [", f);
	first = 1;
	for (uint32_t i = 0; i < img->nsymbols; i++) {
		const objload_symbol *sym = &img->symbols[i];

		if (aux_owner && aux_owner[i] != OBJLOAD_NO_INDEX)
			continue;
		fprintf(f, "%s\n    {\"index\": %u, \"name\": ", first ? "" : ",", i);
		first = 0;
		tool_put_json(f, sym->name);
		fputs(", \"cname\": ", f);
		tool_put_json(f, sym->cname);
		fputs(", \"value\": ", f);
		json_hex(f, sym->value);
		fprintf(f, ", \"size\": %" PRIu64 ", \"binding\": \"%s\", \"type\": \"%s\", "
			"\"definition\": \"%s\", \"section\": ", sym->size,
			binding_name(sym->binding), type_name(sym->type), def_name(sym->def));
		if (sym->def == OBJLOAD_DEF_SECTION)
			fprintf(f, "%u", sym->section);
		else
			fputs("null", f);
		fprintf(f, ", \"hidden\": %s, \"indirect\": %s, \"alternate\": ",
			sym->hidden ? "true" : "false", sym->indirect ? "true" : "false");
		tool_put_json(f, sym->alternate);
		fputs(", \"aux\": [", f);
		for (uint32_t k = i + 1; aux_owner && k < img->nsymbols && aux_owner[k] == i; k++) {
			fputs(k > i + 1 ? ", " : "", f);
			coff_put_aux(f, img, &ct, i, k, 1);
		}
		fputs("]}", f);
	}
	fputs("],\n  \"relocations\": [", f);
	for (size_t i = 0; i < img->nedges; i++) {
		const objload_edge *e = &img->edges[i];
		char nbuf[32];

		fprintf(f, "%s\n    {\"section\": %u, \"offset\": ", i ? "," : "", e->section);
		json_hex(f, e->offset);
		fputs(", \"native\": ", f);
		tool_put_json(f, native_reloc_name(img, e, nbuf, sizeof(nbuf)));
		fputs(", \"kind\": ", f);
		tool_put_json(f, objload_kind_name(img->arch, e->kind));
		fputs(", \"symbol\": ", f);
		if (e->symbol != OBJLOAD_NO_INDEX)
			fprintf(f, "%u", e->symbol);
		else
			fputs("null", f);
		fprintf(f, ", \"addend\": %" PRId64 ", \"minus\": ", e->addend);
		if (e->subtrahend != OBJLOAD_NO_INDEX)
			fprintf(f, "%u", e->subtrahend);
		else
			fputs("null", f);
		fputc('}', f);
	}
	fputs("],\n  \"init_tables\": [", f);
	for (uint32_t i = 0; i < img->ninits; i++) {
		const objload_init_table *t = &img->inits[i];

		fprintf(f, "%s\n    {\"kind\": \"%s\", \"section\": %u, \"offset\": ", i ? "," : "",
			init_kind_name(t->kind), t->section);
		json_hex(f, t->offset);
		fprintf(f, ", \"count\": %" PRIu64 ", \"priority\": %u, \"reverse\": %s}",
			t->count, t->priority, t->reverse ? "true" : "false");
	}
	fputc(']', f);
	if (img->kind != OBJLOAD_IMAGE_RELOCATABLE)
		interface_json(f, img);
	fputc('}', f);
	free(aux_owner);
}
