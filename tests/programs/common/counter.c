/* SPDX-License-Identifier: MIT */
/* The other half of the common symbols. */
#include "common.h"

int counter;
double accumulator;
int histogram[16];
int initialised_elsewhere = 1234;
long only_in_counter;
char grow[100];
int aligned_block[4] __attribute__((aligned(64)));

/* Writes all 100 bytes, except grow[0] which main sets. */
void fill_grow(void)
{
	for (int i = 1; i < 100; i++)
		grow[i] = (char)('a' + i % 26);
}

int grow_checksum(void)
{
	int sum = 0;
	for (int i = 0; i < 100; i++)
		sum = sum * 31 % 100003 + grow[i];
	return sum;
}

int read_aligned_block(int i)
{
	return aligned_block[i];
}

void count_value(int v)
{
	counter += 1000;
	accumulator += v * 0.5;
	histogram[v % 16]++;
	only_in_counter += v;
}

int read_counter(void)
{
	return counter;
}

int read_initialised(void)
{
	return initialised_elsewhere;
}

int same_objects(const int *c, const int *h, const int *ie)
{
	return c == &counter && h == histogram && ie == &initialised_elsewhere &&
	       only_in_counter == 7 * 210;
}
