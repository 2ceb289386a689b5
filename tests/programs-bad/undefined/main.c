/* SPDX-License-Identifier: MIT */
/*
 * Must not load: not_defined_anywhere is defined by no input object and by
 * nothing in the host, so `objload run` has to fail with exit status 1 and
 * name the symbol, before main runs.
 */
#include <stdio.h>

extern int not_defined_anywhere(int);

int main(void)
{
	printf("main ran: this must not be printed\n");
	return not_defined_anywhere(3);
}
