/* SPDX-License-Identifier: MIT */
/* Uses the system's zlib: loaded by objload from libz.so.1 itself. */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

int main(void)
{
	const char *s = "objload loads libz.so.1 objload loads libz.so.1";
	unsigned char packed[256], back[256];
	uLongf n = sizeof(packed), m = sizeof(back);

	if (compress(packed, &n, (const unsigned char *)s, (uLong)strlen(s) + 1) != Z_OK ||
	    uncompress(back, &m, packed, n) != Z_OK)
		return 1;
	printf("zlib %s: %lu -> %lu bytes, crc %lx, back: %s\n", zlibVersion(),
	       (unsigned long)strlen(s) + 1, (unsigned long)n,
	       crc32(0, (const unsigned char *)s, (unsigned)strlen(s)), back);
	return 0;
}
