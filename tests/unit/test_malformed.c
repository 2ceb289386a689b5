/* SPDX-License-Identifier: MIT */
/*
 * Suite "malformed": hostile inputs must give a clear error, never a crash,
 * a hang or a leak.
 *
 * At suite start tests/malformed/gen.py compiles small valid objects (gcc,
 * clang; ELF x86-64 and AArch64, Mach-O, COFF, an ar archive, a fat file)
 * into a temporary directory and writes a few thousand mutants of them
 * there (truncations at every header boundary, corrupted counts, offsets,
 * sizes and indices, cycles).  Then:
 *
 *   - in_process: every input, under each strategy (auto, whole,
 *     section), goes through objload_add_memory (parse and validation),
 *     objload_define of every undefined name, and objload_link_at(base)
 *     (plan, resolve, relocate into a private buffer: nothing is ever
 *     executed).  A failure must leave a message naming the input.  The
 *     inputs run in a forked child so that a crash, a sanitizer report, a
 *     leak (LeakSanitizer, in the sanitizer build) or a hang (SIGALRM after
 *     MF_TIMEOUT seconds) is reported with the input that caused it, and
 *     the remaining inputs still run;
 *   - cli: a deterministic sample also through `objload info FILE` and
 *     `objload link --base=0x10000000 --define=... -o /dev/null FILE`: exit
 *     status 0 or 1, never a signal or 2, and on failure stderr starting
 *     "objload: " and naming the file;
 *   - valid: the unmutated x86-64 ELF objects link, so the mutants above
 *     really reach plan and relocation;
 *   - regressions: every file of tests/malformed/regressions/ (inputs that
 *     once crashed something, e.g. found by fuzz/run.sh), in process and
 *     through the CLI.
 *
 * Environment: OBJLOAD_TEST_SRCDIR, OBJLOAD_BIN as for the other suites;
 * OBJLOAD_MALFORMED_MAX (mutants per seed object, default 400) and
 * OBJLOAD_MALFORMED_SEED (the generator's seed) to widen or vary the run;
 * OBJLOAD_MALFORMED_KEEP=1 keeps the corpus directory.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include <CUnit/Basic.h>

#include "objload.h"
#include "objload/plugin.h"
#include "tests/tests.h"
#include "tests/util.h"
#include "fuzz/harness.h"

#define MF_TIMEOUT 5           /* seconds per input and strategy: a hang */
#define MF_SLOW_NS 1000000000ll  /* one run longer than this is reported */
#define MF_CLI_TIMEOUT 30      /* seconds per CLI run */
#define MF_CLI_SAMPLE 150      /* inputs sampled for the CLI */
#define MF_MAX_REPORTS 12

/* LeakSanitizer's entry point, present in the sanitizer build only. */
extern void __lsan_do_leak_check(void) __attribute__((weak));

static const char *mf_srcdir, *mf_bin;
static char *mf_dir;
static char **mf_files;        /* corpus file names (manifest order) */
static size_t mf_nfiles;
static int mf_in_process_bad;     /* some input crashed the in-process run */

#define MF_CHECK(cond, ...) \
	tu_check_at("malformed", __FILE__, __LINE__, (cond) ? 1 : 0, __VA_ARGS__)

/* ---- a batch of inputs in a forked child ----------------------------------- */

#define MF_NOTE_LEN 320

/* Shared between the parent and the child that runs a batch. */
struct mf_shared {
	volatile size_t current;        /* index being run */
	volatile int finished;          /* the child reached the end */
	size_t runs, outcome[3], status[16];
	size_t unnamed;                 /* failures whose message lacks the name */
	size_t slow;                    /* runs longer than MF_SLOW_NS */
	size_t nnotes;
	char notes[MF_MAX_REPORTS][MF_NOTE_LEN];
};

static struct mf_shared *mf_sh;

static void mf_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void mf_note(const char *fmt, ...)
{
	va_list ap;

	char note[MF_NOTE_LEN];

	va_start(ap, fmt);
	vsnprintf(note, sizeof(note), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < mf_sh->nnotes; i++)
		if (strcmp(mf_sh->notes[i], note) == 0)
			return;
	if (mf_sh->nnotes < MF_MAX_REPORTS)
		memcpy(mf_sh->notes[mf_sh->nnotes++], note, sizeof(note));
}

/* The child: run paths[from..n) and exit.  Never returns. */
__attribute__((noreturn))
static void mf_child(char **paths, char **names, size_t from, size_t n)
{
	static const objload_strategy strategies[] = {
		OBJLOAD_STRATEGY_AUTO, OBJLOAD_STRATEGY_WHOLE, OBJLOAD_STRATEGY_SECTION,
	};
	FILE *devnull = fopen("/dev/null", "w");

	signal(SIGALRM, SIG_DFL);
	for (size_t i = from; i < n; i++) {
		size_t len;
		uint8_t *bytes;

		mf_sh->current = i;
		bytes = tu_read_file(paths[i], &len);
		if (!bytes) {
			mf_note("%s: cannot read: %s", paths[i], strerror(errno));
			continue;
		}
		for (size_t k = 0; k < sizeof(strategies) / sizeof(strategies[0]); k++) {
			objload_status st;
			char *msg;
			enum harness_outcome o;

			struct timespec t0, t1;
			long long ns;

			clock_gettime(CLOCK_MONOTONIC, &t0);
			alarm(MF_TIMEOUT);
			o = harness_run(names[i], bytes, len, strategies[k], devnull, &st, &msg);
			alarm(0);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			ns = (t1.tv_sec - t0.tv_sec) * 1000000000ll + (t1.tv_nsec - t0.tv_nsec);
			if (ns > MF_SLOW_NS) {
				mf_sh->slow++;
				mf_note("slow: %s (strategy %s) took %lld ms", names[i],
					objload_strategy_name(strategies[k]), ns / 1000000);
			}
			mf_sh->runs++;
			mf_sh->outcome[o]++;
			mf_sh->status[(unsigned)st < 16 ? (unsigned)st : 15]++;
			/* "nothing to load": a lone empty archive beside the
			 * harness's empty anchor object; the anchor's doing */
			if (st != OBJLOAD_OK && (!msg || !strstr(msg, names[i])) &&
			    !(msg && strncmp(msg, "nothing to load", 15) == 0)) {
				mf_sh->unnamed++;
				mf_note("message does not name the input (e.g. %s): \"%s\"",
					names[i], msg ? msg : "(none)");
			}
			free(msg);
		}
		free(bytes);
	}
	if (devnull)
		fclose(devnull);
	mf_sh->finished = 1;
	/* _exit, not exit: the parent's atexit handlers are not ours to run. */
	if (__lsan_do_leak_check)
		__lsan_do_leak_check();
	_exit(0);
}

/* Runs every input in children: a child that dies is reported with its
 * input and a new child continues after it.  Returns the number of
 * inputs that crashed, hung or tripped a sanitizer. */
static size_t mf_run_batch(const char *what, char **paths, char **names, size_t n)
{
	size_t from = 0, bad = 0;

	memset(mf_sh, 0, sizeof(*mf_sh));
	while (from < n) {
		pid_t pid;
		int ws;

		mf_sh->current = from;
		mf_sh->finished = 0;
		fflush(NULL);
		pid = fork();
		if (pid < 0) {
			MF_CHECK(0, "fork: %s", strerror(errno));
			return bad + 1;
		}
		if (pid == 0)
			mf_child(paths, names, from, n);
		while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0 && mf_sh->finished)
			break;
		bad++;
		if (mf_sh->finished) {
			/* every input ran: LeakSanitizer (exit 23) or exit-time error */
			MF_CHECK(0, "%s: the child running the inputs exited with status %d "
				 "after the last input (a leak? see the sanitizer report above)",
				 what, WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
			break;
		}
		if (WIFSIGNALED(ws))
			MF_CHECK(0, "%s: %s: killed by signal %d (%s)%s", what,
				 paths[mf_sh->current], WTERMSIG(ws), strsignal(WTERMSIG(ws)),
				 WTERMSIG(ws) == SIGALRM ? ": a hang" : "");
		else
			MF_CHECK(0, "%s: %s: exit status %d (a sanitizer report? see above)",
				 what, paths[mf_sh->current], WEXITSTATUS(ws));
		from = mf_sh->current + 1;
		if (bad > 50) {
			MF_CHECK(0, "%s: more than 50 crashing inputs, stopping", what);
			break;
		}
	}
	return bad;
}

static void mf_report(const char *what, size_t ninputs)
{
	fprintf(stderr, "\n  %s: %zu inputs, %zu runs: %zu rejected at parse, "
		"%zu at link, %zu linked;", what, ninputs, mf_sh->runs,
		mf_sh->outcome[HARNESS_PARSE_FAILED], mf_sh->outcome[HARNESS_LINK_FAILED],
		mf_sh->outcome[HARNESS_LINKED]);
	for (unsigned st = 1; st < 16; st++)
		if (mf_sh->status[st])
			fprintf(stderr, " %s %zu,", objload_status_name((objload_status)st),
				mf_sh->status[st]);
	fprintf(stderr, "\n");
	for (size_t i = 0; i < mf_sh->nnotes; i++)
		fprintf(stderr, "    %s\n", mf_sh->notes[i]);
}

/* ---- the CLI ------------------------------------------------------------- */

/* One CLI run, stdout to /dev/null and stderr to a file; returns 1 when it
 * behaved. */
static int mf_cli_check(char *const *argv, const char *path, const char *cmd)
{
	char *errfile = tu_fmt("%s/cli.stderr", mf_dir), *err;
	struct tu_result r = { 0 };
	int errnum, ok = 1;
	pid_t pid = tu_spawn(argv, NULL, NULL, errfile, &errnum);

	if (pid >= 0)
		tu_wait(pid, MF_CLI_TIMEOUT, &r);
	err = tu_read_output(errfile);
	if (pid < 0) {
		ok = MF_CHECK(0, "cannot run %s: %s", argv[0], strerror(errnum));
	} else if (r.timed_out) {
		ok = MF_CHECK(0, "objload %s %s: no exit after %d s (a hang)", cmd, path,
			      MF_CLI_TIMEOUT);
	} else if (!r.exited) {
		ok = MF_CHECK(0, "objload %s %s: %s; stderr: %.800s", cmd, path, r.what, err);
	} else if (r.code != 0 && r.code != 1) {
		ok = MF_CHECK(0, "objload %s %s: exit status %d (want 0 or 1); stderr: %.800s",
			      cmd, path, r.code, err);
	} else if (r.code == 1) {
		ok = MF_CHECK(strncmp(err, "objload: ", 9) == 0 && strstr(err, path),
			      "objload %s %s: exit 1, but stderr does not start with "
			      "\"objload: \" and name the file: %.800s", cmd, path, err);
	}
	free(err);
	free(errfile);
	return ok;
}

/* The undefined names of one input, as --define=NAME=ADDR arguments. */
static size_t mf_defines(const char *path, char ***out)
{
	objload_session *s;
	size_t len, n = 0, cap = 0;
	uint8_t *bytes = tu_read_file(path, &len);
	char **v = NULL;

	*out = NULL;
	if (!bytes)
		return 0;
	if (objload_session_new(&s) != OBJLOAD_OK)
		tu_oom();
	if (objload_add_memory(s, path, bytes, len) == OBJLOAD_OK) {
		for (size_t i = 0; i < objload_image_count(s); i++) {
			const objload_image *img = objload_get_image(s, i);

			for (uint32_t j = 0; j < img->nsymbols; j++) {
				const objload_symbol *sym = &img->symbols[j];

				if (sym->def != OBJLOAD_DEF_UNDEFINED || !sym->cname ||
				    !sym->cname[0] || strchr(sym->cname, '='))
					continue;
				if (n == cap) {
					cap = cap ? 2 * cap : 16;
					v = realloc(v, cap * sizeof(*v));
					if (!v)
						tu_oom();
				}
				v[n] = tu_fmt("--define=%s=0x%llx", sym->cname,
					      (unsigned long long)(HARNESS_DEFINE_BASE + 16 * n));
				n++;
			}
		}
	}
	objload_session_free(s);
	free(bytes);
	*out = v;
	return n;
}

/* `objload info FILE` and `objload link --base=... -o /dev/null FILE`.
 * `parse_safe` says the in-process run survived this input, so that the
 * test program may parse it itself for the names to define. */
static int mf_cli_one(const char *path, int parse_safe)
{
	char **defs = NULL;
	size_t ndefs = parse_safe ? mf_defines(path, &defs) : 0;
	char **argv = calloc(ndefs + 8, sizeof(*argv));
	size_t a = 0;
	int ok;

	if (!argv)
		tu_oom();
	argv[a++] = (char *)mf_bin;
	argv[a++] = (char *)"info";
	argv[a++] = (char *)path;
	argv[a] = NULL;
	ok = mf_cli_check(argv, path, "info");
	a = 1;
	argv[a++] = (char *)"link";
	argv[a++] = (char *)"--base=0x10000000";
	for (size_t i = 0; i < ndefs; i++)
		argv[a++] = defs[i];
	argv[a++] = (char *)"-o";
	argv[a++] = (char *)"/dev/null";
	argv[a++] = (char *)path;
	argv[a] = NULL;
	ok &= mf_cli_check(argv, path, "link");
	for (size_t i = 0; i < ndefs; i++)
		free(defs[i]);
	free(defs);
	free(argv);
	return ok;
}

/* ---- suite set-up --------------------------------------------------------- */

static int mf_suite_init(void)
{
	char *cmd, *manifest, *line, *save = NULL;
	int rc;

	mf_srcdir = tu_srcdir();
	mf_bin = tu_objload_bin();
	mf_dir = tu_mkdtemp("malformed");
	if (!mf_dir)
		return 1;
	mf_sh = mmap(NULL, sizeof(*mf_sh), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!mf_dir || mf_sh == MAP_FAILED)
		tu_oom();
	cmd = tu_fmt("python3 '%s/malformed/gen.py' --max-per-seed %s --seed %s '%s/corpus'",
		     mf_srcdir, tu_env_or("OBJLOAD_MALFORMED_MAX", "400"),
		     tu_env_or("OBJLOAD_MALFORMED_SEED", "20240601"), mf_dir);
	rc = system(cmd);
	free(cmd);
	if (rc != 0) {
		fprintf(stderr, "test_malformed: tests/malformed/gen.py failed (status %d); "
			"it needs python3, gcc and clang\n", rc);
		return 1;
	}
	manifest = tu_fmt("%s/corpus/manifest.txt", mf_dir);
	cmd = tu_read_output(manifest);
	free(manifest);
	for (line = strtok_r(cmd, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char **n = realloc(mf_files, (mf_nfiles + 1) * sizeof(*n));

		if (!n)
			tu_oom();
		mf_files = n;
		mf_files[mf_nfiles++] = strdup(line);
	}
	free(cmd);
	return mf_nfiles ? 0 : 1;
}

static int mf_suite_cleanup(void)
{
	if (mf_dir && !getenv("OBJLOAD_MALFORMED_KEEP"))
		tu_rm_rf(mf_dir);
	else if (mf_dir)
		fprintf(stderr, "\n  malformed corpus kept in %s/corpus\n", mf_dir);
	for (size_t i = 0; i < mf_nfiles; i++)
		free(mf_files[i]);
	free(mf_files);
	free(mf_dir);
	if (mf_sh && mf_sh != MAP_FAILED)
		munmap(mf_sh, sizeof(*mf_sh));
	mf_files = NULL;
	mf_nfiles = 0;
	mf_dir = NULL;
	mf_srcdir = mf_bin = NULL;
	mf_sh = NULL;
	return 0;
}

/* Paths and names of the corpus files whose name matches `suffix`
 * (NULL: all). */
static size_t mf_corpus(const char *suffix, char ***paths, char ***names)
{
	size_t n = 0;

	*paths = calloc(mf_nfiles + 1, sizeof(**paths));
	*names = calloc(mf_nfiles + 1, sizeof(**names));
	if (!*paths || !*names)
		tu_oom();
	for (size_t i = 0; i < mf_nfiles; i++) {
		size_t l = strlen(mf_files[i]);

		if (suffix && (l < strlen(suffix) ||
			       strcmp(mf_files[i] + l - strlen(suffix), suffix)))
			continue;
		(*paths)[n] = tu_fmt("%s/corpus/%s", mf_dir, mf_files[i]);
		(*names)[n] = mf_files[i];
		n++;
	}
	return n;
}

static void mf_free_paths(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

/* ---- the tests ------------------------------------------------------------ */

static void test_malformed_in_process(void)
{
	char **paths, **names;
	size_t n = mf_corpus(NULL, &paths, &names);
	time_t t0 = time(NULL);

	mf_in_process_bad = mf_run_batch("in process", paths, names, n) != 0;
	mf_report("in process", n);
	fprintf(stderr, "    (%ld s)\n", (long)(time(NULL) - t0));
	MF_CHECK(mf_sh->unnamed == 0, "%zu failures without the input's name in the message",
		 mf_sh->unnamed);
	MF_CHECK(mf_sh->outcome[HARNESS_LINKED] > 0, "no input linked: the harness is broken");
	MF_CHECK(mf_sh->slow == 0, "%zu runs took more than %lld ms", mf_sh->slow,
		 MF_SLOW_NS / 1000000);
	mf_free_paths(paths, n);
	free(names);
}

static void test_malformed_valid(void)
{
	static const char *const must_link[] = {
		"gcc-O2-basic.valid", "gcc-O0-nopic-basic.valid", "clang-O2-pic-basic.valid",
		"gcc-O2-switch.valid", "clang-O0-large-switch.valid", "gcc-O2-archive.valid",
	};
	FILE *devnull = fopen("/dev/null", "w");

	for (size_t i = 0; i < sizeof(must_link) / sizeof(must_link[0]); i++) {
		char *path = tu_fmt("%s/corpus/%s", mf_dir, must_link[i]);
		size_t len;
		uint8_t *bytes = tu_read_file(path, &len);
		objload_status st;
		char *msg;

		if (!bytes) {
			fprintf(stderr, "\n  %s not generated (no such compiler?)", must_link[i]);
			free(path);
			continue;
		}
		for (int k = OBJLOAD_STRATEGY_AUTO; k <= OBJLOAD_STRATEGY_SECTION; k++) {
			enum harness_outcome o = harness_run(must_link[i], bytes, len,
							     (objload_strategy)k, devnull, &st, &msg);

			MF_CHECK(o == HARNESS_LINKED, "%s (strategy %s) does not link at 0x%llx: %s",
				 must_link[i], objload_strategy_name((objload_strategy)k),
				 HARNESS_BASE, msg ? msg : "");
			free(msg);
		}
		free(bytes);
		free(path);
	}
	if (devnull)
		fclose(devnull);
}

static void test_malformed_cli(void)
{
	size_t step = mf_nfiles / MF_CLI_SAMPLE ? mf_nfiles / MF_CLI_SAMPLE : 1;
	size_t runs = 0, failed = 0;

	for (size_t i = 0; i < mf_nfiles; i += step) {
		char *path = tu_fmt("%s/corpus/%s", mf_dir, mf_files[i]);

		runs++;
		if (!mf_cli_one(path, !mf_in_process_bad))
			failed++;
		free(path);
	}
	fprintf(stderr, "\n  cli: %zu inputs (info and link), %zu misbehaved\n", runs, failed);
}

static void test_malformed_regressions(void)
{
	char *dir = tu_fmt("%s/malformed/regressions", mf_srcdir);
	DIR *d = opendir(dir);
	struct dirent *e;
	char **paths = NULL, **names = NULL;
	size_t n = 0, bad;

	if (!d) {
		fprintf(stderr, "\n  %s: %s", dir, strerror(errno));
		free(dir);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strncmp(e->d_name, "README", 6) == 0)
			continue;
		paths = realloc(paths, (n + 1) * sizeof(*paths));
		names = realloc(names, (n + 1) * sizeof(*names));
		if (!paths || !names)
			tu_oom();
		names[n] = strdup(e->d_name);
		if (!names[n])
			tu_oom();
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), tu_cmp_strp);
	for (size_t i = 0; i < n; i++)
		paths[i] = tu_fmt("%s/%s", dir, names[i]);
	bad = n ? mf_run_batch("regressions", paths, names, n) : 0;
	if (n)
		mf_report("regressions", n);
	MF_CHECK(mf_sh->slow == 0, "%zu regression runs took more than %lld ms", mf_sh->slow,
		 MF_SLOW_NS / 1000000);
	/* through the CLI too; parse in this process only what the child survived */
	for (size_t i = 0; i < n; i++)
		mf_cli_one(paths[i], bad == 0);
	mf_free_paths(paths, n);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(dir);
}

int objload_test_register_malformed(void)
{
	static const struct tu_test tests[] = {
		{ "valid seeds link", test_malformed_valid },
		{ "mutants in process", test_malformed_in_process },
		{ "mutants through the CLI", test_malformed_cli },
		{ "regression inputs", test_malformed_regressions },
	};
	return tu_add_suite("malformed", mf_suite_init, mf_suite_cleanup, tests, TU_COUNT(tests));
}
