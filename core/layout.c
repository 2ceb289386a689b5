/* SPDX-License-Identifier: MIT */
/*
 * Layout: blocks into segments, segments into groups, and the windows the
 * fixups put on where each group may go.  One helper for every memory
 * manager: managers receive finished groups (extent, alignment, window)
 * and only choose each group's base.
 *
 * The shared area — every block of every whole-image image, and what the
 * core made for them (GOT entries, stubs, thunks, commons, runtime data)
 * — is one group of up to three page-aligned segments, one per final
 * protection: text (R-X), rodata (R--), data (RW-).  Each segment is
 * aligned to the largest alignment among its blocks (at least a page), so
 * a section aligned to 64 KiB or 1 MiB lands on such an address; the group
 * is aligned to its largest segment alignment.  Every distance inside the
 * group is bounded by its size, which must stay below what a 32-bit
 * PC-relative fixup spans.
 *
 * Each section of a per-section image is a group of its own: one segment
 * holding the section, then the stubs and GOT entries of its own fixups,
 * so they are always in reach of it, aligned to the largest of them.
 *
 * A linked image (a shared library, a DLL, a dylib) is a group of its
 * own too, its sections at the distances its static linker gave them
 * (their file addresses): its code reaches its data by PC-relative
 * offsets no relocation records, so nothing inside may move.
 *
 * Blocks that linker-defined bounds delimit (__start_SEC/__stop_SEC) are
 * placed one after another, between their two markers, in the shared
 * area.
 *
 * Windows.  A narrow absolute fixup aimed into the link (non-PIC code's
 * R_X86_64_32) needs every group below 2^31 or 2^32; a narrow PC-relative
 * data fixup aimed at a fixed address (the host) needs its group within
 * reach of it.  All groups get the same window, and when the link has
 * more than one group they keep within half the reach of the anchor, so
 * they stay in reach of each other too.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "os/os.h"

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* The largest block of the link, for messages. */
static uint32_t largest_block(const objload_session *s)
{
	uint32_t best = OBJLOAD_NO_INDEX;

	for (size_t b = 0; b < s->g.nblocks; b++)
		if (!s->g.blocks[b].drop &&
		    (best == OBJLOAD_NO_INDEX || s->g.blocks[b].size > s->g.blocks[best].size))
			best = (uint32_t)b;
	return best;
}

static const char *block_file(const objload_session *s, uint32_t b)
{
	if (b != OBJLOAD_NO_INDEX && s->g.blocks[b].kind == LG_SECTION)
		return s->images[s->g.blocks[b].image]->path;
	return s->nimages ? s->images[0]->path : "objload";
}

static const char *block_name(const objload_session *s, uint32_t b)
{
	const lg_block *blk;

	if (b == OBJLOAD_NO_INDEX)
		return "(none)";
	blk = &s->g.blocks[b];
	if (blk->kind == LG_SECTION)
		return s->images[blk->image]->sections[blk->section].name;
	if (blk->kind == LG_COMMON)
		return s->globals[blk->section].name;
	return lg_block_kind_name((lg_block_kind)blk->kind);
}

const char *core_largest_file(const objload_session *s)
{
	return block_file(s, largest_block(s));
}

const char *core_largest_name(const objload_session *s)
{
	return block_name(s, largest_block(s));
}

struct layout {
	objload_segment *segs;
	size_t nsegs, segs_cap;
	objload_segment_group *groups;
	size_t ngroups, groups_cap;
	uint32_t *area_next;     /* per block: next block of the same area */
	uint32_t *area_head;     /* per block that is an area: its first member */
	uint32_t *area_tail;
};

static objload_status new_group(objload_session *s, struct layout *L, size_t *out)
{
	if (lg_grow((void **)&L->groups, &L->groups_cap, L->ngroups, 1, sizeof(*L->groups)))
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	memset(&L->groups[L->ngroups], 0, sizeof(L->groups[0]));
	L->groups[L->ngroups].first = L->nsegs;
	L->groups[L->ngroups].window_hi = UINT64_MAX;
	*out = L->ngroups++;
	return OBJLOAD_OK;
}

static objload_status new_segment(objload_session *s, struct layout *L,
				  objload_segment **out)
{
	if (lg_grow((void **)&L->segs, &L->segs_cap, L->nsegs, 1, sizeof(*L->segs)))
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	*out = &L->segs[L->nsegs];
	memset(*out, 0, sizeof(**out));
	(*out)->group = L->ngroups - 1;
	L->nsegs++;
	L->groups[L->ngroups - 1].count++;
	return OBJLOAD_OK;
}

/* Put block b at the end of the segment being filled. */
static void place(objload_session *s, uint32_t b, uint64_t *off, uint64_t *align,
		  size_t seg)
{
	lg_block *blk = &s->g.blocks[b];

	*off = align_up(*off, blk->align);
	blk->offset = *off;
	blk->segment = (uint32_t)seg;
	*off += blk->size;
	if (blk->align > *align)
		*align = blk->align;
	s->metrics.bytes_used += blk->size;
}

static int in_shared_area(const lg_block *blk)
{
	return !blk->drop && blk->area == OBJLOAD_NO_INDEX;
}

/* The shared group: its segments, one per protection class. */
static objload_status layout_shared(objload_session *s, struct layout *L, uint64_t page)
{
	static const int classes[] = {
		OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC,
		OBJLOAD_PROT_READ,
		OBJLOAD_PROT_READ | OBJLOAD_PROT_WRITE,
	};
	static const char *const names[] = { "text", "rodata", "data" };
	lg_graph *g = &s->g;
	uint8_t *placed;
	uint64_t base = 0, group_align = page;
	size_t gi;
	int any = 0;
	objload_status st;

	for (size_t b = 0; b < g->nblocks && !any; b++)
		any = in_shared_area(&g->blocks[b]);
	if (!any)
		return OBJLOAD_OK;
	placed = calloc(g->nblocks, 1);
	if (!placed)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	st = new_group(s, L, &gi);
	for (size_t c = 0; c < 3 && !st; c++) {
		uint64_t off = 0, align = page;
		objload_segment *seg = NULL;
		size_t si = L->nsegs;

		for (size_t b = 0; b < g->nblocks; b++) {
			const lg_block *blk = &g->blocks[b];

			if (!in_shared_area(blk) || blk->prot != classes[c] || placed[b])
				continue;
			if (!seg) {
				st = new_segment(s, L, &seg);
				if (st)
					break;
			}
			if (blk->cluster == OBJLOAD_NO_INDEX) {
				place(s, (uint32_t)b, &off, &align, si);
				placed[b] = 1;
				continue;
			}
			/* a bounded cluster: its markers and members together */
			{
				const struct lg_cluster *cl = &g->clusters[blk->cluster];
				uint32_t cid = blk->cluster;

				place(s, cl->first, &off, &align, si);
				placed[cl->first] = 1;
				for (size_t k = 0; k < g->nblocks; k++) {
					if (placed[k] || g->blocks[k].cluster != cid ||
					    g->blocks[k].drop || k == cl->last)
						continue;
					place(s, (uint32_t)k, &off, &align, si);
					placed[k] = 1;
				}
				place(s, cl->last, &off, &align, si);
				placed[cl->last] = 1;
			}
		}
		if (!seg || st)
			continue;
		seg = &L->segs[si];
		seg->name = names[c];
		seg->prot = classes[c];
		seg->align = align;
		seg->size = align_up(off ? off : 1, page);
		base = align_up(base, align);
		seg->offset = base;
		base += seg->size;
		if (align > group_align)
			group_align = align;
	}
	free(placed);
	if (st)
		return st;
	L->groups[gi].span = base;
	L->groups[gi].align = group_align;
	if (base > (1ull << 31) - (1ull << 24))
		return core_error(s, OBJLOAD_ERR_RANGE,
				  "%s: the whole image would be %" PRIu64 " MiB: more than 32-bit "
				  "PC-relative fixups can span (its largest section is %s)",
				  core_largest_file(s), base >> 20, core_largest_name(s));
	return OBJLOAD_OK;
}

static int is_linked_image_section(const objload_session *s, const lg_block *blk)
{
	return blk->kind == LG_SECTION &&
		s->images[blk->image]->kind != OBJLOAD_IMAGE_RELOCATABLE;
}

/* Synthesized members of a linked image's area, after its own sections:
 * one page-aligned segment per protection class from `end` on. */
static objload_status layout_area_extras(objload_session *s, struct layout *L,
					 uint32_t head, uint64_t *end, uint64_t page,
					 uint64_t *group_align)
{
	static const int classes[] = {
		OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC,
		OBJLOAD_PROT_READ,
		OBJLOAD_PROT_READ | OBJLOAD_PROT_WRITE,
	};
	static const char *const names[] = { "text+", "rodata+", "data+" };

	for (size_t c = 0; c < 3; c++) {
		uint64_t off = 0, align = page;
		size_t si = L->nsegs;
		objload_segment *seg = NULL;
		objload_status st;

		for (uint32_t m = L->area_head[head]; m != OBJLOAD_NO_INDEX; m = L->area_next[m]) {
			if (is_linked_image_section(s, &s->g.blocks[m]) ||
			    s->g.blocks[m].prot != classes[c])
				continue;
			if (!seg && (st = new_segment(s, L, &seg)) != OBJLOAD_OK)
				return st;
			place(s, m, &off, &align, si);
		}
		if (!seg)
			continue;
		seg = &L->segs[si];
		seg->name = names[c];
		seg->prot = classes[c];
		seg->align = align;
		seg->size = align_up(off, page);
		*end = align_up(*end, align);
		seg->offset = *end;
		*end += seg->size;
		if (align > *group_align)
			*group_align = align;
	}
	return OBJLOAD_OK;
}

/*
 * A linked image: its sections at the distances its static linker gave
 * them (file_addr), from the page its lowest section starts in; one
 * segment per run of sections with one protection, which may not share a
 * page with a section of another; then what the core synthesized for it.
 */
static objload_status layout_linked(objload_session *s, struct layout *L,
				    uint32_t head, uint64_t page)
{
	lg_graph *g = &s->g;
	const objload_image *img = s->images[g->blocks[head].image];
	uint32_t *order = NULL;
	size_t n = 0, gi, cur = SIZE_MAX;
	uint64_t lo, end = 0, group_align = page;
	objload_status st;

	order = malloc((g->nblocks + 1) * sizeof(*order));
	if (!order)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	order[n++] = head;
	for (uint32_t m = L->area_head[head]; m != OBJLOAD_NO_INDEX; m = L->area_next[m])
		if (is_linked_image_section(s, &g->blocks[m]))
			order[n++] = m;
	/* by address: insertion sort, a linked image has few sections */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && img->sections[g->blocks[order[j]].section].file_addr <
					     img->sections[g->blocks[order[j - 1]].section].file_addr; j--) {
			uint32_t t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	lo = img->sections[g->blocks[head].section].file_addr & ~(page - 1);
	st = new_group(s, L, &gi);
	for (size_t i = 0; i < n && !st; i++) {
		lg_block *blk = &g->blocks[order[i]];
		const objload_section *sec = &img->sections[blk->section];
		uint64_t off = sec->file_addr - lo;
		objload_segment *seg;

		if (blk->align > group_align)
			group_align = blk->align;
		if (off % blk->align) {
			st = core_error(s, OBJLOAD_ERR_FORMAT,
					"%s: section %s at 0x%" PRIx64 " is not aligned to %" PRIu64,
					img->path, sec->name, sec->file_addr, blk->align);
			break;
		}
		if (cur != SIZE_MAX && L->segs[cur].prot == blk->prot) {
			seg = &L->segs[cur];
		} else {
			if (cur != SIZE_MAX && (off & ~(page - 1)) < end) {
				st = core_error(s, OBJLOAD_ERR_FORMAT,
						"%s: section %s (0x%" PRIx64 ") shares a page with a "
						"section of another protection", img->path, sec->name,
						sec->file_addr);
				break;
			}
			if ((st = new_segment(s, L, &seg)) != OBJLOAD_OK)
				break;
			cur = L->nsegs - 1;
			seg->name = sec->name;
			seg->prot = blk->prot;
			seg->align = page;
			seg->offset = off & ~(page - 1);
		}
		blk->segment = (uint32_t)cur;
		blk->offset = off - seg->offset;
		if (off + blk->size > end)
			end = align_up(off + blk->size, page);
		seg->size = end - seg->offset;
		s->metrics.bytes_used += blk->size;
	}
	free(order);
	if (!st)
		st = layout_area_extras(s, L, head, &end, page, &group_align);
	if (st)
		return st;
	if (lo % group_align)
		return core_error(s, OBJLOAD_ERR_FORMAT,
				  "%s: its lowest page 0x%" PRIx64 " is not aligned to %" PRIu64
				  " as its sections need", img->path, lo, group_align);
	L->groups[gi].span = end;
	L->groups[gi].align = group_align;
	return OBJLOAD_OK;
}

/* One group per section of a per-section image, with its own entries,
 * and one per linked image. */
static objload_status layout_sections(objload_session *s, struct layout *L, uint64_t page)
{
	lg_graph *g = &s->g;
	size_t n = g->nblocks;

	L->area_next = malloc(n * sizeof(uint32_t));
	L->area_head = malloc(n * sizeof(uint32_t));
	L->area_tail = malloc(n * sizeof(uint32_t));
	if (!L->area_next || !L->area_head || !L->area_tail)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	for (size_t b = 0; b < n; b++)
		L->area_next[b] = L->area_head[b] = L->area_tail[b] = OBJLOAD_NO_INDEX;
	/* each area's synthesized members, in creation order */
	for (size_t b = 0; b < n; b++) {
		const lg_block *blk = &g->blocks[b];
		uint32_t a = blk->area;

		if (blk->drop || a == OBJLOAD_NO_INDEX || a == b)
			continue;
		if (L->area_tail[a] == OBJLOAD_NO_INDEX)
			L->area_head[a] = (uint32_t)b;
		else
			L->area_next[L->area_tail[a]] = (uint32_t)b;
		L->area_tail[a] = (uint32_t)b;
	}
	for (size_t b = 0; b < n; b++) {
		lg_block *blk = &g->blocks[b];
		objload_segment *seg;
		uint64_t off = 0, align = 1;
		size_t gi, si;
		objload_status st;

		if (blk->drop || blk->area != b)
			continue;
		if (is_linked_image_section(s, blk)) {
			st = layout_linked(s, L, (uint32_t)b, page);
			if (st)
				return st;
			continue;
		}
		st = new_group(s, L, &gi);
		if (!st)
			st = new_segment(s, L, &seg);
		if (st)
			return st;
		si = L->nsegs - 1;
		place(s, (uint32_t)b, &off, &align, si);
		for (uint32_t m = L->area_head[b]; m != OBJLOAD_NO_INDEX; m = L->area_next[m])
			place(s, m, &off, &align, si);
		seg = &L->segs[si];
		seg->name = s->images[blk->image]->sections[blk->section].name;
		seg->prot = blk->prot;
		seg->align = align;
		seg->size = off ? off : 1;
		seg->offset = 0;
		/* one segment: a manager may pack it with others' (the arena) */
		L->groups[gi].span = seg->size;
		L->groups[gi].align = align;
	}
	return OBJLOAD_OK;
}

/* A narrow absolute kind: its target must be low. */
static int low_kind(const arch_kind *k)
{
	return k->width && k->range_bits < 64 && k->check != ARCH_CHECK_ANY &&
	       !(k->flags & (OBJLOAD_KF_PCREL | OBJLOAD_KF_GOTBASE | OBJLOAD_KF_IMAGEBASE |
			     OBJLOAD_KF_SECTIONBASE | OBJLOAD_KF_SUB | OBJLOAD_KF_SIZE |
			     OBJLOAD_KF_TLS));
}

/* A narrow fixup that needs its target low: how low (UINT64_MAX: it does
 * not).  Non-PIC code's R_X86_64_32 aimed into the link. */
static uint64_t low_limit_of(const arch_kind *k, const lg_target *t)
{
	if (!low_kind(k) || t->where != LG_IN_BLOCK)
		return UINT64_MAX;
	return k->check == ARCH_CHECK_SIGNED ? 1ull << (k->range_bits - 1) : 1ull << k->range_bits;
}

/* A narrow PC-relative data kind, which neither a stub nor a GOT slot
 * serves unless the table pass gave it an entry. */
static int near_kind(const arch_kind *k)
{
	return k->width && k->range_bits < 64 && k->check != ARCH_CHECK_ANY &&
	       (k->flags & OBJLOAD_KF_PCREL) && !(k->flags & (OBJLOAD_KF_GOT | OBJLOAD_KF_GOTBASE));
}

/* Kinds that put a window on the groups. */
static int window_kind(const arch_kind *k)
{
	return low_kind(k) || near_kind(k);
}

/* Is this a narrow PC-relative data fixup aimed at a fixed address (the
 * host), which neither a stub nor a GOT slot serves? */
static int host_data_ref(const arch_kind *k, const lg_edge *ed, const lg_target *t)
{
	return near_kind(k) && ed->entry == OBJLOAD_NO_INDEX && t->where == LG_ABSOLUTE;
}

/* The window every group must lie in. */
static objload_status plan_windows(objload_session *s, struct layout *L)
{
	lg_graph *g = &s->g;
	const arch_kind *kinds = s->arch->kinds;
	uint64_t low_limit = UINT64_MAX, lo = 0, hi = UINT64_MAX;
	const lg_edge *host_ref = NULL;
	uint32_t window_kinds = lg_kinds_where(kinds, s->arch->nkinds, window_kind);
	char where[512];

	LG_FOR_EACH_LIVE_EDGE_OF(g, b, e, window_kinds) {
		const lg_edge *ed = &g->edges[e];
		const arch_kind *k = &kinds[ed->kind];
		const lg_target *t;
		uint64_t reach, h, lim;

		if (ed->node == OBJLOAD_NO_INDEX)
			continue;
		t = &g->nodes[ed->node].t;
		lim = low_limit_of(k, t);
		if (lim < low_limit)
			low_limit = lim;
		if (!host_data_ref(k, ed, t))
			continue;
		/* within reach of the host's object; of each other too when
		 * there are several groups */
		host_ref = ed;
		reach = (1ull << (k->range_bits - 1)) - (1ull << 16);
		if (L->ngroups > 1)
			reach /= 2;
		h = t->value;
		if (h > reach && h - reach > lo)
			lo = h - reach;
		if (h < UINT64_MAX - reach && h + reach < hi)
			hi = h + reach;
		if (lo >= hi) {
			core_edge_where(s, ed, where, sizeof(where));
			return core_error(s, OBJLOAD_ERR_RANGE,
					  "%s: the fixups of this link cannot all reach their targets from any placement",
					  where);
		}
	}
	if (low_limit < hi)
		hi = low_limit;
	for (size_t gi = 0; gi < L->ngroups; gi++) {
		objload_segment_group *grp = &L->groups[gi];

		grp->window_lo = lo;
		grp->window_hi = hi;
		if (lo < hi && hi - lo >= grp->span)
			continue;
		if (low_limit != UINT64_MAX && host_ref) {
			core_edge_where(s, host_ref, where, sizeof(where));
			return core_error(s, OBJLOAD_ERR_RANGE,
					  "%s at 0x%" PRIx64 " cannot reach it: non-PIC code must be placed below 0x%" PRIx64
					  " (compile with -fPIC, or -fPIE)",
					  where, g->nodes[host_ref->node].t.value, low_limit);
		}
		return core_error(s, OBJLOAD_ERR_RANGE,
				  "%s: no placement of %" PRIu64 " bytes lies in [0x%" PRIx64 ", 0x%" PRIx64
				  ") where its fixups can reach",
				  core_largest_file(s), grp->span, lo, hi);
	}
	return OBJLOAD_OK;
}

objload_status core_layout(objload_session *s)
{
	struct layout L = { 0 };
	uint64_t page = os_page_size();
	objload_status st;

	st = layout_shared(s, &L, page);
	if (!st)
		st = layout_sections(s, &L, page);
	if (!st && !L.ngroups)
		st = s->nimages == 1 ?
		     core_error(s, OBJLOAD_ERR_FORMAT, "%s: nothing to load: the file has no "
				"loadable sections", s->images[0]->path) :
		     core_error(s, OBJLOAD_ERR_FORMAT, "nothing to load: none of the %zu inputs "
				"(the first: %s) has loadable sections", s->nimages,
				s->nimages ? s->images[0]->path : "none");
	if (!st)
		st = plan_windows(s, &L);
	free(L.area_next);
	free(L.area_head);
	free(L.area_tail);
	s->g.segments = L.segs;
	s->g.nsegments = L.nsegs;
	s->g.groups = L.groups;
	s->g.ngroups = L.ngroups;
	if (st)
		return st;
	memset(&s->request, 0, sizeof(s->request));
	s->request.groups = L.groups;
	s->request.ngroups = L.ngroups;
	s->request.segments = L.segs;
	s->request.nsegments = L.nsegs;
	return OBJLOAD_OK;
}

void objload_place_group(objload_alloc_request *req, size_t group, void *work,
			 uint64_t target)
{
	objload_segment_group *grp;

	if (!req || group >= req->ngroups)
		return;
	grp = &req->groups[group];
	grp->work = work;
	grp->target = target;
	for (size_t i = grp->first; i < grp->first + grp->count; i++) {
		req->segments[i].work = work ? (uint8_t *)work + req->segments[i].offset : NULL;
		req->segments[i].target = target + req->segments[i].offset;
	}
}
