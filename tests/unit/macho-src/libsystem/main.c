/* SPDX-License-Identifier: MIT */
/*
 * The libSystem functions glibc lacks that objload supplies for Mach-O
 * objects (abi/darwin/libsystem.c, docs/macho.md).  Built for macOS at
 * -O2, clang turns sin(x) and cos(x) of one x into ___sincos_stret (and
 * the float pair into ___sincosf_stret) and the fill loops into
 * _memset_pattern16/8/4; the SDK's fortified strlcpy/strlcat become
 * ___strlcpy_chk/___strlcat_chk; mach_absolute_time is macOS's clock.
 * __darwin_check_fd_set_overflow answers the SDK's FD_SET macros.
 * qsort_r takes BSD's argument order (context before the comparator and
 * first in it), reallocf frees on failure.  The native Linux build of
 * the same file, which supplies its own strlcpy, strlcat,
 * mach_absolute_time, and BSD's qsort_r and reallocf, is the reference.
 */
#ifndef __APPLE__
#define _GNU_SOURCE   /* glibc's qsort_r */
#endif
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __APPLE__
#include <mach/mach_time.h>
int __darwin_check_fd_set_overflow(int, const void *, int);
#else
static int __darwin_check_fd_set_overflow(int fd, const void *set, int unlimited)
{
	(void)set;
	return fd >= 0 && (unlimited || fd < 1024);
}
#include <stdint.h>
#include <time.h>
struct mach_timebase_info {
	uint32_t numer, denom;
};
static uint64_t mach_absolute_time(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
static int mach_timebase_info(struct mach_timebase_info *i)
{
	i->numer = i->denom = 1;
	return 0;
}
static size_t strlcpy(char *d, const char *s, size_t n)
{
	size_t len = strlen(s);

	if (n) {
		size_t c = len < n - 1 ? len : n - 1;

		memcpy(d, s, c);
		d[c] = '\0';
	}
	return len;
}
static size_t strlcat(char *d, const char *s, size_t n)
{
	size_t have = strnlen(d, n);

	return have == n ? n + strlen(s) : have + strlcpy(d + have, s, n - have);
}
struct bsd_ctx {
	int (*cmp)(void *, const void *, const void *);
	void *thunk;
};
static int bsd_tramp(const void *a, const void *b, void *p)
{
	struct bsd_ctx *c = p;

	return c->cmp(c->thunk, a, b);
}
static void bsd_qsort_r(void *base, size_t n, size_t size, void *thunk,
			int (*cmp)(void *, const void *, const void *))
{
	struct bsd_ctx c = { cmp, thunk };

	qsort_r(base, n, size, bsd_tramp, &c);
}
#define qsort_r bsd_qsort_r
static void *reallocf(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (!q && n)
		free(p);
	return q;
}
#endif

static int by_mod(void *thunk, const void *a, const void *b)
{
	int m = *(const int *)thunk;

	return *(const int *)a % m - *(const int *)b % m;
}

static double dfill[1003];
static float ffill[1001];
static int ifill[999];

__attribute__((noinline)) static void fill(int n, double d, float f, int v)
{
	for (int i = 0; i < n && i < 1003; i++)
		dfill[i] = d;
	for (int i = 0; i < n && i < 1001; i++)
		ffill[i] = f;
	for (int i = 0; i < n && i < 999; i++)
		ifill[i] = v;
}

int main(int argc, char **argv)
{
	double x = 0.25 * argc;
	float y = 0.75f * argc;
	char small[8], big[32];
	struct mach_timebase_info tb = { 0, 0 };
	uint64_t t0, t1;
	double sum = 0;

	(void)argv;
	printf("sincos %.12f %.12f\n", sin(x), cos(x));
	printf("sincosf %.6f %.6f\n", sinf(y), cosf(y));
	fill(2000, 1.5, 2.5f, 0x01020304);
	for (int i = 0; i < 1003; i++)
		sum += dfill[i];
	for (int i = 0; i < 1001; i++)
		sum += ffill[i];
	for (int i = 0; i < 999; i++)
		sum += ifill[i] & 0xff;
	printf("fills %.1f %d\n", sum, ifill[998]);
	printf("strlcpy %zu [%s]", strlcpy(small, "truncated text", sizeof small), small);
	printf(" %zu [%s]\n", strlcpy(big, "fits", sizeof big), big);
	printf("strlcat %zu [%s]", strlcat(big, " and more", sizeof big), big);
	printf(" %zu [%s]\n", strlcat(small, "xyz", sizeof small), small);
	t0 = mach_absolute_time();
	t1 = mach_absolute_time();
	printf("mach time: %d, timebase %d %u/%u\n", t1 >= t0 && t0 > 0,
	       mach_timebase_info(&tb), tb.numer, tb.denom);
	{
		int keys[7] = { 17, 4, 12, 9, 30, 1, 23 }, mod = 7;
		char *grown = reallocf(NULL, 16);

		qsort_r(keys, 7, sizeof keys[0], &mod, by_mod);
		printf("qsort_r");
		for (int i = 0; i < 7; i++)
			printf(" %d", keys[i] % mod);
		grown = reallocf(grown, 4096);
		printf("\nreallocf %d\n", grown != NULL);
		printf("fd_set check %d %d %d %d\n", __darwin_check_fd_set_overflow(3, keys, 0),
		       __darwin_check_fd_set_overflow(1023, keys, 0),
		       __darwin_check_fd_set_overflow(1024, keys, 0),
		       __darwin_check_fd_set_overflow(5000, keys, 1));
		free(grown);
	}
	return 0;
}
