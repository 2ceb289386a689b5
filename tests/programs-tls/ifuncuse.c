/* SPDX-License-Identifier: MIT */
/* Calls the IFUNCs of ifunc.c directly, through a pointer taken here and
 * one taken there, and says what the CPU has.  (Whether the two pointers
 * compare equal depends on the static linker: GNU ld gives a PIE's GOT the
 * resolved function and its code the PLT entry, so it is not printed.) */
#include <stdio.h>

#include "ifunc.h"

int main(void)
{
	int (*volatile p)(int, int) = add;

	printf("add(2, 3) = %d\n", add(2, 3));
	printf("through a pointer: %d\n", p(40, 2));
	printf("through a pointer from ifunc.c: %d\n", add_address()(20, 1));
	printf("add ran the %s implementation\n", add_picked());
	printf("twice(21) twice = %d, the %s implementation\n", use_twice(21), twice_picked());
	__builtin_cpu_init();
	printf("cpu: sse2 %d, avx2 %d\n", __builtin_cpu_supports("sse2") != 0,
	       __builtin_cpu_supports("avx2") != 0);
	return 0;
}
