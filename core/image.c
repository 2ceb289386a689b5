/* SPDX-License-Identifier: MIT */
/*
 * The neutral image: the helpers plug-ins grow it with, and the
 * format-neutral validation the core runs on every image a plug-in
 * produced, so that no later stage needs to re-check an index or offset.
 *
 * core_validate_image checks, in one place:
 *   - (an arch without an applier passes: it can be inspected, and
 *     core_link refuses it);
 *   - every section: alignment a non-zero power of two; loaded roles other
 *     than zero-fill and TLS have bytes when size > 0; COMDAT group index valid;
 *   - every symbol: DEF_SECTION names a valid section and its value lies
 *     within (or just past) that section; COMMON alignment a power of two;
 *     ALIAS has a C-level name and names another one;
 *   - every edge: section valid and loaded, kind known to the arch, the
 *     field [offset, offset + width) inside the section, symbol and
 *     subtrahend indices valid (or OBJLOAD_NO_INDEX);
 *   - every init table: section valid, entries inside it (an entry
 *     point: its offset inside a loaded code section);
 *   - every group: member indices valid.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/rt.h"

static void *grow_array(void **arr, size_t *cap, size_t have, size_t add,
			size_t elem)
{
	size_t need, ncap;
	char *p;

	if (add > SIZE_MAX / elem - have)
		return NULL;
	need = have + add;
	if (need > *cap) {
		ncap = *cap ? *cap : 16;
		while (ncap < need)
			ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
		if (ncap > SIZE_MAX / elem)
			return NULL;
		p = realloc(*arr, ncap * elem);
		if (!p)
			return NULL;
		*arr = p;
		*cap = ncap;
	}
	p = (char *)*arr + have * elem;
	memset(p, 0, add * elem);
	return p;
}

objload_section *objload_image_add_sections(objload_image *img, uint32_t n)
{
	objload_section *p;

	if (n > UINT32_MAX - 1 - img->nsections)
		return NULL;
	p = grow_array((void **)&img->sections, &core_of(img)->sections_cap,
		       img->nsections, n, sizeof(*p));
	if (p) {
		for (uint32_t i = 0; i < n; i++) {
			p[i].group = OBJLOAD_NO_INDEX;
			p[i].align = 1;
		}
		img->nsections += n;
	}
	return p;
}

objload_symbol *objload_image_add_symbols(objload_image *img, uint32_t n)
{
	objload_symbol *p;

	if (n > UINT32_MAX - 1 - img->nsymbols)
		return NULL;
	p = grow_array((void **)&img->symbols, &core_of(img)->symbols_cap,
		       img->nsymbols, n, sizeof(*p));
	if (p)
		img->nsymbols += n;
	return p;
}

objload_edge *objload_image_add_edges(objload_image *img, size_t n)
{
	objload_edge *p = grow_array((void **)&img->edges,
				     &core_of(img)->edges_cap, img->nedges, n,
				     sizeof(*p));

	if (p) {
		for (size_t i = 0; i < n; i++)
			p[i].subtrahend = OBJLOAD_NO_INDEX;
		img->nedges += n;
	}
	return p;
}

objload_init_table *objload_image_add_inits(objload_image *img, uint32_t n)
{
	objload_init_table *p;

	if (n > UINT32_MAX - 1 - img->ninits)
		return NULL;
	p = grow_array((void **)&img->inits, &core_of(img)->inits_cap,
		       img->ninits, n, sizeof(*p));
	if (p)
		img->ninits += n;
	return p;
}

objload_group *objload_image_add_groups(objload_image *img, uint32_t n)
{
	objload_group *p;

	if (n > UINT32_MAX - 1 - img->ngroups)
		return NULL;
	p = grow_array((void **)&img->groups, &core_of(img)->groups_cap,
		       img->ngroups, n, sizeof(*p));
	if (p)
		img->ngroups += n;
	return p;
}

/* Image memory: zeroed chunks, small allocations bumped from the newest
 * (a small object's path, plug-in data and .eh_frame copy share one
 * allocation), chunks doubling from 128 bytes to 16 KiB; an allocation
 * larger than IMAGE_SMALL has a chunk of its own.  Freed with the image. */
struct core_image_chunk {
	struct core_image_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

#define IMAGE_CHUNK_FIRST 128u
#define IMAGE_CHUNK_MAX (16u * 1024u)
#define IMAGE_SMALL 128u

void *objload_image_alloc(objload_image *img, size_t size)
{
	core_image *ci = core_of(img);
	struct core_image_chunk *c = ci->chunks;
	size_t need = size ? size : 1, cap;

	if (need > SIZE_MAX - sizeof(*c) - sizeof(max_align_t))
		return NULL;
	need = (need + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (need <= IMAGE_SMALL && c && c->cap - c->used >= need) {
		void *p = (char *)c->data + c->used;

		c->used += need;
		return p;
	}
	if (need > IMAGE_SMALL) {
		cap = need;
	} else {
		cap = ci->chunk_cap ? ci->chunk_cap : IMAGE_CHUNK_FIRST;
		ci->chunk_cap = cap < IMAGE_CHUNK_MAX ? cap * 2 : cap;
	}
	c = calloc(1, sizeof(*c) + cap);
	if (!c)
		return NULL;
	c->cap = cap;
	c->used = need;
	if (need > IMAGE_SMALL && ci->chunks) {
		/* behind the newest, which keeps its room for small ones */
		c->next = ci->chunks->next;
		ci->chunks->next = c;
	} else {
		c->next = ci->chunks;
		ci->chunks = c;
	}
	return c->data;
}

char *objload_image_strdup(objload_image *img, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = objload_image_alloc(img, n);

	if (p)
		memcpy(p, s, n);
	return p;
}

objload_status objload_image_error(objload_image *img, objload_status st,
				   const char *fmt, ...)
{
	objload_session *s = core_of(img)->session;
	char msg[CORE_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return core_error(s, st, "%s: %s", img->path, msg);
}

/* An image and the core's part of it, in one allocation. */
struct core_image_pair {
	objload_image img;
	core_image ci;
};

objload_image *core_image_new(objload_session *s, const char *path)
{
	struct core_image_pair *pair = calloc(1, sizeof(*pair));
	objload_image *img;
	core_image *ci;

	if (!pair)
		return NULL;
	img = &pair->img;
	ci = &pair->ci;
	img->core = ci;
	ci->session = s;
	img->path = objload_image_strdup(img, path);
	if (!img->path) {
		core_image_free(img);
		return NULL;
	}
	return img;
}

void core_image_free(objload_image *img)
{
	core_image *ci;

	if (!img)
		return;
	ci = core_of(img);
	if (img->format && img->format->release)
		img->format->release(img);
	free(img->sections);
	free(img->symbols);
	free(img->edges);
	free(img->inits);
	free(img->groups);
	while (ci->chunks) {
		struct core_image_chunk *next = ci->chunks->next;

		free(ci->chunks);
		ci->chunks = next;
	}
	free(img);   /* and ci: one allocation (core_image_new) */
}

static int is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static int role_loaded(objload_section_role r)
{
	return r != OBJLOAD_ROLE_DEBUG && r != OBJLOAD_ROLE_NOLOAD;
}

objload_status core_validate_image(objload_session *s, objload_image *img)
{
	const arch_ops *arch = arch_lookup(img->arch);
	uint32_t i;

	/* An arch without an applier can still be inspected (objload info);
	 * linking it fails in core_link. */
	for (i = 0; i < img->nsections; i++) {
		const objload_section *sec = &img->sections[i];

		if (!is_pow2(sec->align) || sec->align > (1ull << 32))
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: section %u (%s): bad alignment %llu",
					  img->path, i, sec->name ? sec->name : "?",
					  (unsigned long long)sec->align);
		if (!sec->name)
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: section %u has no name", img->path, i);
		/* zero-fill and thread-local sections may be NOBITS */
		if (role_loaded(sec->role) && sec->role != OBJLOAD_ROLE_ZEROFILL &&
		    sec->role != OBJLOAD_ROLE_TLS && sec->size && !sec->bytes)
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: section %u (%s) has no contents",
					  img->path, i, sec->name);
		if (sec->size > (1ull << 40))
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: section %u (%s): size %llu is absurd",
					  img->path, i, sec->name,
					  (unsigned long long)sec->size);
		if (sec->role == OBJLOAD_ROLE_TLS)
			core_of(img)->tls_defs = 1;
		if (sec->group != OBJLOAD_NO_INDEX && sec->group >= img->ngroups)
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: section %u (%s): bad group index",
					  img->path, i, sec->name);
	}
	for (i = 0; i < img->nsymbols; i++) {
		const objload_symbol *sym = &img->symbols[i];

		if (!sym->name)
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: symbol %u has no name", img->path, i);
		if (sym->type == OBJLOAD_SYM_TLS)
			core_of(img)->tls_defs = 1;   /* its uses are checked (core/edges.c) */
		if (sym->def == OBJLOAD_DEF_SECTION) {
			if (sym->section >= img->nsections)
				return core_error(s, OBJLOAD_ERR_FORMAT,
						  "%s: symbol %u (%s): bad section index %u",
						  img->path, i, sym->name, sym->section);
			if (sym->value > img->sections[sym->section].size)
				return core_error(s, OBJLOAD_ERR_FORMAT,
						  "%s: symbol %u (%s): value 0x%llx past the end of section %s",
						  img->path, i, sym->name,
						  (unsigned long long)sym->value,
						  img->sections[sym->section].name);
		}
		if (sym->def == OBJLOAD_DEF_COMMON &&
		    (!is_pow2(sym->value ? sym->value : 1) || sym->value > (1ull << 32) ||
		     sym->size > (1ull << 40)))
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: common symbol %u (%s): bad size or alignment",
					  img->path, i, sym->name);
		if (sym->def == OBJLOAD_DEF_ALIAS &&
		    (!sym->cname || !sym->alternate || !strcmp(sym->cname, sym->alternate)))
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: symbol %u (%s): an alias needs a C-level name and "
					  "another name it stands for", img->path, i, sym->name);
	}
	for (size_t e = 0; e < img->nedges; e++) {
		const objload_edge *ed = &img->edges[e];
		const objload_section *sec;
		unsigned width;

		if (ed->section >= img->nsections ||
		    !role_loaded(img->sections[ed->section].role))
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: relocation %zu patches a section that is not loaded",
					  img->path, e);
		sec = &img->sections[ed->section];
		if (arch && ed->kind >= arch->nkinds)
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: relocation %zu: unknown kind %u",
					  img->path, e, ed->kind);
		width = arch ? arch->kinds[ed->kind].width : 0;
		if (ed->offset > sec->size || sec->size - ed->offset < width)
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: section %s: relocation at offset 0x%llx (%s) lies outside the section (size 0x%llx)",
					  img->path, sec->name,
					  (unsigned long long)ed->offset,
					  objload_kind_name(img->arch, ed->kind),
					  (unsigned long long)sec->size);
		if (sec->role == OBJLOAD_ROLE_ZEROFILL && width)
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: section %s: relocation at offset 0x%llx in a zero-fill section",
					  img->path, sec->name, (unsigned long long)ed->offset);
		if ((ed->symbol != OBJLOAD_NO_INDEX && ed->symbol >= img->nsymbols) ||
		    (ed->subtrahend != OBJLOAD_NO_INDEX && ed->subtrahend >= img->nsymbols))
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: section %s: relocation at offset 0x%llx names a bad symbol index",
					  img->path, sec->name, (unsigned long long)ed->offset);
	}
	for (i = 0; i < img->ninits; i++) {
		const objload_init_table *t = &img->inits[i];
		const objload_section *sec;

		if (t->section >= img->nsections)
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: init table %u: bad section", img->path, i);
		sec = &img->sections[t->section];
		if (t->kind == OBJLOAD_INIT_ATTACH_ENTRY) {
			if (t->offset >= sec->size || t->count != 1 ||
			    sec->role != OBJLOAD_ROLE_CODE)
				return core_error(s, OBJLOAD_ERR_FORMAT,
						  "%s: section %s: the entry point at offset 0x%llx "
						  "is not inside this code section",
						  img->path, sec->name, (unsigned long long)t->offset);
			continue;
		}
		if (t->offset > sec->size ||
		    t->count > (sec->size - t->offset) / 8 ||
		    !role_loaded(sec->role))
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: section %s: init table outside the section",
					  img->path, sec->name);
	}
	for (i = 0; i < img->ngroups; i++) {
		const objload_group *g = &img->groups[i];

		if (!g->key || (g->nmembers && !g->members))
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: group %u is malformed", img->path, i);
		for (uint32_t m = 0; m < g->nmembers; m++)
			if (g->members[m] >= img->nsections)
				return core_error(s, OBJLOAD_ERR_FORMAT,
						  "%s: group %s: bad member section %u",
						  img->path, g->key, g->members[m]);
	}
	return core_unwind_prepare_image(s, img);   /* core/unwind.c */
}
