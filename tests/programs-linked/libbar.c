/* SPDX-License-Identifier: MIT */
/* Needs libfoo.so (another input) and libz.so.1 (the host's). */
#include <string.h>
#include <zlib.h>

int foo_add(int a, int b);

unsigned long bar_mix(const char *s)
{
	return crc32(0, (const unsigned char *)s, (unsigned)strlen(s)) + (unsigned long)foo_add(1, 1);
}
