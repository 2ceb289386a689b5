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
 *   2. OBJLOAD_PLUGIN_BUILDDIR, a compile-time directory in the build tree
 *      so the tests find plug-ins that are not installed yet;
 *   3. OBJLOAD_PLUGIN_DIR, $(pkglibdir)/plugins.
 * A plug-in named NAME is the file objload-NAME.so.
 *
 * The session keeps every handle and closes them in objload_session_free,
 * after the images (whose formats point into the plug-ins) are released.
 * A plug-in whose init fails is closed at once and the formats it had
 * registered by then are dropped.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "formats/formats.h"

#define PLUGIN_PREFIX "objload-"
#define PLUGIN_SUFFIX ".so"
#define PLUGIN_ENTRY "objload_plugin_init"

struct core_plugins {
	void **handles;
	size_t n, cap;
};

typedef objload_status (*plugin_init_fn)(objload_session *);

void core_plugins_free(objload_session *s)
{
	struct core_plugins *p = s->plugins;

	if (!p)
		return;
	for (size_t i = p->n; i-- > 0;)
		dlclose(p->handles[i]);
	free(p->handles);
	free(p);
	s->plugins = NULL;
	s->forced_format = NULL;
}

static objload_status plugin_keep(objload_session *s, void *h)
{
	struct core_plugins *p = s->plugins;

	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return OBJLOAD_ERR_NOMEM;
		s->plugins = p;
	}
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
	void *h, *sym;

	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return core_error(s, OBJLOAD_ERR_IO, "plug-in %s: %s", path, dlerror());
	if (plugin_loaded(s, h)) {
		dlclose(h);   /* drops the extra reference dlopen took */
		return OBJLOAD_OK;
	}
	sym = dlsym(h, PLUGIN_ENTRY);
	if (!sym) {
		dlclose(h);
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
		dlclose(h);
		return core_error(s, st, "plug-in %s: %s failed: %s", path,
				  PLUGIN_ENTRY, msg[0] ? msg : objload_status_name(st));
	}
	return OBJLOAD_OK;
}

/* The search directories, in order, as one colon-separated string the
 * caller frees. */
static char *plugin_dirs(void)
{
	const char *env = getenv("OBJLOAD_PLUGIN_PATH");
	const char *parts[3] = { env && *env ? env : NULL, NULL, NULL };
	size_t len = 1, k = 1;
	char *out;

#ifdef OBJLOAD_PLUGIN_BUILDDIR
	parts[k++] = OBJLOAD_PLUGIN_BUILDDIR;
#endif
#ifdef OBJLOAD_PLUGIN_DIR
	parts[k++] = OBJLOAD_PLUGIN_DIR;
#endif
	for (size_t i = 0; i < k; i++)
		if (parts[i])
			len += strlen(parts[i]) + 1;
	out = malloc(len);
	if (!out)
		return NULL;
	out[0] = '\0';
	for (size_t i = 0; i < k; i++) {
		if (!parts[i])
			continue;
		if (out[0])
			strcat(out, ":");
		strcat(out, parts[i]);
	}
	return out;
}

static int plugin_file_name(const char *name)
{
	size_t n = strlen(name), pl = strlen(PLUGIN_PREFIX), sl = strlen(PLUGIN_SUFFIX);

	return n > pl + sl && strncmp(name, PLUGIN_PREFIX, pl) == 0 &&
	       strcmp(name + n - sl, PLUGIN_SUFFIX) == 0;
}

/* Load every objload-*.so of the search path; a file name found in an
 * earlier directory hides the same name in later ones. */
static objload_status plugin_load_all(objload_session *s, char *dirs)
{
	objload_status first = OBJLOAD_OK;
	char **seen = NULL;
	size_t nseen = 0;
	char *save = NULL;

	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		DIR *dir = opendir(d);
		struct dirent *de;

		if (!dir)
			continue;
		while ((de = readdir(dir)) != NULL) {
			char *path, **n;
			int dup = 0;
			objload_status st;

			if (!plugin_file_name(de->d_name))
				continue;
			for (size_t i = 0; i < nseen && !dup; i++)
				dup = strcmp(seen[i], de->d_name) == 0;
			if (dup)
				continue;
			n = realloc(seen, (nseen + 1) * sizeof(*n));
			if (!n)
				break;
			seen = n;
			seen[nseen] = strdup(de->d_name);
			if (!seen[nseen])
				break;
			nseen++;
			if (asprintf(&path, "%s/%s", d, de->d_name) < 0)
				break;
			st = plugin_open(s, path);
			free(path);
			if (st && !first)
				first = st;
		}
		closedir(dir);
	}
	for (size_t i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	return first;
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
		for (char *d = strtok_r(copy, ":", &save); d;
		     d = strtok_r(NULL, ":", &save)) {
			char *file;

			if (asprintf(&file, "%s/" PLUGIN_PREFIX "%s" PLUGIN_SUFFIX, d, path) < 0)
				break;
			if (access(file, R_OK) == 0) {
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
