/* SPDX-License-Identifier: MIT */
/* The ELF symbol-table constants (gABI names) both ELF plug-in files
 * read: section indices, bindings, types and visibilities. */
#ifndef OBJLOAD_ELF_ABI_H
#define OBJLOAD_ELF_ABI_H

enum {
	SHN_UNDEF = 0,
	SHN_LORESERVE = 0xff00,
	SHN_ABS = 0xfff1,
	SHN_COMMON = 0xfff2,
	SHN_XINDEX = 0xffff,
	SHN_X86_64_LCOMMON = 0xff02,
};

enum {
	STB_LOCAL = 0,
	STB_GLOBAL = 1,
	STB_WEAK = 2,
	STB_LOOS = 10,
	STB_GNU_UNIQUE = 10,
	STB_HIPROC = 15,

	STT_NOTYPE = 0,
	STT_OBJECT = 1,
	STT_FUNC = 2,
	STT_SECTION = 3,
	STT_FILE = 4,
	STT_COMMON = 5,
	STT_TLS = 6,
	STT_LOOS = 10,
	STT_GNU_IFUNC = 10,
	STT_HIPROC = 15,

	STV_DEFAULT = 0,
	STV_INTERNAL = 1,
	STV_HIDDEN = 2,
	STV_PROTECTED = 3,
};

#endif
