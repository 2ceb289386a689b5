/* SPDX-License-Identifier: MIT */
/*
 * macOS libSystem functions glibc lacks, which clang or the macOS SDK
 * makes ordinary programs call, implemented here so that Mach-O objects
 * run (the Mach-O plug-in binds references to them as local absolutes,
 * see darwin_provided_symbol in names.h):
 *
 *   __sincos_stret(x), __sincosf_stret(x)
 *       clang fuses sin(x) and cos(x) of one x into these on macOS; they
 *       return { sin, cos } in xmm0:xmm1 (xmm0's two halves for float),
 *       which is how the System V ABI returns a struct of two doubles
 *       (floats): glibc's sincos/sincosf fill one.
 *   memset_pattern4/8/16(b, pattern, len)
 *       clang's loop-idiom pass on macOS turns a loop storing one 4-,
 *       8- or 16-byte value (`a[i] = 1.5`) into these: `len` bytes of
 *       the pattern repeated, the last copy cut short.
 *   strlcpy, strlcat, __strlcpy_chk, __strlcat_chk
 *       BSD's bounded copies (glibc has them only from 2.38), and the
 *       SDK's _FORTIFY_SOURCE forms, which check the destination's size
 *       and fail as glibc's fortified functions do (__chk_fail).
 *   mach_absolute_time, mach_timebase_info
 *       the clock macOS benchmarks read: CLOCK_MONOTONIC nanoseconds,
 *       with a time base of 1/1.
 *   qsort_r(base, n, size, thunk, cmp(thunk, a, b))
 *       BSD's argument order, which glibc's qsort_r (context last, in
 *       the comparator too) does not share: the same name would reach
 *       glibc's with the arguments swapped.
 *   reallocf, getprogname
 *       BSD's realloc that frees on failure, and the program's name.
 *   __darwin_check_fd_set_overflow(fd, set, unlimited)
 *       what the SDK's FD_SET/FD_CLR/FD_ISSET ask before touching bit fd
 *       of an fd_set (1024 bits, laid out as glibc's): whether fd is in
 *       range.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "abi/darwin/names.h"

/* glibc's fortify failure: "*** buffer overflow detected ***" */
extern void __chk_fail(void) __attribute__((noreturn));

struct darwin_sincos {
	double sinval, cosval;
};

struct darwin_sincosf {
	float sinval, cosval;
};

static struct darwin_sincos darwin_sincos_stret(double x)
{
	struct darwin_sincos r;

	sincos(x, &r.sinval, &r.cosval);
	return r;
}

static struct darwin_sincosf darwin_sincosf_stret(float x)
{
	struct darwin_sincosf r;

	sincosf(x, &r.sinval, &r.cosval);
	return r;
}

static void darwin_memset_pattern(void *b, const void *pattern, size_t width, size_t len)
{
	unsigned char *p = b;

	while (len >= width) {
		memcpy(p, pattern, width);
		p += width;
		len -= width;
	}
	memcpy(p, pattern, len);
}

static void darwin_memset_pattern4(void *b, const void *pattern, size_t len)
{
	darwin_memset_pattern(b, pattern, 4, len);
}

static void darwin_memset_pattern8(void *b, const void *pattern, size_t len)
{
	darwin_memset_pattern(b, pattern, 8, len);
}

static void darwin_memset_pattern16(void *b, const void *pattern, size_t len)
{
	darwin_memset_pattern(b, pattern, 16, len);
}

/* strlcpy: copies what fits of src, NUL-terminated when size > 0;
 * returns strlen(src). */
static size_t darwin_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t copy = n < size - 1 ? n : size - 1;

		memcpy(dst, src, copy);
		dst[copy] = '\0';
	}
	return n;
}

/* strlcat: appends what fits; returns the length it tried to make. */
static size_t darwin_strlcat(char *dst, const char *src, size_t size)
{
	size_t have = strnlen(dst, size);

	if (have == size)
		return size + strlen(src);
	return have + darwin_strlcpy(dst + have, src, size - have);
}

static size_t darwin_strlcpy_chk(char *dst, const char *src, size_t size, size_t dstsize)
{
	if (size > dstsize)
		__chk_fail();
	return darwin_strlcpy(dst, src, size);
}

static size_t darwin_strlcat_chk(char *dst, const char *src, size_t size, size_t dstsize)
{
	if (size > dstsize)
		__chk_fail();
	return darwin_strlcat(dst, src, size);
}

static uint64_t darwin_mach_absolute_time(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* struct mach_timebase_info { uint32_t numer, denom; }: 1/1, the time
 * is in nanoseconds.  KERN_SUCCESS is 0. */
static int darwin_mach_timebase_info(uint32_t *info)
{
	if (!info)
		return 4;   /* KERN_INVALID_ARGUMENT */
	info[0] = 1;
	info[1] = 1;
	return 0;
}

typedef int (*darwin_qsort_r_cmp)(void *, const void *, const void *);

struct darwin_qsort_r_ctx {
	darwin_qsort_r_cmp cmp;
	void *thunk;
};

static int darwin_qsort_r_tramp(const void *a, const void *b, void *p)
{
	const struct darwin_qsort_r_ctx *c = p;

	return c->cmp(c->thunk, a, b);
}

static void darwin_qsort_r(void *base, size_t n, size_t size, void *thunk,
			   darwin_qsort_r_cmp cmp)
{
	struct darwin_qsort_r_ctx c = { cmp, thunk };

	qsort_r(base, n, size, darwin_qsort_r_tramp, &c);
}

static void *darwin_reallocf(void *p, size_t size)
{
	void *q = realloc(p, size);

	if (!q && size)
		free(p);
	return q;
}

static const char *darwin_getprogname(void)
{
	return program_invocation_short_name;
}

#define DARWIN_FD_SETSIZE 1024

static int darwin_check_fd_set_overflow(int fd, const void *set, int unlimited)
{
	(void)set;
	return fd >= 0 && (unlimited || fd < DARWIN_FD_SETSIZE);
}

const void *darwin_provided_symbol(const char *name)
{
	static const struct {
		const char *name;
		const void *addr;
	} table[] = {
		{ "___sincos_stret", (const void *)darwin_sincos_stret },
		{ "___sincosf_stret", (const void *)darwin_sincosf_stret },
		{ "_memset_pattern4", (const void *)darwin_memset_pattern4 },
		{ "_memset_pattern8", (const void *)darwin_memset_pattern8 },
		{ "_memset_pattern16", (const void *)darwin_memset_pattern16 },
		{ "_strlcpy", (const void *)darwin_strlcpy },
		{ "_strlcat", (const void *)darwin_strlcat },
		{ "___strlcpy_chk", (const void *)darwin_strlcpy_chk },
		{ "___strlcat_chk", (const void *)darwin_strlcat_chk },
		{ "_mach_absolute_time", (const void *)darwin_mach_absolute_time },
		{ "_mach_timebase_info", (const void *)darwin_mach_timebase_info },
		{ "_qsort_r", (const void *)darwin_qsort_r },
		{ "_reallocf", (const void *)darwin_reallocf },
		{ "_getprogname", (const void *)darwin_getprogname },
		{ "___darwin_check_fd_set_overflow", (const void *)darwin_check_fd_set_overflow },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].name, name) == 0)
			return table[i].addr;
	return darwin_ctype_symbol(name);
}
