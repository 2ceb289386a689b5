/* SPDX-License-Identifier: MIT */
/* Data owned by this object; functions and arrays come from funcs.c. */
#include "shapes.h"

int primes[NPRIMES] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37 };
const char banner[] = "multiobj: objects sharing functions and data";
long history[16];
int history_len;

struct config cfg = {
	.name = "grid",
	.width = 7,
	.height = 5,
	.scale = 1.25,
	.combine = op_max,
	.weights = weights,
};

/* Same names as the file-local ones in funcs.c: each object must see its own. */
static int counter = 100;

static int bump(void)
{
	counter += 1;
	return counter;
}

int data_bump(void)
{
	return bump();
}

int data_counter(void)
{
	return counter;
}
