/* SPDX-License-Identifier: MIT */
/*
 * DWARF line tables (.debug_line, versions 2 to 5) decoded into rows
 * (formats/dwarfline.c), for crash reports that print file:line.  The
 * caller hands over a .debug_line whose DW_LNE_set_address operands are
 * already load addresses (relocated by the format that knows how) and the
 * string sections DWARF 5 file names point into.
 */
#ifndef OBJLOAD_FORMATS_DWARFLINE_H
#define OBJLOAD_FORMATS_DWARFLINE_H

#include <stddef.h>
#include <stdint.h>

typedef struct dwarf_line_row {
	uint64_t addr;
	const char *file;   /* into the sections given; NULL ends a sequence */
	uint32_t line;
} dwarf_line_row;

typedef struct dwarf_line_input {
	const uint8_t *line;        /* .debug_line */
	size_t line_len;
	const uint8_t *line_str;    /* .debug_line_str, or NULL */
	size_t line_str_len;
	const uint8_t *str;         /* .debug_str, or NULL */
	size_t str_len;
} dwarf_line_input;

/* Append the rows of every sequence whose first address is not 0 (code
 * that was not loaded) to *rows (realloc'd; *nrows counts them).  0, or
 * -1 when out of memory.  A malformed unit ends the walk: the rows
 * decoded so far stay. */
int dwarf_line_rows(const dwarf_line_input *in, dwarf_line_row **rows, size_t *nrows,
		    size_t *cap);

#endif
