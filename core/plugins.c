/* SPDX-License-Identifier: MIT */
/*
 * Format plug-ins loaded at run time (docs/plugins.md).
 *
 * A plug-in is a shared object that exports
 *
 *     objload_status objload_plugin_init(objload_session *session);
 *
 * which registers its formats with objload_register_format().  It is
 * built against the public headers only and leaves the objload_* symbols
 * undefined: they bind to the objload the host process already has
 * (libobjload.so, or a program linked with -export-dynamic).
 *
 * Where plug-ins are looked for, in order:
 *   1. each directory of $OBJLOAD_PLUGIN_PATH (colon-separated);
 *   2. the installation's plug-in directory found from where this code
 *      is: beside libobjload.so (OBJLOAD_PLUGIN_DIR_FROM_LIBDIR, relative
 *      to the library's directory) or, when libobjload is linked into a
 *      program, relative to the program's directory
 *      (OBJLOAD_PLUGIN_DIR_FROM_BINDIR), so that an installation made with
 *      `make install prefix=DIR`, or moved, finds its own plug-ins;
 *   3. OBJLOAD_PLUGIN_DIR, $(pkglibdir)/plugins as configured.
 * A plug-in named NAME is the file objload-NAME.so.  No build-tree path is
 * compiled in: the tests set OBJLOAD_PLUGIN_PATH.
 *
 * When: a session loads the plug-ins of the search path only when an input
 * comes that no compiled-in format and no plug-in loaded so far claims
 * (core_plugins_probe), or when asked (objload_load_plugin,
 * objload_set_format with a name no loaded format has).  A run that reads
 * only ELF, Mach-O and COFF never opens a plug-in.
 *
 * Safety: a directory of the search path that any user may write to, or
 * that belongs to neither root nor the user running objload, is skipped
 * with a warning (OBJLOAD_LOG_WARNING), and so is a plug-in file with the
 * same problem: loading a plug-in runs its code.  A file named explicitly
 * (objload_load_plugin with a path) is the caller's choice and is not
 * checked.
 *
 * The session keeps every handle and closes them in objload_session_free,
 * after the images (whose formats point into the plug-ins) are released.
 * A plug-in whose init fails is closed at once and the formats it had
 * registered by then are dropped.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "core/plugins.h"
#include "formats/formats.h"
#include "objload-paths.h"
#include "os/os.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

#define PLUGIN_PREFIX "objload-"
#define PLUGIN_SUFFIX OS_LIB_SUFFIX
#define PLUGIN_ENTRY "objload_plugin_init"

struct core_plugins {
	void **handles;
	size_t n, cap;
	int path_loaded;   /* the search path was loaded (core_plugins_probe) */
};

typedef objload_status (*plugin_init_fn)(objload_session *);

void core_plugins_free(objload_session *s)
{
	struct core_plugins *p = s->plugins;

	if (!p)
		return;
	for (size_t i = p->n; i-- > 0;)
		os_lib_close(p->handles[i]);
	free(p->handles);
	free(p);
	s->plugins = NULL;
	s->forced_format = NULL;
}

static struct core_plugins *plugins_of(objload_session *s)
{
	if (!s->plugins)
		s->plugins = calloc(1, sizeof(*s->plugins));
	return s->plugins;
}

static objload_status plugin_keep(objload_session *s, void *h)
{
	struct core_plugins *p = plugins_of(s);

	if (!p)
		return OBJLOAD_ERR_NOMEM;
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 4;
		void **n = realloc(p->handles, ncap * sizeof(*n));

		if (!n)
			return OBJLOAD_ERR_NOMEM;
		p->handles = n;
		p->cap = ncap;
	}
	p->handles[p->n++] = h;
	return OBJLOAD_OK;
}

static int plugin_loaded(const objload_session *s, const void *h)
{
	const struct core_plugins *p = s->plugins;

	for (size_t i = 0; p && i < p->n; i++)
		if (p->handles[i] == h)
			return 1;
	return 0;
}

/* Open one plug-in file and run its entry point. */
static objload_status plugin_open(objload_session *s, const char *path)
{
	size_t before = s->nextra_formats;
	plugin_init_fn init;
	objload_status st;
	char why[512];
	void *h, *sym;

	h = os_lib_open(path, 0, why, sizeof(why));
	if (!h)
		return core_error(s, OBJLOAD_ERR_IO, "plug-in %s: %s", path, why);
	if (plugin_loaded(s, h)) {
		os_lib_close(h);   /* drops the extra reference the open took */
		return OBJLOAD_OK;
	}
	sym = os_lib_symbol(h, PLUGIN_ENTRY);
	if (!sym) {
		os_lib_close(h);
		return core_error(s, OBJLOAD_ERR_FORMAT,
				  "plug-in %s: no entry point %s", path, PLUGIN_ENTRY);
	}
	memcpy(&init, &sym, sizeof(init));
	st = init(s);
	if (st == OBJLOAD_OK)
		st = plugin_keep(s, h);
	if (st != OBJLOAD_OK) {
		char msg[CORE_ERRMSG_MAX];

		snprintf(msg, sizeof(msg), "%s", s->errmsg);
		s->nextra_formats = before;
		os_lib_close(h);
		return core_error(s, st, "plug-in %s: %s failed: %s", path,
				  PLUGIN_ENTRY, msg[0] ? msg : objload_status_name(st));
	}
	core_log(s, OBJLOAD_LOG_FILES, "plug-in %s loaded", path);
	return OBJLOAD_OK;
}

/* The installation's plug-in directory found from this code's place:
 * relative to libobjload.so's directory, or to the program's when
 * libobjload is linked into it.  "" when it cannot be found. */
static void relocated_dir(char *out, size_t len)
{
	char file[PATH_MAX];
	const char *rel;
	size_t dl;
	int is_library;

	out[0] = '\0';
	if (os_self_file(file, sizeof(file), &is_library))
		return;
	rel = is_library ? OBJLOAD_PLUGIN_DIR_FROM_LIBDIR : OBJLOAD_PLUGIN_DIR_FROM_BINDIR;
	/* the file's directory */
	dl = strlen(file);
	while (dl > 0 && !os_is_dir_sep(file[dl - 1]))
		dl--;
	while (dl > 1 && os_is_dir_sep(file[dl - 1]))
		dl--;
	if (!dl)
		return;
	file[dl] = '\0';
	if (rel[0] == '/' || snprintf(out, len, "%s/%s", file, rel) >= (int)len)
		out[0] = '\0';
}

/* The search directories, in order, as one colon-separated string the
 * caller frees. */
static char *plugin_dirs(void)
{
	const char *env = getenv("OBJLOAD_PLUGIN_PATH");
	char reloc[PATH_MAX], a[PATH_MAX], b[PATH_MAX];
	char *out;

	relocated_dir(reloc, sizeof(reloc));
	/* the configured directory once, when the installation is where it
	 * was configured for */
	if (reloc[0] && !os_realpath(reloc, a, sizeof(a)) &&
	    !os_realpath(OBJLOAD_PLUGIN_DIR, b, sizeof(b)) && strcmp(a, b) == 0)
		reloc[0] = '\0';
	if (asprintf(&out, "%s%s%s%s%s", env && *env ? env : "",
		     env && *env ? OS_PATH_LIST_SEP_STR : "", reloc,
		     reloc[0] ? OS_PATH_LIST_SEP_STR : "", OBJLOAD_PLUGIN_DIR) < 0)
		return NULL;
	return out;
}

/* 1 when `path`, a directory (want_dir) or a plug-in file of the search
 * path, may be used; a warning when it is skipped. */
static int plugin_path_usable(objload_session *s, const char *path, int want_dir)
{
	const char *why;

	if (os_path_kind_of(path) != (want_dir ? OS_PATH_DIR : OS_PATH_FILE))
		return 0;
	/* someone else may have put it there: writable by any user, or owned
	 * by neither root nor us */
	why = os_path_unsafe(path);
	if (why) {
		core_log(s, OBJLOAD_LOG_WARNING, "plug-in%s %s skipped: %s",
			 want_dir ? " directory" : "", path, why);
		return 0;
	}
	return 1;
}

static int plugin_file_name(const char *name)
{
	size_t n = strlen(name), pl = strlen(PLUGIN_PREFIX), sl = strlen(PLUGIN_SUFFIX);

	return n > pl + sl && strncmp(name, PLUGIN_PREFIX, pl) == 0 &&
	       strcmp(name + n - sl, PLUGIN_SUFFIX) == 0;
}

/* The walk of plugin_load_all: the directory being read and the file
 * names seen so far. */
struct plugin_walk {
	objload_session *s;
	const char *dir;
	char **seen;
	size_t nseen;
	objload_status first;
};

/* One entry of a search directory: 1 stops the walk (out of memory). */
static int plugin_walk_entry(void *ctx, const char *name)
{
	struct plugin_walk *w = ctx;
	char *path, **n;
	objload_status st;

	if (!plugin_file_name(name))
		return 0;
	for (size_t i = 0; i < w->nseen; i++)
		if (strcmp(w->seen[i], name) == 0)
			return 0;
	n = realloc(w->seen, (w->nseen + 1) * sizeof(*n));
	if (!n)
		return 1;
	w->seen = n;
	w->seen[w->nseen] = strdup(name);
	if (!w->seen[w->nseen])
		return 1;
	w->nseen++;
	if (asprintf(&path, "%s/%s", w->dir, name) < 0)
		return 1;
	st = plugin_path_usable(w->s, path, 0) ? plugin_open(w->s, path) : OBJLOAD_OK;
	if (st)
		core_log(w->s, OBJLOAD_LOG_WARNING, "%s", w->s->errmsg);
	free(path);
	if (st && !w->first)
		w->first = st;
	return 0;
}

/* Load every objload-*.so of the search path; a file name found in an
 * earlier directory hides the same name in later ones. */
static objload_status plugin_load_all(objload_session *s, char *dirs)
{
	struct plugin_walk w = { .s = s };
	char *save = NULL;

	for (char *d = strtok_r(dirs, OS_PATH_LIST_SEP_STR, &save); d;
	     d = strtok_r(NULL, OS_PATH_LIST_SEP_STR, &save)) {
		if (!plugin_path_usable(s, d, 1))
			continue;
		w.dir = d;
		(void)os_dir_each(d, plugin_walk_entry, &w);
	}
	for (size_t i = 0; i < w.nseen; i++)
		free(w.seen[i]);
	free(w.seen);
	return w.first;
}

objload_status objload_load_plugin(objload_session *s, const char *path)
{
	objload_status st;
	char *dirs, *save = NULL;

	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if (path && !*path)
		return core_error(s, OBJLOAD_ERR_ARGUMENT, "empty plug-in name");
	if (path && strchr(path, '/'))
		return plugin_open(s, path);
	dirs = plugin_dirs();
	if (!dirs)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	if (!path) {
		if (plugins_of(s))
			s->plugins->path_loaded = 1;
		st = plugin_load_all(s, dirs);
		free(dirs);
		return st;
	}
	{
		char *copy = strdup(dirs);

		if (!copy) {
			free(dirs);
			return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
		}
		for (char *d = strtok_r(copy, OS_PATH_LIST_SEP_STR, &save); d;
		     d = strtok_r(NULL, OS_PATH_LIST_SEP_STR, &save)) {
			char *file;

			if (!plugin_path_usable(s, d, 1))
				continue;
			if (asprintf(&file, "%s/" PLUGIN_PREFIX "%s" PLUGIN_SUFFIX, d, path) < 0)
				break;
			if (os_path_readable(file) && plugin_path_usable(s, file, 0)) {
				st = plugin_open(s, file);
				free(file);
				free(copy);
				free(dirs);
				return st;
			}
			free(file);
		}
		free(copy);
	}
	st = core_error(s, OBJLOAD_ERR_IO,
			"no plug-in " PLUGIN_PREFIX "%s" PLUGIN_SUFFIX " in %s "
			"(set OBJLOAD_PLUGIN_PATH)", path, dirs[0] ? dirs : "(no directory)");
	free(dirs);
	return st;
}

static const objload_format *plugin_find_format(const objload_session *s,
						const char *name)
{
	static const objload_format *const natives[] = {
		&objload_format_elf, &objload_format_macho, &objload_format_coff,
	};

	for (size_t i = 0; i < sizeof(natives) / sizeof(natives[0]); i++)
		if (strcmp(natives[i]->name, name) == 0)
			return natives[i];
	for (size_t i = 0; i < s->nextra_formats; i++)
		if (strcmp(s->extra_formats[i]->name, name) == 0)
			return s->extra_formats[i];
	return NULL;
}

objload_status objload_set_format(objload_session *s, const char *name)
{
	const objload_format *f;
	objload_status st;

	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if (!name || !*name || strcmp(name, "auto") == 0) {
		s->forced_format = NULL;
		return OBJLOAD_OK;
	}
	f = plugin_find_format(s, name);
	if (!f) {
		st = objload_load_plugin(s, name);
		if (st) {
			char msg[CORE_ERRMSG_MAX];

			snprintf(msg, sizeof(msg), "%s", s->errmsg);
			return core_error(s, st, "no format named '%s': %s", name, msg);
		}
		f = plugin_find_format(s, name);
		if (!f)
			return core_error(s, OBJLOAD_ERR_ARGUMENT,
					  "plug-in objload-%s.so registered no format named '%s'",
					  name, name);
	}
	s->forced_format = f;
	return OBJLOAD_OK;
}

const objload_format *core_plugins_probe(objload_session *s, const uint8_t *bytes,
					 size_t len)
{
	struct core_plugins *p = plugins_of(s);
	size_t before = s->nextra_formats;
	char *dirs;

	if (!p || p->path_loaded)
		return NULL;
	p->path_loaded = 1;
	dirs = plugin_dirs();
	if (!dirs)
		return NULL;
	/* failures were logged as warnings: the input's own error follows */
	(void)plugin_load_all(s, dirs);
	free(dirs);
	for (size_t i = before; i < s->nextra_formats; i++)
		if (s->extra_formats[i]->probe(bytes, len))
			return s->extra_formats[i];
	return NULL;
}
