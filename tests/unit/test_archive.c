/* SPDX-License-Identifier: MIT */
/*
 * Static archives and the host's libraries (core/archive.c, suite
 * "archive").
 *
 *   - real Debian static libraries: a SQL driver over libsqlite3.a and a
 *     zlib driver over libz.a (tests/programs-ar/), run through the CLI
 *     and compared with the natively linked drivers (stdout and exit
 *     status); only the needed members are loaded (metrics via the API);
 *   - containers built at test time with the real tools: `ar rcs` with
 *     long member names and duplicate member names, `ar rcsT` (thin),
 *     `llvm-ar --format=bsd` and `--format=darwin`, an archive without an
 *     index; several archives needing each other (rescanned to a fixed
 *     point); --whole-archive; a member of another arch; a Microsoft
 *     import library (llvm-dlltool) with a COFF object;
 *   - malformed archives built in memory: each is OBJLOAD_ERR_FORMAT with
 *     a message naming the archive and the member, never a crash;
 *   - -l/-L: -lz finds libz.so, -L to a temporary directory with a
 *     libfoo.a, an ld script, a missing library; -lc and atexit.
 *
 * Tools that are missing (clang, llvm-ar, llvm-dlltool, the sqlite and
 * zlib static libraries) make the tests that need them pass with a note
 * on stderr.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "objload.h"
#include "tests/tests.h"
#include "tests/util.h"

#define AR_TIMEOUT 120
#define SQLITE_A "/usr/lib/x86_64-linux-gnu/libsqlite3.a"
#define LIBZ_A "/usr/lib/x86_64-linux-gnu/libz.a"

TU_SUITE_TMPDIR(ar_tmp, "archive", suite_init, suite_clean)

/* ---- helpers ---------------------------------------------------------- */

#define AR_CHECK(cond, ...) \
	tu_check_at("archive", __FILE__, __LINE__, (cond) ? 1 : 0, __VA_ARGS__)

/* Run a shell command line in the temporary directory, stdout and stderr
 * captured. */
static struct tu_result sh(const char *cmd)
{
	char *const argv[] = { "sh", "-c", (char *)cmd, NULL };
	char *stem = tu_fmt("%s/.run", ar_tmp);
	struct tu_result r;

	tu_run(argv, ar_tmp, stem, AR_TIMEOUT, &r);
	free(stem);
	return r;
}

static int sh_ok(const char *cmd)
{
	struct tu_result r = sh(cmd);
	int ok = r.code == 0;

	if (!ok)
		fprintf(stderr, "\narchive: `%s` failed (%d): %s\n", cmd, r.code, r.err);
	tu_result_free(&r);
	return ok;
}

/* A missing tool or library fails the test (tools/install-deps.sh
 * installs them all); it is never counted as a pass. */
static int skip(const char *why)
{
	fprintf(stderr, "\narchive: cannot run: %s\n", why);
	CU_FAIL("a tool or library the test needs is missing (see stderr)");
	return 1;
}

/* `objload ARGS` (a shell-quoted string) in the temporary directory. */
static struct tu_result objload(const char *args)
{
	char *cmd = tu_fmt("'%s' %s", tu_objload_bin(), args);
	struct tu_result r = sh(cmd);

	free(cmd);
	return r;
}

static char *src(const char *rel)
{
	return tu_fmt("%s/programs-ar/%s", tu_srcdir(), rel);
}

/* Compare `objload run ARGS` with the native ./NATIVE. */
static void compare_native(const char *native, const char *args)
{
	char *cmd = tu_fmt("./%s", native);
	struct tu_result n = sh(cmd), o = objload(args);

	AR_CHECK(n.code == o.code, "%s: exit %d natively, %d under `objload %s` (%s)",
		 native, n.code, o.code, args, o.err);
	AR_CHECK(strcmp(n.out, o.out) == 0,
		 "%s: stdout differs under `objload %s`:\n--- native\n%s--- objload\n%s",
		 native, args, n.out, o.out);
	free(cmd);
	tu_result_free(&n);
	tu_result_free(&o);
}

/* ---- real static libraries ----------------------------------------------- */

/* Link `obj` with `archive` through the API (no run) and read the metrics. */
static int api_link(const char *obj, const char *archive, const char *lib,
		    objload_metrics *m, objload_archive_info *ai, char *err, size_t errlen)
{
	objload_session *s;
	int rc = -1;

	if (objload_session_new(&s))
		return -1;
	if (!objload_add_file(s, obj) &&
	    (!archive || !objload_add_file(s, archive)) &&
	    (!lib || !objload_add_library(s, lib)) && !objload_link(s)) {
		objload_get_metrics(s, m);
		if (objload_archive_count(s))
			objload_get_archive_info(s, 0, ai);
		rc = 0;
	}
	snprintf(err, errlen, "%s", objload_errmsg(s));
	objload_session_free(s);
	return rc;
}

static void test_sqlite(void)
{
	char *drv = src("sqlite/driver.c");
	char *cmd = tu_fmt("gcc -O2 -c '%s' -o sq.o && gcc sq.o -lsqlite3 -lm -o sq_native", drv);
	objload_metrics m = { 0 };
	objload_archive_info ai = { 0 };
	char err[2048], *path;

	free(drv);
	if (access(SQLITE_A, R_OK) != 0 && skip(SQLITE_A " is missing (libsqlite3-dev)")) {
		free(cmd);
		return;
	}
	if (!AR_CHECK(sh_ok(cmd), "building the sqlite driver")) {
		free(cmd);
		return;
	}
	free(cmd);
	compare_native("sq_native", "run sq.o " SQLITE_A " -lm");
	compare_native("sq_native", "run --strategy=section sq.o " SQLITE_A " -lm");
	/* only what the driver needs is loaded */
	path = tu_fmt("%s/sq.o", ar_tmp);
	if (AR_CHECK(api_link(path, SQLITE_A, "-lm", &m, &ai, err, sizeof(err)) == 0,
		     "linking sq.o with libsqlite3.a: %s", err)) {
		AR_CHECK(m.archives == 1 && m.archive_members > 0 &&
			 m.archive_members == ai.loaded && ai.loaded < ai.members,
			 "libsqlite3.a: %" PRIu64 " members loaded of %zu", m.archive_members,
			 ai.members);
		AR_CHECK(m.images == 1 + m.archive_members, "images %" PRIu64, m.images);
		AR_CHECK(m.shared_libraries >= 1, "-lm opened %" PRIu64 " libraries",
			 m.shared_libraries);
	}
	free(path);
}

static void test_zlib(void)
{
	char *drv = tu_fmt("%s/programs/zlib/main.c",
			tu_srcdir());
	char *cmd = tu_fmt("gcc -O2 -c '%s' -o z.o && gcc z.o -lz -o z_native", drv);
	objload_metrics m = { 0 };
	objload_archive_info ai = { 0 };
	struct tu_result r;
	char err[2048], *path;

	free(drv);
	if (access(LIBZ_A, R_OK) != 0 && skip(LIBZ_A " is missing (zlib1g-dev)")) {
		free(cmd);
		return;
	}
	if (!AR_CHECK(sh_ok(cmd), "building the zlib driver")) {
		free(cmd);
		return;
	}
	free(cmd);
	compare_native("z_native", "run z.o " LIBZ_A);
	/* the host's libz.so through the system directories */
	compare_native("z_native", "run z.o -lz");
	compare_native("z_native", "run z.o -l:libz.a");
	path = tu_fmt("%s/z.o", ar_tmp);
	if (AR_CHECK(api_link(path, LIBZ_A, NULL, &m, &ai, err, sizeof(err)) == 0,
		     "linking z.o with libz.a: %s", err))
		AR_CHECK(m.archive_members > 0 && ai.loaded < ai.members &&
			 !strcmp(ai.flavor, "gnu") && ai.has_index,
			 "libz.a: %zu of %zu members, flavor %s", ai.loaded, ai.members, ai.flavor);
	memset(&m, 0, sizeof(m));
	if (AR_CHECK(api_link(path, NULL, "-lz", &m, &ai, err, sizeof(err)) == 0,
		     "linking z.o with -lz: %s", err))
		AR_CHECK(m.shared_libraries == 1 && m.archive_members == 0,
			 "-lz: %" PRIu64 " shared libraries, %" PRIu64 " members",
			 m.shared_libraries, m.archive_members);
	free(path);
	r = objload("run --stats z.o " LIBZ_A);
	AR_CHECK(r.code == 0 && strstr(r.err, "members loaded") != NULL,
		 "--stats: %s", r.err);
	tu_result_free(&r);
	r = objload("info " LIBZ_A);
	AR_CHECK(r.code == 0 && strstr(r.out, "archive: " LIBZ_A) &&
		 strstr(r.out, "flavor: gnu") && strstr(r.out, "deflate.o"),
		 "info on libz.a: %s%s", r.out, r.err);
	tu_result_free(&r);
}

/* ---- containers built with the real tools ----------------------------------- */

/* Members: a library where main needs a long-named member, two members both
 * named x.o, a member pulled only by another member, one that must never
 * load (it references a symbol nothing defines) and a constructor member
 * that loads only with --whole-archive. */
static const char corner_main[] =
	"#include <stdio.h>\n"
	"int long_name_fun(void); int dup_one(void); int dup_two(void);\n"
	"int group_a(void);\n"
	"int main(void) {\n"
	"  printf(\"%d %d %d %d\\n\", long_name_fun(), dup_one(), dup_two(), group_a());\n"
	"  return 0;\n"
	"}\n";

static int build_corner_sources(void)
{
	return sh_ok("mkdir -p d1 d2 g && "
		     "echo 'int chain_fun(void); int long_name_fun(void){return chain_fun()+1;}' > "
		     "a_very_long_member_name_for_gnu_ar.c && "
		     "echo 'int chain_fun(void){return 41;}' > chain.c && "
		     "echo 'int dup_one(void){return 1;}' > d1/x.c && "
		     "echo 'int dup_two(void){return 2;}' > d2/x.c && "
		     "echo 'int no_such_symbol_anywhere(void); int unused_fun(void){return no_such_symbol_anywhere();}' > unused.c && "
		     "echo '#include <stdio.h>' > ctor.c && "
		     "echo '__attribute__((constructor)) static void c(void){puts(\"whole: ctor ran\");}' >> ctor.c && "
		     "echo 'int group_b(void); int group_a(void){return group_b()*10;}' > g/ga.c && "
		     "echo 'int group_a2(void); int group_b(void){return group_a2()+3;}' > g/gb.c && "
		     "echo 'int group_a2(void){return 4;}' > g/ga2.c && "
		     "for f in a_very_long_member_name_for_gnu_ar chain d1/x d2/x unused ctor g/ga g/gb g/ga2; do "
		     "gcc -O2 -c $f.c -o $f.o || exit 1; done && "
		     "ar rcs libga.a g/ga.o g/ga2.o && ar rcs libgb.a g/gb.o");
}

static void corner_run(const char *archive_desc, const char *archive)
{
	char *args = tu_fmt("run cm.o %s libga.a libgb.a", archive);
	struct tu_result r = objload(args);

	AR_CHECK(r.code == 0 && strcmp(r.out, "42 1 2 70\n") == 0,
		 "%s: `objload %s` gave %d, stdout '%s', stderr '%s'", archive_desc,
		 args, r.code, r.out, r.err);
	tu_result_free(&r);
	free(args);
	/* the same, the archives in the other order: rescanned to a fixed point */
	args = tu_fmt("run cm.o libgb.a libga.a %s", archive);
	r = objload(args);
	AR_CHECK(r.code == 0 && strcmp(r.out, "42 1 2 70\n") == 0,
		 "%s: `objload %s` gave %d, stdout '%s', stderr '%s'", archive_desc,
		 args, r.code, r.out, r.err);
	tu_result_free(&r);
	free(args);
}

#define CORNER_MEMBERS "a_very_long_member_name_for_gnu_ar.o chain.o unused.o ctor.o"

static void test_gnu_long_and_duplicate_names(void)
{
	struct tu_result r;
	objload_session *s;

	char *cm = tu_fmt("%s/cm.c", ar_tmp);

	tu_write_text(cm, corner_main);
	free(cm);
	if (!AR_CHECK(build_corner_sources() && sh_ok("gcc -O2 -c cm.c -o cm.o"),
		      "building the corner-case members"))
		return;
	/* r replaces a member of the same name; q appends a second x.o */
	AR_CHECK(sh_ok("rm -f libgnu.a && ar rc libgnu.a " CORNER_MEMBERS " d1/x.o && "
		       "ar q libgnu.a d2/x.o && ar s libgnu.a"), "ar rcs");
	r = objload("info libgnu.a");
	AR_CHECK(strstr(r.out, "a_very_long_member_name_for_gnu_ar.o") &&
		 strstr(r.out, "member 4 x.o") && strstr(r.out, "member 5 x.o"),
		 "info libgnu.a: %s", r.out);
	tu_result_free(&r);
	corner_run("gnu ar", "libgnu.a");
	/* --whole-archive: every member, so the unused one fails the link */
	r = objload("run cm.o --whole-archive libgnu.a --no-whole-archive libga.a libgb.a");
	AR_CHECK(r.code == 1 && strstr(r.err, "no_such_symbol_anywhere") &&
		 strstr(r.err, "libgnu.a(unused.o)"),
		 "--whole-archive loads unused.o: %d %s", r.code, r.err);
	tu_result_free(&r);
	AR_CHECK(sh_ok("rm -f libwhole.a && ar rcs libwhole.a ctor.o chain.o"), "ar");
	r = objload("run cm.o --whole-archive libwhole.a --no-whole-archive libgnu.a libga.a libgb.a");
	AR_CHECK(r.code == 0 && strcmp(r.out, "whole: ctor ran\n42 1 2 70\n") == 0,
		 "--whole-archive constructor: %d '%s' %s", r.code, r.out, r.err);
	tu_result_free(&r);
	/* the API: whole archive on, then the member count */
	AR_CHECK(sh_ok("rm -f libwhole2.a && ar rcs libwhole2.a chain.o d1/x.o"), "ar");
	if (objload_session_new(&s) == OBJLOAD_OK) {
		char *p = tu_fmt("%s/libwhole2.a", ar_tmp);
		objload_archive_info ai = { 0 };
		objload_metrics m;

		objload_set_whole_archive(s, 1);
		AR_CHECK(objload_add_file(s, p) == OBJLOAD_OK, "%s", objload_errmsg(s));
		AR_CHECK(objload_link(s) == OBJLOAD_OK, "whole link: %s", objload_errmsg(s));
		objload_get_archive_info(s, 0, &ai);
		objload_get_metrics(s, &m);
		AR_CHECK(ai.whole && ai.loaded == 2 && m.archive_members == 2,
			 "whole: %zu loaded", ai.loaded);
		objload_session_free(s);
		free(p);
	}
}

static void test_thin(void)
{
	struct tu_result r;

	AR_CHECK(sh_ok("rm -f libthin.a && ar rcsT libthin.a " CORNER_MEMBERS " d1/x.o && "
		       "ar qT libthin.a d2/x.o && ar sT libthin.a"), "ar rcsT");
	r = objload("info libthin.a");
	AR_CHECK(strstr(r.out, "flavor: thin") != NULL, "info libthin.a: %s %s", r.out, r.err);
	tu_result_free(&r);
	corner_run("thin", "libthin.a");
	/* a thin archive's member that has gone: an I/O error naming it */
	AR_CHECK(sh_ok("mkdir -p thin2 && cp chain.o a_very_long_member_name_for_gnu_ar.o thin2/ && "
		       "rm -f thin2/lib.a && ar rcsT thin2/lib.a thin2/a_very_long_member_name_for_gnu_ar.o thin2/chain.o && "
		       "rm thin2/chain.o"), "thin2");
	r = objload("run cm.o thin2/lib.a libgnu.a libga.a libgb.a");
	AR_CHECK(r.code == 1 && strstr(r.err, "thin2/lib.a") && strstr(r.err, "chain.o"),
		 "missing thin member: %d %s", r.code, r.err);
	tu_result_free(&r);
}

static void test_bsd_darwin(void)
{
	static const char *const formats[] = { "bsd", "darwin" };

	if (!tu_have_tool("llvm-ar") && skip("llvm-ar is missing"))
		return;
	for (size_t i = 0; i < 2; i++) {
		char *cmd = tu_fmt("rm -f lib%s.a && llvm-ar --format=%s rcs lib%s.a " CORNER_MEMBERS
				" d1/x.o d2/x.o", formats[i], formats[i], formats[i]);
		char *a = tu_fmt("lib%s.a", formats[i]);
		char *info = tu_fmt("info %s", a);
		struct tu_result r;

		/* llvm-ar keeps both x.o when given in one command */
		AR_CHECK(sh_ok(cmd), "%s", cmd);
		r = objload(info);
		AR_CHECK(strstr(r.out, "flavor: bsd") && strstr(r.out, "index: yes"),
			 "%s: %s %s", info, r.out, r.err);
		tu_result_free(&r);
		corner_run(formats[i], a);
		free(cmd);
		free(a);
		free(info);
	}
}

static void test_no_index(void)
{
	struct tu_result r;

	/* a text member too: scanned, not an object, skipped */
	AR_CHECK(sh_ok("echo text > README.txt && rm -f libnoidx.a && "
		       "ar rcS libnoidx.a " CORNER_MEMBERS " d1/x.o d2/x.o README.txt"),
		 "ar rcS");
	r = objload("info libnoidx.a");
	AR_CHECK(strstr(r.out, "index: no") != NULL, "info libnoidx.a: %s %s", r.out, r.err);
	tu_result_free(&r);
	corner_run("no index", "libnoidx.a");
}

static void test_group_and_api(void)
{
	objload_session *s;
	char *p;

	if (objload_session_new(&s))
		return;
	p = tu_fmt("%s/cm.o", ar_tmp);
	AR_CHECK(objload_add_file(s, p) == OBJLOAD_OK, "%s", objload_errmsg(s));
	free(p);
	AR_CHECK(objload_add_search_dir(s, ar_tmp) == OBJLOAD_OK, "%s", objload_errmsg(s));
	AR_CHECK(objload_add_library(s, "-lgb") == OBJLOAD_OK, "-lgb: %s", objload_errmsg(s));
	AR_CHECK(objload_add_library(s, "ga") == OBJLOAD_OK, "ga: %s", objload_errmsg(s));
	AR_CHECK(objload_add_library(s, "-lgnu") == OBJLOAD_OK, "-lgnu: %s", objload_errmsg(s));
	if (AR_CHECK(objload_link(s) == OBJLOAD_OK, "group link: %s", objload_errmsg(s))) {
		objload_archive_info ai;
		objload_metrics m;
		void *fn = NULL;

		objload_get_metrics(s, &m);
		/* ga.o ga2.o gb.o, long-named + chain, both x.o */
		AR_CHECK(m.archive_members == 7, "members loaded: %" PRIu64, m.archive_members);
		objload_get_archive_info(s, 2, &ai);
		AR_CHECK(ai.loaded == 4 && ai.members == 6, "libgnu.a: %zu of %zu", ai.loaded, ai.members);
		AR_CHECK(objload_lookup(s, "group_a", &fn) == OBJLOAD_OK && fn &&
			 ((int (*)(void))fn)() == 70, "group_a()");
		AR_CHECK(objload_lookup(s, "unused_fun", &fn) != OBJLOAD_OK,
			 "unused_fun must not be loaded");
	}
	objload_session_free(s);
}

static void test_libs(void)
{
	struct tu_result r;

	AR_CHECK(sh_ok("mkdir -p ldir && rm -f ldir/libfoo.a && ar rcs ldir/libfoo.a " CORNER_MEMBERS
		       " d1/x.o && ar q ldir/libfoo.a d2/x.o && ar s ldir/libfoo.a && "
		       "cp libga.a libgb.a ldir/ && "
		       "printf '/* GNU ld script */\\nGROUP ( libfoo.a AS_NEEDED ( -lga ) -lgb )\\n' > ldir/libscript.so"),
		 "ldir");
	r = objload("run cm.o -Lldir -lfoo -lga -lgb");
	AR_CHECK(r.code == 0 && strcmp(r.out, "42 1 2 70\n") == 0, "-L -lfoo: %d '%s' %s",
		 r.code, r.out, r.err);
	tu_result_free(&r);
	r = objload("run --stats cm.o -L ldir -l script");
	AR_CHECK(r.code == 0 && strcmp(r.out, "42 1 2 70\n") == 0 &&
		 strstr(r.err, "archives 3"), "ld script: %d '%s' %s", r.code, r.out, r.err);
	tu_result_free(&r);
	r = objload("run cm.o -lnosuchlib_objload_test");
	AR_CHECK(r.code == 1 && strstr(r.err, "cannot find -lnosuchlib_objload_test"),
		 "missing -l: %d %s", r.code, r.err);
	tu_result_free(&r);
	r = objload("run cm.o -l");
	AR_CHECK(r.code == 2, "-l without a name: %d %s", r.code, r.err);
	tu_result_free(&r);
}

static void test_libc_atexit(void)
{
	char *drv = src("atexit/main.c");
	char *cmd = tu_fmt("gcc -O2 -c '%s' -o ax.o && gcc ax.o -o ax_native", drv);
	struct tu_result r;

	free(drv);
	if (!AR_CHECK(sh_ok(cmd), "building the atexit driver")) {
		free(cmd);
		return;
	}
	free(cmd);
	compare_native("ax_native", "run ax.o -lc");
	compare_native("ax_native", "run ax.o -lc -lm");
	r = objload("run --stats ax.o -lc");
	/* libc.so's script: libc.so.6 and libc_nonshared.a, whose atexit is
	 * objload's runtime helper's job */
	AR_CHECK(strstr(r.err, "archives 1") && strstr(r.err, "0 of"),
		 "-lc stats: %s", r.err);
	tu_result_free(&r);
}

/* main in an archive, as libgtest_main.a has it: the entry point is
 * wanted from the archives as ld's -u and --entry make it. */
static void test_main_in_archive(void)
{
	struct tu_result r;

	if (!AR_CHECK(sh_ok("printf 'int helper(void);\\nint main(void) { return helper() + 2; }\\n' > am.c && "
			    "printf 'int helper(void) { return 40; }\\n' > ah.c && "
			    "gcc -O2 -c am.c && gcc -O2 -c ah.c && rm -f libam.a && ar rcs libam.a am.o ah.o"),
		      "building libam.a"))
		return;
	r = objload("run libam.a");
	AR_CHECK(r.code == 42, "main found in libam.a: %d %s", r.code, r.err);
	tu_result_free(&r);
	r = objload("run --entry=helper libam.a");
	AR_CHECK(r.code == 40, "--entry=helper found in libam.a: %d %s", r.code, r.err);
	tu_result_free(&r);
}

static void test_other_arch(void)
{
	struct tu_result r;

	if (!tu_have_tool("clang") && skip("clang is missing"))
		return;
	if (!sh_ok("echo 'int chain_fun(void){return 41;}' > arm.c && "
		   "clang --target=aarch64-linux-gnu -O2 -c arm.c -o arm_chain.o 2>/dev/null && "
		   "rm -f libarm.a && ar rcs libarm.a arm_chain.o a_very_long_member_name_for_gnu_ar.o")) {
		skip("clang cannot build aarch64 objects");
		return;
	}
	r = objload("run cm.o libarm.a libgnu.a libga.a libgb.a");
	AR_CHECK(r.code == 1 && strstr(r.err, "libarm.a(arm_chain.o)") &&
		 strstr(r.err, "aarch64"), "aarch64 member: %d %s", r.code, r.err);
	tu_result_free(&r);
}

static void test_import_library(void)
{
	struct tu_result r;

	if ((!tu_have_tool("llvm-dlltool") || !tu_have_tool("clang")) &&
	    skip("llvm-dlltool or clang is missing"))
		return;
	if (!AR_CHECK(sh_ok("printf 'LIBRARY msvcrt.dll\\nEXPORTS\\nputs\\n' > imp.def && "
			    "llvm-dlltool -m i386:x86-64 -d imp.def -l imp.lib && "
			    "printf '__declspec(dllimport) int puts(const char *);\\n"
			    "int main(void){ puts(\"hello through an import\"); return 3; }\\n' > win.c && "
			    "clang --target=x86_64-pc-windows-msvc -O2 -c win.c -o win.obj"),
		      "building the import library"))
		return;
	r = objload("info imp.lib");
	AR_CHECK(strstr(r.out, " import") != NULL, "info imp.lib: %s %s", r.out, r.err);
	tu_result_free(&r);
	r = objload("run --stats win.obj imp.lib");
	AR_CHECK(r.code == 3 && strcmp(r.out, "hello through an import\n") == 0 &&
		 strstr(r.err, "imports left to the host 1"),
		 "import library: %d '%s' %s", r.code, r.out, r.err);
	tu_result_free(&r);
}

/* ---- thin archive member paths (issue 18, finding 10) ----------------------- */

/* Where a thin archive's members may be: inside the archive's directory by
 * default; relative paths anywhere with --thin-paths=relative; absolute
 * paths with --thin-paths=any.  GNU ar writes all three (a member outside
 * the archive's directory as "../dir/x.o", an absolute path as given). */
static void test_thin_paths(void)
{
	static const struct {
		const char *archive, *policy;
		int ok;
		const char *why;
	} cases[] = {
		{ "tp/sub/in.a", NULL, 1, NULL },
		{ "tp/sub/rel.a", NULL, 0, "leaves the archive's directory" },
		{ "tp/sub/rel.a", "--thin-paths=relative", 1, NULL },
		{ "tp/sub/abs.a", NULL, 0, "an absolute path" },
		{ "tp/sub/abs.a", "--thin-paths=relative", 0, "an absolute path" },
		{ "tp/sub/abs.a", "--thin-paths=any", 1, NULL },
		{ "tp/sub/sym.a", NULL, 0, "leaves the archive's directory" },
		{ "tp/sub/sym.a", "--thin-paths=relative", 1, NULL },
	};
	char *cmd = tu_fmt("rm -rf tp && mkdir -p tp/sub/in tp/sub/lnk tp/other && "
			"echo 'int tp_fn(void){return 5;}' > tp/tp.c && "
			"echo 'int tp_fn(void); int main(void){return tp_fn();}' > tp/main.c && "
			"gcc -O2 -c tp/main.c -o tp/main.o && gcc -O2 -c tp/tp.c -o tp/other/a.o && "
			"cp tp/other/a.o tp/sub/in/a.o && cp tp/other/a.o tp/sub/lnk/a.o && "
			"cd tp/sub && ar rcT in.a in/a.o && ar rcT rel.a ../other/a.o && "
			"ar rcT abs.a %s/tp/other/a.o && ar rcT sym.a lnk/a.o && "
			/* lnk becomes a symbolic link out of the directory */
			"rm -r lnk && ln -s ../other lnk && cd ../other && ar rcs libtp.a a.o",
			ar_tmp);
	objload_session *s;

	if (!AR_CHECK(sh_ok(cmd), "building thin archives with ar rcT")) {
		free(cmd);
		return;
	}
	free(cmd);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *args = tu_fmt("run %s tp/main.o %s", cases[i].policy ? cases[i].policy : "",
				 cases[i].archive);
		struct tu_result r = objload(args);

		if (cases[i].ok)
			AR_CHECK(r.code == 5, "`objload %s`: exit %d, %s", args, r.code, r.err);
		else
			AR_CHECK(r.code == 1 && strstr(r.err, cases[i].archive) &&
				 strstr(r.err, cases[i].why) && strstr(r.err, "--thin-paths="),
				 "`objload %s`: exit %d, want 1 and '%s': %s", args, r.code,
				 cases[i].why, r.err);
		tu_result_free(&r);
		free(args);
	}
	/* the API */
	if (objload_session_new(&s) == OBJLOAD_OK) {
		AR_CHECK(objload_set_thin_archive_policy(s, (objload_thin_policy)7) ==
			 OBJLOAD_ERR_ARGUMENT, "an unknown policy is refused");
		AR_CHECK(objload_set_thin_archive_policy(s, OBJLOAD_THIN_ANY) == OBJLOAD_OK,
			 "%s", objload_errmsg(s));
		objload_session_free(s);
	}
}

/* -l:FILE with a '/' is that path (issue 18, finding 11: the ':' was kept). */
static void test_l_colon_path(void)
{
	struct tu_result r = objload("run tp/main.o -l:tp/other/libtp.a");

	AR_CHECK(r.code == 5, "-l:tp/other/libtp.a: exit %d, %s", r.code, r.err);
	tu_result_free(&r);
	r = objload("run tp/main.o -Ltp/other -l:libtp.a");
	AR_CHECK(r.code == 5, "-Ltp/other -l:libtp.a: exit %d, %s", r.code, r.err);
	tu_result_free(&r);
}

/* ---- malformed archives ---------------------------------------------------- */

struct arbuf {
	unsigned char b[4096];
	size_t n;
};

static void ab_bytes(struct arbuf *a, const void *p, size_t n)
{
	memcpy(a->b + a->n, p, n);
	a->n += n;
}

/* A header with a raw size field (so tests can write non-decimal ones). */
static void ab_header(struct arbuf *a, const char *name, const char *size)
{
	char h[128];

	snprintf(h, sizeof(h), "%-16.16s%-12s%-6s%-6s%-8s%-10.10s`\n", name, "0", "0", "0",
		 "644", size);
	ab_bytes(a, h, 60);
}

static void ab_member(struct arbuf *a, const char *name, const void *data, size_t n)
{
	char size[16];

	snprintf(size, sizeof(size), "%zu", n);
	ab_header(a, name, size);
	ab_bytes(a, data, n);
	if (n & 1)
		ab_bytes(a, "\n", 1);
}

static void expect_bad(const char *what, const struct arbuf *a, objload_status want,
		       const char *needle1, const char *needle2)
{
	objload_session *s;
	objload_status st;
	const char *msg;

	if (objload_session_new(&s))
		return;
	st = objload_add_memory(s, "bad.a", a->b, a->n);
	if (st == OBJLOAD_OK) {
		char *obj = tu_fmt("%s/cm.o", ar_tmp);

		/* errors found when members load */
		objload_add_file(s, obj);
		free(obj);
		st = objload_link(s);
	}
	msg = objload_errmsg(s);
	AR_CHECK(st == want && strstr(msg, "bad.a") && (!needle1 || strstr(msg, needle1)) &&
		 (!needle2 || strstr(msg, needle2)),
		 "%s: status %s, message '%s'", what, objload_status_name(st), msg);
	objload_session_free(s);
}

static void test_malformed(void)
{
	struct arbuf a;
	unsigned char idx[32];

	a.n = 0;
	ab_bytes(&a, "!<arch>\n", 8);
	ab_header(&a, "short.o/", "100");
	ab_bytes(&a, "0123456789", 10);
	expect_bad("truncated member", &a, OBJLOAD_ERR_FORMAT, "short.o", "past the end");

	a.n = 0;
	ab_bytes(&a, "!<arch>\n", 8);
	ab_header(&a, "hex.o/", "12a");
	ab_bytes(&a, "0123456789abcdef", 16);
	expect_bad("size not decimal", &a, OBJLOAD_ERR_FORMAT, "hex.o", "not a decimal");

	a.n = 0;
	ab_bytes(&a, "!<arch>\n", 8);
	ab_member(&a, "ok.o/", "abc", 3);
	ab_header(&a, "past.o/", "4000000000");
	expect_bad("member past the end", &a, OBJLOAD_ERR_FORMAT, "past.o", "past the end");

	a.n = 0;
	ab_bytes(&a, "!<arch>\n", 8);
	ab_bytes(&a, "trunc.o/        0", 17);
	expect_bad("truncated header", &a, OBJLOAD_ERR_FORMAT, "truncated member header", NULL);

	a.n = 0;
	ab_bytes(&a, "!<arch>\n", 8);
	ab_header(&a, "fmag.o/", "2");
	a.b[a.n - 2] = 'x';
	ab_bytes(&a, "ab", 2);
	expect_bad("bad fmag", &a, OBJLOAD_ERR_FORMAT, "fmag.o", "terminator");

	/* index entry pointing past the end */
	a.n = 0;
	ab_bytes(&a, "!<arch>\n", 8);
	tu_put_be(idx, 4, 1);
	tu_put_be(idx + 4, 4, 0x100000);
	memcpy(idx + 8, "chain_fun\0", 10);
	ab_member(&a, "/", idx, 18);
	ab_member(&a, "m.o/", "xyz", 3);
	expect_bad("index offset past the end", &a, OBJLOAD_ERR_FORMAT, "chain_fun",
		   "past the end");

	/* index entry pointing into a member's bytes */
	tu_put_be(idx + 4, 4, 9);
	a.n = 0;
	ab_bytes(&a, "!<arch>\n", 8);
	ab_member(&a, "/", idx, 18);
	ab_member(&a, "m.o/", "xyz", 3);
	expect_bad("index offset not a header", &a, OBJLOAD_ERR_FORMAT, "chain_fun",
		   "not a member header");

	/* index count overflow */
	tu_put_be(idx, 4, 0x7fffffff);
	a.n = 0;
	ab_bytes(&a, "!<arch>\n", 8);
	ab_member(&a, "/", idx, 18);
	expect_bad("index count overflow", &a, OBJLOAD_ERR_FORMAT, "symbol index", "2147483647");

	/* /NNN without a long-name table, and outside it */
	a.n = 0;
	ab_bytes(&a, "!<arch>\n", 8);
	ab_member(&a, "/0", "abcd", 4);
	expect_bad("long name without table", &a, OBJLOAD_ERR_FORMAT, "/0", "long-name table");
	a.n = 0;
	ab_bytes(&a, "!<arch>\n", 8);
	ab_member(&a, "//", "long_name.o/\n", 13);
	ab_member(&a, "/99", "abcd", 4);
	expect_bad("long name outside table", &a, OBJLOAD_ERR_FORMAT, "/99", "long-name table");

	/* BSD: a name longer than the member */
	a.n = 0;
	ab_bytes(&a, "!<arch>\n", 8);
	ab_member(&a, "#1/50", "abcd", 4);
	expect_bad("BSD name past member", &a, OBJLOAD_ERR_FORMAT, "#1/50", "BSD name");

	/* a member the index names that is not an object, found at link time */
	tu_put_be(idx, 4, 1);
	tu_put_be(idx + 4, 4, 8 + 60 + 16);
	memcpy(idx + 8, "dup_one\0", 8);
	a.n = 0;
	ab_bytes(&a, "!<arch>\n", 8);
	ab_member(&a, "/", idx, 16);
	ab_member(&a, "text.o/", "not an object", 13);
	expect_bad("member not an object", &a, OBJLOAD_ERR_FORMAT, "text.o", "not an object");

	/* a good empty archive is fine */
	a.n = 0;
	ab_bytes(&a, "!<arch>\n", 8);
	{
		objload_session *s;

		if (objload_session_new(&s) == OBJLOAD_OK) {
			AR_CHECK(objload_add_memory(s, "empty.a", a.b, a.n) == OBJLOAD_OK &&
				 objload_archive_count(s) == 1, "empty archive: %s",
				 objload_errmsg(s));
			objload_session_free(s);
		}
	}
}

/* ---- suite ------------------------------------------------------------------ */

int objload_test_register_archive(void)
{
	CU_pSuite s = CU_add_suite("archive", suite_init, suite_clean);

	if (!s)
		return -1;
	if (!CU_add_test(s, "sqlite3 driver over libsqlite3.a", test_sqlite) ||
	    !CU_add_test(s, "zlib driver over libz.a, -lz", test_zlib) ||
	    !CU_add_test(s, "gnu ar: long and duplicate names, whole archive",
			 test_gnu_long_and_duplicate_names) ||
	    !CU_add_test(s, "thin archives", test_thin) ||
	    !CU_add_test(s, "llvm-ar bsd and darwin", test_bsd_darwin) ||
	    !CU_add_test(s, "archive without an index", test_no_index) ||
	    !CU_add_test(s, "archives needing each other, API", test_group_and_api) ||
	    !CU_add_test(s, "-L, -l, ld scripts", test_libs) ||
	    !CU_add_test(s, "-lc and atexit", test_libc_atexit) ||
	    !CU_add_test(s, "main defined in an archive member", test_main_in_archive) ||
	    !CU_add_test(s, "member of another arch", test_other_arch) ||
	    !CU_add_test(s, "Microsoft import library", test_import_library) ||
	    !CU_add_test(s, "malformed archives", test_malformed) ||
	    !CU_add_test(s, "thin archive member paths", test_thin_paths) ||
	    !CU_add_test(s, "-l:FILE with a path", test_l_colon_path))
		return -1;
	return 0;
}
