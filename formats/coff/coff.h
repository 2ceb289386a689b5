/* SPDX-License-Identifier: MIT */
/*
 * What the COFF plug-in's two readers share: formats/coff/coff.c reads
 * relocatable objects, formats/coff/pe.c linked PE images (DLLs); one
 * objload_format ("coff") dispatches to either.
 */
#ifndef OBJLOAD_FORMATS_COFF_H
#define OBJLOAD_FORMATS_COFF_H

#include <stddef.h>
#include <stdint.h>

#include "objload/plugin.h"

/* A section name "/NNN" (raw, 8 bytes): the decimal string-table offset
 * it holds; -1 when a character after '/' is not a digit. */
int coff_decimal_name(const uint8_t raw[8], uint64_t *off);

/* formats/coff/pe.c */
int pe_probe(const uint8_t *bytes, size_t len);
objload_status pe_parse(objload_image *img);
objload_status pe_plan(const objload_image *img, const objload_plan_query *q,
		       objload_plan_choice *choice);
const char *pe_reloc_name(uint32_t native_type);

#endif
