/* SPDX-License-Identifier: MIT */
/* The System V side: called by, and calling, Microsoft x64 code. */
#include <stdio.h>

#include "mixed.h"

long sysv_sum6(long a, long b, long c, long d, long e, long f)
{
	return a + 10 * b + 100 * c + 1000 * d + 10000 * e + 100000 * f;
}

double sysv_scale(double x, double y)
{
	return x * 100 + y;
}

int sysv_twice(int v)
{
	return 2 * v;
}

int sysv_report(const char *who)
{
	printf("sysv side: called by %s, ms_sum6=%ld ms_scale=%.2f\n", who,
	       ms_sum6(1, 2, 3, 4, 5, 6), ms_scale(1.5, 0.25));
	fflush(stdout);
	return 5;
}

#ifdef MAIN_IN_SYSV
int main(void)
{
	printf("main in sysv: %d\n", ms_report("sysv main"));
	fflush(stdout);
	return sysv_report("sysv main") == 5 ? 0 : 1;
}
#endif
