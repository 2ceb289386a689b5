/* SPDX-License-Identifier: MIT */
/*
 * The Microsoft C runtime's forms of C library functions that a Windows
 * program calls under names or types glibc does not share, wrapped for
 * the Microsoft x64 bridge (ms_x64.c asks here after its own table):
 *
 *   <time.h>    time_t is 64 bits (_time64, _gmtime64, _localtime64,
 *               _mktime64, _mkgmtime64, _difftime64, _ctime64 and their
 *               _s forms; msvcrt's plain time, mktime... are the same),
 *               _time32 and friends over a 32-bit time_t; Windows'
 *               struct tm is the nine standard ints, glibc's has
 *               tm_gmtoff and tm_zone after them: every struct tm a
 *               program passes in is copied into a zeroed glibc one
 *               (mktime, strftime, asctime) and back, never handed over;
 *               clock() counts CLOCKS_PER_SEC 1000;
 *   strings     _stricmp, _strnicmp, _strdup, _strtoi64, _strtoui64,
 *               _atoi64, _strrev, _strlwr, _strupr, _itoa and its
 *               kin, strtok_s, the bounds-checked strcpy_s, strncpy_s,
 *               strcat_s, memcpy_s, memmove_s (errno codes as the CRT
 *               returns them, no invalid-parameter handler);
 *   stdlib      qsort_s (the context comes first in its comparator),
 *               ldiv (a struct of two 32-bit longs), rand/srand
 *               (msvcrt's generator: RAND_MAX 0x7fff, a per-session seed,
 *               so a seeded program draws the numbers it draws on
 *               Windows), _putenv;
 *   stdio, io   fseek/ftell with a 32-bit long offset, _fseeki64,
 *               _ftelli64, _fileno, _isatty, _access, _getcwd; the
 *               descriptor functions (_open with Windows' _O_* flags
 *               translated, _read, _write, _lseek, _close, _unlink,
 *               _mkdir of one argument, _rmdir, _chdir, _getpid);
 *               stat/fstat into Windows' structs (_stat64: 56 bytes, a
 *               64-bit size; _stat64i32, the default struct stat: 48
 *               bytes, a 32-bit size; 64-bit times in both);
 *   memory      _aligned_malloc, _aligned_free;
 *   math        _hypot, _copysign, _isnan, _finite; scalbn, remquo,
 *               jn, yn (integer and double arguments mixed, which the
 *               generic thunk cannot pass), lldiv (a 16-byte struct,
 *               returned through memory in Microsoft x64);
 *   assert      _assert and UCRT's _wassert (16-bit wide text): msvcrt's
 *               "Assertion failed: EXPR, file FILE, line N", then abort;
 *   locale      setlocale with Windows' category numbers (LC_ALL 0,
 *               LC_COLLATE 1, LC_CTYPE 2, LC_MONETARY 3, LC_NUMERIC 4,
 *               LC_TIME 5); fgetpos/fsetpos with Windows' 8-byte fpos_t
 *               (glibc's is 16 bytes: never written into the image's).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi/ms_x64/ms_x64.h"

/* ---- <time.h> ------------------------------------------------------------ */

/* Windows' struct tm: the nine ints of C's. */
struct ms_tm {
	int32_t sec, min, hour, mday, mon, year, wday, yday, isdst;
};

static struct tm ms_tm_in(const struct ms_tm *w)
{
	struct tm t;

	memset(&t, 0, sizeof(t));
	t.tm_sec = w->sec;
	t.tm_min = w->min;
	t.tm_hour = w->hour;
	t.tm_mday = w->mday;
	t.tm_mon = w->mon;
	t.tm_year = w->year;
	t.tm_wday = w->wday;
	t.tm_yday = w->yday;
	t.tm_isdst = w->isdst;
	return t;
}

static void ms_tm_out(struct ms_tm *w, const struct tm *t)
{
	w->sec = t->tm_sec;
	w->min = t->tm_min;
	w->hour = t->tm_hour;
	w->mday = t->tm_mday;
	w->mon = t->tm_mon;
	w->year = t->tm_year;
	w->wday = t->tm_wday;
	w->yday = t->tm_yday;
	w->isdst = t->tm_isdst;
}

static MS_ABI int64_t ms_time64(int64_t *out)
{
	time_t t = time(NULL);

	if (out)
		*out = t;
	return t;
}

static MS_ABI int32_t ms_time32(int32_t *out)
{
	time_t t = time(NULL);

	if (out)
		*out = (int32_t)t;
	return (int32_t)t;
}

/* glibc's static struct tm begins with Windows' nine ints: the pointer
 * is returned as it is (Windows reads 36 bytes of it). */
static struct tm *ms_broken_down(time_t v, int local)
{
	return local ? localtime(&v) : gmtime(&v);
}

static MS_ABI struct tm *ms_gmtime64(const int64_t *t)
{
	return t ? ms_broken_down((time_t)*t, 0) : NULL;
}

static MS_ABI struct tm *ms_localtime64(const int64_t *t)
{
	return t ? ms_broken_down((time_t)*t, 1) : NULL;
}

static MS_ABI struct tm *ms_gmtime32(const int32_t *t)
{
	return t ? ms_broken_down(*t, 0) : NULL;
}

static MS_ABI struct tm *ms_localtime32(const int32_t *t)
{
	return t ? ms_broken_down(*t, 1) : NULL;
}

/* The _s forms: into the image's struct tm; 0 or EINVAL. */
static int ms_broken_down_s(struct ms_tm *out, const int64_t *t, int local)
{
	struct tm r;
	time_t v;

	if (!out || !t)
		return EINVAL;
	v = (time_t)*t;
	if (!(local ? localtime_r(&v, &r) : gmtime_r(&v, &r)))
		return EINVAL;
	ms_tm_out(out, &r);
	return 0;
}

static MS_ABI int ms_gmtime64_s(struct ms_tm *out, const int64_t *t)
{
	return ms_broken_down_s(out, t, 0);
}

static MS_ABI int ms_localtime64_s(struct ms_tm *out, const int64_t *t)
{
	return ms_broken_down_s(out, t, 1);
}

static MS_ABI int64_t ms_mktime64(struct ms_tm *w)
{
	struct tm t;
	time_t r;

	if (!w)
		return -1;
	t = ms_tm_in(w);
	r = mktime(&t);
	if (r != (time_t)-1)
		ms_tm_out(w, &t);
	return r;
}

static MS_ABI int32_t ms_mktime32(struct ms_tm *w)
{
	int64_t r = ms_mktime64(w);

	return r < INT32_MIN || r > INT32_MAX ? -1 : (int32_t)r;
}

static MS_ABI int64_t ms_mkgmtime64(struct ms_tm *w)
{
	struct tm t;
	time_t r;

	if (!w)
		return -1;
	t = ms_tm_in(w);
	r = timegm(&t);
	if (r != (time_t)-1)
		ms_tm_out(w, &t);
	return r;
}

static MS_ABI double ms_difftime64(int64_t a, int64_t b)
{
	return difftime((time_t)a, (time_t)b);
}

static MS_ABI double ms_difftime32(int32_t a, int32_t b)
{
	return difftime(a, b);
}

static char *ms_ctime_of(time_t v)
{
	return ctime(&v);
}

static MS_ABI char *ms_ctime64(const int64_t *t)
{
	return t ? ms_ctime_of((time_t)*t) : NULL;
}

static MS_ABI char *ms_ctime32(const int32_t *t)
{
	return t ? ms_ctime_of(*t) : NULL;
}

static MS_ABI char *ms_asctime(const struct ms_tm *w)
{
	struct tm t;

	if (!w)
		return NULL;
	t = ms_tm_in(w);
	return asctime(&t);
}

static MS_ABI size_t ms_strftime(char *buf, size_t cap, const char *fmt, const struct ms_tm *w)
{
	struct tm t;

	if (!w || !fmt)
		return 0;
	t = ms_tm_in(w);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	return strftime(buf, cap, fmt, &t);
#pragma GCC diagnostic pop
}

/* Windows' CLOCKS_PER_SEC is 1000; clock_t is a 32-bit long. */
static MS_ABI int32_t ms_clock(void)
{
	clock_t c = clock();

	return c == (clock_t)-1 ? -1 : (int32_t)(c / (CLOCKS_PER_SEC / 1000));
}

/* ---- strings --------------------------------------------------------------- */

static MS_ABI int ms_stricmp(const char *a, const char *b)
{
	return strcasecmp(a, b);
}

static MS_ABI int ms_strnicmp(const char *a, const char *b, size_t n)
{
	return strncasecmp(a, b, n);
}

static MS_ABI char *ms_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static MS_ABI long long ms_strtoi64(const char *s, char **end, int base)
{
	return strtoll(s, end, base);
}

static MS_ABI unsigned long long ms_strtoui64(const char *s, char **end, int base)
{
	return strtoull(s, end, base);
}

static MS_ABI long long ms_atoi64(const char *s)
{
	return atoll(s);
}

/* The bounds-checked copies: 0, EINVAL or ERANGE, the destination
 * emptied on failure, as the CRT does after its invalid-parameter
 * handler returns. */
static MS_ABI int ms_strcpy_s(char *dest, size_t size, const char *src)
{
	size_t n;

	if (!dest || size == 0)
		return EINVAL;
	if (!src) {
		dest[0] = '\0';
		return EINVAL;
	}
	n = strnlen(src, size);
	if (n == size) {
		dest[0] = '\0';
		return ERANGE;
	}
	memcpy(dest, src, n + 1);
	return 0;
}

static MS_ABI int ms_strcat_s(char *dest, size_t size, const char *src)
{
	size_t have;

	if (!dest || size == 0)
		return EINVAL;
	have = strnlen(dest, size);
	if (!src || have == size) {
		dest[0] = '\0';
		return EINVAL;
	}
	return ms_strcpy_s(dest + have, size - have, src) ? (dest[0] = '\0', ERANGE) : 0;
}

/* _TRUNCATE: copy what fits. */
#define MS_TRUNCATE ((size_t)-1)

static MS_ABI int ms_strncpy_s(char *dest, size_t size, const char *src, size_t count)
{
	size_t n;

	if (!dest || size == 0)
		return EINVAL;
	if (!src) {
		dest[0] = '\0';
		return count ? EINVAL : 0;
	}
	n = strnlen(src, count);
	if (n >= size) {
		if (count == MS_TRUNCATE) {
			memcpy(dest, src, size - 1);
			dest[size - 1] = '\0';
			return 80;   /* STRUNCATE */
		}
		dest[0] = '\0';
		return ERANGE;
	}
	memcpy(dest, src, n);
	dest[n] = '\0';
	return 0;
}

static MS_ABI int ms_memcpy_s(void *dest, size_t size, const void *src, size_t count)
{
	if (count == 0)
		return 0;
	if (!dest)
		return EINVAL;
	if (!src || size < count) {
		memset(dest, 0, size);
		return src ? ERANGE : EINVAL;
	}
	memcpy(dest, src, count);
	return 0;
}

static MS_ABI int ms_memmove_s(void *dest, size_t size, const void *src, size_t count)
{
	if (count == 0)
		return 0;
	if (!dest || !src)
		return EINVAL;
	if (size < count)
		return ERANGE;
	memmove(dest, src, count);
	return 0;
}

static MS_ABI char *ms_strrev(char *s)
{
	size_t n = s ? strlen(s) : 0;

	for (size_t i = 0; i < n / 2; i++) {
		char t = s[i];

		s[i] = s[n - 1 - i];
		s[n - 1 - i] = t;
	}
	return s;
}

static MS_ABI char *ms_strlwr(char *s)
{
	for (char *p = s; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 'a' - 'A');
	return s;
}

static MS_ABI char *ms_strupr(char *s)
{
	for (char *p = s; p && *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return s;
}

/* The digits of v in radix 2-36 into buf, with a '-' when negative is
 * set; "" for another radix, as the CRT leaves it. */
static char *ms_to_text(uint64_t v, int negative, char *buf, int radix)
{
	char tmp[72];
	size_t n = 0, o = 0;

	if (!buf)
		return buf;
	if (radix < 2 || radix > 36) {
		buf[0] = '\0';
		return buf;
	}
	do {
		unsigned d = (unsigned)(v % (unsigned)radix);

		tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= (unsigned)radix;
	} while (v);
	if (negative)
		buf[o++] = '-';
	while (n)
		buf[o++] = tmp[--n];
	buf[o] = '\0';
	return buf;
}

/* _itoa/_ltoa: signed only in radix 10, the 32-bit pattern otherwise. */
static MS_ABI char *ms_itoa(int32_t v, char *buf, int radix)
{
	if (radix == 10 && v < 0)
		return ms_to_text(0u - (uint64_t)(int64_t)v, 1, buf, radix);
	return ms_to_text((uint32_t)v, 0, buf, radix);
}

static MS_ABI char *ms_ultoa(uint32_t v, char *buf, int radix)
{
	return ms_to_text(v, 0, buf, radix);
}

static MS_ABI char *ms_i64toa(int64_t v, char *buf, int radix)
{
	if (radix == 10 && v < 0)
		return ms_to_text(0u - (uint64_t)v, 1, buf, radix);
	return ms_to_text((uint64_t)v, 0, buf, radix);
}

static MS_ABI char *ms_ui64toa(uint64_t v, char *buf, int radix)
{
	return ms_to_text(v, 0, buf, radix);
}

/* strtok_s(str, delim, context): strtok_r's arguments in its order. */
static MS_ABI char *ms_strtok_s(char *s, const char *delim, char **ctx)
{
	return strtok_r(s, delim, ctx);
}

/* _aligned_malloc(size, alignment): a power of two; freed by
 * _aligned_free, which is free here. */
static MS_ABI void *ms_aligned_malloc(size_t size, size_t align)
{
	void *p = NULL;

	if (align == 0 || (align & (align - 1))) {
		errno = EINVAL;
		return NULL;
	}
	if (align < sizeof(void *))
		align = sizeof(void *);
	errno = posix_memalign(&p, align, size ? size : 1);
	return errno ? NULL : p;
}

static MS_ABI void ms_aligned_free(void *p)
{
	free(p);
}

/* ---- stdlib ------------------------------------------------------------- */

typedef MS_ABI int (*ms_cmp_s_fn)(void *, const void *, const void *);

struct ms_qsort_s_ctx {
	ms_cmp_s_fn cmp;
	void *ctx;
};

static int ms_qsort_s_tramp(const void *a, const void *b, void *p)
{
	const struct ms_qsort_s_ctx *c = p;

	return c->cmp(c->ctx, a, b);
}

static MS_ABI void ms_qsort_s(void *base, size_t n, size_t size, ms_cmp_s_fn cmp, void *ctx)
{
	struct ms_qsort_s_ctx c = { cmp, ctx };

	if (cmp)
		qsort_r(base, n, size, ms_qsort_s_tramp, &c);
}

/* ldiv_t of two 32-bit longs: 8 bytes, returned in rax. */
struct ms_ldiv {
	int32_t quot, rem;
};

static MS_ABI struct ms_ldiv ms_ldiv(int32_t a, int32_t b)
{
	struct ms_ldiv r = { 0, 0 };

	if (b == 0 || (a == INT32_MIN && b == -1))
		return r;   /* undefined in C; the host would trap */
	r.quot = a / b;
	r.rem = a % b;
	return r;
}

/* "NAME=value" sets, "NAME=" removes (Windows has no empty values). */
static MS_ABI int ms_putenv(const char *s)
{
	const char *eq = s ? strchr(s, '=') : NULL;
	char *name;
	int r;

	if (!eq || eq == s) {
		errno = EINVAL;
		return -1;
	}
	name = strndup(s, (size_t)(eq - s));
	if (!name) {
		errno = ENOMEM;
		return -1;
	}
	r = eq[1] ? setenv(name, eq + 1, 1) : unsetenv(name);
	free(name);
	return r;
}

/* msvcrt's rand: seed = seed * 214013 + 2531011, bits 16-30 returned.
 * One seed per session (msvcrt has one per thread). */
static const int ms_rand_key;

static int ms_rand_init(void *p)
{
	*(uint32_t *)p = 1;
	return 0;
}

static void msb_srand(unsigned seed, objload_session *s)
{
	uint32_t *st = bridge_session_state(s, &ms_rand_key, sizeof(uint32_t), ms_rand_init, NULL);

	if (st)
		__atomic_store_n(st, seed, __ATOMIC_RELAXED);
}

static int msb_rand(objload_session *s)
{
	uint32_t *st = bridge_session_state(s, &ms_rand_key, sizeof(uint32_t), ms_rand_init, NULL);
	uint32_t old, next;

	if (!st)
		return 0;
	old = __atomic_load_n(st, __ATOMIC_RELAXED);
	do
		next = old * 214013u + 2531011u;
	while (!__atomic_compare_exchange_n(st, &old, next, 1, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED));
	return (int)((next >> 16) & 0x7fff);
}

/* ---- stdio and io ------------------------------------------------------------ */

static MS_ABI int ms_fseek(FILE *f, int32_t off, int whence)
{
	return fseeko(ms_x64_stream(f), off, whence);
}

static MS_ABI int32_t ms_ftell(FILE *f)
{
	off_t r = ftello(ms_x64_stream(f));

	if (r > INT32_MAX) {
		errno = EINVAL;
		return -1;
	}
	return (int32_t)r;
}

static MS_ABI int ms_fseeki64(FILE *f, int64_t off, int whence)
{
	return fseeko(ms_x64_stream(f), off, whence);
}

static MS_ABI int64_t ms_ftelli64(FILE *f)
{
	return ftello(ms_x64_stream(f));
}

static MS_ABI int ms_fileno(FILE *f)
{
	return f ? fileno(ms_x64_stream(f)) : -1;
}

static MS_ABI int ms_isatty(int fd)
{
	return isatty(fd);
}

/* modes 0 (exists), 2 (write), 4 (read), 6: F_OK, W_OK, R_OK's values */
static MS_ABI int ms_access(const char *path, int mode)
{
	return access(path, mode & 6);
}

static MS_ABI char *ms_getcwd(char *buf, int size)
{
	if (!buf)
		return getcwd(NULL, size > 0 ? (size_t)size : 0);
	return size > 0 ? getcwd(buf, (size_t)size) : (errno = EINVAL, NULL);
}

/* Windows' _O_* open flags: _O_WRONLY 1, _O_RDWR 2, _O_APPEND 8,
 * _O_CREAT 0x100, _O_TRUNC 0x200, _O_EXCL 0x400; _O_TEXT 0x4000 and
 * _O_BINARY 0x8000 (no newline translation here: binary), _O_NOINHERIT
 * 0x80 (close-on-exec); the access hints are dropped.  _O_TEMPORARY
 * (delete on close) is refused. */
static MS_ABI int ms_open(const char *path, int wflags, int mode)
{
	int flags = wflags & 3;

	if (wflags & 0x40) {
		errno = EINVAL;
		return -1;
	}
	flags |= (wflags & 0x8) ? O_APPEND : 0;
	flags |= (wflags & 0x100) ? O_CREAT : 0;
	flags |= (wflags & 0x200) ? O_TRUNC : 0;
	flags |= (wflags & 0x400) ? O_EXCL : 0;
	flags |= (wflags & 0x80) ? O_CLOEXEC : 0;
	/* _S_IREAD 0x100, _S_IWRITE 0x80: the owner's bits, as umask then
	 * narrows them */
	return open(path, flags, (mode & 0x80) ? 0666 : 0444);
}

static MS_ABI int ms_read(int fd, void *buf, uint32_t n)
{
	ssize_t r = read(fd, buf, n > INT32_MAX ? INT32_MAX : n);

	return (int)r;
}

static MS_ABI int ms_write(int fd, const void *buf, uint32_t n)
{
	ssize_t r = write(fd, buf, n > INT32_MAX ? INT32_MAX : n);

	return (int)r;
}

static MS_ABI int32_t ms_lseek(int fd, int32_t off, int whence)
{
	off_t r = lseek(fd, off, whence);

	if (r > INT32_MAX) {
		errno = EINVAL;
		return -1;
	}
	return (int32_t)r;
}

static MS_ABI int64_t ms_lseeki64(int fd, int64_t off, int whence)
{
	return lseek(fd, off, whence);
}

static MS_ABI int ms_close(int fd)
{
	return close(fd);
}

static MS_ABI int ms_unlink(const char *path)
{
	return unlink(path);
}

static MS_ABI int ms_mkdir(const char *path)
{
	return mkdir(path, 0777);
}

static MS_ABI int ms_rmdir(const char *path)
{
	return rmdir(path);
}

static MS_ABI int ms_chdir(const char *path)
{
	return chdir(path);
}

static MS_ABI int ms_getpid(void)
{
	return getpid();
}

/*
 * Windows' struct _stat64 / _stat64i32: st_dev (4), st_ino (2), st_mode
 * (2), st_nlink, st_uid, st_gid (2 each), then st_rdev (4) at 16; the
 * size is 8 bytes at 24 (_stat64) or 4 at 20 (_stat64i32), followed by
 * the three 8-byte times.  st_mode's type bits (_S_IFDIR 0x4000,
 * _S_IFREG 0x8000, _S_IFCHR 0x2000) are POSIX's values; Windows repeats
 * the owner's permission bits for group and others.
 */
static int ms_stat_out(const struct stat *h, void *out, int wide_size)
{
	unsigned char *p = out;
	uint32_t dev = (uint32_t)h->st_dev, rdev = (uint32_t)h->st_rdev;
	uint16_t ino = (uint16_t)h->st_ino;
	uint16_t owner = (uint16_t)(h->st_mode & 0700);
	uint16_t mode = (uint16_t)((h->st_mode & 0xf000) | owner | owner >> 3 | owner >> 6);
	int16_t nlink = (int16_t)h->st_nlink, zero = 0;
	int64_t times[3] = { h->st_atime, h->st_mtime, h->st_ctime };
	size_t at = wide_size ? 32 : 24;

	if (!wide_size && h->st_size > INT32_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	memset(p, 0, at + sizeof(times));
	memcpy(p, &dev, 4);
	memcpy(p + 4, &ino, 2);
	memcpy(p + 6, &mode, 2);
	memcpy(p + 8, &nlink, 2);
	memcpy(p + 10, &zero, 2);   /* uid and gid are 0 on Windows */
	memcpy(p + 12, &zero, 2);
	memcpy(p + 16, &rdev, 4);
	if (wide_size) {
		int64_t size = h->st_size;

		memcpy(p + 24, &size, 8);
	} else {
		int32_t size = (int32_t)h->st_size;

		memcpy(p + 20, &size, 4);
	}
	memcpy(p + at, times, sizeof(times));
	return 0;
}

static int ms_stat_any(const char *path, int fd, void *out, int wide_size)
{
	struct stat h;

	if (!out || (path ? stat(path, &h) : fstat(fd, &h)))
		return -1;
	return ms_stat_out(&h, out, wide_size);
}

static MS_ABI int ms_stat64(const char *path, void *out)
{
	return path ? ms_stat_any(path, -1, out, 1) : (errno = EINVAL, -1);
}

static MS_ABI int ms_fstat64(int fd, void *out)
{
	return ms_stat_any(NULL, fd, out, 1);
}

static MS_ABI int ms_stat64i32(const char *path, void *out)
{
	return path ? ms_stat_any(path, -1, out, 0) : (errno = EINVAL, -1);
}

static MS_ABI int ms_fstat64i32(int fd, void *out)
{
	return ms_stat_any(NULL, fd, out, 0);
}

/* ---- math -------------------------------------------------------------------- */

static MS_ABI double ms_hypot(double x, double y)
{
	return hypot(x, y);
}

static MS_ABI double ms_copysign(double x, double y)
{
	return copysign(x, y);
}

static MS_ABI int ms_isnan(double x)
{
	return isnan(x) ? 1 : 0;
}

static MS_ABI int ms_finite(double x)
{
	return isfinite(x) ? 1 : 0;
}

static MS_ABI double ms_scalbn(double x, int n)
{
	return scalbn(x, n);
}

static MS_ABI float ms_scalbnf(float x, int n)
{
	return scalbnf(x, n);
}

static MS_ABI double ms_remquo(double x, double y, int *q)
{
	return remquo(x, y, q);
}

static MS_ABI double ms_jn(int n, double x)
{
	return jn(n, x);
}

static MS_ABI double ms_yn(int n, double x)
{
	return yn(n, x);
}

struct ms_lldiv {
	long long quot, rem;
};

static MS_ABI struct ms_lldiv ms_lldiv(long long a, long long b)
{
	struct ms_lldiv r = { 0, 0 };

	if (b == 0 || (a == LLONG_MIN && b == -1))
		return r;   /* undefined in C; the host would trap */
	r.quot = a / b;
	r.rem = a % b;
	return r;
}

/* ---- assert --------------------------------------------------------------------- */

static void ms_assert_failed(const char *expr, const char *file, unsigned line)
{
	fflush(stdout);
	fprintf(stderr, "Assertion failed: %s, file %s, line %u\n", expr ? expr : "?",
		file ? file : "?", line);
	fflush(stderr);
	abort();
}

static MS_ABI void ms_assert(const char *expr, const char *file, unsigned line)
{
	ms_assert_failed(expr, file, line);
}

/* 16-bit units to bytes: ASCII as it is, anything else as '?'. */
static void ms_narrow(const uint16_t *w, char *out, size_t cap)
{
	size_t n = 0;

	for (; w && w[n] && n + 1 < cap; n++)
		out[n] = w[n] < 0x80 ? (char)w[n] : '?';
	out[n] = '\0';
}

static MS_ABI void ms_wassert(const uint16_t *expr, const uint16_t *file, unsigned line)
{
	char e[512], f[512];

	ms_narrow(expr, e, sizeof(e));
	ms_narrow(file, f, sizeof(f));
	ms_assert_failed(e, f, line);
}

/* ---- locale and stream positions -------------------------------------------------- */

static MS_ABI char *ms_setlocale(int category, const char *name)
{
	static const int host[] = { LC_ALL, LC_COLLATE, LC_CTYPE, LC_MONETARY, LC_NUMERIC,
				    LC_TIME };

	if (category < 0 || category > 5)
		return NULL;
	return setlocale(host[category], name);
}

static MS_ABI int ms_fgetpos(FILE *f, int64_t *pos)
{
	off_t at = ftello(ms_x64_stream(f));

	if (at < 0 || !pos)
		return -1;
	*pos = at;
	return 0;
}

static MS_ABI int ms_fsetpos(FILE *f, const int64_t *pos)
{
	return pos ? fseeko(ms_x64_stream(f), *pos, SEEK_SET) : -1;
}

/* ---- tables -------------------------------------------------------------------- */

static const bridge_entry ms_libc_symbols[] = {
	{ "_time64", (void *)ms_time64 },
	{ "time", (void *)ms_time64 },
	{ "_time32", (void *)ms_time32 },
	{ "_gmtime64", (void *)ms_gmtime64 },
	{ "gmtime", (void *)ms_gmtime64 },
	{ "_gmtime32", (void *)ms_gmtime32 },
	{ "_localtime64", (void *)ms_localtime64 },
	{ "localtime", (void *)ms_localtime64 },
	{ "_localtime32", (void *)ms_localtime32 },
	{ "_gmtime64_s", (void *)ms_gmtime64_s },
	{ "_localtime64_s", (void *)ms_localtime64_s },
	{ "_mktime64", (void *)ms_mktime64 },
	{ "mktime", (void *)ms_mktime64 },
	{ "_mktime32", (void *)ms_mktime32 },
	{ "_mkgmtime64", (void *)ms_mkgmtime64 },
	{ "_difftime64", (void *)ms_difftime64 },
	{ "difftime", (void *)ms_difftime64 },
	{ "_difftime32", (void *)ms_difftime32 },
	{ "_ctime64", (void *)ms_ctime64 },
	{ "ctime", (void *)ms_ctime64 },
	{ "_ctime32", (void *)ms_ctime32 },
	{ "asctime", (void *)ms_asctime },
	{ "strftime", (void *)ms_strftime },
	{ "clock", (void *)ms_clock },
	{ "_stricmp", (void *)ms_stricmp },
	{ "_strcmpi", (void *)ms_stricmp },
	{ "stricmp", (void *)ms_stricmp },
	{ "_strnicmp", (void *)ms_strnicmp },
	{ "strnicmp", (void *)ms_strnicmp },
	{ "_strdup", (void *)ms_strdup },
	{ "_strtoi64", (void *)ms_strtoi64 },
	{ "_strtoui64", (void *)ms_strtoui64 },
	{ "_atoi64", (void *)ms_atoi64 },
	{ "strcpy_s", (void *)ms_strcpy_s },
	{ "strcat_s", (void *)ms_strcat_s },
	{ "strncpy_s", (void *)ms_strncpy_s },
	{ "memcpy_s", (void *)ms_memcpy_s },
	{ "memmove_s", (void *)ms_memmove_s },
	{ "qsort_s", (void *)ms_qsort_s },
	{ "ldiv", (void *)ms_ldiv },
	{ "_putenv", (void *)ms_putenv },
	{ "putenv", (void *)ms_putenv },
	{ "fseek", (void *)ms_fseek },
	{ "ftell", (void *)ms_ftell },
	{ "_fseeki64", (void *)ms_fseeki64 },
	{ "_ftelli64", (void *)ms_ftelli64 },
	{ "_fileno", (void *)ms_fileno },
	{ "fileno", (void *)ms_fileno },
	{ "_isatty", (void *)ms_isatty },
	{ "_access", (void *)ms_access },
	{ "_getcwd", (void *)ms_getcwd },
	{ "_strrev", (void *)ms_strrev },
	{ "strrev", (void *)ms_strrev },
	{ "_strlwr", (void *)ms_strlwr },
	{ "strlwr", (void *)ms_strlwr },
	{ "_strupr", (void *)ms_strupr },
	{ "strupr", (void *)ms_strupr },
	{ "_itoa", (void *)ms_itoa },
	{ "itoa", (void *)ms_itoa },
	{ "_ltoa", (void *)ms_itoa },
	{ "ltoa", (void *)ms_itoa },
	{ "_ultoa", (void *)ms_ultoa },
	{ "ultoa", (void *)ms_ultoa },
	{ "_i64toa", (void *)ms_i64toa },
	{ "_ui64toa", (void *)ms_ui64toa },
	{ "strtok_s", (void *)ms_strtok_s },
	{ "_aligned_malloc", (void *)ms_aligned_malloc },
	{ "_aligned_free", (void *)ms_aligned_free },
	{ "_open", (void *)ms_open },
	{ "open", (void *)ms_open },
	{ "_read", (void *)ms_read },
	{ "read", (void *)ms_read },
	{ "_write", (void *)ms_write },
	{ "write", (void *)ms_write },
	{ "_lseek", (void *)ms_lseek },
	{ "lseek", (void *)ms_lseek },
	{ "_lseeki64", (void *)ms_lseeki64 },
	{ "_close", (void *)ms_close },
	{ "close", (void *)ms_close },
	{ "_unlink", (void *)ms_unlink },
	{ "unlink", (void *)ms_unlink },
	{ "_mkdir", (void *)ms_mkdir },
	{ "mkdir", (void *)ms_mkdir },
	{ "_rmdir", (void *)ms_rmdir },
	{ "rmdir", (void *)ms_rmdir },
	{ "_chdir", (void *)ms_chdir },
	{ "chdir", (void *)ms_chdir },
	{ "_stat64", (void *)ms_stat64 },
	{ "_fstat64", (void *)ms_fstat64 },
	{ "_stat64i32", (void *)ms_stat64i32 },
	{ "_fstat64i32", (void *)ms_fstat64i32 },
	{ "_stat", (void *)ms_stat64i32 },
	{ "_fstat", (void *)ms_fstat64i32 },
	{ "stat", (void *)ms_stat64i32 },
	{ "fstat", (void *)ms_fstat64i32 },
	{ "_getpid", (void *)ms_getpid },
	{ "getpid", (void *)ms_getpid },
	{ "scalbn", (void *)ms_scalbn },
	{ "scalbnf", (void *)ms_scalbnf },
	{ "remquo", (void *)ms_remquo },
	{ "jn", (void *)ms_jn },
	{ "_jn", (void *)ms_jn },
	{ "yn", (void *)ms_yn },
	{ "_yn", (void *)ms_yn },
	{ "lldiv", (void *)ms_lldiv },
	{ "imaxdiv", (void *)ms_lldiv },
	{ "_assert", (void *)ms_assert },
	{ "_wassert", (void *)ms_wassert },
	{ "setlocale", (void *)ms_setlocale },
	{ "fgetpos", (void *)ms_fgetpos },
	{ "fsetpos", (void *)ms_fsetpos },
	{ "_hypot", (void *)ms_hypot },
	{ "_copysign", (void *)ms_copysign },
	{ "_isnan", (void *)ms_isnan },
	{ "_finite", (void *)ms_finite },
};

void *ms_x64_libc_symbol(const char *name)
{
	return bridge_table_lookup(ms_libc_symbols,
				   sizeof(ms_libc_symbols) / sizeof(ms_libc_symbols[0]), name);
}

const bridge_bound ms_x64_libc_bound[] = {
	{ "rand", (void *)msb_rand, 0 },
	{ "srand", (void *)msb_srand, 1 },
	{ NULL, NULL, 0 },
};
