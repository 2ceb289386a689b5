/* SPDX-License-Identifier: MIT */
/*
 * Suite "bfd": the run-time bfd plug-in (plugins/bfd) and GNU libbfd as
 * the independent oracle of the native ELF and COFF parsers.
 *
 *   - oracle: every program of tests/programs/ compiled by gcc and clang
 *     (-O0, -O2 -fPIC) and by x86_64-w64-mingw32-gcc (-O0, -O2), plus a
 *     capped sample of members of the host's static archives, parsed once
 *     natively and once with objload_set_format("bfd"): sections, symbols
 *     and relocations must agree except where a rule below (code and
 *     comment, also in docs/plugins.md) explains the difference;
 *   - run: calc, multiobj, switch and libc (ELF) and calc, multiobj and
 *     switch (COFF, MinGW gcc -O2) give the same output and exit status
 *     through --format=bfd as natively, under both strategies;
 *   - API: objload_set_format and objload_load_plugin errors.
 *
 * Mach-O is not here: Debian's libbfd cannot read it; the macho suite uses
 * llvm-readobj as its oracle.
 */
#define _GNU_SOURCE
#include <CUnit/Basic.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objload.h"
#include "objload/plugin.h"
#include "tests/tests.h"
#include "tests/util.h"

#define BFDT_MAX_ARCHIVE_MEMBERS 60   /* per archive: keeps the suite short */

TU_SUITE_TMPDIR(bfdt_tmp, "bfd", bfdt_init, bfdt_clean)

/* ---- Comparing two images ---------------------------------------------- */

struct bfdt_cmp {
	const char *path;
	int coff;
	unsigned diffs;
	char first[1024];
};

static void bfdt_diff(struct bfdt_cmp *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void bfdt_diff(struct bfdt_cmp *c, const char *fmt, ...)
{
	va_list ap;

	if (c->diffs++ == 0) {
		int n = snprintf(c->first, sizeof(c->first), "%s: ", c->path);

		va_start(ap, fmt);
		vsnprintf(c->first + n, sizeof(c->first) - (size_t)n, fmt, ap);
		va_end(ap);
	}
}

/* Rule: bfd has no section for ELF's relocation, symbol, string and
 * extended-index tables (it reads them into relocations and symbols), nor
 * for section 0. */
static int bfdt_native_only_section(const objload_section *s)
{
	static const char *const types[] = {
		"NULL", "RELA", "REL", "SYMTAB", "STRTAB", "SYMTAB_SHNDX",
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (s->native_type && strcmp(s->native_type, types[i]) == 0)
			return 1;
	return s->name[0] == '\0';
}

/* Image section index of native section `i` in the bfd image: the k-th
 * section of the same name (names repeat: COMDAT .text sections). */
static uint32_t bfdt_match_section(const objload_image *n, uint32_t i,
				   const objload_image *b)
{
	uint32_t k = 0;

	for (uint32_t j = 1; j < i; j++)
		if (strcmp(n->sections[j].name, n->sections[i].name) == 0)
			k++;
	for (uint32_t j = 1; j < b->nsections; j++)
		if (strcmp(b->sections[j].name, n->sections[i].name) == 0 && k-- == 0)
			return j;
	return OBJLOAD_NO_INDEX;
}

static void bfdt_sections(struct bfdt_cmp *c, const objload_image *n,
			  const objload_image *b, uint32_t *map)
{
	uint32_t matched = 0;

	for (uint32_t i = 0; i < n->nsections; i++) {
		const objload_section *ns = &n->sections[i], *bs;
		uint32_t j;

		map[i] = OBJLOAD_NO_INDEX;
		if (i == 0 || bfdt_native_only_section(ns))
			continue;
		j = bfdt_match_section(n, i, b);
		if (j == OBJLOAD_NO_INDEX) {
			bfdt_diff(c, "section %u %s: not in bfd's view", i, ns->name);
			continue;
		}
		map[i] = j;
		matched++;
		bs = &b->sections[j];
		if (ns->size != bs->size)
			bfdt_diff(c, "section %s: size 0x%" PRIx64 " vs bfd 0x%" PRIx64,
				  ns->name, ns->size, bs->size);
		/* Rule: COFF's IMAGE_SCN_ALIGN_* field of a section without
		 * it means 16 to both; bfd agrees on every other value. */
		if (ns->align != bs->align)
			bfdt_diff(c, "section %s: align %" PRIu64 " vs bfd %" PRIu64,
				  ns->name, ns->align, bs->align);
		/* Flags: both plug-ins derive the role from them (bfd's
		 * SEC_ALLOC/LOAD/CODE/READONLY/THREAD_LOCAL against the
		 * format's own bits).  Rule: a non-loaded section may be
		 * "noload" to one and "debug" to the other only by name
		 * (.debug* vs other metadata), never loaded vs not. */
		if (ns->role != bs->role)
			bfdt_diff(c, "section %s: role %d vs bfd %d", ns->name, ns->role,
				  bs->role);
		/* Rule: an empty section has no bytes to bfd. */
		if (ns->size && (!ns->bytes != !bs->bytes ||
				 (ns->bytes && memcmp(ns->bytes, bs->bytes, ns->size))))
			bfdt_diff(c, "section %s: contents differ", ns->name);
		if ((ns->group == OBJLOAD_NO_INDEX) != (bs->group == OBJLOAD_NO_INDEX) ||
		    (ns->group != OBJLOAD_NO_INDEX &&
		     strcmp(n->groups[ns->group].key, b->groups[bs->group].key)))
			bfdt_diff(c, "section %s: COMDAT group differs", ns->name);
	}
	if (matched != b->nsections - 1)
		bfdt_diff(c, "bfd has %u sections, %u matched", b->nsections - 1, matched);
}

/* Rule: the native COFF plug-in keeps auxiliary symbol records as empty
 * placeholders so that indices are the file's; bfd omits them. */
static int bfdt_coff_aux(const objload_symbol *s)
{
	return s->name[0] == '\0' && s->def == OBJLOAD_DEF_ABSOLUTE &&
	       s->type == OBJLOAD_SYM_NOTYPE && s->binding == OBJLOAD_BIND_LOCAL;
}

static void bfdt_symbol(struct bfdt_cmp *c, const objload_image *n, uint32_t i,
			const objload_image *b, uint32_t j, const uint32_t *map)
{
	const objload_symbol *ns = &n->symbols[i], *bs = &b->symbols[j];

	/* Rule: a COFF .file symbol is named ".file" in the file; bfd
	 * names it after the source file held in its aux record. */
	if (!(c->coff && ns->type == OBJLOAD_SYM_FILE) && strcmp(ns->name, bs->name))
		bfdt_diff(c, "symbol %u: name %s vs bfd %s", i, ns->name, bs->name);
	if (ns->binding != bs->binding)
		bfdt_diff(c, "symbol %s: binding %d vs bfd %d", ns->name, ns->binding,
			  bs->binding);
	/* Rule: a COFF weak external whose default is defined in the file
	 * is a weak definition to the native plug-in (what a COFF linker
	 * makes of it); bfd keeps an undefined weak symbol and its public
	 * API does not expose the default (the aux record's tag index). */
	if (c->coff && ns->binding == OBJLOAD_BIND_WEAK &&
	    bs->binding == OBJLOAD_BIND_WEAK && bs->def == OBJLOAD_DEF_UNDEFINED)
		return;
	if (ns->def != bs->def) {
		bfdt_diff(c, "symbol %s: definition %d vs bfd %d", ns->name, ns->def, bs->def);
		return;
	}
	/* Rule: bfd's public API has no ELF common alignment (bfd's value
	 * is the size), so only the size of a common is compared. */
	if (ns->def == OBJLOAD_DEF_COMMON) {
		if (ns->size != bs->size)
			bfdt_diff(c, "common %s: size %" PRIu64 " vs bfd %" PRIu64, ns->name,
				  ns->size, bs->size);
	} else if (ns->value != bs->value) {
		bfdt_diff(c, "symbol %s: value 0x%" PRIx64 " vs bfd 0x%" PRIx64, ns->name,
			  ns->value, bs->value);
	}
	if (ns->def == OBJLOAD_DEF_SECTION && map[ns->section] != bs->section)
		bfdt_diff(c, "symbol %s: section %s vs bfd %s", ns->name,
			  n->sections[ns->section].name, b->sections[bs->section].name);
	/* Rule: bfd does not carry COFF's function type (it has no
	 * BSF_FUNCTION for COFF), so COFF function/notype are equal. */
	if (ns->type != bs->type &&
	    !(c->coff && ns->type == OBJLOAD_SYM_FUNC && bs->type == OBJLOAD_SYM_NOTYPE) &&
	    !(ns->type == OBJLOAD_SYM_OBJECT && ns->def == OBJLOAD_DEF_COMMON))
		bfdt_diff(c, "symbol %s: type %d vs bfd %d", ns->name, ns->type, bs->type);
	if (ns->indirect != bs->indirect)
		bfdt_diff(c, "symbol %s: indirect %d vs bfd %d", ns->name, ns->indirect,
			  bs->indirect);
}

/* Symbol correspondence native -> bfd. */
static void bfdt_symbols(struct bfdt_cmp *c, const objload_image *n,
			 const objload_image *b, const uint32_t *map, uint32_t *smap)
{
	/* Rule: ELF's null symbol 0 is put back by the plug-in (bfd omits
	 * it); COFF has none. */
	uint32_t j = c->coff ? 0 : 1;

	smap[0] = 0;
	for (uint32_t i = j; i < n->nsymbols; i++) {
		smap[i] = OBJLOAD_NO_INDEX;
		if (c->coff && bfdt_coff_aux(&n->symbols[i]))
			continue;
		/* Rule: symbols bfd made up for section relocations have no
		 * native_index: they are not in bfd's table. */
		while (j < b->nsymbols && b->symbols[j].native_index == OBJLOAD_NO_INDEX)
			j++;
		if (j >= b->nsymbols) {
			bfdt_diff(c, "symbol %u %s: not in bfd's table", i, n->symbols[i].name);
			return;
		}
		smap[i] = j;
		bfdt_symbol(c, n, i, b, j, map);
		j++;
	}
	for (; j < b->nsymbols; j++)
		if (b->symbols[j].native_index != OBJLOAD_NO_INDEX)
			bfdt_diff(c, "bfd symbol %s: not in the native table", b->symbols[j].name);
}

/* The name and section a relocation's target stands for, to compare
 * targets across the two images. */
static void bfdt_target(const objload_image *img, uint32_t sym, const char **name,
			const char **sec)
{
	*name = "(none)";
	*sec = "";
	if (sym == OBJLOAD_NO_INDEX || sym >= img->nsymbols)
		return;
	*name = img->symbols[sym].name;
	if (img->symbols[sym].def == OBJLOAD_DEF_SECTION)
		*sec = img->sections[img->symbols[sym].section].name;
	/* Rule: an ELF section symbol's name is its section's in both. */
}

static void bfdt_edges(struct bfdt_cmp *c, const objload_image *n,
		       const objload_image *b, const uint32_t *map)
{
	size_t k = 0;

	/* both list relocations section by section in section order; bfd's
	 * section order is the file's */
	for (size_t i = 0; i < n->nedges; i++) {
		const objload_edge *ne = &n->edges[i], *be;
		const char *nn, *ns, *bn, *bsn;

		if (k >= b->nedges) {
			bfdt_diff(c, "relocation %zu: bfd has only %zu", i, b->nedges);
			return;
		}
		be = &b->edges[k++];
		if (map[ne->section] != be->section || ne->offset != be->offset) {
			bfdt_diff(c, "relocation %zu: at %s+0x%" PRIx64 " vs bfd %s+0x%" PRIx64,
				  i, n->sections[ne->section].name, ne->offset,
				  b->sections[be->section].name, be->offset);
			return;
		}
		if (ne->native_type != be->native_type || ne->kind != be->kind)
			bfdt_diff(c, "relocation %s+0x%" PRIx64 ": type %u kind %s vs bfd %u %s",
				  n->sections[ne->section].name, ne->offset, ne->native_type,
				  objload_kind_name(n->arch, ne->kind), be->native_type,
				  objload_kind_name(b->arch, be->kind));
		bfdt_target(n, ne->symbol, &nn, &ns);
		bfdt_target(b, be->symbol, &bn, &bsn);
		/* Rule: the COFF weak-external rule above: by name only. */
		if (c->coff && be->symbol < b->nsymbols &&
		    b->symbols[be->symbol].binding == OBJLOAD_BIND_WEAK &&
		    b->symbols[be->symbol].def == OBJLOAD_DEF_UNDEFINED)
			ns = bsn;
		if (strcmp(nn, bn) || strcmp(ns, bsn))
			bfdt_diff(c, "relocation %s+0x%" PRIx64 ": symbol %s(%s) vs bfd %s(%s)",
				  n->sections[ne->section].name, ne->offset, nn, ns, bn, bsn);
		if (ne->addend != be->addend)
			bfdt_diff(c, "relocation %s+0x%" PRIx64 ": addend %" PRId64 " vs bfd %" PRId64,
				  n->sections[ne->section].name, ne->offset, ne->addend,
				  be->addend);
	}
	if (k != b->nedges)
		bfdt_diff(c, "bfd has %zu relocations, native %zu", b->nedges, n->nedges);
}

/* Parse `path` natively and through bfd and compare.  Returns 1 when
 * compared (0: the native parser refused it, nothing to compare), -1 on
 * a difference (reported). */
static int bfdt_compare_file(const char *path, unsigned *skipped)
{
	objload_session *sn = NULL, *sb = NULL;
	const objload_image *n, *b;
	struct bfdt_cmp c = { .path = path };
	uint32_t *map = NULL, *smap = NULL;
	int rc = 1;

	CU_ASSERT_FATAL(objload_session_new(&sn) == OBJLOAD_OK);
	CU_ASSERT_FATAL(objload_session_new(&sb) == OBJLOAD_OK);
	if (objload_add_file(sn, path) != OBJLOAD_OK) {
		/* e.g. TLS or a type the native plug-in refuses */
		(*skipped)++;
		rc = 0;
		goto out;
	}
	CU_ASSERT_FATAL(objload_set_format(sb, "bfd") == OBJLOAD_OK);
	if (objload_add_file(sb, path) != OBJLOAD_OK) {
		fprintf(stderr, "\n  bfd: %s\n", objload_errmsg(sb));
		CU_FAIL("the bfd plug-in refused a file the native one reads");
		rc = -1;
		goto out;
	}
	n = objload_get_image(sn, 0);
	b = objload_get_image(sb, 0);
	c.coff = strcmp(n->format->name, "coff") == 0;
	if (n->callconv != b->callconv || n->arch != b->arch || n->kind != b->kind)
		bfdt_diff(&c, "callconv/arch/kind differ");
	map = calloc(n->nsections + 1, sizeof(*map));
	smap = calloc(n->nsymbols + 1, sizeof(*smap));
	CU_ASSERT_FATAL(map && smap);
	bfdt_sections(&c, n, b, map);
	bfdt_symbols(&c, n, b, map, smap);
	bfdt_edges(&c, n, b, map);
	if (c.diffs) {
		fprintf(stderr, "\n  %u difference(s), first: %s\n", c.diffs, c.first);
		rc = -1;
	}
out:
	free(map);
	free(smap);
	objload_session_free(sn);
	objload_session_free(sb);
	return rc;
}

/* Every regular file under dir whose name ends in one of the suffixes. */
static void bfdt_compare_dir(const char *dir, unsigned *compared, unsigned *failed,
			     unsigned *skipped)
{
	char cmd[4096], line[4096];
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "find '%s' -type f \\( -name '*.o' -o -name '*.obj' \\) | sort", dir);
	f = popen(cmd, "r");
	CU_ASSERT_FATAL(f != NULL);
	while (fgets(line, sizeof(line), f)) {
		int rc;

		line[strcspn(line, "\n")] = '\0';
		rc = bfdt_compare_file(line, skipped);
		if (rc > 0)
			(*compared)++;
		else if (rc < 0)
			(*failed)++;
	}
	pclose(f);
}

/* Compile every program of tests/programs with one compiler and flag set
 * into DIR/TAG/PROGRAM/, in parallel. */
static void bfdt_build_all(const char *tag, const char *cc)
{
	tu_sh("cd '%s/programs' && for p in */; do p=${p%%/}; "
		"ls $p/*.c >/dev/null 2>&1 || continue; "
		"mkdir -p '%s/%s/'$p && (cd '%s/%s/'$p && %s -c "
		"$(for s in '%s/programs/'$p/*.c; do echo $s; done) "
		">/dev/null 2>&1; true) & done; wait",
		OBJLOAD_TEST_SRCDIR, bfdt_tmp, tag, bfdt_tmp, tag, cc,
		OBJLOAD_TEST_SRCDIR);
}

static void test_oracle_programs(void)
{
	static const struct {
		const char *tag, *tool, *cc;
	} ccs[] = {
		{ "gcc-O0", "gcc", "gcc -O0" },
		{ "gcc-O2", "gcc", "gcc -O2 -fPIC" },
		{ "clang-O0", "clang", "clang -O0" },
		{ "clang-O2", "clang", "clang -O2 -fPIC" },
		{ "mingw-O0", "x86_64-w64-mingw32-gcc", "x86_64-w64-mingw32-gcc -O0" },
		{ "mingw-O2", "x86_64-w64-mingw32-gcc", "x86_64-w64-mingw32-gcc -O2" },
	};
	unsigned compared = 0, failed = 0, skipped = 0;
	char dir[256];

	for (size_t i = 0; i < sizeof(ccs) / sizeof(ccs[0]); i++) {
		if (!tu_have_tool(ccs[i].tool)) {
			fprintf(stderr, "\n  %s missing (tools/install-deps.sh installs it)\n",
				ccs[i].tool);
			CU_FAIL("a compiler the oracle needs is missing");
			continue;
		}
		bfdt_build_all(ccs[i].tag, ccs[i].cc);
		snprintf(dir, sizeof(dir), "%s/%s", bfdt_tmp, ccs[i].tag);
		bfdt_compare_dir(dir, &compared, &failed, &skipped);
	}
	fprintf(stderr, "\n  programs: %u objects agree with libbfd, %u differ, %u not readable natively\n",
		compared, failed, skipped);
	CU_ASSERT(failed == 0);
	CU_ASSERT(compared >= 40);
}

static void test_oracle_archives(void)
{
	static const char *const archives[] = {
		"/usr/lib/x86_64-linux-gnu/libz.a",
		"/usr/lib/x86_64-linux-gnu/libc_nonshared.a",
		"/usr/lib/x86_64-linux-gnu/libsqlite3.a",
		"/usr/lib/x86_64-linux-gnu/libm-2.*.a",
		"/usr/lib/x86_64-linux-gnu/libbfd.a",
		"/usr/x86_64-w64-mingw32/lib/libmingwex.a",
	};
	unsigned compared = 0, failed = 0, skipped = 0;
	char dir[256];

	for (size_t i = 0; i < sizeof(archives) / sizeof(archives[0]); i++) {
		snprintf(dir, sizeof(dir), "%s/ar%zu", bfdt_tmp, i);
		/* the first members only; `ar x` of a name list keeps
		 * duplicates out */
		if (tu_sh("a=$(ls %s 2>/dev/null | head -1); [ -n \"$a\" ] || exit 1; "
			    "mkdir -p '%s' && cd '%s' && "
			    "ar t \"$a\" | grep -E '\\.(o|obj)$' | sort -u | head -%d | "
			    "xargs -r ar x \"$a\"", archives[i], dir, dir,
			    BFDT_MAX_ARCHIVE_MEMBERS) != 0)
			continue;
		bfdt_compare_dir(dir, &compared, &failed, &skipped);
	}
	fprintf(stderr, "\n  archive members: %u agree with libbfd, %u differ, %u not readable natively\n",
		compared, failed, skipped);
	CU_ASSERT(failed == 0);
	CU_ASSERT(compared >= 20);
}

/* ---- Running through --format=bfd -------------------------------------- */

static void bfdt_run_same(const char *tag, const char *cc, const char *prog)
{
	static const char *const strategies[] = { "whole", "section" };
	char objs[256];

	if (tu_sh("mkdir -p '%s/run-%s/%s' && cd '%s/run-%s/%s' && %s -c %s/programs/%s/*.c >/dev/null 2>&1",
		    bfdt_tmp, tag, prog, bfdt_tmp, tag, prog, cc, OBJLOAD_TEST_SRCDIR,
		    prog) != 0) {
		fprintf(stderr, "\n  %s: %s does not compile\n", tag, prog);
		CU_FAIL("a test program does not compile");
		return;
	}
	snprintf(objs, sizeof(objs), "'%s/run-%s/%s'/*.o", bfdt_tmp, tag, prog);
	for (size_t i = 0; i < 2; i++) {
		int rc = tu_sh("cd '%s/run-%s/%s' && "
				 "%s run --strategy=%s %s > native.out 2>&1; echo \"exit $?\" >> native.out; "
				 "%s run --format=bfd --strategy=%s %s > bfd.out 2>&1; echo \"exit $?\" >> bfd.out; "
				 "cmp -s native.out bfd.out",
				 bfdt_tmp, tag, prog, tu_objload_bin(), strategies[i], objs,
				 tu_objload_bin(), strategies[i], objs);

		if (rc != 0) {
			fprintf(stderr, "\n  %s %s --strategy=%s: output differs through bfd (%s/run-%s/%s)\n",
				tag, prog, strategies[i], bfdt_tmp, tag, prog);
			tu_sh("cd '%s/run-%s/%s' && diff native.out bfd.out | tail -3 >&2",
				bfdt_tmp, tag, prog);
		}
		CU_ASSERT(rc == 0);
	}
}

static void test_run_elf(void)
{
	static const char *const progs[] = { "calc", "multiobj", "switch", "libc" };

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
		bfdt_run_same("elf", "gcc -O2", progs[i]);
}

static void test_run_coff(void)
{
	static const char *const progs[] = { "calc", "multiobj", "switch" };

	if (!tu_have_tool("x86_64-w64-mingw32-gcc")) {
		fprintf(stderr, "\n  x86_64-w64-mingw32-gcc missing\n");
		CU_FAIL("x86_64-w64-mingw32-gcc is missing");
		return;
	}
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
		bfdt_run_same("coff", "x86_64-w64-mingw32-gcc -O2", progs[i]);
}

/* ---- API -------------------------------------------------------------- */

static void test_api(void)
{
	objload_session *s;
	static const uint8_t junk[64] = { 'j', 'u', 'n', 'k' };

	CU_ASSERT_FATAL(objload_session_new(&s) == OBJLOAD_OK);
	CU_ASSERT(objload_set_format(s, "no-such-format") != OBJLOAD_OK);
	CU_ASSERT(strstr(objload_errmsg(s), "no-such-format") != NULL);
	CU_ASSERT(objload_load_plugin(s, "/nonexistent/objload-x.so") == OBJLOAD_ERR_IO);
	CU_ASSERT(objload_set_format(s, "elf") == OBJLOAD_OK);
	CU_ASSERT(objload_set_format(s, "bfd") == OBJLOAD_OK);
	/* loading it again is a no-op */
	CU_ASSERT(objload_load_plugin(s, "bfd") == OBJLOAD_OK);
	CU_ASSERT(objload_set_format(s, "auto") == OBJLOAD_OK);
	CU_ASSERT(objload_add_memory(s, "junk", junk, sizeof(junk)) == OBJLOAD_ERR_FORMAT);
	objload_session_free(s);

	/* forced: a file the format does not claim is refused */
	CU_ASSERT_FATAL(objload_session_new(&s) == OBJLOAD_OK);
	CU_ASSERT(objload_set_format(s, "coff") == OBJLOAD_OK);
	CU_ASSERT(objload_add_memory(s, "elf", "\177ELF\2\1\1", 7) == OBJLOAD_ERR_FORMAT);
	objload_session_free(s);
}

static void test_cli_errors(void)
{
	CU_ASSERT(tu_sh("%s info --plugin=/nonexistent.so /dev/null >/dev/null 2>&1",
			  tu_objload_bin()) == 1);
	CU_ASSERT(tu_sh("%s info --format=nope /dev/null 2>&1 | grep -q \"no format named 'nope'\"",
			  tu_objload_bin()) == 0);
}

int objload_test_register_bfd(void)
{
	CU_pSuite s = CU_add_suite("bfd", bfdt_init, bfdt_clean);

	if (!s)
		return -1;
	if (!CU_add_test(s, "API: set_format, load_plugin", test_api) ||
	    !CU_add_test(s, "CLI: --plugin and --format errors", test_cli_errors) ||
	    !CU_add_test(s, "oracle: tests/programs vs libbfd", test_oracle_programs) ||
	    !CU_add_test(s, "oracle: static archive members vs libbfd", test_oracle_archives) ||
	    !CU_add_test(s, "run ELF through --format=bfd", test_run_elf) ||
	    !CU_add_test(s, "run COFF through --format=bfd", test_run_coff))
		return -1;
	return 0;
}
