/* SPDX-License-Identifier: MIT */
/* Statically initialised data full of pointers, spread over three objects. */
#ifndef RELOCTABLES_TABLES_H
#define RELOCTABLES_TABLES_H

#include <stddef.h>

struct node {
	const char *label;
	int value;
	struct node *next;
};

struct op {
	const char *name;
	char symbol;
	long (*fn)(long, long);
};

struct registry {
	const char *title;
	const char *const *names;  /* array of string pointers in names.c */
	size_t nnames;
	int *counts;               /* int array in names.c */
	const int *window;         /* pointer into the middle of samples[] */
	const int *samples_end;    /* one past the end of samples[] */
	struct node *head;         /* linked list spanning objects */
	const struct op *ops;      /* function-pointer table in ops.c */
	size_t nops;
	const char *tail;          /* a string literal plus an offset */
	long *total;               /* a scalar in ops.c */
};

/* names.c */
extern const char *const color_names[];
extern const size_t ncolors;
extern int color_counts[];
extern int samples[20];
extern struct node node_c;
extern const char *month_abbrev(int month);

/* ops.c */
extern const struct op operations[];
extern const size_t noperations;
extern long running_total;
extern struct node node_a;
extern struct registry registry;
extern int *const sample_mid;
extern const char *const *const last_color;

#endif
