/* SPDX-License-Identifier: MIT */
/*
 * Relaxation: GOT loads and calls through the GOT made direct, as the
 * psABIs allow a linker to once the target is known to be in reach.
 *
 * The arch recognises the instructions it may rewrite (x86-64: the mov,
 * call and jmp of GOTPCRELX/REX_GOTPCRELX; AArch64: an ADRP + LDR pair of
 * a GOT slot) and names the kind that reaches the target directly; this
 * file decides when the target is in reach.  It runs twice:
 *
 *   early   before the table passes: a target in the same area as the
 *           instruction (the whole-image reservation is smaller than
 *           2 GiB; a per-section area is one allocation) is always in
 *           reach, so the edge takes the direct kind and no GOT entry is
 *           made for it at all;
 *   placed  after allocation, before fixups: any other GOT access whose
 *           target turned out to be in reach is made direct too (its GOT
 *           entry was allocated already and stays unused).
 *
 * Branches through stubs need no pass of their own: the fixup pass takes
 * a stub only when the direct branch does not reach.
 */
#include "core/core.h"

/* Relax edge e (and its partner e + 1 when the arch relaxes a pair) if
 * in_reach says the target is reachable; returns how many were relaxed. */
static unsigned relax_edge(objload_session *s, lg_block *blk, uint32_t e,
			   int placed)
{
	const objload_section *sec = &s->images[blk->image]->sections[blk->section];
	lg_edge *ed = &s->g.edges[e];
	lg_edge *next = NULL;
	const lg_target *t;
	unsigned nk, next_kind = 0;

	if (ed->node == OBJLOAD_NO_INDEX || (ed->flags & LG_EDGE_RELAXED) ||
	    !(s->arch->kinds[ed->kind].flags & OBJLOAD_KF_GOT) ||
	    (s->arch->kinds[ed->kind].flags & OBJLOAD_KF_TLS))
		return 0;
	/* the partner of a pair: the edge of the same target at the next
	 * instruction, listed after it (ELF) or before it (Mach-O lists
	 * relocations from the end of the section) */
	if (e + 1 < blk->first_edge + blk->nedges && s->g.edges[e + 1].node == ed->node &&
	    s->g.edges[e + 1].offset == ed->offset + 4)
		next = &s->g.edges[e + 1];
	else if (e > blk->first_edge && s->g.edges[e - 1].node == ed->node &&
		 s->g.edges[e - 1].offset == ed->offset + 4)
		next = &s->g.edges[e - 1];
	nk = s->arch->relax(ed->kind, sec->bytes, sec->size, ed->offset,
			    next ? next->kind : 0, next ? next->offset : 0, &next_kind);
	if (!nk)
		return 0;
	t = &s->g.nodes[ed->node].t;
	if (t->where != LG_IN_BLOCK && !(placed && t->where == LG_ABSOLUTE))
		return 0;
	if (!placed) {
		if (s->g.blocks[t->block].area != blk->area)
			return 0;
	} else {
		uint64_t S = lg_address(&s->g, t);
		uint64_t P = blk->target + ed->offset;

		if (!s->arch->reaches(nk, P, S, ed->addend))
			return 0;
		if (next_kind && s->arch->kinds[next_kind].flags & OBJLOAD_KF_PCREL &&
		    !s->arch->reaches(next_kind, blk->target + next->offset, S, next->addend))
			return 0;
	}
	ed->kind = (uint16_t)nk;
	ed->flags |= LG_EDGE_RELAXED;
	ed->entry = OBJLOAD_NO_INDEX;
	blk->kinds |= lg_kind_bit(nk);
	if (!next_kind)
		return 1;
	blk->kinds |= lg_kind_bit(next_kind);
	next->kind = (uint16_t)next_kind;
	next->flags |= LG_EDGE_RELAXED;
	next->entry = OBJLOAD_NO_INDEX;
	return 2;
}

static int reads_got(const arch_kind *k)
{
	return (k->flags & OBJLOAD_KF_GOT) != 0;
}

static objload_status relax_all(objload_session *s, int placed)
{
	uint32_t got_kinds;

	if (!s->relax || !s->arch->relax)
		return OBJLOAD_OK;
	got_kinds = lg_kinds_where(s->arch->kinds, s->arch->nkinds, reads_got);
	for (size_t b = 0; b < s->g.nblocks; b++) {
		lg_block *blk = &s->g.blocks[b];

		if (blk->drop || blk->kind != LG_SECTION || !blk->nedges || !blk->bytes ||
		    !(blk->kinds & got_kinds))
			continue;
		for (uint32_t e = blk->first_edge; e < blk->first_edge + blk->nedges; e++)
			s->metrics.relaxed += relax_edge(s, blk, e, placed);
	}
	return OBJLOAD_OK;
}

objload_status core_relax_early(objload_session *s)
{
	return relax_all(s, 0);
}

objload_status core_relax_placed(objload_session *s)
{
	return relax_all(s, 1);
}
