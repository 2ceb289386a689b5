/* SPDX-License-Identifier: MIT */
/* The Microsoft x64 bridge: host C library wrappers in the Microsoft x64
 * calling convention (abi/ms_x64/ms_x64.c) and its assembly routines. */
#ifndef OBJLOAD_MS_X64_H
#define OBJLOAD_MS_X64_H

#include <stdio.h>

#include "abi/bridge.h"

#define MS_ABI __attribute__((ms_abi))

extern const cc_bridge cc_bridge_ms_x64;

/* abi/ms_x64/ms_x64_callbacks.c: wrappers of host functions that take
 * callbacks, bound to the session. */
extern const bridge_bound ms_x64_bound[];

/* abi/ms_x64/ms_x64_crt.c: the C runtime's start-up entry points; the
 * host's stream for one of msvcrt's __iob_func() records (f itself when
 * it is not one). */
void *ms_x64_crt_symbol(const char *name);
/* The scanf family (abi/scan.c) and the C library's other Microsoft
 * forms (ms_x64_libc.c); NULL when the name is not theirs. */
void *ms_x64_scan_symbol(const char *name);
void *ms_x64_libc_symbol(const char *name);
extern const bridge_bound ms_x64_libc_bound[];
extern const bridge_bound ms_x64_crt_bound[];
FILE *ms_x64_stream(FILE *f);

/* abi/ms_x64/ms_x64_asm.c */
void ms_x64_chkstk(void);
int ms_x64_setjmp(void *buf, void *frame) MS_ABI __attribute__((returns_twice));
void ms_x64_longjmp(void *buf, int val) MS_ABI __attribute__((noreturn));

#endif
