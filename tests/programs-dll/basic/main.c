/* SPDX-License-Identifier: MIT */
/* The program using the foo library: its functions and its data, read
 * and written. */
#include "../crt.h"
#include "foo.h"

int main(void)
{
	int v[] = { 9, 3, 7, 1, 5 };

	printf("foo_add(1, 2) = %d\n", foo_add(1, 2));
	printf("foo_counter = %d\n", foo_counter);
	foo_counter = 6;
	printf("median = %d, sorted %d %d %d %d %d\n", foo_sorted_median(v, 5), v[0], v[1],
	       v[2], v[3], v[4]);
	printf("banner = %s (%d)\n", foo_banner(), (int)strlen(foo_banner()));
	printf("scale = %.2f\n", foo_scale(1.5, 3.0));
	return 3;
}
