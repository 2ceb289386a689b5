/* SPDX-License-Identifier: MIT */
/* multiobj: three objects resolving each other's functions and data. */
#include <stdio.h>
#include <string.h>

#include "shapes.h"

static int counter = -1; /* a third file-local "counter" */

static void show_primes(void)
{
	printf("primes:");
	for (int i = 0; i < NPRIMES; i++)
		printf(" %d", primes[i]);
	printf("\n");
}

int main(void)
{
	printf("%s (%zu chars)\n", banner, strlen(banner));
	show_primes();

	printf("fold add=%ld\n", fold_primes(binop, 0));
	record(fold_primes(binop, 0));
	binop = op_mul;
	printf("fold mul=%ld\n", fold_primes(binop, 1));
	record(fold_primes(binop, 1));
	printf("fold cfg.combine=%ld\n", fold_primes(cfg.combine, 0));
	record(fold_primes(cfg.combine, 0));

	/* Writes through the extern array are seen by the other object. */
	for (int i = 0; i < NPRIMES; i++)
		primes[i] *= 2;
	show_primes();
	printf("fold add after doubling=%ld\n", fold_primes(op_add, 0));

	printf("cfg: %s %dx%d scale=%.3f area=%.2f\n", cfg.name, cfg.width,
	       cfg.height, cfg.scale, cfg.width * cfg.height * cfg.scale);
	cfg.width = cfg.combine(cfg.width, 9);
	printf("cfg.width after combine=%d\n", cfg.width);
	int total = 0;
	for (int i = 0; i < 4; i++)
		total += cfg.weights[i] * (i + 1);
	printf("weights via cfg=%d same=%d\n", total, cfg.weights == weights);
	weights[2] = 7;
	printf("weights[2] via cfg=%d\n", cfg.weights[2]);

	for (int i = 0; i < 3; i++) {
		counter++;
		printf("bump data=%d funcs=%d local=%d\n", data_bump(),
		       funcs_bump(), counter);
	}
	printf("counters data=%d funcs=%d local=%d\n", data_counter(),
	       funcs_counter(), counter);

	printf("history(%d):", history_len);
	for (int i = 0; i < history_len; i++)
		printf(" %ld", history[i]);
	printf("\n");
	return 0;
}
