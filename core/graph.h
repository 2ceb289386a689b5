/* SPDX-License-Identifier: MIT */
/*
 * The link graph: what one link loads, as blocks joined by edges.
 *
 * A *block* is a run of bytes that is placed as a unit: a loadable section
 * of an image, or something the core synthesizes — a GOT entry, a branch
 * stub, a calling-convention thunk, an import slot, a common symbol's
 * storage, a copy of a host object, the link's runtime data.  A block has
 * a size, an alignment, a final protection and its contents (bytes to
 * copy, or zeros), and owns the *edges* that patch it.
 *
 * An *edge* is one fixup: a field at an offset of its block, an arch kind,
 * a target *node*, an addend, and for some kinds a subtrahend node or the
 * block of the GOT entry or stub that serves it.  Edges of image sections
 * are the plug-ins' relocations; a synthesized block carries its own (a
 * GOT entry is eight zero bytes and one pointer edge to what it holds; a
 * stub is the arch's template and one pointer edge to its destination).
 * So everything the link writes, it writes by applying edges: one loop,
 * one applier per arch.
 *
 * A *node* is what an edge points at: where a symbol ended up after
 * resolution — in a block at an offset, at an absolute address (the
 * host, a user definition, an absolute symbol), zero (an undefined weak
 * reference), or nowhere (its section was discarded).  Every symbol of
 * every image has a node; synthesized edges get nodes of their own.
 *
 * Synthesized blocks are created by *table passes* that look their entry
 * up by the exact identity of what it serves — (table, area, where the
 * target is, addend, conventions) — in a hash table, and create it on
 * first use (core/graph.c).  Nothing is keyed by a packed integer.
 *
 * Blocks are placed in *areas*: the shared area holds the blocks of every
 * whole-image image and what they share; each section of a per-section
 * image is its own area, with the GOT entries and stubs of its own edges
 * beside it, so they are always in reach.
 */
#ifndef OBJLOAD_GRAPH_H
#define OBJLOAD_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "objload.h"
#include "objload/plugin.h"

typedef enum lg_block_kind {
	LG_SECTION,     /* a section of an image */
	LG_GOT,         /* a pointer slot holding its edge's target */
	LG_IMPORT,      /* a pointer slot an indirect symbol names (__imp_) */
	LG_STUB,        /* a branch to its edge's target, from anywhere */
	LG_CANONICAL,   /* a stub standing for a host function's address */
	LG_CCTHUNK,     /* a call from one calling convention to another */
	LG_BINDTHUNK,   /* a runtime helper with the session bound to it */
	LG_COMMON,      /* a common symbol's storage */
	LG_HOSTCOPY,    /* a copy of a host data object */
	LG_RUNTIME,     /* the link's own data: __dso_handle, the canary */
	LG_BOUNDS,      /* an empty marker: the start or end of a section group */
	LG_TLS,         /* a thread-local entry: a {module, offset} pair, a
			   descriptor, a TP slot, a rewritten access's
			   trampoline, a TLS helper (core/tls.c) */
	LG_IFUNC,       /* an IFUNC's canonical stub, or its slot (core/ifunc.c) */
	LG_BLOCK_KIND_COUNT
} lg_block_kind;

typedef enum lg_where {
	LG_UNRESOLVED = 0,  /* not referenced, or not resolved yet */
	LG_IN_BLOCK,        /* block + offset */
	LG_ABSOLUTE,        /* a fixed address */
	LG_WEAK_ZERO,       /* an undefined weak reference: 0 */
	LG_DISCARDED,       /* in a section that is not loaded */
} lg_where;

/* Why a block is not loaded (lg_block.drop). */
enum {
	LG_KEEP = 0,
	LG_DROP_NOLOAD,    /* its role is never loaded (debug, metadata) */
	LG_DROP_COMDAT,    /* lost a COMDAT contest */
	LG_DROP_DEAD,      /* dead-stripped: nothing live refers to it */
};

/* Where a node points. */
typedef struct lg_target {
	uint32_t where;      /* lg_where */
	uint32_t block;      /* LG_IN_BLOCK */
	uint64_t value;      /* offset in the block, or the address */
} lg_target;

typedef struct lg_node {
	lg_target t;
	uint32_t global;     /* the session-wide name it was bound through,
				or OBJLOAD_NO_INDEX */
	uint32_t flags;      /* LG_NODE_* */
} lg_node;

enum {
	LG_NODE_RESOLVED = 1 << 0,   /* resolution has visited it */
	LG_NODE_SIZED = 1 << 1,      /* `size` below is meaningful */
};

typedef struct lg_edge {
	uint64_t offset;     /* of the field, in its block */
	int64_t addend;
	uint32_t block;
	uint32_t node;       /* S */
	uint32_t sub;        /* the subtrahend's node, or OBJLOAD_NO_INDEX */
	uint32_t entry;      /* block of the GOT entry (G) or stub serving
				it, or OBJLOAD_NO_INDEX */
	uint32_t origin;     /* the image edge it came from, or NO_INDEX */
	uint16_t kind;       /* arch kind (after relaxation, the new one) */
	uint16_t flags;      /* LG_EDGE_* */
} lg_edge;

enum {
	LG_EDGE_RELAXED = 1 << 0,    /* its instruction was relaxed */
	LG_EDGE_VIA_STUB = 1 << 1,   /* last fixup went through its stub */
};

typedef struct lg_block {
	uint64_t size, align;
	const uint8_t *bytes;   /* contents; NULL: zeros */
	uint64_t offset;        /* in its segment */
	uint64_t target;        /* where it runs */
	uint8_t *work;          /* where objload writes it */
	uint32_t image;         /* LG_SECTION: its image; else NO_INDEX */
	uint32_t section;       /* LG_SECTION: its section; LG_COMMON,
				   LG_HOSTCOPY, LG_CANONICAL: the global */
	uint32_t area;          /* the section block it is placed beside
				   (per-section), or NO_INDEX: shared */
	uint32_t segment;
	uint32_t first_edge, nedges;
	uint32_t cluster;       /* the section-bounds group it belongs to,
				   or NO_INDEX */
	uint32_t got_base;      /* an area's own block: the block its GOT
				   base is, or NO_INDEX */
	uint32_t kinds;         /* the arch kinds of its edges, as
				   lg_kind_bit: passes that look for some
				   kinds skip blocks without them */
	uint8_t kind;           /* lg_block_kind */
	uint8_t prot;           /* OBJLOAD_PROT_* */
	uint8_t drop;           /* LG_KEEP, or why it is not loaded */
	uint8_t strategy;       /* objload_strategy of its area */
} lg_block;

/* Identity of a synthesized entry: what it serves, exactly. */
typedef struct lg_entry_key {
	uint32_t table;          /* lg_block_kind of the entry */
	uint32_t area;           /* NO_INDEX: the shared area */
	lg_target target;        /* what it leads to */
	int64_t addend;          /* stubs: they stand for S + A */
	uint32_t from, to;       /* conventions (thunks) */
} lg_entry_key;

/* Chunks of memory for synthesized contents and names. */
typedef struct lg_chunk lg_chunk;

typedef struct lg_graph {
	lg_block *blocks;
	size_t nblocks, blocks_cap;
	lg_edge *edges;
	size_t nedges, edges_cap;
	lg_node *nodes;
	size_t nnodes, nodes_cap;

	/* the entry tables: key -> block, open addressing over entries */
	lg_entry_key *keys;
	uint32_t *key_block;
	size_t nkeys, keys_cap;
	uint32_t *index;         /* slots: key number + 1, 0 empty */
	size_t index_cap;

	lg_chunk *chunks;

	/* placement */
	objload_segment *segments;
	size_t nsegments;
	objload_segment_group *groups;
	size_t ngroups;
	uint64_t image_base;     /* the lowest target address of the link */
	uint32_t *placed;        /* the loaded blocks, in block order */
	size_t nplaced;

	/* section-bound clusters (core/bounds.c) */
	struct lg_cluster {
		const char *name;    /* the section name they bound */
		uint32_t first, last;   /* marker blocks */
	} *clusters;
	size_t nclusters, clusters_cap;

	uint32_t runtime_block;  /* LG_RUNTIME, or NO_INDEX */
	uint32_t shared_got_base;  /* the shared area's GOT base, or NO_INDEX */
} lg_graph;

struct objload_session;

void lg_free(lg_graph *g);

/* Make room in *arr (*cap elements of `size` bytes, `len` in use) for n
 * more, doubling; 0, or -1 when out of memory (the array is unchanged). */
int lg_grow(void **arr, size_t *cap, size_t len, size_t n, size_t size);

/* A kind's bit in lg_block.kinds: kinds 31 and above share the last
 * (a block of 88 bytes, a link of ten thousand sections). */
static inline uint32_t lg_kind_bit(unsigned kind)
{
	return 1u << (kind < 31 ? kind : 31);
}

/* The bits of the kinds among kinds[0, nkinds) that `is` says yes to:
 * a block whose kinds have none of them has no such edge. */
struct arch_kind;
uint32_t lg_kinds_where(const struct arch_kind *kinds, unsigned nkinds,
			int (*is)(const struct arch_kind *k));

/* Every edge index e of every loaded block b of graph g that may have an
 * edge of the kinds in mask (lg_kinds_where, computed once before: the
 * macro reads it for every block; ~0u: any kind). */
#define LG_FOR_EACH_LIVE_EDGE_OF(g, b, e, mask)					\
	for (size_t b = 0; b < (g)->nblocks; b++)				\
		if (!(g)->blocks[b].drop && (g)->blocks[b].nedges &&		\
		    ((g)->blocks[b].kinds & (mask)))				\
			for (uint32_t e = (g)->blocks[b].first_edge;		\
			     e < (g)->blocks[b].first_edge + (g)->blocks[b].nedges; e++)

/* Every edge index e of every loaded block b of graph g. */
#define LG_FOR_EACH_LIVE_EDGE(g, b, e) LG_FOR_EACH_LIVE_EDGE_OF(g, b, e, ~0u)

/* Append n blocks, edges or nodes; the arrays may move: keep indices.
 * Blocks and nodes come zeroed (indices NO_INDEX); edges uninitialised,
 * for the caller to set every field (the edges pass writes hundreds of
 * thousands at once).  The index of the first, or OBJLOAD_NO_INDEX when
 * out of memory (the session's message is set). */
uint32_t lg_add_blocks(struct objload_session *s, size_t n);
uint32_t lg_add_edges(struct objload_session *s, size_t n);
uint32_t lg_add_nodes(struct objload_session *s, size_t n);
/* Graph-lifetime memory, zeroed; NULL when out of memory. */
void *lg_alloc(struct objload_session *s, size_t size);

/* A synthesized block of `kind`: `size` bytes aligned to `align`, with
 * protection `prot`, placed in `area`, contents zero until written
 * through lg_block_bytes(); NO_INDEX when out of memory. */
uint32_t lg_new_block(struct objload_session *s, lg_block_kind kind,
		      uint64_t size, uint64_t align, int prot, uint32_t area);
/* Writable contents of a synthesized block (allocated on first use). */
uint8_t *lg_block_bytes(struct objload_session *s, uint32_t block);
/* An edge of `block` at `offset` to a new node holding `target`. */
objload_status lg_add_pointer_edge(struct objload_session *s, uint32_t block,
				   uint64_t offset, unsigned kind,
				   const lg_target *target, int64_t addend);

/* The entry of `key`: *out is its block and 1 is returned when it exists;
 * otherwise 0, and the caller creates it and calls lg_put_entry. */
int lg_find_entry(const lg_graph *g, const lg_entry_key *key, uint32_t *out);
objload_status lg_put_entry(struct objload_session *s, const lg_entry_key *key,
			    uint32_t block);
/* A key with every field set, padding included. */
lg_entry_key lg_key(lg_block_kind table, uint32_t area, const lg_target *t);

/* The address a target stands for once blocks are placed. */
static inline uint64_t lg_address(const lg_graph *g, const lg_target *t)
{
	if (t->where == LG_IN_BLOCK)
		return g->blocks[t->block].target + t->value;
	if (t->where == LG_ABSOLUTE)
		return t->value;
	return 0;
}

const char *lg_block_kind_name(lg_block_kind kind);

#endif
