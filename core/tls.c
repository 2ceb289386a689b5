/* SPDX-License-Identifier: MIT */
/*
 * Thread-local storage of a session (docs/tls.md).
 *
 * objload loads code into a process that is already running: the C
 * library laid out its static TLS area when each thread started, and a
 * loaded object is no shared library the C library knows, so its
 * thread-local sections cannot join that area or glibc's dynamic TLS.
 * objload keeps them itself:
 *
 *   template  the "tls" pass gives every thread-local section of the
 *             link an offset in one template: the initialised ones
 *             (.tdata, __thread_data) first, then the zero-filled ones,
 *             each aligned; a linked image's sections (a shared library's
 *             PT_TLS) keep their relative layout and form a module of
 *             their own.  The sections themselves are placed read-only in
 *             the link like any data, so their relocations are applied;
 *             after the fixups the relocated bytes become the template.
 *   blocks    each thread that touches the session's thread-local data
 *             gets its own block on first use (the template's bytes, then
 *             zeros), found again through a thread key of the session (os_thread_key);
 *             the key's destructor frees it at thread exit, and
 *             objload_session_free frees every block.
 *   access    general-dynamic code calls __tls_get_addr with a {module,
 *             offset} pair: objload's (arch/x86_64/tls.c) answers for the
 *             session.  TLSDESC code calls through a descriptor {resolver,
 *             module, offset} whose resolver is objload's.  Initial-exec
 *             and local-exec code assumes a fixed distance from the thread
 *             pointer, which no block allocated later has: the arch
 *             rewrites each such instruction into a jump to a trampoline
 *             that asks the resolver (arch_ops.tls_rewrite).  Mach-O's
 *             __thread_vars descriptors call _tlv_bootstrap: objload's
 *             per-session thunk, which asks the same resolver.
 *
 * An image linked for an address (objload link) runs elsewhere, with no
 * objload around: its TLS gets a static executable's layout instead —
 * the template at a fixed distance from the thread pointer, the arch's
 * variant (tls_below_tp, tls_tcb_size) — so local-exec and initial-exec
 * offsets are constants, and descriptors use a resolver that returns
 * their second word.  General dynamic needs __tls_get_addr at run time and
 * is refused there.
 *
 * Thread-exit destructors may run after the session is freed: a thread's
 * key value is a small handle the session never frees (only its block),
 * which keeps the shared state (struct core_tls, reference-counted) alive
 * until the last handle is gone; the key is deleted then.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/log.h"
#include "core/tls.h"
#include "os/os.h"

_Static_assert(offsetof(core_tls_module, save_size) == 0,
	       "the arch resolvers read save_size at offset 0");

/* ---- per-thread blocks (run time) ----------------------------------------- */

struct tls_handle {
	struct tls_handle *next, *prev;
	struct core_tls *tls;
	uint8_t *block;          /* the template's copy, or NULL */
	void **emu;              /* emulated TLS: one object per index */
	size_t nemu;
};

/* What threads share with the session; outlives it while a thread that
 * touched the session's TLS has not exited. */
struct core_tls {
	os_mutex lock;
	os_thread_key key;
	int key_made;
	int dead;                /* the session was freed */
	unsigned refs;           /* the session, and every handle */
	struct tls_handle *handles;
	uint8_t *init;           /* the relocated template: init_size bytes */
	uint64_t init_size, size, align;
	uint64_t nemu;           /* emulated TLS: indices given out */
};

/* The session's view: the template's layout and the modules. */
struct core_tls_link {
	uint64_t *offset;        /* per block at plan time: its template offset */
	size_t noffset;
	uint64_t size, align;    /* of the template */
	uint64_t init_size;      /* the initialised part */
	int any;                 /* the link has thread-local sections */
	core_tls_module *modules;    /* [0] the relocatable images', then one per
					linked image; never moved */
	uint32_t *module_of;     /* per image: its module, or NO_INDEX */
	size_t nmodules;
	struct core_tls *rt;     /* in-process links */
};

static void tls_destroy(struct core_tls *t)
{
	if (t->key_made)
		os_thread_key_delete(t->key);
	free(t->init);
	free(t);
}

/* A thread's memory for the session: its block and emulated objects. */
static void tls_handle_release(struct tls_handle *h)
{
	os_aligned_free(h->block);
	h->block = NULL;
	for (size_t i = 0; i < h->nemu; i++)
		os_aligned_free(h->emu[i]);
	free(h->emu);
	h->emu = NULL;
	h->nemu = 0;
}

static void tls_unlink(struct core_tls *t, struct tls_handle *h)
{
	if (h->prev)
		h->prev->next = h->next;
	else
		t->handles = h->next;
	if (h->next)
		h->next->prev = h->prev;
}

/* The key's destructor: the thread is exiting. */
static void tls_thread_exit(void *p)
{
	struct tls_handle *h = p;
	struct core_tls *t = h->tls;
	int last;

	os_mutex_lock(&t->lock);
	tls_unlink(t, h);
	tls_handle_release(h);
	last = --t->refs == 0;
	os_mutex_unlock(&t->lock);
	free(h);
	if (last)
		tls_destroy(t);
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* The calling thread's handle, made on first use (t->lock held); NULL
 * when out of memory or when the session is gone. */
static struct tls_handle *tls_handle_locked(struct core_tls *t)
{
	struct tls_handle *h = os_thread_key_get(t->key);

	if (h || t->dead)
		return h;
	h = calloc(1, sizeof(*h));
	if (!h || os_thread_key_set(t->key, h)) {
		free(h);
		return NULL;
	}
	h->tls = t;
	h->next = t->handles;
	if (h->next)
		h->next->prev = h;
	t->handles = h;
	t->refs++;
	return h;
}

/* Memory of `size` bytes aligned to `align`, from `init` (init_size
 * bytes) then zeros. */
static void *tls_object(uint64_t size, uint64_t align, const void *init, uint64_t init_size)
{
	void *mem;

	if (align < sizeof(void *))
		align = sizeof(void *);
	if ((align & (align - 1)) || size > SIZE_MAX - align ||
	    !(mem = os_aligned_alloc(size ? align_up(size, align) : 1, align)))
		return NULL;
	if (init_size)
		memcpy(mem, init, init_size);
	memset((uint8_t *)mem + init_size, 0, size - init_size);
	return mem;
}

/* The calling thread's block, made on first use; NULL when out of memory
 * or when the session is gone. */
static uint8_t *tls_thread_block(struct core_tls *t)
{
	struct tls_handle *h = os_thread_key_get(t->key);
	uint8_t *block = NULL;

	if (h && h->block)
		return h->block;
	os_mutex_lock(&t->lock);
	h = tls_handle_locked(t);
	if (h && !t->dead) {
		h->block = tls_object(t->size, t->align, t->init, t->init_size);
		block = h->block;
	}
	os_mutex_unlock(&t->lock);
	return block;
}

/*
 * Emulated TLS (GCC's -femulated-tls, MinGW gcc's default; clang with
 * -femulated-tls): code calls __emutls_get_address(&__emutls_v.x) with a
 * control object {size, align, index, template} in its own data; the
 * first call gives the object an index, and each thread keeps one object
 * per index.  libgcc's layout, with the index space and the threads'
 * objects kept per session.
 */
struct emutls_object {
	uint64_t size, align;
	uint64_t index;          /* 0 until first use */
	const void *templ;       /* NULL: zeros */
};

CORE_HELPER_ABI void *core_tls_emutls_address(void *control, objload_session *s)
{
	struct emutls_object *obj = control;
	struct core_tls *t = s->tls ? s->tls->rt : NULL;
	struct tls_handle *h;
	uint64_t index;
	void *p = NULL;

	if (!t)
		return NULL;
	h = os_thread_key_get(t->key);
	index = __atomic_load_n(&obj->index, __ATOMIC_ACQUIRE);
	if (h && index && index <= h->nemu && h->emu[index - 1])
		return h->emu[index - 1];
	os_mutex_lock(&t->lock);
	h = tls_handle_locked(t);
	if (!h || t->dead)
		goto out;
	index = obj->index;
	if (!index) {
		index = ++t->nemu;
		__atomic_store_n(&obj->index, index, __ATOMIC_RELEASE);
	}
	if (index > h->nemu) {
		size_t n = (size_t)index + 16;
		void **v = realloc(h->emu, n * sizeof(*v));

		if (!v)
			goto out;
		memset(v + h->nemu, 0, (n - h->nemu) * sizeof(*v));
		h->emu = v;
		h->nemu = n;
	}
	if (!h->emu[index - 1])
		h->emu[index - 1] = tls_object(obj->size, obj->align, obj->templ,
					       obj->templ ? obj->size : 0);
	p = h->emu[index - 1];
out:
	os_mutex_unlock(&t->lock);
	return p;
}

void *core_tls_address(const core_tls_module *m, uint64_t offset)
{
	uint8_t *block = tls_thread_block(m->tls);

	return block ? block + m->base + offset : NULL;
}

void *core_tls_index_address(const uint64_t pair[2])
{
	return core_tls_address((const core_tls_module *)(uintptr_t)pair[0], pair[1]);
}

void *core_tls_desc_fast(const uint64_t desc[3])
{
	const core_tls_module *m = (const core_tls_module *)(uintptr_t)desc[1];
	const struct tls_handle *h = os_thread_key_get(m->tls->key);

	return h && h->block ? h->block + m->base + desc[2] : NULL;
}

void *core_tls_desc_address(const uint64_t desc[3])
{
	return core_tls_address((const core_tls_module *)(uintptr_t)desc[1], desc[2]);
}

void core_tls_free(objload_session *s)
{
	struct core_tls_link *tl = s->tls;
	struct core_tls *t;
	struct tls_handle *mine;
	int last;

	if (!tl)
		return;
	t = tl->rt;
	if (t) {
		/* every thread's memory goes; the calling thread's handle
		 * too, the other threads' handles when they exit */
		mine = os_thread_key_get(t->key);
		if (mine)
			os_thread_key_set(t->key, NULL);
		os_mutex_lock(&t->lock);
		t->dead = 1;
		for (struct tls_handle *h = t->handles; h; h = h->next)
			tls_handle_release(h);
		if (mine) {
			tls_unlink(t, mine);
			t->refs--;
		}
		last = --t->refs == 0;
		os_mutex_unlock(&t->lock);
		free(mine);
		if (last)
			tls_destroy(t);
	}
	free(tl->offset);
	free(tl->modules);
	free(tl->module_of);
	free(tl);
	s->tls = NULL;
}

/* ---- the session's state --------------------------------------------------- */

/* Created on first use, once the images are final (resolution). */
static struct core_tls_link *tls_link(objload_session *s)
{
	struct core_tls_link *tl = s->tls;

	if (tl)
		return tl;
	tl = calloc(1, sizeof(*tl));
	if (!tl)
		return NULL;
	tl->modules = calloc(s->nimages + 1, sizeof(*tl->modules));
	tl->module_of = malloc((s->nimages ? s->nimages : 1) * sizeof(*tl->module_of));
	if (!tl->modules || !tl->module_of) {
		free(tl->modules);
		free(tl->module_of);
		free(tl);
		return NULL;
	}
	for (size_t i = 0; i < s->nimages; i++)
		tl->module_of[i] = OBJLOAD_NO_INDEX;
	tl->nmodules = 1;
	s->tls = tl;
	return tl;
}

/* The shared part, for an in-process link. */
static objload_status tls_runtime(objload_session *s, struct core_tls_link *tl)
{
	struct core_tls *t;

	if (tl->rt || s->link_only)
		return OBJLOAD_OK;
	t = calloc(1, sizeof(*t));
	if (!t)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	os_mutex_init(&t->lock);
	if (os_thread_key_create(&t->key, tls_thread_exit)) {
		free(t);
		return core_error(s, OBJLOAD_ERR_NOMEM,
				  "no thread key is left for the session's thread-local storage");
	}
	t->key_made = 1;
	t->refs = 1;
	t->align = 1;
	tl->rt = t;
	for (size_t m = 0; m < s->nimages + 1; m++) {
		tl->modules[m].tls = t;
		tl->modules[m].save_size = s->arch->tls_save_size ? s->arch->tls_save_size() : 0;
	}
	return OBJLOAD_OK;
}

const core_tls_module *core_tls_image_module(const objload_session *s, uint32_t image)
{
	const struct core_tls_link *tl = s->tls;

	if (!tl || !tl->rt || image >= s->nimages || tl->module_of[image] == OBJLOAD_NO_INDEX)
		return NULL;
	return &tl->modules[tl->module_of[image]];
}

/* ---- refusals before resolution -------------------------------------------- */

/* Is image edge e thread-local with `flags` all set? */
static int edge_is(const objload_session *s, const objload_image *img, size_t e,
		   uint32_t flags)
{
	const objload_edge *ed = &img->edges[e];

	return ed->kind < s->arch->nkinds && (s->arch->kinds[ed->kind].flags & flags) == flags;
}

static const char *edge_reloc(const objload_image *img, size_t e)
{
	const char *n = img->format->reloc_name ?
		img->format->reloc_name(img, img->edges[e].native_type) : NULL;

	return n ? n : objload_kind_name(img->arch, img->edges[e].kind);
}

objload_status core_tls_check(objload_session *s)
{
	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];

		for (uint32_t j = 0; j < img->nsymbols; j++) {
			const objload_symbol *sym = &img->symbols[j];

			if (sym->def != OBJLOAD_DEF_UNDEFINED || !sym->cname)
				continue;
			if (strcmp(sym->cname, "_tls_index") == 0)
				return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
						  "%s: thread-local variables compiled for Windows use Microsoft's "
						  "implicit TLS ('_tls_index' and the thread environment block at "
						  "gs:[0x58]), which objload does not emulate on this host; build "
						  "them with -femulated-tls (clang) or with MinGW gcc, whose emulated "
						  "TLS works (docs/tls.md)", img->path);
			if (strcmp(sym->cname, "_tlv_bootstrap") == 0 && s->link_only)
				return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
						  "%s: Mach-O thread-local variables call objload's _tlv_bootstrap "
						  "at run time, which an image linked for another address does not "
						  "have", img->path);
		}
		for (size_t e = 0; e < img->nedges; e++) {
			if (!edge_is(s, img, e, OBJLOAD_KF_TLS))
				continue;
			if (!s->link_only && !s->arch->tls_desc_resolver)
				return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
						  "%s: section %s offset 0x%" PRIx64 ": %s: thread-local storage "
						  "in a running process is not supported on this host (%s %s) "
						  "yet: objload's resolvers are x86-64 System V code "
						  "(docs/hosts.md)",
						  img->path, img->sections[img->edges[e].section].name,
						  img->edges[e].offset, edge_reloc(img, e), os_name(),
						  s->arch->name);
			if (s->link_only && edge_is(s, img, e, OBJLOAD_KF_TLS | OBJLOAD_KF_TLSINDEX))
				return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
						  "%s: section %s offset 0x%" PRIx64 ": %s: a general- or "
						  "local-dynamic thread-local access calls __tls_get_addr at run "
						  "time, which an image linked for another address does not have; "
						  "compile with -ftls-model=initial-exec or local-exec (or, on "
						  "AArch64, the default TLS descriptors)",
						  img->path, img->sections[img->edges[e].section].name,
						  img->edges[e].offset, edge_reloc(img, e));
		}
	}
	return OBJLOAD_OK;
}

/* ---- the template ----------------------------------------------------------- */

static int is_tls_block(const objload_session *s, uint32_t b)
{
	const lg_block *blk = &s->g.blocks[b];

	return blk->kind == LG_SECTION && !blk->drop &&
	       s->images[blk->image]->sections[blk->section].role == OBJLOAD_ROLE_TLS;
}

/* Lay out the template: relocatable images' sections, initialised ones
 * first; then each linked image's as a unit at its own distances. */
static objload_status tls_layout(objload_session *s, struct core_tls_link *tl)
{
	uint64_t off = 0, align = 1;

	tl->noffset = s->g.nblocks;
	tl->offset = calloc(tl->noffset ? tl->noffset : 1, sizeof(*tl->offset));
	if (!tl->offset)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	for (int zero = 0; zero < 2; zero++) {
		for (size_t b = 0; b < tl->noffset; b++) {
			const lg_block *blk = &s->g.blocks[b];

			if (!is_tls_block(s, (uint32_t)b) ||
			    s->images[blk->image]->kind != OBJLOAD_IMAGE_RELOCATABLE ||
			    (blk->bytes == NULL) != zero)
				continue;
			off = align_up(off, blk->align);
			tl->offset[b] = off;
			off += blk->size;
			if (blk->align > align)
				align = blk->align;
			tl->module_of[blk->image] = 0;
			tl->any = 1;
			if (!zero)
				tl->init_size = off;
		}
	}
	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];
		uint32_t base = core_of(img)->block_base;
		uint64_t lo = UINT64_MAX, hi = 0, ualign = 1;

		if (img->kind == OBJLOAD_IMAGE_RELOCATABLE)
			continue;
		for (uint32_t j = 0; j < img->nsections; j++) {
			const objload_section *sec = &img->sections[j];

			if (!is_tls_block(s, base + j))
				continue;
			if (sec->file_addr < lo)
				lo = sec->file_addr;
			if (sec->file_addr + sec->size > hi)
				hi = sec->file_addr + sec->size;
			if (sec->align > ualign)
				ualign = sec->align;
		}
		if (lo == UINT64_MAX)
			continue;
		/* the unit keeps its alignment phase: lo's offset in ualign */
		off = align_up(off, ualign) + (lo & (ualign - 1));
		tl->modules[tl->nmodules].base = off;
		tl->module_of[i] = (uint32_t)tl->nmodules++;
		for (uint32_t j = 0; j < img->nsections; j++)
			if (is_tls_block(s, base + j))
				tl->offset[base + j] = off + (img->sections[j].file_addr - lo);
		off += hi - lo;
		tl->init_size = off;    /* a linked unit keeps its zeros inside */
		if (ualign > align)
			align = ualign;
		tl->any = 1;
	}
	tl->size = off;
	tl->align = align;
	return OBJLOAD_OK;
}

/* The template offset of what node t points at (a thread-local section). */
static int tls_target_offset(const objload_session *s, const lg_target *t, uint64_t *out,
			     uint32_t *module)
{
	const struct core_tls_link *tl = s->tls;
	uint32_t m;

	if (!tl || t->where != LG_IN_BLOCK || t->block >= tl->noffset || !is_tls_block(s, t->block))
		return 0;
	m = tl->module_of[s->g.blocks[t->block].image];
	if (m == OBJLOAD_NO_INDEX)
		return 0;
	*out = tl->offset[t->block] + t->value - tl->modules[m].base;
	*module = m;
	return 1;
}

/* The static layout's distance from the thread pointer to template
 * offset `abs` (objload link). */
static uint64_t tls_static_tp(const objload_session *s, uint64_t abs)
{
	const struct core_tls_link *tl = s->tls;

	if (s->arch->tls_below_tp)
		return abs - align_up(tl->size, tl->align);
	return align_up(s->arch->tls_tcb_size, tl->align) + abs;
}

objload_status core_tls_letters(objload_session *s, const lg_edge *ed, arch_fixup *fx)
{
	const lg_target *t;
	uint64_t off;
	uint32_t m;
	char where[512];

	if (ed->node == OBJLOAD_NO_INDEX)
		return OBJLOAD_OK;
	t = &s->g.nodes[ed->node].t;
	if (!tls_target_offset(s, t, &off, &m)) {
		core_edge_where(s, ed, where, sizeof(where));
		return core_error(s, OBJLOAD_ERR_FORMAT,
				  "%s: the thread-local reference does not reach a thread-local "
				  "section the link loads", where);
	}
	fx->T = off;
	fx->TP = tls_static_tp(s, off + s->tls->modules[m].base);
	fx->M = s->link_only ? 1 : (uint64_t)(uintptr_t)&s->tls->modules[m];
	return OBJLOAD_OK;
}

/* ---- entries ---------------------------------------------------------------- */

/* What an entry is, in its key's `from` field. */
enum tls_entry_sort {
	TLS_ENTRY_PAIR = 1,       /* {module, T}: general dynamic */
	TLS_ENTRY_MODULE_PAIR,    /* {module, 0}: local dynamic */
	TLS_ENTRY_DESC,           /* {resolver, module, T} */
	TLS_ENTRY_STATIC_DESC,    /* {static resolver, TP} */
	TLS_ENTRY_STATIC_RESOLVER,/* the static resolver's code */
	TLS_ENTRY_TP_SLOT,        /* TP: initial exec, static layout */
	TLS_ENTRY_TLV_THUNK,      /* Mach-O's _tlv_bootstrap */
};

static objload_status tls_pointer(objload_session *s, uint32_t b, uint64_t at, uint64_t value)
{
	lg_target t = { .where = LG_ABSOLUTE, .value = value };

	return lg_add_pointer_edge(s, b, at, s->arch->pointer_kind, &t, 0);
}

static uint64_t module_address(const struct core_tls_link *tl, uint32_t m)
{
	return (uint64_t)(uintptr_t)&tl->modules[m];
}

/* The static layout's descriptor resolver, once per link. */
static objload_status static_resolver(objload_session *s, uint32_t *out)
{
	lg_target none = { .where = LG_ABSOLUTE, .value = 0 };
	lg_entry_key key = lg_key(LG_TLS, OBJLOAD_NO_INDEX, &none);
	arch_code code;

	key.from = TLS_ENTRY_STATIC_RESOLVER;
	if (lg_find_entry(&s->g, &key, out))
		return OBJLOAD_OK;
	*out = lg_new_block(s, LG_TLS, s->arch->tls_static_desc_size, 16,
			    OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC, OBJLOAD_NO_INDEX);
	if (*out == OBJLOAD_NO_INDEX)
		return OBJLOAD_ERR_NOMEM;
	s->arch->tls_static_desc(lg_block_bytes(s, *out), &code);
	return lg_put_entry(s, &key, *out);
}

/* The entry of edge ed (block b's area): a pair, a descriptor or a slot. */
static objload_status tls_entry(objload_session *s, uint32_t area, lg_edge *ed,
				uint32_t flags, uint32_t *out)
{
	struct core_tls_link *tl = s->tls;
	lg_target t = s->g.nodes[ed->node].t, var = t;
	enum tls_entry_sort sort;
	uint64_t off;
	uint32_t m = 0, b, stat = OBJLOAD_NO_INDEX;
	lg_entry_key key;
	objload_status st = OBJLOAD_OK;
	uint64_t size;

	if (!tls_target_offset(s, &t, &off, &m))
		return OBJLOAD_ERR_FORMAT;   /* reported by the edges pass */
	if (flags & OBJLOAD_KF_TLSINDEX) {
		sort = flags & OBJLOAD_KF_TLSMODULE ? TLS_ENTRY_MODULE_PAIR : TLS_ENTRY_PAIR;
		size = 16;
		if (sort == TLS_ENTRY_MODULE_PAIR)
			t = (lg_target){ .where = LG_ABSOLUTE, .value = m };
	} else if (flags & OBJLOAD_KF_TLSDESC) {
		sort = s->link_only ? TLS_ENTRY_STATIC_DESC : TLS_ENTRY_DESC;
		size = s->link_only ? 16 : 24;
	} else {
		sort = TLS_ENTRY_TP_SLOT;
		size = 8;
	}
	key = lg_key(LG_TLS, area, &t);
	key.from = sort;
	if (lg_find_entry(&s->g, &key, out))
		return OBJLOAD_OK;
	if (sort == TLS_ENTRY_STATIC_DESC) {
		st = static_resolver(s, &stat);
		if (st)
			return st;
	}
	b = lg_new_block(s, LG_TLS, size, 8, OBJLOAD_PROT_READ, area);
	if (b == OBJLOAD_NO_INDEX)
		return OBJLOAD_ERR_NOMEM;
	switch (sort) {
	case TLS_ENTRY_PAIR:
		st = tls_pointer(s, b, 0, module_address(tl, m));
		if (!st)
			st = lg_add_pointer_edge(s, b, 8, s->arch->tls_offset_kind, &var, 0);
		break;
	case TLS_ENTRY_MODULE_PAIR:
		st = tls_pointer(s, b, 0, module_address(tl, m));
		break;
	case TLS_ENTRY_DESC:
		st = tls_pointer(s, b, 0, (uint64_t)(uintptr_t)s->arch->tls_desc_resolver);
		if (!st)
			st = tls_pointer(s, b, 8, module_address(tl, m));
		if (!st)
			st = lg_add_pointer_edge(s, b, 16, s->arch->tls_offset_kind, &var, 0);
		break;
	case TLS_ENTRY_STATIC_DESC: {
		lg_target code = { .where = LG_IN_BLOCK, .block = stat, .value = 0 };

		st = lg_add_pointer_edge(s, b, 0, s->arch->pointer_kind, &code, 0);
		if (!st)
			st = lg_add_pointer_edge(s, b, 8, s->arch->tls_tpoff_kind, &var, 0);
		break;
	}
	default:
		st = lg_add_pointer_edge(s, b, 0, s->arch->tls_tpoff_kind, &var, 0);
		break;
	}
	if (!st)
		st = lg_put_entry(s, &key, b);
	if (!st)
		core_log_synthesized(s, b, &var, sort == TLS_ENTRY_PAIR || sort == TLS_ENTRY_MODULE_PAIR ?
				     "__tls_get_addr reads a {module, offset} pair" :
				     sort == TLS_ENTRY_TP_SLOT ? "initial-exec code loads its TP offset" :
				     "code calls through a TLS descriptor");
	*out = b;
	return st;
}

/* Does another edge of block b patch a byte of [start, end)? */
static int site_overlaps(const objload_session *s, uint32_t b, uint32_t self,
			 uint64_t start, uint64_t end)
{
	const lg_block *blk = &s->g.blocks[b];

	for (uint32_t e = blk->first_edge; e < blk->first_edge + blk->nedges; e++) {
		const lg_edge *o = &s->g.edges[e];
		unsigned w = s->arch->kinds[o->kind].width;

		if (e != self && o->offset < end && o->offset + (w ? w : 1) > start)
			return 1;
	}
	return 0;
}

/* Rewrite an initial-exec or local-exec access into a jump to its
 * trampoline (in-process links). */
static objload_status tls_rewrite(objload_session *s, uint32_t b, uint32_t e)
{
	struct core_tls_link *tl = s->tls;
	const lg_block *blk = &s->g.blocks[b];
	const objload_section *sec = &s->images[blk->image]->sections[blk->section];
	lg_edge ed = s->g.edges[e];
	lg_target var = s->g.nodes[ed.node].t, back;
	arch_tls_site site;
	uint32_t tramp, area = blk->area, m;
	uint64_t off;
	char err[384], where[512];
	objload_status st;

	if (!tls_target_offset(s, &var, &off, &m))
		return OBJLOAD_ERR_FORMAT;
	core_edge_where(s, &ed, where, sizeof(where));
	if (!s->arch->tls_rewrite || s->arch->kinds[ed.kind].width != 4 ||
	    sec->role != OBJLOAD_ROLE_CODE)
		return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
				  "%s: a thread-pointer offset in data cannot be served in a running "
				  "process, where each thread's block is allocated by objload", where);
	tramp = lg_new_block(s, LG_TLS, s->arch->tls_tramp_size, 16,
			     OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC, area);
	if (tramp == OBJLOAD_NO_INDEX)
		return OBJLOAD_ERR_NOMEM;
	err[0] = 0;
	st = s->arch->tls_rewrite(ed.kind, sec->bytes, sec->size, ed.offset, ed.addend,
				  lg_block_bytes(s, tramp), &site, err, sizeof(err));
	if (st)
		return core_error(s, st, "%s: %s; compile with -fPIC (or "
				  "-ftls-model=global-dynamic) to avoid rewriting", where, err);
	if (site.start > ed.offset || site.end > sec->size || site_overlaps(s, b, e, site.start, site.end))
		return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
				  "%s: another relocation patches the same instruction "
				  "(offsets 0x%" PRIx64 "-0x%" PRIx64 "), which cannot be moved",
				  where, site.start, site.end);
	s->g.blocks[tramp].size = site.size;
	back = (lg_target){ .where = LG_IN_BLOCK, .block = b, .value = site.end };
	st = tls_pointer(s, tramp, site.desc, (uint64_t)(uintptr_t)s->arch->tls_desc_resolver);
	if (!st)
		st = tls_pointer(s, tramp, site.desc + 8, module_address(tl, m));
	if (!st)
		st = lg_add_pointer_edge(s, tramp, site.desc + 16, s->arch->tls_offset_kind, &var,
					 site.var_addend);
	if (!st)
		st = lg_add_pointer_edge(s, tramp, site.back, site.back_kind, &back, site.back_addend);
	if (st)
		return st;
	s->g.edges[e].offset = site.jump_field;
	s->g.edges[e].kind = (uint16_t)site.jump_kind;
	s->g.edges[e].addend = site.jump_addend;
	s->g.edges[e].entry = tramp;
	core_log_synthesized(s, tramp, &var, "an initial- or local-exec access rewritten to ask "
			     "objload's resolver");
	return OBJLOAD_OK;
}

objload_status core_tls_plan(objload_session *s)
{
	struct core_tls_link *tl;
	size_t nblocks = s->g.nblocks;
	int any_edge = 0;
	objload_status st;

	LG_FOR_EACH_LIVE_EDGE(&s->g, b, e)
		any_edge |= (s->arch->kinds[s->g.edges[e].kind].flags & OBJLOAD_KF_TLS) != 0;
	/* emulated TLS needs the threads' handles, not a template */
	any_edge |= s->builtin[BUILTIN_EMUTLS].where == LG_IN_BLOCK;
	if (!any_edge && !s->tls) {
		int any_section = 0;

		for (size_t b = 0; b < nblocks && !any_section; b++)
			any_section = is_tls_block(s, (uint32_t)b);
		if (!any_section)
			return OBJLOAD_OK;
	}
	tl = tls_link(s);
	if (!tl)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	st = tls_layout(s, tl);
	if (!st)
		st = tls_runtime(s, tl);
	if (st)
		return st;
	core_log(s, OBJLOAD_LOG_SYNTHESIZED, "thread-local template: %" PRIu64 " bytes (%" PRIu64
		 " initialised), aligned to %" PRIu64 ", %zu module%s", tl->size, tl->init_size,
		 tl->align, tl->nmodules, tl->nmodules == 1 ? "" : "s");
	for (size_t b = 0; b < nblocks; b++) {
		if (s->g.blocks[b].drop || !s->g.blocks[b].nedges)
			continue;
		for (uint32_t e = s->g.blocks[b].first_edge;
		     e < s->g.blocks[b].first_edge + s->g.blocks[b].nedges; e++) {
			uint32_t flags = s->arch->kinds[s->g.edges[e].kind].flags, entry;

			if (!(flags & OBJLOAD_KF_TLS) || s->g.edges[e].node == OBJLOAD_NO_INDEX)
				continue;
			if ((flags & OBJLOAD_KF_TPREL) && !s->link_only) {
				st = tls_rewrite(s, (uint32_t)b, e);
			} else if (flags & OBJLOAD_KF_GOT) {
				st = tls_entry(s, s->g.blocks[b].area, &s->g.edges[e], flags, &entry);
				if (!st)
					s->g.edges[e].entry = entry;
			}
			if (st)
				return st;
		}
	}
	return OBJLOAD_OK;
}

/* After the fixups: the relocated template, for the threads' blocks. */
objload_status core_tls_finish(objload_session *s)
{
	struct core_tls_link *tl = s->tls;
	struct core_tls *t;

	if (!tl || !tl->rt)
		return OBJLOAD_OK;
	t = tl->rt;
	t->init = calloc(1, tl->init_size ? tl->init_size : 1);
	if (!t->init)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory for the thread-local template");
	for (size_t b = 0; b < tl->noffset; b++) {
		const lg_block *blk = &s->g.blocks[b];

		if (!is_tls_block(s, (uint32_t)b) || !blk->bytes ||
		    tl->offset[b] + blk->size > tl->init_size)
			continue;
		memcpy(t->init + tl->offset[b], blk->work, blk->size);
	}
	t->init_size = tl->init_size;
	t->size = tl->size;
	t->align = tl->align;
	return OBJLOAD_OK;
}

/*
 * _TLS_MODULE_BASE_, which a static linker defines at the start of the
 * TLS segment: local-dynamic code with TLS descriptors (gcc
 * -mtls-dialect=gnu2) asks for its address once and adds DTPOFF offsets.
 * The template's offset 0 is the first initialised thread-local section
 * of a relocatable image (the one tls_layout places first; the reference
 * keeps it from being dead-stripped), else the first zero-filled one.
 */
int core_tls_module_base(objload_session *s, const char *name, lg_target *out)
{
	if (strcmp(name, "_TLS_MODULE_BASE_") != 0)
		return 0;
	for (int zero = 0; zero < 2; zero++)
		for (size_t i = 0; i < s->nimages; i++) {
			const objload_image *img = s->images[i];
			uint32_t base = core_of(img)->block_base;

			if (img->kind != OBJLOAD_IMAGE_RELOCATABLE)
				continue;
			for (uint32_t j = 0; j < img->nsections; j++)
				if (img->sections[j].role == OBJLOAD_ROLE_TLS &&
				    !s->g.blocks[base + j].drop &&
				    (s->g.blocks[base + j].bytes == NULL) == zero) {
					*out = (lg_target){ .where = LG_IN_BLOCK, .block = base + j };
					return 1;
				}
		}
	return 0;
}

int core_tls_lookup(objload_session *s, const lg_target *t, void **out)
{
	uint64_t off;
	uint32_t m;

	if (!s->tls || !s->tls->rt || !tls_target_offset(s, t, &off, &m))
		return 0;
	*out = core_tls_address(&s->tls->modules[m], off);
	return 1;
}

/* ---- runtime helpers: __tls_get_addr, _tlv_bootstrap ---------------------- */

objload_status core_tls_builtin(objload_session *s, int tlv, lg_target *out)
{
	struct core_tls_link *tl = tls_link(s);
	lg_target none = { .where = LG_ABSOLUTE, .value = 0 };
	lg_entry_key key = lg_key(LG_TLS, OBJLOAD_NO_INDEX, &none);
	arch_code code;
	uint32_t b;
	objload_status st;

	if (!tl)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	if (!tlv) {
		*out = (lg_target){ .where = LG_ABSOLUTE,
				    .value = (uint64_t)(uintptr_t)s->arch->tls_get_addr };
		return OBJLOAD_OK;
	}
	if (!s->arch->tlv_thunk)
		return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
				  "Mach-O thread-local variables are not supported on %s yet",
				  s->arch->name);
	key.from = TLS_ENTRY_TLV_THUNK;
	if (!lg_find_entry(&s->g, &key, &b)) {
		b = lg_new_block(s, LG_TLS, s->arch->tlv_thunk_size, 16,
				 OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC, OBJLOAD_NO_INDEX);
		if (b == OBJLOAD_NO_INDEX)
			return OBJLOAD_ERR_NOMEM;
		s->arch->tlv_thunk(lg_block_bytes(s, b), &code);
		st = tls_pointer(s, b, code.slot[0], (uint64_t)(uintptr_t)s->arch->tls_desc_resolver);
		if (!st)
			st = tls_pointer(s, b, code.slot[1], module_address(tl, 0));
		if (!st)
			st = lg_put_entry(s, &key, b);
		if (st)
			return st;
	}
	*out = (lg_target){ .where = LG_IN_BLOCK, .block = b, .value = 0 };
	return OBJLOAD_OK;
}
