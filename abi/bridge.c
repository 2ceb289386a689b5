/* SPDX-License-Identifier: MIT */
/*
 * The registry of calling-convention bridges compiled into objload.
 * The host's own convention needs none; configure compiles in the bridges
 * of the host (Makefile.am: BRIDGE_SOURCES) and says which with
 * OBJLOAD_BRIDGE_* definitions.
 */
#include <stddef.h>
#include <string.h>

#include "abi/bridge.h"
#ifdef OBJLOAD_BRIDGE_MS_X64
#include "abi/ms_x64/ms_x64.h"
#endif
#ifdef OBJLOAD_BRIDGE_ARM64
#include "abi/arm64/arm64.h"
#endif
#ifdef OBJLOAD_BRIDGE_SYSV_WIN
#include "abi/sysv_win/sysv_win.h"
#endif

/* Bridges register here as they land: abi/ms_x64 for COFF x86-64 on an
 * x86-64 Linux host, abi/arm64 for Mach-O and COFF arm64 on an AArch64
 * host, abi/sysv_win for ELF and Mach-O x86-64 on a Windows host. */
static const cc_bridge *const bridges[] = {
#ifdef OBJLOAD_BRIDGE_MS_X64
	&cc_bridge_ms_x64,
#endif
#ifdef OBJLOAD_BRIDGE_ARM64
	&cc_bridge_darwin_arm64,
	&cc_bridge_ms_arm64,
#endif
#ifdef OBJLOAD_BRIDGE_SYSV_WIN
	&cc_bridge_sysv_win,
#endif
	NULL,
};

const cc_bridge *bridge_lookup(objload_callconv callconv)
{
	for (size_t i = 0; i < sizeof(bridges) / sizeof(bridges[0]); i++)
		if (bridges[i] && bridges[i]->callconv == callconv)
			return bridges[i];
	return NULL;
}

void *bridge_table_lookup(const bridge_entry *table, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].name, name) == 0)
			return table[i].addr;
	return NULL;
}
