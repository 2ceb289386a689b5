/* SPDX-License-Identifier: MIT */
/* Declarations shared by the three objects of the multiobj program. */
#ifndef MULTIOBJ_SHAPES_H
#define MULTIOBJ_SHAPES_H

#define NPRIMES 12

struct config {
	const char *name;
	int width;
	int height;
	double scale;
	int (*combine)(int, int);
	const int *weights; /* points into another object's array */
};

/* data.c */
extern int primes[NPRIMES];
extern const char banner[];
extern struct config cfg;
extern long history[];
extern int history_len;
int data_bump(void);
int data_counter(void);

/* funcs.c */
extern int (*binop)(int, int);
extern int weights[4];
int op_add(int a, int b);
int op_mul(int a, int b);
int op_max(int a, int b);
int funcs_bump(void);
int funcs_counter(void);
long fold_primes(int (*fn)(int, int), int seed);
void record(long value);

#endif
