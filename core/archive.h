/* SPDX-License-Identifier: MIT */
/*
 * Static archives and the host's libraries, as a linker finds them.
 *
 * core/archive.c is the ar container (GNU/SysV, thin, BSD/Darwin,
 * Microsoft lib): it validates an archive when it is added, keeps it
 * mapped in the session and loads its members on demand during symbol
 * resolution.  core/libsearch.c searches -L/-l like a linker, follows
 * GNU ld scripts and keeps the shared libraries it dlopen()s for host
 * lookups (core/libsearch.h).  What depends on an object format (index
 * name decoration, import records, telling a shared library from an
 * object) is asked of the format plug-ins.  See docs/archives.md.
 */
#ifndef OBJLOAD_ARCHIVE_H
#define OBJLOAD_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "core/hashmap.h"
#include "core/libsearch.h"

struct core_archive;
struct lib_handle;

/* The session's archives and libraries (objload_session.libs). */
struct core_libs {
	/* core/archive.c */
	struct core_archive **archives;
	size_t narchives, archives_cap;
	int whole_archive;
	objload_thin_policy thin_policy;
	/* core/libsearch.c */
	char **dirs;
	size_t ndirs;
	struct lib_handle *libs;
	size_t nlibs;
	hashmap visited;        /* (st_dev, st_ino) of files a search added */
};

/* The session's struct, made on first use; NULL when out of memory. */
struct core_libs *core_libs_of(objload_session *s);

/* For the calls that change it: OBJLOAD_ERR_STATE once the session is
 * linked, otherwise *out as core_libs_of (with the errors set). */
objload_status core_libs_to_change(objload_session *s, struct core_libs **out);

/* Non-zero when the bytes start with an ar magic ("!<arch>\n", "!<thin>\n"). */
int core_archive_probe(const uint8_t *bytes, size_t len);

/* Validate the container and keep it in the session.  Ownership of the
 * bytes passes to the session, also on error: `mapping` is munmap()ed
 * when `mapped`, free()d otherwise (NULL: the caller's bytes). */
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

/* Free the archives (core_libs_free calls it, after the images). */
void core_archives_free(struct core_libs *L);

/* From core/session.c: add and parse one image from bytes the session
 * keeps alive (a member points into its archive's mapping). */
objload_status core_add_image(objload_session *s, const char *name,
			      const void *bytes, size_t len, void *mapping,
			      size_t mapping_len, int mapped);

/* From core/session.c: is this archive member a format's short import
 * record?  1 with *format and *name (the symbol it provides), 0 when no
 * format claims it, -1 with a message in err when one claims it but it
 * is malformed. */
int core_probe_import(objload_session *s, const uint8_t *bytes, size_t len,
		      const objload_format **format, const char **name,
		      char *err, size_t errlen);

#endif
