/* SPDX-License-Identifier: MIT */
/* The compiled-in format plug-ins, listed in core/session.c. */
#ifndef OBJLOAD_FORMATS_H
#define OBJLOAD_FORMATS_H

#include "objload/plugin.h"

extern const objload_format objload_format_elf;
extern const objload_format objload_format_macho;
extern const objload_format objload_format_coff;

#endif
