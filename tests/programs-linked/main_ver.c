/* SPDX-License-Identifier: MIT */
#include <stdio.h>

int ver_get(void);

int main(void)
{
	printf("ver_get %d\n", ver_get());
	return 0;
}
