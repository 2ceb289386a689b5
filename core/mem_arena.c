/* SPDX-License-Identifier: MIT */
/*
 * The arena memory manager: many small links share a few mappings.
 *
 * Loading a thousand tiny objects with the mmap manager costs a thousand
 * or more mappings (one per link under whole-image, one per section under
 * per-section); the kernel's map count limit and the cost of each mmap and
 * mprotect then dominate.  The arena, like GHC's m32 allocator, maps large
 * chunks and packs segments into them.
 *
 * Protections.  There is one pool of chunks per final protection:
 *
 *   - RW (data, zero-fill, commons): written while linking and after;
 *     packed across links, never sealed, since its protection never
 *     changes;
 *   - R (read-only data, GOT) and RX (code, stubs, thunks): written while
 *     linking, then *sealed* at finalize: the pages the link used are
 *     mprotected to their final protection and never written again.  A
 *     link therefore starts these pools on a fresh page and leaves the
 *     cursor on a page boundary when its allocation is done, so no page is
 *     shared by two links that seal at different times (links may even
 *     interleave: allocate A, allocate B, finalize A, finalize B).  Within
 *     one link, segments are packed;
 *   - contiguous requests (the whole-image strategy) take page-aligned
 *     runs from a pool of their own; their segments are page-aligned
 *     already.
 *
 * No page is ever writable and executable.  Pages of one chunk with the
 * same protection are one kernel mapping (VMA), so a chunk costs at most a
 * few, however many links it holds.
 *
 * Release.  Each chunk counts its live segments; when the count drops to
 * zero the chunk is unmapped (a sealed page is never reopened for
 * writing).  objload_arena_free unmaps everything left.
 *
 * Zero pages.  Chunks are fresh anonymous mappings and carving only moves
 * forward: no byte is handed out twice, so every segment starts zeroed
 * (req->zeroed) and objload never writes its zero-fill; the kernel
 * commits those pages only when the program touches them.
 *
 * Windows.  A segment with a constrained window goes into a chunk that
 * lies inside it; a new chunk is mapped inside the window when needed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "os/os.h"

enum { POOL_RW, POOL_R, POOL_RX, POOL_CONTIG, POOL_COUNT };

#define ARENA_NONE ((size_t)-1)

typedef struct arena_chunk {
	uint8_t *base;      /* NULL: the slot is free */
	uint64_t size, used;
	uint64_t live;      /* segments (or contiguous requests) inside */
	int pool;
} arena_chunk;

struct objload_arena {
	uint64_t chunk_size, page;
	arena_chunk *chunks;
	size_t nchunks, cap;
	size_t current[POOL_COUNT];
	uint64_t bytes_allocated, pages_sealed;
};

static uint64_t arena_round(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static int arena_pool_of(int prot)
{
	if (prot == (OBJLOAD_PROT_READ | OBJLOAD_PROT_WRITE))
		return POOL_RW;
	return prot & OBJLOAD_PROT_EXEC ? POOL_RX : POOL_R;
}

static int arena_fits(uint64_t a, uint64_t len, uint64_t lo, uint64_t hi)
{
	return a >= lo && a <= hi && hi - a >= len;
}

objload_status objload_arena_new(size_t chunk_size, objload_arena **out)
{
	objload_arena *a;

	if (!out)
		return OBJLOAD_ERR_ARGUMENT;
	a = calloc(1, sizeof(*a));
	if (!a)
		return OBJLOAD_ERR_NOMEM;
	a->page = os_page_size();
	a->chunk_size = arena_round(chunk_size ? chunk_size : 1u << 20, os_map_granularity());
	for (int p = 0; p < POOL_COUNT; p++)
		a->current[p] = ARENA_NONE;
	*out = a;
	return OBJLOAD_OK;
}

void objload_arena_free(objload_arena *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nchunks; i++)
		if (a->chunks[i].base)
			os_unmap(a->chunks[i].base, a->chunks[i].size);
	free(a->chunks);
	free(a);
}

void objload_arena_get_stats(const objload_arena *a, objload_arena_stats *out)
{
	if (!a || !out)
		return;
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < a->nchunks; i++) {
		if (!a->chunks[i].base)
			continue;
		out->chunks++;
		out->bytes_mapped += a->chunks[i].size;
	}
	out->bytes_allocated = a->bytes_allocated;
	out->pages_sealed = a->pages_sealed;
}

/* Map a chunk of len bytes inside [lo, hi): the kernel's choice first,
 * then probes from the middle of the window outwards. */
static uint8_t *arena_map(uint64_t len, uint64_t lo, uint64_t hi)
{
	uint8_t *p = os_map(len, 1, 0);
	uint64_t step = 64ull << 20, mid;

	if (p) {
		if (arena_fits((uint64_t)(uintptr_t)p, len, lo, hi))
			return p;
		os_unmap(p, len);
	}
	if (hi > (1ull << 47))
		hi = 1ull << 47;
	if (lo < (1ull << 20))
		lo = 1ull << 20;
	if (hi <= lo || hi - lo < len)
		return NULL;
	mid = (lo + (hi - lo - len) / 2) & ~(step - 1);
	for (int i = 0; i < 2048; i++) {
		uint64_t d = (uint64_t)(i / 2 + (i & 1)) * step, a;

		if (i & 1) {
			if (mid < d || mid - d < lo)
				continue;
			a = mid - d;
		} else {
			a = mid + d;
		}
		if (!arena_fits(a, len, lo, hi))
			continue;
		p = os_map_at(a, len, 0);
		if (p)
			return p;
	}
	return NULL;
}

static size_t arena_new_chunk(objload_arena *a, int pool, uint64_t len,
			      uint64_t lo, uint64_t hi)
{
	size_t slot = ARENA_NONE;
	uint8_t *p;

	for (size_t i = 0; i < a->nchunks; i++)
		if (!a->chunks[i].base) {
			slot = i;
			break;
		}
	if (slot == ARENA_NONE) {
		if (a->nchunks == a->cap) {
			size_t ncap = a->cap ? a->cap * 2 : 16;
			arena_chunk *n = realloc(a->chunks, ncap * sizeof(*n));

			if (!n)
				return ARENA_NONE;
			a->chunks = n;
			a->cap = ncap;
		}
		slot = a->nchunks++;
		a->chunks[slot].base = NULL;
	}
	p = arena_map(len, lo, hi);
	if (!p)
		return ARENA_NONE;
	a->chunks[slot] = (arena_chunk){ .base = p, .size = len, .pool = pool };
	return slot;
}

/* Carve size bytes aligned to align from the pool, inside [lo, hi). */
static uint8_t *arena_carve(objload_arena *a, int pool, uint64_t size,
			    uint64_t align, uint64_t lo, uint64_t hi,
			    size_t *mappings)
{
	size_t ci = a->current[pool];
	arena_chunk *c;
	uint64_t addr;

	if (ci != ARENA_NONE) {
		c = &a->chunks[ci];
		addr = arena_round((uint64_t)(uintptr_t)c->base + c->used, align);
		if (addr - (uint64_t)(uintptr_t)c->base <= c->size &&
		    c->size - (addr - (uint64_t)(uintptr_t)c->base) >= size &&
		    arena_fits(addr, size, lo, hi))
			goto found;
	}
	{
		uint64_t need = arena_round(size + (align > a->page ? align : 0),
					    os_map_granularity());
		int dedicated = need > a->chunk_size;

		ci = arena_new_chunk(a, pool, dedicated ? need : a->chunk_size, lo, hi);
		if (ci == ARENA_NONE)
			return NULL;
		(*mappings)++;
		if (!dedicated)
			a->current[pool] = ci;
		c = &a->chunks[ci];
		addr = arena_round((uint64_t)(uintptr_t)c->base, align);
		if (!arena_fits(addr, size, lo, hi))
			return NULL;   /* the chunk stays for later segments */
	}
found:
	c->used = addr + size - (uint64_t)(uintptr_t)c->base;
	c->live++;
	a->bytes_allocated += size;
	return (uint8_t *)(uintptr_t)addr;
}

/* Sealed pools: leave the cursor on a page boundary. */
static void arena_close_pages(objload_arena *a)
{
	for (int p = POOL_R; p < POOL_COUNT; p++) {
		size_t ci = a->current[p];

		if (ci != ARENA_NONE) {
			arena_chunk *c = &a->chunks[ci];

			c->used = arena_round(c->used, a->page);
			if (c->used > c->size)
				c->used = c->size;
		}
	}
}

static void arena_put(objload_arena *a, void *addr, uint64_t size)
{
	uint64_t x = (uint64_t)(uintptr_t)addr;

	for (size_t i = 0; i < a->nchunks; i++) {
		arena_chunk *c = &a->chunks[i];
		uint64_t b = (uint64_t)(uintptr_t)c->base;

		if (!c->base || x < b || x - b >= c->size)
			continue;
		a->bytes_allocated -= size;
		if (--c->live == 0) {
			os_unmap(c->base, c->size);
			if (a->current[c->pool] == i)
				a->current[c->pool] = ARENA_NONE;
			c->base = NULL;
		}
		return;
	}
}

/* A group of one segment is packed into its protection's pool; a group
 * of several (the whole-image reservation) gets pages of its own. */
static int arena_packed(const objload_alloc_request *req, size_t g)
{
	return req->groups[g].count == 1;
}

static void arena_release(void *ctx, objload_alloc_request *req)
{
	objload_arena *a = ctx;

	if (!a)
		return;
	for (size_t g = 0; g < req->ngroups; g++) {
		const objload_segment_group *grp = &req->groups[g];

		if (!grp->work)
			continue;
		arena_put(a, grp->work, arena_packed(req, g) ?
			  req->segments[grp->first].size : arena_round(grp->span, a->page));
	}
}

static objload_status arena_allocate(void *ctx, objload_alloc_request *req,
				     size_t *mappings, char *err, size_t errlen)
{
	objload_arena *a = ctx;

	if (!a) {
		snprintf(err, errlen, "the arena manager needs an objload_arena (objload_arena_new)");
		return OBJLOAD_ERR_ARGUMENT;
	}
	arena_close_pages(a);
	for (size_t g = 0; g < req->ngroups; g++) {
		objload_segment_group *grp = &req->groups[g];
		const objload_segment *first = &req->segments[grp->first];
		uint8_t *p;

		if (arena_packed(req, g))
			p = arena_carve(a, arena_pool_of(first->prot), first->size,
					first->align ? first->align : 1,
					grp->window_lo, grp->window_hi, mappings);
		else
			p = arena_carve(a, POOL_CONTIG, arena_round(grp->span, a->page),
					grp->align > a->page ? grp->align : a->page,
					grp->window_lo, grp->window_hi, mappings);
		if (!p) {
			snprintf(err, errlen, "cannot place %llu bytes (%s) in [0x%llx, 0x%llx)",
				 (unsigned long long)grp->span, first->name,
				 (unsigned long long)grp->window_lo,
				 (unsigned long long)grp->window_hi);
			for (size_t j = 0; j < g; j++) {
				const objload_segment_group *o = &req->groups[j];

				arena_put(a, o->work, arena_packed(req, j) ?
					  req->segments[o->first].size :
					  arena_round(o->span, a->page));
				objload_place_group(req, j, NULL, 0);
			}
			arena_close_pages(a);
			return OBJLOAD_ERR_NOMEM;
		}
		objload_place_group(req, g, p, (uint64_t)(uintptr_t)p);
		if (!arena_packed(req, g))
			arena_close_pages(a);
	}
	arena_close_pages(a);
	req->zeroed = 1;   /* never handed out before */
	return OBJLOAD_OK;
}

/* Seal the pages of every non-RW segment: per protection, one mprotect
 * per run of adjacent pages (a link's segments of one pool are packed). */
static objload_status arena_finalize(void *ctx, objload_alloc_request *req,
				     size_t *changes, char *err, size_t errlen)
{
	objload_arena *a = ctx;

	for (int prot = 0; prot < 8; prot++) {
		uint64_t run_lo = 0, run_hi = 0;
		int open = 0;

		if (prot == (OBJLOAD_PROT_READ | OBJLOAD_PROT_WRITE))
			continue;
		for (size_t i = 0; i <= req->nsegments; i++) {
			const objload_segment *sg = i < req->nsegments ? &req->segments[i] : NULL;
			uint64_t lo = 0, hi = 0;

			if (sg) {
				if (sg->prot != prot)
					continue;
				lo = (uint64_t)(uintptr_t)sg->work & ~(a->page - 1);
				hi = arena_round((uint64_t)(uintptr_t)sg->work + sg->size, a->page);
				if (open && lo >= run_lo && lo <= run_hi) {
					if (hi > run_hi)
						run_hi = hi;
					continue;
				}
			}
			if (open) {
				if (os_protect((void *)(uintptr_t)run_lo, run_hi - run_lo,
					       prot) < 0) {
					char why[128];

					snprintf(err, errlen, "mprotect of [0x%llx, 0x%llx): %s",
						 (unsigned long long)run_lo,
						 (unsigned long long)run_hi, os_error(why, sizeof(why)));
					return OBJLOAD_ERR_NOMEM;
				}
				(*changes)++;
				a->pages_sealed += (run_hi - run_lo) / a->page;
			}
			open = sg != NULL;
			run_lo = lo;
			run_hi = hi;
		}
	}
	return OBJLOAD_OK;
}

static const objload_memory_manager arena_manager = {
	.name = "arena",
	.allocate = arena_allocate,
	.finalize = arena_finalize,
	.release = arena_release,
};

const objload_memory_manager *objload_arena_memory_manager(void)
{
	return &arena_manager;
}
