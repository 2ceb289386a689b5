/* SPDX-License-Identifier: MIT */
/*
 * End to end, COFF: the portable programs of tests/programs/ compiled for
 * Windows x86-64 (clang --target=x86_64-pc-windows-msvc and
 * --target=x86_64-w64-mingw32, x86_64-w64-mingw32-gcc, and that gcc with
 * UCRT's stdio; -O0 and -O2) and
 * run by `objload run`, against the same sources built natively with
 * clang: stdout, stderr and exit status must be identical.  The MSVC
 * target uses MinGW's headers too (-fgnuc-version and __declspec defined
 * as itself make them usable).
 * Plus a mixed ELF + COFF session calling across conventions both ways,
 * `objload info` cross-checked against llvm-readobj, and the clear
 * errors of what cannot work yet.
 *
 * The shell does the process work (compile, run, capture), through
 * tu_sh of tests/util.c.
 * Tools missing on the machine skip the test with a message.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/tests.h"
#include "tests/util.h"

#define MINGW_INC "/usr/x86_64-w64-mingw32/include"

TU_SUITE_TMPDIR(coff_tmp, "coff", coff_suite_init, coff_suite_clean)

struct coff_cc {
	const char *tag;
	const char *tool;
	const char *cmd;
};

static const struct coff_cc coff_ccs[] = {
	{ "msvc", "clang",
	  "clang --target=x86_64-pc-windows-msvc -fgnuc-version=4.2.1 -isystem " MINGW_INC
	  /* __declspec as a macro: what MinGW's headers test for dllimport
	   * data (_timezone in time.h) */
	  " '-D__declspec(x)=__declspec(x)'" },
	{ "mingw-clang", "clang", "clang --target=x86_64-w64-mingw32 -isystem " MINGW_INC },
	{ "mingw-gcc", "x86_64-w64-mingw32-gcc", "x86_64-w64-mingw32-gcc" },
	/* UCRT's stdio, as an MSVC build reaches it: printf and the *_s
	 * functions inline over __stdio_common_v*, no MinGW stdio */
	{ "ucrt-gcc", "x86_64-w64-mingw32-gcc",
	  "x86_64-w64-mingw32-gcc -D_UCRT -D__USE_MINGW_ANSI_STDIO=0" },
};

/*
 * Programs and what is expected of them.  Left out: libc and reloctables
 * print `long` values above 32 bits, which LLP64 truncates at compile
 * time (the output differs from an LP64 build by design); zlib needs a
 * Windows libz.  Every program runs under both strategies.
 */
static const struct {
	const char *name;
	const char *skip;       /* compiler tags containing this are not compared */
} coff_programs[] = {
	{ "multiobj", NULL },
	{ "libm", NULL },
	{ "switch", NULL },
	{ "calc", NULL },
	{ "ctors", NULL },
	{ "args", NULL },
	{ "weak", "gcc" },          /* gcc/PE has no weak undefined data */
	{ "exit", NULL },
	{ "common", "msvc" },       /* MSVC target: no over-aligned commons */
	{ "crt", NULL },
	{ "ctype", NULL },
	{ "scan", NULL },
	{ "times", NULL },
	{ "msnames", NULL },
};

static void coff_run_program(const char *prog, const struct coff_cc *cc, const char *opt)
{
	const char *src = OBJLOAD_TEST_SRCDIR "/programs";
	char dir[256];
	const char *strategies[] = { "whole", "section" };
	int nstrat = 2;

	snprintf(dir, sizeof(dir), "%s/%s-%s%s", coff_tmp, prog, cc->tag, opt);
	if (tu_sh("mkdir -p %s && cd %s && for f in %s/%s/*.c; do "
		    "%s %s -w $(cat %s/%s/cflags 2>/dev/null) -I%s/%s -c $f "
		    "-o $(basename $f .c).o || exit 1; done", dir, dir, src, prog,
		    cc->cmd, opt, src, prog, src, prog) != 0) {
		fprintf(stderr, "\n%s %s %s: compile failed\n", prog, cc->tag, opt);
		CU_FAIL("compile");
		return;
	}
	if (tu_sh("cd %s && clang -O2 -w $(cat %s/%s/cflags 2>/dev/null) -I%s/%s "
		    "%s/%s/*.c -o native -lm && { ./native $(cat %s/%s/args 2>/dev/null) "
		    ">native.out 2>native.err; echo $? >native.rc; }",
		    dir, src, prog, src, prog, src, prog, src, prog) != 0) {
		CU_FAIL("native build");
		return;
	}
	for (int s = 0; s < nstrat; s++) {
		int same = tu_sh("cd %s && { timeout 60 %s run --strategy=%s *.o -- "
				   "$(cat %s/%s/args 2>/dev/null) >%s.out 2>%s.err; echo $? >%s.rc; } && "
				   "cmp -s native.out %s.out && cmp -s native.err %s.err && "
				   "cmp -s native.rc %s.rc",
				   dir, tu_objload_bin(), strategies[s], src, prog, strategies[s],
				   strategies[s], strategies[s], strategies[s], strategies[s],
				   strategies[s]);

		if (same != 0) {
			fprintf(stderr, "\n%s %s %s --strategy=%s differs from the native build (see %s)\n",
				prog, cc->tag, opt, strategies[s], dir);
			tu_sh("cd %s && diff native.out %s.out | head -5 >&2; cat %s.err | head -3 >&2",
				dir, strategies[s], strategies[s]);
		}
		CU_ASSERT(same == 0);
	}
}

static void test_programs(void)
{
	static const char *const opts[] = { "-O0", "-O2" };

	for (size_t c = 0; c < sizeof(coff_ccs) / sizeof(coff_ccs[0]); c++) {
		if (!tu_have_tool(coff_ccs[c].tool) || access(MINGW_INC "/stdio.h", R_OK)) {
			/* tools/install-deps.sh installs them: a missing one
			 * fails, it is never counted as a pass */
			fprintf(stderr, "\n%s: %s or MinGW headers missing\n",
				coff_ccs[c].tag, coff_ccs[c].tool);
			CU_FAIL("a Windows compiler or the MinGW headers are missing");
			continue;
		}
		for (size_t p = 0; p < sizeof(coff_programs) / sizeof(coff_programs[0]); p++) {
			if (coff_programs[p].skip &&
			    strstr(coff_ccs[c].tag, coff_programs[p].skip))
				continue;
			for (size_t o = 0; o < 2; o++)
				coff_run_program(coff_programs[p].name, &coff_ccs[c], opts[o]);
		}
	}
}

/* What cannot work is refused with a message naming it. */
static void test_clear_errors(void)
{
	const char *src = OBJLOAD_TEST_SRCDIR "/programs/weak";

	if (!tu_have_tool("x86_64-w64-mingw32-gcc")) {
		CU_FAIL("x86_64-w64-mingw32-gcc is missing");
		return;
	}
	CU_ASSERT(tu_sh("cd %s && mkdir -p weakgcc && cd weakgcc && for f in %s/*.c; do "
			  "x86_64-w64-mingw32-gcc -O2 -w -I%s -c $f -o $(basename $f .c).o; done && "
			  "%s run *.o 2>err; grep -q \"undefined symbols: 'objload_test_optional_table'\" err",
			  coff_tmp, src, src, tu_objload_bin()) == 0);
}

/* ELF and COFF objects in one session, main on either side. */
static void test_mixed(void)
{
	const char *src = OBJLOAD_TEST_SRCDIR "/programs-win/mixed";
	static const char *const ms[] = {
		"clang --target=x86_64-pc-windows-msvc",
		"x86_64-w64-mingw32-gcc",
	};

	for (size_t i = 0; i < 2; i++) {
		if (!tu_have_tool(i ? "x86_64-w64-mingw32-gcc" : "clang"))
			continue;
		CU_ASSERT(tu_sh("cd %s && clang -O2 -DMAIN_IN_SYSV -c %s/sysv_side.c -o sv.o && "
				  "%s -O2 -c %s/ms_side.c -o ms.o && %s run sv.o ms.o >out && "
				  "grep -q 'ms side: called by sysv main, sysv_sum6=654321 sysv_scale=150.25 twice=42' out && "
				  "grep -q 'sysv side: called by sysv main, ms_sum6=654321 ms_scale=150.25' out",
				  coff_tmp, src, ms[i], src, tu_objload_bin()) == 0);
		CU_ASSERT(tu_sh("cd %s && clang -O2 -c %s/sysv_side.c -o sv.o && "
				  "%s -O2 -DMAIN_IN_MS -c %s/ms_side.c -o ms.o && %s run ms.o sv.o >out && "
				  "grep -q 'main in ms: 5' out && grep -q 'sysv side: called by ms main, ms_sum6=654321' out",
				  coff_tmp, src, ms[i], src, tu_objload_bin()) == 0);
	}
}

/*
 * Thunk identity: an MSVC-target main calls two System V functions that
 * gcc put in sections 4 and 20 of one object.  Each call must reach its
 * own function (exit 12, not 11) in both file orders, under both
 * strategies and with the two images loaded in different ones.
 */
static void test_thunk_identity(void)
{
	const char *src = OBJLOAD_TEST_SRCDIR "/programs-win/thunkkey";
	static const char *const runs[] = {
		"--strategy=whole sysv.o ms.obj", "--strategy=whole ms.obj sysv.o",
		"--strategy=section sysv.o ms.obj", "--strategy=section ms.obj sysv.o",
		"--strategy=whole sysv.o --strategy=section ms.obj",
		"--strategy=section ms.obj --strategy=whole sysv.o",
	};

	if (!tu_have_tool("gcc") || !tu_have_tool("clang")) {
		CU_FAIL("gcc or clang is missing");
		return;
	}
	if (tu_sh("cd %s && gcc -O2 -fno-toplevel-reorder -ffunction-sections -fdata-sections "
		  "-c %s/sysv.c -o sysv.o && clang --target=x86_64-pc-windows-msvc -O2 "
		  "-c %s/ms.c -o ms.obj && readelf -SW sysv.o | grep -qF '[ 4] .text.fA' && "
		  "readelf -SW sysv.o | grep -qF '[20] .text.fB'",
		  coff_tmp, src, src) != 0) {
		CU_FAIL("the thunkkey objects do not build, or gcc placed fA and fB elsewhere");
		return;
	}
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		int rc = tu_sh("cd %s && %s run %s", coff_tmp, tu_objload_bin(), runs[i]);

		if (rc != 12)
			fprintf(stderr, "\nobjload run %s: exit %d, want 12\n", runs[i], rc);
		CU_ASSERT_EQUAL(rc, 12);
	}
}

/* Every section, symbol and relocation `objload info` shows matches
 * llvm-readobj on the same object. */
static void test_info_vs_readobj(void)
{
	const char *src = OBJLOAD_TEST_SRCDIR "/programs/calc/parser.c";

	if (!tu_have_tool("llvm-readobj") || !tu_have_tool("x86_64-w64-mingw32-gcc")) {
		CU_FAIL("llvm-readobj or x86_64-w64-mingw32-gcc is missing");
		return;
	}
	CU_ASSERT(tu_sh(
		"cd %s && x86_64-w64-mingw32-gcc -O2 -c %s -o p.o && %s info p.o >info && "
		/* sections: names in order */
		"llvm-readobj --sections p.o | sed -n 's/^ *Name: \\([^ ]*\\) (.*/\\1/p' >rs && "
		"sed -n 's/^  section [1-9][0-9]* \\([^ ]*\\) .*/\\1/p' info >is && cmp -s rs is && "
		/* relocations: offset, type, symbol, in order, of loaded sections */
		"llvm-readobj --relocations p.o | awk '/Section \\(/{s=$3} /0x/{print s, $1, $2, $3}' "
		"| grep -v '^.drectve\\|^.debug' | tr A-Z a-z | sort >rr && "
		"awk '/^  reloc /{print $2, $3, $4, $6}' info | tr A-Z a-z | sort >ir && "
		"cmp -s rr ir && "
		/* symbols: names of non-aux records, in order */
		"llvm-readobj --symbols p.o | sed -n 's/^ *Name: \\(.*\\)$/\\1/p' >rsy && "
		"awk '/^  symbol /{print $3}' info | grep -v '^(null)$' >isy && cmp -s rsy isy",
		coff_tmp, src, tu_objload_bin()) == 0);
}

/*
 * msvcrt's rand(): the sequence Microsoft's CRT produces (seed 1 without
 * srand: 41 18467 6334 26500 19169), not glibc's, and RAND_MAX 0x7fff;
 * and the scanf engine's UCRT entry point, __stdio_common_vsscanf, with a
 * counted input (tests/programs-win/ucrtscan).
 */
static void test_msvcrt_rand_and_ucrt(void)
{
	const char *src = OBJLOAD_TEST_SRCDIR "/programs-win/msrand";
	const char *ucrt = OBJLOAD_TEST_SRCDIR "/programs-win/ucrtscan";

	if (!tu_have_tool("x86_64-w64-mingw32-gcc")) {
		CU_FAIL("x86_64-w64-mingw32-gcc is missing");
		return;
	}
	CU_ASSERT(tu_sh("cd %s && x86_64-w64-mingw32-gcc -O2 -c %s/main.c -o rand.o && "
			  "%s run rand.o >rand.out && "
			  "grep -qx 'unseeded: 41 18467 6334 26500 19169' rand.out && "
			  "grep -qx 'seed 1: 41 18467 6334 26500 19169' rand.out && "
			  "grep -qx 'seed 12345: 7584 19164 25795 22125 5828' rand.out && "
			  "grep -qx 'RAND_MAX 32767' rand.out",
			  coff_tmp, src, OBJLOAD_BIN) == 0);
	CU_ASSERT(tu_sh("cd %s && x86_64-w64-mingw32-gcc -O2 -w -D_UCRT "
			  "-D__USE_MINGW_ANSI_STDIO=0 -c %s/main.c -o ucrt.o && "
			  "llvm-nm ucrt.o | grep -q __stdio_common_vsscanf && "
			  "%s run ucrt.o >ucrt.out && "
			  "grep -qx '5: 12 34 -5 9000000000 2.5 -' ucrt.out && "
			  "grep -qx '3: -7000000000 0.25 xyz' ucrt.out",
			  coff_tmp, ucrt, OBJLOAD_BIN) == 0);
}

/*
 * assert(): msvcrt's _assert (MinGW's default) and UCRT's _wassert (with
 * -D_UCRT -DUNICODE, 16-bit wide text): a true assertion passes, a false one
 * prints msvcrt's message and aborts (SIGABRT: status 134 from the
 * shell).
 */
static void test_assert(void)
{
	const char *src = OBJLOAD_TEST_SRCDIR "/programs-win/assert";
	static const char *const defs[] = { "", "-D_UCRT -DUNICODE -D_UNICODE" };
	static const char *const names[] = { "__imp__assert", "__imp__wassert" };

	if (!tu_have_tool("x86_64-w64-mingw32-gcc")) {
		CU_FAIL("x86_64-w64-mingw32-gcc is missing");
		return;
	}
	for (int i = 0; i < 2; i++) {
		CU_ASSERT(tu_sh("cd %s && x86_64-w64-mingw32-gcc -O2 %s -c %s/main.c -o assert.o && "
				  "llvm-nm assert.o | grep -q ' U %s$' && "
				  "%s run assert.o >a.out 2>a.err && "
				  "grep -qx 'second assertion held' a.out && test ! -s a.err",
				  coff_tmp, defs[i], src, names[i], OBJLOAD_BIN) == 0);
		CU_ASSERT(tu_sh("cd %s && { %s run assert.o -- extra >a.out 2>a.err; "
				  "test $? -eq 134; } && grep -qx 'first assertion held' a.out && "
				  "! grep -q second a.out && "
				  "grep -q '^Assertion failed: argc == 1, file .*main.c, line 17$' a.err",
				  coff_tmp, OBJLOAD_BIN) == 0);
	}
}

int objload_test_register_e2e_coff(void)
{
	static const struct tu_test tests[] = {
		{ "info agrees with llvm-readobj", test_info_vs_readobj },
		{ "Windows builds match the native build", test_programs },
		{ "ELF and COFF in one session", test_mixed },
		{ "each convention thunk reaches its own function", test_thunk_identity },
		{ "clear errors for what cannot work", test_clear_errors },
		{ "msvcrt's rand, UCRT's scanf entry point", test_msvcrt_rand_and_ucrt },
		{ "assert: msvcrt's _assert and UCRT's _wassert", test_assert },
	};
	return tu_add_suite("e2e_coff", coff_suite_init, coff_suite_clean, tests, TU_COUNT(tests));
}
