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
 * own (a stack overflow is reported too), walks the frames (glibc's
 * backtrace(), through the signal frame and the .eh_frame tables objload
 * registered; frames without unwind tables, COFF code, end the walk) and
 * calls the report below, which only calls what is async-signal-safe:
 * os_write_stderr and objload_symbolize (which reads the session and
 * never allocates).
 *
 * One session per process, so the tool keeps it in a static variable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "objload.h"
#include "os/os.h"
#include "tools/crash.h"

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
	for (int i = 0; i < f->nframes && first < 0; i++)
		if ((uint64_t)(uintptr_t)f->frames[i] == f->pc)
			first = i;
	if (first < 0) {
		/* the walk did not reach the interrupted frame */
		print_frame(0, f->pc, f->pc);
	} else {
		for (int i = first; i < f->nframes; i++) {
			uint64_t a = (uint64_t)(uintptr_t)f->frames[i];

			/* a return address: the call is the byte before */
			print_frame(i - first, a, i == first ? a : a - 1);
		}
	}
}

void crash_report_install(const objload_session *s)
{
	crash_session = s;
	os_fatal_handler(crash_report);
}
