/* SPDX-License-Identifier: MIT */
/*
 * The Microsoft x64 bridge: what lets a COFF x86-64 object compiled for
 * Windows (MSVC target or MinGW) use the Linux host's C library.
 *
 * Microsoft x64 passes the first four arguments in rcx, rdx, r8, r9 (or,
 * for a double, xmm0-xmm3 of the same position), reserves 32 bytes of
 * "shadow space" above the return address, keeps rdi, rsi and xmm6-xmm15
 * callee-saved, and is LLP64: `long` is 32 bits.  Variadic arguments are
 * passed like integers (a double also in its integer register).  The
 * arch's generic thunk (arch/x86_64) bridges functions whose arguments
 * are integers and pointers, or all doubles; everything else is wrapped
 * here with gcc's __attribute__((ms_abi)):
 *
 *   - the printf family, as the MSVC (UCRT) and MinGW headers reach it:
 *     the format is parsed by abi/format.c, each argument pulled from the
 *     Microsoft argument slots (LLP64: %ld is 32 bits; %lld, %I64d, %zd
 *     and %p 64) and each conversion formatted by the host's snprintf;
 *   - __acrt_iob_func: the host's stdin/stdout/stderr, which the host's
 *     fwrite/fputs/fflush then take through generic thunks;
 *   - functions with `long` (strtol, strtoul, atol, labs), callbacks
 *     (qsort, bsearch) or mixed int/double arguments (frexp, ldexp,
 *     modf);
 *   - the pieces a Windows linker and CRT supply: __main, _fltused,
 *     __chkstk/___chkstk_ms, __security_cookie and
 *     __security_check_cookie, _setjmp/longjmp;
 *   - the C runtime's start-up entry points a DLL imports
 *     (ms_x64_crt.c), and the Windows API layer (abi/win32), asked after
 *     this file's table.
 *
 * docs/coff.md lists every name.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <limits.h>
#include <errno.h>
#include <signal.h>

#include "abi/format.h"
#include "abi/ms_x64/ms_x64.h"
#include "abi/wincrt.h"
#include "abi/win32/win32.h"

/* ---- printf ----------------------------------------------------------- */

/* A Microsoft va_list is a pointer into the argument area: 8-byte slots,
 * a double as its bits (abi/format.c parses the format). */
static int ms_vfprintf_impl(FILE *f, const char *fmt, __builtin_ms_va_list *ap)
{
	abi_slots slots;

	abi_slots_init(&slots, *ap);
	return abi_vfprintf(ms_x64_stream(f), fmt, &slots.args,
			    &abi_dialect_llp64_ms);
}

static int ms_vsnprintf_impl(char *buf, size_t cap, const char *fmt,
			     __builtin_ms_va_list *ap)
{
	abi_slots slots;

	abi_slots_init(&slots, *ap);
	return abi_vsnprintf(buf, cap, fmt, &slots.args, &abi_dialect_llp64_ms);
}

/* A Microsoft va_list is a pointer into the argument area. */
static __builtin_ms_va_list ms_va(void *ap)
{
	return (__builtin_ms_va_list)ap;
}

static MS_ABI int ms_vfprintf(FILE *f, const char *fmt, void *ap)
{
	__builtin_ms_va_list va = ms_va(ap);

	return ms_vfprintf_impl(f, fmt, &va);
}

static MS_ABI int ms_vprintf(const char *fmt, void *ap)
{
	__builtin_ms_va_list va = ms_va(ap);

	return ms_vfprintf_impl(stdout, fmt, &va);
}

static MS_ABI int ms_vsnprintf(char *buf, size_t cap, const char *fmt, void *ap)
{
	__builtin_ms_va_list va = ms_va(ap);

	return ms_vsnprintf_impl(buf, cap, fmt, &va);
}

static MS_ABI int ms_vsprintf(char *buf, const char *fmt, void *ap)
{
	__builtin_ms_va_list va = ms_va(ap);

	return ms_vsnprintf_impl(buf, SIZE_MAX, fmt, &va);
}

/* MSVC's legacy _vsnprintf: -1 and no NUL when the text does not fit. */
static MS_ABI int ms__vsnprintf(char *buf, size_t cap, const char *fmt, void *ap)
{
	abi_slots slots;

	abi_slots_init(&slots, ap);
	return wincrt_vsnprintf_legacy(buf, cap, fmt, &slots.args);
}

static MS_ABI int ms__snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	__builtin_ms_va_list ap;
	int r;

	__builtin_ms_va_start(ap, fmt);
	r = ms__vsnprintf(buf, cap, fmt, ap);
	__builtin_ms_va_end(ap);
	return r;
}

/* _vscprintf/_scprintf: the length the text would have. */
static MS_ABI int ms__vscprintf(const char *fmt, void *ap)
{
	__builtin_ms_va_list va = ms_va(ap);

	return ms_vsnprintf_impl(NULL, 0, fmt, &va);
}

static MS_ABI int ms__scprintf(const char *fmt, ...)
{
	__builtin_ms_va_list ap;
	int r;

	__builtin_ms_va_start(ap, fmt);
	r = ms_vsnprintf_impl(NULL, 0, fmt, &ap);
	__builtin_ms_va_end(ap);
	return r;
}

/* vsprintf_s/sprintf_s: the text and its NUL must fit, or the buffer is
 * emptied and the result is -1 (ERANGE). */
static int ms_vsprintf_s_impl(char *buf, size_t size, const char *fmt,
			      __builtin_ms_va_list *ap)
{
	int r;

	if (!buf || size == 0 || !fmt) {
		errno = EINVAL;
		return -1;
	}
	r = ms_vsnprintf_impl(buf, size, fmt, ap);
	if (r < 0 || (size_t)r >= size) {
		buf[0] = '\0';
		errno = ERANGE;
		return -1;
	}
	return r;
}

static MS_ABI int ms_vsprintf_s(char *buf, size_t size, const char *fmt, void *ap)
{
	__builtin_ms_va_list va = ms_va(ap);

	return ms_vsprintf_s_impl(buf, size, fmt, &va);
}

static MS_ABI int ms_sprintf_s(char *buf, size_t size, const char *fmt, ...)
{
	__builtin_ms_va_list ap;
	int r;

	__builtin_ms_va_start(ap, fmt);
	r = ms_vsprintf_s_impl(buf, size, fmt, &ap);
	__builtin_ms_va_end(ap);
	return r;
}

static MS_ABI int ms_stdio_common_vsprintf_s(uint64_t options, char *buf, size_t size,
					     const char *fmt, void *locale, void *ap)
{
	__builtin_ms_va_list va = ms_va(ap);

	(void)options;
	(void)locale;
	return ms_vsprintf_s_impl(buf, size, fmt, &va);
}

/* _vsnprintf_s/_snprintf_s: at most `count` characters (_TRUNCATE: what
 * fits), -1 when cut short; a count the buffer cannot hold empties it. */
#define MS_TRUNCATE ((size_t)-1)

static int ms_vsnprintf_s_impl(char *buf, size_t size, size_t count, const char *fmt,
			       __builtin_ms_va_list *ap)
{
	size_t limit;
	int r;

	if (!buf || size == 0 || !fmt) {
		errno = EINVAL;
		return -1;
	}
	limit = count == MS_TRUNCATE ? size - 1 : count;
	if (limit >= size) {
		/* only an error when the text does not fit */
		limit = size - 1;
		r = ms_vsnprintf_impl(buf, size, fmt, ap);
		if (r >= 0 && (size_t)r <= limit)
			return r;
		buf[0] = '\0';
		errno = ERANGE;
		return -1;
	}
	r = ms_vsnprintf_impl(buf, limit + 1, fmt, ap);
	return r < 0 || (size_t)r > limit ? -1 : r;
}

static MS_ABI int ms__vsnprintf_s(char *buf, size_t size, size_t count, const char *fmt,
				  void *ap)
{
	__builtin_ms_va_list va = ms_va(ap);

	return ms_vsnprintf_s_impl(buf, size, count, fmt, &va);
}

static MS_ABI int ms__snprintf_s(char *buf, size_t size, size_t count, const char *fmt, ...)
{
	__builtin_ms_va_list ap;
	int r;

	__builtin_ms_va_start(ap, fmt);
	r = ms_vsnprintf_s_impl(buf, size, count, fmt, &ap);
	__builtin_ms_va_end(ap);
	return r;
}

static MS_ABI int ms_stdio_common_vsnprintf_s(uint64_t options, char *buf, size_t size,
					      size_t count, const char *fmt, void *locale,
					      void *ap)
{
	__builtin_ms_va_list va = ms_va(ap);

	(void)options;
	(void)locale;
	return ms_vsnprintf_s_impl(buf, size, count, fmt, &va);
}

static MS_ABI int ms_printf(const char *fmt, ...)
{
	__builtin_ms_va_list ap;
	int r;

	__builtin_ms_va_start(ap, fmt);
	r = ms_vfprintf_impl(stdout, fmt, &ap);
	__builtin_ms_va_end(ap);
	return r;
}

static MS_ABI int ms_fprintf(FILE *f, const char *fmt, ...)
{
	__builtin_ms_va_list ap;
	int r;

	__builtin_ms_va_start(ap, fmt);
	r = ms_vfprintf_impl(f, fmt, &ap);
	__builtin_ms_va_end(ap);
	return r;
}

static MS_ABI int ms_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	__builtin_ms_va_list ap;
	int r;

	__builtin_ms_va_start(ap, fmt);
	r = ms_vsnprintf_impl(buf, cap, fmt, &ap);
	__builtin_ms_va_end(ap);
	return r;
}

static MS_ABI int ms_sprintf(char *buf, const char *fmt, ...)
{
	__builtin_ms_va_list ap;
	int r;

	__builtin_ms_va_start(ap, fmt);
	r = ms_vsnprintf_impl(buf, SIZE_MAX, fmt, &ap);
	__builtin_ms_va_end(ap);
	return r;
}

/* UCRT: the printf family of <stdio.h> is inline over these two. */
static MS_ABI int ms_stdio_common_vfprintf(uint64_t options, FILE *f, const char *fmt,
					   void *locale, void *ap)
{
	__builtin_ms_va_list va = ms_va(ap);

	(void)options;
	(void)locale;
	return ms_vfprintf_impl(f, fmt, &va);
}

static MS_ABI int ms_stdio_common_vsprintf(uint64_t options, char *buf, size_t cap,
					   const char *fmt, void *locale, void *ap)
{
	abi_slots slots;

	(void)locale;
	abi_slots_init(&slots, ap);
	return wincrt_stdio_common_vsprintf(options, buf, cap, fmt, &slots.args);
}

static MS_ABI FILE *ms_acrt_iob_func(unsigned i)
{
	return wincrt_iob(i);
}

/* ---- stdlib: LLP64 long, callbacks ------------------------------------ */

typedef MS_ABI int (*ms_cmp_fn)(const void *, const void *);

static int ms_cmp_tramp(const void *a, const void *b, void *ctx)
{
	return ((ms_cmp_fn)ctx)(a, b);
}

static MS_ABI void ms_qsort(void *base, size_t n, size_t size, ms_cmp_fn cmp)
{
	qsort_r(base, n, size, ms_cmp_tramp, (void *)cmp);
}

static MS_ABI void *ms_bsearch(const void *key, const void *base, size_t n, size_t size,
			       ms_cmp_fn cmp)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *e = (const char *)base + mid * size;
		int c = cmp(key, e);

		if (c == 0)
			return (void *)(uintptr_t)e;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* long is 32 bits (abi/wincrt.c) */
static MS_ABI int32_t ms_strtol(const char *s, char **end, int base)
{
	return wincrt_strtol(s, end, base);
}

static MS_ABI uint32_t ms_strtoul(const char *s, char **end, int base)
{
	return wincrt_strtoul(s, end, base);
}

static MS_ABI int32_t ms_atol(const char *s)
{
	return wincrt_atol(s);
}

static MS_ABI int32_t ms_labs(int32_t v)
{
	return wincrt_labs(v);
}

/* ---- math: mixed integer and double arguments ------------------------- */

static MS_ABI double ms_frexp(double x, int *e)
{
	return frexp(x, e);
}

static MS_ABI double ms_ldexp(double x, int e)
{
	return ldexp(x, e);
}

static MS_ABI double ms_modf(double x, double *ip)
{
	return modf(x, ip);
}

/* ---- what a Windows linker and CRT supply ----------------------------- */

/* MinGW's main() calls __main to run constructors; objload runs them. */
static MS_ABI void ms_main_hook(void)
{
}

/* MSVC: referenced by any object using floating point. */
static const int ms_fltused = 0x9875;

/* /GS: the canary compiled code compares against.  A constant, which is
 * what the CRT's default is before it is randomised. */
static const uint64_t ms_security_cookie = 0x00002B992DDFA232ull;

static MS_ABI void ms_security_check_cookie(uint64_t cookie)
{
	if (cookie != ms_security_cookie)
		abort();   /* the image's stack is corrupt: as __fastfail */
}

/* The Microsoft CRT's buffering modes: _IOFBF 0, _IOLBF 0x40, _IONBF 4. */
static MS_ABI int ms_setvbuf(FILE *f, char *buf, int mode, size_t size)
{
	return wincrt_setvbuf(ms_x64_stream(f), buf, mode, size);
}

/* Windows' SIGABRT is 22. */
static MS_ABI int ms_raise(int sig)
{
	return raise(wincrt_signo(sig));
}

/* msvcrt's errno is (*_errno()), glibc's (*__errno_location()). */
static MS_ABI int *ms__errno(void)
{
	return &errno;
}

/* MinGW's headers turn strtod/strtof into its own libmingwex versions
 * (C99-conforming where old msvcrt was not): glibc's are. */
static MS_ABI double ms_strtod(const char *s, char **end)
{
	return strtod(s, end);
}

static MS_ABI float ms_strtof(const char *s, char **end)
{
	return strtof(s, end);
}

static MS_ABI void ms_longjmp_checked(void *buf, int val)
{
	ms_x64_longjmp(buf, val);
}

/* ---- The bridge ------------------------------------------------------- */

static const bridge_entry ms_x64_symbols[] = {
	/* stdio */
	{ "printf", (void *)ms_printf },
	{ "fprintf", (void *)ms_fprintf },
	{ "sprintf", (void *)ms_sprintf },
	{ "snprintf", (void *)ms_snprintf },
	{ "vprintf", (void *)ms_vprintf },
	{ "vfprintf", (void *)ms_vfprintf },
	{ "vsprintf", (void *)ms_vsprintf },
	{ "vsnprintf", (void *)ms_vsnprintf },
	{ "_vsnprintf", (void *)ms__vsnprintf },
	{ "_snprintf", (void *)ms__snprintf },
	{ "_vscprintf", (void *)ms__vscprintf },
	/* the _s forms differ in validating their arguments (and refusing
	 * %n), which the engine does not do */
	{ "printf_s", (void *)ms_printf },
	{ "fprintf_s", (void *)ms_fprintf },
	{ "vprintf_s", (void *)ms_vprintf },
	{ "vfprintf_s", (void *)ms_vfprintf },
	{ "__stdio_common_vfprintf_s", (void *)ms_stdio_common_vfprintf },
	{ "_scprintf", (void *)ms__scprintf },
	{ "sprintf_s", (void *)ms_sprintf_s },
	{ "vsprintf_s", (void *)ms_vsprintf_s },
	{ "__stdio_common_vsprintf_s", (void *)ms_stdio_common_vsprintf_s },
	{ "_vsnprintf_s", (void *)ms__vsnprintf_s },
	{ "_snprintf_s", (void *)ms__snprintf_s },
	{ "__stdio_common_vsnprintf_s", (void *)ms_stdio_common_vsnprintf_s },
	{ "__mingw_printf", (void *)ms_printf },
	{ "__mingw_fprintf", (void *)ms_fprintf },
	{ "__mingw_sprintf", (void *)ms_sprintf },
	{ "__mingw_snprintf", (void *)ms_snprintf },
	{ "__mingw_vprintf", (void *)ms_vprintf },
	{ "__mingw_vfprintf", (void *)ms_vfprintf },
	{ "__mingw_vsprintf", (void *)ms_vsprintf },
	{ "__mingw_vsnprintf", (void *)ms_vsnprintf },
	{ "__stdio_common_vfprintf", (void *)ms_stdio_common_vfprintf },
	{ "__stdio_common_vsprintf", (void *)ms_stdio_common_vsprintf },
	{ "__acrt_iob_func", (void *)ms_acrt_iob_func },
	{ "setvbuf", (void *)ms_setvbuf },
	/* stdlib */
	{ "qsort", (void *)ms_qsort },
	{ "bsearch", (void *)ms_bsearch },
	{ "strtol", (void *)ms_strtol },
	{ "strtoul", (void *)ms_strtoul },
	{ "atol", (void *)ms_atol },
	{ "labs", (void *)ms_labs },
	{ "raise", (void *)ms_raise },
	{ "_errno", (void *)ms__errno },
	{ "__mingw_strtod", (void *)ms_strtod },
	{ "__mingw_strtof", (void *)ms_strtof },
	/* math */
	{ "frexp", (void *)ms_frexp },
	{ "ldexp", (void *)ms_ldexp },
	{ "modf", (void *)ms_modf },
	/* linker and CRT */
	{ "__main", (void *)ms_main_hook },
	{ "_fltused", (void *)&ms_fltused },
	{ "__chkstk", (void *)ms_x64_chkstk },
	{ "___chkstk_ms", (void *)ms_x64_chkstk },
	{ "__security_cookie", (void *)&ms_security_cookie },
	{ "__security_check_cookie", (void *)ms_security_check_cookie },
	{ "_setjmp", (void *)ms_x64_setjmp },
	{ "setjmp", (void *)ms_x64_setjmp },
	/* UCRT's: MinGW's <setjmp.h> with _UCRT; the same arguments */
	{ "__intrinsic_setjmpex", (void *)ms_x64_setjmp },
	{ "__intrinsic_setjmp", (void *)ms_x64_setjmp },
	{ "_setjmpex", (void *)ms_x64_setjmp },
	{ "longjmp", (void *)ms_longjmp_checked },
	{ "_longjmp", (void *)ms_longjmp_checked },
};

static void *ms_x64_host_symbol(const char *name)
{
	void *p = bridge_table_lookup(ms_x64_symbols,
				      sizeof(ms_x64_symbols) / sizeof(ms_x64_symbols[0]), name);

	/* then the scanf family and the C library's other Microsoft forms,
	 * the C runtime's start-up pieces, then the Windows API layer */
	if (!p)
		p = ms_x64_scan_symbol(name);
	if (!p)
		p = ms_x64_libc_symbol(name);
	if (!p)
		p = ms_x64_crt_symbol(name);
	return p ? p : win32_symbol(name);
}

typedef MS_ABI int (*ms_main_fn)(int, char **);
typedef MS_ABI void (*ms_init_fn)(void);

static int ms_x64_call_main(uint64_t fn, int argc, char **argv)
{
	return ((ms_main_fn)(uintptr_t)fn)(argc, argv);
}

static void ms_x64_call_init(uint64_t fn)
{
	((ms_init_fn)(uintptr_t)fn)();
}

typedef MS_ABI int (*ms_attach_fn)(void *, uint32_t, void *);

static int ms_x64_call_attach(objload_session *s, uint64_t fn, uint64_t module,
			      uint32_t reason, uint64_t reserved)
{
	if (win32_thread_enter(s))
		return -1;
	return ((ms_attach_fn)(uintptr_t)fn)((void *)(uintptr_t)module, reason,
					     (void *)(uintptr_t)reserved);
}

/* Session-bound wrappers: the C library's callbacks, the C runtime's
 * locks, the Windows API layer. */
static const bridge_bound *const ms_x64_bound_lists[] = {
	ms_x64_bound, ms_x64_crt_bound, ms_x64_libc_bound, win32_bound, NULL,
};

const cc_bridge cc_bridge_ms_x64 = {
	.name = "ms_x64",
	.callconv = OBJLOAD_CC_MS_X64,
	.host_symbol = ms_x64_host_symbol,
	.call_main = ms_x64_call_main,
	.call_init = ms_x64_call_init,
	.call_attach = ms_x64_call_attach,
	.bound = ms_x64_bound_lists,
};
