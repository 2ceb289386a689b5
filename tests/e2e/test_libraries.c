/* SPDX-License-Identifier: MIT */
/*
 * Suite "libraries": programs over real static libraries of the system
 * (tests/programs-lib/README.md), each built natively and run under
 * `objload run` with the same archives, under every strategy.  They are
 * what users load: an embedded CPython, a Tcl interpreter, googletest,
 * libxml2, libbz2 — and each once found a loader bug the synthetic
 * programs did not.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tests.h"
#include "tests/util.h"

TU_SUITE_TMPDIR(lb_dir, "libraries", lb_init, lb_clean)

#define LB_CHECK(cond, ...) tu_check_at("libraries", __FILE__, __LINE__, (cond), __VA_ARGS__)
#define LB_TIMEOUT 120

/*
 * One program: its source (in tests/programs-lib), the compiler and
 * flags, what `objload run` gets after the object (archives with -l:,
 * shared libraries with -l), what the native link gets, and the program's
 * arguments.  $PYINC and $PYLIB are the Python headers' directory and the
 * static libpython the shell finds.
 */
struct lb_case {
	const char *name, *source, *cc, *cflags, *inputs, *native, *args;
};

static const struct lb_case lb_cases[] = {
	{ "bz2", "bz2/main.c", "gcc", "", "-l:libbz2.a", "-l:libbz2.a", "" },
	{ "tcl", "tcl/main.c", "gcc", "-I/usr/include/tcl8.6", "-l:libtcl8.6.a -lz -lm",
	  "-l:libtcl8.6.a -lz -lm", "" },
	{ "gtest", "gtest/main.cc", "g++", "", "-l:libgtest_main.a -l:libgtest.a",
	  "-l:libgtest_main.a -l:libgtest.a", "--gtest_print_time=0 --gtest_brief=1" },
	/* Debian builds libpython3.X.a without -fPIC: the native link is
	 * -no-pie, and objload places the link below 2 GiB */
	{ "python", "python/main.c", "gcc", "-I\"$PYINC\"", "\"$PYLIB\" -lm -lexpat -lz",
	  "-no-pie \"$PYLIB\" -lm -lexpat -lz", "" },
	{ "xml2", "xml2/main.c", "gcc", "-I/usr/include/libxml2",
	  "-l:libxml2.a -licuuc -lz -llzma -lm", "-l:libxml2.a -licuuc -lz -llzma -lm", "" },
};

#define LB_PYTHON "PYINC=$(dirname $(ls /usr/include/python3.*/Python.h | head -n 1)); " \
		  "PYLIB=$(ls /usr/lib/*/libpython3.*.a | head -n 1); "

static void lb_run_case(const struct lb_case *c)
{
	static const char *const strategies[] = { "auto", "whole", "section" };
	char *native_out, *cmd, *path;
	int rc, native_rc;

	cmd = tu_fmt("cd '%s' && " LB_PYTHON "%s -O2 %s -c '%s/programs-lib/%s' -o %s.o && "
		     "%s %s.o %s -o %s.native", lb_dir, c->cc, c->cflags, tu_srcdir(), c->source,
		     c->name, c->cc, c->name, c->native, c->name);
	rc = tu_sh("%s", cmd);
	free(cmd);
	if (!LB_CHECK(rc == 0, "%s: builds natively (tools/install-deps.sh installs the library)",
		      c->name))
		return;
	native_rc = tu_sh("cd '%s' && timeout %d ./%s.native %s > %s.native.out 2>/dev/null", lb_dir,
			  LB_TIMEOUT, c->name, c->args, c->name);
	path = tu_fmt("%s/%s.native.out", lb_dir, c->name);
	native_out = tu_read_output(path);
	free(path);
	LB_CHECK(native_out[0] != '\0', "%s: the native program prints something", c->name);
	for (size_t i = 0; i < sizeof(strategies) / sizeof(strategies[0]); i++) {
		char *out;

		rc = tu_sh("cd '%s' && " LB_PYTHON "timeout %d '%s' run --strategy=%s %s.o %s -- %s "
			   "> %s.%s.out 2> %s.%s.err", lb_dir, LB_TIMEOUT, tu_objload_bin(),
			   strategies[i], c->name, c->inputs, c->args, c->name, strategies[i],
			   c->name, strategies[i]);
		path = tu_fmt("%s/%s.%s.out", lb_dir, c->name, strategies[i]);
		out = tu_read_output(path);
		free(path);
		if (!LB_CHECK(rc == native_rc && strcmp(out, native_out) == 0,
			      "%s --strategy=%s: exit %d and %zu bytes of output; native: exit %d and "
			      "%zu bytes (stderr in %s/%s.%s.err)", c->name, strategies[i], rc,
			      strlen(out), native_rc, strlen(native_out), lb_dir, c->name,
			      strategies[i]))
			tu_sh("head -c 600 '%s/%s.%s.err' >&2", lb_dir, c->name, strategies[i]);
		free(out);
	}
	free(native_out);
}

static void lb_test_bz2(void) { lb_run_case(&lb_cases[0]); }
static void lb_test_tcl(void) { lb_run_case(&lb_cases[1]); }
static void lb_test_gtest(void) { lb_run_case(&lb_cases[2]); }
static void lb_test_python(void) { lb_run_case(&lb_cases[3]); }
static void lb_test_xml2(void) { lb_run_case(&lb_cases[4]); }

int objload_test_register_libraries(void)
{
	static const struct tu_test tests[] = {
		{ "libbz2: host data far apart", lb_test_bz2 },
		{ "Tcl interpreter: pthread_atfork", lb_test_tcl },
		{ "googletest: C++, main in an archive", lb_test_gtest },
		{ "embedded CPython", lb_test_python },
		{ "libxml2 with ICU and zlib", lb_test_xml2 },
	};

	return tu_add_suite("libraries", lb_init, lb_clean, tests, TU_COUNT(tests));
}
