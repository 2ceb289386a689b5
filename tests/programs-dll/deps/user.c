/* SPDX-License-Identifier: MIT */
/*
 * A library that uses base from its own start-up code, so base must be
 * initialized first.  Its MSVC-target build imports base_value by ordinal
 * and delay-loads base.dll (tests/e2e/test_e2e_pe.c links it).
 */
#include "../crt.h"
#include "../startup.h"

int base_value(void);

EXPORT int user_value(void)
{
	return base_value() + 2;
}

static void attach(void)
{
	printf("user: attach, base_value() = %d\n", base_value());
}

static void detach(void)
{
	printf("user: detach\n");
}

#if defined(_WIN32) && defined(DELAY_HELPER)
/* delayimp.lib's __delayLoadHelper2, which this machine does not have:
 * the linker's delay-load stubs call it on the first call through a slot.
 * objload binds delay imports when it loads the DLL, so it never runs. */
void *__delayLoadHelper2(const void *descriptor, void **slot)
{
	(void)descriptor;
	(void)slot;
	return NULL;
}
#endif
