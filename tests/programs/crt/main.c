/* SPDX-License-Identifier: MIT */
/*
 * The C runtime a portable program leans on: binary file I/O through
 * tmpfile, fseek/ftell, qsort of records, printf widths and exponents,
 * toupper, strftime of a fixed date, strtol/strtod and errno, string
 * functions, malloc.  Built for Windows too (tests/e2e/test_e2e_coff.c),
 * where MinGW's headers turn strtod into __mingw_strtod and errno into
 * (*_errno()).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct rec {
	char name[16];
	int n;
	double v;
};

static int by_name(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int main(int argc, char **argv)
{
	struct rec r[5] = {
		{ "pear", 3, 1.5 }, { "apple", 1, 2.25 }, { "fig", 7, -0.5 },
		{ "kiwi", 2, 1e10 }, { "date", 9, 3.14159 },
	};
	struct rec back[5];
	struct tm t = { 0 };
	char buf[64], tb[64], *dup;
	size_t got;
	long size, l;
	double d;
	FILE *f;

	qsort(r, 5, sizeof r[0], by_name);
	f = tmpfile();
	if (!f)
		return 1;
	fwrite(r, sizeof r[0], 5, f);
	rewind(f);
	got = fread(back, sizeof back[0], 5, f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	printf("read %u records, %ld bytes\n", (unsigned)got, size);
	for (int i = 0; i < 5; i++)
		printf("%-6s|%3d|%10.3f|%e|%g\n", back[i].name, back[i].n, back[i].v, back[i].v,
		       sqrt(fabs(back[i].v)));
	snprintf(buf, sizeof buf, "%05d %x %o %c %s %%", 42, 255, 8, 'z', "str");
	puts(buf);
	for (char *p = buf; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	puts(buf);
	t.tm_year = 100;
	t.tm_mon = 1;
	t.tm_mday = 29;
	t.tm_hour = 12;
	strftime(tb, sizeof tb, "%Y-%m-%d %H:%M", &t);
	puts(tb);
	errno = 0;
	l = strtol("123456789", NULL, 10);
	d = strtod("2.5e3", NULL);
	printf("%ld %.1f %d\n", l, d, errno);
	errno = 0;
	d = strtod("1e999", NULL);
	printf("overflow: %s, errno is ERANGE: %d\n", d > 1e308 ? "inf" : "finite", errno == ERANGE);
	dup = malloc(32);
	if (!dup)
		return 2;
	strcpy(dup, "hello");
	strcat(dup, " world");
	printf("%s %u %s\n", dup, (unsigned)strlen(dup), strstr(dup, "wor"));
	free(dup);
	printf("argc=%d %s\n", argc, argc > 1 ? argv[1] : "-");
	return (int)(got + 3);
}
