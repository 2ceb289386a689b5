/* SPDX-License-Identifier: MIT */
/*
 * Inspecting a link's placement: the segments the memory manager placed,
 * the pieces inside them, and the branches that went through a stub.
 * Read-only views of the session, for tools (objload compare draws them)
 * and tests; valid once the plan is allocated, even when the link then
 * failed, so a failed placement can still be shown.
 */
#include <string.h>

#include "core/core.h"

static const char *const piece_names[] = {
	[PIECE_SECTION] = "section", [PIECE_GOT] = "got",
	[PIECE_STUBS] = "stubs", [PIECE_COMMONS] = "commons",
	[PIECE_THUNKS] = "thunks",
};

static objload_piece_kind public_kind(piece_kind k)
{
	switch (k) {
	case PIECE_SECTION: return OBJLOAD_PIECE_SECTION;
	case PIECE_GOT: return OBJLOAD_PIECE_GOT;
	case PIECE_STUBS: return OBJLOAD_PIECE_STUBS;
	case PIECE_COMMONS: return OBJLOAD_PIECE_COMMONS;
	case PIECE_THUNKS: return OBJLOAD_PIECE_THUNKS;
	}
	return OBJLOAD_PIECE_SECTION;
}

size_t objload_segment_count(const objload_session *s)
{
	return s && s->allocated ? s->request.nsegments : 0;
}

objload_status objload_get_segment(const objload_session *s, size_t index,
				   objload_segment_info *out)
{
	const objload_segment *sg;

	if (!s || !out || index >= objload_segment_count(s))
		return OBJLOAD_ERR_ARGUMENT;
	sg = &s->request.segments[index];
	memset(out, 0, sizeof(*out));
	out->name = sg->name;
	out->target = sg->target;
	out->size = sg->size;
	out->prot = sg->prot;
	out->kind = OBJLOAD_PIECE_SECTION;
	for (size_t p = 0; p < s->npieces; p++) {
		if (s->pieces[p].segment == index && s->pieces[p].offset == 0) {
			out->kind = public_kind(s->pieces[p].kind);
			break;
		}
	}
	return OBJLOAD_OK;
}

size_t objload_piece_count(const objload_session *s)
{
	return s && s->allocated ? s->npieces : 0;
}

objload_status objload_get_piece(const objload_session *s, size_t index,
				 objload_piece_info *out)
{
	const piece *pc;

	if (!s || !out || index >= objload_piece_count(s))
		return OBJLOAD_ERR_ARGUMENT;
	pc = &s->pieces[index];
	memset(out, 0, sizeof(*out));
	out->kind = public_kind(pc->kind);
	out->name = piece_names[pc->kind];
	if (pc->kind == PIECE_SECTION) {
		const objload_image *img = s->images[pc->image];

		out->name = img->sections[pc->section].name;
		out->file = img->path;
	}
	out->target = pc->segment < s->request.nsegments ?
		s->request.segments[pc->segment].target + pc->offset : 0;
	out->size = pc->size;
	out->prot = pc->prot;
	out->segment = pc->segment;
	return OBJLOAD_OK;
}

/* The same decision relocate() makes: a stub is taken when the branch
 * cannot reach its target directly. */
static size_t walk_jumps(const objload_session *cs, objload_jump_info *out,
			 size_t max)
{
	objload_session *s = (objload_session *)cs;  /* address lookups only */
	const arch_ops *arch = s->arch;
	size_t n = 0;

	if (!s->allocated || !arch)
		return 0;
	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];
		const core_image *ci = core_of(img);

		if (!ci->sec_piece || !ci->edge_stub)
			continue;
		for (size_t e = 0; e < img->nedges; e++) {
			const objload_edge *ed = &img->edges[e];
			uint32_t sp = ci->sec_piece[ed->section];
			const symres *r;
			const area *a;
			uint64_t P, S;

			if (sp == OBJLOAD_NO_INDEX || ed->symbol == OBJLOAD_NO_INDEX ||
			    ci->edge_stub[e] == OBJLOAD_NO_INDEX)
				continue;
			r = &ci->res[ed->symbol];
			if (r->kind == RES_DISCARDED)
				continue;
			a = &s->areas[s->nareas == 1 ? 0 : sp];
			if (a->stub_piece == OBJLOAD_NO_INDEX)
				continue;
			P = s->request.segments[s->pieces[sp].segment].target +
				s->pieces[sp].offset + ed->offset;
			S = core_symbol_address(s, r);
			if (arch->branch_reaches(ed->kind, P, S, ed->addend))
				continue;
			if (n < max) {
				const piece *st = &s->pieces[a->stub_piece];

				out[n].from = P;
				out[n].stub = s->request.segments[st->segment].target +
					st->offset + (uint64_t)ci->edge_stub[e] * arch->stub_size;
				out[n].to = S;
			}
			n++;
		}
	}
	return n;
}

size_t objload_jump_count(const objload_session *s)
{
	return s ? walk_jumps(s, NULL, 0) : 0;
}

objload_status objload_get_jumps(const objload_session *s,
				 objload_jump_info *out, size_t max, size_t *count)
{
	if (!s || (!out && max) || !count)
		return OBJLOAD_ERR_ARGUMENT;
	*count = walk_jumps(s, out, max);
	return OBJLOAD_OK;
}
