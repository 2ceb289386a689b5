/* SPDX-License-Identifier: MIT */
/*
 * IFUNCs: functions whose implementation a resolver chooses at load time
 * (ELF STT_GNU_IFUNC: `int f(void) __attribute__((ifunc("pick_f")))`; the
 * symbol's value is the resolver, typically one that asks
 * __builtin_cpu_supports).
 *
 * A static linker gives such a function a PLT entry that jumps through a
 * slot, makes that entry the function's address everywhere (calls, GOT
 * loads, taken addresses, so they all compare equal), and has the start-up
 * code fill the slot with the resolver's answer (R_*_IRELATIVE).  objload
 * does the same with blocks of the graph:
 *
 *   ifunc          (before the tables) for each IFUNC defined in a loaded
 *                  section, a pointer slot (read-write data, in the shared
 *                  area) and a canonical stub that jumps through it
 *                  (arch_ops.plt: an absolute address, so the slot may be
 *                  anywhere) in the area of the resolver's section, so the
 *                  stub is code beside code; every node bound to the
 *                  IFUNC then points at the stub, so the table passes see
 *                  an ordinary function;
 *   ifunc-resolve  (after finalize: the resolvers' images are relocated
 *                  and executable) each resolver runs, in input order, and
 *                  its answer goes into the slot.  Like glibc, objload
 *                  passes AT_HWCAP as the first argument (x86-64 resolvers
 *                  take none); a resolver that calls another IFUNC of the
 *                  link must come after it.
 *
 * Constructors run after every resolver, so a resolver calls
 * __builtin_cpu_init() itself, as GCC's manual says (libgcc's __cpu_model
 * is filled by a constructor).  An image linked for an address is refused:
 * its resolvers would have to run in the process that runs the image.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/log.h"
#include "os/os.h"

struct core_ifunc {
	lg_target resolver;      /* the symbol's own value */
	uint32_t stub, slot;
	uint32_t image, symbol;
};

struct core_ifuncs {
	struct core_ifunc *v;
	size_t n, cap;
};

void core_ifunc_free(objload_session *s)
{
	if (!s->ifuncs)
		return;
	free(s->ifuncs->v);
	free(s->ifuncs);
	s->ifuncs = NULL;
}

/* The definition a symbol is bound to: itself when local, else the
 * session's winner of its name. */
static const objload_symbol *bound_definition(const objload_session *s, uint32_t i,
					      uint32_t j, uint32_t *di, uint32_t *dj)
{
	const objload_symbol *sym = &s->images[i]->symbols[j];
	const lg_node *n = core_node((objload_session *)s, i, j);

	if (sym->binding == OBJLOAD_BIND_LOCAL || !sym->cname) {
		*di = i;
		*dj = j;
		return sym->def == OBJLOAD_DEF_SECTION ? sym : NULL;
	}
	if (n->global == OBJLOAD_NO_INDEX || s->globals[n->global].strength < 2)
		return NULL;
	*di = s->globals[n->global].image;
	*dj = s->globals[n->global].symbol;
	return &s->images[*di]->symbols[*dj];
}

/* The IFUNC defined by symbol (i, j), made on first use. */
static objload_status ifunc_of(objload_session *s, uint32_t i, uint32_t j, uint32_t *out)
{
	struct core_ifuncs *f = s->ifuncs;
	const objload_symbol *sym = &s->images[i]->symbols[j];
	struct core_ifunc *fn;
	uint32_t sec_block = core_of(s->images[i])->block_base + sym->section, area;
	arch_plt plt;
	lg_target slot;
	objload_status st = OBJLOAD_OK;

	for (size_t k = 0; k < f->n; k++)
		if (f->v[k].image == i && f->v[k].symbol == j) {
			*out = (uint32_t)k;
			return OBJLOAD_OK;
		}
	if (!s->arch->plt)
		return core_error(s, OBJLOAD_ERR_UNSUPPORTED, "%s: IFUNC '%s': arch %s has no "
				  "stub for IFUNCs yet", s->images[i]->path, sym->name, s->arch->name);
	if (lg_grow((void **)&f->v, &f->cap, f->n, 1, sizeof(*f->v)))
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	fn = &f->v[f->n];
	fn->image = i;
	fn->symbol = j;
	fn->resolver = (lg_target){ .where = LG_IN_BLOCK, .block = sec_block, .value = sym->value };
	area = s->g.blocks[sec_block].area;
	/* the slot is data: the shared area's data segment (a per-section
	 * area is one segment, the section's) */
	fn->slot = lg_new_block(s, LG_IFUNC, s->arch->pointer_size, s->arch->pointer_size,
				OBJLOAD_PROT_READ | OBJLOAD_PROT_WRITE, OBJLOAD_NO_INDEX);
	fn->stub = lg_new_block(s, LG_IFUNC, s->arch->plt_size, 16,
				OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC, area);
	if (fn->slot == OBJLOAD_NO_INDEX || fn->stub == OBJLOAD_NO_INDEX)
		return OBJLOAD_ERR_NOMEM;
	s->arch->plt(lg_block_bytes(s, fn->stub), &plt);
	slot = (lg_target){ .where = LG_IN_BLOCK, .block = fn->slot, .value = 0 };
	for (unsigned k = 0; k < plt.nfields && !st; k++)
		st = lg_add_pointer_edge(s, fn->stub, plt.field[k].offset, plt.field[k].kind,
					 &slot, plt.field[k].addend);
	if (st)
		return st;
	core_log_synthesized(s, fn->stub, &fn->resolver,
			     "an IFUNC: its address is a stub jumping through the slot its "
			     "resolver fills");
	*out = (uint32_t)f->n++;
	return OBJLOAD_OK;
}

/* Does any image define an IFUNC?  Most links have none, and this look at
 * each symbol's type is cheaper than binding every symbol below. */
static int any_ifunc_definition(const objload_session *s)
{
	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];

		for (uint32_t j = 0; j < img->nsymbols; j++)
			if (img->symbols[j].type == OBJLOAD_SYM_IFUNC &&
			    img->symbols[j].def == OBJLOAD_DEF_SECTION)
				return 1;
	}
	return 0;
}

objload_status core_ifunc_plan(objload_session *s)
{
	if (!any_ifunc_definition(s))
		return OBJLOAD_OK;
	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];

		for (uint32_t j = 0; j < img->nsymbols; j++) {
			const objload_symbol *def;
			lg_node *n = core_node(s, (uint32_t)i, j);
			uint32_t di, dj, k = 0;
			objload_status st;

			if (n->t.where != LG_IN_BLOCK)
				continue;
			def = bound_definition(s, (uint32_t)i, j, &di, &dj);
			if (!def || def->type != OBJLOAD_SYM_IFUNC || def->def != OBJLOAD_DEF_SECTION ||
			    s->g.blocks[core_of(s->images[di])->block_base + def->section].drop)
				continue;
			if (s->link_only)
				return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
						  "%s: IFUNC '%s': its resolver must run in the process that "
						  "runs the code, and an image linked for another address has "
						  "no one to run it", s->images[di]->path, def->name);
			if (!s->ifuncs && !(s->ifuncs = calloc(1, sizeof(*s->ifuncs))))
				return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
			st = ifunc_of(s, di, dj, &k);
			if (st)
				return st;
			n = core_node(s, (uint32_t)i, j);
			n->t = (lg_target){ .where = LG_IN_BLOCK, .block = s->ifuncs->v[k].stub };
			if (n->global != OBJLOAD_NO_INDEX)
				s->globals[n->global].res = n->t;   /* objload_lookup */
		}
	}
	return OBJLOAD_OK;
}

/* A resolver is ELF code: System V on x86-64 (CORE_HELPER_ABI names that
 * convention for a Windows host's compiler too), AAPCS64 on arm64. */
typedef CORE_HELPER_ABI void *(*ifunc_resolver)(uint64_t hwcap, void *arg);

objload_status core_ifunc_resolve(objload_session *s)
{
	uint64_t hwcap = os_hwcap();

	if (!s->ifuncs || s->link_only)
		return OBJLOAD_OK;
	for (size_t k = 0; k < s->ifuncs->n; k++) {
		const struct core_ifunc *fn = &s->ifuncs->v[k];
		ifunc_resolver r = (ifunc_resolver)(uintptr_t)lg_address(&s->g, &fn->resolver);
		void *impl = r(hwcap, NULL);
		uint64_t v = (uint64_t)(uintptr_t)impl;

		memcpy(s->g.blocks[fn->slot].work, &v, sizeof(v));
		core_log(s, OBJLOAD_LOG_RUN, "%s: IFUNC %s resolved to %p",
			 s->images[fn->image]->path, s->images[fn->image]->symbols[fn->symbol].name,
			 impl);
		if (!impl)
			return core_error(s, OBJLOAD_ERR_FORMAT, "%s: the resolver of IFUNC '%s' "
					  "returned no function", s->images[fn->image]->path,
					  s->images[fn->image]->symbols[fn->symbol].name);
	}
	return OBJLOAD_OK;
}
