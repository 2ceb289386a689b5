/* SPDX-License-Identifier: MIT */
/*
 * COFF linking rules across a session: COMDAT selections (objects
 * assembled by llvm-mc, one group `pick` per object, linked through the
 * public API and `pick` called to see which definition won), and
 * image-relative ADDR32NB fixups when a per-section plan scatters the
 * sections more than 4 GiB apart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "objload.h"
#include "tests/tests.h"
#include "tests/util.h"

static char *cd_dir;

typedef int (TU_MS_ABI *cd_fn)(void);

/* Assembles an object whose COMDAT `pick` (selection `sel`) returns
 * `value`, padded with `pad` bytes so sizes can differ. */
static int cd_object(const char *name, const char *sel, int value, int pad)
{
	char *path = tu_fmt("%s/%s.s", cd_dir, name), zero[32] = "";
	char *text;
	int ok;

	if (pad)
		snprintf(zero, sizeof(zero), "\t.zero %d\n", pad);
	text = tu_fmt("\t.section .text$pick,\"xr\",%s,pick\n\t.globl pick\npick:\n"
		      "\tmovl $%d, %%eax\n\tretq\n%s", sel, value, zero);
	ok = tu_write_text(path, text) == 0 &&
	     tu_sh("llvm-mc -filetype=obj -triple=x86_64-pc-windows-msvc %s -o %s/%s.o",
		   path, cd_dir, name) == 0;
	free(text);
	free(path);
	return ok ? 0 : -1;
}

/* Links a then b; returns the link status and, on success, pick(). */
static objload_status cd_link(const char *a, const char *b, int *value, char *msg,
			      size_t msglen)
{
	objload_session *s;
	objload_status st;
	char pa[128], pb[128];
	void *fn = NULL;

	snprintf(pa, sizeof(pa), "%s/%s.o", cd_dir, a);
	snprintf(pb, sizeof(pb), "%s/%s.o", cd_dir, b);
	if (objload_session_new(&s))
		return OBJLOAD_ERR_NOMEM;
	st = objload_add_file(s, pa);
	if (!st)
		st = objload_add_file(s, pb);
	if (!st)
		st = objload_link(s);
	if (!st)
		st = objload_lookup(s, "pick", &fn);
	if (!st)
		*value = ((cd_fn)fn)();
	snprintf(msg, msglen, "%s", objload_errmsg(s));
	objload_session_free(s);
	return st;
}

static void cd_expect(const char *a, const char *b, int want)
{
	char msg[512];
	int v = -1;
	objload_status st = cd_link(a, b, &v, msg, sizeof(msg));

	if (st || v != want)
		fprintf(stderr, "\n  %s + %s: status %d, pick() = %d, want %d (%s)", a, b,
			st, v, want, msg);
	CU_ASSERT_EQUAL(st, OBJLOAD_OK);
	CU_ASSERT_EQUAL(v, want);
}

static void cd_expect_error(const char *a, const char *b, const char *needle)
{
	char msg[512];
	int v = -1;
	objload_status st = cd_link(a, b, &v, msg, sizeof(msg));

	if (st != OBJLOAD_ERR_DUPLICATE || !strstr(msg, needle))
		fprintf(stderr, "\n  %s + %s: status %d, message '%s'", a, b, st, msg);
	CU_ASSERT_EQUAL(st, OBJLOAD_ERR_DUPLICATE);
	CU_ASSERT(strstr(msg, needle) != NULL);
	CU_ASSERT(strstr(msg, "pick") != NULL);
}

static void test_any(void)
{
	cd_expect("any1", "any2", 1);
	cd_expect("any2", "any1", 2);
}

static void test_noduplicates(void)
{
	cd_expect_error("one1", "one2", "may not be duplicated");
}

static void test_same_size(void)
{
	cd_expect("same1", "same2", 1);         /* equal sizes: first wins */
	cd_expect_error("same1", "same3big", "size");
}

static void test_exact_match(void)
{
	cd_expect("exact1", "exact1b", 1);      /* identical contents */
	cd_expect_error("exact1", "exact2", "differs");
}

static void test_largest(void)
{
	cd_expect("large1", "large2big", 2);    /* the larger wins... */
	cd_expect("large2big", "large1", 2);    /* ...in either order */
}

/* clang -O0 for the MSVC target gives a function with a frame .pdata entries:
 * ADDR32NB fixups relative to the image base. */
static void test_addr32nb_scattered(void)
{
	static const char src[] =
		"int twice(int x) { return 2 * x; }\n"
		"int __attribute__((noinline)) outer(int x) { return twice(x) + 1; }\n";
	char path[128], cmd[512], obj[128];
	objload_scatter_ctx scatter = { 0 };
	objload_session *s;
	objload_status st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/pdata.c", cd_dir);
	snprintf(obj, sizeof(obj), "%s/pdata.o", cd_dir);
	f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs(src, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "clang --target=x86_64-pc-windows-msvc -O0 -c %s -o %s",
		 path, obj);
	CU_ASSERT_FATAL(system(cmd) == 0);

	/* whole image: every offset from the base fits */
	CU_ASSERT_FATAL(objload_session_new(&s) == OBJLOAD_OK);
	CU_ASSERT_EQUAL(objload_add_file(s, obj), OBJLOAD_OK);
	CU_ASSERT_EQUAL(objload_link(s), OBJLOAD_OK);
	objload_session_free(s);

	/* per-section, sections scattered: .pdata cannot reach */
	CU_ASSERT_FATAL(objload_session_new(&s) == OBJLOAD_OK);
	objload_set_strategy(s, OBJLOAD_STRATEGY_SECTION);
	objload_set_memory_manager(s, objload_scatter_memory_manager(), &scatter);
	CU_ASSERT_EQUAL(objload_add_file(s, obj), OBJLOAD_OK);
	st = objload_link(s);
	if (st != OBJLOAD_ERR_RANGE || !strstr(objload_errmsg(s), "ADDR32NB"))
		fprintf(stderr, "\n  scattered ADDR32NB: status %d: %s", st, objload_errmsg(s));
	CU_ASSERT_EQUAL(st, OBJLOAD_ERR_RANGE);
	CU_ASSERT(strstr(objload_errmsg(s), "IMAGE_REL_AMD64_ADDR32NB") != NULL);
	CU_ASSERT(strstr(objload_errmsg(s), "pdata.o") != NULL);
	objload_session_free(s);
}

typedef int (TU_MS_ABI *cd_int_fn)(int);

static int cd_compile(const char *name, const char *src)
{
	char *why, *obj = tu_compile_text(cd_dir, name, "c", src, "clang",
					  "--target=x86_64-pc-windows-msvc -O1", &why);

	if (!obj)
		fprintf(stderr, "\n  %s\n", why);
	free(why);
	free(obj);
	return obj ? 0 : -1;
}

/* Links the named objects and returns call_hook(1), or -1. */
static int cd_call_hook(const char *const *names, size_t n)
{
	objload_session *s;
	char path[128];
	void *fn = NULL;
	int v = -1;

	if (objload_session_new(&s))
		return -1;
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s.o", cd_dir, names[i]);
		if (objload_add_file(s, path))
			goto out;
	}
	if (objload_link(s) || objload_lookup(s, "call_hook", &fn)) {
		fprintf(stderr, "\n  alternatename: %s", objload_errmsg(s));
		goto out;
	}
	v = ((cd_int_fn)fn)(1);
out:
	objload_session_free(s);
	return v;
}

/* /ALTERNATENAME:hook=default_hook with default_hook in another object:
 * the alternate is used until some object defines hook itself. */
static void test_alternatename(void)
{
	static const char *const two[] = { "alt_a", "alt_default" };
	static const char *const three[] = { "alt_a", "alt_default", "alt_hook" };

	CU_ASSERT_FATAL(cd_compile("alt_a",
		"#pragma comment(linker, \"/alternatename:hook=default_hook\")\n"
		"int hook(int);\n"
		"int call_hook(int x) { return hook(x); }\n") == 0);
	CU_ASSERT_FATAL(cd_compile("alt_default",
		"int default_hook(int x) { return x + 100; }\n") == 0);
	CU_ASSERT_FATAL(cd_compile("alt_hook", "int hook(int x) { return x + 1; }\n") == 0);
	CU_ASSERT_EQUAL(cd_call_hook(two, 2), 101);
	CU_ASSERT_EQUAL(cd_call_hook(three, 3), 2);
}

static int cd_init(void)
{
	cd_dir = tu_mkdtemp("comdat");
	if (!cd_dir)
		return -1;
	return cd_object("any1", "discard", 1, 0) || cd_object("any2", "discard", 2, 0) ||
	       cd_object("one1", "one_only", 1, 0) || cd_object("one2", "one_only", 2, 0) ||
	       cd_object("same1", "same_size", 1, 0) || cd_object("same2", "same_size", 2, 0) ||
	       cd_object("same3big", "same_size", 3, 16) ||
	       cd_object("exact1", "same_contents", 1, 0) ||
	       cd_object("exact1b", "same_contents", 1, 0) ||
	       cd_object("exact2", "same_contents", 2, 0) ||
	       cd_object("large1", "largest", 1, 0) || cd_object("large2big", "largest", 2, 32)
	       ? -1 : 0;
}

static int cd_cleanup(void)
{
	tu_rm_tmpdir(&cd_dir);
	return 0;
}

int objload_test_register_comdat(void)
{
	CU_pSuite suite = CU_add_suite("comdat", cd_init, cd_cleanup);

	if (!suite ||
	    !CU_add_test(suite, "ANY: the first wins", test_any) ||
	    !CU_add_test(suite, "NODUPLICATES: an error", test_noduplicates) ||
	    !CU_add_test(suite, "SAME_SIZE", test_same_size) ||
	    !CU_add_test(suite, "EXACT_MATCH", test_exact_match) ||
	    !CU_add_test(suite, "LARGEST: the largest wins", test_largest) ||
	    !CU_add_test(suite, "ADDR32NB out of reach when sections scatter",
			 test_addr32nb_scattered) ||
	    !CU_add_test(suite, "/ALTERNATENAME to another object", test_alternatename))
		return 1;
	return 0;
}
