/* SPDX-License-Identifier: MIT */
/*
 * What runs: constructors, the entry point, destructors, and the few
 * runtime helpers a C program expects from its static link.
 *
 * Order, as a static link and glibc's start-up code would do it:
 *   1. a destructor runner is registered with __cxa_atexit under this
 *      session's __dso_handle, before any constructor, so that handlers
 *      registered later (by constructors or main) run before it;
 *   2. constructors run by ascending priority, then in input order;
 *   3. the entry point;
 *   4. at unload, __cxa_finalize(&dso_handle) runs the atexit handlers
 *      the images registered and then the destructors.  If the program
 *      calls exit() instead, the host's exit runs the same handlers.
 *
 * Helpers objload provides (glibc keeps them in libc_nonshared.a, which
 * the host's dynamic loader does not export):
 *   __dso_handle  a per-session address identifying its registrations;
 *   atexit(fn)    a thunk that calls __cxa_atexit(fn, 0, &dso_handle);
 *   __stack_chk_guard  a random canary, for code that reads it from a
 *                 global (clang for macOS does at -O0); glibc keeps its
 *                 canary in thread-local storage and exports no such
 *                 symbol.  __stack_chk_fail itself comes from the host.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/bridge.h"
#include "core/core.h"

extern int __cxa_atexit(void (*fn)(void *), void *arg, void *dso);
extern void __cxa_finalize(void *dso);

static const char *const builtin_names[BUILTIN_COUNT] = {
	[BUILTIN_DSO_HANDLE] = "__dso_handle",
	[BUILTIN_ATEXIT] = "atexit",
	[BUILTIN_STACK_CHK_GUARD] = "__stack_chk_guard",
	[BUILTIN_ATEXIT_MS] = NULL,    /* chosen for MS images by callconv.c */
};

int core_builtin_lookup(const char *cname, builtin_id *id)
{
	for (int i = 0; i < BUILTIN_COUNT; i++) {
		if (builtin_names[i] && strcmp(cname, builtin_names[i]) == 0) {
			*id = (builtin_id)i;
			return 1;
		}
	}
	return 0;
}

/* The target of the atexit thunk: fn comes from the image, the session
 * is bound by the thunk. */
static int session_atexit(void (*fn)(void), objload_session *s)
{
	return __cxa_atexit((void (*)(void *))(void (*)(void))fn, NULL, s->dso_key);
}

/* An atexit handler of a Microsoft x64 image, called by the host's exit
 * machinery with System V: the bridge makes the call. */
static void run_ms_handler(void *fn)
{
	const cc_bridge *b = bridge_lookup(OBJLOAD_CC_MS_X64);

	if (b && b->call_init)
		b->call_init((uint64_t)(uintptr_t)fn);
}

static int session_atexit_ms(void (*fn)(void), objload_session *s)
{
	return __cxa_atexit(run_ms_handler, (void *)(uintptr_t)fn, s->dso_key);
}

objload_status core_write_builtins(objload_session *s)
{
	if (s->commons_piece != OBJLOAD_NO_INDEX && !s->link_only) {
		piece *rt = &s->pieces[s->commons_piece];

		/* runtime data at the start of the commons block (link.c) */
		s->builtin_addr[BUILTIN_DSO_HANDLE] = rt->target + CORE_RUNTIME_DSO_OFFSET;
		s->builtin_addr[BUILTIN_STACK_CHK_GUARD] = rt->target + CORE_RUNTIME_GUARD_OFFSET;
		memcpy(rt->work + CORE_RUNTIME_GUARD_OFFSET, &s->stack_chk_guard,
		       sizeof(s->stack_chk_guard));
		s->dso_key = (void *)(uintptr_t)s->builtin_addr[BUILTIN_DSO_HANDLE];
	}
	if (s->builtin_used[BUILTIN_ATEXIT]) {
		piece *pc = &s->pieces[s->thunks_piece];
		objload_status st;

		st = s->arch->write_bind_thunk(pc->work, pc->target,
					       (uint64_t)(uintptr_t)session_atexit,
					       (uint64_t)(uintptr_t)s, 1);
		if (st)
			return core_error(s, st, "cannot write the atexit thunk");
		s->builtin_addr[BUILTIN_ATEXIT] = pc->target;
	}
	if (s->builtin_used[BUILTIN_ATEXIT_MS]) {
		piece *pc = &s->pieces[s->thunks_piece];
		uint64_t off = s->builtin_used[BUILTIN_ATEXIT] ? s->arch->bind_thunk_size : 0;
		objload_status st;

		st = s->arch->write_bind_thunk(pc->work + off, pc->target + off,
					       (uint64_t)(uintptr_t)session_atexit_ms,
					       (uint64_t)(uintptr_t)s, 1);
		if (st)
			return core_error(s, st, "cannot write the atexit thunk");
		s->builtin_addr[BUILTIN_ATEXIT_MS] = pc->target + off;
	}
	return OBJLOAD_OK;
}

typedef void (*init_fn)(void);

/* One function pointer of a table, read from the loaded (relocated) image. */
static init_fn table_entry(objload_session *s, const objload_image *img,
			   const objload_init_table *t, uint64_t i)
{
	uint32_t p = core_of(img)->sec_piece[t->section];
	uint64_t v;

	if (p == OBJLOAD_NO_INDEX)
		return NULL;
	memcpy(&v, s->pieces[p].work + t->offset + i * 8, 8);
	/* 0 and -1 are the terminators .ctors/.dtors may hold */
	if (v == 0 || v == UINT64_MAX)
		return NULL;
	return (init_fn)(uintptr_t)v;
}

struct table_ref {
	const objload_image *img;
	const objload_init_table *t;
	size_t order;
};

static int cmp_table(const void *a, const void *b)
{
	const struct table_ref *x = a, *y = b;

	if (x->t->priority != y->t->priority)
		return x->t->priority < y->t->priority ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Collect the tables of one kind in run order (ascending priority). */
static struct table_ref *collect_tables(objload_session *s, objload_init_kind kind,
					size_t *n)
{
	struct table_ref *refs;
	size_t count = 0, k = 0;

	for (size_t i = 0; i < s->nimages; i++)
		for (uint32_t j = 0; j < s->images[i]->ninits; j++)
			count += s->images[i]->inits[j].kind == kind;
	refs = calloc(count ? count : 1, sizeof(*refs));
	if (!refs)
		return NULL;
	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];

		for (uint32_t j = 0; j < img->ninits; j++) {
			if (img->inits[j].kind != kind)
				continue;
			refs[k].img = img;
			refs[k].t = &img->inits[j];
			refs[k].order = k;
			k++;
		}
	}
	qsort(refs, count, sizeof(*refs), cmp_table);
	*n = count;
	return refs;
}

static void run_table(objload_session *s, const struct table_ref *r, int backwards)
{
	uint64_t n = r->t->count;
	int rev = r->t->reverse ^ backwards;

	for (uint64_t i = 0; i < n; i++) {
		init_fn fn = table_entry(s, r->img, r->t, rev ? n - 1 - i : i);
		const cc_bridge *b;

		if (!fn)
			continue;
		if (r->img->callconv == OBJLOAD_CC_SYSV)
			fn();
		else if ((b = bridge_lookup(r->img->callconv)) && b->call_init)
			b->call_init((uint64_t)(uintptr_t)fn);
	}
}

/* Destructors run in the reverse of the order constructors would. */
static void run_destructors(void *arg)
{
	objload_session *s = arg;
	struct table_ref *refs;
	size_t n;

	if (s->finalized_unload)
		return;
	s->finalized_unload = 1;
	refs = collect_tables(s, OBJLOAD_INIT_DESTRUCTOR, &n);
	if (!refs)
		return;
	/* a .fini_array runs from its last entry; .dtors (reverse) forwards */
	for (size_t i = n; i-- > 0;)
		run_table(s, &refs[i], 1);
	free(refs);
}

objload_status core_run_constructors(objload_session *s)
{
	struct table_ref *refs;
	size_t n;

	if (__cxa_atexit(run_destructors, s, s->dso_key))
		return core_error(s, OBJLOAD_ERR_NOMEM, "cannot register the destructors");
	s->initialized = 1;
	refs = collect_tables(s, OBJLOAD_INIT_CONSTRUCTOR, &n);
	if (!refs)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		run_table(s, &refs[i], 0);
	free(refs);
	return OBJLOAD_OK;
}

void core_unload(objload_session *s)
{
	if (s->initialized) {
		/* atexit handlers of the images, then run_destructors */
		__cxa_finalize(s->dso_key);
		s->initialized = 0;
	}
	if (s->allocated) {
		s->mm->release(s->mm_ctx, &s->request);
		s->allocated = 0;
	}
}

typedef int (*main_fn)(int, char **);

objload_status objload_run_main(objload_session *s, const char *entry,
				int argc, char **argv, int *exit_status)
{
	void *addr;
	objload_status st;
	uint32_t gi;
	const global_sym *g;

	if (!s || !exit_status)
		return OBJLOAD_ERR_ARGUMENT;
	if (!entry)
		entry = "main";
	if (s->link_only)
		return core_error(s, OBJLOAD_ERR_STATE,
				  "the session was linked for another address: nothing runs here");
	st = objload_lookup(s, entry, &addr);
	if (st)
		return st;
	hashmap_get_str(&s->global_index, entry, &gi);
	g = &s->globals[gi];
	if (g->res.kind != RES_SECTION ||
	    s->images[g->image]->sections[g->res.section].role != OBJLOAD_ROLE_CODE)
		return core_error(s, OBJLOAD_ERR_ARGUMENT,
				  "%s: entry point '%s' is not a function in a code section%s",
				  g->strength ? s->images[g->image]->path :
				  s->nimages ? s->images[0]->path : "objload", entry,
				  g->strength ? "" : " of the inputs");
	if (s->images[g->image]->callconv != OBJLOAD_CC_SYSV) {
		const cc_bridge *b = bridge_lookup(s->images[g->image]->callconv);

		if (!b || !b->call_main)
			return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
					  "%s: entry point '%s' uses a calling convention objload cannot call yet",
					  s->images[g->image]->path, entry);
		*exit_status = b->call_main((uint64_t)(uintptr_t)addr, argc, argv);
		return OBJLOAD_OK;
	}
	*exit_status = ((main_fn)(uintptr_t)addr)(argc, argv);
	return OBJLOAD_OK;
}
