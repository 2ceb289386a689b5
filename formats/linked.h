/* SPDX-License-Identifier: MIT */
/*
 * What the plug-ins of linked images (formats/elf/elf_dyn.c,
 * formats/macho/macho_dylib.c) share: finding the section that holds an
 * address of the image's own layout, and a section of pointer slots the
 * plug-in writes itself, placed past the image.
 */
#ifndef OBJLOAD_FORMATS_LINKED_H
#define OBJLOAD_FORMATS_LINKED_H

#include "objload/plugin.h"

/* Among sections [0, n) of img (sorted by file_addr, not overlapping):
 * the one holding address a, or, when end_ok, ending exactly at a (a
 * symbol just past an array); OBJLOAD_NO_INDEX when none does. */
uint32_t fmt_section_at(const objload_image *img, uint32_t n, uint64_t a, int end_ok);

/* A new read-only section of `count` zeroed 8-byte slots named `name`,
 * at the first 64 KiB boundary past every section of img (so that it
 * shares no page with them on any host page size up to 64 KiB): a
 * function address the format gives as a value rather than a table slot
 * (ELF DT_INIT, Mach-O __init_offsets) becomes a table entry there.  Its
 * index, or OBJLOAD_NO_INDEX when out of memory. */
uint32_t fmt_add_slots(objload_image *img, uint64_t count, const char *name);

#endif
