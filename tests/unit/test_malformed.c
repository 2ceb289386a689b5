/* SPDX-License-Identifier: MIT */
/*
 * Suite "malformed": hostile inputs must give a clear error, never a crash,
 * a hang or a leak.
 *
 * At suite start tests/malformed/gen.py compiles small valid objects (gcc,
 * clang; ELF x86-64 and AArch64, Mach-O, COFF, an ar archive, a fat file;
 * ELF shared objects and Mach-O dylibs linked by ld and ld64.lld)
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
 * Environment: OBJLOAD_TEST_SRCDIR, tu_objload_bin() as for the other suites;
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
#include <sys/resource.h>
#include <sys/stat.h>
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
			o = harness_run_named(names[i], bytes, len, strategies[k], devnull, &st,
					      &msg);
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
			/* ... or, for thin archives and ld scripts, the
			 * fixture files they name */
			if (st != OBJLOAD_OK && (!msg || !strstr(msg, names[i])) &&
			    !(msg && strstr(msg, "nothing to load")) &&
			    !(msg && strncmp(names[i], "thin_script-", 12) == 0 &&
			      strstr(msg, harness_fixtures()))) {
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

/* ---- hostile and heavy inputs (issue 18) ---------------------------------- */

/*
 * tests/malformed/hostile.py writes one input per finding of issue 18
 * (thin archives whose names and index reach past their bytes, quadratic
 * COFF COMDAT groups and directives, gigabytes of zero-fill, FIFOs,
 * exponential ld-script fan-out, control bytes in names, COFF weak
 * externals without a usable default, relocation sections patching the
 * file's tables) and, for the scaling test, 100,000-entry inputs of every
 * kind.  Each is run through the CLI (a fresh process: wait4's rusage is
 * its own) or through the API in a forked child (a hang is cut by
 * alarm()), and must give the documented error, or finish within
 * HF_SECONDS and HF_MEGABYTES.  The sanitizer build runs ASan's shadow
 * memory and quarantine and is several times slower: there the budgets
 * are multiplied by HF_SANITIZER_FACTOR (time) and 4 (memory).
 */
#if defined(__SANITIZE_ADDRESS__)
#define HF_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HF_SANITIZED 1
#endif
#endif
#ifndef HF_SANITIZED
#define HF_SANITIZED 0
#endif
#define HF_SANITIZER_FACTOR 8
#define HF_SECONDS 2.0
#define HF_MEGABYTES 256.0
#define HF_HANG 20   /* seconds: a run this long is a hang */

static char *hf_dir;   /* the findings' inputs */

static double hf_seconds_budget(void)
{
	return HF_SANITIZED ? HF_SECONDS * HF_SANITIZER_FACTOR : HF_SECONDS;
}

static double hf_megabytes_budget(void)
{
	return HF_SANITIZED ? HF_MEGABYTES * 4 : HF_MEGABYTES;
}

struct hf_run {
	int ws;             /* wait status; -1 after a kill for hanging */
	double seconds;
	double megabytes;   /* peak RSS */
	char *err;          /* stderr */
};

/* Run argv (stdout to /dev/null) and measure it; kills it after HF_HANG s.
 * The peak RSS is wait4's, which Linux takes as the larger of the exec'd
 * program's and this test process's at the fork: an upper bound, tight in
 * the plain build (a few MB here) and loose under ASan (hundreds). */
static struct hf_run hf_spawn(char *const *argv)
{
	struct hf_run r = { -1, 0, 0, NULL };
	char *errfile = tu_fmt("%s/hf.stderr", mf_dir);
	struct timespec t0, now, nap = { 0, 2000000 };
	struct rusage ru;
	int errnum;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	now = t0;
	pid = tu_spawn(argv, NULL, NULL, errfile, &errnum);
	while (pid > 0) {
		pid_t w = wait4(pid, &r.ws, WNOHANG, &ru);

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (w == pid) {
			r.megabytes = (double)ru.ru_maxrss / 1024.0;
			break;
		}
		if (w < 0 && errno != EINTR)
			break;
		if (now.tv_sec - t0.tv_sec > HF_HANG) {
			kill(-pid, SIGKILL);   /* its process group */
			waitpid(pid, NULL, 0);
			r.ws = -1;
			break;
		}
		nanosleep(&nap, NULL);
	}
	r.seconds = (double)(now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9;
	r.err = tu_read_output(errfile);
	free(errfile);
	return r;
}

static int hf_exit(const struct hf_run *r)
{
	return r->ws >= 0 && WIFEXITED(r->ws) ? WEXITSTATUS(r->ws) : -1;
}

static char *hf_path(const char *name)
{
	return tu_fmt("%s/%s", hf_dir, name);
}

/* `objload ARG...` (up to 8 arguments). */
static struct hf_run hf_objload(const char *a1, const char *a2, const char *a3,
				const char *a4, const char *a5, const char *a6)
{
	char *argv[8] = { (char *)mf_bin, (char *)a1, (char *)a2, (char *)a3, (char *)a4,
			  (char *)a5, (char *)a6, NULL };

	return hf_spawn(argv);
}

/* An API run in a forked child, cut after `seconds`: the status and the
 * message come back through shared memory. */
struct hf_api {
	volatile int done;
	objload_status st;
	char msg[2048];
};

typedef objload_status (*hf_api_fn)(objload_session *s, const char *arg);

static objload_arena *hf_arena;   /* in a child: the arena of hf_arena_bss */

static struct hf_api *hf_api_run(hf_api_fn fn, const char *arg, unsigned seconds,
				 int *ws)
{
	struct hf_api *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid;

	if (r == MAP_FAILED)
		tu_oom();
	memset(r, 0, sizeof(*r));
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		objload_session *s;

		signal(SIGALRM, SIG_DFL);
		alarm(seconds);
		if (objload_session_new(&s))
			_exit(3);
		r->st = fn(s, arg);
		snprintf(r->msg, sizeof(r->msg), "%s", objload_errmsg(s));
		objload_session_free(s);
		objload_arena_free(hf_arena);   /* an arena fn made, after its session */
		r->done = 1;
		_exit(0);
	}
	*ws = -1;
	if (pid > 0)
		while (waitpid(pid, ws, 0) < 0 && errno == EINTR)
			;
	return r;
}

static void hf_api_free(struct hf_api *r)
{
	munmap(r, sizeof(*r));
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
	hf_dir = tu_fmt("%s/hostile", mf_dir);
	cmd = tu_fmt("python3 '%s/malformed/hostile.py' findings '%s'", mf_srcdir, hf_dir);
	rc = system(cmd);
	free(cmd);
	if (rc != 0) {
		fprintf(stderr, "test_malformed: tests/malformed/hostile.py failed (status %d); "
			"it needs python3, gcc, llvm-mc and ar\n", rc);
		return 1;
	}
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
	free(hf_dir);
	hf_dir = NULL;
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
		/* linked images: shared objects and dylibs (their mutants reach
		 * fixups and layout too) */
		"gcc-so-basic.valid", "gcc-so-sysv-relr-basic.valid", "lld14-dylib-basic.valid",
		"lld16-chained-basic.valid",
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

/* ---- issue 18: one test per finding --------------------------------------- */

static objload_status hf_add_memory(objload_session *s, const char *path)
{
	size_t len;
	uint8_t *bytes = tu_read_file(path, &len);   /* exactly the file's size */
	objload_status st;

	if (!bytes)
		return OBJLOAD_ERR_IO;
	st = objload_add_memory(s, path, bytes, len);
	free(bytes);   /* the session is freed before use: fine on error */
	return st;
}

/* 1: a thin archive's BSD names and index come from bytes it does not
 * have: each is refused as malformed, in process and through `info`. */
static void test_hostile_thin_archives(void)
{
	static const char *const inputs[] = {
		"thin-symdef64.a", "thin-bsd64.a", "thin-bsd-past.a",
	};

	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		char *path = hf_path(inputs[i]);
		int ws;
		struct hf_api *r = hf_api_run(hf_add_memory, path, 10, &ws);
		struct hf_run c;

		MF_CHECK(r->done && r->st == OBJLOAD_ERR_FORMAT && strstr(r->msg, path) &&
			 strstr(r->msg, "thin archive"),
			 "%s in process: %s (wait status 0x%x), status %s, message '%s'",
			 inputs[i], r->done ? "returned" : "died", ws,
			 objload_status_name(r->st), r->msg);
		hf_api_free(r);
		c = hf_objload("info", path, NULL, NULL, NULL, NULL);
		MF_CHECK(hf_exit(&c) == 1 && strstr(c.err, "thin archive"),
			 "objload info %s: exit %d, stderr %.300s", inputs[i], hf_exit(&c), c.err);
		free(c.err);
		free(path);
	}
}

/* A CLI run within the time and memory budgets. */
static void hf_check_budget(const char *what, const struct hf_run *r, int want_exit)
{
	MF_CHECK(hf_exit(r) == want_exit, "%s: exit %d (want %d; wait status 0x%x); stderr %.400s",
		 what, hf_exit(r), want_exit, r->ws, r->err);
	MF_CHECK(r->seconds < hf_seconds_budget(), "%s: %.2f s (budget %.1f s)", what,
		 r->seconds, hf_seconds_budget());
	MF_CHECK(r->megabytes < hf_megabytes_budget(), "%s: %.0f MB peak RSS (budget %.0f MB)",
		 what, r->megabytes, hf_megabytes_budget());
	fprintf(stderr, "\n    %s: %.2f s, %.0f MB", what, r->seconds, r->megabytes);
}

/* 2 and 3: 32k associative COMDAT sections and 100k directives parse
 * and link in linear time and memory. */
static void test_hostile_coff_heavy(void)
{
	static const char *const inputs[] = { "coff-assoc.obj", "coff-altname.obj" };

	for (size_t i = 0; i < 2; i++) {
		char *path = hf_path(inputs[i]);
		char *what = tu_fmt("info %s", inputs[i]);
		struct hf_run r = hf_objload("info", path, NULL, NULL, NULL, NULL);

		hf_check_budget(what, &r, 0);
		free(r.err);
		free(what);
		what = tu_fmt("link %s", inputs[i]);
		r = hf_objload("link", "--base=0x10000000", "-o", "/dev/null", path, NULL);
		hf_check_budget(what, &r, 0);
		free(r.err);
		free(what);
		free(path);
	}
}

static objload_status hf_link_with(objload_session *s, const char *path,
				   const objload_memory_manager *mm, void *ctx)
{
	objload_status st = objload_set_memory_manager(s, mm, ctx);
	int status = -1;

	if (!st)
		st = objload_add_file(s, path);
	if (!st)
		st = objload_link(s);
	if (!st)
		st = objload_run_main(s, NULL, 0, NULL, &status);
	return st ? st : status == 7 ? OBJLOAD_OK : OBJLOAD_ERR_STATE;
}

static objload_status hf_arena_bss(objload_session *s, const char *path)
{
	/* freed by hf_api_run after the session */
	objload_status st = objload_arena_new(0, &hf_arena);

	return st ? st : hf_link_with(s, path, objload_arena_memory_manager(), hf_arena);
}

static objload_status hf_scatter_bss(objload_session *s, const char *path)
{
	static objload_scatter_ctx ctx;

	/* whole: scattered sections put .text's PC32 to .bss out of reach */
	objload_set_strategy(s, OBJLOAD_STRATEGY_WHOLE);
	return hf_link_with(s, path, objload_scatter_memory_manager(), &ctx);
}

static objload_status hf_limit_sections(objload_session *s, const char *path)
{
	objload_set_limit(s, OBJLOAD_LIMIT_SECTIONS, 3);
	return objload_add_file(s, path);
}

static objload_status hf_limit_mapped(objload_session *s, const char *path)
{
	objload_status st = objload_set_limit(s, OBJLOAD_LIMIT_MAPPED, 1u << 30);

	if (!st)
		st = objload_add_file(s, path);
	return st ? st : objload_link(s);
}

/* 4: zero-fill is committed only where touched, in every manager and
 * strategy; caps refuse what is too large, settable in API and CLI. */
static void test_hostile_zerofill(void)
{
	char *bss = hf_path("bss-1536m.o"), *bss8 = hf_path("bss-8g.o");
	static const char *const strategies[] = { "--strategy=whole", "--strategy=section" };
	struct hf_run r;
	struct hf_api *a;
	int ws;

	for (size_t i = 0; i < 2; i++) {
		char *what = tu_fmt("run %s bss-1536m.o", strategies[i]);

		r = hf_objload("run", strategies[i], bss, NULL, NULL, NULL);
		hf_check_budget(what, &r, 7);
		free(r.err);
		free(what);
	}
	/* the arena and scatter managers (the child's RSS: under the parent's
	 * own, which is far below a committed 1.5 GiB) */
	a = hf_api_run(hf_arena_bss, bss, 20, &ws);
	MF_CHECK(a->done && a->st == OBJLOAD_OK, "arena manager, bss-1536m.o: %s %s",
		 objload_status_name(a->st), a->msg);
	hf_api_free(a);
	a = hf_api_run(hf_scatter_bss, bss, 20, &ws);
	MF_CHECK(a->done && a->st == OBJLOAD_OK, "scatter manager, bss-1536m.o: %s %s",
		 objload_status_name(a->st), a->msg);
	hf_api_free(a);
	/* 8 GiB: above the default zero-fill cap, named in the error */
	r = hf_objload("run", "--strategy=section", bss8, NULL, NULL, NULL);
	MF_CHECK(hf_exit(&r) == 1 && strstr(r.err, bss8) && strstr(r.err, "zero-fill") &&
		 strstr(r.err, "--limit=zerofill"), "8 GiB .lbss: exit %d, %s", hf_exit(&r), r.err);
	free(r.err);
	r = hf_objload("run", "--limit=zerofill=1G", bss, NULL, NULL, NULL);
	MF_CHECK(hf_exit(&r) == 1 && strstr(r.err, "limit of 1073741824"),
		 "--limit=zerofill=1G: exit %d, %s", hf_exit(&r), r.err);
	free(r.err);
	r = hf_objload("run", "--limit=zerofill=2G", bss, NULL, NULL, NULL);
	MF_CHECK(hf_exit(&r) == 7, "--limit=zerofill=2G: exit %d, %s", hf_exit(&r), r.err);
	free(r.err);
	r = hf_objload("run", "--limit=bogus=1", bss, NULL, NULL, NULL);
	MF_CHECK(hf_exit(&r) == 2, "--limit=bogus=1: exit %d, %s", hf_exit(&r), r.err);
	free(r.err);
	a = hf_api_run(hf_limit_sections, bss, 20, &ws);
	MF_CHECK(a->done && a->st == OBJLOAD_ERR_NOMEM && strstr(a->msg, "sections") &&
		 strstr(a->msg, bss), "OBJLOAD_LIMIT_SECTIONS 3: %s %s",
		 objload_status_name(a->st), a->msg);
	hf_api_free(a);
	a = hf_api_run(hf_limit_mapped, bss, 20, &ws);
	MF_CHECK(a->done && a->st == OBJLOAD_ERR_NOMEM && strstr(a->msg, "limit of 1073741824") &&
		 strstr(a->msg, bss), "OBJLOAD_LIMIT_MAPPED 1 GiB: %s %s",
		 objload_status_name(a->st), a->msg);
	hf_api_free(a);
	free(bss);
	free(bss8);
}

static objload_status hf_add_fifo(objload_session *s, const char *path)
{
	return objload_add_file(s, path);
}

static objload_status hf_add_lib(objload_session *s, const char *path)
{
	return objload_add_library(s, path);
}

static objload_status hf_thin_fifo(objload_session *s, const char *dir)
{
	char *main_o = tu_fmt("%s/fan-main.o", hf_dir), *a = tu_fmt("%s/thin.a", dir);
	objload_status st = objload_add_file(s, main_o);

	objload_define(s, "leaf_fn", 0x1000);
	if (!st)
		st = objload_set_whole_archive(s, 1);
	if (!st)
		st = objload_add_file(s, a);
	free(main_o);
	free(a);
	return st;
}

/* 5: a FIFO given as input, named by an ld script or standing for a thin
 * archive's member is refused at once, never read (a read would block). */
static void test_hostile_fifo(void)
{
	char *dir = tu_fmt("%s/fifo", mf_dir), *fifo = tu_fmt("%s/fifo.o", dir);
	char *script = tu_fmt("%s/libff.so", dir), *cmd;
	struct {
		const char *what;
		hf_api_fn fn;
		const char *arg;
	} runs[3];
	FILE *f;

	mkdir(dir, 0755);
	/* a thin archive of a real object, whose member then becomes a FIFO */
	cmd = tu_fmt("cd '%s' && cp ../hostile/fan-main.o m.o && ar rcT thin.a m.o && rm m.o", dir);
	MF_CHECK(system(cmd) == 0, "%s", cmd);
	free(cmd);
	cmd = tu_fmt("%s/m.o", dir);
	MF_CHECK(mkfifo(fifo, 0644) == 0 && mkfifo(cmd, 0644) == 0, "mkfifo: %s", strerror(errno));
	free(cmd);
	f = fopen(script, "w");
	if (f) {
		fprintf(f, "/* GNU ld script */\nGROUP ( %s )\n", fifo);
		fclose(f);
	}
	runs[0].what = "input file";
	runs[0].fn = hf_add_fifo;
	runs[0].arg = fifo;
	runs[1].what = "named by an ld script";
	runs[1].fn = hf_add_lib;
	runs[1].arg = script;
	runs[2].what = "thin archive member";
	runs[2].fn = hf_thin_fifo;
	runs[2].arg = dir;
	for (size_t i = 0; i < 3; i++) {
		int ws;
		struct hf_api *r = hf_api_run(runs[i].fn, runs[i].arg, 5, &ws);
		char *argv[10] = { (char *)mf_bin, (char *)"link", (char *)"--base=0x10000000",
				   (char *)"-o", (char *)"/dev/null" };
		struct hf_run c;
		char *thin = tu_fmt("%s/thin.a", dir), *main_o = hf_path("fan-main.o");
		char *lscript = tu_fmt("-l%s", script);

		MF_CHECK(r->done && r->st == OBJLOAD_ERR_IO && strstr(r->msg, "not a regular file"),
			 "FIFO as %s: %s (wait status 0x%x%s), status %s, '%s'", runs[i].what,
			 r->done ? "returned" : "did not return", ws,
			 WIFSIGNALED(ws) && WTERMSIG(ws) == SIGALRM ? ": blocked" : "",
			 objload_status_name(r->st), r->msg);
		hf_api_free(r);
		/* and through the CLI (killed after HF_HANG s if it blocks) */
		argv[5] = i == 0 ? fifo : main_o;
		argv[6] = i == 1 ? lscript : i == 2 ? (char *)"--whole-archive" : NULL;
		argv[7] = i == 2 ? thin : NULL;
		argv[8] = i == 2 ? (char *)"--define=leaf_fn=0x1000" : NULL;
		c = hf_spawn(argv);
		MF_CHECK(hf_exit(&c) == 1 && strstr(c.err, "not a regular file"),
			 "objload link with a FIFO as %s: exit %d%s, %s", runs[i].what, hf_exit(&c),
			 c.ws == -1 ? " (killed: it blocked)" : "", c.err);
		free(c.err);
		free(thin);
		free(main_o);
		free(lscript);
	}
	free(dir);
	free(fifo);
	free(script);
}

/* 6: ld scripts naming each other repeatedly load each file once. */
static void test_hostile_script_fanout(void)
{
	char *main_o = hf_path("fan-main.o"), *dir = hf_path("fan");
	char *ldir = tu_fmt("-L%s", dir);
	struct hf_run r = hf_objload("run", main_o, ldir, "-lfan", NULL, NULL);

	hf_check_budget("run fan-main.o -lfan (8 levels x 12)", &r, 42);
	free(r.err);
	free(ldir);
	free(dir);
	free(main_o);
}

/* 8: a name's control bytes reach no terminal: one line, escaped. */
static void test_hostile_control_bytes(void)
{
	char *path = hf_path("ctrl-name.o");
	struct hf_run r = hf_objload("run", path, NULL, NULL, NULL, NULL);
	size_t n = strlen(r.err), bad = 0;

	for (size_t i = 0; i + 1 < n; i++)
		if ((unsigned char)r.err[i] < 0x20 || r.err[i] == 0x7f)
			bad++;
	MF_CHECK(hf_exit(&r) == 1 && n && r.err[n - 1] == '\n' && bad == 0 &&
		 strstr(r.err, "'\\x1b[2J\\x0aobjload: forged line\\x07\\x7fQ"),
		 "run ctrl-name.o: exit %d, %zu control bytes in stderr: %s", hf_exit(&r), bad,
		 r.err);
	free(r.err);
	free(path);
}

/* 9: weak externals whose default has no address are refused. */
static void test_hostile_coff_weak(void)
{
	static const char *const inputs[][2] = {
		{ "coff-weak-aux.obj", "auxiliary record" },
		{ "coff-weak-file.obj", ".file" },
		{ "coff-weak-cycle.obj", "cycle" },
	};

	for (size_t i = 0; i < 3; i++) {
		char *path = hf_path(inputs[i][0]);
		struct hf_run r = hf_objload("link", "--base=0x10000000", "-o", "/dev/null",
					     path, NULL);

		MF_CHECK(hf_exit(&r) == 1 && strstr(r.err, path) && strstr(r.err, "(wa)") &&
			 strstr(r.err, "weak external") && strstr(r.err, inputs[i][1]),
			 "link %s: exit %d, %s", inputs[i][0], hf_exit(&r), r.err);
		free(r.err);
		free(path);
	}
}

/* 11: errors name their file; nothing is skipped silently. */
static void test_hostile_named_errors(void)
{
	char *rela = hf_path("elf-rela-symtab.o"), *ent = hf_path("entry-data.o");
	struct hf_run r = hf_objload("link", "--base=0x10000000", "--define=ext=0x1000", "-o",
				     "/dev/null", rela);

	MF_CHECK(hf_exit(&r) == 1 && strstr(r.err, rela) && strstr(r.err, ".symtab"),
		 "relocation section patching .symtab: exit %d, %s", hf_exit(&r), r.err);
	free(r.err);
	r = hf_objload("run", "--entry=data_main", ent, NULL, NULL, NULL);
	MF_CHECK(hf_exit(&r) == 1 && strstr(r.err, ent) && strstr(r.err, "data_main"),
		 "--entry=data_main: exit %d, %s", hf_exit(&r), r.err);
	free(r.err);
	free(rela);
	free(ent);
}

/* ---- scaling: 100k entries of every kind -------------------------------------- */

static void test_hostile_scaling(void)
{
	char *dir = tu_fmt("%s/scaling", mf_dir);
	char *cmd = tu_fmt("python3 '%s/malformed/hostile.py' scaling '%s' %s", mf_srcdir, dir,
			   tu_env_or("OBJLOAD_SCALING_N", "100000"));
	static const struct {
		const char *what, *a, *b;
	} kinds[] = {
		{ "sections", "sections.o", NULL },
		{ "symbols", "symbols.o", NULL },
		{ "relocations", "relocs.o", NULL },
		{ "COFF directives", "directives.obj", NULL },
		{ "COMDAT members", "comdat.obj", NULL },
		{ "archive members", "members-main.o", "members.a" },
		{ "ld script entries", "script-main.o", "-lscr" },
	};

	if (!MF_CHECK(system(cmd) == 0, "%s failed", cmd)) {
		free(cmd);
		free(dir);
		return;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char *a = tu_fmt("%s/%s", dir, kinds[i].a);
		char *b = kinds[i].b && kinds[i].b[0] != '-' ? tu_fmt("%s/%s", dir, kinds[i].b) :
			  kinds[i].b ? strdup(kinds[i].b) : NULL;
		char *ldir = tu_fmt("-L%s/script", dir);
		char *what = tu_fmt("100k %s: link %s%s%s", kinds[i].what, kinds[i].a,
				    b ? " " : "", b ? kinds[i].b : "");
		char *argv[] = { (char *)mf_bin, (char *)"link", (char *)"--base=0x10000000",
				 (char *)"-o", (char *)"/dev/null", ldir, a, b, NULL };
		struct hf_run r;

		if (!b || b[0] != '-') {   /* no -L: main.o [archive] */
			argv[5] = a;
			argv[6] = b;
			argv[7] = NULL;
		}
		r = hf_spawn(argv);
		hf_check_budget(what, &r, 0);
		free(r.err);
		free(what);
		free(ldir);
		free(a);
		free(b);
	}
	fprintf(stderr, "\n");
	free(cmd);
	free(dir);
}

int objload_test_register_malformed(void)
{
	static const struct tu_test tests[] = {
		{ "valid seeds link", test_malformed_valid },
		{ "mutants in process", test_malformed_in_process },
		{ "mutants through the CLI", test_malformed_cli },
		{ "regression inputs", test_malformed_regressions },
		{ "issue 18/1: thin archives reading past their bytes", test_hostile_thin_archives },
		{ "issue 18/2,3: COFF COMDAT groups and directives in linear time",
		  test_hostile_coff_heavy },
		{ "issue 18/4: zero-fill committed when touched, caps", test_hostile_zerofill },
		{ "issue 18/5: FIFOs are refused, never read", test_hostile_fifo },
		{ "issue 18/6: ld-script fan-out loads each file once", test_hostile_script_fanout },
		{ "issue 18/8: control bytes in diagnostics", test_hostile_control_bytes },
		{ "issue 18/9: COFF weak externals without a default", test_hostile_coff_weak },
		{ "issue 18/11: errors name their file", test_hostile_named_errors },
		{ "100k entries of every kind: < 2 s, < 256 MB", test_hostile_scaling },
	};
	return tu_add_suite("malformed", mf_suite_init, mf_suite_cleanup, tests, TU_COUNT(tests));
}
