/* SPDX-License-Identifier: MIT */
/*
 * The CIE/FDE structure of an .eh_frame section (formats/ehframe.c), for
 * plug-ins that must find the pointers inside it.  Containers and
 * instruction encodings stay out: this reads the DWARF call-frame
 * records only.
 */
#ifndef OBJLOAD_FORMATS_EHFRAME_H
#define OBJLOAD_FORMATS_EHFRAME_H

#include <stddef.h>
#include <stdint.h>

/* A pc-relative pointer field: an FDE's pc_begin or its LSDA pointer. */
typedef struct eh_pointer {
	uint64_t offset;    /* of the field in the section */
	unsigned width;     /* 2, 4 or 8 bytes */
	int64_t value;      /* what the field holds: target - field address */
	int is_lsda;
} eh_pointer;

/* Call fn for every pc-relative, direct pc_begin and LSDA pointer of the
 * section (indirect ones point at a slot that carries a relocation).
 * 0 when the walk reached the end or a zero terminator; -1 when a record
 * is malformed, with *bad_offset its offset and *why a reason; a
 * positive return of fn stops the walk and is returned. */
int eh_frame_pointers(const uint8_t *bytes, size_t len,
		      int (*fn)(void *ctx, const eh_pointer *p), void *ctx,
		      uint64_t *bad_offset, const char **why);

#endif
