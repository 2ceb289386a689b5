/* SPDX-License-Identifier: MIT */
/*
 * Suite "compare": the loading strategies side by side.
 *
 *   - `objload compare --json` on a gcc -O2 -ffunction-sections object
 *     with thousands of functions (generated here): fewer allocations for
 *     whole than per-section, more stubs taken when scattered, one exit
 *     status for all three; `--svg` is well-formed, with an <svg> root,
 *     one group per strategy and a rect per segment;
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
	long long allocations, stubs, out_of_range, exit_status;
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

static char *cm_compare_json(const char *extra, const char *obj)
{
	char out[256];

	snprintf(out, sizeof(out), "%.200s.json", obj);
	if (tu_sh("'%s' compare --json %s '%s' > '%s'", tu_objload_bin(), extra, cm_path(obj),
		  cm_path(out)) != 0)
		return NULL;
	return tu_read_text(cm_path(out), NULL);
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
	fprintf(f, "int main(void) { unsigned s = 0; for (int i = 0; i < %d; i += 10)"
		" s += (unsigned)f0(i) + (unsigned)f5(i); return (int)(s & 0x3f) + 1; }\n", n);
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
	cm_row rows[4];
	char *json;
	int n;

	if (!CM_CHECK(cm_build_many(), "gcc compiles the generated file"))
		return;
	json = cm_compare_json("", "many.o");
	if (!CM_CHECK(json != NULL, "objload compare --json succeeds"))
		return;
	n = cm_parse_json(json, rows, 4);
	CM_CHECK(json[0] == '[' && strstr(json, "]") != NULL, "a JSON array");
	if (!CM_CHECK(n == 3, "three rows, got %d", n)) {
		free(json);
		return;
	}
	CM_CHECK(strcmp(rows[0].strategy, "whole") == 0 && strcmp(rows[1].strategy, "section") == 0 &&
		 strcmp(rows[2].strategy, "scatter") == 0, "rows whole, section, scatter");
	CM_CHECK(rows[0].allocations < rows[1].allocations,
		 "whole allocates less (%lld) than per-section (%lld)",
		 rows[0].allocations, rows[1].allocations);
	CM_CHECK(rows[1].allocations >= CM_NFUNCS, "per-section: one allocation per function (%lld)",
		 rows[1].allocations);
	CM_CHECK(rows[2].stubs > rows[1].stubs, "scattered takes more stubs (%lld) than per-section (%lld)",
		 rows[2].stubs, rows[1].stubs);
	for (int i = 0; i < 3; i++) {
		CM_CHECK(rows[i].ran && rows[i].have_exit, "%s ran", rows[i].strategy);
		CM_CHECK(rows[i].exit_status == rows[0].exit_status && rows[i].exit_status != 0,
			 "%s exits %lld like whole (%lld)", rows[i].strategy,
			 rows[i].exit_status, rows[0].exit_status);
		CM_CHECK(rows[i].out_of_range == 0 && !rows[i].error[0], "%s: no error (%s)",
			 rows[i].strategy, rows[i].error);
	}
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

static void cm_test_svg(void)
{
	char err[256] = "", *svg, *json;
	cm_row rows[4];
	int n;

	if (!CM_CHECK(cm_build_many(), "gcc compiles the generated file"))
		return;
	json = cm_compare_json("--svg=" "/dev/null", "many.o");
	free(json);
	if (!CM_CHECK(tu_sh("'%s' compare --json --svg='%s' '%s' > '%s'", tu_objload_bin(),
			    cm_path("many.svg"), cm_path("many.o"), cm_path("svg.json")) == 0,
		      "compare --svg succeeds"))
		return;
	svg = tu_read_text(cm_path("many.svg"), NULL);
	json = tu_read_text(cm_path("svg.json"), NULL);
	if (!CM_CHECK(svg && json, "the SVG and the JSON are written")) {
		free(svg);
		free(json);
		return;
	}
	n = cm_xml_check(svg, err, sizeof(err));
	CM_CHECK(n > 0, "well-formed, <svg> root: %s", err);
	CM_CHECK(cm_count(svg, "<g class=\"strategy\"", NULL) == 3, "one group per strategy");
	cm_parse_json(json, rows, 4);
	for (int i = 0; i < 3; i++) {
		char id[64];
		const char *g, *next;

		snprintf(id, sizeof(id), "id=\"strategy-%.31s\"", rows[i].strategy);
		g = strstr(svg, id);
		if (!CM_CHECK(g != NULL, "group for %s", rows[i].strategy))
			continue;
		next = strstr(g, "</g>");
		CM_CHECK(cm_count(g, "<rect class=\"segment\"", next) >= rows[i].allocations &&
			 cm_count(g, "<rect", next) >= rows[i].allocations,
			 "%s: a rect per segment (%d rects, %lld allocations)", rows[i].strategy,
			 cm_count(g, "<rect", next), rows[i].allocations);
	}
	CM_CHECK(cm_count(svg, "class=\"jump\"", NULL) > 0, "long jumps drawn");
	CM_CHECK(cm_count(svg, "class=\"gap\"", NULL) > 0, "large gaps elided with a marker");
	CM_CHECK(cm_count(svg, "class=\"stubs\"", NULL) > 0, "stubs marked");
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
	cm_row rows[4];
	char *json;
	int n;

	CM_CHECK(tu_write_text(cm_path("pc32.c"), src) == 0 &&
		 tu_sh("gcc -O2 -fPIE -fno-asynchronous-unwind-tables -c -o '%s' '%s'",
		       cm_path("pc32.o"), cm_path("pc32.c")) == 0, "gcc compiles pc32.c");
	json = cm_compare_json("", "pc32.o");
	if (!CM_CHECK(json != NULL, "compare --json succeeds"))
		return;
	n = cm_parse_json(json, rows, 4);
	if (CM_CHECK(n == 3, "three rows")) {
		CM_CHECK(rows[0].ran && rows[0].exit_status == 7, "whole runs: %lld", rows[0].exit_status);
		CM_CHECK(rows[1].ran && rows[1].exit_status == 7, "section runs: %lld", rows[1].exit_status);
		CM_CHECK(rows[2].out_of_range == 1, "scatter: out_of_range = %lld", rows[2].out_of_range);
		CM_CHECK(!rows[2].ran && !rows[2].have_exit, "scatter did not run");
		CM_CHECK(strstr(rows[2].error, "R_X86_64_PC32") && strstr(rows[2].error, "counter") &&
			 strstr(rows[2].error, "does not fit"), "the message: %s", rows[2].error);
	}
	free(json);
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
	size_t start = r->used, off = r->used;

	(void)mappings;   /* the region was mapped by the client: none here */
	for (size_t i = 0; i < req->nsegments; i++) {
		objload_segment *sg = &req->segments[i];
		size_t align = sg->align > r->page ? sg->align : r->page;
		size_t len = (sg->size + r->page - 1) & ~(r->page - 1);

		if (req->layout == OBJLOAD_LAYOUT_CONTIGUOUS) {
			/* segment i at base + offset: one run for all */
			off = start + (size_t)sg->offset;
			if (i == 0 && ((uintptr_t)r->base + off) & (align - 1)) {
				snprintf(err, errlen, "region is not aligned");
				return OBJLOAD_ERR_NOMEM;
			}
		} else {
			off = (off + align - 1) & ~(align - 1);
		}
		if (off + len > r->size) {
			snprintf(err, errlen, "region full: %zu of %zu bytes used", off, r->size);
			return OBJLOAD_ERR_NOMEM;
		}
		sg->work = r->base + off;
		sg->target = (uint64_t)(uintptr_t)sg->work;
		if (sg->target < sg->window_lo || sg->target > sg->window_hi ||
		    sg->window_hi - sg->target < sg->size) {
			snprintf(err, errlen, "segment %s outside its window", sg->name);
			return OBJLOAD_ERR_RANGE;
		}
		if (req->layout == OBJLOAD_LAYOUT_INDEPENDENT)
			off += len;
	}
	r->used = req->layout == OBJLOAD_LAYOUT_CONTIGUOUS ?
		start + ((req->span + r->page - 1) & ~(r->page - 1)) : off;
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
		{ "compare --json: whole, section, scatter", cm_test_json },
		{ "compare --svg: well-formed, a group per strategy", cm_test_svg },
		{ "scatter manager: segments > 4 GiB apart", cm_test_scatter },
		{ "arena manager: 1,000 tiny objects, few mappings, W^X", cm_test_arena },
		{ "scattered PC32 data reference: out of range", cm_test_pc32_out_of_range },
		{ "docs/memory-managers.md example manager", cm_test_doc_example },
	};
	return tu_add_suite("compare", cm_init, cm_cleanup, tests, TU_COUNT(tests));
}
