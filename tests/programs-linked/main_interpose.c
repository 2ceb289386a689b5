/* SPDX-License-Identifier: MIT */
/* Defines foo_counter itself: the library's references bind to this
 * definition, as an executable's definition interposes a library's. */
#include <stdio.h>

int foo_counter = 7;
int foo_add(int a, int b);

int main(void)
{
	int sum = foo_add(3, 4);

	printf("sum %d counter %d\n", sum, foo_counter);
	return foo_counter == 10 ? 0 : 4;
}
