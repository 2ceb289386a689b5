/* SPDX-License-Identifier: MIT */
/* Functions used through pointers by main.c; data from data.c. */
#include "shapes.h"

int weights[4] = { 1, 10, 100, 1000 };

int op_add(int a, int b)
{
	return a + b;
}

int op_mul(int a, int b)
{
	return (int)((long)a * b % 1000003);
}

int op_max(int a, int b)
{
	return a > b ? a : b;
}

int (*binop)(int, int) = op_add;

static int counter;

static int bump(void)
{
	counter += 10;
	return counter;
}

int funcs_bump(void)
{
	return bump();
}

int funcs_counter(void)
{
	return counter;
}

long fold_primes(int (*fn)(int, int), int seed)
{
	long acc = seed;
	for (int i = 0; i < NPRIMES; i++)
		acc = fn((int)acc, primes[i]);
	return acc;
}

void record(long value)
{
	if (history_len < 16)
		history[history_len++] = value;
}
