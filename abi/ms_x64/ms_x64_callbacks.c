/* SPDX-License-Identifier: MIT */
/*
 * The Microsoft x64 bridge's wrappers of host functions that take a
 * function pointer and call it back: pthread_create, pthread_once,
 * pthread_key_create, signal, sigaction, on_exit, tsearch, tfind,
 * tdelete, twalk, tdestroy, ftw, nftw, scandir, glob.
 *
 * The image passes a function compiled for Microsoft x64; the host would
 * call it with System V.  Each wrapper asks the core for a convention
 * thunk of that target (bridge_callback: one per target, cached in the
 * session, integer and pointer arguments only, which is every callback
 * here) and hands the thunk to the host.  The wrappers are "bound": the
 * core calls them with the host function's arguments followed by the
 * session (core/callbacks.c), which owns the thunks.
 *
 * What crosses besides the pointer:
 *   - signal numbers: Windows' SIGABRT is 22 (Linux: 6); the others a
 *     Windows program can name (INT, ILL, FPE, SEGV, TERM) agree.  The
 *     previous handler signal() returns is the image's own function when
 *     it was one of its thunks, so saving and restoring a handler works.
 *   - on_exit handlers belong to the session, like atexit's: they run at
 *     exit() or when the session is freed, before the code is unmapped.
 *   - structures the host fills or reads (struct stat for ftw/nftw,
 *     struct dirent for scandir, glob_t, struct sigaction, pthread_attr_t)
 *     are the host's layout: an image compiled against another C
 *     library's headers sees its own layout of them (docs/coff.md).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <glob.h>
#include <pthread.h>
#include <search.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>

#include "abi/ms_x64/ms_x64.h"
#include "abi/wincrt.h"

static void *ms_cb(objload_session *s, const void *fn)
{
	return bridge_callback(s, fn, OBJLOAD_CC_MS_X64);
}

static int ms_special_handler(const void *h)
{
	return h == (void *)SIG_DFL || h == (void *)SIG_IGN || h == (void *)SIG_ERR;
}

/* A handler value: SIG_DFL, SIG_IGN and SIG_ERR pass as they are; NULL
 * for a function when memory runs out. */
static void *ms_handler(objload_session *s, void *h)
{
	return ms_special_handler(h) ? h : ms_cb(s, h);
}

/* ---- threads ---------------------------------------------------------- */

static int msb_pthread_create(pthread_t *t, const pthread_attr_t *attr,
			      void *fn, void *arg, objload_session *s)
{
	void *(*start)(void *) = (void *(*)(void *))ms_cb(s, fn);

	if (!start)
		return fn ? EAGAIN : EINVAL;
	return pthread_create(t, attr, start, arg);
}

static int msb_pthread_once(pthread_once_t *once, void *fn, objload_session *s)
{
	void (*init)(void) = (void (*)(void))ms_cb(s, fn);

	if (!init)
		return fn ? ENOMEM : EINVAL;
	return pthread_once(once, init);
}

static int msb_pthread_key_create(pthread_key_t *key, void *dtor, objload_session *s)
{
	void (*d)(void *) = dtor ? (void (*)(void *))ms_cb(s, dtor) : NULL;

	if (dtor && !d)
		return ENOMEM;
	return pthread_key_create(key, d);
}

/* ---- signals ---------------------------------------------------------- */

static void *msb_signal(int sig, void *handler, objload_session *s)
{
	void *h = ms_handler(s, handler), *old;

	if (!h && !ms_special_handler(handler)) {
		errno = ENOMEM;
		return (void *)SIG_ERR;
	}
	old = (void *)signal(wincrt_signo(sig), (sighandler_t)h);
	if (old == (void *)SIG_ERR)
		return old;
	return bridge_callback_original(s, old);
}

/* struct sigaction as the host lays it out (an image compiled against
 * glibc's headers); sa_handler and sa_sigaction share one field. */
static int msb_sigaction(int sig, const struct sigaction *act, struct sigaction *oldact,
			 objload_session *s)
{
	struct sigaction a, o;
	int r;

	if (act) {
		a = *act;
		a.sa_handler = (sighandler_t)ms_handler(s, (void *)act->sa_handler);
		if (!a.sa_handler && !ms_special_handler((void *)act->sa_handler)) {
			errno = ENOMEM;
			return -1;
		}
	}
	r = sigaction(wincrt_signo(sig), act ? &a : NULL, oldact ? &o : NULL);
	if (r == 0 && oldact) {
		o.sa_handler = (sighandler_t)bridge_callback_original(s, (void *)o.sa_handler);
		*oldact = o;
	}
	return r;
}

/* ---- exit ------------------------------------------------------------- */

static int msb_on_exit(void *fn, void *arg, objload_session *s)
{
	void (*h)(int, void *) = (void (*)(int, void *))ms_cb(s, fn);

	return h ? bridge_on_exit(s, h, arg) : -1;
}

/* ---- search.h trees --------------------------------------------------- */

typedef int (*cmp_fn)(const void *, const void *);

static void *msb_tsearch(const void *key, void **root, void *cmp, objload_session *s)
{
	cmp_fn c = (cmp_fn)ms_cb(s, cmp);

	return c ? tsearch(key, root, c) : NULL;
}

static void *msb_tfind(const void *key, void *const *root, void *cmp, objload_session *s)
{
	cmp_fn c = (cmp_fn)ms_cb(s, cmp);

	return c ? tfind(key, root, c) : NULL;
}

static void *msb_tdelete(const void *key, void **root, void *cmp, objload_session *s)
{
	cmp_fn c = (cmp_fn)ms_cb(s, cmp);

	return c ? tdelete(key, root, c) : NULL;
}

static void msb_twalk(const void *root, void *action, objload_session *s)
{
	void (*a)(const void *, VISIT, int) = (void (*)(const void *, VISIT, int))ms_cb(s, action);

	if (a)
		twalk(root, a);
}

static void msb_tdestroy(void *root, void *free_node, objload_session *s)
{
	void (*f)(void *) = (void (*)(void *))ms_cb(s, free_node);

	if (f)
		tdestroy(root, f);
}

/* ---- files ------------------------------------------------------------ */

typedef int (*ftw_fn)(const char *, const struct stat *, int);
typedef int (*nftw_fn)(const char *, const struct stat *, int, struct FTW *);

static int msb_ftw(const char *dir, void *fn, int nopenfd, objload_session *s)
{
	ftw_fn f = (ftw_fn)ms_cb(s, fn);

	return f ? ftw(dir, f, nopenfd) : -1;
}

static int msb_nftw(const char *dir, void *fn, int nopenfd, int flags, objload_session *s)
{
	nftw_fn f = (nftw_fn)ms_cb(s, fn);

	return f ? nftw(dir, f, nopenfd, flags) : -1;
}

typedef int (*dirent_filter)(const struct dirent *);
typedef int (*dirent_cmp)(const struct dirent **, const struct dirent **);

static int msb_scandir(const char *dir, struct dirent ***list, void *filter, void *cmp,
		       objload_session *s)
{
	dirent_filter f = filter ? (dirent_filter)ms_cb(s, filter) : NULL;
	dirent_cmp c = cmp ? (dirent_cmp)ms_cb(s, cmp) : NULL;

	if ((filter && !f) || (cmp && !c))
		return -1;
	return scandir(dir, list, f, c);
}

static int msb_glob(const char *pattern, int flags, void *errfunc, glob_t *g,
		    objload_session *s)
{
	int (*e)(const char *, int) = errfunc ? (int (*)(const char *, int))ms_cb(s, errfunc) : NULL;

	if (errfunc && !e)
		return GLOB_NOSPACE;
	return glob(pattern, flags, e, g);
}

const bridge_bound ms_x64_bound[] = {
	{ "pthread_create", (void *)msb_pthread_create, 4 },
	{ "pthread_once", (void *)msb_pthread_once, 2 },
	{ "pthread_key_create", (void *)msb_pthread_key_create, 2 },
	{ "signal", (void *)msb_signal, 2 },
	{ "sigaction", (void *)msb_sigaction, 3 },
	{ "on_exit", (void *)msb_on_exit, 2 },
	{ "tsearch", (void *)msb_tsearch, 3 },
	{ "tfind", (void *)msb_tfind, 3 },
	{ "tdelete", (void *)msb_tdelete, 3 },
	{ "twalk", (void *)msb_twalk, 2 },
	{ "tdestroy", (void *)msb_tdestroy, 2 },
	{ "ftw", (void *)msb_ftw, 3 },
	{ "nftw", (void *)msb_nftw, 4 },
	{ "scandir", (void *)msb_scandir, 4 },
	{ "glob", (void *)msb_glob, 4 },
	{ NULL, NULL, 0 },
};
