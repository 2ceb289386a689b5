/* SPDX-License-Identifier: MIT */
/*
 * The format-neutral core: sessions, symbol resolution, the plan, and the
 * link itself.  Nothing here knows a container format or an instruction
 * encoding; formats fill objload_image, arches apply kinds.
 */
#ifndef OBJLOAD_CORE_H
#define OBJLOAD_CORE_H

#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>

#include "objload.h"
#include "objload/plugin.h"
#include "arch/arch.h"
#include "core/graph.h"
#include "core/hashmap.h"

#define CORE_ERRMSG_MAX 2048
#define CORE_MAX_EXTRA_FORMATS 16

/* Per image, what the core adds to the plug-in's view. */
typedef struct core_image {
	objload_strategy forced;     /* objload_set_input_strategy at add time */
	objload_strategy strategy;   /* what it is loaded with */
	objload_plan_choice choice;  /* the plug-in's answer, with its reason */
	uint32_t block_base;         /* its sections are blocks [base, base+n) */
	uint32_t node_base;          /* its symbols are nodes [base, base+n) */
	int tls_defs;                /* defines something thread-local */
	void *mapping;          /* the file's bytes */
	size_t mapping_len;
	int mapped;             /* mapping came from mmap */
	/* plug-in allocations that live as long as the image
	 * (objload_image_alloc: bump allocated from these chunks) */
	struct core_image_chunk *chunks;
	size_t chunk_cap;            /* the size of the next chunk */
	size_t sections_cap, symbols_cap, edges_cap, inits_cap, groups_cap;
	objload_session *session;
} core_image;

/* One per C-level name of the link: 64 bytes, ten thousand of them in a
 * large link. */
typedef struct global_sym {
	const char *name;        /* C-level */
	lg_target res;
	uint64_t common_size, common_align;
	uint64_t host_size;      /* bytes to copy */
	uint32_t image, symbol;  /* the winning definition */
	uint8_t strength;        /* 0 none, 1 common, 2 weak, 3 strong */
	uint8_t hidden;
	uint8_t resolved;        /* res is valid */
	uint8_t from_host;       /* res.value is an address in the host */
	uint8_t host_copy;       /* non-PIC: a copy of host data in the link */
	uint8_t host_canonical;  /* non-PIC: a stub standing for a host function */
	uint8_t unresolved;      /* nothing defines it (2: reported) */
} global_sym;

typedef struct user_define {
	char *name;
	uint64_t address;
} user_define;

/* The link's own runtime data (an LG_RUNTIME block in the shared area):
 * the byte whose address is this link's __dso_handle, and
 * __stack_chk_guard.  Inside the link so PC-relative references reach. */
#define CORE_RUNTIME_DATA_SIZE 16
#define CORE_RUNTIME_DSO_OFFSET 0
#define CORE_RUNTIME_GUARD_OFFSET 8

typedef enum builtin_id {
	BUILTIN_DSO_HANDLE,
	BUILTIN_ATEXIT,
	BUILTIN_STACK_CHK_GUARD,
	BUILTIN_ATEXIT_MS,       /* atexit as a Microsoft x64 image calls it */
	BUILTIN_ON_EXIT,         /* on_exit: the session's, like atexit */
	BUILTIN_PTHREAD_ATFORK,  /* libc_nonshared.a's, under the session's handle */
	BUILTIN_AT_QUICK_EXIT,   /* the same */
	BUILTIN_TLS_GET_ADDR,    /* __tls_get_addr: objload's (core/tls.c) */
	BUILTIN_TLV_BOOTSTRAP,   /* Mach-O's _tlv_bootstrap: objload's */
	BUILTIN_EMUTLS,          /* __emutls_get_address: the session's */
	BUILTIN_COUNT
} builtin_id;

/* A pass of the link (core/link.c). */
typedef struct core_pass {
	const char *name;
	objload_phase phase;      /* whose time it adds to */
	objload_status (*run)(objload_session *s, void *ctx);
	void *ctx;
} core_pass;

#define CORE_MAX_USER_PASSES 32
#define CORE_MAX_PASS_LOG 64

struct objload_session {
	char errmsg[CORE_ERRMSG_MAX];
	objload_strategy strategy;        /* forced on every image without its own */
	objload_strategy input_strategy;  /* forced on the inputs added next */
	int relax;
	const objload_memory_manager *mm;
	void *mm_ctx;
	int host_lookup;
	void *libm;

	const objload_format *extra_formats[CORE_MAX_EXTRA_FORMATS];
	size_t nextra_formats;
	/* run-time plug-ins (core/plugins.c) and objload_set_format's choice */
	struct core_plugins *plugins;
	const objload_format *forced_format;
	struct core_log *log;     /* objload_set_log, link failure (core/log.c) */
	objload_arch_id wanted_arch;   /* objload_set_arch; UNKNOWN: host */

	objload_image **images;
	size_t nimages, images_cap;
	struct core_libs *libs;   /* archives, -L dirs, dlopen()ed libraries */

	user_define *defines;
	size_t ndefines;
	char **keeps;             /* objload_keep: dead-stripping roots */
	size_t nkeeps;

	/* passes an embedder or plug-in added, and what ran */
	struct {
		objload_pass_point at;
		const char *name;
		objload_pass_fn fn;
		void *ctx;
	} user_passes[CORE_MAX_USER_PASSES];
	size_t nuser_passes;
	struct {
		const char *name;
		uint64_t ns;
	} pass_log[CORE_MAX_PASS_LOG];
	size_t npass_log;

	/* link state */
	int linked, initialized, finalized_unload;
	int link_ok;              /* the link (and constructors) succeeded */
	int link_only;            /* objload_link_at: nothing runs here */
	uint64_t link_base;
	uint8_t *flat;            /* link_only: the working buffer */
	size_t flat_len;
	global_sym *globals;
	size_t nglobals, globals_cap;
	hashmap global_index;     /* name -> globals index */
	lg_graph g;
	lg_target builtin[BUILTIN_COUNT];
	objload_alloc_request request;
	int allocated;
	const arch_ops *arch;     /* of the link; one arch per session */

	/* __dso_handle: the address that identifies this session's atexit
	 * registrations to __cxa_atexit / __cxa_finalize.  A byte in the
	 * link's runtime data once linked (so code reaches it), before that
	 * the session's own byte. */
	char dso_handle;
	void *dso_key;
	/* __stack_chk_guard for code that reads the canary from a global
	 * (macOS, Windows); glibc keeps its own in TLS and exports none. */
	uintptr_t stack_chk_guard;

	objload_metrics metrics;
	uint64_t kind_count[OBJLOAD_MAX_KIND_METRICS];

	/* unwind, debugger, exit-time and callback state (core/rt.h) */
	struct core_runtime *rt;
	/* thread-local storage (core/tls.c) and IFUNCs (core/ifunc.c) */
	struct core_tls_link *tls;
	struct core_ifuncs *ifuncs;

	/* resource caps (objload_set_limit) and what the inputs use of them */
	uint64_t limits[OBJLOAD_LIMIT_COUNT];
	uint64_t zerofill_total, sections_total;
};

/* errors */
objload_status core_error(objload_session *s, objload_status st,
			  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
objload_status core_verror(objload_session *s, objload_status st,
			   const char *fmt, va_list ap);
uint64_t core_now_ns(void);
/* one message to the session's log (objload_set_log), when `category` is on */
void core_log(objload_session *s, objload_log_category category, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
objload_arch_id core_host_arch(void);

/* images */
static inline core_image *core_of(const objload_image *img)
{
	return img->core;
}
objload_image *core_image_new(objload_session *s, const char *path);
void core_image_free(objload_image *img);
objload_status core_validate_image(objload_session *s, objload_image *img);
void core_plugins_free(objload_session *s);
const objload_format *core_probe(objload_session *s, const uint8_t *bytes,
				 size_t len);

/* The link's request against OBJLOAD_LIMIT_MAPPED, before the memory
 * manager is asked (core/session.c); `file` names the input for the
 * message. */
objload_status core_check_mapped_limit(objload_session *s, const char *file);

/* calling conventions and imports (core/callconv.c) */
/* The convention of the host's own code: System V, Microsoft x64 on
 * Windows x86-64. */
objload_callconv core_host_callconv(void);
/* Can code of conventions a and b call each other directly?  (The arm64
 * conventions differ only in variadic calls, which bridges handle.) */
int core_callconv_compatible(objload_callconv a, objload_callconv b);
const char *core_callconv_name(objload_callconv cc);
/* Helpers loaded code reaches through the arch's bind thunks (core/
 * runtime.c's atexit and on_exit, bridges' bound wrappers) are System V
 * functions on every host: the thunks pass the arguments that way. */
#if defined(_WIN32) && defined(__x86_64__)
#define CORE_HELPER_ABI __attribute__((sysv_abi))
#else
#define CORE_HELPER_ABI
#endif
objload_status core_adapt_reference(objload_session *s, uint32_t image,
				    uint32_t symbol, lg_node *n);
void *core_bridged_host_symbol(objload_session *s, objload_callconv cc,
			       const char *name);
/* The host's own name of C-level `name` for images of convention cc,
 * when their bridge renames it; NULL when not. */
const char *core_bridged_host_name(objload_callconv cc, const char *name);
int core_host_address_is_code(uint64_t addr);
int core_host_object_size(uint64_t addr, const char *name, uint64_t *size);
objload_status core_check_bridges(objload_session *s);

/* the link's passes: resolution (core/symbols.c), strategies and
 * dead-stripping (core/strategy.c), synthesized tables (core/tables.c),
 * relaxation (core/relax.c), layout (core/layout.c), fixups
 * (core/fixup.c); the pipeline that runs them (core/link.c) */
objload_status core_resolve_symbols(objload_session *s);
objload_status core_build_edges(objload_session *s);
objload_status core_choose_strategies(objload_session *s);
objload_status core_dead_strip(objload_session *s);
objload_status core_plan_host_copies(objload_session *s);
objload_status core_relax_early(objload_session *s);
objload_status core_relax_placed(objload_session *s);
objload_status core_build_tables(objload_session *s);
objload_status core_layout(objload_session *s);
objload_status core_copy_contents(objload_session *s);
objload_status core_apply_fixups(objload_session *s);
/* thread-local storage (core/tls.c, core/tls.h) and IFUNCs (core/ifunc.c) */
objload_status core_tls_plan(objload_session *s);
objload_status core_tls_finish(objload_session *s);
objload_status core_ifunc_plan(objload_session *s);
objload_status core_ifunc_resolve(objload_session *s);
void core_ifunc_free(objload_session *s);
objload_status core_link(objload_session *s);
const char *core_symbol_display(const objload_image *img, uint32_t sym);
/* Linker-defined section bounds (core/bounds.c): when `name` names the
 * start or end of a set of sections (ELF __start_SEC, Mach-O
 * section$start$SEG$SECT; the formats say which), set *found and *out. */
objload_status core_section_bound(objload_session *s, const char *name,
				  int *found, lg_target *out);
/* Where the session's definition of C-level `name` is (LG_UNRESOLVED
 * when no image defines it). */
objload_status core_global_target(objload_session *s, const char *name, lg_target *out);
/* The node of symbol `sym` of image `image`. */
lg_node *core_node(objload_session *s, uint32_t image, uint32_t sym);
/* Name of an edge's native relocation, for messages. */
const char *core_reloc_display(const objload_session *s, const lg_edge *e,
			       char *buf, size_t len);
/* "FILE: section SEC offset 0xOFF: RELOC against 'SYM'" for an edge. */
void core_edge_where(const objload_session *s, const lg_edge *e, char *buf,
		     size_t len);
/* Is a loadable section role loaded at all? */
int core_role_loaded(objload_section_role role);
int core_prot_of_role(objload_section_role role);

/* Views of a finished link for the runtime (unwind and debugger
 * registration, symbolization).  Valid once the session is allocated.
 * core_section_target: where section `section` of image `image` runs; 0
 * when it is not loaded.  core_section_work: where objload wrote it (equal
 * to the target for in-process links); NULL when not loaded.
 * core_symbol_target: the address symbol `symbol` of image `image` is bound
 * to (its definition, or what resolution chose for a reference); 0 when
 * the symbol is in no loaded section and was not resolved. */
uint64_t core_section_target(const objload_session *s, uint32_t image,
			     uint32_t section);
void *core_section_work(const objload_session *s, uint32_t image,
			uint32_t section);
uint64_t core_symbol_target(objload_session *s, uint32_t image, uint32_t symbol);
/* Where a linked image's file address 0 was placed (a Windows module
 * handle; core/modules.c); 0 for a relocatable image or before
 * allocation. */
uint64_t core_image_base(const objload_session *s, uint32_t image);

/* runtime: constructors, destructors and builtins (core/runtime.c) */
objload_status core_run_constructors(objload_session *s);
void core_unload(objload_session *s);
int core_builtin_lookup(const char *cname, builtin_id *id);
/* The block a builtin lives in, created on first use. */
objload_status core_builtin_target(objload_session *s, builtin_id id,
				   lg_target *out);
void core_builtins_placed(objload_session *s);

/* The file and name of the link's largest block, for messages. */
const char *core_largest_file(const objload_session *s);
const char *core_largest_name(const objload_session *s);

/* the memory manager of objload_link_at (core/mem_target.c) */
extern const objload_memory_manager core_target_manager;

#endif
