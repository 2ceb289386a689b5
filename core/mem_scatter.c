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
 * Placement probes with MAP_FIXED_NOREPLACE, which never replaces an
 * existing mapping; an occupied candidate moves on by another stride.  A
 * segment whose window is constrained (non-PIC code, PC-relative data
 * references to the host) is placed inside its window instead, scattered
 * only as far as the window allows.  State (the next address) lives in the
 * caller's objload_scatter_ctx; nothing is global.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/core.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define SCATTER_MIN_STRIDE (4ull << 30)
#define SCATTER_DEFAULT_HINT (1ull << 44)
#define SCATTER_TOP (1ull << 47)      /* user address space on x86-64 */
#define SCATTER_TRIES 4096

static int scatter_prot_bits(int prot)
{
	return (prot & OBJLOAD_PROT_READ ? PROT_READ : 0) |
	       (prot & OBJLOAD_PROT_WRITE ? PROT_WRITE : 0) |
	       (prot & OBJLOAD_PROT_EXEC ? PROT_EXEC : 0);
}

static uint64_t scatter_page(void)
{
	return (uint64_t)sysconf(_SC_PAGESIZE);
}

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static void *scatter_try(uint64_t a, uint64_t len)
{
	void *p = mmap((void *)(uintptr_t)a, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if ((uint64_t)(uintptr_t)p != a) {
		munmap(p, len);   /* a kernel without MAP_FIXED_NOREPLACE */
		return NULL;
	}
	return p;
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
	uint64_t page = scatter_page();
	uint64_t a, step;

	if (align < page)
		align = page;
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
		p = scatter_try(a, len);
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
	if (req->layout == OBJLOAD_LAYOUT_CONTIGUOUS) {
		uint64_t align = 1, lo = 0, hi = UINT64_MAX;
		uint8_t *base;

		for (size_t i = 0; i < req->nsegments; i++) {
			const objload_segment *sg = &req->segments[i];

			if (sg->align > align)
				align = sg->align;
			if (sg->window_lo > sg->offset && sg->window_lo - sg->offset > lo)
				lo = sg->window_lo - sg->offset;
			if (sg->window_hi != UINT64_MAX) {
				uint64_t end = sg->offset + sg->size;
				uint64_t h = sg->window_hi < end ? 0 :
					sg->window_hi - end + req->span;

				if (h < hi)
					hi = h;
			}
		}
		base = scatter_place(c, round_up(req->span, page), align, lo, hi);
		if (!base) {
			snprintf(err, errlen, "cannot place %llu bytes in [0x%llx, 0x%llx)",
				 (unsigned long long)req->span, (unsigned long long)lo,
				 (unsigned long long)hi);
			return OBJLOAD_ERR_NOMEM;
		}
		(*mappings)++;
		for (size_t i = 0; i < req->nsegments; i++) {
			req->segments[i].work = base + req->segments[i].offset;
			req->segments[i].target = (uint64_t)(uintptr_t)req->segments[i].work;
		}
		req->zeroed = 1;   /* fresh anonymous pages, committed when touched */
		return OBJLOAD_OK;
	}
	for (size_t i = 0; i < req->nsegments; i++) {
		objload_segment *sg = &req->segments[i];
		uint64_t len = round_up(sg->size, page);
		void *p = scatter_place(c, len, sg->align, sg->window_lo, sg->window_hi);

		if (!p) {
			snprintf(err, errlen, "cannot place segment %s (%llu bytes) in [0x%llx, 0x%llx): %s",
				 sg->name, (unsigned long long)sg->size,
				 (unsigned long long)sg->window_lo,
				 (unsigned long long)sg->window_hi, strerror(errno));
			for (size_t j = 0; j < i; j++) {
				munmap(req->segments[j].work,
				       round_up(req->segments[j].size, page));
				req->segments[j].work = NULL;
			}
			return OBJLOAD_ERR_NOMEM;
		}
		(*mappings)++;
		sg->work = p;
		sg->target = (uint64_t)(uintptr_t)p;
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
		if (mprotect(sg->work, round_up(sg->size, page),
			     scatter_prot_bits(sg->prot)) < 0) {
			snprintf(err, errlen, "mprotect of segment %s: %s",
				 sg->name, strerror(errno));
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
	if (req->layout == OBJLOAD_LAYOUT_CONTIGUOUS) {
		if (req->nsegments && req->segments[0].work)
			munmap(req->segments[0].work, round_up(req->span, page));
		return;
	}
	for (size_t i = 0; i < req->nsegments; i++)
		if (req->segments[i].work)
			munmap(req->segments[i].work, round_up(req->segments[i].size, page));
}

static const objload_memory_manager scatter_manager = {
	.name = "scatter",
	.allocate = scatter_allocate,
	.finalize = scatter_finalize,
	.release = scatter_release,
};

const objload_memory_manager *objload_scatter_memory_manager(void)
{
	return &scatter_manager;
}
