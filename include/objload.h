/* SPDX-License-Identifier: MIT */
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
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the headers a program was compiled with; objload_version()
 * gives the library's at run time. */
#define OBJLOAD_VERSION_MAJOR 0
#define OBJLOAD_VERSION_MINOR 1
#define OBJLOAD_VERSION_PATCH 0
#define OBJLOAD_VERSION_STRING "0.1.0"
/* One number that grows with each release: MAJOR * 10000 + MINOR * 100 +
 * PATCH. */
#define OBJLOAD_VERSION_NUMBER \
	(OBJLOAD_VERSION_MAJOR * 10000 + OBJLOAD_VERSION_MINOR * 100 + OBJLOAD_VERSION_PATCH)

/* The library's version, "MAJOR.MINOR.PATCH"; the numbers through the
 * pointers that are not NULL. */
const char *objload_version(int *major, int *minor, int *patch);

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

/* One piece of memory the plan needs, with one final protection.  While
 * linking, objload writes to it through `work`; the code will run at
 * `target`.  Segments come in groups (below). */
typedef struct objload_segment {
	const char *name;  /* for messages: "text", "data", ".text.foo", ... */
	uint64_t size;     /* bytes, > 0 */
	uint64_t align;    /* power of two, >= 1 */
	int prot;          /* final protection, OBJLOAD_PROT_* bits */
	size_t group;      /* the group it belongs to */
	uint64_t offset;   /* from its group's base; a multiple of align */
	/* Filled in by the memory manager (objload_place_group does it). */
	void *work;
	uint64_t target;
} objload_segment;

/*
 * Segments whose relative positions must be kept: one reservation.  The
 * whole-image strategy puts every image it loads into one group (a few
 * segments, one per protection); the per-section strategy makes each
 * section a group of its own.  objload computes every group's extent,
 * alignment and window; a manager only chooses where each base goes.
 */
typedef struct objload_segment_group {
	size_t first, count;   /* its segments: segments[first, first + count) */
	uint64_t span;         /* bytes from the base to the end of its last
				  segment (a multiple of the page size when
				  the group has several segments: each is
				  then page-aligned, for its protection) */
	uint64_t align;        /* the base's alignment: a power of two, at
				  least the largest of its segments' */
	/* Where the group may go: window_lo <= base and base + span <=
	 * window_hi.  Narrow absolute fixups (non-PIC code's R_X86_64_32)
	 * put it below 2 or 4 GiB; PC-relative data fixups aimed at the host
	 * put it within reach of their targets.  0 and UINT64_MAX when free. */
	uint64_t window_lo, window_hi;
	/* Filled in by the memory manager. */
	void *work;
	uint64_t target;
} objload_segment_group;

typedef struct objload_alloc_request {
	size_t ngroups;
	objload_segment_group *groups;
	size_t nsegments;
	objload_segment *segments;
	int in_process;     /* target == work is required (code will run) */
	/* Set by `allocate` when every segment's working memory is already
	 * zero (fresh anonymous pages): objload then skips clearing zero-fill,
	 * GOT and stub bytes.  objload sets it to 0 before calling allocate;
	 * a manager that does not know leaves it so. */
	int zeroed;
} objload_alloc_request;

/* For memory managers: record that group `group` was placed with its base
 * at `work` (where objload writes) and `target` (where it runs), and set
 * every segment of the group from them. */
void objload_place_group(objload_alloc_request *req, size_t group, void *work,
			 uint64_t target);

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
	unsigned flags;   /* OBJLOAD_MM_* */
} objload_memory_manager;

enum {
	/* Separate groups may land beyond 32-bit reach of one another, on
	 * purpose (the scatter manager): plug-ins refuse per-section plans
	 * for images whose sections must reach each other directly. */
	OBJLOAD_MM_SCATTERS = 1 << 0,
};

/* The default: mmap, read-write while linking, final protections after. */
const objload_memory_manager *objload_mmap_memory_manager(void);

/* The scattering manager (core/mem_scatter.c): places every segment of an
 * independent layout at least `stride` bytes after the end of the one
 * before it, so no two segments are within 4 GiB of each other and every
 * cross-segment branch needs a stub.  For studying per-section loading;
 * a contiguous request is placed as one block, also `stride` apart from
 * the previous one.  Segments whose window is constrained are placed
 * inside the window (as close to scattered as it allows).  The caller owns
 * the context; it must outlive the sessions that use it and must not be
 * used by two links at once.  Zero fields take the defaults. */
typedef struct objload_scatter_ctx {
	uint64_t hint;    /* first address tried; 0: 0x100000000000 (16 TiB) */
	uint64_t stride;  /* gap after each segment, raised to >= 4 GiB */
	uint64_t next;    /* state: next address to try (0: start at hint) */
} objload_scatter_ctx;

const objload_memory_manager *objload_scatter_memory_manager(void);

/* The arena manager (core/mem_arena.c): packs the segments of many small
 * links into shared chunks, one pool per final protection, like GHC's m32
 * allocator.  Read-write data is packed across links; code and read-only
 * data are packed within one link and each link starts them on a fresh
 * page, because a page is made read-only or executable when its link is
 * finalized and is never written again.  Pass the arena as the manager's
 * ctx; it must outlive every session that uses it.  Not thread-safe. */
typedef struct objload_arena objload_arena;

/* chunk_size: bytes mapped at a time, 0 for 1 MiB. */
objload_status objload_arena_new(size_t chunk_size, objload_arena **out);
/* Unmaps everything: call after freeing the sessions that used it. */
void objload_arena_free(objload_arena *arena);
const objload_memory_manager *objload_arena_memory_manager(void);

typedef struct objload_arena_stats {
	uint64_t chunks;          /* live OS mappings made by the arena */
	uint64_t bytes_mapped;
	uint64_t bytes_allocated; /* live segment bytes */
	uint64_t pages_sealed;    /* pages made read-only or executable */
} objload_arena_stats;

void objload_arena_get_stats(const objload_arena *arena,
			     objload_arena_stats *out);

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
	uint64_t archives;           /* static archives added */
	uint64_t archive_members;    /* members loaded from them */
	uint64_t archive_imports;    /* Microsoft import members left to the host */
	uint64_t shared_libraries;   /* libraries -l dlopen()ed for the session */
	uint64_t phase_ns[OBJLOAD_PHASE_COUNT];
	/* relocations applied per arch kind; names from objload_kind_name() */
	size_t nkinds;
	struct {
		const char *kind;
		uint64_t count;
	} by_kind[OBJLOAD_MAX_KIND_METRICS];
	uint64_t images_whole;       /* images loaded whole ... */
	uint64_t images_section;     /* ... and section by section */
	uint64_t relaxed;            /* GOT and stub accesses made direct */
	uint64_t got_avoided;        /* GOT entries relaxation made unneeded */
	uint64_t dead_sections;      /* sections dead-stripping left out */
	uint64_t dead_bytes;         /* and their bytes */
	uint64_t thunks;             /* calling-convention thunks */
} objload_metrics;

/* ---- Sessions ----------------------------------------------------------- */

typedef struct objload_session objload_session;

objload_status objload_session_new(objload_session **out);
/* Unloads (destructors, atexit handlers of the images) and frees. */
void objload_session_free(objload_session *session);

/* The message of the last failed call on the session: the file, section,
 * offset, relocation or symbol concerned.  Never NULL. */
const char *objload_errmsg(const objload_session *session);

/* ---- Tracing what a session does (objload --trace) -------------------- */

/* Categories of log messages; objload_set_log takes a mask of them. */
typedef enum objload_log_category {
	/* each input added, and each archive member loaded with the symbol
	 * and the file that pulled it in (ld's --trace and -Map) */
	OBJLOAD_LOG_FILES = 1 << 0,
	/* each undefined symbol an image references and what it was bound
	 * to: an image, an objload_define, an objload runtime helper or a
	 * host library (glibc's LD_DEBUG=bindings) */
	OBJLOAD_LOG_BINDINGS = 1 << 1,
	/* each GOT slot, stub and thunk objload synthesizes, and why */
	OBJLOAD_LOG_SYNTHESIZED = 1 << 2,
	/* each image's loading strategy and the reason for it */
	OBJLOAD_LOG_STRATEGY = 1 << 3,
	/* each point where control passes to loaded code (constructors,
	 * entry point, destructors) */
	OBJLOAD_LOG_RUN = 1 << 4,
	/* something the caller should know that is not an error (a plug-in
	 * directory skipped because others may write to it, ...) */
	OBJLOAD_LOG_WARNING = 1 << 5,
	OBJLOAD_LOG_ALL = (1 << 6) - 1,
} objload_log_category;

/* Receives one message (one line, no newline, valid during the call).
 * It must not call back into the session. */
typedef void (*objload_log_fn)(void *ctx, objload_log_category category,
			       const char *message);

/* Send the messages of the categories in `mask` to fn(ctx, ...); fn NULL
 * or mask 0 turns logging off (the default).  Messages cost nothing when
 * their category is off. */
objload_status objload_set_log(objload_session *session, unsigned mask,
			       objload_log_fn fn, void *ctx);

/* The name of one category: "files", "bindings", "synthesized",
 * "strategy", "run", "warning"; "?" for anything else. */
const char *objload_log_category_name(objload_log_category category);


/* Loading strategies.  Each format plug-in chooses, image by image, from
 * what it knows about the file (objload info shows the choice and why).
 * objload_set_strategy forces one on every relocatable image that was not
 * given its own (a linked image — a shared library, a dylib — is always
 * loaded whole, and its plug-in refuses a per-section strategy forced on
 * it as an input); objload_set_input_strategy forces one on the inputs
 * added after it
 * (files, archives and the members they contribute), like a linker's
 * positional options; AUTO lets the plug-ins choose again.  A plug-in may
 * refuse a forced strategy its image cannot be loaded with: the link then
 * fails, before anything is mapped, with its reason. */
objload_status objload_set_strategy(objload_session *session,
				    objload_strategy strategy);
objload_status objload_set_input_strategy(objload_session *session,
					  objload_strategy strategy);
/* Declare a symbol the program needs (its entry point, what it will
 * objload_lookup), as ld's -u and --entry do: an archive member that
 * defines it is loaded, and once any is declared, the sections of images
 * loaded section by section that nothing needed reaches are left out
 * (metrics: dead_sections, dead_bytes); with none declared, every global
 * definition is kept.  `objload run` declares its entry point. */
objload_status objload_keep(objload_session *session, const char *name);
/* After objload_link: the strategy image `index` was loaded with, and
 * why (a sentence owned by the session). */
objload_status objload_image_strategy(const objload_session *session,
				      size_t index, objload_strategy *strategy,
				      const char **reason);
/* Relaxation of GOT and stub accesses (on by default): an instruction
 * that loads a target's address from a GOT entry, or calls it through
 * one, is rewritten to reach the target directly when it is in reach. */
objload_status objload_set_relax(objload_session *session, int enabled);
objload_status objload_set_memory_manager(objload_session *session,
					  const objload_memory_manager *mm,
					  void *ctx);
/* Give a symbol a value.  `name` is the C-level name; each format applies
 * its own decoration. */
objload_status objload_define(objload_session *session, const char *name,
			      uint64_t address);
/* The CPU to take from a universal (fat) file: "x86_64", "aarch64" or
 * "arm64"; NULL or "host" for the host's.  Inputs added afterwards use
 * it. */
objload_status objload_set_arch(objload_session *session, const char *name);

/* Do not search the host process for undefined symbols. */
objload_status objload_set_host_lookup(objload_session *session, int enabled);

/* ---- Resource caps (docs/reliability.md) ------------------------------ */

/* What hostile or oversized inputs may make objload spend.  A link or an
 * add that would go beyond a cap fails with OBJLOAD_ERR_NOMEM and a
 * message naming the file, what it asks for, the cap and how to raise it. */
typedef enum objload_limit {
	/* Bytes of zero-fill (.bss, NOBITS, S_ZEROFILL, uninitialized COFF
	 * data, common blocks) of all inputs of the session together.
	 * Default 4 GiB.  Zero-fill is never committed before it is touched,
	 * but it is address space and the program will touch some of it. */
	OBJLOAD_LIMIT_ZEROFILL,
	/* Bytes the link asks the memory manager for (every segment,
	 * page-rounded; zero-fill included).  Default 8 GiB. */
	OBJLOAD_LIMIT_MAPPED,
	/* Sections of all inputs of the session together.  Default 1,048,576
	 * (2^20). */
	OBJLOAD_LIMIT_SECTIONS,
	OBJLOAD_LIMIT_COUNT
} objload_limit;

/* No cap at all. */
#define OBJLOAD_NO_LIMIT UINT64_MAX

/* Set a cap before adding the inputs it should apply to (caps are
 * checked as inputs are added and when the link allocates). */
objload_status objload_set_limit(objload_session *session, objload_limit limit,
				 uint64_t value);
/* The cap in force (the default until set); 0 for an unknown limit. */
uint64_t objload_get_limit(const objload_session *session, objload_limit limit);
/* "zerofill", "mapped", "sections" */
const char *objload_limit_name(objload_limit limit);

/* Add an input.  The bytes of objload_add_memory must stay valid until the
 * session is freed. */
objload_status objload_add_file(objload_session *session, const char *path);
objload_status objload_add_memory(objload_session *session, const char *name,
				  const void *bytes, size_t len);

/* ---- Archives and the host's libraries (docs/archives.md) ----------- */

/* objload_add_file and objload_add_memory also take static archives (GNU,
 * thin, BSD/Darwin and Microsoft lib ar containers): the archive is mapped,
 * validated and kept; its members are not parsed yet.  At link time a
 * member is loaded when it defines a symbol an image references that no
 * image and no objload_define() defines, as a linker does: archives are
 * searched in the order added, all of them again while any loads a member,
 * until nothing changes.  A loaded member points into the archive's
 * mapping (nothing is copied). */

/* Archives added from now on load every member (on: ld's --whole-archive,
 * off: --no-whole-archive; off by default). */
objload_status objload_set_whole_archive(objload_session *session, int enabled);

/* A directory searched by objload_add_library before the system's
 * (/usr/local/lib, /usr/lib/x86_64-linux-gnu, /lib/x86_64-linux-gnu,
 * /usr/lib, /lib), in the order added: ld's -LDIR. */
objload_status objload_add_search_dir(objload_session *session, const char *dir);

/* ld's -lNAME.  `name` is "-lNAME" or "NAME": each search directory in turn
 * is tried for libNAME.so then libNAME.a; "-l:FILE" looks for exactly FILE;
 * a name with a '/' is a path.  An archive is added as by objload_add_file;
 * a shared library is dlopen()ed into a handle the session keeps, searched
 * for undefined symbols after the host's global scope and closed when the
 * session is freed; a GNU ld script (Debian's libc.so) is followed: its
 * GROUP, INPUT and AS_NEEDED files are added the same way. */
objload_status objload_add_library(objload_session *session, const char *name);

/* Add the libraries a compiler driver adds (on by default): images that
 * use the Itanium C++ ABI get libstdc++ (libc++ for std::__1 names) and
 * libgcc_s, compiler-runtime names libgcc.a, all from the compiler's own
 * library directory (core/defaultlibs.c).  Off: ld's -nodefaultlibs. */
objload_status objload_set_default_libs(objload_session *session, int enabled);
/* Where a thin archive's members may be (a thin archive names its
 * members by path; GNU ar writes the path relative to the archive's
 * directory, "../" and absolute paths included).  The default confines
 * members to the archive's directory tree, so that an archive cannot make
 * objload read any file of the system. */
typedef enum objload_thin_policy {
	/* Relative paths inside the archive's directory: no absolute path, no
	 * ".." and no symbolic link that leaves it. */
	OBJLOAD_THIN_CONFINED = 0,
	/* Relative paths, resolved against the archive's directory, wherever
	 * they lead ("../src/x.o"); absolute paths are refused. */
	OBJLOAD_THIN_RELATIVE,
	/* Any path, absolute ones too. */
	OBJLOAD_THIN_ANY,
} objload_thin_policy;

/* For thin archives added from now on (CLI: --thin-paths=confined|
 * relative|any). */
objload_status objload_set_thin_archive_policy(objload_session *session,
					       objload_thin_policy policy);

typedef struct objload_archive_info {
	const char *path;
	const char *flavor;     /* "gnu", "thin", "bsd" or "coff" */
	size_t members;         /* members (the index and name tables excluded) */
	size_t index_symbols;   /* entries of the symbol index */
	int has_index;          /* 0: members are scanned for definitions */
	int whole;              /* every member is loaded */
	size_t loaded;          /* members loaded into the session so far */
} objload_archive_info;

typedef struct objload_archive_member {
	const char *name;
	uint64_t offset;        /* of the member header in the archive */
	uint64_t size;
	int loaded;             /* loaded (or, for an import, left to the host) */
	int import;             /* a Microsoft short import member */
} objload_archive_member;

size_t objload_archive_count(const objload_session *session);
objload_status objload_get_archive_info(const objload_session *session,
					size_t index, objload_archive_info *out);
objload_status objload_get_archive_member(const objload_session *session,
					  size_t index, size_t member,
					  objload_archive_member *out);

/* Plan, allocate, resolve, relocate, finalize, then run constructors.  One
 * link per session: after a failed link, every further call that needs an
 * unlinked session fails with OBJLOAD_ERR_STATE and a message naming the
 * earlier failure; create a new session to try again. */
objload_status objload_link(objload_session *session);

/* Address of a C-level symbol the session exports (default visibility).
 * A thread-local variable's is the calling thread's copy, as dlsym's
 * (docs/tls.md); an IFUNC's, its canonical stub. */
objload_status objload_lookup(objload_session *session, const char *name,
			      void **address);

/* Call `int ENTRY(int argc, char **argv)` with the calling convention of
 * the image that defines it.  `entry` NULL means "main". */
objload_status objload_run_main(objload_session *session, const char *entry,
				int argc, char **argv, int *exit_status);

objload_status objload_get_metrics(const objload_session *session,
				   objload_metrics *out);

/* ---- The link's passes ------------------------------------------------ */

/*
 * objload_link runs a fixed list of named passes (docs/architecture.md):
 * resolve, strategy, dead-strip, host-copies, relax, tables, layout,
 * allocate, copy, fixup, finalize.  A plug-in or an embedder adds its own
 * at one of these points; passes added at one point run in the order they
 * were added.  A pass that returns an error fails the link with the
 * session's message (set it with objload_set_error).
 */
typedef enum objload_pass_point {
	OBJLOAD_PASS_AFTER_RESOLVE,   /* every reference bound, nothing laid out */
	OBJLOAD_PASS_AFTER_LAYOUT,    /* blocks in segments, nothing mapped */
	OBJLOAD_PASS_AFTER_ALLOCATE,  /* addresses known, contents copied,
					 no fixup applied */
	OBJLOAD_PASS_AFTER_FIXUP,     /* every fixup applied, memory still
					 writable (objload_piece_info.work) */
	OBJLOAD_PASS_AFTER_FINALIZE,  /* final protections; before constructors */
	OBJLOAD_PASS_POINT_COUNT
} objload_pass_point;

typedef objload_status (*objload_pass_fn)(objload_session *session, void *ctx);

objload_status objload_add_pass(objload_session *session, objload_pass_point at,
				const char *name, objload_pass_fn fn, void *ctx);
/* Set the session's message from a pass; returns `status`. */
objload_status objload_set_error(objload_session *session, objload_status status,
				 const char *message);
/* After a link (even a failed one): the passes that ran, in order, with
 * the time each took. */
size_t objload_pass_count(const objload_session *session);
objload_status objload_get_pass(const objload_session *session, size_t index,
				const char **name, uint64_t *ns);

/* ---- Debuggers, profilers, crash reports ------------------------------ */

/* The GDB JIT interface: after the link each image is described to gdb
 * by an in-memory ELF symbol file (an ELF input with its DWARF, others
 * with their function names), removed when the session is freed.  A
 * symbol file costs a copy of the input, so by default they are made only
 * when a debugger traces the process at link time (gdb --args ...), or
 * when OBJLOAD_GDB_JIT=1 is in the environment (for a debugger attached
 * later; 0 turns them off); 1 or 0 here decides instead.  Call before
 * objload_link. */
objload_status objload_set_debugger_registration(objload_session *session,
						 int enabled);
/* Append "START SIZE NAME" per loaded function to /tmp/perf-PID.map for
 * perf (off by default; OBJLOAD_PERF_MAP=1 in the environment turns it
 * on).  Call before objload_link. */
objload_status objload_set_perf_map(objload_session *session, int enabled);

typedef struct objload_addr_info {
	const char *image;        /* path of the image */
	const char *section;
	uint64_t section_offset;
	const char *function;     /* NULL when no function symbol covers it */
	uint64_t function_offset;
	const char *file;         /* source file and line (-g ELF objects); */
	unsigned line;            /* NULL and 0 when unknown */
} objload_addr_info;

/* What loaded code is at `addr`: OBJLOAD_ERR_UNDEFINED when the address
 * is in no loaded section of the session.  Async-signal-safe (no
 * allocation, no lock, no error message): for fatal-signal handlers,
 * while no other thread links or frees the session. */
objload_status objload_symbolize(const objload_session *session, uint64_t addr,
				 objload_addr_info *out);

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

/* ---- Inspecting a link's placement (core/inspect.c) ----------------- */

typedef enum objload_piece_kind {
	OBJLOAD_PIECE_SECTION,
	OBJLOAD_PIECE_GOT,
	OBJLOAD_PIECE_STUBS,
	OBJLOAD_PIECE_COMMONS,
	OBJLOAD_PIECE_THUNKS,
} objload_piece_kind;

/* A segment is what the memory manager placed; a piece is a section, GOT,
 * stub block, common block or thunk block inside a segment. */
typedef struct objload_segment_info {
	const char *name;
	uint64_t target;   /* where it runs */
	uint64_t size;
	int prot;          /* final protection, OBJLOAD_PROT_* */
	objload_piece_kind kind;   /* of its first piece */
} objload_segment_info;

/* A piece is one block of the link graph: a section of an image, or one
 * entry objload synthesized (a GOT entry, a stub, a thunk, a common
 * symbol's storage, ...). */
typedef struct objload_piece_info {
	const char *name;  /* section name, or "got", "stub", "thunk", ... */
	const char *file;  /* image path for sections, else NULL */
	uint64_t target;
	uint64_t size;
	int prot;
	objload_piece_kind kind;
	size_t segment;    /* index for objload_get_segment */
	size_t image;      /* sections: objload_get_image's index, else SIZE_MAX */
	void *work;        /* where objload wrote it (from an AFTER_ALLOCATE or
			      AFTER_FIXUP pass: still writable) */
} objload_piece_info;

/* A branch the relocator sent through a stub because its target was out
 * of reach: from the fixup at `from`, via the stub at `stub`, to `to`. */
typedef struct objload_jump_info {
	uint64_t from, stub, to;
} objload_jump_info;

/* All valid after objload_link or objload_link_at succeeded, until the
 * session is freed; counts are 0 before. */
size_t objload_segment_count(const objload_session *session);
objload_status objload_get_segment(const objload_session *session, size_t index,
				   objload_segment_info *out);
size_t objload_piece_count(const objload_session *session);
objload_status objload_get_piece(const objload_session *session, size_t index,
				 objload_piece_info *out);
/* Long jumps are recomputed from the plan: O(relocations). */
size_t objload_jump_count(const objload_session *session);
objload_status objload_get_jumps(const objload_session *session,
				 objload_jump_info *out, size_t max, size_t *count);

/* After a link: one line per section and symbol (locals included),
 * "ADDRESS SIZE KIND NAME", with the target address in hex. */
objload_status objload_write_map(objload_session *session, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
