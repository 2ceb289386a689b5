/* SPDX-License-Identifier: MIT */
/*
 * The helpers every suite of the test program shares (see util.h): one
 * version each of what the suites used to repeat, from formatted strings
 * to child processes, compiling and loading objects.  Nothing here asserts
 * on its own except tu_check_at and tu_expect_at: the suites decide what a
 * failure means.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "tests/util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* ---- memory and strings -------------------------------------------------- */

void tu_oom(void)
{
	fprintf(stderr, "objload-tests: out of memory\n");
	abort();
}

char *tu_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		tu_oom();
	return s;
}

char *tu_strdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		tu_oom();
	return d;
}

uint8_t *tu_memdup(const void *p, size_t n)
{
	uint8_t *d = malloc(n ? n : 1);

	if (!d)
		tu_oom();
	memcpy(d, p, n);
	return d;
}

void tu_strv_push(struct tu_strv *sv, const char *s)
{
	if (sv->n + 2 > sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 16;
		char **v = realloc(sv->v, cap * sizeof(*v));

		if (!v)
			tu_oom();
		sv->v = v;
		sv->cap = cap;
	}
	sv->v[sv->n++] = tu_strdup(s);
	sv->v[sv->n] = NULL;
}

void tu_strv_pushv(struct tu_strv *sv, const struct tu_strv *from)
{
	for (size_t i = 0; i < from->n; i++)
		tu_strv_push(sv, from->v[i]);
}

void tu_strv_free(struct tu_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof(*sv));
}

int tu_cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void tu_strv_sort(struct tu_strv *sv)
{
	if (sv->n)
		qsort(sv->v, sv->n, sizeof(*sv->v), tu_cmp_strp);
}

void tu_shell_quote(char *out, size_t n, const char *s)
{
	size_t o = 0;

	if (n < 3) {
		if (n)
			out[0] = '\0';
		return;
	}
	out[o++] = '\'';
	for (; *s && o + 5 < n; s++) {
		if (*s == '\'') {
			memcpy(out + o, "'\\''", 4);
			o += 4;
		} else {
			out[o++] = *s;
		}
	}
	out[o++] = '\'';
	out[o] = '\0';
}

void tu_argv_str(const char *const argv[], char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; argv[i] && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? " " : "", argv[i]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

const char *tu_env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v && *v ? v : dflt;
}

/* The environment's value or the default, made absolute when it names a
 * path that exists. */
static char *tu_configured_path(const char *env, const char *dflt, int bare_name_ok)
{
	char buf[PATH_MAX];
	const char *s = tu_env_or(env, dflt);

	if (bare_name_ok && !strchr(s, '/'))
		return tu_strdup(s);
	return tu_strdup(realpath(s, buf) ? buf : s);
}

const char *tu_srcdir(void)
{
	static char *srcdir;

	if (!srcdir)
		srcdir = tu_configured_path("OBJLOAD_TEST_SRCDIR", OBJLOAD_TEST_SRCDIR, 0);
	return srcdir;
}

const char *tu_objload_bin(void)
{
	static char *bin;

	if (!bin)
		bin = tu_configured_path("OBJLOAD_BIN", OBJLOAD_BIN, 1);
	return bin;
}

/* ---- checks ---------------------------------------------------------------- */

int tu_check_at(const char *suite, const char *file, unsigned line, int ok,
		const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!ok)
		fprintf(stderr, "\n%s FAILED (line %u): %s\n", suite, line, msg);
	CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, msg, file, "", CU_FALSE);
	return ok;
}

void tu_expect_at(unsigned *budget, int ok, const char *expr, const char *file,
		  unsigned line, const char *fmt, ...)
{
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	va_list ap;

	CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, expr, file, "", CU_FALSE);
	if (ok || (*budget)++ >= 40)
		return;
	fprintf(stderr, "\n  %s:%u: FAILED (%s): ", base, line, expr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

int tu_add_suite(const char *name, CU_InitializeFunc init, CU_CleanupFunc cleanup,
		 const struct tu_test *tests, size_t ntests)
{
	CU_pSuite suite = CU_add_suite(name, init, cleanup);

	if (!suite)
		return -1;
	for (size_t i = 0; i < ntests; i++)
		if (!CU_add_test(suite, tests[i].name, tests[i].fn))
			return -1;
	return 0;
}

/* ---- files ------------------------------------------------------------------ */

/* Reads all of f into a buffer of its size plus `extra` bytes. */
static uint8_t *tu_read_stream(FILE *f, size_t extra, size_t *len)
{
	uint8_t *buf = NULL, *exact;
	size_t n = 0, cap = 0, got;

	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				tu_oom();
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	exact = realloc(buf, n + extra ? n + extra : 1);
	if (!exact)
		tu_oom();
	*len = n;
	return exact;
}

static uint8_t *tu_read_path(const char *path, size_t extra, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	int saved;

	if (!f)
		return NULL;
	buf = tu_read_stream(f, extra, len);
	saved = errno;
	fclose(f);
	errno = saved;
	return buf;
}

uint8_t *tu_read_file(const char *path, size_t *len)
{
	return tu_read_path(path, 0, len);
}

char *tu_read_text(const char *path, size_t *len)
{
	size_t n;
	char *text = (char *)tu_read_path(path, 1, &n);

	if (!text)
		return NULL;
	text[n] = '\0';
	if (len)
		*len = n;
	return text;
}

char *tu_read_output(const char *path)
{
	char *text = tu_read_text(path, NULL);

	return text ? text : tu_strdup("");
}

int tu_read_words(const char *path, struct tu_strv *out)
{
	char *text = tu_read_text(path, NULL), *save;

	if (!text)
		return errno == ENOENT ? 0 : -1;
	for (char *w = strtok_r(text, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save))
		tu_strv_push(out, w);
	free(text);
	return 0;
}

int tu_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	size_t put;

	if (!f)
		return -1;
	put = fwrite(data, 1, len, f);
	return fclose(f) == 0 && put == len ? 0 : -1;
}

int tu_write_text(const char *path, const char *text)
{
	return tu_write_file(path, text, strlen(text));
}

char *tu_mkdtemp(const char *tag)
{
	char *dir = tu_fmt("%s/objload-%s-XXXXXX", tu_env_or("TMPDIR", "/tmp"), tag);

	if (!mkdtemp(dir)) {
		int saved = errno;

		fprintf(stderr, "objload-tests: mkdtemp %s: %s\n", dir, strerror(saved));
		free(dir);
		errno = saved;
		return NULL;
	}
	return dir;
}

static int tu_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) ? -1 : 0;
}

int tu_rm_rf(const char *dir)
{
	if (!dir || !*dir)
		return 0;
	if (getenv("OBJLOAD_KEEP_TMP")) {
		fprintf(stderr, "\n  kept %s (OBJLOAD_KEEP_TMP)\n", dir);
		return 0;
	}
	if (nftw(dir, tu_rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0) {
		fprintf(stderr, "objload-tests: cannot remove %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return 0;
}

void tu_rm_tmpdir(char **dir)
{
	if (!*dir)
		return;
	tu_rm_rf(*dir);
	free(*dir);
	*dir = NULL;
}

/* ---- child processes -------------------------------------------------------- */

pid_t tu_spawn(char *const argv[], const char *cwd, const char *out, const char *err,
	       int *errnum)
{
	const int wflags = O_WRONLY | O_CREAT | O_TRUNC;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	pid_t pid = -1;
	int rc;

	if (!out)
		out = "/dev/null";
	if (!err)
		err = "/dev/null";
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!rc)
		rc = posix_spawn_file_actions_addopen(&fa, 1, out, wflags, 0644);
	if (!rc && strcmp(out, err) == 0)
		rc = posix_spawn_file_actions_adddup2(&fa, 1, 2);
	else if (!rc)
		rc = posix_spawn_file_actions_addopen(&fa, 2, err, wflags, 0644);
	if (!rc && cwd)
		rc = posix_spawn_file_actions_addchdir_np(&fa, cwd);
	if (!rc)
		rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	*errnum = rc;
	return rc ? -1 : pid;
}

static void tu_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

void tu_wait(pid_t pid, int timeout, struct tu_result *r)
{
	struct timespec start, now;
	long delay = 1;
	int ws;

	r->exited = r->timed_out = 0;
	r->code = -1;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		pid_t w = waitpid(pid, &ws, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			snprintf(r->what, sizeof(r->what), "waitpid: %s", strerror(errno));
			return;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= timeout) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
				;
			r->timed_out = 1;
			snprintf(r->what, sizeof(r->what), "timed out after %d s", timeout);
			return;
		}
		tu_sleep_ms(delay);
		if (delay < 16)
			delay *= 2;
	}
	/* Leftover grandchildren of a finished child are of no use. */
	kill(-pid, SIGKILL);
	if (WIFEXITED(ws)) {
		r->exited = 1;
		r->code = WEXITSTATUS(ws);
		snprintf(r->what, sizeof(r->what), "exit status %d", r->code);
	} else {
		r->code = 128 + WTERMSIG(ws);
		snprintf(r->what, sizeof(r->what), "killed by signal %d (%s)",
			 WTERMSIG(ws), strsignal(WTERMSIG(ws)));
	}
}

void tu_run(char *const argv[], const char *cwd, const char *stem, int timeout,
	    struct tu_result *r)
{
	char *out = tu_fmt("%s.out", stem), *err = tu_fmt("%s.err", stem);
	int errnum = 0;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	pid = tu_spawn(argv, cwd, out, err, &errnum);
	if (pid < 0) {
		r->code = -1;
		snprintf(r->what, sizeof(r->what), "could not start %s: %s", argv[0],
			 strerror(errnum));
	} else {
		tu_wait(pid, timeout, r);
	}
	r->out = tu_read_text(out, &r->outlen);
	r->err = tu_read_text(err, &r->errlen);
	if (!r->out)
		r->out = tu_strdup("");
	if (!r->err)
		r->err = tu_strdup("");
	unlink(out);
	unlink(err);
	free(out);
	free(err);
}

void tu_result_free(struct tu_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

int tu_same_end(const struct tu_result *a, const struct tu_result *b)
{
	return a->exited == b->exited && a->code == b->code && strcmp(a->what, b->what) == 0;
}

/* A wait status as a shell reports it. */
static int tu_shell_status(int ws)
{
	if (ws == -1)
		return -1;
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	if (WIFSIGNALED(ws))
		return 128 + WTERMSIG(ws);
	return -1;
}

static int tu_vsh(const char *fmt, va_list ap)
{
	char *cmd;
	int ws;

	if (vasprintf(&cmd, fmt, ap) < 0)
		tu_oom();
	ws = system(cmd);
	free(cmd);
	return tu_shell_status(ws);
}

int tu_sh(const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = tu_vsh(fmt, ap);
	va_end(ap);
	return rc;
}

char *tu_capture(const char *cmd, int *status)
{
	FILE *p = popen(cmd, "r");
	size_t len;
	char *out;
	int ws;

	if (status)
		*status = -1;
	if (!p)
		return NULL;
	out = (char *)tu_read_stream(p, 1, &len);
	if (out)
		out[len] = '\0';
	else
		out = tu_strdup("");
	ws = pclose(p);
	if (status)
		*status = tu_shell_status(ws);
	return out;
}

int tu_sh_ok(const char *fmt, ...)
{
	va_list ap;
	char *cmd, *joined, *out;
	int st;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		tu_oom();
	va_end(ap);
	joined = tu_fmt("{ %s ; } 2>&1", cmd);
	out = tu_capture(joined, &st);
	if (st != 0)
		fprintf(stderr, "\n  failed (status %d): %s\n%s", st, cmd, out ? out : "");
	free(out);
	free(joined);
	free(cmd);
	return st == 0;
}

int tu_have_tool(const char *tool)
{
	return tu_sh("command -v %s >/dev/null 2>&1", tool) == 0;
}

/* ---- compiling ------------------------------------------------------------------ */

int tu_compile(const char *cc, const struct tu_strv *flags, const char *const sources[],
	       size_t nsources, const char *dir, int timeout, struct tu_strv *objs,
	       struct tu_strv *failures)
{
	pid_t *pids = calloc(nsources ? nsources : 1, sizeof(*pids));
	char **logs = calloc(nsources ? nsources : 1, sizeof(*logs));
	int ok = 1;

	if (!pids || !logs)
		tu_oom();
	for (size_t i = 0; i < nsources; i++) {
		const char *src = sources[i];
		const char *base = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
		const char *dot = strrchr(base, '.');
		int stem = (int)(dot && dot != base ? dot - base : (long)strlen(base));
		char *obj = tu_fmt("%s/%.*s.o", dir, stem, base);
		struct tu_strv argv = { 0 };
		int errnum = 0;

		logs[i] = tu_fmt("%s/%.*s.log", dir, stem, base);
		tu_strv_push(&argv, cc);
		if (flags)
			tu_strv_pushv(&argv, flags);
		tu_strv_push(&argv, "-c");
		tu_strv_push(&argv, src);
		tu_strv_push(&argv, "-o");
		tu_strv_push(&argv, obj);
		tu_strv_push(objs, obj);
		pids[i] = tu_spawn(argv.v, dir, logs[i], logs[i], &errnum);
		if (pids[i] < 0) {
			char *msg = tu_fmt("cannot run %s: %s", cc, strerror(errnum));

			tu_strv_push(failures, msg);
			free(msg);
			ok = 0;
		}
		tu_strv_free(&argv);
		free(obj);
	}
	for (size_t i = 0; i < nsources; i++) {
		if (pids[i] >= 0) {
			struct tu_result r = { 0 };

			tu_wait(pids[i], timeout, &r);
			if (!r.exited || r.code != 0) {
				char *log = tu_read_text(logs[i], NULL);
				char *msg = tu_fmt("%s -c %s: %s: %.800s", cc, sources[i], r.what,
						   log ? log : "");

				tu_strv_push(failures, msg);
				free(msg);
				free(log);
				ok = 0;
			}
		}
		free(logs[i]);
	}
	free(pids);
	free(logs);
	return ok;
}

char *tu_compile_text(const char *dir, const char *name, const char *ext,
		      const char *text, const char *cc, const char *flags, char **why)
{
	char *src = tu_fmt("%s/%s.%s", dir, name, ext), *copy = tu_strdup(flags), *save;
	const char *sources[] = { src };
	struct tu_strv fl = { 0 }, objs = { 0 }, failures = { 0 };
	char *obj = NULL;

	*why = NULL;
	if (tu_write_text(src, text) != 0) {
		*why = tu_fmt("cannot write %s: %s", src, strerror(errno));
		goto out;
	}
	for (char *w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
		tu_strv_push(&fl, w);
	if (tu_compile(cc, &fl, sources, 1, dir, 120, &objs, &failures))
		obj = tu_strdup(objs.v[0]);
	else
		*why = tu_strdup(failures.n ? failures.v[0] : "failed");
out:
	tu_strv_free(&fl);
	tu_strv_free(&objs);
	tu_strv_free(&failures);
	free(copy);
	free(src);
	return obj;
}

/* ---- fields of binary files --------------------------------------------------- */

uint64_t tu_get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

void tu_put_le(uint8_t *p, unsigned n, uint64_t v)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void tu_put_be(uint8_t *p, unsigned n, uint64_t v)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

int64_t tu_as_i64(uint64_t v)
{
	if (v <= INT64_MAX)
		return (int64_t)v;
	return -(int64_t)(~v) - 1;
}

/* ---- objects through the public API ------------------------------------------- */

objload_status tu_load_memory(struct tu_loaded *l, const char *name, uint8_t *bytes,
			      size_t len)
{
	memset(l, 0, sizeof(*l));
	l->bytes = bytes;
	l->len = len;
	l->msg = "";
	l->status = objload_session_new(&l->session);
	if (l->status != OBJLOAD_OK)
		return l->status;
	l->status = objload_add_memory(l->session, name, bytes, len);
	if (objload_errmsg(l->session))
		l->msg = objload_errmsg(l->session);
	if (l->status == OBJLOAD_OK && objload_image_count(l->session) == 1)
		l->img = objload_get_image(l->session, 0);
	return l->status;
}

objload_status tu_load_file(struct tu_loaded *l, const char *path, const char *name)
{
	size_t len;
	uint8_t *bytes = tu_read_file(path, &len);

	if (!bytes) {
		memset(l, 0, sizeof(*l));
		l->status = OBJLOAD_ERR_IO;
		l->msg = "cannot read";
		return l->status;
	}
	return tu_load_memory(l, name ? name : path, bytes, len);
}

void tu_unload(struct tu_loaded *l)
{
	objload_session_free(l->session);
	free(l->bytes);
	memset(l, 0, sizeof(*l));
}

int tu_find_section(const objload_image *img, const char *name)
{
	for (uint32_t i = 0; i < img->nsections; i++)
		if (img->sections[i].name && strcmp(img->sections[i].name, name) == 0)
			return (int)i;
	return -1;
}

int tu_find_symbol(const objload_image *img, const char *name)
{
	for (uint32_t i = 0; i < img->nsymbols; i++)
		if (img->symbols[i].name && strcmp(img->symbols[i].name, name) == 0)
			return (int)i;
	return -1;
}
