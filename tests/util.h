/* SPDX-License-Identifier: MIT */
/*
 * What every suite of the test program needs besides CUnit: formatted
 * strings and string vectors that cannot fail (out of memory aborts the
 * test program), whole files read and written, temporary directories,
 * child processes run with a time limit and their output captured, shell
 * commands, compiling sources into a directory, little- and big-endian
 * fields, objects loaded through the public API, checks that say what
 * went wrong, and suite registration from a table.
 *
 * One version of each, so that the suites differ only in what they test.
 * The tests/ source directory and the objload binary are compile-time
 * defaults (OBJLOAD_TEST_SRCDIR, OBJLOAD_BIN, set by Makefile.am) that the
 * environment variables of the same names override: tu_srcdir() and
 * tu_objload_bin().
 */
#ifndef OBJLOAD_TESTS_UTIL_H
#define OBJLOAD_TESTS_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <CUnit/CUnit.h>

#include "objload.h"
#include "objload/plugin.h"

#ifndef OBJLOAD_TEST_SRCDIR
#define OBJLOAD_TEST_SRCDIR "tests"
#endif
#ifndef OBJLOAD_BIN
#define OBJLOAD_BIN "./objload"
#endif

#define TU_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A Microsoft x64 function (pointer) type.  The suites that call COFF
 * x86-64 code in process mean an x86-64 host; elsewhere they compile
 * and are not run (`make check-qemu` names the suites it runs). */
#if defined(__x86_64__)
#define TU_MS_ABI __attribute__((ms_abi))
#else
#define TU_MS_ABI
#endif

/* ---- memory and strings -------------------------------------------------- */

/* Reports "out of memory" and aborts the test program. */
__attribute__((noreturn)) void tu_oom(void);

/* printf into a new string (to free); never NULL. */
char *tu_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* strdup that never returns NULL. */
char *tu_strdup(const char *s);

/* A new copy of the n bytes at p (to free; at least one byte allocated,
 * so that an empty copy is not NULL). */
uint8_t *tu_memdup(const void *p, size_t n);

/* A NULL-terminated vector of owned strings, usable as an argv.  A zeroed
 * struct is an empty vector. */
struct tu_strv {
	char **v;
	size_t n, cap;
};

void tu_strv_push(struct tu_strv *sv, const char *s);
void tu_strv_pushv(struct tu_strv *sv, const struct tu_strv *from);
void tu_strv_free(struct tu_strv *sv);
void tu_strv_sort(struct tu_strv *sv);

/* qsort comparison of two `char *` elements. */
int tu_cmp_strp(const void *a, const void *b);

/* s single-quoted for /bin/sh into out (n bytes, truncated if need be). */
void tu_shell_quote(char *out, size_t n, const char *s);

/* argv (NULL-terminated) joined with spaces into buf, for messages. */
void tu_argv_str(const char *const argv[], char *buf, size_t len);

/* The value of environment variable `name`, or dflt when unset or empty. */
const char *tu_env_or(const char *name, const char *dflt);

/* The tests/ source directory and the objload binary, absolute where
 * possible (children run in other directories; a bare name is left to the
 * PATH search).  Owned by this module. */
const char *tu_srcdir(void);
const char *tu_objload_bin(void);

/* ---- checks ---------------------------------------------------------------- */

/*
 * Records one CUnit assertion whose message is the formatted text (CUnit
 * keeps a copy) and, when it failed, prints "SUITE FAILED (line N): text"
 * to stderr as well, where long messages stay readable.  Returns ok.
 * Each suite wraps it in a macro passing __FILE__ and __LINE__.
 */
int tu_check_at(const char *suite, const char *file, unsigned line, int ok,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * Records one assertion named by the expression's text; when it failed,
 * prints the formatted details to stderr, at most 40 times per *budget
 * (a suite's counter of details printed).
 */
void tu_expect_at(unsigned *budget, int ok, const char *expr, const char *file,
		  unsigned line, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* A CUnit suite from a table of tests; 0, or -1 when CUnit refused. */
struct tu_test {
	const char *name;
	CU_TestFunc fn;
};

int tu_add_suite(const char *name, CU_InitializeFunc init, CU_CleanupFunc cleanup,
		 const struct tu_test *tests, size_t ntests);

/* ---- files ------------------------------------------------------------------ */

/* The whole file in a buffer of exactly its size (so that the sanitizers
 * see any read past its end), its size in *len; NULL with errno set when
 * it cannot be read. */
uint8_t *tu_read_file(const char *path, size_t *len);

/* The whole file as a NUL-terminated string (len, if not NULL, gets its
 * size); NULL with errno set when it cannot be read. */
char *tu_read_text(const char *path, size_t *len);

/* The text of a file that may be absent (a child's output): "" when it
 * cannot be read; never NULL. */
char *tu_read_output(const char *path);

/* Appends the whitespace-separated words of a text file to out; an absent
 * file gives none.  0, or -1 when it exists but cannot be read. */
int tu_read_words(const char *path, struct tu_strv *out);

/* Writes a file; 0, or -1 with errno set. */
int tu_write_file(const char *path, const void *data, size_t len);
int tu_write_text(const char *path, const char *text);

/* A new directory $TMPDIR/objload-TAG-XXXXXX (to free); NULL with errno
 * set, after saying why on stderr. */
char *tu_mkdtemp(const char *tag);

/* Removes dir and everything below it, or keeps it (and says where) when
 * OBJLOAD_KEEP_TMP is set; 0, or -1 after printing why. */
int tu_rm_rf(const char *dir);

/* A suite's cleanup of the directory its init made with tu_mkdtemp:
 * tu_rm_rf, then frees *dir and sets it to NULL; nothing when NULL. */
void tu_rm_tmpdir(char **dir);

/*
 * For a suite whose init only makes its temporary directory: defines
 * `static char *DIR` and the suite's INIT and CLEANUP functions, which
 * make $TMPDIR/objload-TAG-XXXXXX and remove it.
 */
#define TU_SUITE_TMPDIR(dir, tag, init, cleanup) \
	static char *dir;                          \
	static int init(void)                      \
	{                                          \
		dir = tu_mkdtemp(tag);             \
		return dir ? 0 : -1;               \
	}                                          \
	static int cleanup(void)                   \
	{                                          \
		tu_rm_tmpdir(&dir);                \
		return 0;                          \
	}

/* ---- child processes -------------------------------------------------------- */

/* How a child ended, and what it printed. */
struct tu_result {
	int exited;          /* 1: the child exited and code is its status */
	int code;            /* exit status; 128 + signal when a signal killed
				it; -1 when it timed out or did not start */
	int timed_out;       /* 1: killed after the time limit */
	char what[96];       /* for messages: "exit status 1", "killed by
				signal 11 (Segmentation fault)", "timed out
				after 20 s", "could not start cc: ..." */
	char *out, *err;     /* stdout, stderr (tu_run: never NULL) */
	size_t outlen, errlen;
};

/*
 * Starts argv (PATH search) in cwd (NULL: here) in a process group of its
 * own, stdin from /dev/null, stdout and stderr into the named files (NULL:
 * /dev/null; the same path twice: one file).  The pid, or -1 with *errnum
 * set.
 */
pid_t tu_spawn(char *const argv[], const char *cwd, const char *out, const char *err,
	       int *errnum);

/* Waits for pid, killing its process group after timeout seconds (and any
 * process the child left behind); fills r's status fields. */
void tu_wait(pid_t pid, int timeout, struct tu_result *r);

/* Runs argv to completion in cwd, its output through the files STEM.out
 * and STEM.err (removed afterwards) into r; free with tu_result_free. */
void tu_run(char *const argv[], const char *cwd, const char *stem, int timeout,
	    struct tu_result *r);
void tu_result_free(struct tu_result *r);

/* Whether two children ended the same way. */
int tu_same_end(const struct tu_result *a, const struct tu_result *b);

/* Runs a formatted /bin/sh command line; its exit status, 128 + signal when
 * a signal killed it, or -1 when it could not run. */
int tu_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs cmd through /bin/sh and returns its stdout (to free; NULL when it
 * could not start); *status, if not NULL, as tu_sh's. */
char *tu_capture(const char *cmd, int *status);

/* Runs a formatted shell command line with stderr joined to stdout; when it
 * fails, prints the command and its output.  1 when it exited 0. */
int tu_sh_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Whether `tool` is on the PATH. */
int tu_have_tool(const char *tool);

/* ---- compiling ------------------------------------------------------------------ */

/*
 * Compiles sources (paths) in parallel with `cc flags... -c SRC -o
 * DIR/BASE.o`, BASE the source's name without its extension, in dir; each
 * compiler is killed after timeout seconds.  The objects' paths are
 * appended to objs in source order.  Returns 1 when all compiled; each
 * failure appends a message (command, status, first lines of the
 * compiler's output) to failures.
 */
int tu_compile(const char *cc, const struct tu_strv *flags, const char *const sources[],
	       size_t nsources, const char *dir, int timeout, struct tu_strv *objs,
	       struct tu_strv *failures);

/*
 * Writes text into DIR/NAME.EXT and compiles it with cc and flags
 * (whitespace-separated) into DIR/NAME.o, killing the compiler after
 * 120 s.  The object's path (to free), or NULL with *why (to free) saying
 * what failed.
 */
char *tu_compile_text(const char *dir, const char *name, const char *ext,
		      const char *text, const char *cc, const char *flags, char **why);

/* ---- fields of binary files --------------------------------------------------- */

/* The n bytes (1 to 8) at p as an unsigned number, least significant byte
 * first; v written there that way; v written most significant byte first. */
uint64_t tu_get_le(const uint8_t *p, unsigned n);
void tu_put_le(uint8_t *p, unsigned n, uint64_t v);
void tu_put_be(uint8_t *p, unsigned n, uint64_t v);

/* The two's complement reading of v, with no implementation-defined cast. */
int64_t tu_as_i64(uint64_t v);

/* ---- objects through the public API ------------------------------------------- */

/* One object file added to a session of its own; the session owns the
 * image, `bytes` (when set) must outlive it. */
struct tu_loaded {
	objload_session *session;
	const objload_image *img;  /* when the file gave exactly one image */
	objload_status status;
	const char *msg;           /* objload_errmsg, or "" */
	uint8_t *bytes;
	size_t len;
};

/* Adds bytes (the loaded object takes them) under `name`; the status. */
objload_status tu_load_memory(struct tu_loaded *l, const char *name, uint8_t *bytes,
			      size_t len);

/* Reads the file at path and adds it under `name` (NULL: path); the status
 * (OBJLOAD_ERR_IO with msg "cannot read" when it cannot be read). */
objload_status tu_load_file(struct tu_loaded *l, const char *path, const char *name);
void tu_unload(struct tu_loaded *l);

/* The index of the image's first section or symbol named `name`, or -1. */
int tu_find_section(const objload_image *img, const char *name);
int tu_find_symbol(const objload_image *img, const char *name);

#endif
