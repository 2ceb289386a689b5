/* SPDX-License-Identifier: MIT */
/* Hello, world: what loading costs when there is nothing to load. */
#include <stdio.h>

int main(void)
{
	puts("hello, world");
	return 0;
}
