/* SPDX-License-Identifier: MIT */
/*
 * Libraries as a linker finds them: -L directories, -lNAME, GNU ld
 * scripts, and the shared libraries the session dlopen()s.
 *
 * objload_add_library("-lNAME") searches the directories given with
 * objload_add_search_dir(), then /usr/local/lib, the multiarch and plain
 * /usr/lib and /lib, for libNAME.so then libNAME.a in each directory;
 * "-l:FILE" looks for exactly FILE, and a name with a '/' is a path.
 * What it finds is opened like every input (core/input.c: non-blocking,
 * a regular file only) and recognised by its bytes:
 *
 *   - an archive (core/archive.c) or a relocatable object: added to the
 *     session;
 *   - a linked shared library, as the format that probes it says
 *     (objload_format.shared_library: ELF's ET_DYN): dlopen()ed
 *     RTLD_NOW | RTLD_LOCAL into a handle the session keeps and searches
 *     after the host's global scope (not for objload_link_at);
 *   - otherwise a GNU ld script (Debian's libc.so, libm.so): GROUP, INPUT
 *     and AS_NEEDED name files or -lNAME, SEARCH_DIR adds a directory,
 *     other commands are skipped.
 *
 * The policy for shared libraries: -lNAME is a system library, opened by
 * the host as a linker would resolve against it; a shared library given
 * as an input (objload_add_file, objload_add_memory) is loaded by
 * objload's own plug-in (formats/elf/elf_dyn.c, formats/macho).  The
 * libraries such an image needs (DT_NEEDED, LC_LOAD_DYLIB) are found
 * among the session's images first, by their own name or their file
 * name, and otherwise opened from the host like -l's
 * (core_libs_resolve_needed).
 *
 * Each file is added once per session, however often scripts (or -l)
 * name it: a set of the files already added, by device and inode, makes
 * script expansion linear in the number of distinct files, where a tree
 * of scripts naming each other repeatedly would otherwise grow
 * exponentially with its depth.  Scripts nest at most LIB_MAX_DEPTH deep.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/archive.h"
#include "core/input.h"
#include "core/libsearch.h"

#define LIB_SCRIPT_MAX (1u << 20)
#define LIB_MAX_DEPTH 8
#define LIB_SNIFF 64   /* bytes that tell a script from binary junk */

struct lib_handle {
	void *handle;
	char *path;
};

static const char *const system_lib_dirs[] = {
	"/usr/local/lib",
	"/usr/lib/x86_64-linux-gnu",
	"/lib/x86_64-linux-gnu",
	"/usr/lib",
	"/lib",
};

#define NSYS_DIRS (sizeof(system_lib_dirs) / sizeof(system_lib_dirs[0]))

void core_libs_free(objload_session *s)
{
	struct core_libs *L = s->libs;

	if (!L)
		return;
	core_archives_free(L);
	for (size_t i = 0; i < L->ndirs; i++)
		free(L->dirs[i]);
	free(L->dirs);
	for (size_t i = 0; i < L->nlibs; i++) {
		os_lib_close(L->libs[i].handle);
		free(L->libs[i].path);
	}
	free(L->libs);
	hashmap_free(&L->visited);
	free(L);
	s->libs = NULL;
}

void *core_libs_lookup(objload_session *s, const char *name)
{
	struct core_libs *L = s->libs;

	if (!L)
		return NULL;
	for (size_t i = 0; i < L->nlibs; i++) {
		void *p = os_lib_symbol(L->libs[i].handle, name);

		if (p)
			return p;
	}
	return NULL;
}

objload_status objload_add_search_dir(objload_session *s, const char *dir)
{
	struct core_libs *L;
	objload_status st;
	char **n;

	if (!s || !dir || !*dir)
		return s ? core_error(s, OBJLOAD_ERR_ARGUMENT, "empty search directory")
			 : OBJLOAD_ERR_ARGUMENT;
	st = core_libs_to_change(s, &L);
	if (st)
		return st;
	n = realloc(L->dirs, (L->ndirs + 1) * sizeof(*n));
	if (!n)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	L->dirs = n;
	L->dirs[L->ndirs] = strdup(dir);
	if (!L->dirs[L->ndirs])
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	L->ndirs++;
	return OBJLOAD_OK;
}

/* ---- searching ----------------------------------------------------------- */

static int is_file(const char *path)
{
	return os_path_kind_of(path) == OS_PATH_FILE;
}

static const char *search_dir(const struct core_libs *L, size_t i)
{
	return i < L->ndirs ? L->dirs[i] : system_lib_dirs[i - L->ndirs];
}

/* Search the directories for exactly `file`; a malloc'd path or NULL. */
static char *search_file(const struct core_libs *L, const char *file)
{
	for (size_t i = 0; i < L->ndirs + NSYS_DIRS; i++) {
		char *p;

		if (asprintf(&p, "%s/%s", search_dir(L, i), file) < 0)
			return NULL;
		if (is_file(p))
			return p;
		free(p);
	}
	return NULL;
}

/* -lNAME: libNAME.so then libNAME.a per directory; -l:FILE: exactly FILE. */
static char *search_library(const struct core_libs *L, const char *name)
{
	static const char *const suffixes[] = { ".so", ".a" };

	if (name[0] == ':')
		return search_file(L, name + 1);
	for (size_t i = 0; i < L->ndirs + NSYS_DIRS; i++) {
		for (size_t k = 0; k < 2; k++) {
			char *p;

			if (asprintf(&p, "%s/lib%s%s", search_dir(L, i), name, suffixes[k]) < 0)
				return NULL;
			if (is_file(p))
				return p;
			free(p);
		}
	}
	return NULL;
}

/* ---- what a search found -------------------------------------------------- */

static objload_status open_shared(objload_session *s, const char *path)
{
	struct core_libs *L = s->libs;
	struct lib_handle *n;
	char why[512];
	void *h;

	for (size_t i = 0; i < L->nlibs; i++)
		if (strcmp(L->libs[i].path, path) == 0)
			return OBJLOAD_OK;
	if (s->link_only)
		return OBJLOAD_OK;
	h = os_lib_open(path, 0, why, sizeof(why));
	if (!h)
		return core_error(s, OBJLOAD_ERR_IO, "%s: cannot open the shared library: %s",
				  path, why);
	n = realloc(L->libs, (L->nlibs + 1) * sizeof(*n));
	if (!n) {
		os_lib_close(h);
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	}
	L->libs = n;
	n[L->nlibs].handle = h;
	n[L->nlibs].path = strdup(path);
	if (!n[L->nlibs].path) {
		os_lib_close(h);
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	}
	L->nlibs++;
	s->metrics.shared_libraries++;
	return OBJLOAD_OK;
}

static objload_status add_library_path(objload_session *s, const char *path,
				       int depth);

/* ---- the libraries linked images need ----------------------------------------- */

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The session's image that `name` (a DT_NEEDED or LC_LOAD_DYLIB entry)
 * stands for: the one it names by its own name (DT_SONAME, LC_ID_DYLIB),
 * or else by its file name. */
static const objload_image *needed_image(const objload_session *s, const char *name)
{
	for (size_t i = 0; i < s->nimages; i++)
		if (s->images[i]->soname && (strcmp(s->images[i]->soname, name) == 0 ||
					     strcmp(base_name(s->images[i]->soname),
						    base_name(name)) == 0))
			return s->images[i];
	for (size_t i = 0; i < s->nimages; i++)
		if (strcmp(base_name(s->images[i]->path), base_name(name)) == 0)
			return s->images[i];
	return NULL;
}

objload_status core_libs_resolve_needed(objload_session *s)
{
	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];

		for (uint32_t k = 0; k < img->nneeded; k++) {
			const char *name = img->needed[k];
			const objload_image *by = needed_image(s, name);
			objload_status st;

			if (by) {
				core_log(s, OBJLOAD_LOG_FILES, "%s needs %s: the input %s", img->path,
					 name, by->path);
				continue;
			}
			if (s->link_only)
				continue;
			if (!core_libs_of(s))
				return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
			core_log(s, OBJLOAD_LOG_FILES, "%s needs %s: opened from the host", img->path,
				 name);
			st = open_shared(s, name);
			if (st) {
				char why[CORE_ERRMSG_MAX];

				snprintf(why, sizeof(why), "%s", s->errmsg);
				return core_error(s, st, "%s needs %s, which is not among the inputs: %s",
						  img->path, name, why);
			}
		}
	}
	return OBJLOAD_OK;
}

/* ---- GNU ld scripts ---------------------------------------------------------- */

struct script {
	const char *p, *end;
	char tok[PATH_MAX];
};

/* Next token: "(", ")", or a word / quoted string; 0 at the end. */
static int script_next(struct script *sc)
{
	size_t n = 0;

	for (;;) {
		while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t' ||
					   *sc->p == '\n' || *sc->p == '\r' || *sc->p == ','))
			sc->p++;
		if (sc->end - sc->p >= 2 && sc->p[0] == '/' && sc->p[1] == '*') {
			const char *c = sc->p + 2;

			while (sc->end - c >= 2 && !(c[0] == '*' && c[1] == '/'))
				c++;
			sc->p = sc->end - c >= 2 ? c + 2 : sc->end;
			continue;
		}
		break;
	}
	if (sc->p >= sc->end)
		return 0;
	if (*sc->p == '(' || *sc->p == ')' || *sc->p == ';') {
		sc->tok[0] = *sc->p++;
		sc->tok[1] = '\0';
		return 1;
	}
	if (*sc->p == '"') {
		sc->p++;
		while (sc->p < sc->end && *sc->p != '"' && n + 1 < sizeof(sc->tok))
			sc->tok[n++] = *sc->p++;
		if (sc->p < sc->end)
			sc->p++;
	} else {
		/* (a NUL is not a delimiter: strchr would find the string's own) */
		while (sc->p < sc->end && n + 1 < sizeof(sc->tok) &&
		       (!*sc->p || !strchr(" \t\r\n,();\"", *sc->p)))
			sc->tok[n++] = *sc->p++;
	}
	sc->tok[n] = '\0';
	return 1;
}

/* One file named in GROUP/INPUT/AS_NEEDED. */
static objload_status script_file(objload_session *s, const char *script,
				  const char *name, int depth)
{
	struct core_libs *L = s->libs;
	const char *slash;
	char *path = NULL;
	objload_status st;

	if (strncmp(name, "-l", 2) == 0) {
		path = search_library(L, name + 2);
		if (!path)
			return core_error(s, OBJLOAD_ERR_IO,
					  "%s: linker script names %s, which no search directory holds",
					  script, name);
	} else if (name[0] == '/' || is_file(name)) {
		path = strdup(name);
	} else if ((slash = strrchr(script, '/')) != NULL &&
		   asprintf(&path, "%.*s/%s", (int)(slash - script), script, name) >= 0 &&
		   is_file(path)) {
		/* beside the script */
	} else {
		free(path);
		path = search_file(L, name);
		if (!path)
			return core_error(s, OBJLOAD_ERR_IO,
					  "%s: linker script names %s, which cannot be found",
					  script, name);
	}
	if (!path)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	st = add_library_path(s, path, depth + 1);
	free(path);
	return st;
}

/* The names one script has handled: a name it repeats is skipped before
 * any search (the file would be skipped as visited anyway, after a search
 * and an open).  SEARCH_DIR forgets them, since it may change where a
 * name leads. */
struct script_seen {
	hashmap names;
	char **keys;
	size_t nkeys, cap;
};

static void seen_clear(struct script_seen *sn)
{
	for (size_t i = 0; i < sn->nkeys; i++)
		free(sn->keys[i]);
	free(sn->keys);
	hashmap_free(&sn->names);
	memset(sn, 0, sizeof(*sn));
}

/* 1 when `name` was seen, 0 when it is new (and now recorded), -1 when
 * out of memory. */
static int seen_check(struct script_seen *sn, const char *name)
{
	uint32_t dummy;
	char *key;

	if (hashmap_get_str(&sn->names, name, &dummy))
		return 1;
	if (sn->nkeys == sn->cap) {
		size_t ncap = sn->cap ? sn->cap * 2 : 64;
		char **n = realloc(sn->keys, ncap * sizeof(*n));

		if (!n)
			return -1;
		sn->keys = n;
		sn->cap = ncap;
	}
	key = strdup(name);
	if (!key)
		return -1;
	sn->keys[sn->nkeys++] = key;
	return hashmap_put_str(&sn->names, key, 1) ? -1 : 0;
}

/* The commands of a script: GROUP, INPUT and AS_NEEDED add files,
 * SEARCH_DIR a directory; others are skipped. */
static objload_status run_script_commands(objload_session *s, const char *path,
					  struct script *sc, struct script_seen *seen,
					  int depth, int *saw_input)
{
	objload_status st = OBJLOAD_OK;

	while (!st && script_next(sc)) {
		int files = strcmp(sc->tok, "GROUP") == 0 || strcmp(sc->tok, "INPUT") == 0;
		int search = strcmp(sc->tok, "SEARCH_DIR") == 0;
		int level;

		if (strcmp(sc->tok, ";") == 0)
			continue;
		if (!script_next(sc) || strcmp(sc->tok, "(") != 0)
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: linker script: expected '(' after a command", path);
		level = 1;
		while (level > 0 && !st) {
			int rc;

			if (!script_next(sc))
				return core_error(s, OBJLOAD_ERR_FORMAT,
						  "%s: linker script: unbalanced parentheses", path);
			if (strcmp(sc->tok, "(") == 0) {
				level++;
			} else if (strcmp(sc->tok, ")") == 0) {
				level--;
			} else if (files && strcmp(sc->tok, "AS_NEEDED") != 0) {
				*saw_input = 1;
				rc = seen_check(seen, sc->tok);
				if (rc < 0)
					return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
				if (rc == 0)
					st = script_file(s, path, sc->tok, depth);
			} else if (search) {
				seen_clear(seen);
				st = objload_add_search_dir(s, sc->tok[0] == '=' ? sc->tok + 1 : sc->tok);
			}
		}
	}
	return st;
}

static objload_status run_script(objload_session *s, const char *path,
				 const char *text, size_t len, int depth)
{
	struct script sc = { .p = text, .end = text + len };
	struct script_seen seen;
	objload_status st = OBJLOAD_OK;
	int saw_input = 0;

	memset(&seen, 0, sizeof(seen));
	st = run_script_commands(s, path, &sc, &seen, depth, &saw_input);
	seen_clear(&seen);
	if (!st && !saw_input)
		return core_error(s, OBJLOAD_ERR_FORMAT,
				  "%s: a linker script that names no input (no GROUP or INPUT)", path);
	return st;
}

/* Not an archive, object or library: a linker script, if it is text. */
static objload_status try_script(objload_session *s, const char *path,
				 const uint8_t *bytes, size_t len, int depth)
{
	if (len == 0)
		return core_error(s, OBJLOAD_ERR_FORMAT,
				  "%s: an empty file, not an archive, object, shared library or linker script",
				  path);
	if (len > LIB_SCRIPT_MAX)
		return core_error(s, OBJLOAD_ERR_FORMAT,
				  "%s: not an archive, object or shared library, and too large for a linker script",
				  path);
	for (size_t i = 0; i < len && i < LIB_SNIFF; i++)
		if (bytes[i] == 0 || (bytes[i] < 0x20 && !strchr("\t\r\n\f", bytes[i])))
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: not an archive, object, shared library or linker script",
					  path);
	if (memchr(bytes, 0, len))
		return core_error(s, OBJLOAD_ERR_FORMAT,
				  "%s: a linker script with a NUL byte (at offset %zu)", path,
				  (size_t)((const uint8_t *)memchr(bytes, 0, len) - bytes));
	return run_script(s, path, (const char *)bytes, len, depth);
}

/* A file a library search found (or a script named): once per session. */
static objload_status add_library_path(objload_session *s, const char *path,
				       int depth)
{
	struct core_libs *L = s->libs;
	const objload_format *f;
	void *bytes;
	size_t len;
	int mapped, rc, seen;
	uint32_t dummy;
	core_input in;
	objload_status st;

	if (depth > LIB_MAX_DEPTH)
		return core_error(s, OBJLOAD_ERR_FORMAT,
				  "%s: linker scripts nested more than %d deep", path, LIB_MAX_DEPTH);
	rc = core_input_open(NULL, path, 0, &in);
	if (rc)
		return core_error(s, OBJLOAD_ERR_IO, "%s: %s", path, core_input_strerror(rc));
	seen = hashmap_get_int(&L->visited, (uint64_t)in.dev, (uint64_t)in.ino, &dummy);
	if (seen || hashmap_put_int(&L->visited, (uint64_t)in.dev, (uint64_t)in.ino, 1)) {
		core_input_close(&in);
		return seen ? OBJLOAD_OK : core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	}
	core_log(s, OBJLOAD_LOG_FILES, "input %s", path);
	st = core_input_bytes(s, path, &in, 0, &bytes, &len, &mapped);
	core_input_close(&in);
	if (st)
		return st;
	/* from here the bytes go to the session, or are released below */
	if (core_archive_probe(bytes, len))
		return core_archive_add(s, path, bytes, len, bytes, len, mapped);
	f = core_probe(s, bytes, len);
	if (f && f->shared_library && f->shared_library(bytes, len)) {
		core_input_release(bytes, len, mapped);
		return open_shared(s, path);
	}
	if (f)
		return core_add_image(s, path, bytes, len, bytes, len, mapped);
	st = try_script(s, path, bytes, len, depth);
	core_input_release(bytes, len, mapped);
	return st;
}

objload_status objload_add_library(objload_session *s, const char *name)
{
	struct core_libs *L;
	objload_status st;
	char *path;

	if (!name)
		return OBJLOAD_ERR_ARGUMENT;
	st = core_libs_to_change(s, &L);
	if (st)
		return st;
	if (strncmp(name, "-l", 2) == 0)
		name += 2;
	if (!*name || (name[0] == ':' && !name[1]))
		return core_error(s, OBJLOAD_ERR_ARGUMENT, "empty library name");
	/* a path: "-l:dir/libx.a" is the file dir/libx.a, as "dir/libx.a" */
	if (strchr(name, '/'))
		return add_library_path(s, name[0] == ':' ? name + 1 : name, 0);
	path = search_library(L, name);
	if (!path) {
		char dirs[512] = "";
		size_t k = 0;

		for (size_t i = 0; i < L->ndirs && k + 1 < sizeof(dirs); i++)
			k += (size_t)snprintf(dirs + k, sizeof(dirs) - k, "%s, ", L->dirs[i]);
		return core_error(s, OBJLOAD_ERR_IO,
				  "cannot find -l%s (searched %sthe system directories)",
				  name, dirs);
	}
	st = add_library_path(s, path, 0);
	free(path);
	return st;
}
