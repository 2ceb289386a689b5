/* SPDX-License-Identifier: MIT */
/*
 * libc: host C library calls from loaded code -- formatted output, string
 * and memory functions, the heap, and qsort/bsearch calling back into
 * comparators defined here.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "people.h"

static void formatting(void)
{
	int neg = -42;
	unsigned big = 4000000000u;
	long long huge = -9007199254740993LL;

	printf("ints: %d %u %ld %lld|%5d|%-5d|%05d|%+d\n", neg, big, 1234567890123L,
	       huge, 42, 42, 42, 42);
	printf("hex/oct: %x %X %#x %o %#o\n", 48879u, 48879u, 255u, 8u, 8u);
	printf("strings: [%s] [%.3s] [%10s] [%-10s] %c%c\n", "objload", "objload",
	       "right", "left", 'o', 'k');
	printf("doubles: %f %.3f %e %.2e %g %g %g\n", 3.14159265358979, 2.0 / 3.0,
	       123456.789, 0.000123, 1e20, 0.5, 100.0);
	printf("width from arg: [%*d] [%-*s] [%.*f]\n", 6, 7, 6, "ab", 2, 1.005);

	char buf[64];
	int n = snprintf(buf, sizeof(buf), "%s-%04d-%.1f", "id", 77, 9.75);
	printf("snprintf: \"%s\" returned %d\n", buf, n);
	/* A size the compiler cannot see, so it does not warn about truncation. */
	static volatile size_t small = 8;
	n = snprintf(buf, small, "%s", "truncated output");
	printf("snprintf truncated: \"%s\" returned %d\n", buf, n);
	n = snprintf(NULL, 0, "%d items at %.2f", 12345, 0.25);
	printf("snprintf sizing: %d\n", n);
}

static void strings(void)
{
	const char *words[] = { "linker", "loader", "object", "section", "symbol" };
	char joined[128] = "";
	size_t total = 0;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		total += strlen(words[i]);
		if (i)
			strcat(joined, ",");
		strcat(joined, words[i]);
	}
	printf("joined=%s len=%zu total=%zu\n", joined, strlen(joined), total);
	printf("strcmp: %d %d %d\n", strcmp("abc", "abd") < 0,
	       strcmp("same", "same") == 0, strcmp("b", "a") > 0);
	printf("strncmp=%d strchr=%s strrchr=%s strstr=%s\n",
	       strncmp("loader", "loaded", 5), strchr(joined, 'o'),
	       strrchr(joined, ','), strstr(joined, "sect"));

	char copy[32];
	memcpy(copy, "0123456789abcdef", 17);
	memmove(copy + 2, copy, 10);
	printf("memmove: %s\n", copy);
	memset(copy, '*', 5);
	printf("memset: %s memcmp=%d\n", copy, memcmp(copy, "*****", 5));

	char upper[32];
	size_t i;
	for (i = 0; words[3][i]; i++)
		upper[i] = (char)toupper((unsigned char)words[3][i]);
	upper[i] = '\0';
	printf("toupper: %s isdigit('7')=%d isalpha('7')=%d\n", upper,
	       isdigit('7') != 0, isalpha('7') != 0);

	char *end;
	long v = strtol("  -1234xyz", &end, 10);
	printf("strtol: %ld rest=%s atoi=%d strtoul(hex)=%lu\n", v, end,
	       atoi("987"), strtoul("ff", NULL, 16));
}

/* Grow a heap array of heap strings with realloc, then free everything. */
static void heap(void)
{
	char **items = NULL;
	size_t len = 0, cap = 0;
	size_t bytes = 0;

	for (int i = 0; i < 200; i++) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4;
			char **grown = realloc(items, cap * sizeof(*items));
			if (!grown) {
				fprintf(stderr, "realloc failed\n");
				exit(2);
			}
			items = grown;
		}
		char tmp[32];
		int n = snprintf(tmp, sizeof(tmp), "item-%d-%x", i, i * 2654435761u);
		items[len] = malloc((size_t)n + 1);
		memcpy(items[len], tmp, (size_t)n + 1);
		bytes += (size_t)n;
		len++;
	}
	printf("heap: %zu strings, %zu bytes, cap %zu, first=%s last=%s\n", len,
	       bytes, cap, items[0], items[len - 1]);

	int *zeros = calloc(100, sizeof(int));
	int sum = 0;
	for (int i = 0; i < 100; i++)
		sum += zeros[i];
	printf("calloc sum=%d\n", sum);
	free(zeros);

	for (size_t i = 0; i < len; i++)
		free(items[i]);
	free(items);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int cmp_int_desc(const void *a, const void *b)
{
	return cmp_int(b, a);
}

static void sorting(void)
{
	int v[40];
	unsigned seed = 12345;
	for (int i = 0; i < 40; i++) {
		seed = seed * 1103515245u + 12345u;
		v[i] = (int)((seed >> 16) % 1000) - 500;
	}
	qsort(v, 40, sizeof(v[0]), cmp_int);
	printf("sorted:");
	for (int i = 0; i < 40; i++)
		printf(" %d", v[i]);
	printf("\n");

	int keys[] = { v[0], v[17], v[39], 1001, -501 };
	for (int i = 0; i < 5; i++) {
		int *hit = bsearch(&keys[i], v, 40, sizeof(v[0]), cmp_int);
		printf("bsearch %d: %s\n", keys[i], hit ? "found" : "missing");
	}
	qsort(v, 40, sizeof(v[0]), cmp_int_desc);
	printf("desc head: %d %d %d\n", v[0], v[1], v[2]);

	people_sort_and_print();
}

int main(void)
{
	formatting();
	strings();
	heap();
	sorting();

	fputs("fputs to stdout\n", stdout);
	puts("puts line");
	putchar('!');
	putchar('\n');
	fprintf(stderr, "stderr: %d warnings, %s\n", 2, "as expected");
	fputs("stderr: fputs\n", stderr);
	fflush(stdout);
	printf("done\n");
	return 0;
}
