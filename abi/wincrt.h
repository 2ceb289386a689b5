/* SPDX-License-Identifier: MIT */
/*
 * What the Windows C runtime means by some of its names, written over the
 * host's C library, for the bridges of Windows objects (abi/ms_x64 on
 * x86-64, abi/arm64 on arm64): LLP64 `long`, the UCRT stream table and
 * printf entry points, MSVC's buffering constants and signal numbers.
 * Plain functions of the host's convention; each bridge wraps them in
 * its own (or hands them out directly where the conventions agree).
 */
#ifndef OBJLOAD_ABI_WINCRT_H
#define OBJLOAD_ABI_WINCRT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "abi/format.h"

/* UCRT's stream table (__acrt_iob_func): 0 stdin, 1 stdout, 2 stderr. */
FILE *wincrt_iob(unsigned i);
/* MSVC's legacy _vsnprintf: -1 and no NUL when the text does not fit. */
int wincrt_vsnprintf_legacy(char *buf, size_t cap, const char *fmt, abi_args *a);
/* UCRT's __stdio_common_vsprintf: C99 snprintf with option bit 2,
 * else -1 when the text does not fit. */
int wincrt_stdio_common_vsprintf(uint64_t options, char *buf, size_t cap,
				 const char *fmt, abi_args *a);
/* `long` is 32 bits: clamped as the Microsoft CRT does, with ERANGE. */
int32_t wincrt_strtol(const char *s, char **end, int base);
uint32_t wincrt_strtoul(const char *s, char **end, int base);
int32_t wincrt_atol(const char *s);
int32_t wincrt_labs(int32_t v);
/* setvbuf with the Microsoft CRT's modes (_IOFBF 0, _IOLBF 0x40,
 * _IONBF 4). */
int wincrt_setvbuf(FILE *f, char *buf, int mode, size_t size);
/* A Windows signal number as the host's (SIGABRT is 22). */
int wincrt_signo(int sig);

#endif
