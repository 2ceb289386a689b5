/* SPDX-License-Identifier: MIT */
/* More constructors and destructors, in a second object. */
#include <stdio.h>

#include "trace.h"

int second_ready;

__attribute__((constructor(103))) static void ctor_103(void)
{
	trace("ctor103(second.c)");
	second_ready = ctor_ready; /* ctor 101 already ran: 101 */
}

__attribute__((constructor)) static void ctor_default_second_a(void)
{
	trace("ctorA(second.c)");
	second_ready += 1000;
}

__attribute__((constructor)) static void ctor_default_second_b(void)
{
	trace("ctorB(second.c)");
	second_ready += 20000;
}

__attribute__((destructor(103))) static void dtor_103(void)
{
	printf("dtor103 (second.c)\n");
	fflush(stdout);
}

__attribute__((destructor)) static void dtor_default_second(void)
{
	printf("dtor default (second.c)\n");
	fflush(stdout);
}
