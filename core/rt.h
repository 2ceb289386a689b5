/* SPDX-License-Identifier: MIT */
/*
 * Runtime integration: what a loaded program needs from the process
 * around it once it is linked, kept apart from the link itself.
 *
 *   core/unwind.c       .eh_frame registration with the host's unwinders
 *                       (C++ exceptions, backtraces) and the COFF
 *                       structured-exception refusal;
 *   core/defaultlibs.c  the C++ runtime and compiler runtime found as a
 *                       compiler driver finds them; demangled names;
 *   core/debug.c        the GDB JIT interface and perf's /tmp/perf-PID.map;
 *   core/symbolize.c    address -> image, function, file:line, for crash
 *                       reports (async-signal-safe);
 *   core/callbacks.c    bridge wrappers bound to the session and
 *                       convention thunks for callbacks made at run time;
 *   core/modules.c      linked images as modules: their bases, Windows
 *                       DLL start-up and shut-down, what abi/ layers ask;
 *   core/runtime.c      constructors, exit-time handlers, unload.
 *
 * All of it hangs off one struct per session, created on first use and
 * freed by core_unload.  The link core calls in through a few one-line
 * hooks; the addresses of a finished link come from core_section_target,
 * core_section_work and core_symbol_target only.
 */
#ifndef OBJLOAD_RT_H
#define OBJLOAD_RT_H

#include <stddef.h>
#include <stdint.h>

#include "abi/bridge.h"
#include "core/core.h"
#include "os/os.h"

#define CORE_BRIDGE_DATA_MAX 16

struct rt_jit_entry;
struct rt_callback;
struct rt_abi_state;

/* A function of a loaded image, for debuggers, profilers and crash
 * reports: sorted by address, sizes filled in (core/debug.c). */
typedef struct rt_func {
	uint64_t addr, size;
	const char *name;
	uint32_t image, section;
} rt_func;

typedef struct core_runtime {
	/* options (public setters in the files that use them) */
	int no_default_libs;       /* objload_set_default_libs(s, 0) */
	int perf_map;              /* -1: OBJLOAD_PERF_MAP decides */
	int debugger;              /* objload_set_debugger_registration; -1:
				      a tracing debugger or OBJLOAD_GDB_JIT decides */

	/* core/unwind.c */
	void *libgcc_s;            /* dlopen handle, NULL when absent */
	void *libunwind;           /* LLVM libunwind, when loaded (libc++abi) */
	void **unwind;             /* the registered .eh_frame sections,
				      NULL-terminated */
	size_t nunwind;
	int unwind_gcc, unwind_llvm;   /* registered with libgcc, libunwind */

	/* core/debug.c */
	rt_func *funcs;
	size_t nfuncs;
	struct dwarf_line_row *lines;   /* sorted by address (-g ELF images) */
	size_t nlines;
	uint8_t **line_bufs;            /* what the rows point into */
	size_t nline_bufs;
	struct rt_jit_entry **jit;
	size_t njit;

	/* core/callbacks.c: one lock for the thunk tables, which loaded
	 * code may grow from several threads */
	os_mutex lock;
	void *bound_page;          /* session-bound bridge wrappers */
	size_t bound_len;
	const cc_bridge *bound_bridge;
	struct rt_callback *callbacks;
	size_t ncallbacks, callbacks_cap;
	/* host data a bridge hands out as pointer variables (cc_bridge
	 * host_data): the variables live here, as long as the session */
	struct {
		const char *name;
		void *value;
	} bridge_data[CORE_BRIDGE_DATA_MAX];
	size_t nbridge_data;

	/* core/modules.c: the images whose start-up functions ran, in
	 * order; OS personality layers' per-session state */
	uint32_t *attached;
	size_t nattached;
	struct rt_abi_state *abi_state;
	size_t nabi_state;
	int constructors_ran;      /* core/runtime.c */
} core_runtime;

/* The session's runtime state, created on first use; NULL when out of
 * memory. */
core_runtime *core_rt(objload_session *s);
/* For a public setter, which must come before objload_link: the state,
 * or an error status (with the session's message set). */
objload_status core_rt_option(objload_session *s, core_runtime **rt);

/* Hooks from the link core. */
/* core_resolve_symbols, after archive members are loaded: default
 * libraries and the refusals that are clearer before resolution. */
objload_status core_runtime_prepare(objload_session *s);
/* core_validate_image: room for what the runtime adds to an image's
 * sections (the .eh_frame terminator). */
objload_status core_unwind_prepare_image(objload_session *s, objload_image *img);
/* core_bridged_host_symbol: a session-bound wrapper of `name`, or NULL. */
void *core_bound_bridge_symbol(objload_session *s, const cc_bridge *b,
			       const char *name);
/* core_bridged_host_symbol: the session's variable holding the bridge's
 * host data `name` (cc_bridge.host_data), or NULL. */
void *core_bridge_data(objload_session *s, const cc_bridge *b, const char *name);

/* core/unwind.c */
objload_status core_unwind_register(objload_session *s);
void core_unwind_deregister(objload_session *s);
objload_status core_unwind_check_coff(objload_session *s);

/* core/defaultlibs.c */
objload_status core_default_libs(objload_session *s);
/* `name` demangled into buf (C++ Itanium names, through the host's
 * __cxa_demangle when it is there); NULL when it is not a C++ name or
 * nothing demangles it. */
const char *core_demangle(const char *name, char *buf, size_t len);

/* core/debug.c */
void core_debug_register(objload_session *s);
/* The name symbol `sym` of `img` gives a function in tables and reports,
 * or NULL when it names none (not in code, a section or file symbol, an
 * assembler-local label).  Async-signal-safe. */
const char *core_function_name(const objload_image *img, const objload_symbol *sym);
void core_debug_deregister(objload_session *s);

/* core/callbacks.c */
void core_callbacks_free(objload_session *s);

/* core/modules.c */
/* DLL_PROCESS_ATTACH of every image with start-up functions, in the
 * order of their references; an error when an entry point refuses. */
objload_status core_attach_images(objload_session *s);
/* DLL_PROCESS_DETACH of the attached images, in the opposite order. */
void core_detach_images(objload_session *s);
/* The layers' per-session state and the attach list. */
void core_modules_free(objload_session *s);

#endif
