/* SPDX-License-Identifier: MIT */
/*
 * A test library's start-up and shut-down: attach() and detach(), which
 * the library defines, called by DllMain with DLL_PROCESS_ATTACH and
 * DLL_PROCESS_DETACH on Windows, and by a constructor and a destructor on
 * Linux (which run at the same points of a program's life).  Included
 * once, by the library's source.
 */
#ifndef DLLTEST_STARTUP_H
#define DLLTEST_STARTUP_H

#include "export.h"

static void attach(void);
static void detach(void);

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
__attribute__((constructor)) static void library_init(void)
{
	attach();
}

__attribute__((destructor)) static void library_fini(void)
{
	detach();
}
#endif

#endif
