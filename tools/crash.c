/* SPDX-License-Identifier: MIT */
/*
 * The crash report of `objload run`: when the program dies of SIGSEGV,
 * SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP or SIGSYS, print the signal,
 * the faulting address and a backtrace whose frames in loaded code are
 * named (function+offset, image, and file:line for objects compiled with
 * -g, from objload_symbolize), then die of
 * the same signal, so that the exit status stays 128+N.
 *
 * The handler runs on its own stack (a stack overflow is reported too)
 * and only calls what is async-signal-safe: write(2), objload_symbolize
 * (which reads the session and never allocates) and glibc's backtrace(),
 * which walks the frames with libgcc's unwinder through the signal frame
 * and the .eh_frame tables objload registered; backtrace() is called
 * once when the handler is installed so that libgcc_s is loaded then and
 * not in the handler.  The unwinder sorts the registered tables at its
 * first search, and that sort allocates: if the crash interrupted the
 * allocator holding its lock (glibc aborting on a corrupted heap in a
 * threaded program), the walk would wait forever.  So the walk runs under
 * an alarm of CRASH_WALK_SECONDS: when it rings, the report says the
 * backtrace was abandoned and the process dies of the original signal.  Frames without unwind tables (COFF code) end the
 * walk.  The handler is reset to the default action when it runs
 * (SA_RESETHAND): a fault inside it, or the faulting instruction executed
 * again on return, ends the process with the original signal; a signal
 * that was sent rather than caused (kill, raise, abort) is raised again.
 *
 * One session per process, so the tool keeps it in a static variable.
 */
#define _GNU_SOURCE
#include <execinfo.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "objload.h"
#include "tools/crash.h"

#define CRASH_STACK_SIZE (128 * 1024)
#define CRASH_MAX_FRAMES 64
#define CRASH_WALK_SECONDS 3

static const objload_session *crash_session;
static void *crash_stack;   /* the alternate stack, for the process's life */
static volatile sig_atomic_t crash_signal;   /* the signal being reported */

static const struct {
	int sig;
	const char *name;
} crash_signals[] = {
	{ SIGSEGV, "SIGSEGV" }, { SIGBUS, "SIGBUS" }, { SIGILL, "SIGILL" },
	{ SIGFPE, "SIGFPE" }, { SIGABRT, "SIGABRT" }, { SIGTRAP, "SIGTRAP" },
	{ SIGSYS, "SIGSYS" },
};

/* A line is built in a fixed buffer with these and written at once. */
struct line {
	char buf[512];
	size_t len;
};

static void put_str(struct line *l, const char *s)
{
	while (s && *s && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = *s++;
}

static void put_hex(struct line *l, uint64_t v)
{
	char tmp[16];
	int n = 0;

	put_str(l, "0x");
	do {
		tmp[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	while (n > 0 && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = tmp[--n];
}

static void put_dec(struct line *l, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n > 0 && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = tmp[--n];
}

static void flush_line(struct line *l)
{
	l->buf[l->len++] = '\n';
	while (l->len) {
		ssize_t w = write(STDERR_FILENO, l->buf, l->len);

		if (w <= 0)
			break;
		memmove(l->buf, l->buf + w, l->len - (size_t)w);
		l->len -= (size_t)w;
	}
}

static uint64_t interrupted_pc(const void *uctx)
{
	const ucontext_t *uc = uctx;

#if defined(__x86_64__)
	return (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	return (uint64_t)uc->uc_mcontext.pc;
#else
	(void)uc;
	return 0;
#endif
}

/* One frame: "  #N ADDR function+off (image)", or the image's section
 * when no function covers it, or "(host)". */
static void print_frame(int n, uint64_t addr, uint64_t lookup)
{
	struct line l = { .len = 0 };
	objload_addr_info info;

	put_str(&l, "  #");
	put_dec(&l, (uint64_t)n);
	put_str(&l, " ");
	put_hex(&l, addr);
	put_str(&l, " ");
	if (crash_session && objload_symbolize(crash_session, lookup, &info) == OBJLOAD_OK) {
		if (info.function) {
			put_str(&l, info.function);
			put_str(&l, "+");
			put_hex(&l, info.function_offset + (addr - lookup));
		} else {
			put_str(&l, info.section);
			put_str(&l, "+");
			put_hex(&l, info.section_offset + (addr - lookup));
		}
		put_str(&l, " (");
		put_str(&l, info.image);
		if (info.file) {
			put_str(&l, ", ");
			put_str(&l, info.file);
			put_str(&l, ":");
			put_dec(&l, info.line);
		}
		put_str(&l, ")");
	} else {
		put_str(&l, "(host)");
	}
	flush_line(&l);
}

/* Dies of `sig` with its default action, from inside a handler of it
 * (where it is blocked). */
static void die_of(int sig)
{
	struct sigaction dfl;
	sigset_t set;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	raise(sig);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	_exit(128 + sig);   /* not reached for the signals reported */
}

/* The walk did not return in CRASH_WALK_SECONDS. */
static void walk_alarm(int sig)
{
	static const char msg[] = "objload: backtrace abandoned: the stack walk did not return "
				  "(the crash interrupted the memory allocator or the unwinder)\n";
	ssize_t w;

	(void)sig;
	w = write(2, msg, sizeof(msg) - 1);
	(void)w;
	die_of(crash_signal);
}

static void crash_handler(int sig, siginfo_t *si, void *uctx)
{
	struct sigaction alarm_action;
	void *frames[CRASH_MAX_FRAMES];
	uint64_t pc = interrupted_pc(uctx);
	struct line l = { .len = 0 };
	int n, first = -1;

	put_str(&l, "objload: fatal signal ");
	put_dec(&l, (uint64_t)sig);
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
		if (crash_signals[i].sig == sig) {
			put_str(&l, " (");
			put_str(&l, crash_signals[i].name);
			put_str(&l, ")");
		}
	if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE) {
		put_str(&l, " at address ");
		put_hex(&l, (uint64_t)(uintptr_t)si->si_addr);
	}
	flush_line(&l);
	put_str(&l, "objload: backtrace:");
	flush_line(&l);
	/* the interrupted frame first: naming it needs no walk */
	print_frame(0, pc, pc);
	crash_signal = sig;
	memset(&alarm_action, 0, sizeof(alarm_action));
	alarm_action.sa_handler = walk_alarm;
	sigemptyset(&alarm_action.sa_mask);
	sigaction(SIGALRM, &alarm_action, NULL);
	alarm(CRASH_WALK_SECONDS);
	n = backtrace(frames, CRASH_MAX_FRAMES);
	alarm(0);
	for (int i = 0; i < n && first < 0; i++)
		if ((uint64_t)(uintptr_t)frames[i] == pc)
			first = i;
	/* the callers, when the walk reached the interrupted frame; a
	 * return address: the call is the byte before */
	for (int i = first + 1; first >= 0 && i < n; i++) {
		uint64_t a = (uint64_t)(uintptr_t)frames[i];

		print_frame(i - first, a, a - 1);
	}
	if (si->si_code <= 0)
		raise(sig);   /* sent, not caused: delivered again on return */
}

void crash_report_install(const objload_session *s)
{
	stack_t ss = { 0 };
	struct sigaction sa;
	void *warm[2];

	crash_session = s;
	if (!crash_stack && !(crash_stack = malloc(CRASH_STACK_SIZE)))
		return;
	ss.ss_sp = crash_stack;
	ss.ss_size = CRASH_STACK_SIZE;
	if (sigaltstack(&ss, NULL))
		return;
	(void)backtrace(warm, 2);   /* loads libgcc_s now, not in the handler */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = crash_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
		sigaction(crash_signals[i].sig, &sa, NULL);
}
