/* SPDX-License-Identifier: MIT */
/*
 * Constructors and destructors of one object, for Mach-O.  A Mach-O
 * object's __mod_init_func has no priorities: clang sorts one file's
 * constructors by priority, and across files macOS runs them in link
 * order.  So priorities are compared with a native build only within
 * one object; tests/programs/ctors spreads them over two.
 */
#include <stdio.h>
#include <stdlib.h>

static char trace[256];
static int steps;

static void note(const char *what)
{
	snprintf(trace + steps * 8, sizeof(trace) - (size_t)steps * 8, "%-7s|", what);
	steps++;
}

__attribute__((constructor(105))) static void ctor_105(void) { note("c105"); }
__attribute__((constructor)) static void ctor_plain(void) { note("cplain"); }
__attribute__((constructor(101))) static void ctor_101(void) { note("c101"); }

__attribute__((destructor(101))) static void dtor_101(void)
{
	printf("dtor101\n");
	fflush(stdout);
}

__attribute__((destructor)) static void dtor_plain(void)
{
	printf("dtor plain\n");
	fflush(stdout);
}

static void at_exit_handler(void)
{
	printf("atexit handler\n");
	fflush(stdout);
}

int main(void)
{
	atexit(at_exit_handler);
	printf("constructors: %s (%d)\n", trace, steps);
	return steps == 3 ? 0 : 1;
}
