/* SPDX-License-Identifier: MIT */
/*
 * The core through the public API (objload.h, objload/plugin.h): symbol
 * resolution, strategies and metrics, client memory managers, W^X,
 * non-PIC placement, unloading and API misuse.
 *
 * Every input is real compiler output: the sources below are written into
 * a temporary directory when a test needs them and compiled there with gcc
 * (`gcc -c x.s` for the COMDAT assembly).  The directory is made by the
 * suite's init and removed by its cleanup.  Only the toy-format test hands
 * objload bytes of its own.
 *
 * Each check records a CUnit assertion whose message says what was
 * expected and what objload said (objload_errmsg), and prints failures to
 * stderr as well, where long messages stay readable.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <CUnit/Basic.h>

#include "core/hashmap.h"
#include "objload.h"
#include "objload/plugin.h"
#include "tests/tests.h"
#include "tests/util.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* ---- reporting --------------------------------------------------------- */

/* CT_CHECK(condition, message...): records one assertion; returns it. */
#define CT_CHECK(cond, ...) \
	tu_check_at("core", __FILE__, __LINE__, (cond) ? 1 : 0, __VA_ARGS__)

/* An objload call that must succeed; the message carries objload_errmsg. */
#define CT_OK(s, call) \
	tu_check_at("core", __FILE__, __LINE__, (call) == OBJLOAD_OK, "%s: %s", #call, \
		    objload_errmsg(s))

/* ---- the suite's directory --------------------------------------------- */

TU_SUITE_TMPDIR(ct_dir, "core", ct_suite_init, ct_suite_cleanup)

/* ---- compiling ----------------------------------------------------------- */

/*
 * Writes `text` to ct_dir/NAME.EXT and compiles it with gcc and `flags`
 * (whitespace-separated) into ct_dir/NAME.o.  Returns the object's path
 * (to free), or NULL after recording a failure with the compiler's output.
 */
static char *ct_compile(const char *name, const char *ext, const char *text,
			const char *flags)
{
	char *obj, *why;

	if (!CT_CHECK(ct_dir != NULL, "the suite has a temporary directory"))
		return NULL;
	obj = tu_compile_text(ct_dir, name, ext, text, "gcc", flags, &why);
	if (!obj)
		CT_CHECK(0, "gcc %s: %.600s", flags, why);
	free(why);
	return obj;
}

static char *ct_compile_c(const char *name, const char *text, const char *flags)
{
	return ct_compile(name, "c", text, flags);
}

/* ---- sessions -------------------------------------------------------------- */

/* A new session with `strategy` and the files (NULL-terminated) added;
 * NULL after recording a failure. */
static objload_session *ct_session_v(objload_strategy strategy,
				     const char *const files[])
{
	objload_session *s = NULL;

	if (!CT_CHECK(objload_session_new(&s) == OBJLOAD_OK && s,
		      "objload_session_new"))
		return NULL;
	if (!CT_OK(s, objload_set_strategy(s, strategy)))
		goto fail;
	for (int i = 0; files[i]; i++)
		if (!CT_OK(s, objload_add_file(s, files[i])))
			goto fail;
	return s;
fail:
	objload_session_free(s);
	return NULL;
}

static objload_session *ct_linked_v(objload_strategy strategy,
				    const char *const files[])
{
	objload_session *s = ct_session_v(strategy, files);

	if (s && !CT_OK(s, objload_link(s))) {
		objload_session_free(s);
		return NULL;
	}
	return s;
}

/* The address of a function or object the session exports; NULL after
 * recording a failure. */
static void *ct_lookup(objload_session *s, const char *name)
{
	void *p = NULL;
	objload_status st = objload_lookup(s, name, &p);

	if (!CT_CHECK(st == OBJLOAD_OK && p, "objload_lookup(%s): %s: %s", name,
		      objload_status_name(st), objload_errmsg(s)))
		return NULL;
	return p;
}

typedef int (*ct_int_fn)(void);
typedef int (*ct_int_int_fn)(int);
typedef unsigned (*ct_uns_fn)(unsigned);
typedef void *(*ct_ptr_fn)(void);

#define CT_FN(type, p) ((type)(uintptr_t)(p))

static const objload_strategy ct_strategies[] = {
	OBJLOAD_STRATEGY_WHOLE, OBJLOAD_STRATEGY_SECTION,
};
#define CT_NSTRATEGIES (sizeof(ct_strategies) / sizeof(ct_strategies[0]))

/* ---- /proc/self/maps ----------------------------------------------------- */

struct ct_map {
	uint64_t lo, hi;
	char perms[5];
};

/* The process's mappings; the count, or -1. */
static int ct_read_maps(struct ct_map **out)
{
	char *text = tu_read_text("/proc/self/maps", NULL);
	struct ct_map *m = NULL;
	int n = 0, cap = 0;
	char *save, *line;

	*out = NULL;
	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long lo, hi;
		char perms[5];

		if (sscanf(line, "%llx-%llx %4s", &lo, &hi, perms) != 3)
			continue;
		if (n == cap) {
			struct ct_map *g;

			cap = cap ? cap * 2 : 256;
			g = realloc(m, (size_t)cap * sizeof(*m));
			if (!g)
				tu_oom();
			m = g;
		}
		m[n].lo = lo;
		m[n].hi = hi;
		memcpy(m[n].perms, perms, 5);
		n++;
	}
	free(text);
	*out = m;
	return n;
}

static int ct_count_maps(void)
{
	struct ct_map *m;
	int n = ct_read_maps(&m);

	free(m);
	return n;
}

static const struct ct_map *ct_map_of(const struct ct_map *m, int n, uint64_t addr)
{
	for (int i = 0; i < n; i++)
		if (addr >= m[i].lo && addr < m[i].hi)
			return &m[i];
	return NULL;
}

/* ======================================================================== */
/* 1. Symbol resolution                                                     */
/* ======================================================================== */

static void ct_test_duplicate(void)
{
	char *a = ct_compile_c("strong_a", "int twice_defined(void) { return 1; }\n", "-O2");
	char *b = ct_compile_c("strong_b", "int twice_defined(void) { return 2; }\n", "-O2");
	objload_session *s;
	objload_status st;
	const char *msg;

	if (!a || !b)
		goto out;
	s = ct_session_v(OBJLOAD_STRATEGY_AUTO, (const char *const[]){ a, b, NULL });
	if (!s)
		goto out;
	st = objload_link(s);
	msg = objload_errmsg(s);
	CT_CHECK(st == OBJLOAD_ERR_DUPLICATE,
		 "two strong definitions: expected OBJLOAD_ERR_DUPLICATE, got %s (%s)",
		 objload_status_name(st), msg);
	CT_CHECK(strstr(msg, "twice_defined") && strstr(msg, a) && strstr(msg, b),
		 "the duplicate message names the symbol and both files: \"%s\"", msg);
	objload_session_free(s);
out:
	free(a);
	free(b);
}

static void ct_test_weak_strong(void)
{
	/* The weak file calls the symbol too: its reference must bind to the
	 * strong definition as well. */
	char *w = ct_compile_c("weak_def",
			       "__attribute__((weak)) int ws_pick(void) { return 1; }\n"
			       "int ws_call_from_weak(void) { return ws_pick() * 10; }\n",
			       "-O2");
	char *s_ = ct_compile_c("strong_def", "int ws_pick(void) { return 2; }\n", "-O2");

	if (!w || !s_)
		goto out;
	for (int order = 0; order < 2; order++) {
		const char *files[] = { order ? s_ : w, order ? w : s_, NULL };
		objload_session *s = ct_linked_v(OBJLOAD_STRATEGY_AUTO, files);
		void *pick, *call;

		if (!s)
			continue;
		pick = ct_lookup(s, "ws_pick");
		call = ct_lookup(s, "ws_call_from_weak");
		if (pick)
			CT_CHECK(CT_FN(ct_int_fn, pick)() == 2,
				 "weak vs strong (%s first): lookup gives the strong one (2), got %d",
				 order ? "strong" : "weak", CT_FN(ct_int_fn, pick)());
		if (call)
			CT_CHECK(CT_FN(ct_int_fn, call)() == 20,
				 "weak vs strong (%s first): the weak file's call binds to the strong one (20), got %d",
				 order ? "strong" : "weak", CT_FN(ct_int_fn, call)());
		objload_session_free(s);
	}
out:
	free(w);
	free(s_);
}

static void ct_test_common_merge(void)
{
	/* 16 bytes aligned to 64 in one file, 256 bytes in the other: one block
	 * of 256 bytes aligned to 64, which another common must not overlap. */
	char *small = ct_compile_c("common_small",
				   "int common_arr[4] __attribute__((aligned(64)));\n"
				   "int common_guard[16];\n"
				   "int *arr_from_small(void) { return common_arr; }\n",
				   "-O2 -fcommon");
	char *big = ct_compile_c("common_big",
				 "int common_arr[64];\n"
				 "void fill_arr(int v) { for (int i = 0; i < 64; i++) common_arr[i] = v + i; }\n"
				 "int *arr_from_big(void) { return common_arr; }\n",
				 "-O2 -fcommon");

	if (!small || !big)
		goto out;
	for (int order = 0; order < 2; order++) {
		const char *files[] = { order ? big : small, order ? small : big, NULL };
		objload_session *s = ct_linked_v(OBJLOAD_STRATEGY_AUTO, files);
		int *arr, *guard;
		void *from_small, *from_big, *fill;
		uintptr_t a, g;

		if (!s)
			continue;
		arr = ct_lookup(s, "common_arr");
		guard = ct_lookup(s, "common_guard");
		from_small = ct_lookup(s, "arr_from_small");
		from_big = ct_lookup(s, "arr_from_big");
		fill = ct_lookup(s, "fill_arr");
		if (!arr || !guard || !from_small || !from_big || !fill) {
			objload_session_free(s);
			continue;
		}
		CT_CHECK(CT_FN(ct_ptr_fn, from_small)() == arr &&
			 CT_FN(ct_ptr_fn, from_big)() == arr,
			 "commons (%s first): both files see one block at %p (small %p, big %p)",
			 order ? "big" : "small", (void *)arr, CT_FN(ct_ptr_fn, from_small)(),
			 CT_FN(ct_ptr_fn, from_big)());
		a = (uintptr_t)arr;
		g = (uintptr_t)guard;
		CT_CHECK(a % 64 == 0, "commons: merged block keeps the larger alignment 64: %p",
			 (void *)arr);
		CT_CHECK(g + 16 * sizeof(int) <= a || g >= a + 64 * sizeof(int),
			 "commons (%s first): the merged block [%p, +256) is the largest size and does not overlap common_guard at %p",
			 order ? "big" : "small", (void *)arr, (void *)guard);
		CT_FN(void (*)(int), fill)(100);
		CT_CHECK(arr[0] == 100 && arr[63] == 163,
			 "commons: the whole array is writable: arr[0]=%d arr[63]=%d",
			 arr[0], arr[63]);
		for (int i = 0; i < 16; i++)
			if (!CT_CHECK(guard[i] == 0, "commons: guard[%d] untouched: %d", i, guard[i]))
				break;
		objload_session_free(s);
	}
out:
	free(small);
	free(big);
}

static void ct_test_all_undefined(void)
{
	char *o = ct_compile_c("two_undefined",
			       "extern int objload_test_missing_alpha(void);\n"
			       "extern int objload_test_missing_beta;\n"
			       "int uses_missing(void) { return objload_test_missing_alpha() + objload_test_missing_beta; }\n",
			       "-O2");
	objload_session *s;
	objload_status st;
	const char *msg;

	if (!o)
		return;
	s = ct_session_v(OBJLOAD_STRATEGY_AUTO, (const char *const[]){ o, NULL });
	if (s) {
		st = objload_link(s);
		msg = objload_errmsg(s);
		CT_CHECK(st == OBJLOAD_ERR_UNDEFINED,
			 "two undefined symbols: expected OBJLOAD_ERR_UNDEFINED, got %s (%s)",
			 objload_status_name(st), msg);
		CT_CHECK(strstr(msg, "objload_test_missing_alpha") &&
			 strstr(msg, "objload_test_missing_beta"),
			 "one message lists every undefined symbol: \"%s\"", msg);
		objload_session_free(s);
	}
	free(o);
}

static void ct_test_no_host_lookup(void)
{
	char *o = ct_compile_c("uses_puts",
			       "#include <stdio.h>\n"
			       "int say_hi(void) { return puts(\"hi\"); }\n",
			       "-O2");
	objload_session *s;
	objload_status st;

	if (!o)
		return;
	s = ct_session_v(OBJLOAD_STRATEGY_AUTO, (const char *const[]){ o, NULL });
	if (s && CT_OK(s, objload_set_host_lookup(s, 0))) {
		st = objload_link(s);
		CT_CHECK(st == OBJLOAD_ERR_UNDEFINED && strstr(objload_errmsg(s), "puts"),
			 "without host lookup puts is undefined: got %s (%s)",
			 objload_status_name(st), objload_errmsg(s));
	}
	objload_session_free(s);
	free(o);
}

static int ct_host_cb_calls;

static int ct_host_cb(int x)
{
	ct_host_cb_calls++;
	return x * 7;
}

static void ct_test_define_function(void)
{
	char *o = ct_compile_c("uses_host_cb",
			       "extern int objload_test_host_cb(int);\n"
			       "int call_host_cb(int x) { return objload_test_host_cb(x) + 1; }\n",
			       "-O2");

	if (!o)
		return;
	for (size_t k = 0; k < CT_NSTRATEGIES; k++) {
		objload_session *s = ct_session_v(ct_strategies[k], (const char *const[]){ o, NULL });
		void *fn;
		int r;

		if (!s)
			continue;
		if (CT_OK(s, objload_define(s, "objload_test_host_cb",
					    (uint64_t)(uintptr_t)ct_host_cb)) &&
		    CT_OK(s, objload_link(s)) && (fn = ct_lookup(s, "call_host_cb"))) {
			ct_host_cb_calls = 0;
			r = CT_FN(ct_int_int_fn, fn)(6);
			CT_CHECK(r == 43 && ct_host_cb_calls == 1,
				 "objload_define (%s): loaded code calls the test's function: got %d, %d calls",
				 objload_strategy_name(ct_strategies[k]), r, ct_host_cb_calls);
		}
		objload_session_free(s);
	}
	free(o);
}

static void ct_test_hidden(void)
{
	char *def = ct_compile_c("hidden_def",
				 "__attribute__((visibility(\"hidden\"))) int hidden_fn(void) { return 5; }\n"
				 "__attribute__((visibility(\"hidden\"))) int hidden_var = 11;\n",
				 "-O2");
	char *use = ct_compile_c("hidden_use",
				 "int hidden_fn(void);\n"
				 "extern int hidden_var;\n"
				 "int call_hidden(void) { return hidden_fn() * 10 + hidden_var; }\n",
				 "-O2");
	objload_session *s;
	void *fn, *p = NULL;
	objload_status st;

	if (!def || !use)
		goto out;
	s = ct_linked_v(OBJLOAD_STRATEGY_AUTO, (const char *const[]){ use, def, NULL });
	if (!s)
		goto out;
	fn = ct_lookup(s, "call_hidden");
	if (fn)
		CT_CHECK(CT_FN(ct_int_fn, fn)() == 61,
			 "hidden symbols bind across objects of the session: got %d, want 61",
			 CT_FN(ct_int_fn, fn)());
	st = objload_lookup(s, "hidden_fn", &p);
	CT_CHECK(st != OBJLOAD_OK, "objload_lookup of a hidden function fails: got %s, %p",
		 objload_status_name(st), p);
	st = objload_lookup(s, "hidden_var", &p);
	CT_CHECK(st != OBJLOAD_OK, "objload_lookup of a hidden object fails: got %s, %p",
		 objload_status_name(st), p);
	objload_session_free(s);
out:
	free(def);
	free(use);
}

/* Two assembled objects with one COMDAT group `pick`; the second also
 * calls pick from outside the group. */
static const char ct_comdat_fmt[] =
	"\t.section .text.pick,\"axG\",@progbits,pick,comdat\n"
	"\t.globl pick\n"
	"\t.type pick,@function\n"
	"pick:\n"
	"\tmovl $%d, %%eax\n"
	"\tret\n"
	"\t.size pick, .-pick\n"
	"\t.text\n"
	"\t.globl call_pick_%d\n"
	"\t.type call_pick_%d,@function\n"
	"call_pick_%d:\n"
	"\tcall pick@PLT\n"
	"\taddl $100, %%eax\n"
	"\tret\n"
	"\t.section .note.GNU-stack,\"\",@progbits\n";

static void ct_test_comdat(void)
{
	char *src1 = tu_fmt(ct_comdat_fmt, 1, 1, 1, 1);
	char *src2 = tu_fmt(ct_comdat_fmt, 2, 2, 2, 2);
	char *o1 = ct_compile("comdat_one", "s", src1, "");
	char *o2 = ct_compile("comdat_two", "s", src2, "");

	if (!o1 || !o2)
		goto out;
	for (size_t k = 0; k < CT_NSTRATEGIES; k++) {
		for (int order = 0; order < 2; order++) {
			const char *files[] = { order ? o2 : o1, order ? o1 : o2, NULL };
			int want = order ? 2 : 1;
			objload_session *s = ct_session_v(ct_strategies[k], files);
			objload_status st;
			void *pick, *c1, *c2;

			if (!s)
				continue;
			st = objload_link(s);
			CT_CHECK(st == OBJLOAD_OK,
				 "COMDAT (%s, %s first): no duplicate error: %s: %s",
				 objload_strategy_name(ct_strategies[k]), files[0],
				 objload_status_name(st), objload_errmsg(s));
			if (st == OBJLOAD_OK && (pick = ct_lookup(s, "pick")) &&
			    (c1 = ct_lookup(s, "call_pick_1")) &&
			    (c2 = ct_lookup(s, "call_pick_2"))) {
				CT_CHECK(CT_FN(ct_int_fn, pick)() == want,
					 "COMDAT (%s): the first loaded group wins: pick() = %d, want %d",
					 objload_strategy_name(ct_strategies[k]),
					 CT_FN(ct_int_fn, pick)(), want);
				CT_CHECK(CT_FN(ct_int_fn, c1)() == 100 + want &&
					 CT_FN(ct_int_fn, c2)() == 100 + want,
					 "COMDAT (%s): both files call the winner: %d %d, want %d",
					 objload_strategy_name(ct_strategies[k]),
					 CT_FN(ct_int_fn, c1)(), CT_FN(ct_int_fn, c2)(), 100 + want);
			}
			objload_session_free(s);
		}
	}
out:
	free(src1);
	free(src2);
	free(o1);
	free(o2);
}

/* ======================================================================== */
/* 2. Strategies and metrics                                                */
/* ======================================================================== */

#define CT_CHAIN_FUNCS 200

/* f0(x) = x; fN(x) = f(N-1)(x) * 3 + N, each in its own section, each with
 * a printf that never runs. */
static char *ct_chain_source(void)
{
	size_t cap = 256 * CT_CHAIN_FUNCS + 256, len = 0;
	char *src = malloc(cap);

	if (!src)
		tu_oom();
	len += (size_t)snprintf(src + len, cap - len,
				"#include <stdio.h>\n"
				"__attribute__((noinline)) unsigned f0(unsigned x) { return x; }\n");
	for (int i = 1; i < CT_CHAIN_FUNCS; i++)
		len += (size_t)snprintf(src + len, cap - len,
					"__attribute__((noinline)) unsigned f%d(unsigned x)\n"
					"{ if (x == 0xdeadbeefu) printf(\"f%d %%u\\n\", x);"
					" return f%d(x) * 3u + %du; }\n",
					i, i, i - 1, i);
	snprintf(src + len, cap - len,
		 "unsigned chain_entry(unsigned x) { return f%d(x); }\n",
		 CT_CHAIN_FUNCS - 1);
	return src;
}

static unsigned ct_chain_expect(unsigned x)
{
	for (unsigned i = 1; i < CT_CHAIN_FUNCS; i++)
		x = x * 3u + i;
	return x;
}

static int ct_has_kind(const objload_metrics *m, const char *kind)
{
	for (size_t i = 0; i < m->nkinds && i < OBJLOAD_MAX_KIND_METRICS; i++)
		if (m->by_kind[i].kind && strcmp(m->by_kind[i].kind, kind) == 0 &&
		    m->by_kind[i].count > 0)
			return 1;
	return 0;
}

static void ct_test_metrics(void)
{
	char *src = ct_chain_source();
	char *o = ct_compile_c("chain", src, "-O2 -ffunction-sections");
	objload_metrics m[CT_NSTRATEGIES];

	free(src);
	if (!o)
		return;
	memset(m, 0, sizeof(m));
	for (size_t k = 0; k < CT_NSTRATEGIES; k++) {
		const char *sn = objload_strategy_name(ct_strategies[k]);
		objload_session *s = ct_linked_v(ct_strategies[k], (const char *const[]){ o, NULL });
		void *fn;

		if (!s)
			goto out;
		fn = ct_lookup(s, "chain_entry");
		if (fn)
			CT_CHECK(CT_FN(ct_uns_fn, fn)(5) == ct_chain_expect(5),
				 "%s: 200 functions run: chain_entry(5) = %u, want %u", sn,
				 CT_FN(ct_uns_fn, fn)(5), ct_chain_expect(5));
		CT_OK(s, objload_get_metrics(s, &m[k]));
		objload_session_free(s);

		CT_CHECK(m[k].images == 1, "%s: metrics.images = %" PRIu64, sn, m[k].images);
		CT_CHECK(m[k].relocations > 0, "%s: metrics.relocations = %" PRIu64, sn,
			 m[k].relocations);
		CT_CHECK(ct_has_kind(&m[k], "BRANCH32") && ct_has_kind(&m[k], "PC32"),
			 "%s: by_kind lists BRANCH32 and PC32 (%zu kinds, first %s)", sn,
			 m[k].nkinds, m[k].nkinds ? m[k].by_kind[0].kind : "none");
		CT_CHECK(m[k].phase_ns[OBJLOAD_PHASE_RELOCATE] > 0,
			 "%s: phase_ns[relocate] is non-zero", sn);
		CT_CHECK(m[k].bytes_used > 0 && m[k].bytes_used <= m[k].bytes_reserved,
			 "%s: 0 < bytes_used %" PRIu64 " <= bytes_reserved %" PRIu64, sn,
			 m[k].bytes_used, m[k].bytes_reserved);
	}
	CT_CHECK(m[0].allocations == 1, "whole: one allocation, got %" PRIu64,
		 m[0].allocations);
	CT_CHECK(m[0].mappings >= 1 && m[0].mappings <= 3,
		 "whole: a few mappings (1..3), got %" PRIu64, m[0].mappings);
	CT_CHECK(m[1].allocations > 100, "section: more than 100 allocations, got %" PRIu64,
		 m[1].allocations);
	CT_CHECK(m[1].stubs >= m[0].stubs && m[1].stubs > 0,
		 "section stubs %" PRIu64 " >= whole stubs %" PRIu64, m[1].stubs, m[0].stubs);
out:
	free(o);
}

/* ======================================================================== */
/* 3. Client memory managers                                                */
/* ======================================================================== */

#define CT_MAX_SEGS 64

/* Wraps the default manager, counts the calls and records the segments. */
struct ct_counting {
	int allocs, finals, releases;
	int refuse;               /* allocate fails with OBJLOAD_ERR_NOMEM */
	int not_rw_at_finalize;   /* segment pages not rw- when finalize came */
	size_t nsegs;
	struct {
		uint64_t target, size;
		int prot;
	} segs[CT_MAX_SEGS];
};

static objload_status ct_counting_allocate(void *ctx, objload_alloc_request *req,
					   size_t *mappings, char *err, size_t errlen)
{
	struct ct_counting *c = ctx;
	objload_status st;

	c->allocs++;
	if (c->refuse) {
		snprintf(err, errlen, "no memory today (said the refusing manager)");
		return OBJLOAD_ERR_NOMEM;
	}
	st = objload_mmap_memory_manager()->allocate(NULL, req, mappings, err, errlen);
	c->nsegs = 0;
	for (size_t i = 0; st == OBJLOAD_OK && i < req->nsegments && i < CT_MAX_SEGS; i++) {
		c->segs[i].target = req->segments[i].target;
		c->segs[i].size = req->segments[i].size;
		c->segs[i].prot = req->segments[i].prot;
		c->nsegs++;
	}
	return st;
}

static objload_status ct_counting_finalize(void *ctx, objload_alloc_request *req,
					   size_t *changes, char *err, size_t errlen)
{
	struct ct_counting *c = ctx;
	struct ct_map *maps;
	int n = ct_read_maps(&maps);
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	/* while objload writes, every page is read-write and not executable */
	for (size_t g = 0; g < c->nsegs; g++) {
		for (uint64_t a = c->segs[g].target & ~(page - 1);
		     a < c->segs[g].target + c->segs[g].size; a += page) {
			const struct ct_map *mp = ct_map_of(maps, n, a);

			if (!mp || strncmp(mp->perms, "rw-", 3) != 0)
				c->not_rw_at_finalize++;
		}
	}
	free(maps);
	c->finals++;
	return objload_mmap_memory_manager()->finalize(NULL, req, changes, err, errlen);
}

static void ct_counting_release(void *ctx, objload_alloc_request *req)
{
	struct ct_counting *c = ctx;

	c->releases++;
	objload_mmap_memory_manager()->release(NULL, req);
}

static const objload_memory_manager ct_counting_manager = {
	.name = "counting",
	.allocate = ct_counting_allocate,
	.finalize = ct_counting_finalize,
	.release = ct_counting_release,
};

/* A small program with code, read-only data and writable data. */
static const char ct_small_src[] =
	"static const char greeting[] = \"loaded\";\n"
	"int small_counter = 3;\n"
	"int small_bump(int by) { small_counter += by; return small_counter + greeting[0]; }\n";

static char *ct_small_object(void)
{
	return ct_compile_c("small", ct_small_src, "-O2");
}

static void ct_test_counting_manager(void)
{
	char *o = ct_small_object();

	if (!o)
		return;
	for (size_t k = 0; k < CT_NSTRATEGIES; k++) {
		const char *sn = objload_strategy_name(ct_strategies[k]);
		struct ct_counting c;
		objload_session *s = ct_session_v(ct_strategies[k], (const char *const[]){ o, NULL });
		struct ct_map *maps;
		void *fn;
		int n, linked = 0;

		memset(&c, 0, sizeof(c));
		if (!s)
			continue;
		if (CT_OK(s, objload_set_memory_manager(s, &ct_counting_manager, &c)) &&
		    CT_OK(s, objload_link(s))) {
			linked = 1;
			CT_CHECK(c.allocs == 1 && c.finals == 1 && c.releases == 0,
				 "%s: after link: allocate %d, finalize %d, release %d (want 1, 1, 0)",
				 sn, c.allocs, c.finals, c.releases);
			CT_CHECK(c.nsegs > 0 && c.not_rw_at_finalize == 0,
				 "%s: before finalize every page of the %zu segments is rw- (%d are not)",
				 sn, c.nsegs, c.not_rw_at_finalize);
			fn = ct_lookup(s, "small_bump");
			if (fn)
				CT_CHECK(CT_FN(ct_int_int_fn, fn)(4) == 7 + 'l',
					 "%s: code runs in the client manager's memory", sn);
		}
		objload_session_free(s);
		CT_CHECK(c.allocs == 1 && c.finals == 1 && c.releases == 1,
			 "%s: after free: allocate %d, finalize %d, release %d (want 1 each)",
			 sn, c.allocs, c.finals, c.releases);
		/* the segments are unmapped (nothing else mapped since) */
		n = ct_read_maps(&maps);
		for (size_t g = 0; linked && g < c.nsegs; g++) {
			const struct ct_map *mp = ct_map_of(maps, n, c.segs[g].target);

			if (!CT_CHECK(!mp, "%s: after free segment %zu at 0x%" PRIx64 " is unmapped (%s)",
				      sn, g, c.segs[g].target, mp ? mp->perms : "-"))
				break;
		}
		free(maps);
	}
	/* a manager that fails: its status and message, and no release */
	{
		struct ct_counting c;
		objload_session *s = ct_session_v(OBJLOAD_STRATEGY_AUTO, (const char *const[]){ o, NULL });
		objload_status st;

		memset(&c, 0, sizeof(c));
		c.refuse = 1;
		if (s && CT_OK(s, objload_set_memory_manager(s, &ct_counting_manager, &c))) {
			st = objload_link(s);
			CT_CHECK(st == OBJLOAD_ERR_NOMEM &&
				 strstr(objload_errmsg(s), "no memory today") &&
				 strstr(objload_errmsg(s), "counting"),
				 "a refusing manager: OBJLOAD_ERR_NOMEM with its name and message, got %s (%s)",
				 objload_status_name(st), objload_errmsg(s));
		}
		objload_session_free(s);
		CT_CHECK(c.allocs == 1 && c.finals == 0 && c.releases == 0,
			 "a refusing manager: allocate %d, finalize %d, release %d (want 1, 0, 0)",
			 c.allocs, c.finals, c.releases);
	}
	free(o);
}

/*
 * A manager that puts every segment of an independent request in its own
 * 8 GiB slot, far out of reach of 32-bit PC-relative fixups.  The slots
 * start at 32 TiB: the 16 TiB of the brief is inside AddressSanitizer's
 * shadow memory on x86-64 (it ends at 0x10007fff7fff).  A slot already in
 * use is skipped (MAP_FIXED_NOREPLACE never replaces a mapping).
 */
#define CT_SCATTER_BASE 0x200000000000ull
#define CT_SCATTER_STRIDE 0x200000000ull
#define CT_SCATTER_SLOTS 512

struct ct_scatter {
	int finals, releases;
	uint64_t lowest, highest;
};

static uint64_t ct_page(void)
{
	return (uint64_t)sysconf(_SC_PAGESIZE);
}

static uint64_t ct_seg_len(const objload_segment *sg)
{
	return (sg->size + ct_page() - 1) & ~(ct_page() - 1);
}

static int ct_prot_bits(int prot)
{
	return (prot & OBJLOAD_PROT_READ ? PROT_READ : 0) |
	       (prot & OBJLOAD_PROT_WRITE ? PROT_WRITE : 0) |
	       (prot & OBJLOAD_PROT_EXEC ? PROT_EXEC : 0);
}

static void ct_scatter_release(void *ctx, objload_alloc_request *req)
{
	struct ct_scatter *c = ctx;

	c->releases++;
	for (size_t i = 0; i < req->nsegments; i++) {
		if (req->segments[i].work)
			munmap(req->segments[i].work, ct_seg_len(&req->segments[i]));
		req->segments[i].work = NULL;
	}
}

static objload_status ct_scatter_allocate(void *ctx, objload_alloc_request *req,
					  size_t *mappings, char *err, size_t errlen)
{
	struct ct_scatter *c = ctx;
	uint64_t slot = 0;

	for (size_t g = 0; g < req->ngroups; g++) {
		if (req->groups[g].count != 1) {
			snprintf(err, errlen, "the scattering manager only takes groups of one segment");
			return OBJLOAD_ERR_UNSUPPORTED;
		}
	}
	for (size_t i = 0; i < req->nsegments; i++)
		req->segments[i].work = NULL;
	for (size_t g = 0; g < req->ngroups; g++) {
		objload_segment_group *grp = &req->groups[g];
		objload_segment *sg = &req->segments[grp->first];
		uint64_t len = ct_seg_len(sg), addr = 0;
		void *p = MAP_FAILED;

		if (grp->align > CT_SCATTER_STRIDE || len > CT_SCATTER_STRIDE ||
		    grp->window_lo != 0 || grp->window_hi != UINT64_MAX) {
			snprintf(err, errlen, "segment %s: window or alignment the scattering manager cannot meet",
				 sg->name);
			ct_scatter_release(c, req);
			c->releases--;
			return OBJLOAD_ERR_UNSUPPORTED;
		}
		for (; slot < CT_SCATTER_SLOTS; slot++) {
			addr = CT_SCATTER_BASE + slot * CT_SCATTER_STRIDE;
			p = mmap((void *)(uintptr_t)addr, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
			if (p == (void *)(uintptr_t)addr)
				break;
			if (p != MAP_FAILED)
				munmap(p, len);   /* an old kernel ignored the flag */
			p = MAP_FAILED;
		}
		if (p == MAP_FAILED) {
			snprintf(err, errlen, "segment %s: no free slot", sg->name);
			ct_scatter_release(c, req);
			c->releases--;
			return OBJLOAD_ERR_NOMEM;
		}
		slot++;
		objload_place_group(req, g, p, addr);
		if (!c->lowest || addr < c->lowest)
			c->lowest = addr;
		if (addr > c->highest)
			c->highest = addr;
		(*mappings)++;
	}
	return OBJLOAD_OK;
}

static objload_status ct_scatter_finalize(void *ctx, objload_alloc_request *req,
					  size_t *changes, char *err, size_t errlen)
{
	struct ct_scatter *c = ctx;

	c->finals++;
	for (size_t i = 0; i < req->nsegments; i++) {
		objload_segment *sg = &req->segments[i];

		if (mprotect(sg->work, ct_seg_len(sg), ct_prot_bits(sg->prot)) < 0) {
			snprintf(err, errlen, "mprotect %s: %s", sg->name, strerror(errno));
			return OBJLOAD_ERR_NOMEM;
		}
		(*changes)++;
	}
	return OBJLOAD_OK;
}

static const objload_memory_manager ct_scatter_manager = {
	.name = "scatter",
	.allocate = ct_scatter_allocate,
	.finalize = ct_scatter_finalize,
	.release = ct_scatter_release,
};

static void ct_test_scatter_data_ref(void)
{
	/* -fPIE: `lea .LC0(%rip)` is an R_X86_64_PC32 from .text to
	 * .rodata.str1.1, which no stub or GOT slot can serve.  No unwind
	 * tables, so .eh_frame's own PC32 fixups do not get there first. */
	char *o = ct_compile_c("pie_string",
			       "const char *pie_message(void) { return \"from rodata\"; }\n",
			       "-O2 -fPIE -fno-asynchronous-unwind-tables");
	struct ct_scatter c;
	objload_session *s;
	objload_metrics m;
	objload_status st;
	const char *msg;

	if (!o)
		return;
	memset(&c, 0, sizeof(c));
	s = ct_session_v(OBJLOAD_STRATEGY_SECTION, (const char *const[]){ o, NULL });
	if (!s)
		goto out;
	if (!CT_OK(s, objload_set_memory_manager(s, &ct_scatter_manager, &c)))
		goto out_free;
	st = objload_link(s);
	msg = objload_errmsg(s);
	CT_CHECK(st == OBJLOAD_ERR_RANGE,
		 "PC32 from .text to .rodata 8 GiB away: expected OBJLOAD_ERR_RANGE, got %s (%s)",
		 objload_status_name(st), msg);
	CT_CHECK(strstr(msg, o) && strstr(msg, "PC32") && strstr(msg, "offset"),
		 "the range error names file, relocation and offset: \"%s\"", msg);
	memset(&m, 0, sizeof(m));
	CT_OK(s, objload_get_metrics(s, &m));
	CT_CHECK(m.out_of_range >= 1, "metrics.out_of_range counts the failure: %" PRIu64,
		 m.out_of_range);
out_free:
	objload_session_free(s);
	CT_CHECK(c.releases == 1, "the scattering manager's memory is released once (%d)",
		 c.releases);
out:
	free(o);
}

static void ct_test_scatter_branches(void)
{
	/* Only branches cross sections: g calls f (R_X86_64_PLT32: f is
	 * global, so the assembler keeps the symbol; a call to a static f
	 * would be an R_X86_64_PC32 against the section, which objload cannot
	 * tell from a data reference).  No data, no unwind tables. */
	char *o = ct_compile_c("branch_only",
			       "__attribute__((noinline)) int br_f(int x) { return x * 3; }\n"
			       "int br_g(int x) { return br_f(x) + 1; }\n",
			       "-O1 -ffunction-sections -fno-asynchronous-unwind-tables");
	struct ct_scatter c;
	objload_session *s;
	objload_metrics m;
	void *g, *f;

	if (!o)
		return;
	memset(&c, 0, sizeof(c));
	s = ct_session_v(OBJLOAD_STRATEGY_SECTION, (const char *const[]){ o, NULL });
	if (!s)
		goto out;
	if (CT_OK(s, objload_set_memory_manager(s, &ct_scatter_manager, &c)) &&
	    CT_OK(s, objload_link(s)) && (g = ct_lookup(s, "br_g")) &&
	    (f = ct_lookup(s, "br_f"))) {
		uint64_t d = (uint64_t)(uintptr_t)g > (uint64_t)(uintptr_t)f ?
			(uint64_t)(uintptr_t)g - (uint64_t)(uintptr_t)f :
			(uint64_t)(uintptr_t)f - (uint64_t)(uintptr_t)g;

		CT_CHECK(d > (1ull << 32), "br_f %p and br_g %p are more than 4 GiB apart",
			 f, g);
		CT_CHECK(CT_FN(ct_int_int_fn, g)(5) == 16,
			 "a branch 8 GiB away runs through a stub: br_g(5) = %d, want 16",
			 CT_FN(ct_int_int_fn, g)(5));
		memset(&m, 0, sizeof(m));
		CT_OK(s, objload_get_metrics(s, &m));
		CT_CHECK(m.stubs > 0 && m.out_of_range == 0,
			 "scattered branches: stubs %" PRIu64 " > 0, out_of_range %" PRIu64 " == 0",
			 m.stubs, m.out_of_range);
		CT_CHECK(c.finals == 1, "finalize called once (%d)", c.finals);
	}
	objload_session_free(s);
	CT_CHECK(c.releases == 1, "release called once (%d)", c.releases);
out:
	free(o);
}

/* ======================================================================== */
/* 4. W^X                                                                   */
/* ======================================================================== */

static void ct_test_wx(void)
{
	char *o = ct_small_object();

	if (!o)
		return;
	for (size_t k = 0; k < CT_NSTRATEGIES; k++) {
		const char *sn = objload_strategy_name(ct_strategies[k]);
		struct ct_counting c;
		objload_session *s = ct_session_v(ct_strategies[k], (const char *const[]){ o, NULL });
		struct ct_map *maps = NULL;
		const struct ct_map *mp;
		void *fn, *var;
		int n;

		memset(&c, 0, sizeof(c));
		if (!s)
			continue;
		if (!CT_OK(s, objload_set_memory_manager(s, &ct_counting_manager, &c)) ||
		    !CT_OK(s, objload_link(s)) || !(fn = ct_lookup(s, "small_bump")) ||
		    !(var = ct_lookup(s, "small_counter"))) {
			objload_session_free(s);
			continue;
		}
		n = ct_read_maps(&maps);
		CT_CHECK(n > 0, "/proc/self/maps is readable");
		for (int i = 0; i < n; i++)
			if (!CT_CHECK(!(strchr(maps[i].perms, 'w') && strchr(maps[i].perms, 'x')),
				      "%s: no mapping is writable and executable: %" PRIx64 "-%" PRIx64 " %s",
				      sn, maps[i].lo, maps[i].hi, maps[i].perms))
				break;
		mp = ct_map_of(maps, n, (uint64_t)(uintptr_t)fn);
		CT_CHECK(mp && strncmp(mp->perms, "r-x", 3) == 0,
			 "%s: code at %p is in an r-x mapping (%s)", sn, fn, mp ? mp->perms : "none");
		mp = ct_map_of(maps, n, (uint64_t)(uintptr_t)var);
		CT_CHECK(mp && strncmp(mp->perms, "rw-", 3) == 0,
			 "%s: a writable global at %p is in an rw- mapping (%s)", sn, var,
			 mp ? mp->perms : "none");
		/* every page of every segment has its final protection */
		for (size_t g = 0; g < c.nsegs; g++) {
			char want[4] = {
				c.segs[g].prot & OBJLOAD_PROT_READ ? 'r' : '-',
				c.segs[g].prot & OBJLOAD_PROT_WRITE ? 'w' : '-',
				c.segs[g].prot & OBJLOAD_PROT_EXEC ? 'x' : '-', 0,
			};
			uint64_t page = ct_page();

			for (uint64_t a = c.segs[g].target & ~(page - 1);
			     a < c.segs[g].target + c.segs[g].size; a += page) {
				mp = ct_map_of(maps, n, a);
				if (!CT_CHECK(mp && strncmp(mp->perms, want, 3) == 0,
					      "%s: segment %zu page 0x%" PRIx64 " is %s, want %s", sn,
					      g, a, mp ? mp->perms : "unmapped", want))
					break;
			}
		}
		CT_CHECK(c.nsegs > 0, "%s: the manager saw the segments", sn);
		free(maps);
		objload_session_free(s);
	}
	free(o);
}

/* ======================================================================== */
/* 5. Non-PIC placement                                                     */
/* ======================================================================== */

static void ct_test_nonpic_stderr(void)
{
	/* -fno-pic: `movl $.LC0, %esi` (R_X86_64_32) forces the link low, and
	 * `mov stderr(%rip)` (R_X86_64_PC32) must then reach a copy of
	 * libc's stderr inside the link. */
	char *o = ct_compile_c("nonpic_stderr",
			       "#include <stdio.h>\n"
			       "int np_say(int v) { return fprintf(stderr, \"value %d\\n\", v); }\n"
			       "FILE *np_stderr(void) { return stderr; }\n",
			       "-O2 -fno-pic");
	char *capture = tu_fmt("%s/stderr.txt", ct_dir ? ct_dir : "/tmp");

	if (!o)
		goto out;
	for (size_t k = 0; k < CT_NSTRATEGIES; k++) {
		const char *sn = objload_strategy_name(ct_strategies[k]);
		objload_session *s = ct_linked_v(ct_strategies[k], (const char *const[]){ o, NULL });
		void *say, *get;
		int saved, fd, r;
		char *text;

		if (!s)
			continue;
		say = ct_lookup(s, "np_say");
		get = ct_lookup(s, "np_stderr");
		if (get)
			CT_CHECK(CT_FN(ct_ptr_fn, get)() == (void *)stderr,
				 "%s: the loaded code's stderr is the host's (%p vs %p)", sn,
				 CT_FN(ct_ptr_fn, get)(), (void *)stderr);
		if (say) {
			fflush(stderr);
			saved = dup(2);
			fd = open(capture, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (CT_CHECK(saved >= 0 && fd >= 0, "redirect stderr to %s", capture)) {
				dup2(fd, 2);
				close(fd);
				r = CT_FN(ct_int_int_fn, say)(42);
				fflush(stderr);
				dup2(saved, 2);
				close(saved);
				text = tu_read_text(capture, NULL);
				CT_CHECK(r == 9 && text && strcmp(text, "value 42\n") == 0,
					 "%s: fprintf(stderr) from non-PIC code: returned %d, wrote \"%s\"",
					 sn, r, text ? text : "(nothing)");
				free(text);
			}
		}
		objload_session_free(s);
	}
out:
	free(capture);
	free(o);
}

static void ct_test_nonpic_far_define(void)
{
	/* `movl $far_data, %eax` (R_X86_64_32) and `far_data(%rdi)`
	 * (R_X86_64_32S) cannot hold 0x7f0000000000. */
	char *o = ct_compile_c("nonpic_far",
			       "extern char far_data[];\n"
			       "char *far_ptr(void) { return far_data; }\n"
			       "int far_get(long i) { return far_data[i]; }\n",
			       "-O2 -fno-pic");

	if (!o)
		return;
	for (size_t k = 0; k < CT_NSTRATEGIES; k++) {
		const char *sn = objload_strategy_name(ct_strategies[k]);
		objload_session *s = ct_session_v(ct_strategies[k], (const char *const[]){ o, NULL });
		objload_status st;

		if (!s)
			continue;
		if (CT_OK(s, objload_define(s, "far_data", 0x7f0000000000ull))) {
			st = objload_link(s);
			CT_CHECK(st == OBJLOAD_ERR_RANGE && strstr(objload_errmsg(s), "far_data"),
				 "%s: a 32-bit absolute reference to 0x7f0000000000: expected OBJLOAD_ERR_RANGE naming far_data, got %s (%s)",
				 sn, objload_status_name(st), objload_errmsg(s));
		}
		objload_session_free(s);
	}
	free(o);
}

/* ======================================================================== */
/* 6. Unload                                                                */
/* ======================================================================== */

/* Filled by the loaded object: 1 constructor, 2 its atexit handler,
 * 3 destructor. */
static int ct_events[16];
static int ct_nevents;

static void ct_test_unload(void)
{
	char *o = ct_compile_c("lifecycle",
			       "#include <stdlib.h>\n"
			       "extern int ct_events[16];\n"
			       "extern int ct_nevents;\n"
			       "static void log_event(int e) { if (ct_nevents < 16) ct_events[ct_nevents++] = e; }\n"
			       "static void on_exit_handler(void) { log_event(2); }\n"
			       "__attribute__((constructor)) static void init(void) { log_event(1); atexit(on_exit_handler); }\n"
			       "__attribute__((destructor)) static void fini(void) { log_event(3); }\n"
			       "int lifecycle_events(void) { return ct_nevents; }\n",
			       "-O2");
	int before = -1, after, bad = 0;

	if (!o)
		return;
	for (int cycle = 0; cycle <= 50 && !bad; cycle++) {
		objload_strategy strat = ct_strategies[(size_t)cycle % CT_NSTRATEGIES];
		objload_session *s;

		/* cycle 0 warms up whatever the process maps once */
		if (cycle == 1)
			before = ct_count_maps();
		s = ct_session_v(strat, (const char *const[]){ o, NULL });
		if (!s) {
			bad = 1;
			break;
		}
		ct_nevents = 0;
		if (!CT_OK(s, objload_define(s, "ct_events", (uint64_t)(uintptr_t)ct_events)) ||
		    !CT_OK(s, objload_define(s, "ct_nevents", (uint64_t)(uintptr_t)&ct_nevents)) ||
		    !CT_OK(s, objload_link(s)))
			bad = 1;
		else if (!CT_CHECK(ct_nevents == 1 && ct_events[0] == 1,
				   "cycle %d: the constructor ran once at link (%d events)",
				   cycle, ct_nevents))
			bad = 1;
		objload_session_free(s);
		if (!bad && !CT_CHECK(ct_nevents == 3 && ct_events[1] == 2 && ct_events[2] == 3,
				      "cycle %d: unload runs the atexit handler, then the destructor: %d events [%d %d %d]",
				      cycle, ct_nevents, ct_events[0], ct_events[1], ct_events[2]))
			bad = 1;
	}
	after = ct_count_maps();
	if (!bad)
		CT_CHECK(before > 0 && after == before,
			 "50 load/free cycles leave the mappings as they were: %d lines before, %d after",
			 before, after);
	free(o);
}

/* ======================================================================== */
/* Sessions in threads                                                      */
/* ======================================================================== */

/* "Distinct sessions are independent and may be used from different
 * threads": each thread loads, links, runs and frees its own sessions. */
#define CT_THREADS 4
#define CT_THREAD_CYCLES 10

struct ct_thread {
	pthread_t id;
	const char *obj;
	int index, failures;
	char first[512];
};

static void *ct_thread_main(void *arg)
{
	struct ct_thread *t = arg;

	for (int i = 0; i < CT_THREAD_CYCLES; i++) {
		objload_session *s = NULL;
		objload_status st;
		void *fn = NULL;
		int by = t->index * 100 + i, got;

		st = objload_session_new(&s);
		if (!st)
			st = objload_set_strategy(s, ct_strategies[(size_t)i % CT_NSTRATEGIES]);
		if (!st)
			st = objload_add_file(s, t->obj);
		if (!st)
			st = objload_link(s);
		if (!st)
			st = objload_lookup(s, "small_bump", &fn);
		if (st) {
			if (!t->failures++)
				snprintf(t->first, sizeof(t->first), "cycle %d: %s: %s", i,
					 objload_status_name(st), s ? objload_errmsg(s) : "");
		} else if ((got = CT_FN(ct_int_int_fn, fn)(by)) != 3 + by + 'l') {
			if (!t->failures++)
				snprintf(t->first, sizeof(t->first),
					 "cycle %d: small_bump(%d) = %d, want %d", i, by, got,
					 3 + by + 'l');
		}
		objload_session_free(s);
	}
	return NULL;
}

static void ct_test_threads(void)
{
	char *o = ct_small_object();
	struct ct_thread t[CT_THREADS];
	int started = 0;

	if (!o)
		return;
	memset(t, 0, sizeof(t));
	for (int i = 0; i < CT_THREADS; i++) {
		t[i].obj = o;
		t[i].index = i;
		if (!CT_CHECK(pthread_create(&t[i].id, NULL, ct_thread_main, &t[i]) == 0,
			      "pthread_create"))
			break;
		started++;
	}
	for (int i = 0; i < started; i++) {
		pthread_join(t[i].id, NULL);
		CT_CHECK(t[i].failures == 0,
			 "thread %d: %d of %d sessions failed; first: %s", i, t[i].failures,
			 CT_THREAD_CYCLES, t[i].first);
	}
	free(o);
}

/* ======================================================================== */
/* 7. API misuse and out-of-tree formats                                    */
/* ======================================================================== */

static void ct_test_state_errors(void)
{
	char *o = ct_small_object();
	objload_session *s;
	objload_status st;
	void *p = NULL;

	if (!o)
		return;
	s = ct_session_v(OBJLOAD_STRATEGY_AUTO, (const char *const[]){ o, NULL });
	if (!s)
		goto out;
	st = objload_lookup(s, "small_bump", &p);
	CT_CHECK(st == OBJLOAD_ERR_STATE, "lookup before link: expected OBJLOAD_ERR_STATE, got %s",
		 objload_status_name(st));
	if (CT_OK(s, objload_link(s))) {
		st = objload_add_file(s, o);
		CT_CHECK(st == OBJLOAD_ERR_STATE,
			 "add_file after link: expected OBJLOAD_ERR_STATE, got %s (%s)",
			 objload_status_name(st), objload_errmsg(s));
		st = objload_link(s);
		CT_CHECK(st == OBJLOAD_ERR_STATE, "a second link: expected OBJLOAD_ERR_STATE, got %s",
			 objload_status_name(st));
		st = objload_define(s, "late", 1);
		CT_CHECK(st == OBJLOAD_ERR_STATE, "define after link: expected OBJLOAD_ERR_STATE, got %s",
			 objload_status_name(st));
		st = objload_lookup(s, "small_bump", &p);
		CT_CHECK(st == OBJLOAD_OK && p, "lookup after link works: %s",
			 objload_status_name(st));
		{
			int status = -1;

			st = objload_run_main(s, "small_counter", 0, NULL, &status);
			CT_CHECK(st == OBJLOAD_ERR_ARGUMENT,
				 "run_main of a data symbol: expected OBJLOAD_ERR_ARGUMENT, got %s (%s)",
				 objload_status_name(st), objload_errmsg(s));
		}
	}
	objload_session_free(s);
out:
	free(o);
}

/*
 * After a failed objload_link the session holds no runnable image:
 * objload_lookup and objload_run_main must refuse (not return an address
 * of unfinished memory, not crash).  The calls run in a child process, so
 * a crash fails this test instead of ending the suite.
 */
struct ct_after_fail {
	int done;   /* calls returned: 1 link, 2 lookup, 3 run_main */
	objload_status link, lookup, run;
};

static const char *const ct_after_fail_calls[] = {
	"objload_link", "objload_lookup", "objload_run_main", "_exit",
};

static int ct_after_failed_link(const char *obj, const char *define, const char *sym,
				struct ct_after_fail *res, char *why, size_t whylen)
{
	int fds[2], ws;
	pid_t pid;
	ssize_t got;

	if (pipe(fds) != 0) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		return 0;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return 0;
	}
	if (pid == 0) {
		struct ct_after_fail r = { 0, OBJLOAD_OK, OBJLOAD_OK, OBJLOAD_OK };
		objload_session *s = NULL;
		void *p = NULL;
		int status = 0;

		close(fds[0]);
		setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
		if (objload_session_new(&s) != OBJLOAD_OK)
			_exit(3);
		if (define)
			objload_define(s, define, 0x7f0000000000ull);
		if (objload_add_file(s, obj) != OBJLOAD_OK)
			_exit(4);
		/* a record after each call, in case the next one crashes */
		r.link = objload_link(s);
		r.done = 1;
		if (write(fds[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(5);
		r.lookup = objload_lookup(s, sym, &p);
		r.done = 2;
		if (write(fds[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(5);
		r.run = objload_run_main(s, sym, 0, NULL, &status);
		r.done = 3;
		if (write(fds[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(5);
		_exit(0);
	}
	close(fds[1]);
	memset(res, 0, sizeof(*res));
	for (;;) {
		struct ct_after_fail rec;

		got = read(fds[0], &rec, sizeof(rec));
		if (got < 0 && errno == EINTR)
			continue;
		if (got != (ssize_t)sizeof(rec))
			break;
		*res = rec;
	}
	close(fds[0]);
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(ws)) {
		snprintf(why, whylen, "killed by signal %d (%s) in %s", WTERMSIG(ws),
			 strsignal(WTERMSIG(ws)), ct_after_fail_calls[res->done]);
		return 0;
	}
	if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
		/* a sanitizer reports a crash and exits with status 1 */
		snprintf(why, whylen, "the child exited with status %d in %s",
			 WIFEXITED(ws) ? WEXITSTATUS(ws) : -1, ct_after_fail_calls[res->done]);
		return 0;
	}
	return 1;
}

static void ct_test_after_failed_link(void)
{
	/* fails in resolve (nothing allocated yet), and in relocate (memory
	 * allocated but never finalized) */
	char *undef = ct_compile_c("fail_undefined",
				   "extern int objload_test_missing_gamma(void);\n"
				   "int main(void) { return objload_test_missing_gamma(); }\n",
				   "-O2");
	char *range = ct_compile_c("fail_range",
				   "extern char far_data[];\n"
				   "char *far_ptr(void) { return far_data; }\n"
				   "int main(void) { return 3; }\n",
				   "-O2 -fno-pic");
	const struct {
		const char *obj, *define, *what;
		objload_status link;
	} cases[] = {
		{ undef, NULL, "undefined symbol", OBJLOAD_ERR_UNDEFINED },
		{ range, "far_data", "relocation out of range", OBJLOAD_ERR_RANGE },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ct_after_fail r = { 0, OBJLOAD_OK, OBJLOAD_OK, OBJLOAD_OK };
		char why[256] = "";
		int ok;

		if (!cases[i].obj)
			continue;
		ok = ct_after_failed_link(cases[i].obj, cases[i].define, "main", &r, why,
					  sizeof(why));
		CT_CHECK(ok, "after a failed link (%s: %s), objload_lookup(\"main\") and objload_run_main must not crash: %s%s%s",
			 cases[i].what, r.done >= 1 ? objload_status_name(r.link) : "?", why,
			 r.done >= 2 ? "; objload_lookup returned " : "",
			 r.done >= 2 ? objload_status_name(r.lookup) : "");
		if (!ok)
			continue;
		CT_CHECK(r.link == cases[i].link, "the link fails with %s: got %s",
			 objload_status_name(cases[i].link), objload_status_name(r.link));
		CT_CHECK(r.lookup != OBJLOAD_OK && r.run != OBJLOAD_OK,
			 "after a failed link (%s): lookup and run_main refuse: got %s and %s",
			 cases[i].what, objload_status_name(r.lookup), objload_status_name(r.run));
	}
	free(undef);
	free(range);
}

static void ct_test_missing_file(void)
{
	char *path = tu_fmt("%s/no-such-object.o", ct_dir ? ct_dir : "/tmp");
	objload_session *s = NULL;
	objload_status st;

	if (CT_CHECK(objload_session_new(&s) == OBJLOAD_OK, "objload_session_new")) {
		st = objload_add_file(s, path);
		CT_CHECK(st == OBJLOAD_ERR_IO && strstr(objload_errmsg(s), path),
			 "missing file: expected OBJLOAD_ERR_IO naming the path, got %s (%s)",
			 objload_status_name(st), objload_errmsg(s));
		objload_session_free(s);
	}
	free(path);
}

/* A format of the test's own: files starting with "TOYF"; parse refuses
 * them with a message only it writes. */
#define CT_TOY_MESSAGE "toy format: version 7 is not loadable (said the toy plug-in)"

static int ct_toy_probes;

static int ct_toy_probe(const uint8_t *bytes, size_t len)
{
	ct_toy_probes++;
	return bytes && len >= 4 && memcmp(bytes, "TOYF", 4) == 0;
}

static objload_status ct_toy_parse(objload_image *img)
{
	return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED, "%s", CT_TOY_MESSAGE);
}

static objload_status ct_toy_plan(const objload_image *img, const objload_plan_query *q,
				  objload_plan_choice *choice)
{
	(void)img;
	(void)q;
	choice->strategy = OBJLOAD_STRATEGY_WHOLE;
	choice->reason = "toy";
	return OBJLOAD_OK;
}

static const objload_format ct_toy_format = {
	.name = "toy",
	.abi_version = OBJLOAD_PLUGIN_ABI_VERSION,
	.probe = ct_toy_probe,
	.parse = ct_toy_parse,
	.plan = ct_toy_plan,
};

static const objload_format ct_toy_format_future = {
	.name = "toy-future",
	.abi_version = OBJLOAD_PLUGIN_ABI_VERSION + 1,
	.probe = ct_toy_probe,
	.parse = ct_toy_parse,
	.plan = ct_toy_plan,
};

static void ct_test_formats(void)
{
	static const char toy_bytes[] = "TOYF\007 a toy object";
	char *toy_path = tu_fmt("%s/toy.bin", ct_dir ? ct_dir : "/tmp");
	objload_session *s = NULL;
	objload_status st;

	/* not registered: nobody knows the bytes */
	if (CT_CHECK(objload_session_new(&s) == OBJLOAD_OK, "objload_session_new")) {
		st = objload_add_memory(s, "toy.bin", toy_bytes, sizeof(toy_bytes));
		CT_CHECK(st == OBJLOAD_ERR_FORMAT,
			 "unregistered toy bytes: expected OBJLOAD_ERR_FORMAT, got %s (%s)",
			 objload_status_name(st), objload_errmsg(s));
		objload_session_free(s);
	}
	/* a bad ABI version is refused, and the format is not probed */
	if (CT_CHECK(objload_session_new(&s) == OBJLOAD_OK, "objload_session_new")) {
		st = objload_register_format(s, &ct_toy_format_future);
		CT_CHECK(st == OBJLOAD_ERR_UNSUPPORTED,
			 "abi_version %d: expected OBJLOAD_ERR_UNSUPPORTED, got %s (%s)",
			 ct_toy_format_future.abi_version, objload_status_name(st),
			 objload_errmsg(s));
		ct_toy_probes = 0;
		st = objload_add_memory(s, "toy.bin", toy_bytes, sizeof(toy_bytes));
		CT_CHECK(st == OBJLOAD_ERR_FORMAT && ct_toy_probes == 0,
			 "a refused format is never probed: %s, %d probes",
			 objload_status_name(st), ct_toy_probes);
		objload_session_free(s);
	}
	/* registered: probed after the built-in ones, its parse speaks */
	if (CT_CHECK(objload_session_new(&s) == OBJLOAD_OK, "objload_session_new")) {
		if (CT_OK(s, objload_register_format(s, &ct_toy_format))) {
			ct_toy_probes = 0;
			st = objload_add_memory(s, "toy.bin", toy_bytes, sizeof(toy_bytes));
			CT_CHECK(st == OBJLOAD_ERR_UNSUPPORTED && ct_toy_probes > 0 &&
				 strstr(objload_errmsg(s), CT_TOY_MESSAGE) &&
				 strstr(objload_errmsg(s), "toy.bin"),
				 "registered toy format: expected its OBJLOAD_ERR_UNSUPPORTED and message, got %s (%s), %d probes",
				 objload_status_name(st), objload_errmsg(s), ct_toy_probes);
		}
		objload_session_free(s);
	}
	/* the same through a file */
	if (tu_write_text(toy_path, toy_bytes) == 0 &&
	    CT_CHECK(objload_session_new(&s) == OBJLOAD_OK, "objload_session_new")) {
		if (CT_OK(s, objload_register_format(s, &ct_toy_format))) {
			st = objload_add_file(s, toy_path);
			CT_CHECK(st == OBJLOAD_ERR_UNSUPPORTED &&
				 strstr(objload_errmsg(s), CT_TOY_MESSAGE) &&
				 strstr(objload_errmsg(s), toy_path),
				 "toy file: expected the toy plug-in's error with the path, got %s (%s)",
				 objload_status_name(st), objload_errmsg(s));
		}
		objload_session_free(s);
	}
	free(toy_path);
}

/* ---- registration ------------------------------------------------------------ */

/* ---- the core's hash map ------------------------------------------------ */

/* Names in, names out, through growth: interning finds the first value,
 * put overwrites, lookups of absent names fail; pairs of integers (a
 * device and an inode) are keys of their own, both halves compared. */
static void ct_test_hashmap(void)
{
	enum { N = 20000 };
	static char names[N][16];
	hashmap m = { 0 }, pairs = { 0 };
	uint32_t v = 0;
	int ok = 1;

	for (uint32_t i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "f%u", i);
		ok &= hashmap_intern_str(&m, names[i], i, &v) == 0 && v == i;
	}
	CT_CHECK(ok, "interning %d new names", N);
	ok = 1;
	for (uint32_t i = 0; i < N; i++) {
		char copy[16];

		memcpy(copy, names[i], sizeof(copy));   /* equal, not the same pointer */
		ok &= hashmap_intern_str(&m, copy, 7, &v) == 1 && v == i;
		ok &= hashmap_get_str(&m, copy, &v) && v == i;
	}
	CT_CHECK(ok, "every name found with its first value");
	CT_CHECK(!hashmap_get_str(&m, "f20000", &v) && !hashmap_get_str(&m, "", &v),
		 "absent names are not found");
	CT_CHECK(hashmap_put_str(&m, names[5], 99) == 0 && hashmap_get_str(&m, "f5", &v) &&
		 v == 99 && m.count == N, "put overwrites without a new entry");
	ok = 1;
	for (uint64_t i = 0; i < 1000; i++)
		ok &= hashmap_put_int(&pairs, 64769, i, (uint32_t)i + 1) == 0 &&
		      hashmap_put_int(&pairs, i, 64769, (uint32_t)i + 5000) == 0;
	for (uint64_t i = 0; i < 1000; i++) {
		ok &= hashmap_get_int(&pairs, 64769, i, &v) && v == i + 1;
		ok &= hashmap_get_int(&pairs, i, 64769, &v) && v == i + 5000;
	}
	CT_CHECK(ok && !hashmap_get_int(&pairs, 64769, 1000, &v) &&
		 !hashmap_get_int(&pairs, 1, 1, &v), "integer pairs: both halves are the key");
	hashmap_free(&m);
	hashmap_free(&pairs);
	CT_CHECK(!hashmap_get_str(&m, "f1", &v) && m.cap == 0, "a freed map is empty");
}

/* docs/hosts.md: the code every host compiles reaches the operating
 * system through os/os.h only; host-specific layers are chosen by
 * configure (abi/ms_x64, abi/win32, abi/sysv_win, abi/arm64, plug-ins). */
static void ct_test_host_headers(void)
{
	int status;
	char *out = tu_capture("cd '" OBJLOAD_TEST_TOP_SRCDIR "' && grep -rnE "
			       "'^[[:space:]]*#[[:space:]]*include[[:space:]]*<(sys/[a-z0-9_]+|"
			       "asm/[a-z0-9_]+|linux/[a-z0-9_]+|dlfcn|unistd|pthread|windows|link|"
			       "fcntl|dirent|poll|execinfo|ucontext|sched|libgen|glob|ftw|search|"
			       "psapi|io|shellapi)\\.h>' "
			       "core formats arch tools include abi/bridge.c abi/bridge.h "
			       "abi/format.c abi/format.h abi/wincrt.c abi/wincrt.h abi/darwin",
			       &status);

	CT_CHECK(out && out[0] == '\0' && status == 1,
		 "a host OS header outside os/ (grep status %d):\n%s", status, out ? out : "");
	free(out);
}

int objload_test_register_core(void)
{
	static const struct tu_test tests[] = {
		{ "symbols: two strong definitions", ct_test_duplicate },
		{ "symbols: weak vs strong", ct_test_weak_strong },
		{ "symbols: commons merge to the largest", ct_test_common_merge },
		{ "symbols: every undefined symbol in one error", ct_test_all_undefined },
		{ "symbols: host lookup can be turned off", ct_test_no_host_lookup },
		{ "symbols: objload_define supplies a function", ct_test_define_function },
		{ "symbols: hidden binds in the session, not exported", ct_test_hidden },
		{ "symbols: COMDAT first loaded wins", ct_test_comdat },
		{ "strategies and metrics", ct_test_metrics },
		{ "memory manager: calls counted", ct_test_counting_manager },
		{ "memory manager: scattered data reference is a range error", ct_test_scatter_data_ref },
		{ "memory manager: scattered branches go through stubs", ct_test_scatter_branches },
		{ "W^X", ct_test_wx },
		{ "non-PIC: host stderr copy", ct_test_nonpic_stderr },
		{ "non-PIC: far user definition is a range error", ct_test_nonpic_far_define },
		{ "unload: mappings and destructors", ct_test_unload },
		{ "sessions in parallel threads", ct_test_threads },
		{ "API: calls out of order", ct_test_state_errors },
		{ "API: lookup and run_main after a failed link", ct_test_after_failed_link },
		{ "API: missing file", ct_test_missing_file },
		{ "API: out-of-tree formats", ct_test_formats },
		{ "hash map: names and integer pairs through growth", ct_test_hashmap },
		{ "hosts: no host OS header outside os/", ct_test_host_headers },
	};
	return tu_add_suite("core", ct_suite_init, ct_suite_cleanup, tests, TU_COUNT(tests));
}
