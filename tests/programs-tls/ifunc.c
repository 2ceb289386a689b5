/* SPDX-License-Identifier: MIT */
/*
 * Two IFUNCs whose resolvers ask the CPU (__builtin_cpu_supports, after
 * __builtin_cpu_init, as resolvers must: they run before constructors).
 * Each implementation records that it ran, so the program prints which
 * one the resolver chose: the same on one machine natively and loaded.
 */
#include "ifunc.h"

static const char *add_impl = "none";
static const char *twice_impl = "none";

static int add_plain(int a, int b)
{
	add_impl = "plain";
	return a + b;
}

static int add_sse2(int a, int b)
{
	add_impl = "sse2";
	return b + a;
}

static int (*resolve_add(void))(int, int)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("sse2") ? add_sse2 : add_plain;
}

int add(int a, int b) __attribute__((ifunc("resolve_add")));

static int twice_plain(int a)
{
	twice_impl = "plain";
	return 2 * a;
}

static int twice_avx2(int a)
{
	twice_impl = "avx2";
	return a + a;
}

static int (*resolve_twice(void))(int)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2") ? twice_avx2 : twice_plain;
}

static int twice(int a) __attribute__((ifunc("resolve_twice")));

int (*add_address(void))(int, int)
{
	return add;
}

int use_twice(int a)
{
	int (*volatile p)(int) = twice;

	return twice(a) + p(a);
}

const char *add_picked(void)
{
	return add_impl;
}

const char *twice_picked(void)
{
	return twice_impl;
}
