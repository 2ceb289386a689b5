/* SPDX-License-Identifier: MIT */
/* The System V bridge of a Windows x86-64 host: ELF and Mach-O x86-64
 * objects calling the Windows C runtime (abi/sysv_win/sysv_win.c) and its
 * assembly routines (sysv_win_asm.c). */
#ifndef OBJLOAD_SYSV_WIN_H
#define OBJLOAD_SYSV_WIN_H

#include "abi/bridge.h"

#define SYSV_ABI __attribute__((sysv_abi))

extern const cc_bridge cc_bridge_sysv_win;

/* abi/sysv_win/sysv_win_asm.c: setjmp/longjmp of System V code */
SYSV_ABI int sysv_win_setjmp(void *buf) __attribute__((returns_twice));
SYSV_ABI void sysv_win_longjmp(void *buf, int val) __attribute__((noreturn));

#endif
