/* SPDX-License-Identifier: MIT */
/* ELF shared objects and PIEs (ET_DYN): formats/elf/elf_dyn.c, reached
 * from the ELF plug-in (formats/elf/elf.c) once the ELF header is checked. */
#ifndef OBJLOAD_ELF_DYN_H
#define OBJLOAD_ELF_DYN_H

#include "objload/plugin.h"

/* What elf.c checked in the ELF header of an ET_DYN file. */
struct elf_dyn_header {
	uint16_t e_machine;
	objload_arch_id arch;
	uint64_t phoff;
	uint16_t phentsize, phnum;
};

/* Fill img (empty) from the file's program headers and dynamic table. */
objload_status elf_dyn_parse(objload_image *img, const struct elf_dyn_header *h);

/* The plan for a linked image: always whole. */
objload_status elf_dyn_plan(const objload_image *img, const objload_plan_query *q,
			    objload_plan_choice *choice);

#endif
