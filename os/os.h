/* SPDX-License-Identifier: MIT */
/*
 * The host operating system, as objload uses it: the one interface
 * between objload and the system it runs on.  Nothing outside os/
 * includes a system header (sys/mman.h, dlfcn.h, unistd.h, windows.h);
 * the core, the bridges and the CLI call these functions instead, and
 * configure picks one implementation per host family:
 *
 *   os/posix.c    Linux (x86-64, AArch64), and what a macOS port starts
 *                 from (docs/hosts.md says what it needs);
 *   os/windows.c  Windows x86-64 (mingw-w64).
 *
 * Conventions: functions return 0 on success and -1 (or NULL) on failure
 * unless they say otherwise; os_error() describes the last failure of a
 * memory, library or file call in the host's words.  Nothing here keeps
 * mutable state of its own: what must live (a library handle, a mapping)
 * is returned to the caller, who keeps it in its session.
 */
#ifndef OBJLOAD_OS_H
#define OBJLOAD_OS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- the host ------------------------------------------------------------ */

/* The host family's name ("linux", "windows"), for messages.  (A
 * function, not a variable: the library and the CLI each link a copy of
 * os/, and on Windows a variable's address goes through a COMDAT pointer
 * that the two copies would share.) */
const char *os_name(void);
/* Shared libraries and plug-ins end in this; PATH-style lists are split
 * at this character. */
#if defined(_WIN32)
#define OS_LIB_SUFFIX ".dll"
#define OS_PATH_LIST_SEP ';'
#define OS_PATH_LIST_SEP_STR ";"
#else
#define OS_LIB_SUFFIX ".so"
#define OS_PATH_LIST_SEP ':'
#define OS_PATH_LIST_SEP_STR ":"
#endif
/* Is c a directory separator of host paths ('/', and '\\' on Windows)? */
int os_is_dir_sep(int c);

#if defined(_WIN32)
#include <stdlib.h>
#include <string.h>
/* POSIX's strndup, which the Windows C runtime lacks. */
#define strndup os_strndup
static inline char *os_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = malloc(len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}
#endif

/* ---- locks ------------------------------------------------------------------ */

/* A mutex that needs no destruction and may be initialized statically. */
#if defined(_WIN32)
typedef struct os_mutex { void *srwlock; } os_mutex;   /* an SRWLOCK */
#define OS_MUTEX_INIT { 0 }
#else
#include <pthread.h>
typedef struct os_mutex { pthread_mutex_t m; } os_mutex;
#define OS_MUTEX_INIT { PTHREAD_MUTEX_INITIALIZER }
#endif
void os_mutex_init(os_mutex *m);
void os_mutex_lock(os_mutex *m);
void os_mutex_unlock(os_mutex *m);

/* Per-thread values under a key (pthread_key_t; a fiber-local slot on
 * Windows): `destructor` runs at a thread's exit when its value is not
 * NULL.  Delete a key only when no thread holds a value under it. */
typedef struct os_thread_key { uintptr_t key; } os_thread_key;
int os_thread_key_create(os_thread_key *k, void (*destructor)(void *));
void os_thread_key_delete(os_thread_key k);
void *os_thread_key_get(os_thread_key k);
/* 0 or -1. */
int os_thread_key_set(os_thread_key k, void *value);

/* ---- memory ---------------------------------------------------------------- */

/* Protections are objload's OBJLOAD_PROT_* bits (read 1, write 2, exec 4). */

/* The page size: the unit of protection. */
uint64_t os_page_size(void);
/* Where a mapping may begin: the page size on POSIX hosts, the 64 KiB
 * allocation granularity on Windows. */
uint64_t os_map_granularity(void);

/* Flags of os_map and os_map_at. */
#define OS_MAP_POPULATE 1u   /* every page will be written: commit all now */
#define OS_MAP_LOW 2u        /* ask for an address below 2 GiB (a hint) */

/* Fresh zeroed read-write memory of len bytes (a multiple of the page
 * size) at an address aligned to `align` (a power of two) that the system
 * chooses; NULL when there is none. */
void *os_map(size_t len, size_t align, unsigned flags);
/* The same at exactly `addr` (aligned to os_map_granularity), or NULL
 * when anything is mapped there: an existing mapping is never replaced. */
void *os_map_at(uint64_t addr, size_t len, unsigned flags);
/* Release a whole mapping os_map or os_map_at returned. */
int os_unmap(void *p, size_t len);
/* Set the protection of [p, p+len) (page-aligned) to OBJLOAD_PROT_* bits. */
int os_protect(void *p, size_t len, int prot);
/* Commit the pages of [p, p+len) now, best effort. */
void os_populate(void *p, size_t len);
/* Make code written at [p, p+len) visible to instruction fetch. */
void os_flush_icache(void *p, size_t len);
/* size bytes of the C heap aligned to `align` (a power of two, at least
 * the size of a pointer), freed by os_aligned_free; NULL when there are
 * none. */
void *os_aligned_alloc(size_t size, size_t align);
void os_aligned_free(void *p);
/* The last failure of an os_ call, in the host's words, in buf. */
const char *os_error(char *buf, size_t len);

/* ---- files ----------------------------------------------------------------- */

/* An opened regular file. */
typedef struct os_file {
	int fd;
	uint64_t size;
	uint64_t dev, ino;   /* identity: the same file opened twice */
} os_file;

/* A directory paths are opened relative to (a thin archive's). */
typedef struct os_dir os_dir;

/* What os_file_open refuses besides errno values. */
#define OS_FILE_NOT_REGULAR (-1)   /* a FIFO, device, directory, ... */
#define OS_FILE_ESCAPES (-2)       /* leaves the directory it must stay in */

/* 0, or an errno value. */
int os_dir_open(const char *path, os_dir **out);
void os_dir_close(os_dir *d);
/* Open `path` for reading, relative to `dir` (NULL: the current
 * directory), without waiting (a FIFO or terminal never blocks the open),
 * and refuse anything but a regular file.  With `beneath`, the path must
 * resolve strictly inside `dir`: no absolute path, no "..", no symbolic
 * link that leaves it.  0, or an errno value or OS_FILE_*. */
int os_file_open(const os_dir *dir, const char *path, int beneath, os_file *f);
/* Read len bytes at offset off: 0, an errno value, or -1 when the file
 * ended first. */
int os_file_read_at(const os_file *f, void *buf, size_t len, uint64_t off);
/* Map the first len bytes read-only; `prefault` reads every page now.
 * NULL on failure (os_error says why). */
void *os_file_map(const os_file *f, size_t len, int prefault);
void os_file_unmap(void *p, size_t len);
void os_file_close(os_file *f);
/* The text of an errno value. */
const char *os_strerror(int err);

/* What a path names, following symbolic links. */
typedef enum os_path_kind {
	OS_PATH_NONE,        /* nothing, or it cannot be examined */
	OS_PATH_FILE,        /* a regular file */
	OS_PATH_DIR,
	OS_PATH_OTHER,
} os_path_kind;
os_path_kind os_path_kind_of(const char *path);
/* Why code at `path` should not be trusted (any user may write to it, or
 * it belongs to neither the administrator nor the user running objload),
 * or NULL when it is safe or the host has no such notion. */
const char *os_path_unsafe(const char *path);
/* Can the file be read? */
int os_path_readable(const char *path);
/* The canonical absolute path of an existing file: 0 or -1. */
int os_realpath(const char *path, char *out, size_t len);
/* Call fn(ctx, name) for each entry of directory `dir` ("." and ".."
 * included, in the system's order) until it returns nonzero.  -1 when the
 * directory cannot be read, else 0. */
int os_dir_each(const char *dir, int (*fn)(void *ctx, const char *name), void *ctx);

/* ---- the host's libraries and symbols ------------------------------------- */

/* Flags of os_lib_open. */
#define OS_LIB_LAZY 1u       /* bind functions on first call */
#define OS_LIB_NOLOAD 2u     /* only when the process has it loaded already
				(a bare file name: looked for among the
				loaded modules only) */

/* The host's math library, opened for the C-level names the process does
 * not have; NULL where the C library has them all (Windows). */
const char *os_libm_name(void);

/* A handle of a shared library (dlopen, LoadLibrary), local to the
 * caller: its symbols do not join the process's global scope.  NULL on
 * failure, with the reason in err. */
void *os_lib_open(const char *path, unsigned flags, char *err, size_t errlen);
void *os_lib_symbol(void *lib, const char *name);
void os_lib_close(void *lib);
/* The address of C-level `name` in the process's global scope: the
 * program and every library it has loaded (dlsym(RTLD_DEFAULT); on
 * Windows, the program's exports and the C runtime and system DLLs). */
void *os_host_symbol(const char *name);
/* Is a host address inside executable code of a loaded module? */
int os_host_address_is_code(uint64_t addr);
/* The size of the host's data object `name` at `addr`, when the module
 * that holds it says: 1 and *size, else 0. */
int os_host_object_size(uint64_t addr, const char *name, uint64_t *size);
/* The file of the module that holds host address p, or NULL. */
const char *os_host_file_of(const void *p, char *buf, size_t len);
/* The name of the exported symbol at exactly p, or NULL. */
const char *os_host_symbol_at(const void *p);
/* The file of the module holding this code (objload itself): *is_library
 * 1 when it is a shared library, 0 when the program.  0 or -1. */
int os_self_file(char *buf, size_t len, int *is_library);

/* ---- time, identity, randomness -------------------------------------------- */

/* A monotonic clock in nanoseconds. */
uint64_t os_now_ns(void);
/* len random bytes from the system: 0, or -1 when it has none. */
int os_random(void *buf, size_t len);
/* The CPU features the kernel reports (AT_HWCAP), what glibc passes an
 * IFUNC resolver; 0 where the host has no such word. */
uint64_t os_hwcap(void);
/* The process id. */
long os_pid(void);
/* Does a debugger trace the process now (gdb --args, gdb -p)? */
int os_debugger_attached(void);
/* Where perf(1) looks for a JIT's symbol map, or -1 where there is none. */
int os_perf_map_path(char *buf, size_t len);

/* ---- exit-time handlers ------------------------------------------------------ */

/* fn(arg) at exit(), or when os_finalize(dso) runs first, in one LIFO
 * order with the C library's own handlers (__cxa_atexit on POSIX hosts;
 * on Windows a list here, which exit() runs).  0 or -1. */
int os_atexit(void (*fn)(void *), void *arg, void *dso);
/* Run (and forget) the handlers registered under dso, newest first. */
void os_finalize(void *dso);
/* pthread_atfork and at_quick_exit on behalf of the module dso, whose
 * os_finalize drops them (glibc's __register_atfork and
 * __cxa_at_quick_exit).  0 or -1.  On a host without fork, os_atfork
 * keeps nothing and succeeds (no fork ever runs the handlers);
 * os_at_quick_exit fails where the C library has no quick_exit. */
int os_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void), void *dso);
int os_at_quick_exit(void (*fn)(void), void *dso);

/* ---- signals ----------------------------------------------------------------- */

/* Restore the default action of every signal whose handler `is_ours`
 * says belongs to the caller (it is going away). */
void os_signals_reset(int (*is_ours)(void *ctx, void *handler), void *ctx);

/* A fatal fault of the process, for a crash report. */
typedef struct os_fatal {
	int sig;                  /* the POSIX signal number, or the host's code */
	const char *name;         /* "SIGSEGV", "EXCEPTION_ACCESS_VIOLATION", ... */
	int has_addr;             /* addr is the faulting address */
	uint64_t addr;
	uint64_t pc;              /* the interrupted instruction */
	/* Walk the stack through the fault: up to max return addresses,
	 * innermost first (the interrupted pc among them when the walk
	 * reaches it); their count.  Bounded in time (OS_FATAL_WALK_SECONDS):
	 * a walk that does not return says "backtrace abandoned" on standard
	 * error and the process dies of the fault. */
	int (*walk)(void **frames, int max);
} os_fatal;
#define OS_FATAL_WALK_SECONDS 3

/* Call `report` when the process dies of a fault (SIGSEGV, SIGBUS, SIGILL,
 * SIGFPE, SIGABRT, SIGTRAP, SIGSYS; Windows' unhandled exceptions), on
 * a stack of its own, then let the process die of the same cause.
 * `report` may only call async-signal-safe functions and os_write_stderr. */
void os_fatal_handler(void (*report)(const os_fatal *f));
/* The default action again for the fatal signals of os_fatal_handler,
 * whatever handler is in place (a sanitizer's): a crash then ends the
 * process by its signal. */
void os_fatal_signals_default(void);
/* Is a handler in place for a fatal signal (objload run's, a sanitizer's,
 * the embedding program's)?  Then a crash report may walk the stack. */
int os_fatal_handler_installed(void);
/* write(2) to standard error, async-signal-safe. */
void os_write_stderr(const char *buf, size_t len);

/* ---- child processes (objload compare) -------------------------------------- */

typedef struct os_child {
	long pid;
	int report_fd;   /* the read end of the child's report channel */
} os_child;

typedef struct os_child_status {
	int exited, code;       /* exit status */
	int signaled, sig;      /* killed by a signal */
	int timed_out;          /* killed at the deadline */
} os_child_status;

/* Run fn(ctx, fd) in a child process of its own process group, fd the
 * write end of a channel whose read end is c->report_fd; fn never
 * returns.  0, or -1 with errno set (ENOSYS on a host without fork). */
int os_child_start(os_child *c, void (*fn)(void *ctx, int fd), void *ctx);
/* Everything the child writes until it closes the channel or
 * `deadline_ns` (os_now_ns; 0: none) passes, NUL-terminated (the caller
 * frees it); *timed_out set when the deadline passed. */
char *os_child_read_report(os_child *c, uint64_t deadline_ns, int *timed_out);
/* Wait for the child, killing its process group at `deadline_ns` (0:
 * none) or at once with `kill_now`; closes the channel.  0 or -1. */
int os_child_wait(os_child *c, uint64_t deadline_ns, int kill_now, os_child_status *st);
/* The program's arguments in UTF-8, as a Linux program receives them
 * (Windows' narrow argv is in the ANSI code page): replaces *argv, for
 * the life of the process. */
void os_args_utf8(int *argc, char ***argv);
/* Standard input, output and error byte for byte: no text mode that
 * writes "\r\n" for "\n" (Windows), so that a program's output is the
 * same on every host. */
void os_stdio_binary(void);
/* In a child: standard input, output and error to the null device. */
void os_silence_stdio(void);
/* A stream writing to descriptor fd. */
FILE *os_fdopen_write(int fd);
/* The description of a signal number ("Segmentation fault"). */
const char *os_signal_text(int sig);

#endif
