/* SPDX-License-Identifier: MIT */
/*
 * macOS libSystem names that are not glibc's (abi/darwin/names.h).  Each
 * entry says what the name is on macOS and why it maps where it does.
 */
#include <string.h>

#include "abi/darwin/names.h"

static const darwin_name darwin_names[] = {
	/* <stdio.h>: stdin/stdout/stderr are macros for these FILE *
	 * variables; glibc's stdin/stdout/stderr are FILE * variables too. */
	{ "___stdinp", "stdin", "FILE *stdin" },
	{ "___stdoutp", "stdout", "FILE *stdout" },
	{ "___stderrp", "stderr", "FILE *stderr" },
	/* <errno.h>: errno is (*__error()); glibc's is
	 * (*__errno_location()), the same int *(void). */
	{ "___error", "__errno_location", "errno's address" },
	/* pow(10, x) and exp10(x) become __exp10 on macOS; glibc's libm
	 * exports exp10. */
	{ "___exp10", "exp10", "10 to the power x" },
	/* The function forms <ctype.h> inlines call for non-ASCII
	 * characters; glibc's toupper/tolower take the same int. */
	{ "___toupper", "toupper", "toupper of a rune" },
	{ "___tolower", "tolower", "tolower of a rune" },
	/* No glibc counterpart. */
	{ "___sincos_stret", NULL,
	  "returns sin and cos in xmm0:xmm1 (clang's sin+cos fusion); glibc has no such function" },
	{ "_memset_pattern4", NULL, "macOS-only libSystem function (clang's loop-idiom pass)" },
	{ "_memset_pattern8", NULL, "macOS-only libSystem function (clang's loop-idiom pass)" },
	{ "_memset_pattern16", NULL, "macOS-only libSystem function (clang's loop-idiom pass)" },
	{ "__DefaultRuneLocale", NULL,
	  "macOS's inline <ctype.h> table; compile with -D_DONT_USE_CTYPE_INLINE_" },
	{ "___maskrune", NULL,
	  "macOS's inline <ctype.h> helper; compile with -D_DONT_USE_CTYPE_INLINE_" },
	{ "___strlcpy_chk", NULL, "no __strlcpy_chk in glibc" },
	{ "___strlcat_chk", NULL, "no __strlcat_chk in glibc" },
};

/* Symbol variants the macOS headers select with an asm label
 * (fopen$DARWIN_EXTSN, opendir$INODE64): the host has one function. */
static const char *const darwin_variant_suffixes[] = {
	"$DARWIN_EXTSN", "$INODE64", "$UNIX2003", "$NOCANCEL", "$1050",
};

const darwin_name *darwin_name_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(darwin_names) / sizeof(darwin_names[0]); i++)
		if (strcmp(darwin_names[i].name, name) == 0)
			return &darwin_names[i];
	return NULL;
}

size_t darwin_name_without_variant(const char *cname)
{
	const char *dollar = strchr(cname, '$');

	for (size_t i = 0; dollar && i < sizeof(darwin_variant_suffixes) /
		     sizeof(darwin_variant_suffixes[0]); i++)
		if (strcmp(dollar, darwin_variant_suffixes[i]) == 0)
			return (size_t)(dollar - cname);
	return 0;
}
