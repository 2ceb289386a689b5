/* SPDX-License-Identifier: MIT */
/*
 * The memory manager of objload_link_at: one zeroed private buffer for the
 * whole plan, target addresses from the session's base.  The groups are
 * packed one after another in plan order, each aligned as it asks; the
 * first starts at the base itself, which must be aligned for it.  The
 * buffer is the flat image `objload link` writes out.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/core.h"

/* A flat image is written out whole: a hostile input must not make
 * objload produce gigabytes. */
#define CORE_FLAT_MAX (1ull << 30)

static objload_status target_allocate(void *ctx, objload_alloc_request *req,
				      size_t *mappings, char *err, size_t errlen)
{
	objload_session *s = ctx;
	uint64_t off = 0, *at;

	at = calloc(req->ngroups ? req->ngroups : 1, sizeof(*at));
	if (!at) {
		snprintf(err, errlen, "out of memory");
		return OBJLOAD_ERR_NOMEM;
	}
	for (size_t g = 0; g < req->ngroups; g++) {
		const objload_segment_group *grp = &req->groups[g];
		uint64_t t;

		if (g == 0 && (s->link_base & (grp->align - 1))) {
			snprintf(err, errlen, "base 0x%" PRIx64 " is not aligned to %" PRIu64
				 " as its first group needs", s->link_base, grp->align);
			free(at);
			return OBJLOAD_ERR_ARGUMENT;
		}
		t = (s->link_base + off + grp->align - 1) & ~(grp->align - 1);
		if (t < s->link_base || t < grp->window_lo || t > grp->window_hi ||
		    grp->window_hi - t < grp->span) {
			snprintf(err, errlen, "group %zu at 0x%" PRIx64 " lies outside [0x%" PRIx64
				 ", 0x%" PRIx64 ") where its fixups can reach",
				 g, t, grp->window_lo, grp->window_hi);
			free(at);
			return OBJLOAD_ERR_RANGE;
		}
		at[g] = t - s->link_base;
		off = at[g] + grp->span;
		if (off > CORE_FLAT_MAX) {
			snprintf(err, errlen, "the image would be more than the 1 GiB objload links "
				 "for a target address (its largest section is %s)",
				 core_largest_name(s));
			free(at);
			return OBJLOAD_ERR_NOMEM;
		}
	}
	s->flat = calloc(1, off ? off : 1);
	if (!s->flat) {
		snprintf(err, errlen, "out of memory for %" PRIu64 " bytes", off);
		free(at);
		return OBJLOAD_ERR_NOMEM;
	}
	s->flat_len = off;
	req->zeroed = 1;   /* calloc */
	for (size_t g = 0; g < req->ngroups; g++)
		objload_place_group(req, g, s->flat + at[g], s->link_base + at[g]);
	free(at);
	*mappings = 0;
	return OBJLOAD_OK;
}

static objload_status target_finalize(void *ctx, objload_alloc_request *req,
				      size_t *changes, char *err, size_t errlen)
{
	(void)ctx;
	(void)req;
	(void)err;
	(void)errlen;
	*changes = 0;
	return OBJLOAD_OK;
}

static void target_release(void *ctx, objload_alloc_request *req)
{
	objload_session *s = ctx;

	(void)req;
	free(s->flat);
	s->flat = NULL;
	s->flat_len = 0;
}

const objload_memory_manager core_target_manager = {
	.name = "target",
	.allocate = target_allocate,
	.finalize = target_finalize,
	.release = target_release,
};

objload_status objload_get_flat_image(objload_session *s, const void **bytes,
				      size_t *len)
{
	if (!s || !bytes || !len)
		return OBJLOAD_ERR_ARGUMENT;
	if (!s->link_only || !s->flat)
		return core_error(s, OBJLOAD_ERR_STATE, "no image linked with objload_link_at");
	*bytes = s->flat;
	*len = s->flat_len;
	return OBJLOAD_OK;
}
