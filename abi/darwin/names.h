/* SPDX-License-Identifier: MIT */
/*
 * macOS libSystem names on a glibc host.
 *
 * Mach-O objects compiled for macOS call their C library by the names
 * the macOS headers produce.  Most are glibc's names with the Mach-O
 * underscore; this table holds the others: names whose glibc counterpart
 * differs (stdout is ___stdoutp, errno is ___error()), variant suffixes
 * the headers add with asm labels (fopen$DARWIN_EXTSN), and macOS-only
 * functions glibc does not have.  The Mach-O plug-in asks here while it
 * turns symbol names into C-level names; nothing here knows a container.
 */
#ifndef OBJLOAD_ABI_DARWIN_NAMES_H
#define OBJLOAD_ABI_DARWIN_NAMES_H

#include <stddef.h>

typedef struct darwin_name {
	const char *name;      /* as written in a Mach-O symbol table */
	const char *host;      /* glibc's name, or NULL: glibc has none */
	const char *why;       /* what it is, for messages */
} darwin_name;

/* The entry for a Mach-O symbol name (with its underscore), or NULL
 * when its C-level name is glibc's name too. */
const darwin_name *darwin_name_lookup(const char *name);

/* The length of a C-level name without the variant suffix the macOS
 * headers add ("fopen$DARWIN_EXTSN" -> 5), or 0 when it has none of
 * them. */
size_t darwin_name_without_variant(const char *cname);

#endif
