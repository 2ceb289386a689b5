/* SPDX-License-Identifier: MIT */
/*
 * Linked images as modules: where each one's file address 0 was placed
 * (its base: a Windows HMODULE), its start-up and shut-down functions, and
 * the questions an OS personality layer under abi/ asks about them.
 *
 * Start-up.  A plug-in lists a Windows DLL's entry point (DllMain, behind
 * the C runtime's DllMainCRTStartup) and its TLS callbacks as
 * OBJLOAD_INIT_ATTACH_* tables.  Windows calls them once the image is
 * relocated, with (module, DLL_PROCESS_ATTACH, NULL), a DLL after the DLLs
 * it imports from, and with DLL_PROCESS_DETACH at unload in the opposite
 * order; TLS callbacks before the entry point both times.  objload does
 * the same, after relocation and before any constructor table of the link
 * (a DLL is initialized before the program that uses it), and detaches
 * after every destructor.  The order of references is taken from the
 * graph: image A attaches after image B when an edge of A reaches a
 * section of B directly or through an import slot, a GOT entry, a stub or
 * a convention thunk; a cycle is broken in input order.  An entry point
 * that returns FALSE fails the load: the images attached before it are
 * detached when the session goes, as Windows does when a statically
 * imported DLL refuses to load.  Threads get no DLL_THREAD_ATTACH: the
 * host creates its threads without asking objload.
 *
 * Queries (abi/bridge.h).  A module is found by its file name (the last
 * component of the path it was loaded from), compared without case and
 * with or without its extension, as GetModuleHandle and LoadLibrary
 * compare them; its symbols are the global definitions of that image,
 * by the name written in the file (which for a PE ordinal export is
 * "#ORDINAL") or by the C-level name.  Layers keep per-session state here
 * too (bridge_session_state), freed with the session after everything the
 * images registered has run.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "abi/bridge.h"
#include "core/core.h"
#include "core/rt.h"

/* ---- bases -------------------------------------------------------------- */

uint64_t core_image_base(const objload_session *s, uint32_t image)
{
	const objload_image *img;
	const lg_block *head;
	uint32_t base;

	if (!s->allocated || image >= s->nimages ||
	    s->images[image]->kind == OBJLOAD_IMAGE_RELOCATABLE)
		return 0;
	img = s->images[image];
	base = core_of(img)->block_base;
	for (uint32_t j = 0; j < img->nsections; j++) {
		const lg_block *b = &s->g.blocks[base + j];

		if (b->drop || b->area == OBJLOAD_NO_INDEX || b->area < base ||
		    b->area - base >= img->nsections)
			continue;
		/* a linked image's area is its lowest section */
		head = &s->g.blocks[b->area];
		return head->target - img->sections[b->area - base].file_addr;
	}
	return 0;
}

/* ---- start-up and shut-down ----------------------------------------------- */

static int is_attach(objload_init_kind kind)
{
	return kind == OBJLOAD_INIT_ATTACH_TABLE || kind == OBJLOAD_INIT_ATTACH_ENTRY;
}

static int has_attach(const objload_image *img)
{
	for (uint32_t t = 0; t < img->ninits; t++)
		if (is_attach(img->inits[t].kind))
			return 1;
	return 0;
}

/* The image whose section the target `t` is in, looking through one
 * synthesized block (import slot, GOT entry, stub, thunk) to what it
 * holds; NO_INDEX when it is not an image's. */
static uint32_t image_reached(const objload_session *s, const lg_target *t)
{
	const lg_graph *g = &s->g;
	const lg_block *b;

	if (t->where != LG_IN_BLOCK)
		return OBJLOAD_NO_INDEX;
	b = &g->blocks[t->block];
	if (b->kind != LG_SECTION) {
		if (!b->nedges || g->edges[b->first_edge].node == OBJLOAD_NO_INDEX)
			return OBJLOAD_NO_INDEX;
		t = &g->nodes[g->edges[b->first_edge].node].t;
		if (t->where != LG_IN_BLOCK)
			return OBJLOAD_NO_INDEX;
		b = &g->blocks[t->block];
	}
	return b->kind == LG_SECTION ? b->image : OBJLOAD_NO_INDEX;
}

struct attach_walk {
	uint32_t *slot;      /* image -> its number among the attached, or NO_INDEX */
	uint32_t *images;    /* number -> image */
	uint8_t *needs;      /* k x k: needs[a * k + b], a attaches after b */
	uint8_t *state;      /* 0 new, 1 on the path, 2 done */
	size_t k;
	uint32_t *order;
	size_t norder;
};

static void visit(struct attach_walk *w, size_t a)
{
	if (w->state[a])
		return;   /* done, or a cycle: input order decides */
	w->state[a] = 1;
	for (size_t b = 0; b < w->k; b++)
		if (w->needs[a * w->k + b])
			visit(w, b);
	w->state[a] = 2;
	w->order[w->norder++] = w->images[a];
}

/* The images with start-up functions, in the order they attach. */
static objload_status attach_order(objload_session *s, uint32_t **out, size_t *n)
{
	struct attach_walk w = { 0 };
	objload_status st = OBJLOAD_OK;

	*out = NULL;
	*n = 0;
	w.slot = malloc((s->nimages ? s->nimages : 1) * sizeof(*w.slot));
	w.images = malloc((s->nimages ? s->nimages : 1) * sizeof(*w.images));
	if (!w.slot || !w.images)
		goto nomem;
	for (size_t i = 0; i < s->nimages; i++) {
		w.slot[i] = OBJLOAD_NO_INDEX;
		if (has_attach(s->images[i])) {
			w.slot[i] = (uint32_t)w.k;
			w.images[w.k++] = (uint32_t)i;
		}
	}
	if (!w.k)
		goto out;
	w.needs = calloc(w.k * w.k, 1);
	w.state = calloc(w.k, 1);
	w.order = malloc(w.k * sizeof(*w.order));
	if (!w.needs || !w.state || !w.order)
		goto nomem;
	for (size_t a = 0; a < w.k; a++) {
		const objload_image *img = s->images[w.images[a]];
		uint32_t base = core_of(img)->block_base;

		for (uint32_t j = 0; j < img->nsections; j++) {
			const lg_block *blk = &s->g.blocks[base + j];

			if (blk->drop)
				continue;
			for (uint32_t e = blk->first_edge; e < blk->first_edge + blk->nedges; e++) {
				uint32_t node = s->g.edges[e].node, d;

				if (node == OBJLOAD_NO_INDEX)
					continue;
				d = image_reached(s, &s->g.nodes[node].t);
				if (d != OBJLOAD_NO_INDEX && w.slot[d] != OBJLOAD_NO_INDEX &&
				    w.slot[d] != a)
					w.needs[a * w.k + w.slot[d]] = 1;
			}
		}
	}
	for (size_t a = 0; a < w.k; a++)
		visit(&w, a);
	*out = w.order;
	*n = w.norder;
	w.order = NULL;
	goto out;
nomem:
	st = core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
out:
	free(w.slot);
	free(w.images);
	free(w.needs);
	free(w.state);
	free(w.order);
	return st;
}

/* Call one start-up function of an image with `reason`: its result, or
 * -1 when the bridge cannot prepare the thread for it. */
static int call_attach(objload_session *s, const objload_image *img, uint64_t fn,
		       uint64_t module, uint32_t reason)
{
	typedef int (*host_attach_fn)(void *, uint32_t, void *);
	const cc_bridge *b;

	if (!fn)
		return 1;
	/* the host's own convention (a DLL on a Windows host): a plain call */
	if (core_callconv_compatible(img->callconv, core_host_callconv()))
		return ((host_attach_fn)(uintptr_t)fn)((void *)(uintptr_t)module, reason, NULL);
	b = bridge_lookup(img->callconv);
	return b && b->call_attach ? b->call_attach(s, fn, module, reason, 0) : -1;
}

/* Run the start-up functions of image i with `reason`: its tables (TLS
 * callbacks) then its entry point, whose result is returned (1 when it
 * has none; -1 when the thread cannot be prepared to run them). */
static int run_image(objload_session *s, uint32_t i, uint32_t reason)
{
	const objload_image *img = s->images[i];
	uint64_t module = core_image_base(s, i);
	int ok = 1;

	for (uint32_t k = 0; k < img->ninits; k++) {
		const objload_init_table *t = &img->inits[k];
		uint64_t sec = core_section_target(s, i, t->section);
		const uint8_t *work = core_section_work(s, i, t->section);

		if (!sec || !work)
			continue;
		if (t->kind == OBJLOAD_INIT_ATTACH_TABLE) {
			for (uint64_t e = 0; e < t->count; e++) {
				uint64_t fn;

				memcpy(&fn, work + t->offset + e * 8, 8);
				if (call_attach(s, img, fn, module, reason) < 0)
					return -1;
			}
		} else if (t->kind == OBJLOAD_INIT_ATTACH_ENTRY) {
			ok = call_attach(s, img, sec + t->offset, module, reason);
			if (ok < 0)
				return -1;
		}
	}
	return ok;
}

enum { DLL_PROCESS_DETACH = 0, DLL_PROCESS_ATTACH = 1 };

objload_status core_attach_images(objload_session *s)
{
	core_runtime *rt = core_rt(s);
	uint32_t *order;
	size_t n;
	objload_status st;

	if (!rt)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	st = attach_order(s, &order, &n);
	if (st || !n)
		return st;
	free(rt->attached);
	rt->attached = order;
	rt->nattached = 0;
	for (size_t k = 0; k < n; k++) {
		const objload_image *img = s->images[order[k]];

		core_log(s, OBJLOAD_LOG_RUN, "%s: DLL_PROCESS_ATTACH at 0x%llx", img->path,
			 (unsigned long long)core_image_base(s, order[k]));
		switch (run_image(s, order[k], DLL_PROCESS_ATTACH)) {
		case 0:
			return core_error(s, OBJLOAD_ERR_STATE,
					  "%s: its entry point returned FALSE for "
					  "DLL_PROCESS_ATTACH: the DLL refused to load", img->path);
		case -1:
			return core_error(s, OBJLOAD_ERR_NOMEM,
					  "%s: the thread cannot be prepared for its start-up "
					  "code (out of memory)", img->path);
		default:
			break;
		}
		rt->nattached = k + 1;
	}
	return OBJLOAD_OK;
}

void core_detach_images(objload_session *s)
{
	core_runtime *rt = s->rt;

	if (!rt)
		return;
	/* one at a time, so that a DLL's detach that ends in exit() does
	 * not detach it twice */
	while (rt->nattached > 0) {
		uint32_t i = rt->attached[--rt->nattached];

		core_log(s, OBJLOAD_LOG_RUN, "%s: DLL_PROCESS_DETACH", s->images[i]->path);
		run_image(s, i, DLL_PROCESS_DETACH);
	}
}

/* ---- what OS personality layers ask (abi/bridge.h) ------------------------ */

/* Does `file` (a path's last component) name `want`, without case, with
 * or without its extension? */
static int module_name_is(const char *file, const char *want)
{
	const char *dot = strrchr(file, '.');
	size_t stem = dot && dot != file ? (size_t)(dot - file) : strlen(file);

	if (strcasecmp(file, want) == 0)
		return 1;
	return strlen(want) == stem && strncasecmp(file, want, stem) == 0;
}

static const char *last_component(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int bridge_find_module(objload_session *s, const char *name, uint64_t *base)
{
	if (!s || !name)
		return 0;
	name = last_component(name);
	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];
		uint64_t b;

		if (img->kind == OBJLOAD_IMAGE_RELOCATABLE ||
		    !module_name_is(last_component(img->path), name) ||
		    !(b = core_image_base(s, (uint32_t)i)))
			continue;
		*base = b;
		return 1;
	}
	return 0;
}

/* The linked image placed at `base`, or NO_INDEX. */
static uint32_t module_at(const objload_session *s, uint64_t base)
{
	for (size_t i = 0; i < s->nimages; i++)
		if (s->images[i]->kind != OBJLOAD_IMAGE_RELOCATABLE && base &&
		    core_image_base(s, (uint32_t)i) == base)
			return (uint32_t)i;
	return OBJLOAD_NO_INDEX;
}

const char *bridge_module_path(objload_session *s, uint64_t base)
{
	uint32_t i = s ? module_at(s, base) : OBJLOAD_NO_INDEX;

	return i == OBJLOAD_NO_INDEX ? NULL : s->images[i]->path;
}

/* Symbol `name` of linked image i (rt->lock held). */
static void *module_symbol(objload_session *s, uint32_t i, const char *name)
{
	const objload_image *img = s->images[i];

	for (uint32_t j = 0; j < img->nsymbols; j++) {
		const objload_symbol *sym = &img->symbols[j];
		lg_target t;

		if (sym->binding == OBJLOAD_BIND_LOCAL || !sym->cname ||
		    sym->def == OBJLOAD_DEF_UNDEFINED ||
		    (strcmp(sym->name, name) != 0 && strcmp(sym->cname, name) != 0))
			continue;
		if (sym->def != OBJLOAD_DEF_ALIAS)
			return (void *)(uintptr_t)core_symbol_target(s, i, j);
		/* a forwarder: what the session binds its target to, or the
		 * bridge's function of that name */
		if (core_global_target(s, sym->alternate, &t))
			return NULL;
		if (t.where == LG_UNRESOLVED)
			return core_bridged_host_symbol(s, img->callconv, sym->alternate);
		return (void *)(uintptr_t)lg_address(&s->g, &t);
	}
	return NULL;
}

void *bridge_module_symbol(objload_session *s, uint64_t base, const char *name)
{
	uint32_t i = s && name ? module_at(s, base) : OBJLOAD_NO_INDEX;
	void *addr;

	if (i == OBJLOAD_NO_INDEX || !s->rt)
		return NULL;
	/* a forwarder may resolve its target now: one caller at a time */
	os_mutex_lock(&s->rt->lock);
	addr = module_symbol(s, i, name);
	os_mutex_unlock(&s->rt->lock);
	return addr;
}
void *bridge_symbol(objload_session *s, objload_callconv cc, const char *name)
{
	return s && name ? core_bridged_host_symbol(s, cc, name) : NULL;
}

struct rt_abi_state {
	const void *key;
	void *state;
	void (*release)(void *state);
};

void *bridge_session_state(objload_session *s, const void *key, size_t size,
			   int (*init)(void *state), void (*release)(void *state))
{
	core_runtime *rt = s ? core_rt(s) : NULL;
	struct rt_abi_state *n;
	void *state = NULL;

	if (!rt)
		return NULL;
	os_mutex_lock(&rt->lock);
	for (size_t i = 0; i < rt->nabi_state; i++)
		if (rt->abi_state[i].key == key) {
			state = rt->abi_state[i].state;
			goto out;
		}
	n = realloc(rt->abi_state, (rt->nabi_state + 1) * sizeof(*n));
	if (!n)
		goto out;
	rt->abi_state = n;
	state = calloc(1, size ? size : 1);
	if (state && init && init(state)) {
		free(state);
		state = NULL;
	}
	if (!state)
		goto out;
	n[rt->nabi_state++] = (struct rt_abi_state){ key, state, release };
out:
	os_mutex_unlock(&rt->lock);
	return state;
}

void core_modules_free(objload_session *s)
{
	core_runtime *rt = s->rt;

	if (!rt)
		return;
	for (size_t i = rt->nabi_state; i-- > 0;) {
		if (rt->abi_state[i].release)
			rt->abi_state[i].release(rt->abi_state[i].state);
		free(rt->abi_state[i].state);
	}
	free(rt->abi_state);
	rt->abi_state = NULL;
	rt->nabi_state = 0;
	free(rt->attached);
	rt->attached = NULL;
	rt->nattached = 0;
}
