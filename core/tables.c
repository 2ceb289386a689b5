/* SPDX-License-Identifier: MIT */
/*
 * Table passes: the GOT entries, stubs and host stand-ins a link needs,
 * made as blocks of the graph and found again by what they serve.
 *
 * GOT entries and stubs.  An edge whose kind reads a GOT slot (G) gets
 * the GOT entry of its target in its area: one LG_GOT block, eight zero
 * bytes and one pointer edge to the target, shared by every edge of the
 * area that loads the same target.  A branch that may not reach its
 * target — one that leaves its area: the host, a user definition, another
 * per-section area — gets the stub of (area, target, addend) for the
 * fixup pass to fall back on when the direct branch does not reach.  A
 * stub stands for S + A, not S: a branch into the middle of a function
 * (AArch64 section-relative calls) needs its own.  An area whose edges
 * use the GOT base gets an LG_GOT block that marks it.
 *
 * Host stand-ins.  Non-PIC code (narrow absolute fixups aimed into the
 * link) forces the link below 2 or 4 GiB, out of reach of the host's
 * libraries.  A static linker meets the same problem for a non-PIE
 * executable with copy relocations and canonical PLT entries, and so does
 * objload: a host function referenced by such a fixup is given a stub
 * inside the link that stands for its address (LG_CANONICAL), and a host
 * data object is copied into the link at load time (LG_HOSTCOPY: its
 * contents are the host object's bytes).  The copy is a snapshot: later
 * writes by the host to its own object are not seen (libc's stdin,
 * stdout and stderr pointers, the usual case, never change).  PIE code
 * (narrow PC-relative fixups aimed at host data) keeps the host's own
 * objects when one placement reaches them all, and takes copies too when
 * none does; a narrow PC-relative reference to host code (COFF's REL32
 * calls) then gets a stub.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "core/log.h"

/* A narrow fixup whose value depends on where its target is, and that
 * neither a stub nor a GOT slot serves. */
static int narrow_direct(const arch_kind *k)
{
	return k->width && k->range_bits < 64 && k->check != ARCH_CHECK_ANY &&
	       !(k->flags & (OBJLOAD_KF_GOT | OBJLOAD_KF_GOTBASE | OBJLOAD_KF_STUB |
			     OBJLOAD_KF_IMAGEBASE | OBJLOAD_KF_SECTIONBASE |
			     OBJLOAD_KF_SUB | OBJLOAD_KF_SIZE | OBJLOAD_KF_TLS));
}

static int narrow_absolute(const arch_kind *k)
{
	return narrow_direct(k) && !(k->flags & OBJLOAD_KF_PCREL);
}

/* Kinds the table pass makes something for. */
static int needs_table(const arch_kind *k)
{
	return (k->flags & (OBJLOAD_KF_GOTBASE | OBJLOAD_KF_GOT | OBJLOAD_KF_STUB)) != 0;
}

static int reads_got(const arch_kind *k)
{
	return (k->flags & OBJLOAD_KF_GOT) != 0;
}

static objload_status make_canonical(objload_session *s, global_sym *gs)
{
	uint32_t gi = (uint32_t)(gs - s->globals);
	arch_code code;
	uint32_t b = lg_new_block(s, LG_CANONICAL, s->arch->stub_size, s->arch->stub_align,
				  OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC, OBJLOAD_NO_INDEX);
	lg_target host = s->globals[gi].res;
	objload_status st;

	if (b == OBJLOAD_NO_INDEX)
		return OBJLOAD_ERR_NOMEM;
	s->g.blocks[b].section = gi;
	s->arch->stub(lg_block_bytes(s, b), &code);
	st = lg_add_pointer_edge(s, b, code.slot[0], s->arch->pointer_kind, &host, 0);
	if (st)
		return st;
	core_log_synthesized(s, b, &host, "a narrow reference needs the host function's address within reach");
	s->globals[gi].res = (lg_target){ .where = LG_IN_BLOCK, .block = b };
	return OBJLOAD_OK;
}

static objload_status make_host_copy(objload_session *s, global_sym *gs)
{
	uint32_t gi = (uint32_t)(gs - s->globals);
	uint32_t b = lg_new_block(s, LG_HOSTCOPY, gs->host_size, 16,
				  OBJLOAD_PROT_READ | OBJLOAD_PROT_WRITE, OBJLOAD_NO_INDEX);

	if (b == OBJLOAD_NO_INDEX)
		return OBJLOAD_ERR_NOMEM;
	s->g.blocks[b].section = gi;
	/* the copy pass copies the host object's bytes as they are then */
	s->g.blocks[b].bytes = (const uint8_t *)(uintptr_t)s->globals[gi].res.value;
	core_log_synthesized(s, b, &s->globals[gi].res,
			     "non-PIC code needs the host object below 2 GiB: a copy");
	s->globals[gi].res = (lg_target){ .where = LG_IN_BLOCK, .block = b };
	return OBJLOAD_OK;
}

/*
 * Can one placement of the link reach every host object that narrow
 * PC-relative fixups address directly (PIE code's `mov stdin(%rip)`)?
 * Not when they lie far apart: the executable keeps its own copies of
 * stdout and stderr (copy relocations) while stdin stays in libc, some
 * terabytes away.  The layout would then find no window: such a link
 * takes copies instead, as a linked executable does.
 */
static int host_data_reachable(const objload_session *s)
{
	const lg_graph *g = &s->g;
	const arch_kind *kinds = s->arch->kinds;
	uint64_t lo = 0, hi = UINT64_MAX;

	LG_FOR_EACH_LIVE_EDGE(g, b, e) {
		const lg_edge *ed = &g->edges[e];
		const arch_kind *k = &kinds[ed->kind];
		uint64_t reach, h;

		if (ed->node == OBJLOAD_NO_INDEX || !narrow_direct(k) ||
		    !(k->flags & OBJLOAD_KF_PCREL) || g->nodes[ed->node].t.where != LG_ABSOLUTE)
			continue;
		/* half the reach: the groups must reach each other too */
		reach = ((1ull << (k->range_bits - 1)) - (1ull << 16)) / 2;
		h = g->nodes[ed->node].t.value;
		if (h > reach && h - reach > lo)
			lo = h - reach;
		if (h < UINT64_MAX - reach && h + reach < hi)
			hi = h + reach;
		if (lo >= hi || hi - lo < (1ull << 28))
			return 0;
	}
	return 1;
}

objload_status core_plan_host_copies(objload_session *s)
{
	lg_graph *g = &s->g;
	const arch_kind *kinds = s->arch->kinds;
	uint32_t absolute = lg_kinds_where(kinds, s->arch->nkinds, narrow_absolute);
	uint32_t direct = lg_kinds_where(kinds, s->arch->nkinds, narrow_direct);
	int low = 0;

	LG_FOR_EACH_LIVE_EDGE_OF(g, b, e, absolute) {
		const lg_edge *ed = &g->edges[e];

		if (ed->node != OBJLOAD_NO_INDEX && narrow_absolute(&kinds[ed->kind]) &&
		    g->nodes[ed->node].t.where == LG_IN_BLOCK) {
			low = 1;
			break;
		}
	}
	/* one placement reaches every host object and function named
	 * narrowly: nothing to copy (on a Windows host the C runtime's DLLs
	 * and the program lie gigabytes apart, and never are) */
	if (!low && host_data_reachable(s))
		return OBJLOAD_OK;
	LG_FOR_EACH_LIVE_EDGE_OF(g, b, e, direct) {
		const lg_edge *ed = &g->edges[e];
		const lg_node *n;
		global_sym *gs;

		if (ed->node == OBJLOAD_NO_INDEX || !narrow_direct(&kinds[ed->kind]))
			continue;
		n = &g->nodes[ed->node];
		if (n->t.where != LG_ABSOLUTE || n->global == OBJLOAD_NO_INDEX)
			continue;
		gs = &s->globals[n->global];
		if (!gs->from_host || gs->host_copy || gs->host_canonical)
			continue;
		/* a narrow reference to host code gets a stub in the link
		 * (COFF's REL32 calls to the C runtime on a Windows host) */
		if (core_host_address_is_code(n->t.value))
			gs->host_canonical = 1;
		else if (core_host_object_size(n->t.value, gs->name, &gs->host_size))
			gs->host_copy = 1;
		/* else: unknown size, fails with a range error */
	}
	for (size_t gi = 0; gi < s->nglobals; gi++) {
		global_sym *gs = &s->globals[gi];
		objload_status st = OBJLOAD_OK;

		if (gs->host_canonical && gs->res.where == LG_ABSOLUTE)
			st = make_canonical(s, gs);
		else if (gs->host_copy && gs->res.where == LG_ABSOLUTE)
			st = make_host_copy(s, gs);
		if (st)
			return st;
	}
	/* every reference to such a symbol now goes to the stand-in */
	for (size_t k = 0; k < g->nnodes; k++) {
		lg_node *n = &g->nodes[k];
		const global_sym *gs;

		if (n->t.where != LG_ABSOLUTE || n->global == OBJLOAD_NO_INDEX)
			continue;
		gs = &s->globals[n->global];
		if (gs->host_copy || gs->host_canonical)
			n->t = gs->res;
	}
	return OBJLOAD_OK;
}

/* ---- GOT entries and stubs -------------------------------------------------- */

/* The area a block is placed in (NO_INDEX: the shared one). */
static uint32_t area_of(const lg_graph *g, uint32_t b)
{
	return g->blocks[b].area;
}

/* The area's GOT base block. */
static objload_status need_got_base(objload_session *s, uint32_t area)
{
	uint32_t *slot = area == OBJLOAD_NO_INDEX ? &s->g.shared_got_base :
		&s->g.blocks[area].got_base;
	uint32_t b;

	if (*slot != OBJLOAD_NO_INDEX)
		return OBJLOAD_OK;
	b = lg_new_block(s, LG_GOT, s->arch->pointer_size, s->arch->pointer_size,
			 OBJLOAD_PROT_READ, area);
	if (b == OBJLOAD_NO_INDEX)
		return OBJLOAD_ERR_NOMEM;
	slot = area == OBJLOAD_NO_INDEX ? &s->g.shared_got_base : &s->g.blocks[area].got_base;
	*slot = b;
	return OBJLOAD_OK;
}

/* A new entry block made for `key`: found by its identity from now on,
 * counted and traced. */
static objload_status register_entry(objload_session *s, const lg_entry_key *key,
				     uint32_t block, uint64_t *counter, const char *why)
{
	objload_status st = lg_put_entry(s, key, block);

	if (!st) {
		(*counter)++;
		core_log_synthesized(s, block, &key->target, why);
	}
	return st;
}

static objload_status need_got_entry(objload_session *s, uint32_t area,
				     const lg_target *t, uint32_t *out)
{
	lg_entry_key key = lg_key(LG_GOT, area, t);
	objload_status st;

	if (lg_find_entry(&s->g, &key, out))
		return OBJLOAD_OK;
	*out = lg_new_block(s, LG_GOT, s->arch->pointer_size, s->arch->pointer_size,
			    OBJLOAD_PROT_READ, area);
	if (*out == OBJLOAD_NO_INDEX)
		return OBJLOAD_ERR_NOMEM;
	st = lg_add_pointer_edge(s, *out, 0, s->arch->pointer_kind, t, 0);
	return st ? st : register_entry(s, &key, *out, &s->metrics.got_entries,
					"code loads its address from a GOT slot");
}

static objload_status need_stub(objload_session *s, uint32_t area,
				const lg_target *t, int64_t addend, uint32_t *out)
{
	lg_entry_key key = lg_key(LG_STUB, area, t);
	arch_code code;
	objload_status st;

	/* the stub jumps to S + A - bias: its identity is that address */
	key.addend = (int64_t)((uint64_t)addend - (uint64_t)s->arch->branch_addend_bias);
	if (lg_find_entry(&s->g, &key, out))
		return OBJLOAD_OK;
	*out = lg_new_block(s, LG_STUB, s->arch->stub_size, s->arch->stub_align,
			    OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC, area);
	if (*out == OBJLOAD_NO_INDEX)
		return OBJLOAD_ERR_NOMEM;
	s->arch->stub(lg_block_bytes(s, *out), &code);
	st = lg_add_pointer_edge(s, *out, code.slot[0], s->arch->pointer_kind, t, key.addend);
	return st ? st : register_entry(s, &key, *out, &s->metrics.stubs,
					"a branch to it may be out of reach");
}

/* Could a branch of block b to t be out of reach?  Within one area never
 * (an area is one allocation, or the whole-image reservation). */
static int may_be_far(const lg_graph *g, uint32_t b, const lg_target *t)
{
	if (t->where == LG_ABSOLUTE || t->where == LG_WEAK_ZERO)
		return 1;   /* a weak-zero call must still be encodable */
	return t->where == LG_IN_BLOCK && area_of(g, t->block) != area_of(g, b);
}

/* How many GOT entries early relaxation made unneeded: the distinct
 * (area, target) of relaxed edges that no other edge needed an entry for
 * (each counted once, under a key of its own table). */
static objload_status count_avoided(objload_session *s, size_t nblocks)
{
	uint32_t got_kinds = lg_kinds_where(s->arch->kinds, s->arch->nkinds, reads_got);

	if (!s->metrics.relaxed)
		return OBJLOAD_OK;   /* nothing relaxed early */
	for (size_t b = 0; b < nblocks; b++) {
		const lg_block *blk = &s->g.blocks[b];

		/* a relaxed edge was of a GOT kind, which stays in blk->kinds */
		if (blk->drop || !blk->nedges || !(blk->kinds & got_kinds))
			continue;
		for (uint32_t e = blk->first_edge; e < blk->first_edge + blk->nedges; e++) {
			const lg_edge *ed = &s->g.edges[e];
			lg_entry_key key;
			uint32_t dummy;
			objload_status st;

			if (!(ed->flags & LG_EDGE_RELAXED))
				continue;
			key = lg_key(LG_GOT, blk->area, &s->g.nodes[ed->node].t);
			if (lg_find_entry(&s->g, &key, &dummy))
				continue;
			key.table = LG_BLOCK_KIND_COUNT;   /* "relaxed away" */
			if (lg_find_entry(&s->g, &key, &dummy))
				continue;
			st = lg_put_entry(s, &key, OBJLOAD_NO_INDEX);
			if (st)
				return st;
			s->metrics.got_avoided++;
		}
	}
	return OBJLOAD_OK;
}

objload_status core_build_tables(objload_session *s)
{
	const arch_kind *kinds = s->arch->kinds;
	uint32_t table_kinds = lg_kinds_where(kinds, s->arch->nkinds, needs_table);
	size_t nblocks = s->g.nblocks;   /* the entries made here add none */

	for (size_t b = 0; b < nblocks; b++) {
		const lg_block *blk = &s->g.blocks[b];
		uint32_t first = blk->first_edge, n = blk->nedges;
		uint32_t area = blk->area;

		if (blk->drop || !n || !(blk->kinds & table_kinds))
			continue;
		for (uint32_t e = first; e < first + n; e++) {
			lg_edge *ed = &s->g.edges[e];
			uint32_t flags = kinds[ed->kind].flags;
			lg_target t;
			uint32_t entry;
			objload_status st;

			if (flags & OBJLOAD_KF_TLS)
				continue;   /* the tls pass made its entry */
			if (flags & (OBJLOAD_KF_GOTBASE | OBJLOAD_KF_GOT)) {
				st = need_got_base(s, area);
				if (st)
					return st;
			}
			if (ed->node == OBJLOAD_NO_INDEX)
				continue;
			t = s->g.nodes[ed->node].t;
			if (flags & OBJLOAD_KF_GOT) {
				st = need_got_entry(s, area, &t, &entry);
				if (st)
					return st;
				s->g.edges[e].entry = entry;
			} else if ((flags & OBJLOAD_KF_STUB) &&
				   may_be_far(&s->g, (uint32_t)b, &t)) {
				blk = &s->g.blocks[b];
				/* per-section stubs share their section's
				 * segment, which must then be executable */
				if (area != OBJLOAD_NO_INDEX && !(blk->prot & OBJLOAD_PROT_EXEC)) {
					const objload_image *img = s->images[blk->image];

					return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
							  "%s: section %s: a branch fixup outside code",
							  img->path, img->sections[blk->section].name);
				}
				st = need_stub(s, area, &t, ed->addend, &entry);
				if (st)
					return st;
				s->g.edges[e].entry = entry;
			}
		}
	}
	return count_avoided(s, nblocks);
}
