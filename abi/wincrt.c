/* SPDX-License-Identifier: MIT */
/*
 * The Windows C runtime's meaning of some names, over the host's C
 * library (abi/wincrt.h).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>

#include "abi/wincrt.h"

/* Windows' SIGABRT; every other number a Windows program uses (INT, ILL,
 * FPE, SEGV, TERM) agrees with Linux's. */
#define WINCRT_SIGABRT 22

/* UCRT's option bit for C99 snprintf results. */
#define UCRT_STANDARD_SNPRINTF_BEHAVIOR 2ull

FILE *wincrt_iob(unsigned i)
{
	switch (i) {
	case 0:
		return stdin;
	case 1:
		return stdout;
	case 2:
		return stderr;
	}
	return NULL;
}

int wincrt_vsnprintf_legacy(char *buf, size_t cap, const char *fmt, abi_args *a)
{
	abi_out o = { .buf = buf, .cap = cap + 1 };

	abi_vformat(&o, fmt, a, &abi_dialect_llp64_ms);
	if (o.len > cap)
		return -1;
	if (o.len < cap)
		buf[o.len] = '\0';
	return (int)o.len;
}

int wincrt_stdio_common_vsprintf(uint64_t options, char *buf, size_t cap,
				 const char *fmt, abi_args *a)
{
	int r = abi_vsnprintf(buf, cap, fmt, a, &abi_dialect_llp64_ms);

	if (r >= 0 && (size_t)r >= cap && buf &&
	    !(options & UCRT_STANDARD_SNPRINTF_BEHAVIOR))
		return -1;
	return r;
}

int32_t wincrt_strtol(const char *s, char **end, int base)
{
	long long v = strtoll(s, end, base);

	if (v > INT32_MAX) {
		errno = ERANGE;
		return INT32_MAX;
	}
	if (v < INT32_MIN) {
		errno = ERANGE;
		return INT32_MIN;
	}
	return (int32_t)v;
}

uint32_t wincrt_strtoul(const char *s, char **end, int base)
{
	unsigned long long v = strtoull(s, end, base);

	/* negation is in 64 bits: "-1" is ULLONG_MAX, and MS's 32-bit
	 * result is then 0xffffffff; anything else above 32 bits is out of
	 * range */
	if (v > UINT32_MAX && v < (unsigned long long)-(long long)UINT32_MAX) {
		errno = ERANGE;
		return UINT32_MAX;
	}
	return (uint32_t)v;
}

int32_t wincrt_atol(const char *s)
{
	return (int32_t)strtoll(s, NULL, 10);
}

int32_t wincrt_labs(int32_t v)
{
	return v < 0 ? (int32_t)(0u - (uint32_t)v) : v;
}

int wincrt_setvbuf(FILE *f, char *buf, int mode, size_t size)
{
	int host = mode == 0x40 ? _IOLBF : mode == 4 ? _IONBF : mode == 0 ? _IOFBF : -1;

	return host < 0 ? -1 : setvbuf(f, buf, host, size);
}

int wincrt_signo(int sig)
{
	return sig == WINCRT_SIGABRT ? SIGABRT : sig;
}
