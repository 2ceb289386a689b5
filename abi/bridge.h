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

/* A host function that takes a callback, wrapped with the session in
 * hand: `fn` is a System V function taking the host function's `nargs`
 * integer or pointer arguments and then the objload_session.  The core
 * reaches it from the image's convention through a generic thunk and
 * a thunk that binds the session (core/callbacks.c). */
typedef struct bridge_bound {
	const char *name;
	void *fn;
	unsigned nargs;
} bridge_bound;

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
	/* Wrappers bound to the session, asked before host_symbol; the
	 * list ends with a NULL name. */
	const bridge_bound *bound;
	/* Optional: a host data object this convention's images reach by
	 * the address of a pointer variable the host does not have as such
	 * (glibc's `FILE *stdout` on a Windows host): 1 and *value, what
	 * the variable holds.  The core keeps the variable in the session. */
	int (*host_data)(const char *name, void **value);
	/* Optional: the host's name of a function the host has under
	 * another name (glibc's __errno_location is msvcrt's _errno): looked
	 * up as that host symbol, and called through a convention thunk like
	 * any host function.  NULL when there is none. */
	const char *(*host_name)(const char *name);
} cc_bridge;

/* The bridge for a convention, or NULL when none is compiled in. */
const cc_bridge *bridge_lookup(objload_callconv callconv);

/* What the core gives bound wrappers (core/callbacks.c). */
/* A function pointer of the host's convention that calls `fn`, a function
 * of convention `cc` taking up to six integer or pointer arguments (four
 * from a Microsoft x64 host): one thunk per
 * target, made on first use and kept until the session is freed.  NULL
 * when fn is NULL or memory runs out. */
void *bridge_callback(objload_session *s, const void *fn, objload_callconv cc);
/* The function a thunk of bridge_callback stands for, or host_fn itself
 * (what signal() returns as the previous handler). */
void *bridge_callback_original(objload_session *s, void *host_fn);
/* on_exit for the session: fn(status, arg) runs at exit() or when the
 * session is freed, in the C library's order; 0 or -1. */
int bridge_on_exit(objload_session *s, void (*fn)(int, void *), void *arg);

#endif
