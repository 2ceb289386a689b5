/* SPDX-License-Identifier: MIT */
/*
 * A library with functions, data and start-up code (../startup.h: DllMain
 * on Windows, a constructor and a destructor on Linux), which prints and
 * sets the state the functions use.
 * It calls the C library (printf, malloc, sprintf, qsort with a callback
 * of its own, free).
 */
#define FOO_BUILD
#include "../crt.h"
#include "foo.h"
#include "../startup.h"

static int base;
static char *banner;

FOO_API int foo_counter = 5;

FOO_API int foo_add(int a, int b)
{
	return a + b + base;
}

static int by_value(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

FOO_API int foo_sorted_median(int *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), by_value);
	return v[n / 2];
}

FOO_API const char *foo_banner(void)
{
	return banner;
}

FOO_API double foo_scale(double x, double k)
{
	return x * k + 0.25;
}

static void attach(void)
{
	base = 100;
	banner = malloc(32);
	if (banner)
		sprintf(banner, "foo, base %d", base);
	printf("foo: attach\n");
}

static void detach(void)
{
	printf("foo: detach, counter %d, banner %s\n", foo_counter, banner ? banner : "?");
	free(banner);
}

#if defined(_MSC_VER) && !defined(__MINGW32__)
/* floating point makes the compiler refer to it; the MSVC C runtime,
 * which this DLL links without, defines it */
int _fltused;
#endif
