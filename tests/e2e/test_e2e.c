/* SPDX-License-Identifier: MIT */
/*
 * End-to-end tests: real C programs built natively and run under objload.
 *
 * Every directory in tests/programs/ is one program (see the README there).
 * For each program, compiler and flag set the sources are compiled once into
 * a temporary directory; a native executable linked from those objects is the
 * reference, and `objload run --strategy=whole` and `--strategy=section` on
 * the same objects must reproduce its stdout, stderr and exit status exactly.
 * One CUnit test per program loops over the compilers and flag sets, and
 * every failure names program, compiler, flags and strategy.
 *
 * A second group checks the error paths of `objload run`: an undefined
 * symbol (tests/programs-bad/undefined/), a garbage file and a missing file.
 *
 * Children run with stdin from /dev/null and stdout/stderr in files, in their
 * own process group, and are killed after a time limit.
 *
 * OBJLOAD_TEST_SRCDIR (the tests/ source directory) and OBJLOAD_BIN (the
 * objload binary) are compile-time defaults; the environment variables of
 * the same names override them.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "tests/tests.h"
#include "tests/util.h"

/* Seconds before a child is killed: programs under test, and build steps. */
#define E2E_RUN_TIMEOUT 20
#define E2E_BUILD_TIMEOUT 120

#define E2E_MAX_PROGRAMS 32

static const char *const e2e_compilers[] = { "gcc", "clang" };

static const struct e2e_flagset {
	const char *label;
	const char *cflags[3]; /* NULL-terminated */
	const char *ldflags[2];
} e2e_flagsets[] = {
	{ .label = "-O0", .cflags = { "-O0" } },
	{ .label = "-O2", .cflags = { "-O2" } },
	{ .label = "-O2 -fPIC", .cflags = { "-O2", "-fPIC" } },
	{ .label = "-O2 -fno-pic", .cflags = { "-O2", "-fno-pic" },
	  .ldflags = { "-no-pie" } },
	{ .label = "-O0 -mcmodel=large", .cflags = { "-O0", "-mcmodel=large" } },
};

static const char *const e2e_strategies[] = { "whole", "section" };

#define E2E_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- files --------------------------------------------------------------- */

/* Lines of a text file (without their '\n'); an absent file gives none. */
static int e2e_read_lines(const char *path, struct tu_strv *out)
{
	size_t len;
	char *text = tu_read_text(path, &len);
	if (!text)
		return errno == ENOENT ? 0 : -1;
	char *line = text;
	while (line < text + len) {
		char *nl = memchr(line, '\n', (size_t)(text + len - line));
		char *end = nl ? nl : text + len;
		*end = '\0';
		tu_strv_push(out, line);
		line = end + 1;
	}
	free(text);
	return 0;
}

/* ---- configuration -------------------------------------------------------- */

static const char *e2e_srcdir;     /* absolute where possible */
static const char *e2e_objload;

static void e2e_config(void)
{
	e2e_srcdir = tu_srcdir();
	e2e_objload = tu_objload_bin();
}

/* ---- failure reports ------------------------------------------------------ */

/* Records a CUnit failure with a formatted message (CUnit copies it) and
 * prints the message to stderr as well, where long ones stay readable. */
#define E2E_FAIL(...) tu_check_at("e2e", __FILE__, __LINE__, 0, __VA_ARGS__)
#define E2E_PASS(what) CU_assertImplementation(CU_TRUE, __LINE__, what, \
					       __FILE__, "", CU_FALSE)

/* ---- child processes ------------------------------------------------------ */

/* Runs argv to completion in dir, output through dir/TAG.out and dir/TAG.err. */
static void e2e_run(char *const argv[], const char *dir, const char *tag,
		    int timeout, struct tu_result *o)
{
	char *stem = tu_fmt("%s/%s", dir, tag);

	tu_run(argv, dir, stem, timeout, o);
	free(stem);
}

/* The first line of text, at most max bytes, for messages. */
static int e2e_line_len(const char *s, size_t len, int max)
{
	const char *nl = memchr(s, '\n', len);
	size_t n = nl ? (size_t)(nl - s) : len;
	return (int)(n < (size_t)max ? n : (size_t)max);
}

/* ---- programs ------------------------------------------------------------- */

/*
 * A directory of tests/programs/:
 *   *.c      the sources, compiled each to an object, in name order;
 *   args     command-line arguments, one per line;
 *   cflags   extra compiler flags (whitespace-separated);
 *   ldlibs   extra flags for the native link only (e.g. -lz);
 *   archive  an archive path, then member names, one per line: the members
 *            are extracted with `ar x` and loaded after the objects, in
 *            place of what the native link takes from ldlibs.
 */
struct e2e_program {
	char *name;
	char *dir;
	struct tu_strv sources, args, cflags, ldlibs, members;
	char *archive;
};

static struct e2e_program *e2e_programs[E2E_MAX_PROGRAMS];
static size_t e2e_nprograms;
static char e2e_discovery_error[512];

static int e2e_is_c_source(const char *name)
{
	size_t n = strlen(name);
	return n > 2 && name[0] != '.' && strcmp(name + n - 2, ".c") == 0;
}

/* The sorted *.c files of dir, as paths; -1 when dir cannot be read. */
static int e2e_list_sources(const char *dir, struct tu_strv *out)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct tu_strv names = { 0 };

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (e2e_is_c_source(de->d_name))
			tu_strv_push(&names, de->d_name);
	closedir(d);
	tu_strv_sort(&names);
	for (size_t i = 0; i < names.n; i++) {
		char *p = tu_fmt("%s/%s", dir, names.v[i]);
		tu_strv_push(out, p);
		free(p);
	}
	tu_strv_free(&names);
	return 0;
}

static struct e2e_program *e2e_load_program(const char *dir, const char *name)
{
	struct e2e_program *p = calloc(1, sizeof(*p));
	struct tu_strv archive = { 0 };
	char *f;
	int bad = 0;

	if (!p)
		tu_oom();
	p->name = tu_strdup(name);
	p->dir = tu_fmt("%s/%s", dir, name);
	bad |= e2e_list_sources(p->dir, &p->sources);
	f = tu_fmt("%s/%s", p->dir, "args");
	bad |= e2e_read_lines(f, &p->args);
	free(f);
	f = tu_fmt("%s/%s", p->dir, "cflags");
	bad |= tu_read_words(f, &p->cflags);
	free(f);
	f = tu_fmt("%s/%s", p->dir, "ldlibs");
	bad |= tu_read_words(f, &p->ldlibs);
	free(f);
	f = tu_fmt("%s/%s", p->dir, "archive");
	bad |= tu_read_words(f, &archive);
	free(f);
	if (archive.n) {
		p->archive = tu_strdup(archive.v[0]);
		for (size_t i = 1; i < archive.n; i++)
			tu_strv_push(&p->members, archive.v[i]);
	}
	tu_strv_free(&archive);
	if ((bad || !p->sources.n) && !e2e_discovery_error[0])
		snprintf(e2e_discovery_error, sizeof(e2e_discovery_error),
			 "program %s: cannot read its files, or no .c files",
			 p->dir);
	return p;
}

/* Fills e2e_programs from OBJLOAD_TEST_SRCDIR/programs, sorted by name. */
static void e2e_discover(void)
{
	char *dir = tu_fmt("%s/%s", e2e_srcdir, "programs");
	struct tu_strv names = { 0 };
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d) {
		snprintf(e2e_discovery_error, sizeof(e2e_discovery_error),
			 "cannot open %s: %s (set OBJLOAD_TEST_SRCDIR)", dir,
			 strerror(errno));
		free(dir);
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;
		char *p;
		if (de->d_name[0] == '.')
			continue;
		p = tu_fmt("%s/%s", dir, de->d_name);
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			tu_strv_push(&names, de->d_name);
		free(p);
	}
	closedir(d);
	tu_strv_sort(&names);
	if (names.n > E2E_MAX_PROGRAMS)
		snprintf(e2e_discovery_error, sizeof(e2e_discovery_error),
			 "%zu programs in %s, at most %d are run: raise "
			 "E2E_MAX_PROGRAMS", names.n, dir, E2E_MAX_PROGRAMS);
	else if (names.n == 0)
		snprintf(e2e_discovery_error, sizeof(e2e_discovery_error),
			 "no programs in %s", dir);
	for (size_t i = 0; i < names.n && i < E2E_MAX_PROGRAMS; i++)
		e2e_programs[e2e_nprograms++] = e2e_load_program(dir, names.v[i]);
	tu_strv_free(&names);
	free(dir);
}

/* ---- building ------------------------------------------------------------- */

/* Runs a build step; on failure records it with its first stderr line. */
static int e2e_build_step(char *const argv[], const char *dir, const char *tag,
			  const char *context)
{
	struct tu_result o;
	char cmd[1024];
	int ok;

	e2e_run(argv, dir, tag, E2E_BUILD_TIMEOUT, &o);
	ok = o.exited && o.code == 0;
	if (!ok) {
		tu_argv_str((const char *const *)argv, cmd, sizeof(cmd));
		E2E_FAIL("%s: `%s` failed: %s: %.*s", context, cmd, o.what,
			 e2e_line_len(o.err, o.errlen, 400), o.err);
	}
	tu_result_free(&o);
	return ok;
}

/* Compiles all sources of p in parallel; objects go to objs. */
static int e2e_compile(const struct e2e_program *p, const char *cc,
		       const struct e2e_flagset *fs, const char *dir,
		       struct tu_strv *objs, const char *context)
{
	struct tu_strv flags = { 0 }, failures = { 0 };
	char *inc = tu_fmt("-I%s", p->dir);
	int ok;

	tu_strv_push(&flags, "-std=gnu11");
	tu_strv_push(&flags, "-Wall");
	tu_strv_push(&flags, "-Wextra");
	for (int k = 0; fs->cflags[k]; k++)
		tu_strv_push(&flags, fs->cflags[k]);
	tu_strv_pushv(&flags, &p->cflags);
	tu_strv_push(&flags, inc);
	ok = tu_compile(cc, &flags, (const char *const *)p->sources.v, p->sources.n, dir,
			E2E_BUILD_TIMEOUT, objs, &failures);
	for (size_t i = 0; i < failures.n; i++)
		E2E_FAIL("%s: compiling failed: %s", context, failures.v[i]);
	tu_strv_free(&failures);
	tu_strv_free(&flags);
	free(inc);
	return ok;
}

/* ---- comparing ------------------------------------------------------------ */

/* Reports where two outputs first differ; returns 1 when they are equal. */
static int e2e_same_text(const char *what, const char *a, size_t alen,
			 const char *b, size_t blen, const char *context)
{
	size_t i = 0, line_start = 0;
	int line = 1;

	if (alen == blen && memcmp(a, b, alen) == 0)
		return 1;
	while (i < alen && i < blen && a[i] == b[i]) {
		if (a[i] == '\n') {
			line++;
			line_start = i + 1;
		}
		i++;
	}
	const char *la = a + line_start, *lb = b + line_start;
	size_t ra = alen - line_start, rb = blen - line_start;
	E2E_FAIL("%s: %s differs at line %d (byte %zu; native %zu bytes, "
		 "objload %zu bytes):\n    native:  %s\"%.*s\"\n    objload: "
		 "%s\"%.*s\"",
		 context, what, line, i, alen, blen, ra ? "" : "(end) ",
		 e2e_line_len(la, ra, 300), la, rb ? "" : "(end) ",
		 e2e_line_len(lb, rb, 300), lb);
	return 0;
}

static void e2e_compare(const struct tu_result *native,
			const struct tu_result *loaded, const char *context)
{
	int ok = 1;

	if (!tu_same_end(native, loaded)) {
		E2E_FAIL("%s: native %s, objload %s; objload stderr: %.*s", context,
			 native->what, loaded->what,
			 e2e_line_len(loaded->err, loaded->errlen, 400),
			 loaded->err);
		ok = 0;
	}
	ok &= e2e_same_text("stdout", native->out, native->outlen, loaded->out,
			    loaded->outlen, context);
	ok &= e2e_same_text("stderr", native->err, native->errlen, loaded->err,
			    loaded->errlen, context);
	if (ok)
		E2E_PASS("objload run matches the native run");
}

/* ---- one program, all combinations ----------------------------------------- */

/* Extracts the program's archive members into a new directory; NULL on
 * failure (recorded).  The members' paths are appended to paths. */
static char *e2e_extract(const struct e2e_program *p, struct tu_strv *paths)
{
	struct tu_strv argv = { 0 };
	char context[256];
	char *dir = tu_mkdtemp(p->name);

	snprintf(context, sizeof(context), "%s: archive %s", p->name, p->archive);
	if (!dir) {
		E2E_FAIL("%s: mkdtemp: %s", context, strerror(errno));
		return NULL;
	}
	tu_strv_push(&argv, "ar");
	tu_strv_push(&argv, "x");
	tu_strv_push(&argv, p->archive);
	tu_strv_pushv(&argv, &p->members);
	if (!e2e_build_step(argv.v, dir, "ar", context)) {
		tu_strv_free(&argv);
		tu_rm_rf(dir);
		free(dir);
		return NULL;
	}
	tu_strv_free(&argv);
	for (size_t i = 0; i < p->members.n; i++) {
		char *m = tu_fmt("%s/%s", dir, p->members.v[i]);
		if (access(m, R_OK) != 0)
			E2E_FAIL("%s: member %s not extracted", context,
				 p->members.v[i]);
		tu_strv_push(paths, m);
		free(m);
	}
	return dir;
}

/*
 * A hung loader would cost E2E_RUN_TIMEOUT for every combination: after a
 * timeout the program's remaining runs with that strategy are failed without
 * running, and after E2E_MAX_TIMEOUTS timeouts in all, every later run.
 */
#define E2E_MAX_TIMEOUTS 4
static int e2e_timeouts;

static void e2e_run_combo(const struct e2e_program *p, const char *cc,
			  const struct e2e_flagset *fs,
			  const struct tu_strv *extra_objs,
			  int timed_out[])
{
	struct tu_strv objs = { 0 }, argv = { 0 };
	struct tu_result native;
	char context[256];
	char *dir = tu_mkdtemp(p->name);
	char *exe;

	snprintf(context, sizeof(context), "program %s, %s %s", p->name, cc,
		 fs->label);
	if (!dir) {
		E2E_FAIL("%s: mkdtemp: %s", context, strerror(errno));
		return;
	}
	if (!e2e_compile(p, cc, fs, dir, &objs, context))
		goto out;

	/* The native reference, linked by the same compiler. */
	exe = tu_fmt("%s/%s", dir, "native");
	tu_strv_push(&argv, cc);
	for (int k = 0; fs->ldflags[k]; k++)
		tu_strv_push(&argv, fs->ldflags[k]);
	tu_strv_push(&argv, "-o");
	tu_strv_push(&argv, exe);
	tu_strv_pushv(&argv, &objs);
	tu_strv_pushv(&argv, &p->ldlibs);
	tu_strv_push(&argv, "-lm");
	if (!e2e_build_step(argv.v, dir, "link", context)) {
		free(exe);
		goto out;
	}
	tu_strv_free(&argv);
	tu_strv_push(&argv, exe);
	tu_strv_pushv(&argv, &p->args);
	free(exe);
	e2e_run(argv.v, dir, "native", E2E_RUN_TIMEOUT, &native);
	if (native.code == -1) {
		E2E_FAIL("%s: the native reference %s",
			 context, native.what);
		tu_result_free(&native);
		goto out;
	}

	for (size_t s = 0; s < E2E_COUNT(e2e_strategies); s++) {
		struct tu_result loaded;
		char strategy[64], ctx[sizeof(context) + sizeof(strategy) + 2];

		snprintf(strategy, sizeof(strategy), "--strategy=%s",
			 e2e_strategies[s]);
		snprintf(ctx, sizeof(ctx), "%s, %s", context, strategy);
		if (timed_out[s] || e2e_timeouts >= E2E_MAX_TIMEOUTS) {
			E2E_FAIL("%s: not run, %s", ctx, timed_out[s] ?
				 "an earlier run of this program and strategy "
				 "timed out" : "too many runs timed out");
			continue;
		}
		tu_strv_free(&argv);
		tu_strv_push(&argv, e2e_objload);
		tu_strv_push(&argv, "run");
		tu_strv_push(&argv, strategy);
		tu_strv_pushv(&argv, &objs);
		tu_strv_pushv(&argv, extra_objs);
		if (p->args.n) {
			tu_strv_push(&argv, "--");
			tu_strv_pushv(&argv, &p->args);
		}
		e2e_run(argv.v, dir, e2e_strategies[s], E2E_RUN_TIMEOUT, &loaded);
		if (loaded.timed_out) {
			timed_out[s] = 1;
			e2e_timeouts++;
		}
		e2e_compare(&native, &loaded, ctx);
		tu_result_free(&loaded);
	}
	tu_result_free(&native);
out:
	tu_strv_free(&argv);
	tu_strv_free(&objs);
	tu_rm_rf(dir);
	free(dir);
}

static void e2e_run_program(size_t index)
{
	const struct e2e_program *p;
	struct tu_strv extra = { 0 };
	char *archive_dir = NULL;
	int timed_out[E2E_COUNT(e2e_strategies)] = { 0 };

	if (index >= e2e_nprograms) {
		E2E_FAIL("no program in slot %zu", index);
		return;
	}
	p = e2e_programs[index];
	if (p->archive) {
		archive_dir = e2e_extract(p, &extra);
		if (!archive_dir)
			return;
	}
	for (size_t c = 0; c < E2E_COUNT(e2e_compilers); c++)
		for (size_t f = 0; f < E2E_COUNT(e2e_flagsets); f++)
			e2e_run_combo(p, e2e_compilers[c], &e2e_flagsets[f], &extra,
				      timed_out);
	tu_strv_free(&extra);
	if (archive_dir) {
		tu_rm_rf(archive_dir);
		free(archive_dir);
	}
}

/* CUnit tests take no arguments: one trampoline per program slot. */
#define E2E_SLOTS(X) \
	X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) \
	X(12) X(13) X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) \
	X(23) X(24) X(25) X(26) X(27) X(28) X(29) X(30) X(31)
#define E2E_SLOT_FN(i) \
	static void e2e_slot_##i(void) { e2e_run_program(i); }
#define E2E_SLOT_REF(i) e2e_slot_##i,
E2E_SLOTS(E2E_SLOT_FN)
static void (*const e2e_slot_fns[])(void) = { E2E_SLOTS(E2E_SLOT_REF) };

static void e2e_test_discovery(void)
{
	if (e2e_discovery_error[0])
		E2E_FAIL("%s", e2e_discovery_error);
	else
		E2E_PASS("test programs found");
}

/* ---- error paths ----------------------------------------------------------- */

/* Runs `objload run [opt] files...` in dir, expecting a load error: exit
 * status 1, nothing on stdout (main must not have run), and stderr that
 * mentions `mention` and, if prefix is set, starts with it. */
static void e2e_expect_error(const char *dir, const char *opt,
			     const char *const files[], const char *mention,
			     const char *prefix, const char *context)
{
	struct tu_strv argv = { 0 };
	struct tu_result o;
	char ctx[512];

	snprintf(ctx, sizeof(ctx), "%s%s%s", context, opt ? ", " : "",
		 opt ? opt : "");
	tu_strv_push(&argv, e2e_objload);
	tu_strv_push(&argv, "run");
	if (opt)
		tu_strv_push(&argv, opt);
	for (int i = 0; files[i]; i++)
		tu_strv_push(&argv, files[i]);
	e2e_run(argv.v, dir, "objload", E2E_RUN_TIMEOUT, &o);
	tu_strv_free(&argv);

	int ok = 1;
	if (!o.exited || o.code != 1) {
		E2E_FAIL("%s: expected exit status 1, got %s; stderr: %.*s", ctx,
			 o.what,
			 e2e_line_len(o.err, o.errlen, 400), o.err);
		ok = 0;
	}
	if (!strstr(o.err, mention)) {
		E2E_FAIL("%s: stderr does not mention \"%s\": \"%.*s\"", ctx,
			 mention, e2e_line_len(o.err, o.errlen, 400), o.err);
		ok = 0;
	}
	if (prefix && strncmp(o.err, prefix, strlen(prefix)) != 0) {
		E2E_FAIL("%s: stderr does not start with \"%s\": \"%.*s\"", ctx,
			 prefix, e2e_line_len(o.err, o.errlen, 400), o.err);
		ok = 0;
	}
	if (o.outlen) {
		E2E_FAIL("%s: expected no output on stdout, got \"%.*s\"", ctx,
			 e2e_line_len(o.out, o.outlen, 400), o.out);
		ok = 0;
	}
	if (ok)
		E2E_PASS("objload run failed as expected");
	tu_result_free(&o);
}

static const char *const e2e_error_opts[] = {
	NULL, "--strategy=whole", "--strategy=section",
};

static void e2e_test_undefined(void)
{
	struct tu_strv argv = { 0 };
	char *dir = tu_mkdtemp("undefined");
	char *src, *obj;

	if (!dir) {
		E2E_FAIL("undefined symbol: mkdtemp: %s", strerror(errno));
		return;
	}
	src = tu_fmt("%s/%s", e2e_srcdir, "programs-bad/undefined/main.c");
	obj = tu_fmt("%s/%s", dir, "undefined.o");
	tu_strv_push(&argv, "gcc");
	tu_strv_push(&argv, "-O2");
	tu_strv_push(&argv, "-c");
	tu_strv_push(&argv, src);
	tu_strv_push(&argv, "-o");
	tu_strv_push(&argv, obj);
	if (e2e_build_step(argv.v, dir, "cc", "undefined symbol")) {
		const char *files[] = { obj, NULL };
		for (size_t i = 0; i < E2E_COUNT(e2e_error_opts); i++)
			e2e_expect_error(dir, e2e_error_opts[i], files,
					 "not_defined_anywhere", NULL,
					 "undefined symbol");
	}
	tu_strv_free(&argv);
	free(src);
	free(obj);
	tu_rm_rf(dir);
	free(dir);
}

/* Deterministic noise: xorshift32 from a fixed seed. */
static void e2e_noise(unsigned char *buf, size_t len, uint32_t seed)
{
	for (size_t i = 0; i < len; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		buf[i] = (unsigned char)(seed >> 11);
	}
}

static void e2e_test_garbage(void)
{
	static const unsigned char elf_ident[] = {
		0x7f, 'E', 'L', 'F', 2 /* 64-bit */, 1 /* LSB */, 1 /* v1 */,
	};
	unsigned char buf[4096];
	char *dir = tu_mkdtemp("garbage");

	if (!dir) {
		E2E_FAIL("garbage file: mkdtemp: %s", strerror(errno));
		return;
	}
	/* Plain noise, noise behind a valid ELF identification, and nothing. */
	const struct {
		const char *name;
		size_t len;
		int elf;
	} cases[] = {
		{ "garbage.o", sizeof(buf), 0 },
		{ "garbage-elf.o", sizeof(buf), 1 },
		{ "short-elf.o", 40, 1 },
		{ "empty.o", 0, 0 },
	};
	for (size_t c = 0; c < E2E_COUNT(cases); c++) {
		char *path = tu_fmt("%s/%s", dir, cases[c].name);
		char context[128];

		e2e_noise(buf, sizeof(buf), 0x2545f491u + (uint32_t)c);
		if (cases[c].elf)
			memcpy(buf, elf_ident, sizeof(elf_ident));
		if (tu_write_file(path, buf, cases[c].len) != 0) {
			E2E_FAIL("garbage file: cannot write %s: %s", path,
				 strerror(errno));
			free(path);
			continue;
		}
		snprintf(context, sizeof(context), "garbage file %s (%zu bytes)",
			 cases[c].name, cases[c].len);
		const char *files[] = { path, NULL };
		for (size_t i = 0; i < E2E_COUNT(e2e_error_opts); i++)
			e2e_expect_error(dir, e2e_error_opts[i], files, path,
					 "objload: ", context);
		free(path);
	}
	tu_rm_rf(dir);
	free(dir);
}

static void e2e_test_missing(void)
{
	char *dir = tu_mkdtemp("missing");

	if (!dir) {
		E2E_FAIL("missing file: mkdtemp: %s", strerror(errno));
		return;
	}
	char *path = tu_fmt("%s/%s", dir, "does-not-exist.o");
	const char *files[] = { path, NULL };
	for (size_t i = 0; i < E2E_COUNT(e2e_error_opts); i++)
		e2e_expect_error(dir, e2e_error_opts[i], files, path, "objload: ",
				 "missing file");
	free(path);
	tu_rm_rf(dir);
	free(dir);
}

/* ---- registration ---------------------------------------------------------- */

int objload_test_register_e2e(void)
{
	CU_pSuite suite = CU_add_suite("e2e", NULL, NULL);
	char name[128];

	if (!suite)
		return -1;
	e2e_config();
	if (!e2e_nprograms && !e2e_discovery_error[0])
		e2e_discover();
	if (!CU_add_test(suite, "test programs present", e2e_test_discovery))
		return -1;
	for (size_t i = 0; i < e2e_nprograms; i++) {
		snprintf(name, sizeof(name), "program %s", e2e_programs[i]->name);
		/* CUnit keeps its own copy of the name. */
		if (!CU_add_test(suite, name, e2e_slot_fns[i]))
			return -1;
	}
	if (!CU_add_test(suite, "error: undefined symbol", e2e_test_undefined) ||
	    !CU_add_test(suite, "error: garbage file", e2e_test_garbage) ||
	    !CU_add_test(suite, "error: missing file", e2e_test_missing))
		return -1;
	return 0;
}
