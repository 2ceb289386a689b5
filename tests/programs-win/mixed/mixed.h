/* SPDX-License-Identifier: MIT */
/* The two sides of a mixed ELF + COFF session. */
#ifndef MIXED_H
#define MIXED_H

/* ms_side.c (Microsoft x64) */
long ms_sum6(long a, long b, long c, long d, long e, long f);
double ms_scale(double x, double y);
int ms_report(const char *who);

/* sysv_side.c (System V) */
long sysv_sum6(long a, long b, long c, long d, long e, long f);
double sysv_scale(double x, double y);
int sysv_twice(int v);
int sysv_report(const char *who);

#endif
