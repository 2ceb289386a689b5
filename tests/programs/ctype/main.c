/* SPDX-License-Identifier: MIT */
/*
 * Every <ctype.h> class of EOF and of each byte 0-255 in the "C" locale,
 * and toupper/tolower of each: one line per character.  Built for macOS
 * (tests/e2e/test_e2e_macho.c), where the SDK's <ctype.h> is inline over
 * _DefaultRuneLocale and __maskrune, and for Windows (test_e2e_coff.c).
 * The classification functions are also called through pointers, so
 * that the library's functions are checked as well as the inline forms.
 */
#include <ctype.h>
#include <stdio.h>

static int (*const by_pointer[])(int) = {
	isalnum, isalpha, iscntrl, isdigit, isgraph, islower,
	isprint, ispunct, isspace, isupper, isxdigit,
};

int main(void)
{
	const char *letters = "anCdglrpsux";
	unsigned long long sum = 0;

	for (int c = -1; c < 256; c++) {
		int v[11] = {
			isalnum(c), isalpha(c), iscntrl(c), isdigit(c), isgraph(c), islower(c),
			isprint(c), ispunct(c), isspace(c), isupper(c), isxdigit(c),
		};
		char cls[12];

		for (int i = 0; i < 11; i++) {
			cls[i] = v[i] ? letters[i] : '.';
			if (!v[i] != !by_pointer[i](c))
				printf("%d: class %c differs through a pointer\n", c, letters[i]);
		}
		cls[11] = '\0';
		printf("%4d %s %4d %4d\n", c, cls, toupper(c), tolower(c));
		sum = sum * 31 + (unsigned long long)(toupper(c) + 2 * tolower(c));
	}
	printf("isblank: %d %d %d\n", !!isblank(' '), !!isblank('\t'), !!isblank('\n'));
	printf("sum %llu\n", sum % 1000003);
	return 0;
}
