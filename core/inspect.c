/* SPDX-License-Identifier: MIT */
/*
 * Inspecting a link's placement: the segments the memory manager placed,
 * the pieces (the graph's blocks) inside them, and the branches that went
 * through a stub.
 * Read-only views of the session, for tools (objload compare draws them)
 * and tests; valid once the plan is allocated, even when the link then
 * failed, so a failed placement can still be shown.
 */
#include <string.h>

#include "core/core.h"

static objload_piece_kind public_kind(lg_block_kind k)
{
	switch (k) {
	case LG_SECTION: return OBJLOAD_PIECE_SECTION;
	case LG_GOT:
	case LG_IMPORT:
	case LG_TLS: return OBJLOAD_PIECE_GOT;
	case LG_STUB:
	case LG_IFUNC:
	case LG_CANONICAL: return OBJLOAD_PIECE_STUBS;
	case LG_CCTHUNK:
	case LG_BINDTHUNK: return OBJLOAD_PIECE_THUNKS;
	default: return OBJLOAD_PIECE_COMMONS;
	}
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
	for (size_t b = 0; b < s->g.nblocks; b++) {
		const lg_block *blk = &s->g.blocks[b];

		if (!blk->drop && blk->segment == index && blk->offset == 0) {
			out->kind = public_kind((lg_block_kind)blk->kind);
			break;
		}
	}
	return OBJLOAD_OK;
}

/* Pieces are the loaded blocks, in block order. */
size_t objload_piece_count(const objload_session *s)
{
	return s && s->allocated ? s->g.nplaced : 0;
}

objload_status objload_get_piece(const objload_session *s, size_t index,
				 objload_piece_info *out)
{
	const lg_block *blk;

	if (!s || !out || index >= objload_piece_count(s))
		return OBJLOAD_ERR_ARGUMENT;
	blk = &s->g.blocks[s->g.placed[index]];
	memset(out, 0, sizeof(*out));
	out->kind = public_kind((lg_block_kind)blk->kind);
	out->name = lg_block_kind_name((lg_block_kind)blk->kind);
	out->image = SIZE_MAX;
	if (blk->kind == LG_SECTION) {
		const objload_image *img = s->images[blk->image];

		out->name = img->sections[blk->section].name;
		out->file = img->path;
		out->image = blk->image;
	}
	out->target = blk->target;
	out->size = blk->size;
	out->prot = blk->prot;
	out->segment = blk->segment;
	out->work = blk->work;
	return OBJLOAD_OK;
}

/* The branches the fixup pass sent through a stub. */
static size_t walk_jumps(const objload_session *s, objload_jump_info *out,
			 size_t max)
{
	const lg_graph *g = &s->g;
	size_t n = 0;

	if (!s->allocated || !s->arch)
		return 0;
	LG_FOR_EACH_LIVE_EDGE(g, b, e) {
		const lg_edge *ed = &g->edges[e];

		if (!(ed->flags & LG_EDGE_VIA_STUB))
			continue;
		if (n < max) {
			out[n].from = g->blocks[b].target + ed->offset;
			out[n].stub = g->blocks[ed->entry].target;
			out[n].to = lg_address(g, &g->nodes[ed->node].t);
		}
		n++;
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
