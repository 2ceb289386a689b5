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
#include "core/hashmap.h"

#define CORE_ERRMSG_MAX 2048
#define CORE_MAX_EXTRA_FORMATS 16

/* Where a referenced symbol ends up. */
typedef enum res_kind {
	RES_NONE = 0,      /* not referenced, or not yet resolved */
	RES_SECTION,       /* image + section + offset */
	RES_ADDRESS,       /* a fixed address: absolute, user, host */
	RES_COMMON,        /* a common block owned by the session */
	RES_BUILTIN,       /* a runtime helper objload synthesizes */
	RES_WEAK_ZERO,     /* undefined weak: 0 */
	RES_DISCARDED,     /* in a section that lost a COMDAT contest */
	RES_CANONICAL,     /* a stub in the image standing for a host function */
	RES_IMPORT,        /* a pointer slot holding another address (__imp_) */
	RES_CCTHUNK,       /* a thunk between calling conventions */
} res_kind;

typedef struct symres {
	res_kind kind;
	uint32_t image;    /* RES_SECTION */
	uint32_t section;  /* RES_SECTION */
	uint64_t value;    /* offset, address, common index, builtin id */
	uint32_t global;   /* global table entry, or OBJLOAD_NO_INDEX */
} symres;

/* A piece of the plan: one section, or a block objload synthesizes. */
typedef enum piece_kind {
	PIECE_SECTION,
	PIECE_GOT,
	PIECE_STUBS,
	PIECE_COMMONS,
	PIECE_THUNKS,
} piece_kind;

typedef struct piece {
	piece_kind kind;
	uint32_t image, section;   /* PIECE_SECTION */
	uint32_t area;             /* GOT/STUBS: which area they serve */
	uint64_t size, align;
	int prot;
	uint32_t segment;
	uint64_t offset;           /* in its segment */
	uint64_t target;           /* final address */
	uint8_t *work;
} piece;

/* An area is the unit GOT slots and stubs are shared in: the whole link
 * under the whole-image strategy, one section under per-section. */
typedef struct area {
	uint32_t got_piece, stub_piece;  /* OBJLOAD_NO_INDEX when absent */
	uint32_t ngot, nstubs;
	int needs_got_base;
} area;

/* Per image, what the core adds to the plug-in's view. */
typedef struct core_image {
	objload_strategy strategy;
	objload_plan_choice choice;
	const arch_ops *arch;
	symres *res;            /* per symbol */
	uint32_t *sec_piece;    /* per section: piece index or NO_INDEX */
	uint8_t *discarded;     /* per section: lost a COMDAT contest */
	uint32_t *edge_slot;    /* per edge: GOT slot or stub index */
	uint32_t *edge_stub;    /* per edge: stub index or NO_INDEX */
	void *mapping;          /* the file's bytes */
	size_t mapping_len;
	int mapped;             /* mapping came from mmap */
	/* plug-in allocations that live as long as the image */
	void **allocs;
	size_t nallocs, allocs_cap;
	size_t sections_cap, symbols_cap, edges_cap, inits_cap, groups_cap;
	objload_session *session;
} core_image;

typedef struct global_sym {
	const char *name;        /* C-level */
	uint32_t image, symbol;  /* the winning definition */
	int strength;            /* 0 none, 1 common, 2 weak, 3 strong */
	int hidden;
	uint64_t common_size, common_align, common_offset;
	int resolved;            /* res is valid */
	int from_host;           /* res.value is an address in the host */
	int host_copy;           /* non-PIC: a copy of host data in the image */
	int host_canonical;      /* non-PIC: a stub standing for a host function */
	uint64_t host_size;      /* bytes to copy */
	uint64_t synth_offset;   /* canonical stub's offset in the thunks */
	int unresolved;          /* nothing defines it */
	symres res;
} global_sym;

typedef struct user_define {
	char *name;
	uint64_t address;
} user_define;

/* The link's own runtime data, at the start of the commons block: the
 * byte whose address is this link's __dso_handle, and __stack_chk_guard.
 * They live inside the link so that PC-relative references reach them. */
#define CORE_RUNTIME_DATA_SIZE 16
#define CORE_RUNTIME_DSO_OFFSET 0
#define CORE_RUNTIME_GUARD_OFFSET 8

typedef enum builtin_id {
	BUILTIN_DSO_HANDLE,
	BUILTIN_ATEXIT,
	BUILTIN_STACK_CHK_GUARD,
	BUILTIN_ATEXIT_MS,       /* atexit as a Microsoft x64 image calls it */
	BUILTIN_COUNT
} builtin_id;

struct objload_session {
	char errmsg[CORE_ERRMSG_MAX];
	objload_strategy strategy;
	const objload_memory_manager *mm;
	void *mm_ctx;
	int host_lookup;
	void *libm;

	const objload_format *extra_formats[CORE_MAX_EXTRA_FORMATS];
	size_t nextra_formats;
	/* run-time plug-ins (core/plugins.c) and objload_set_format's choice */
	struct core_plugins *plugins;
	const objload_format *forced_format;
	objload_arch_id wanted_arch;   /* objload_set_arch; UNKNOWN: host */

	objload_image **images;
	size_t nimages, images_cap;
	struct core_libs *libs;   /* archives, -L dirs, dlopen()ed libraries */

	user_define *defines;
	size_t ndefines;

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
	hashmap slot_index;       /* (area, kind, identity) -> slot */
	piece *pieces;
	size_t npieces, pieces_cap;
	area *areas;
	size_t nareas;
	uint32_t commons_piece, thunks_piece, imports_piece;
	uint64_t builtin_addr[BUILTIN_COUNT];
	int builtin_used[BUILTIN_COUNT];
	objload_segment *segments;
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

	/* resource caps (objload_set_limit) and what the inputs use of them */
	uint64_t limits[OBJLOAD_LIMIT_COUNT];
	uint64_t zerofill_total, sections_total;

	/* thunks between calling conventions, and import slots */
	struct cc_thunk {
		symres target;
		objload_callconv from, to;
		uint64_t offset;       /* in the thunks piece */
	} *ccthunks;
	size_t nccthunks, ccthunks_cap;
	hashmap ccthunk_index;
	symres *imports;
	size_t nimports, imports_cap;
	hashmap import_index;

	/* GOT slots and stubs to write, in creation order */
	struct slot_rec {
		uint32_t area, index, image, symbol;
		int is_stub;
		int64_t addend;        /* stubs: the branch's own addend */
	} *slots;
	size_t nslots, slots_cap;
};

/* errors */
objload_status core_error(objload_session *s, objload_status st,
			  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
objload_status core_verror(objload_session *s, objload_status st,
			   const char *fmt, va_list ap);
uint64_t core_now_ns(void);
objload_arch_id core_host_arch(void);

/* images */
core_image *core_of(const objload_image *img);
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
objload_status core_adapt_reference(objload_session *s, uint32_t image,
				    uint32_t symbol, symres *r);
void *core_bridged_host_symbol(objload_session *s, objload_callconv cc,
			       const char *name);
int core_host_address_is_code(uint64_t addr);
int core_host_object_size(uint64_t addr, const char *name, uint64_t *size);
objload_status core_check_bridges(objload_session *s);
uint64_t core_plan_ccthunks(objload_session *s, uint64_t offset);
objload_status core_write_ccthunks_and_imports(objload_session *s);

/* the link pipeline (core/link.c, core/symbols.c) */
objload_status core_resolve_symbols(objload_session *s);
objload_status core_link(objload_session *s);
uint64_t core_symbol_address(objload_session *s, const symres *r);
const char *core_symbol_display(const objload_image *img, uint32_t sym);

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

/* runtime: constructors, destructors and builtins (core/runtime.c) */
objload_status core_run_constructors(objload_session *s);
void core_unload(objload_session *s);
int core_builtin_lookup(const char *cname, builtin_id *id);
objload_status core_write_builtins(objload_session *s);

#endif
