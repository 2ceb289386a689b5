/* SPDX-License-Identifier: MIT */
/* The bundled example: two objects, host libc and libm, a constructor. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

const char *greeting(const char *who);
extern int greet_count;

static int by_value(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

__attribute__((constructor)) static void announce(void)
{
	printf("constructor ran before main\n");
}

int main(int argc, char **argv)
{
	int v[] = { 42, 7, 19, 3, 23 };

	printf("%s\n", greeting(argc > 1 ? argv[1] : "world"));
	qsort(v, sizeof(v) / sizeof(v[0]), sizeof(v[0]), by_value);
	printf("sorted by a comparator in the loaded code: %d %d %d %d %d\n",
	       v[0], v[1], v[2], v[3], v[4]);
	printf("sqrt(2) from the host's libm: %.6f\n", sqrt(2.0));
	return greet_count == 1 ? 0 : 1;
}
