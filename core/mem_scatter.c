/* SPDX-License-Identifier: MIT */
/*
 * The scattering memory manager: the worst case for per-section loading.
 *
 * Every segment of an independent layout goes at least `stride` (>= 4 GiB)
 * bytes after the end of the previous one, so no 32-bit PC-relative field
 * can reach from one segment into another: every cross-section branch
 * takes its stub, every cross-section address load its GOT slot, and any
 * other cross-section fixup fails with an out-of-range error.  That is
 * what a client that places sections itself (RuntimeDyld's shape) may do,
 * and what `objload compare` shows against the other strategies.
 *
 * Placement probes with os_map_at (MAP_FIXED_NOREPLACE), which never
 * replaces an existing mapping; an occupied candidate moves on by another stride.  A
 * segment whose window is constrained (non-PIC code, PC-relative data
 * references to the host) is placed inside its window instead, scattered
 * only as far as the window allows.  State (the next address) lives in the
 * caller's objload_scatter_ctx; nothing is global.
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "os/os.h"

#define SCATTER_MIN_STRIDE (4ull << 30)
#define SCATTER_DEFAULT_HINT (1ull << 44)
#define SCATTER_TOP (1ull << 47)      /* user address space on x86-64 */
#define SCATTER_TRIES 4096

static uint64_t scatter_page(void)
{
	return os_page_size();
}

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static void scatter_defaults(objload_scatter_ctx *c)
{
	if (!c->hint)
		c->hint = SCATTER_DEFAULT_HINT;
	if (c->stride < SCATTER_MIN_STRIDE)
		c->stride = SCATTER_MIN_STRIDE;
	if (!c->next)
		c->next = c->hint;
}

/* Place len bytes aligned to align in [lo, hi), scattered from c->next. */
static void *scatter_place(objload_scatter_ctx *c, uint64_t len, uint64_t align,
			   uint64_t lo, uint64_t hi)
{
	uint64_t grain = os_map_granularity();
	uint64_t a, step;

	if (align < grain)
		align = grain;
	if (hi > SCATTER_TOP)
		hi = SCATTER_TOP;
	if (lo < (1ull << 16))
		lo = 1ull << 16;
	if (hi <= lo || hi - lo < len)
		return NULL;
	a = c->next;
	step = c->stride;
	if (a < lo || a > hi || hi - a < len) {
		/* constrained: scatter inside the window as far as it goes */
		a = lo;
		if (hi - lo - len < step * 2)
			step = 64ull << 10;
	}
	for (int i = 0; i < SCATTER_TRIES; i++) {
		void *p;

		a = round_up(a, align);
		if (a < lo || a > hi || hi - a < len) {
			if (step == 64ull << 10)
				return NULL;
			a = lo;    /* wrap around once, then smaller steps */
			step = 64ull << 10;
			continue;
		}
		p = os_map_at(a, len, 0);
		if (p) {
			uint64_t end = a + len;

			c->next = end + c->stride <= SCATTER_TOP - len ?
				end + c->stride : c->hint;
			return p;
		}
		a += step;
	}
	return NULL;
}

static objload_status scatter_allocate(void *ctx, objload_alloc_request *req,
				       size_t *mappings, char *err, size_t errlen)
{
	objload_scatter_ctx *c = ctx;
	uint64_t page = scatter_page();

	if (!c) {
		snprintf(err, errlen, "the scatter manager needs an objload_scatter_ctx");
		return OBJLOAD_ERR_ARGUMENT;
	}
	scatter_defaults(c);
	for (size_t g = 0; g < req->ngroups; g++) {
		objload_segment_group *grp = &req->groups[g];
		uint64_t len = round_up(grp->span, page);
		void *p = scatter_place(c, len, grp->align > page ? grp->align : page,
					grp->window_lo, grp->window_hi);

		if (!p) {
			char why[128];

			snprintf(err, errlen, "cannot place %llu bytes (%s) in [0x%llx, 0x%llx): %s",
				 (unsigned long long)grp->span, req->segments[grp->first].name,
				 (unsigned long long)grp->window_lo,
				 (unsigned long long)grp->window_hi, os_error(why, sizeof(why)));
			for (size_t j = 0; j < g; j++) {
				os_unmap(req->groups[j].work, round_up(req->groups[j].span, page));
				objload_place_group(req, j, NULL, 0);
			}
			return OBJLOAD_ERR_NOMEM;
		}
		(*mappings)++;
		objload_place_group(req, g, p, (uint64_t)(uintptr_t)p);
	}
	req->zeroed = 1;   /* fresh anonymous pages, committed when touched */
	return OBJLOAD_OK;
}

static objload_status scatter_finalize(void *ctx, objload_alloc_request *req,
				       size_t *changes, char *err, size_t errlen)
{
	uint64_t page = scatter_page();

	(void)ctx;
	for (size_t i = 0; i < req->nsegments; i++) {
		objload_segment *sg = &req->segments[i];

		if (sg->prot == (OBJLOAD_PROT_READ | OBJLOAD_PROT_WRITE))
			continue;
		if (os_protect(sg->work, round_up(sg->size, page), sg->prot) < 0) {
			char why[128];

			snprintf(err, errlen, "mprotect of segment %s: %s",
				 sg->name, os_error(why, sizeof(why)));
			return OBJLOAD_ERR_NOMEM;
		}
		(*changes)++;
	}
	return OBJLOAD_OK;
}

static void scatter_release(void *ctx, objload_alloc_request *req)
{
	uint64_t page = scatter_page();

	(void)ctx;
	for (size_t g = 0; g < req->ngroups; g++)
		if (req->groups[g].work)
			os_unmap(req->groups[g].work, round_up(req->groups[g].span, page));
}

static const objload_memory_manager scatter_manager = {
	.name = "scatter",
	.allocate = scatter_allocate,
	.finalize = scatter_finalize,
	.release = scatter_release,
	.flags = OBJLOAD_MM_SCATTERS,
};

const objload_memory_manager *objload_scatter_memory_manager(void)
{
	return &scatter_manager;
}
