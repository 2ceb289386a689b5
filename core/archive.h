/* SPDX-License-Identifier: MIT */
/*
 * Static archives and the host's libraries, as a linker finds them.
 *
 * core/archive.c parses the ar containers (GNU/SysV, thin, BSD/Darwin,
 * Microsoft lib), keeps them mapped in the session, loads their members on
 * demand during symbol resolution, searches -L/-l like a linker, follows
 * GNU ld scripts and keeps the shared libraries it dlopen()s for host
 * lookups.  See docs/archives.md.
 */
#ifndef OBJLOAD_ARCHIVE_H
#define OBJLOAD_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* Non-zero when the bytes start with an ar magic ("!<arch>\n", "!<thin>\n"). */
int core_archive_probe(const uint8_t *bytes, size_t len);

/* Validate the container and keep it in the session.  Ownership of the
 * mapping (munmap when `mapped`, nothing otherwise) passes to the session,
 * also on error. */
objload_status core_archive_add(objload_session *s, const char *path,
				const uint8_t *bytes, size_t len, void *mapping,
				size_t mapping_len, int mapped);

/* Load archive members, as a linker does, until no archive defines a
 * still-undefined referenced symbol (and every member of a whole-archive
 * archive).  Called by core_resolve_symbols before definitions are
 * collected. */
objload_status core_archive_load_members(objload_session *s);

/* The error for a link without images: names the archives given, if any
 * (none of their members was needed).  For core_link's "nothing to link". */
objload_status core_archive_nothing_to_link(objload_session *s);

/* The shared libraries -l found, searched after the host's global scope;
 * NULL when none defines `name`. */
void *core_libs_lookup(objload_session *s, const char *name);

/* Free archives, search directories and dlclose the libraries (after the
 * images are gone). */
void core_libs_free(objload_session *s);

/* From core/session.c: add and parse one image from bytes the session
 * keeps alive (a member points into its archive's mapping). */
objload_status core_add_image(objload_session *s, const char *name,
			      const void *bytes, size_t len, void *mapping,
			      size_t mapping_len, int mapped);

#endif
