/* SPDX-License-Identifier: MIT */
/*
 * Calling conventions and import slots.
 *
 * Every image records its convention (System V for ELF and Mach-O on
 * x86-64, Microsoft x64 for COFF).  When a reference crosses conventions
 * — an image calls a function of an image of another convention, or a
 * non-System V image calls into the host — the core puts something in
 * between:
 *
 *   - a host function that the image's bridge wraps (abi/: printf,
 *     qsort, ... written with the image's convention) resolves to the
 *     wrapper, before anything else in the host is tried;
 *   - any other function gets a generic thunk written by the arch
 *     (integer and pointer arguments only; see the arch's comment);
 *   - data is shared as it is.
 *
 * An indirect symbol (COFF's __imp_NAME) resolves to a pointer slot the
 * core adds to the read-only data of the link, holding NAME's address as
 * the referencing image must see it (that is, after the above).
 *
 * Thunks and slots are blocks of the link graph (an LG_CCTHUNK holds the
 * arch's thunk code and one pointer edge to its destination; an
 * LG_IMPORT, one pointer edge), found again by the exact identity of
 * what they serve: (target, from, to) and (target).
 */
#include <stdlib.h>
#include <string.h>

#include "abi/bridge.h"
#include "core/core.h"
#include "core/log.h"
#include "core/rt.h"
#include "os/os.h"

/* Is a host address inside an executable segment of a loaded object?
 * (A function's address may be an IFUNC's implementation, which has no
 * exported symbol of its own.) */
int core_host_address_is_code(uint64_t addr)
{
	return os_host_address_is_code(addr);
}

/* The size of the host's data object `name` at `addr`, from the module
 * holding it. */
int core_host_object_size(uint64_t addr, const char *name, uint64_t *size)
{
	return os_host_object_size(addr, name, size);
}

objload_callconv core_host_callconv(void)
{
#if defined(_WIN32) && defined(__x86_64__)
	return OBJLOAD_CC_MS_X64;
#else
	return OBJLOAD_CC_SYSV;
#endif
}

static int is_arm64_callconv(objload_callconv cc)
{
	return cc == OBJLOAD_CC_DARWIN_ARM64 || cc == OBJLOAD_CC_MS_ARM64;
}

int core_callconv_compatible(objload_callconv a, objload_callconv b)
{
	/* the arm64 conventions differ from AAPCS64 (SYSV) and each other
	 * in variadic calls only */
	return a == b ||
	       (is_arm64_callconv(a) && (b == OBJLOAD_CC_SYSV || is_arm64_callconv(b))) ||
	       (is_arm64_callconv(b) && a == OBJLOAD_CC_SYSV);
}

const char *core_callconv_name(objload_callconv cc)
{
	switch (cc) {
	case OBJLOAD_CC_SYSV: return "System V";
	case OBJLOAD_CC_MS_X64: return "Microsoft x64";
	case OBJLOAD_CC_DARWIN_ARM64: return "Apple arm64";
	case OBJLOAD_CC_MS_ARM64: return "Windows arm64";
	}
	return "unknown";
}

void *core_bridged_host_symbol(objload_session *s, objload_callconv cc,
			       const char *name)
{
	const cc_bridge *b;
	void *bound;

	if (cc == core_host_callconv())
		return NULL;
	b = bridge_lookup(cc);
	if (b && (bound = core_bound_bridge_symbol(s, b, name)))   /* core/callbacks.c */
		return bound;
	if (b && b->host_data && (bound = core_bridge_data(s, b, name)))   /* the same */
		return bound;
	return b && b->host_symbol ? b->host_symbol(name) : NULL;
}

const char *core_bridged_host_name(objload_callconv cc, const char *name)
{
	const cc_bridge *b;

	if (cc == core_host_callconv() || !(b = bridge_lookup(cc)) || !b->host_name)
		return NULL;
	return b->host_name(name);
}

objload_status core_check_bridges(objload_session *s)
{
	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];

		if (!s->link_only && img->callconv != core_host_callconv() &&
		    !bridge_lookup(img->callconv))
			return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
					  "%s: objload has no bridge for this image's calling convention (%s) on this host yet",
					  img->path, core_callconv_name(img->callconv));
	}
	return OBJLOAD_OK;
}

/* Is what a reference reached code (so a convention thunk applies)? */
static int is_code_target(objload_session *s, const lg_target *t,
			  const objload_symbol *sym)
{
	const lg_block *b;

	switch (t->where) {
	case LG_IN_BLOCK:
		b = &s->g.blocks[t->block];
		switch (b->kind) {
		case LG_SECTION:
			return s->images[b->image]->sections[b->section].role == OBJLOAD_ROLE_CODE &&
			       sym->type != OBJLOAD_SYM_OBJECT;
		case LG_STUB:
		case LG_CANONICAL:
		case LG_CCTHUNK:
		case LG_BINDTHUNK:
			return 1;
		default:
			return 0;
		}
	case LG_ABSOLUTE:
		return core_host_address_is_code(t->value);
	default:
		return 0;
	}
}

/* The thunk that, called with convention `from`, calls t with `to`. */
static objload_status need_ccthunk(objload_session *s, lg_target *t,
				   objload_callconv from, objload_callconv to)
{
	lg_entry_key key = lg_key(LG_CCTHUNK, OBJLOAD_NO_INDEX, t);
	arch_code code;
	uint32_t b;
	objload_status st;

	key.from = from;
	key.to = to;
	if (!s->arch->cc_thunk)
		return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
				  "arch %s cannot bridge calling conventions yet", s->arch->name);
	if (!lg_find_entry(&s->g, &key, &b)) {
		b = lg_new_block(s, LG_CCTHUNK, s->arch->cc_thunk_size, 16,
				 OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC, OBJLOAD_NO_INDEX);
		if (b == OBJLOAD_NO_INDEX)
			return OBJLOAD_ERR_NOMEM;
		st = s->arch->cc_thunk(lg_block_bytes(s, b), from, to, &code);
		if (st)
			return core_error(s, st, "arch %s cannot write a thunk from the %s to the %s convention",
					  s->arch->name, core_callconv_name(from), core_callconv_name(to));
		st = lg_add_pointer_edge(s, b, code.slot[0], s->arch->pointer_kind, t, 0);
		if (!st)
			st = lg_put_entry(s, &key, b);
		if (st)
			return st;
		s->metrics.thunks++;
		core_log_synthesized(s, b, t, from == OBJLOAD_CC_MS_X64 ?
				     "a Microsoft x64 call to System V code" :
				     "a System V call to Microsoft x64 code");
	}
	*t = (lg_target){ .where = LG_IN_BLOCK, .block = b, .value = 0 };
	return OBJLOAD_OK;
}

/* The pointer slot an indirect symbol (__imp_NAME) names. */
static objload_status need_import(objload_session *s, lg_target *t)
{
	lg_entry_key key = lg_key(LG_IMPORT, OBJLOAD_NO_INDEX, t);
	uint32_t b;
	objload_status st;

	if (!lg_find_entry(&s->g, &key, &b)) {
		b = lg_new_block(s, LG_IMPORT, s->arch->pointer_size, s->arch->pointer_size,
				 OBJLOAD_PROT_READ, OBJLOAD_NO_INDEX);
		if (b == OBJLOAD_NO_INDEX)
			return OBJLOAD_ERR_NOMEM;
		st = lg_add_pointer_edge(s, b, 0, s->arch->pointer_kind, t, 0);
		if (!st)
			st = lg_put_entry(s, &key, b);
		if (st)
			return st;
		core_log_synthesized(s, b, t, "an import slot (__imp_) names it");
	}
	*t = (lg_target){ .where = LG_IN_BLOCK, .block = b, .value = 0 };
	return OBJLOAD_OK;
}

objload_status core_adapt_reference(objload_session *s, uint32_t ii,
				    uint32_t j, lg_node *n)
{
	const objload_image *img = s->images[ii];
	const objload_symbol *sym = &img->symbols[j];
	objload_callconv from = img->callconv, to = core_host_callconv();
	lg_target t = n->t;
	const lg_block *b;
	objload_status st;

	switch (t.where) {
	case LG_IN_BLOCK:
		b = &s->g.blocks[t.block];
		if (b->kind == LG_SECTION) {
			to = s->images[b->image]->callconv;
		} else if (b->kind == LG_BINDTHUNK) {
			/* a handler registered by an image runs in its
			 * convention: the atexit helper has a twin for it */
			if (!core_callconv_compatible(from, core_host_callconv()) &&
			    s->builtin[BUILTIN_ATEXIT].where == LG_IN_BLOCK &&
			    s->builtin[BUILTIN_ATEXIT].block == t.block) {
				st = core_builtin_target(s, BUILTIN_ATEXIT_MS, &t);
				if (st)
					return st;
			}
			/* the helper itself is System V code (CORE_HELPER_ABI) */
			to = OBJLOAD_CC_SYSV;
		} else {
			to = from;   /* data, or code the core made for the image */
		}
		break;
	case LG_ABSOLUTE:
		/* Host symbols follow the host's convention, and so do user
		 * definitions of an in-process link (they are the host's
		 * functions or data); a bridge wrapper (no global) and any
		 * address of a link for another target follow the image's. */
		if (n->global == OBJLOAD_NO_INDEX || s->link_only)
			to = from;
		break;
	default:
		to = from;
		break;
	}
	if (!core_callconv_compatible(from, to) && is_code_target(s, &t, sym)) {
		st = need_ccthunk(s, &t, from, to);
		if (st)
			return st;
	}
	if (sym->indirect) {
		st = need_import(s, &t);
		if (st)
			return st;
		n = core_node(s, ii, j);
		n->global = OBJLOAD_NO_INDEX;
	}
	n = core_node(s, ii, j);
	n->t = t;
	return OBJLOAD_OK;
}
