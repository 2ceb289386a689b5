/* SPDX-License-Identifier: MIT */
/*
 * Callbacks across calling conventions, made at run time.
 *
 * A Microsoft x64 image that hands one of its functions to the host
 * (pthread_create's start routine, a signal handler, an on_exit handler,
 * tsearch's comparator, ...) hands over a function the host would call
 * with the System V convention.  The bridge's wrapper of such a host
 * function swaps the pointer for a convention thunk of the target before
 * calling the host: the arch's generic System V -> Microsoft x64 thunk
 * (integer and pointer arguments, abi/ and arch/x86_64 say how).  Thunks
 * are made on first use, one per target, cached in the session and
 * unmapped with it; each lives on a page of its own that is written and
 * then made read+execute, so no page is ever writable and executable,
 * and a thunk in use is never rewritten.
 *
 * The wrappers need the session to reach that cache, but loaded code
 * calls them with the host function's own arguments.  So the bridge
 * lists them as "bound" (abi/bridge.h) and the session gets, on the
 * first reference, one page holding for each bound wrapper a generic
 * thunk from the image's convention to System V followed by a thunk that
 * appends the session as the last argument (both written by the arch).
 * References to those names resolve to that page, like any host
 * function: out of reach of the link they go through its stubs.
 *
 * Unloading restores the default action of every signal whose handler is
 * one of the session's thunks, before the thunks go.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/rt.h"
#include "os/os.h"

struct rt_callback {
	uint64_t target;
	void *thunk;
	size_t maplen;
};

static uint64_t align16(uint64_t v)
{
	return (v + 15) & ~(uint64_t)15;
}

static size_t bound_count(const cc_bridge *b)
{
	size_t n = 0;

	for (size_t l = 0; b->bound[l]; l++)
		for (size_t k = 0; b->bound[l][k].name; k++)
			n++;
	return n;
}

/* The place of wrapper `name` among b's bound wrappers, counting through
 * its lists (its entry on the page); 0 when b binds no such name. */
static int bound_index(const cc_bridge *b, const char *name, size_t *index)
{
	size_t n = 0;

	for (size_t l = 0; b->bound[l]; l++)
		for (size_t k = 0; b->bound[l][k].name; k++, n++)
			if (strcmp(b->bound[l][k].name, name) == 0) {
				*index = n;
				return 1;
			}
	return 0;
}

/* Pages near `anchor` (within 1 GiB), so that an image's 32-bit
 * PC-relative references reach the wrappers wherever they reach the
 * bridge's own functions, which are next to `anchor`; anywhere when no
 * such address is free. */
static void *map_near(uintptr_t anchor, size_t len)
{
	const uintptr_t step = (uintptr_t)64 << 20, reach = (uintptr_t)1 << 30;

	for (uintptr_t d = step; d < reach; d += step) {
		for (int side = 0; side < 2; side++) {
			uintptr_t hint = side ? anchor + d : anchor - d;
			void *p;

			if (side == 0 && anchor < d)
				continue;
			hint &= ~(uintptr_t)(os_map_granularity() - 1);
			p = os_map_at(hint, len, 0);
			if (p)
				return p;
		}
	}
	return os_map(len, 1, 0);
}

/* Write the bound wrappers of bridge b onto a fresh page. */
static int make_bound_page(objload_session *s, core_runtime *rt, const cc_bridge *b)
{
	const arch_ops *arch = arch_lookup(core_host_arch());
	uint64_t cc_size, entry, total;
	size_t page = (size_t)os_page_size(), len;
	uint8_t *p;

	if (!arch || !arch->cc_thunk || !arch->bind_thunk)
		return -1;
	cc_size = align16(arch->cc_thunk_size);
	entry = cc_size + align16(arch->bind_thunk_size);
	total = entry * bound_count(b);
	len = (size_t)((total + page - 1) / page * page);
	p = map_near((uintptr_t)b->bound[0][0].fn, len);
	if (!p)
		return -1;
	for (size_t l = 0, k = 0; b->bound[l]; l++) {
		for (const bridge_bound *w = b->bound[l]; w->name; w++, k++) {
			uint8_t *cc = p + k * entry, *bind = cc + cc_size;
			const uint64_t helper[2] = { (uint64_t)(uintptr_t)w->fn,
						     (uint64_t)(uintptr_t)s };
			const uint64_t dest = (uint64_t)(uintptr_t)bind;
			arch_code hc, tc;

			if (arch->bind_thunk(bind, w->nargs, &hc) ||
			    arch_fill_slots(arch, bind, &hc, helper) ||
			    arch->cc_thunk(cc, b->callconv, OBJLOAD_CC_SYSV, &tc) ||
			    arch_fill_slots(arch, cc, &tc, &dest)) {
				os_unmap(p, len);
				return -1;
			}
		}
	}
	if (os_protect(p, len, OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC)) {
		os_unmap(p, len);
		return -1;
	}
	arch->flush_icache(p, len);
	rt->bound_page = p;
	rt->bound_len = len;
	rt->bound_bridge = b;
	return 0;
}

/* NULL (the name is looked up as usual) when b binds no such name or the
 * page cannot be made: the image then gets the host function through a
 * generic thunk, and its callbacks are not converted. */
void *core_bound_bridge_symbol(objload_session *s, const cc_bridge *b,
			       const char *name)
{
	const arch_ops *arch = arch_lookup(core_host_arch());
	core_runtime *rt;
	size_t k;

	if (!b->bound || !b->bound[0] || !b->bound[0][0].name || !arch)
		return NULL;
	if (!bound_index(b, name, &k) || !(rt = core_rt(s)))
		return NULL;
	if (!rt->bound_page && make_bound_page(s, rt, b))
		return NULL;
	if (rt->bound_bridge != b)
		return NULL;   /* one bridge per session: the only one there is */
	return (uint8_t *)rt->bound_page +
		k * (align16(arch->cc_thunk_size) + align16(arch->bind_thunk_size));
}

void *core_bridge_data(objload_session *s, const cc_bridge *b, const char *name)
{
	core_runtime *rt;
	void *value;

	if (!b->host_data(name, &value) || !(rt = core_rt(s)))
		return NULL;
	for (size_t i = 0; i < rt->nbridge_data; i++)
		if (strcmp(rt->bridge_data[i].name, name) == 0)
			return &rt->bridge_data[i].value;
	if (rt->nbridge_data == CORE_BRIDGE_DATA_MAX)
		return NULL;
	rt->bridge_data[rt->nbridge_data].name = name;
	rt->bridge_data[rt->nbridge_data].value = value;
	return &rt->bridge_data[rt->nbridge_data++].value;
}

void *bridge_callback(objload_session *s, const void *fn, objload_callconv cc)
{
	const arch_ops *arch = arch_lookup(core_host_arch());
	size_t page = (size_t)os_page_size(), len;
	core_runtime *rt = s->rt;
	const uint64_t dest = (uint64_t)(uintptr_t)fn;
	struct rt_callback *c;
	void *thunk = NULL;
	arch_code tc;
	uint8_t *p;

	if (!fn || !rt || !arch || !arch->cc_thunk)
		return NULL;
	if (core_callconv_compatible(cc, core_host_callconv()))
		return (void *)(uintptr_t)fn;
	os_mutex_lock(&rt->lock);
	for (size_t i = 0; i < rt->ncallbacks; i++)
		if (rt->callbacks[i].target == (uint64_t)(uintptr_t)fn) {
			thunk = rt->callbacks[i].thunk;
			goto out;
		}
	if (rt->ncallbacks == rt->callbacks_cap) {
		size_t ncap = rt->callbacks_cap ? rt->callbacks_cap * 2 : 8;

		c = realloc(rt->callbacks, ncap * sizeof(*c));
		if (!c)
			goto out;
		rt->callbacks = c;
		rt->callbacks_cap = ncap;
	}
	len = (arch->cc_thunk_size + page - 1) / page * page;
	p = os_map(len, 1, 0);
	if (!p)
		goto out;
	if (arch->cc_thunk(p, core_host_callconv(), cc, &tc) ||
	    arch_fill_slots(arch, p, &tc, &dest) ||
	    os_protect(p, len, OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC)) {
		os_unmap(p, len);
		goto out;
	}
	arch->flush_icache(p, len);
	c = &rt->callbacks[rt->ncallbacks++];
	c->target = (uint64_t)(uintptr_t)fn;
	c->thunk = p;
	c->maplen = len;
	thunk = p;
out:
	os_mutex_unlock(&rt->lock);
	if (!thunk)
		errno = ENOMEM;
	return thunk;
}

void *bridge_callback_original(objload_session *s, void *host_fn)
{
	core_runtime *rt = s->rt;
	void *orig = host_fn;

	if (!rt || !host_fn)
		return host_fn;
	os_mutex_lock(&rt->lock);
	for (size_t i = 0; i < rt->ncallbacks; i++)
		if (rt->callbacks[i].thunk == host_fn)
			orig = (void *)(uintptr_t)rt->callbacks[i].target;
	os_mutex_unlock(&rt->lock);
	return orig;
}

static int is_callback_thunk(void *ctx, void *fn)
{
	const core_runtime *rt = ctx;

	for (size_t i = 0; i < rt->ncallbacks; i++)
		if (rt->callbacks[i].thunk == fn)
			return 1;
	return 0;
}

void core_callbacks_free(objload_session *s)
{
	core_runtime *rt = s->rt;

	if (!rt)
		return;
	if (rt->ncallbacks)
		os_signals_reset(is_callback_thunk, rt);
	for (size_t i = 0; i < rt->ncallbacks; i++)
		os_unmap(rt->callbacks[i].thunk, rt->callbacks[i].maplen);
	free(rt->callbacks);
	rt->callbacks = NULL;
	rt->ncallbacks = rt->callbacks_cap = 0;
	if (rt->bound_page)
		os_unmap(rt->bound_page, rt->bound_len);
	rt->bound_page = NULL;
}
