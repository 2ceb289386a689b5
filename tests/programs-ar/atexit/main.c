/* SPDX-License-Identifier: MIT */
/*
 * atexit, at_quick_exit-free: handlers registered by main run after it
 * returns, in reverse order, as natively.  Run with -lc, the handlers
 * come through libc.so's ld script: libc.so.6 for the host's functions
 * and libc_nonshared.a's atexit.oS member for atexit itself.
 */
#include <stdio.h>
#include <stdlib.h>

static void first(void) { printf("handler registered first\n"); }
static void second(void) { printf("handler registered second\n"); }

int main(void)
{
	if (atexit(first) || atexit(second))
		return 1;
	printf("main returns 7\n");
	return 7;
}
