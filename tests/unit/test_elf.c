/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the ELF format plug-in (formats/elf/elf.c).
 *
 * The sources in OBJLOAD_TEST_SRCDIR/unit/elf-src are compiled at test time
 * with gcc and clang under several code models and optimisation levels, and
 * the image the plug-in builds is compared with readelf's view of the same
 * file: every section, every symbol, every relocation of a loaded section
 * and every COMDAT group, both ways.  Then valid objects are corrupted one
 * field at a time and must be rejected with OBJLOAD_ERR_FORMAT and a
 * message that names the problem, never a crash.
 *
 * Files go through the public session API (objload_add_memory), which
 * probes and parses them, so the images are owned and freed by the core.
 */
#include <CUnit/Basic.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objload.h"
#include "objload/plugin.h"
#include "tests/tests.h"
#include "tests/util.h"

#include "formats/formats.h"

#define ELF_SRC OBJLOAD_TEST_SRCDIR "/unit/elf-src"

/* The suite's scratch directory (CUnit suites have no context pointer). */
static char *elf_tmp;
static unsigned elf_nobj;
static int elf_have_clang;

/* ---- Small utilities -------------------------------------------------- */

/* Compile src (a path) with cc and flags into a fresh object in the
 * scratch directory; the path goes to out.  Returns 0 on success. */
static int compile(const char *cc, const char *flags, const char *src,
		   char *out, size_t outlen)
{
	char qsrc[1024], qout[1024];

	snprintf(out, outlen, "%s/obj%u.o", elf_tmp, elf_nobj++);
	tu_shell_quote(qsrc, sizeof(qsrc), src);
	tu_shell_quote(qout, sizeof(qout), out);
	return tu_sh_ok("%s %s -o %s %s", cc, flags, qout, qsrc) ? 0 : -1;
}

/* Write text to a file in the scratch directory. */
static int write_scratch(const char *name, const char *text, char *path,
			 size_t pathlen)
{
	snprintf(path, pathlen, "%s/%s", elf_tmp, name);
	return tu_write_text(path, text);
}

static const char *reloc_name(const objload_image *img, uint32_t type)
{
	const char *n = objload_format_elf.reloc_name(img, type);

	return n ? n : "(null)";
}

/* Checks that print what differs: CUnit's own messages show only the
 * expression.  At most 40 details are printed per run. */
static unsigned elf_details;

#define EXPECT(cond, ...) \
	tu_expect_at(&elf_details, !!(cond), #cond, __FILE__, __LINE__, __VA_ARGS__)

/* ---- readelf's view ------------------------------------------------- */

struct re_section {
	unsigned idx;
	char name[256];
	char type[64];
	uint64_t addr, off, size;
	char flags[32];
	unsigned link, info;
	uint64_t align;
};

struct re_symbol {
	unsigned idx;
	uint64_t value, size;
	char type[16], bind[16], vis[16], ndx[16];
	char name[512];
};

struct re_reloc {
	unsigned target;      /* the section patched */
	uint64_t offset;
	uint32_t sym, type;
	char tname[64];
	int64_t addend;
};

struct re_group {
	int comdat;
	unsigned section;
	char key[256];
	unsigned n;
	unsigned members[64];
};

struct re_view {
	struct re_section *sec;
	unsigned nsec;
	struct re_symbol *sym;
	unsigned nsym;
	struct re_reloc *rel;
	unsigned nrel;
	struct re_group *grp;
	unsigned ngrp;
};

static void *grow(void *p, unsigned n, size_t esz)
{
	/* Grow by doubling at powers of two. */
	if (n && (n & (n - 1)))
		return p;
	return realloc(p, (n ? n * 2 : 8) * esz);
}

static void re_free(struct re_view *v)
{
	free(v->sec);
	free(v->sym);
	free(v->rel);
	free(v->grp);
	memset(v, 0, sizeof(*v));
}

static char *readelf(const char *opt, const char *path)
{
	char q[1024], cmd[1200];

	tu_shell_quote(q, sizeof(q), path);
	snprintf(cmd, sizeof(cmd), "LC_ALL=C readelf %s %s 2>&1", opt, q);
	return tu_capture(cmd, NULL);
}

static void re_parse_sections(struct re_view *v, char *out)
{
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		char *p = strchr(line, '['), *end, *tok[16], rest[1024];
		struct re_section *s;
		int n;

		if (!p || strncmp(line, "  [", 3) != 0 || !(end = strchr(p, ']')))
			continue;
		if (p[1] == 'N')  /* the "[Nr]" title */
			continue;
		v->sec = grow(v->sec, v->nsec, sizeof(*v->sec));
		s = &v->sec[v->nsec];
		memset(s, 0, sizeof(*s));
		s->idx = (unsigned)strtoul(p + 1, NULL, 10);
		snprintf(rest, sizeof(rest), "%s", end + 1);
		/* The one type readelf spells with spaces. */
		{
			char *sp = strstr(rest, "SYMTAB SECTION INDICES");

			if (sp) {
				memcpy(sp, "SYMTAB_SHNDX", 12);
				memmove(sp + 12, sp + 22, strlen(sp + 22) + 1);
			}
		}
		/* The line is kept for strtok: split a copy. */
		n = 0;
		{
			char *save = NULL;

			for (char *t = strtok_r(rest, " \t", &save); t && n < 16;
			     t = strtok_r(NULL, " \t", &save))
				tok[n++] = t;
		}
		if (s->idx == 0) {
			v->nsec++;
			continue;
		}
		if (n != 9 && n != 10)
			continue;
		snprintf(s->name, sizeof(s->name), "%s", tok[0]);
		snprintf(s->type, sizeof(s->type), "%s", tok[1]);
		s->addr = strtoull(tok[2], NULL, 16);
		s->off = strtoull(tok[3], NULL, 16);
		s->size = strtoull(tok[4], NULL, 16);
		if (n == 10)
			snprintf(s->flags, sizeof(s->flags), "%s", tok[6]);
		s->link = (unsigned)strtoul(tok[n - 3], NULL, 10);
		s->info = (unsigned)strtoul(tok[n - 2], NULL, 10);
		s->align = strtoull(tok[n - 1], NULL, 10);
		v->nsec++;
	}
}

static void re_parse_symbols(struct re_view *v, char *out)
{
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		struct re_symbol *s;
		char size[32];
		unsigned idx;
		uint64_t value;
		int consumed = 0;

		if (strncmp(line, "Symbol table", 12) == 0 && !strstr(line, "'.symtab'"))
			break;  /* only .symtab */
		s = NULL;
		v->sym = grow(v->sym, v->nsym, sizeof(*v->sym));
		s = &v->sym[v->nsym];
		memset(s, 0, sizeof(*s));
		if (sscanf(line, " %u: %" SCNx64 " %31s %15s %15s %15s %15s %n", &idx,
			   &value, size, s->type, s->bind, s->vis, s->ndx,
			   &consumed) < 7)
			continue;
		s->idx = idx;
		s->value = value;
		s->size = strtoull(size, NULL, 0);
		if (consumed > 0)
			snprintf(s->name, sizeof(s->name), "%s", line + consumed);
		v->nsym++;
	}
}

static const struct re_section *re_section_at_offset(const struct re_view *v,
						     uint64_t off)
{
	for (unsigned i = 0; i < v->nsec; i++)
		if (v->sec[i].idx && v->sec[i].off == off &&
		    (strcmp(v->sec[i].type, "RELA") == 0 ||
		     strcmp(v->sec[i].type, "REL") == 0))
			return &v->sec[i];
	return NULL;
}

static void re_parse_relocs(struct re_view *v, char *out)
{
	const struct re_section *cur = NULL;
	char *save = NULL;

	for (char *line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct re_reloc *r;
		uint64_t off, info;
		char *rest, *sign;
		int consumed = 0;

		if (strncmp(line, "Relocation section '", 20) == 0) {
			char *at = strstr(line, "' at offset 0x");

			cur = at ? re_section_at_offset(v, strtoull(at + 14, NULL, 16)) : NULL;
			continue;
		}
		if (!cur || !isxdigit((unsigned char)line[0]))
			continue;
		v->rel = grow(v->rel, v->nrel, sizeof(*v->rel));
		r = &v->rel[v->nrel];
		memset(r, 0, sizeof(*r));
		if (sscanf(line, "%" SCNx64 " %" SCNx64 " %63s %n", &off, &info,
			   r->tname, &consumed) < 3)
			continue;
		r->target = cur->info;
		r->offset = off;
		r->sym = (uint32_t)(info >> 32);
		r->type = (uint32_t)info;
		rest = line + consumed;
		if (r->sym == 0) {
			/* "-10" or "10": the addend alone, in hex. */
			while (*rest == ' ')
				rest++;
			if (*rest == '-')
				r->addend = -(int64_t)strtoull(rest + 1, NULL, 16);
			else
				r->addend = (int64_t)strtoull(rest, NULL, 16);
		} else {
			sign = strstr(rest, " + ");
			if (!sign)
				sign = strstr(rest, " - ");
			if (sign) {
				uint64_t a = strtoull(sign + 3, NULL, 16);

				r->addend = sign[1] == '-' ? -(int64_t)a : (int64_t)a;
			}
		}
		v->nrel++;
	}
}

static void re_parse_groups(struct re_view *v, char *out)
{
	struct re_group *g = NULL;
	char *save = NULL;

	for (char *line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *p;

		if ((p = strstr(line, "group section ["))) {
			char *k = strstr(line, "' [");
			char *e = k ? strchr(k + 3, ']') : NULL;

			v->grp = grow(v->grp, v->ngrp, sizeof(*v->grp));
			g = &v->grp[v->ngrp++];
			memset(g, 0, sizeof(*g));
			g->comdat = strncmp(line, "COMDAT", 6) == 0;
			g->section = (unsigned)strtoul(p + 15, NULL, 10);
			if (k && e)
				snprintf(g->key, sizeof(g->key), "%.*s",
					 (int)(e - (k + 3)), k + 3);
			continue;
		}
		if (g && strncmp(line, "   [", 4) == 0 && strstr(line, "[Index]") == NULL &&
		    g->n < 64)
			g->members[g->n++] = (unsigned)strtoul(line + 4, NULL, 10);
	}
}

static int re_load(struct re_view *v, const char *path)
{
	char *s = readelf("-SW", path), *y = readelf("-sW", path),
	     *r = readelf("-rW", path), *g = readelf("-gW", path);
	int ok = s && y && r && g;

	memset(v, 0, sizeof(*v));
	if (ok) {
		re_parse_sections(v, s);
		re_parse_symbols(v, y);
		re_parse_relocs(v, r);
		re_parse_groups(v, g);
	}
	free(s);
	free(y);
	free(r);
	free(g);
	return ok && v->nsec ? 0 : -1;
}

/* ---- Comparison with readelf ------------------------------------------ */

/* readelf's flag letters for the flags both sides know. */
static void flag_letters(uint64_t f, char *out)
{
	static const struct {
		uint64_t bit;
		char c;
	} k[] = {
		{ 0x1, 'W' }, { 0x2, 'A' }, { 0x4, 'X' }, { 0x10, 'M' },
		{ 0x20, 'S' }, { 0x40, 'I' }, { 0x80, 'L' }, { 0x100, 'O' },
		{ 0x200, 'G' }, { 0x400, 'T' }, { 0x800, 'C' },
		{ 0x80000000u, 'E' },
	};
	size_t o = 0;

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (f & k[i].bit)
			out[o++] = k[i].c;
	out[o] = '\0';
}

static void known_letters(const char *in, char *out)
{
	size_t o = 0;

	for (; *in; in++)
		if (strchr("WAXMSILOGTCE", *in))
			out[o++] = *in;
	out[o] = '\0';
}

static void compare_sections(const char *what, const objload_image *img,
			     const struct re_view *v)
{
	EXPECT(img->nsections == v->nsec, "%s: %u sections, readelf %u", what,
	       img->nsections, v->nsec);
	if (img->nsections)
		EXPECT(img->sections[0].role == OBJLOAD_ROLE_NOLOAD &&
		       strcmp(img->sections[0].name, "") == 0,
		       "%s: section 0 is not the null section", what);
	for (unsigned i = 0; i < v->nsec; i++) {
		const struct re_section *r = &v->sec[i];
		const objload_section *s;
		char ours[32], theirs[32];
		int alloc, eh;

		if (r->idx == 0 || r->idx >= img->nsections)
			continue;
		s = &img->sections[r->idx];
		EXPECT(strcmp(s->name, r->name) == 0, "%s: section %u is %s, readelf %s",
		       what, r->idx, s->name, r->name);
		/* Older readelf shows vendor types it does not know as
		 * "LOOS+0x..."; objload names them (LLVM_ADDRSIG). */
		EXPECT(strcmp(s->native_type, r->type) == 0 ||
		       (strncmp(r->type, "LOOS+", 5) == 0 &&
			strncmp(s->native_type, "LLVM_", 5) == 0),
		       "%s: section %u (%s) type %s, readelf %s", what, r->idx,
		       r->name, s->native_type, r->type);
		/* .eh_frame gets the 4-byte terminator the unwinders need
		 * (core/unwind.c) in a copy */
		eh = strcmp(r->name, ".eh_frame") == 0 && r->size;
		EXPECT(s->size == r->size + (eh ? 4 : 0),
		       "%s: section %u (%s) size %" PRIu64 ", readelf %" PRIu64,
		       what, r->idx, r->name, s->size, r->size);
		EXPECT(s->file_addr == r->addr, "%s: section %u (%s) address", what,
		       r->idx, r->name);
		EXPECT(s->align == (r->align ? r->align : 1),
		       "%s: section %u (%s) align %" PRIu64 ", readelf %" PRIu64, what,
		       r->idx, r->name, s->align, r->align);
		EXPECT(s->native_index == r->idx, "%s: section %u native_index %u", what,
		       r->idx, s->native_index);
		flag_letters(s->native_flags, ours);
		known_letters(r->flags, theirs);
		EXPECT(strcmp(ours, theirs) == 0, "%s: section %u (%s) flags %s, readelf %s",
		       what, r->idx, r->name, ours, theirs);
		alloc = strchr(r->flags, 'A') != NULL;
		EXPECT(alloc == (s->role != OBJLOAD_ROLE_NOLOAD &&
				 s->role != OBJLOAD_ROLE_DEBUG),
		       "%s: section %u (%s) role %d does not match flags %s", what,
		       r->idx, r->name, (int)s->role, r->flags);
		EXPECT((s->bytes == NULL) == (strcmp(r->type, "NOBITS") == 0),
		       "%s: section %u (%s) bytes", what, r->idx, r->name);
		if (s->bytes && img->file && eh)
			EXPECT(memcmp(s->bytes, img->file + r->off, r->size) == 0 &&
			       memcmp(s->bytes + r->size, "\0\0\0\0", 4) == 0,
			       "%s: section %u (%s) is not the file's bytes and a terminator",
			       what, r->idx, r->name);
		else if (s->bytes && img->file)
			EXPECT(s->bytes == img->file + r->off,
			       "%s: section %u (%s) bytes do not point at offset 0x%" PRIx64,
			       what, r->idx, r->name, r->off);
	}
}

static void compare_symbols(const char *what, const objload_image *img,
			    const struct re_view *v)
{
	EXPECT(img->nsymbols == v->nsym, "%s: %u symbols, readelf %u", what,
	       img->nsymbols, v->nsym);
	for (unsigned i = 0; i < v->nsym; i++) {
		const struct re_symbol *r = &v->sym[i];
		const objload_symbol *s;
		objload_binding bind;
		objload_symtype type;
		int hidden, global;

		if (r->idx >= img->nsymbols)
			continue;
		s = &img->symbols[r->idx];
		EXPECT(strcmp(s->name, r->name) == 0, "%s: symbol %u is '%s', readelf '%s'",
		       what, r->idx, s->name, r->name);
		EXPECT(s->native_index == r->idx, "%s: symbol %u native_index", what,
		       r->idx);
		if (r->idx == 0) {
			EXPECT(s->def == OBJLOAD_DEF_UNDEFINED && s->name[0] == '\0',
			       "%s: symbol 0 is not the null symbol", what);
			continue;
		}
		EXPECT(s->value == r->value, "%s: symbol %u (%s) value 0x%" PRIx64 ", readelf 0x%" PRIx64,
		       what, r->idx, r->name, s->value, r->value);
		EXPECT(s->size == r->size, "%s: symbol %u (%s) size %" PRIu64 ", readelf %" PRIu64,
		       what, r->idx, r->name, s->size, r->size);

		bind = strcmp(r->bind, "LOCAL") == 0 ? OBJLOAD_BIND_LOCAL :
		       strcmp(r->bind, "WEAK") == 0 ? OBJLOAD_BIND_WEAK :
		       OBJLOAD_BIND_GLOBAL;  /* GLOBAL, UNIQUE */
		EXPECT(s->binding == bind, "%s: symbol %u (%s) binding %d, readelf %s",
		       what, r->idx, r->name, (int)s->binding, r->bind);

		type = strcmp(r->type, "FUNC") == 0 || strcmp(r->type, "IFUNC") == 0 ?
		       OBJLOAD_SYM_FUNC :
		       strcmp(r->type, "OBJECT") == 0 || strcmp(r->type, "COMMON") == 0 ?
		       OBJLOAD_SYM_OBJECT :
		       strcmp(r->type, "SECTION") == 0 ? OBJLOAD_SYM_SECTION :
		       strcmp(r->type, "FILE") == 0 ? OBJLOAD_SYM_FILE :
		       strcmp(r->type, "TLS") == 0 ? OBJLOAD_SYM_TLS : OBJLOAD_SYM_NOTYPE;
		EXPECT(s->type == type, "%s: symbol %u (%s) type %d, readelf %s", what,
		       r->idx, r->name, (int)s->type, r->type);

		hidden = strcmp(r->vis, "HIDDEN") == 0 || strcmp(r->vis, "INTERNAL") == 0;
		EXPECT(s->hidden == hidden, "%s: symbol %u (%s) hidden %d, readelf %s",
		       what, r->idx, r->name, s->hidden, r->vis);

		if (strcmp(r->ndx, "UND") == 0)
			EXPECT(s->def == OBJLOAD_DEF_UNDEFINED, "%s: symbol %u (%s) not undefined",
			       what, r->idx, r->name);
		else if (strcmp(r->ndx, "ABS") == 0)
			EXPECT(s->def == OBJLOAD_DEF_ABSOLUTE, "%s: symbol %u (%s) not absolute",
			       what, r->idx, r->name);
		else if (strcmp(r->ndx, "COM") == 0 || strcmp(r->ndx, "LARGE_COM") == 0)
			EXPECT(s->def == OBJLOAD_DEF_COMMON, "%s: symbol %u (%s) not common",
			       what, r->idx, r->name);
		else
			EXPECT(s->def == OBJLOAD_DEF_SECTION &&
			       s->section == (uint32_t)strtoul(r->ndx, NULL, 10),
			       "%s: symbol %u (%s) section %u, readelf %s", what, r->idx,
			       r->name, s->section, r->ndx);

		global = bind != OBJLOAD_BIND_LOCAL && type != OBJLOAD_SYM_SECTION &&
			 type != OBJLOAD_SYM_FILE;
		EXPECT(global ? s->cname && strcmp(s->cname, s->name) == 0 : s->cname == NULL,
		       "%s: symbol %u (%s) cname %s", what, r->idx, r->name,
		       s->cname ? s->cname : "NULL");
	}
}

static void compare_relocs(const char *what, const objload_image *img,
			   const struct re_view *v)
{
	size_t k = 0;

	for (unsigned i = 0; i < v->nrel; i++) {
		const struct re_reloc *r = &v->rel[i];
		const struct re_section *t = NULL;
		const objload_edge *e;
		uint32_t want_sym;

		for (unsigned j = 0; j < v->nsec; j++)
			if (v->sec[j].idx == r->target)
				t = &v->sec[j];
		if (!t || !strchr(t->flags, 'A'))
			continue;  /* relocations of sections that are not loaded */
		EXPECT(k < img->nedges, "%s: readelf relocation %s at %s+0x%" PRIx64
		       " has no edge", what, r->tname, t->name, r->offset);
		if (k >= img->nedges)
			return;
		e = &img->edges[k++];
		EXPECT(e->section == r->target && e->offset == r->offset,
		       "%s: edge %zu at section %u+0x%" PRIx64 ", readelf %u+0x%" PRIx64,
		       what, k - 1, e->section, e->offset, r->target, r->offset);
		EXPECT(e->native_type == r->type &&
		       strcmp(reloc_name(img, e->native_type), r->tname) == 0,
		       "%s: edge %zu type %s, readelf %s", what, k - 1,
		       reloc_name(img, e->native_type), r->tname);
		EXPECT(e->addend == r->addend, "%s: edge %zu (%s at %s+0x%" PRIx64
		       ") addend %" PRId64 ", readelf %" PRId64, what, k - 1, r->tname,
		       t->name, r->offset, e->addend, r->addend);
		want_sym = r->sym ? r->sym : OBJLOAD_NO_INDEX;
		if (e->kind == OBJLOAD_X86_64_GOTPC32 || e->kind == OBJLOAD_X86_64_GOTPC64)
			want_sym = OBJLOAD_NO_INDEX;
		EXPECT(e->symbol == want_sym, "%s: edge %zu (%s at %s+0x%" PRIx64
		       ") symbol %u, expected %u", what, k - 1, r->tname, t->name,
		       r->offset, e->symbol, want_sym);
		EXPECT(e->subtrahend == OBJLOAD_NO_INDEX, "%s: edge %zu subtrahend", what,
		       k - 1);
	}
	EXPECT(k == img->nedges, "%s: %zu edges, readelf lists %zu for loaded sections",
	       what, img->nedges, k);
}

static void compare_groups(const char *what, const objload_image *img,
			   const struct re_view *v)
{
	uint32_t gi = 0;

	for (unsigned i = 0; i < v->ngrp; i++) {
		const struct re_group *r = &v->grp[i];

		if (!r->comdat) {
			for (unsigned m = 0; m < r->n; m++)
				if (r->members[m] < img->nsections)
					EXPECT(img->sections[r->members[m]].group == OBJLOAD_NO_INDEX,
					       "%s: member %u of plain group %s is in a group",
					       what, r->members[m], r->key);
			continue;
		}
		EXPECT(gi < img->ngroups, "%s: COMDAT group %s missing", what, r->key);
		if (gi >= img->ngroups)
			return;
		EXPECT(strcmp(img->groups[gi].key, r->key) == 0,
		       "%s: group %u key %s, readelf %s", what, gi, img->groups[gi].key,
		       r->key);
		EXPECT(img->groups[gi].nmembers == r->n, "%s: group %s has %u members, readelf %u",
		       what, r->key, img->groups[gi].nmembers, r->n);
		for (unsigned m = 0; m < r->n && m < img->groups[gi].nmembers; m++) {
			EXPECT(img->groups[gi].members[m] == r->members[m],
			       "%s: group %s member %u", what, r->key, m);
			if (r->members[m] < img->nsections)
				EXPECT(img->sections[r->members[m]].group == gi,
				       "%s: section %u not marked as in group %u", what,
				       r->members[m], gi);
		}
		gi++;
	}
	EXPECT(gi == img->ngroups, "%s: %u COMDAT groups, readelf %u", what,
	       img->ngroups, gi);
}

static void check_against_readelf(const char *what, const char *obj)
{
	struct tu_loaded l;
	struct re_view v;

	tu_load_file(&l, obj, NULL);
	EXPECT(l.status == OBJLOAD_OK && l.img, "%s: load failed: %s", what, l.msg);
	if (l.status != OBJLOAD_OK || !l.img) {
		tu_unload(&l);
		return;
	}
	if (re_load(&v, obj)) {
		EXPECT(0, "%s: readelf failed", what);
		tu_unload(&l);
		return;
	}
	EXPECT(l.img->arch == OBJLOAD_ARCH_X86_64 &&
	       l.img->kind == OBJLOAD_IMAGE_RELOCATABLE &&
	       l.img->callconv == OBJLOAD_CC_SYSV && !l.img->layout_meaningful,
	       "%s: image header", what);
	compare_sections(what, l.img, &v);
	compare_symbols(what, l.img, &v);
	compare_relocs(what, l.img, &v);
	compare_groups(what, l.img, &v);
	re_free(&v);
	tu_unload(&l);
}

static const char *const elf_sources[] = { "data.c", "code.c", "asm.s" };

static const char *const elf_flag_sets[] = {
	"-c -O0",
	"-c -O2",
	"-c -O2 -fPIC",
	"-c -O0 -fno-pic",
	"-c -O2 -mcmodel=large",
	"-c -O2 -fPIC -mcmodel=large",
	"-c -O2 -mcmodel=medium -fno-pic",
	"-c -O2 -ffunction-sections -fdata-sections -fcommon",
	"-c -O1 -g -fPIC",
};

static void readelf_matrix(const char *cc)
{
	for (size_t s = 0; s < sizeof(elf_sources) / sizeof(elf_sources[0]); s++) {
		for (size_t f = 0; f < sizeof(elf_flag_sets) / sizeof(elf_flag_sets[0]); f++) {
			char src[1024], obj[256], what[512];

			snprintf(src, sizeof(src), "%s/%s", ELF_SRC, elf_sources[s]);
			snprintf(what, sizeof(what), "%s %s %s", cc, elf_flag_sets[f],
				 elf_sources[s]);
			if (compile(cc, elf_flag_sets[f], src, obj, sizeof(obj))) {
				EXPECT(0, "%s: does not compile", what);
				continue;
			}
			check_against_readelf(what, obj);
		}
	}
}

static void test_elf_readelf_gcc(void)
{
	readelf_matrix("gcc");
}

static void test_elf_readelf_clang(void)
{
	if (!elf_have_clang) {
		fprintf(stderr, "\n  clang not found ");
		CU_FAIL("clang not found (tools/install-deps.sh installs it)");
		return;
	}
	readelf_matrix("clang");
}

/* ---- Specific mappings ------------------------------------------------ */

/* Compile one source and load it; 0 on success. */
static int build_and_load(struct tu_loaded *l, const char *cc, const char *flags,
			  const char *src_name)
{
	char src[1024], obj[256];

	memset(l, 0, sizeof(*l));
	snprintf(src, sizeof(src), "%s/%s", ELF_SRC, src_name);
	if (compile(cc, flags, src, obj, sizeof(obj)))
		return -1;
	tu_load_file(l, obj, NULL);
	if (l->status != OBJLOAD_OK || !l->img) {
		fprintf(stderr, "\n  %s: %s", obj, l->msg);
		tu_unload(l);
		return -1;
	}
	return 0;
}

static void test_elf_probe(void)
{
	static const uint8_t elf[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 };
	static const uint8_t text[] = "#!/bin/sh\necho hello\n";
	static const uint8_t macho[] = { 0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1 };

	CU_ASSERT(objload_format_elf.probe(elf, sizeof(elf)) != 0);
	CU_ASSERT(objload_format_elf.probe(elf, 4) != 0);
	CU_ASSERT(objload_format_elf.probe(elf, 3) == 0);
	CU_ASSERT(objload_format_elf.probe(elf, 0) == 0);
	CU_ASSERT(objload_format_elf.probe(text, sizeof(text)) == 0);
	CU_ASSERT(objload_format_elf.probe(macho, sizeof(macho)) == 0);
	CU_ASSERT_STRING_EQUAL(objload_format_elf.name, "elf");
	CU_ASSERT_EQUAL(objload_format_elf.abi_version, OBJLOAD_PLUGIN_ABI_VERSION);
	CU_ASSERT(objload_format_elf.parse && objload_format_elf.plan &&
		  objload_format_elf.reloc_name && objload_format_elf.release);
}

static void test_elf_roles(void)
{
	static const struct {
		const char *name;
		objload_section_role role;
	} want[] = {
		{ ".text", OBJLOAD_ROLE_CODE },
		{ ".data", OBJLOAD_ROLE_DATA },
		{ ".bss", OBJLOAD_ROLE_ZEROFILL },
		{ ".rodata", OBJLOAD_ROLE_RODATA },
		{ ".tdata", OBJLOAD_ROLE_TLS },
		{ ".tbss", OBJLOAD_ROLE_TLS },
		{ ".eh_frame", OBJLOAD_ROLE_UNWIND },
		{ ".debug_info", OBJLOAD_ROLE_DEBUG },
		{ ".debug_line", OBJLOAD_ROLE_DEBUG },
		{ ".symtab", OBJLOAD_ROLE_NOLOAD },
		{ ".strtab", OBJLOAD_ROLE_NOLOAD },
		{ ".shstrtab", OBJLOAD_ROLE_NOLOAD },
		{ ".rela.text", OBJLOAD_ROLE_NOLOAD },
		{ ".comment", OBJLOAD_ROLE_NOLOAD },
		{ ".note.GNU-stack", OBJLOAD_ROLE_NOLOAD },
		{ ".init_array", OBJLOAD_ROLE_DATA },
		{ ".fini_array", OBJLOAD_ROLE_DATA },
	};
	struct tu_loaded l;
	int bss, text;

	if (build_and_load(&l, "gcc", "-c -O2 -g", "data.c")) {
		CU_FAIL("data.c does not build or load");
		return;
	}
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int s = tu_find_section(l.img, want[i].name);

		EXPECT(s > 0, "no section %s", want[i].name);
		if (s > 0)
			EXPECT(l.img->sections[s].role == want[i].role,
			       "section %s role %d, want %d", want[i].name,
			       (int)l.img->sections[s].role, (int)want[i].role);
	}
	bss = tu_find_section(l.img, ".bss");
	text = tu_find_section(l.img, ".text");
	CU_ASSERT(bss > 0 && l.img->sections[bss].bytes == NULL);
	CU_ASSERT(text > 0 && l.img->sections[text].bytes != NULL);
	if (text > 0) {
		CU_ASSERT_STRING_EQUAL(l.img->sections[text].native_type, "PROGBITS");
		CU_ASSERT_EQUAL(l.img->sections[text].group, OBJLOAD_NO_INDEX);
	}
	tu_unload(&l);
}

static void test_elf_inits(void)
{
	static const char *const ccs[] = { "gcc", "clang" };

	for (size_t c = 0; c < 2; c++) {
		struct tu_loaded l;
		int seen_200 = 0, seen_plain = 0, seen_300 = 0, seen_fini = 0;
		int seen_ctors = 0, seen_dtors = 0;

		if (c == 1 && !elf_have_clang)
			continue;
		if (build_and_load(&l, ccs[c], "-c -O2", "data.c")) {
			CU_FAIL("data.c does not build or load");
			continue;
		}
		for (uint32_t i = 0; i < l.img->ninits; i++) {
			const objload_init_table *t = &l.img->inits[i];
			const char *n = l.img->sections[t->section].name;

			EXPECT(t->offset == 0 && t->count == 1 && !t->reverse,
			       "%s: init table %s", ccs[c], n);
			EXPECT(l.img->sections[t->section].role == OBJLOAD_ROLE_DATA,
			       "%s: init table %s is not DATA", ccs[c], n);
			if (t->kind == OBJLOAD_INIT_CONSTRUCTOR && t->priority == 200)
				seen_200++;
			else if (t->kind == OBJLOAD_INIT_CONSTRUCTOR && t->priority == 65536)
				seen_plain++;
			else if (t->kind == OBJLOAD_INIT_DESTRUCTOR && t->priority == 300)
				seen_300++;
			else if (t->kind == OBJLOAD_INIT_DESTRUCTOR && t->priority == 65536)
				seen_fini++;
			else
				EXPECT(0, "%s: unexpected init table %s priority %u", ccs[c], n,
				       t->priority);
		}
		EXPECT(seen_200 == 1 && seen_plain == 1 && seen_300 == 1 && seen_fini == 1,
		       "%s: init tables %d %d %d %d", ccs[c], seen_200, seen_plain,
		       seen_300, seen_fini);
		tu_unload(&l);

		if (build_and_load(&l, ccs[c], "-c -O2", "code.c")) {
			CU_FAIL("code.c does not build or load");
			continue;
		}
		for (uint32_t i = 0; i < l.img->ninits; i++) {
			const objload_init_table *t = &l.img->inits[i];

			if (t->kind == OBJLOAD_INIT_CONSTRUCTOR && t->priority == 535 &&
			    t->reverse && t->count == 1)
				seen_ctors++;
			if (t->kind == OBJLOAD_INIT_DESTRUCTOR && t->priority == 65536 &&
			    t->reverse && t->count == 2)
				seen_dtors++;
		}
		EXPECT(seen_ctors == 1 && seen_dtors == 1 && l.img->ninits == 2,
		       "%s: .ctors.65000 / .dtors tables %d %d of %u", ccs[c], seen_ctors,
		       seen_dtors, l.img->ninits);
		tu_unload(&l);
	}
}

static void test_elf_symbols(void)
{
	struct tu_loaded l;
	const objload_symbol *s;
	int i;

	if (build_and_load(&l, "gcc", "-c -O2 -fcommon", "data.c")) {
		CU_FAIL("data.c does not build or load");
		return;
	}
	i = tu_find_symbol(l.img, "tentative");
	CU_ASSERT_FATAL(i > 0);
	s = &l.img->symbols[i];
	CU_ASSERT(s->def == OBJLOAD_DEF_COMMON && s->size == 4 && s->value == 4);
	i = tu_find_symbol(l.img, "big_tentative");
	CU_ASSERT_FATAL(i > 0);
	s = &l.img->symbols[i];
	CU_ASSERT(s->def == OBJLOAD_DEF_COMMON && s->size == 256 && s->value == 32);
	i = tu_find_symbol(l.img, "secret");
	CU_ASSERT(i > 0 && l.img->symbols[i].hidden &&
		  l.img->symbols[i].binding == OBJLOAD_BIND_GLOBAL);
	i = tu_find_symbol(l.img, "internal_counter");
	CU_ASSERT(i > 0 && l.img->symbols[i].hidden);
	i = tu_find_symbol(l.img, "guarded");
	CU_ASSERT(i > 0 && !l.img->symbols[i].hidden);
	i = tu_find_symbol(l.img, "tunable");
	CU_ASSERT(i > 0 && l.img->symbols[i].binding == OBJLOAD_BIND_WEAK &&
		  l.img->symbols[i].def == OBJLOAD_DEF_SECTION);
	i = tu_find_symbol(l.img, "optional_value");
	CU_ASSERT(i > 0 && l.img->symbols[i].binding == OBJLOAD_BIND_WEAK &&
		  l.img->symbols[i].def == OBJLOAD_DEF_UNDEFINED);
	i = tu_find_symbol(l.img, "external_value");
	CU_ASSERT_FATAL(i > 0);
	s = &l.img->symbols[i];
	CU_ASSERT(s->def == OBJLOAD_DEF_UNDEFINED && s->cname &&
		  strcmp(s->cname, "external_value") == 0);
	i = tu_find_symbol(l.img, "constructed");
	CU_ASSERT(i > 0 && l.img->symbols[i].binding == OBJLOAD_BIND_LOCAL &&
		  l.img->symbols[i].cname == NULL);
	i = tu_find_symbol(l.img, "per_thread");
	CU_ASSERT(i > 0 && l.img->symbols[i].type == OBJLOAD_SYM_TLS);
	i = tu_find_symbol(l.img, "read_all");
	CU_ASSERT(i > 0 && l.img->symbols[i].type == OBJLOAD_SYM_FUNC &&
		  l.img->symbols[i].def == OBJLOAD_DEF_SECTION &&
		  strcmp(l.img->sections[l.img->symbols[i].section].name, ".text") == 0);
	i = tu_find_symbol(l.img, "data.c");
	CU_ASSERT(i > 0 && l.img->symbols[i].type == OBJLOAD_SYM_FILE &&
		  l.img->symbols[i].def == OBJLOAD_DEF_ABSOLUTE &&
		  l.img->symbols[i].cname == NULL);
	/* Section symbols carry their section's name. */
	for (uint32_t k = 1; k < l.img->nsymbols; k++) {
		s = &l.img->symbols[k];
		if (s->type == OBJLOAD_SYM_SECTION)
			EXPECT(s->def == OBJLOAD_DEF_SECTION &&
			       strcmp(s->name, l.img->sections[s->section].name) == 0,
			       "section symbol %u is named %s", k, s->name);
	}
	CU_ASSERT(l.img->nsymbols > 0 && l.img->symbols[0].name[0] == '\0' &&
		  l.img->symbols[0].def == OBJLOAD_DEF_UNDEFINED);
	tu_unload(&l);
}

static void test_elf_groups(void)
{
	static const char *const ccs[] = { "gcc", "clang" };

	for (size_t c = 0; c < 2; c++) {
		struct tu_loaded l;
		int helper, rela, plain;
		const objload_group *g;

		if (c == 1 && !elf_have_clang)
			continue;
		if (build_and_load(&l, ccs[c], "-c", "asm.s")) {
			CU_FAIL("asm.s does not build or load");
			continue;
		}
		helper = tu_find_section(l.img, ".text.inline_helper");
		rela = tu_find_section(l.img, ".rela.text.inline_helper");
		plain = tu_find_section(l.img, ".text.plain_member");
		CU_ASSERT_EQUAL(l.img->ngroups, 1);
		CU_ASSERT(helper > 0 && rela > 0 && plain > 0);
		if (l.img->ngroups == 1 && helper > 0 && rela > 0 && plain > 0) {
			g = &l.img->groups[0];
			CU_ASSERT_STRING_EQUAL(g->key, "inline_helper");
			CU_ASSERT_EQUAL(g->nmembers, 2);
			CU_ASSERT(g->nmembers == 2 && g->members[0] == (uint32_t)helper &&
				  g->members[1] == (uint32_t)rela);
			CU_ASSERT_EQUAL(l.img->sections[helper].group, 0);
			CU_ASSERT_EQUAL(l.img->sections[rela].group, 0);
			CU_ASSERT_EQUAL(l.img->sections[plain].group, OBJLOAD_NO_INDEX);
			CU_ASSERT_EQUAL(l.img->sections[plain].role, OBJLOAD_ROLE_CODE);
			CU_ASSERT_EQUAL(l.img->sections[helper].role, OBJLOAD_ROLE_CODE);
		}
		tu_unload(&l);
	}
}

/* The psABI type -> kind table, written out independently of elf.c. */
static const struct {
	const char *type;
	unsigned kind;
} elf_expected_kinds[] = {
	{ "R_X86_64_NONE", OBJLOAD_X86_64_NONE },
	{ "R_X86_64_64", OBJLOAD_X86_64_ABS64 },
	{ "R_X86_64_32", OBJLOAD_X86_64_ABS32 },
	{ "R_X86_64_32S", OBJLOAD_X86_64_ABS32S },
	{ "R_X86_64_16", OBJLOAD_X86_64_ABS16 },
	{ "R_X86_64_8", OBJLOAD_X86_64_ABS8 },
	{ "R_X86_64_PC64", OBJLOAD_X86_64_PC64 },
	{ "R_X86_64_PC32", OBJLOAD_X86_64_PC32 },
	{ "R_X86_64_PC16", OBJLOAD_X86_64_PC16 },
	{ "R_X86_64_PC8", OBJLOAD_X86_64_PC8 },
	{ "R_X86_64_PLT32", OBJLOAD_X86_64_BRANCH32 },
	{ "R_X86_64_GOTPCREL", OBJLOAD_X86_64_GOTPCREL32 },
	{ "R_X86_64_GOTPCRELX", OBJLOAD_X86_64_GOTPCRELX32 },
	{ "R_X86_64_REX_GOTPCRELX", OBJLOAD_X86_64_REXGOTPCRELX32 },
	{ "R_X86_64_SIZE32", OBJLOAD_X86_64_SIZE32 },
	{ "R_X86_64_SIZE64", OBJLOAD_X86_64_SIZE64 },
	{ "R_X86_64_GOTPCREL64", OBJLOAD_X86_64_GOTPCREL64 },
	{ "R_X86_64_GOTPC32", OBJLOAD_X86_64_GOTPC32 },
	{ "R_X86_64_GOTPC64", OBJLOAD_X86_64_GOTPC64 },
	{ "R_X86_64_GOTOFF64", OBJLOAD_X86_64_GOTOFF64 },
	{ "R_X86_64_GOT64", OBJLOAD_X86_64_GOTSLOT64 },
	{ "R_X86_64_GOT32", OBJLOAD_X86_64_GOTSLOT32 },
	{ "R_X86_64_PLTOFF64", OBJLOAD_X86_64_GOTOFF64 },
	{ "R_X86_64_TPOFF32", OBJLOAD_X86_64_TPOFF32 },
	{ "R_X86_64_TPOFF64", OBJLOAD_X86_64_TPOFF64 },
	{ "R_X86_64_DTPMOD64", OBJLOAD_X86_64_TLSMOD64 },
	{ "R_X86_64_DTPOFF32", OBJLOAD_X86_64_TLSOFF32 },
	{ "R_X86_64_DTPOFF64", OBJLOAD_X86_64_TLSOFF64 },
	{ "R_X86_64_GOTTPOFF", OBJLOAD_X86_64_GOTTPOFF32 },
	{ "R_X86_64_TLSGD", OBJLOAD_X86_64_TLSGD32 },
	{ "R_X86_64_TLSLD", OBJLOAD_X86_64_TLSLD32 },
	{ "R_X86_64_GOTPC32_TLSDESC", OBJLOAD_X86_64_TLSDESC32 },
	{ "R_X86_64_TLSDESC_CALL", OBJLOAD_X86_64_TLSDESCCALL },
	{ "R_X86_64_TLSDESC", OBJLOAD_X86_64_TLS },
};

static int expected_kind(const char *name, unsigned *kind)
{
	for (size_t i = 0; i < sizeof(elf_expected_kinds) / sizeof(elf_expected_kinds[0]); i++)
		if (strcmp(elf_expected_kinds[i].type, name) == 0) {
			*kind = elf_expected_kinds[i].kind;
			return 1;
		}
	return 0;
}

/* Every edge of an image has the kind the table says, except the
 * _GLOBAL_OFFSET_TABLE_ rule; returns the number of GOT-rule edges. */
static unsigned check_kinds(const char *what, const objload_image *img,
			    unsigned *seen, size_t nseen)
{
	unsigned gotrule = 0;

	for (size_t k = 0; k < img->nedges; k++) {
		const objload_edge *e = &img->edges[k];
		const char *n = reloc_name(img, e->native_type);
		unsigned want;

		if (!expected_kind(n, &want)) {
			EXPECT(0, "%s: edge %zu has unexpected type %s", what, k, n);
			continue;
		}
		for (size_t i = 0; i < nseen; i++)
			if (strcmp(elf_expected_kinds[i].type, n) == 0)
				seen[i]++;
		if ((e->native_type == 2 || e->native_type == 24) &&
		    (e->kind == OBJLOAD_X86_64_GOTPC32 || e->kind == OBJLOAD_X86_64_GOTPC64)) {
			/* PC32/PC64 against _GLOBAL_OFFSET_TABLE_. */
			EXPECT(e->symbol == OBJLOAD_NO_INDEX, "%s: GOT-rule edge %zu has a symbol",
			       what, k);
			EXPECT(e->kind == (e->native_type == 2 ? OBJLOAD_X86_64_GOTPC32 :
					   OBJLOAD_X86_64_GOTPC64),
			       "%s: edge %zu GOT-rule kind", what, k);
			gotrule++;
			continue;
		}
		EXPECT(e->kind == want, "%s: edge %zu %s kind %s, want %s", what, k, n,
		       objload_kind_name(img->arch, e->kind),
		       objload_kind_name(img->arch, want));
		if (e->kind == OBJLOAD_X86_64_GOTPC32 || e->kind == OBJLOAD_X86_64_GOTPC64)
			EXPECT(e->symbol == OBJLOAD_NO_INDEX, "%s: %s edge %zu has a symbol",
			       what, n, k);
	}
	return gotrule;
}

static void test_elf_kinds(void)
{
	static const char *const ccs[] = { "gcc", "clang" };
	static const char *const sources[] = { "data.c", "code.c", "asm.s" };
	enum { NK = sizeof(elf_expected_kinds) / sizeof(elf_expected_kinds[0]) };
	unsigned seen[NK] = { 0 }, gotrule = 0;

	for (size_t c = 0; c < 2; c++) {
		if (c == 1 && !elf_have_clang)
			continue;
		for (size_t s = 0; s < 3; s++) {
			for (size_t f = 0; f < sizeof(elf_flag_sets) / sizeof(elf_flag_sets[0]); f++) {
				struct tu_loaded l;
				char what[256];

				snprintf(what, sizeof(what), "%s %s %s", ccs[c],
					 elf_flag_sets[f], sources[s]);
				if (build_and_load(&l, ccs[c], elf_flag_sets[f], sources[s])) {
					EXPECT(0, "%s: does not build or load", what);
					continue;
				}
				gotrule += check_kinds(what, l.img, seen, NK);
				tu_unload(&l);
			}
		}
	}
	/* asm.s has a PC32 against _GLOBAL_OFFSET_TABLE_ for both compilers,
	 * and clang's PC64 against it. */
	CU_ASSERT(gotrule >= 2);
	/* The types the inputs are known to contain were all exercised. */
	for (size_t i = 0; i < NK; i++) {
		static const char *const must[] = {
			"R_X86_64_NONE", "R_X86_64_64", "R_X86_64_32", "R_X86_64_32S",
			"R_X86_64_16", "R_X86_64_8", "R_X86_64_PC64", "R_X86_64_PC32",
			"R_X86_64_PC16", "R_X86_64_PC8", "R_X86_64_PLT32",
			"R_X86_64_REX_GOTPCRELX", "R_X86_64_GOTPC32", "R_X86_64_GOTPC64",
			"R_X86_64_GOTOFF64", "R_X86_64_GOT64", "R_X86_64_GOT32",
			"R_X86_64_PLTOFF64", "R_X86_64_TPOFF32",
		};

		for (size_t m = 0; m < sizeof(must) / sizeof(must[0]); m++)
			if (strcmp(must[m], elf_expected_kinds[i].type) == 0)
				EXPECT(seen[i] > 0, "no input exercised %s",
				       elf_expected_kinds[i].type);
	}
}

static void test_elf_reloc_name_and_plan(void)
{
	struct tu_loaded l;
	objload_plan_choice choice;

	if (build_and_load(&l, "gcc", "-c", "asm.s")) {
		CU_FAIL("asm.s does not build or load");
		return;
	}
	CU_ASSERT_STRING_EQUAL(reloc_name(l.img, 4), "R_X86_64_PLT32");
	CU_ASSERT_STRING_EQUAL(reloc_name(l.img, 0), "R_X86_64_NONE");
	CU_ASSERT_STRING_EQUAL(reloc_name(l.img, 42), "R_X86_64_REX_GOTPCRELX");
	CU_ASSERT_STRING_EQUAL(reloc_name(l.img, 32), "R_X86_64_SIZE32");
	CU_ASSERT(objload_format_elf.reloc_name(l.img, 1000) == NULL);

	memset(&choice, 0, sizeof(choice));
	CU_ASSERT_EQUAL(objload_format_elf.plan(l.img, &(objload_plan_query){ .forced = OBJLOAD_STRATEGY_AUTO },
						&choice),
			OBJLOAD_OK);
	CU_ASSERT_EQUAL(choice.strategy, OBJLOAD_STRATEGY_WHOLE);
	CU_ASSERT(choice.reason && strstr(choice.reason, "relocatable ELF"));
	memset(&choice, 0, sizeof(choice));
	CU_ASSERT_EQUAL(objload_format_elf.plan(l.img, &(objload_plan_query){ .forced = OBJLOAD_STRATEGY_SECTION },
						&choice),
			OBJLOAD_OK);
	CU_ASSERT_EQUAL(choice.strategy, OBJLOAD_STRATEGY_SECTION);
	CU_ASSERT(choice.reason && strstr(choice.reason, "forced"));
	memset(&choice, 0, sizeof(choice));
	CU_ASSERT_EQUAL(objload_format_elf.plan(l.img, &(objload_plan_query){ .forced = OBJLOAD_STRATEGY_WHOLE },
						&choice),
			OBJLOAD_OK);
	CU_ASSERT_EQUAL(choice.strategy, OBJLOAD_STRATEGY_WHOLE);
	CU_ASSERT(choice.reason && strstr(choice.reason, "forced"));
	tu_unload(&l);
}

/* A well-formed object with a relocation objload does not support. */
static void test_elf_unsupported_reloc(void)
{
	static const char text[] =
		"\t.data\n"
		"x:\t.long 0\n"
		"\t.quad undefined_thing@GOTPLT\n"
		"\t.section .debug_objload,\"\",@progbits\n"
		"\t.quad undefined_thing@GOTPLT\n";
	static const char debug_only[] =
		"\t.data\n"
		"x:\t.long 0\n"
		"\t.section .debug_objload,\"\",@progbits\n"
		"\t.quad undefined_thing@GOTPLT\n";
	char src[256], obj[256];
	struct tu_loaded l;

	if (write_scratch("size.s", text, src, sizeof(src)) ||
	    compile("gcc", "-c", src, obj, sizeof(obj))) {
		CU_FAIL("cannot assemble size.s");
		return;
	}
	tu_load_file(&l, obj, NULL);
	CU_ASSERT_EQUAL(l.status, OBJLOAD_ERR_UNSUPPORTED);
	EXPECT(strstr(l.msg, "R_X86_64_GOTPLT64 (30) is not supported") &&
	       strstr(l.msg, ".rela.data") && strstr(l.msg, ".data+0x4"),
	       "message: %s", l.msg);
	tu_unload(&l);

	/* Relocations of a section that is not loaded are not looked at. */
	if (write_scratch("size-debug.s", debug_only, src, sizeof(src)) ||
	    compile("gcc", "-c", src, obj, sizeof(obj))) {
		CU_FAIL("cannot assemble size-debug.s");
		return;
	}
	tu_load_file(&l, obj, NULL);
	CU_ASSERT_EQUAL(l.status, OBJLOAD_OK);
	if (l.img)
		CU_ASSERT_EQUAL(l.img->nedges, 0);
	tu_unload(&l);
}

static void test_elf_not_relocatable(void)
{
	static const char prog[] = "int main(void) { return 0; }\n";
	char src[256], exe[256], cmd[1024], q1[300], q2[300];
	struct tu_loaded l;
	int st = -1;
	char *log;

	/* a system program: ET_EXEC, or a PIE (ET_DYN) whose COPY
	 * relocations objload does not make (formats/elf/elf_dyn.c) */
	tu_load_file(&l, "/bin/true", NULL);
	if (l.status != OBJLOAD_ERR_IO) {
		CU_ASSERT_EQUAL(l.status, OBJLOAD_ERR_UNSUPPORTED);
		EXPECT(strstr(l.msg, "/bin/true: ") &&
		       (strstr(l.msg, "ET_REL") || strstr(l.msg, "COPY relocation")),
		       "message: %s", l.msg);
	}
	tu_unload(&l);

	/* An ET_EXEC and an ET_DYN of our own. */
	if (write_scratch("prog.c", prog, src, sizeof(src)))
		return;
	snprintf(exe, sizeof(exe), "%s/prog-exec", elf_tmp);
	tu_shell_quote(q1, sizeof(q1), src);
	tu_shell_quote(q2, sizeof(q2), exe);
	snprintf(cmd, sizeof(cmd), "gcc -no-pie -o %s %s 2>&1", q2, q1);
	log = tu_capture(cmd, &st);
	free(log);
	if (st == 0) {
		tu_load_file(&l, exe, NULL);
		CU_ASSERT_EQUAL(l.status, OBJLOAD_ERR_UNSUPPORTED);
		EXPECT(strstr(l.msg, "ET_EXEC") && strstr(l.msg, "only relocatable objects (ET_REL) are supported yet"),
		       "message: %s", l.msg);
		tu_unload(&l);
	}
	snprintf(exe, sizeof(exe), "%s/prog.so", elf_tmp);
	tu_shell_quote(q2, sizeof(q2), exe);
	snprintf(cmd, sizeof(cmd), "gcc -shared -fPIC -o %s %s 2>&1", q2, q1);
	log = tu_capture(cmd, &st);
	free(log);
	/* a shared object loads (the linked suite runs them) */
	if (st == 0) {
		tu_load_file(&l, exe, NULL);
		CU_ASSERT_EQUAL(l.status, OBJLOAD_OK);
		EXPECT(l.img && l.img->kind == OBJLOAD_IMAGE_SHARED && l.img->layout_meaningful,
		       "prog.so: %s", l.msg);
		tu_unload(&l);
	}

	/* Not ELF at all: the plug-in does not claim it. */
	{
		uint8_t *bytes;
		size_t len;

		if ((bytes = tu_read_file(src, &len)) != NULL) {
			CU_ASSERT_EQUAL(objload_format_elf.probe(bytes, len), 0);
			free(bytes);
		}
	}
}

static void test_elf_aarch64(void)
{
	static const char leaf[] = "int leaf(int x) { return x * 3 + 1; }\n";
	static const char caller[] =
		"int g(int);\nextern int counter;\n"
		"int f(int x) { counter += x; return g(x) + 1; }\n";
	char src[256], obj[256];
	struct tu_loaded l;
	int nbranch = 0, npage = 0, nlo12 = 0;

	if (!elf_have_clang) {
		fprintf(stderr, "\n  clang not found ");
		CU_FAIL("clang not found (tools/install-deps.sh installs it)");
		return;
	}
	if (write_scratch("leaf.c", leaf, src, sizeof(src)) ||
	    compile("clang", "--target=aarch64-linux-gnu -c -O2 -fno-asynchronous-unwind-tables -fno-unwind-tables",
		    src, obj, sizeof(obj))) {
		fprintf(stderr, "\n  clang cannot target AArch64 ");
		CU_FAIL("clang cannot target AArch64 (tools/install-deps.sh installs it)");
		return;
	}
	tu_load_file(&l, obj, NULL);
	CU_ASSERT_EQUAL(l.status, OBJLOAD_OK);
	EXPECT(l.status == OBJLOAD_OK, "AArch64 leaf: %s", l.msg);
	if (l.img) {
		int s = tu_find_symbol(l.img, "leaf");

		CU_ASSERT_EQUAL(l.img->arch, OBJLOAD_ARCH_AARCH64);
		CU_ASSERT_EQUAL(l.img->nedges, 0);
		CU_ASSERT(s > 0 && l.img->symbols[s].type == OBJLOAD_SYM_FUNC);
		CU_ASSERT_STRING_EQUAL(reloc_name(l.img, 283), "R_AARCH64_CALL26");
		CU_ASSERT_STRING_EQUAL(reloc_name(l.img, 0), "R_AARCH64_NONE");
		CU_ASSERT_STRING_EQUAL(reloc_name(l.img, 256), "R_AARCH64_NULL");
		CU_ASSERT_STRING_EQUAL(reloc_name(l.img, 311), "R_AARCH64_ADR_GOT_PAGE");
		CU_ASSERT_STRING_EQUAL(reloc_name(l.img, 1032), "R_AARCH64_IRELATIVE");
		CU_ASSERT(objload_format_elf.reloc_name(l.img, 281) == NULL);
		CU_ASSERT(objload_format_elf.reloc_name(l.img, 1033) == NULL);
	}
	tu_unload(&l);

	/* A call and a data reference: BL, and ADRP + LDR of the page. */
	if (write_scratch("caller.c", caller, src, sizeof(src)) ||
	    compile("clang", "--target=aarch64-linux-gnu -c -O2 -fno-pic",
		    src, obj, sizeof(obj))) {
		CU_FAIL("cannot compile caller.c for AArch64");
		return;
	}
	tu_load_file(&l, obj, NULL);
	CU_ASSERT_EQUAL(l.status, OBJLOAD_OK);
	EXPECT(l.status == OBJLOAD_OK, "AArch64 caller: %s", l.msg);
	for (size_t k = 0; l.img && k < l.img->nedges; k++) {
		const objload_edge *e = &l.img->edges[k];
		const char *sym = e->symbol == OBJLOAD_NO_INDEX ? "" :
				  l.img->symbols[e->symbol].name;

		if (e->native_type == 283 || e->native_type == 282) {
			EXPECT(e->kind == (e->native_type == 283 ? OBJLOAD_AARCH64_CALL26 :
					   OBJLOAD_AARCH64_JUMP26) &&
			       strcmp(sym, "g") == 0,
			       "branch edge %zu: kind %s against %s", k,
			       objload_kind_name(l.img->arch, e->kind), sym);
			nbranch++;
		} else if (e->native_type == 275) {
			EXPECT(e->kind == OBJLOAD_AARCH64_ADR_PAGE21 &&
			       strcmp(sym, "counter") == 0,
			       "ADRP edge %zu: kind %s against %s", k,
			       objload_kind_name(l.img->arch, e->kind), sym);
			npage++;
		} else if (e->native_type == 285) {
			EXPECT(e->kind == OBJLOAD_AARCH64_LDST32_LO12 &&
			       strcmp(sym, "counter") == 0,
			       "LDST32 edge %zu: kind %s against %s", k,
			       objload_kind_name(l.img->arch, e->kind), sym);
			nlo12++;
		}
	}
	CU_ASSERT(nbranch == 1);
	CU_ASSERT(npage == 1);
	CU_ASSERT(nlo12 >= 1);
	tu_unload(&l);

	/* The same .rela.text turned into SHT_REL (each entry without its
	 * addend): the ADRP's addend would then be in the instruction, which
	 * the plug-in does not decode.  Refused, naming the type. */
	{
		uint8_t *f;
		size_t len;
		int patched = 0;

		if (!(f = tu_read_file(obj, &len))) {
			CU_FAIL("cannot read caller.o");
			return;
		}
		if (len >= 64) {
			uint64_t shoff = tu_get_le(f + 40, 8), shnum = tu_get_le(f + 60, 2);
			uint64_t strndx = tu_get_le(f + 62, 2);

			if (shoff <= len && shnum * 64 <= len - shoff && strndx < shnum) {
				uint64_t names = tu_get_le(f + shoff + strndx * 64 + 24, 8);

				for (uint64_t i = 1; i < shnum && names < len; i++) {
					uint8_t *sh = f + shoff + i * 64;
					uint64_t n = names + tu_get_le(sh, 4);

					uint64_t off = tu_get_le(sh + 24, 8), size = tu_get_le(sh + 32, 8);

					if (n >= len || strncmp((char *)f + n, ".rela.text",
								len - n) != 0 ||
					    off > len || size > len - off)
						continue;
					/* r_offset, r_info of each entry */
					for (uint64_t k = 0; k < size / 24; k++)
						memmove(f + off + 16 * k, f + off + 24 * k, 16);
					sh[4] = 9;          /* sh_type = SHT_REL */
					for (unsigned b = 0; b < 8; b++)   /* sh_size */
						sh[32 + b] = (uint8_t)(size / 24 * 16 >> (8 * b));
					sh[56] = 16;        /* sh_entsize */
					patched = 1;
				}
			}
		}
		if (!patched) {
			free(f);
			CU_FAIL("no .rela.text in caller.o");
			return;
		}
		tu_load_memory(&l, "caller-rel.o", f, len);
		CU_ASSERT_EQUAL(l.status, OBJLOAD_ERR_UNSUPPORTED);
		EXPECT(strstr(l.msg, "R_AARCH64_ADR_PREL_PG_HI21 in SHT_REL") &&
		       strstr(l.msg, "encoded in the instruction"),
		       "message: %s", l.msg);
		tu_unload(&l);
	}
}

/* More than SHN_LORESERVE sections: e_shnum is 0, e_shstrndx is SHN_XINDEX
 * and symbols reach their sections through SHT_SYMTAB_SHNDX. */
static void test_elf_extended_numbering(void)
{
	static const char *const ccs[] = { "gcc", "clang" };
	enum { NSEC = 65300 };
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/many.s", elf_tmp);
	f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	for (unsigned i = 0; i < NSEC; i++) {
		fprintf(f, "\t.section .t.%u,\"ax\",@progbits\n\t.globl f%u\nf%u:\n", i, i, i);
		if (i % 1000 == 0)
			fprintf(f, "\tcall f%u\n", i + 1);
		fprintf(f, "\tret\n");
	}
	CU_ASSERT_FATAL(fclose(f) == 0);

	for (size_t c = 0; c < 2; c++) {
		char obj[256], what[64];
		struct tu_loaded l;
		int s;

		if (c == 1 && !elf_have_clang)
			continue;
		if (compile(ccs[c], "-c", path, obj, sizeof(obj))) {
			CU_FAIL("many.s does not assemble");
			continue;
		}
		snprintf(what, sizeof(what), "%s many.s", ccs[c]);
		check_against_readelf(what, obj);

		tu_load_file(&l, obj, NULL);
		CU_ASSERT_EQUAL(l.status, OBJLOAD_OK);
		if (!l.img) {
			tu_unload(&l);
			continue;
		}
		CU_ASSERT(l.img->nsections > NSEC);
		CU_ASSERT_EQUAL(l.img->sections[0].size, 0);
		s = tu_find_symbol(l.img, "f65299");
		CU_ASSERT(s > 0 && l.img->symbols[s].def == OBJLOAD_DEF_SECTION &&
			  l.img->symbols[s].section >= 0xff00 &&
			  strcmp(l.img->sections[l.img->symbols[s].section].name,
				 ".t.65299") == 0);
		s = tu_find_section(l.img, ".symtab_shndx");
		CU_ASSERT(s > 0 && strcmp(l.img->sections[s].native_type, "SYMTAB_SHNDX") == 0);
		tu_unload(&l);
	}
}

/* ---- Malformed inputs ------------------------------------------------- */

/* Field offsets of the ELF64 structures (the tests trust the file they
 * compiled; these edits are the only hand-made bytes). */
enum {
	EH_TYPE = 16, EH_MACHINE = 18, EH_SHOFF = 40, EH_SHENTSIZE = 58,
	EH_SHNUM = 60, EH_SHSTRNDX = 62,
	SH_NAME = 0, SH_TYPE = 4, SH_OFFSET = 24, SH_SIZE = 32, SH_LINK = 40,
	SH_INFO = 44, SH_ALIGN = 48, SH_ENTSIZE = 56,
	ST_NAME = 0, ST_SHNDX = 6, ST_VALUE = 8,
	R_INFO = 8,
};

static uint8_t *shdr(uint8_t *f, unsigned i)
{
	return f + tu_get_le(f + EH_SHOFF, 8) + (uint64_t)i * 64;
}

static unsigned sec_count(const uint8_t *f)
{
	return (unsigned)tu_get_le(f + EH_SHNUM, 2);
}

static int sec_by_name(uint8_t *f, const char *name)
{
	uint8_t *ns = shdr(f, (unsigned)tu_get_le(f + EH_SHSTRNDX, 2));
	const char *names = (const char *)f + tu_get_le(ns + SH_OFFSET, 8);

	for (unsigned i = 1; i < sec_count(f); i++)
		if (strcmp(names + tu_get_le(shdr(f, i) + SH_NAME, 4), name) == 0)
			return (int)i;
	return -1;
}

static int sec_by_type(uint8_t *f, uint32_t type)
{
	for (unsigned i = 1; i < sec_count(f); i++)
		if (tu_get_le(shdr(f, i) + SH_TYPE, 4) == type)
			return (int)i;
	return -1;
}

/* A symbol that is defined in a section (not special, not symbol 0). */
static uint8_t *some_defined_symbol(uint8_t *f)
{
	uint8_t *st = shdr(f, (unsigned)sec_by_type(f, 2));
	uint64_t n = tu_get_le(st + SH_SIZE, 8) / 24;

	for (uint64_t i = 1; i < n; i++) {
		uint8_t *s = f + tu_get_le(st + SH_OFFSET, 8) + i * 24;
		unsigned ndx = (unsigned)tu_get_le(s + ST_SHNDX, 2);

		if (ndx && ndx < 0xff00 && (s[4] & 0xf) != 3)
			return s;
	}
	return NULL;
}

struct corruption {
	const char *what;
	objload_status want;
	const char *must_say;   /* a substring of the message */
	void (*edit)(uint8_t *f, size_t *len);
};

static void c_trunc_ident(uint8_t *f, size_t *len) { (void)f; *len = 10; }
static void c_trunc_header(uint8_t *f, size_t *len) { (void)f; *len = 63; }
static void c_trunc_table(uint8_t *f, size_t *len) { *len = tu_get_le(f + EH_SHOFF, 8) + 100; }
static void c_trunc_last(uint8_t *f, size_t *len) { (void)f; *len -= 1; }
static void c_shoff_past(uint8_t *f, size_t *len) { tu_put_le(f + EH_SHOFF, 8, *len + 8); }
static void c_shoff_wrap(uint8_t *f, size_t *len) { (void)len; tu_put_le(f + EH_SHOFF, 8, UINT64_MAX - 15); }
static void c_shnum_huge(uint8_t *f, size_t *len) { (void)len; tu_put_le(f + EH_SHNUM, 2, 0xfeff); }

static void c_shnum_ext_huge(uint8_t *f, size_t *len)
{
	(void)len;
	tu_put_le(shdr(f, 0) + SH_SIZE, 8, (uint64_t)1 << 40);
	tu_put_le(f + EH_SHNUM, 2, 0);
}

static void c_shentsize(uint8_t *f, size_t *len) { (void)len; tu_put_le(f + EH_SHENTSIZE, 2, 40); }
static void c_shstrndx(uint8_t *f, size_t *len) { (void)len; tu_put_le(f + EH_SHSTRNDX, 2, sec_count(f) + 3); }
static void c_shstrndx_xindex(uint8_t *f, size_t *len)
{
	(void)len;
	tu_put_le(f + EH_SHSTRNDX, 2, 0xffff);
	tu_put_le(shdr(f, 0) + SH_LINK, 4, 5000);
}
static void c_class(uint8_t *f, size_t *len) { (void)len; f[4] = 7; }
static void c_class32(uint8_t *f, size_t *len) { (void)len; f[4] = 1; }
static void c_msb(uint8_t *f, size_t *len) { (void)len; f[5] = 2; }
static void c_ident_version(uint8_t *f, size_t *len) { (void)len; f[6] = 2; }
static void c_etype(uint8_t *f, size_t *len) { (void)len; tu_put_le(f + EH_TYPE, 2, 0x1234); }
static void c_machine(uint8_t *f, size_t *len) { (void)len; tu_put_le(f + EH_MACHINE, 2, 3); }

static void c_text_wrap(uint8_t *f, size_t *len)
{
	(void)len;
	tu_put_le(shdr(f, (unsigned)sec_by_name(f, ".text")) + SH_OFFSET, 8, UINT64_MAX - 15);
	tu_put_le(shdr(f, (unsigned)sec_by_name(f, ".text")) + SH_SIZE, 8, 32);
}

static void c_text_long(uint8_t *f, size_t *len)
{
	tu_put_le(shdr(f, (unsigned)sec_by_name(f, ".text")) + SH_SIZE, 8, *len);
}

static void c_sh_name(uint8_t *f, size_t *len)
{
	(void)len;
	tu_put_le(shdr(f, (unsigned)sec_by_name(f, ".text")) + SH_NAME, 4, 0x7fffffff);
}

static void c_align(uint8_t *f, size_t *len)
{
	(void)len;
	tu_put_le(shdr(f, (unsigned)sec_by_name(f, ".data")) + SH_ALIGN, 8, 24);
}

static void c_strtab_nul(uint8_t *f, size_t *len)
{
	uint8_t *s = shdr(f, (unsigned)sec_by_name(f, ".strtab"));

	(void)len;
	f[tu_get_le(s + SH_OFFSET, 8) + tu_get_le(s + SH_SIZE, 8) - 1] = 'x';
}

static void c_shstrtab_nul(uint8_t *f, size_t *len)
{
	uint8_t *s = shdr(f, (unsigned)tu_get_le(f + EH_SHSTRNDX, 2));

	(void)len;
	f[tu_get_le(s + SH_OFFSET, 8) + tu_get_le(s + SH_SIZE, 8) - 1] = 'x';
}

static void c_st_shndx(uint8_t *f, size_t *len)
{
	(void)len;
	tu_put_le(some_defined_symbol(f) + ST_SHNDX, 2, sec_count(f) + 5);
}

static void c_st_shndx_reserved(uint8_t *f, size_t *len)
{
	(void)len;
	tu_put_le(some_defined_symbol(f) + ST_SHNDX, 2, 0xff05);
}

static void c_st_xindex(uint8_t *f, size_t *len)
{
	(void)len;
	tu_put_le(some_defined_symbol(f) + ST_SHNDX, 2, 0xffff);
}

static void c_st_name(uint8_t *f, size_t *len)
{
	(void)len;
	tu_put_le(some_defined_symbol(f) + ST_NAME, 4, 0x7ffffff0);
}

static void c_st_value(uint8_t *f, size_t *len)
{
	(void)len;
	tu_put_le(some_defined_symbol(f) + ST_VALUE, 8, 0x100000000ull);
}

static void c_sym_entsize(uint8_t *f, size_t *len)
{
	(void)len;
	tu_put_le(shdr(f, (unsigned)sec_by_type(f, 2)) + SH_ENTSIZE, 8, 16);
}

static void c_sym_size(uint8_t *f, size_t *len)
{
	uint8_t *s = shdr(f, (unsigned)sec_by_type(f, 2));

	(void)len;
	tu_put_le(s + SH_SIZE, 8, tu_get_le(s + SH_SIZE, 8) - 5);
}

static void c_sym_link(uint8_t *f, size_t *len)
{
	(void)len;
	tu_put_le(shdr(f, (unsigned)sec_by_type(f, 2)) + SH_LINK, 4, 0);
}

static void c_r_sym(uint8_t *f, size_t *len)
{
	uint8_t *r = shdr(f, (unsigned)sec_by_name(f, ".rela.text"));

	(void)len;
	tu_put_le(f + tu_get_le(r + SH_OFFSET, 8) + R_INFO + 4, 4, 0x7fffff);
}

static void c_r_offset(uint8_t *f, size_t *len)
{
	uint8_t *r = shdr(f, (unsigned)sec_by_name(f, ".rela.text"));
	uint8_t *t = shdr(f, (unsigned)sec_by_name(f, ".text"));

	(void)len;
	/* An R_X86_64_64 whose 8-byte field starts 4 bytes before the end. */
	tu_put_le(f + tu_get_le(r + SH_OFFSET, 8), 8, tu_get_le(t + SH_SIZE, 8) - 4);
	tu_put_le(f + tu_get_le(r + SH_OFFSET, 8) + R_INFO, 4, 1);
}

static void c_rela_link0(uint8_t *f, size_t *len)
{
	(void)len;
	tu_put_le(shdr(f, (unsigned)sec_by_name(f, ".rela.text")) + SH_LINK, 4, 0);
}

static void c_rela_link_strtab(uint8_t *f, size_t *len)
{
	(void)len;
	tu_put_le(shdr(f, (unsigned)sec_by_name(f, ".rela.text")) + SH_LINK, 4,
	   (uint64_t)sec_by_name(f, ".strtab"));
}

static void c_rela_info(uint8_t *f, size_t *len)
{
	(void)len;
	tu_put_le(shdr(f, (unsigned)sec_by_name(f, ".rela.text")) + SH_INFO, 4, sec_count(f) + 1);
}

static void c_rela_entsize(uint8_t *f, size_t *len)
{
	(void)len;
	tu_put_le(shdr(f, (unsigned)sec_by_name(f, ".rela.text")) + SH_ENTSIZE, 8, 16);
}

static void c_init_size(uint8_t *f, size_t *len)
{
	uint8_t *s = shdr(f, (unsigned)sec_by_name(f, ".init_array"));

	(void)len;
	tu_put_le(s + SH_SIZE, 8, 4);
}

static void c_group_member(uint8_t *f, size_t *len)
{
	uint8_t *g = shdr(f, (unsigned)sec_by_type(f, 17));

	(void)len;
	tu_put_le(f + tu_get_le(g + SH_OFFSET, 8) + 4, 4, sec_count(f) + 2);
}

static void c_group_flags(uint8_t *f, size_t *len)
{
	uint8_t *g = shdr(f, (unsigned)sec_by_type(f, 17));

	(void)len;
	tu_put_le(f + tu_get_le(g + SH_OFFSET, 8), 4, 0x5);
}

static void c_group_twice(uint8_t *f, size_t *len)
{
	uint8_t *g = shdr(f, (unsigned)sec_by_type(f, 17));
	unsigned member = (unsigned)tu_get_le(f + tu_get_le(g + SH_OFFSET, 8) + 4, 4);

	(void)len;
	/* The second group (plain_group) claims the first group's member. */
	for (unsigned i = 1; i < sec_count(f); i++) {
		uint8_t *h = shdr(f, i);

		if (h != g && tu_get_le(h + SH_TYPE, 4) == 17)
			tu_put_le(f + tu_get_le(h + SH_OFFSET, 8) + 4, 4, member);
	}
}

static void c_group_sig(uint8_t *f, size_t *len)
{
	(void)len;
	tu_put_le(shdr(f, (unsigned)sec_by_type(f, 17)) + SH_INFO, 4, 0);
}

static const struct corruption elf_corruptions[] = {
	{ "truncated identification", OBJLOAD_ERR_FORMAT, "identification", c_trunc_ident },
	{ "truncated header", OBJLOAD_ERR_FORMAT, "ELF header", c_trunc_header },
	{ "truncated section table", OBJLOAD_ERR_FORMAT, "section header table", c_trunc_table },
	{ "last byte cut", OBJLOAD_ERR_FORMAT, "past the end of the file", c_trunc_last },
	{ "e_shoff past the end", OBJLOAD_ERR_FORMAT, "e_shoff", c_shoff_past },
	{ "e_shoff wraps", OBJLOAD_ERR_FORMAT, "e_shoff", c_shoff_wrap },
	{ "e_shnum huge", OBJLOAD_ERR_FORMAT, "section header table", c_shnum_huge },
	{ "extended count huge", OBJLOAD_ERR_FORMAT, "section", c_shnum_ext_huge },
	{ "e_shentsize", OBJLOAD_ERR_FORMAT, "e_shentsize", c_shentsize },
	{ "e_shstrndx", OBJLOAD_ERR_FORMAT, "e_shstrndx", c_shstrndx },
	{ "e_shstrndx via SHN_XINDEX", OBJLOAD_ERR_FORMAT, "e_shstrndx", c_shstrndx_xindex },
	{ "unknown class", OBJLOAD_ERR_FORMAT, "class", c_class },
	{ "ELFCLASS32", OBJLOAD_ERR_UNSUPPORTED, "32-bit", c_class32 },
	{ "big-endian", OBJLOAD_ERR_UNSUPPORTED, "big-endian", c_msb },
	{ "EI_VERSION", OBJLOAD_ERR_FORMAT, "version", c_ident_version },
	{ "e_type", OBJLOAD_ERR_FORMAT, "e_type", c_etype },
	{ "e_machine", OBJLOAD_ERR_UNSUPPORTED, "e_machine", c_machine },
	{ "sh_offset + sh_size wraps", OBJLOAD_ERR_FORMAT, "(.text): contents", c_text_wrap },
	{ "sh_size past the end", OBJLOAD_ERR_FORMAT, "(.text): contents", c_text_long },
	{ "sh_name out of range", OBJLOAD_ERR_FORMAT, "sh_name", c_sh_name },
	{ "alignment not a power of two", OBJLOAD_ERR_FORMAT, "(.data): alignment 24", c_align },
	{ "strtab without NUL", OBJLOAD_ERR_FORMAT, "(.strtab): string table does not end with a NUL", c_strtab_nul },
	{ "shstrtab without NUL", OBJLOAD_ERR_FORMAT, "section-name table", c_shstrtab_nul },
	{ "st_shndx out of range", OBJLOAD_ERR_FORMAT, "st_shndx", c_st_shndx },
	{ "st_shndx reserved", OBJLOAD_ERR_FORMAT, "reserved index", c_st_shndx_reserved },
	{ "SHN_XINDEX without table", OBJLOAD_ERR_FORMAT, "SHT_SYMTAB_SHNDX", c_st_xindex },
	{ "st_name out of range", OBJLOAD_ERR_FORMAT, "st_name", c_st_name },
	{ "st_value past its section", OBJLOAD_ERR_FORMAT, "st_value", c_st_value },
	{ "symtab entry size", OBJLOAD_ERR_FORMAT, "sh_entsize", c_sym_entsize },
	{ "symtab size", OBJLOAD_ERR_FORMAT, "multiple of the entry size", c_sym_size },
	{ "symtab sh_link", OBJLOAD_ERR_FORMAT, "(.symtab): sh_link 0", c_sym_link },
	{ "r_sym out of range", OBJLOAD_ERR_FORMAT, "(.rela.text): relocation 0: symbol", c_r_sym },
	{ "r_offset past the section", OBJLOAD_ERR_FORMAT, "outside section", c_r_offset },
	{ "rela sh_link 0", OBJLOAD_ERR_FORMAT, "(.rela.text): sh_link 0 is not the symbol table", c_rela_link0 },
	{ "rela sh_link strtab", OBJLOAD_ERR_FORMAT, "is not the symbol table", c_rela_link_strtab },
	{ "rela sh_info", OBJLOAD_ERR_FORMAT, "sh_info", c_rela_info },
	{ "rela entry size", OBJLOAD_ERR_FORMAT, "sh_entsize", c_rela_entsize },
	{ "init_array size", OBJLOAD_ERR_FORMAT, "(.init_array): constructor/destructor table size 4", c_init_size },
};

static const struct corruption elf_group_corruptions[] = {
	{ "group member out of range", OBJLOAD_ERR_FORMAT, "is not a valid section", c_group_member },
	{ "group flags", OBJLOAD_ERR_FORMAT, "group flags", c_group_flags },
	{ "section in two groups", OBJLOAD_ERR_FORMAT, "already in group", c_group_twice },
	{ "group signature", OBJLOAD_ERR_FORMAT, "signature symbol", c_group_sig },
};

static void run_corruptions(const char *obj, const struct corruption *cs, size_t n)
{
	uint8_t *orig;
	size_t len;

	if (!(orig = tu_read_file(obj, &len))) {
		CU_FAIL("cannot read the object to corrupt");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t *f = tu_memdup(orig, len);
		size_t flen = len;
		struct tu_loaded l;

		cs[i].edit(f, &flen);
		tu_load_memory(&l, cs[i].what, f, flen);
		EXPECT(l.status == cs[i].want, "%s: status %s, want %s (%s)", cs[i].what,
		       objload_status_name(l.status), objload_status_name(cs[i].want),
		       l.msg);
		EXPECT(strstr(l.msg, cs[i].must_say) != NULL,
		       "%s: message does not say '%s': %s", cs[i].what, cs[i].must_say,
		       l.msg);
		tu_unload(&l);  /* frees f */
	}
	free(orig);
}

static void test_elf_malformed(void)
{
	char src[1024], obj[256];

	snprintf(src, sizeof(src), "%s/data.c", ELF_SRC);
	if (compile("gcc", "-c -O2", src, obj, sizeof(obj))) {
		CU_FAIL("data.c does not compile");
		return;
	}
	run_corruptions(obj, elf_corruptions,
			sizeof(elf_corruptions) / sizeof(elf_corruptions[0]));

	snprintf(src, sizeof(src), "%s/asm.s", ELF_SRC);
	if (compile("gcc", "-c", src, obj, sizeof(obj))) {
		CU_FAIL("asm.s does not assemble");
		return;
	}
	run_corruptions(obj, elf_group_corruptions,
			sizeof(elf_group_corruptions) / sizeof(elf_group_corruptions[0]));
}

/* Every truncation, then random byte edits of the headers and tables:
 * never a crash, and every refusal has a message. */
static void test_elf_fuzz(void)
{
	static const char *const objs[][2] = {
		{ "data.c", "-c -O2 -g" }, { "asm.s", "-c" }, { "code.c", "-c -O2 -fPIC" },
	};
	uint64_t rng = 0x9e3779b97f4a7c15ull;

	for (size_t o = 0; o < 3; o++) {
		char src[1024], obj[256];
		uint8_t *orig;
		size_t len;
		unsigned bad = 0, silent = 0;

		snprintf(src, sizeof(src), "%s/%s", ELF_SRC, objs[o][0]);
		if (compile("gcc", objs[o][1], src, obj, sizeof(obj)) ||
		    !(orig = tu_read_file(obj, &len))) {
			CU_FAIL("fuzz input does not build");
			continue;
		}
		for (size_t cut = 4; cut < len; cut++) {
			uint8_t *f = tu_memdup(orig, cut);
			struct tu_loaded l;

			tu_load_memory(&l, "truncated", f, cut);
			if (l.status != OBJLOAD_ERR_FORMAT)
				bad++;
			if (!l.msg[0])
				silent++;
			tu_unload(&l);
		}
		EXPECT(bad == 0 && silent == 0, "%s: %u truncations accepted, %u silent",
		       objs[o][0], bad, silent);

		silent = 0;
		for (unsigned iter = 0; iter < 3000; iter++) {
			uint8_t *f = tu_memdup(orig, len);
			struct tu_loaded l;
			uint64_t shoff = tu_get_le(orig + EH_SHOFF, 8);
			unsigned edits;

			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			edits = 1 + (unsigned)(rng % 3);
			for (unsigned e = 0; e < edits; e++) {
				size_t at;

				rng ^= rng << 13;
				rng ^= rng >> 7;
				rng ^= rng << 17;
				/* Header, section headers, or anywhere. */
				switch (rng % 3) {
				case 0:
					at = (size_t)((rng >> 8) % 64);
					break;
				case 1:
					at = (size_t)(shoff + (rng >> 8) % (len - shoff));
					break;
				default:
					at = (size_t)((rng >> 8) % len);
					break;
				}
				f[at] = (uint8_t)(rng >> 40);
			}
			tu_load_memory(&l, "fuzzed", f, len);
			if (l.status != OBJLOAD_OK && !l.msg[0])
				silent++;
			tu_unload(&l);
		}
		EXPECT(silent == 0, "%s: %u refusals without a message", objs[o][0], silent);
		free(orig);
	}
}

/* ---- Suite ------------------------------------------------------------ */

static int elf_suite_init(void)
{
	elf_tmp = tu_mkdtemp("elf");
	if (!elf_tmp)
		return -1;
	elf_nobj = 0;
	elf_details = 0;
	elf_have_clang = tu_have_tool("clang");
	return 0;
}

static int elf_suite_cleanup(void)
{
	tu_rm_tmpdir(&elf_tmp);
	return 0;
}

int objload_test_register_elf(void)
{
	static const struct tu_test tests[] = {
		{ "probe", test_elf_probe },
		{ "readelf agreement (gcc)", test_elf_readelf_gcc },
		{ "readelf agreement (clang)", test_elf_readelf_clang },
		{ "section roles", test_elf_roles },
		{ "constructor tables", test_elf_inits },
		{ "symbols", test_elf_symbols },
		{ "COMDAT groups", test_elf_groups },
		{ "relocation kinds", test_elf_kinds },
		{ "reloc_name and plan", test_elf_reloc_name_and_plan },
		{ "unsupported relocation", test_elf_unsupported_reloc },
		{ "not relocatable", test_elf_not_relocatable },
		{ "AArch64", test_elf_aarch64 },
		{ "extended section numbering", test_elf_extended_numbering },
		{ "malformed inputs", test_elf_malformed },
		{ "truncation and fuzzing", test_elf_fuzz },
	};
	return tu_add_suite("elf", elf_suite_init, elf_suite_cleanup, tests, TU_COUNT(tests));
}
