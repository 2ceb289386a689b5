/* SPDX-License-Identifier: MIT */
/*
 * The bounds-checked reader every format plug-in uses for untrusted bytes:
 * a window [0, len) of the file and an offset.  A getter reads only when
 * the whole field is inside the window, advances only on success, and
 * returns -1 otherwise; nothing is ever read past the end.  Fields are
 * little-endian (ELF, Mach-O and COFF as objload reads them); rd_be32 and
 * rd_be64 read the big-endian ones (the GNU ar symbol index).
 *
 * Containers that derive lengths (an archive member's size, a table's
 * byte count) take them as sub-windows with rd_window: a window exists
 * only when every byte of it is backed by the window it came from, so a
 * length is checked once, where it is derived, and everything read
 * through the sub-window stays inside it.  core/archive.c reads the ar
 * container this way too.
 */
#ifndef OBJLOAD_FORMATS_READER_H
#define OBJLOAD_FORMATS_READER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct rd_cursor {
	const uint8_t *p;
	size_t len;
	size_t off;
};

/* The n-byte little-endian value at p; the caller has checked the range. */
static inline __attribute__((always_inline)) uint64_t
rd_le(const uint8_t *p, unsigned n)
{
	uint64_t x = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* a little-endian host: one load (n is a constant at hot call sites) */
	memcpy(&x, p, n);
#else
	for (unsigned i = 0; i < n; i++)
		x |= (uint64_t)p[i] << (8 * i);
#endif
	return x;
}

static inline __attribute__((always_inline)) int
rd_get(struct rd_cursor *cur, unsigned n, uint64_t *v)
{
	if (cur->len - cur->off < n)
		return -1;
	*v = rd_le(cur->p + cur->off, n);
	cur->off += n;
	return 0;
}

static inline int rd_u8(struct rd_cursor *cur, uint8_t *v)
{
	uint64_t x;

	if (rd_get(cur, 1, &x))
		return -1;
	*v = (uint8_t)x;
	return 0;
}

static inline int rd_u16(struct rd_cursor *cur, uint16_t *v)
{
	uint64_t x;

	if (rd_get(cur, 2, &x))
		return -1;
	*v = (uint16_t)x;
	return 0;
}

static inline int rd_u32(struct rd_cursor *cur, uint32_t *v)
{
	uint64_t x;

	if (rd_get(cur, 4, &x))
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static inline int rd_u64(struct rd_cursor *cur, uint64_t *v)
{
	return rd_get(cur, 8, v);
}

/* A LEB128 number (DWARF): 7 bits per byte, low first, the high bit set
 * on every byte but the last; bits past 64 are dropped.  rd_sleb
 * sign-extends from the last byte's bit 6. */
static inline int rd_leb(struct rd_cursor *cur, uint64_t *v, int is_signed)
{
	unsigned shift = 0;
	uint64_t r = 0;
	uint8_t b;

	do {
		if (rd_u8(cur, &b))
			return -1;
		if (shift < 64)
			r |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	if (is_signed && shift < 64 && (b & 0x40))
		r |= ~(uint64_t)0 << shift;
	*v = r;
	return 0;
}

static inline int rd_uleb(struct rd_cursor *cur, uint64_t *v)
{
	return rd_leb(cur, v, 0);
}

static inline int rd_sleb(struct rd_cursor *cur, int64_t *v)
{
	uint64_t r;

	if (rd_leb(cur, &r, 1))
		return -1;
	*v = (int64_t)r;
	return 0;
}

/* The n-byte big-endian field at the cursor (n <= 8). */
static inline int rd_be(struct rd_cursor *cur, unsigned n, uint64_t *v)
{
	uint64_t x = 0;

	if (cur->len - cur->off < n)
		return -1;
	for (unsigned i = 0; i < n; i++)
		x = x << 8 | cur->p[cur->off + i];
	cur->off += n;
	*v = x;
	return 0;
}

/* A pointer to the next n bytes, all inside the window. */
static inline int rd_ptr(struct rd_cursor *cur, size_t n, const uint8_t **out)
{
	if (cur->len - cur->off < n)
		return -1;
	*out = cur->p + cur->off;
	cur->off += n;
	return 0;
}

/* The next n bytes as a window of their own. */
static inline int rd_window(struct rd_cursor *cur, uint64_t n, struct rd_cursor *out)
{
	if ((uint64_t)(cur->len - cur->off) < n)
		return -1;
	out->p = cur->p + cur->off;
	out->len = (size_t)n;
	out->off = 0;
	cur->off += (size_t)n;
	return 0;
}

/* count entries of `size` bytes each as one window (no overflow). */
static inline int rd_array(struct rd_cursor *cur, uint64_t count, uint64_t size,
			   struct rd_cursor *out)
{
	if (size && count > (uint64_t)(cur->len - cur->off) / size)
		return -1;
	return rd_window(cur, count * size, out);
}

/* The NUL-terminated string starting at offset `at` of the window (the
 * cursor does not move): NULL when no NUL ends it inside the window. */
static inline const char *rd_string_at(const struct rd_cursor *cur, uint64_t at)
{
	if (at >= cur->len || !memchr(cur->p + at, 0, cur->len - (size_t)at))
		return NULL;
	return (const char *)cur->p + at;
}

/* The NUL-terminated string at the cursor; the cursor moves past its NUL. */
static inline int rd_cstr(struct rd_cursor *cur, const char **out)
{
	const char *str = rd_string_at(cur, cur->off);

	if (!str)
		return -1;
	*out = str;
	cur->off += strlen(str) + 1;
	return 0;
}

/* n raw bytes. */
static inline int rd_bytes(struct rd_cursor *cur, void *out, size_t n)
{
	if (cur->len - cur->off < n)
		return -1;
	memcpy(out, cur->p + cur->off, n);
	cur->off += n;
	return 0;
}

#endif
