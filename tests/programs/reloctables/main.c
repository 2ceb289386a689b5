/* SPDX-License-Identifier: MIT */
/*
 * reloctables: static data holding relocated pointers -- string tables,
 * function-pointer tables, a struct of pointers into other objects, pointers
 * into the middle and one past the end of arrays, linked lists across objects.
 */
#include <stdio.h>
#include <string.h>

#include "tables.h"

extern struct node *const node_b_ptr;

/* Pointers with addends into another object's arrays, and to a local one. */
static const int local_squares[] = { 0, 1, 4, 9, 16, 25, 36, 49 };
static const int *const squares_at[] = {
	&local_squares[7], &local_squares[3], local_squares + 5,
};
static int *const samples_quarter = samples + 5;
static const char *const *const colors_second_half = color_names + 4;

static void walk(const char *what, const struct node *n)
{
	int sum = 0;
	printf("%s:", what);
	for (; n; n = n->next) {
		printf(" %s=%d", n->label, n->value);
		sum += n->value;
	}
	printf(" (sum %d)\n", sum);
}

int main(void)
{
	const struct registry *r = &registry;
	printf("%s: %zu names, %zu ops\n", r->title, r->nnames, r->nops);
	printf("names same array=%d ncolors=%zu last=%s\n",
	       r->names == color_names, ncolors, *last_color);

	for (size_t i = 0; i < r->nnames; i++) {
		const char *name = r->names[i];
		r->counts[i] = (int)strlen(name) * 10 + (int)i;
		printf("  color[%zu]=%-7s count=%d\n", i, name, color_counts[i]);
	}
	printf("second half:");
	for (int i = 0; i < 3; i++)
		printf(" %s", colors_second_half[i]);
	printf("\n");

	printf("window[0..3]=%d %d %d %d window[-2]=%d\n", r->window[0],
	       r->window[1], r->window[2], r->window[3], r->window[-2]);
	printf("window offset=%td, end offset=%td, mid offset=%td\n",
	       r->window - samples, r->samples_end - samples, sample_mid - samples);
	int sum = 0;
	for (const int *p = r->window; p != r->samples_end; p++)
		sum += *p;
	printf("sum window..end=%d\n", sum);
	*sample_mid = 100;
	samples_quarter[1] = 200;
	printf("samples[10]=%d samples[6]=%d via registry=%d %d\n", samples[10],
	       samples[6], r->window[5], r->window[1]);

	for (size_t i = 0; i < r->nops; i++) {
		const struct op *op = &r->ops[i];
		long v = op->fn(*r->total, (long)i + 2);
		printf("  %s: %ld %c %ld = %ld\n", op->name, *r->total, op->symbol,
		       (long)i + 2, v);
		*r->total = v % 100000;
	}
	printf("running_total=%ld\n", running_total);
	printf("ops same table=%d pow(3,4)=%ld\n", r->ops == operations,
	       operations[noperations - 1].fn(3, 4));

	printf("tail=\"%s\"\n", r->tail);
	printf("squares_at: %d %d %d\n", *squares_at[0], *squares_at[1],
	       *squares_at[2]);

	walk("list", r->head);
	node_a.next = node_b_ptr;
	walk("relinked", &node_a);

	printf("months:");
	for (int m = 0; m <= 13; m += 3)
		printf(" %s", month_abbrev(m));
	printf("\n");
	return 0;
}
