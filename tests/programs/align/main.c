/* SPDX-License-Identifier: MIT */
/*
 * align: a 64 KiB-aligned .data array, a 1 MiB-aligned .bss array and an
 * 8 KiB-aligned constant, defined in another object.  Prints whether each
 * address is a multiple of its alignment (never the address itself), and
 * uses the data so the compiler keeps it.
 */
#include <stdint.h>
#include <stdio.h>

#include "align.h"

__attribute__((aligned(32768))) static int local32k[4] = { 7, 7, 7, 7 };

int sum_table(void)
{
	int s = 0;

	for (int i = 0; i < 16; i++)
		s += table64k[i];
	return s;
}

static void report(const char *what, const void *p, uintptr_t align)
{
	uintptr_t u = (uintptr_t)p;

	/* the compiler knows what it aligned itself: make it look */
	__asm__("" : "+r"(u));
	printf("%s aligned to %lu: %s\n", what, (unsigned long)align,
	       u % align == 0 ? "yes" : "no");
}

int main(void)
{
	report("table64k", table64k, 65536);
	report("zeros1m", zeros1m, 1u << 20);
	report("text8k", text8k_ptr, 8192);
	report("local32k", local32k, 32768);
	zeros1m[4095] = 1;
	printf("sum %d, text \"%s\", local %d, zero %d\n", sum_table(), text8k,
	       local32k[3], zeros1m[0] + zeros1m[4095]);
	return 0;
}
