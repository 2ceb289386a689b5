/* SPDX-License-Identifier: MIT */
/*
 * Library search (core/libsearch.c): -L directories, -lNAME, GNU ld
 * scripts, and the shared libraries objload_add_library dlopen()s for
 * host lookups.  The public side is objload_add_search_dir and
 * objload_add_library (include/objload.h).
 */
#ifndef OBJLOAD_LIBSEARCH_H
#define OBJLOAD_LIBSEARCH_H

#include "core/core.h"

/* The shared libraries -l found, searched after the host's global scope;
 * NULL when none defines `name`. */
void *core_libs_lookup(objload_session *s, const char *name);

/* Every library a linked image needs (objload_image.needed) that is not
 * one of the session's images, opened from the host for symbol lookups;
 * an error naming the image and the library when the host cannot. */
objload_status core_libs_resolve_needed(objload_session *s);

/* Free archives, search directories and dlclose the libraries (after the
 * images are gone). */
void core_libs_free(objload_session *s);

#endif
