/* SPDX-License-Identifier: MIT */
/* Calls libfoo.so's function, reads and writes its data. */
#include <stdio.h>

extern int foo_counter, foo_verbose;
extern const char *foo_name;
extern char foo_banner[];
int foo_add(int a, int b);
unsigned long foo_len(const char *s);

int main(void)
{
	int sum;

	foo_verbose = 1;
	printf("banner: %s\n", foo_banner);
	sum = foo_add(1, 2);
	printf("sum %d counter %d\n", sum, foo_counter);
	foo_counter += 100;
	printf("add %d counter %d name %s len %lu\n", foo_add(5, 5), foo_counter, foo_name,
	       foo_len("abc"));
	return foo_counter == 146 ? 0 : 3;
}
