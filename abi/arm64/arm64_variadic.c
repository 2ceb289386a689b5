/* SPDX-License-Identifier: MIT */
/*
 * The arm64 bridges: what lets Mach-O arm64 objects (Apple's convention)
 * and COFF arm64 objects (Windows') call the variadic functions of the
 * C library of an AArch64 Linux host.
 *
 * The three arm64 conventions agree on every call that is not variadic
 * (AAPCS64: integer arguments in x0-x7, floating-point ones in v0-v7,
 * then the stack), so objload calls between them directly.  They differ
 * in where the variadic arguments go:
 *
 *   AAPCS64 (glibc)   like named ones: x0-x7 and v0-v7, then the stack;
 *                     va_list is a structure of five fields;
 *   Apple arm64       every variadic argument on the stack, one 8-byte
 *                     slot each (a double as its bits); va_list is a
 *                     pointer to the next slot;
 *   Windows arm64     in the x registers the named arguments left, then
 *                     the stack, 8-byte slots, a double in an x register
 *                     as its bits; va_list is a pointer to the next slot.
 *
 * So glibc's printf, called by an Apple or Windows object, finds its
 * doubles in the wrong registers.  A wrapper here takes the place of each
 * variadic function: declared as a plain function of 8 register and 24
 * stack parameters, it sees x0-x7 and the first 24 stack slots of the call
 * as AAPCS64 passes them, copies them into one array and reads the
 * variadic arguments from the caller's place (from x[named] on Windows,
 * from the stack on Apple) as 8-byte slots.  Reading up to 24 slots above
 * the stack pointer reads the caller's frame, which is always mapped; the
 * format says how many are arguments.
 *
 *   - the printf family (printf, fprintf, sprintf, snprintf, their v*
 *     forms taking a slot pointer as va_list, and glibc's fortified
 *     __*printf_chk forms Apple's headers call): formatted by
 *     abi/format.c, LP64 for Apple, LLP64 and Microsoft's modifiers for
 *     Windows (%ld is 32 bits);
 *   - the scanf family (scanf, fscanf, sscanf): every variadic argument is
 *     a pointer, so the host's function is called again with 16 of them
 *     as AAPCS64 passes them;
 *   - Windows only: the MinGW and UCRT entry points the headers inline
 *     printf over (__mingw_vfprintf, __mingw_vsnprintf,
 *     __stdio_common_vfprintf, __stdio_common_vsprintf), __acrt_iob_func,
 *     `long` functions (strtol, strtoul, atol, labs: LLP64), setvbuf's
 *     constants, raise's SIGABRT (abi/wincrt.c), and MinGW's
 *     __mingw_setjmp/__mingw_longjmp as glibc's _setjmp/longjmp (the
 *     buffer is opaque and large enough);
 *   - Apple only: setjmp as glibc's _setjmp, which does not save the
 *     signal mask: glibc's setjmp would write 312 bytes into Apple's
 *     192-byte jmp_buf.
 *
 * Not bridged: open, fcntl and ioctl's variadic third argument, and any
 * other variadic function (an Apple or Windows object calling one gets
 * its arguments wrong); a long double (a double for Apple and Windows, a
 * 128-bit quad for glibc) passed to a host function.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/arm64/arm64.h"
#include "abi/format.h"
#include "abi/wincrt.h"

/* ---- the caller's registers and stack ------------------------------------ */

#define A64_NREGS 8
#define A64_NSTACK 24

/* A wrapper's parameters: x0-x7, then the first 24 stack slots. */
#define A64_PARAMS							\
	uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3, uint64_t x4,	\
	uint64_t x5, uint64_t x6, uint64_t x7,				\
	uint64_t s0, uint64_t s1, uint64_t s2, uint64_t s3, uint64_t s4,	\
	uint64_t s5, uint64_t s6, uint64_t s7, uint64_t s8, uint64_t s9,	\
	uint64_t s10, uint64_t s11, uint64_t s12, uint64_t s13, uint64_t s14, \
	uint64_t s15, uint64_t s16, uint64_t s17, uint64_t s18, uint64_t s19, \
	uint64_t s20, uint64_t s21, uint64_t s22, uint64_t s23
#define A64_COPY(a)							\
	const uint64_t a[A64_NREGS + A64_NSTACK] = {			\
		x0, x1, x2, x3, x4, x5, x6, x7,				\
		s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11,	\
		s12, s13, s14, s15, s16, s17, s18, s19, s20, s21, s22, s23 }

/* Which caller a wrapper serves. */
enum a64_caller { A64_APPLE, A64_WINDOWS };

/* The first variadic slot of a call with `named` named arguments. */
static const uint64_t *a64_variadic(const uint64_t *a, unsigned named, enum a64_caller c)
{
	return c == A64_APPLE ? a + A64_NREGS : a + named;
}

static const abi_dialect *a64_dialect(enum a64_caller c)
{
	return c == A64_APPLE ? &abi_dialect_lp64 : &abi_dialect_llp64_ms;
}

/* ---- the printf family ------------------------------------------------------ */

/* Where a printf-like function writes, and where its arguments are. */
typedef struct a64_print {
	enum { TO_STDOUT, TO_STREAM, TO_BUFFER, TO_BUFFER_N } to;
	unsigned out;     /* the stream or buffer argument */
	unsigned cap;     /* TO_BUFFER_N: the size argument */
	unsigned fmt;     /* the format argument */
	int va;           /* the va_list argument, or -1: variadic after fmt */
} a64_print;

static int a64_printf(const a64_print *p, const uint64_t *a, enum a64_caller c)
{
	const char *fmt = (const char *)(uintptr_t)a[p->fmt];
	abi_slots slots;

	abi_slots_init(&slots, p->va >= 0 ? (const void *)(uintptr_t)a[p->va] :
			       a64_variadic(a, p->fmt + 1, c));
	switch (p->to) {
	case TO_STDOUT:
		return abi_vfprintf(stdout, fmt, &slots.args, a64_dialect(c));
	case TO_STREAM:
		return abi_vfprintf((FILE *)(uintptr_t)a[p->out], fmt, &slots.args,
				    a64_dialect(c));
	case TO_BUFFER:
		return abi_vsnprintf((char *)(uintptr_t)a[p->out], SIZE_MAX, fmt,
				     &slots.args, a64_dialect(c));
	case TO_BUFFER_N:
		return abi_vsnprintf((char *)(uintptr_t)a[p->out], (size_t)a[p->cap], fmt,
				     &slots.args, a64_dialect(c));
	}
	return -1;
}

/* printf(fmt, ...) */
static const a64_print p_printf = { TO_STDOUT, 0, 0, 0, -1 };
/* fprintf(f, fmt, ...) */
static const a64_print p_fprintf = { TO_STREAM, 0, 0, 1, -1 };
/* sprintf(buf, fmt, ...) */
static const a64_print p_sprintf = { TO_BUFFER, 0, 0, 1, -1 };
/* snprintf(buf, n, fmt, ...) */
static const a64_print p_snprintf = { TO_BUFFER_N, 0, 1, 2, -1 };
/* vprintf(fmt, ap), vfprintf(f, fmt, ap), vsprintf(buf, fmt, ap),
 * vsnprintf(buf, n, fmt, ap) */
static const a64_print p_vprintf = { TO_STDOUT, 0, 0, 0, 1 };
static const a64_print p_vfprintf = { TO_STREAM, 0, 0, 1, 2 };
static const a64_print p_vsprintf = { TO_BUFFER, 0, 0, 1, 2 };
static const a64_print p_vsnprintf = { TO_BUFFER_N, 0, 1, 2, 3 };
/* glibc's fortified forms: __printf_chk(flag, fmt, ...),
 * __fprintf_chk(f, flag, fmt, ...), __sprintf_chk(buf, flag, len, fmt, ...),
 * __snprintf_chk(buf, n, flag, len, fmt, ...), and the v* forms */
static const a64_print p_printf_chk = { TO_STDOUT, 0, 0, 1, -1 };
static const a64_print p_fprintf_chk = { TO_STREAM, 0, 0, 2, -1 };
static const a64_print p_sprintf_chk = { TO_BUFFER_N, 0, 2, 3, -1 };
static const a64_print p_snprintf_chk = { TO_BUFFER_N, 0, 1, 4, -1 };
static const a64_print p_vprintf_chk = { TO_STDOUT, 0, 0, 1, 2 };
static const a64_print p_vfprintf_chk = { TO_STREAM, 0, 0, 2, 3 };
static const a64_print p_vsprintf_chk = { TO_BUFFER_N, 0, 2, 3, 4 };
static const a64_print p_vsnprintf_chk = { TO_BUFFER_N, 0, 1, 4, 5 };
/* UCRT: __stdio_common_vfprintf(options, f, fmt, locale, ap) */
static const a64_print p_stdio_common_vfprintf = { TO_STREAM, 1, 0, 2, 4 };

/* One wrapper per caller and function. */
#define A64_PRINT_WRAPPER(caller, tag, spec)				\
	static int a64_##tag##_##spec(A64_PARAMS)			\
	{								\
		A64_COPY(a);						\
		return a64_printf(&p_##spec, a, caller);		\
	}

#define A64_PRINT_FAMILY(caller, tag)					\
	A64_PRINT_WRAPPER(caller, tag, printf)				\
	A64_PRINT_WRAPPER(caller, tag, fprintf)				\
	A64_PRINT_WRAPPER(caller, tag, sprintf)				\
	A64_PRINT_WRAPPER(caller, tag, snprintf)			\
	A64_PRINT_WRAPPER(caller, tag, vprintf)				\
	A64_PRINT_WRAPPER(caller, tag, vfprintf)			\
	A64_PRINT_WRAPPER(caller, tag, vsprintf)			\
	A64_PRINT_WRAPPER(caller, tag, vsnprintf)

A64_PRINT_FAMILY(A64_APPLE, apple)
A64_PRINT_FAMILY(A64_WINDOWS, win)
A64_PRINT_WRAPPER(A64_APPLE, apple, printf_chk)
A64_PRINT_WRAPPER(A64_APPLE, apple, fprintf_chk)
A64_PRINT_WRAPPER(A64_APPLE, apple, sprintf_chk)
A64_PRINT_WRAPPER(A64_APPLE, apple, snprintf_chk)
A64_PRINT_WRAPPER(A64_APPLE, apple, vprintf_chk)
A64_PRINT_WRAPPER(A64_APPLE, apple, vfprintf_chk)
A64_PRINT_WRAPPER(A64_APPLE, apple, vsprintf_chk)
A64_PRINT_WRAPPER(A64_APPLE, apple, vsnprintf_chk)
A64_PRINT_WRAPPER(A64_WINDOWS, win, stdio_common_vfprintf)

/* UCRT: __stdio_common_vsprintf(options, buf, n, fmt, locale, ap) */
static int a64_win_stdio_common_vsprintf(uint64_t options, char *buf, size_t cap,
					 const char *fmt, void *locale, const void *ap)
{
	abi_slots slots;

	(void)locale;
	abi_slots_init(&slots, ap);
	return wincrt_stdio_common_vsprintf(options, buf, cap, fmt, &slots.args);
}

/* MSVC's _vsnprintf(buf, n, fmt, ap) */
static int a64_win__vsnprintf(char *buf, size_t cap, const char *fmt, const void *ap)
{
	abi_slots slots;

	abi_slots_init(&slots, ap);
	return wincrt_vsnprintf_legacy(buf, cap, fmt, &slots.args);
}

/* ---- the scanf family: pointers only ---------------------------------------- */

/* The host's function called again with 16 pointer arguments, which
 * AAPCS64 passes in the x registers the named ones leave and then on the
 * stack, as glibc reads them. */
#define A64_SCAN_ARGS(v)						\
	(void *)(uintptr_t)v[0], (void *)(uintptr_t)v[1], (void *)(uintptr_t)v[2], \
	(void *)(uintptr_t)v[3], (void *)(uintptr_t)v[4], (void *)(uintptr_t)v[5], \
	(void *)(uintptr_t)v[6], (void *)(uintptr_t)v[7], (void *)(uintptr_t)v[8], \
	(void *)(uintptr_t)v[9], (void *)(uintptr_t)v[10], (void *)(uintptr_t)v[11], \
	(void *)(uintptr_t)v[12], (void *)(uintptr_t)v[13], (void *)(uintptr_t)v[14], \
	(void *)(uintptr_t)v[15]

#define A64_SCAN_WRAPPERS(caller, tag)					\
	static int a64_##tag##_sscanf(A64_PARAMS)			\
	{								\
		A64_COPY(a);						\
		const uint64_t *v = a64_variadic(a, 2, caller);		\
		return sscanf((const char *)(uintptr_t)a[0],		\
			      (const char *)(uintptr_t)a[1], A64_SCAN_ARGS(v)); \
	}								\
	static int a64_##tag##_fscanf(A64_PARAMS)			\
	{								\
		A64_COPY(a);						\
		const uint64_t *v = a64_variadic(a, 2, caller);		\
		return fscanf((FILE *)(uintptr_t)a[0],			\
			      (const char *)(uintptr_t)a[1], A64_SCAN_ARGS(v)); \
	}								\
	static int a64_##tag##_scanf(A64_PARAMS)			\
	{								\
		A64_COPY(a);						\
		const uint64_t *v = a64_variadic(a, 1, caller);		\
		return scanf((const char *)(uintptr_t)a[0], A64_SCAN_ARGS(v)); \
	}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"
A64_SCAN_WRAPPERS(A64_APPLE, apple)
A64_SCAN_WRAPPERS(A64_WINDOWS, win)
#pragma GCC diagnostic pop

/* ---- Windows: the rest of the C runtime's meaning -------------------------- */

static FILE *a64_win_acrt_iob_func(unsigned i)
{
	return wincrt_iob(i);
}

static int a64_win_raise(int sig)
{
	return raise(wincrt_signo(sig));
}

/* MinGW's main() calls __main to run constructors; objload runs them. */
static void a64_win_main_hook(void)
{
}

/* ---- the bridges ------------------------------------------------------------ */

struct a64_symbol {
	const char *name;
	void *addr;
};

#define A64_SYM(name, fn) { name, (void *)(fn) }
#define A64_PRINT_SYMS(tag)						\
	A64_SYM("printf", a64_##tag##_printf),				\
	A64_SYM("fprintf", a64_##tag##_fprintf),			\
	A64_SYM("sprintf", a64_##tag##_sprintf),			\
	A64_SYM("snprintf", a64_##tag##_snprintf),			\
	A64_SYM("vprintf", a64_##tag##_vprintf),			\
	A64_SYM("vfprintf", a64_##tag##_vfprintf),			\
	A64_SYM("vsprintf", a64_##tag##_vsprintf),			\
	A64_SYM("vsnprintf", a64_##tag##_vsnprintf),			\
	A64_SYM("sscanf", a64_##tag##_sscanf),				\
	A64_SYM("fscanf", a64_##tag##_fscanf),				\
	A64_SYM("scanf", a64_##tag##_scanf)

static const struct a64_symbol apple_symbols[] = {
	A64_PRINT_SYMS(apple),
	/* Apple's jmp_buf has 192 bytes, glibc's setjmp saves the signal
	 * mask too (312): _setjmp writes 180 and keeps the mask */
	A64_SYM("setjmp", _setjmp),   /* no wrapper: it returns twice */
	A64_SYM("__printf_chk", a64_apple_printf_chk),
	A64_SYM("__fprintf_chk", a64_apple_fprintf_chk),
	A64_SYM("__sprintf_chk", a64_apple_sprintf_chk),
	A64_SYM("__snprintf_chk", a64_apple_snprintf_chk),
	A64_SYM("__vprintf_chk", a64_apple_vprintf_chk),
	A64_SYM("__vfprintf_chk", a64_apple_vfprintf_chk),
	A64_SYM("__vsprintf_chk", a64_apple_vsprintf_chk),
	A64_SYM("__vsnprintf_chk", a64_apple_vsnprintf_chk),
};

static const struct a64_symbol windows_symbols[] = {
	A64_PRINT_SYMS(win),
	A64_SYM("__mingw_printf", a64_win_printf),
	A64_SYM("__mingw_fprintf", a64_win_fprintf),
	A64_SYM("__mingw_sprintf", a64_win_sprintf),
	A64_SYM("__mingw_snprintf", a64_win_snprintf),
	A64_SYM("__mingw_vprintf", a64_win_vprintf),
	A64_SYM("__mingw_vfprintf", a64_win_vfprintf),
	A64_SYM("__mingw_vsprintf", a64_win_vsprintf),
	A64_SYM("__mingw_vsnprintf", a64_win_vsnprintf),
	A64_SYM("_vsnprintf", a64_win__vsnprintf),
	A64_SYM("__stdio_common_vfprintf", a64_win_stdio_common_vfprintf),
	A64_SYM("__stdio_common_vsprintf", a64_win_stdio_common_vsprintf),
	A64_SYM("__acrt_iob_func", a64_win_acrt_iob_func),
	A64_SYM("setvbuf", wincrt_setvbuf),
	A64_SYM("strtol", wincrt_strtol),
	A64_SYM("strtoul", wincrt_strtoul),
	A64_SYM("atol", wincrt_atol),
	A64_SYM("labs", wincrt_labs),
	A64_SYM("raise", a64_win_raise),
	A64_SYM("__main", a64_win_main_hook),
	A64_SYM("__mingw_setjmp", _setjmp),
	A64_SYM("__mingw_longjmp", longjmp),
};

static void *a64_lookup(const struct a64_symbol *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return t[i].addr;
	return NULL;
}

static void *apple_host_symbol(const char *name)
{
	return a64_lookup(apple_symbols, sizeof(apple_symbols) / sizeof(apple_symbols[0]), name);
}

static void *windows_host_symbol(const char *name)
{
	return a64_lookup(windows_symbols, sizeof(windows_symbols) / sizeof(windows_symbols[0]),
			  name);
}

/* Entry points and constructors are not variadic: called directly. */
static int a64_call_main(uint64_t fn, int argc, char **argv)
{
	return ((int (*)(int, char **))(uintptr_t)fn)(argc, argv);
}

static void a64_call_init(uint64_t fn)
{
	((void (*)(void))(uintptr_t)fn)();
}

const cc_bridge cc_bridge_darwin_arm64 = {
	.name = "darwin_arm64",
	.callconv = OBJLOAD_CC_DARWIN_ARM64,
	.host_symbol = apple_host_symbol,
	.call_main = a64_call_main,
	.call_init = a64_call_init,
};

const cc_bridge cc_bridge_ms_arm64 = {
	.name = "ms_arm64",
	.callconv = OBJLOAD_CC_MS_ARM64,
	.host_symbol = windows_host_symbol,
	.call_main = a64_call_main,
	.call_init = a64_call_init,
};
