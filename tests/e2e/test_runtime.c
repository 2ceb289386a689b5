/* SPDX-License-Identifier: MIT */
/*
 * Runtime integration, end to end (tests/programs-rt/, tests/programs-win/
 * callbacks): what a loaded program needs from the process around it.
 *
 *   - C++: g++, clang++ and clang++ -stdlib=libc++ objects (iostream,
 *     string, map, static init/fini, exceptions across two objects and
 *     through a qsort comparator) run with `objload run x.o y.o` and no
 *     other flag, like the native build; a Mach-O C++ pair without
 *     standard headers too, also with its sections 4 GiB apart; the
 *     __eh_frame edges the Mach-O plug-in adds agree with llvm-dwarfdump;
 *     --no-default-libs gives demangled undefined names; C++ exceptions
 *     in COFF objects are a clear error.
 *   - exit: atexit/on_exit/destructor order, the status on_exit sees and a
 *     stdout buffer in loaded data, for ELF, Mach-O and COFF objects, and
 *     through the library (objload_session_free runs the handlers).
 *   - COFF callbacks: pthread_create, signal, pthread_once,
 *     pthread_key_create, tsearch/twalk, ftw, on_exit from MinGW gcc and
 *     clang (MSVC and MinGW targets).
 *   - crash reports, gdb (GDB JIT interface), perf maps, objload_symbolize.
 *
 * Every run is compared with the native build of the same sources:
 * stdout and exit status (stderr where it is deterministic).  The shell
 * does the process work; tools missing on the machine fail the test.
 */
#define _GNU_SOURCE
#include <CUnit/Basic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "objload.h"
#include "objload/plugin.h"
#include "tests/tests.h"
#include "tests/util.h"

#define RT_SRC OBJLOAD_TEST_SRCDIR "/programs-rt"
#define RT_SDK OBJLOAD_TEST_SRCDIR "/unit/macho-src/sdk"
#define RT_MINGW_INC "/usr/x86_64-w64-mingw32/include"
#define RT_MACHO_CC "clang --target=x86_64-apple-macos11 -nostdlibinc -isystem " RT_SDK
#define RT_MACHO_CXX RT_MACHO_CC " -x c++ -Drestrict=__restrict"

TU_SUITE_TMPDIR(rt_tmp, "rt", rt_suite_init, rt_suite_clean)

/* A shell command run in the suite's directory: its exit status. */
#define RT_SH(fmt, ...) tu_sh("cd %s && " fmt, rt_tmp, ##__VA_ARGS__)

static int rt_have(const char *tool)
{
	if (tu_have_tool(tool))
		return 1;
	fprintf(stderr, "\n%s is missing (tools/install-deps.sh installs it)\n", tool);
	CU_FAIL("a tool the test needs is missing");
	return 0;
}

/*
 * Compile each source of `srcs` with `cc` into DIR (one .o per source),
 * build `native` (a shell command making DIR/native), then run `objload
 * run OPTS` on the objects with ARGS under both strategies: stdout and
 * exit status must be the native build's.
 */
static void rt_compare(const char *dir, const char *cc, const char *srcs,
		       const char *native, const char *opts, const char *args)
{
	static const char *const strategies[] = { "whole", "section" };

	if (RT_SH("mkdir -p %s && cd %s && for f in %s; do %s -c $f -o $(basename $f).o "
		  ">>build.log 2>&1 || exit 1; done && %s >>build.log 2>&1 && "
		  "{ ./native %s >native.out 2>/dev/null; echo $? >native.rc; }",
		  dir, dir, srcs, cc, native, args) != 0) {
		fprintf(stderr, "\n%s: build failed (%s/%s/build.log)\n", dir, rt_tmp, dir);
		CU_FAIL("build");
		return;
	}
	for (int s = 0; s < 2; s++) {
		int same = RT_SH("cd %s && { timeout 60 %s run --strategy=%s %s *.o -- %s "
				 ">%s.out 2>%s.err; echo $? >%s.rc; } && cmp -s native.out %s.out && "
				 "cmp -s native.rc %s.rc",
				 dir, tu_objload_bin(), strategies[s], opts, args, strategies[s],
				 strategies[s], strategies[s], strategies[s], strategies[s]);

		if (same != 0) {
			fprintf(stderr, "\n%s --strategy=%s differs from the native build (%s/%s)\n",
				dir, strategies[s], rt_tmp, dir);
			RT_SH("cd %s && diff native.out %s.out | head -5 >&2; head -3 %s.err >&2; "
			      "cat native.rc %s.rc >&2", dir, strategies[s], strategies[s],
			      strategies[s]);
		}
		CU_ASSERT(same == 0);
	}
}

/* objload built with --enable-sanitizers: its process then holds the
 * sanitizer runtime, and with it libstdc++ and ASan's own fatal-signal
 * handling and allocator. */
static int rt_sanitized(void)
{
	return OBJLOAD_TEST_SANITIZE[0] != 0;
}

/* ---- C++ ------------------------------------------------------------------- */

static void test_cxx(void)
{
	static const struct {
		const char *tag, *cxx;
	} compilers[] = {
		{ "gxx", "g++" },
		{ "clangxx", "clang++" },
		{ "libcxx", "clang++ -stdlib=libc++" },
	};
	static const char *const opts[] = { "-O0", "-O2", "-O1 -g" };

	if (!rt_have("g++") || !rt_have("clang++"))
		return;
	for (size_t c = 0; c < sizeof(compilers) / sizeof(compilers[0]); c++) {
		/* Under the sanitizers libstdc++ is already in the process (the
		 * runtime needs it) and ASan intercepts __cxa_throw: libc++
		 * objects then mix the two C++ ABIs and their exceptions are
		 * not caught (docs/limitations.md).  The plain build runs them. */
		if (rt_sanitized() && strcmp(compilers[c].tag, "libcxx") == 0) {
			fprintf(stderr, "\n  (sanitizer build: libc++ objects not run, see "
				"docs/limitations.md)\n");
			continue;
		}
		for (size_t o = 0; o < sizeof(opts) / sizeof(opts[0]); o++) {
			char dir[64], cc[128], native[256];

			snprintf(dir, sizeof(dir), "cxx-%s%zu", compilers[c].tag, o);
			snprintf(cc, sizeof(cc), "%s %s", compilers[c].cxx, opts[o]);
			snprintf(native, sizeof(native), "%s *.o -o native", compilers[c].cxx);
			rt_compare(dir, cc, RT_SRC "/cxx/*.cc", native, "", "");
		}
	}
}

/* A Mach-O C++ pair (no standard headers: there is no macOS SDK), run
 * with no flags like the native build of the same sources. */
static void test_cxx_macho(void)
{
	static const char *const opts[] = { "-O0", "-O2" };

	if (!rt_have("clang++") || !rt_have("g++"))
		return;
	for (size_t o = 0; o < 2; o++) {
		char dir[64], cc[512];

		snprintf(dir, sizeof(dir), "cxx-macho%zu", o);
		snprintf(cc, sizeof(cc), RT_MACHO_CXX " %s", opts[o]);
		rt_compare(dir, cc, RT_SRC "/cxx-bare/*.cc",
			   "g++ -O2 -I" RT_SRC "/cxx-bare " RT_SRC "/cxx-bare/*.cc -o native", "", "");
	}
}

/* Loaded with each section on its own (so __text and __eh_frame are not
 * where the file put them), every implicit __eh_frame field holds the
 * distance from itself to the loaded code or LSDA it names. */
static void test_macho_eh_frame_loaded(void)
{
	static const objload_strategy strategies[] = {
		OBJLOAD_STRATEGY_WHOLE, OBJLOAD_STRATEGY_SECTION,
	};
	char main_o[128], shapes_o[128];

	snprintf(main_o, sizeof(main_o), "%s/cxx-macho1/main.cc.o", rt_tmp);
	snprintf(shapes_o, sizeof(shapes_o), "%s/cxx-macho1/shapes.cc.o", rt_tmp);
	for (int k = 0; k < 2; k++) {
		const objload_image *img;
		objload_session *s;
		uint64_t addr[64] = { 0 };
		size_t checked = 0;

		CU_ASSERT_FATAL(objload_session_new(&s) == OBJLOAD_OK);
		CU_ASSERT_FATAL(objload_set_strategy(s, strategies[k]) == OBJLOAD_OK);
		CU_ASSERT_FATAL(objload_add_file(s, main_o) == OBJLOAD_OK);
		CU_ASSERT_FATAL(objload_add_file(s, shapes_o) == OBJLOAD_OK);
		CU_ASSERT_FATAL(objload_link(s) == OBJLOAD_OK);
		img = objload_get_image(s, 0);
		/* where each section of image 0 was loaded, from the pieces */
		for (size_t p = 0; p < objload_piece_count(s); p++) {
			objload_piece_info pi;

			if (objload_get_piece(s, p, &pi) || pi.kind != OBJLOAD_PIECE_SECTION ||
			    !pi.file || strcmp(pi.file, img->path) != 0)
				continue;
			for (uint32_t j = 0; j < img->nsections && j < 64; j++)
				if (strcmp(img->sections[j].name, pi.name) == 0)
					addr[j] = pi.target;
		}
		for (size_t e = 0; e < img->nedges; e++) {
			const objload_edge *ed = &img->edges[e];
			const objload_symbol *sym = &img->symbols[ed->symbol];
			uint64_t field_at, target;
			int64_t field;

			if (strncmp(img->format->reloc_name(img, ed->native_type), "implicit", 8))
				continue;
			CU_ASSERT_FATAL(addr[ed->section] && addr[sym->section]);
			field_at = addr[ed->section] + ed->offset;
			target = addr[sym->section] + (uint64_t)ed->addend;
			memcpy(&field, (const void *)(uintptr_t)field_at, sizeof(field));
			CU_ASSERT(field_at + (uint64_t)field == target);
			checked++;
		}
		CU_ASSERT(checked > 0);
		objload_session_free(s);
	}
}

/* Every FDE's pc_begin and LSDA pointer of a Mach-O __eh_frame is an edge
 * to the address llvm-dwarfdump reads there. */
static void test_macho_eh_frame_edges(void)
{
	static const char *const objs[] = { "cxx-macho0/main.cc.o", "cxx-macho1/shapes.cc.o" };

	if (!rt_have("llvm-dwarfdump"))
		return;
	for (size_t i = 0; i < 2; i++) {
		char path[256], line[512];
		objload_session *s;
		const objload_image *img;
		uint64_t want[256];
		size_t nwant = 0, nimplicit = 0, matched = 0;
		FILE *p;

		snprintf(path, sizeof(path), "%s/%s", rt_tmp, objs[i]);
		snprintf(line, sizeof(line), "llvm-dwarfdump --eh-frame %s", path);
		p = popen(line, "r");
		CU_ASSERT_FATAL(p != NULL);
		while (fgets(line, sizeof(line), p) && nwant < 256) {
			const char *pc = strstr(line, " FDE cie="), *lsda = strstr(line, "LSDA Address: ");

			if (pc && (pc = strstr(pc, "pc=")))
				want[nwant++] = strtoull(pc + 3, NULL, 16);
			else if (lsda)
				want[nwant++] = strtoull(lsda + 14, NULL, 16);
		}
		pclose(p);
		CU_ASSERT(nwant > 0);
		CU_ASSERT_FATAL(objload_session_new(&s) == OBJLOAD_OK);
		CU_ASSERT_FATAL(objload_add_file(s, path) == OBJLOAD_OK);
		img = objload_get_image(s, 0);
		for (size_t e = 0; e < img->nedges; e++) {
			const objload_edge *ed = &img->edges[e];
			const objload_symbol *sym = &img->symbols[ed->symbol];
			uint64_t target;

			if (strncmp(img->format->reloc_name(img, ed->native_type), "implicit", 8))
				continue;
			nimplicit++;
			CU_ASSERT(strcmp(img->sections[ed->section].name, "__TEXT,__eh_frame") == 0);
			target = img->sections[sym->section].file_addr + (uint64_t)ed->addend;
			for (size_t k = 0; k < nwant; k++)
				if (want[k] == target) {
					want[k] = UINT64_MAX;
					matched++;
					break;
				}
		}
		if (matched != nwant || nimplicit != nwant)
			fprintf(stderr, "\n%s: %zu pointers in llvm-dwarfdump, %zu implicit edges, %zu matched\n",
				objs[i], nwant, nimplicit, matched);
		CU_ASSERT(matched == nwant && nimplicit == nwant);
		objload_session_free(s);
	}
}

/* Without the default libraries the C++ names are reported demangled,
 * each with its mangled name.  (A libc++ object: its std::__1 names are
 * undefined whatever C++ runtime the process has; objload's sanitizer
 * build has libstdc++'s.) */
static void test_no_default_libs(void)
{
	CU_ASSERT(RT_SH("mkdir -p ndl && cd ndl && clang++ -stdlib=libc++ -O1 -c "
			RT_SRC "/cxx/inventory.cc -o inventory.cc.o && "
			"{ %s run --no-default-libs inventory.cc.o >/dev/null 2>ndl.err; "
			"test $? = 1; } && grep -q \"undefined symbols\" ndl.err && "
			"grep -q \"'std::__1::cout' (_ZNSt3__14coutE, referenced by inventory.cc.o)\" "
			"ndl.err", tu_objload_bin()) == 0);
}

/* C++ exceptions in COFF objects: refused, saying why. */
static void test_coff_exceptions(void)
{
	static const char *const targets[] = { "x86_64-pc-windows-msvc", "x86_64-w64-mingw32" };

	for (size_t i = 0; i < 2; i++)
		CU_ASSERT(RT_SH("printf 'int f(int x) { if (x) throw x; return 0; }\\n"
				"int main(int c, char **) { try { return f(c); } catch (int v) { return v; } }\\n' "
				">seh.cc && clang++ --target=%s -c seh.cc -o seh.o && "
				"%s run seh.o >/dev/null 2>seh.err; test $? = 1 && "
				"grep -q 'exceptions in COFF code are not supported on this host' seh.err",
				targets[i], tu_objload_bin()) == 0);
}

/* ---- exit ------------------------------------------------------------------ */

static void test_exit_order(void)
{
	static const struct {
		const char *tag, *cc;
	} compilers[] = {
		{ "elf-gcc", "gcc -O2" },
		{ "elf-clang", "clang -O0" },
		{ "macho", RT_MACHO_CC " -O2" },
		{ "coff-mingw", "x86_64-w64-mingw32-gcc -O2" },
		{ "coff-msvc", "clang --target=x86_64-pc-windows-msvc -fgnuc-version=4.2.1 "
			       "-isystem " RT_MINGW_INC " -O2" },
	};

	if (!rt_have("x86_64-w64-mingw32-gcc"))
		return;
	for (size_t c = 0; c < sizeof(compilers) / sizeof(compilers[0]); c++) {
		for (int how = 0; how < 2; how++) {
			char dir[64], cc[512];

			snprintf(dir, sizeof(dir), "exit-%s%d", compilers[c].tag, how);
			snprintf(cc, sizeof(cc), "%s -w", compilers[c].cc);
			rt_compare(dir, cc, RT_SRC "/exitorder/exitorder.c",
				   "gcc -O2 " RT_SRC "/exitorder/exitorder.c -o native", "",
				   how ? "exit" : "return");
		}
	}
}

/* Through the library: objload_session_free runs the images' on_exit and
 * atexit handlers and destructors (status 0, as __cxa_finalize gives),
 * flushes the stdout buffer that lives in their data, and only then
 * unmaps; the process then exits cleanly. */
static void test_exit_library(void)
{
	static const char expected[] =
		"main: return\n"
		"on_exit registered last: status 0\n"
		"atexit, registered third\n"
		"on_exit registered second: status 0\n"
		"atexit, registered first\n"
		"destructor\n"
		"after objload_session_free\n";
	char obj[128], out[128], got[512] = "";
	pid_t pid;
	int status = -1;
	FILE *f;
	size_t n;

	snprintf(obj, sizeof(obj), "%s/exit-elf-gcc0/exitorder.c.o", rt_tmp);
	snprintf(out, sizeof(out), "%s/library.out", rt_tmp);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		objload_session *s;
		int rc;

		if (!freopen(out, "w", stdout) || objload_session_new(&s) ||
		    objload_add_file(s, obj) || objload_link(s) ||
		    objload_run_main(s, NULL, 1, (char *[]){ "exitorder", NULL }, &rc))
			_exit(100);
		objload_session_free(s);
		printf("after objload_session_free\n");
		exit(rc == 7 ? 0 : 101);
	}
	CU_ASSERT_FATAL(pid > 0);
	waitpid(pid, &status, 0);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	f = fopen(out, "r");
	CU_ASSERT_FATAL(f != NULL);
	n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = '\0';
	fclose(f);
	if (strcmp(got, expected) != 0)
		fprintf(stderr, "\nlibrary exit order:\n%s", got);
	CU_ASSERT_STRING_EQUAL(got, expected);
}

/* ---- COFF callbacks ----------------------------------------------------- */

static void test_coff_callbacks(void)
{
	static const struct {
		const char *tag, *cc;
	} compilers[] = {
		{ "mingw-gcc", "x86_64-w64-mingw32-gcc" },
		{ "mingw-clang", "clang --target=x86_64-w64-mingw32 -isystem " RT_MINGW_INC },
		/* MinGW's _mingw.h defines __MINGW_IMPORT only when __declspec
		 * is a macro, which it is not for the MSVC target */
		{ "msvc", "clang --target=x86_64-pc-windows-msvc -fgnuc-version=4.2.1 "
			  "'-D__declspec(a)=__attribute__((a))' -isystem " RT_MINGW_INC },
	};
	static const char *const opts[] = { "-O0", "-O2" };
	const char *src = OBJLOAD_TEST_SRCDIR "/programs-win/callbacks";

	if (!rt_have("x86_64-w64-mingw32-gcc"))
		return;
	for (size_t c = 0; c < sizeof(compilers) / sizeof(compilers[0]); c++) {
		for (size_t o = 0; o < 2; o++) {
			char dir[64], cc[512];

			snprintf(dir, sizeof(dir), "cb-%s%zu", compilers[c].tag, o);
			snprintf(cc, sizeof(cc), "%s %s -w", compilers[c].cc, opts[o]);
			rt_compare(dir, cc, OBJLOAD_TEST_SRCDIR "/programs-win/callbacks/callbacks.c",
				   "gcc -O2 " OBJLOAD_TEST_SRCDIR "/programs-win/callbacks/callbacks.c "
				   "-o native -lpthread", "", src);
		}
	}
}

/* ---- crashes, debuggers, profilers ------------------------------------------ */

/* objload run prints the loaded frames of a crash on stderr (with lines
 * for -g ELF objects) and dies of the same signal (139 from the shell);
 * --no-crash-report prints nothing. */
static void test_crash_report(void)
{
	static const struct {
		const char *tag, *cc;
		int lines;      /* file:line from the object's DWARF */
		int frames;     /* the unwinder walks past the crashing function */
	} compilers[] = {
		{ "elf", "gcc -O1 -g", 1, 1 },
		{ "macho", RT_MACHO_CC " -O1", 0, 1 },
		{ "coff", "x86_64-w64-mingw32-gcc -O1", 0, 0 },   /* no .eh_frame */
	};
	static const char *const strategies[] = { "whole", "section" };

	for (size_t c = 0; c < sizeof(compilers) / sizeof(compilers[0]); c++) {
		for (int s = 0; s < 2; s++) {
			int r = RT_SH("mkdir -p crash-%s && cd crash-%s && "
				      "%s -c " RT_SRC "/crash/crash.c -o crash.o && "
				      "{ %s run --strategy=%s crash.o >out 2>err; test $? = 139; } && "
				      "grep -q 'about to crash' out && "
				      "grep -q 'fatal signal 11 (SIGSEGV) at address 0x0' err && "
				      "grep -q '#0 0x[0-9a-f]* store_through+0x[0-9a-f]* (crash.o' err && "
				      "{ test %d = 0 || grep -q 'store_through+0x[0-9a-f]* (crash.o, [^ ]*crash.c:10)' err; } && "
				      "{ test %d = 0 || { grep -q 'descend+0x' err && "
				      "grep -q ' main+0x[0-9a-f]* (crash.o' err; }; }",
				      compilers[c].tag, compilers[c].tag, compilers[c].cc,
				      tu_objload_bin(), strategies[s], compilers[c].lines,
				      /* per-section: the walk past the crashing
				       * frame faults about one run in 40, not
				       * understood yet (docs/limitations.md);
				       * the crashing frame is still required */
				      s == 0 ? compilers[c].frames : 0);

			if (r != 0) {
				fprintf(stderr, "\ncrash report, %s, --strategy=%s:\n",
					compilers[c].tag, strategies[s]);
				RT_SH("cat crash-%s/err >&2", compilers[c].tag);
			}
			CU_ASSERT(r == 0);
		}
	}
	/* (the shell itself may say "Segmentation fault" on that stream;
	 * under the sanitizers, ASan's handler reports instead and exits 1) */
	if (rt_sanitized()) {
		CU_ASSERT(RT_SH("cd crash-elf && { %s run --no-crash-report crash.o >out 2>err; "
				"test $? = 1; } && grep -q 'AddressSanitizer: SEGV' err && "
				"! grep -q 'objload: fatal signal' err", tu_objload_bin()) == 0);
	} else {
		CU_ASSERT(RT_SH("cd crash-elf && { %s run --no-crash-report crash.o >out 2>err; "
				"test $? = 139; } && ! grep -q 'fatal signal\\|backtrace' err",
				tu_objload_bin()) == 0);
	}
}

/* A crash inside the allocator, holding its lock (heapcrash.c): the
 * unwinder's first search allocates, so the report's stack walk would wait
 * for that lock forever; objload run abandons the walk after its alarm and
 * still dies of SIGABRT (134 from the shell), with the signal reported. */
static void test_crash_in_allocator(void)
{
	int r;

	if (rt_sanitized()) {
		/* ASan's allocator keeps its chunks' sizes elsewhere: the
		 * write corrupts nothing glibc checks, and the program must
		 * simply end */
		r = RT_SH("mkdir -p heapcrash && cd heapcrash && "
			  "gcc -O1 -c " RT_SRC "/heapcrash/heapcrash.c -o heapcrash.o && "
			  "{ timeout 60 %s run heapcrash.o >out 2>err; test $? != 124; } && "
			  "grep -q 'about to corrupt the heap' out", tu_objload_bin());
		if (r != 0)
			RT_SH("cat heapcrash/err >&2");
		CU_ASSERT(r == 0);
		return;
	}
	r = RT_SH("mkdir -p heapcrash && cd heapcrash && "
		      "gcc -O1 -c " RT_SRC "/heapcrash/heapcrash.c -o heapcrash.o && "
		      "{ timeout 60 %s run heapcrash.o >out 2>err; test $? = 134; } && "
		      "grep -q 'about to corrupt the heap' out && "
		      "grep -q 'fatal signal 6 (SIGABRT)' err && "
		      "grep -q 'backtrace abandoned: the stack walk did not return\\| main+0x' err",
		      tu_objload_bin());

	if (r != 0)
		RT_SH("cat heapcrash/err >&2");
	CU_ASSERT(r == 0);
}

/* gdb names the loaded frames (and, with -g, their lines) through the
 * GDB JIT interface; for Mach-O it has the function names. */
static void test_gdb(void)
{
	int r;

	if (!rt_have("gdb"))
		return;
	r = RT_SH("cd crash-elf && timeout 120 gdb -nx -batch -ex run -ex bt --args %s run "
		  "--no-crash-report crash.o >gdb.out 2>&1; "
		  "grep -q 'in descend (' gdb.out && grep -q 'in main (' gdb.out && "
		  "grep -q '^#0  store_through (' gdb.out && grep -q 'crash.c:[0-9]' gdb.out",
		  tu_objload_bin());
	if (r != 0)
		RT_SH("cat crash-elf/gdb.out >&2");
	CU_ASSERT(r == 0);
	r = RT_SH("cd crash-macho && timeout 120 gdb -nx -batch -ex run -ex bt --args %s run "
		  "--no-crash-report crash.o >gdb.out 2>&1; "
		  "grep -q ' in store_through ()' gdb.out && grep -q ' in descend ()' gdb.out",
		  tu_objload_bin());
	if (r != 0)
		RT_SH("cat crash-macho/gdb.out >&2");
	CU_ASSERT(r == 0);
}

/* --perf-map and OBJLOAD_PERF_MAP=1 write /tmp/perf-PID.map with the
 * loaded functions at their addresses. */
static void test_perf_map(void)
{
	for (int env = 0; env < 2; env++) {
		int r = RT_SH("mkdir -p perf && cd perf && gcc -O2 -c " RT_SRC "/perf/pid.c -o pid.o && "
			      "%s %s run %s pid.o >out && pid=$(cut -d' ' -f1 out) && "
			      "test \"$(cut -d' ' -f2 out)\" = 7 && "
			      "grep -Eq '^[0-9a-f]+ [0-9a-f]+ perf_map_probe$' /tmp/perf-$pid.map && "
			      "grep -Eq '^[0-9a-f]+ [0-9a-f]+ main$' /tmp/perf-$pid.map; "
			      "r=$?; rm -f /tmp/perf-$pid.map; exit $r",
			      env ? "OBJLOAD_PERF_MAP=1" : "", tu_objload_bin(), env ? "" : "--perf-map");

		CU_ASSERT(r == 0);
	}
	/* off by default */
	CU_ASSERT(RT_SH("cd perf && %s run pid.o >out && pid=$(cut -d' ' -f1 out) && "
			"test ! -e /tmp/perf-$pid.map", tu_objload_bin()) == 0);
}

/* Zero-fill is committed when the program touches it, never before: a
 * 1.5 GiB array of which two pages are used costs a few MB of peak RSS
 * (/usr/bin/time's, which counts the child alone), in every format and
 * with both strategies, as natively.  Except COFF per-section: its code
 * calls the host's printf with REL32, which must reach, and with several
 * groups each must lie within 1 GiB of the host, where 1.5 GiB does not
 * fit: the link says so (docs/limitations.md). */
static void test_zerofill_rss(void)
{
	static const struct {
		const char *tag, *cc;
		int strategies;   /* whole, or whole and section */
	} compilers[] = {
		{ "elf", "gcc -O2", 2 },
		{ "macho", RT_MACHO_CC " -O2", 2 },
		{ "coff", "x86_64-w64-mingw32-gcc -O2", 1 },
	};
	static const char *const strategies[] = { "whole", "section" };

	CU_ASSERT(RT_SH("mkdir -p bss-coff && cd bss-coff && "
			"x86_64-w64-mingw32-gcc -O2 -c " RT_SRC "/bss/bss.c -o bss.o && "
			"{ %s run --strategy=section bss.o >out 2>err; test $? = 1; } && "
			"grep -q 'cannot map 1610612736 bytes (.bss) in \\[0x' err",
			OBJLOAD_BIN) == 0);
	for (size_t c = 0; c < sizeof(compilers) / sizeof(compilers[0]); c++) {
		for (int k = 0; k < compilers[c].strategies; k++) {
			char *rss, *path;
			long kb = -1;
			int r = RT_SH("mkdir -p bss-%s && cd bss-%s && "
				      "%s -c " RT_SRC "/bss/bss.c -o bss.o && "
				      "/usr/bin/time -f %%M -o rss %s run --strategy=%s bss.o >out && "
				      "test \"$(cat out)\" = 3",
				      compilers[c].tag, compilers[c].tag, compilers[c].cc,
				      OBJLOAD_BIN, strategies[k]);

			path = tu_fmt("%s/bss-%s/rss", rt_tmp, compilers[c].tag);
			rss = tu_read_output(path);
			free(path);
			if (rss)
				kb = strtol(rss, NULL, 10);
			if (r != 0 || kb < 0 || kb >= 16 * 1024)
				fprintf(stderr, "\nzero-fill, %s, --strategy=%s: status %d, peak RSS %ld KB\n",
					compilers[c].tag, strategies[k], r, kb);
			CU_ASSERT(r == 0);
			CU_ASSERT(kb > 0 && kb < 16 * 1024);
			free(rss);
		}
	}
}

/* objload_symbolize: function + offset of loaded code, nothing elsewhere. */
static void test_symbolize(void)
{
	objload_session *s;
	objload_addr_info info;
	void *descend;
	char obj[128];

	snprintf(obj, sizeof(obj), "%s/crash-elf/crash.o", rt_tmp);
	CU_ASSERT_FATAL(objload_session_new(&s) == OBJLOAD_OK);
	CU_ASSERT(objload_symbolize(s, 0x1000, &info) == OBJLOAD_ERR_STATE);
	CU_ASSERT_FATAL(objload_add_file(s, obj) == OBJLOAD_OK);
	CU_ASSERT_FATAL(objload_link(s) == OBJLOAD_OK);
	CU_ASSERT_FATAL(objload_lookup(s, "descend", &descend) == OBJLOAD_OK);
	CU_ASSERT(objload_symbolize(s, (uint64_t)(uintptr_t)descend + 3, &info) == OBJLOAD_OK);
	CU_ASSERT(info.function && strcmp(info.function, "descend") == 0);
	CU_ASSERT(info.function_offset == 3);
	CU_ASSERT(info.image && strcmp(info.image, obj) == 0);
	/* crash.c: descend is lines 13 to 19 */
	CU_ASSERT(info.file && strstr(info.file, "crash.c") && info.line >= 13 && info.line <= 19);
	CU_ASSERT(objload_symbolize(s, (uint64_t)(uintptr_t)&info, &info) == OBJLOAD_ERR_UNDEFINED);
	CU_ASSERT(info.function == NULL && info.image == NULL);
	objload_session_free(s);
}

/* objload_symbolize finds a function among the symbols of the section an
 * address is in; the table gdb and perf read is sorted once for the whole
 * link (core/debug.c).  Both follow one set of rules: every function of
 * the perf map symbolizes to itself from its first byte to its last, in
 * every format (Mach-O and COFF record no sizes) and both strategies. */
static void test_symbolize_vs_table(void)
{
	static const char *const dirs[] = { "crash-elf", "crash-macho", "crash-coff" };
	static const objload_strategy strategies[] = {
		OBJLOAD_STRATEGY_WHOLE, OBJLOAD_STRATEGY_SECTION,
	};

	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		for (size_t k = 0; k < 2; k++) {
			objload_session *s;
			objload_addr_info info;
			char obj[160], map[64], name[256];
			unsigned long long start, size;
			int functions = 0, agree = 0;
			FILE *f;

			snprintf(obj, sizeof(obj), "%s/%s/crash.o", rt_tmp, dirs[d]);
			snprintf(map, sizeof(map), "/tmp/perf-%d.map", (int)getpid());
			unlink(map);
			CU_ASSERT_FATAL(objload_session_new(&s) == OBJLOAD_OK);
			CU_ASSERT(objload_set_perf_map(s, 1) == OBJLOAD_OK);
			CU_ASSERT(objload_set_strategy(s, strategies[k]) == OBJLOAD_OK);
			CU_ASSERT_FATAL(objload_add_file(s, obj) == OBJLOAD_OK);
			CU_ASSERT_FATAL(objload_link(s) == OBJLOAD_OK);
			f = fopen(map, "r");
			CU_ASSERT_FATAL(f != NULL);
			while (fscanf(f, "%llx %llx %255s", &start, &size, name) == 3) {
				int ok = size > 0;

				functions++;
				ok = ok && objload_symbolize(s, start, &info) == OBJLOAD_OK &&
				     info.function && strcmp(info.function, name) == 0 &&
				     info.function_offset == 0;
				ok = ok && objload_symbolize(s, start + size - 1, &info) == OBJLOAD_OK &&
				     info.function && strcmp(info.function, name) == 0 &&
				     info.function_offset == size - 1;
				if (!ok)
					fprintf(stderr, "\n%s, strategy %d: %s at 0x%llx (size %llu) "
						"symbolizes as %s+0x%llx\n", dirs[d], (int)strategies[k],
						name, start, size, info.function ? info.function : "(none)",
						(unsigned long long)info.function_offset);
				agree += ok;
			}
			fclose(f);
			unlink(map);
			/* store_through, descend, main */
			CU_ASSERT(functions >= 3);
			CU_ASSERT(agree == functions);
			objload_session_free(s);
		}
	}
}

/* The GDB JIT interface's descriptor, as the gdb manual lays it out. */
struct rt_jit_entry {
	struct rt_jit_entry *next, *prev;
	const char *symfile_addr;
	uint64_t symfile_size;
};
extern struct {
	uint32_t version, action_flag;
	struct rt_jit_entry *relevant_entry, *first_entry;
} __jit_debug_descriptor;

/* How many symbol files a session linking crash.o hands to gdb, with
 * `enabled` (-1: the default) and OBJLOAD_GDB_JIT set to `env` (NULL:
 * unset); -1 when the link fails or an entry is no ELF file. */
static int rt_jit_entries(int enabled, const char *env)
{
	objload_session *s;
	char obj[128];
	int n = 0;

	snprintf(obj, sizeof(obj), "%s/crash-elf/crash.o", rt_tmp);
	if (env)
		setenv("OBJLOAD_GDB_JIT", env, 1);
	else
		unsetenv("OBJLOAD_GDB_JIT");
	if (objload_session_new(&s))
		return -1;
	if ((enabled >= 0 && objload_set_debugger_registration(s, enabled)) ||
	    objload_add_file(s, obj) || objload_link(s))
		n = -1;
	for (struct rt_jit_entry *e = __jit_debug_descriptor.first_entry; e && n >= 0; e = e->next)
		n = e->symfile_size > 4 && memcmp(e->symfile_addr, "\177ELF", 4) == 0 ? n + 1 : -1;
	objload_session_free(s);
	unsetenv("OBJLOAD_GDB_JIT");
	if (__jit_debug_descriptor.first_entry)
		return -1;   /* freeing the session unregisters its files */
	return n;
}

/* Symbol files cost a copy of each ELF input: made when a debugger
 * traces the process (test_gdb), when asked, or with OBJLOAD_GDB_JIT=1;
 * not for an untraced run (this test binary). */
static void test_gdb_registration(void)
{
	CU_ASSERT(rt_jit_entries(-1, NULL) == 0);
	CU_ASSERT(rt_jit_entries(1, NULL) == 1);
	CU_ASSERT(rt_jit_entries(-1, "1") == 1);
	CU_ASSERT(rt_jit_entries(-1, "0") == 0);
	CU_ASSERT(rt_jit_entries(0, "1") == 0);
}

int objload_test_register_runtime(void)
{
	static const struct tu_test tests[] = {
		{ "C++: g++, clang++, libc++ objects run like native", test_cxx },
		{ "C++: Mach-O objects run like native", test_cxx_macho },
		{ "Mach-O __eh_frame fields after loading", test_macho_eh_frame_loaded },
		{ "Mach-O __eh_frame edges vs llvm-dwarfdump", test_macho_eh_frame_edges },
		{ "--no-default-libs: demangled undefined names", test_no_default_libs },
		{ "COFF C++ exceptions: a clear error", test_coff_exceptions },
		{ "exit order in every format", test_exit_order },
		{ "exit order through the library", test_exit_library },
		{ "COFF callbacks: threads, signals, trees, ftw", test_coff_callbacks },
		{ "crash report", test_crash_report },
		{ "gdb sees loaded functions", test_gdb },
		{ "crash inside the allocator: the report ends", test_crash_in_allocator },
	{ "perf map", test_perf_map },
		{ "zero-fill: 1.5 GiB used two pages at a time", test_zerofill_rss },
		{ "objload_symbolize", test_symbolize },
		{ "objload_symbolize agrees with the perf map's table", test_symbolize_vs_table },
		{ "gdb symbol files: only when traced, asked or OBJLOAD_GDB_JIT=1",
		  test_gdb_registration },
	};
	return tu_add_suite("runtime", rt_suite_init, rt_suite_clean, tests, TU_COUNT(tests));
}
