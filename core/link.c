/* SPDX-License-Identifier: MIT */
/*
 * The link: a list of named passes over the link graph (core/graph.h).
 *
 *   resolve      bind every reference: archive members, the graph's
 *                blocks and nodes, COMDAT contests, the session, user
 *                definitions, runtime helpers, section bounds, the host;
 *                convention thunks and import slots   (core/symbols.c,
 *                                                       core/callconv.c)
 *   edges        relocations become edges, each checked against what it
 *                reaches                                (core/edges.c)
 *   strategy     each image's plug-in chooses, with a reason
 *   dead-strip   per-section images keep what the program needs
 *                                                       (core/strategy.c)
 *   host-copies  non-PIC stand-ins for host functions and data
 *   ifunc        every reference to an IFUNC sent to its canonical stub,
 *                which jumps through a slot             (core/ifunc.c)
 *   relax        GOT accesses to targets surely in reach made direct
 *                                                       (core/relax.c)
 *   tls          the thread-local template; pairs, descriptors, slots;
 *                initial- and local-exec accesses rewritten (core/tls.c)
 *   tables       GOT entries and stubs                  (core/tables.c)
 *   layout       segments, groups, windows              (core/layout.c)
 *   allocate     the memory manager places the groups
 *   copy         contents into place                    (core/fixup.c)
 *   relax-placed GOT accesses whose target landed in reach
 *   fixup        every edge through the arch's applier  (core/fixup.c)
 *   tls-template the relocated thread-local template, for the threads
 *   finalize     final protections, instruction cache
 *   ifunc-resolve  each IFUNC's resolver runs, its slot gets the answer
 *
 * Plug-ins and embedders add passes at five points between these
 * (objload_add_pass); each pass is timed into its phase's metrics and
 * into the session's pass log.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/archive.h"
#include "core/core.h"
#include "core/log.h"
#include "core/tls.h"
#include "os/os.h"

int core_role_loaded(objload_section_role role)
{
	switch (role) {
	case OBJLOAD_ROLE_CODE:
	case OBJLOAD_ROLE_RODATA:
	case OBJLOAD_ROLE_DATA:
	case OBJLOAD_ROLE_ZEROFILL:
	case OBJLOAD_ROLE_UNWIND:
	case OBJLOAD_ROLE_TLS:      /* read-only: the template (core/tls.c) */
		return 1;
	case OBJLOAD_ROLE_DEBUG:
	case OBJLOAD_ROLE_NOLOAD:
		return 0;
	}
	return 0;
}

int core_prot_of_role(objload_section_role role)
{
	switch (role) {
	case OBJLOAD_ROLE_CODE:
		return OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC;
	case OBJLOAD_ROLE_DATA:
	case OBJLOAD_ROLE_ZEROFILL:
		return OBJLOAD_PROT_READ | OBJLOAD_PROT_WRITE;
	default:
		return OBJLOAD_PROT_READ;
	}
}

/* ---- messages ------------------------------------------------------------ */

const char *core_reloc_display(const objload_session *s, const lg_edge *e,
			       char *buf, size_t len)
{
	const lg_block *blk = &s->g.blocks[e->block];
	const char *n = NULL;

	if (blk->kind == LG_SECTION && e->origin != OBJLOAD_NO_INDEX) {
		const objload_image *img = s->images[blk->image];

		if (img->format->reloc_name)
			n = img->format->reloc_name(img, img->edges[e->origin].native_type);
		if (!n) {
			snprintf(buf, len, "%s (type %u)", s->arch->kinds[e->kind].name,
				 img->edges[e->origin].native_type);
			return buf;
		}
		/* a relaxed edge shows both */
		if (e->flags & LG_EDGE_RELAXED)
			snprintf(buf, len, "%s (relaxed to %s)", n, s->arch->kinds[e->kind].name);
		else
			snprintf(buf, len, "%s", n);
		return buf;
	}
	snprintf(buf, len, "%s", s->arch->kinds[e->kind].name);
	return buf;
}

void core_edge_where(const objload_session *s, const lg_edge *e, char *buf,
		     size_t len)
{
	const lg_block *blk = &s->g.blocks[e->block];
	char rn[96];

	core_reloc_display(s, e, rn, sizeof(rn));
	if (blk->kind == LG_SECTION && e->origin != OBJLOAD_NO_INDEX) {
		const objload_image *img = s->images[blk->image];

		snprintf(buf, len, "%s: section %s offset 0x%" PRIx64 ": %s against '%s'",
			 img->path, img->sections[blk->section].name, e->offset, rn,
			 core_symbol_display(img, img->edges[e->origin].symbol));
		return;
	}
	snprintf(buf, len, "objload: the %s objload made, offset 0x%" PRIx64 ": %s",
		 lg_block_kind_name((lg_block_kind)blk->kind), e->offset, rn);
}

/* ---- the passes that are only a call ------------------------------------- */

static objload_status pass_allocate(objload_session *s, void *ctx)
{
	objload_metrics *m = &s->metrics;
	uint64_t page = os_page_size();
	size_t mappings = 0;
	char err[512];
	objload_status st;

	(void)ctx;
	st = core_check_mapped_limit(s, core_largest_file(s));
	if (st)
		return st;
	s->request.in_process = !s->link_only;
	s->request.zeroed = 0;   /* the manager sets it */
	err[0] = 0;
	st = s->mm->allocate(s->mm_ctx, &s->request, &mappings, err, sizeof(err));
	if (st)
		return core_error(s, st, "%s: memory manager %s: %s",
				  core_largest_file(s), s->mm->name, err);
	s->allocated = 1;
	m->mappings = mappings;
	m->allocations = s->request.ngroups;
	for (size_t g = 0; g < s->request.ngroups; g++)
		m->bytes_reserved += (s->request.groups[g].span + page - 1) & ~(page - 1);
	m->pages = m->bytes_reserved / page;
	return OBJLOAD_OK;
}

static objload_status pass_copy(objload_session *s, void *ctx)
{
	objload_status st;

	(void)ctx;
	st = core_copy_contents(s);
	if (!st)
		core_builtins_placed(s);
	return st;
}

static objload_status pass_finalize(objload_session *s, void *ctx)
{
	size_t protections = 0;
	char err[512];
	objload_status st;

	(void)ctx;
	err[0] = 0;
	st = s->mm->finalize(s->mm_ctx, &s->request, &protections, err, sizeof(err));
	s->metrics.protection_changes = protections;
	if (st)
		return core_error(s, st, "%s: memory manager %s: %s",
				  core_largest_file(s), s->mm->name, err);
	for (size_t g = 0; g < s->request.nsegments; g++)
		if (s->request.segments[g].prot & OBJLOAD_PROT_EXEC)
			s->arch->flush_icache(s->request.segments[g].work,
					      s->request.segments[g].size);
	return OBJLOAD_OK;
}

#define CALL_PASS(fn)							\
	static objload_status pass_##fn(objload_session *s, void *ctx)	\
	{								\
		(void)ctx;						\
		return core_##fn(s);					\
	}
CALL_PASS(resolve_symbols)
CALL_PASS(build_edges)
CALL_PASS(choose_strategies)
CALL_PASS(dead_strip)
CALL_PASS(plan_host_copies)
CALL_PASS(relax_early)
CALL_PASS(build_tables)
CALL_PASS(layout)
CALL_PASS(relax_placed)
CALL_PASS(apply_fixups)
CALL_PASS(tls_plan)
CALL_PASS(tls_finish)
CALL_PASS(ifunc_plan)
CALL_PASS(ifunc_resolve)
#undef CALL_PASS

/* The pipeline.  `after` is the point whose added passes run right after
 * this one (OBJLOAD_PASS_POINT_COUNT: none). */
static const struct core_step {
	core_pass pass;
	objload_pass_point after;
} pipeline[] = {
	{ { "resolve", OBJLOAD_PHASE_RESOLVE, pass_resolve_symbols, NULL }, OBJLOAD_PASS_POINT_COUNT },
	{ { "edges", OBJLOAD_PHASE_RESOLVE, pass_build_edges, NULL }, OBJLOAD_PASS_AFTER_RESOLVE },
	{ { "strategy", OBJLOAD_PHASE_PLAN, pass_choose_strategies, NULL }, OBJLOAD_PASS_POINT_COUNT },
	{ { "dead-strip", OBJLOAD_PHASE_PLAN, pass_dead_strip, NULL }, OBJLOAD_PASS_POINT_COUNT },
	{ { "host-copies", OBJLOAD_PHASE_PLAN, pass_plan_host_copies, NULL }, OBJLOAD_PASS_POINT_COUNT },
	{ { "ifunc", OBJLOAD_PHASE_PLAN, pass_ifunc_plan, NULL }, OBJLOAD_PASS_POINT_COUNT },
	{ { "relax", OBJLOAD_PHASE_PLAN, pass_relax_early, NULL }, OBJLOAD_PASS_POINT_COUNT },
	{ { "tls", OBJLOAD_PHASE_PLAN, pass_tls_plan, NULL }, OBJLOAD_PASS_POINT_COUNT },
	{ { "tables", OBJLOAD_PHASE_PLAN, pass_build_tables, NULL }, OBJLOAD_PASS_POINT_COUNT },
	{ { "layout", OBJLOAD_PHASE_PLAN, pass_layout, NULL }, OBJLOAD_PASS_AFTER_LAYOUT },
	{ { "allocate", OBJLOAD_PHASE_ALLOCATE, pass_allocate, NULL }, OBJLOAD_PASS_POINT_COUNT },
	{ { "copy", OBJLOAD_PHASE_COPY, pass_copy, NULL }, OBJLOAD_PASS_AFTER_ALLOCATE },
	{ { "relax-placed", OBJLOAD_PHASE_RELOCATE, pass_relax_placed, NULL }, OBJLOAD_PASS_POINT_COUNT },
	{ { "fixup", OBJLOAD_PHASE_RELOCATE, pass_apply_fixups, NULL }, OBJLOAD_PASS_POINT_COUNT },
	{ { "tls-template", OBJLOAD_PHASE_RELOCATE, pass_tls_finish, NULL }, OBJLOAD_PASS_AFTER_FIXUP },
	{ { "finalize", OBJLOAD_PHASE_FINALIZE, pass_finalize, NULL }, OBJLOAD_PASS_POINT_COUNT },
	{ { "ifunc-resolve", OBJLOAD_PHASE_FINALIZE, pass_ifunc_resolve, NULL }, OBJLOAD_PASS_AFTER_FINALIZE },
};

static objload_status run_pass(objload_session *s, const char *name,
			       objload_phase phase,
			       objload_status (*fn)(objload_session *, void *), void *ctx)
{
	uint64_t t0 = core_now_ns(), dt;
	objload_status st;

	st = fn(s, ctx);
	dt = core_now_ns() - t0;
	s->metrics.phase_ns[phase] += dt;
	if (s->npass_log < CORE_MAX_PASS_LOG) {
		s->pass_log[s->npass_log].name = name;
		s->pass_log[s->npass_log].ns = dt;
		s->npass_log++;
	}
	return st;
}

static objload_phase phase_of_point(objload_pass_point at)
{
	switch (at) {
	case OBJLOAD_PASS_AFTER_RESOLVE: return OBJLOAD_PHASE_RESOLVE;
	case OBJLOAD_PASS_AFTER_LAYOUT: return OBJLOAD_PHASE_PLAN;
	case OBJLOAD_PASS_AFTER_ALLOCATE: return OBJLOAD_PHASE_COPY;
	case OBJLOAD_PASS_AFTER_FIXUP: return OBJLOAD_PHASE_RELOCATE;
	default: return OBJLOAD_PHASE_FINALIZE;
	}
}

static void summarize_kinds(objload_session *s)
{
	objload_metrics *m = &s->metrics;

	m->nkinds = 0;
	for (unsigned k = 0; k < s->arch->nkinds && k < OBJLOAD_MAX_KIND_METRICS; k++) {
		if (!s->kind_count[k])
			continue;
		m->by_kind[m->nkinds].kind = s->arch->kinds[k].name;
		m->by_kind[m->nkinds++].count = s->kind_count[k];
	}
}

objload_status core_link(objload_session *s)
{
	objload_status st = OBJLOAD_OK;

	/* only archives: what the program needs (its entry point) may pull
	 * the first member, as ld's --entry does */
	if (!s->nimages && s->nkeeps)
		st = core_archive_load_members(s);
	if (st)
		return st;
	if (!s->nimages)
		return core_archive_nothing_to_link(s);
	/* one arch for the link, with an applier, checked before any pass
	 * indexes an arch's tables with an image's kinds */
	s->arch = arch_lookup(s->images[0]->arch);
	for (size_t i = 0; i < s->nimages; i++) {
		if (!arch_lookup(s->images[i]->arch))
			return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
					  "%s: no relocation applier for arch %s yet",
					  s->images[i]->path,
					  objload_arch_name(s->images[i]->arch));
		if (!s->link_only && s->images[i]->arch != core_host_arch())
			return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
					  "%s: %s code cannot run on this %s host; link it for a "
					  "target address instead (objload link --base)",
					  s->images[i]->path,
					  objload_arch_name(s->images[i]->arch),
					  objload_arch_name(core_host_arch()));
	}
	for (size_t p = 0; p < sizeof(pipeline) / sizeof(pipeline[0]) && !st; p++) {
		const struct core_step *step = &pipeline[p];

		st = run_pass(s, step->pass.name, step->pass.phase, step->pass.run, NULL);
		for (size_t u = 0; u < s->nuser_passes && !st; u++) {
			if (s->user_passes[u].at != step->after)
				continue;
			st = run_pass(s, s->user_passes[u].name, phase_of_point(step->after),
				      s->user_passes[u].fn, s->user_passes[u].ctx);
			if (st && !s->errmsg[0])
				core_error(s, st, "pass %s failed", s->user_passes[u].name);
		}
	}
	summarize_kinds(s);
	return st;
}

/* ---- the public entry points ------------------------------------------- */

/* The link's frame: one link per session, and what a failure leaves. */
static objload_status begin_link(objload_session *s)
{
	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if (s->linked)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is already linked");
	s->linked = 1;
	s->errmsg[0] = 0;
	return OBJLOAD_OK;
}

static objload_status end_link(objload_session *s, objload_status st)
{
	s->link_ok = st == OBJLOAD_OK;
	if (st)
		core_log_link_failed(s);
	return st;
}

objload_status objload_link(objload_session *s)
{
	objload_status st = begin_link(s);

	if (st)
		return st;
	st = core_link(s);
	if (!st) {
		/* objload compare's child reports its figures at this line:
		 * it must come before any loaded code runs */
		core_log(s, OBJLOAD_LOG_RUN, "calling the constructors of %zu images", s->nimages);
		st = core_run_constructors(s);
	}
	return end_link(s, st);
}

objload_status objload_link_at(objload_session *s, uint64_t base)
{
	objload_status st = begin_link(s);

	if (st)
		return st;
	s->link_only = 1;
	s->link_base = base;
	s->mm = &core_target_manager;
	s->mm_ctx = s;
	return end_link(s, core_link(s));
}

objload_status objload_set_relax(objload_session *s, int enabled)
{
	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if (s->linked)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is already linked");
	s->relax = enabled != 0;
	return OBJLOAD_OK;
}

objload_status objload_add_pass(objload_session *s, objload_pass_point at,
				const char *name, objload_pass_fn fn, void *ctx)
{
	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if (!fn || !name || (unsigned)at >= OBJLOAD_PASS_POINT_COUNT)
		return core_error(s, OBJLOAD_ERR_ARGUMENT,
				  "objload_add_pass: a pass needs a name, a function and a point");
	if (s->linked)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is already linked");
	if (s->nuser_passes == CORE_MAX_USER_PASSES)
		return core_error(s, OBJLOAD_ERR_NOMEM, "more than %d passes added",
				  CORE_MAX_USER_PASSES);
	s->user_passes[s->nuser_passes].at = at;
	s->user_passes[s->nuser_passes].name = name;
	s->user_passes[s->nuser_passes].fn = fn;
	s->user_passes[s->nuser_passes].ctx = ctx;
	s->nuser_passes++;
	return OBJLOAD_OK;
}

objload_status objload_set_error(objload_session *s, objload_status status,
				 const char *message)
{
	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	return core_error(s, status, "%s", message ? message : "");
}

size_t objload_pass_count(const objload_session *s)
{
	return s ? s->npass_log : 0;
}

objload_status objload_get_pass(const objload_session *s, size_t index,
				const char **name, uint64_t *ns)
{
	if (!s || index >= s->npass_log)
		return OBJLOAD_ERR_ARGUMENT;
	if (name)
		*name = s->pass_log[index].name;
	if (ns)
		*ns = s->pass_log[index].ns;
	return OBJLOAD_OK;
}

/* ---- views of a finished link -------------------------------------------- */

uint64_t core_section_target(const objload_session *s, uint32_t image,
			     uint32_t section)
{
	const lg_block *b;

	if (!s->allocated || image >= s->nimages ||
	    section >= s->images[image]->nsections)
		return 0;
	b = &s->g.blocks[core_of(s->images[image])->block_base + section];
	return b->drop ? 0 : b->target;
}

void *core_section_work(const objload_session *s, uint32_t image,
			uint32_t section)
{
	const lg_block *b;

	if (!s->allocated || image >= s->nimages ||
	    section >= s->images[image]->nsections)
		return NULL;
	b = &s->g.blocks[core_of(s->images[image])->block_base + section];
	return b->drop ? NULL : b->work;
}

uint64_t core_symbol_target(objload_session *s, uint32_t image, uint32_t symbol)
{
	const objload_image *img;
	const objload_symbol *sym;
	const lg_node *n;

	if (!s->allocated || image >= s->nimages)
		return 0;
	img = s->images[image];
	if (symbol >= img->nsymbols)
		return 0;
	sym = &img->symbols[symbol];
	n = core_node(s, image, symbol);
	if (n->t.where == LG_IN_BLOCK)
		return s->g.blocks[n->t.block].drop ? 0 : lg_address(&s->g, &n->t);
	if (n->t.where == LG_ABSOLUTE)
		return n->t.value;
	if (sym->def == OBJLOAD_DEF_SECTION) {
		uint64_t base = core_section_target(s, image, sym->section);

		return base ? base + sym->value : 0;
	}
	if (sym->def == OBJLOAD_DEF_ABSOLUTE)
		return sym->value;
	return 0;
}
