/* SPDX-License-Identifier: MIT */
/*
 * The default memory manager: fresh pages from the host (os_map: anonymous
 * mmap, VirtualAlloc on Windows), read-write while objload writes, then
 * each segment's final protection (os_protect).  No page is
 * ever writable and executable at once.
 *
 * Windows.  When a segment must lie in [lo, hi) — below 2 GiB for non-PIC
 * code, or within reach of host data — the manager first tries right
 * after the previous constrained segment, then lets the kernel choose
 * (MAP_32BIT for the low 2 GiB), and when that lands outside, it probes
 * candidate addresses inside the window with MAP_FIXED_NOREPLACE, which
 * never replaces an existing mapping.
 *
 * Pages.  objload writes every byte of a segment that ends read-only or
 * executable (code, read-only data, GOT, stubs are copied or written),
 * so those pages are committed in one call (MAP_POPULATE, or
 * MADV_POPULATE_WRITE inside a group that also has writable segments) instead of one
 * page fault each.  A writable segment may be mostly zero-fill (.bss,
 * commons): it is never populated, and its pages are committed only when
 * something touches them, so a 1 GiB .bss of which the program uses one
 * page costs one page.  Fresh anonymous pages are zero, which the manager
 * reports with req->zeroed so that objload does not clear them again.
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "os/os.h"

/* A segment objload writes whole: worth committing at once. */
static int written_whole(int prot)
{
	return !(prot & OBJLOAD_PROT_WRITE);
}

static int inside(uint64_t addr, uint64_t len, uint64_t lo, uint64_t hi)
{
	return addr >= lo && addr <= hi && hi - addr >= len;
}

/* Map len bytes aligned to `align` inside [lo, hi); NULL on failure. */
static void *map_in_window(uint64_t len, uint64_t align, uint64_t lo,
			   uint64_t hi, uint64_t hint, int populate, size_t *mappings)
{
	unsigned flags = 0;
	uint8_t *p;
	uint64_t a, step, mid;

	/* right after the previous segment, when that is in the window */
	if (hint) {
		hint = (hint + align - 1) & ~(align - 1);
		if (inside(hint, len, lo, hi) &&
		    (p = os_map_at(hint, len, populate ? OS_MAP_POPULATE : 0)) != NULL) {
			(*mappings)++;
			return p;
		}
	}
	if (hi <= (1ull << 31) && lo == 0)
		flags |= OS_MAP_LOW;
	/* populate only what is kept for sure: an unconstrained mapping */
	if (populate && lo == 0 && hi == UINT64_MAX)
		flags |= OS_MAP_POPULATE;
	p = os_map(len, align, flags);
	if (p) {
		if (inside((uint64_t)(uintptr_t)p, len, lo, hi)) {
			(*mappings)++;
			return p;
		}
		os_unmap(p, len);
	}
	if (hi - lo < len)
		return NULL;
	/* probe from the middle of the window outwards */
	step = 64ull << 20;
	if (align > step)
		step = align;
	mid = lo + (hi - lo - len) / 2;
	mid &= ~(step - 1);
	for (int i = 0; i < 2048; i++) {
		uint64_t d = (uint64_t)(i / 2 + (i & 1)) * step;

		if (i & 1) {
			if (mid < d || mid - d < lo)
				continue;
			a = mid - d;
		} else {
			if (mid > UINT64_MAX - d)
				continue;
			a = mid + d;
		}
		if (!a || !inside(a, len, lo, hi) || a >= (1ull << 47))
			continue;
		p = os_map_at(a, len, populate ? OS_MAP_POPULATE : 0);
		if (p) {
			(*mappings)++;
			return p;
		}
	}
	return NULL;
}

static objload_status mmap_allocate(void *ctx, objload_alloc_request *req,
				    size_t *mappings, char *err, size_t errlen)
{
	uint64_t page = os_page_size(), grain = os_map_granularity();
	uint64_t hint = 0;

	(void)ctx;
	for (size_t g = 0; g < req->ngroups; g++) {
		objload_segment_group *grp = &req->groups[g];
		uint64_t len = (grp->span + page - 1) & ~(page - 1);
		int all_written = 1;
		void *p;

		for (size_t i = grp->first; i < grp->first + grp->count; i++)
			all_written &= written_whole(req->segments[i].prot);
		p = map_in_window(len, grp->align > grain ? grp->align : grain,
				  grp->window_lo, grp->window_hi, hint, all_written, mappings);

		if (!p) {
			char why[128];

			snprintf(err, errlen, "cannot map %llu bytes (%s) in [0x%llx, 0x%llx): %s",
				 (unsigned long long)grp->span,
				 req->segments[grp->first].name,
				 (unsigned long long)grp->window_lo,
				 (unsigned long long)grp->window_hi, os_error(why, sizeof(why)));
			for (size_t j = 0; j < g; j++) {
				os_unmap(req->groups[j].work,
				       (req->groups[j].span + page - 1) & ~(page - 1));
				objload_place_group(req, j, NULL, 0);
			}
			return OBJLOAD_ERR_NOMEM;
		}
		objload_place_group(req, g, p, (uint64_t)(uintptr_t)p);
		/* a group with writable segments was mapped without populating
		 * (they may be mostly zero-fill): commit the rest at once, best
		 * effort (an older kernel faults them in) */
		for (size_t i = grp->first; i < grp->first + grp->count && !all_written; i++)
			if (written_whole(req->segments[i].prot))
				os_populate(req->segments[i].work, req->segments[i].size);
		/* constrained groups are packed one after another */
		if (grp->window_lo || grp->window_hi != UINT64_MAX)
			hint = grp->target + ((len + grain - 1) & ~(grain - 1));
	}
	req->zeroed = 1;   /* fresh anonymous pages */
	return OBJLOAD_OK;
}

static objload_status mmap_finalize(void *ctx, objload_alloc_request *req,
				    size_t *changes, char *err, size_t errlen)
{
	uint64_t page = os_page_size();

	(void)ctx;
	for (size_t i = 0; i < req->nsegments; i++) {
		objload_segment *sg = &req->segments[i];
		uint64_t len = (sg->size + page - 1) & ~(page - 1);

		if (sg->prot == (OBJLOAD_PROT_READ | OBJLOAD_PROT_WRITE))
			continue;   /* already so */
		if (os_protect(sg->work, len, sg->prot) < 0) {
			char why[128];

			snprintf(err, errlen, "mprotect of segment %s: %s",
				 sg->name, os_error(why, sizeof(why)));
			return OBJLOAD_ERR_NOMEM;
		}
		(*changes)++;
	}
	return OBJLOAD_OK;
}

static void mmap_release(void *ctx, objload_alloc_request *req)
{
	uint64_t page = os_page_size();

	(void)ctx;
	for (size_t g = 0; g < req->ngroups; g++)
		if (req->groups[g].work)
			os_unmap(req->groups[g].work,
			       (req->groups[g].span + page - 1) & ~(page - 1));
}

static const objload_memory_manager mmap_manager = {
	.name = "mmap",
	.allocate = mmap_allocate,
	.finalize = mmap_finalize,
	.release = mmap_release,
};

const objload_memory_manager *objload_mmap_memory_manager(void)
{
	return &mmap_manager;
}
