/* SPDX-License-Identifier: MIT */
/*
 * The printf family for bridges: a format engine that takes each
 * argument the way the *caller's* convention passed it and formats each
 * conversion with the host's snprintf.
 *
 * A loaded object compiled for another platform calls printf with its
 * own variadic convention (Microsoft x64 and Windows arm64: every
 * argument in an 8-byte slot, a double in an integer slot; Apple arm64:
 * every variadic argument on the stack; System V: integers and doubles in
 * two register files) and its own C types (`long` is 32 bits on Windows,
 * 64 elsewhere).  The host's printf can take neither, so the bridges
 * parse the format here, pull each argument through an abi_args reader
 * and print it with a conversion the host understands (%lld for every
 * integer, %f... for doubles).
 */
#ifndef OBJLOAD_ABI_FORMAT_H
#define OBJLOAD_ABI_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Where formatted text goes: a stream, or a buffer with snprintf rules. */
typedef struct abi_out {
	FILE *f;
	char *buf;
	size_t cap;
	size_t len;     /* characters produced (all of them, for snprintf) */
	int err;
} abi_out;

/* The arguments, in order, as the caller's convention passed them. */
typedef struct abi_args {
	/* the next integer or pointer argument (the low bits hold the
	 * value; what lies above a narrower type is ignored) */
	uint64_t (*next_int)(struct abi_args *a);
	/* the next double */
	double (*next_double)(struct abi_args *a);
} abi_args;

/* Arguments in consecutive 8-byte slots (a Microsoft x64, Windows arm64
 * or Apple arm64 va_list, or registers and stack copied one after the
 * other); a double is its bits in a slot. */
typedef struct abi_slots {
	abi_args args;
	const uint64_t *next;
} abi_slots;

void abi_slots_init(abi_slots *s, const void *first);

/* The C library the caller was compiled for. */
typedef struct abi_dialect {
	unsigned long_bits;   /* 32: LLP64 (Windows); 64: LP64 */
	/* Microsoft's printf: I64/I32/I/w length modifiers, %S and %C, %p
	 * as 16 upper-case digits; else glibc's %p (0x..., (nil)). */
	int microsoft;
} abi_dialect;

extern const abi_dialect abi_dialect_llp64_ms;   /* Windows */
extern const abi_dialect abi_dialect_lp64;       /* Linux, macOS */

/* Format fmt with the arguments a into o. */
void abi_vformat(abi_out *o, const char *fmt, abi_args *a, const abi_dialect *d);
/* fprintf: characters written, or -1. */
int abi_vfprintf(FILE *f, const char *fmt, abi_args *a, const abi_dialect *d);
/* C99 snprintf: NUL-terminated when cap > 0; the full length, or -1. */
int abi_vsnprintf(char *buf, size_t cap, const char *fmt, abi_args *a,
		  const abi_dialect *d);

#endif
