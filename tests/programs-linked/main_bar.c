/* SPDX-License-Identifier: MIT */
#include <stdio.h>

unsigned long bar_mix(const char *s);

int main(void)
{
	printf("mix %lx\n", bar_mix("objload"));
	return 0;
}
