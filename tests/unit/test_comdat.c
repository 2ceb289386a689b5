/*
 * COMDAT selections across the images of a session: COFF objects
 * assembled by llvm-mc, one group `pick` per object, linked through the
 * public API and `pick` called to see which definition won.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "objload.h"
#include "tests/tests.h"

static char cd_dir[] = "/tmp/objload-comdat-XXXXXX";

typedef int (__attribute__((ms_abi)) *cd_fn)(void);

/* Assembles an object whose COMDAT `pick` (selection `sel`) returns
 * `value`, padded with `pad` bytes so sizes can differ. */
static int cd_object(const char *name, const char *sel, int value, int pad)
{
	char path[128], cmd[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.s", cd_dir, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "\t.section .text$pick,\"xr\",%s,pick\n\t.globl pick\npick:\n"
		"\tmovl $%d, %%eax\n\tretq\n", sel, value);
	if (pad)
		fprintf(f, "\t.zero %d\n", pad);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "llvm-mc -filetype=obj -triple=x86_64-pc-windows-msvc %s/%s.s -o %s/%s.o",
		 cd_dir, name, cd_dir, name);
	return system(cmd) == 0 ? 0 : -1;
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

static int cd_init(void)
{
	if (!mkdtemp(cd_dir))
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
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", cd_dir);
	return system(cmd) == 0 ? 0 : -1;
}

int objload_test_register_comdat(void)
{
	CU_pSuite suite = CU_add_suite("comdat", cd_init, cd_cleanup);

	if (!suite ||
	    !CU_add_test(suite, "ANY: the first wins", test_any) ||
	    !CU_add_test(suite, "NODUPLICATES: an error", test_noduplicates) ||
	    !CU_add_test(suite, "SAME_SIZE", test_same_size) ||
	    !CU_add_test(suite, "EXACT_MATCH", test_exact_match) ||
	    !CU_add_test(suite, "LARGEST: the largest wins", test_largest))
		return 1;
	return 0;
}
