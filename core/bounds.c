/* SPDX-License-Identifier: MIT */
/*
 * Linker-defined section bounds.
 *
 * Registration tables in real code are built by the linker: every object
 * puts entries in a section of one name, and the program walks them from
 * the first to the last through symbols the linker defines at the ends
 * (ELF: __start_SEC and __stop_SEC for a section whose name is a C
 * identifier; Mach-O: section$start$SEG$SECT and section$end$SEG$SECT).
 * The formats say which names those are (objload_format.section_bound).
 *
 * The first reference to such a name gathers every loaded section of
 * that name, from every image, into a cluster: two empty marker blocks
 * and the sections between them, which the layout places one after
 * another in the shared area (whatever strategy their images have), so
 * the start marker's address is the first entry and the end marker's is
 * one past the last.  As in the linkers, the bounds of a section that no
 * input has are left undefined.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

static objload_status new_cluster(objload_session *s, const char *section,
				  uint32_t *out)
{
	lg_graph *g = &s->g;
	struct lg_cluster *c;
	uint64_t align = 1;
	int prot = -1;
	uint32_t first, last, id;
	char *name;

	for (size_t b = 0; b < g->nblocks; b++) {
		const lg_block *blk = &g->blocks[b];

		if (blk->kind != LG_SECTION || blk->drop ||
		    strcmp(s->images[blk->image]->sections[blk->section].name, section) != 0)
			continue;
		if (prot >= 0 && prot != blk->prot)
			return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
					  "%s: section %s has another protection than the other sections of that name, "
					  "so linker-defined bounds cannot delimit them all",
					  s->images[blk->image]->path, section);
		prot = blk->prot;
		if (blk->align > align)
			align = blk->align;
	}
	if (prot < 0) {
		*out = OBJLOAD_NO_INDEX;   /* no such section: stays undefined */
		return OBJLOAD_OK;
	}
	if (lg_grow((void **)&g->clusters, &g->clusters_cap, g->nclusters, 1,
		    sizeof(*g->clusters)))
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	name = lg_alloc(s, strlen(section) + 1);
	if (!name)
		return OBJLOAD_ERR_NOMEM;
	strcpy(name, section);
	id = (uint32_t)g->nclusters;
	/* the start marker has the members' alignment, so it is where the
	 * first member goes */
	first = lg_new_block(s, LG_BOUNDS, 0, align, prot, OBJLOAD_NO_INDEX);
	last = lg_new_block(s, LG_BOUNDS, 0, 1, prot, OBJLOAD_NO_INDEX);
	if (first == OBJLOAD_NO_INDEX || last == OBJLOAD_NO_INDEX)
		return OBJLOAD_ERR_NOMEM;
	for (size_t b = 0; b < g->nblocks; b++) {
		lg_block *blk = &g->blocks[b];

		if (b == first || b == last ||
		    (blk->kind == LG_SECTION && !blk->drop &&
		     strcmp(s->images[blk->image]->sections[blk->section].name, section) == 0))
			blk->cluster = id;
	}
	c = &g->clusters[g->nclusters++];
	c->name = name;
	c->first = first;
	c->last = last;
	*out = id;
	return OBJLOAD_OK;
}

objload_status core_section_bound(objload_session *s, const char *name,
				  int *found, lg_target *out)
{
	char section[256];
	int is_end = 0, known = 0;
	uint32_t id = OBJLOAD_NO_INDEX;
	/* each format of the link is asked once, not once per image */
	const objload_format *asked[8];
	size_t nasked = 0;

	*found = 0;
	for (size_t i = 0; i < s->nimages && !known; i++) {
		const objload_format *f = s->images[i]->format;
		size_t k = 0;

		while (k < nasked && asked[k] != f)
			k++;
		if (k < nasked)
			continue;
		if (nasked < sizeof(asked) / sizeof(asked[0]))
			asked[nasked++] = f;
		known = f->section_bound &&
			f->section_bound(name, section, sizeof(section), &is_end);
	}
	if (!known)
		return OBJLOAD_OK;
	for (size_t c = 0; c < s->g.nclusters; c++)
		if (strcmp(s->g.clusters[c].name, section) == 0)
			id = (uint32_t)c;
	if (id == OBJLOAD_NO_INDEX) {
		objload_status st = new_cluster(s, section, &id);

		if (st || id == OBJLOAD_NO_INDEX)
			return st;
	}
	*out = (lg_target){
		.where = LG_IN_BLOCK,
		.block = is_end ? s->g.clusters[id].last : s->g.clusters[id].first,
	};
	*found = 1;
	return OBJLOAD_OK;
}
