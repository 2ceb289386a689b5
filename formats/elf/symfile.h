/* SPDX-License-Identifier: MIT */
/* ELF symbol files for debuggers (formats/elf/symfile.c). */
#ifndef OBJLOAD_ELF_SYMFILE_H
#define OBJLOAD_ELF_SYMFILE_H

#include <stddef.h>
#include <stdint.h>

#include "objload/plugin.h"

typedef struct elf_symfile_section {
	uint64_t addr, size;          /* where a code section runs */
} elf_symfile_section;

typedef struct elf_symfile_symbol {
	const char *name;
	uint64_t addr, size;
	uint32_t section;             /* index into the sections given */
} elf_symfile_symbol;

/* A relocatable ELF naming the functions at their load addresses;
 * malloc'd into *out.  0, or -1 when out of memory. */
int elf_symfile_build(objload_arch_id arch, const elf_symfile_section *secs,
		      size_t nsecs, const elf_symfile_symbol *syms, size_t nsyms,
		      uint8_t **out, size_t *outlen);

/* A malloc'd copy of the ELF relocatable `file` whose section n has
 * sh_addr addr[n] (n < naddr); allocated sections with address 0 (not
 * loaded) lose SHF_ALLOC.  0, or -1 when the file is not ELF64 or memory
 * runs out. */
int elf_symfile_patch(const uint8_t *file, size_t len, const uint64_t *addr,
		      size_t naddr, uint8_t **out, size_t *outlen);

/* The line rows of an ELF relocatable with -g (formats/dwarfline.c): its
 * .debug_line relocated into a copy (a set_address operand becomes the
 * load address of its section, addr[n], or 0 when that section was not
 * loaded; a string offset the offset it names), decoded.  The rows point
 * into the file and into the copy, returned in *keep (free it after the
 * rows).  0 also when there is no .debug_line (no rows); -1 when out of
 * memory. */
struct dwarf_line_row;
int elf_symfile_lines(const uint8_t *file, size_t len, const uint64_t *addr,
		      size_t naddr, struct dwarf_line_row **rows, size_t *nrows,
		      size_t *cap, uint8_t **keep);

#endif
