/* SPDX-License-Identifier: MIT */
/*
 * The C library these programs use.  MinGW and Linux builds take the
 * standard headers; an MSVC-target build has no Windows SDK or MSVC
 * headers on this machine, so it declares what it calls (msvcrt.dll
 * provides all of it).
 */
#ifndef DLLTEST_CRT_H
#define DLLTEST_CRT_H

#if defined(_MSC_VER) && !defined(__MINGW32__)
typedef __SIZE_TYPE__ size_t;
#define NULL ((void *)0)
int printf(const char *fmt, ...);
int sprintf(char *buf, const char *fmt, ...);
void *malloc(size_t n);
void free(void *p);
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
size_t strlen(const char *s);
#else
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#endif

#endif
