/* SPDX-License-Identifier: MIT */
/*
 * zlib: compress a deterministic 100 KiB buffer with compress2() at several
 * levels, uncompress it again, and check sizes and checksums.  Natively this
 * links against -lz; under objload the needed members of libz.a are loaded
 * next to this object (see the "archive" file).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define SIZE (100 * 1024)

/* Text-like, compressible but not trivially: words from a small dictionary
 * picked by an LCG, with runs of noise bytes now and then. */
static void fill(unsigned char *buf, size_t size)
{
	static const char *const words[] = {
		"object ", "loader ", "symbol ", "section ", "relocation ",
		"linker ", "segment ", "string ", "table ", "entry ", "\n",
	};
	unsigned seed = 20240101u;
	size_t n = 0;
	while (n < size) {
		seed = seed * 1664525u + 1013904223u;
		if ((seed >> 24) < 8) {
			/* up to 32 bytes of noise */
			size_t run = (seed >> 8) & 31;
			for (size_t i = 0; i < run && n < size; i++) {
				seed = seed * 1664525u + 1013904223u;
				buf[n++] = (unsigned char)(seed >> 17);
			}
			continue;
		}
		const char *w = words[(seed >> 16) % (sizeof(words) / sizeof(words[0]))];
		for (size_t i = 0; w[i] && n < size; i++)
			buf[n++] = (unsigned char)w[i];
	}
}

int main(void)
{
	unsigned char *src = malloc(SIZE);
	if (!src)
		return 2;
	fill(src, SIZE);

	uLong crc = crc32(0L, Z_NULL, 0);
	crc = crc32(crc, src, SIZE);
	uLong adler = adler32(1L, src, SIZE);
	printf("zlib %s (header %s)\n",
	       strcmp(zlibVersion(), ZLIB_VERSION) == 0 ? "version matches"
							 : "VERSION MISMATCH",
	       ZLIB_VERSION);
	printf("input: %d bytes crc32=%08lx adler32=%08lx\n", SIZE, crc, adler);

	int failures = 0;
	static const int levels[] = { 1, 6, 9, 0 };
	for (size_t l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
		uLongf bound = compressBound(SIZE);
		uLongf csize = bound;
		unsigned char *comp = malloc(bound);
		unsigned char *back = malloc(SIZE);
		if (!comp || !back)
			return 2;
		int rc = compress2(comp, &csize, src, SIZE, levels[l]);
		if (rc != Z_OK) {
			printf("level %d: compress2 failed: %d\n", levels[l], rc);
			failures++;
			continue;
		}
		uLongf dsize = SIZE;
		rc = uncompress(back, &dsize, comp, csize);
		int same = rc == Z_OK && dsize == SIZE && memcmp(src, back, SIZE) == 0;
		printf("level %d: compressed %lu bytes (bound %lu, ratio %.3f), "
		       "crc32(compressed)=%08lx, uncompress rc=%d size=%lu %s\n",
		       levels[l], (unsigned long)csize, (unsigned long)bound,
		       (double)csize / SIZE, crc32(0L, comp, (uInt)csize), rc,
		       (unsigned long)dsize, same ? "identical" : "DIFFERENT");
		failures += !same;

		/* Truncated input must be rejected, not crash. */
		dsize = SIZE;
		rc = uncompress(back, &dsize, comp, csize / 2);
		printf("  truncated input: rc=%d (%s)\n", rc,
		       rc == Z_BUF_ERROR || rc == Z_DATA_ERROR ? "rejected" : "??");
		failures += rc == Z_OK;
		free(comp);
		free(back);
	}
	free(src);
	if (failures) {
		fprintf(stderr, "zlib: %d failures\n", failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}
