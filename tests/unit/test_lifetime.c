/* SPDX-License-Identifier: MIT */
/*
 * Suite "lifetime": what a load leaves behind, and when.
 *
 *   - W^X: no page of the process is ever writable and executable at once.
 *     /proc/self/maps is read after the memory manager allocated, before
 *     and after it finalized (a wrapper around the real manager), from the
 *     loaded code itself while its constructor, a function and its
 *     destructor run (they call back into lt_hook, defined with
 *     objload_define), after the link and after unloading; for both
 *     strategies, the mmap, scatter and arena managers, and every format
 *     that loads (ELF from gcc and clang, Mach-O and COFF from clang;
 *     a format whose plug-in answers "unsupported" is skipped with a note);
 *   - unload: 1,000 load/link/run/unload cycles of a small object per
 *     strategy leave the number of lines of /proc/self/maps exactly at its
 *     baseline and the resident set (/proc/self/statm) within
 *     LT_RSS_SLACK of it (in the sanitizer build, whose allocator maps
 *     regions of its own and quarantines freed memory, the count may drift
 *     by LT_SANITIZED_MAPS and RSS is only reported); the constructor,
 *     the image's atexit handler and its destructor run once per cycle,
 *     the last two at unload, in that order.
 *
 * The objects are compiled into a temporary directory when the suite starts.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "objload.h"
#include "tests/tests.h"
#include "tests/util.h"

#define LT_CYCLES 1000
#define LT_WARMUP 50
#if defined(__SANITIZE_ADDRESS__)
#define LT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LT_SANITIZED 1
#endif
#endif
#ifndef LT_SANITIZED
#define LT_SANITIZED 0
#endif
/* Resident-set growth allowed over the cycles.  AddressSanitizer keeps
 * freed memory in quarantine (256 MiB by default), so RSS says nothing
 * there and is only reported. */
#define LT_RSS_SLACK (1024 * 1024)
/* Mapping-count drift allowed in the sanitizer build only (its allocator's
 * own regions); none otherwise. */
#define LT_SANITIZED_MAPS 8

static const char lt_source[] =
	"extern void lt_hook(int);\n"
	"extern int atexit(void (*)(void));\n"
	"static int counter;\n"
	"int lt_data[16] = { 1, 2, 3 };\n"
	"static void lt_at_exit(void) { lt_hook(3); }\n"
	"__attribute__((constructor)) static void lt_ctor(void)\n"
	"{ counter++; lt_hook(1); atexit(lt_at_exit); }\n"
	"__attribute__((destructor)) static void lt_dtor(void) { lt_hook(2); }\n"
	"int lt_work(int x) { lt_hook(0); return x + counter + lt_data[x & 15]; }\n";

enum lt_fmt { LT_ELF, LT_MACHO, LT_COFF };

static const struct lt_variant {
	const char *name, *cc, *flags;
	enum lt_fmt fmt;
} lt_variants[] = {
	{ "gcc-O2", "gcc", "-O2", LT_ELF },
	{ "gcc-O0-nopic", "gcc", "-O0 -fno-pic", LT_ELF },
	{ "clang-O2-pic", "clang", "-O2 -fPIC", LT_ELF },
	{ "clang-large", "clang", "-O1 -mcmodel=large", LT_ELF },
	{ "clang-macho", "clang", "-O1 --target=x86_64-apple-macos11", LT_MACHO },
	{ "clang-coff", "clang", "-O1 --target=x86_64-pc-windows-msvc", LT_COFF },
};
#define LT_NVARIANTS (sizeof(lt_variants) / sizeof(lt_variants[0]))

static char *lt_dir;
static char *lt_objs[LT_NVARIANTS];     /* NULL: not compiled */

/* ---- /proc/self ------------------------------------------------------------ */

static int lt_scan;            /* scan for W^X in lt_hook */
static unsigned lt_wx_found;
static char lt_wx_where[160], lt_wx_line[512];

/* Scans /proc/self/maps; records the first writable+executable mapping.
 * Returns the number of lines. */
static size_t lt_maps(const char *where)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	size_t n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char perms[8] = "";

		n++;
		if (!where || sscanf(line, "%*s %7s", perms) != 1)
			continue;
		if (perms[1] == 'w' && perms[2] == 'x') {
			if (!lt_wx_found++) {
				snprintf(lt_wx_where, sizeof(lt_wx_where), "%s", where);
				snprintf(lt_wx_line, sizeof(lt_wx_line), "%s", line);
			}
		}
	}
	fclose(f);
	return n;
}

static long lt_rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size = 0, rss = 0;

	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &rss) != 2)
		rss = -1;
	fclose(f);
	return rss < 0 ? -1 : rss * sysconf(_SC_PAGESIZE);
}

/* ---- what the loaded code calls ---------------------------------------- */

static int lt_events[16];
static unsigned lt_nevents;
static const char *lt_context = "";

static void lt_hook(int what)
{
	static const char *const names[] = { "lt_work", "constructor", "destructor",
					      "atexit handler" };
	char where[160];

	if (lt_nevents < sizeof(lt_events) / sizeof(lt_events[0]))
		lt_events[lt_nevents] = what;
	lt_nevents++;
	if (lt_scan) {
		snprintf(where, sizeof(where), "%s: in the %s", lt_context,
			 (unsigned)what < 4 ? names[what] : "?");
		lt_maps(where);
	}
}

/* ---- a memory manager that looks at the process around the real one ---- */

struct lt_spy {
	const objload_memory_manager *real;
	void *ctx;
};

static objload_status lt_spy_allocate(void *ctx, objload_alloc_request *req,
				      size_t *n, char *err, size_t errlen)
{
	struct lt_spy *spy = ctx;
	objload_status st = spy->real->allocate(spy->ctx, req, n, err, errlen);

	lt_maps("after allocate");
	return st;
}

static objload_status lt_spy_finalize(void *ctx, objload_alloc_request *req,
				      size_t *n, char *err, size_t errlen)
{
	struct lt_spy *spy = ctx;
	objload_status st;

	lt_maps("after relocation, before finalize");
	st = spy->real->finalize(spy->ctx, req, n, err, errlen);
	lt_maps("after finalize");
	return st;
}

static void lt_spy_release(void *ctx, objload_alloc_request *req)
{
	struct lt_spy *spy = ctx;

	spy->real->release(spy->ctx, req);
}

static const objload_memory_manager lt_spy_manager = {
	.name = "spy",
	.allocate = lt_spy_allocate,
	.finalize = lt_spy_finalize,
	.release = lt_spy_release,
};

/* ---- one load ------------------------------------------------------------- */

typedef int (*lt_sysv_fn)(int);
typedef int (TU_MS_ABI *lt_ms_fn)(int);

/* Each call in a function of its own: gcc 12 at -O2 merges the two calls
 * of `cond ? ((lt_ms_fn)fn)(5) : ((lt_sysv_fn)fn)(5)` into one System V
 * call, losing the ms_abi of the first. */
static __attribute__((noinline)) int lt_call_ms(void *fn, int x)
{
	return ((lt_ms_fn)fn)(x);
}

static __attribute__((noinline)) int lt_call_sysv(void *fn, int x)
{
	return ((lt_sysv_fn)fn)(x);
}

/* Loads, links, calls lt_work(5) and unloads one object.  Returns
 * OBJLOAD_OK, or the status (the message is printed when `verbose`). */
static objload_status lt_cycle(const char *obj, enum lt_fmt fmt,
			       objload_strategy strategy,
			       const objload_memory_manager *mm, void *mm_ctx,
			       int verbose)
{
	objload_session *s;
	objload_status st;
	void *fn = NULL;
	int r;

	if (objload_session_new(&s) != OBJLOAD_OK)
		return OBJLOAD_ERR_NOMEM;
	lt_nevents = 0;
	st = objload_set_strategy(s, strategy);
	if (!st && mm)
		st = objload_set_memory_manager(s, mm, mm_ctx);
	if (!st)
		st = objload_define(s, "lt_hook", (uint64_t)(uintptr_t)lt_hook);
	if (!st)
		st = objload_add_file(s, obj);
	if (!st)
		st = objload_link(s);
	if (!st)
		st = objload_lookup(s, "lt_work", &fn);
	if (st) {
		if (verbose && st != OBJLOAD_ERR_UNSUPPORTED)
			fprintf(stderr, "\n  %s (%s): %s", obj, objload_strategy_name(strategy),
				objload_errmsg(s));
		objload_session_free(s);
		return st;
	}
	r = fmt == LT_COFF ? lt_call_ms(fn, 5) : lt_call_sysv(fn, 5);
	if (r != 5 + 1 + 0) {   /* counter 1, lt_data[5] 0 */
		fprintf(stderr, "\n  %s: lt_work(5) returned %d, want 6; lt_hook saw", obj, r);
		for (unsigned i = 0; i < lt_nevents && i < 16; i++)
			fprintf(stderr, " %d", lt_events[i]);
	}
	CU_ASSERT_EQUAL(r, 5 + 1 + 0);
	objload_session_free(s);
	return OBJLOAD_OK;
}

/* ---- suite set-up ----------------------------------------------------------- */

static int lt_init(void)
{
	char path[512];

	lt_dir = tu_mkdtemp("lifetime");
	if (!lt_dir)
		return 1;
	snprintf(path, sizeof(path), "%s/lt.c", lt_dir);
	if (tu_write_text(path, lt_source) != 0)
		return 1;
	for (size_t i = 0; i < LT_NVARIANTS; i++) {
		const struct lt_variant *v = &lt_variants[i];
		char obj[600];

		snprintf(obj, sizeof(obj), "%s/%s.o", lt_dir, v->name);
		if (tu_sh("%s -c %s -o '%s' '%s' >/dev/null 2>&1", v->cc, v->flags, obj,
			  path) != 0) {
			/* the suite's tests fail on a missing object
			 * (lt_objs[i] stays NULL) */
			fprintf(stderr, "\n  %s %s: cannot compile", v->cc, v->flags);
			continue;
		}
		lt_objs[i] = strdup(obj);
	}
	return lt_objs[0] ? 0 : 1;
}

static int lt_cleanup(void)
{
	for (size_t i = 0; i < LT_NVARIANTS; i++) {
		free(lt_objs[i]);
		lt_objs[i] = NULL;
	}
	tu_rm_tmpdir(&lt_dir);
	return 0;
}

/* ---- the tests ------------------------------------------------------------- */

static void test_lifetime_wx(void)
{
	static const objload_strategy strategies[] = {
		OBJLOAD_STRATEGY_WHOLE, OBJLOAD_STRATEGY_SECTION,
	};
	static const char *const mms[] = { "mmap", "scatter", "arena" };
	char ctx_name[256];
	unsigned loaded = 0, skipped = 0;

	lt_wx_found = 0;
	lt_maps("before any load");
	for (size_t i = 0; i < LT_NVARIANTS; i++) {
		if (!lt_objs[i]) {
			CU_FAIL("a test object could not be compiled (see stderr)");
			continue;
		}
		for (size_t k = 0; k < 2; k++) {
			for (size_t m = 0; m < 3; m++) {
				objload_scatter_ctx scatter = { 0 };
				objload_arena *arena = NULL;
				struct lt_spy spy;
				objload_status st;

				/* scattered sections: PC32 data references cannot
				 * reach (no stub fixes them); that is the point */
				if (m == 1 && strategies[k] == OBJLOAD_STRATEGY_SECTION)
					continue;
				if (m == 0) {
					spy.real = objload_mmap_memory_manager();
					spy.ctx = NULL;
				} else if (m == 1) {
					spy.real = objload_scatter_memory_manager();
					spy.ctx = &scatter;
				} else {
					if (objload_arena_new(0, &arena) != OBJLOAD_OK) {
						CU_FAIL("objload_arena_new");
						continue;
					}
					spy.real = objload_arena_memory_manager();
					spy.ctx = arena;
				}
				snprintf(ctx_name, sizeof(ctx_name), "%s, %s, %s manager",
					 lt_variants[i].name, objload_strategy_name(strategies[k]),
					 mms[m]);
				lt_context = ctx_name;
				lt_scan = 1;
				st = lt_cycle(lt_objs[i], lt_variants[i].fmt, strategies[k],
					      &lt_spy_manager, &spy, 1);
				lt_scan = 0;
				lt_maps(ctx_name);      /* after unload */
				if (arena)
					objload_arena_free(arena);
				if (st == OBJLOAD_ERR_UNSUPPORTED) {
					skipped++;
					continue;
				}
				CU_ASSERT_EQUAL(st, OBJLOAD_OK);
				if (st)
					continue;
				loaded++;
				/* the hooks ran: constructor, lt_work, destructor */
				CU_ASSERT(lt_nevents >= 3);
				if (lt_variants[i].fmt == LT_ELF) {
					CU_ASSERT_EQUAL(lt_nevents, 4);
					CU_ASSERT(lt_events[0] == 1 && lt_events[1] == 0 &&
						  lt_events[2] == 3 && lt_events[3] == 2);
				}
			}
		}
	}
	lt_context = "";
	fprintf(stderr, "\n  W^X: %u loads checked, %u unsupported (skipped)", loaded, skipped);
	if (lt_wx_found)
		fprintf(stderr, "\n  writable and executable mapping %s: %s", lt_wx_where,
			lt_wx_line);
	CU_ASSERT_EQUAL(lt_wx_found, 0);
	CU_ASSERT(loaded > 0);
}

static void lt_unload_cycles(objload_strategy strategy)
{
	const char *obj = lt_objs[0];
	size_t maps0, maps1;
	long rss0, rss1;
	unsigned bad = 0, dtors = 0;

	for (int i = 0; i < LT_WARMUP; i++)
		lt_cycle(obj, LT_ELF, strategy, NULL, NULL, 0);
	maps0 = lt_maps(NULL);
	rss0 = lt_rss_bytes();
	for (int i = 0; i < LT_CYCLES; i++) {
		if (lt_cycle(obj, LT_ELF, strategy, NULL, NULL, bad == 0) != OBJLOAD_OK) {
			bad++;
			continue;
		}
		/* constructor, lt_work, then at unload the atexit handler and
		 * the destructor */
		if (lt_nevents == 4 && lt_events[2] == 3 && lt_events[3] == 2)
			dtors++;
	}
	maps1 = lt_maps(NULL);
	rss1 = lt_rss_bytes();
	fprintf(stderr, "\n  %s: %d cycles: maps %zu -> %zu lines, RSS %ld -> %ld KiB%s",
		objload_strategy_name(strategy), LT_CYCLES, maps0, maps1, rss0 / 1024,
		rss1 / 1024, LT_SANITIZED ? " (sanitizer build: RSS not checked)" : "");
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(dtors, LT_CYCLES);
	/* AddressSanitizer's allocator maps and unmaps regions of its own */
	if (!LT_SANITIZED) {
		CU_ASSERT_EQUAL(maps1, maps0);
		CU_ASSERT(rss1 - rss0 <= LT_RSS_SLACK);
	} else {
		CU_ASSERT(maps1 <= maps0 + LT_SANITIZED_MAPS && maps0 <= maps1 + LT_SANITIZED_MAPS);
	}
}

static void test_lifetime_unload_whole(void)
{
	lt_unload_cycles(OBJLOAD_STRATEGY_WHOLE);
}

static void test_lifetime_unload_section(void)
{
	lt_unload_cycles(OBJLOAD_STRATEGY_SECTION);
}

int objload_test_register_lifetime(void)
{
	CU_pSuite suite = CU_add_suite("lifetime", lt_init, lt_cleanup);

	if (!suite ||
	    !CU_add_test(suite, "no page writable and executable", test_lifetime_wx) ||
	    !CU_add_test(suite, "1000 unloads, whole", test_lifetime_unload_whole) ||
	    !CU_add_test(suite, "1000 unloads, section", test_lifetime_unload_section))
		return 1;
	return 0;
}
