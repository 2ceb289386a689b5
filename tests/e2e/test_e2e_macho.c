/* SPDX-License-Identifier: MIT */
/*
 * End-to-end tests of Mach-O objects: the programs of tests/programs/
 * (all but zlib, whose archive holds ELF members of the host's libz)
 * compiled with clang for x86_64-apple-macos11 at -O0 and -O2 against the
 * stand-in SDK headers of tests/unit/macho-src/sdk, and run with
 * `objload run --strategy=whole` and `--strategy=section`.  The reference
 * is the native Linux build of the same sources by clang with the same
 * flags, linked with -lm: stdout, stderr and exit status must match.
 *
 * Also: mixed sessions (multiobj's main.c as ELF and the other objects as
 * Mach-O, and the other way round: ELF `foo` and Mach-O `_foo` are one
 * symbol), tests/unit/macho-src/hostnames, which exercises the
 * libSystem names objload maps to glibc (___stderrp, ___error, the
 * fortified ___*_chk functions, ___exp10), and
 * tests/unit/macho-src/libsystem, the functions objload supplies itself
 * (___sincos_stret, _memset_pattern16, ___strlcpy_chk,
 * _mach_absolute_time, BSD's _qsort_r).  crt, scan and times use the
 * stand-in SDK's <time.h> and scanf family.
 *
 * Children run through /bin/sh with stdin from /dev/null, stdout and
 * stderr in files and `timeout` as the time limit (tu_sh of
 * tests/util.c).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tests.h"
#include "tests/util.h"

#define EM_TIMEOUT 20
#define EM_MACOS_CFLAGS \
	"--target=x86_64-apple-macos11 -nostdlibinc -isystem " \
	OBJLOAD_TEST_SRCDIR "/unit/macho-src/sdk"

static const char *const em_programs[] = {
	"args", "calc", "common", "ctors", "exit", "libc", "libm", "multiobj",
	"reloctables", "switch", "weak", "align", "bounds", "ctype", "crt", "scan",
	"times",
};
static const char *const em_opts[] = { "-O0", "-O2" };
static const char *const em_strategies[] = { "whole", "section" };

#define EM_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- shell helpers -------------------------------------------------------- */

/* A file of the program's directory as a shell word list: `args` lines
 * quoted one per argument, `cflags` as they are. */
static char *em_words(const char *dir, const char *name, int quote)
{
	char *path = tu_fmt("%s/%s", dir, name), *text = tu_read_text(path, NULL);
	char *out = tu_strdup(""), *line, *save;

	for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char word[4096], *longer;

		if (quote)
			tu_shell_quote(word, sizeof(word), line);
		else
			snprintf(word, sizeof(word), "%s", line);
		longer = tu_fmt("%s %s", out, word);
		free(out);
		out = longer;
	}
	free(text);
	free(path);
	return out;
}

/* Runs `cmd` in dir with stdin from /dev/null; r->code is its status. */
static void em_run(const char *dir, const char *tag, const char *cmd,
		   struct tu_result *r)
{
	char path[1024];

	memset(r, 0, sizeof(*r));
	r->code = tu_sh("cd '%s' && timeout -s KILL %d %s </dev/null >%s.out 2>%s.err",
			dir, EM_TIMEOUT, cmd, tag, tag);
	snprintf(path, sizeof(path), "%s/%s.out", dir, tag);
	r->out = tu_read_output(path);
	snprintf(path, sizeof(path), "%s/%s.err", dir, tag);
	r->err = tu_read_output(path);
}

static void em_compare(const char *context, const struct tu_result *native,
		       const struct tu_result *loaded)
{
	int ok = native->code == loaded->code &&
		 strcmp(native->out, loaded->out) == 0 &&
		 strcmp(native->err, loaded->err) == 0;
	char msg[2048];

	if (!ok) {
		snprintf(msg, sizeof(msg),
			 "%s: native status %d, objload %d; stdout %s; stderr %s; objload stderr: %.400s",
			 context, native->code, loaded->code,
			 strcmp(native->out, loaded->out) ? "differs" : "same",
			 strcmp(native->err, loaded->err) ? "differs" : "same",
			 loaded->err);
		fprintf(stderr, "\ne2e_macho FAILED: %s\n", msg);
	}
	CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, __LINE__,
				ok ? "objload run matches the native run" : msg,
				__FILE__, "", CU_FALSE);
}

/* ---- one program ------------------------------------------------------------ */

/* Compiles every .c of src_dir into dir: native objects n-NAME.o and Mach-O
 * objects m-NAME.o.  Returns 0 on success. */
static int em_build(const char *src_dir, const char *dir, const char *opt,
		    const char *cflags)
{
	return tu_sh("cd '%s' && for s in '%s'/*.c; do b=$(basename \"$s\" .c); "
		     "clang -std=gnu11 -w %s %s -I'%s' -c \"$s\" -o n-$b.o && "
		     "clang " EM_MACOS_CFLAGS " -std=gnu11 -w %s %s -I'%s' -c \"$s\" -o m-$b.o "
		     "|| exit 1; done; clang -o native n-*.o -lm",
		     dir, src_dir, opt, cflags, src_dir, opt, cflags, src_dir);
}

static void em_program(const char *src_dir, const char *name)
{
	char *args = em_words(src_dir, "args", 1);
	char *cflags = em_words(src_dir, "cflags", 0);

	for (size_t o = 0; o < EM_COUNT(em_opts); o++) {
		char dir[] = "/tmp/objload-e2e-macho-XXXXXX";
		char context[256], cmd[4096];
		struct tu_result native;

		snprintf(context, sizeof(context), "program %s, clang %s for x86_64-apple-macos11",
			 name, em_opts[o]);
		if (!mkdtemp(dir)) {
			CU_FAIL("mkdtemp");
			continue;
		}
		if (em_build(src_dir, dir, em_opts[o], cflags) != 0) {
			fprintf(stderr, "\ne2e_macho: %s: build failed\n", context);
			CU_FAIL("build failed");
			tu_rm_rf(dir);
			continue;
		}
		snprintf(cmd, sizeof(cmd), "./native%s", args);
		em_run(dir, "native", cmd, &native);
		for (size_t s = 0; s < EM_COUNT(em_strategies); s++) {
			struct tu_result loaded;
			char ctx[512];

			snprintf(ctx, sizeof(ctx), "%s, --strategy=%s", context, em_strategies[s]);
			snprintf(cmd, sizeof(cmd), "'%s' run --strategy=%s m-*.o%s%s",
				 tu_objload_bin(), em_strategies[s], args[0] ? " --" : "", args);
			em_run(dir, em_strategies[s], cmd, &loaded);
			em_compare(ctx, &native, &loaded);
			tu_result_free(&loaded);
		}
		/* mixed sessions: main as ELF and the rest Mach-O, and the
		 * other way round */
		if (strcmp(name, "multiobj") == 0) {
			static const char *const mixes[][2] = {
				{ "n-main.o $(ls m-*.o | grep -v m-main.o)", "main ELF, others Mach-O" },
				{ "m-main.o $(ls n-*.o | grep -v n-main.o)", "main Mach-O, others ELF" },
			};

			for (size_t m = 0; m < EM_COUNT(mixes); m++) {
				for (size_t s = 0; s < EM_COUNT(em_strategies); s++) {
					struct tu_result loaded;
					char ctx[512];

					snprintf(ctx, sizeof(ctx), "%s, mixed (%s), --strategy=%s",
						 context, mixes[m][1], em_strategies[s]);
					snprintf(cmd, sizeof(cmd), "'%s' run --strategy=%s %s%s%s",
						 tu_objload_bin(), em_strategies[s], mixes[m][0],
						 args[0] ? " --" : "", args);
					em_run(dir, "mixed", cmd, &loaded);
					em_compare(ctx, &native, &loaded);
					tu_result_free(&loaded);
				}
			}
		}
		tu_result_free(&native);
		tu_rm_rf(dir);
	}
	free(args);
	free(cflags);
}

#define EM_PROGRAM_TEST(prog) \
	static void em_test_##prog(void) \
	{ \
		em_program(OBJLOAD_TEST_SRCDIR "/programs/" #prog, #prog); \
	}
EM_PROGRAM_TEST(args)
EM_PROGRAM_TEST(calc)
EM_PROGRAM_TEST(common)
/* Mach-O has no constructor priorities across objects (see
 * macho-src/ctors/main.c): the one-object variant is compared instead. */
static void em_test_ctors(void)
{
	em_program(OBJLOAD_TEST_SRCDIR "/unit/macho-src/ctors", "ctors");
}
EM_PROGRAM_TEST(exit)
EM_PROGRAM_TEST(libc)
EM_PROGRAM_TEST(libm)
EM_PROGRAM_TEST(multiobj)
EM_PROGRAM_TEST(reloctables)
EM_PROGRAM_TEST(switch)
EM_PROGRAM_TEST(weak)
EM_PROGRAM_TEST(align)
EM_PROGRAM_TEST(bounds)
EM_PROGRAM_TEST(ctype)
EM_PROGRAM_TEST(crt)
EM_PROGRAM_TEST(scan)
EM_PROGRAM_TEST(times)

static void em_test_hostnames(void)
{
	em_program(OBJLOAD_TEST_SRCDIR "/unit/macho-src/hostnames", "hostnames");
}

static void em_test_libsystem(void)
{
	em_program(OBJLOAD_TEST_SRCDIR "/unit/macho-src/libsystem", "libsystem");
}

int objload_test_register_e2e_macho(void)
{
	static void (*const fns[])(void) = {
		em_test_args, em_test_calc, em_test_common, em_test_ctors,
		em_test_exit, em_test_libc, em_test_libm, em_test_multiobj,
		em_test_reloctables, em_test_switch, em_test_weak, em_test_align,
		em_test_bounds, em_test_ctype, em_test_crt, em_test_scan, em_test_times,
	};
	CU_pSuite suite = CU_add_suite("e2e_macho", NULL, NULL);
	char name[128];

	if (!suite)
		return -1;
	for (size_t i = 0; i < EM_COUNT(em_programs); i++) {
		snprintf(name, sizeof(name), "program %s", em_programs[i]);
		if (!CU_add_test(suite, name, fns[i]))
			return -1;
	}
	if (!CU_add_test(suite, "macOS libSystem names (hostnames)", em_test_hostnames))
		return -1;
	if (!CU_add_test(suite, "libSystem functions objload supplies (libsystem)",
			 em_test_libsystem))
		return -1;
	return 0;
}
