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
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "tests/tests.h"

#ifndef OBJLOAD_TEST_SRCDIR
#define OBJLOAD_TEST_SRCDIR "tests"
#endif
#ifndef OBJLOAD_BIN
#define OBJLOAD_BIN "./objload"
#endif

extern char **environ;

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

/* ---- string vectors ------------------------------------------------------ */

/* A NULL-terminated vector of owned strings, usable as an argv. */
struct e2e_strv {
	char **v;
	size_t n, cap;
};

__attribute__((noreturn)) static void e2e_oom(void)
{
	fprintf(stderr, "test_e2e: out of memory\n");
	abort();
}

static char *e2e_strdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		e2e_oom();
	return d;
}

static void e2e_strv_push(struct e2e_strv *sv, const char *s)
{
	if (sv->n + 2 > sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 16;
		char **v = realloc(sv->v, cap * sizeof(*v));
		if (!v)
			e2e_oom();
		sv->v = v;
		sv->cap = cap;
	}
	sv->v[sv->n++] = e2e_strdup(s);
	sv->v[sv->n] = NULL;
}

static void e2e_strv_pushv(struct e2e_strv *sv, const struct e2e_strv *from)
{
	for (size_t i = 0; i < from->n; i++)
		e2e_strv_push(sv, from->v[i]);
}

static void e2e_strv_free(struct e2e_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

static char *e2e_path(const char *dir, const char *name)
{
	char *p;
	if (asprintf(&p, "%s/%s", dir, name) < 0)
		e2e_oom();
	return p;
}

/* ---- files --------------------------------------------------------------- */

/* The whole file, NUL-terminated; NULL (errno set) when it cannot be read. */
static char *e2e_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			char *grown = realloc(buf, cap + 1);
			if (!grown)
				e2e_oom();
			buf = grown;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static int e2e_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t put = fwrite(data, 1, len, f);
	return fclose(f) == 0 && put == len ? 0 : -1;
}

/* Lines of a text file (without their '\n'); an absent file gives none. */
static int e2e_read_lines(const char *path, struct e2e_strv *out)
{
	size_t len;
	char *text = e2e_read_file(path, &len);
	if (!text)
		return errno == ENOENT ? 0 : -1;
	char *line = text;
	while (line < text + len) {
		char *nl = memchr(line, '\n', (size_t)(text + len - line));
		char *end = nl ? nl : text + len;
		*end = '\0';
		e2e_strv_push(out, line);
		line = end + 1;
	}
	free(text);
	return 0;
}

/* Whitespace-separated words of a text file; an absent file gives none. */
static int e2e_read_words(const char *path, struct e2e_strv *out)
{
	char *text = e2e_read_file(path, NULL);
	if (!text)
		return errno == ENOENT ? 0 : -1;
	for (char *save, *w = strtok_r(text, " \t\r\n", &save); w;
	     w = strtok_r(NULL, " \t\r\n", &save))
		e2e_strv_push(out, w);
	free(text);
	return 0;
}

static int e2e_rm_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) ? -1 : 0;
}

static void e2e_rm_rf(const char *dir)
{
	if (dir && nftw(dir, e2e_rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "test_e2e: cannot remove %s: %s\n", dir,
			strerror(errno));
}

/* A new directory $TMPDIR/objload-e2e-TAG-XXXXXX; NULL with errno set. */
static char *e2e_mkdtemp(const char *tag)
{
	const char *base = getenv("TMPDIR");
	char *tmpl;

	if (!base || !*base)
		base = "/tmp";
	if (asprintf(&tmpl, "%s/objload-e2e-%s-XXXXXX", base, tag) < 0)
		e2e_oom();
	if (!mkdtemp(tmpl)) {
		free(tmpl);
		return NULL;
	}
	return tmpl;
}

/* ---- configuration -------------------------------------------------------- */

static char *e2e_srcdir;     /* absolute where possible */
static char *e2e_objload;

static void e2e_config(void)
{
	char buf[PATH_MAX];
	const char *s;

	if (e2e_srcdir)
		return;
	s = getenv("OBJLOAD_TEST_SRCDIR");
	if (!s || !*s)
		s = OBJLOAD_TEST_SRCDIR;
	e2e_srcdir = e2e_strdup(realpath(s, buf) ? buf : s);

	/* Children run in temporary directories, so make a relative path to
	 * the binary absolute; a bare name is left to the PATH search. */
	s = getenv("OBJLOAD_BIN");
	if (!s || !*s)
		s = OBJLOAD_BIN;
	e2e_objload = e2e_strdup(strchr(s, '/') && realpath(s, buf) ? buf : s);
}

/* ---- failure reports ------------------------------------------------------ */

/* Records a CUnit failure with a formatted message (CUnit copies it) and
 * prints the message to stderr as well, where long ones stay readable. */
__attribute__((format(printf, 2, 3)))
static void e2e_fail_at(unsigned line, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ne2e FAILED: %s\n", msg);
	CU_assertImplementation(CU_FALSE, line, msg, __FILE__, "", CU_FALSE);
}

#define E2E_FAIL(...) e2e_fail_at(__LINE__, __VA_ARGS__)
#define E2E_PASS(what) CU_assertImplementation(CU_TRUE, __LINE__, what, \
					       __FILE__, "", CU_FALSE)

/* ---- child processes ------------------------------------------------------ */

enum e2e_end { E2E_EXITED, E2E_SIGNALED, E2E_TIMEOUT, E2E_NOSTART };

struct e2e_status {
	enum e2e_end end;
	int code;      /* exit status, signal number or errno */
};

static const char *e2e_status_str(const struct e2e_status *st, char *buf,
				  size_t len)
{
	switch (st->end) {
	case E2E_EXITED:
		snprintf(buf, len, "exit status %d", st->code);
		break;
	case E2E_SIGNALED:
		snprintf(buf, len, "killed by signal %d (%s)", st->code,
			 strsignal(st->code));
		break;
	case E2E_TIMEOUT:
		snprintf(buf, len, "timed out (killed after %d s)", st->code);
		break;
	case E2E_NOSTART:
		snprintf(buf, len, "could not start: %s", strerror(st->code));
		break;
	}
	return buf;
}

static int e2e_status_eq(const struct e2e_status *a, const struct e2e_status *b)
{
	return a->end == b->end && a->code == b->code;
}

/*
 * Starts argv (PATH search) in cwd, stdin from /dev/null, stdout and stderr
 * into the named files, in a process group of its own.  Returns the pid, or
 * -1 with *err set to the error number.
 */
static pid_t e2e_spawn(char *const argv[], const char *cwd, const char *out,
		       const char *errfile, int *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	pid_t pid = -1;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!rc)
		rc = posix_spawn_file_actions_addopen(
			&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (!rc)
		rc = posix_spawn_file_actions_addopen(
			&fa, 2, errfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (!rc && cwd)
		rc = posix_spawn_file_actions_addchdir_np(&fa, cwd);
	if (!rc)
		rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc) {
		*err = rc;
		return -1;
	}
	return pid;
}

static void e2e_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Waits for pid; after timeout seconds kills its process group. */
static struct e2e_status e2e_wait(pid_t pid, int timeout)
{
	struct e2e_status st = { E2E_NOSTART, ECHILD };
	struct timespec start, now;
	long delay = 1;
	int ws;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		pid_t r = waitpid(pid, &ws, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return st;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= timeout) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
				;
			st.end = E2E_TIMEOUT;
			st.code = timeout;
			return st;
		}
		e2e_sleep_ms(delay);
		if (delay < 16)
			delay *= 2;
	}
	/* Leftover grandchildren of a finished child are of no use. */
	kill(-pid, SIGKILL);
	if (WIFEXITED(ws)) {
		st.end = E2E_EXITED;
		st.code = WEXITSTATUS(ws);
	} else {
		st.end = E2E_SIGNALED;
		st.code = WTERMSIG(ws);
	}
	return st;
}

/* What one run produced. */
struct e2e_output {
	struct e2e_status status;
	char *out, *err;
	size_t outlen, errlen;
};

static void e2e_output_free(struct e2e_output *o)
{
	free(o->out);
	free(o->err);
	o->out = o->err = NULL;
}

/* Runs argv to completion in dir, output in dir/TAG.out and dir/TAG.err. */
static void e2e_run(char *const argv[], const char *dir, const char *tag,
		    int timeout, struct e2e_output *o)
{
	char *out, *err;
	int spawn_err = 0;

	memset(o, 0, sizeof(*o));
	if (asprintf(&out, "%s/%s.out", dir, tag) < 0 ||
	    asprintf(&err, "%s/%s.err", dir, tag) < 0)
		e2e_oom();
	pid_t pid = e2e_spawn(argv, dir, out, err, &spawn_err);
	if (pid < 0) {
		o->status.end = E2E_NOSTART;
		o->status.code = spawn_err;
	} else {
		o->status = e2e_wait(pid, timeout);
	}
	o->out = e2e_read_file(out, &o->outlen);
	o->err = e2e_read_file(err, &o->errlen);
	if (!o->out)
		o->out = e2e_strdup("");
	if (!o->err)
		o->err = e2e_strdup("");
	free(out);
	free(err);
}

/* The first line of text, at most max bytes, for messages. */
static int e2e_line_len(const char *s, size_t len, int max)
{
	const char *nl = memchr(s, '\n', len);
	size_t n = nl ? (size_t)(nl - s) : len;
	return (int)(n < (size_t)max ? n : (size_t)max);
}

/* Command line for messages. */
static void e2e_argv_str(char *const argv[], char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; argv[i] && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? " " : "",
				 argv[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
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
	struct e2e_strv sources, args, cflags, ldlibs, members;
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

static int e2e_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted *.c files of dir, as paths; -1 when dir cannot be read. */
static int e2e_list_sources(const char *dir, struct e2e_strv *out)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct e2e_strv names = { 0 };

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (e2e_is_c_source(de->d_name))
			e2e_strv_push(&names, de->d_name);
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), e2e_cmp_str);
	for (size_t i = 0; i < names.n; i++) {
		char *p = e2e_path(dir, names.v[i]);
		e2e_strv_push(out, p);
		free(p);
	}
	e2e_strv_free(&names);
	return 0;
}

static struct e2e_program *e2e_load_program(const char *dir, const char *name)
{
	struct e2e_program *p = calloc(1, sizeof(*p));
	struct e2e_strv archive = { 0 };
	char *f;
	int bad = 0;

	if (!p)
		e2e_oom();
	p->name = e2e_strdup(name);
	p->dir = e2e_path(dir, name);
	bad |= e2e_list_sources(p->dir, &p->sources);
	f = e2e_path(p->dir, "args");
	bad |= e2e_read_lines(f, &p->args);
	free(f);
	f = e2e_path(p->dir, "cflags");
	bad |= e2e_read_words(f, &p->cflags);
	free(f);
	f = e2e_path(p->dir, "ldlibs");
	bad |= e2e_read_words(f, &p->ldlibs);
	free(f);
	f = e2e_path(p->dir, "archive");
	bad |= e2e_read_words(f, &archive);
	free(f);
	if (archive.n) {
		p->archive = e2e_strdup(archive.v[0]);
		for (size_t i = 1; i < archive.n; i++)
			e2e_strv_push(&p->members, archive.v[i]);
	}
	e2e_strv_free(&archive);
	if ((bad || !p->sources.n) && !e2e_discovery_error[0])
		snprintf(e2e_discovery_error, sizeof(e2e_discovery_error),
			 "program %s: cannot read its files, or no .c files",
			 p->dir);
	return p;
}

/* Fills e2e_programs from OBJLOAD_TEST_SRCDIR/programs, sorted by name. */
static void e2e_discover(void)
{
	char *dir = e2e_path(e2e_srcdir, "programs");
	struct e2e_strv names = { 0 };
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
		p = e2e_path(dir, de->d_name);
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			e2e_strv_push(&names, de->d_name);
		free(p);
	}
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), e2e_cmp_str);
	if (names.n > E2E_MAX_PROGRAMS)
		snprintf(e2e_discovery_error, sizeof(e2e_discovery_error),
			 "%zu programs in %s, at most %d are run: raise "
			 "E2E_MAX_PROGRAMS", names.n, dir, E2E_MAX_PROGRAMS);
	else if (names.n == 0)
		snprintf(e2e_discovery_error, sizeof(e2e_discovery_error),
			 "no programs in %s", dir);
	for (size_t i = 0; i < names.n && i < E2E_MAX_PROGRAMS; i++)
		e2e_programs[e2e_nprograms++] = e2e_load_program(dir, names.v[i]);
	e2e_strv_free(&names);
	free(dir);
}

/* ---- building ------------------------------------------------------------- */

/* Runs a build step; on failure records it with its first stderr line. */
static int e2e_build_step(char *const argv[], const char *dir, const char *tag,
			  const char *context)
{
	struct e2e_output o;
	char cmd[1024], st[128];
	int ok;

	e2e_run(argv, dir, tag, E2E_BUILD_TIMEOUT, &o);
	ok = o.status.end == E2E_EXITED && o.status.code == 0;
	if (!ok) {
		e2e_argv_str(argv, cmd, sizeof(cmd));
		E2E_FAIL("%s: `%s` failed: %s: %.*s", context, cmd,
			 e2e_status_str(&o.status, st, sizeof(st)),
			 e2e_line_len(o.err, o.errlen, 400), o.err);
	}
	e2e_output_free(&o);
	return ok;
}

/* Compiles all sources of p in parallel; objects go to objs. */
static int e2e_compile(const struct e2e_program *p, const char *cc,
		       const struct e2e_flagset *fs, const char *dir,
		       struct e2e_strv *objs, const char *context)
{
	pid_t pids[64];
	char *tags[64];
	size_t n = p->sources.n < 64 ? p->sources.n : 64;
	int ok = 1;

	for (size_t i = 0; i < n; i++) {
		const char *src = p->sources.v[i];
		const char *base = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
		struct e2e_strv argv = { 0 };
		char *obj, *inc, *out, *err;
		int spawn_err;

		if (asprintf(&obj, "%s/%.*s.o", dir, (int)strlen(base) - 2, base) < 0 ||
		    asprintf(&tags[i], "cc-%zu", i) < 0 ||
		    asprintf(&inc, "-I%s", p->dir) < 0 ||
		    asprintf(&out, "%s/%s.out", dir, tags[i]) < 0 ||
		    asprintf(&err, "%s/%s.err", dir, tags[i]) < 0)
			e2e_oom();
		e2e_strv_push(objs, obj);
		e2e_strv_push(&argv, cc);
		e2e_strv_push(&argv, "-std=gnu11");
		e2e_strv_push(&argv, "-Wall");
		e2e_strv_push(&argv, "-Wextra");
		for (int k = 0; fs->cflags[k]; k++)
			e2e_strv_push(&argv, fs->cflags[k]);
		e2e_strv_pushv(&argv, &p->cflags);
		e2e_strv_push(&argv, inc);
		e2e_strv_push(&argv, "-c");
		e2e_strv_push(&argv, src);
		e2e_strv_push(&argv, "-o");
		e2e_strv_push(&argv, obj);
		pids[i] = e2e_spawn(argv.v, dir, out, err, &spawn_err);
		if (pids[i] < 0) {
			E2E_FAIL("%s: cannot run %s: %s", context, cc,
				 strerror(spawn_err));
			ok = 0;
		}
		e2e_strv_free(&argv);
		free(obj);
		free(inc);
		free(out);
		free(err);
	}
	for (size_t i = 0; i < n; i++) {
		if (pids[i] >= 0) {
			struct e2e_status st = e2e_wait(pids[i], E2E_BUILD_TIMEOUT);
			if (st.end != E2E_EXITED || st.code != 0) {
				char *errpath = e2e_path(dir, tags[i]);
				char *errfile, *text;
				char sbuf[128];
				size_t len = 0;
				if (asprintf(&errfile, "%s.err", errpath) < 0)
					e2e_oom();
				text = e2e_read_file(errfile, &len);
				E2E_FAIL("%s: compiling %s failed: %s: %.*s",
					 context, p->sources.v[i],
					 e2e_status_str(&st, sbuf, sizeof(sbuf)),
					 text ? e2e_line_len(text, len, 400) : 0,
					 text ? text : "");
				free(text);
				free(errfile);
				free(errpath);
				ok = 0;
			}
		}
		free(tags[i]);
	}
	if (p->sources.n > 64) {
		E2E_FAIL("%s: more than 64 sources", context);
		ok = 0;
	}
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

static void e2e_compare(const struct e2e_output *native,
			const struct e2e_output *loaded, const char *context)
{
	char s1[128], s2[128];
	int ok = 1;

	if (!e2e_status_eq(&native->status, &loaded->status)) {
		E2E_FAIL("%s: native %s, objload %s; objload stderr: %.*s", context,
			 e2e_status_str(&native->status, s1, sizeof(s1)),
			 e2e_status_str(&loaded->status, s2, sizeof(s2)),
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
static char *e2e_extract(const struct e2e_program *p, struct e2e_strv *paths)
{
	struct e2e_strv argv = { 0 };
	char context[256];
	char *dir = e2e_mkdtemp(p->name);

	snprintf(context, sizeof(context), "%s: archive %s", p->name, p->archive);
	if (!dir) {
		E2E_FAIL("%s: mkdtemp: %s", context, strerror(errno));
		return NULL;
	}
	e2e_strv_push(&argv, "ar");
	e2e_strv_push(&argv, "x");
	e2e_strv_push(&argv, p->archive);
	e2e_strv_pushv(&argv, &p->members);
	if (!e2e_build_step(argv.v, dir, "ar", context)) {
		e2e_strv_free(&argv);
		e2e_rm_rf(dir);
		free(dir);
		return NULL;
	}
	e2e_strv_free(&argv);
	for (size_t i = 0; i < p->members.n; i++) {
		char *m = e2e_path(dir, p->members.v[i]);
		if (access(m, R_OK) != 0)
			E2E_FAIL("%s: member %s not extracted", context,
				 p->members.v[i]);
		e2e_strv_push(paths, m);
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
			  const struct e2e_strv *extra_objs,
			  int timed_out[])
{
	struct e2e_strv objs = { 0 }, argv = { 0 };
	struct e2e_output native;
	char context[256];
	char *dir = e2e_mkdtemp(p->name);
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
	exe = e2e_path(dir, "native");
	e2e_strv_push(&argv, cc);
	for (int k = 0; fs->ldflags[k]; k++)
		e2e_strv_push(&argv, fs->ldflags[k]);
	e2e_strv_push(&argv, "-o");
	e2e_strv_push(&argv, exe);
	e2e_strv_pushv(&argv, &objs);
	e2e_strv_pushv(&argv, &p->ldlibs);
	e2e_strv_push(&argv, "-lm");
	if (!e2e_build_step(argv.v, dir, "link", context)) {
		free(exe);
		goto out;
	}
	e2e_strv_free(&argv);
	e2e_strv_push(&argv, exe);
	e2e_strv_pushv(&argv, &p->args);
	free(exe);
	e2e_run(argv.v, dir, "native", E2E_RUN_TIMEOUT, &native);
	if (native.status.end == E2E_TIMEOUT ||
	    native.status.end == E2E_NOSTART) {
		char st[128];
		E2E_FAIL("%s: the native reference %s",
			 context, e2e_status_str(&native.status, st, sizeof(st)));
		e2e_output_free(&native);
		goto out;
	}

	for (size_t s = 0; s < E2E_COUNT(e2e_strategies); s++) {
		struct e2e_output loaded;
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
		e2e_strv_free(&argv);
		e2e_strv_push(&argv, e2e_objload);
		e2e_strv_push(&argv, "run");
		e2e_strv_push(&argv, strategy);
		e2e_strv_pushv(&argv, &objs);
		e2e_strv_pushv(&argv, extra_objs);
		if (p->args.n) {
			e2e_strv_push(&argv, "--");
			e2e_strv_pushv(&argv, &p->args);
		}
		e2e_run(argv.v, dir, e2e_strategies[s], E2E_RUN_TIMEOUT, &loaded);
		if (loaded.status.end == E2E_TIMEOUT) {
			timed_out[s] = 1;
			e2e_timeouts++;
		}
		e2e_compare(&native, &loaded, ctx);
		e2e_output_free(&loaded);
	}
	e2e_output_free(&native);
out:
	e2e_strv_free(&argv);
	e2e_strv_free(&objs);
	e2e_rm_rf(dir);
	free(dir);
}

static void e2e_run_program(size_t index)
{
	const struct e2e_program *p;
	struct e2e_strv extra = { 0 };
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
	e2e_strv_free(&extra);
	if (archive_dir) {
		e2e_rm_rf(archive_dir);
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
	struct e2e_strv argv = { 0 };
	struct e2e_output o;
	char ctx[512], st[128];

	snprintf(ctx, sizeof(ctx), "%s%s%s", context, opt ? ", " : "",
		 opt ? opt : "");
	e2e_strv_push(&argv, e2e_objload);
	e2e_strv_push(&argv, "run");
	if (opt)
		e2e_strv_push(&argv, opt);
	for (int i = 0; files[i]; i++)
		e2e_strv_push(&argv, files[i]);
	e2e_run(argv.v, dir, "objload", E2E_RUN_TIMEOUT, &o);
	e2e_strv_free(&argv);

	int ok = 1;
	if (o.status.end != E2E_EXITED || o.status.code != 1) {
		E2E_FAIL("%s: expected exit status 1, got %s; stderr: %.*s", ctx,
			 e2e_status_str(&o.status, st, sizeof(st)),
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
	e2e_output_free(&o);
}

static const char *const e2e_error_opts[] = {
	NULL, "--strategy=whole", "--strategy=section",
};

static void e2e_test_undefined(void)
{
	struct e2e_strv argv = { 0 };
	char *dir = e2e_mkdtemp("undefined");
	char *src, *obj;

	if (!dir) {
		E2E_FAIL("undefined symbol: mkdtemp: %s", strerror(errno));
		return;
	}
	src = e2e_path(e2e_srcdir, "programs-bad/undefined/main.c");
	obj = e2e_path(dir, "undefined.o");
	e2e_strv_push(&argv, "gcc");
	e2e_strv_push(&argv, "-O2");
	e2e_strv_push(&argv, "-c");
	e2e_strv_push(&argv, src);
	e2e_strv_push(&argv, "-o");
	e2e_strv_push(&argv, obj);
	if (e2e_build_step(argv.v, dir, "cc", "undefined symbol")) {
		const char *files[] = { obj, NULL };
		for (size_t i = 0; i < E2E_COUNT(e2e_error_opts); i++)
			e2e_expect_error(dir, e2e_error_opts[i], files,
					 "not_defined_anywhere", NULL,
					 "undefined symbol");
	}
	e2e_strv_free(&argv);
	free(src);
	free(obj);
	e2e_rm_rf(dir);
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
	char *dir = e2e_mkdtemp("garbage");

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
		char *path = e2e_path(dir, cases[c].name);
		char context[128];

		e2e_noise(buf, sizeof(buf), 0x2545f491u + (uint32_t)c);
		if (cases[c].elf)
			memcpy(buf, elf_ident, sizeof(elf_ident));
		if (e2e_write_file(path, buf, cases[c].len) != 0) {
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
	e2e_rm_rf(dir);
	free(dir);
}

static void e2e_test_missing(void)
{
	char *dir = e2e_mkdtemp("missing");

	if (!dir) {
		E2E_FAIL("missing file: mkdtemp: %s", strerror(errno));
		return;
	}
	char *path = e2e_path(dir, "does-not-exist.o");
	const char *files[] = { path, NULL };
	for (size_t i = 0; i < E2E_COUNT(e2e_error_opts); i++)
		e2e_expect_error(dir, e2e_error_opts[i], files, path, "objload: ",
				 "missing file");
	free(path);
	e2e_rm_rf(dir);
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
