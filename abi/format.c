/* SPDX-License-Identifier: MIT */
/*
 * The printf engine of the bridges (abi/format.h).
 *
 * Each conversion of the caller's format is rebuilt as a complete host
 * format with one conversion (flags, width and precision kept, `*`
 * replaced by the argument's value) and printed with the host's snprintf:
 * integers always as long long (%lld, %llu, %llx, ...), after the value
 * read from the caller's argument has been cut to the caller's type (hh,
 * h, int, `long` by the dialect, 64-bit), doubles as double.  Length
 * modifiers understood: hh, h, l, ll, L, q, j, z, t and, in the Microsoft
 * dialect, I, I32, I64 and w.  Wide strings and characters (%ls, %lc,
 * %S, %C) print "(wide)" and the low 7 bits; %n stores the count so far;
 * an unknown conversion is printed as written.  L reads a double: long
 * double is a double for MSVC and Apple arm64; an x87 long double from a
 * System V caller is not supported.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "abi/format.h"

const abi_dialect abi_dialect_llp64_ms = { .long_bits = 32, .microsoft = 1 };
const abi_dialect abi_dialect_lp64 = { .long_bits = 64, .microsoft = 0 };

static uint64_t slots_int(abi_args *a)
{
	abi_slots *s = (abi_slots *)a;

	return *s->next++;
}

static double slots_double(abi_args *a)
{
	abi_slots *s = (abi_slots *)a;
	double d;

	memcpy(&d, s->next++, sizeof(d));
	return d;
}

void abi_slots_init(abi_slots *s, const void *first)
{
	s->args.next_int = slots_int;
	s->args.next_double = slots_double;
	s->next = first;
}

static void emit(abi_out *o, const char *s, size_t n)
{
	if (o->f) {
		if (n && fwrite(s, 1, n, o->f) != n)
			o->err = 1;
	} else if (o->buf && o->len < o->cap) {
		size_t room = o->cap - 1 - o->len;

		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

/* Format one host conversion `spec` (a complete printf format with one
 * conversion) of an argument of type T. */
#define FORMAT_ONE(o, spec, value)						\
	do {									\
		char small_[256];						\
		int n_ = snprintf(small_, sizeof(small_), spec, value);	\
		if (n_ < 0) {							\
			(o)->err = 1;						\
		} else if ((size_t)n_ < sizeof(small_)) {			\
			emit(o, small_, (size_t)n_);				\
		} else {							\
			char *big_ = malloc((size_t)n_ + 1);			\
			if (!big_) {						\
				(o)->err = 1;					\
			} else {						\
				snprintf(big_, (size_t)n_ + 1, spec, value);	\
				emit(o, big_, (size_t)n_);			\
				free(big_);					\
			}							\
		}								\
	} while (0)

/* The width of an integer conversion's argument. */
enum int_size { SIZE_CHAR, SIZE_SHORT, SIZE_INT, SIZE_64 };

/* Read the length modifier at *pp; the integer size, and *wide for
 * %lc/%ls (and the Microsoft w). */
static enum int_size length_modifier(const char **pp, const abi_dialect *d, int *wide)
{
	const char *p = *pp;
	enum int_size size = SIZE_INT;

	*wide = 0;
	if (p[0] == 'h') {
		size = p[1] == 'h' ? SIZE_CHAR : SIZE_SHORT;
		p += p[1] == 'h' ? 2 : 1;
	} else if (p[0] == 'l' && p[1] == 'l') {
		size = SIZE_64;
		p += 2;
	} else if (p[0] == 'l') {
		size = d->long_bits == 64 ? SIZE_64 : SIZE_INT;
		*wide = 1;
		p++;
	} else if (d->microsoft && p[0] == 'I' && p[1] == '6' && p[2] == '4') {
		size = SIZE_64;
		p += 3;
	} else if (d->microsoft && p[0] == 'I' && p[1] == '3' && p[2] == '2') {
		p += 3;
	} else if (p[0] && strchr(d->microsoft ? "zjtIq" : "zjtq", p[0])) {
		size = SIZE_64;
		p++;
	} else if (p[0] == 'L') {
		p++;
	} else if (d->microsoft && p[0] == 'w') {
		*wide = 1;
		p++;
	}
	*pp = p;
	return size;
}

static long long as_signed(uint64_t v, enum int_size size)
{
	switch (size) {
	case SIZE_CHAR: return (signed char)v;
	case SIZE_SHORT: return (short)v;
	case SIZE_INT: return (int32_t)v;
	default: return (long long)v;
	}
}

static unsigned long long as_unsigned(uint64_t v, enum int_size size)
{
	switch (size) {
	case SIZE_CHAR: return (unsigned char)v;
	case SIZE_SHORT: return (unsigned short)v;
	case SIZE_INT: return (uint32_t)v;
	default: return v;
	}
}

/* Append a `*` width or precision: the argument's value. */
static size_t star(char *spec, size_t sl, size_t cap, abi_args *a)
{
	int n = snprintf(spec + sl, cap - sl, "%d", (int)(int32_t)a->next_int(a));

	return n > 0 && (size_t)n < cap - sl ? sl + (size_t)n : sl;
}

void abi_vformat(abi_out *o, const char *fmt, abi_args *a, const abi_dialect *d)
{
	const char *p = fmt;

	while (*p) {
		char spec[64];
		size_t sl = 0;
		enum int_size size;
		int wide;
		const char *start;

		if (*p != '%') {
			const char *q = strchr(p, '%');
			size_t n = q ? (size_t)(q - p) : strlen(p);

			emit(o, p, n);
			p += n;
			continue;
		}
		start = p++;
		spec[sl++] = '%';
		while (*p && strchr("-+ #0'", *p) && sl < 20)
			spec[sl++] = *p++;
		if (*p == '*') {
			sl = star(spec, sl, 40, a);
			p++;
		} else {
			while (*p >= '0' && *p <= '9' && sl < 40)
				spec[sl++] = *p++;
		}
		if (*p == '.') {
			spec[sl++] = *p++;
			if (*p == '*') {
				sl = star(spec, sl, 56, a);
				p++;
			} else {
				while (*p >= '0' && *p <= '9' && sl < 56)
					spec[sl++] = *p++;
			}
		}
		size = length_modifier(&p, d, &wide);
		switch (*p) {
		case 'd':
		case 'i':
			memcpy(spec + sl, "lld", 4);
			spec[sl + 2] = *p;
			FORMAT_ONE(o, spec, as_signed(a->next_int(a), size));
			break;
		case 'u':
		case 'o':
		case 'x':
		case 'X':
			memcpy(spec + sl, "llu", 4);
			spec[sl + 2] = *p;
			FORMAT_ONE(o, spec, as_unsigned(a->next_int(a), size));
			break;
		case 'c':
		case 'C':
			memcpy(spec + sl, "c", 2);
			if (wide || *p == 'C')
				FORMAT_ONE(o, spec, (int)(a->next_int(a) & 0x7f));
			else
				FORMAT_ONE(o, spec, (int)(unsigned char)a->next_int(a));
			break;
		case 's':
		case 'S': {
			const char *s = (const char *)(uintptr_t)a->next_int(a);

			memcpy(spec + sl, "s", 2);
			if (wide || *p == 'S')
				FORMAT_ONE(o, spec, "(wide)");
			else
				FORMAT_ONE(o, spec, s ? s : "(null)");
			break;
		}
		case 'f':
		case 'F':
		case 'e':
		case 'E':
		case 'g':
		case 'G':
		case 'a':
		case 'A':
			spec[sl] = *p;
			spec[sl + 1] = '\0';
			FORMAT_ONE(o, spec, a->next_double(a));
			break;
		case 'p': {
			unsigned long long v = a->next_int(a);

			if (d->microsoft) {
				/* as the Microsoft CRT prints it */
				FORMAT_ONE(o, "%016llX", v);
			} else if (!v) {
				memcpy(spec + sl, "s", 2);
				FORMAT_ONE(o, spec, "(nil)");
			} else {
				memcpy(spec + sl, "#llx", 5);
				FORMAT_ONE(o, spec, v);
			}
			break;
		}
		case 'n': {
			int *np = (int *)(uintptr_t)a->next_int(a);

			if (np)
				*np = (int)o->len;
			break;
		}
		case '%':
			emit(o, "%", 1);
			break;
		default:
			/* unknown or truncated: print it as written */
			emit(o, start, (size_t)(p - start) + (*p != '\0'));
			break;
		}
		if (*p)
			p++;
	}
}

int abi_vfprintf(FILE *f, const char *fmt, abi_args *a, const abi_dialect *d)
{
	abi_out o = { .f = f };

	if (!f || !fmt)
		return -1;
	abi_vformat(&o, fmt, a, d);
	return o.err || o.len > INT_MAX ? -1 : (int)o.len;
}

int abi_vsnprintf(char *buf, size_t cap, const char *fmt, abi_args *a,
		  const abi_dialect *d)
{
	abi_out o = { .buf = buf, .cap = cap };

	if (!fmt)
		return -1;
	abi_vformat(&o, fmt, a, d);
	if (buf && cap)
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	return o.err || o.len > INT_MAX ? -1 : (int)o.len;
}
