/* SPDX-License-Identifier: MIT */
/* The library the others depend on: base_value() is valid only once its
 * start-up code ran. */
#include "../crt.h"
#include "../startup.h"

static int ready;

EXPORT int base_value(void)
{
	return ready ? 40 : -1;
}

static void attach(void)
{
	ready = 1;
	printf("base: attach\n");
}

static void detach(void)
{
	printf("base: detach\n");
}
