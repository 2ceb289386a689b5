/* SPDX-License-Identifier: MIT */
/*
 * KERNEL32's code-page conversions, for UTF-8: MultiByteToWideChar,
 * WideCharToMultiByte, IsDBCSLeadByte(Ex).
 *
 * Windows' wide strings are UTF-16 (16-bit units, a code point above
 * U+FFFF as a surrogate pair).  The layer converts between UTF-8 and
 * UTF-16 only, and takes the ANSI, OEM and thread code pages (CP_ACP 0,
 * CP_OEMCP 1, CP_THREAD_ACP 3) to be UTF-8, as Windows does for a program
 * whose manifest asks for UTF-8 (the Linux host's locale is UTF-8 too);
 * any other code page is refused.  As Windows does, an invalid sequence
 * (a stray continuation byte, an overlong form, an encoded surrogate, a
 * code point above U+10FFFF, a truncated sequence; on the way back a lone
 * surrogate) becomes U+FFFD, or fails the call with
 * ERROR_NO_UNICODE_TRANSLATION under MB_ERR_INVALID_CHARS /
 * WC_ERR_INVALID_CHARS.  A length of -1 means a NUL-terminated input whose
 * NUL is converted too; an output size of 0 asks for the length only; a
 * buffer too small fails with ERROR_INSUFFICIENT_BUFFER.
 *
 * MultiByteToWideChar and WideCharToMultiByte take six and eight
 * arguments, more than a session-bound wrapper carries (five), so they
 * do not set the thread's last error: they return 0 on failure, which is
 * what callers test.  UTF-8 has no lead bytes in the DBCS sense:
 * IsDBCSLeadByte(Ex) answer FALSE.
 */
#include <stdint.h>
#include <string.h>

#include "abi/win32/win32.h"

enum {
	CP_ACP = 0,
	CP_OEMCP = 1,
	CP_THREAD_ACP = 3,
	CP_UTF8 = 65001,
	MB_ERR_INVALID_CHARS = 0x8,
	WC_ERR_INVALID_CHARS = 0x80,
	REPLACEMENT = 0xfffd,
};

static int is_utf8_page(uint32_t cp)
{
	return cp == CP_ACP || cp == CP_OEMCP || cp == CP_THREAD_ACP || cp == CP_UTF8;
}

/* The code point at in[*i] (len bytes), *i advanced past it; -1 for an
 * invalid sequence (*i then past its first byte). */
static long utf8_next(const unsigned char *in, size_t len, size_t *i)
{
	unsigned char c = in[(*i)++];
	unsigned need;
	uint32_t cp, min;

	if (c < 0x80)
		return c;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		cp = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		cp = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		return -1;
	}
	for (unsigned k = 0; k < need; k++) {
		if (*i >= len || (in[*i] & 0xc0) != 0x80)
			return -1;   /* the byte that is not a continuation starts anew */
		cp = cp << 6 | (in[(*i)++] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	return (long)cp;
}

long win32_utf8_to_utf16(const char *in, long n, uint16_t *out, size_t cap,
			 int strict, uint32_t *err)
{
	size_t len = n < 0 ? strlen(in) + 1 : (size_t)n, i = 0, w = 0;

	while (i < len) {
		long cp = utf8_next((const unsigned char *)in, len, &i);
		unsigned units;

		if (cp < 0) {
			if (strict) {
				*err = WIN_ERROR_NO_UNICODE_TRANSLATION;
				return -1;
			}
			cp = REPLACEMENT;
		}
		units = cp > 0xffff ? 2 : 1;
		if (cap && w + units > cap) {
			*err = WIN_ERROR_INSUFFICIENT_BUFFER;
			return -1;
		}
		if (cap && units == 2) {
			out[w] = (uint16_t)(0xd800 + ((cp - 0x10000) >> 10));
			out[w + 1] = (uint16_t)(0xdc00 + ((cp - 0x10000) & 0x3ff));
		} else if (cap) {
			out[w] = (uint16_t)cp;
		}
		w += units;
	}
	return (long)w;
}

static size_t utf16_length(const uint16_t *in)
{
	size_t n = 0;

	while (in[n])
		n++;
	return n;
}

long win32_utf16_to_utf8(const uint16_t *in, long n, char *out, size_t cap,
			 int strict, uint32_t *err)
{
	size_t len = n < 0 ? utf16_length(in) + 1 : (size_t)n, w = 0;

	for (size_t i = 0; i < len; i++) {
		uint32_t cp = in[i];
		unsigned char b[4];
		unsigned k = 0;

		if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < len &&
		    in[i + 1] >= 0xdc00 && in[i + 1] <= 0xdfff) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + (in[i + 1] - 0xdc00u);
			i++;
		} else if (cp >= 0xd800 && cp <= 0xdfff) {
			if (strict) {
				*err = WIN_ERROR_NO_UNICODE_TRANSLATION;
				return -1;
			}
			cp = REPLACEMENT;
		}
		if (cp < 0x80) {
			b[k++] = (unsigned char)cp;
		} else if (cp < 0x800) {
			b[k++] = (unsigned char)(0xc0 | cp >> 6);
			b[k++] = (unsigned char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			b[k++] = (unsigned char)(0xe0 | cp >> 12);
			b[k++] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
			b[k++] = (unsigned char)(0x80 | (cp & 0x3f));
		} else {
			b[k++] = (unsigned char)(0xf0 | cp >> 18);
			b[k++] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
			b[k++] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
			b[k++] = (unsigned char)(0x80 | (cp & 0x3f));
		}
		if (cap && w + k > cap) {
			*err = WIN_ERROR_INSUFFICIENT_BUFFER;
			return -1;
		}
		if (cap)
			memcpy(out + w, b, k);
		w += k;
	}
	return (long)w;
}

WIN_API int win32_MultiByteToWideChar(uint32_t cp, uint32_t flags, const char *in, int n,
				      uint16_t *out, int cap)
{
	uint32_t err;
	long r;

	if (!is_utf8_page(cp) || (flags & ~(uint32_t)MB_ERR_INVALID_CHARS) || !in ||
	    n == 0 || n < -1 || cap < 0 || (cap && !out))
		return 0;
	r = win32_utf8_to_utf16(in, n, out, (size_t)cap, flags & MB_ERR_INVALID_CHARS, &err);
	return r < 0 || r > 0x7fffffff ? 0 : (int)r;
}

WIN_API int win32_WideCharToMultiByte(uint32_t cp, uint32_t flags, const uint16_t *in,
				      int n, char *out, int cap, const char *def,
				      int *used_def)
{
	uint32_t err;
	long r;

	/* UTF-8 has no default character: Windows refuses one */
	if (!is_utf8_page(cp) || (flags & ~(uint32_t)WC_ERR_INVALID_CHARS) || !in ||
	    n == 0 || n < -1 || cap < 0 || (cap && !out) || def || used_def)
		return 0;
	r = win32_utf16_to_utf8(in, n, out, (size_t)cap, flags & WC_ERR_INVALID_CHARS, &err);
	return r < 0 || r > 0x7fffffff ? 0 : (int)r;
}

int win32_IsDBCSLeadByteEx(uint32_t cp, uint8_t c, objload_session *s)
{
	(void)c;
	if (!is_utf8_page(cp)) {
		win32_set_error(s, WIN_ERROR_INVALID_PARAMETER);
		return 0;
	}
	return 0;
}

WIN_API int win32_IsDBCSLeadByte(uint8_t c)
{
	(void)c;
	return 0;
}
