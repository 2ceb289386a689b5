/* SPDX-License-Identifier: MIT */
/*
 * exit: exit(5) called from a nested function deep in a recursion.  Output
 * still buffered in stdout must be flushed by exit, atexit handlers and
 * destructors must run, and nothing after the call may run.
 */
#include <stdio.h>
#include <stdlib.h>

#include "search.h"

static void goodbye(void)
{
	printf("atexit: goodbye (depth reached %d)\n", deepest);
}

__attribute__((destructor)) static void finish(void)
{
	printf("destructor: finish\n");
}

int main(void)
{
	atexit(goodbye);
	printf("searching for a path of length 6 in a 5x5 grid...\n");
	/* Deliberately not flushed: exit() has to do it. */
	int found = search(0, 0, 0);
	printf("unreachable: search returned %d\n", found);
	fprintf(stderr, "unreachable\n");
	return 0;
}
