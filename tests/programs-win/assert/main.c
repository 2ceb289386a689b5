/* SPDX-License-Identifier: MIT */
/*
 * assert() of a Windows build: MinGW's <assert.h> calls msvcrt's _assert
 * (UCRT's _wassert with -D_UCRT -DUNICODE).  A true assertion must link
 * and pass; with an argument the false one fires, and
 * tests/e2e/test_e2e_coff.c checks msvcrt's message and the abort.
 */
#include <assert.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argv;
	assert(argc >= 1);
	printf("first assertion held\n");
	fflush(stdout);
	assert(argc == 1);
	printf("second assertion held\n");
	return 0;
}
