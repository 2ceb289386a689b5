/* SPDX-License-Identifier: MIT */
/*
 * The crash report of `objload run`: when the program dies of a fault
 * (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP or SIGSYS; on Windows
 * an unhandled exception), print the signal, the faulting address and a
 * backtrace whose frames in loaded code are named (function+offset,
 * image, and file:line for objects compiled with -g, from
 * objload_symbolize), then die of the same cause, so that the exit status
 * stays 128+N.
 *
 * The host layer (os_fatal_handler) catches the fault on a stack of its
 * own (a stack overflow is reported too) and calls the report below,
 * which only calls what is async-signal-safe: os_write_stderr,
 * objload_symbolize (which reads the session and never allocates) and
 * the host's stack walk (os_fatal.walk: glibc's backtrace(), through the
 * signal frame and the .eh_frame tables objload registered; frames
 * without unwind tables, COFF code, end the walk).  The interrupted frame
 * is printed before the walk, which needs none.  The unwinder sorts the
 * registered tables at its first search, and that sort allocates: if the
 * crash interrupted the allocator holding its lock (glibc aborting on a
 * corrupted heap in a threaded program), the walk would wait forever, so
 * the host layer bounds it (OS_FATAL_WALK_SECONDS): when the time is up
 * it says the backtrace was abandoned and the process dies of the
 * original signal.
 *
 * One session per process, so the tool keeps it in a static variable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "objload.h"
#include "os/os.h"
#include "tools/crash.h"

#define CRASH_MAX_FRAMES 64

static const objload_session *crash_session;

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
	os_write_stderr(l->buf, l->len);
	l->len = 0;
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

static void crash_report(const os_fatal *f)
{
	void *frames[CRASH_MAX_FRAMES];
	int n;
	struct line l = { .len = 0 };
	int first = -1;

	put_str(&l, "objload: fatal signal ");
	put_dec(&l, (uint64_t)f->sig);
	if (f->name) {
		put_str(&l, " (");
		put_str(&l, f->name);
		put_str(&l, ")");
	}
	if (f->has_addr) {
		put_str(&l, " at address ");
		put_hex(&l, f->addr);
	}
	flush_line(&l);
	put_str(&l, "objload: backtrace:");
	flush_line(&l);
	/* the interrupted frame first: naming it needs no walk */
	print_frame(0, f->pc, f->pc);
	n = f->walk(frames, CRASH_MAX_FRAMES);
	for (int i = 0; i < n && first < 0; i++)
		if ((uint64_t)(uintptr_t)frames[i] == f->pc)
			first = i;
	/* the callers, when the walk reached the interrupted frame; a
	 * return address: the call is the byte before */
	for (int i = first + 1; first >= 0 && i < n; i++) {
		uint64_t a = (uint64_t)(uintptr_t)frames[i];

		print_frame(i - first, a, a - 1);
	}
}

void crash_report_install(const objload_session *s)
{
	crash_session = s;
	os_fatal_handler(crash_report);
}
