/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the Mach-O format plug-in (formats/macho/macho.c).
 *
 * The e2e programs in OBJLOAD_TEST_SRCDIR/programs (all but zlib) are
 * compiled at test time with clang for x86_64-apple-macos11 and
 * arm64-apple-macos11 at -O0 and -O2, against the stand-in SDK headers in
 * unit/macho-src/sdk (see its README), and the image the plug-in builds is
 * compared with llvm-readobj's view of the same file: every section, every
 * symbol and, for x86-64, every relocation of a loaded section (offset,
 * type name, target; a SUBTRACTOR/UNSIGNED pair is one edge).  Then the
 * addends of every relocation form are checked against known answers
 * (unit/macho-src/relocs.s), a universal file is loaded, and valid objects
 * are corrupted one field at a time: each must be rejected with
 * OBJLOAD_ERR_FORMAT (or OBJLOAD_ERR_UNSUPPORTED where that is the
 * answer) and a message, never a crash.
 */
#include <CUnit/Basic.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/darwin/names.h"
#include "objload.h"
#include "objload/plugin.h"
#include "tests/tests.h"
#include "tests/util.h"

/* The slice of a universal file objload picks by default: the host's. */
#if defined(__aarch64__)
#define MT_HOST_ARCH OBJLOAD_ARCH_AARCH64
#define MT_HOST_ARCH_NAME "aarch64"
#else
#define MT_HOST_ARCH OBJLOAD_ARCH_X86_64
#define MT_HOST_ARCH_NAME "x86_64"
#endif

#define MACHO_SRC OBJLOAD_TEST_SRCDIR "/unit/macho-src"

/* The suite's scratch directory (CUnit suites have no context pointer). */
TU_SUITE_TMPDIR(mt_tmp, "macho", mt_suite_init, mt_suite_cleanup)
static unsigned mt_nobj;

/* ---- Small utilities ---------------------------------------------------- */

/* Run a build command producing a fresh object in the scratch directory
 * (its path to out): fmt gets the output path as its last %s. */
static int mt_build(char *out, size_t outlen, const char *fmt, const char *a,
		    const char *b)
{
	char cmd[4096];

	snprintf(out, outlen, "%s/obj%u.o", mt_tmp, mt_nobj++);
	snprintf(cmd, sizeof(cmd), fmt, a, b, out);
	return tu_sh_ok("%s", cmd) ? 0 : -1;
}

/* Compile a C file for a macOS target against the stand-in SDK. */
static int mt_compile(const char *target, const char *opt, const char *src,
		      const char *incdir, char *out, size_t outlen)
{
	char flags[1024];

	snprintf(flags, sizeof(flags),
		 "clang --target=%s -%s -std=gnu11 -w -nostdlibinc -isystem %s/sdk -I%s -c",
		 target, opt, MACHO_SRC, incdir);
	return mt_build(out, outlen, "%s %s -o %s 2>&1", flags, src);
}

static unsigned mt_details;

#define EXPECT(cond, ...) \
	tu_expect_at(&mt_details, !!(cond), #cond, __FILE__, __LINE__, __VA_ARGS__)

static const char *mt_reloc_name(const objload_image *img, uint32_t type)
{
	const char *n = img->format->reloc_name ?
			img->format->reloc_name(img, type) : NULL;
	return n ? n : "?";
}

/* ---- llvm-readobj's view ------------------------------------------------ */

struct ro_section {
	char name[40];           /* "seg,sect" */
	uint64_t addr, size;
	unsigned align;
	unsigned nreloc;
};

struct ro_symbol {
	char name[256];
	char type[16];           /* Section, Undef, Abs, Indirect, ... */
	char section[20];
	int ext, pext, stab;
	unsigned flags;          /* n_desc */
	uint64_t value;
};

struct ro_reloc {
	unsigned secidx;         /* section index (blocks follow section order) */
	uint64_t offset;
	int ext;
	char type[40];
	char target[256];
};

struct ro_view {
	struct ro_section *secs;
	unsigned nsecs;
	struct ro_symbol *syms;
	unsigned nsyms;
	struct ro_reloc *rels;
	unsigned nrels;
};

static void *mt_grow(void *p, unsigned n, size_t esz)
{
	void *np = realloc(p, (n + 1) * esz);

	if (!np) {
		free(p);
		return NULL;
	}
	memset((char *)np + n * esz, 0, esz);
	return np;
}

static void ro_free(struct ro_view *v)
{
	free(v->secs);
	free(v->syms);
	free(v->rels);
	memset(v, 0, sizeof(*v));
}

/* The word after "Key: " on a line, up to a space. */
static int ro_field(const char *line, const char *key, char *out, size_t n)
{
	const char *p = strstr(line, key);
	size_t k = 0;

	if (!p || p != line + strspn(line, " "))
		return 0;
	p += strlen(key);
	while (*p == ' ')
		p++;
	while (p[k] && p[k] != ' ' && p[k] != '\n' && k + 1 < n) {
		out[k] = p[k];
		k++;
	}
	out[k] = '\0';
	return 1;
}

static int ro_load(struct ro_view *v, const char *path)
{
	char cmd[1024], *out, *line, *save;
	enum { NONE, SECS, SYMS, RELS } mode = NONE;
	char segname[20] = "", sectname[20] = "", relsec[20] = "";
	unsigned relidx = UINT32_MAX;
	int status;

	memset(v, 0, sizeof(*v));
	snprintf(cmd, sizeof(cmd),
		 "llvm-readobj --sections --symbols --relocations '%s' 2>/dev/null", path);
	out = tu_capture(cmd, &status);
	if (!out || status) {
		free(out);
		return -1;
	}
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char w[256];

		if (strncmp(line, "Sections [", 10) == 0) {
			mode = SECS;
		} else if (strncmp(line, "Symbols [", 9) == 0) {
			mode = SYMS;
		} else if (strncmp(line, "Relocations [", 13) == 0) {
			mode = RELS;
		} else if (mode == SECS) {
			struct ro_section *s = v->nsecs ? &v->secs[v->nsecs - 1] : NULL;

			if (strstr(line, "Section {")) {
				v->secs = mt_grow(v->secs, v->nsecs, sizeof(*v->secs));
				if (!v->secs)
					break;
				v->nsecs++;
			} else if (s && ro_field(line, "Name:", w, sizeof(w))) {
				snprintf(sectname, sizeof(sectname), "%.19s", w);
			} else if (s && ro_field(line, "Segment:", w, sizeof(w))) {
				snprintf(segname, sizeof(segname), "%.19s", w);
				snprintf(s->name, sizeof(s->name), "%s,%s", segname, sectname);
			} else if (s && ro_field(line, "Address:", w, sizeof(w))) {
				s->addr = strtoull(w, NULL, 0);
			} else if (s && ro_field(line, "Size:", w, sizeof(w))) {
				s->size = strtoull(w, NULL, 0);
			} else if (s && ro_field(line, "Alignment:", w, sizeof(w))) {
				s->align = (unsigned)strtoul(w, NULL, 0);
			} else if (s && ro_field(line, "RelocationCount:", w, sizeof(w))) {
				s->nreloc = (unsigned)strtoul(w, NULL, 0);
			}
		} else if (mode == SYMS) {
			struct ro_symbol *s = v->nsyms ? &v->syms[v->nsyms - 1] : NULL;

			if (strstr(line, "Symbol {")) {
				v->syms = mt_grow(v->syms, v->nsyms, sizeof(*v->syms));
				if (!v->syms)
					break;
				v->nsyms++;
			} else if (s && ro_field(line, "Name:", w, sizeof(w))) {
				snprintf(s->name, sizeof(s->name), "%s", w);
			} else if (s && strcmp(line + strspn(line, " "), "Extern") == 0) {
				s->ext = 1;
			} else if (s && strcmp(line + strspn(line, " "), "PrivateExtern") == 0) {
				s->pext = 1;
			} else if (s && ro_field(line, "Type:", w, sizeof(w))) {
				snprintf(s->type, sizeof(s->type), "%.15s", w);
			} else if (s && ro_field(line, "Section:", w, sizeof(w))) {
				snprintf(s->section, sizeof(s->section), "%.19s",
					 w[0] == '(' ? "" : w);
			} else if (s && ro_field(line, "Flags [", w, sizeof(w))) {
				s->flags = (unsigned)strtoul(w + 1, NULL, 16);
			} else if (s && ro_field(line, "Value:", w, sizeof(w))) {
				s->value = strtoull(w, NULL, 0);
			} else if (s && strstr(line, "Type: SymDebugTable")) {
				s->stab = 1;
			}
		} else if (mode == RELS) {
			char a[32], pc[8], len[8], ext[8], type[40], sc[8], tgt[256];

			if (sscanf(line, " Section %19s {", relsec) == 1) {
				/* llvm-readobj names the section by sectname only,
				 * which two segments may share: blocks come in
				 * section order, one per section with relocations */
				for (relidx++; relidx < v->nsecs && !v->secs[relidx].nreloc;)
					relidx++;
				continue;
			}
			if (sscanf(line, " %31s %7s %7s %7s %39s %7s %255s", a, pc, len,
				   ext, type, sc, tgt) == 7 && strncmp(a, "0x", 2) == 0) {
				struct ro_reloc *r;

				v->rels = mt_grow(v->rels, v->nrels, sizeof(*v->rels));
				if (!v->rels)
					break;
				r = &v->rels[v->nrels++];
				r->secidx = relidx;
				r->offset = strtoull(a, NULL, 16);
				r->ext = atoi(ext);
				snprintf(r->type, sizeof(r->type), "%s", type);
				snprintf(r->target, sizeof(r->target), "%s", tgt);
			}
		}
	}
	free(out);
	return 0;
}

/* The part of "seg,sect" after the comma. */
static const char *mt_sectname(const char *name)
{
	const char *comma = strchr(name, ',');

	return comma ? comma + 1 : name;
}

static void mt_compare_sections(const char *what, const objload_image *img,
				const struct ro_view *v)
{
	EXPECT(img->nsections == v->nsecs, "%s: %u sections, llvm-readobj %u", what,
	       img->nsections, v->nsecs);
	for (uint32_t i = 0; i < img->nsections && i < v->nsecs; i++) {
		const objload_section *s = &img->sections[i];

		EXPECT(strcmp(s->name, v->secs[i].name) == 0,
		       "%s: section %u is %s, llvm-readobj %s", what, i, s->name,
		       v->secs[i].name);
		/* __eh_frame carries the unwinders' 4-byte terminator
		 * (core/unwind.c) */
		int eh = strcmp(s->name, "__TEXT,__eh_frame") == 0 && v->secs[i].size;

		EXPECT(s->size == v->secs[i].size + (eh ? 4 : 0) &&
		       s->file_addr == v->secs[i].addr &&
		       s->align == 1ull << v->secs[i].align,
		       "%s: section %s size/addr/align differ", what, s->name);
	}
}

static void mt_compare_symbols(const char *what, const objload_image *img,
			       const struct ro_view *v)
{
	uint32_t n = 0;

	/* the plug-in's own symbols, then its synthetic section symbols */
	for (uint32_t i = 0; i < img->nsymbols; i++)
		n += img->symbols[i].native_index != OBJLOAD_NO_INDEX;
	EXPECT(n == v->nsyms, "%s: %u symbols, llvm-readobj %u", what, n, v->nsyms);
	for (uint32_t i = 0; i < n && i < v->nsyms; i++) {
		const objload_symbol *s = &img->symbols[i];
		const struct ro_symbol *r = &v->syms[i];
		int ok = strcmp(s->name, r->name) == 0;

		if (r->stab) {
			EXPECT(ok && s->binding == OBJLOAD_BIND_LOCAL && !s->cname,
			       "%s: stab %u (%s)", what, i, r->name);
			continue;
		}
		if (strcmp(r->type, "Section") == 0) {
			ok = ok && s->def == OBJLOAD_DEF_SECTION &&
			     strcmp(mt_sectname(img->sections[s->section].name), r->section) == 0 &&
			     s->value + img->sections[s->section].file_addr == r->value;
		} else if (strcmp(r->type, "Undef") == 0 && !r->value &&
			   img->arch == OBJLOAD_ARCH_X86_64 && darwin_provided_symbol(r->name)) {
			/* objload's own (abi/darwin): bound as a local absolute */
			EXPECT(ok && s->def == OBJLOAD_DEF_ABSOLUTE &&
			       s->binding == OBJLOAD_BIND_LOCAL &&
			       s->value == (uint64_t)(uintptr_t)darwin_provided_symbol(r->name),
			       "%s: symbol %u (%s) is objload's own", what, i, r->name);
			continue;
		} else if (strcmp(r->type, "Undef") == 0) {
			ok = ok && (r->value ? s->def == OBJLOAD_DEF_COMMON &&
				    s->size == r->value &&
				    s->value == 1ull << ((r->flags >> 8) & 0xf) :
				    s->def == OBJLOAD_DEF_UNDEFINED);
		} else if (strcmp(r->type, "Abs") == 0) {
			ok = ok && s->def == OBJLOAD_DEF_ABSOLUTE && s->value == r->value;
		} else {
			ok = 0;
		}
		ok = ok && (s->binding != OBJLOAD_BIND_LOCAL) == r->ext &&
		     s->hidden == r->pext;
		if (r->ext)
			ok = ok && ((s->binding == OBJLOAD_BIND_WEAK) ==
				    ((r->flags & (strcmp(r->type, "Undef") == 0 && !r->value ?
						  0x40u : 0x80u)) != 0));
		/* the underscore rule: ELF `foo` is Mach-O `_foo` */
		if (r->ext && r->name[0] == '_' && s->cname) {
			const darwin_name *alias = darwin_name_lookup(r->name);

			ok = ok && strcmp(s->cname, alias && alias->host ? alias->host :
					  r->name + 1) == 0;
		}
		EXPECT(ok, "%s: symbol %u (%s): type %s section %s value 0x%" PRIx64
		       " ext %d flags 0x%x vs def %d value 0x%" PRIx64 " binding %d",
		       what, i, r->name, r->type, r->section, r->value, r->ext, r->flags,
		       s->def, s->value, s->binding);
	}
}

/* A relocation target as llvm-readobj prints it: symbol name, or the
 * section's name for section-relative relocations. */
static const char *mt_target(const objload_image *img, uint32_t sym)
{
	const objload_symbol *s;

	if (sym == OBJLOAD_NO_INDEX)
		return "(none)";
	s = &img->symbols[sym];
	return s->type == OBJLOAD_SYM_SECTION ? mt_sectname(s->name) : s->name;
}

static void mt_compare_relocs(const char *what, const objload_image *img,
			      const struct ro_view *v)
{
	size_t e = 0;
	unsigned k = 0;

	for (uint32_t si = 0; si < img->nsections; si++) {
		const objload_section *sec = &img->sections[si];
		int loaded = sec->role != OBJLOAD_ROLE_DEBUG &&
			     sec->role != OBJLOAD_ROLE_NOLOAD;

		for (k = 0; k < v->nrels; k++) {
			const struct ro_reloc *r = &v->rels[k];
			const objload_edge *ed;

			if (r->secidx != si)
				continue;
			if (!loaded)
				continue;
			/* ARM64_RELOC_ADDEND only carries the addend of the
			 * relocation after it: it makes no edge */
			if (strcmp(r->type, "ARM64_RELOC_ADDEND") == 0)
				continue;
			if (e >= img->nedges) {
				EXPECT(0, "%s: relocation %s 0x%" PRIx64 " %s has no edge",
				       what, sec->name, r->offset, r->type);
				return;
			}
			ed = &img->edges[e++];
			if ((strcmp(r->type, "X86_64_RELOC_SUBTRACTOR") == 0 ||
			     strcmp(r->type, "ARM64_RELOC_SUBTRACTOR") == 0) &&
			    k + 1 < v->nrels) {
				const struct ro_reloc *u = &v->rels[++k];

				EXPECT(ed->section == si && ed->offset == r->offset &&
				       strcmp(mt_reloc_name(img, ed->native_type), r->type) == 0 &&
				       strcmp(mt_target(img, ed->subtrahend), r->target) == 0 &&
				       strcmp(mt_target(img, ed->symbol), u->target) == 0,
				       "%s: pair at %s 0x%" PRIx64 ": %s - %s vs %s - %s", what,
				       sec->name, r->offset, u->target, r->target,
				       mt_target(img, ed->symbol), mt_target(img, ed->subtrahend));
				continue;
			}
			EXPECT(ed->section == si && ed->offset == r->offset &&
			       strcmp(mt_reloc_name(img, ed->native_type), r->type) == 0 &&
			       strcmp(mt_target(img, ed->symbol), r->target) == 0 &&
			       ed->subtrahend == OBJLOAD_NO_INDEX,
			       "%s: %s 0x%" PRIx64 " %s %s vs edge 0x%" PRIx64 " %s %s",
			       what, sec->name, r->offset, r->type, r->target, ed->offset,
			       mt_reloc_name(img, ed->native_type),
			       mt_target(img, ed->symbol));
		}
	}
	/* then the __eh_frame fields the assembler resolved itself, which
	 * no relocation names (checked against llvm-dwarfdump by the
	 * runtime suite) */
	while (e < img->nedges &&
	       strncmp(mt_reloc_name(img, img->edges[e].native_type), "implicit", 8) == 0)
		e++;
	EXPECT(e == img->nedges, "%s: %zu edges, %zu matched", what, img->nedges, e);
}

static void mt_check_object(const char *what, const char *path, int relocs)
{
	struct tu_loaded l;
	struct ro_view v;

	if (tu_load_file(&l, path, "test.o") != OBJLOAD_OK) {
		EXPECT(0, "%s: load failed: %s", what, l.msg);
		tu_unload(&l);
		return;
	}
	if (ro_load(&v, path)) {
		EXPECT(0, "%s: llvm-readobj failed", what);
		tu_unload(&l);
		return;
	}
	EXPECT(l.img->layout_meaningful, "%s: layout_meaningful", what);
	mt_compare_sections(what, l.img, &v);
	mt_compare_symbols(what, l.img, &v);
	if (relocs)
		mt_compare_relocs(what, l.img, &v);
	else
		EXPECT(l.img->nedges == 0, "%s: %zu edges on an arch without mapping",
		       what, l.img->nedges);
	ro_free(&v);
	tu_unload(&l);
}

/* ---- The programs, both CPUs, both levels --------------------------------- */

static const char *const mt_programs[] = {
	"args", "calc", "common", "ctors", "exit", "libc", "libm", "multiobj",
	"reloctables", "switch", "weak",
};

static void mt_matrix(const char *target, int relocs)
{
	static const char *const opts[] = { "O0", "O2" };
	char cmd[1024], *list, *save;

	for (size_t p = 0; p < sizeof(mt_programs) / sizeof(mt_programs[0]); p++) {
		char dir[512];

		snprintf(dir, sizeof(dir), "%s/programs/%s", OBJLOAD_TEST_SRCDIR,
			 mt_programs[p]);
		snprintf(cmd, sizeof(cmd), "ls %s/*.c", dir);
		list = tu_capture(cmd, NULL);
		if (!list) {
			EXPECT(0, "cannot list %s", dir);
			continue;
		}
		for (char *src = strtok_r(list, "\n", &save); src;
		     src = strtok_r(NULL, "\n", &save)) {
			for (size_t o = 0; o < 2; o++) {
				char obj[256], what[512];

				snprintf(what, sizeof(what), "%s -%s %s", target, opts[o], src);
				if (mt_compile(target, opts[o], src, dir, obj, sizeof(obj))) {
					EXPECT(0, "%s: does not compile", what);
					continue;
				}
				mt_check_object(what, obj, relocs);
			}
		}
		free(list);
	}
}

static void test_macho_readobj_x86_64(void)
{
	mt_matrix("x86_64-apple-macos11", 1);
}

static void test_macho_readobj_arm64(void)
{
	mt_matrix("arm64-apple-macos11", 1);
}

/* ---- Addends of every relocation form ------------------------------------- */

static const objload_edge *mt_edge_at(const objload_image *img, const char *sec,
				      uint64_t off)
{
	for (size_t i = 0; i < img->nedges; i++)
		if (img->edges[i].offset == off &&
		    strcmp(img->sections[img->edges[i].section].name, sec) == 0)
			return &img->edges[i];
	return NULL;
}

static void test_macho_addends(void)
{
	static const struct {
		const char *sec;
		uint64_t off;
		const char *kind, *target, *minus;
		int64_t addend;
	} want[] = {
		{ "__TEXT,__text", 0x3, "PC32", "_ext", NULL, -4 },
		{ "__TEXT,__text", 0xa, "PC32", "_ext", NULL, 4 },
		{ "__TEXT,__text", 0x10, "PC32", "_ext", NULL, -5 },
		{ "__TEXT,__text", 0x18, "PC32", "_ext", NULL, -6 },
		{ "__TEXT,__text", 0x20, "PC32", "_ext", NULL, -8 },
		{ "__TEXT,__text", 0x2b, "PC32", "__DATA,__const", NULL, 16 - 4 },
		{ "__TEXT,__text", 0x31, "PC32", "__DATA,__const", NULL, 16 - 5 },
		{ "__TEXT,__text", 0x38, "PC32", "__DATA,__const", NULL, 32 - 8 },
		{ "__TEXT,__text", 0x41, "BRANCH32", "_ext", NULL, -4 },
		{ "__TEXT,__text", 0x48, "REXGOTPCRELX32", "_ext", NULL, -4 },
		{ "__DATA,__data", 0x0, "ABS64", "_ext", NULL, 0 },
		{ "__DATA,__data", 0x8, "ABS64", "_ext", NULL, 24 },
		{ "__DATA,__data", 0x10, "ABS64", "__DATA,__const", NULL, 40 },
		{ "__DATA,__data", 0x18, "DELTA64", "_data_end", "_code", 0 },
		{ "__DATA,__data", 0x20, "DELTA32", "_data_end", "_code", 5 },
		{ "__DATA,__data", 0x24, "DELTA64", "__DATA,__const", "__DATA,__data", 8 },
		{ "__DATA,__data", 0x2c, "GOTPCREL32", "_ext", NULL, -4 },
	};
	char obj[256];
	struct tu_loaded l;

	if (mt_build(obj, sizeof(obj), "llvm-mc -triple=%s -filetype=obj %s -o %s 2>&1",
		     "x86_64-apple-macos11", MACHO_SRC "/relocs.s")) {
		EXPECT(0, "relocs.s does not assemble");
		return;
	}
	if (tu_load_file(&l, obj, "test.o") != OBJLOAD_OK) {
		EXPECT(0, "relocs.o: %s", l.msg);
		tu_unload(&l);
		return;
	}
	EXPECT(l.img->nedges == sizeof(want) / sizeof(want[0]), "%zu edges",
	       l.img->nedges);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const objload_edge *e = mt_edge_at(l.img, want[i].sec, want[i].off);
		const objload_image *img = l.img;

		if (!e) {
			EXPECT(0, "no edge at %s+0x%" PRIx64, want[i].sec, want[i].off);
			continue;
		}
		EXPECT(strcmp(objload_kind_name(img->arch, e->kind), want[i].kind) == 0 &&
		       e->symbol != OBJLOAD_NO_INDEX &&
		       strcmp(img->symbols[e->symbol].name, want[i].target) == 0 &&
		       (want[i].minus ? e->subtrahend != OBJLOAD_NO_INDEX &&
			strcmp(img->symbols[e->subtrahend].name, want[i].minus) == 0 :
			e->subtrahend == OBJLOAD_NO_INDEX) &&
		       e->addend == want[i].addend,
		       "%s+0x%" PRIx64 ": %s %s%+" PRId64 ", want %s %s%+" PRId64,
		       want[i].sec, want[i].off, objload_kind_name(img->arch, e->kind),
		       e->symbol == OBJLOAD_NO_INDEX ? "-" : img->symbols[e->symbol].name,
		       e->addend, want[i].kind, want[i].target, want[i].addend);
	}
	tu_unload(&l);
}

/* ---- Symbols: the underscore rule and the host names --------------------- */

static void test_macho_names(void)
{
	static const char src[] =
		"#include <stdio.h>\n#include <errno.h>\n"
		"extern void memset_pattern16(void *, const void *, unsigned long);\n"
		"extern void *_CurrentRuneLocale;\n"
		"__attribute__((visibility(\"hidden\"))) int hidden_fn(void) { return 1; }\n"
		"__attribute__((weak)) int weak_fn(void) { return 2; }\n"
		"extern int weak_ref(void) __attribute__((weak_import));\n"
		"static int local_counter;\n"
		"int use(void *p) { memset_pattern16(p, p, 16); fputs(\"x\", stderr);\n"
		"  fputs(\"y\", stdout); local_counter++; return errno + (weak_ref ? weak_ref() : 0)\n"
		"  + (_CurrentRuneLocale != 0); }\n";
	char path[256], obj[256], cmd[512], *info;
	struct tu_loaded l;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s/names.c", mt_tmp);
	f = fopen(path, "w");
	if (!f || fputs(src, f) < 0 || fclose(f)) {
		EXPECT(0, "cannot write %s", path);
		return;
	}
	if (mt_compile("x86_64-apple-macos11", "O0", path, mt_tmp, obj, sizeof(obj))) {
		EXPECT(0, "names.c does not compile");
		return;
	}
	if (tu_load_file(&l, obj, "test.o") != OBJLOAD_OK) {
		EXPECT(0, "names.o: %s", l.msg);
		tu_unload(&l);
		return;
	}
	i = tu_find_symbol(l.img, "___stderrp");
	EXPECT(i >= 0 && strcmp(l.img->symbols[i].cname, "stderr") == 0, "___stderrp");
	i = tu_find_symbol(l.img, "___stdoutp");
	EXPECT(i >= 0 && strcmp(l.img->symbols[i].cname, "stdout") == 0, "___stdoutp");
	i = tu_find_symbol(l.img, "___error");
	EXPECT(i >= 0 && strcmp(l.img->symbols[i].cname, "__errno_location") == 0,
	       "___error");
	i = tu_find_symbol(l.img, "_hidden_fn");
	EXPECT(i >= 0 && l.img->symbols[i].hidden &&
	       l.img->symbols[i].binding == OBJLOAD_BIND_GLOBAL &&
	       strcmp(l.img->symbols[i].cname, "hidden_fn") == 0, "_hidden_fn");
	i = tu_find_symbol(l.img, "_weak_fn");
	EXPECT(i >= 0 && l.img->symbols[i].binding == OBJLOAD_BIND_WEAK &&
	       l.img->symbols[i].def == OBJLOAD_DEF_SECTION, "_weak_fn");
	i = tu_find_symbol(l.img, "_weak_ref");
	EXPECT(i >= 0 && l.img->symbols[i].binding == OBJLOAD_BIND_WEAK &&
	       l.img->symbols[i].def == OBJLOAD_DEF_UNDEFINED, "_weak_ref");
	i = tu_find_symbol(l.img, "_local_counter");
	EXPECT(i >= 0 && l.img->symbols[i].binding == OBJLOAD_BIND_LOCAL, "_local_counter");
	/* objload's own (abi/darwin/libsystem.c): a local absolute */
	i = tu_find_symbol(l.img, "_memset_pattern16");
	EXPECT(i >= 0 && l.img->symbols[i].def == OBJLOAD_DEF_ABSOLUTE &&
	       l.img->symbols[i].binding == OBJLOAD_BIND_LOCAL && l.img->symbols[i].value,
	       "_memset_pattern16 is bound to objload's own");
	i = tu_find_symbol(l.img, "__CurrentRuneLocale");
	EXPECT(i >= 0 && strcmp(l.img->symbols[i].cname, "_CurrentRuneLocale") == 0 &&
	       l.img->symbols[i].def == OBJLOAD_DEF_UNDEFINED,
	       "__CurrentRuneLocale keeps its C-level name");
	tu_unload(&l);

	/* `objload info` shows the platform and the names with no glibc
	 * counterpart */
	snprintf(cmd, sizeof(cmd), "%s info %s 2>&1", tu_objload_bin(), obj);
	info = tu_capture(cmd, NULL);
	EXPECT(info && strstr(info, "built for macos 11.0"), "info: platform: %s",
	       info ? info : "");
	EXPECT(info && strstr(info, "without a glibc counterpart: __CurrentRuneLocale"),
	       "info: unsupported names: %s", info ? info : "");
	free(info);
}

/* ---- Universal files, plan, probe ---------------------------------------- */

static void test_macho_fat(void)
{
	char x86[256], arm[256], fat[256], cmd[2048], lipo[256], *out;
	const char *src = OBJLOAD_TEST_SRCDIR "/programs/args/main.c";
	const char *dir = OBJLOAD_TEST_SRCDIR "/programs/args";
	struct tu_loaded l;
	int status = -1;

	if (mt_compile("x86_64-apple-macos11", "O2", src, dir, x86, sizeof(x86)) ||
	    mt_compile("arm64-apple-macos11", "O2", src, dir, arm, sizeof(arm))) {
		EXPECT(0, "args/main.c does not compile");
		return;
	}
	out = tu_capture("command -v llvm-lipo || command -v llvm-lipo-14", NULL);
	lipo[0] = '\0';
	if (out && out[0]) {
		out[strcspn(out, "\n")] = '\0';
		snprintf(lipo, sizeof(lipo), "%s", out);
	}
	free(out);
	EXPECT(lipo[0] != '\0', "no llvm-lipo");
	if (!lipo[0])
		return;
	snprintf(fat, sizeof(fat), "%s/fat.o", mt_tmp);
	snprintf(cmd, sizeof(cmd), "%s -create %s %s -output %s 2>&1", lipo, arm, x86, fat);
	free(tu_capture(cmd, &status));
	EXPECT(status == 0, "llvm-lipo failed");
	if (tu_load_file(&l, fat, "test.o") != OBJLOAD_OK) {
		EXPECT(0, "fat.o: %s", l.msg);
	} else {
		objload_plan_choice ch = { 0 };

		EXPECT(l.img->arch == MT_HOST_ARCH, "the host's slice");
		EXPECT(l.img->format->plan(l.img,
				&(objload_plan_query){ .forced = OBJLOAD_STRATEGY_AUTO }, &ch) == OBJLOAD_OK &&
		       ch.strategy == OBJLOAD_STRATEGY_WHOLE &&
		       strstr(ch.reason, "slice of a universal file"), "plan: %s",
		       ch.reason ? ch.reason : "");
		EXPECT(l.img->format->plan(l.img,
				&(objload_plan_query){ .forced = OBJLOAD_STRATEGY_SECTION }, &ch) == OBJLOAD_OK &&
		       ch.strategy == OBJLOAD_STRATEGY_SECTION, "forced section");
	}
	tu_unload(&l);

	/* objload_set_arch / --arch pick another slice */
	{
		objload_session *as;
		const objload_image *ai;

		EXPECT(objload_session_new(&as) == OBJLOAD_OK, "session");
		EXPECT(objload_set_arch(as, "arm64") == OBJLOAD_OK, "set_arch arm64");
		EXPECT(objload_add_file(as, fat) == OBJLOAD_OK, "fat.o as arm64: %s",
		       objload_errmsg(as));
		ai = objload_get_image(as, 0);
		EXPECT(ai && ai->arch == OBJLOAD_ARCH_AARCH64, "the arm64 slice");
		EXPECT(objload_set_arch(as, "sparc") == OBJLOAD_ERR_ARGUMENT, "unknown arch");
		objload_session_free(as);
	}
	snprintf(cmd, sizeof(cmd), "%s info --arch=arm64 %s 2>&1", tu_objload_bin(), fat);
	out = tu_capture(cmd, &status);
	EXPECT(status == 0 && out && strstr(out, "arch: aarch64"), "info --arch=arm64: %d %s",
	       status, out ? out : "");
	free(out);
	snprintf(cmd, sizeof(cmd), "%s info %s 2>&1", tu_objload_bin(), fat);
	out = tu_capture(cmd, &status);
	EXPECT(status == 0 && out && strstr(out, "arch: " MT_HOST_ARCH_NAME), "info (host slice): %d %s",
	       status, out ? out : "");
	free(out);
	snprintf(cmd, sizeof(cmd), "%s info --arch=sparc %s 2>&1", tu_objload_bin(), fat);
	out = tu_capture(cmd, &status);
	EXPECT(status == 2 && out &&
	       strstr(out, "unknown arch"), "info --arch=sparc: %d %s",
	       status, out ? out : "");
	free(out);

	/* a universal file without the host's slice */
	snprintf(cmd, sizeof(cmd), "%s -create %s -output %s/otherfat.o 2>&1",
		 lipo, MT_HOST_ARCH == OBJLOAD_ARCH_AARCH64 ? x86 : arm, mt_tmp);
	free(tu_capture(cmd, &status));
	snprintf(fat, sizeof(fat), "%s/otherfat.o", mt_tmp);
	if (status == 0) {
		tu_load_file(&l, fat, "test.o");
		EXPECT(l.status == OBJLOAD_ERR_UNSUPPORTED &&
		       strstr(l.msg, MT_HOST_ARCH == OBJLOAD_ARCH_AARCH64 ? "x86_64" : "arm64"),
		       "universal file without the host's slice: %d %s", l.status, l.msg);
		tu_unload(&l);
	}
}

/* ---- Malformed files ---------------------------------------------------- */

/* The offset of the first load command `cmd`, or 0. */
static size_t lc_find(const uint8_t *f, size_t len, uint32_t cmd)
{
	size_t off = 32;
	uint32_t n = (uint32_t)tu_get_le(f + 16, 4);

	for (uint32_t i = 0; i < n && off + 8 <= len; i++) {
		if (tu_get_le(f + off, 4) == cmd)
			return off;
		if (tu_get_le(f + off + 4, 4) == 0)
			return 0;
		off += tu_get_le(f + off + 4, 4);
	}
	return 0;
}

#define SEG(f, len) lc_find(f, len, 0x19)
#define SYMTAB(f, len) lc_find(f, len, 0x2)
/* section_64 k of the first segment */
#define SECT(f, len, k) (SEG(f, len) + 72 + 80 * (k))

/* The first section with relocations, and its first relocation. */
static uint8_t *first_reloc(uint8_t *f, size_t len)
{
	size_t seg = SEG(f, len);
	uint32_t n = (uint32_t)tu_get_le(f + seg + 64, 4);

	for (uint32_t k = 0; k < n; k++) {
		uint8_t *s = f + seg + 72 + 80 * k;

		if (tu_get_le(s + 60, 4))
			return f + tu_get_le(s + 56, 4);
	}
	return NULL;
}

struct corruption {
	const char *name;
	void (*apply)(uint8_t *f, size_t *len);
	objload_status want;
	const char *mention;
};

static void c_trunc_header(uint8_t *f, size_t *len) { (void)f; *len = 20; }
static void c_trunc_cmds(uint8_t *f, size_t *len) { *len = 32 + tu_get_le(f + 20, 4) - 4; }
static void c_trunc_last(uint8_t *f, size_t *len) { (void)f; *len -= 1; }
static void c_cmdsize0(uint8_t *f, size_t *len) { (void)len; tu_put_le(f + 36, 4, 0); }
static void c_cmdsize_odd(uint8_t *f, size_t *len) { (void)len; tu_put_le(f + 36, 4, tu_get_le(f + 36, 4) + 4); }
static void c_sizeofcmds(uint8_t *f, size_t *len) { tu_put_le(f + 20, 4, *len); }
static void c_ncmds(uint8_t *f, size_t *len) { (void)len; tu_put_le(f + 16, 4, 1000000); }
static void c_nsects(uint8_t *f, size_t *len) { tu_put_le(f + SEG(f, *len) + 64, 4, 0xffffffffu); }
static void c_nsects_some(uint8_t *f, size_t *len) { tu_put_le(f + SEG(f, *len) + 64, 4, tu_get_le(f + SEG(f, *len) + 64, 4) + 1); }
static void c_symoff(uint8_t *f, size_t *len) { tu_put_le(f + SYMTAB(f, *len) + 8, 4, *len - 8); }
static void c_nsyms(uint8_t *f, size_t *len) { tu_put_le(f + SYMTAB(f, *len) + 12, 4, 0x7fffffu); }
static void c_stroff(uint8_t *f, size_t *len) { tu_put_le(f + SYMTAB(f, *len) + 16, 4, *len - 2); }
static void c_strsize(uint8_t *f, size_t *len) { tu_put_le(f + SYMTAB(f, *len) + 20, 4, 0xfffffff0u); }
static void c_n_strx(uint8_t *f, size_t *len)
{
	size_t st = SYMTAB(f, *len);

	tu_put_le(f + tu_get_le(f + st + 8, 4), 4, tu_get_le(f + st + 20, 4) + 5);
}
static void c_n_sect(uint8_t *f, size_t *len)
{
	size_t st = SYMTAB(f, *len);
	uint8_t *sym = f + tu_get_le(f + st + 8, 4);

	sym[4] = 0x0e;   /* N_SECT */
	sym[5] = 200;
}
static void c_n_value(uint8_t *f, size_t *len)
{
	size_t st = SYMTAB(f, *len);
	uint8_t *sym = f + tu_get_le(f + st + 8, 4);

	sym[4] = 0x0e;
	sym[5] = 1;
	tu_put_le(sym + 8, 8, 0x7fffffffffull);
}
static void c_n_type(uint8_t *f, size_t *len)
{
	size_t st = SYMTAB(f, *len);

	f[tu_get_le(f + st + 8, 4) + 4] = 0x06;
}
static void c_indr(uint8_t *f, size_t *len)
{
	size_t st = SYMTAB(f, *len);

	f[tu_get_le(f + st + 8, 4) + 4] = 0x0b;
}
static void c_sect_offset(uint8_t *f, size_t *len) { tu_put_le(f + SECT(f, *len, 0) + 48, 4, *len); }
static void c_sect_align(uint8_t *f, size_t *len) { tu_put_le(f + SECT(f, *len, 0) + 52, 4, 40); }
static void c_sect_type(uint8_t *f, size_t *len) { tu_put_le(f + SECT(f, *len, 0) + 64, 4, 0x80000430u); }
static void c_reloff(uint8_t *f, size_t *len) { tu_put_le(f + SECT(f, *len, 0) + 56, 4, *len - 4); }
static void c_nreloc(uint8_t *f, size_t *len) { tu_put_le(f + SECT(f, *len, 0) + 60, 4, 0x10000000u); }
static void c_r_symbolnum(uint8_t *f, size_t *len)
{
	uint8_t *r = first_reloc(f, *len);
	uint32_t w = (uint32_t)tu_get_le(r + 4, 4);

	tu_put_le(r + 4, 4, (w & 0xff000000u) | 0x08000000u | 0xfffff0u);
}
static void c_r_section(uint8_t *f, size_t *len)
{
	uint8_t *r = first_reloc(f, *len);
	uint32_t w = (uint32_t)tu_get_le(r + 4, 4);

	tu_put_le(r + 4, 4, (w & 0xf7000000u) | 77u);   /* r_extern 0, section 77 */
}
static void c_r_address(uint8_t *f, size_t *len) { tu_put_le(first_reloc(f, *len), 4, 0x7ffffff0u); }
static void c_r_type(uint8_t *f, size_t *len)
{
	uint8_t *r = first_reloc(f, *len);

	tu_put_le(r + 4, 4, (tu_get_le(r + 4, 4) & 0x0fffffffu) | 0xf0000000u);
}
static void c_r_length(uint8_t *f, size_t *len)
{
	uint8_t *r = first_reloc(f, *len);

	tu_put_le(r + 4, 4, (tu_get_le(r + 4, 4) & ~0x06000000u));   /* 1 byte */
}
static void c_scattered(uint8_t *f, size_t *len) { first_reloc(f, *len)[3] |= 0x80; }
static void c_magic_be(uint8_t *f, size_t *len) { (void)len; tu_put_le(f, 4, 0xcffaedfeu); }
static void c_magic_32(uint8_t *f, size_t *len) { (void)len; tu_put_le(f, 4, 0xfeedfaceu); }
static void c_cputype(uint8_t *f, size_t *len) { (void)len; tu_put_le(f + 4, 4, 18); }
static void c_filetype(uint8_t *f, size_t *len) { (void)len; tu_put_le(f + 12, 4, 2); }

static const struct corruption mt_corruptions[] = {
	{ "truncated header", c_trunc_header, OBJLOAD_ERR_FORMAT, "mach_header_64" },
	{ "truncated load commands", c_trunc_cmds, OBJLOAD_ERR_FORMAT, "sizeofcmds" },
	{ "truncated last byte", c_trunc_last, OBJLOAD_ERR_FORMAT, "" },
	{ "cmdsize 0", c_cmdsize0, OBJLOAD_ERR_FORMAT, "cmdsize" },
	{ "cmdsize not a multiple of 8", c_cmdsize_odd, OBJLOAD_ERR_FORMAT, "cmdsize" },
	{ "sizeofcmds past the end", c_sizeofcmds, OBJLOAD_ERR_FORMAT, "sizeofcmds" },
	{ "ncmds huge", c_ncmds, OBJLOAD_ERR_FORMAT, "ncmds" },
	{ "nsects overflow", c_nsects, OBJLOAD_ERR_FORMAT, "nsects" },
	{ "nsects one too many", c_nsects_some, OBJLOAD_ERR_FORMAT, "nsects" },
	{ "symoff past the end", c_symoff, OBJLOAD_ERR_FORMAT, "symoff" },
	{ "nsyms huge", c_nsyms, OBJLOAD_ERR_FORMAT, "symbols" },
	{ "stroff past the end", c_stroff, OBJLOAD_ERR_FORMAT, "string table" },
	{ "strsize huge", c_strsize, OBJLOAD_ERR_FORMAT, "string table" },
	{ "n_strx out of range", c_n_strx, OBJLOAD_ERR_FORMAT, "n_strx" },
	{ "n_sect out of range", c_n_sect, OBJLOAD_ERR_FORMAT, "n_sect" },
	{ "n_value outside its section", c_n_value, OBJLOAD_ERR_FORMAT, "n_value" },
	{ "unknown n_type", c_n_type, OBJLOAD_ERR_FORMAT, "N_TYPE" },
	{ "N_INDR", c_indr, OBJLOAD_ERR_UNSUPPORTED, "N_INDR" },
	{ "section offset past the end", c_sect_offset, OBJLOAD_ERR_FORMAT, "contents" },
	{ "section alignment 2^40", c_sect_align, OBJLOAD_ERR_FORMAT, "alignment" },
	{ "unknown section type", c_sect_type, OBJLOAD_ERR_FORMAT, "section type" },
	{ "reloff past the end", c_reloff, OBJLOAD_ERR_FORMAT, "reloff" },
	{ "nreloc huge", c_nreloc, OBJLOAD_ERR_FORMAT, "reloff" },
	{ "r_symbolnum out of range", c_r_symbolnum, OBJLOAD_ERR_FORMAT, "r_symbolnum" },
	{ "section ordinal out of range", c_r_section, OBJLOAD_ERR_FORMAT, "r_symbolnum" },
	{ "r_address past the section", c_r_address, OBJLOAD_ERR_FORMAT, "outside the section" },
	{ "unknown r_type", c_r_type, OBJLOAD_ERR_FORMAT, "relocation type" },
	{ "r_length illegal", c_r_length, OBJLOAD_ERR_FORMAT, "r_length" },
	{ "scattered relocation", c_scattered, OBJLOAD_ERR_UNSUPPORTED, "scattered" },
	{ "big-endian", c_magic_be, OBJLOAD_ERR_UNSUPPORTED, "big-endian" },
	{ "32-bit", c_magic_32, OBJLOAD_ERR_UNSUPPORTED, "32-bit" },
	{ "cputype", c_cputype, OBJLOAD_ERR_UNSUPPORTED, "CPU type" },
	{ "MH_EXECUTE", c_filetype, OBJLOAD_ERR_UNSUPPORTED, "MH_OBJECT" },
};

/* SUBTRACTOR not followed by UNSIGNED: relocs.s's first pair (in
 * __DATA,__data, whose relocations llvm-mc writes last first). */
static void c_subtractor(uint8_t *f, size_t *len)
{
	size_t seg = SEG(f, *len);
	uint32_t n = (uint32_t)tu_get_le(f + seg + 64, 4);

	for (uint32_t k = 0; k < n; k++) {
		uint8_t *s = f + seg + 72 + 80 * k;
		uint8_t *r = f + tu_get_le(s + 56, 4);

		for (uint32_t i = 0; i + 1 < tu_get_le(s + 60, 4); i++, r += 8) {
			if ((tu_get_le(r + 4, 4) >> 28) == 5) {   /* SUBTRACTOR */
				/* the UNSIGNED after it becomes SIGNED */
				tu_put_le(r + 12, 4, (tu_get_le(r + 12, 4) & 0x0fffffffu) | 0x10000000u);
				return;
			}
		}
	}
}

static const struct corruption mt_pair_corruptions[] = {
	{ "SUBTRACTOR not followed by UNSIGNED", c_subtractor, OBJLOAD_ERR_FORMAT, "followed by an UNSIGNED" },
};

static void mt_run_corruptions(const char *obj, const struct corruption *cs, size_t n)
{
	uint8_t *orig;
	size_t olen;

	if (!(orig = tu_read_file(obj, &olen))) {
		EXPECT(0, "cannot read %s", obj);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t *f = tu_memdup(orig, olen);
		size_t len = olen;
		struct tu_loaded l;

		cs[i].apply(f, &len);
		tu_load_memory(&l, "test.o", f, len);
		EXPECT(l.status == cs[i].want && l.msg[0] && strstr(l.msg, cs[i].mention),
		       "%s: status %d, message \"%s\" (want %d mentioning \"%s\")",
		       cs[i].name, l.status, l.msg, cs[i].want, cs[i].mention);
		tu_unload(&l);
	}
	free(orig);
}

static void test_macho_malformed(void)
{
	char obj[256], asmobj[256];
	const char *dir = OBJLOAD_TEST_SRCDIR "/programs/libc";

	if (mt_compile("x86_64-apple-macos11", "O2", OBJLOAD_TEST_SRCDIR "/programs/libc/main.c",
		       dir, obj, sizeof(obj)) == 0)
		mt_run_corruptions(obj, mt_corruptions,
				   sizeof(mt_corruptions) / sizeof(mt_corruptions[0]));
	else
		EXPECT(0, "libc/main.c does not compile");
	if (mt_build(asmobj, sizeof(asmobj), "llvm-mc -triple=%s -filetype=obj %s -o %s 2>&1",
		     "x86_64-apple-macos11", MACHO_SRC "/relocs.s") == 0)
		mt_run_corruptions(asmobj, mt_pair_corruptions,
				   sizeof(mt_pair_corruptions) / sizeof(mt_pair_corruptions[0]));
	else
		EXPECT(0, "relocs.s does not assemble");
}

/* Random bytes over the header, the load commands and the tables: any
 * status, never a crash (run under the sanitizers in CI). */
static void test_macho_fuzz(void)
{
	char obj[256];
	uint8_t *orig;
	size_t olen;
	uint32_t seed = 0x9e3779b9u;
	unsigned ok = 0;

	if (mt_compile("x86_64-apple-macos11", "O2", OBJLOAD_TEST_SRCDIR "/programs/calc/parser.c",
		       OBJLOAD_TEST_SRCDIR "/programs/calc", obj, sizeof(obj)) ||
	    !(orig = tu_read_file(obj, &olen))) {
		EXPECT(0, "calc/parser.c does not compile");
		return;
	}
	for (int round = 0; round < 3000; round++) {
		uint8_t *f = tu_memdup(orig, olen);
		struct tu_loaded l;
		int flips;

		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		flips = 1 + (int)(seed % 4);
		for (int k = 0; k < flips; k++) {
			size_t where;

			seed ^= seed << 13;
			seed ^= seed >> 17;
			seed ^= seed << 5;
			/* mostly the header and load commands, sometimes anywhere */
			where = (seed & 3) ? (seed >> 8) % (32 + tu_get_le(orig + 20, 4)) :
				(seed >> 8) % olen;
			f[where] ^= (uint8_t)(1u << ((seed >> 4) & 7));
		}
		tu_load_memory(&l, "test.o", f, olen);
		ok += l.status == OBJLOAD_OK;
		EXPECT(l.status == OBJLOAD_OK || l.msg[0], "round %d: error without message",
		       round);
		tu_unload(&l);
	}
	free(orig);
	EXPECT(ok < 3000, "every mutation accepted");
}

static void test_macho_probe(void)
{
	static const uint8_t java[8] = { 0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52 };
	static const uint8_t fat[8] = { 0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2 };
	static const uint8_t thin[4] = { 0xcf, 0xfa, 0xed, 0xfe };
	uint8_t *copy;
	struct tu_loaded l;

	copy = tu_memdup(java, 8);
	tu_load_memory(&l, "test.o", copy, 8);
	EXPECT(l.status != OBJLOAD_OK && !strstr(l.msg, "universal"),
	       "a Java class file is not a universal file: %s", l.msg);
	tu_unload(&l);
	copy = tu_memdup(fat, 8);
	tu_load_memory(&l, "test.o", copy, 8);
	EXPECT(l.status == OBJLOAD_ERR_FORMAT && strstr(l.msg, "universal"),
	       "a truncated universal file: %s", l.msg);
	tu_unload(&l);
	copy = tu_memdup(thin, 4);
	tu_load_memory(&l, "test.o", copy, 4);
	EXPECT(l.status == OBJLOAD_ERR_FORMAT && strstr(l.msg, "mach_header_64"),
	       "a bare magic number: %s", l.msg);
	tu_unload(&l);
}

/* ---- Registration --------------------------------------------------------- */

int objload_test_register_macho(void)
{
	CU_pSuite s = CU_add_suite("macho", mt_suite_init, mt_suite_cleanup);

	if (!s ||
	    !CU_add_test(s, "probe", test_macho_probe) ||
	    !CU_add_test(s, "x86_64 objects vs llvm-readobj", test_macho_readobj_x86_64) ||
	    !CU_add_test(s, "arm64 objects vs llvm-readobj", test_macho_readobj_arm64) ||
	    !CU_add_test(s, "addends of every relocation form", test_macho_addends) ||
	    !CU_add_test(s, "names, aliases, weak, hidden", test_macho_names) ||
	    !CU_add_test(s, "universal file", test_macho_fat) ||
	    !CU_add_test(s, "malformed files", test_macho_malformed) ||
	    !CU_add_test(s, "fuzz", test_macho_fuzz))
		return -1;
	return 0;
}
