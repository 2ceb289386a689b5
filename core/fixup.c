/* SPDX-License-Identifier: MIT */
/*
 * Copy and fix up: every block's contents into the memory the manager
 * gave, then every edge of every loaded block through the arch's applier.
 *
 * The letters of an edge's formula are computed with target addresses:
 * S where its node points (or the stub serving it, when a branch does not
 * reach S itself), A its addend, P its field, G the GOT entry serving it,
 * GOT the GOT base of its area, B the image base (the lowest address of
 * the link, for image-relative kinds) or the base of S's section
 * (section-relative kinds), SUB its subtrahend, Z the symbol's size; for
 * thread-local kinds T, TP and M (core/tls.c).
 * Writes go through working addresses.
 *
 * A fixup that does not fit is an error, never a truncation; the pass
 * goes on to the end and reports every one of them (the first few in
 * full), so one run shows everything that is out of reach.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/tls.h"

objload_status core_copy_contents(objload_session *s)
{
	lg_graph *g = &s->g;
	int zeroed = s->request.zeroed;

	free(g->placed);
	g->placed = malloc((g->nblocks ? g->nblocks : 1) * sizeof(uint32_t));
	g->nplaced = 0;
	if (!g->placed)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	for (size_t b = 0; b < g->nblocks; b++) {
		lg_block *blk = &g->blocks[b];
		const objload_segment *seg;

		if (blk->drop)
			continue;
		g->placed[g->nplaced++] = (uint32_t)b;
		seg = &s->request.segments[blk->segment];
		blk->target = seg->target + blk->offset;
		blk->work = (uint8_t *)seg->work + blk->offset;
		if (blk->bytes)
			memcpy(blk->work, blk->bytes, blk->size);
		else if (!zeroed)
			memset(blk->work, 0, blk->size);
	}
	g->image_base = UINT64_MAX;
	for (size_t i = 0; i < s->request.ngroups; i++)
		if (s->request.groups[i].target < g->image_base)
			g->image_base = s->request.groups[i].target;
	return OBJLOAD_OK;
}

/* The size a SIZE kind's symbol has: its definition's, or the host's. */
static uint64_t node_size(const objload_session *s, uint32_t node)
{
	const lg_node *n = &s->g.nodes[node];
	const global_sym *gs;

	if (n->global == OBJLOAD_NO_INDEX) {
		/* a local definition: find its image */
		for (size_t i = 0; i < s->nimages; i++) {
			const core_image *ci = core_of(s->images[i]);

			if (node >= ci->node_base && node - ci->node_base < s->images[i]->nsymbols)
				return s->images[i]->symbols[node - ci->node_base].size;
		}
		return 0;
	}
	gs = &s->globals[n->global];
	if (gs->strength == 1)
		return gs->common_size;
	if (gs->strength)
		return s->images[gs->image]->symbols[gs->symbol].size;
	if (gs->from_host) {
		uint64_t size = 0;

		if (core_host_object_size(gs->res.value, gs->name, &size))
			return size;
	}
	return 0;
}

/* The GOT base of block b's area. */
static uint64_t got_base(const lg_graph *g, const lg_block *blk)
{
	uint32_t gb = blk->area == OBJLOAD_NO_INDEX ? g->shared_got_base :
		g->blocks[blk->area].got_base;

	return gb == OBJLOAD_NO_INDEX ? 0 : g->blocks[gb].target;
}

#define CORE_RANGE_ERRORS_SHOWN 4

objload_status core_apply_fixups(objload_session *s)
{
	lg_graph *g = &s->g;
	const arch_ops *arch = s->arch;
	char err[256], where[512];
	size_t nerrors = 0;
	objload_status first_st = OBJLOAD_OK;
	char *msg = s->errmsg, *end = s->errmsg + sizeof(s->errmsg);

	for (size_t b = 0; b < g->nblocks; b++) {
		const lg_block *blk = &g->blocks[b];
		int unwind;

		if (blk->drop || !blk->nedges)
			continue;
		unwind = blk->kind == LG_SECTION &&
			s->images[blk->image]->sections[blk->section].role == OBJLOAD_ROLE_UNWIND;
		for (uint32_t e = blk->first_edge; e < blk->first_edge + blk->nedges; e++) {
			lg_edge *ed = &g->edges[e];
			const arch_kind *k = &arch->kinds[ed->kind];
			arch_fixup fx = { .A = ed->addend, .P = blk->target + ed->offset };
			objload_status st;

			if (ed->node != OBJLOAD_NO_INDEX) {
				const lg_target *t = &g->nodes[ed->node].t;

				if (t->where == LG_IN_BLOCK && g->blocks[t->block].drop) {
					if (unwind)
						continue;   /* unwind entry of stripped code */
					core_edge_where(s, ed, where, sizeof(where));
					return core_error(s, OBJLOAD_ERR_FORMAT,
							  "%s: its target was not loaded", where);
				}
				fx.S = lg_address(g, t);
				if (t->where == LG_IN_BLOCK && (k->flags & OBJLOAD_KF_SECTIONBASE))
					fx.B = g->blocks[t->block].target;
				if (ed->entry != OBJLOAD_NO_INDEX) {
					if (k->flags & OBJLOAD_KF_GOT) {
						fx.G = g->blocks[ed->entry].target;
					} else if (!arch->branch_reaches(ed->kind, fx.P, fx.S, fx.A)) {
						/* the stub holds S + A; branch to it exactly */
						fx.S = g->blocks[ed->entry].target;
						fx.A = arch->branch_addend_bias;
						ed->flags |= LG_EDGE_VIA_STUB;
					} else {
						ed->flags &= (uint16_t)~LG_EDGE_VIA_STUB;
					}
				}
				if (k->flags & OBJLOAD_KF_SIZE)
					fx.Z = node_size(s, ed->node);
			}
			if (k->flags & (OBJLOAD_KF_GOTBASE | OBJLOAD_KF_GOT))
				fx.GOT = got_base(g, blk);
			if (k->flags & OBJLOAD_KF_IMAGEBASE)
				fx.B = g->image_base;
			if (ed->sub != OBJLOAD_NO_INDEX)
				fx.SUB = lg_address(g, &g->nodes[ed->sub].t);
			if ((k->flags & OBJLOAD_KF_TLS) && (st = core_tls_letters(s, ed, &fx)))
				return st;
			err[0] = 0;
			st = arch->apply(ed->kind, blk->work + ed->offset, &fx, err, sizeof(err));
			if (st == OBJLOAD_OK) {
				/* the plug-ins' relocations, not what the core made */
				if (ed->origin != OBJLOAD_NO_INDEX) {
					s->metrics.relocations++;
					if (ed->kind < OBJLOAD_MAX_KIND_METRICS)
						s->kind_count[ed->kind]++;
				}
				continue;
			}
			if (st != OBJLOAD_ERR_RANGE) {
				core_edge_where(s, ed, where, sizeof(where));
				return core_error(s, st, "%s: %s", where, err);
			}
			/* out of range: note it and go on */
			s->metrics.out_of_range++;
			if (!nerrors)
				first_st = st;
			if (nerrors < CORE_RANGE_ERRORS_SHOWN && end - msg > 2) {
				core_edge_where(s, ed, where, sizeof(where));
				msg += snprintf(msg, (size_t)(end - msg), "%s%s: %s",
						nerrors ? "; " : "", where, err);
				if (msg > end)
					msg = end;
			}
			nerrors++;
		}
	}
	if (nerrors > CORE_RANGE_ERRORS_SHOWN && end - msg > 2)
		snprintf(msg, (size_t)(end - msg), "; and %zu more relocations out of range",
			 nerrors - CORE_RANGE_ERRORS_SHOWN);
	return first_st;
}
