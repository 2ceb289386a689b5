/* SPDX-License-Identifier: MIT */
/* Mach-O dynamic libraries and bundles (MH_DYLIB, MH_BUNDLE):
 * formats/macho/macho_dylib.c, reached from the Mach-O plug-in
 * (formats/macho/macho.c) once the header is checked. */
#ifndef OBJLOAD_MACHO_DYLIB_H
#define OBJLOAD_MACHO_DYLIB_H

#include <stddef.h>
#include <stdint.h>

#include "objload/plugin.h"

/* What macho.c checked: the thin file (a universal file's slice), its
 * CPU, type and load-command area (inside the file). */
struct macho_dylib_header {
	const uint8_t *file;
	size_t size;
	objload_arch_id arch;
	uint32_t filetype, ncmds, sizeofcmds;
};

objload_status macho_dylib_parse(objload_image *img, const struct macho_dylib_header *h);
objload_status macho_dylib_plan(const objload_image *img, const objload_plan_query *q,
				objload_plan_choice *choice);
/* The name of a fixup's native type (a rebase, a bind, ...). */
const char *macho_dylib_fixup_name(uint32_t native_type);

/* macho.c: the C-level name of a Mach-O symbol name as objects' names
 * map (the leading underscore, libSystem names glibc spells otherwise,
 * $DARWIN_EXTSN-style variants of undefined names); NULL when it has
 * none or when out of memory (*nomem set). */
const char *macho_c_level_name(objload_image *img, const char *name, int undefined,
			       int *nomem);

#endif
