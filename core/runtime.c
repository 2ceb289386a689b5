/* SPDX-License-Identifier: MIT */
/*
 * What runs: constructors, the entry point, destructors, and the few
 * runtime helpers a C program expects from its static link.
 *
 * Order, as a static link and glibc's start-up code would do it:
 *   1. a destructor runner is registered with os_atexit (__cxa_atexit) under this
 *      session's __dso_handle, before any constructor, so that handlers
 *      registered later (by constructors or main) run before it;
 *   2. Windows DLLs' start-up functions (DllMain, TLS callbacks: see
 *      core/modules.c), then constructors by ascending priority, then in
 *      input order;
 *   3. the entry point;
 *   4. at unload, os_finalize(&dso_handle) (__cxa_finalize) runs the atexit
 *      handlers the images registered, then the destructors, then the
 *      DLLs' DLL_PROCESS_DETACH.  If the program calls exit() instead, the
 *      host's exit runs the same handlers.
 *
 * Helpers objload provides (glibc keeps them in libc_nonshared.a, which
 * the host's dynamic loader does not export):
 *   __dso_handle  a per-session address identifying its registrations;
 *   atexit(fn)    a thunk that calls os_atexit(fn, 0, &dso_handle);
 *   pthread_atfork, at_quick_exit  the same with os_atfork and
 *                 os_at_quick_exit (glibc's __register_atfork and
 *                 __cxa_at_quick_exit);
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
#include "core/rt.h"
#include "core/tls.h"
#include "os/os.h"

static const char *const builtin_names[BUILTIN_COUNT] = {
	[BUILTIN_DSO_HANDLE] = "__dso_handle",
	[BUILTIN_ATEXIT] = "atexit",
	[BUILTIN_STACK_CHK_GUARD] = "__stack_chk_guard",
	[BUILTIN_ATEXIT_MS] = NULL,    /* chosen for MS images by callconv.c */
	[BUILTIN_ON_EXIT] = "on_exit",
	[BUILTIN_PTHREAD_ATFORK] = "pthread_atfork",
	[BUILTIN_AT_QUICK_EXIT] = "at_quick_exit",
	[BUILTIN_TLS_GET_ADDR] = "__tls_get_addr",
	[BUILTIN_TLV_BOOTSTRAP] = "_tlv_bootstrap",
	[BUILTIN_EMUTLS] = "__emutls_get_address",
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

core_runtime *core_rt(objload_session *s)
{
	if (!s->rt) {
		core_runtime *rt = calloc(1, sizeof(*rt));

		if (!rt)
			return NULL;
		os_mutex_init(&rt->lock);
		rt->perf_map = -1;
		rt->debugger = -1;
		s->rt = rt;
	}
	return s->rt;
}

objload_status core_rt_option(objload_session *s, core_runtime **rt)
{
	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if (s->linked)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is already linked");
	*rt = core_rt(s);
	return *rt ? OBJLOAD_OK : core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
}

/* The target of the atexit thunk: fn comes from the image, the session
 * is bound by the thunk. */
static CORE_HELPER_ABI int session_atexit(void (*fn)(void), objload_session *s)
{
	return os_atexit((void (*)(void *))(void (*)(void))fn, NULL, s->dso_key);
}

/* An atexit handler of an image of the other x86-64 convention than the
 * host's (Microsoft x64 on Linux, System V on Windows), called by the
 * host's exit machinery in the host's: the image's bridge makes the call.
 * (On arm64 every convention calls a handler alike: no twin is used.) */
static void run_bridged_handler(void *fn)
{
	objload_callconv cc = core_host_callconv() == OBJLOAD_CC_SYSV ?
		OBJLOAD_CC_MS_X64 : OBJLOAD_CC_SYSV;
	const cc_bridge *b = bridge_lookup(cc);

	if (b && b->call_init)
		b->call_init((uint64_t)(uintptr_t)fn);
}

static CORE_HELPER_ABI int session_atexit_ms(void (*fn)(void), objload_session *s)
{
	return os_atexit(run_bridged_handler, (void *)(uintptr_t)fn, s->dso_key);
}

/*
 * on_exit handlers of the images are the session's, like its atexit
 * handlers: registered with __cxa_atexit under the session's
 * __dso_handle, they run in the one LIFO order the C library keeps for
 * on_exit, atexit and __cxa_atexit, at exit() or when the session is
 * freed (__cxa_finalize), and never after the code is unmapped.  glibc
 * calls a __cxa_atexit function as fn(arg, status) from exit() and
 * fn(arg, 0) from __cxa_finalize: on_exit's status argument.
 */
struct on_exit_rec {
	void (*fn)(int, void *);
	void *arg;
};

static void run_on_exit(void *p, int status)
{
	struct on_exit_rec r = *(struct on_exit_rec *)p;

	free(p);
	r.fn(status, r.arg);
}

int bridge_on_exit(objload_session *s, void (*fn)(int, void *), void *arg)
{
	struct on_exit_rec *r;

	if (!fn)
		return -1;
	r = malloc(sizeof(*r));
	if (!r)
		return -1;
	r->fn = fn;
	r->arg = arg;
	if (os_atexit((void (*)(void *))(void (*)(void))run_on_exit, r, s->dso_key)) {
		free(r);
		return -1;
	}
	return 0;
}

/*
 * pthread_atfork and at_quick_exit are not in libc.so: a linked program
 * gets them from libc_nonshared.a, where each passes the caller's
 * __dso_handle to glibc's __register_atfork and __cxa_at_quick_exit, so
 * that unloading the object (__cxa_finalize) drops its fork handlers.
 * The session's handle plays that part here (os_atfork,
 * os_at_quick_exit).
 */
static CORE_HELPER_ABI int session_pthread_atfork(void (*prepare)(void), void (*parent)(void),
						  void (*child)(void), objload_session *s)
{
	return os_atfork(prepare, parent, child, s->dso_key);
}

static CORE_HELPER_ABI int session_at_quick_exit(void (*fn)(void), objload_session *s)
{
	return os_at_quick_exit(fn, s->dso_key);
}

static CORE_HELPER_ABI int session_on_exit(void (*fn)(int, void *), void *arg,
					   objload_session *s)
{
	return bridge_on_exit(s, fn, arg);
}

/* The builtins that are helpers with the session bound into them: a
 * bind thunk calling target(args..., session). */
static const struct {
	builtin_id id;
	void *target;
	unsigned nargs;
} thunk_builtins[] = {
	{ BUILTIN_ATEXIT, (void *)session_atexit, 1 },
	{ BUILTIN_ATEXIT_MS, (void *)session_atexit_ms, 1 },
	{ BUILTIN_ON_EXIT, (void *)session_on_exit, 2 },
	{ BUILTIN_PTHREAD_ATFORK, (void *)session_pthread_atfork, 3 },
	{ BUILTIN_AT_QUICK_EXIT, (void *)session_at_quick_exit, 1 },
	{ BUILTIN_EMUTLS, (void *)core_tls_emutls_address, 1 },
};

/* The runtime data block: __dso_handle's byte, then the canary. */
static objload_status runtime_block(objload_session *s, uint32_t *out)
{
	uint8_t *bytes;

	if (s->g.runtime_block == OBJLOAD_NO_INDEX) {
		uint32_t b = lg_new_block(s, LG_RUNTIME, CORE_RUNTIME_DATA_SIZE, 16,
					  OBJLOAD_PROT_READ | OBJLOAD_PROT_WRITE,
					  OBJLOAD_NO_INDEX);

		if (b == OBJLOAD_NO_INDEX)
			return OBJLOAD_ERR_NOMEM;
		bytes = lg_block_bytes(s, b);
		if (!bytes)
			return OBJLOAD_ERR_NOMEM;
		memcpy(bytes + CORE_RUNTIME_GUARD_OFFSET, &s->stack_chk_guard,
		       sizeof(s->stack_chk_guard));
		s->g.runtime_block = b;
	}
	*out = s->g.runtime_block;
	return OBJLOAD_OK;
}

/* A helper: a bind-thunk block calling `fn(args..., session)`. */
static objload_status helper_block(objload_session *s, uint64_t fn, unsigned nargs,
				   const char *name, uint32_t *out)
{
	lg_target callee = { .where = LG_ABSOLUTE, .value = fn };
	lg_target session = { .where = LG_ABSOLUTE, .value = (uint64_t)(uintptr_t)s };
	arch_code code;
	objload_status st;
	uint32_t b = lg_new_block(s, LG_BINDTHUNK, s->arch->bind_thunk_size, 16,
				  OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC, OBJLOAD_NO_INDEX);

	if (b == OBJLOAD_NO_INDEX)
		return OBJLOAD_ERR_NOMEM;
	st = s->arch->bind_thunk(lg_block_bytes(s, b), nargs, &code);
	if (st)
		return core_error(s, st, "cannot write the %s helper", name);
	st = lg_add_pointer_edge(s, b, code.slot[0], s->arch->pointer_kind, &callee, 0);
	if (!st)
		st = lg_add_pointer_edge(s, b, code.slot[1], s->arch->pointer_kind, &session, 0);
	*out = b;
	return st;
}

objload_status core_builtin_target(objload_session *s, builtin_id id, lg_target *out)
{
	objload_status st;
	uint32_t b = OBJLOAD_NO_INDEX;

	if ((unsigned)id >= BUILTIN_COUNT)
		return core_error(s, OBJLOAD_ERR_ARGUMENT, "no such runtime helper");
	if (s->builtin[id].where == LG_IN_BLOCK) {
		*out = s->builtin[id];
		return OBJLOAD_OK;
	}
	if (id == BUILTIN_TLS_GET_ADDR || id == BUILTIN_TLV_BOOTSTRAP)
		return core_tls_builtin(s, id == BUILTIN_TLV_BOOTSTRAP, out);
	if (id == BUILTIN_DSO_HANDLE || id == BUILTIN_STACK_CHK_GUARD) {
		st = runtime_block(s, &b);
		if (st)
			return st;
		s->builtin[id] = (lg_target){
			.where = LG_IN_BLOCK, .block = b,
			.value = id == BUILTIN_DSO_HANDLE ? CORE_RUNTIME_DSO_OFFSET :
				 CORE_RUNTIME_GUARD_OFFSET,
		};
	}
	for (size_t i = 0; i < sizeof(thunk_builtins) / sizeof(thunk_builtins[0]); i++) {
		if (thunk_builtins[i].id != id)
			continue;
		st = helper_block(s, (uint64_t)(uintptr_t)thunk_builtins[i].target,
				  thunk_builtins[i].nargs,
				  builtin_names[id] ? builtin_names[id] : "atexit", &b);
		if (st)
			return st;
		s->builtin[id] = (lg_target){ .where = LG_IN_BLOCK, .block = b };
	}
	*out = s->builtin[id];
	return OBJLOAD_OK;
}

/* Once placed: the session's atexit registrations are keyed by the
 * address of its __dso_handle byte, when the link has one. */
void core_builtins_placed(objload_session *s)
{
	uint32_t b = s->g.runtime_block;

	if (b != OBJLOAD_NO_INDEX && !s->g.blocks[b].drop && !s->link_only)
		s->dso_key = (void *)(uintptr_t)(s->g.blocks[b].target + CORE_RUNTIME_DSO_OFFSET);
}

typedef void (*init_fn)(void);

/* One function pointer of a table, read from the loaded (relocated) image. */
static init_fn table_entry(objload_session *s, size_t image,
			   const objload_init_table *t, uint64_t i)
{
	const uint8_t *work = core_section_work(s, (uint32_t)image, t->section);
	uint64_t v;

	if (!work)
		return NULL;
	memcpy(&v, work + t->offset + i * 8, 8);
	/* 0 and -1 are the terminators .ctors/.dtors may hold */
	if (v == 0 || v == UINT64_MAX)
		return NULL;
	return (init_fn)(uintptr_t)v;
}

struct table_ref {
	const objload_image *img;
	size_t image;
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
			refs[k].image = i;
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
		init_fn fn = table_entry(s, r->image, r->t, rev ? n - 1 - i : i);
		const cc_bridge *b;

		if (!fn)
			continue;
		if (core_callconv_compatible(r->img->callconv, core_host_callconv()))
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
	refs = s->rt && s->rt->constructors_ran ?
	       collect_tables(s, OBJLOAD_INIT_DESTRUCTOR, &n) : NULL;
	/* a .fini_array runs from its last entry; .dtors (reverse) forwards */
	for (size_t i = refs ? n : 0; i-- > 0;)
		run_table(s, &refs[i], 1);
	free(refs);
	/* the DLLs the program used go last, as Windows detaches them after
	 * the program's own exit-time functions (core/modules.c) */
	core_detach_images(s);
}

objload_status core_run_constructors(objload_session *s)
{
	struct table_ref *refs;
	objload_status st;
	size_t n;

	/* constructors may throw, crash or stop in a debugger: the images'
	 * unwind tables and symbols are registered first */
	st = core_unwind_register(s);
	if (st)
		return st;
	core_debug_register(s);
	if (os_atexit(run_destructors, s, s->dso_key))
		return core_error(s, OBJLOAD_ERR_NOMEM, "cannot register the destructors");
	s->initialized = 1;
	/* DLLs first: they are initialized before the program using them */
	st = core_attach_images(s);
	if (st)
		return st;
	refs = collect_tables(s, OBJLOAD_INIT_CONSTRUCTOR, &n);
	if (!refs)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	s->rt->constructors_ran = 1;
	for (size_t i = 0; i < n; i++)
		run_table(s, &refs[i], 0);
	free(refs);
	return OBJLOAD_OK;
}

objload_status core_runtime_prepare(objload_session *s)
{
	objload_status st = core_unwind_check_coff(s);

	if (!st)
		st = core_tls_check(s);
	if (!st)
		st = core_default_libs(s);
	return st;
}

#ifdef __GLIBC__
/* Is p inside memory the session is about to release? */
static int in_session_memory(const objload_session *s, const void *p)
{
	uint64_t a = (uint64_t)(uintptr_t)p;

	for (size_t i = 0; i < objload_segment_count(s); i++) {
		objload_segment_info g;

		if (objload_get_segment(s, i, &g) == OBJLOAD_OK &&
		    a >= g.target && a - g.target < g.size)
			return 1;
	}
	return 0;
}
#endif

/* A program may give a standard stream a buffer in its own data
 * (setvbuf(stdout, buf, _IOFBF, ...)).  exit() flushes it while the
 * images are mapped; a session freed before exit flushes it here and
 * leaves the stream unbuffered, so the C library never touches the
 * released memory. */
static void detach_stdio(const objload_session *s)
{
#ifdef __GLIBC__
	FILE *const streams[] = { stdin, stdout, stderr };

	for (size_t i = 0; i < 3; i++) {
		if (!streams[i] || !streams[i]->_IO_buf_base ||
		    !in_session_memory(s, streams[i]->_IO_buf_base))
			continue;
		fflush(streams[i]);
		setvbuf(streams[i], NULL, _IONBF, 0);
	}
#else
	(void)s;
#endif
}

void core_unload(objload_session *s)
{
	if (s->initialized) {
		/* on_exit and atexit handlers of the images, then
		 * run_destructors, all while the code is mapped */
		os_finalize(s->dso_key);
		s->initialized = 0;
	}
	if (s->allocated) {
		detach_stdio(s);
		core_debug_deregister(s);
		core_unwind_deregister(s);
	}
	core_modules_free(s);
	core_callbacks_free(s);
	core_tls_free(s);
	core_ifunc_free(s);
	if (s->allocated) {
		s->mm->release(s->mm_ctx, &s->request);
		s->allocated = 0;
	}
	if (s->rt) {
		core_unwind_deregister(s);   /* the handles, when nothing was allocated */
		free(s->rt);
		s->rt = NULL;
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
	if (g->res.where != LG_IN_BLOCK || s->g.blocks[g->res.block].kind != LG_SECTION ||
	    s->images[g->image]->sections[s->g.blocks[g->res.block].section].role !=
	    OBJLOAD_ROLE_CODE)
		return core_error(s, OBJLOAD_ERR_ARGUMENT,
				  "%s: entry point '%s' is not a function in a code section%s",
				  g->strength ? s->images[g->image]->path :
				  s->nimages ? s->images[0]->path : "objload", entry,
				  g->strength ? "" : " of the inputs");
	if (!core_callconv_compatible(s->images[g->image]->callconv, core_host_callconv())) {
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
