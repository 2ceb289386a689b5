/* SPDX-License-Identifier: MIT */
/*
 * The scanf family as real programs use it: sscanf of every integer
 * size (hh, h, plain, l, ll, j, z), bases (%i, %x, %o), floating point
 * (%f, %lf, %e, %g), strings, characters, scansets, %n, assignment
 * suppression and widths, the counts returned on a mismatch and at the
 * end of input, vsscanf through a va_list, and fscanf reading a file
 * written by fprintf.  Built for Windows too (tests/e2e/test_e2e_coff.c),
 * where `long` is 32 bits: the values read fit both.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int scan_pair(const char *text, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsscanf(text, fmt, ap);
	va_end(ap);
	return n;
}

int main(void)
{
	signed char hh = 0;
	short h = 0;
	int i = 0, j = 0, k = 0, pos = -1, pos2 = -1;
	long l = 0;
	long long ll = 0;
	unsigned u = 0;
	unsigned long long ull = 0;
	intmax_t im = 0;
	size_t z = 0;
	float f = 0;
	double d = 0, e = 0, g = 0;
	char word[32] = "", rest[32] = "", set[32] = "", c3[4] = "";
	char ch = 0;
	int n;
	FILE *tf;

	n = sscanf("-12 -1234 123456 -2000000000 -9000000000000 4000000000",
		   "%hhd %hd %d %ld %lld %u", &hh, &h, &i, &l, &ll, &u);
	printf("%d: %d %d %d %ld %lld %u\n", n, hh, h, i, l, ll, u);
	n = sscanf("0x1F 017 42 ff 777 18446744073709551615", "%i %i %i %x %o %llu",
		   &i, &j, &k, &u, (unsigned *)&pos, &ull);
	printf("%d: %d %d %d %u %d %llu\n", n, i, j, k, u, pos, ull);
	n = sscanf("123456789012 65536", "%jd %zu", &im, &z);
	printf("%d: %lld %llu\n", n, (long long)im, (unsigned long long)z);
	n = sscanf("3.25 -1e-3 6.02e23 0.5", "%f %lf %le %lg", &f, &d, &e, &g);
	printf("%d: %.2f %g %.3e %g\n", n, f, d, e, g);
	n = sscanf("  hello, world!  xyz", "%31s %31[a-z]%c%n %3c%n", word, set, &ch, &pos, c3,
		   &pos2);
	printf("%d: [%s] [%s] [%c] %d %d\n", n, word, set, ch, pos, pos2);
	n = sscanf("key=value;rest", "%31[^=]=%31[^;];%31s", word, set, rest);
	printf("%d: %s|%s|%s\n", n, word, set, rest);
	n = sscanf("10 20 30", "%*d %d %*d%n", &i, &pos);
	printf("%d: %d %d\n", n, i, pos);
	n = sscanf("12345678", "%3d%2d%d", &i, &j, &k);
	printf("%d: %d %d %d\n", n, i, j, k);
	n = sscanf("7 apples", "%d %d", &i, &j);
	printf("mismatch: %d %d\n", n, i);
	n = sscanf("", "%d", &i);
	printf("empty: %d\n", n);
	n = sscanf("100%", "%d%%", &i);
	printf("percent: %d %d\n", n, i);
	n = scan_pair("5,6", "%d,%d", &i, &j);
	printf("vsscanf: %d %d %d\n", n, i, j);
	tf = tmpfile();
	if (!tf)
		return 1;
	for (int r = 0; r < 5; r++)
		fprintf(tf, "row%d %d %.2f\n", r, r * r, r / 4.0);
	rewind(tf);
	for (int r = 0; (n = fscanf(tf, "%31s %d %lf", word, &i, &d)) == 3; r++)
		printf("fscanf %s %d %.2f\n", word, i, d);
	printf("fscanf at end: %d\n", n);
	fclose(tf);
	n = scanf("%d", &i);
	printf("scanf of empty stdin: %d\n", n);
	return 0;
}
