/* SPDX-License-Identifier: MIT */
/*
 * A program that dies of SIGSEGV three calls deep: crash reports and
 * debuggers must name store_through, descend and main.
 */
#include <stdio.h>

__attribute__((noinline)) void store_through(volatile int *p, int v)
{
	*p = v;
}

__attribute__((noinline)) int descend(int depth, volatile int *p)
{
	if (depth > 0)
		return descend(depth - 1, p) + 1;
	store_through(p, 42);
	return 0;
}

int main(int argc, char **argv)
{
	(void)argv;
	printf("about to crash\n");
	fflush(stdout);
	return descend(argc, (volatile int *)0);
}
