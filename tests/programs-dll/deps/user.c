/* SPDX-License-Identifier: MIT */
/*
 * A library that uses base from its own start-up code, so base must be
 * initialized first.  Its MSVC-target build imports base_value by ordinal
 * and delay-loads base.dll (user.sh says how it is linked).
 */
#include "../crt.h"

#ifdef _WIN32
#define API __declspec(dllexport)
#else
#define API __attribute__((visibility("default")))
#endif

int base_value(void);

API int user_value(void)
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

#ifdef _WIN32
#ifdef DELAY_HELPER
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

int __stdcall DllMain(void *module, unsigned long reason, void *reserved)
{
	(void)module;
	(void)reserved;
	if (reason == 1)
		attach();
	else if (reason == 0)
		detach();
	return 1;
}
#else
__attribute__((constructor)) static void user_init(void)
{
	attach();
}

__attribute__((destructor)) static void user_fini(void)
{
	detach();
}
#endif
