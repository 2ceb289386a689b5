/* SPDX-License-Identifier: MIT */
/*
 * UCRT's scanf entry point: with _UCRT, MinGW's <stdio.h> inlines
 * _snscanf over __stdio_common_vsscanf(options, buffer, count, ...), as
 * the UCRT headers an MSVC program uses inline sscanf.  The input is
 * counted: scanning stops after `count` characters, so the last %s of
 * the first call finds nothing.  %ld is 32 bits, %lld and %I64d 64, %Lf
 * a double.  tests/e2e/test_e2e_coff.c checks the printed line.
 */
#include <stdio.h>

int main(void)
{
	int a = 0, b = 0, n;
	long l = 0;
	long long ll = 0, i64 = 0;
	double d = 0, ld = 0;
	char w[8] = "-";

	n = _snscanf("12 34 -5 9000000000 2.5 word", 24, "%d %d %ld %lld %lf %7s", &a, &b, &l,
		     &ll, &d, w);
	printf("%d: %d %d %ld %lld %.1f %s\n", n, a, b, l, ll, d, w);
	n = _snscanf("-7000000000 0.25 xyz", (size_t)-1, "%I64d %Lf %7s", &i64, &ld, w);
	printf("%d: %lld %.2f %s\n", n, i64, ld, w);
	return 0;
}
