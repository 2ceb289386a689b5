/* SPDX-License-Identifier: MIT */
#ifndef _SETJMP_H_
#define _SETJMP_H_
#if defined(__arm64__) || defined(__aarch64__)
#define _JBLEN ((14 + 8 + 2) * 2)
#else
#define _JBLEN ((9 * 2) + 3 + 16)
#endif
typedef int jmp_buf[_JBLEN];
int setjmp(jmp_buf);
void longjmp(jmp_buf, int) __attribute__((noreturn));
int _setjmp(jmp_buf);
void _longjmp(jmp_buf, int) __attribute__((noreturn));
#endif
