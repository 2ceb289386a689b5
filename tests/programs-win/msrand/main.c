/* SPDX-License-Identifier: MIT */
/*
 * msvcrt's rand(): the first numbers without srand (the seed is 1) and
 * after srand(1) and srand(12345).  tests/e2e/test_e2e_coff.c compares
 * them with the sequence Microsoft's CRT documents and produces
 * (41 18467 6334 26500 19169 for seed 1).
 */
#include <stdio.h>
#include <stdlib.h>

static void draw(const char *what)
{
	printf("%s:", what);
	for (int i = 0; i < 5; i++)
		printf(" %d", rand());
	printf("\n");
}

int main(void)
{
	draw("unseeded");
	srand(1);
	draw("seed 1");
	srand(12345);
	draw("seed 12345");
	printf("RAND_MAX %d\n", RAND_MAX);
	return 0;
}
