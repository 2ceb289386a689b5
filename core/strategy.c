/* SPDX-License-Identifier: MIT */
/*
 * Strategies, image by image, and dead-stripping.
 *
 * The strategy pass asks each image's plug-in how that image is to be
 * loaded: whole (its sections packed with the other whole images' into
 * one reservation, segments by protection) or section by section (each
 * section its own allocation, with the GOT entries and stubs of its own
 * fixups beside it).  The plug-in decides from facts about its file —
 * the core computes the format-neutral ones (objload_image_get_facts)
 * and the plug-in adds its own — and returns the strategy with a reason;
 * it may refuse a strategy the user forced, with the reason, and the link
 * stops there, before anything is mapped.  One link holds whole images
 * and per-section images side by side.
 *
 * Dead-stripping applies to per-section images only, and only when the
 * program declared what it needs (objload_keep; `objload run` keeps its
 * entry point): a section of such an image is loaded when something live
 * reaches it — a whole image (always loaded), a kept symbol, a
 * constructor table, or an edge of another live block.  A COMDAT group
 * lives or dies as one.  Unwind tables are kept with their image; their
 * pointers to code keep nothing alive (as linkers treat .eh_frame), their
 * other pointers (the LSDAs exceptions need) do.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/log.h"

/* ---- facts --------------------------------------------------------------- */

/* Per section, in objload_image_get_facts. */
enum {
	FACT_LOADED = 1,        /* its role is loaded */
	FACT_UNWIND = 2,        /* an unwind table */
	FACT_REFERENCED = 4,    /* another section or a constructor table
				   refers to it */
};

void objload_image_get_facts(const objload_image *img, objload_image_facts *out)
{
	const arch_ops *arch = arch_lookup(img->arch);
	uint8_t small[256], *sec;

	memset(out, 0, sizeof(*out));
	/* one byte per section, on the stack for all but the largest files */
	sec = img->nsections <= sizeof(small) ? small : malloc(img->nsections);
	if (!sec && img->nsections)
		return;   /* out of memory: no facts, so no reason to split */
	for (uint32_t j = 0; j < img->nsections; j++) {
		const objload_section *sc = &img->sections[j];

		sec[j] = 0;
		if (!core_role_loaded(sc->role))
			continue;
		sec[j] = FACT_LOADED | (sc->role == OBJLOAD_ROLE_UNWIND ? FACT_UNWIND : 0);
		out->sections++;
		out->bytes += sc->size;
		if (sc->role == OBJLOAD_ROLE_CODE) {
			out->code_sections++;
			out->code_bytes += sc->size;
		}
		if (sc->align > out->largest_align)
			out->largest_align = sc->align;
	}
	for (size_t e = 0; e < img->nedges; e++) {
		const objload_edge *ed = &img->edges[e];
		const objload_symbol *sym;
		const arch_kind *k;

		if (ed->symbol == OBJLOAD_NO_INDEX || !(sec[ed->section] & FACT_LOADED))
			continue;
		sym = &img->symbols[ed->symbol];
		if (sym->def == OBJLOAD_DEF_SECTION) {
			if (sym->section == ed->section)
				continue;   /* within one section: neither fact */
			if (!(sec[ed->section] & FACT_UNWIND))
				sec[sym->section] |= FACT_REFERENCED;
		}
		if (!arch || ed->kind >= arch->nkinds)
			continue;
		k = &arch->kinds[ed->kind];
		if (!k->width || k->range_bits >= 64 || (k->flags & (OBJLOAD_KF_GOT |
								      OBJLOAD_KF_GOTBASE |
								      OBJLOAD_KF_IMAGEBASE |
								      OBJLOAD_KF_SIZE)))
			continue;
		if (!(k->flags & (OBJLOAD_KF_PCREL | OBJLOAD_KF_SECTIONBASE)))
			continue;   /* absolute: a window, not a distance */
		if (k->flags & OBJLOAD_KF_STUB) {
			out->cross_section_branches++;
		} else {
			out->cross_section_direct++;
			if (!out->cross_example)
				out->cross_example = sym->name;
		}
	}
	for (uint32_t i = 0; i < img->ninits; i++)
		sec[img->inits[i].section] |= FACT_REFERENCED;
	for (uint32_t j = 0; j < img->nsections; j++) {
		const objload_section *sc = &img->sections[j];

		if (sec[j] != FACT_LOADED || !sc->size)
			continue;   /* not loaded, unwind, referenced or empty */
		out->isolated_sections++;
		out->isolated_bytes += sc->size;
		if (sc->role == OBJLOAD_ROLE_CODE) {
			out->isolated_code_sections++;
			out->isolated_code_bytes += sc->size;
		}
	}
	if (sec != small)
		free(sec);
}

/* ---- the strategy pass ----------------------------------------------------- */

/* A linked image (a shared library, an executable) is one area of its own,
 * laid out as its static linker laid it out (core/layout.c): the area's
 * own block is its lowest section. */
static void set_linked_area(objload_session *s, const objload_image *img)
{
	const core_image *ci = core_of(img);
	uint32_t head = OBJLOAD_NO_INDEX;

	for (uint32_t j = 0; j < img->nsections; j++)
		if (core_role_loaded(img->sections[j].role) &&
		    (head == OBJLOAD_NO_INDEX ||
		     img->sections[j].file_addr < img->sections[head - ci->block_base].file_addr))
			head = ci->block_base + j;
	for (uint32_t j = 0; j < img->nsections; j++) {
		s->g.blocks[ci->block_base + j].strategy = OBJLOAD_STRATEGY_WHOLE;
		s->g.blocks[ci->block_base + j].area = head;
	}
}

objload_status core_choose_strategies(objload_session *s)
{
	objload_plan_query q = {
		.placement_scatters = (s->mm->flags & OBJLOAD_MM_SCATTERS) != 0,
		.dead_strip = s->nkeeps > 0,
	};

	for (size_t i = 0; i < s->nimages; i++) {
		objload_image *img = s->images[i];
		core_image *ci = core_of(img);
		objload_status st;

		/* the session's strategy (objload_set_strategy) is a way to load
		 * relocatable objects; a linked image has one way only, and
		 * only a strategy forced on it as an input reaches its plug-in */
		q.forced = ci->forced != OBJLOAD_STRATEGY_AUTO ? ci->forced :
			img->kind == OBJLOAD_IMAGE_RELOCATABLE ? s->strategy : OBJLOAD_STRATEGY_AUTO;
		memset(&ci->choice, 0, sizeof(ci->choice));
		st = img->format->plan(img, &q, &ci->choice);
		if (st)
			return core_error(s, st, "%s: the %s plug-in refuses the %s strategy: %s",
					  img->path, img->format->name,
					  objload_strategy_name(q.forced),
					  ci->choice.reason ? ci->choice.reason : "no reason given");
		if (ci->choice.strategy != OBJLOAD_STRATEGY_WHOLE &&
		    ci->choice.strategy != OBJLOAD_STRATEGY_SECTION)
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: the %s plug-in chose no strategy",
					  img->path, img->format->name);
		if (q.forced != OBJLOAD_STRATEGY_AUTO && ci->choice.strategy != q.forced)
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: the %s plug-in answered %s when %s was forced",
					  img->path, img->format->name,
					  objload_strategy_name(ci->choice.strategy),
					  objload_strategy_name(q.forced));
		if (img->kind != OBJLOAD_IMAGE_RELOCATABLE &&
		    ci->choice.strategy != OBJLOAD_STRATEGY_WHOLE)
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: the %s plug-in chose %s for a linked image, whose "
					  "segments must keep the distances the static linker gave them",
					  img->path, img->format->name,
					  objload_strategy_name(ci->choice.strategy));
		ci->strategy = ci->choice.strategy;
		core_log(s, OBJLOAD_LOG_STRATEGY, "%s: %s (%s)", img->path,
			 objload_strategy_name(ci->strategy), ci->choice.reason ? ci->choice.reason : "");
		if (ci->strategy == OBJLOAD_STRATEGY_WHOLE)
			s->metrics.images_whole++;
		else
			s->metrics.images_section++;
		if (img->kind != OBJLOAD_IMAGE_RELOCATABLE) {
			set_linked_area(s, img);
			continue;
		}
		for (uint32_t j = 0; j < img->nsections; j++) {
			uint32_t b = ci->block_base + j;

			s->g.blocks[b].strategy = (uint8_t)ci->strategy;
			/* sections delimited by linker-defined bounds stay
			 * together in the shared area */
			s->g.blocks[b].area = ci->strategy == OBJLOAD_STRATEGY_SECTION &&
				s->g.blocks[b].cluster == OBJLOAD_NO_INDEX ? b : OBJLOAD_NO_INDEX;
		}
	}
	return OBJLOAD_OK;
}

objload_status objload_image_strategy(const objload_session *s, size_t index,
				      objload_strategy *strategy, const char **reason)
{
	const core_image *ci;

	if (!s || index >= s->nimages || !strategy)
		return OBJLOAD_ERR_ARGUMENT;
	ci = core_of(s->images[index]);
	if (!s->linked || (ci->strategy != OBJLOAD_STRATEGY_WHOLE &&
			   ci->strategy != OBJLOAD_STRATEGY_SECTION))
		return OBJLOAD_ERR_STATE;
	*strategy = ci->strategy;
	if (reason)
		*reason = ci->choice.reason ? ci->choice.reason : "";
	return OBJLOAD_OK;
}

/* A strategy a caller may still set: a known one, before the link. */
static objload_status check_strategy_setting(objload_session *s, objload_strategy st)
{
	if (st != OBJLOAD_STRATEGY_AUTO && st != OBJLOAD_STRATEGY_WHOLE &&
	    st != OBJLOAD_STRATEGY_SECTION)
		return core_error(s, OBJLOAD_ERR_ARGUMENT, "unknown strategy %d", st);
	if (s->linked)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is already linked");
	return OBJLOAD_OK;
}

objload_status objload_set_strategy(objload_session *s, objload_strategy st)
{
	objload_status rc;

	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	rc = check_strategy_setting(s, st);
	if (!rc)
		s->strategy = st;
	return rc;
}

objload_status objload_set_input_strategy(objload_session *s, objload_strategy st)
{
	objload_status rc;

	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	rc = check_strategy_setting(s, st);
	if (!rc)
		s->input_strategy = st;
	return rc;
}

/* ---- dead-stripping ---------------------------------------------------------- */

objload_status objload_keep(objload_session *s, const char *name)
{
	char **n;

	if (!s || !name || !*name)
		return s ? core_error(s, OBJLOAD_ERR_ARGUMENT, "objload_keep: no symbol name") :
			OBJLOAD_ERR_ARGUMENT;
	if (s->linked)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is already linked");
	n = realloc(s->keeps, (s->nkeeps + 1) * sizeof(*n));
	if (!n)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	s->keeps = n;
	n[s->nkeeps] = strdup(name);
	if (!n[s->nkeeps])
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	s->nkeeps++;
	return OBJLOAD_OK;
}

struct marker {
	uint8_t *live;
	uint32_t *stack;
	size_t n;
};

static void mark(objload_session *s, struct marker *m, uint32_t b)
{
	if (b == OBJLOAD_NO_INDEX || m->live[b] || s->g.blocks[b].drop)
		return;
	m->live[b] = 1;
	m->stack[m->n++] = b;
}

static void mark_target(objload_session *s, struct marker *m, uint32_t node)
{
	const lg_target *t;

	if (node == OBJLOAD_NO_INDEX)
		return;
	t = &s->g.nodes[node].t;
	if (t->where == LG_IN_BLOCK)
		mark(s, m, t->block);
}

/* Does node point into a code section? */
static int points_to_code(const objload_session *s, uint32_t node)
{
	const lg_target *t;
	const lg_block *b;

	if (node == OBJLOAD_NO_INDEX)
		return 0;
	t = &s->g.nodes[node].t;
	if (t->where != LG_IN_BLOCK)
		return 0;
	b = &s->g.blocks[t->block];
	return b->kind == LG_SECTION &&
	       s->images[b->image]->sections[b->section].role == OBJLOAD_ROLE_CODE;
}

/* Everything that must come along when block b is live. */
static void mark_companions(objload_session *s, struct marker *m, uint32_t b)
{
	const lg_block *blk = &s->g.blocks[b];

	if (blk->kind == LG_SECTION) {
		const objload_image *img = s->images[blk->image];
		uint32_t grp = img->sections[blk->section].group;
		uint32_t base = core_of(img)->block_base;

		if (grp != OBJLOAD_NO_INDEX)
			for (uint32_t k = 0; k < img->groups[grp].nmembers; k++)
				mark(s, m, base + img->groups[grp].members[k]);
	}
	/* a bounds marker brings every section it bounds; a member, the
	 * markers (which bring the rest) */
	if (blk->cluster != OBJLOAD_NO_INDEX) {
		const struct lg_cluster *c = &s->g.clusters[blk->cluster];

		if (blk->kind == LG_BOUNDS) {
			for (size_t k = 0; k < s->g.nblocks; k++)
				if (s->g.blocks[k].cluster == blk->cluster)
					mark(s, m, (uint32_t)k);
		} else {
			mark(s, m, c->first);
			mark(s, m, c->last);
		}
	}
}

objload_status core_dead_strip(objload_session *s)
{
	lg_graph *g = &s->g;
	struct marker m;
	int any_section = 0;

	for (size_t i = 0; i < s->nimages; i++)
		any_section |= core_of(s->images[i])->strategy == OBJLOAD_STRATEGY_SECTION;
	if (!s->nkeeps || !any_section)
		return OBJLOAD_OK;
	m.live = calloc(g->nblocks ? g->nblocks : 1, 1);
	m.stack = malloc((g->nblocks ? g->nblocks : 1) * sizeof(uint32_t));
	m.n = 0;
	if (!m.live || !m.stack) {
		free(m.live);
		free(m.stack);
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	}
	/* roots: whole images, constructor tables, unwind tables, kept names */
	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];
		const core_image *ci = core_of(img);

		for (uint32_t j = 0; j < img->nsections; j++)
			if (ci->strategy == OBJLOAD_STRATEGY_WHOLE ||
			    img->sections[j].role == OBJLOAD_ROLE_UNWIND)
				mark(s, &m, ci->block_base + j);
		for (uint32_t k = 0; k < img->ninits; k++)
			mark(s, &m, ci->block_base + img->inits[k].section);
	}
	for (size_t k = 0; k < s->nkeeps; k++) {
		lg_target t;
		objload_status st = core_global_target(s, s->keeps[k], &t);

		if (st) {
			free(m.live);
			free(m.stack);
			return st;
		}
		if (t.where == LG_IN_BLOCK)
			mark(s, &m, t.block);
	}
	while (m.n) {
		uint32_t b = m.stack[--m.n];
		const lg_block *blk = &g->blocks[b];
		int unwind;

		mark_companions(s, &m, b);
		unwind = blk->kind == LG_SECTION &&
			s->images[blk->image]->sections[blk->section].role == OBJLOAD_ROLE_UNWIND;
		for (uint32_t e = 0; e < blk->nedges; e++) {
			const lg_edge *ed = &g->edges[blk->first_edge + e];

			/* an unwind table's pointers to code keep nothing alive;
			 * its other pointers (the LSDAs in .gcc_except_table,
			 * the personality's slot) are what live code's
			 * exceptions need */
			if (unwind && points_to_code(s, ed->node))
				continue;
			mark_target(s, &m, ed->node);
			mark_target(s, &m, ed->sub);
		}
	}
	for (size_t b = 0; b < g->nblocks; b++) {
		lg_block *blk = &g->blocks[b];

		if (m.live[b] || blk->drop)
			continue;
		if (blk->kind == LG_SECTION && blk->strategy != OBJLOAD_STRATEGY_SECTION)
			continue;
		blk->drop = LG_DROP_DEAD;
		if (blk->kind == LG_SECTION && blk->size) {
			s->metrics.dead_sections++;
			s->metrics.dead_bytes += blk->size;
		}
	}
	free(m.live);
	free(m.stack);
	core_log(s, OBJLOAD_LOG_STRATEGY,
		 "dead-stripping: %" PRIu64 " sections (%" PRIu64 " bytes) nothing kept reaches are left out",
		 s->metrics.dead_sections, s->metrics.dead_bytes);
	return OBJLOAD_OK;
}
