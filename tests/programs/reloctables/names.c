/* SPDX-License-Identifier: MIT */
/* String tables and arrays that ops.c and main.c point into. */
#include "tables.h"

const char *const color_names[] = {
	"red", "orange", "yellow", "green", "blue", "indigo", "violet",
};
const size_t ncolors = sizeof(color_names) / sizeof(color_names[0]);
int color_counts[7];

int samples[20] = {
	3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4,
};

/* The list goes node_a (ops.c) -> node_b (here) -> node_c (here) -> end. */
struct node node_c = { "third", 30, NULL };
static struct node node_b = { "second", 20, &node_c };
struct node *const node_b_ptr = &node_b;

const char *month_abbrev(int month)
{
	/* A function-local static table of pointers to string literals. */
	static const char *const months[12] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
	};
	return month >= 1 && month <= 12 ? months[month - 1] : "???";
}
