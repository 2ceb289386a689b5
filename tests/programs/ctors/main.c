/* SPDX-License-Identifier: MIT */
/*
 * ctors: constructors with and without priorities in two objects, the
 * matching destructors, and atexit handlers registered from main.  The
 * order of every line must equal the native program's: prioritised
 * constructors ascending, then the default ones in link order; at exit the
 * atexit handlers (last registered first), then the destructors.  Every
 * handler flushes stdout itself so nothing depends on when stdio is flushed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

static char trace_buf[512];
static int steps;
int ctor_ready;

void trace(const char *step)
{
	if (steps++)
		strcat(trace_buf, " > ");
	strcat(trace_buf, step);
}

__attribute__((constructor(101))) static void ctor_101(void)
{
	trace("ctor101");
	ctor_ready = 101;
}

__attribute__((constructor(105))) static void ctor_105(void)
{
	trace("ctor105");
	ctor_ready += 105;
}

__attribute__((constructor)) static void ctor_default_main(void)
{
	trace("ctor(main.c)");
}

__attribute__((destructor(101))) static void dtor_101(void)
{
	printf("dtor101 (main.c)\n");
	fflush(stdout);
}

__attribute__((destructor(105))) static void dtor_105(void)
{
	printf("dtor105 (main.c)\n");
	fflush(stdout);
}

__attribute__((destructor)) static void dtor_default_main(void)
{
	printf("dtor default (main.c), steps so far %d\n", steps);
	fflush(stdout);
}

static void at_exit_first(void)
{
	printf("atexit handler registered first\n");
	fflush(stdout);
}

static void at_exit_second(void)
{
	printf("atexit handler registered second\n");
	fflush(stdout);
}

int main(void)
{
	printf("main: trace = %s\n", trace_buf);
	printf("main: ctor_ready=%d second_ready=%d steps=%d\n", ctor_ready,
	       second_ready, steps);
	if (atexit(at_exit_first) != 0 || atexit(at_exit_second) != 0)
		printf("atexit failed\n");
	printf("main: returning\n");
	fflush(stdout);
	return 0;
}
