/* SPDX-License-Identifier: MIT */
/*
 * Suite "package": objload as a distribution would package it.
 *
 *   - the library exports exactly its declared functions: no global symbol
 *     without the objload_ prefix in libobjload.a, libobjload.so exports
 *     the functions of the public headers and nothing else, and a program
 *     that defines its own hashmap_free links with libobjload.a;
 *   - the version macros, objload_version() and configure's version agree;
 *   - `make install prefix=DIR`: every file where it belongs, objload.pc
 *     pointing into DIR, no build-tree path in any installed file, README's
 *     library example built with pkg-config against DIR and run; a plug-in
 *     built by docs/plugins.md's recipe binds to the one libobjload of the
 *     process (the tool's or libobjload.so), is loaded lazily only for an
 *     input no built-in format reads, and is skipped with a warning from a
 *     directory anyone may write to; the installed tool finds the installed
 *     bfd plug-in by itself; `make uninstall` removes everything;
 *     `make install DESTDIR=DIR` too;
 *   - the manual pages render with `man -l` without warnings and name every
 *     option of `objload COMMAND --help` and every public function;
 *   - the bash completion completes commands and each command's options;
 *   - README's usage section is `objload --help`, word for word;
 *   - configure in a directory that has a `core` subdirectory (as the
 *     source tree has): no rm noise, no confdefs.h left, --without-bfd
 *     builds no plug-in, and without CUnit `make check` says so;
 *   - `make dist` does not build the fuzzers.
 *
 * Commands run through the shell in a temporary directory; the build tree
 * (OBJLOAD_TEST_BUILDDIR) is only read, except by `make install`, which
 * builds nothing.
 */
#define _GNU_SOURCE
#include <CUnit/Basic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "objload.h"
#include "tests/tests.h"
#include "tests/util.h"

#ifndef OBJLOAD_TEST_BUILDDIR
#define OBJLOAD_TEST_BUILDDIR "."
#endif
#ifndef OBJLOAD_TEST_TOP_SRCDIR
#define OBJLOAD_TEST_TOP_SRCDIR ".."
#endif
#ifndef OBJLOAD_BIN
#define OBJLOAD_BIN "./objload"
#endif

#ifndef OBJLOAD_TEST_SANITIZE
#define OBJLOAD_TEST_SANITIZE ""
#endif

#define BUILD OBJLOAD_TEST_BUILDDIR
/* programs linked with a sanitizer build of the library need its runtime */
#define SAN OBJLOAD_TEST_SANITIZE
#define SRC OBJLOAD_TEST_TOP_SRCDIR
/* a make of the build tree that does not join the make running the tests */
#define MAKE_BUILD "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES make -s -C '" BUILD "'"

TU_SUITE_TMPDIR(pk_dir, "package", pk_init, pk_cleanup)
static int pk_installed;

#define PK_CHECK(cond, ...) \
	tu_check_at("package", __FILE__, __LINE__, (cond) ? 1 : 0, __VA_ARGS__)

/* Runs a shell command in pk_dir; its exit status (see tu_sh). */
__attribute__((format(printf, 1, 2)))
static int pk_sh(const char *fmt, ...)
{
	char *cmd;
	va_list ap;
	int st;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		cmd = NULL;
	va_end(ap);
	if (!cmd)
		return -1;
	st = tu_sh("cd '%s' && { %s\n}", pk_dir, cmd);
	free(cmd);
	return st;
}

/* A file of pk_dir as a string ("" when missing). */
static char *pk_read(const char *name)
{
	char *path = tu_fmt("%s/%s", pk_dir, name), *text = tu_read_text(path, NULL);

	free(path);
	return text ? text : tu_strdup("");
}

/* The plug-in directory test may leave its directory writable: make it
 * ours again, then remove everything. */
static int pk_clean(void)
{
	pk_sh("chmod -R u+w . 2>/dev/null");
	return pk_cleanup();
}

/* ---- library hygiene --------------------------------------------------------- */

static void test_static_symbols(void)
{
	char *out;

	PK_CHECK(pk_sh("nm -g --defined-only '" BUILD "/.libs/libobjload.a' >nm-a.txt") == 0,
		 "nm libobjload.a");
	/* the one exception: the GDB JIT interface, whose names gdb fixes */
	PK_CHECK(pk_sh("awk 'NF == 3 && $3 !~ /^(objload_|__jit_debug_)/' nm-a.txt >bad-a.txt && "
		       "test ! -s bad-a.txt") == 0,
		 "libobjload.a has no global symbol without the objload_ prefix: %s",
		 (out = pk_read("bad-a.txt")) ? out : "?");
	free(out);
	PK_CHECK(pk_sh("test \"$(awk 'NF == 3' nm-a.txt | wc -l)\" -ge 40") == 0,
		 "libobjload.a defines the API (40 or more objload_ functions)");
	/* a program with its own internal-sounding names links with it */
	PK_CHECK(pk_sh("printf '%%s\\n' '#include <objload.h>' "
		       "'void hashmap_free(void *p) { (void)p; }' "
		       "'int core_link(void) { return 7; }' "
		       "'int arch_error = 3;' "
		       "'int main(void) { objload_session *s; hashmap_free(0);' "
		       "'  if (objload_session_new(&s)) return 1; objload_session_free(s);' "
		       "'  return core_link() + arch_error; }' >clash.c && "
		       "cc -std=gnu11 " SAN " -I'" SRC "/include' clash.c '" BUILD "/.libs/libobjload.a' "
		       "-ldl -lm -o clash >clash.log 2>&1 && ./clash; test $? = 10") == 0,
		 "a program defining hashmap_free, core_link and arch_error links with "
		 "libobjload.a and runs: %s", (out = pk_read("clash.log")) ? out : "?");
	free(out);
}

static void test_shared_symbols(void)
{
	char *out;

	PK_CHECK(pk_sh("nm -D --defined-only '" BUILD "/.libs/libobjload.so' | "
		       "awk 'NF == 3 {print $3}' | sed 's/@.*//' | sort >exported.txt && "
		       "grep -v '^objload_plugin_init$' '" BUILD "/libobjload.keep' | sort >declared.txt && "
		       "diff declared.txt exported.txt >sym.diff") == 0,
		 "libobjload.so exports exactly the functions of the public headers "
		 "(and the GDB JIT interface): %s",
		 (out = pk_read("sym.diff")) ? out : "?");
	free(out);
}

static void test_plugin_links_no_libobjload(void)
{
#ifdef OBJLOAD_TEST_HAVE_BFD
	PK_CHECK(pk_sh("readelf -d '" BUILD "/plugins/bfd/.libs/objload-bfd.so' | "
		       "grep -q 'NEEDED.*libobjload'") == 1,
		 "the bfd plug-in does not need libobjload (no second copy)");
	PK_CHECK(pk_sh("nm -D '" BUILD "/plugins/bfd/.libs/objload-bfd.so' | "
		       "grep -q ' U objload_register_format$'") == 0,
		 "the bfd plug-in leaves objload_register_format to the process");
#endif
	PK_CHECK(pk_sh("nm -D --defined-only '" OBJLOAD_BIN "' | "
		       "grep -q ' T objload_register_format$'") == 0,
		 "the objload tool exports the API for its plug-ins");
	PK_CHECK(pk_sh("nm -D --defined-only '" OBJLOAD_BIN "' | awk '$2 == \"T\"' | "
		       "grep -v ' objload_' | grep -v ' __jit_debug_register_code$' | grep -q .") == 1,
		 "the objload tool exports no function but the API (and the GDB JIT hook)");
}

static void test_version(void)
{
	int major = -1, minor = -1, patch = -1;
	const char *v = objload_version(&major, &minor, &patch);
	char expect[32];

	snprintf(expect, sizeof(expect), "%d.%d.%d", OBJLOAD_VERSION_MAJOR,
		 OBJLOAD_VERSION_MINOR, OBJLOAD_VERSION_PATCH);
	PK_CHECK(v && strcmp(v, OBJLOAD_VERSION_STRING) == 0 && strcmp(v, expect) == 0,
		 "objload_version() %s = OBJLOAD_VERSION_STRING %s = the numbers %s",
		 v ? v : "NULL", OBJLOAD_VERSION_STRING, expect);
	PK_CHECK(major == OBJLOAD_VERSION_MAJOR && minor == OBJLOAD_VERSION_MINOR &&
		 patch == OBJLOAD_VERSION_PATCH, "objload_version's numbers");
	PK_CHECK(objload_version(NULL, NULL, NULL) == v, "NULL pointers are allowed");
	PK_CHECK(strcmp(OBJLOAD_VERSION_STRING, PACKAGE_VERSION) == 0,
		 "the header's version %s is configure's %s", OBJLOAD_VERSION_STRING,
		 PACKAGE_VERSION);
	PK_CHECK(OBJLOAD_VERSION_NUMBER == OBJLOAD_VERSION_MAJOR * 10000 +
		 OBJLOAD_VERSION_MINOR * 100 + OBJLOAD_VERSION_PATCH, "OBJLOAD_VERSION_NUMBER");
	PK_CHECK(pk_sh("'" OBJLOAD_BIN "' --version >v.txt && grep -q '^objload %s (libobjload %s)$' v.txt",
		       PACKAGE_VERSION, OBJLOAD_VERSION_STRING) == 0,
		 "objload --version names both versions");
}

/* ---- installing ---------------------------------------------------------------- */

static int install_prefix(void)
{
	char *log;

	if (pk_installed)
		return pk_installed > 0;
	pk_installed = pk_sh(MAKE_BUILD " install prefix='%s/p' >install.log 2>&1", pk_dir) == 0 ? 1 : -1;
	log = pk_read("install.log");
	PK_CHECK(pk_installed > 0, "make install prefix=DIR: %.3000s", log ? log : "?");
	free(log);
	return pk_installed > 0;
}

static void test_install_files(void)
{
	static const char *const files[] = {
		"p/bin/objload", "p/lib/libobjload.so", "p/lib/libobjload.a",
		"p/include/objload.h", "p/include/objload/plugin.h",
		"p/include/objload/kinds-x86_64.def", "p/lib/pkgconfig/objload.pc",
		"p/share/man/man1/objload.1", "p/share/man/man3/libobjload.3",
		"p/share/man/man3/objload_link.3", "p/share/man/man3/objload_set_log.3",
		"p/share/bash-completion/completions/objload",
#ifdef OBJLOAD_TEST_HAVE_BFD
		"p/lib/objload/plugins/objload-bfd.so",
#endif
	};
	char *out;

	if (!install_prefix())
		return;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		PK_CHECK(pk_sh("test -f %s", files[i]) == 0, "installed: %s", files[i]);
	PK_CHECK(pk_sh("grep -qx \"prefix=$PWD/p\" p/lib/pkgconfig/objload.pc && "
		       "test \"$(PKG_CONFIG_PATH=$PWD/p/lib/pkgconfig pkg-config --cflags objload | sed 's/ *$//')\" = "
		       "\"-I$PWD/p/include\"") == 0,
		 "objload.pc points into the prefix: %s",
		 (out = pk_read("p/lib/pkgconfig/objload.pc")) ? out : "?");
	free(out);
	/* debug information names the directory it was compiled in: look
	 * at the files without it */
	PK_CHECK(pk_sh("find p -type f ! -name '*.la' | while read f; do "
		       "objcopy --strip-debug \"$f\" nodebug.tmp 2>/dev/null || cp \"$f\" nodebug.tmp; "
		       "grep -qF '" BUILD "' nodebug.tmp && echo \"$f\"; done >buildpaths.txt; "
		       "test ! -s buildpaths.txt") == 0,
		 "no installed file names the build tree: %s",
		 (out = pk_read("buildpaths.txt")) ? out : "?");
	free(out);
	PK_CHECK(pk_sh("nm -g --defined-only p/lib/libobjload.a | "
		       "awk 'NF == 3 && $3 !~ /^(objload_|__jit_debug_)/' | grep -q .") == 1,
		 "the installed libobjload.a has no global symbol without the objload_ prefix");
}

/* README's library example, built with pkg-config against the prefix. */
static void test_install_readme_example(void)
{
	char *out;

	if (!install_prefix())
		return;
	if (!PK_CHECK(pk_sh("awk '/<!-- library example -->/ {on = 1; next} "
			    "on && /^```c$/ {next} on && /^```$/ {exit} on' '" SRC "/README.md' >example.c "
			    "&& grep -q objload_run_main example.c") == 0,
		      "README.md has the library example"))
		return;
	PK_CHECK(pk_sh("export PKG_CONFIG_PATH=$PWD/p/lib/pkgconfig; "
		       "cc -std=gnu11 -Wall -Werror " SAN " example.c $(pkg-config --cflags --libs objload) "
		       "-o example >example.log 2>&1") == 0,
		 "README's example builds with pkg-config: %s",
		 (out = pk_read("example.log")) ? out : "?");
	free(out);
	PK_CHECK(pk_sh("gcc -O2 -c '" SRC "/examples/hello.c' -o hello.o && "
		       "gcc -O2 -c '" SRC "/examples/greet.c' -o greet.o && "
		       "LD_LIBRARY_PATH=$PWD/p/lib ./example hello.o greet.o >example.out 2>&1 && "
		       "grep -q 'hello, greet.o, from an object loaded by objload' example.out && "
		       "LD_LIBRARY_PATH=$PWD/p/lib ldd ./example | grep -q \"$PWD/p/lib/libobjload.so\"") == 0,
		 "README's example runs the bundled example with the installed libobjload.so: %s",
		 (out = pk_read("example.out")) ? out : "?");
	free(out);
}

/* docs/plugins.md's recipe, against the installed headers. */
static void test_install_plugin_recipe(void)
{
	char *out;

	if (!install_prefix())
		return;
	if (!PK_CHECK(pk_sh("mkdir -p plug && chmod 755 plug && "
			    "export PKG_CONFIG_PATH=$PWD/p/lib/pkgconfig; "
			    "cc -std=gnu11 -fPIC -shared -o plug/objload-recipe.so "
			    "'" SRC "/tests/cli/plugin_recipe.c' $(pkg-config --cflags objload) "
			    ">recipe.log 2>&1") == 0,
		      "the plug-in builds by docs/plugins.md's recipe: %s",
		      (out = pk_read("recipe.log")) ? out : "?")) {
		free(out);
		return;
	}
	free(out);
	PK_CHECK(pk_sh("grep -q 'cc -std=gnu11 -fPIC -shared -o objload-myfmt.so myfmt.c' "
		       "'" SRC "/docs/plugins.md'") == 0,
		 "docs/plugins.md still gives that recipe");
	PK_CHECK(pk_sh("readelf -d plug/objload-recipe.so | grep -q 'NEEDED.*objload'") == 1 &&
		 pk_sh("nm -D plug/objload-recipe.so | grep -q ' U objload_register_format$'") == 0,
		 "the plug-in leaves objload_* to the process");
	PK_CHECK(pk_sh("printf 'objload-recipe recipe_value 42\\n' >value.recipe && "
		       "printf 'extern int recipe_value;\\nint main(void) { return recipe_value; }\\n' "
		       ">usevalue.c && gcc -O2 -c usevalue.c -o usevalue.o") == 0, "inputs");
	/* the tool: --plugin, then lazily from the plug-in path */
	PK_CHECK(pk_sh("env -u OBJLOAD_PLUGIN_PATH p/bin/objload run "
		       "--plugin=$PWD/plug/objload-recipe.so usevalue.o value.recipe "
		       ">r1.out 2>&1; test $? = 42") == 0,
		 "objload run --plugin=objload-recipe.so: exit 42: %s",
		 (out = pk_read("r1.out")) ? out : "?");
	free(out);
	PK_CHECK(pk_sh("OBJLOAD_PLUGIN_PATH=$PWD/plug p/bin/objload run --trace usevalue.o value.recipe "
		       ">r2.out 2>&1; test $? = 42 && grep -q 'plug-in .*objload-recipe.so loaded' r2.out") == 0,
		 "a plug-in of the path is loaded for an input nothing built in reads: %s",
		 (out = pk_read("r2.out")) ? out : "?");
	free(out);
	PK_CHECK(pk_sh("OBJLOAD_PLUGIN_PATH=$PWD/plug p/bin/objload run --trace hello.o greet.o "
		       ">r3.out 2>&1 && ! grep -q 'plug-in' r3.out") == 0,
		 "no plug-in is loaded when the built-in formats read every input: %s",
		 (out = pk_read("r3.out")) ? out : "?");
	free(out);
	/* the library: README's example program, linked with libobjload.so */
	PK_CHECK(pk_sh("test -x example && OBJLOAD_PLUGIN_PATH=$PWD/plug LD_LIBRARY_PATH=$PWD/p/lib "
		       "./example usevalue.o value.recipe >r4.out 2>&1; test $? = 42") == 0,
		 "a program linked with libobjload.so loads the plug-in, which binds to it: %s",
		 (out = pk_read("r4.out")) ? out : "?");
	free(out);
	/* a directory anyone may write to is skipped, with a warning */
	PK_CHECK(pk_sh("chmod 777 plug && OBJLOAD_PLUGIN_PATH=$PWD/plug p/bin/objload run "
		       "usevalue.o value.recipe >r5.out 2>&1; rc=$?; chmod 755 plug; test $rc = 1 && "
		       "grep -q 'warning: plug-in directory .*plug skipped: any user may write to it' r5.out") == 0,
		 "a world-writable plug-in directory is skipped with a warning: %s",
		 (out = pk_read("r5.out")) ? out : "?");
	free(out);
#ifdef OBJLOAD_TEST_HAVE_BFD
	PK_CHECK(pk_sh("env -u OBJLOAD_PLUGIN_PATH p/bin/objload info --format=bfd hello.o >r6.out 2>&1 "
		       "&& grep -q '^format: bfd$' r6.out") == 0,
		 "the installed tool finds the installed bfd plug-in by itself: %s",
		 (out = pk_read("r6.out")) ? out : "?");
	free(out);
#endif
}

static void test_install_destdir_uninstall(void)
{
	char *out;

	if (!install_prefix())
		return;
	PK_CHECK(pk_sh(MAKE_BUILD " install DESTDIR=$PWD/d >destdir.log 2>&1 && "
		       "test -x \"d%s/bin/objload\" && test -f \"d%s/lib/pkgconfig/objload.pc\" && "
		       "grep -qx 'prefix=%s' \"d%s/lib/pkgconfig/objload.pc\"",
		       OBJLOAD_TEST_PREFIX, OBJLOAD_TEST_PREFIX, OBJLOAD_TEST_PREFIX,
		       OBJLOAD_TEST_PREFIX) == 0,
		 "make install DESTDIR=DIR: %s", (out = pk_read("destdir.log")) ? out : "?");
	free(out);
	PK_CHECK(pk_sh(MAKE_BUILD " uninstall prefix=$PWD/p >uninstall.log 2>&1 && "
		       "find p -type f -o -type l >left.txt; test ! -s left.txt") == 0,
		 "make uninstall removes every file: %s", (out = pk_read("left.txt")) ? out : "?");
	free(out);
	pk_installed = 0;
}

/* ---- documentation ----------------------------------------------------------------- */

static void test_man_pages(void)
{
	static const char *const pages[] = { "objload.1", "libobjload.3" };
	char *out;

	for (size_t i = 0; i < 2; i++) {
		PK_CHECK(pk_sh("MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l '" SRC "/doc/%s' "
			       ">man.out 2>man.err && test ! -s man.err && "
			       "grep -q '^NAME' man.out && grep -q '^SYNOPSIS' man.out && "
			       "grep -q '^DESCRIPTION' man.out", pages[i]) == 0,
			 "man -l doc/%s renders without warnings: %s", pages[i],
			 (out = pk_read("man.err")) ? out : "?");
		free(out);
	}
	/* every option of every command is in objload(1) */
	PK_CHECK(pk_sh("for c in run info link compare; do '" OBJLOAD_BIN "' $c --help; done | "
		       "grep -o -- '--[a-z][a-z-]*' | sort -u >opts.txt && "
		       "MANWIDTH=200 man -l '" SRC "/doc/objload.1' 2>/dev/null >man1.txt && "
		       "while read o; do grep -q -e \"$o\" man1.txt || echo \"$o\"; done <opts.txt >missing.txt; "
		       "test -s opts.txt && test ! -s missing.txt") == 0,
		 "objload(1) documents every option: missing %s",
		 (out = pk_read("missing.txt")) ? out : "?");
	free(out);
	PK_CHECK(pk_sh("MANWIDTH=200 man -l '" SRC "/doc/libobjload.3' 2>/dev/null >man3.txt && "
		       "grep -v '^objload_plugin_init$' '" BUILD "/libobjload.sym' | "
		       "while read f; do grep -q \"$f\" man3.txt || echo \"$f\"; done >missing3.txt; "
		       "test ! -s missing3.txt") == 0,
		 "libobjload(3) documents every public function: missing %s",
		 (out = pk_read("missing3.txt")) ? out : "?");
	free(out);
}

/* Completions for the words given, as bash would ask. */
static char *complete(const char *words, int cword)
{
	char *out = NULL;

	if (pk_sh("PATH='" BUILD "':$PATH bash -c '. \"" SRC "/completion/objload\"; "
		  "COMP_WORDS=(%s); COMP_CWORD=%d; COMP_LINE=\"${COMP_WORDS[*]}\"; "
		  "_objload; printf \"%%s\\n\" \"${COMPREPLY[@]}\"' >complete.out 2>&1",
		  words, cword) == 0)
		out = pk_read("complete.out");
	return out;
}

static void test_bash_completion(void)
{
	char *out;

	out = complete("objload ru", 1);
	PK_CHECK(out && strcmp(out, "run\n") == 0, "objload ru<TAB>: %s", out ? out : "(failed)");
	free(out);
	out = complete("objload \"\"", 1);
	PK_CHECK(out && strstr(out, "compare\n") && strstr(out, "info\n") && strstr(out, "help\n"),
		 "objload <TAB>: the commands: %s", out ? out : "(failed)");
	free(out);
	out = complete("objload run --stra", 2);
	PK_CHECK(out && strcmp(out, "--strategy=\n") == 0, "objload run --stra<TAB>: %s",
		 out ? out : "(failed)");
	free(out);
	out = complete("objload compare --sv", 2);
	PK_CHECK(out && strcmp(out, "--svg=\n") == 0, "objload compare --sv<TAB>: %s",
		 out ? out : "(failed)");
	free(out);
	out = complete("objload info --sv", 2);
	PK_CHECK(out && strcmp(out, "\n") == 0, "info has no --svg: %s", out ? out : "(failed)");
	free(out);
	out = complete("objload run --strategy=", 2);
	PK_CHECK(out && strstr(out, "whole\n") && strstr(out, "section\n"),
		 "objload run --strategy=<TAB>: %s", out ? out : "(failed)");
	free(out);
	out = complete("objload help co", 2);
	PK_CHECK(out && strcmp(out, "compare\n") == 0, "objload help co<TAB>: %s",
		 out ? out : "(failed)");
	free(out);
}

static void test_readme_usage(void)
{
	char *out;

	PK_CHECK(pk_sh("awk '/<!-- objload --help -->/ {on = 1; next} on && /^```text$/ {next} "
		       "on && /^```$/ {exit} on' '" SRC "/README.md' >readme-usage.txt && "
		       "'" OBJLOAD_BIN "' --help >help.txt && diff help.txt readme-usage.txt >usage.diff") == 0,
		 "README's usage section is objload --help: %s",
		 (out = pk_read("usage.diff")) ? out : "?");
	free(out);
}

/* ---- configure and dist ------------------------------------------------------------- */

static void test_configure_options(void)
{
	char *out;

	/* configure in a copy of what it reads, run in place as in the
	 * source tree, beside its core/ directory (the source tree itself may
	 * be configured already, and then refuses a second build) */
	if (!PK_CHECK(pk_sh("mkdir -p conf/core && cp '" SRC "/configure' '" SRC "/Makefile.in' conf/ && "
			    "cp -r '" SRC "/build-aux' conf/ && cp '" SRC "/core/session.c' conf/core/ && "
			    "cd conf && ./configure --quiet "
			    "--without-bfd ac_cv_header_CUnit_Basic_h=no >configure.out 2>&1") == 0,
		      "configure --without-bfd without CUnit: %s",
		      (out = pk_read("conf/configure.out")) ? out : "?")) {
		free(out);
		return;
	}
	out = pk_read("conf/configure.out");
	PK_CHECK(out && !strstr(out, "cannot remove"), "no rm noise: %s", out ? out : "?");
	PK_CHECK(out && strstr(out, "CUnit not found") && strstr(out, "no test"),
		 "configure says the tests will not run: %s", out ? out : "?");
	PK_CHECK(out && strstr(out, "libbfd plug-in:       no"), "and that no plug-in is built");
	free(out);
	PK_CHECK(pk_sh("test ! -e conf/confdefs.h && test -d conf/core") == 0,
		 "no confdefs.h left, our core/ untouched");
	PK_CHECK(pk_sh("grep -q '^TESTS = tests/no-cunit.sh' conf/Makefile && "
		       "! grep -q '^plugins_LTLIBRARIES = plugins/bfd' conf/Makefile") == 0,
		 "the Makefile builds no plug-in and runs the no-CUnit notice");
	PK_CHECK(pk_sh("'" SRC "/tests/no-cunit.sh' >nocunit.out; test $? = 77 && "
		       "grep -q CUnit nocunit.out") == 0,
		 "make check without CUnit: skipped (77) with the reason");
}

static void test_dist_no_fuzzers(void)
{
	char *out;

	PK_CHECK(pk_sh(MAKE_BUILD " -n distdir distdir=$PWD/distdir-n >dist-n.txt 2>&1; "
		       "grep -e '-fsanitize=fuzzer' -e 'fuzz/fuzz_elf ' dist-n.txt >fuzz-in-dist.txt; "
		       "grep -q 'fuzz/fuzz_elf.c' dist-n.txt && test ! -s fuzz-in-dist.txt") == 0,
		 "make dist copies the fuzz sources and builds no fuzzer: %s",
		 (out = pk_read("fuzz-in-dist.txt")) ? out : "?");
	free(out);
}

int objload_test_register_package(void)
{
	static const struct tu_test tests[] = {
		{ "libobjload.a: only objload_ globals; clashing names link", test_static_symbols },
		{ "libobjload.so: exports exactly the declared functions", test_shared_symbols },
		{ "plug-ins bind to the process's libobjload", test_plugin_links_no_libobjload },
		{ "version macros, objload_version, --version", test_version },
		{ "make install prefix=DIR: files, objload.pc, no build path", test_install_files },
		{ "installed: README's library example with pkg-config", test_install_readme_example },
		{ "installed: docs/plugins.md's recipe, lazy loading, unsafe dirs",
		  test_install_plugin_recipe },
		{ "make install DESTDIR=, make uninstall", test_install_destdir_uninstall },
		{ "man pages: render, every option and function", test_man_pages },
		{ "bash completion", test_bash_completion },
		{ "README usage = objload --help", test_readme_usage },
		{ "configure: core/ dir, --without-bfd, no CUnit", test_configure_options },
		{ "make dist builds no fuzzers", test_dist_no_fuzzers },
	};

	return tu_add_suite("package", pk_init, pk_clean, tests, TU_COUNT(tests));
}
