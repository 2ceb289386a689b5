/* SPDX-License-Identifier: MIT */
#include <stdio.h>

int baz_twice(int a);

int main(void)
{
	int v = baz_twice(5);

	printf("baz %d\n", v);
	return 0;
}
