/* SPDX-License-Identifier: MIT */
/*
 * The scanf family for Microsoft x64 images (MinGW and MSVC targets),
 * beside the printf engine of the Microsoft x64 bridge.
 *
 * A Windows program's scanf formats mean other sizes than glibc's: `long`
 * is 32 bits (LLP64), so %ld stores an int; %I64d, %lld, %qd, %jd, %zd,
 * %td and %Id store 64 bits; %Lf stores a double for the Microsoft CRT
 * (its long double is a double) but an x87 long double for MinGW's own
 * __mingw_*scanf (gcc's long double); every pointer arrives through a
 * Microsoft va_list.  The engine rewrites the format into glibc's
 * spelling of the same sizes, collects the destination pointers, and
 * lets the host's sscanf/fscanf do the scanning with them: the objects
 * are written by the host directly, at the sizes the rewritten format
 * names.  Up to SCAN_MAX_ARGS destinations per call.
 *
 * The bounds-checked forms (scanf_s, and UCRT's entry points with
 * _CRT_INTERNAL_SCANF_SECURECRT) pass a buffer size after the pointer of
 * each %c, %s and %[: the engine turns it into a field width, so the
 * host never writes past the buffer.
 *
 * Not supported, refused with EOF and errno EINVAL: wide conversions
 * (%lc, %ls, %l[, %C, %S, %wc...: a Windows wchar_t is 16 bits, glibc's
 * 32), and more than SCAN_MAX_ARGS destinations.
 *
 * Entry points (docs/coff.md): sscanf, fscanf, scanf, vsscanf, vfscanf,
 * vscanf, their _s forms, MinGW's __mingw_* forms, and UCRT's
 * __stdio_common_vsscanf/__stdio_common_vfscanf, over which its
 * <stdio.h> inlines the family.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/ms_x64/ms_x64.h"

#define SCAN_MAX_ARGS 32

/* What a call's Microsoft format means. */
enum scan_dialect {
	SCAN_MSVCRT = 0,        /* L is a double */
	SCAN_MINGW = 1,         /* L is an x87 long double */
	SCAN_SECURE = 2,        /* %c %s %[ take a size after the pointer */
};

struct scan_job {
	char *fmt;              /* glibc's spelling, malloc'ed */
	size_t len, cap;
	void *arg[SCAN_MAX_ARGS];
	unsigned nargs;
};

static int scan_put(struct scan_job *j, const char *s, size_t n)
{
	if (j->len + n + 1 > j->cap) {
		size_t cap = (j->len + n + 1) * 2;
		char *grown = realloc(j->fmt, cap);

		if (!grown)
			return -1;
		j->fmt = grown;
		j->cap = cap;
	}
	memcpy(j->fmt + j->len, s, n);
	j->len += n;
	j->fmt[j->len] = '\0';
	return 0;
}

/*
 * Rewrites `fmt` into j, pulling the destinations from ap.  0, or -1
 * (errno set) for what is not supported or out of memory.
 */
static int scan_translate(struct scan_job *j, const char *fmt, unsigned dialect,
			  __builtin_ms_va_list *ap)
{
	const char *p = fmt;

	while (*p) {
		const char *lit = p;
		char width[24] = "";
		const char *size = "";
		int suppress = 0, wide = 0, has_width = 0;
		size_t wl = 0;
		char conv;

		while (*p && *p != '%')
			p++;
		if (scan_put(j, lit, (size_t)(p - lit)))
			return -1;
		if (!*p)
			break;
		p++;
		if (*p == '%') {
			if (scan_put(j, "%%", 2))
				return -1;
			p++;
			continue;
		}
		if (*p == '*') {
			suppress = 1;
			p++;
		}
		while (*p >= '0' && *p <= '9' && wl < sizeof(width) - 1) {
			width[wl++] = *p++;
			has_width = 1;
		}
		width[wl] = '\0';
		while (*p >= '0' && *p <= '9')   /* absurdly long: host clamps */
			p++;
		/* length modifiers, Microsoft's meaning */
		if (p[0] == 'h' && p[1] == 'h') {
			size = "hh";
			p += 2;
		} else if (p[0] == 'h') {
			size = "h";
			p++;
		} else if (p[0] == 'l' && p[1] == 'l') {
			size = "ll";
			p += 2;
		} else if (p[0] == 'l') {
			size = "l";      /* 32-bit integer, double, wide text */
			p++;
		} else if (p[0] == 'I' && p[1] == '6' && p[2] == '4') {
			size = "ll";
			p += 3;
		} else if (p[0] == 'I' && p[1] == '3' && p[2] == '2') {
			size = "";
			p += 3;
		} else if (p[0] && strchr("jztIq", p[0])) {
			size = "ll";
			p++;
		} else if (p[0] == 'L') {
			size = "L";
			p++;
		} else if (p[0] == 'w') {
			size = "l";
			wide = 1;
			p++;
		}
		conv = *p;
		if (!conv)
			break;   /* a truncated directive ends the format */
		p++;
		if (scan_put(j, suppress ? "%*" : "%", suppress ? 2 : 1))
			return -1;
		switch (conv) {
		case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': case 'n':
			/* %ld is an int: drop the l */
			if (strcmp(size, "l") == 0 || strcmp(size, "L") == 0)
				size = "";
			break;
		case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
			if (strcmp(size, "L") == 0)
				size = (dialect & SCAN_MINGW) ? "L" : "l";
			else if (strcmp(size, "ll") == 0)
				size = "l";
			else if (strcmp(size, "l") != 0)
				size = "";
			break;
		case 'c': case 's': case '[':
			if (strcmp(size, "l") == 0 || wide) {
				errno = EINVAL;
				return -1;
			}
			size = "";
			break;
		case 'p':
			size = "";
			break;
		case 'C': case 'S':
			errno = EINVAL;
			return -1;
		default:
			/* not a conversion: as written, the host fails on it */
			size = "";
			break;
		}
		if (!suppress && conv != 'n' && strchr("csS[", conv) &&
		    (dialect & SCAN_SECURE)) {
			/* the destination, then its size in characters */
			void *dest = __builtin_va_arg(*ap, void *);
			unsigned room = __builtin_va_arg(*ap, unsigned);
			unsigned limit = conv == 'c' ? room : room ? room - 1 : 0;
			unsigned long asked = has_width ? strtoul(width, NULL, 10) :
					      conv == 'c' ? 1 : ~0ul;

			if (limit == 0 || (conv == 'c' && asked > limit)) {
				errno = ENOMEM;   /* what the CRT reports */
				return -1;
			}
			if (asked > limit)
				snprintf(width, sizeof(width), "%u", limit);
			if (j->nargs == SCAN_MAX_ARGS) {
				errno = EINVAL;
				return -1;
			}
			j->arg[j->nargs++] = dest;
		} else if (!suppress && strchr("diuoxXneEfFgGaAcs[p", conv)) {
			if (j->nargs == SCAN_MAX_ARGS) {
				errno = EINVAL;
				return -1;
			}
			j->arg[j->nargs++] = __builtin_va_arg(*ap, void *);
		}
		if (scan_put(j, width, strlen(width)) || scan_put(j, size, strlen(size)) ||
		    scan_put(j, &conv, 1))
			return -1;
		if (conv == '[') {
			/* the scanset, as written: a ']' first is a member */
			const char *set = p;

			if (*p == '^')
				p++;
			if (*p == ']')
				p++;
			while (*p && *p != ']')
				p++;
			if (*p == ']')
				p++;
			if (scan_put(j, set, (size_t)(p - set)))
				return -1;
		}
	}
	return j->fmt ? 0 : scan_put(j, "", 0);
}

/* Runs the host's scanner over the rewritten format: from a stream when
 * f is set, otherwise from the string s.  Destinations the format does
 * not use are passed and ignored, as C allows. */
static int scan_run(FILE *f, const char *s, const char *fmt, unsigned dialect,
		    __builtin_ms_va_list *ap)
{
	struct scan_job j = { 0 };
	void *const *a = j.arg;
	int r;

	if (!fmt || (!f && !s)) {
		errno = EINVAL;
		return EOF;
	}
	if (scan_translate(&j, fmt, dialect, ap)) {
		free(j.fmt);
		return EOF;
	}
#define SCAN_ARGS a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10],	\
	a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21],	\
	a[22], a[23], a[24], a[25], a[26], a[27], a[28], a[29], a[30], a[31]
	_Static_assert(SCAN_MAX_ARGS == 32, "SCAN_ARGS passes 32 destinations");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
	if (f)
		r = fscanf(f, j.fmt, SCAN_ARGS);
	else
		r = sscanf(s, j.fmt, SCAN_ARGS);
#pragma GCC diagnostic pop
#undef SCAN_ARGS
	free(j.fmt);
	return r;
}

/* A Microsoft va_list is a pointer into the argument area. */
#define SCAN_VA(ap) ((__builtin_ms_va_list)(ap))

/* ---- entry points --------------------------------------------------------- */

#define SCAN_STRING_VARIADIC(fn, dialect)					\
	static MS_ABI int fn(const char *s, const char *fmt, ...)		\
	{									\
		__builtin_ms_va_list ap;					\
		int r;								\
		__builtin_ms_va_start(ap, fmt);				\
		r = scan_run(NULL, s, fmt, dialect, &ap);			\
		__builtin_ms_va_end(ap);					\
		return r;							\
	}
#define SCAN_STREAM_VARIADIC(fn, dialect)					\
	static MS_ABI int fn(FILE *f, const char *fmt, ...)			\
	{									\
		__builtin_ms_va_list ap;					\
		int r;								\
		__builtin_ms_va_start(ap, fmt);				\
		r = scan_run(ms_x64_stream(f), NULL, fmt, dialect, &ap);	\
		__builtin_ms_va_end(ap);					\
		return r;							\
	}
#define SCAN_STDIN_VARIADIC(fn, dialect)					\
	static MS_ABI int fn(const char *fmt, ...)				\
	{									\
		__builtin_ms_va_list ap;					\
		int r;								\
		__builtin_ms_va_start(ap, fmt);				\
		r = scan_run(stdin, NULL, fmt, dialect, &ap);			\
		__builtin_ms_va_end(ap);					\
		return r;							\
	}
#define SCAN_VA_FORMS(prefix, dialect)						\
	static MS_ABI int prefix##_vsscanf(const char *s, const char *fmt, void *ap) \
	{									\
		__builtin_ms_va_list va = SCAN_VA(ap);				\
		return scan_run(NULL, s, fmt, dialect, &va);			\
	}									\
	static MS_ABI int prefix##_vfscanf(FILE *f, const char *fmt, void *ap)	\
	{									\
		__builtin_ms_va_list va = SCAN_VA(ap);				\
		return scan_run(ms_x64_stream(f), NULL, fmt, dialect, &va);	\
	}									\
	static MS_ABI int prefix##_vscanf(const char *fmt, void *ap)		\
	{									\
		__builtin_ms_va_list va = SCAN_VA(ap);				\
		return scan_run(stdin, NULL, fmt, dialect, &va);		\
	}

SCAN_STRING_VARIADIC(ms_sscanf, SCAN_MSVCRT)
SCAN_STREAM_VARIADIC(ms_fscanf, SCAN_MSVCRT)
SCAN_STDIN_VARIADIC(ms_scanf, SCAN_MSVCRT)
SCAN_VA_FORMS(ms, SCAN_MSVCRT)
SCAN_STRING_VARIADIC(ms_sscanf_s, SCAN_MSVCRT | SCAN_SECURE)
SCAN_STREAM_VARIADIC(ms_fscanf_s, SCAN_MSVCRT | SCAN_SECURE)
SCAN_STDIN_VARIADIC(ms_scanf_s, SCAN_MSVCRT | SCAN_SECURE)
SCAN_VA_FORMS(ms_s, SCAN_MSVCRT | SCAN_SECURE)
SCAN_STRING_VARIADIC(mingw_sscanf, SCAN_MINGW)
SCAN_STREAM_VARIADIC(mingw_fscanf, SCAN_MINGW)
SCAN_STDIN_VARIADIC(mingw_scanf, SCAN_MINGW)
SCAN_VA_FORMS(mingw, SCAN_MINGW)

/* UCRT: options bit 0 is _CRT_INTERNAL_SCANF_SECURECRT; a string of
 * `count` characters, or NUL-terminated when count is (size_t)-1. */
#define UCRT_SCANF_SECURECRT 1ull

static MS_ABI int ucrt_vsscanf(uint64_t options, const char *s, size_t count,
			       const char *fmt, void *locale, void *ap)
{
	__builtin_ms_va_list va = SCAN_VA(ap);
	unsigned dialect = (options & UCRT_SCANF_SECURECRT) ? SCAN_SECURE : 0;
	char *copy;
	int r;

	(void)locale;
	if (!s || count == (size_t)-1 || memchr(s, '\0', count))
		return scan_run(NULL, s, fmt, dialect, &va);
	copy = strndup(s, count);
	if (!copy) {
		errno = ENOMEM;
		return EOF;
	}
	r = scan_run(NULL, copy, fmt, dialect, &va);
	free(copy);
	return r;
}

static MS_ABI int ucrt_vfscanf(uint64_t options, FILE *f, const char *fmt, void *locale,
			       void *ap)
{
	__builtin_ms_va_list va = SCAN_VA(ap);

	(void)locale;
	return scan_run(ms_x64_stream(f), NULL, fmt,
			(options & UCRT_SCANF_SECURECRT) ? SCAN_SECURE : 0, &va);
}

static const bridge_entry ms_scan_symbols[] = {
	{ "sscanf", (void *)ms_sscanf },
	{ "fscanf", (void *)ms_fscanf },
	{ "scanf", (void *)ms_scanf },
	{ "vsscanf", (void *)ms_vsscanf },
	{ "vfscanf", (void *)ms_vfscanf },
	{ "vscanf", (void *)ms_vscanf },
	{ "sscanf_s", (void *)ms_sscanf_s },
	{ "fscanf_s", (void *)ms_fscanf_s },
	{ "scanf_s", (void *)ms_scanf_s },
	{ "vsscanf_s", (void *)ms_s_vsscanf },
	{ "vfscanf_s", (void *)ms_s_vfscanf },
	{ "vscanf_s", (void *)ms_s_vscanf },
	{ "__mingw_sscanf", (void *)mingw_sscanf },
	{ "__mingw_fscanf", (void *)mingw_fscanf },
	{ "__mingw_scanf", (void *)mingw_scanf },
	{ "__mingw_vsscanf", (void *)mingw_vsscanf },
	{ "__mingw_vfscanf", (void *)mingw_vfscanf },
	{ "__mingw_vscanf", (void *)mingw_vscanf },
	{ "__stdio_common_vsscanf", (void *)ucrt_vsscanf },
	{ "__stdio_common_vfscanf", (void *)ucrt_vfscanf },
};

void *ms_x64_scan_symbol(const char *name)
{
	return bridge_table_lookup(ms_scan_symbols,
				   sizeof(ms_scan_symbols) / sizeof(ms_scan_symbols[0]), name);
}
