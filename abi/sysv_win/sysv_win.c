/* SPDX-License-Identifier: MIT */
/*
 * The System V bridge of a Windows x86-64 host: what lets ELF and Mach-O
 * x86-64 objects, compiled for Linux and macOS, use the Windows C runtime
 * objload.exe runs with (msvcrt.dll; docs/hosts.md says why that one).
 * The reverse of abi/ms_x64.
 *
 * The objects call with System V (arguments in rdi, rsi, rdx, rcx, r8,
 * r9 and xmm0-7, no shadow space, rsi/rdi/xmm6-15 free to clobber) and
 * are LP64 (`long` is 64 bits); the C runtime is Microsoft x64 and LLP64,
 * and its stdio, errno and ctype are not glibc's.  The arch's generic
 * thunk (arch/x86_64) bridges functions whose arguments are integers and
 * pointers, or all doubles; everything else is wrapped here with gcc's
 * __attribute__((sysv_abi)):
 *
 *   - the printf family, glibc's fortified __*printf_chk forms and the
 *     v* forms taking a System V va_list: formatted by abi/format.c with
 *     LP64 `long` (%ld is 64 bits), each argument read as the System V
 *     va_arg reads it;
 *   - stdin, stdout, stderr: glibc's `FILE *` variables, here variables
 *     of the session holding msvcrt's streams (cc_bridge.host_data);
 *   - `long` functions (strtol, strtoul, atol, labs): 64-bit versions;
 *   - callbacks: qsort and bsearch call a System V comparator (a stable
 *     merge sort, as glibc's qsort sorts), __cxa_atexit a System V
 *     handler;
 *   - mixed integer and double arguments: ldexp, frexp, modf, and exp10,
 *     which msvcrt does not have;
 *   - glibc's <ctype.h> tables (__ctype_b_loc, __ctype_toupper_loc,
 *     __ctype_tolower_loc) for the "C" locale, with glibc's bits;
 *   - setjmp/longjmp with the System V register file (sysv_win_asm.c);
 *   - names msvcrt has under another name (cc_bridge.host_name):
 *     __errno_location is _errno, __isoc99_sscanf is sscanf, ...
 *
 * Not bridged (an object using them gets wrong results or an undefined
 * symbol): other functions with `long`, struct or mixed arguments, the
 * wide-character functions (wchar_t is 32 bits for glibc and 16 for
 * Windows), long double (x87 for both, but passed differently), locale,
 * POSIX I/O and threads.  docs/hosts.md lists the names.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/format.h"
#include "abi/sysv_win/sysv_win.h"
#include "os/os.h"

/* ---- reading System V variadic arguments ---------------------------------- */

/* A System V va_list as a parameter (it decays to a pointer). */
typedef __typeof__(&(*(__builtin_sysv_va_list *)0)[0]) sysv_va_ptr;

typedef struct sysv_args {
	abi_args args;
	sysv_va_ptr ap;
} sysv_args;

static uint64_t sysv_next_int(abi_args *a)
{
	return __builtin_va_arg(((sysv_args *)a)->ap, uint64_t);
}

static double sysv_next_double(abi_args *a)
{
	return __builtin_va_arg(((sysv_args *)a)->ap, double);
}

static sysv_args sysv_reader(sysv_va_ptr ap)
{
	sysv_args r = { { sysv_next_int, sysv_next_double }, ap };

	return r;
}

/* ---- the printf family ----------------------------------------------------- */

static int sysv_vfprintf_impl(FILE *f, const char *fmt, sysv_va_ptr ap)
{
	sysv_args r = sysv_reader(ap);

	return abi_vfprintf(f, fmt, &r.args, &abi_dialect_lp64);
}

static int sysv_vsnprintf_impl(char *buf, size_t cap, const char *fmt, sysv_va_ptr ap)
{
	sysv_args r = sysv_reader(ap);

	return abi_vsnprintf(buf, cap, fmt, &r.args, &abi_dialect_lp64);
}

static SYSV_ABI int sysv_vfprintf(FILE *f, const char *fmt, sysv_va_ptr ap)
{
	return sysv_vfprintf_impl(f, fmt, ap);
}

static SYSV_ABI int sysv_vprintf(const char *fmt, sysv_va_ptr ap)
{
	return sysv_vfprintf_impl(stdout, fmt, ap);
}

static SYSV_ABI int sysv_vsnprintf(char *buf, size_t cap, const char *fmt, sysv_va_ptr ap)
{
	return sysv_vsnprintf_impl(buf, cap, fmt, ap);
}

static SYSV_ABI int sysv_vsprintf(char *buf, const char *fmt, sysv_va_ptr ap)
{
	return sysv_vsnprintf_impl(buf, SIZE_MAX, fmt, ap);
}

/* A variadic wrapper: fmt is its last named parameter. */
#define SYSV_VARIADIC(call)						\
	do {								\
		__builtin_sysv_va_list ap;				\
		int r;							\
									\
		__builtin_sysv_va_start(ap, fmt);			\
		r = call;						\
		__builtin_sysv_va_end(ap);				\
		return r;						\
	} while (0)

static SYSV_ABI int sysv_printf(const char *fmt, ...)
{
	SYSV_VARIADIC(sysv_vfprintf_impl(stdout, fmt, ap));
}

static SYSV_ABI int sysv_fprintf(FILE *f, const char *fmt, ...)
{
	SYSV_VARIADIC(sysv_vfprintf_impl(f, fmt, ap));
}

static SYSV_ABI int sysv_sprintf(char *buf, const char *fmt, ...)
{
	SYSV_VARIADIC(sysv_vsnprintf_impl(buf, SIZE_MAX, fmt, ap));
}

static SYSV_ABI int sysv_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	SYSV_VARIADIC(sysv_vsnprintf_impl(buf, cap, fmt, ap));
}

/* glibc's fortified forms: the flag and the object size are checked by
 * glibc; here the size bounds the output. */
static SYSV_ABI int sysv_printf_chk(int flag, const char *fmt, ...)
{
	(void)flag;
	SYSV_VARIADIC(sysv_vfprintf_impl(stdout, fmt, ap));
}

static SYSV_ABI int sysv_fprintf_chk(FILE *f, int flag, const char *fmt, ...)
{
	(void)flag;
	SYSV_VARIADIC(sysv_vfprintf_impl(f, fmt, ap));
}

static SYSV_ABI int sysv_sprintf_chk(char *buf, int flag, size_t len, const char *fmt, ...)
{
	(void)flag;
	SYSV_VARIADIC(sysv_vsnprintf_impl(buf, len, fmt, ap));
}

static SYSV_ABI int sysv_snprintf_chk(char *buf, size_t cap, int flag, size_t len,
				      const char *fmt, ...)
{
	(void)flag;
	(void)len;
	SYSV_VARIADIC(sysv_vsnprintf_impl(buf, cap, fmt, ap));
}

static SYSV_ABI int sysv_vsnprintf_chk(char *buf, size_t cap, int flag, size_t len,
				       const char *fmt, sysv_va_ptr ap)
{
	(void)flag;
	(void)len;
	return sysv_vsnprintf_impl(buf, cap, fmt, ap);
}

static SYSV_ABI int sysv_vfprintf_chk(FILE *f, int flag, const char *fmt, sysv_va_ptr ap)
{
	(void)flag;
	return sysv_vfprintf_impl(f, fmt, ap);
}

/* ---- stdlib: LP64 long, callbacks, exit-time handlers ----------------------- */

static SYSV_ABI int64_t sysv_strtol(const char *s, char **end, int base)
{
	return strtoll(s, end, base);
}

static SYSV_ABI uint64_t sysv_strtoul(const char *s, char **end, int base)
{
	return strtoull(s, end, base);
}

static SYSV_ABI int64_t sysv_atol(const char *s)
{
	return strtoll(s, NULL, 10);
}

static SYSV_ABI int64_t sysv_labs(int64_t v)
{
	return v < 0 ? (int64_t)(0 - (uint64_t)v) : v;
}

typedef SYSV_ABI int (*sysv_cmp_fn)(const void *, const void *);

/* Merge sort of n elements of `size` bytes at base, with tmp of the same
 * size: stable, as glibc's qsort is whenever it can allocate. */
static void sysv_merge_sort(char *base, char *tmp, size_t n, size_t size, sysv_cmp_fn cmp)
{
	size_t half = n / 2, i = 0, j = half, k = 0;

	if (n < 2)
		return;
	sysv_merge_sort(base, tmp, half, size, cmp);
	sysv_merge_sort(base + half * size, tmp, n - half, size, cmp);
	while (i < half && j < n) {
		const char *from = cmp(base + j * size, base + i * size) < 0 ?
				   base + j++ * size : base + i++ * size;

		memcpy(tmp + k++ * size, from, size);
	}
	memcpy(tmp + k * size, base + i * size, (half - i) * size);
	k += half - i;
	memcpy(tmp + k * size, base + j * size, (n - j) * size);
	memcpy(base, tmp, n * size);
}

/* Without memory for the merge: insertion sort, stable too, slow. */
static void sysv_insertion_sort(char *base, size_t n, size_t size, sysv_cmp_fn cmp)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && cmp(base + (j - 1) * size, base + j * size) > 0; j--)
			for (size_t b = 0; b < size; b++) {
				char t = base[(j - 1) * size + b];

				base[(j - 1) * size + b] = base[j * size + b];
				base[j * size + b] = t;
			}
}

static SYSV_ABI void sysv_qsort(void *base, size_t n, size_t size, sysv_cmp_fn cmp)
{
	char *tmp = NULL;

	if (n < 2 || !size)
		return;
	if (n <= SIZE_MAX / size)
		tmp = malloc(n * size);
	if (!tmp) {
		sysv_insertion_sort(base, n, size, cmp);
		return;
	}
	sysv_merge_sort(base, tmp, n, size, cmp);
	free(tmp);
}

static SYSV_ABI void *sysv_bsearch(const void *key, const void *base, size_t n,
				   size_t size, sysv_cmp_fn cmp)
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

/* __cxa_atexit(fn, arg, dso) of a System V image (clang's destructors
 * for Mach-O): fn runs with System V when exit() or the session's unload
 * runs the handlers of dso. */
struct sysv_handler {
	SYSV_ABI void (*fn)(void *);
	void *arg;
};

static void sysv_run_handler(void *p)
{
	struct sysv_handler h = *(struct sysv_handler *)p;

	free(p);
	h.fn(h.arg);
}

static SYSV_ABI int sysv_cxa_atexit(SYSV_ABI void (*fn)(void *), void *arg, void *dso)
{
	struct sysv_handler *h = malloc(sizeof(*h));

	if (!h)
		return -1;
	h->fn = fn;
	h->arg = arg;
	if (os_atexit(sysv_run_handler, h, dso)) {
		free(h);
		return -1;
	}
	return 0;
}

static SYSV_ABI void sysv_stack_chk_fail(void)
{
	abort();
}

/* ---- string: glibc's, not msvcrt's ------------------------------------------ */

static SYSV_ABI char *sysv_stpcpy(char *dst, const char *src)
{
	size_t n = strlen(src);

	memcpy(dst, src, n + 1);
	return dst + n;
}

/* ---- math: mixed integer and double arguments ------------------------------ */

static SYSV_ABI double sysv_ldexp(double x, int e)
{
	return ldexp(x, e);
}

static SYSV_ABI double sysv_frexp(double x, int *e)
{
	return frexp(x, e);
}

static SYSV_ABI double sysv_modf(double x, double *ip)
{
	return modf(x, ip);
}

static SYSV_ABI double sysv_exp10(double x)
{
	return pow(10.0, x);
}

/* ---- glibc's <ctype.h> tables, "C" locale ----------------------------------- */

/* glibc's class bits (little-endian <ctype.h>). */
enum {
	CT_UPPER = 0x100, CT_LOWER = 0x200, CT_ALPHA = 0x400, CT_DIGIT = 0x800,
	CT_XDIGIT = 0x1000, CT_SPACE = 0x2000, CT_PRINT = 0x4000, CT_GRAPH = 0x8000,
	CT_BLANK = 0x1, CT_CNTRL = 0x2, CT_PUNCT = 0x4, CT_ALNUM = 0x8,
};

#define CT_IS_UPPER(c) ((c) >= 'A' && (c) <= 'Z')
#define CT_IS_LOWER(c) ((c) >= 'a' && (c) <= 'z')
#define CT_IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define CT_IS_ALPHA(c) (CT_IS_UPPER(c) || CT_IS_LOWER(c))
#define CT_IS_GRAPH(c) ((c) > ' ' && (c) < 0x7f)
#define CT_CLASS(c)							\
	((CT_IS_UPPER(c) ? CT_UPPER | CT_ALPHA | CT_ALNUM : 0) |		\
	 (CT_IS_LOWER(c) ? CT_LOWER | CT_ALPHA | CT_ALNUM : 0) |		\
	 (CT_IS_DIGIT(c) ? CT_DIGIT | CT_XDIGIT | CT_ALNUM : 0) |		\
	 (((c) >= 'a' && (c) <= 'f') || ((c) >= 'A' && (c) <= 'F') ? CT_XDIGIT : 0) | \
	 ((c) == ' ' || ((c) >= '\t' && (c) <= '\r') ? CT_SPACE : 0) |	\
	 ((c) == ' ' || (c) == '\t' ? CT_BLANK : 0) |			\
	 (((c) >= 0 && (c) < ' ') || (c) == 0x7f ? CT_CNTRL : 0) |		\
	 (CT_IS_GRAPH(c) || (c) == ' ' ? CT_PRINT : 0) |			\
	 (CT_IS_GRAPH(c) ? CT_GRAPH : 0) |					\
	 (CT_IS_GRAPH(c) && !CT_IS_ALPHA(c) && !CT_IS_DIGIT(c) ? CT_PUNCT : 0))
#define CT_ROW(b, M)							\
	M(b + 0), M(b + 1), M(b + 2), M(b + 3), M(b + 4), M(b + 5), M(b + 6), M(b + 7), \
	M(b + 8), M(b + 9), M(b + 10), M(b + 11), M(b + 12), M(b + 13), M(b + 14), M(b + 15)
/* index -128..255, as glibc's tables: signed chars and EOF (-1) too */
#define CT_TABLE(M)							\
	CT_ROW(-128, M), CT_ROW(-112, M), CT_ROW(-96, M), CT_ROW(-80, M),	\
	CT_ROW(-64, M), CT_ROW(-48, M), CT_ROW(-32, M), CT_ROW(-16, M),	\
	CT_ROW(0, M), CT_ROW(16, M), CT_ROW(32, M), CT_ROW(48, M),		\
	CT_ROW(64, M), CT_ROW(80, M), CT_ROW(96, M), CT_ROW(112, M),	\
	CT_ROW(128, M), CT_ROW(144, M), CT_ROW(160, M), CT_ROW(176, M),	\
	CT_ROW(192, M), CT_ROW(208, M), CT_ROW(224, M), CT_ROW(240, M)
#define CT_TOUPPER(c) (CT_IS_LOWER(c) ? (c) - 32 : (c))
#define CT_TOLOWER(c) (CT_IS_UPPER(c) ? (c) + 32 : (c))

static const uint16_t ct_class[384] = { CT_TABLE(CT_CLASS) };
static const int32_t ct_toupper[384] = { CT_TABLE(CT_TOUPPER) };
static const int32_t ct_tolower[384] = { CT_TABLE(CT_TOLOWER) };
static const uint16_t *const ct_class_at = ct_class + 128;
static const int32_t *const ct_toupper_at = ct_toupper + 128;
static const int32_t *const ct_tolower_at = ct_tolower + 128;

static SYSV_ABI const uint16_t *const *sysv_ctype_b_loc(void)
{
	return &ct_class_at;
}

static SYSV_ABI const int32_t *const *sysv_ctype_toupper_loc(void)
{
	return &ct_toupper_at;
}

static SYSV_ABI const int32_t *const *sysv_ctype_tolower_loc(void)
{
	return &ct_tolower_at;
}

/* ---- the bridge -------------------------------------------------------------- */

static const struct {
	const char *name;
	void *addr;
} sysv_symbols[] = {
	/* stdio */
	{ "printf", (void *)sysv_printf },
	{ "fprintf", (void *)sysv_fprintf },
	{ "sprintf", (void *)sysv_sprintf },
	{ "snprintf", (void *)sysv_snprintf },
	{ "vprintf", (void *)sysv_vprintf },
	{ "vfprintf", (void *)sysv_vfprintf },
	{ "vsprintf", (void *)sysv_vsprintf },
	{ "vsnprintf", (void *)sysv_vsnprintf },
	{ "__printf_chk", (void *)sysv_printf_chk },
	{ "__fprintf_chk", (void *)sysv_fprintf_chk },
	{ "__sprintf_chk", (void *)sysv_sprintf_chk },
	{ "__snprintf_chk", (void *)sysv_snprintf_chk },
	{ "__vsnprintf_chk", (void *)sysv_vsnprintf_chk },
	{ "__vfprintf_chk", (void *)sysv_vfprintf_chk },
	/* stdlib */
	{ "strtol", (void *)sysv_strtol },
	{ "strtoul", (void *)sysv_strtoul },
	{ "atol", (void *)sysv_atol },
	{ "labs", (void *)sysv_labs },
	{ "qsort", (void *)sysv_qsort },
	{ "bsearch", (void *)sysv_bsearch },
	{ "__cxa_atexit", (void *)sysv_cxa_atexit },
	{ "__stack_chk_fail", (void *)sysv_stack_chk_fail },
	/* string */
	{ "stpcpy", (void *)sysv_stpcpy },
	/* math */
	{ "ldexp", (void *)sysv_ldexp },
	{ "frexp", (void *)sysv_frexp },
	{ "modf", (void *)sysv_modf },
	{ "exp10", (void *)sysv_exp10 },
	/* ctype */
	{ "__ctype_b_loc", (void *)sysv_ctype_b_loc },
	{ "__ctype_toupper_loc", (void *)sysv_ctype_toupper_loc },
	{ "__ctype_tolower_loc", (void *)sysv_ctype_tolower_loc },
	/* setjmp: the System V register file */
	{ "setjmp", (void *)sysv_win_setjmp },
	{ "_setjmp", (void *)sysv_win_setjmp },
	{ "__sigsetjmp", (void *)sysv_win_setjmp },
	{ "longjmp", (void *)sysv_win_longjmp },
	{ "_longjmp", (void *)sysv_win_longjmp },
	{ "siglongjmp", (void *)sysv_win_longjmp },
};

/* glibc names msvcrt has under another name, for the same function. */
static const struct {
	const char *name, *host;
} sysv_renames[] = {
	{ "__errno_location", "_errno" },
	{ "__isoc99_sscanf", "sscanf" },
	{ "__isoc99_fscanf", "fscanf" },
	{ "__isoc99_scanf", "scanf" },
	{ "bcmp", "memcmp" },
	{ "__strdup", "_strdup" },
	{ "strdup", "_strdup" },
	/* glibc's and macOS's fortified forms: the object size is a last
	 * argument the plain function never reads */
	{ "__memcpy_chk", "memcpy" },
	{ "__memmove_chk", "memmove" },
	{ "__memset_chk", "memset" },
	{ "__strcpy_chk", "strcpy" },
	{ "__strcat_chk", "strcat" },
	{ "__strncpy_chk", "strncpy" },
	{ "__strncat_chk", "strncat" },
};

static void *sysv_host_symbol(const char *name)
{
	for (size_t i = 0; i < sizeof(sysv_symbols) / sizeof(sysv_symbols[0]); i++)
		if (strcmp(sysv_symbols[i].name, name) == 0)
			return sysv_symbols[i].addr;
	return NULL;
}

static const char *sysv_host_name(const char *name)
{
	for (size_t i = 0; i < sizeof(sysv_renames) / sizeof(sysv_renames[0]); i++)
		if (strcmp(sysv_renames[i].name, name) == 0)
			return sysv_renames[i].host;
	return NULL;
}

/* glibc's `FILE *stdin`, `stdout`, `stderr`: msvcrt's streams. */
static int sysv_host_data(const char *name, void **value)
{
	if (strcmp(name, "stdin") == 0)
		*value = stdin;
	else if (strcmp(name, "stdout") == 0)
		*value = stdout;
	else if (strcmp(name, "stderr") == 0)
		*value = stderr;
	else
		return 0;
	return 1;
}

typedef SYSV_ABI int (*sysv_main_fn)(int, char **);
typedef SYSV_ABI void (*sysv_init_fn)(void);

static int sysv_call_main(uint64_t fn, int argc, char **argv)
{
	return ((sysv_main_fn)(uintptr_t)fn)(argc, argv);
}

static void sysv_call_init(uint64_t fn)
{
	((sysv_init_fn)(uintptr_t)fn)();
}

const cc_bridge cc_bridge_sysv_win = {
	.name = "sysv_win",
	.callconv = OBJLOAD_CC_SYSV,
	.host_symbol = sysv_host_symbol,
	.call_main = sysv_call_main,
	.call_init = sysv_call_init,
	.host_data = sysv_host_data,
	.host_name = sysv_host_name,
};
