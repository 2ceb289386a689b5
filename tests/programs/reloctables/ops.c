/* SPDX-License-Identifier: MIT */
/* A table of function pointers and a registry pointing into other objects. */
#include "tables.h"

extern struct node *const node_b_ptr;

static long op_add(long a, long b)
{
	return a + b;
}

static long op_sub(long a, long b)
{
	return a - b;
}

static long op_mul(long a, long b)
{
	return a * b;
}

static long op_div(long a, long b)
{
	return b ? a / b : 0;
}

long op_pow(long a, long b)
{
	long r = 1;
	while (b-- > 0)
		r *= a;
	return r;
}

const struct op operations[] = {
	{ "add", '+', op_add },
	{ "sub", '-', op_sub },
	{ "mul", '*', op_mul },
	{ "div", '/', op_div },
	{ "pow", '^', op_pow },
};
const size_t noperations = sizeof(operations) / sizeof(operations[0]);

long running_total = 1000;

/* Points to node_b through a pointer constant from names.c, linked at run
 * time by main; node_a is statically linked to node_c for the second walk. */
struct node node_a = { "first", 10, &node_c };

struct registry registry = {
	.title = "registry of pointers",
	.names = color_names,
	.nnames = 7,
	.counts = color_counts,
	.window = &samples[5],
	.samples_end = samples + 20,
	.head = &node_a,
	.ops = operations,
	.nops = sizeof(operations) / sizeof(operations[0]),
	.tail = &"prefix:suffix"[7],
	.total = &running_total,
};

int *const sample_mid = &samples[10];
const char *const *const last_color = &color_names[6];
