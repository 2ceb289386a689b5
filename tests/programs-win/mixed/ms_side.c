/* SPDX-License-Identifier: MIT */
/* The Microsoft x64 side: called by, and calling, System V code. */
int printf(const char *, ...);

#include "mixed.h"

long ms_sum6(long a, long b, long c, long d, long e, long f)
{
	return a + 10 * b + 100 * c + 1000 * d + 10000 * e + 100000 * f;
}

double ms_scale(double x, double y)
{
	return x * 100 + y;
}

int ms_report(const char *who)
{
	printf("ms side: called by %s, sysv_sum6=%ld sysv_scale=%.2f twice=%d\n", who,
	       sysv_sum6(1, 2, 3, 4, 5, 6), sysv_scale(1.5, 0.25), sysv_twice(21));
	return 7;
}

#ifdef MAIN_IN_MS
int main(void)
{
	printf("main in ms: %d\n", sysv_report("ms main"));
	return ms_report("ms main") == 7 ? 0 : 1;
}
#endif
