/* SPDX-License-Identifier: MIT */
/*
 * Symbol resolution.
 *
 * Every global or weak symbol is known to the session by its C-level name
 * (objload_symbol.cname: the plug-in has already undone its format's
 * decoration), so an ELF object's `foo` and a Mach-O object's `_foo` are
 * one symbol.  A reference is resolved in this order:
 *
 *   1. images in the session: strong over weak over common (common blocks
 *      merge to the largest size and alignment); two strong definitions
 *      are an error; of several COMDAT groups with one key the first
 *      loaded wins and the others' sections are discarded;
 *   2. the user's definitions (objload_define, --define);
 *   3. archive members, loaded on demand before anything is resolved
 *      (core/archive.c): a member that defines a referenced symbol that
 *      neither 1 nor 2 defines joins the images of 1;
 *   4. objload's runtime helpers (atexit, __dso_handle: see runtime.c);
 *   5. the host process: its global scope, the shared libraries -l
 *      opened for the session, then its math library;
 *   6. an undefined weak reference becomes 0.
 *
 * Only symbols that some relocation references are resolved; whatever is
 * left unresolved is reported in one error listing every name.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/archive.h"
#include "core/core.h"
#include "core/libsearch.h"
#include "core/log.h"
#include "core/rt.h"
#include "core/tls.h"
#include "os/os.h"

/* A linked image's definitions (a shared library's exports) count as
 * weak: an object's definition interposes them, as an executable's does
 * a library's, and of two libraries the first loaded wins. */
static int strength_of(const objload_image *img, const objload_symbol *sym)
{
	if (sym->def == OBJLOAD_DEF_COMMON)
		return 1;
	if (sym->binding == OBJLOAD_BIND_WEAK || img->kind != OBJLOAD_IMAGE_RELOCATABLE)
		return 2;
	return 3;
}

static objload_status global_entry(objload_session *s, const char *name,
				   uint32_t *out)
{
	global_sym *g;
	int found;

	if (lg_grow((void **)&s->globals, &s->globals_cap, s->nglobals, 1, sizeof(*s->globals)))
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	/* one hash: find the name, or enter it as the next entry */
	found = hashmap_intern_str(&s->global_index, name, (uint32_t)s->nglobals, out);
	if (found < 0)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	if (found)
		return OBJLOAD_OK;
	g = &s->globals[s->nglobals];
	memset(g, 0, sizeof(*g));
	g->name = name;
	g->image = g->symbol = OBJLOAD_NO_INDEX;
	s->nglobals++;
	return OBJLOAD_OK;
}

static uint64_t group_size(const objload_image *img, const objload_group *g)
{
	uint64_t n = 0;

	for (uint32_t m = 0; m < g->nmembers; m++)
		n += img->sections[g->members[m]].size;
	return n;
}

/* Same sections, sizes and bytes, in order. */
static int group_contents_equal(const objload_image *a, const objload_group *ga,
				const objload_image *b, const objload_group *gb)
{
	if (ga->nmembers != gb->nmembers)
		return 0;
	for (uint32_t m = 0; m < ga->nmembers; m++) {
		const objload_section *x = &a->sections[ga->members[m]];
		const objload_section *y = &b->sections[gb->members[m]];

		if (x->size != y->size || strcmp(x->name, y->name) != 0 ||
		    (x->bytes == NULL) != (y->bytes == NULL) ||
		    (x->bytes && memcmp(x->bytes, y->bytes, x->size) != 0))
			return 0;
	}
	return 1;
}

static void discard_group(objload_session *s, objload_image *img,
			  const objload_group *g)
{
	uint32_t base = core_of(img)->block_base;

	for (uint32_t m = 0; m < g->nmembers; m++)
		s->g.blocks[base + g->members[m]].drop = LG_DROP_COMDAT;
}

/*
 * COMDAT groups of one key: the first loaded wins, unless a selection
 * says otherwise (COFF): NODUPLICATES makes a second one an error,
 * SAME_SIZE and EXACT_MATCH make a different one an error, LARGEST keeps
 * the largest.  The losers' sections are discarded.
 */
static objload_status discard_comdat_losers(objload_session *s)
{
	hashmap seen = { 0 };
	objload_status st = OBJLOAD_OK;

	for (size_t i = 0; i < s->nimages && st == OBJLOAD_OK; i++) {
		objload_image *img = s->images[i];

		for (uint32_t g = 0; g < img->ngroups && st == OBJLOAD_OK; g++) {
			const objload_group *grp = &img->groups[g];
			objload_image *wimg;
			const objload_group *win;
			uint32_t w;

			if (!hashmap_get_str(&seen, grp->key, &w)) {
				/* the winner: image in the high half, group low */
				if (hashmap_put_str(&seen, grp->key, (uint32_t)(i << 16 | g)) ||
				    i > 0xffff || g > 0xffff)
					st = core_error(s, OBJLOAD_ERR_NOMEM,
							"too many COMDAT groups or images");
				continue;
			}
			wimg = s->images[w >> 16];
			win = &wimg->groups[w & 0xffff];
			if (grp->select == OBJLOAD_COMDAT_NODUPLICATES ||
			    win->select == OBJLOAD_COMDAT_NODUPLICATES) {
				st = core_error(s, OBJLOAD_ERR_DUPLICATE,
						"%s: COMDAT '%s' is already defined by %s and may not be duplicated",
						img->path, grp->key, wimg->path);
			} else if (grp->select == OBJLOAD_COMDAT_SAME_SIZE &&
				   group_size(img, grp) != group_size(wimg, win)) {
				st = core_error(s, OBJLOAD_ERR_DUPLICATE,
						"%s: COMDAT '%s' has size %llu, but %s defines it with size %llu",
						img->path, grp->key,
						(unsigned long long)group_size(img, grp), wimg->path,
						(unsigned long long)group_size(wimg, win));
			} else if (grp->select == OBJLOAD_COMDAT_EXACT_MATCH &&
				   !group_contents_equal(img, grp, wimg, win)) {
				st = core_error(s, OBJLOAD_ERR_DUPLICATE,
						"%s: COMDAT '%s' differs from the one %s defines",
						img->path, grp->key, wimg->path);
			} else if (grp->select == OBJLOAD_COMDAT_LARGEST &&
				   group_size(img, grp) > group_size(wimg, win)) {
				discard_group(s, wimg, win);
				if (hashmap_put_str(&seen, grp->key, (uint32_t)(i << 16 | g)))
					st = core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
			} else {
				discard_group(s, img, grp);
			}
		}
	}
	hashmap_free(&seen);
	return st;
}

static objload_status collect_definitions(objload_session *s)
{
	for (size_t i = 0; i < s->nimages; i++) {
		objload_image *img = s->images[i];
		core_image *ci = core_of(img);

		for (uint32_t j = 0; j < img->nsymbols; j++) {
			const objload_symbol *sym = &img->symbols[j];
			global_sym *g;
			uint32_t gi;
			int strength;
			objload_status st;

			if (!sym->cname || sym->binding == OBJLOAD_BIND_LOCAL ||
			    sym->def == OBJLOAD_DEF_UNDEFINED)
				continue;
			if (sym->def == OBJLOAD_DEF_SECTION &&
			    s->g.blocks[ci->block_base + sym->section].drop == LG_DROP_COMDAT)
				continue;
			st = global_entry(s, sym->cname, &gi);
			if (st)
				return st;
			/* resolve_reference starts from this entry: one hash
			 * per symbol, not two */
			s->g.nodes[ci->node_base + j].global = gi;
			g = &s->globals[gi];
			strength = strength_of(img, sym);
			if (strength == 1 && g->strength == 1) {
				/* common + common: one block, largest of both */
				if (sym->size > g->common_size)
					g->common_size = sym->size;
				if (sym->value > g->common_align)
					g->common_align = sym->value;
				continue;
			}
			if (strength == 3 && g->strength == 3)
				return core_error(s, OBJLOAD_ERR_DUPLICATE,
						  "%s: symbol '%s' is already defined by %s",
						  img->path, sym->cname,
						  s->images[g->image]->path);
			if (strength <= g->strength)
				continue;
			g->strength = (uint8_t)strength;
			g->image = (uint32_t)i;
			g->symbol = j;
			g->hidden = sym->hidden != 0;
			if (strength == 1) {
				g->common_size = sym->size;
				g->common_align = sym->value ? sym->value : 1;
			}
		}
	}
	return OBJLOAD_OK;
}

static void *host_lookup(objload_session *s, const char *name)
{
	void *p;

	p = os_host_symbol(name);
	if (p)
		return p;
	p = core_libs_lookup(s, name);
	if (p)
		return p;
	if (!s->libm && os_libm_name())
		s->libm = os_lib_open(os_libm_name(), OS_LIB_LAZY, NULL, 0);
	if (s->libm) {
		p = os_lib_symbol(s->libm, name);
		if (p)
			return p;
	}
	return NULL;
}

/* A definition in section `section` of image `image` at `value`. */
static lg_target in_section(const objload_session *s, uint32_t image,
			    uint32_t section, uint64_t value)
{
	lg_target t = { .where = LG_IN_BLOCK, .value = value };

	t.block = core_of(s->images[image])->block_base + section;
	if (s->g.blocks[t.block].drop == LG_DROP_COMDAT)
		t.where = LG_DISCARDED;
	return t;
}

/* Storage for a common symbol: a zero-fill block of its own. */
static objload_status common_block(objload_session *s, global_sym *g)
{
	uint32_t b = lg_new_block(s, LG_COMMON, g->common_size ? g->common_size : 1,
				  g->common_align, OBJLOAD_PROT_READ | OBJLOAD_PROT_WRITE,
				  OBJLOAD_NO_INDEX);

	if (b == OBJLOAD_NO_INDEX)
		return OBJLOAD_ERR_NOMEM;
	s->g.blocks[b].section = (uint32_t)(g - s->globals);
	g->res = (lg_target){ .where = LG_IN_BLOCK, .block = b, .value = 0 };
	return OBJLOAD_OK;
}

/* How many aliases a name may go through before the chain is taken for
 * a cycle. */
#define CORE_MAX_ALIAS_DEPTH 16

/*
 * An alias (a PE DLL's forwarded export) stands for another C-level name:
 * from the name *gi, whose winning definition may be one, follow the
 * chain to the first name that is not (which may be defined anywhere: an
 * image, the bridge, the host).  A chain longer than
 * CORE_MAX_ALIAS_DEPTH is refused as a cycle.
 */
static objload_status follow_alias(objload_session *s, uint32_t *gi)
{
	for (int depth = 0;; depth++) {
		const global_sym *g = &s->globals[*gi];
		const objload_image *img;
		const objload_symbol *sym;
		objload_status st;

		if (g->strength < 2)
			return OBJLOAD_OK;
		img = s->images[g->image];
		sym = &img->symbols[g->symbol];
		if (sym->def != OBJLOAD_DEF_ALIAS)
			return OBJLOAD_OK;
		if (depth == CORE_MAX_ALIAS_DEPTH)
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: '%s' is forwarded to '%s' through more than %d "
					  "aliases: they form a cycle", img->path, g->name,
					  sym->alternate, CORE_MAX_ALIAS_DEPTH);
		st = global_entry(s, sym->alternate, gi);   /* may move globals */
		if (st)
			return st;
	}
}

static objload_status resolve_global(objload_session *s, uint32_t gi, int weak_ref);

/* A name whose definition is an alias: resolved as the name it stands
 * for. */
static objload_status resolve_alias(objload_session *s, uint32_t gi, int weak_ref)
{
	uint32_t to = gi;
	objload_status st = follow_alias(s, &to);
	global_sym *g;

	if (!st)
		st = resolve_global(s, to, weak_ref);
	if (st)
		return st;
	g = &s->globals[gi];
	g->res = s->globals[to].res;
	g->resolved = s->globals[to].resolved;
	g->from_host = s->globals[to].from_host;
	g->unresolved = s->globals[to].unresolved;
	return OBJLOAD_OK;
}

/* Resolve a global entry (once); `weak_ref` says whether the reference
 * that asks may stay undefined. */
static objload_status resolve_global(objload_session *s, uint32_t gi, int weak_ref)
{
	global_sym *g = &s->globals[gi];
	builtin_id bid;
	void *addr;

	if (g->resolved)
		return OBJLOAD_OK;
	if (g->strength >= 2 &&
	    s->images[g->image]->symbols[g->symbol].def == OBJLOAD_DEF_ALIAS)
		return resolve_alias(s, gi, weak_ref);
	if (g->strength) {
		const objload_image *img = s->images[g->image];
		const objload_symbol *sym = &img->symbols[g->symbol];

		g->resolved = 1;
		if (g->strength == 1)
			return common_block(s, g);
		if (sym->def == OBJLOAD_DEF_ABSOLUTE)
			g->res = (lg_target){ .where = LG_ABSOLUTE, .value = sym->value };
		else
			g->res = in_section(s, g->image, sym->section, sym->value);
		return OBJLOAD_OK;
	}
	for (size_t i = 0; i < s->ndefines; i++) {
		if (strcmp(s->defines[i].name, g->name) == 0) {
			g->res = (lg_target){ .where = LG_ABSOLUTE,
					      .value = s->defines[i].address };
			g->resolved = 1;
			return OBJLOAD_OK;
		}
	}
	if (core_tls_module_base(s, g->name, &g->res)) {
		g->resolved = 1;
		return OBJLOAD_OK;
	}
	if (!s->link_only && core_builtin_lookup(g->name, &bid)) {
		g->resolved = 1;
		return core_builtin_target(s, bid, &g->res);
	}
	{
		int bound = 0;
		objload_status st = core_section_bound(s, g->name, &bound, &g->res);

		if (st || bound) {
			g->resolved = bound;
			return st;
		}
	}
	if (s->host_lookup && !s->link_only && (addr = host_lookup(s, g->name)) != NULL) {
		g->res = (lg_target){ .where = LG_ABSOLUTE, .value = (uint64_t)(uintptr_t)addr };
		g->resolved = 1;
		g->from_host = 1;
		return OBJLOAD_OK;
	}
	if (weak_ref) {
		/* Stays open: a later strong reference must still fail. */
		g->res = (lg_target){ .where = LG_WEAK_ZERO };
		return OBJLOAD_OK;
	}
	g->unresolved = 1;
	return OBJLOAD_OK;
}

static int is_user_defined(const objload_session *s, const char *name)
{
	for (size_t i = 0; i < s->ndefines; i++)
		if (strcmp(s->defines[i].name, name) == 0)
			return 1;
	return 0;
}

static objload_status resolve_reference(objload_session *s, uint32_t ii,
					uint32_t j)
{
	objload_image *img = s->images[ii];
	const objload_symbol *sym = &img->symbols[j];
	lg_node *n = core_node(s, ii, j);
	objload_status st;

	if (n->t.where != LG_UNRESOLVED)
		return OBJLOAD_OK;
	if (sym->cname && sym->binding != OBJLOAD_BIND_LOCAL) {
		/* collect_definitions left the entry of a definition here */
		uint32_t gi = n->global, alias_of;
		global_sym *g;
		void *bridged;

		n->global = OBJLOAD_NO_INDEX;
		if (gi == OBJLOAD_NO_INDEX) {
			st = global_entry(s, sym->cname, &gi);
			if (st)
				return st;
			n = core_node(s, ii, j);
		}
		/* a forwarded export binds to what it stands for */
		alias_of = gi;
		st = follow_alias(s, &gi);
		if (st)
			return st;
		n = core_node(s, ii, j);
		g = &s->globals[gi];
		/* an alternate name (COFF) stands in when nothing in the
		 * session and no user definition defines the name itself */
		if (!g->strength && sym->alternate && !is_user_defined(s, sym->cname)) {
			uint32_t ai;

			st = global_entry(s, sym->alternate, &ai);
			if (st)
				return st;
			if (s->globals[ai].strength) {
				st = resolve_global(s, ai, 0);
				if (st)
					return st;
				n = core_node(s, ii, j);
				n->t = s->globals[ai].res;
				n->global = ai;
				return core_adapt_reference(s, ii, j, n);
			}
		}
		/* an image of another convention asks its bridge before the
		 * host: wrappers of the host's C library in its convention */
		g = &s->globals[gi];
		if (!g->strength && !s->link_only && !is_user_defined(s, sym->cname) &&
		    (bridged = core_bridged_host_symbol(s, img->callconv, sym->cname))) {
			n->t = (lg_target){ .where = LG_ABSOLUTE,
					    .value = (uint64_t)(uintptr_t)bridged };
			core_log_bridged(s, ii, sym->cname, bridged);
			return core_adapt_reference(s, ii, j, n);
		}
		/* or names a host function the host has under another name */
		if (!g->strength && !s->link_only && !is_user_defined(s, sym->cname)) {
			const char *host_name = core_bridged_host_name(img->callconv, sym->cname);

			if (host_name) {
				st = global_entry(s, host_name, &gi);
				if (st)
					return st;
				n = core_node(s, ii, j);
			}
		}
		st = resolve_global(s, gi, sym->binding == OBJLOAD_BIND_WEAK &&
					   sym->def == OBJLOAD_DEF_UNDEFINED);
		if (st)
			return st;
		g = &s->globals[gi];
		n = core_node(s, ii, j);
		if (g->unresolved && alias_of != gi)
			return core_error(s, OBJLOAD_ERR_UNDEFINED,
					  "%s: '%s' is forwarded by %s to '%s', which nothing defines",
					  img->path, sym->cname,
					  s->images[s->globals[alias_of].image]->path, g->name);
		if (g->unresolved)
			return OBJLOAD_OK;   /* reported with the others */
		n->t = g->resolved ? g->res : (lg_target){ .where = LG_WEAK_ZERO };
		n->global = gi;
		if (sym->def == OBJLOAD_DEF_UNDEFINED)
			core_log_binding(s, ii, sym->cname, g);
		return core_adapt_reference(s, ii, j, n);
	}
	switch (sym->def) {
	case OBJLOAD_DEF_SECTION:
		n->t = in_section(s, ii, sym->section, sym->value);
		break;
	case OBJLOAD_DEF_ABSOLUTE:
		n->t = (lg_target){ .where = LG_ABSOLUTE, .value = sym->value };
		break;
	case OBJLOAD_DEF_UNDEFINED:
	case OBJLOAD_DEF_COMMON:
	case OBJLOAD_DEF_ALIAS:
		/* a local common or undefined symbol without a name to look up */
		return core_error(s, OBJLOAD_ERR_FORMAT,
				  "%s: local symbol %u (%s) is undefined",
				  img->path, j, sym->name);
	}
	return core_adapt_reference(s, ii, j, n);
}

static objload_status report_unresolved(objload_session *s)
{
	char *p = s->errmsg, *end = s->errmsg + sizeof(s->errmsg);
	size_t n = 0, shown = 0;

	for (size_t i = 0; i < s->nglobals; i++)
		n += s->globals[i].unresolved;
	if (!n)
		return OBJLOAD_OK;
	p += snprintf(p, (size_t)(end - p), "%zu undefined symbol%s:", n,
		      n == 1 ? "" : "s");
	for (size_t ii = 0; ii < s->nimages; ii++) {
		objload_image *img = s->images[ii];
		core_image *ci = core_of(img);

		for (uint32_t j = 0; j < img->nsymbols; j++) {
			const objload_symbol *sym = &img->symbols[j];
			uint32_t gi;

			if (!sym->cname || sym->binding == OBJLOAD_BIND_LOCAL ||
			    s->g.nodes[ci->node_base + j].t.where != LG_UNRESOLVED ||
			    !hashmap_get_str(&s->global_index, sym->cname, &gi) ||
			    s->globals[gi].unresolved != 1)
				continue;
			s->globals[gi].unresolved = 2;   /* listed */
			if (end - p > 64) {
				char dm[256];
				/* C++: demangled, the mangled name after it */
				const char *d = core_demangle(sym->cname, dm, sizeof(dm));

				p += snprintf(p, (size_t)(end - p), "%s '%s' (%s%sreferenced by %s)",
					      shown ? "," : "", d ? d : sym->name, d ? sym->name : "",
					      d ? ", " : "", img->path);
			}
			shown++;
		}
	}
	if (shown > 0 && end - p <= 64)
		snprintf(p, (size_t)(end - p), " ...");
	/* through the formatter, which escapes the names' control bytes */
	return core_error(s, OBJLOAD_ERR_UNDEFINED, "%s", s->errmsg);
}

/* Make the graph's blocks (one per section of every image, loaded or
 * not) and nodes (one per symbol), and check what every later pass
 * relies on: one arch for the whole link. */
static objload_status make_blocks_and_nodes(objload_session *s)
{
	size_t nblocks = 0, nnodes = 0;
	uint32_t b, n;

	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];

		if (img->arch != s->arch->id)
			return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
					  "%s is for %s, and this link is for %s (%s): one link holds one CPU's code",
					  img->path, objload_arch_name(img->arch), s->arch->name,
					  s->images[0]->path);
		nblocks += img->nsections;
		nnodes += img->nsymbols;
	}
	b = lg_add_blocks(s, nblocks);
	n = lg_add_nodes(s, nnodes);
	if (b == OBJLOAD_NO_INDEX || n == OBJLOAD_NO_INDEX)
		return OBJLOAD_ERR_NOMEM;
	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];
		core_image *ci = core_of(img);

		ci->block_base = b;
		ci->node_base = n;
		for (uint32_t j = 0; j < img->nsections; j++, b++) {
			const objload_section *sec = &img->sections[j];
			lg_block *blk = &s->g.blocks[b];

			blk->kind = LG_SECTION;
			blk->image = (uint32_t)i;
			blk->section = j;
			blk->size = sec->size;
			blk->align = sec->align;
			blk->prot = (uint8_t)core_prot_of_role(sec->role);
			blk->bytes = sec->role == OBJLOAD_ROLE_ZEROFILL ? NULL : sec->bytes;
			blk->drop = core_role_loaded(sec->role) ? LG_KEEP : LG_DROP_NOLOAD;
		}
		n += img->nsymbols;
	}
	return OBJLOAD_OK;
}

objload_status core_resolve_symbols(objload_session *s)
{
	objload_status st;
	size_t ndefined = 0;

	st = core_libs_resolve_needed(s);   /* core/libsearch.c */
	if (!st)
		st = core_archive_load_members(s);
	if (!st)
		st = core_runtime_prepare(s);   /* default libraries (core/rt.h) */
	if (!st)
		st = make_blocks_and_nodes(s);
	if (st)
		return st;
	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];

		for (uint32_t j = 0; j < img->nsymbols; j++)
			if (img->symbols[j].cname &&
			    img->symbols[j].binding != OBJLOAD_BIND_LOCAL &&
			    img->symbols[j].def != OBJLOAD_DEF_UNDEFINED)
				ndefined++;
	}
	/* room for every definition up front: no rehashing while they are
	 * collected (references to the host grow the table as usual) */
	if (hashmap_reserve(&s->global_index, s->nglobals + ndefined))
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	if (lg_grow((void **)&s->globals, &s->globals_cap, s->nglobals, ndefined,
		    sizeof(*s->globals)))
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	st = core_check_bridges(s);
	if (!st)
		st = discard_comdat_losers(s);
	if (!st)
		st = collect_definitions(s);
	/* every common symbol gets its storage, referenced or not */
	for (size_t g = 0; g < s->nglobals && !st; g++)
		if (s->globals[g].strength == 1)
			st = resolve_global(s, (uint32_t)g, 0);
	for (size_t i = 0; i < s->nimages && !st; i++) {
		objload_image *img = s->images[i];
		uint32_t base = core_of(img)->block_base;

		for (size_t e = 0; e < img->nedges && !st; e++) {
			const objload_edge *ed = &img->edges[e];

			if (s->g.blocks[base + ed->section].drop)
				continue;
			if (ed->symbol != OBJLOAD_NO_INDEX)
				st = resolve_reference(s, (uint32_t)i, ed->symbol);
			if (!st && ed->subtrahend != OBJLOAD_NO_INDEX)
				st = resolve_reference(s, (uint32_t)i, ed->subtrahend);
		}
	}
	if (st)
		return st;
	return report_unresolved(s);
}

objload_status core_global_target(objload_session *s, const char *name, lg_target *out)
{
	uint32_t gi;
	objload_status st;

	*out = (lg_target){ .where = LG_UNRESOLVED };
	if (!hashmap_get_str(&s->global_index, name, &gi) || !s->globals[gi].strength)
		return OBJLOAD_OK;
	st = resolve_global(s, gi, 0);
	if (!st)
		*out = s->globals[gi].res;
	return st;
}

lg_node *core_node(objload_session *s, uint32_t image, uint32_t sym)
{
	return &s->g.nodes[core_of(s->images[image])->node_base + sym];
}

const char *core_symbol_display(const objload_image *img, uint32_t sym)
{
	if (sym == OBJLOAD_NO_INDEX)
		return "(none)";
	if (!img->symbols[sym].name[0])
		return "(unnamed)";
	return img->symbols[sym].name;
}

objload_status objload_lookup(objload_session *s, const char *name, void **out)
{
	uint32_t gi;
	const global_sym *g;

	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if (!name || !out)
		return core_error(s, OBJLOAD_ERR_ARGUMENT, "objload_lookup: no %s (NULL)",
				  name ? "place for the address" : "symbol name");
	if (!s->link_ok)
		return core_error(s, OBJLOAD_ERR_STATE, s->linked ?
				  "the session's link failed" : "the session is not linked yet");
	if (!hashmap_get_str(&s->global_index, name, &gi) ||
	    !s->globals[gi].strength || s->globals[gi].hidden)
		return core_error(s, OBJLOAD_ERR_UNDEFINED,
				  "symbol '%s' is not defined by the loaded images", name);
	if (!s->globals[gi].resolved) {
		objload_status st = resolve_global(s, gi, 0);

		if (st)
			return st;
	}
	g = &s->globals[gi];   /* resolving may have grown the table */
	if (!g->resolved)
		return core_error(s, OBJLOAD_ERR_UNDEFINED,
				  "%s: symbol '%s' is an alias of a name nothing defines",
				  s->images[g->image]->path, name);
	if (g->res.where == LG_IN_BLOCK && s->g.blocks[g->res.block].drop &&
	    s->images[g->image]->symbols[g->symbol].def == OBJLOAD_DEF_SECTION) {
		const objload_image *img = s->images[g->image];

		return core_error(s, OBJLOAD_ERR_UNDEFINED,
				  "%s: symbol '%s' is in section %s, which was not loaded (%s)",
				  img->path, name, img->sections[img->symbols[g->symbol].section].name,
				  s->g.blocks[g->res.block].drop == LG_DROP_DEAD ?
				  "dead-stripped: nothing the link loaded refers to it" :
				  "not a loadable section");
	}
	/* a thread-local variable: the calling thread's copy, as dlsym */
	if (core_tls_lookup(s, &g->res, out))
		return *out ? OBJLOAD_OK : core_error(s, OBJLOAD_ERR_NOMEM,
						      "out of memory for thread-local storage");
	*out = (void *)(uintptr_t)lg_address(&s->g, &g->res);
	return OBJLOAD_OK;
}
