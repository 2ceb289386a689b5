/* SPDX-License-Identifier: MIT */
/*
 * The Microsoft C runtime's own entry points that a Windows DLL's start-up
 * code calls: what MinGW's dllcrt2.o and libmingwex (and MSVC's CRT) import
 * from msvcrt.dll besides the standard C functions the host provides.
 *
 *   _initterm, _initterm_e  run a table of Microsoft x64 `void f(void)`
 *                           (`int f(void)`) pointers, skipping NULLs: the
 *                           CRT's initializer sections (.CRT$XI*, .CRT$XC*);
 *   _amsg_exit              the CRT's fatal "runtime error R60nn": message
 *                           on stderr, exit status 255, as msvcrt does;
 *   _lock, _unlock          the CRT's numbered locks (exit, heap, stdio...):
 *                           one recursive mutex per lock number up to
 *                           MS_CRT_LOCKS, per session (bound wrappers);
 *   __iob_func              msvcrt's array of FILE for stdin, stdout and
 *                           stderr (`&__iob_func()[1]` is MinGW's stdout):
 *                           three records of msvcrt's FILE size, per
 *                           session, which the stream functions of the
 *                           bridge (ms_x64_stream) take for the host's
 *                           streams;
 *   fwrite fputc putc fputs fflush
 *                           the host's, with those records translated;
 *   _errno                  the host's errno (per thread);
 *   ___lc_codepage_func, ___mb_cur_max_func
 *                           the "C" locale msvcrt starts in: code page 0,
 *                           one byte per character;
 *   wcslen                  of a Windows wchar_t string: 16-bit units.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi/ms_x64/ms_x64.h"

/* ---- initializer tables ----------------------------------------------- */

typedef MS_ABI void (*ms_pvfv)(void);
typedef MS_ABI int (*ms_pifv)(void);

static MS_ABI void ms_initterm(ms_pvfv *first, ms_pvfv *last)
{
	for (; first && first < last; first++)
		if (*first)
			(*first)();
}

static MS_ABI int ms_initterm_e(ms_pifv *first, ms_pifv *last)
{
	for (; first && first < last; first++) {
		int r = *first ? (*first)() : 0;

		if (r)
			return r;
	}
	return 0;
}

static MS_ABI void ms_amsg_exit(int code)
{
	fflush(stdout);
	fprintf(stderr, "runtime error R60%02d\n", code);
	_exit(255);
}

/* ---- the CRT's locks (bound: per session) -------------------------------- */

#define MS_CRT_LOCKS 64   /* msvcrt numbers its locks below _TOTAL_LOCKS, 36 */

struct ms_crt_locks {
	pthread_mutex_t lock[MS_CRT_LOCKS];
	int nready;
};

static void ms_crt_locks_release(void *p)
{
	struct ms_crt_locks *l = p;

	for (int i = 0; i < l->nready; i++)
		pthread_mutex_destroy(&l->lock[i]);
}

static int ms_crt_locks_init(void *p)
{
	struct ms_crt_locks *l = p;
	pthread_mutexattr_t a;
	int r = 0;

	if (pthread_mutexattr_init(&a))
		return -1;
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	for (; l->nready < MS_CRT_LOCKS && !r; l->nready++)
		r = pthread_mutex_init(&l->lock[l->nready], &a);
	pthread_mutexattr_destroy(&a);
	if (r)
		l->nready--;
	return r ? -1 : 0;
}

static const int ms_crt_locks_key;   /* its address names the state */

/* Lock number n of the session; NULL when n is out of range or memory
 * runs out. */
static pthread_mutex_t *ms_crt_lock(objload_session *s, int n)
{
	struct ms_crt_locks *l;

	if (n < 0 || n >= MS_CRT_LOCKS)
		return NULL;
	l = bridge_session_state(s, &ms_crt_locks_key, sizeof(*l), ms_crt_locks_init,
				 ms_crt_locks_release);
	return l ? &l->lock[n] : NULL;
}

static void msb_lock(int n, objload_session *s)
{
	pthread_mutex_t *m = ms_crt_lock(s, n);

	if (m)
		pthread_mutex_lock(m);
}

static void msb_unlock(int n, objload_session *s)
{
	pthread_mutex_t *m = ms_crt_lock(s, n);

	if (m)
		pthread_mutex_unlock(m);
}

/* ---- msvcrt's stream array ---------------------------------------------- */

/*
 * msvcrt's FILE on x64 (48 bytes): _ptr, _cnt, _base, _flag, _file,
 * _charbuf, _bufsiz, _tmpfname.  MinGW's _lock_file sets a bit of _flag
 * in the records of __iob_func(), so they are writable, one array per
 * session.  Each record's _ptr holds the address of ms_iob_mark and its
 * _file the descriptor (0, 1, 2): that is how the stream functions tell
 * such a record from a host FILE, whose first bytes are an int of flags
 * (0xfbad....) and never that address.
 */
struct ms_iobuf {
	const void *ptr;
	int32_t cnt;
	int32_t pad0;
	void *base;
	int32_t flag, file;
	int32_t charbuf, bufsiz;
	void *tmpfname;
};

_Static_assert(sizeof(struct ms_iobuf) == 48, "msvcrt's FILE is 48 bytes");

static const int ms_iob_mark;

static int ms_iob_init(void *p)
{
	struct ms_iobuf *iob = p;

	for (int i = 0; i < 3; i++) {
		iob[i].ptr = &ms_iob_mark;
		iob[i].file = i;
	}
	return 0;
}

static struct ms_iobuf *msb_iob_func(objload_session *s)
{
	return bridge_session_state(s, &ms_iob_mark, 3 * sizeof(struct ms_iobuf), ms_iob_init,
				    NULL);
}

FILE *ms_x64_stream(FILE *f)
{
	struct ms_iobuf r;

	if (!f)
		return f;
	memcpy(&r.ptr, f, sizeof(r.ptr));
	if (r.ptr != &ms_iob_mark)
		return f;
	memcpy(&r.file, (const uint8_t *)f + offsetof(struct ms_iobuf, file), sizeof(r.file));
	return r.file == 0 ? stdin : r.file == 1 ? stdout : stderr;
}

static MS_ABI size_t ms_fwrite(const void *buf, size_t size, size_t n, FILE *f)
{
	return fwrite(buf, size, n, ms_x64_stream(f));
}

static MS_ABI int ms_fputc(int c, FILE *f)
{
	return fputc(c, ms_x64_stream(f));
}

static MS_ABI int ms_fputs(const char *str, FILE *f)
{
	return fputs(str, ms_x64_stream(f));
}

static MS_ABI int ms_fflush(FILE *f)
{
	return fflush(f ? ms_x64_stream(f) : NULL);
}

/* ---- errno, locale, wide strings ------------------------------------------ */

static MS_ABI int *ms_errno(void)
{
	return &errno;
}

static MS_ABI int ms_lc_codepage(void)
{
	return 0;
}

static MS_ABI int ms_mb_cur_max(void)
{
	return 1;
}

static MS_ABI size_t ms_wcslen(const uint16_t *w)
{
	size_t n = 0;

	while (w[n])
		n++;
	return n;
}

/* ---- tables ------------------------------------------------------------ */

static const bridge_entry ms_crt_symbols[] = {
	{ "_initterm", (void *)ms_initterm },
	{ "_initterm_e", (void *)ms_initterm_e },
	{ "_amsg_exit", (void *)ms_amsg_exit },
	{ "fwrite", (void *)ms_fwrite },
	{ "fputc", (void *)ms_fputc },
	{ "putc", (void *)ms_fputc },
	{ "fputs", (void *)ms_fputs },
	{ "fflush", (void *)ms_fflush },
	{ "_errno", (void *)ms_errno },
	{ "___lc_codepage_func", (void *)ms_lc_codepage },
	{ "___mb_cur_max_func", (void *)ms_mb_cur_max },
	{ "wcslen", (void *)ms_wcslen },
};

void *ms_x64_crt_symbol(const char *name)
{
	return bridge_table_lookup(ms_crt_symbols, sizeof(ms_crt_symbols) / sizeof(ms_crt_symbols[0]),
				   name);
}

const bridge_bound ms_x64_crt_bound[] = {
	{ "__iob_func", (void *)msb_iob_func, 0 },
	{ "_lock", (void *)msb_lock, 1 },
	{ "_unlock", (void *)msb_unlock, 1 },
	{ NULL, NULL, 0 },
};
