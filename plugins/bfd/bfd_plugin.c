/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The bfd format plug-in: any relocatable object GNU libbfd reads, as an
 * objload image.  Loaded at run time (objload_load_plugin) and built
 * against objload's public headers only: the worked example of
 * docs/plugins.md, and, through the "bfd" test suite, an independent
 * oracle for the native ELF and COFF parsers.
 *
 * libbfd does the reading: sections (bfd_section), symbols
 * (bfd_canonicalize_symtab) and the canonical relocations of each section
 * (bfd_canonicalize_reloc).  This file only translates, keyed by the bfd
 * target name (bfd_get_target): the relocations of each supported target
 * map, by howto->type (the native relocation number), to x86-64 arch
 * kinds through one table per target.  A howto with no entry is an error
 * that names it.
 *
 * Conventions that differ from the native plug-ins, and how they are
 * undone (docs/plugins.md, "The rules"):
 *   - bfd omits ELF's null symbol and section 0: the plug-in puts back an
 *     empty symbol 0 and an empty section 0, so indices match the file's.
 *   - bfd's symbol value is relative to its section (value - section vma);
 *     for relocatable objects (every vma 0) that is the file's value.
 *   - a common symbol's bfd value is its size; ELF's alignment is not in
 *     bfd's public API, so the plug-in uses COFF's rule (the size's power
 *     of two, at most 16) for every format.
 *   - partial_inplace howtos (COFF's) keep the addend in the section
 *     contents and put in reloc->addend a compensation for bfd's own
 *     linker (minus the symbol's value, plus the section's vma for
 *     PC-relative howtos): the plug-in reads the field instead, and for
 *     COFF's REL32_N subtracts 4 + N as the native COFF plug-in does.
 *     RELA howtos (ELF) carry the addend in reloc->addend.
 *   - bfd does not publish symbol size or ELF visibility: size is 0 and
 *     nothing is hidden.
 *
 * libbfd is not thread-safe (before 2.42): do not use this plug-in from
 * two sessions at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bfd.h>

#include "objload.h"
#include "objload/plugin.h"

objload_status objload_plugin_init(objload_session *session);

/* ---- Relocation tables ------------------------------------------------ */

#define BFDP_KIND_SAME UINT16_MAX

struct bfdp_reloc {
	const char *name;
	int supported;
	uint16_t kind;
	uint16_t got_kind;   /* kind when S is _GLOBAL_OFFSET_TABLE_ */
	uint8_t no_symbol;   /* the formula has no S */
	uint8_t pc_bias;     /* subtracted from an in-place addend */
};

#define R(n, nm, k) [n] = { nm, 1, OBJLOAD_X86_64_##k, BFDP_KIND_SAME, 0, 0 }
#define R_GOT(n, nm, k, gk) [n] = { nm, 1, OBJLOAD_X86_64_##k, OBJLOAD_X86_64_##gk, 0, 0 }
#define R_NOSYM(n, nm, k) [n] = { nm, 1, OBJLOAD_X86_64_##k, BFDP_KIND_SAME, 1, 0 }
#define R_BIAS(n, nm, k, b) [n] = { nm, 1, OBJLOAD_X86_64_##k, BFDP_KIND_SAME, 0, b }

/* elf64-x86-64: the same mapping as formats/elf/elf.c. */
static const struct bfdp_reloc bfdp_elf_x86_64[] = {
	R(0, "R_X86_64_NONE", NONE),
	R(1, "R_X86_64_64", ABS64),
	R_GOT(2, "R_X86_64_PC32", PC32, GOTPC32),
	R(3, "R_X86_64_GOT32", GOTSLOT32),
	R(4, "R_X86_64_PLT32", BRANCH32),
	R(9, "R_X86_64_GOTPCREL", GOTPCREL32),
	R(10, "R_X86_64_32", ABS32),
	R(11, "R_X86_64_32S", ABS32S),
	R(12, "R_X86_64_16", ABS16),
	R(13, "R_X86_64_PC16", PC16),
	R(14, "R_X86_64_8", ABS8),
	R(15, "R_X86_64_PC8", PC8),
	R(16, "R_X86_64_DTPMOD64", TLSMOD64),
	R(17, "R_X86_64_DTPOFF64", TLSOFF64),
	R(18, "R_X86_64_TPOFF64", TPOFF64),
	R(19, "R_X86_64_TLSGD", TLSGD32),
	R(20, "R_X86_64_TLSLD", TLSLD32),
	R(21, "R_X86_64_DTPOFF32", TLSOFF32),
	R(22, "R_X86_64_GOTTPOFF", GOTTPOFF32),
	R(23, "R_X86_64_TPOFF32", TPOFF32),
	R_GOT(24, "R_X86_64_PC64", PC64, GOTPC64),
	R(25, "R_X86_64_GOTOFF64", GOTOFF64),
	R_NOSYM(26, "R_X86_64_GOTPC32", GOTPC32),
	R(27, "R_X86_64_GOT64", GOTSLOT64),
	R(28, "R_X86_64_GOTPCREL64", GOTPCREL64),
	R_NOSYM(29, "R_X86_64_GOTPC64", GOTPC64),
	R(31, "R_X86_64_PLTOFF64", GOTOFF64),
	R(32, "R_X86_64_SIZE32", SIZE32),
	R(33, "R_X86_64_SIZE64", SIZE64),
	R(34, "R_X86_64_GOTPC32_TLSDESC", TLSDESC32),
	R(35, "R_X86_64_TLSDESC_CALL", TLSDESCCALL),
	R(36, "R_X86_64_TLSDESC", TLS),
	R(41, "R_X86_64_GOTPCRELX", GOTPCRELX32),
	R(42, "R_X86_64_REX_GOTPCRELX", REXGOTPCRELX32),
};

/* pe-x86-64 and pe-bigobj-x86-64: the same mapping as formats/coff/coff.c
 * (REL32_N is PC32 with A = field - 4 - N). */
static const struct bfdp_reloc bfdp_coff_x86_64[] = {
	R(0x00, "IMAGE_REL_AMD64_ABSOLUTE", NONE),
	R(0x01, "IMAGE_REL_AMD64_ADDR64", ABS64),
	R(0x02, "IMAGE_REL_AMD64_ADDR32", ABS32),
	R(0x03, "IMAGE_REL_AMD64_ADDR32NB", IMAGEREL32),
	R_BIAS(0x04, "IMAGE_REL_AMD64_REL32", PC32, 4),
	R_BIAS(0x05, "IMAGE_REL_AMD64_REL32_1", PC32, 5),
	R_BIAS(0x06, "IMAGE_REL_AMD64_REL32_2", PC32, 6),
	R_BIAS(0x07, "IMAGE_REL_AMD64_REL32_3", PC32, 7),
	R_BIAS(0x08, "IMAGE_REL_AMD64_REL32_4", PC32, 8),
	R_BIAS(0x09, "IMAGE_REL_AMD64_REL32_5", PC32, 9),
	R(0x0b, "IMAGE_REL_AMD64_SECREL", SECREL32),
};

#undef R
#undef R_GOT
#undef R_NOSYM
#undef R_BIAS

/* One bfd target objload understands. */
struct bfdp_target {
	const char *name;             /* bfd_get_target() */
	objload_callconv callconv;
	int coff;                     /* COFF symbol conventions (__imp_) */
	const struct bfdp_reloc *relocs;
	size_t nrelocs;
};

static const struct bfdp_target bfdp_targets[] = {
	{ "elf64-x86-64", OBJLOAD_CC_SYSV, 0, bfdp_elf_x86_64,
	  sizeof(bfdp_elf_x86_64) / sizeof(bfdp_elf_x86_64[0]) },
	{ "pe-x86-64", OBJLOAD_CC_MS_X64, 1, bfdp_coff_x86_64,
	  sizeof(bfdp_coff_x86_64) / sizeof(bfdp_coff_x86_64[0]) },
	{ "pe-bigobj-x86-64", OBJLOAD_CC_MS_X64, 1, bfdp_coff_x86_64,
	  sizeof(bfdp_coff_x86_64) / sizeof(bfdp_coff_x86_64[0]) },
};

static const struct bfdp_target *bfdp_find_target(const char *name)
{
	for (size_t i = 0; i < sizeof(bfdp_targets) / sizeof(bfdp_targets[0]); i++)
		if (strcmp(bfdp_targets[i].name, name) == 0)
			return &bfdp_targets[i];
	return NULL;
}

/* ---- Opening a bfd on memory ------------------------------------------ */

struct bfdp_mem {
	const uint8_t *bytes;
	size_t len;
};

static void *bfdp_mem_open(struct bfd *abfd, void *closure)
{
	(void)abfd;
	return closure;
}

static file_ptr bfdp_mem_pread(struct bfd *abfd, void *stream, void *buf,
			       file_ptr nbytes, file_ptr offset)
{
	const struct bfdp_mem *m = stream;

	(void)abfd;
	if (offset < 0 || nbytes < 0 || (uint64_t)offset >= m->len)
		return 0;
	if ((uint64_t)nbytes > m->len - (uint64_t)offset)
		nbytes = (file_ptr)(m->len - (uint64_t)offset);
	memcpy(buf, m->bytes + offset, (size_t)nbytes);
	return nbytes;
}

static int bfdp_mem_close(struct bfd *abfd, void *stream)
{
	(void)abfd;
	(void)stream;
	return 0;
}

static int bfdp_mem_stat(struct bfd *abfd, void *stream, struct stat *sb)
{
	const struct bfdp_mem *m = stream;

	(void)abfd;
	memset(sb, 0, sizeof(*sb));
	sb->st_size = (off_t)m->len;
	sb->st_mode = S_IFREG | 0444;
	return 0;
}

/* An object bfd on bytes[0..len), or NULL.  `m` must outlive the bfd. */
static bfd *bfdp_open(const char *name, struct bfdp_mem *m)
{
	bfd *abfd;

	if (bfd_init() != BFD_INIT_MAGIC)
		return NULL;
	abfd = bfd_openr_iovec(name, NULL, bfdp_mem_open, m, bfdp_mem_pread,
			       bfdp_mem_close, bfdp_mem_stat);
	if (!abfd)
		return NULL;
	if (!bfd_check_format(abfd, bfd_object)) {
		bfd_close(abfd);
		return NULL;
	}
	return abfd;
}

/* ---- The plug-in ------------------------------------------------------ */

/* What the image keeps: its target, for reloc_name. */
struct bfdp_info {
	const struct bfdp_target *target;
};

static int bfdp_probe(const uint8_t *bytes, size_t len)
{
	struct bfdp_mem m = { bytes, len };
	bfd *abfd;

	if (!bytes || len < 4)
		return 0;
	abfd = bfdp_open("probe", &m);
	if (!abfd)
		return 0;
	bfd_close(abfd);
	return 1;
}

static int bfdp_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static objload_section_role bfdp_role(const struct bfdp_target *t, const asection *sec)
{
	const char *name = bfd_section_name(sec);
	flagword f = bfd_section_flags(sec);

	if (!(f & SEC_ALLOC) || (t->coff && strcmp(name, ".drectve") == 0)) {
		if (bfdp_has_prefix(name, ".debug") || bfdp_has_prefix(name, ".zdebug_"))
			return OBJLOAD_ROLE_DEBUG;
		return OBJLOAD_ROLE_NOLOAD;
	}
	if (t->coff && (f & SEC_DEBUGGING))
		return OBJLOAD_ROLE_DEBUG;
	if (bfdp_has_prefix(name, ".init_array") || bfdp_has_prefix(name, ".fini_array") ||
	    bfdp_has_prefix(name, ".preinit_array") || bfdp_has_prefix(name, ".ctors") ||
	    bfdp_has_prefix(name, ".dtors"))
		return OBJLOAD_ROLE_DATA;
	if (f & SEC_THREAD_LOCAL)
		return OBJLOAD_ROLE_TLS;
	if (strcmp(name, ".eh_frame") == 0 ||
	    (t->coff && (strcmp(name, ".pdata") == 0 || strcmp(name, ".xdata") == 0 ||
			 bfdp_has_prefix(name, ".pdata$") || bfdp_has_prefix(name, ".xdata$"))))
		return OBJLOAD_ROLE_UNWIND;
	if (!(f & SEC_LOAD))   /* not SEC_HAS_CONTENTS: bfd drops it when empty */
		return OBJLOAD_ROLE_ZEROFILL;
	if (f & SEC_CODE)
		return OBJLOAD_ROLE_CODE;
	if (f & SEC_READONLY)
		return OBJLOAD_ROLE_RODATA;
	return OBJLOAD_ROLE_DATA;
}

static int bfdp_loaded(objload_section_role r)
{
	return r != OBJLOAD_ROLE_NOLOAD && r != OBJLOAD_ROLE_DEBUG;
}

/* Image section of a bfd section: index + 1 (0 is the empty section). */
static uint32_t bfdp_secidx(const asection *sec)
{
	return (uint32_t)sec->index + 1;
}

static objload_status bfdp_sections(objload_image *img, bfd *abfd,
				    const struct bfdp_target *t)
{
	uint32_t n = (uint32_t)bfd_count_sections(abfd);
	objload_section *o = objload_image_add_sections(img, n + 1);

	if (!o)
		return objload_image_error(img, OBJLOAD_ERR_NOMEM, "out of memory");
	o[0].name = "";
	o[0].role = OBJLOAD_ROLE_NOLOAD;
	o[0].align = 1;
	o[0].group = OBJLOAD_NO_INDEX;
	o[0].native_type = "NULL";
	for (asection *sec = abfd->sections; sec; sec = sec->next) {
		uint32_t i = bfdp_secidx(sec);
		objload_section *d;
		uint8_t *bytes = NULL;

		if (i > n)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "bfd: section %s has index %u of %u",
						   bfd_section_name(sec), i, n);
		if ((bfd_section_flags(sec) & SEC_HAS_CONTENTS) && bfd_section_size(sec)) {
			bytes = objload_image_alloc(img, bfd_section_size(sec));
			if (!bytes)
				return objload_image_error(img, OBJLOAD_ERR_NOMEM,
							   "out of memory for section %s",
							   bfd_section_name(sec));
			if (!bfd_get_section_contents(abfd, sec, bytes, 0,
						      bfd_section_size(sec)))
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "section %s: %s", bfd_section_name(sec),
							   bfd_errmsg(bfd_get_error()));
		}
		d = &img->sections[i];
		d->name = objload_image_strdup(img, bfd_section_name(sec));
		if (!d->name)
			return objload_image_error(img, OBJLOAD_ERR_NOMEM, "out of memory");
		d->role = bfdp_role(t, sec);
		if (sec->alignment_power >= 63)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %s: alignment 2^%u",
						   d->name, sec->alignment_power);
		d->align = (uint64_t)1 << sec->alignment_power;
		d->size = bfd_section_size(sec);
		d->bytes = bytes;
		d->file_addr = bfd_section_vma(sec);
		d->group = OBJLOAD_NO_INDEX;
		d->native_index = (uint32_t)sec->target_index;
		d->native_type = "bfd";
		d->native_flags = bfd_section_flags(sec);
	}
	return OBJLOAD_OK;
}

/* COMDAT groups, by bfd_group_name. */
static objload_status bfdp_groups(objload_image *img, bfd *abfd)
{
	for (asection *sec = abfd->sections; sec; sec = sec->next) {
		const char *key;
		uint32_t g, i = bfdp_secidx(sec);
		objload_group *grp;
		uint32_t *m;

		if (bfd_section_flags(sec) & SEC_GROUP)
			continue;
		key = bfd_group_name(abfd, sec);
		if (!key || !(bfd_section_flags(sec) & SEC_LINK_ONCE))
			continue;
		for (g = 0; g < img->ngroups; g++)
			if (strcmp(img->groups[g].key, key) == 0)
				break;
		if (g == img->ngroups) {
			grp = objload_image_add_groups(img, 1);
			if (!grp)
				return objload_image_error(img, OBJLOAD_ERR_NOMEM, "out of memory");
			grp->key = objload_image_strdup(img, key);
			if (!grp->key)
				return objload_image_error(img, OBJLOAD_ERR_NOMEM, "out of memory");
		}
		grp = &img->groups[g];
		m = objload_image_alloc(img, (grp->nmembers + 1) * sizeof(*m));
		if (!m)
			return objload_image_error(img, OBJLOAD_ERR_NOMEM, "out of memory");
		if (grp->nmembers)
			memcpy(m, grp->members, grp->nmembers * sizeof(*m));
		m[grp->nmembers++] = i;
		grp->members = m;
		img->sections[i].group = g;
	}
	return OBJLOAD_OK;
}

/* "NNNNN" suffix to a number; -1 when not 1..6 digits. */
static int64_t bfdp_suffix(const char *p)
{
	int64_t v = 0;
	size_t n = 0;

	for (; *p >= '0' && *p <= '9' && n < 6; p++, n++)
		v = v * 10 + (*p - '0');
	return *p || n == 0 ? -1 : v;
}

/* Constructor and destructor tables by section name: .init_array[.N] and
 * .fini_array[.N] forward at priority N; .ctors[.N] and .dtors[.N] (ELF's
 * and MinGW's) run like .init_array at priority 65535 - N, each table last
 * to first on ELF (the native rule for .ctors) and first to last on COFF
 * (MinGW's rule). */
static objload_status bfdp_inits(objload_image *img, const struct bfdp_target *t)
{
	static const struct {
		const char *name;
		objload_init_kind kind;
		int legacy;
	} names[] = {
		{ ".preinit_array", OBJLOAD_INIT_CONSTRUCTOR, 0 },
		{ ".init_array", OBJLOAD_INIT_CONSTRUCTOR, 0 },
		{ ".fini_array", OBJLOAD_INIT_DESTRUCTOR, 0 },
		{ ".ctors", OBJLOAD_INIT_CONSTRUCTOR, 1 },
		{ ".dtors", OBJLOAD_INIT_DESTRUCTOR, 1 },
	};

	for (uint32_t i = 1; i < img->nsections; i++) {
		const objload_section *sec = &img->sections[i];

		if (!bfdp_loaded(sec->role) || sec->size == 0)
			continue;
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			size_t len = strlen(names[k].name);
			uint32_t prio;
			objload_init_table *tab;

			if (strncmp(sec->name, names[k].name, len) != 0)
				continue;
			if (sec->name[len] == '\0') {
				prio = k == 0 ? 0 : 65536;
			} else if (sec->name[len] == '.' && k != 0) {
				int64_t v = bfdp_suffix(sec->name + len + 1);

				if (v < 0 || v > 65535)
					return objload_image_error(img, OBJLOAD_ERR_FORMAT,
								   "section %s: bad priority suffix",
								   sec->name);
				prio = names[k].legacy ? 65535 - (uint32_t)v : (uint32_t)v;
			} else {
				continue;
			}
			if (sec->size % 8)
				return objload_image_error(img, OBJLOAD_ERR_FORMAT,
							   "section %s: table size is not a multiple of 8",
							   sec->name);
			tab = objload_image_add_inits(img, 1);
			if (!tab)
				return objload_image_error(img, OBJLOAD_ERR_NOMEM, "out of memory");
			tab->kind = names[k].kind;
			tab->section = i;
			tab->count = sec->size / 8;
			tab->priority = prio;
			tab->reverse = names[k].legacy && !t->coff;
			break;
		}
	}
	return OBJLOAD_OK;
}

/* Common alignment: bfd's public API drops ELF's, so COFF's rule. */
static uint64_t bfdp_common_align(uint64_t size)
{
	uint64_t a = 1;

	while (a * 2 <= size && a < 16)
		a *= 2;
	return a;
}

static void bfdp_fill_symbol(objload_image *img, const struct bfdp_target *t,
			     const asymbol *s, objload_symbol *o)
{
	asection *sec = bfd_asymbol_section(s);
	flagword f = s->flags;

	o->section = OBJLOAD_NO_INDEX;
	if (f & BSF_WEAK)
		o->binding = OBJLOAD_BIND_WEAK;
	else if ((f & BSF_GLOBAL) || bfd_is_und_section(sec) || bfd_is_com_section(sec))
		o->binding = OBJLOAD_BIND_GLOBAL;
	else
		o->binding = OBJLOAD_BIND_LOCAL;   /* BSF_LOCAL, files, debugging */
	if (f & BSF_SECTION_SYM)
		o->type = OBJLOAD_SYM_SECTION;
	else if (f & BSF_FILE)
		o->type = OBJLOAD_SYM_FILE;
	else if (f & BSF_THREAD_LOCAL)
		o->type = OBJLOAD_SYM_TLS;
	else if (f & BSF_GNU_INDIRECT_FUNCTION)
		o->type = OBJLOAD_SYM_IFUNC;  /* its value is the resolver */
	else if (f & BSF_FUNCTION)
		o->type = OBJLOAD_SYM_FUNC;
	else if (f & BSF_OBJECT)
		o->type = OBJLOAD_SYM_OBJECT;
	else
		o->type = OBJLOAD_SYM_NOTYPE;
	if (bfd_is_und_section(sec)) {
		o->def = OBJLOAD_DEF_UNDEFINED;
	} else if (bfd_is_com_section(sec)) {
		o->def = OBJLOAD_DEF_COMMON;
		o->size = s->value;
		o->value = bfdp_common_align(s->value);
		if (t->coff)
			o->type = OBJLOAD_SYM_OBJECT;
	} else if (bfd_is_abs_section(sec)) {
		o->def = OBJLOAD_DEF_ABSOLUTE;
		o->value = s->value;
	} else {
		o->def = OBJLOAD_DEF_SECTION;
		o->section = bfdp_secidx(sec);
		o->value = s->value;   /* section-relative already */
		/* bfd does not flag COFF's section symbols (a static symbol
		 * named as its section, value 0): the native rule */
		if (t->coff && o->binding == OBJLOAD_BIND_LOCAL && s->value == 0 &&
		    strcmp(o->name, bfd_section_name(sec)) == 0)
			o->type = OBJLOAD_SYM_SECTION;
	}
	if (o->binding != OBJLOAD_BIND_LOCAL && o->type != OBJLOAD_SYM_SECTION &&
	    o->type != OBJLOAD_SYM_FILE && o->name[0]) {
		o->cname = o->name;
		if (t->coff && o->def == OBJLOAD_DEF_UNDEFINED &&
		    bfdp_has_prefix(o->name, "__imp_") && o->name[6]) {
			o->cname = o->name + 6;
			o->indirect = 1;
		}
	}
	(void)img;
}

/* Image symbol of bfd's canonical symbol i: ELF's null symbol, which bfd
 * omits, is put back as an empty symbol 0; COFF has none. */
static uint32_t bfdp_symbase(const struct bfdp_target *t)
{
	return t->coff ? 0 : 1;
}

/* Symbols: bfd's canonical table in order after the null symbol.
 * Returns the table through *out. */
static objload_status bfdp_symbols(objload_image *img, bfd *abfd,
				   const struct bfdp_target *t, asymbol ***out,
				   long *nout)
{
	long size = bfd_get_symtab_upper_bound(abfd), n;
	asymbol **syms;
	objload_symbol *o;

	*out = NULL;
	*nout = 0;
	if (size < 0)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT, "symbols: %s",
					   bfd_errmsg(bfd_get_error()));
	syms = malloc(size ? (size_t)size : sizeof(*syms));
	if (!syms)
		return objload_image_error(img, OBJLOAD_ERR_NOMEM, "out of memory");
	n = bfd_canonicalize_symtab(abfd, syms);
	if (n < 0) {
		free(syms);
		return objload_image_error(img, OBJLOAD_ERR_FORMAT, "symbols: %s",
					   bfd_errmsg(bfd_get_error()));
	}
	o = objload_image_add_symbols(img, (uint32_t)n + bfdp_symbase(t));
	if (!o) {
		free(syms);
		return objload_image_error(img, OBJLOAD_ERR_NOMEM, "out of memory");
	}
	if (bfdp_symbase(t)) {
		o[0].name = "";
		o[0].def = OBJLOAD_DEF_UNDEFINED;
		o[0].section = OBJLOAD_NO_INDEX;
	}
	for (long i = 0; i < n; i++) {
		objload_symbol *d = &o[i + bfdp_symbase(t)];

		d->name = objload_image_strdup(img, bfd_asymbol_name(syms[i]));
		if (!d->name) {
			free(syms);
			return objload_image_error(img, OBJLOAD_ERR_NOMEM, "out of memory");
		}
		d->native_index = (uint32_t)i + bfdp_symbase(t);
		bfdp_fill_symbol(img, t, syms[i], d);
	}
	*out = syms;
	*nout = n;
	return OBJLOAD_OK;
}

/* Image symbol of a relocation's target: its place in the canonical table,
 * or (bfd points section-symbol relocations at the section's own symbol)
 * the first section symbol of that section, made if there is none. */
static objload_status bfdp_reloc_symbol(objload_image *img, const struct bfdp_target *t,
					asymbol **syms, long nsyms, asymbol **pp,
					uint32_t *out)
{
	const asymbol *s;
	asection *sec;
	objload_symbol *o;

	*out = OBJLOAD_NO_INDEX;
	if (!pp || !*pp)
		return OBJLOAD_OK;
	if (pp >= syms && pp < syms + nsyms) {
		*out = (uint32_t)(pp - syms) + bfdp_symbase(t);
		return OBJLOAD_OK;
	}
	s = *pp;
	sec = bfd_asymbol_section(s);
	if (bfd_is_abs_section(sec) && s->value == 0)
		return OBJLOAD_OK;     /* no symbol: S = 0 */
	if (!(s->flags & BSF_SECTION_SYM) || bfd_is_und_section(sec) ||
	    bfd_is_com_section(sec) || bfd_is_abs_section(sec))
		return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
					   "bfd: relocation against symbol %s that is not in the symbol table",
					   bfd_asymbol_name(s));
	for (uint32_t i = 0; i < img->nsymbols; i++) {
		if (img->symbols[i].type == OBJLOAD_SYM_SECTION &&
		    img->symbols[i].section == bfdp_secidx(sec)) {
			*out = i;
			return OBJLOAD_OK;
		}
	}
	o = objload_image_add_symbols(img, 1);
	if (!o)
		return objload_image_error(img, OBJLOAD_ERR_NOMEM, "out of memory");
	o->name = img->sections[bfdp_secidx(sec)].name;
	o->binding = OBJLOAD_BIND_LOCAL;
	o->type = OBJLOAD_SYM_SECTION;
	o->def = OBJLOAD_DEF_SECTION;
	o->section = bfdp_secidx(sec);
	o->native_index = OBJLOAD_NO_INDEX;
	*out = img->nsymbols - 1;
	return OBJLOAD_OK;
}

/* The addend a partial_inplace howto left in the section contents, as the
 * arch reads it (objload_arch_read_addend: the same rule as the native
 * plug-ins). */
static objload_status bfdp_inplace_addend(objload_image *img, const asection *sec,
					  const arelent *r, uint16_t kind, int64_t *out)
{
	const objload_section *s = &img->sections[bfdp_secidx(sec)];
	unsigned width = bfd_get_reloc_size(r->howto);

	*out = 0;
	if (width == 0)
		return OBJLOAD_OK;
	if (!s->bytes || width > 8 || r->address > s->size ||
	    s->size - r->address < width ||
	    objload_arch_read_addend(img->arch, kind, s->bytes + r->address, width, out))
		return objload_image_error(img, OBJLOAD_ERR_FORMAT,
					   "section %s: relocation %s at 0x%llx: field outside the section",
					   s->name, r->howto->name, (unsigned long long)r->address);
	return OBJLOAD_OK;
}

static objload_status bfdp_edges(objload_image *img, bfd *abfd,
				 const struct bfdp_target *t, asymbol **syms, long nsyms)
{
	objload_status st = OBJLOAD_OK;

	for (asection *sec = abfd->sections; sec && !st; sec = sec->next) {
		long size, n;
		arelent **rels;
		objload_edge *e;

		if (!bfdp_loaded(img->sections[bfdp_secidx(sec)].role) ||
		    !(bfd_section_flags(sec) & SEC_RELOC))
			continue;
		size = bfd_get_reloc_upper_bound(abfd, sec);
		if (size < 0)
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %s: relocations: %s",
						   bfd_section_name(sec),
						   bfd_errmsg(bfd_get_error()));
		rels = malloc(size ? (size_t)size : sizeof(*rels));
		if (!rels)
			return objload_image_error(img, OBJLOAD_ERR_NOMEM, "out of memory");
		n = bfd_canonicalize_reloc(abfd, sec, rels, syms);
		if (n < 0) {
			free(rels);
			return objload_image_error(img, OBJLOAD_ERR_FORMAT,
						   "section %s: relocations: %s",
						   bfd_section_name(sec),
						   bfd_errmsg(bfd_get_error()));
		}
		for (long k = 0; k < n && !st; k++) {
			const arelent *r = rels[k];
			const struct bfdp_reloc *rt = NULL;
			uint32_t sym = OBJLOAD_NO_INDEX;
			uint16_t kind;
			int64_t addend;

			if (!r->howto)
				st = objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
							 "section %s: relocation %ld at 0x%llx: bfd has no howto for it",
							 bfd_section_name(sec), k,
							 (unsigned long long)r->address);
			else if (r->howto->type < t->nrelocs && t->relocs[r->howto->type].supported)
				rt = &t->relocs[r->howto->type];
			else
				st = objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
							 "section %s: relocation at 0x%llx: bfd howto %s (type %u) of target %s has no objload kind",
							 bfd_section_name(sec),
							 (unsigned long long)r->address,
							 r->howto->name ? r->howto->name : "?",
							 r->howto->type, t->name);
			if (!st)
				st = bfdp_reloc_symbol(img, t, syms, nsyms, r->sym_ptr_ptr, &sym);
			if (st)
				break;
			kind = rt->kind;
			if (rt->no_symbol) {
				sym = OBJLOAD_NO_INDEX;
			} else if (rt->got_kind != BFDP_KIND_SAME && sym != OBJLOAD_NO_INDEX &&
				   strcmp(img->symbols[sym].name, "_GLOBAL_OFFSET_TABLE_") == 0) {
				kind = rt->got_kind;
				sym = OBJLOAD_NO_INDEX;
			}
			if (r->howto->partial_inplace) {
				st = bfdp_inplace_addend(img, sec, r, kind, &addend);
				if (st)
					break;
				addend -= rt->pc_bias;
			} else {
				addend = (int64_t)r->addend;
			}
			e = objload_image_add_edges(img, 1);
			if (!e) {
				st = objload_image_error(img, OBJLOAD_ERR_NOMEM, "out of memory");
				break;
			}
			e->section = bfdp_secidx(sec);
			e->offset = r->address;
			e->kind = kind;
			e->native_type = r->howto->type;
			e->symbol = sym;
			e->subtrahend = OBJLOAD_NO_INDEX;
			e->addend = addend;
		}
		free(rels);
	}
	return st;
}

static objload_status bfdp_parse(objload_image *img)
{
	struct bfdp_mem m = { img->file, img->file_size };
	const struct bfdp_target *t;
	struct bfdp_info *info;
	asymbol **syms = NULL;
	long nsyms = 0;
	objload_status st;
	bfd *abfd;

	abfd = bfdp_open(img->path ? img->path : "<memory>", &m);
	if (!abfd)
		return objload_image_error(img, OBJLOAD_ERR_FORMAT, "bfd: %s",
					   bfd_errmsg(bfd_get_error()));
	t = bfdp_find_target(bfd_get_target(abfd));
	if (!t) {
		st = objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
					 "bfd target %s: the bfd plug-in maps the relocations of elf64-x86-64, pe-x86-64 and pe-bigobj-x86-64 only",
					 bfd_get_target(abfd));
		bfd_close(abfd);
		return st;
	}
	if (bfd_get_file_flags(abfd) & (EXEC_P | DYNAMIC)) {
		bfd_close(abfd);
		return objload_image_error(img, OBJLOAD_ERR_UNSUPPORTED,
					   "bfd: only relocatable objects are supported");
	}
	info = objload_image_alloc(img, sizeof(*info));
	if (!info) {
		bfd_close(abfd);
		return objload_image_error(img, OBJLOAD_ERR_NOMEM, "out of memory");
	}
	info->target = t;
	img->format_data = info;
	img->arch = OBJLOAD_ARCH_X86_64;
	img->kind = OBJLOAD_IMAGE_RELOCATABLE;
	img->callconv = t->callconv;
	img->layout_meaningful = 0;

	st = bfdp_sections(img, abfd, t);
	if (!st)
		st = bfdp_groups(img, abfd);
	if (!st)
		st = bfdp_inits(img, t);
	if (!st)
		st = bfdp_symbols(img, abfd, t, &syms, &nsyms);
	if (!st)
		st = bfdp_edges(img, abfd, t, syms, nsyms);
	free(syms);
	bfd_close(abfd);
	return st;
}

static objload_status bfdp_plan(const objload_image *img, const objload_plan_query *q,
				objload_plan_choice *choice)
{
	objload_strategy forced = q->forced;

	(void)img;
	if (forced == OBJLOAD_STRATEGY_SECTION) {
		choice->strategy = OBJLOAD_STRATEGY_SECTION;
		choice->reason = "forced by the user";
		return OBJLOAD_OK;
	}
	choice->strategy = OBJLOAD_STRATEGY_WHOLE;
	choice->reason = forced == OBJLOAD_STRATEGY_WHOLE ? "forced by the user" :
			 "relocatable object read through libbfd: one reservation";
	return OBJLOAD_OK;
}

static const char *bfdp_reloc_name(const objload_image *img, uint32_t type)
{
	const struct bfdp_info *info = img->format_data;

	if (!info || type >= info->target->nrelocs)
		return NULL;
	return info->target->relocs[type].name;
}

static const objload_format bfdp_format = {
	.name = "bfd",
	.abi_version = OBJLOAD_PLUGIN_ABI_VERSION,
	.probe = bfdp_probe,
	.parse = bfdp_parse,
	.plan = bfdp_plan,
	.reloc_name = bfdp_reloc_name,
};

objload_status objload_plugin_init(objload_session *session)
{
	if (bfd_init() != BFD_INIT_MAGIC)
		return OBJLOAD_ERR_UNSUPPORTED;
	return objload_register_format(session, &bfdp_format);
}
