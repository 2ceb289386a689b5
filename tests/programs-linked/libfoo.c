/* SPDX-License-Identifier: MIT */
/* A shared library: exports a function and data, has a constructor and a
 * destructor, and calls the C library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int foo_counter = 40;
const char *foo_name = "libfoo";
char foo_banner[64];
int foo_verbose;
static int ctor_runs;

__attribute__((constructor)) static void foo_init(void)
{
	ctor_runs++;
	snprintf(foo_banner, sizeof(foo_banner), "%s ready (%d)", foo_name, (int)strlen(foo_name));
}

__attribute__((destructor)) static void foo_fini(void)
{
	if (foo_verbose)
		printf("libfoo: destructor, counter %d\n", foo_counter);
}

int foo_add(int a, int b)
{
	foo_counter += a;
	return a + b + ctor_runs;
}

size_t foo_len(const char *s)
{
	char *copy = strdup(s);
	size_t n = strlen(copy) + strlen(foo_name);

	free(copy);
	return n;
}
