/* SPDX-License-Identifier: MIT */
/*
 * ELF shared objects and position-independent executables (ET_DYN),
 * loaded by objload itself: from a file or from a buffer in memory, which
 * the host's dlopen cannot do.
 *
 * What a loader needs from the ELF dynamic-linking model
 * ------------------------------------------------------
 * A linked image is described by its program headers (e_phoff, e_phnum
 * entries of 56 bytes), not by its section headers, which a loader never
 * needs.  Each PT_LOAD maps p_filesz bytes of the file from p_offset at
 * the virtual address p_vaddr and zero-fills up to p_memsz, with the
 * protection of p_flags (PF_R, PF_W, PF_X).  PT_LOADs are sorted by
 * p_vaddr; the image is relocated as a whole: the static linker fixed
 * every distance between its segments (code reaches its data by
 * PC-relative offsets that no relocation records), so a loader only
 * chooses the base address.  PT_GNU_RELRO names a part of a writable
 * segment that is read-only once relocated (the GOT, .init_array,
 * .data.rel.ro); the dynamic linker makes the pages from its start down
 * to the page holding its end read-only.  PT_TLS is the thread-local
 * template; PT_INTERP and PT_DYNAMIC's DF_1_PIE flag mark an executable.
 *
 * PT_DYNAMIC points at the dynamic table: (d_tag, d_val) pairs up to
 * DT_NULL.  Addresses in it are virtual addresses of the image.  It names
 * the dynamic string table (DT_STRTAB, DT_STRSZ), the dynamic symbol
 * table (DT_SYMTAB, entries of DT_SYMENT = 24 bytes, whose length is
 * nowhere written: it comes from a hash table), the hash tables used to
 * look names up (DT_GNU_HASH: buckets of chains of symbols sorted by
 * bucket, with a Bloom filter in front, the symbols below `symoffset`
 * not hashed; DT_HASH: the SysV buckets and chains, nchain = the symbol
 * count), the relocations (DT_RELA/DT_RELASZ/DT_RELAENT with explicit
 * addends; DT_REL with addends in the field; DT_JMPREL/DT_PLTRELSZ/
 * DT_PLTREL for the PLT's slots; DT_RELR, a packed list of RELATIVE
 * fields: an even entry is an address, an odd one a bitmap of the 63
 * words after the last address), the libraries it needs (DT_NEEDED,
 * offsets of names in DT_STRTAB) and its own name (DT_SONAME), and what
 * runs at load and unload: DT_INIT then DT_INIT_ARRAY (DT_PREINIT_ARRAY
 * before them in an executable), DT_FINI_ARRAY from its last entry then
 * DT_FINI.
 *
 * Dynamic relocations (x86-64 psABI; AArch64 in brackets):
 *   RELATIVE (8) [1027]   base + addend
 *   64 (1) [ABS64 257]    S + addend
 *   GLOB_DAT (6) [1025]   S (+ addend), a GOT slot
 *   JUMP_SLOT (7) [1026]  S, a PLT slot; lazy binding is an optimisation
 *                         objload does not make: bound at load
 *   COPY (5) [1024]       an executable's copy of a library's data:
 *                         refused
 *   IRELATIVE (37) [1032] the result of calling base + addend (IFUNC):
 *                         refused until objload calls resolvers
 *   DTPMOD64, DTPOFF64, TPOFF64, TLSDESC: thread-local: refused.
 *
 * Symbol versions: DT_VERSYM holds one half-word per dynamic symbol, an
 * index into the versions DT_VERDEF defines (VER_FLG_BASE marks the
 * file's own name, not a version) or DT_VERNEED requires; bit 15 hides a
 * definition from unversioned lookups (`foo@V`, where `foo@@V` is the
 * default).  Index 0 is local, 1 unversioned.
 *
 * How objload represents it.  One neutral section per PT_LOAD or part of
 * one: the PT_GNU_RELRO pages of a writable segment become a read-only
 * data section (role RODATA: written by the fixups, then made read-only),
 * the rest of its file bytes a data section, the p_memsz tail a zero-fill
 * section; file_addr is p_vaddr, so the core lays them out at the linked
 * distances (core/layout.c).  Exported dynamic symbols — those the hash
 * table finds: defined, global or weak, of default visibility — are
 * global definitions with their default version's name; other dynamic
 * symbols are local.  Every relocation is an edge of the pointer kind
 * (ABS64): RELATIVE and RELR to a local symbol of the section holding
 * the target, GLOB_DAT, JUMP_SLOT and 64 to their symbol, which the core
 * binds at load in its order: the session's images (objects first: a
 * definition in a shared object is weaker than one in an object, as the
 * executable's interposes), then the host.  DT_INIT and DT_FINI are
 * addresses, not table slots: objload writes them into a synthesized
 * 16-byte section past the image's end so that they run as one-entry
 * tables.  Every table runs at priority 0: before the objects'
 * constructors and after their destructors, as a library's do.
 *
 * Everything is validated once here; nothing here knows an instruction
 * encoding (all fields are 64-bit data words).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/elf/elf_abi.h"
#include "formats/elf/elf_dyn.h"
#include "formats/linked.h"
#include "formats/plan.h"
#include "formats/reader.h"

enum {
	PT_LOAD = 1,
	PT_DYNAMIC = 2,
	PT_INTERP = 3,
	PT_TLS = 7,
	PF_X = 1,
	PF_W = 2,
	PF_R = 4,
	ELF64_PHDR_SIZE = 56,
	ELF64_DYN_SIZE = 16,
	ELF64_SYM_SIZE = 24,
	ELF64_RELA_SIZE = 24,
	ELF64_REL_SIZE = 16,
	VER_FLG_BASE = 1,
	VERSYM_HIDDEN = 0x8000,
	DF_1_PIE = 0x08000000,
	SHF_WRITE = 1,
	SHF_ALLOC = 2,
	SHF_EXECINSTR = 4,
};

#define PT_GNU_RELRO 0x6474e552u

/* The dynamic tags objload reads, in the order of dyn_tags below. */
enum dyn_tag_slot {
	D_PLTRELSZ, D_HASH, D_STRTAB, D_SYMTAB, D_RELA, D_RELASZ, D_RELAENT,
	D_STRSZ, D_SYMENT, D_INIT, D_FINI, D_SONAME, D_REL, D_RELSZ, D_RELENT,
	D_PLTREL, D_JMPREL, D_INIT_ARRAY, D_FINI_ARRAY, D_INIT_ARRAYSZ,
	D_FINI_ARRAYSZ, D_FLAGS, D_PREINIT_ARRAY, D_PREINIT_ARRAYSZ, D_RELRSZ,
	D_RELR, D_RELRENT, D_GNU_HASH, D_VERSYM, D_FLAGS_1, D_VERDEF,
	D_VERDEFNUM, D_VERNEED, D_VERNEEDNUM, D_NSLOTS
};

static const struct {
	uint64_t tag;
	const char *name;
} dyn_tags[D_NSLOTS] = {
	[D_PLTRELSZ] = { 2, "DT_PLTRELSZ" }, [D_HASH] = { 4, "DT_HASH" },
	[D_STRTAB] = { 5, "DT_STRTAB" }, [D_SYMTAB] = { 6, "DT_SYMTAB" },
	[D_RELA] = { 7, "DT_RELA" }, [D_RELASZ] = { 8, "DT_RELASZ" },
	[D_RELAENT] = { 9, "DT_RELAENT" }, [D_STRSZ] = { 10, "DT_STRSZ" },
	[D_SYMENT] = { 11, "DT_SYMENT" }, [D_INIT] = { 12, "DT_INIT" },
	[D_FINI] = { 13, "DT_FINI" }, [D_SONAME] = { 14, "DT_SONAME" },
	[D_REL] = { 17, "DT_REL" }, [D_RELSZ] = { 18, "DT_RELSZ" },
	[D_RELENT] = { 19, "DT_RELENT" }, [D_PLTREL] = { 20, "DT_PLTREL" },
	[D_JMPREL] = { 23, "DT_JMPREL" }, [D_INIT_ARRAY] = { 25, "DT_INIT_ARRAY" },
	[D_FINI_ARRAY] = { 26, "DT_FINI_ARRAY" },
	[D_INIT_ARRAYSZ] = { 27, "DT_INIT_ARRAYSZ" },
	[D_FINI_ARRAYSZ] = { 28, "DT_FINI_ARRAYSZ" }, [D_FLAGS] = { 30, "DT_FLAGS" },
	[D_PREINIT_ARRAY] = { 32, "DT_PREINIT_ARRAY" },
	[D_PREINIT_ARRAYSZ] = { 33, "DT_PREINIT_ARRAYSZ" },
	[D_RELRSZ] = { 35, "DT_RELRSZ" }, [D_RELR] = { 36, "DT_RELR" },
	[D_RELRENT] = { 37, "DT_RELRENT" }, [D_GNU_HASH] = { 0x6ffffef5, "DT_GNU_HASH" },
	[D_VERSYM] = { 0x6ffffff0, "DT_VERSYM" }, [D_FLAGS_1] = { 0x6ffffffb, "DT_FLAGS_1" },
	[D_VERDEF] = { 0x6ffffffc, "DT_VERDEF" }, [D_VERDEFNUM] = { 0x6ffffffd, "DT_VERDEFNUM" },
	[D_VERNEED] = { 0x6ffffffe, "DT_VERNEED" },
	[D_VERNEEDNUM] = { 0x6fffffff, "DT_VERNEEDNUM" },
};

#define DT_NULL 0
#define DT_NEEDED 1
#define DT_PLTREL_RELA 7
#define DT_PLTREL_REL 17
#define DYN_MAX_NEEDED 1024
#define DYN_MAX_LOADS 64
#define DYN_MAX_SPAN (1ull << 32)

/* The dynamic relocation types of one machine. */
struct dyn_machine {
	uint16_t e_machine;
	unsigned abs64;                  /* the arch's pointer kind */
	uint32_t none, abs, glob_dat, jump_slot, relative, copy, irelative;
	uint32_t tls[4];                 /* DTPMOD, DTPOFF, TPOFF, TLSDESC */
};

static const struct dyn_machine dyn_machines[] = {
	{ 62, OBJLOAD_X86_64_ABS64, 0, 1, 6, 7, 8, 5, 37, { 16, 17, 18, 36 } },
	{ 183, OBJLOAD_AARCH64_ABS64, 0, 257, 1025, 1026, 1027, 1024, 1032,
	  { 1028, 1029, 1030, 1031 } },
};

struct dyn_load {
	uint64_t vaddr, memsz, filesz, offset, align;
	uint32_t flags, index;
};

struct dyn_version {
	uint16_t index;
	const char *name;
	int base;                        /* VER_FLG_BASE: the file's own name */
};

/* Kept in img->format_data: what the plan and messages need. */
struct dyn_info {
	uint32_t nloads;
};

struct dyn_ctx {
	objload_image *img;
	const struct elf_dyn_header *h;
	const struct dyn_machine *mach;
	const uint8_t *file;
	size_t size;
	struct dyn_load loads[DYN_MAX_LOADS];
	uint32_t nloads;
	uint64_t relro_lo, relro_hi;      /* page-rounded as ld.so does; 0 0: none */
	uint64_t dyn_off, dyn_size;       /* PT_DYNAMIC in the file */
	int interp;
	uint64_t d[D_NSLOTS];
	uint8_t have[D_NSLOTS];
	struct rd_cursor strtab;
	uint32_t nsyms;
	uint8_t *exported;                /* per dynamic symbol: the hash finds it */
	struct dyn_version *versions;
	size_t nversions;
	uint32_t nparts;                  /* sections from PT_LOADs */
	uint32_t section_sym0;            /* symbol of section 0 */
};

/* Errors name the file (objload_image_error); malformed or refused. */
#define dyn_error(c, ...) objload_image_error((c)->img, OBJLOAD_ERR_FORMAT, __VA_ARGS__)
#define dyn_unsupported(c, ...) objload_image_error((c)->img, OBJLOAD_ERR_UNSUPPORTED, __VA_ARGS__)

static objload_status dyn_nomem(struct dyn_ctx *c)
{
	return objload_image_error(c->img, OBJLOAD_ERR_NOMEM, "out of memory");
}

static int dyn_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* ---- Addresses ------------------------------------------------------------ */

/* The file bytes at virtual address [vaddr, vaddr + len), all inside the
 * file part of one PT_LOAD, as a window; -1 when they are not. */
static int dyn_window(const struct dyn_ctx *c, uint64_t vaddr, uint64_t len,
		      struct rd_cursor *cur)
{
	for (uint32_t i = 0; i < c->nloads; i++) {
		const struct dyn_load *l = &c->loads[i];
		uint64_t off;

		if (vaddr < l->vaddr || vaddr - l->vaddr > l->filesz ||
		    l->filesz - (vaddr - l->vaddr) < len)
			continue;
		off = l->offset + (vaddr - l->vaddr);
		cur->p = c->file + off;
		cur->len = (size_t)len;
		cur->off = 0;
		return 0;
	}
	return -1;
}

/* The section (a part of a PT_LOAD) holding address a. */
static uint32_t dyn_section_at(const struct dyn_ctx *c, uint64_t a, int end_ok)
{
	return fmt_section_at(c->img, c->nparts, a, end_ok);
}

/* ---- Program headers -------------------------------------------------------- */

static objload_status dyn_check_phdrs(struct dyn_ctx *c)
{
	const struct elf_dyn_header *h = c->h;
	int have_dynamic = 0, have_relro = 0;
	uint64_t relro_vaddr = 0, relro_memsz = 0;
	struct rd_cursor cur;

	if (h->phentsize != ELF64_PHDR_SIZE)
		return dyn_error(c, "program header size %u (e_phentsize) is not %d",
				 h->phentsize, ELF64_PHDR_SIZE);
	if (h->phoff > c->size || (c->size - h->phoff) / ELF64_PHDR_SIZE < h->phnum)
		return dyn_error(c, "program header table (%u entries at offset 0x%llx) "
				 "extends past the end of the file (%zu bytes)", h->phnum,
				 (unsigned long long)h->phoff, c->size);
	cur.p = c->file + h->phoff;
	cur.len = (size_t)h->phnum * ELF64_PHDR_SIZE;
	cur.off = 0;
	for (uint32_t i = 0; i < h->phnum; i++) {
		uint32_t type, flags;
		uint64_t offset, vaddr, paddr, filesz, memsz, align;

		if (rd_u32(&cur, &type) || rd_u32(&cur, &flags) || rd_u64(&cur, &offset) ||
		    rd_u64(&cur, &vaddr) || rd_u64(&cur, &paddr) || rd_u64(&cur, &filesz) ||
		    rd_u64(&cur, &memsz) || rd_u64(&cur, &align))
			return dyn_error(c, "program header %u is truncated", i);
		if (type == PT_TLS)
			return dyn_unsupported(c, "program header %u is PT_TLS: thread-local "
					       "storage in shared objects is not supported yet", i);
		if (type == PT_INTERP)
			c->interp = 1;
		if (type == PT_GNU_RELRO) {
			if (have_relro++)
				return dyn_error(c, "more than one PT_GNU_RELRO (program header %u)", i);
			relro_vaddr = vaddr;
			relro_memsz = memsz;
		}
		if (type == PT_DYNAMIC) {
			if (have_dynamic++)
				return dyn_error(c, "more than one PT_DYNAMIC (program header %u)", i);
			if (offset > c->size || c->size - offset < filesz)
				return dyn_error(c, "PT_DYNAMIC (program header %u) at offset 0x%llx "
						 "(%llu bytes) is outside the file (%zu bytes)", i,
						 (unsigned long long)offset,
						 (unsigned long long)filesz, c->size);
			c->dyn_off = offset;
			c->dyn_size = filesz;
		}
		if (type != PT_LOAD)
			continue;
		if (c->nloads == DYN_MAX_LOADS)
			return dyn_unsupported(c, "more than %d PT_LOAD segments", DYN_MAX_LOADS);
		if (filesz > memsz)
			return dyn_error(c, "PT_LOAD (program header %u): p_filesz 0x%llx is larger "
					 "than p_memsz 0x%llx", i, (unsigned long long)filesz,
					 (unsigned long long)memsz);
		if (offset > c->size || c->size - offset < filesz)
			return dyn_error(c, "PT_LOAD (program header %u): its bytes (offset 0x%llx, "
					 "%llu bytes) are outside the file (%zu bytes)", i,
					 (unsigned long long)offset, (unsigned long long)filesz,
					 c->size);
		if (align > 1 && !dyn_pow2(align))
			return dyn_error(c, "PT_LOAD (program header %u): p_align 0x%llx is not a "
					 "power of two", i, (unsigned long long)align);
		if (memsz > DYN_MAX_SPAN || vaddr > UINT64_MAX - memsz)
			return dyn_error(c, "PT_LOAD (program header %u): p_vaddr 0x%llx + p_memsz "
					 "0x%llx is out of range", i, (unsigned long long)vaddr,
					 (unsigned long long)memsz);
		if ((flags & (PF_W | PF_X)) == (PF_W | PF_X))
			return dyn_unsupported(c, "PT_LOAD (program header %u) is writable and "
					       "executable: objload never maps such memory", i);
		if (c->nloads) {
			const struct dyn_load *p = &c->loads[c->nloads - 1];

			if (vaddr < p->vaddr + p->memsz)
				return dyn_error(c, "PT_LOAD (program header %u) at 0x%llx overlaps or "
						 "precedes the one before it (ending at 0x%llx)", i,
						 (unsigned long long)vaddr,
						 (unsigned long long)(p->vaddr + p->memsz));
		}
		c->loads[c->nloads++] = (struct dyn_load){
			.vaddr = vaddr, .memsz = memsz, .filesz = filesz, .offset = offset,
			.align = align ? align : 1, .flags = flags, .index = i,
		};
	}
	if (!c->nloads)
		return dyn_error(c, "no PT_LOAD segment: nothing to load");
	if (c->loads[c->nloads - 1].vaddr + c->loads[c->nloads - 1].memsz -
	    c->loads[0].vaddr > DYN_MAX_SPAN)
		return dyn_error(c, "its PT_LOAD segments span more than 4 GiB");
	if (!have_dynamic)
		return dyn_error(c, "no PT_DYNAMIC segment: a shared object needs a dynamic table");
	if (have_relro) {
		/* ld.so protects the pages from the one holding its start to
		 * the one holding its end, exclusive */
		c->relro_lo = relro_vaddr & ~(uint64_t)0xfff;
		c->relro_hi = relro_memsz > UINT64_MAX - relro_vaddr ? 0 :
			(relro_vaddr + relro_memsz) & ~(uint64_t)0xfff;
		if (c->relro_hi <= c->relro_lo)
			c->relro_lo = c->relro_hi = 0;
	}
	return OBJLOAD_OK;
}

/* ---- Sections: PT_LOADs and their parts ------------------------------------- */

static objload_status dyn_add_part(struct dyn_ctx *c, const struct dyn_load *l,
				   uint64_t from, uint64_t to, int relro, const char *name)
{
	objload_section *s = objload_image_add_sections(c->img, 1);
	uint64_t align;

	if (!s)
		return dyn_nomem(c);
	s->name = name;
	s->file_addr = from;
	s->size = to - from;
	s->native_index = l->index;
	s->native_type = "PT_LOAD";
	s->native_flags = SHF_ALLOC | (l->flags & PF_W ? SHF_WRITE : 0) |
		(l->flags & PF_X ? SHF_EXECINSTR : 0);
	if (from >= l->vaddr + l->filesz) {
		s->role = OBJLOAD_ROLE_ZEROFILL;
	} else {
		s->bytes = c->file + l->offset + (from - l->vaddr);
		s->role = l->flags & PF_X ? OBJLOAD_ROLE_CODE :
			relro || !(l->flags & PF_W) ? OBJLOAD_ROLE_RODATA : OBJLOAD_ROLE_DATA;
	}
	/* as aligned as its address is, up to the segment's p_align: the
	 * image's base is aligned to the largest (dyn_build_sections) */
	align = from ? from & -from : l->align;
	s->align = align < l->align ? align : l->align;
	if (s->align > (1ull << 32))
		s->align = 1ull << 32;
	c->nparts++;
	return OBJLOAD_OK;
}

static objload_status dyn_build_sections(struct dyn_ctx *c)
{
	uint64_t max_align = 1;

	for (uint32_t i = 0; i < c->nloads; i++) {
		const struct dyn_load *l = &c->loads[i];
		uint64_t cut[4], file_end = l->vaddr + l->filesz, end = l->vaddr + l->memsz;
		size_t n = 0;
		char prot[4], *name;

		if (l->align > max_align)
			max_align = l->align;
		if (!l->memsz)
			continue;
		/* cut points: the RELRO pages, the end of the file bytes */
		cut[n++] = l->vaddr;
		if (c->relro_hi > l->vaddr && c->relro_hi < file_end && (l->flags & PF_W))
			cut[n++] = c->relro_hi;
		if (file_end > l->vaddr && file_end < end)
			cut[n++] = file_end;
		cut[n] = end;
		snprintf(prot, sizeof(prot), "%s%s%s", l->flags & PF_R ? "r" : "",
			 l->flags & PF_W ? "w" : "", l->flags & PF_X ? "x" : "");
		for (size_t k = 0; k < n; k++) {
			int relro = (l->flags & PF_W) && cut[k] >= c->relro_lo &&
				cut[k + 1] <= c->relro_hi && cut[k] < file_end;
			const char *kind = relro ? "relro" : cut[k] >= file_end ? "bss" : prot;
			objload_status st;
			char buf[48];

			snprintf(buf, sizeof(buf), "LOAD%u.%s", i, kind[0] ? kind : "none");
			name = objload_image_strdup(c->img, buf);
			if (!name)
				return dyn_nomem(c);
			st = dyn_add_part(c, l, cut[k], cut[k + 1], relro, name);
			if (st)
				return st;
		}
	}
	if (!c->nparts)
		return dyn_error(c, "every PT_LOAD segment is empty: nothing to load");
	/* the base is aligned to the largest p_align, as ld.so aligns it */
	if (max_align > c->img->sections[0].align && !(c->img->sections[0].file_addr & (max_align - 1)))
		c->img->sections[0].align = max_align > (1ull << 32) ? 1ull << 32 : max_align;
	return OBJLOAD_OK;
}

/* ---- The dynamic table ----------------------------------------------------------- */

static objload_status dyn_read_table(struct dyn_ctx *c)
{
	struct rd_cursor cur = { c->file + c->dyn_off, (size_t)c->dyn_size, 0 };
	uint64_t needed[DYN_MAX_NEEDED];
	uint32_t nneeded = 0;
	int ended = 0;

	while (cur.len - cur.off >= ELF64_DYN_SIZE) {
		uint64_t tag, val;

		tag = rd_le(cur.p + cur.off, 8);
		val = rd_le(cur.p + cur.off + 8, 8);
		cur.off += ELF64_DYN_SIZE;
		if (tag == DT_NULL) {
			ended = 1;
			break;
		}
		if (tag == DT_NEEDED) {
			if (nneeded == DYN_MAX_NEEDED)
				return dyn_unsupported(c, "more than %d DT_NEEDED entries",
						       DYN_MAX_NEEDED);
			needed[nneeded++] = val;
			continue;
		}
		for (int k = 0; k < D_NSLOTS; k++) {
			if (dyn_tags[k].tag != tag)
				continue;
			if (c->have[k] && c->d[k] != val)
				return dyn_error(c, "the dynamic table has two different %s entries",
						 dyn_tags[k].name);
			c->have[k] = 1;
			c->d[k] = val;
		}
	}
	if (!ended)
		return dyn_error(c, "the dynamic table (PT_DYNAMIC, %llu bytes) has no DT_NULL end",
				 (unsigned long long)c->dyn_size);
	if (!c->have[D_STRTAB] || !c->have[D_STRSZ] || !c->have[D_SYMTAB])
		return dyn_error(c, "the dynamic table lacks %s",
				 !c->have[D_STRTAB] ? "DT_STRTAB" : !c->have[D_STRSZ] ?
				 "DT_STRSZ" : "DT_SYMTAB");
	if (c->have[D_SYMENT] && c->d[D_SYMENT] != ELF64_SYM_SIZE)
		return dyn_error(c, "DT_SYMENT %llu is not %d", (unsigned long long)c->d[D_SYMENT],
				 ELF64_SYM_SIZE);
	if (dyn_window(c, c->d[D_STRTAB], c->d[D_STRSZ], &c->strtab))
		return dyn_error(c, "the dynamic string table (DT_STRTAB 0x%llx, DT_STRSZ %llu) "
				 "is not inside the file bytes of a PT_LOAD segment",
				 (unsigned long long)c->d[D_STRTAB],
				 (unsigned long long)c->d[D_STRSZ]);
	if (c->have[D_SONAME]) {
		c->img->soname = rd_string_at(&c->strtab, c->d[D_SONAME]);
		if (!c->img->soname)
			return dyn_error(c, "DT_SONAME 0x%llx is outside the dynamic string table",
					 (unsigned long long)c->d[D_SONAME]);
	}
	if (nneeded) {
		c->img->needed = objload_image_alloc(c->img, nneeded * sizeof(char *));
		if (!c->img->needed)
			return dyn_nomem(c);
		for (uint32_t i = 0; i < nneeded; i++) {
			c->img->needed[i] = rd_string_at(&c->strtab, needed[i]);
			if (!c->img->needed[i] || !c->img->needed[i][0])
				return dyn_error(c, "DT_NEEDED %u (0x%llx) is not a name in the dynamic "
						 "string table", i, (unsigned long long)needed[i]);
		}
		c->img->nneeded = nneeded;
	}
	return OBJLOAD_OK;
}

/* ---- Hash tables: how many symbols, and which ones a lookup finds ----------- */

static uint32_t dyn_gnu_hash(const char *s)
{
	uint32_t h = 5381;

	for (; *s; s++)
		h = h * 33 + (uint8_t)*s;
	return h;
}

static uint32_t dyn_sysv_hash(const char *s)
{
	uint32_t h = 0, g;

	for (; *s; s++) {
		h = (h << 4) + (uint8_t)*s;
		g = h & 0xf0000000u;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

/* The name of dynamic symbol i, read from the table (i < c->nsyms is not
 * yet known while hash tables are walked: the caller bounds i). */
static objload_status dyn_sym_name(struct dyn_ctx *c, uint32_t i, const char **name)
{
	struct rd_cursor cur;
	uint32_t st_name;

	if (dyn_window(c, c->d[D_SYMTAB] + (uint64_t)i * ELF64_SYM_SIZE, ELF64_SYM_SIZE, &cur) ||
	    rd_u32(&cur, &st_name))
		return dyn_error(c, "dynamic symbol %u (DT_SYMTAB 0x%llx) is outside the file "
				 "bytes of every PT_LOAD segment", i,
				 (unsigned long long)c->d[D_SYMTAB]);
	*name = rd_string_at(&c->strtab, st_name);
	if (!*name)
		return dyn_error(c, "dynamic symbol %u: name offset 0x%x is outside the dynamic "
				 "string table (%llu bytes)", i, st_name,
				 (unsigned long long)c->d[D_STRSZ]);
	return OBJLOAD_OK;
}

/*
 * DT_GNU_HASH: nbuckets, symoffset, bloom_size, bloom_shift, the Bloom
 * filter (bloom_size 64-bit words), the buckets (the first symbol of each
 * chain, or 0), then one 32-bit hash per symbol from symoffset with bit 0
 * set on the last of its chain.  Every hashed symbol is checked to be
 * found the way ld.so looks it up: its bucket, its Bloom bits, its chain
 * hash.  Chains follow each other: the symbol count is one past the end
 * of the last.
 */
static objload_status dyn_walk_gnu_hash(struct dyn_ctx *c, uint32_t *count,
					uint32_t *first_hashed)
{
	struct rd_cursor hdr, bloom, buckets;
	uint32_t nbuckets, symoffset, bloom_size, bloom_shift, next = 0;
	uint64_t at = c->d[D_GNU_HASH];

	if (dyn_window(c, at, 16, &hdr))
		return dyn_error(c, "DT_GNU_HASH 0x%llx is not inside the file bytes of a "
				 "PT_LOAD segment", (unsigned long long)at);
	nbuckets = (uint32_t)rd_le(hdr.p, 4);
	symoffset = (uint32_t)rd_le(hdr.p + 4, 4);
	bloom_size = (uint32_t)rd_le(hdr.p + 8, 4);
	bloom_shift = (uint32_t)rd_le(hdr.p + 12, 4);
	if (!nbuckets || !dyn_pow2(bloom_size) || bloom_shift >= 64)
		return dyn_error(c, "DT_GNU_HASH: %u buckets, Bloom filter of %u words shifted by "
				 "%u: malformed (the buckets and words must not be 0, the words a "
				 "power of two, the shift below 64)", nbuckets, bloom_size, bloom_shift);
	if (dyn_window(c, at + 16, (uint64_t)bloom_size * 8, &bloom) ||
	    dyn_window(c, at + 16 + (uint64_t)bloom_size * 8, (uint64_t)nbuckets * 4, &buckets))
		return dyn_error(c, "DT_GNU_HASH: its Bloom filter (%u words) and %u buckets run "
				 "past the file bytes of its PT_LOAD segment", bloom_size, nbuckets);
	*first_hashed = symoffset;
	next = symoffset;
	for (uint32_t b = 0; b < nbuckets; b++) {
		uint32_t i;
		uint64_t chains = at + 16 + (uint64_t)bloom_size * 8 + (uint64_t)nbuckets * 4;

		i = (uint32_t)rd_le(buckets.p + 4 * (size_t)b, 4);
		if (!i)
			continue;
		if (i < next)
			return dyn_error(c, "DT_GNU_HASH: bucket %u starts at symbol %u, inside the "
					 "chain before it or below symoffset %u", b, i, symoffset);
		for (;; i++) {
			struct rd_cursor ch;
			uint32_t hash, h;
			const char *name;
			uint64_t word;
			objload_status st;

			if (i >= OBJLOAD_NO_INDEX / 2 ||
			    dyn_window(c, chains + (uint64_t)(i - symoffset) * 4, 4, &ch))
				return dyn_error(c, "DT_GNU_HASH: the chain of bucket %u runs past the "
						 "file bytes of its PT_LOAD segment (symbol %u)", b, i);
			hash = (uint32_t)rd_le(ch.p, 4);
			st = dyn_sym_name(c, i, &name);
			if (st)
				return st;
			h = dyn_gnu_hash(name);
			word = rd_le(bloom.p + 8 * ((h / 64) & (bloom_size - 1)), 8);
			if ((h | 1) != (hash | 1) || h % nbuckets != b ||
			    !(word >> (h % 64) & 1) || !(word >> ((h >> bloom_shift) % 64) & 1))
				return dyn_error(c, "DT_GNU_HASH: symbol %u '%s' cannot be found through "
						 "it (bucket %u, chain hash 0x%x, its hash 0x%x)", i,
						 name, b, hash, h);
			if (hash & 1)
				break;
		}
		next = i + 1;
	}
	*count = next;
	return OBJLOAD_OK;
}

/*
 * DT_HASH: nbucket, nchain, the buckets, the chains; nchain is the symbol
 * count.  Every chain is walked once, each symbol reached at most once,
 * each in the bucket its name hashes to.
 */
static objload_status dyn_walk_sysv_hash(struct dyn_ctx *c, uint8_t *reached)
{
	struct rd_cursor hdr, table;
	uint32_t nbucket, nchain;
	uint64_t at = c->d[D_HASH];

	if (dyn_window(c, at, 8, &hdr) || rd_u32(&hdr, &nbucket) || rd_u32(&hdr, &nchain))
		return dyn_error(c, "DT_HASH 0x%llx is not inside the file bytes of a PT_LOAD "
				 "segment", (unsigned long long)at);
	if (nchain != c->nsyms || !nbucket)
		return dyn_error(c, "DT_HASH: %u buckets and %u chains, where the symbol table "
				 "has %u symbols", nbucket, nchain, c->nsyms);
	if (dyn_window(c, at + 8, ((uint64_t)nbucket + nchain) * 4, &table))
		return dyn_error(c, "DT_HASH: %u buckets and %u chains run past the file bytes of "
				 "its PT_LOAD segment", nbucket, nchain);
	for (uint32_t b = 0; b < nbucket; b++) {
		uint32_t i = (uint32_t)rd_le(table.p + 4 * (size_t)b, 4);

		while (i) {
			const char *name;
			objload_status st;

			if (i >= nchain)
				return dyn_error(c, "DT_HASH: bucket %u leads to symbol %u, past the %u "
						 "symbols", b, i, nchain);
			if (reached[i])
				return dyn_error(c, "DT_HASH: symbol %u is reached twice (a chain loops "
						 "or two chains join)", i);
			reached[i] = 1;
			st = dyn_sym_name(c, i, &name);
			if (st)
				return st;
			if (dyn_sysv_hash(name) % nbucket != b)
				return dyn_error(c, "DT_HASH: symbol %u '%s' is in bucket %u, not in the "
						 "bucket of its name's hash", i, name, b);
			i = (uint32_t)rd_le(table.p + 4 * ((size_t)nbucket + i), 4);
		}
	}
	return OBJLOAD_OK;
}

static objload_status dyn_count_symbols(struct dyn_ctx *c)
{
	uint32_t gnu_count = 0, first_hashed = 0;
	struct rd_cursor cur;
	objload_status st;

	if (!c->have[D_GNU_HASH] && !c->have[D_HASH])
		return dyn_error(c, "the dynamic table has neither DT_GNU_HASH nor DT_HASH: its "
				 "dynamic symbols can be neither counted nor looked up");
	if (c->have[D_GNU_HASH]) {
		st = dyn_walk_gnu_hash(c, &gnu_count, &first_hashed);
		if (st)
			return st;
	}
	if (c->have[D_HASH]) {
		struct rd_cursor h;
		uint32_t nbucket;

		if (dyn_window(c, c->d[D_HASH], 8, &h) || rd_u32(&h, &nbucket) ||
		    rd_u32(&h, &c->nsyms))
			return dyn_error(c, "DT_HASH 0x%llx is not inside the file bytes of a "
					 "PT_LOAD segment", (unsigned long long)c->d[D_HASH]);
		if (gnu_count > c->nsyms)
			return dyn_error(c, "DT_GNU_HASH hashes %u symbols, DT_HASH only %u",
					 gnu_count, c->nsyms);
	} else {
		c->nsyms = gnu_count;
	}
	if (c->nsyms > (1u << 24))
		return dyn_unsupported(c, "%u dynamic symbols: more than objload takes", c->nsyms);
	if (c->nsyms && dyn_window(c, c->d[D_SYMTAB], (uint64_t)c->nsyms * ELF64_SYM_SIZE, &cur))
		return dyn_error(c, "the dynamic symbol table (DT_SYMTAB 0x%llx, %u symbols) is "
				 "not inside the file bytes of a PT_LOAD segment",
				 (unsigned long long)c->d[D_SYMTAB], c->nsyms);
	c->exported = calloc(c->nsyms ? c->nsyms : 1, 1);
	if (!c->exported)
		return dyn_nomem(c);
	if (c->have[D_HASH]) {
		st = dyn_walk_sysv_hash(c, c->exported);
		if (st)
			return st;
	}
	/* what a lookup finds: with a GNU hash, every symbol from symoffset */
	if (c->have[D_GNU_HASH])
		for (uint32_t i = 0; i < c->nsyms; i++)
			c->exported[i] = i >= first_hashed && i < gnu_count;
	return OBJLOAD_OK;
}

/* ---- Versions ---------------------------------------------------------------------- */

static objload_status dyn_add_version(struct dyn_ctx *c, uint16_t index, uint32_t name_off,
				      int base, const char *table)
{
	struct dyn_version *v;
	const char *name = rd_string_at(&c->strtab, name_off);

	if (!name)
		return dyn_error(c, "%s: version %u's name 0x%x is outside the dynamic string "
				 "table", table, index, name_off);
	for (size_t k = 0; k < c->nversions; k++)
		if (c->versions[k].index == index)
			return dyn_error(c, "%s: version index %u is defined twice", table, index);
	v = realloc(c->versions, (c->nversions + 1) * sizeof(*v));
	if (!v)
		return dyn_nomem(c);
	c->versions = v;
	v[c->nversions++] = (struct dyn_version){ .index = index, .name = name, .base = base };
	return OBJLOAD_OK;
}

/* DT_VERDEF: Elf64_Verdef records (version, flags, ndx, cnt, hash, aux,
 * next), each with cnt Elf64_Verdaux (name, next), the first naming it. */
static objload_status dyn_read_verdef(struct dyn_ctx *c)
{
	uint64_t at = c->d[D_VERDEF], num = c->d[D_VERDEFNUM];

	if (!c->have[D_VERDEFNUM] || num > 0x7fff)
		return dyn_error(c, "DT_VERDEF without a DT_VERDEFNUM below 32768");
	for (uint64_t k = 0; k < num; k++) {
		struct rd_cursor r, a;
		uint16_t version, flags, ndx, cnt;
		uint32_t aux, next, name;
		objload_status st;

		if (dyn_window(c, at, 20, &r))
			return dyn_error(c, "DT_VERDEF: record %llu at 0x%llx is outside the file "
					 "bytes of every PT_LOAD segment", (unsigned long long)k,
					 (unsigned long long)at);
		version = (uint16_t)rd_le(r.p, 2);
		flags = (uint16_t)rd_le(r.p + 2, 2);
		ndx = (uint16_t)rd_le(r.p + 4, 2);
		cnt = (uint16_t)rd_le(r.p + 6, 2);
		aux = (uint32_t)rd_le(r.p + 12, 4);
		next = (uint32_t)rd_le(r.p + 16, 4);
		if (version != 1 || !cnt)
			return dyn_error(c, "DT_VERDEF: record %llu has version %u and %u names "
					 "(expected version 1, at least one name)",
					 (unsigned long long)k, version, cnt);
		if (dyn_window(c, at + aux, 8, &a) || rd_u32(&a, &name))
			return dyn_error(c, "DT_VERDEF: the name of record %llu is outside the file",
					 (unsigned long long)k);
		st = dyn_add_version(c, ndx & 0x7fff, name, flags & VER_FLG_BASE, "DT_VERDEF");
		if (st)
			return st;
		if (!next) {
			if (k + 1 != num)
				return dyn_error(c, "DT_VERDEF: %llu records where DT_VERDEFNUM says %llu",
						 (unsigned long long)k + 1, (unsigned long long)num);
			break;
		}
		at += next;
	}
	return OBJLOAD_OK;
}

/* DT_VERNEED: Elf64_Verneed (version, cnt, file, aux, next), each with
 * cnt Elf64_Vernaux (hash, flags, other = the version index, name, next). */
static objload_status dyn_read_verneed(struct dyn_ctx *c)
{
	uint64_t at = c->d[D_VERNEED], num = c->d[D_VERNEEDNUM];

	if (!c->have[D_VERNEEDNUM] || num > 0x7fff)
		return dyn_error(c, "DT_VERNEED without a DT_VERNEEDNUM below 32768");
	for (uint64_t k = 0; k < num; k++) {
		struct rd_cursor r;
		uint16_t version, cnt;
		uint32_t aux, next;
		uint64_t a;

		if (dyn_window(c, at, 16, &r))
			return dyn_error(c, "DT_VERNEED: record %llu at 0x%llx is outside the file "
					 "bytes of every PT_LOAD segment", (unsigned long long)k,
					 (unsigned long long)at);
		version = (uint16_t)rd_le(r.p, 2);
		cnt = (uint16_t)rd_le(r.p + 2, 2);
		aux = (uint32_t)rd_le(r.p + 8, 4);
		next = (uint32_t)rd_le(r.p + 12, 4);
		if (version != 1)
			return dyn_error(c, "DT_VERNEED: record %llu has version %u (expected 1)",
					 (unsigned long long)k, version);
		a = at + aux;
		for (uint32_t j = 0; j < cnt; j++) {
			struct rd_cursor x;
			uint32_t name, anext;
			uint16_t other;
			objload_status st;

			if (dyn_window(c, a, 16, &x))
				return dyn_error(c, "DT_VERNEED: entry %u of record %llu is outside the "
						 "file", j, (unsigned long long)k);
			other = (uint16_t)rd_le(x.p + 6, 2);
			name = (uint32_t)rd_le(x.p + 8, 4);
			anext = (uint32_t)rd_le(x.p + 12, 4);
			st = dyn_add_version(c, other & 0x7fff, name, 0, "DT_VERNEED");
			if (st)
				return st;
			if (!anext && j + 1 != cnt)
				return dyn_error(c, "DT_VERNEED: record %llu ends after %u of its %u "
						 "entries", (unsigned long long)k, j + 1, cnt);
			a += anext;
		}
		if (!next) {
			if (k + 1 != num)
				return dyn_error(c, "DT_VERNEED: %llu records where DT_VERNEEDNUM says %llu",
						 (unsigned long long)k + 1, (unsigned long long)num);
			break;
		}
		at += next;
	}
	return OBJLOAD_OK;
}

static const struct dyn_version *dyn_version(const struct dyn_ctx *c, uint16_t index)
{
	for (size_t k = 0; k < c->nversions; k++)
		if (c->versions[k].index == index)
			return &c->versions[k];
	return NULL;
}

/* ---- Symbols --------------------------------------------------------------------- */

static objload_status dyn_build_symbols(struct dyn_ctx *c)
{
	objload_image *img = c->img;
	struct rd_cursor versym = { 0 };
	objload_symbol *syms;

	if (c->have[D_VERDEF]) {
		objload_status st = dyn_read_verdef(c);

		if (st)
			return st;
	}
	if (c->have[D_VERNEED]) {
		objload_status st = dyn_read_verneed(c);

		if (st)
			return st;
	}
	if (c->have[D_VERSYM] &&
	    dyn_window(c, c->d[D_VERSYM], (uint64_t)c->nsyms * 2, &versym))
		return dyn_error(c, "DT_VERSYM 0x%llx (%u entries) is not inside the file bytes of "
				 "a PT_LOAD segment", (unsigned long long)c->d[D_VERSYM], c->nsyms);
	syms = objload_image_add_symbols(img, c->nsyms + c->nparts);
	if (!syms)
		return dyn_nomem(c);
	for (uint32_t i = 0; i < c->nsyms; i++) {
		objload_symbol *o = &syms[i];
		struct rd_cursor cur;
		uint32_t st_name;
		uint8_t info, other, bind, type;
		uint16_t shndx, ver = 1;
		uint64_t value, size;
		const char *name;
		const struct dyn_version *v = NULL;

		/* inside: dyn_count_symbols checked the whole table */
		(void)dyn_window(c, c->d[D_SYMTAB] + (uint64_t)i * ELF64_SYM_SIZE,
				 ELF64_SYM_SIZE, &cur);
		st_name = (uint32_t)rd_le(cur.p, 4);
		info = cur.p[4];
		other = cur.p[5];
		shndx = (uint16_t)rd_le(cur.p + 6, 2);
		value = rd_le(cur.p + 8, 8);
		size = rd_le(cur.p + 16, 8);
		name = rd_string_at(&c->strtab, st_name);
		if (!name)
			return dyn_error(c, "dynamic symbol %u: name offset 0x%x is outside the "
					 "dynamic string table", i, st_name);
		bind = info >> 4;
		type = info & 0xf;
		o->native_index = i;
		o->size = size;
		o->name = name;
		o->section = OBJLOAD_NO_INDEX;
		if (versym.p)
			ver = (uint16_t)rd_le(versym.p + 2 * (size_t)i, 2);
		if ((ver & 0x7fff) > 1 && !(v = dyn_version(c, ver & 0x7fff)))
			return dyn_error(c, "dynamic symbol %u '%s': version index %u is defined by "
					 "neither DT_VERDEF nor DT_VERNEED", i, name, ver & 0x7fff);
		if (i == 0) {
			o->binding = OBJLOAD_BIND_LOCAL;
			o->def = OBJLOAD_DEF_ABSOLUTE;
			continue;
		}
		o->binding = bind == STB_LOCAL ? OBJLOAD_BIND_LOCAL :
			bind == STB_WEAK ? OBJLOAD_BIND_WEAK : OBJLOAD_BIND_GLOBAL;
		if (bind != STB_LOCAL && bind != STB_GLOBAL && bind != STB_WEAK &&
		    bind != STB_GNU_UNIQUE)
			return dyn_error(c, "dynamic symbol %u '%s': unknown binding %u", i, name, bind);
		o->type = type == STT_FUNC ? OBJLOAD_SYM_FUNC : type == STT_OBJECT ?
			OBJLOAD_SYM_OBJECT : type == STT_SECTION ? OBJLOAD_SYM_SECTION :
			type == STT_FILE ? OBJLOAD_SYM_FILE : type == STT_TLS ? OBJLOAD_SYM_TLS :
			OBJLOAD_SYM_NOTYPE;
		if (shndx == SHN_UNDEF) {
			o->def = OBJLOAD_DEF_UNDEFINED;
		} else if (type == STT_TLS) {
			return dyn_unsupported(c, "dynamic symbol %u '%s' is thread-local: TLS in "
					       "shared objects is not supported yet", i, name);
		} else if (type == STT_GNU_IFUNC) {
			return dyn_unsupported(c, "dynamic symbol %u '%s' is an indirect function "
					       "(STT_GNU_IFUNC): IFUNC in shared objects is not "
					       "supported yet", i, name);
		} else if (shndx == SHN_ABS) {
			o->def = OBJLOAD_DEF_ABSOLUTE;
			o->value = value;
		} else if (shndx == SHN_COMMON || type == STT_COMMON) {
			return dyn_error(c, "dynamic symbol %u '%s' is a common symbol, which a "
					 "linked image cannot have", i, name);
		} else {
			uint32_t s = dyn_section_at(c, value, 1);

			if (s == OBJLOAD_NO_INDEX)
				return dyn_error(c, "dynamic symbol %u '%s' at 0x%llx is outside every "
						 "PT_LOAD segment", i, name, (unsigned long long)value);
			o->def = OBJLOAD_DEF_SECTION;
			o->section = s;
			o->value = value - img->sections[s].file_addr;
		}
		if (o->def == OBJLOAD_DEF_UNDEFINED) {
			/* bound by its plain name: the host's default version */
			o->cname = name;
			if (v && !v->base) {
				char *full = objload_image_alloc(img, strlen(name) + strlen(v->name) + 2);

				if (!full)
					return dyn_nomem(c);
				sprintf(full, "%s@%s", name, v->name);
				o->name = full;
			}
			continue;
		}
		/* a definition: exported when a lookup finds it */
		if (bind == STB_LOCAL || !c->exported[i] ||
		    ((other & 3) != STV_DEFAULT && (other & 3) != STV_PROTECTED) ||
		    (ver & 0x7fff) == 0) {
			o->binding = OBJLOAD_BIND_LOCAL;
			continue;
		}
		o->cname = name;
		if (v && !v->base) {
			char *full = objload_image_alloc(img, strlen(name) + strlen(v->name) + 3);

			if (!full)
				return dyn_nomem(c);
			sprintf(full, "%s%s%s", name, ver & VERSYM_HIDDEN ? "@" : "@@", v->name);
			o->name = full;
			/* foo@V is found only by that versioned name */
			if (ver & VERSYM_HIDDEN)
				o->cname = full;
		}
	}
	/* one local symbol per section, what RELATIVE relocations point at */
	c->section_sym0 = c->nsyms;
	for (uint32_t k = 0; k < c->nparts; k++) {
		objload_symbol *o = &img->symbols[c->nsyms + k];

		o->name = img->sections[k].name;
		o->binding = OBJLOAD_BIND_LOCAL;
		o->type = OBJLOAD_SYM_SECTION;
		o->def = OBJLOAD_DEF_SECTION;
		o->section = k;
		o->native_index = OBJLOAD_NO_INDEX;
	}
	return OBJLOAD_OK;
}

/* ---- Relocations ----------------------------------------------------------------- */

/* Edge e writes base + a: a local symbol of the section holding a. */
static objload_status dyn_relative(struct dyn_ctx *c, uint64_t a, uint32_t type,
				   objload_edge *e)
{
	uint32_t s = dyn_section_at(c, a, 1);

	if (s == OBJLOAD_NO_INDEX)
		s = 0;   /* any section: they all move together */
	e->symbol = c->section_sym0 + s;
	e->addend = (int64_t)(a - c->img->sections[s].file_addr);
	e->native_type = type;
	return OBJLOAD_OK;
}

/* The edge's field: 8 bytes at vaddr `at` in a section with bytes. */
static objload_status dyn_field(struct dyn_ctx *c, uint64_t at, const char *table,
				objload_edge *e)
{
	uint32_t s = dyn_section_at(c, at, 0);
	const objload_section *sec;

	if (s == OBJLOAD_NO_INDEX || (sec = &c->img->sections[s])->role == OBJLOAD_ROLE_ZEROFILL ||
	    sec->size - (at - sec->file_addr) < 8)
		return dyn_error(c, "%s: a relocation at 0x%llx patches no file bytes of a PT_LOAD "
				 "segment", table, (unsigned long long)at);
	e->section = s;
	e->offset = at - sec->file_addr;
	e->kind = (uint16_t)c->mach->abs64;
	e->symbol = OBJLOAD_NO_INDEX;
	return OBJLOAD_OK;
}

static const char *dyn_sym_display(const struct dyn_ctx *c, uint32_t sym)
{
	return sym < c->nsyms && c->img->symbols[sym].name[0] ? c->img->symbols[sym].name :
		"(none)";
}

/* One relocation (r_offset, type, symbol, addend) as an edge. */
static objload_status dyn_reloc(struct dyn_ctx *c, const char *table, uint64_t at,
				uint32_t type, uint32_t sym, int64_t addend)
{
	const struct dyn_machine *m = c->mach;
	objload_edge *e;
	objload_status st;

	if (type == m->none)
		return OBJLOAD_OK;
	if (sym >= c->nsyms && sym)
		return dyn_error(c, "%s: the relocation at 0x%llx names symbol %u, past the %u "
				 "dynamic symbols", table, (unsigned long long)at, sym, c->nsyms);
	if (type == m->copy)
		return dyn_unsupported(c, "%s: a COPY relocation at 0x%llx against '%s': copy "
				       "relocations belong to executables, and objload does not "
				       "make them", table, (unsigned long long)at,
				       dyn_sym_display(c, sym));
	if (type == m->irelative)
		return dyn_unsupported(c, "%s: an IRELATIVE relocation at 0x%llx: indirect "
				       "functions (IFUNC) in shared objects are not supported yet",
				       table, (unsigned long long)at);
	for (int k = 0; k < 4; k++)
		if (type == m->tls[k])
			return dyn_unsupported(c, "%s: a thread-local relocation (type %u) at 0x%llx "
					       "against '%s': TLS in shared objects is not supported "
					       "yet", table, type, (unsigned long long)at,
					       dyn_sym_display(c, sym));
	if (type != m->relative && type != m->abs && type != m->glob_dat && type != m->jump_slot)
		return dyn_unsupported(c, "%s: relocation type %u at 0x%llx is not a dynamic "
				       "relocation objload knows", table, type,
				       (unsigned long long)at);
	e = objload_image_add_edges(c->img, 1);
	if (!e)
		return dyn_nomem(c);
	st = dyn_field(c, at, table, e);
	if (st)
		return st;
	if (type == m->relative)
		return dyn_relative(c, (uint64_t)addend, type, e);
	e->native_type = type;
	e->symbol = sym ? sym : OBJLOAD_NO_INDEX;
	e->addend = addend;
	return OBJLOAD_OK;
}

/* The addend a REL relocation keeps in its field. */
static objload_status dyn_implicit(struct dyn_ctx *c, uint64_t at, const char *table,
				   int64_t *addend)
{
	struct rd_cursor cur;
	uint64_t v;

	if (dyn_window(c, at, 8, &cur) || rd_u64(&cur, &v))
		return dyn_error(c, "%s: a relocation at 0x%llx patches no file bytes of a PT_LOAD "
				 "segment", table, (unsigned long long)at);
	*addend = (int64_t)v;
	return OBJLOAD_OK;
}

/* A table of Elf64_Rela (rela) or Elf64_Rel entries. */
static objload_status dyn_reloc_table(struct dyn_ctx *c, const char *table, uint64_t at,
				      uint64_t size, int rela)
{
	uint64_t ent = rela ? ELF64_RELA_SIZE : ELF64_REL_SIZE;
	struct rd_cursor cur;

	if (size % ent)
		return dyn_error(c, "%s: %llu bytes is not a whole number of %llu-byte entries",
				 table, (unsigned long long)size, (unsigned long long)ent);
	if (dyn_window(c, at, size, &cur))
		return dyn_error(c, "%s at 0x%llx (%llu bytes) is not inside the file bytes of a "
				 "PT_LOAD segment", table, (unsigned long long)at,
				 (unsigned long long)size);
	for (uint64_t k = 0; k < size / ent; k++) {
		uint64_t off, info;
		int64_t addend = 0;
		objload_status st;

		off = rd_le(cur.p + cur.off, 8);
		info = rd_le(cur.p + cur.off + 8, 8);
		cur.off += ent;
		if (rela)
			addend = (int64_t)rd_le(cur.p + cur.off - 8, 8);
		else if ((st = dyn_implicit(c, off, table, &addend)) != OBJLOAD_OK)
			return st;
		st = dyn_reloc(c, table, off, (uint32_t)info, (uint32_t)(info >> 32), addend);
		if (st)
			return st;
	}
	return OBJLOAD_OK;
}

/* DT_RELR: even entries are addresses of RELATIVE fields, odd ones a
 * bitmap of the 63 words after the last one; the addend is in the field. */
static objload_status dyn_relr_table(struct dyn_ctx *c)
{
	struct rd_cursor cur;
	uint64_t where = 0, size = c->d[D_RELRSZ];
	int have_where = 0;

	if (!c->have[D_RELRSZ] || (c->have[D_RELRENT] && c->d[D_RELRENT] != 8) || size % 8)
		return dyn_error(c, "DT_RELR needs DT_RELRSZ, a multiple of 8, and DT_RELRENT 8");
	if (dyn_window(c, c->d[D_RELR], size, &cur))
		return dyn_error(c, "DT_RELR at 0x%llx (%llu bytes) is not inside the file bytes of "
				 "a PT_LOAD segment", (unsigned long long)c->d[D_RELR],
				 (unsigned long long)size);
	for (uint64_t k = 0; k < size / 8; k++) {
		uint64_t entry;

		entry = rd_le(cur.p + 8 * k, 8);
		if (!(entry & 1)) {
			where = entry;
			have_where = 1;
			entry = 2;   /* one field: at `where` */
		} else if (!have_where) {
			return dyn_error(c, "DT_RELR: entry %llu is a bitmap before any address",
					 (unsigned long long)k);
		}
		for (unsigned bit = 1; bit < 64; bit++) {
			uint64_t at = where + (entry & 1 ? (uint64_t)(bit - 1) * 8 : 0);
			int64_t a;
			objload_status st;

			if (!(entry >> bit & 1))
				continue;
			st = dyn_implicit(c, at, "DT_RELR", &a);
			if (!st)
				st = dyn_reloc(c, "DT_RELR", at, c->mach->relative, 0, a);
			if (st)
				return st;
			if (!(entry & 1))
				break;
		}
		where += entry & 1 ? 63 * 8 : 8;
	}
	return OBJLOAD_OK;
}

static objload_status dyn_build_edges(struct dyn_ctx *c)
{
	objload_status st = OBJLOAD_OK;

	if (c->have[D_RELA]) {
		if (!c->have[D_RELASZ] || (c->have[D_RELAENT] && c->d[D_RELAENT] != ELF64_RELA_SIZE))
			return dyn_error(c, "DT_RELA needs DT_RELASZ and DT_RELAENT %d", ELF64_RELA_SIZE);
		st = dyn_reloc_table(c, "DT_RELA", c->d[D_RELA], c->d[D_RELASZ], 1);
	}
	if (!st && c->have[D_REL]) {
		if (!c->have[D_RELSZ] || (c->have[D_RELENT] && c->d[D_RELENT] != ELF64_REL_SIZE))
			return dyn_error(c, "DT_REL needs DT_RELSZ and DT_RELENT %d", ELF64_REL_SIZE);
		st = dyn_reloc_table(c, "DT_REL", c->d[D_REL], c->d[D_RELSZ], 0);
	}
	if (!st && c->have[D_JMPREL]) {
		if (!c->have[D_PLTRELSZ] || !c->have[D_PLTREL] ||
		    (c->d[D_PLTREL] != DT_PLTREL_RELA && c->d[D_PLTREL] != DT_PLTREL_REL))
			return dyn_error(c, "DT_JMPREL needs DT_PLTRELSZ and DT_PLTREL (DT_RELA or "
					 "DT_REL)");
		st = dyn_reloc_table(c, "DT_JMPREL", c->d[D_JMPREL], c->d[D_PLTRELSZ],
				     c->d[D_PLTREL] == DT_PLTREL_RELA);
	}
	if (!st && c->have[D_RELR])
		st = dyn_relr_table(c);
	return st;
}

/* ---- Initializers and finalizers --------------------------------------------------- */

static objload_status dyn_add_table(struct dyn_ctx *c, objload_init_kind kind,
				    enum dyn_tag_slot addr, enum dyn_tag_slot size)
{
	objload_init_table *t;
	uint32_t s;
	uint64_t a = c->d[addr], n = c->d[size];

	if (!c->have[addr] || !n)
		return OBJLOAD_OK;
	if (!c->have[size] || n % 8)
		return dyn_error(c, "%s needs %s, a multiple of 8", dyn_tags[addr].name,
				 dyn_tags[size].name);
	s = dyn_section_at(c, a, 0);
	if (s == OBJLOAD_NO_INDEX || c->img->sections[s].role == OBJLOAD_ROLE_ZEROFILL ||
	    c->img->sections[s].size - (a - c->img->sections[s].file_addr) < n)
		return dyn_error(c, "%s at 0x%llx (%llu bytes) is not inside the file bytes of one "
				 "part of a PT_LOAD segment", dyn_tags[addr].name,
				 (unsigned long long)a, (unsigned long long)n);
	t = objload_image_add_inits(c->img, 1);
	if (!t)
		return dyn_nomem(c);
	t->kind = kind;
	t->section = s;
	t->offset = a - c->img->sections[s].file_addr;
	t->count = n / 8;
	t->priority = 0;
	return OBJLOAD_OK;
}

/* DT_INIT and DT_FINI are function addresses: their pointers go into a
 * synthesized section past the image, which runs as a one-entry table. */
static objload_status dyn_build_inits(struct dyn_ctx *c)
{
	objload_image *img = c->img;
	uint32_t slots = OBJLOAD_NO_INDEX;
	objload_status st;

	if (c->have[D_INIT] || c->have[D_FINI]) {
		for (int k = 0; k < 2; k++) {
			uint64_t fn = c->d[k ? D_FINI : D_INIT];
			uint32_t in;

			if (!c->have[k ? D_FINI : D_INIT])
				continue;
			in = dyn_section_at(c, fn, 0);
			if (in == OBJLOAD_NO_INDEX || img->sections[in].role != OBJLOAD_ROLE_CODE)
				return dyn_error(c, "%s 0x%llx is not in an executable PT_LOAD segment",
						 k ? "DT_FINI" : "DT_INIT", (unsigned long long)fn);
		}
		slots = fmt_add_slots(img, 2, ".objload.init_fini");
		if (slots == OBJLOAD_NO_INDEX)
			return dyn_nomem(c);
		for (int k = 0; k < 2; k++) {
			objload_edge *e;

			if (!c->have[k ? D_FINI : D_INIT])
				continue;
			e = objload_image_add_edges(img, 1);
			if (!e)
				return dyn_nomem(c);
			e->section = slots;
			e->offset = 8 * (uint64_t)k;
			e->kind = (uint16_t)c->mach->abs64;
			dyn_relative(c, c->d[k ? D_FINI : D_INIT], c->mach->relative, e);
		}
	}
	/* constructors: DT_PREINIT_ARRAY, DT_INIT, DT_INIT_ARRAY */
	st = dyn_add_table(c, OBJLOAD_INIT_CONSTRUCTOR, D_PREINIT_ARRAY, D_PREINIT_ARRAYSZ);
	if (!st && c->have[D_INIT]) {
		objload_init_table *t = objload_image_add_inits(img, 1);

		if (!t)
			return dyn_nomem(c);
		*t = (objload_init_table){ .kind = OBJLOAD_INIT_CONSTRUCTOR, .section = slots,
					   .offset = 0, .count = 1 };
	}
	if (!st)
		st = dyn_add_table(c, OBJLOAD_INIT_CONSTRUCTOR, D_INIT_ARRAY, D_INIT_ARRAYSZ);
	/* destructors run in the reverse order of their tables: DT_FINI
	 * is added first so that it runs after DT_FINI_ARRAY */
	if (!st && c->have[D_FINI]) {
		objload_init_table *t = objload_image_add_inits(img, 1);

		if (!t)
			return dyn_nomem(c);
		*t = (objload_init_table){ .kind = OBJLOAD_INIT_DESTRUCTOR, .section = slots,
					   .offset = 8, .count = 1 };
	}
	if (!st)
		st = dyn_add_table(c, OBJLOAD_INIT_DESTRUCTOR, D_FINI_ARRAY, D_FINI_ARRAYSZ);
	return st;
}

/* ---- The plug-in's entry points ------------------------------------------------------ */

objload_status elf_dyn_parse(objload_image *img, const struct elf_dyn_header *h)
{
	struct dyn_ctx *c = calloc(1, sizeof(*c));
	struct dyn_info *info;
	objload_status st;

	if (!c)
		return objload_image_error(img, OBJLOAD_ERR_NOMEM, "out of memory");
	c->img = img;
	c->h = h;
	c->file = img->file;
	c->size = img->file_size;
	for (size_t i = 0; i < sizeof(dyn_machines) / sizeof(dyn_machines[0]); i++)
		if (dyn_machines[i].e_machine == h->e_machine)
			c->mach = &dyn_machines[i];
	img->arch = h->arch;
	img->kind = OBJLOAD_IMAGE_SHARED;
	img->callconv = OBJLOAD_CC_SYSV;
	img->layout_meaningful = 1;
	info = objload_image_alloc(img, sizeof(*info));
	if (!c->mach || !info) {
		st = c->mach ? objload_image_error(img, OBJLOAD_ERR_NOMEM, "out of memory") :
			objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
					    "shared objects for machine %u", h->e_machine);
		free(c);
		return st;
	}
	img->format_data = info;
	st = dyn_check_phdrs(c);
	if (!st)
		st = dyn_build_sections(c);
	if (!st)
		st = dyn_read_table(c);
	if (!st && c->have[D_FLAGS_1] && (c->d[D_FLAGS_1] & DF_1_PIE))
		img->kind = OBJLOAD_IMAGE_EXECUTABLE;
	if (!st)
		st = dyn_count_symbols(c);
	if (!st)
		st = dyn_build_symbols(c);
	if (!st)
		st = dyn_build_edges(c);
	if (!st)
		st = dyn_build_inits(c);
	info->nloads = c->nloads;
	free(c->exported);
	free(c->versions);
	free(c);
	return st;
}

objload_status elf_dyn_plan(const objload_image *img, const objload_plan_query *q,
			    objload_plan_choice *choice)
{
	const struct dyn_info *info = img->format_data;

	return fmt_plan_linked(img, q, img->kind == OBJLOAD_IMAGE_EXECUTABLE ?
			       "an ELF position-independent executable" : "an ELF shared object",
			       "PT_LOAD segment", info ? info->nloads : 0, choice);
}
