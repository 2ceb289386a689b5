/* SPDX-License-Identifier: MIT */
/*
 * The macOS libSystem names objload maps to glibc (docs/macho.md): built
 * for macOS against the stand-in SDK it references ___stdinp, ___stdoutp,
 * ___stderrp, ___error and, at -O2, the fortified ___memcpy_chk,
 * ___strcpy_chk, ___strcat_chk, ___sprintf_chk and ___snprintf_chk.
 * The native build of the same file is the reference.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char sink[64];

int main(int argc, char **argv)
{
	char buf[32], small[16];
	size_t n = (size_t)argc + 6;
	long v;

	(void)argv;
	errno = 0;
	v = strtol("99999999999999999999999", NULL, 10);
	printf("strtol overflow: %s, errno %s\n", v == 0 ? "0" : "clamped",
	       errno == ERANGE ? "ERANGE" : "other");
	errno = 0;
	printf("errno reset: %d\n", errno);

	memcpy(buf, "fortified copy", n);       /* ___memcpy_chk */
	buf[n] = '\0';
	strcpy(small, "abc");                   /* ___strcpy_chk */
	strcat(small, "def");                   /* ___strcat_chk */
	sprintf(sink, "%s/%s/%d", buf, small, argc);   /* ___sprintf_chk */
	snprintf(buf, sizeof(buf), "[%s]", small);     /* ___snprintf_chk */
	puts(sink);
	puts(buf);

	printf("pow10: %.3f\n", pow(10.0, (double)argc + 0.5));
	fputs("to stdout\n", stdout);
	fflush(stdout);
	fputs("to stderr\n", stderr);
	printf("stdin at EOF: %d\n", getc(stdin) == EOF);
	return 7;
}
