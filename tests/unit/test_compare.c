/* SPDX-License-Identifier: MIT */
/*
 * Suite "compare": the loading strategies side by side.
 *
 *   - `objload compare --json` on a gcc -O2 -ffunction-sections object
 *     with thousands of functions (generated here): fewer allocations for
 *     whole than per-section, more stubs taken when scattered, one exit
 *     status for all four rows; the JSON validates against
 *     docs/objload-compare.schema.json;
 *   - each row names how each image was loaded and why; unused functions
 *     are dropped by the per-section rows and counted, and the `auto` row
 *     shows the ELF plug-in choosing per-section for such a file;
 *   - `--svg` at 10,000 sections: well-formed, one group per strategy, one
 *     shared address axis, phase bars, thousands of segments binned so the file stays under 500 KB, and
 *     rendered to PNG by rsvg-convert (librsvg) into a picture that is not
 *     blank;
 *   - what the program cannot forge: a program that writes fake report
 *     lines to every descriptor and then crashes is reported as crashed,
 *     with the loader's figures; a crash in a constructor is the
 *     program's crash; exit() from main is an exit status;
 *   - compare reads inputs as run does (-L, -l, an archive) and exits 1
 *     when a strategy cannot load them;
 *   - the scatter manager puts segments more than 4 GiB apart;
 *   - the arena manager loads 1,000 tiny objects (1,000 sessions sharing
 *     one arena) for far fewer than 1,000 mappings (/proc/self/maps), and
 *     no mapping is ever writable and executable;
 *   - a scattered per-section load of a PC32 data reference across
 *     sections: out_of_range = 1 and the message in the JSON;
 *   - the worked example of docs/memory-managers.md (a client's manager
 *     carving one fixed region) links and runs.
 *
 * Objects are compiled with the system gcc into a temporary directory;
 * OBJLOAD_BIN (compile-time default, or the environment) is the tool.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "objload.h"
#include "tests/tests.h"
#include "tests/util.h"

#define CM_NFUNCS 3000

TU_SUITE_TMPDIR(cm_dir, "compare", cm_init, cm_cleanup)

#define CM_CHECK(cond, ...) \
	tu_check_at("compare", __FILE__, __LINE__, (cond) ? 1 : 0, __VA_ARGS__)

static char *cm_path(const char *name)
{
	static char buf[4][1024];
	static int next;
	char *b = buf[next++ & 3];

	snprintf(b, sizeof(buf[0]), "%s/%s", cm_dir, name);
	return b;
}

/* ---- a tiny JSON reader for compare's fixed shape ------------------------ */

typedef struct cm_row {
	char strategy[32];
	char image_strategy[16], image_reason[256];   /* its first image's */
	long long allocations, stubs, out_of_range, exit_status;
	long long dead_sections, dead_bytes, images_section;
	int ran, have_exit;
	char error[1024];
} cm_row;

static long long cm_num(const char *obj, const char *key, int *found)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(obj, pat);
	if (!p) {
		*found = 0;
		return 0;
	}
	p += strlen(pat);
	*found = strncmp(p, "null", 4) != 0;
	return strtoll(p, NULL, 10);
}

/* Rows start at {"strategy": "NAME"; returns how many. */
static int cm_parse_json(char *json, cm_row *rows, int max)
{
	int n = 0;
	char *p = json;

	while (n < max && (p = strstr(p, "{\"strategy\": \"")) != NULL) {
		char *end = strstr(p + 1, "{\"strategy\": \""), save = 0, *e;
		cm_row *r = &rows[n++];
		int f;

		memset(r, 0, sizeof(*r));
		if (end) {
			save = *end;
			*end = 0;
		}
		sscanf(p + 14, "%31[^\"]", r->strategy);
		r->allocations = cm_num(p, "allocations", &f);
		r->stubs = cm_num(p, "stubs", &f);
		r->out_of_range = cm_num(p, "out_of_range", &f);
		r->dead_sections = cm_num(p, "dead_sections", &f);
		r->dead_bytes = cm_num(p, "dead_bytes", &f);
		r->images_section = cm_num(p, "images_section", &f);
		e = strstr(p, "\"images\": [\n     {\"file\": ");
		if (e && (e = strstr(e, "\"strategy\": \"")) != NULL) {
			sscanf(e + 13, "%15[^\"]", r->image_strategy);
			e = strstr(e, "\"reason\": \"");
			if (e)
				sscanf(e + 11, "%255[^\"]", r->image_reason);
		}
		r->exit_status = cm_num(p, "exit_status", &r->have_exit);
		r->ran = strstr(p, "\"ran\": true") != NULL;
		e = strstr(p, "\"error\": \"");
		if (e)
			sscanf(e + 10, "%1023[^\"]", r->error);
		if (end)
			*end = save;
		p = end ? end : p + 1;
	}
	return n;
}

/* `objload compare --json EXTRA OBJ`; the JSON when the exit status is
 * `rc`, else NULL. */
static char *cm_compare_json_rc(const char *extra, const char *obj, int rc)
{
	char out[256];
	int st;

	snprintf(out, sizeof(out), "%.200s.json", obj);
	st = tu_sh("'%s' compare --json %s '%s' > '%s'", tu_objload_bin(), extra, cm_path(obj),
		   cm_path(out));
	if (st != rc)
		return NULL;
	return tu_read_text(cm_path(out), NULL);
}

static char *cm_compare_json(const char *extra, const char *obj)
{
	return cm_compare_json_rc(extra, obj, 0);
}

/* 1 when the JSON file validates against the compare schema. */
static int cm_schema_ok(const char *json_name)
{
	return tu_sh("python3 '%s/cli/check_json.py' '%s/../docs/objload-compare.schema.json' '%s' "
		     ">'%s' 2>&1", OBJLOAD_TEST_SRCDIR, OBJLOAD_TEST_SRCDIR, cm_path(json_name),
		     cm_path("schema.log")) == 0;
}

/* ---- tests ------------------------------------------------------------------ */

static void cm_gen_many(const char *name, int n)
{
	FILE *f = fopen(cm_path(name), "w");

	if (!f)
		return;
	for (int i = 0; i < n; i++)
		fprintf(f, "int f%d(int x);\n", i);
	for (int i = 0; i < n; i++) {
		if (i + 1 < n && i % 10 != 9)
			fprintf(f, "__attribute__((noinline)) int f%d(int x) { return (f%d(x ^ %d)) * 3 + 1; }\n",
				i, i + 1, i);
		else
			fprintf(f, "__attribute__((noinline)) int f%d(int x) { return (x + %d) * 3 + 1; }\n", i, i);
	}
	/* every chain head called: nothing is dead, so per-section loading
	 * allocates once per function */
	fprintf(f, "int main(void) { unsigned s = 0; for (int i = 0; i < 8; i++) {");
	for (int i = 0; i < n; i += 10)
		fprintf(f, " s += (unsigned)f%d(i);", i);
	fprintf(f, " } return (int)(s & 0x3f) + 1; }\n");
	fclose(f);
}

static int cm_many_ready;

static int cm_build_many(void)
{
	if (cm_many_ready)
		return cm_many_ready > 0;
	cm_gen_many("many.c", CM_NFUNCS);
	/* no .eh_frame: its PC32 pointers into every function would make the
	 * scattered load fail (which the PC32 test below shows on purpose) */
	cm_many_ready = tu_sh("gcc -O2 -ffunction-sections -fno-asynchronous-unwind-tables "
			      "-c -o '%s' '%s'", cm_path("many.o"), cm_path("many.c")) == 0 ? 1 : -1;
	return cm_many_ready > 0;
}

static void cm_test_json(void)
{
	cm_row rows[5];
	char *json;
	int n;

	if (!CM_CHECK(cm_build_many(), "gcc compiles the generated file"))
		return;
	json = cm_compare_json("", "many.o");
	if (!CM_CHECK(json != NULL, "objload compare --json succeeds"))
		return;
	n = cm_parse_json(json, rows, 5);
	CM_CHECK(json[0] == '[' && strstr(json, "]") != NULL, "a JSON array");
	if (!CM_CHECK(n == 4, "four rows, got %d", n)) {
		free(json);
		return;
	}
	CM_CHECK(strcmp(rows[0].strategy, "whole") == 0 && strcmp(rows[1].strategy, "section") == 0 &&
		 strcmp(rows[2].strategy, "scatter") == 0 && strcmp(rows[3].strategy, "auto") == 0,
		 "rows whole, section, scatter, auto");
	CM_CHECK(rows[0].allocations < rows[1].allocations,
		 "whole allocates less (%lld) than per-section (%lld)",
		 rows[0].allocations, rows[1].allocations);
	CM_CHECK(rows[1].allocations >= CM_NFUNCS, "per-section: one allocation per function (%lld)",
		 rows[1].allocations);
	CM_CHECK(rows[2].stubs > rows[1].stubs, "scattered takes more stubs (%lld) than per-section (%lld)",
		 rows[2].stubs, rows[1].stubs);
	for (int i = 0; i < 4; i++) {
		CM_CHECK(rows[i].ran && rows[i].have_exit, "%s ran", rows[i].strategy);
		CM_CHECK(rows[i].exit_status == rows[0].exit_status && rows[i].exit_status != 0,
			 "%s exits %lld like whole (%lld)", rows[i].strategy,
			 rows[i].exit_status, rows[0].exit_status);
		CM_CHECK(rows[i].out_of_range == 0 && !rows[i].error[0], "%s: no error (%s)",
			 rows[i].strategy, rows[i].error);
	}
	CM_CHECK(cm_schema_ok("many.o.json"), "the JSON validates against the schema");
	for (const char *const *k = (const char *const[]){ "\"bytes_reserved\": ", "\"bytes_used\": ",
			"\"pages\": ", "\"protection_changes\": ", "\"got_entries\": ",
			"\"relocations\": {", "\"phases_us\": {\"parse\": ", "\"relocate\": ",
			"\"finalize\": ", NULL }; *k; k++)
		CM_CHECK(strstr(json, *k) != NULL, "key %s present", *k);
	free(json);
}

/* Balanced tags, an <svg> root; returns the number of elements or -1. */
static int cm_xml_check(const char *x, char *err, size_t errlen)
{
	char stack[64][32];
	int depth = 0, elements = 0, root_seen = 0;

	for (const char *p = x; (p = strchr(p, '<')) != NULL;) {
		char name[32];
		const char *end;
		int closing;

		if (strncmp(p, "<?", 2) == 0 || strncmp(p, "<!--", 4) == 0) {
			p = strchr(p, '>');
			if (!p)
				return -1;
			continue;
		}
		end = strchr(p, '>');
		if (!end) {
			snprintf(err, errlen, "unterminated tag");
			return -1;
		}
		closing = p[1] == '/';
		if (sscanf(p + 1 + closing, "%31[A-Za-z0-9_:-]", name) != 1) {
			snprintf(err, errlen, "bad tag");
			return -1;
		}
		if (closing) {
			if (!depth || strcmp(stack[depth - 1], name) != 0) {
				snprintf(err, errlen, "</%.31s> does not close <%.31s>", name,
					 depth ? stack[depth - 1] : "nothing");
				return -1;
			}
			depth--;
		} else {
			elements++;
			if (!root_seen) {
				if (strcmp(name, "svg") != 0) {
					snprintf(err, errlen, "root is <%s>", name);
					return -1;
				}
				root_seen = 1;
			} else if (!depth) {
				snprintf(err, errlen, "a second root <%s>", name);
				return -1;
			}
			if (end[-1] != '/') {
				if (depth == 64)
					return -1;
				snprintf(stack[depth++], sizeof(stack[0]), "%s", name);
			}
		}
		p = end + 1;
	}
	if (depth) {
		snprintf(err, errlen, "<%s> never closed", stack[depth - 1]);
		return -1;
	}
	return root_seen ? elements : -1;
}

static int cm_count(const char *hay, const char *needle, const char *stop)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL && (!stop || p < stop); p++)
		n++;
	return n;
}

/* Width, height and file size of a PNG (from its IHDR chunk). */
static int cm_png_size(const char *path, unsigned *w, unsigned *h, size_t *bytes)
{
	size_t len = 0;
	unsigned char *png = (unsigned char *)tu_read_text(path, &len);
	int ok;

	ok = png && len > 24 && memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0 &&
	     memcmp(png + 12, "IHDR", 4) == 0;
	if (ok) {
		*w = (unsigned)png[16] << 24 | png[17] << 16 | png[18] << 8 | png[19];
		*h = (unsigned)png[20] << 24 | png[21] << 16 | png[22] << 8 | png[23];
		*bytes = len;
	}
	free(png);
	return ok;
}

static void cm_test_svg(void)
{
	char err[256] = "", *svg, *json;
	cm_row rows[5];
	size_t svglen = 0, pnglen = 0, blanklen = 0;
	unsigned w = 0, h = 0, bw = 0, bh = 0;
	int n;

	/* 10,000 functions, one section each (bench/gen_funcs.py) */
	if (!CM_CHECK(tu_sh("python3 '%s/../bench/gen_funcs.py' 10000 '%s' && "
			    "gcc -O2 -ffunction-sections -fno-asynchronous-unwind-tables -c -o '%s' '%s'",
			    OBJLOAD_TEST_SRCDIR, cm_path("funcs.c"), cm_path("funcs.o"),
			    cm_path("funcs.c")) == 0, "10,000 functions compile"))
		return;
	tu_sh("'%s' compare --json --svg='%s' '%s' > '%s'", tu_objload_bin(), cm_path("funcs.svg"),
	      cm_path("funcs.o"), cm_path("svg.json"));
	svg = tu_read_text(cm_path("funcs.svg"), &svglen);
	json = tu_read_text(cm_path("svg.json"), NULL);
	if (!CM_CHECK(svg && json, "the SVG and the JSON are written")) {
		free(svg);
		free(json);
		return;
	}
	n = cm_xml_check(svg, err, sizeof(err));
	CM_CHECK(n > 0, "well-formed, <svg> root: %s", err);
	CM_CHECK(svglen < 500 * 1024, "10,000 sections: %zu bytes (< 500 KB)", svglen);
	CM_CHECK(cm_count(svg, "<g class=\"strategy\"", NULL) == 4, "one group per strategy");
	CM_CHECK(cm_count(svg, "<g class=\"axis\"", NULL) == 1, "one address axis for all rows");
	n = cm_parse_json(json, rows, 5);
	CM_CHECK(n == 4 && rows[1].allocations >= 10000, "section: 10,000 allocations (%lld)",
		 n == 4 ? rows[1].allocations : -1);
	for (int i = 0; i < 4 && i < n; i++) {
		char id[64];
		const char *g, *next;
		int rects;

		snprintf(id, sizeof(id), "id=\"strategy-%.31s\"", rows[i].strategy);
		g = strstr(svg, id);
		if (!CM_CHECK(g != NULL, "group for %s", rows[i].strategy))
			continue;
		next = strstr(g, "</g>");
		rects = cm_count(g, "<rect", next);
		CM_CHECK(rects > 0 && rects < 2000, "%s: drawn with %d rects for %lld segments",
			 rows[i].strategy, rects, rows[i].allocations);
		CM_CHECK(cm_count(g, "class=\"phase\"", next) >= 3, "%s: phase timing bar",
			 rows[i].strategy);
	}
	CM_CHECK(strstr(svg, "class=\"segments\"") != NULL, "thousands of segments binned");
	/* the scattered plan is either run (its long jumps drawn) or refused
	 * by the plug-in before anything is mapped (its reason drawn) */
	CM_CHECK(n == 4 && (rows[2].ran ? cm_count(svg, "class=\"jump\"", NULL) > 0 &&
					  cm_count(svg, "class=\"jump\"", NULL) <= 4 * 48 :
			    strstr(svg, "refuses the section strategy") != NULL),
		 "a sample of the long jumps drawn, or the refusal shown");
	CM_CHECK(n == 4 && (!rows[2].ran || cm_count(svg, "class=\"gap\"", NULL) > 0),
		 "far placements cut out of the axis");
	CM_CHECK(cm_count(svg, "class=\"stubs\"", NULL) > 0, "stubs drawn");
	CM_CHECK(strstr(svg, "does not fit") != NULL ||
		 strstr(svg, "refuses the section strategy") != NULL,
		 "the scattered load's error is shown");
	/* a real renderer; a blank picture of the same size compresses to
	 * almost nothing */
	if (!CM_CHECK(tu_sh("rsvg-convert -o '%s' '%s'", cm_path("funcs.png"),
			    cm_path("funcs.svg")) == 0, "rsvg-convert renders it (librsvg2-bin)")) {
		free(svg);
		free(json);
		return;
	}
	CM_CHECK(cm_png_size(cm_path("funcs.png"), &w, &h, &pnglen), "a PNG");
	CM_CHECK(w >= 1000 && h >= 400, "%u x %u pixels", w, h);
	CM_CHECK(tu_sh("printf '<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\">"
		       "<rect width=\"100%%%%\" height=\"100%%%%\" fill=\"#fff\"/></svg>' >'%s' && "
		       "rsvg-convert -o '%s' '%s'", w, h, cm_path("blank.svg"), cm_path("blank.png"),
		       cm_path("blank.svg")) == 0 &&
		 cm_png_size(cm_path("blank.png"), &bw, &bh, &blanklen), "a blank PNG to compare");
	CM_CHECK(pnglen > 20 * blanklen && pnglen > 30000,
		 "the picture is not blank: %zu bytes of PNG (blank: %zu)", pnglen, blanklen);
	free(svg);
	free(json);
}

static int cm_cmp_seg(const void *a, const void *b)
{
	const objload_segment_info *x = a, *y = b;

	return x->target < y->target ? -1 : x->target > y->target;
}

static void cm_test_scatter(void)
{
	objload_scatter_ctx ctx = { 0 };
	objload_session *s = NULL;
	objload_segment_info *segs;
	size_t n;
	int status = -1, whole_status = -2;

	if (!CM_CHECK(cm_build_many(), "gcc compiles the generated file"))
		return;
	/* the reference result */
	if (!objload_session_new(&s)) {
		if (!objload_add_file(s, cm_path("many.o")) && !objload_link(s))
			objload_run_main(s, NULL, 0, NULL, &whole_status);
		objload_session_free(s);
	}
	if (!CM_CHECK(!objload_session_new(&s), "session"))
		return;
	CM_CHECK(!objload_set_strategy(s, OBJLOAD_STRATEGY_SECTION), "per-section");
	CM_CHECK(!objload_set_memory_manager(s, objload_scatter_memory_manager(), &ctx),
		 "scatter manager");
	CM_CHECK(!objload_add_file(s, cm_path("many.o")), "add");
	if (!CM_CHECK(!objload_link(s), "link: %s", objload_errmsg(s))) {
		objload_session_free(s);
		return;
	}
	n = objload_segment_count(s);
	CM_CHECK(n > CM_NFUNCS, "one segment per section (%zu)", n);
	CM_CHECK(ctx.stride >= (4ull << 30), "stride defaults to >= 4 GiB");
	segs = calloc(n ? n : 1, sizeof(*segs));
	if (segs) {
		size_t close = 0;

		for (size_t i = 0; i < n; i++)
			objload_get_segment(s, i, &segs[i]);
		qsort(segs, n, sizeof(*segs), cm_cmp_seg);
		for (size_t i = 1; i < n; i++)
			if (segs[i].target - (segs[i - 1].target + segs[i - 1].size) <= (4ull << 30))
				close++;
		CM_CHECK(close == 0, "%zu segments within 4 GiB of their neighbour", close);
		free(segs);
	}
	CM_CHECK(objload_jump_count(s) > 0, "long jumps reported");
	CM_CHECK(!objload_run_main(s, NULL, 0, NULL, &status) && status == whole_status,
		 "runs scattered: %d, whole-image: %d", status, whole_status);
	objload_session_free(s);
}

static int cm_maps_lines(int *wx)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int n = 0;

	*wx = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char perms[8] = "";

		n++;
		if (sscanf(line, "%*s %7s", perms) == 1 && perms[1] == 'w' && perms[2] == 'x')
			(*wx)++;
	}
	fclose(f);
	return n;
}

#define CM_NTINY 1000

static void cm_test_arena(void)
{
	static const char tiny[] =
		"int tiny_data = 5;\n"
		"static const int tiny_ro[4] = { 7, 1, 2, 3 };\n"
		"int tiny_get(int i) { return tiny_data++ + tiny_ro[i & 3]; }\n";
	objload_session **ss = calloc(CM_NTINY, sizeof(*ss));
	objload_arena *arena = NULL;
	objload_arena_stats st;
	char *bytes;
	size_t len = 0;
	int before, after, wx = 0, wx_after = 0, ok = 0;

	if (!ss)
		return;
	CM_CHECK(tu_write_text(cm_path("tiny.c"), tiny) == 0 &&
		 tu_sh("gcc -O2 -c -o '%s' '%s'", cm_path("tiny.o"), cm_path("tiny.c")) == 0,
		 "gcc compiles tiny.c");
	bytes = tu_read_text(cm_path("tiny.o"), &len);
	if (!CM_CHECK(bytes != NULL, "read tiny.o") ||
	    !CM_CHECK(!objload_arena_new(0, &arena), "arena")) {
		free(ss);
		free(bytes);
		return;
	}
	before = cm_maps_lines(&wx);
	for (int i = 0; i < CM_NTINY; i++) {
		int (*get)(int);
		void *p;

		if (objload_session_new(&ss[i]))
			break;
		if (objload_set_strategy(ss[i], OBJLOAD_STRATEGY_SECTION) ||
		    objload_set_memory_manager(ss[i], objload_arena_memory_manager(), arena) ||
		    objload_add_memory(ss[i], "tiny.o", bytes, len) || objload_link(ss[i]) ||
		    objload_lookup(ss[i], "tiny_get", &p)) {
			CM_CHECK(0, "load %d: %s", i, objload_errmsg(ss[i]));
			break;
		}
		get = (int (*)(int))(uintptr_t)p;
		if (get(i) != 5 + (i & 3 ? (int[]){ 7, 1, 2, 3 }[i & 3] : 7) || get(0) != 13) {
			CM_CHECK(0, "tiny %d computes wrong", i);
			break;
		}
		ok++;
	}
	after = cm_maps_lines(&wx_after);
	objload_arena_get_stats(arena, &st);
	CM_CHECK(ok == CM_NTINY, "%d of %d tiny objects loaded and ran", ok, CM_NTINY);
	CM_CHECK(after - before < 100, "%d tiny objects cost %d mappings (/proc/self/maps %d -> %d); "
		 "arena chunks %llu", CM_NTINY, after - before, before, after,
		 (unsigned long long)st.chunks);
	CM_CHECK(wx_after == 0, "no mapping writable and executable (%d)", wx_after);
	CM_CHECK(st.pages_sealed > 0, "pages sealed");
	for (int i = 0; i < CM_NTINY; i++)
		objload_session_free(ss[i]);
	objload_arena_get_stats(arena, &st);
	CM_CHECK(st.chunks == 0 && st.bytes_allocated == 0,
		 "all chunks unmapped once the sessions are freed (%llu left)",
		 (unsigned long long)st.chunks);
	objload_arena_free(arena);
	free(ss);
	free(bytes);
}

static void cm_test_pc32_out_of_range(void)
{
	static const char src[] =
		"int counter = 3;\n"
		"int main(void) { return counter++ + 4; }\n";
	cm_row rows[5];
	char *json;
	int n;

	CM_CHECK(tu_write_text(cm_path("pc32.c"), src) == 0 &&
		 tu_sh("gcc -O2 -fPIE -fno-asynchronous-unwind-tables -c -o '%s' '%s'",
		       cm_path("pc32.o"), cm_path("pc32.c")) == 0, "gcc compiles pc32.c");
	json = cm_compare_json_rc("", "pc32.o", 1);
	if (!CM_CHECK(json != NULL, "compare --json prints the results and exits 1 "
		      "(a strategy could not load)"))
		return;
	n = cm_parse_json(json, rows, 5);
	if (CM_CHECK(n == 4, "four rows")) {
		CM_CHECK(rows[0].ran && rows[0].exit_status == 7, "whole runs: %lld", rows[0].exit_status);
		CM_CHECK(rows[1].ran && rows[1].exit_status == 7, "section runs: %lld", rows[1].exit_status);
		/* the plug-in knows main reaches counter by a PC32 that no
		 * stub can serve: the scattering plan is refused before
		 * anything is mapped, with that reason */
		CM_CHECK(rows[2].out_of_range == 0, "scatter: out_of_range = %lld", rows[2].out_of_range);
		CM_CHECK(!rows[2].ran && !rows[2].have_exit, "scatter did not run");
		CM_CHECK(strstr(rows[2].error, "refuses the section strategy") &&
			 strstr(rows[2].error, "counter") &&
			 strstr(rows[2].error, "scattering memory manager"),
			 "the message: %s", rows[2].error);
	}
	free(json);
}


/* Functions nothing calls, one section each: per-section rows leave them
 * out and say so; `auto` lets the ELF plug-in choose, and it chooses
 * per-section for this file, with its reason. */
static void cm_test_auto_and_dead(void)
{
	cm_row rows[5];
	char *json;
	int n;
	FILE *f = fopen(cm_path("dead.c"), "w");

	if (!CM_CHECK(f != NULL, "dead.c"))
		return;
	fputs("#include <stdio.h>\n", f);
	for (int i = 0; i < 16; i++)
		fprintf(f, "int unused%d(const char *s) { int n = 0; while (*s) n = n * %d + *s++; "
			"printf(\"%%d\\n\", n); return n; }\n", i, i + 3);
	fputs("int used(int x) { return x * 7; }\n"
	      "int main(void) { printf(\"%d\\n\", used(6)); return 5; }\n", f);
	fclose(f);
	if (!CM_CHECK(tu_sh("gcc -O1 -ffunction-sections -fno-asynchronous-unwind-tables "
			    "-c -o '%s' '%s'", cm_path("dead.o"), cm_path("dead.c")) == 0,
		      "gcc compiles dead.c"))
		return;
	/* main reaches its string by a PC32 no stub can serve: the scattering
	 * row is refused (tested below), so compare exits 1 */
	json = cm_compare_json_rc("", "dead.o", 1);
	if (!CM_CHECK(json != NULL, "compare --json dead.o exits 1"))
		return;
	n = cm_parse_json(json, rows, 5);
	if (CM_CHECK(n == 4, "four rows (%d)", n)) {
		for (int i = 0; i < 4; i++)
			CM_CHECK(i == 2 ? !rows[i].ran : rows[i].ran && rows[i].exit_status == 5,
				 "%s runs and exits 5 (%lld)", rows[i].strategy, rows[i].exit_status);
		CM_CHECK(rows[0].dead_sections == 0 && rows[0].dead_bytes == 0 &&
			 strcmp(rows[0].image_strategy, "whole") == 0,
			 "whole drops nothing: %lld sections, image %s", rows[0].dead_sections,
			 rows[0].image_strategy);
		CM_CHECK(rows[1].dead_sections >= 16 && rows[1].dead_bytes > 16 * 8 &&
			 strcmp(rows[1].image_strategy, "section") == 0,
			 "section drops the 16 unused functions: %lld sections, %lld bytes",
			 rows[1].dead_sections, rows[1].dead_bytes);
		CM_CHECK(strcmp(rows[3].image_strategy, "section") == 0 && rows[3].image_reason[0] &&
			 rows[3].images_section == 1 && rows[3].dead_sections >= 16,
			 "auto: the ELF plug-in chooses section (%s: %s), %lld sections dropped",
			 rows[3].image_strategy, rows[3].image_reason, rows[3].dead_sections);
	}
	CM_CHECK(cm_schema_ok("dead.o.json"), "the JSON validates against the schema");
	free(json);
}

/* ---- what the loaded program cannot forge (issue 18, finding 7) ---------- */

/* compare --json on one program compiled from `src`; rows parsed; the
 * exit status of compare in *rc. */
static int cm_compare_src(const char *name, const char *src, const char *extra, cm_row *rows,
			  int *rc, char **json_out)
{
	char c[64], o[64], j[64];
	int st, n;

	snprintf(c, sizeof(c), "%s.c", name);
	snprintf(o, sizeof(o), "%s.o", name);
	snprintf(j, sizeof(j), "%s.json", name);
	if (!CM_CHECK(tu_write_text(cm_path(c), src) == 0 &&
		      tu_sh("gcc -O1 -fPIE -fno-asynchronous-unwind-tables -c -o '%s' '%s'",
			    cm_path(o), cm_path(c)) == 0,
		      "gcc compiles %s", c))
		return 0;
	st = tu_sh("'%s' compare --json --timeout=20 %s '%s' > '%s' 2>/dev/null", tu_objload_bin(), extra,
		   cm_path(o), cm_path(j));
	*rc = st;
	*json_out = tu_read_text(cm_path(j), NULL);
	if (!CM_CHECK(*json_out != NULL, "%s: JSON written", name))
		return 0;
	n = cm_parse_json(*json_out, rows, 5);
	CM_CHECK(cm_schema_ok(j), "%s: the JSON validates against the schema", name);
	return CM_CHECK(n == 4, "%s: four rows (%d)", name, n);
}

static void cm_test_forged_report(void)
{
	/* writes fake report lines to every descriptor, from a constructor
	 * and from main, then crashes */
	static const char src[] =
		"#include <unistd.h>\n"
		"static void forge(void) {\n"
		"  static const char lie[] = \"m 1 777 1 1 1 1 1 1 1 777 0\\nl\\ng\\nr 0\\ne forged\\n\";\n"
		"  for (int fd = 3; fd < 256; fd++) (void)!write(fd, lie, sizeof lie - 1);\n"
		"}\n"
		"__attribute__((constructor)) static void early(void) { forge(); }\n"
		"int main(void) { forge(); *(volatile int *)8 = 1; return 0; }\n";
	cm_row rows[5];
	char *json = NULL;
	int rc = -1;

	if (!cm_compare_src("forge", src, "", rows, &rc, &json)) {
		free(json);
		return;
	}
	for (int i = 0; i < 2; i++) {
		CM_CHECK(!rows[i].ran && !rows[i].have_exit,
			 "%s: a crashed program did not run to an exit status", rows[i].strategy);
		/* SIGSEGV, or SIGPIPE when a forged write hits a pipe */
		CM_CHECK(strstr(rows[i].error, "the program") != NULL &&
			 strstr(rows[i].error, "killed by signal") != NULL,
			 "%s: reported as the program's crash: %s", rows[i].strategy, rows[i].error);
		CM_CHECK(rows[i].allocations != 777 && !strstr(rows[i].error, "forged"),
			 "%s: the figures are the loader's, not the forgery (%lld)",
			 rows[i].strategy, rows[i].allocations);
	}
	CM_CHECK(!strstr(json, "\"relocations_total\": 777"), "no forged relocation count");
	CM_CHECK(rc == 0 || rc == 1, "compare exits 0 or 1 (scatter may not load): %d", rc);
	free(json);
}

static void cm_test_constructor_crash(void)
{
	static const char src[] =
		"__attribute__((constructor)) static void boom(void) { *(volatile int *)8 = 1; }\n"
		"int main(void) { return 3; }\n";
	static const char src_exit[] =
		"#include <stdlib.h>\n"
		"int main(void) { exit(9); }\n";
	cm_row rows[5];
	char *json = NULL;
	int rc = -1;

	if (cm_compare_src("ctorcrash", src, "", rows, &rc, &json)) {
		for (int i = 0; i < 2; i++)
			CM_CHECK(!rows[i].ran && strstr(rows[i].error, "the program") &&
				 strstr(rows[i].error, "killed by signal 11") &&
				 !strstr(rows[i].error, "loader"),
				 "%s: a crash in a constructor is the program's: %s",
				 rows[i].strategy, rows[i].error);
		CM_CHECK(strstr(json, "\"started\": true") && strstr(json, "\"signal\": 11"),
			 "started, signal 11 in the JSON");
	}
	free(json);
	json = NULL;
	if (cm_compare_src("exits", src_exit, "", rows, &rc, &json))
		for (int i = 0; i < 3; i++)
			CM_CHECK(rows[i].ran && rows[i].have_exit && rows[i].exit_status == 9,
				 "%s: exit(9) from main is exit status 9 (%lld, %s)", rows[i].strategy,
				 rows[i].exit_status, rows[i].error);
	free(json);
}

/* compare reads inputs as run does: -L, -l and an archive. */
static void cm_test_inputs_like_run(void)
{
	static const char lib[] = "int cmpx_half(void) { return 21; }\n";
	static const char src[] = "int cmpx_half(void);\nint main(void) { return 2 * cmpx_half(); }\n";
	cm_row rows[5];
	char *json = NULL, extra[1200];
	int rc = -1;

	if (!CM_CHECK(tu_write_text(cm_path("cmpx.c"), lib) == 0 &&
		      tu_sh("cd '%s' && gcc -O2 -fno-asynchronous-unwind-tables -c -o cmpx.o cmpx.c && "
			    "mkdir -p libdir && rm -f libdir/libcmpx.a && ar rcs libdir/libcmpx.a cmpx.o",
			    cm_dir) == 0, "an archive libcmpx.a"))
		return;
	snprintf(extra, sizeof(extra), "-L '%s' -lcmpx", cm_path("libdir"));
	if (cm_compare_src("uselib", src, extra, rows, &rc, &json)) {
		CM_CHECK(rc == 0, "compare exits 0: %d", rc);
		for (int i = 0; i < 3; i++)
			CM_CHECK(rows[i].ran && rows[i].exit_status == 42,
				 "%s: the archive member is loaded, main returns 42 (%lld, %s)",
				 rows[i].strategy, rows[i].exit_status, rows[i].error);
	}
	free(json);
	/* a strategy that cannot load: exit status 1, the error in the JSON */
	CM_CHECK(tu_sh("'%s' compare --json '%s' -lno_such_library_xyz > '%s' 2>&1; test $? = 1",
		       tu_objload_bin(), cm_path("uselib.o"), cm_path("nolib.json")) == 0,
		 "compare exits 1 when the inputs cannot be loaded");
	json = tu_read_text(cm_path("nolib.json"), NULL);
	CM_CHECK(json && strstr(json, "cannot find -lno_such_library_xyz") &&
		 strstr(json, "\"linked\": false"), "the reason is in the JSON: %.300s",
		 json ? json : "");
	free(json);
	CM_CHECK(tu_sh("'%s' compare --bogus x.o 2>/dev/null; test $? = 2", tu_objload_bin()) == 0,
		 "a usage error exits 2");
	CM_CHECK(tu_sh("'%s' compare --help | grep -q -- --timeout && "
		       "'%s' compare --help | grep -q -- --show-output && "
		       "'%s' compare --help | grep -q -- --library-path", tu_objload_bin(), tu_objload_bin(),
		       tu_objload_bin()) == 0, "compare --help documents its options");
}

/* ---- docs/memory-managers.md, the worked example (keep them in sync) ---- */

/* A manager that carves segments out of one region the client mapped
 * beforehand: page-aligned, bump-allocated, never reused. */
typedef struct region_mm {
	uint8_t *base;
	size_t size, used;
	size_t page;
} region_mm;

static objload_status region_allocate(void *ctx, objload_alloc_request *req,
				      size_t *mappings, char *err, size_t errlen)
{
	region_mm *r = ctx;
	uintptr_t end = (uintptr_t)r->base + r->size;
	uintptr_t next = (uintptr_t)r->base + r->used;

	(void)mappings;   /* the region was mapped by the client: none here */
	/* every group at the next address aligned as it asks */
	for (size_t g = 0; g < req->ngroups; g++) {
		const objload_segment_group *grp = &req->groups[g];
		size_t align = grp->align > r->page ? grp->align : r->page;
		size_t len = (grp->span + r->page - 1) & ~(r->page - 1);
		uintptr_t at = (next + align - 1) & ~(uintptr_t)(align - 1);

		if (at > end || end - at < len) {
			snprintf(err, errlen, "region full: %zu of %zu bytes used",
				 (size_t)(next - (uintptr_t)r->base), r->size);
			return OBJLOAD_ERR_NOMEM;
		}
		if (at < grp->window_lo || at > grp->window_hi ||
		    grp->window_hi - at < grp->span) {
			snprintf(err, errlen, "group %zu outside its window", g);
			return OBJLOAD_ERR_RANGE;
		}
		objload_place_group(req, g, (void *)at, (uint64_t)at);
		next = at + len;
	}
	r->used = next - (uintptr_t)r->base;
	return OBJLOAD_OK;
}

static objload_status region_finalize(void *ctx, objload_alloc_request *req,
				      size_t *changes, char *err, size_t errlen)
{
	region_mm *r = ctx;

	for (size_t i = 0; i < req->nsegments; i++) {
		objload_segment *sg = &req->segments[i];
		int prot = (sg->prot & OBJLOAD_PROT_READ ? PROT_READ : 0) |
			   (sg->prot & OBJLOAD_PROT_WRITE ? PROT_WRITE : 0) |
			   (sg->prot & OBJLOAD_PROT_EXEC ? PROT_EXEC : 0);
		size_t len = (sg->size + r->page - 1) & ~(r->page - 1);

		if (mprotect(sg->work, len, prot) < 0) {
			snprintf(err, errlen, "mprotect %s failed", sg->name);
			return OBJLOAD_ERR_NOMEM;
		}
		(*changes)++;
	}
	return OBJLOAD_OK;
}

static void region_release(void *ctx, objload_alloc_request *req)
{
	(void)ctx;   /* the client unmaps the region when done with it */
	(void)req;
}

static const objload_memory_manager region_manager = {
	.name = "region",
	.allocate = region_allocate,
	.finalize = region_finalize,
	.release = region_release,
};

static void cm_test_doc_example(void)
{
	region_mm r = { .size = 64u << 20, .page = (size_t)sysconf(_SC_PAGESIZE) };
	objload_session *s;
	int status = -1;

	r.base = mmap(NULL, r.size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!CM_CHECK(r.base != MAP_FAILED, "map the region"))
		return;
	for (int strat = 0; strat < 2; strat++) {
		if (!CM_CHECK(cm_build_many(), "gcc compiles the generated file") ||
		    !CM_CHECK(!objload_session_new(&s), "session"))
			break;
		objload_set_strategy(s, strat ? OBJLOAD_STRATEGY_SECTION : OBJLOAD_STRATEGY_WHOLE);
		objload_set_memory_manager(s, &region_manager, &r);
		CM_CHECK(!objload_add_file(s, cm_path("many.o")) && !objload_link(s) &&
			 !objload_run_main(s, NULL, 0, NULL, &status) && status > 0,
			 "links and runs in the client's region (%s): %s",
			 strat ? "section" : "whole", objload_errmsg(s));
		CM_CHECK(r.used > 0 && r.used <= r.size, "the region holds it (%zu bytes)", r.used);
		objload_session_free(s);
	}
	munmap(r.base, r.size);
}

/* ---- registration ----------------------------------------------------------- */

int objload_test_register_compare(void)
{
	static const struct tu_test tests[] = {
		{ "compare --json: whole, section, scatter, auto", cm_test_json },
		{ "compare --json: per-image strategies and reasons, dead sections", cm_test_auto_and_dead },
		{ "compare --svg: 10,000 sections, one axis, < 500 KB, rendered", cm_test_svg },
		{ "a program cannot forge its results", cm_test_forged_report },
		{ "a crash in a constructor is the program's; exit() is a status",
		  cm_test_constructor_crash },
		{ "inputs as run takes them; exit 1 when a strategy cannot load",
		  cm_test_inputs_like_run },
		{ "scatter manager: segments > 4 GiB apart", cm_test_scatter },
		{ "arena manager: 1,000 tiny objects, few mappings, W^X", cm_test_arena },
		{ "scattered PC32 data reference: out of range", cm_test_pc32_out_of_range },
		{ "docs/memory-managers.md example manager", cm_test_doc_example },
	};
	return tu_add_suite("compare", cm_init, cm_cleanup, tests, TU_COUNT(tests));
}
