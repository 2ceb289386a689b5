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
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>

#include "abi/bridge.h"
#include "core/core.h"
#include "core/rt.h"

struct code_query {
	uint64_t addr;
	int is_code;
};

static int find_code_segment(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct code_query *q = arg;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uint64_t start = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && q->addr >= start &&
		    q->addr - start < ph->p_memsz) {
			q->is_code = (ph->p_flags & PF_X) != 0;
			return 1;
		}
	}
	return 0;
}

/* Is a host address inside an executable segment of a loaded object?
 * (A function's address may be an IFUNC's implementation, which has no
 * exported symbol of its own.) */
int core_host_address_is_code(uint64_t addr)
{
	struct code_query q = { .addr = addr, .is_code = 0 };

	dl_iterate_phdr(find_code_segment, &q);
	return q.is_code;
}

/* The number of entries of a dynamic symbol table, from DT_HASH or, when
 * only DT_GNU_HASH is there, from the highest symbol its chains reach. */
static size_t dynsym_count(const ElfW(Word) *hash, const uint32_t *gnu)
{
	uint32_t nbuckets, symoffset, bloom, last = 0;
	const uint32_t *buckets, *chain;

	if (hash)
		return hash[1];
	if (!gnu)
		return 0;
	nbuckets = gnu[0];
	symoffset = gnu[1];
	bloom = gnu[2];
	buckets = gnu + 4 + bloom * (sizeof(ElfW(Addr)) / 4);
	chain = buckets + nbuckets;
	for (uint32_t b = 0; b < nbuckets; b++)
		if (buckets[b] > last)
			last = buckets[b];
	if (last < symoffset)
		return symoffset;
	while (!(chain[last - symoffset] & 1))
		last++;
	return (size_t)last + 1;
}

/* The size of the host's data object `name` at `addr`, from the dynamic
 * symbol table of the object holding it.  (dladdr1 may name another
 * symbol at the same address, such as a size-0 __bss_start.) */
int core_host_object_size(uint64_t addr, const char *name, uint64_t *size)
{
	struct link_map *lm = NULL;
	const ElfW(Sym) *symtab = NULL;
	const ElfW(Word) *hash = NULL;
	const uint32_t *gnu = NULL;
	const char *strtab = NULL;
	Dl_info info;
	size_t n;

	if (!dladdr1((void *)(uintptr_t)addr, &info, (void **)&lm, RTLD_DL_LINKMAP) || !lm)
		return 0;
	for (const ElfW(Dyn) *d = lm->l_ld; d && d->d_tag != DT_NULL; d++) {
		ElfW(Addr) p = d->d_un.d_ptr;

		/* glibc relocates these in place; be safe if it did not */
		if (p < lm->l_addr)
			p += lm->l_addr;
		switch (d->d_tag) {
		case DT_SYMTAB: symtab = (const ElfW(Sym) *)p; break;
		case DT_STRTAB: strtab = (const char *)p; break;
		case DT_HASH: hash = (const ElfW(Word) *)p; break;
		case DT_GNU_HASH: gnu = (const uint32_t *)p; break;
		default: break;
		}
	}
	if (!symtab || !strtab)
		return 0;
	n = dynsym_count(hash, gnu);
	for (size_t i = 0; i < n; i++) {
		const ElfW(Sym) *sym = &symtab[i];

		if (sym->st_shndx == SHN_UNDEF || !sym->st_size ||
		    lm->l_addr + sym->st_value != addr ||
		    strcmp(strtab + sym->st_name, name) != 0)
			continue;
		*size = sym->st_size;
		return 1;
	}
	return 0;
}

void *core_bridged_host_symbol(objload_session *s, objload_callconv cc,
			       const char *name)
{
	const cc_bridge *b;
	void *bound;

	if (cc == OBJLOAD_CC_SYSV)
		return NULL;
	b = bridge_lookup(cc);
	if (b && (bound = core_bound_bridge_symbol(s, b, name)))   /* core/callbacks.c */
		return bound;
	return b && b->host_symbol ? b->host_symbol(name) : NULL;
}

objload_status core_check_bridges(objload_session *s)
{
	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];

		if (img->callconv != OBJLOAD_CC_SYSV && !bridge_lookup(img->callconv))
			return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
					  "%s: objload has no bridge for this image's calling convention yet",
					  img->path);
	}
	return OBJLOAD_OK;
}

static int is_code_target(objload_session *s, const symres *r, const objload_symbol *sym)
{
	switch (r->kind) {
	case RES_SECTION:
		return s->images[r->image]->sections[r->section].role == OBJLOAD_ROLE_CODE &&
		       sym->type != OBJLOAD_SYM_OBJECT;
	case RES_ADDRESS:
		return core_host_address_is_code(r->value);
	case RES_BUILTIN:
		return r->value == BUILTIN_ATEXIT || r->value == BUILTIN_ATEXIT_MS;
	default:
		return 0;
	}
}

static objload_status need_ccthunk(objload_session *s, symres *r,
				   objload_callconv from, objload_callconv to)
{
	uint64_t k1 = (uint64_t)r->kind | (uint64_t)from << 8 | (uint64_t)to << 12 |
		      (uint64_t)r->image << 16 | (uint64_t)r->section << 40;
	uint32_t idx;

	if (!s->arch->write_cc_thunk)
		return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
				  "arch %s cannot bridge calling conventions yet", s->arch->name);
	if (!hashmap_get_int(&s->ccthunk_index, k1 ^ ((uint64_t)r->global << 44), r->value, &idx)) {
		struct cc_thunk *t;

		if (s->nccthunks == s->ccthunks_cap) {
			size_t ncap = s->ccthunks_cap ? s->ccthunks_cap * 2 : 16;
			struct cc_thunk *n = realloc(s->ccthunks, ncap * sizeof(*n));

			if (!n)
				return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
			s->ccthunks = n;
			s->ccthunks_cap = ncap;
		}
		idx = (uint32_t)s->nccthunks;
		t = &s->ccthunks[s->nccthunks++];
		t->target = *r;
		t->from = from;
		t->to = to;
		if (hashmap_put_int(&s->ccthunk_index, k1 ^ ((uint64_t)r->global << 44),
				    r->value, idx))
			return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	}
	r->kind = RES_CCTHUNK;
	r->value = idx;
	return OBJLOAD_OK;
}

static objload_status need_import(objload_session *s, symres *r)
{
	uint32_t idx;

	if (!hashmap_get_int(&s->import_index, (uint64_t)r->kind << 32 | r->image,
			     r->value ^ ((uint64_t)r->section << 40), &idx)) {
		if (s->nimports == s->imports_cap) {
			size_t ncap = s->imports_cap ? s->imports_cap * 2 : 16;
			symres *n = realloc(s->imports, ncap * sizeof(*n));

			if (!n)
				return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
			s->imports = n;
			s->imports_cap = ncap;
		}
		idx = (uint32_t)s->nimports;
		s->imports[s->nimports++] = *r;
		if (hashmap_put_int(&s->import_index, (uint64_t)r->kind << 32 | r->image,
				    r->value ^ ((uint64_t)r->section << 40), idx))
			return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	}
	r->kind = RES_IMPORT;
	r->value = idx;
	r->global = OBJLOAD_NO_INDEX;
	return OBJLOAD_OK;
}

objload_status core_adapt_reference(objload_session *s, uint32_t ii,
				    uint32_t j, symres *r)
{
	const objload_image *img = s->images[ii];
	const objload_symbol *sym = &img->symbols[j];
	objload_callconv from = img->callconv, to = OBJLOAD_CC_SYSV;
	objload_status st;

	switch (r->kind) {
	case RES_SECTION:
		to = s->images[r->image]->callconv;
		break;
	case RES_ADDRESS:
		/* Host symbols follow the host's convention, and so do user
		 * definitions of an in-process link (they are the host's
		 * functions or data); a bridge wrapper (no global) and any
		 * address of a link for another target follow the image's. */
		if (r->global == OBJLOAD_NO_INDEX || s->link_only)
			to = from;
		break;
	case RES_BUILTIN:
		/* a handler registered by an image runs in its convention */
		if (r->value == BUILTIN_ATEXIT && from == OBJLOAD_CC_MS_X64) {
			r->value = BUILTIN_ATEXIT_MS;
			s->builtin_used[BUILTIN_ATEXIT_MS] = 1;
		}
		break;
	default:
		to = from;
		break;
	}
	if (from != to && is_code_target(s, r, sym)) {
		st = need_ccthunk(s, r, from, to);
		if (st)
			return st;
	}
	if (sym->indirect)
		return need_import(s, r);
	return OBJLOAD_OK;
}

uint64_t core_plan_ccthunks(objload_session *s, uint64_t off)
{
	for (size_t i = 0; i < s->nccthunks; i++) {
		off = (off + 15) & ~(uint64_t)15;
		s->ccthunks[i].offset = off;
		off += s->arch->cc_thunk_size;
	}
	return off;
}

objload_status core_write_ccthunks_and_imports(objload_session *s)
{
	for (size_t i = 0; i < s->nccthunks; i++) {
		const struct cc_thunk *t = &s->ccthunks[i];
		piece *pc = &s->pieces[s->thunks_piece];
		objload_status st;

		st = s->arch->write_cc_thunk(pc->work + t->offset, pc->target + t->offset,
					     core_symbol_address(s, &t->target),
					     t->from, t->to);
		if (st)
			return core_error(s, st, "cannot write a calling-convention thunk");
	}
	for (size_t i = 0; i < s->nimports; i++) {
		piece *pc = &s->pieces[s->imports_piece];

		s->arch->write_got_entry(pc->work + i * s->arch->pointer_size,
					 core_symbol_address(s, &s->imports[i]));
	}
	return OBJLOAD_OK;
}
