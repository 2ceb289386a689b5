/* SPDX-License-Identifier: MIT */
/* The library the others depend on: base_value() is valid only once its
 * start-up code ran. */
#include "../crt.h"

#ifdef _WIN32
#define API __declspec(dllexport)
#else
#define API __attribute__((visibility("default")))
#endif

static int ready;

API int base_value(void)
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

#ifdef _WIN32
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
__attribute__((constructor)) static void base_init(void)
{
	attach();
}

__attribute__((destructor)) static void base_fini(void)
{
	detach();
}
#endif
