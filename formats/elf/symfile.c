/* SPDX-License-Identifier: MIT */
/*
 * ELF symbol files for debuggers: what the GDB JIT interface hands gdb
 * for each loaded image (core/debug.c).
 *
 * gdb reads a JIT symbol file as an object file whose section addresses
 * (sh_addr) are where the code runs: it takes every SHF_ALLOC section at
 * its sh_addr, places each symbol at its section's address plus st_value,
 * and, for a relocatable file, applies the relocations of the .debug_*
 * sections itself before reading DWARF.  Two shapes are made here:
 *
 *   - an ELF relocatable input is copied whole with every section's
 *     sh_addr set to its load address; a section that was not loaded
 *     loses SHF_ALLOC.  gdb then sees the object's own symbols and DWARF
 *     (line tables with -g) exactly as the compiler wrote them;
 *   - for any other image (Mach-O, COFF) a small relocatable ELF is
 *     written: one SHT_NOBITS section per loaded code section, at its
 *     load address and size, and an STT_FUNC symbol per function.
 *
 * ELF64 little-endian only (x86-64, AArch64), as the host.
 *
 * For crash reports, elf_symfile_lines also relocates the object's
 * .debug_line itself (the plug-in does not keep the relocations of debug
 * sections) and hands it to the DWARF line decoder.
 */
#include <stdlib.h>
#include <string.h>

#include "formats/dwarfline.h"
#include "formats/elf/symfile.h"
#include "formats/reader.h"

#define EHDR_SIZE 64
#define SHDR_SIZE 64
#define SYM_SIZE 24
#define SHF_ALLOC 0x2
#define SHF_EXECINSTR 0x4
#define SHT_SYMTAB 2
#define SHT_STRTAB 3
#define SHT_NOBITS 8
#define ET_REL 1
#define EM_X86_64 62
#define EM_AARCH64 183
#define STB_GLOBAL 1
#define STT_FUNC 2

static void put(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int elf_symfile_patch(const uint8_t *file, size_t len, const uint64_t *addr,
		      size_t naddr, uint8_t **out, size_t *outlen)
{
	uint64_t shoff;
	uint16_t shentsize, shnum;
	uint8_t *copy;

	if (len < EHDR_SIZE || memcmp(file, "\177ELF\2\1", 6) != 0)
		return -1;
	shoff = rd_le(file + 0x28, 8);
	shentsize = (uint16_t)rd_le(file + 0x3a, 2);
	shnum = (uint16_t)rd_le(file + 0x3c, 2);
	if (shentsize != SHDR_SIZE || shoff > len || (len - shoff) / SHDR_SIZE < shnum)
		return -1;
	copy = malloc(len);
	if (!copy)
		return -1;
	memcpy(copy, file, len);
	for (uint16_t i = 1; i < shnum; i++) {
		uint8_t *sh = copy + shoff + (uint64_t)i * SHDR_SIZE;
		uint64_t flags = rd_le(sh + 8, 8);
		uint64_t a = i < naddr ? addr[i] : 0;

		if (!(flags & SHF_ALLOC))
			continue;
		if (!a)
			put(sh + 8, flags & ~(uint64_t)SHF_ALLOC, 8);
		put(sh + 16, a, 8);
	}
	*out = copy;
	*outlen = len;
	return 0;
}

int elf_symfile_build(objload_arch_id arch, const elf_symfile_section *secs,
		      size_t nsecs, const elf_symfile_symbol *syms, size_t nsyms,
		      uint8_t **out, size_t *outlen)
{
	static const char shstr[] = "\0.symtab\0.strtab\0.shstrtab\0.text";
	enum { SH_SYMTAB = 1, SH_STRTAB = 9, SH_SHSTRTAB = 17, SH_TEXT = 27 };
	size_t strsz = 1, nsh = nsecs + 4, symoff, stroff, shstroff, shoff, total;
	uint8_t *f, *p;
	char *str;

	for (size_t i = 0; i < nsyms; i++)
		strsz += strlen(syms[i].name) + 1;
	symoff = EHDR_SIZE;
	stroff = symoff + (nsyms + 1) * SYM_SIZE;
	shstroff = stroff + strsz;
	shoff = (shstroff + sizeof(shstr) + 7) & ~(size_t)7;
	total = shoff + nsh * SHDR_SIZE;
	f = calloc(1, total);
	if (!f)
		return -1;
	/* ELF header */
	memcpy(f, "\177ELF\2\1\1", 7);
	put(f + 0x10, ET_REL, 2);
	put(f + 0x12, arch == OBJLOAD_ARCH_AARCH64 ? EM_AARCH64 : EM_X86_64, 2);
	put(f + 0x14, 1, 4);
	put(f + 0x28, shoff, 8);
	put(f + 0x34, EHDR_SIZE, 2);
	put(f + 0x3a, SHDR_SIZE, 2);
	put(f + 0x3c, nsh, 2);
	put(f + 0x3e, nsh - 1, 2);
	/* symbols (index 0 is the null symbol) and their names */
	str = (char *)f + stroff;
	strsz = 1;
	for (size_t i = 0; i < nsyms; i++) {
		p = f + symoff + (i + 1) * SYM_SIZE;
		put(p, strsz, 4);
		p[4] = STB_GLOBAL << 4 | STT_FUNC;
		put(p + 6, syms[i].section + 1, 2);
		put(p + 8, syms[i].addr - secs[syms[i].section].addr, 8);
		put(p + 16, syms[i].size, 8);
		strcpy(str + strsz, syms[i].name);
		strsz += strlen(syms[i].name) + 1;
	}
	memcpy(f + shstroff, shstr, sizeof(shstr));
	/* section headers: null, the code sections, .symtab, .strtab, .shstrtab */
	for (size_t i = 0; i < nsecs; i++) {
		p = f + shoff + (i + 1) * SHDR_SIZE;
		put(p, SH_TEXT, 4);
		put(p + 4, SHT_NOBITS, 4);
		put(p + 8, SHF_ALLOC | SHF_EXECINSTR, 8);
		put(p + 16, secs[i].addr, 8);
		put(p + 24, EHDR_SIZE, 8);
		put(p + 32, secs[i].size, 8);
		put(p + 48, 16, 8);
	}
	p = f + shoff + (nsecs + 1) * SHDR_SIZE;
	put(p, SH_SYMTAB, 4);
	put(p + 4, SHT_SYMTAB, 4);
	put(p + 24, symoff, 8);
	put(p + 32, (nsyms + 1) * SYM_SIZE, 8);
	put(p + 40, nsecs + 2, 4);    /* sh_link: .strtab */
	put(p + 44, 1, 4);            /* sh_info: first global */
	put(p + 48, 8, 8);
	put(p + 56, SYM_SIZE, 8);
	p += SHDR_SIZE;
	put(p, SH_STRTAB, 4);
	put(p + 4, SHT_STRTAB, 4);
	put(p + 24, stroff, 8);
	put(p + 32, strsz, 8);
	put(p + 48, 1, 8);
	p += SHDR_SIZE;
	put(p, SH_SHSTRTAB, 4);
	put(p + 4, SHT_STRTAB, 4);
	put(p + 24, shstroff, 8);
	put(p + 32, sizeof(shstr), 8);
	put(p + 48, 1, 8);
	*out = f;
	*outlen = total;
	return 0;
}

/* ---- line tables ------------------------------------------------------ */

#define SHT_RELA 4
#define R_X86_64_64 1
#define R_X86_64_32 10
#define R_X86_64_32S 11
#define R_AARCH64_ABS64 257
#define R_AARCH64_ABS32 258

struct elf_view {
	const uint8_t *file;
	size_t len;
	uint64_t shoff;
	uint16_t shnum;
	const uint8_t *shstr;
	uint64_t shstr_len;
};

static const uint8_t *shdr(const struct elf_view *v, uint32_t i)
{
	return v->file + v->shoff + (uint64_t)i * SHDR_SIZE;
}

/* Section i's bytes, or NULL when they are not inside the file. */
static const uint8_t *sec_bytes(const struct elf_view *v, uint32_t i, uint64_t *size)
{
	const uint8_t *h = shdr(v, i);
	uint64_t off = rd_le(h + 24, 8), sz = rd_le(h + 32, 8);

	if (rd_le(h + 4, 4) == SHT_NOBITS || off > v->len || sz > v->len - off)
		return NULL;
	*size = sz;
	return v->file + off;
}

static uint32_t find_section(const struct elf_view *v, const char *name)
{
	for (uint32_t i = 1; i < v->shnum; i++) {
		uint64_t n = rd_le(shdr(v, i), 4);

		if (n < v->shstr_len && strncmp((const char *)v->shstr + n, name,
						(size_t)(v->shstr_len - n)) == 0)
			return i;
	}
	return 0;
}

/* Apply the RELA section r (its sh_info is .debug_line) to the copy. */
static void relocate_lines(const struct elf_view *v, uint32_t r, uint8_t *copy,
			   uint64_t copy_len, const uint64_t *addr, size_t naddr)
{
	const uint8_t *h = shdr(v, r), *rela, *symtab;
	uint64_t rsize, ssize;
	uint32_t link = (uint32_t)rd_le(h + 40, 4);

	if (link == 0 || link >= v->shnum || !(rela = sec_bytes(v, r, &rsize)) ||
	    !(symtab = sec_bytes(v, link, &ssize)))
		return;
	for (uint64_t k = 0; k + 24 <= rsize; k += 24) {
		uint64_t off = rd_le(rela + k, 8), info = rd_le(rela + k + 8, 8);
		int64_t a = (int64_t)rd_le(rela + k + 16, 8);
		uint64_t sym = info >> 32, type = info & 0xffffffff, s, value;
		unsigned width;
		uint16_t shndx;

		if (type == R_X86_64_64 || type == R_AARCH64_ABS64)
			width = 8;
		else if (type == R_X86_64_32 || type == R_X86_64_32S || type == R_AARCH64_ABS32)
			width = 4;
		else
			continue;
		if (off > copy_len || copy_len - off < width || (sym + 1) * SYM_SIZE > ssize)
			continue;
		shndx = (uint16_t)rd_le(symtab + sym * SYM_SIZE + 6, 2);
		s = rd_le(symtab + sym * SYM_SIZE + 8, 8);
		if (shndx > 0 && shndx < v->shnum &&
		    (rd_le(shdr(v, shndx) + 8, 8) & SHF_ALLOC)) {
			uint64_t base = shndx < naddr ? addr[shndx] : 0;

			/* code that was not loaded: its rows go */
			value = base ? base + s + (uint64_t)a : 0;
		} else {
			value = s + (uint64_t)a;   /* an offset into a debug section */
		}
		put(copy + off, value, width);
	}
}

int elf_symfile_lines(const uint8_t *file, size_t len, const uint64_t *addr,
		      size_t naddr, struct dwarf_line_row **rows, size_t *nrows,
		      size_t *cap, uint8_t **keep)
{
	struct elf_view v = { .file = file, .len = len };
	dwarf_line_input in = { 0 };
	const uint8_t *line;
	uint64_t line_len, n;
	uint32_t dl, ls, st;
	uint16_t shentsize, shstrndx;
	uint8_t *copy;
	int r;

	*keep = NULL;
	if (len < EHDR_SIZE || memcmp(file, "\177ELF\2\1", 6) != 0)
		return 0;
	v.shoff = rd_le(file + 0x28, 8);
	shentsize = (uint16_t)rd_le(file + 0x3a, 2);
	v.shnum = (uint16_t)rd_le(file + 0x3c, 2);
	shstrndx = (uint16_t)rd_le(file + 0x3e, 2);
	if (shentsize != SHDR_SIZE || v.shoff > len || (len - v.shoff) / SHDR_SIZE < v.shnum ||
	    shstrndx == 0 || shstrndx >= v.shnum ||
	    !(v.shstr = sec_bytes(&v, shstrndx, &v.shstr_len)))
		return 0;
	dl = find_section(&v, ".debug_line");
	if (!dl || !(line = sec_bytes(&v, dl, &line_len)) || !line_len)
		return 0;
	copy = malloc((size_t)line_len);
	if (!copy)
		return -1;
	memcpy(copy, line, (size_t)line_len);
	for (uint32_t i = 1; i < v.shnum; i++)
		if (rd_le(shdr(&v, i) + 4, 4) == SHT_RELA && rd_le(shdr(&v, i) + 44, 4) == dl)
			relocate_lines(&v, i, copy, line_len, addr, naddr);
	in.line = copy;
	in.line_len = (size_t)line_len;
	if ((ls = find_section(&v, ".debug_line_str")) && (in.line_str = sec_bytes(&v, ls, &n)))
		in.line_str_len = (size_t)n;
	if ((st = find_section(&v, ".debug_str")) && (in.str = sec_bytes(&v, st, &n)))
		in.str_len = (size_t)n;
	r = dwarf_line_rows(&in, rows, nrows, cap);
	*keep = copy;
	return r;
}
