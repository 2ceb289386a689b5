/* SPDX-License-Identifier: MIT */
/*
 * common: tentative definitions compiled with -fcommon become common
 * symbols; the same name in several objects must become one object, sized
 * and aligned for the largest request, zero-initialised, and an initialised
 * definition elsewhere must take precedence over the commons.
 */
#include <stdio.h>

#include "common.h"

int counter;            /* common, also common in counter.c */
double accumulator;     /* common, also common in counter.c */
int histogram[16];      /* common, also common in counter.c */
char scratch[40];       /* common, only here */
int initialised_elsewhere; /* common here, defined with a value in counter.c */
char grow[8];           /* common; counter.c asks for 100 bytes: the larger wins */
int aligned_block[4] __attribute__((aligned(64))); /* common with alignment 64 */

static int aligned_ok(const void *p, unsigned long align)
{
	return ((unsigned long)p & (align - 1)) == 0;
}

int main(void)
{
	int zero = counter == 0 && accumulator == 0.0 && scratch[0] == 0 &&
		   scratch[39] == 0;
	for (int i = 0; i < 16; i++)
		zero = zero && histogram[i] == 0;
	printf("zero-initialised: %d\n", zero);
	printf("initialised_elsewhere=%d\n", initialised_elsewhere);
	printf("aligned: counter=%d accumulator=%d histogram=%d\n",
	       aligned_ok(&counter, sizeof(counter)),
	       aligned_ok(&accumulator, sizeof(accumulator)),
	       aligned_ok(histogram, sizeof(int)));
	printf("aligned_block aligned to 64: %d\n", aligned_ok(aligned_block, 64));

	for (int i = 1; i <= 20; i++) {
		counter += i;
		count_value(i * 7);
	}
	printf("counter=%d (seen by counter.c as %d)\n", counter, read_counter());
	printf("accumulator=%.3f\n", accumulator);
	printf("histogram:");
	for (int i = 0; i < 16; i++)
		printf(" %d", histogram[i]);
	printf("\n");

	snprintf(scratch, sizeof(scratch), "scratch holds %d", counter);
	printf("%s, same_objects=%d\n", scratch, same_objects(&counter, histogram,
							     &initialised_elsewhere));
	grow[0] = 'G';
	fill_grow();
	printf("grow: first=%c checksum=%d, neighbours intact=%d\n", grow[0],
	       grow_checksum(), counter == 20210 && aligned_block[0] == 0);
	aligned_block[3] = 33;
	printf("aligned_block[3] seen by counter.c: %d\n", read_aligned_block(3));
	initialised_elsewhere *= 3;
	printf("initialised_elsewhere now %d\n", read_initialised());
	return 0;
}
