/* SPDX-License-Identifier: MIT */
/*
 * What runs after main, in which order, and with which status: atexit
 * and on_exit handlers mixed (the C library runs them in the reverse of
 * their registration), a destructor (after them), and a standard output
 * whose buffer is in this program's own data (flushed last, by exit).
 * "exit" as the first argument leaves with exit(5) instead of returning 7.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int on_exit(void (*fn)(int, void *), void *arg);

static char stdout_buffer[4096];

static void first_atexit(void)
{
	printf("atexit, registered first\n");
}

static void second_atexit(void)
{
	printf("atexit, registered third\n");
}

static void report(int status, void *arg)
{
	printf("on_exit %s: status %d\n", (const char *)arg, status);
}

__attribute__((destructor)) static void finish(void)
{
	printf("destructor\n");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, stdout_buffer, _IOFBF, sizeof(stdout_buffer));
	atexit(first_atexit);
	on_exit(report, "registered second");
	atexit(second_atexit);
	on_exit(report, "registered last");
	printf("main: %s\n", argc > 1 ? argv[1] : "return");
	if (argc > 1 && strcmp(argv[1], "exit") == 0)
		exit(5);
	return 7;
}
