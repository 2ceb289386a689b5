/*
 * objload: load object files of any format into memory, link them with each
 * other and with the host process, and run them.
 *
 * A session collects input files, links them in one step and then lets the
 * caller look up symbols or run an entry point.  Every fallible call returns
 * an objload_status; the human-readable detail (file, section, offset,
 * relocation, symbol) is kept on the session and read with objload_errmsg().
 * A session owns everything it allocates; objload_session_free() unloads the
 * images (destructors, atexit handlers registered by the images, mappings).
 *
 * Calls on one session must not run concurrently; distinct sessions are
 * independent and may be used from different threads.
 */
#ifndef OBJLOAD_H
#define OBJLOAD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OBJLOAD_VERSION_STRING "0.1.0"

typedef enum objload_status {
	OBJLOAD_OK = 0,
	OBJLOAD_ERR_IO,          /* a file could not be read */
	OBJLOAD_ERR_FORMAT,      /* malformed input */
	OBJLOAD_ERR_UNSUPPORTED, /* well-formed, but a feature objload lacks */
	OBJLOAD_ERR_UNDEFINED,   /* symbols that nothing defines */
	OBJLOAD_ERR_RANGE,       /* a relocation value does not fit its field */
	OBJLOAD_ERR_NOMEM,       /* allocation or mapping failed */
	OBJLOAD_ERR_STATE,       /* call out of order (e.g. add after link) */
	OBJLOAD_ERR_ARGUMENT,    /* bad argument from the caller */
	OBJLOAD_ERR_DUPLICATE,   /* two strong definitions of one symbol */
} objload_status;

const char *objload_status_name(objload_status status);

typedef enum objload_strategy {
	OBJLOAD_STRATEGY_AUTO = 0, /* each format plug-in chooses per file */
	OBJLOAD_STRATEGY_WHOLE,    /* one reservation, segments by protection */
	OBJLOAD_STRATEGY_SECTION,  /* one allocation per loadable section */
} objload_strategy;

const char *objload_strategy_name(objload_strategy strategy);

/* ---- Memory managers ------------------------------------------------- */

enum {
	OBJLOAD_PROT_READ = 1,
	OBJLOAD_PROT_WRITE = 2,
	OBJLOAD_PROT_EXEC = 4,
};

/* One piece of memory the plan needs.  While linking, objload writes to it
 * through `work`; the code will run at `target`. */
typedef struct objload_segment {
	const char *name;  /* for messages: "text", "data", ".text.foo", ... */
	uint64_t size;     /* bytes, > 0 */
	uint64_t align;    /* power of two, >= 1 */
	int prot;          /* final protection, OBJLOAD_PROT_* bits */
	uint64_t offset;   /* with OBJLOAD_LAYOUT_CONTIGUOUS: offset from base */
	/* [window_lo, window_hi): every target byte of the segment must lie in
	 * this range (low 2 GiB for non-PIC code, +-2 GiB of host data that is
	 * referenced PC-relatively).  0, UINT64_MAX when unconstrained. */
	uint64_t window_lo, window_hi;
	/* Filled in by the memory manager. */
	void *work;
	uint64_t target;
} objload_segment;

typedef enum objload_layout {
	/* All segments in one reservation, at their `offset` from one base,
	 * which has the largest alignment of any segment.  The window of
	 * segment 0 then applies to the whole reservation. */
	OBJLOAD_LAYOUT_CONTIGUOUS,
	/* Each segment placed independently. */
	OBJLOAD_LAYOUT_INDEPENDENT,
} objload_layout;

typedef struct objload_alloc_request {
	objload_layout layout;
	size_t nsegments;
	objload_segment *segments;
	uint64_t span;      /* CONTIGUOUS: total size of the reservation */
	int in_process;     /* target == work is required (code will run) */
} objload_alloc_request;

/* A memory manager.  `allocate` fills work/target of every segment, mapped
 * readable and writable (never executable while writable).  `finalize` sets
 * the final protections.  `release` undoes allocate.  Messages go to
 * err[0..errlen).  `mapping_count` receives how many OS mappings were made
 * (for metrics); a manager that does not know leaves it alone. */
typedef struct objload_memory_manager {
	const char *name;
	objload_status (*allocate)(void *ctx, objload_alloc_request *req,
				   size_t *mapping_count, char *err, size_t errlen);
	objload_status (*finalize)(void *ctx, objload_alloc_request *req,
				   size_t *protection_changes, char *err, size_t errlen);
	void (*release)(void *ctx, objload_alloc_request *req);
} objload_memory_manager;

/* The default: mmap, read-write while linking, final protections after. */
const objload_memory_manager *objload_mmap_memory_manager(void);

/* ---- Metrics ---------------------------------------------------------- */

typedef enum objload_phase {
	OBJLOAD_PHASE_PARSE,
	OBJLOAD_PHASE_PLAN,
	OBJLOAD_PHASE_RESOLVE,
	OBJLOAD_PHASE_ALLOCATE,
	OBJLOAD_PHASE_COPY,
	OBJLOAD_PHASE_RELOCATE,
	OBJLOAD_PHASE_FINALIZE,
	OBJLOAD_PHASE_COUNT
} objload_phase;

const char *objload_phase_name(objload_phase phase);

#define OBJLOAD_MAX_KIND_METRICS 64

typedef struct objload_metrics {
	uint64_t images;
	uint64_t allocations;        /* memory-manager requests (segments) */
	uint64_t mappings;           /* OS mappings made by the manager */
	uint64_t bytes_reserved;     /* address space reserved */
	uint64_t bytes_used;         /* bytes of sections, GOT and stubs */
	uint64_t pages;              /* pages touched by the reservation */
	uint64_t protection_changes;
	uint64_t got_entries;
	uint64_t stubs;
	uint64_t relocations;
	uint64_t out_of_range;
	uint64_t phase_ns[OBJLOAD_PHASE_COUNT];
	/* relocations applied per arch kind; names from objload_kind_name() */
	size_t nkinds;
	struct {
		const char *kind;
		uint64_t count;
	} by_kind[OBJLOAD_MAX_KIND_METRICS];
} objload_metrics;

/* ---- Sessions ----------------------------------------------------------- */

typedef struct objload_session objload_session;

objload_status objload_session_new(objload_session **out);
/* Unloads (destructors, atexit handlers of the images) and frees. */
void objload_session_free(objload_session *session);

const char *objload_errmsg(const objload_session *session);

objload_status objload_set_strategy(objload_session *session,
				    objload_strategy strategy);
objload_status objload_set_memory_manager(objload_session *session,
					  const objload_memory_manager *mm,
					  void *ctx);
/* Give a symbol a value.  `name` is the C-level name; each format applies
 * its own decoration. */
objload_status objload_define(objload_session *session, const char *name,
			      uint64_t address);
/* Do not search the host process for undefined symbols. */
objload_status objload_set_host_lookup(objload_session *session, int enabled);

/* Add an input.  The bytes of objload_add_memory must stay valid until the
 * session is freed. */
objload_status objload_add_file(objload_session *session, const char *path);
objload_status objload_add_memory(objload_session *session, const char *name,
				  const void *bytes, size_t len);

/* Plan, allocate, resolve, relocate, finalize, then run constructors.  One
 * link per session. */
objload_status objload_link(objload_session *session);

/* Address of a C-level symbol the session exports (default visibility). */
objload_status objload_lookup(objload_session *session, const char *name,
			      void **address);

/* Call `int ENTRY(int argc, char **argv)` with the calling convention of
 * the image that defines it.  `entry` NULL means "main". */
objload_status objload_run_main(objload_session *session, const char *entry,
				int argc, char **argv, int *exit_status);

objload_status objload_get_metrics(const objload_session *session,
				   objload_metrics *out);

/* ---- Linking for another address (cross-target) -------------------- */

/* Link for target address `base` without running anything: the images
 * are laid out from `base` (working memory is a private buffer), the
 * host is not searched (give what the target provides with
 * objload_define), no runtime helpers are added and no constructor runs.
 * Works for any arch objload has an applier for. */
objload_status objload_link_at(objload_session *session, uint64_t base);

/* After objload_link_at: the linked image as one flat buffer starting at
 * `base` (gaps zero-filled).  Valid until the session is freed. */
objload_status objload_get_flat_image(objload_session *session,
				      const void **bytes, size_t *len);

/* After a link: one line per section and symbol (locals included),
 * "ADDRESS SIZE KIND NAME", with the target address in hex. */
objload_status objload_write_map(objload_session *session, void *stdio_file);

#ifdef __cplusplus
}
#endif

#endif
