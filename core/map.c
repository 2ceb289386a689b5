/* SPDX-License-Identifier: MIT */
/*
 * The link map: where everything went, one line each,
 * "ADDRESS SIZE KIND NAME" with the target address in hex — every block
 * of the graph (sections as FILE(SECTION), and what objload made), then
 * every named symbol of every image, then the common symbols.
 */
#include <inttypes.h>
#include <stdio.h>

#include "core/core.h"

objload_status objload_write_map(objload_session *s, FILE *f)
{
	const lg_graph *g;

	if (!s || !f)
		return OBJLOAD_ERR_ARGUMENT;
	if (!s->allocated)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is not linked");
	g = &s->g;
	for (size_t b = 0; b < g->nblocks; b++) {
		const lg_block *blk = &g->blocks[b];

		if (blk->drop)
			continue;
		if (blk->kind == LG_SECTION) {
			const objload_image *img = s->images[blk->image];

			fprintf(f, "0x%016" PRIx64 " %" PRIu64 " section %s(%s)\n", blk->target,
				blk->size, img->path, img->sections[blk->section].name);
		} else if (blk->kind != LG_COMMON) {
			fprintf(f, "0x%016" PRIx64 " %" PRIu64 " %s\n", blk->target, blk->size,
				lg_block_kind_name((lg_block_kind)blk->kind));
		}
	}
	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];

		for (uint32_t j = 0; j < img->nsymbols; j++) {
			const objload_symbol *sym = &img->symbols[j];
			uint64_t a;

			if (!sym->name[0] || sym->type == OBJLOAD_SYM_SECTION ||
			    sym->type == OBJLOAD_SYM_FILE)
				continue;
			if (sym->def == OBJLOAD_DEF_SECTION) {
				a = core_section_target(s, (uint32_t)i, sym->section);
				if (!a)
					continue;
				a += sym->value;
			} else if (sym->def == OBJLOAD_DEF_ABSOLUTE) {
				a = sym->value;
			} else {
				continue;
			}
			fprintf(f, "0x%016" PRIx64 " %" PRIu64 " %s %s\n", a, sym->size,
				sym->binding == OBJLOAD_BIND_LOCAL ? "local" : "global", sym->name);
		}
	}
	for (size_t b = 0; b < g->nblocks; b++) {
		const lg_block *blk = &g->blocks[b];

		if (blk->kind == LG_COMMON && !blk->drop)
			fprintf(f, "0x%016" PRIx64 " %" PRIu64 " common %s\n", blk->target,
				s->globals[blk->section].common_size, s->globals[blk->section].name);
	}
	return OBJLOAD_OK;
}
