/* SPDX-License-Identifier: MIT */
/*
 * The libraries a compiler driver adds without being asked, added the
 * same way when the images need them.
 *
 * `g++ x.o` links x.o with -lstdc++ -lm and the compiler runtime
 * (-lgcc_s -lgcc), found in the compiler's own directory
 * /usr/lib/gcc/TRIPLE/VERSION (what `gcc -print-search-dirs` reports as
 * its libraries), not in the system's; `gcc x.o` still adds -lgcc, whose
 * builtins (__udivti3, __cpu_model, __popcountdi2, ...) compiled code
 * calls by name.  objload does the same at link time, after the inputs
 * and archive members are known:
 *
 *   - an image that refers to the Itanium C++ ABI (a mangled _Z name,
 *     __cxa_*, __gxx_personality_v0, _Unwind_*) gets libstdc++ and
 *     libgcc_s from the compiler's directory (libgcc_s.so there is a
 *     linker script that adds libgcc.a too);
 *   - one whose mangled names are libc++'s (std::__1, as clang++ for
 *     macOS writes them) gets libc++ and libc++abi, when installed;
 *   - a compiler-runtime name (one starting with "__") that neither the
 *     images nor the host define gets libgcc.a.
 *
 * The compiler's directory is found without running the compiler: the
 * newest /usr/lib/gcc/TRIPLE/VERSION (TRIPLE naming this CPU and Linux;
 * also under /usr/lib64/gcc and /usr/local/lib/gcc) that holds libgcc.a,
 * or $OBJLOAD_GCC_LIBDIR.
 * Everything goes through the public objload_add_search_dir and
 * objload_add_library, so these libraries are searched exactly like
 * -L/-l given by the user, after them.  objload_set_default_libs(s, 0)
 * (the CLI's --no-default-libs) turns all of it off.
 *
 * Undefined C++ names are shown demangled by __cxa_demangle, looked up
 * at run time in whatever C++ runtime the process has (or libstdc++,
 * opened for the purpose); without one they stay mangled.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/archive.h"
#include "core/rt.h"
#include "os/os.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif
#ifndef NAME_MAX
#define NAME_MAX 255
#endif

#if defined(__x86_64__)
#define DEFAULTLIBS_ARCH "x86_64-"
#elif defined(__aarch64__)
#define DEFAULTLIBS_ARCH "aarch64-"
#else
#define DEFAULTLIBS_ARCH "-"
#endif

objload_status objload_set_default_libs(objload_session *s, int enabled)
{
	core_runtime *rt;
	objload_status st = core_rt_option(s, &rt);

	if (!st)
		rt->no_default_libs = !enabled;
	return st;
}

/* "12" < "12.2" < "13": numeric, component by component. */
static int version_less(const char *a, const char *b)
{
	while (*a || *b) {
		char *ea, *eb;
		unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);

		if (x != y)
			return x < y;
		if (ea == a && eb == b)
			return strcmp(a, b) < 0;
		a = *ea == '.' ? ea + 1 : ea;
		b = *eb == '.' ? eb + 1 : eb;
		if (ea == a && eb == b && !*a && !*b)
			break;
	}
	return 0;
}

static int has_libgcc(const char *dir)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/libgcc.a", dir) >= (int)sizeof(path))
		return 0;
	return os_path_kind_of(path) == OS_PATH_FILE;
}

/* The walk of scan_gcc_root: the newest compiler directory so far (best,
 * empty when none, and its version). */
struct gcc_scan {
	const char *dir;
	char *best, *best_ver;
	size_t len;
};

/* An entry root/TRIPLE/VERSION: is it a newer compiler directory? */
static int gcc_scan_version(void *ctx, const char *name)
{
	struct gcc_scan *g = ctx;
	char vdir[PATH_MAX];

	if (name[0] < '0' || name[0] > '9' || strlen(name) >= NAME_MAX ||
	    snprintf(vdir, sizeof(vdir), "%s/%s", g->dir, name) >= (int)sizeof(vdir) ||
	    !has_libgcc(vdir) || strlen(vdir) >= g->len)
		return 0;
	if (!g->best[0] || version_less(g->best_ver, name)) {
		strcpy(g->best, vdir);
		strcpy(g->best_ver, name);
	}
	return 0;
}

/* An entry root/TRIPLE: a triple of the host's CPU and Linux. */
static int gcc_scan_triple(void *ctx, const char *name)
{
	struct gcc_scan *g = ctx, v = *g;
	char tdir[PATH_MAX];

	if (strncmp(name, DEFAULTLIBS_ARCH, strlen(DEFAULTLIBS_ARCH)) != 0 ||
	    !strstr(name, "linux") ||
	    snprintf(tdir, sizeof(tdir), "%s/%s", g->dir, name) >= (int)sizeof(tdir))
		return 0;
	v.dir = tdir;
	(void)os_dir_each(tdir, gcc_scan_version, &v);
	return 0;
}

/* The newest compiler directory under root/TRIPLE/VERSION; best holds
 * the winner so far (empty when none). */
static void scan_gcc_root(const char *root, char *best, size_t len, char *best_ver)
{
	struct gcc_scan g = { .dir = root, .best = best, .best_ver = best_ver, .len = len };

	(void)os_dir_each(root, gcc_scan_triple, &g);
}

/* The compiler's library directory, or NULL. */
static const char *gcc_libdir(char *buf, size_t len)
{
	static const char *const roots[] = {
		"/usr/lib/gcc", "/usr/lib64/gcc", "/usr/local/lib/gcc",
	};
	const char *env = getenv("OBJLOAD_GCC_LIBDIR");
	char ver[NAME_MAX + 1] = "";

	if (env && *env && strlen(env) < len) {
		strcpy(buf, env);
		return buf;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
		scan_gcc_root(roots[i], buf, len, ver);
	return buf[0] ? buf : NULL;
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* What the undefined references of the images ask for. */
struct wants {
	int libstdcxx, libcxx, libgcc;
};

static int defined_by_images(objload_session *s, const char *name)
{
	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];

		for (uint32_t j = 0; j < img->nsymbols; j++) {
			const objload_symbol *sym = &img->symbols[j];

			if (sym->def != OBJLOAD_DEF_UNDEFINED && sym->cname &&
			    sym->binding != OBJLOAD_BIND_LOCAL && strcmp(sym->cname, name) == 0)
				return 1;
		}
	}
	return 0;
}

static void classify(objload_session *s, const char *name, struct wants *w)
{
	builtin_id bid;

	if (name[0] != '_')
		return;   /* most names: none of the prefixes below */
	if (starts_with(name, "_Z")) {
		if (strstr(name, "St3__1"))
			w->libcxx = 1;
		else
			w->libstdcxx = 1;
		return;
	}
	if (starts_with(name, "__cxa_") || starts_with(name, "__gxx_personality") ||
	    starts_with(name, "_Unwind_")) {
		w->libstdcxx = 1;
		return;
	}
	if (w->libgcc || !starts_with(name, "__") || core_builtin_lookup(name, &bid))
		return;
	/* a compiler-runtime name: libgcc.a when nothing else has it */
	if (!os_host_symbol(name) && !defined_by_images(s, name))
		w->libgcc = 1;
}

static void scan_images(objload_session *s, struct wants *w)
{
	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];

		/* COFF: the Microsoft C++ ABI is not the Itanium one, and its
		 * runtime is refused by core_unwind_check_coff; a linked image
		 * (a shared library) names its own libraries (DT_NEEDED,
		 * core/libsearch.c): its driver already chose them */
		if (img->callconv != OBJLOAD_CC_SYSV || img->kind != OBJLOAD_IMAGE_RELOCATABLE)
			continue;
		for (uint32_t j = 0; j < img->nsymbols; j++) {
			const objload_symbol *sym = &img->symbols[j];

			if (sym->def == OBJLOAD_DEF_UNDEFINED && sym->cname &&
			    sym->binding != OBJLOAD_BIND_LOCAL)
				classify(s, sym->cname, w);
		}
	}
	/* libc++ throws with libc++abi's __cxa_* too: libstdc++ only when
	 * something else of it is named */
	if (w->libcxx && w->libstdcxx) {
		int gnu = 0;

		for (size_t i = 0; i < s->nimages && !gnu; i++)
			for (uint32_t j = 0; j < s->images[i]->nsymbols && !gnu; j++) {
				const objload_symbol *sym = &s->images[i]->symbols[j];

				gnu = sym->def == OBJLOAD_DEF_UNDEFINED && sym->cname &&
				      starts_with(sym->cname, "_Z") && !strstr(sym->cname, "St3__1");
			}
		w->libstdcxx = gnu;
	}
}

/* objload_add_library and objload_add_search_dir refuse once
 * objload_link has begun; default libraries are part of that link, so
 * the session is let through for the call. */
static objload_status during_link(objload_session *s,
				  objload_status (*add)(objload_session *, const char *),
				  const char *arg)
{
	int linked = s->linked;
	objload_status st;

	s->linked = 0;
	st = add(s, arg);
	s->linked = linked;
	return st;
}

static objload_status add_library(objload_session *s, const char *name)
{
	return during_link(s, objload_add_library, name);
}

objload_status core_default_libs(objload_session *s)
{
	core_runtime *rt = core_rt(s);
	struct wants w = { 0 };
	char dir[PATH_MAX];
	const char *gcc;
	objload_status st = OBJLOAD_OK;
	int added = 0;

	if (!rt)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	/* the default libraries are those of the host's Linux tool chain */
	if (rt->no_default_libs || s->link_only || !s->host_lookup || strcmp(os_name(), "linux") != 0)
		return OBJLOAD_OK;
	scan_images(s, &w);
	if (!w.libstdcxx && !w.libcxx && !w.libgcc)
		return OBJLOAD_OK;
	gcc = gcc_libdir(dir, sizeof(dir));
	if (gcc && (w.libstdcxx || w.libgcc))
		st = during_link(s, objload_add_search_dir, gcc);
	if (!st && w.libcxx) {
		st = add_library(s, "-l:libc++.so.1");
		if (!st)
			st = add_library(s, "-l:libc++abi.so.1");
		added = 1;
	}
	if (!st && w.libstdcxx) {
		if (!gcc)
			return core_error(s, OBJLOAD_ERR_UNDEFINED,
					  "the images use the C++ runtime, but no compiler library "
					  "directory (/usr/lib/gcc/TRIPLE/VERSION with libgcc.a) was found: "
					  "set OBJLOAD_GCC_LIBDIR or give -lstdc++ -lgcc_s with -L");
		st = add_library(s, "-lstdc++");
		if (!st)
			st = add_library(s, "-lgcc_s");   /* a script: libgcc_s.so.1 and libgcc.a */
		added = 1;
	} else if (!st && w.libgcc && gcc) {
		st = add_library(s, "-lgcc");
		added = 1;
	}
	if (!st && added)
		st = core_archive_load_members(s);
	return st;
}

/* ---- demangling ------------------------------------------------------------ */

typedef char *(*demangle_fn)(const char *mangled, char *out, size_t *len, int *status);

const char *core_demangle(const char *name, char *buf, size_t len)
{
	demangle_fn demangle;
	void *h = NULL;
	char *d;
	int status = -1;

	if (!name || !starts_with(name, "_Z") || !len)
		return NULL;
	demangle = (demangle_fn)os_host_symbol("__cxa_demangle");
	if (!demangle) {
		static const char *const runtimes[] = { "libstdc++.so.6", "libc++abi.so.1" };

		for (size_t i = 0; i < 2 && !demangle; i++) {
			h = os_lib_open(runtimes[i], OS_LIB_LAZY, NULL, 0);
			if (h && !(demangle = (demangle_fn)os_lib_symbol(h, "__cxa_demangle"))) {
				os_lib_close(h);
				h = NULL;
			}
		}
	}
	d = demangle ? demangle(name, NULL, NULL, &status) : NULL;
	os_lib_close(h);
	if (!d || status != 0) {
		free(d);
		return NULL;
	}
	snprintf(buf, len, "%s", d);
	free(d);
	return buf;
}
