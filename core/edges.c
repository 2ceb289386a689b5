/* SPDX-License-Identifier: MIT */
/*
 * The edges pass: the plug-ins' relocations become edges of the graph.
 *
 * Every relocation of a loaded section becomes one lg_edge of that
 * section's block, pointing at the node of its symbol (already resolved),
 * with its kind and addend.  The edges of a block are stored together, in
 * the plug-in's order, so later passes walk a block's edges as a range.
 *
 * This is also where a reference is checked against what it reaches,
 * before anything is laid out or indexes an arch table with it:
 *   - a symbol in a section that is never loaded (a .symtab, a group
 *     section, a COFF .drectve, debug data) cannot be referenced from
 *     loaded code: objload would otherwise put address 0 there;
 *   - a thread-local definition used by a non-TLS relocation, or the
 *     other way round, is the mismatch GNU ld also rejects; a thread-local
 *     reference must reach a thread-local section of the loaded images
 *     (core/tls.c serves those, and no other);
 *   - a reference into a COMDAT group that lost its contest is an error,
 *     except from unwind tables, whose entries for discarded code are
 *     simply left out.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

static const char *role_word(objload_section_role role)
{
	switch (role) {
	case OBJLOAD_ROLE_TLS: return "thread-local";
	case OBJLOAD_ROLE_DEBUG: return "debugging information";
	case OBJLOAD_ROLE_NOLOAD: return "metadata";
	default: return "loaded";
	}
}

/* The image and symbol that define what node (i, j) reached, when it is
 * a definition in some image. */
static int node_definition(const objload_session *s, uint32_t i, uint32_t j,
			   uint32_t *di, uint32_t *dj)
{
	const objload_symbol *sym = &s->images[i]->symbols[j];
	const lg_node *n = &s->g.nodes[core_of(s->images[i])->node_base + j];

	if (sym->def == OBJLOAD_DEF_SECTION && (sym->binding == OBJLOAD_BIND_LOCAL ||
						!sym->cname)) {
		*di = i;
		*dj = j;
		return 1;
	}
	if (n->global != OBJLOAD_NO_INDEX && s->globals[n->global].strength >= 2) {
		*di = s->globals[n->global].image;
		*dj = s->globals[n->global].symbol;
		return 1;
	}
	return 0;
}

/* Is symbol j of image i thread-local? */
static int is_tls(const objload_session *s, uint32_t i, uint32_t j)
{
	const objload_image *img = s->images[i];
	const objload_symbol *sym = &img->symbols[j];

	return sym->type == OBJLOAD_SYM_TLS ||
	       (sym->def == OBJLOAD_DEF_SECTION &&
		img->sections[sym->section].role == OBJLOAD_ROLE_TLS);
}

/* "FILE: section S offset 0xO: RELOC against 'SYM'" for an image edge. */
static int image_edge_where(const objload_session *s, uint32_t i, size_t e,
			    char *buf, size_t len)
{
	const objload_image *img = s->images[i];
	const objload_edge *ed = &img->edges[e];
	const char *rn = img->format->reloc_name ?
		img->format->reloc_name(img, ed->native_type) : NULL;

	return snprintf(buf, len, "%s: section %s offset 0x%" PRIx64 ": %s against '%s'",
			img->path, img->sections[ed->section].name, ed->offset,
			rn ? rn : objload_kind_name(img->arch, ed->kind),
			core_symbol_display(img, ed->symbol));
}

/* Check one relocation's target; *skip = 1 when the edge is to be left
 * out.  `any_tls`: some image of the link defines something thread-local. */
static objload_status check_reference(objload_session *s, uint32_t i, size_t e,
				      int any_tls, int *skip)
{
	const objload_image *img = s->images[i];
	const objload_edge *ed = &img->edges[e];
	const lg_node *n;
	uint32_t di, dj;
	int tls_kind, tls_def;
	char where[512];

	*skip = 0;
	tls_kind = (s->arch->kinds[ed->kind].flags & OBJLOAD_KF_TLS) != 0;
	/* the arch's catch-all TLS kind: a thread-local form with no kind of
	 * its own (it writes nothing; the descriptor call marker is the other
	 * kind that writes nothing) */
	if (tls_kind && !s->arch->kinds[ed->kind].width &&
	    !(s->arch->kinds[ed->kind].flags & OBJLOAD_KF_TLSDESC)) {
		image_edge_where(s, i, e, where, sizeof(where));
		return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
				  "%s: thread-local storage in a form objload does not support", where);
	}
	if (ed->symbol == OBJLOAD_NO_INDEX) {
		if (!tls_kind)
			return OBJLOAD_OK;
		image_edge_where(s, i, e, where, sizeof(where));
		return core_error(s, OBJLOAD_ERR_FORMAT,
				  "%s: a thread-local relocation without a symbol", where);
	}
	n = &s->g.nodes[core_of(img)->node_base + ed->symbol];
	/* without thread-local definitions in the link, only a thread-local
	 * reference needs to know what it reached */
	if ((tls_kind || any_tls) && node_definition(s, i, ed->symbol, &di, &dj)) {
		const objload_image *dimg = s->images[di];
		const objload_symbol *dsym = &dimg->symbols[dj];

		tls_def = is_tls(s, di, dj);
		if (tls_def != tls_kind) {
			image_edge_where(s, i, e, where, sizeof(where));
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: %s definition of '%s' in %s section %s mismatches this %s reference",
					  where, tls_def ? "thread-local" : "non-thread-local",
					  dsym->name, dimg->path,
					  dsym->def == OBJLOAD_DEF_SECTION ?
					  dimg->sections[dsym->section].name : "(none)",
					  tls_kind ? "thread-local" : "non-thread-local");
		}
	} else if (tls_kind && !(n->t.where == LG_IN_BLOCK &&
				 s->g.blocks[n->t.block].kind == LG_SECTION &&
				 s->images[s->g.blocks[n->t.block].image]->sections[
					 s->g.blocks[n->t.block].section].role == OBJLOAD_ROLE_TLS)) {
		/* a host library's thread-local variable, a user definition,
		 * or an undefined weak one: objload has no block for it
		 * (_TLS_MODULE_BASE_ reaches a thread-local section) */
		image_edge_where(s, i, e, where, sizeof(where));
		return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
				  "%s: '%s' is not a thread-local variable of the loaded images; "
				  "objload reaches only the thread-local storage of what it loads",
				  where, core_symbol_display(img, ed->symbol));
	}
	if (n->t.where == LG_DISCARDED) {
		if (img->sections[ed->section].role == OBJLOAD_ROLE_UNWIND) {
			*skip = 1;   /* the unwind entry of discarded code */
			return OBJLOAD_OK;
		}
		image_edge_where(s, i, e, where, sizeof(where));
		return core_error(s, OBJLOAD_ERR_FORMAT,
				  "%s: refers to '%s' in a discarded COMDAT section",
				  where, core_symbol_display(img, ed->symbol));
	}
	if (n->t.where == LG_IN_BLOCK && s->g.blocks[n->t.block].drop == LG_DROP_NOLOAD) {
		const lg_block *b = &s->g.blocks[n->t.block];
		const objload_image *dimg = s->images[b->image];
		const objload_section *dsec = &dimg->sections[b->section];

		image_edge_where(s, i, e, where, sizeof(where));
		return core_error(s, OBJLOAD_ERR_FORMAT,
				  "%s: '%s' is defined in %s section %s (%s), which is never loaded",
				  where, core_symbol_display(img, ed->symbol), dimg->path,
				  dsec->name, role_word(dsec->role));
	}
	return OBJLOAD_OK;
}

/* The common case, which check_reference would pass without a word: not
 * thread-local on either side, to a target that is loaded.  `nodes`: the
 * image's symbols' nodes. */
static int plain_reference(const objload_session *s, const lg_node *nodes,
			   const objload_edge *ed, int any_tls)
{
	const lg_node *n;

	if (s->arch->kinds[ed->kind].flags & OBJLOAD_KF_TLS)
		return 0;
	if (ed->symbol == OBJLOAD_NO_INDEX)
		return 1;
	if (any_tls)
		return 0;
	n = &nodes[ed->symbol];
	return n->t.where != LG_DISCARDED &&
	       (n->t.where != LG_IN_BLOCK || s->g.blocks[n->t.block].drop != LG_DROP_NOLOAD);
}

/* Is edge ed of an image (its sections' blocks from `blocks`, its
 * symbols' nodes from `nodes`) left out of the graph?  Its section is not
 * loaded, or it is the unwind entry of discarded code (check_reference
 * let no other edge to a discarded target through). */
static int edge_left_out(const lg_block *blocks, const lg_node *nodes,
			 const objload_edge *ed)
{
	return blocks[ed->section].drop ||
	       (ed->symbol != OBJLOAD_NO_INDEX && nodes[ed->symbol].t.where == LG_DISCARDED);
}

static objload_status build_image_edges(objload_session *s, uint32_t i, int any_tls)
{
	objload_image *img = s->images[i];
	core_image *ci = core_of(img);
	uint32_t *count, first;
	size_t live = 0;
	objload_status st = OBJLOAD_OK;
	const lg_block *blocks;   /* the image's; lg_add_edges moves none */
	const lg_node *nodes;
	lg_edge *ge;

	count = calloc(img->nsections ? img->nsections : 1, sizeof(uint32_t));
	if (!count)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	/* (an image without sections or symbols may leave an array NULL) */
	blocks = s->g.blocks ? s->g.blocks + ci->block_base : NULL;
	nodes = s->g.nodes ? s->g.nodes + ci->node_base : NULL;
	/* which edges stay, and how many per section */
	for (size_t e = 0; e < img->nedges && !st; e++) {
		const objload_edge *ed = &img->edges[e];
		int skip = 0;

		if (blocks[ed->section].drop)
			continue;
		if (!plain_reference(s, nodes, ed, any_tls))
			st = check_reference(s, i, e, any_tls, &skip);
		if (st || skip)
			continue;
		count[ed->section]++;
		live++;
	}
	if (st || !live) {
		free(count);
		return st;
	}
	first = lg_add_edges(s, live);
	if (first == OBJLOAD_NO_INDEX) {
		free(count);
		return OBJLOAD_ERR_NOMEM;
	}
	/* each block's range, then each edge in its place */
	for (uint32_t j = 0, at = first; j < img->nsections; j++) {
		lg_block *b = &s->g.blocks[ci->block_base + j];

		b->first_edge = count[j] ? at : OBJLOAD_NO_INDEX;
		b->nedges = count[j];
		count[j] = at;   /* now the next free edge of section j */
		at += b->nedges;
	}
	for (size_t e = 0; e < img->nedges; e++) {
		const objload_edge *ed = &img->edges[e];

		if (edge_left_out(blocks, nodes, ed))
			continue;
		/* every field: lg_add_edges leaves new edges uninitialised */
		s->g.blocks[ci->block_base + ed->section].kinds |= lg_kind_bit(ed->kind);
		ge = &s->g.edges[count[ed->section]++];
		ge->offset = ed->offset;
		ge->addend = ed->addend;
		ge->block = ci->block_base + ed->section;
		ge->node = ed->symbol == OBJLOAD_NO_INDEX ? OBJLOAD_NO_INDEX :
			ci->node_base + ed->symbol;
		ge->sub = ed->subtrahend == OBJLOAD_NO_INDEX ? OBJLOAD_NO_INDEX :
			ci->node_base + ed->subtrahend;
		ge->entry = OBJLOAD_NO_INDEX;
		ge->origin = (uint32_t)e;
		ge->kind = ed->kind;
		ge->flags = 0;
	}
	free(count);
	return OBJLOAD_OK;
}

objload_status core_build_edges(objload_session *s)
{
	int any_tls = 0;
	size_t most = 0;

	for (size_t i = 0; i < s->nimages; i++) {
		any_tls |= core_of(s->images[i])->tls_defs;
		most += s->images[i]->nedges;
	}
	/* room for every relocation at once: the array is not copied as it
	 * grows image by image (pages past what is written are never
	 * touched) */
	if (lg_grow((void **)&s->g.edges, &s->g.edges_cap, s->g.nedges, most,
		    sizeof(lg_edge)))
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory for the link graph's edges");
	for (size_t i = 0; i < s->nimages; i++) {
		objload_status st = build_image_edges(s, (uint32_t)i, any_tls);

		if (st)
			return st;
	}
	return OBJLOAD_OK;
}
