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

#include <stddef.h>
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

/* A function or data object of a bridge or of a layer under it, by the
 * C-level name an image imports. */
typedef struct bridge_entry {
	const char *name;
	void *addr;
} bridge_entry;

/* The address of `name` in table[0, n), or NULL (abi/bridge.c). */
void *bridge_table_lookup(const bridge_entry *table, size_t n, const char *name);

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
	/* Call a Windows DLL start-up function
	 * `BOOL fn(void *module, DWORD reason, void *reserved)` of session
	 * s, the calling thread prepared for Windows code first (a TEB);
	 * -1 when it cannot be. */
	int (*call_attach)(objload_session *s, uint64_t fn, uint64_t module, uint32_t reason,
			   uint64_t reserved);
	/* Wrappers bound to the session, asked before host_symbol: lists
	 * (the C runtime's, the Windows API layer's), each ending with a
	 * NULL name; NULL ends the array. */
	const bridge_bound *const *bound;
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

/* What an OS personality layer (abi/win32) asks about the session
 * (core/modules.c).  A module is a linked image (a DLL, a shared
 * library), named by its file name without case, with or without its
 * extension; its base is where its file address 0 lies (a Windows
 * HMODULE). */
/* 1 and *base set when a module of that name is loaded; 0 otherwise. */
int bridge_find_module(objload_session *s, const char *name, uint64_t *base);
/* The path the module at `base` was loaded from; NULL when none is. */
const char *bridge_module_path(objload_session *s, uint64_t base);
/* The address of global definition `name` (as written in the file, such
 * as a PE ordinal export's "#3", or its C-level name) of the module at
 * `base`, a forwarder followed; NULL when it has none. */
void *bridge_module_symbol(objload_session *s, uint64_t base, const char *name);
/* The bridge's own function `name` as an image of convention cc reaches
 * it (a wrapper, session-bound ones included); NULL when it has none. */
void *bridge_symbol(objload_session *s, objload_callconv cc, const char *name);
/* The per-session state of a layer, found by `key` (any address the
 * layer owns): on first use `size` zeroed bytes, then `init` (may be
 * NULL; non-zero: failure) on them, under the session's lock; `release`
 * (may be NULL) is called on it when the session is freed, after the
 * images' exit-time functions ran, before it is freed.  Thread-safe.
 * NULL when out of memory or init failed. */
void *bridge_session_state(objload_session *s, const void *key, size_t size,
			   int (*init)(void *state), void (*release)(void *state));

#endif
