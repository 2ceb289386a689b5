/* SPDX-License-Identifier: MIT */
/*
 * The registry of calling-convention bridges compiled into objload.
 * System V is the host's own convention and needs none.
 */
#include <stddef.h>
#include <string.h>

#include "abi/bridge.h"
#include "abi/ms_x64/ms_x64.h"

/* Bridges register here as they land (abi/ms_x64 for COFF x86-64). */
static const cc_bridge *const bridges[] = {
	&cc_bridge_ms_x64,
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
