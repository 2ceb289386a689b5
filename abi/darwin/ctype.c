/* SPDX-License-Identifier: MIT */
/*
 * macOS's <ctype.h> in the "C" locale, for Mach-O objects.
 *
 * The macOS SDK's <ctype.h> inlines its classification functions:
 * isdigit(c) reads `_DefaultRuneLocale.__runetype[c] & _CTYPE_D`, isalpha
 * and the others read the same table for ASCII and call
 * `__maskrune(c, mask)` for the rest, toupper/tolower call
 * `__toupper`/`__tolower`.  glibc has neither the table nor __maskrune,
 * so objload supplies them (the Mach-O plug-in binds an image's
 * references to these addresses): a read-only _RuneLocale laid out as the SDK's
 * <runetype.h> declares it, filled for the "C" locale libSystem starts
 * in (ASCII classes; bytes 128-255 have none), and the functions that
 * read it.  __toupper/__tolower are glibc's toupper/tolower (names.c).  Nothing here is writable: a program that calls setlocale
 * still classifies as in "C", which is what glibc's C locale does too.
 *
 * Layout (<runetype.h>, LP64): __magic[8], __encoding[32], two function
 * pointers (__sgetrune, __sputrune), __invalid_rune, then __runetype at
 * offset 60, __maplower and __mapupper (256 entries each), three
 * _RuneRange, __variable, __variable_len, __ncharclasses, __charclasses.
 * The class bits are <runetype.h>'s _CTYPE_*: A 0x100, C 0x200, D 0x400,
 * G 0x800, L 0x1000, P 0x2000, S 0x4000, U 0x8000, X 0x10000, B 0x20000,
 * R 0x40000; a hexadecimal digit's low byte holds its value (what
 * digittoint reads through __maskrune(c, 0x0F)).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "abi/darwin/names.h"

#define DR_A 0x100u
#define DR_C 0x200u
#define DR_D 0x400u
#define DR_G 0x800u
#define DR_L 0x1000u
#define DR_P 0x2000u
#define DR_S 0x4000u
#define DR_U 0x8000u
#define DR_X 0x10000u
#define DR_B 0x20000u
#define DR_R 0x40000u

struct darwin_rune_range {
	int32_t nranges;
	const void *ranges;
};

struct darwin_rune_locale {
	char magic[8];
	char encoding[32];
	const void *sgetrune;
	const void *sputrune;
	int32_t invalid_rune;
	uint32_t runetype[256];
	int32_t maplower[256];
	int32_t mapupper[256];
	struct darwin_rune_range runetype_ext, maplower_ext, mapupper_ext;
	const void *variable;
	int32_t variable_len;
	int32_t ncharclasses;
	const void *charclasses;
};

_Static_assert(offsetof(struct darwin_rune_locale, runetype) == 60,
	       "the SDK's _RuneLocale has __runetype at offset 60");
_Static_assert(offsetof(struct darwin_rune_locale, maplower) == 60 + 1024,
	       "__maplower follows __runetype");

/* The classes of byte c (0-255) in the "C" locale, computed by the
 * compiler for each table entry. */
#define DR_UP(c) ((c) >= 'A' && (c) <= 'Z')
#define DR_LO(c) ((c) >= 'a' && (c) <= 'z')
#define DR_DIG(c) ((c) >= '0' && (c) <= '9')
#define DR_HEXLETTER(c) (((c) >= 'a' && (c) <= 'f') || ((c) >= 'A' && (c) <= 'F'))
#define DR_GRAPH(c) ((c) > 0x20 && (c) < 0x7f)
#define DR_TYPE(c)							\
	((DR_UP(c) ? DR_U | DR_A : 0u) | (DR_LO(c) ? DR_L | DR_A : 0u) |	\
	 (DR_DIG(c) ? DR_D | DR_X | (unsigned)((c) - '0') : 0u) |		\
	 (DR_HEXLETTER(c) ? DR_X | (unsigned)(((c) | 0x20) - 'a' + 10) : 0u) | \
	 (DR_GRAPH(c) ? DR_G | DR_R : 0u) | ((c) == ' ' ? DR_R : 0u) |		\
	 (DR_GRAPH(c) && !DR_UP(c) && !DR_LO(c) && !DR_DIG(c) ? DR_P : 0u) |	\
	 ((c) < 0x20 || (c) == 0x7f ? DR_C : 0u) |				\
	 (((c) >= '\t' && (c) <= '\r') || (c) == ' ' ? DR_S : 0u) |		\
	 ((c) == '\t' || (c) == ' ' ? DR_B : 0u))
#define DR_LOWER(c) (DR_UP(c) ? (c) + 0x20 : (c))
#define DR_UPPER(c) (DR_LO(c) ? (c) - 0x20 : (c))

#define DR4(m, c) m(c), m((c) + 1), m((c) + 2), m((c) + 3)
#define DR16(m, c) DR4(m, c), DR4(m, (c) + 4), DR4(m, (c) + 8), DR4(m, (c) + 12)
#define DR64(m, c) DR16(m, c), DR16(m, (c) + 16), DR16(m, (c) + 32), DR16(m, (c) + 48)
#define DR256(m) DR64(m, 0), DR64(m, 64), DR64(m, 128), DR64(m, 192)

static const struct darwin_rune_locale darwin_default_rune_locale = {
	.magic = "RuneMagA",
	.encoding = "NONE",
	.invalid_rune = 0xfffd,
	.runetype = { DR256(DR_TYPE) },
	.maplower = { DR256(DR_LOWER) },
	.mapupper = { DR256(DR_UPPER) },
};

/* int __maskrune(__darwin_ct_rune_t c, unsigned long mask): the classes
 * of c in mask; a rune beyond the table has none in the "C" locale. */
static int darwin_maskrune(int c, unsigned long mask)
{
	if (c < 0 || c > 255)
		return 0;
	return (int)(darwin_default_rune_locale.runetype[c] & mask);
}

/* unsigned long ___runetype(__darwin_ct_rune_t c): all classes of c. */
static unsigned long darwin_runetype(int c)
{
	return c < 0 || c > 255 ? 0 : darwin_default_rune_locale.runetype[c];
}

const void *darwin_ctype_symbol(const char *name)
{
	static const struct {
		const char *name;
		const void *addr;
	} table[] = {
		{ "__DefaultRuneLocale", &darwin_default_rune_locale },
		{ "___maskrune", (const void *)darwin_maskrune },
		{ "___runetype", (const void *)darwin_runetype },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].name, name) == 0)
			return table[i].addr;
	return NULL;
}
