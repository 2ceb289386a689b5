/* SPDX-License-Identifier: MIT */
/*
 * Calling-convention bridges: what lets an image compiled for another
 * OS's calling convention use the host's C library.
 *
 * The host's C library speaks the host convention (System V on Linux).
 * An image of another convention (COFF x86-64: Microsoft x64) that calls
 * a host function needs either a wrapper that knows the function's
 * signature (printf with its variadic doubles, qsort with its callback,
 * LLP64 `long`) or, failing that, a generic thunk from the arch
 * (integer and pointer arguments only).  A bridge supplies the wrappers
 * and the call of an entry point; the core asks it before the host.
 */
#ifndef OBJLOAD_BRIDGE_H
#define OBJLOAD_BRIDGE_H

#include <stdint.h>

#include "objload/plugin.h"

typedef struct cc_bridge {
	const char *name;
	objload_callconv callconv;
	/* Address of this convention's implementation of the C-level
	 * host symbol `name` (a function wrapper, or a data object laid out
	 * as this platform's headers expect), or NULL when the bridge has
	 * none and the host's own symbol (through a generic thunk, for
	 * code) is to be used. */
	void *(*host_symbol)(const char *name);
	/* Call `int main(int argc, char **argv)` compiled for this
	 * convention at `fn`. */
	int (*call_main)(uint64_t fn, int argc, char **argv);
	/* Call a constructor or destructor `void fn(void)`. */
	void (*call_init)(uint64_t fn);
} cc_bridge;

/* The bridge for a convention, or NULL when none is compiled in. */
const cc_bridge *bridge_lookup(objload_callconv callconv);

#endif
