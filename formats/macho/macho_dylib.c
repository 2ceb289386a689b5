/* SPDX-License-Identifier: MIT */
/*
 * Mach-O dynamic libraries (MH_DYLIB) and bundles (MH_BUNDLE), loaded by
 * objload itself on Linux, from a file or from memory.
 *
 * What a loader needs from the dyld model
 * ---------------------------------------
 * A linked Mach-O image is a list of LC_SEGMENT_64 commands: each maps
 * filesize bytes from fileoff at vmaddr and zero-fills up to vmsize, with
 * its initial protection (initprot: VM_PROT_READ 1, WRITE 2, EXECUTE 4).
 * __TEXT starts at file offset 0 (it holds the header) and its vmaddr is
 * the image's base; __DATA_CONST (or a segment flagged SG_READ_ONLY) is
 * written by dyld and then made read-only; __LINKEDIT holds the loader's
 * tables and is not needed once they are read; an executable's
 * __PAGEZERO maps nothing.  The static linker fixed every distance between
 * segments: the image moves as a whole, by a slide.  Sections inside the
 * segments name what needs running: S_MOD_INIT_FUNC_POINTERS and
 * S_MOD_TERM_FUNC_POINTERS (pointers), S_INIT_FUNC_OFFSETS (32-bit offsets
 * from the base, ld64.lld -init_offsets); the S_THREAD_LOCAL_* types are
 * thread-local data.
 *
 * Fixups come in one of two encodings.
 *   - LC_DYLD_INFO(_ONLY) points at four opcode streams in __LINKEDIT:
 *     rebase (pointers that move with the slide: REBASE_OPCODE_* set the
 *     type, segment and offset, and repeat "rebase here, advance"), bind
 *     (pointers to symbols of other images: BIND_OPCODE_* set the library
 *     ordinal, the symbol name and flags, an addend, the place, and
 *     repeat "bind here, advance"), lazy bind (the same opcodes, one
 *     DONE-terminated entry per lazy pointer, which dyld binds on first
 *     call through dyld_stub_binder) and weak bind (weak definitions
 *     coalesced across images); and the exports trie.
 *   - LC_DYLD_CHAINED_FIXUPS (macOS 12 and later, ld64.lld -fixup_chains)
 *     points at a header, the fixup starts of each segment's pages and an
 *     imports table.  Each page's fixups form a chain through the fixed-up
 *     words themselves: a 64-bit word says bind (an import ordinal and an
 *     8-bit addend) or rebase (a 36-bit target, the vmaddr for
 *     DYLD_CHAINED_PTR_64 or the offset from the base for
 *     DYLD_CHAINED_PTR_64_OFFSET, plus 8 high bits), and how many 4-byte
 *     strides ahead the next fixup is.  The exports trie is then in
 *     LC_DYLD_EXPORTS_TRIE.
 * The exports trie is a prefix tree: each node has an optional terminal
 * part (flags: kind REGULAR, THREAD_LOCAL or ABSOLUTE, WEAK_DEFINITION,
 * REEXPORT, STUB_AND_RESOLVER; then the symbol's offset from the base),
 * then its children, each an edge label and the child's offset.
 * Libraries are named by LC_LOAD_DYLIB (and its weak, re-export, lazy
 * and upward variants); LC_ID_DYLIB is the library's own install name.
 * A bind's library ordinal is 1-based in that list, or special: 0 self,
 * -1 the main executable, -2 flat lookup, -3 weak lookup.
 *
 * How objload represents it.  One neutral section per loaded segment
 * (two when it has a zero-fill tail) at its vmaddr, so the core lays them
 * out at the linked distances (core/layout.c); __DATA_CONST is read-only
 * data written by the fixups.  Every rebase and bind is an edge of the
 * pointer kind (ABS64): a rebase to a local symbol of the section holding
 * the target, a bind to an undefined symbol whose C-level name drops the
 * underscore and maps libSystem's names to glibc's as for objects
 * (macho.c); lazy pointers are bound at load like the others, so
 * __stub_helper and dyld_stub_binder are never reached and the bind of
 * dyld_stub_binder itself is skipped.  Binding is flat: a two-level
 * namespace's library ordinal is checked but the name is looked up like
 * every other (the session's images, then the host).  Exported symbols
 * are global definitions.  Initializer and terminator pointers are init
 * tables at priority 0 (before the objects' constructors); __init_offsets
 * become pointers in a synthesized section past the image.
 * LC_LOAD_DYLIB names other than libSystem's (which is the host's C
 * library) are the image's needed libraries, found among the inputs.
 *
 * Refused with a reason: thread-local sections and exports, resolvers
 * (STUB_AND_RESOLVER), re-exports, threaded binds, text relocations
 * (rebase types other than POINTER), arm64e's authenticated chained
 * pointer formats.  Everything is validated once here; nothing here
 * knows an instruction encoding.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/linked.h"
#include "formats/macho/macho_dylib.h"
#include "formats/plan.h"
#include "formats/reader.h"

enum {
	MH_DYLIB = 6,
	MH_BUNDLE = 8,
	MACHO_HEADER64_SIZE = 32,
	LC_SEGMENT_64 = 0x19,
	LC_LOAD_DYLIB = 0xc,
	LC_ID_DYLIB = 0xd,
	LC_DYLD_INFO = 0x22,
	LC_LAZY_LOAD_DYLIB = 0x20,
	VM_PROT_READ = 1,
	VM_PROT_WRITE = 2,
	VM_PROT_EXECUTE = 4,
	SG_READ_ONLY = 0x10,
	S_MOD_INIT_FUNC_POINTERS = 0x9,
	S_MOD_TERM_FUNC_POINTERS = 0xa,
	S_THREAD_LOCAL_REGULAR = 0x11,
	S_THREAD_LOCAL_INIT_FUNCTION_POINTERS = 0x15,
	S_INIT_FUNC_OFFSETS = 0x16,
};

#define LC_REQ_DYLD 0x80000000u
#define LC_DYLD_INFO_ONLY (0x22u | LC_REQ_DYLD)
#define LC_LOAD_WEAK_DYLIB (0x18u | LC_REQ_DYLD)
#define LC_REEXPORT_DYLIB (0x1fu | LC_REQ_DYLD)
#define LC_LOAD_UPWARD_DYLIB (0x23u | LC_REQ_DYLD)
#define LC_DYLD_EXPORTS_TRIE (0x33u | LC_REQ_DYLD)
#define LC_DYLD_CHAINED_FIXUPS (0x34u | LC_REQ_DYLD)

/* Fixup kinds, as edges' native types (macho_dylib_fixup_name). */
enum {
	FIX_REBASE = 0x1000,
	FIX_BIND,
	FIX_LAZY_BIND,
	FIX_WEAK_BIND,
	FIX_CHAINED_REBASE,
	FIX_CHAINED_BIND,
	FIX_INIT_OFFSET,
};

#define DY_MAX_SEGMENTS 255
#define DY_MAX_DYLIBS 4096
#define DY_MAX_SPAN (1ull << 32)
#define DY_TRIE_DEPTH 4096

struct dy_segment {
	char name[17];
	uint64_t vmaddr, vmsize, fileoff, filesize;
	uint32_t initprot, flags, nsects;
	uint64_t sect_off;          /* of its section_64 records in the file */
	int loaded;
};

struct dy_import {
	const char *name;
	uint32_t weak, symbol;
};

struct dy_ctx {
	objload_image *img;
	const struct macho_dylib_header *h;
	const uint8_t *file;
	size_t size;
	struct dy_segment segs[DY_MAX_SEGMENTS];
	uint32_t nsegs;
	uint64_t base;               /* vmaddr of the segment at file offset 0 */
	int have_base;
	uint32_t ndylibs;            /* LC_LOAD_DYLIB and variants, for ordinals */
	const char *needed[DY_MAX_DYLIBS];
	uint32_t nneeded;
	/* fixups */
	int have_info, have_chained, have_trie;
	uint32_t rebase_off, rebase_size, bind_off, bind_size, weak_off, weak_size,
		 lazy_off, lazy_size, export_off, export_size;
	uint32_t chained_off, chained_size;
	uint32_t nparts;             /* neutral sections from segments */
	/* imports by name: open addressing over `imports` */
	struct dy_import *imports;
	size_t nimports, imports_cap;
	uint32_t *slots;
	size_t nslots;
};

struct dy_info {
	uint32_t nsegments;
	int bundle;
};

/* Errors name the file (objload_image_error); malformed or refused. */
#define dy_error(c, ...) objload_image_error((c)->img, OBJLOAD_ERR_FORMAT, __VA_ARGS__)
#define dy_unsupported(c, ...) objload_image_error((c)->img, OBJLOAD_ERR_UNSUPPORTED, __VA_ARGS__)

static objload_status dy_nomem(struct dy_ctx *c)
{
	return objload_image_error(c->img, OBJLOAD_ERR_NOMEM, "out of memory");
}

/* [off, off + len) of the thin file as a window; -1 when outside. */
static int dy_window(const struct dy_ctx *c, uint64_t off, uint64_t len, struct rd_cursor *cur)
{
	if (off > c->size || c->size - off < len)
		return -1;
	cur->p = c->file + off;
	cur->len = (size_t)len;
	cur->off = 0;
	return 0;
}

/* ---- Load commands ------------------------------------------------------------ */

static objload_status dy_segment(struct dy_ctx *c, struct rd_cursor *lc, uint32_t cmdsize,
				 uint64_t lc_off)
{
	struct dy_segment *s;
	uint32_t maxprot;

	if (c->nsegs == DY_MAX_SEGMENTS)
		return dy_unsupported(c, "more than %d segments", DY_MAX_SEGMENTS);
	s = &c->segs[c->nsegs];
	memset(s, 0, sizeof(*s));
	if (cmdsize < 72 || rd_bytes(lc, s->name, 16) || rd_u64(lc, &s->vmaddr) ||
	    rd_u64(lc, &s->vmsize) || rd_u64(lc, &s->fileoff) || rd_u64(lc, &s->filesize) ||
	    rd_u32(lc, &maxprot) || rd_u32(lc, &s->initprot) || rd_u32(lc, &s->nsects) ||
	    rd_u32(lc, &s->flags))
		return dy_error(c, "LC_SEGMENT_64 at offset 0x%llx is truncated",
				(unsigned long long)lc_off);
	s->name[16] = '\0';
	if (s->nsects > (cmdsize - 72) / 80)
		return dy_error(c, "segment %s: %u sections do not fit its %u-byte command",
				s->name, s->nsects, cmdsize);
	s->sect_off = lc_off + 72;
	if (s->fileoff > c->size || c->size - s->fileoff < s->filesize)
		return dy_error(c, "segment %s: its bytes (offset 0x%llx, %llu bytes) are outside "
				"the file (%zu bytes)", s->name, (unsigned long long)s->fileoff,
				(unsigned long long)s->filesize, c->size);
	if (s->filesize > s->vmsize && strcmp(s->name, "__LINKEDIT") != 0)
		return dy_error(c, "segment %s: filesize 0x%llx is larger than vmsize 0x%llx",
				s->name, (unsigned long long)s->filesize,
				(unsigned long long)s->vmsize);
	if (s->vmsize > DY_MAX_SPAN || s->vmaddr > UINT64_MAX - s->vmsize)
		return dy_error(c, "segment %s: vmaddr 0x%llx + vmsize 0x%llx is out of range",
				s->name, (unsigned long long)s->vmaddr,
				(unsigned long long)s->vmsize);
	s->loaded = s->vmsize && s->initprot && strcmp(s->name, "__LINKEDIT") != 0;
	if (s->loaded && (s->initprot & (VM_PROT_WRITE | VM_PROT_EXECUTE)) ==
	    (VM_PROT_WRITE | VM_PROT_EXECUTE))
		return dy_unsupported(c, "segment %s is writable and executable: objload never "
				      "maps such memory", s->name);
	if (s->fileoff == 0 && s->filesize && !c->have_base) {
		c->base = s->vmaddr;
		c->have_base = 1;
	}
	c->nsegs++;
	return OBJLOAD_OK;
}

static objload_status dy_dylib_name(struct dy_ctx *c, struct rd_cursor *lc, uint32_t cmdsize,
				    const char **out)
{
	uint32_t name_off;

	if (rd_u32(lc, &name_off) || name_off < 24 || name_off >= cmdsize ||
	    !(*out = rd_string_at(lc, name_off)))
		return dy_error(c, "a dylib command's name is not a string inside its %u-byte "
				"command", cmdsize);
	return OBJLOAD_OK;
}

/* libSystem is the C library: the host's glibc stands for it. */
static int dy_is_libsystem(const char *name)
{
	return strncmp(name, "/usr/lib/libSystem", 18) == 0;
}

static objload_status dy_linkedit(struct dy_ctx *c, struct rd_cursor *lc, const char *what,
				  uint32_t *off, uint32_t *size)
{
	if (rd_u32(lc, off) || rd_u32(lc, size))
		return dy_error(c, "%s is truncated", what);
	if (*off > c->size || c->size - *off < *size)
		return dy_error(c, "%s: its data (offset 0x%x, %u bytes) is outside the file (%zu "
				"bytes)", what, *off, *size, c->size);
	return OBJLOAD_OK;
}

static objload_status dy_commands(struct dy_ctx *c)
{
	uint64_t off = MACHO_HEADER64_SIZE, end = MACHO_HEADER64_SIZE + (uint64_t)c->h->sizeofcmds;

	for (uint32_t i = 0; i < c->h->ncmds; i++) {
		struct rd_cursor lc = { 0 };
		uint32_t cmd, cmdsize;
		objload_status st = OBJLOAD_OK;
		const char *name;

		if (end - off < 8 || dy_window(c, off, 8, &lc) || rd_u32(&lc, &cmd) ||
		    rd_u32(&lc, &cmdsize) || cmdsize < 8 || cmdsize % 8 || cmdsize > end - off)
			return dy_error(c, "load command %u at offset 0x%llx: a bad size or past "
					"sizeofcmds", i, (unsigned long long)off);
		(void)dy_window(c, off, cmdsize, &lc);
		lc.off = 8;
		switch (cmd) {
		case LC_SEGMENT_64:
			st = dy_segment(c, &lc, cmdsize, off);
			break;
		case LC_ID_DYLIB:
			st = dy_dylib_name(c, &lc, cmdsize, &name);
			if (!st)
				c->img->soname = name;
			break;
		case LC_LOAD_DYLIB:
		case LC_LOAD_WEAK_DYLIB:
		case LC_REEXPORT_DYLIB:
		case LC_LAZY_LOAD_DYLIB:
		case LC_LOAD_UPWARD_DYLIB:
			st = dy_dylib_name(c, &lc, cmdsize, &name);
			if (st)
				break;
			if (c->ndylibs == DY_MAX_DYLIBS)
				return dy_unsupported(c, "more than %d dylib commands", DY_MAX_DYLIBS);
			c->ndylibs++;
			if (!dy_is_libsystem(name))
				c->needed[c->nneeded++] = name;
			break;
		case LC_DYLD_INFO:
		case LC_DYLD_INFO_ONLY:
			c->have_info = 1;
			st = dy_linkedit(c, &lc, "LC_DYLD_INFO rebase", &c->rebase_off, &c->rebase_size);
			if (!st)
				st = dy_linkedit(c, &lc, "LC_DYLD_INFO bind", &c->bind_off, &c->bind_size);
			if (!st)
				st = dy_linkedit(c, &lc, "LC_DYLD_INFO weak bind", &c->weak_off,
						 &c->weak_size);
			if (!st)
				st = dy_linkedit(c, &lc, "LC_DYLD_INFO lazy bind", &c->lazy_off,
						 &c->lazy_size);
			if (!st)
				st = dy_linkedit(c, &lc, "LC_DYLD_INFO export", &c->export_off,
						 &c->export_size);
			break;
		case LC_DYLD_CHAINED_FIXUPS:
			c->have_chained = 1;
			st = dy_linkedit(c, &lc, "LC_DYLD_CHAINED_FIXUPS", &c->chained_off,
					 &c->chained_size);
			break;
		case LC_DYLD_EXPORTS_TRIE:
			c->have_trie = 1;
			st = dy_linkedit(c, &lc, "LC_DYLD_EXPORTS_TRIE", &c->export_off,
					 &c->export_size);
			break;
		default:
			break;   /* symbols, UUID, versions, code signature: not needed */
		}
		if (st)
			return st;
		off += cmdsize;
	}
	if (c->have_info && c->have_chained)
		return dy_error(c, "both LC_DYLD_INFO and LC_DYLD_CHAINED_FIXUPS: which fixups apply?");
	if (!c->have_base)
		return dy_error(c, "no segment maps the start of the file (the __TEXT segment)");
	return OBJLOAD_OK;
}

/* ---- Sections from segments ------------------------------------------------------ */

static objload_status dy_add_part(struct dy_ctx *c, const struct dy_segment *s, uint32_t segi,
				  uint64_t from, uint64_t to, int zerofill)
{
	objload_section *o = objload_image_add_sections(c->img, 1);
	char buf[40];

	if (!o)
		return dy_nomem(c);
	snprintf(buf, sizeof(buf), "%s%s", s->name, zerofill ? ".zerofill" : "");
	o->name = objload_image_strdup(c->img, buf);
	if (!o->name)
		return dy_nomem(c);
	o->file_addr = from;
	o->size = to - from;
	o->native_index = segi;
	o->native_type = "LC_SEGMENT_64";
	o->native_flags = 0;
	if (zerofill) {
		o->role = OBJLOAD_ROLE_ZEROFILL;
	} else {
		o->bytes = c->file + s->fileoff;
		o->role = s->initprot & VM_PROT_EXECUTE ? OBJLOAD_ROLE_CODE :
			!(s->initprot & VM_PROT_WRITE) || (s->flags & SG_READ_ONLY) ||
			strcmp(s->name, "__DATA_CONST") == 0 ? OBJLOAD_ROLE_RODATA :
			OBJLOAD_ROLE_DATA;
	}
	o->align = from & -from ? from & -from : 0x1000;
	if (o->align > 0x4000)
		o->align = 0x4000;
	c->nparts++;
	return OBJLOAD_OK;
}

static objload_status dy_build_sections(struct dy_ctx *c)
{
	uint64_t prev_end = 0;
	int any = 0;

	for (uint32_t i = 0; i < c->nsegs; i++) {
		const struct dy_segment *s = &c->segs[i];
		objload_status st;

		if (!s->loaded)
			continue;
		if (any && s->vmaddr < prev_end)
			return dy_error(c, "segment %s at 0x%llx overlaps or precedes the segment "
					"before it (ending at 0x%llx)", s->name,
					(unsigned long long)s->vmaddr, (unsigned long long)prev_end);
		if (s->filesize) {
			st = dy_add_part(c, s, i, s->vmaddr, s->vmaddr + s->filesize, 0);
			if (st)
				return st;
		}
		if (s->vmsize > s->filesize) {
			st = dy_add_part(c, s, i, s->vmaddr + s->filesize, s->vmaddr + s->vmsize, 1);
			if (st)
				return st;
		}
		prev_end = s->vmaddr + s->vmsize;
		any = 1;
	}
	if (!c->nparts)
		return dy_error(c, "no segment to load");
	if (prev_end - c->img->sections[0].file_addr > DY_MAX_SPAN)
		return dy_error(c, "its segments span more than 4 GiB");
	/* a 16 KiB-page image (arm64) keeps its pages' alignment */
	c->img->sections[0].align = 0x4000;
	if (c->img->sections[0].file_addr & 0x3fff)
		c->img->sections[0].align = 0x1000;
	return OBJLOAD_OK;
}

/* The section holding address a (at its end when end_ok). */
static uint32_t dy_section_at(const struct dy_ctx *c, uint64_t a, int end_ok)
{
	return fmt_section_at(c->img, c->nparts, a, end_ok);
}

/* ---- Symbols ------------------------------------------------------------------------ */

/* The local symbol of each section, what rebases point at. */
static objload_status dy_section_symbols(struct dy_ctx *c)
{
	objload_symbol *syms = objload_image_add_symbols(c->img, c->nparts);

	if (!syms)
		return dy_nomem(c);
	for (uint32_t k = 0; k < c->nparts; k++) {
		syms[k].name = c->img->sections[k].name;
		syms[k].binding = OBJLOAD_BIND_LOCAL;
		syms[k].type = OBJLOAD_SYM_SECTION;
		syms[k].def = OBJLOAD_DEF_SECTION;
		syms[k].section = k;
		syms[k].native_index = OBJLOAD_NO_INDEX;
	}
	return OBJLOAD_OK;
}

static uint32_t dy_hash(const char *s, uint32_t weak)
{
	uint32_t h = 2166136261u ^ weak;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static objload_status dy_rehash(struct dy_ctx *c)
{
	size_t n = c->nslots ? c->nslots * 2 : 64;
	uint32_t *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return dy_nomem(c);
	for (size_t i = 0; i < c->nimports; i++) {
		size_t j = dy_hash(c->imports[i].name, c->imports[i].weak) & (n - 1);

		while (slots[j])
			j = (j + 1) & (n - 1);
		slots[j] = (uint32_t)i + 1;
	}
	free(c->slots);
	c->slots = slots;
	c->nslots = n;
	return OBJLOAD_OK;
}

/* The undefined symbol a bind of `name` refers to (one per name and
 * weakness). */
static objload_status dy_import(struct dy_ctx *c, const char *name, int weak, uint32_t *out)
{
	size_t j;
	objload_symbol *sym;
	struct dy_import *imp;
	int nomem = 0;

	if ((c->nimports + 1) * 2 > c->nslots && dy_rehash(c))
		return OBJLOAD_ERR_NOMEM;
	for (j = dy_hash(name, (uint32_t)weak) & (c->nslots - 1); c->slots[j];
	     j = (j + 1) & (c->nslots - 1)) {
		imp = &c->imports[c->slots[j] - 1];
		if (imp->weak == (uint32_t)weak && strcmp(imp->name, name) == 0) {
			*out = imp->symbol;
			return OBJLOAD_OK;
		}
	}
	if (c->nimports == c->imports_cap) {
		size_t cap = c->imports_cap ? c->imports_cap * 2 : 64;
		struct dy_import *n = realloc(c->imports, cap * sizeof(*n));

		if (!n)
			return dy_nomem(c);
		c->imports = n;
		c->imports_cap = cap;
	}
	sym = objload_image_add_symbols(c->img, 1);
	if (!sym)
		return dy_nomem(c);
	sym->name = name;
	sym->binding = weak ? OBJLOAD_BIND_WEAK : OBJLOAD_BIND_GLOBAL;
	sym->def = OBJLOAD_DEF_UNDEFINED;
	sym->section = OBJLOAD_NO_INDEX;
	sym->native_index = OBJLOAD_NO_INDEX;
	sym->cname = macho_c_level_name(c->img, name, 1, &nomem);
	if (nomem)
		return dy_nomem(c);
	imp = &c->imports[c->nimports];
	imp->name = name;
	imp->weak = (uint32_t)weak;
	imp->symbol = c->img->nsymbols - 1;
	c->slots[j] = (uint32_t)++c->nimports;
	*out = imp->symbol;
	return OBJLOAD_OK;
}

/* ---- Edges ----------------------------------------------------------------------- */

/* An edge writing a pointer at `offset` of section s. */
static objload_status dy_edge_in(struct dy_ctx *c, uint32_t s, uint64_t offset, uint32_t type,
				 objload_edge **out)
{
	objload_edge *e = objload_image_add_edges(c->img, 1);

	if (!e)
		return dy_nomem(c);
	e->section = s;
	e->offset = offset;
	e->kind = c->h->arch == OBJLOAD_ARCH_AARCH64 ? OBJLOAD_AARCH64_ABS64 : OBJLOAD_X86_64_ABS64;
	e->native_type = type;
	e->symbol = OBJLOAD_NO_INDEX;
	*out = e;
	return OBJLOAD_OK;
}

/* An edge writing a pointer at vmaddr `at` of a loaded segment. */
static objload_status dy_edge(struct dy_ctx *c, uint64_t at, uint32_t type, const char *what,
			      objload_edge **out)
{
	uint32_t s = dy_section_at(c, at, 0);
	const objload_section *sec;

	if (s == OBJLOAD_NO_INDEX || (sec = &c->img->sections[s])->role == OBJLOAD_ROLE_ZEROFILL ||
	    sec->size - (at - sec->file_addr) < 8)
		return dy_error(c, "%s: a fixup at 0x%llx is not inside the file bytes of a loaded "
				"segment", what, (unsigned long long)at);
	return dy_edge_in(c, s, at - sec->file_addr, type, out);
}

/* A pointer at `at` to the image's own address `target` (unslid). */
static objload_status dy_rebase_to(struct dy_ctx *c, uint64_t at, uint64_t target,
				   uint32_t type, const char *what)
{
	objload_edge *e = NULL;
	uint32_t s = dy_section_at(c, target, 1);
	objload_status st = dy_edge(c, at, type, what, &e);

	if (st)
		return st;
	if (s == OBJLOAD_NO_INDEX)
		s = 0;   /* outside every segment: they all move together */
	e->symbol = s;   /* the section symbols come first */
	e->addend = (int64_t)(target - c->img->sections[s].file_addr);
	return OBJLOAD_OK;
}

/* The 64-bit word in the file at vmaddr `at` of segment s. */
static objload_status dy_word(struct dy_ctx *c, const struct dy_segment *s, uint64_t at,
			      const char *what, uint64_t *v)
{
	if (at < s->vmaddr || at - s->vmaddr > s->filesize || s->filesize - (at - s->vmaddr) < 8)
		return dy_error(c, "%s: a fixup at 0x%llx is outside the file bytes of segment %s",
				what, (unsigned long long)at, s->name);
	*v = rd_le(c->file + s->fileoff + (at - s->vmaddr), 8);
	return OBJLOAD_OK;
}

/* ---- Opcode streams (LC_DYLD_INFO) ------------------------------------------------ */

enum {
	OP_MASK = 0xf0,
	IMM_MASK = 0x0f,
	REBASE_TYPE_POINTER = 1,
	BIND_TYPE_POINTER = 1,
	BIND_SYMBOL_FLAGS_WEAK_IMPORT = 1,
	BIND_SYMBOL_FLAGS_NON_WEAK_DEFINITION = 8,
};

/* Where a stream's next fixup goes: segment and offset, checked. */
static objload_status dy_place(struct dy_ctx *c, const char *what, uint32_t seg, uint64_t off,
			       uint64_t *at)
{
	if (seg >= c->nsegs || !c->segs[seg].loaded)
		return dy_error(c, "%s: segment index %u is not a loaded segment", what, seg);
	if (off >= c->segs[seg].vmsize)
		return dy_error(c, "%s: offset 0x%llx is past the end of segment %s", what,
				(unsigned long long)off, c->segs[seg].name);
	*at = c->segs[seg].vmaddr + off;
	return OBJLOAD_OK;
}

/* Repeat counts are bounded by the segment: each fixup advances >= 8. */
static objload_status dy_count_ok(struct dy_ctx *c, const char *what, uint32_t seg, uint64_t off,
				  uint64_t count)
{
	if (seg >= c->nsegs || count > c->segs[seg].vmsize / 8 + 1 ||
	    off > c->segs[seg].vmsize)
		return dy_error(c, "%s: a repeat count of %llu runs past segment %u", what,
				(unsigned long long)count, seg);
	return OBJLOAD_OK;
}

static objload_status dy_rebase_one(struct dy_ctx *c, uint32_t seg, uint64_t off)
{
	uint64_t at, v;
	objload_status st = dy_place(c, "rebase opcodes", seg, off, &at);

	if (!st)
		st = dy_word(c, &c->segs[seg], at, "rebase opcodes", &v);
	if (!st)
		st = dy_rebase_to(c, at, v, FIX_REBASE, "rebase opcodes");
	return st;
}

static objload_status dy_rebase_stream(struct dy_ctx *c)
{
	struct rd_cursor cur = { 0 };
	uint32_t seg = UINT32_MAX;
	uint64_t off = 0;
	const char *what = "rebase opcodes";

	(void)dy_window(c, c->rebase_off, c->rebase_size, &cur);
	while (cur.off < cur.len) {
		uint8_t b = cur.p[cur.off++];
		unsigned op = b & OP_MASK, imm = b & IMM_MASK;
		uint64_t count = 0, skip = 0, n;
		objload_status st = OBJLOAD_OK;

		switch (op) {
		case 0x00:   /* DONE */
			return OBJLOAD_OK;
		case 0x10:   /* SET_TYPE_IMM */
			if (imm != REBASE_TYPE_POINTER)
				return dy_unsupported(c, "%s: rebase type %u (text relocations) is not "
						      "supported", what, imm);
			break;
		case 0x20:   /* SET_SEGMENT_AND_OFFSET_ULEB */
			seg = imm;
			if (rd_uleb(&cur, &off))
				return dy_error(c, "%s: truncated", what);
			break;
		case 0x30:   /* ADD_ADDR_ULEB */
			if (rd_uleb(&cur, &n))
				return dy_error(c, "%s: truncated", what);
			off += n;
			break;
		case 0x40:   /* ADD_ADDR_IMM_SCALED */
			off += (uint64_t)imm * 8;
			break;
		case 0x50:   /* DO_REBASE_IMM_TIMES */
		case 0x60:   /* DO_REBASE_ULEB_TIMES */
		case 0x70:   /* DO_REBASE_ADD_ADDR_ULEB */
		case 0x80:   /* DO_REBASE_ULEB_TIMES_SKIPPING_ULEB */
			count = op == 0x50 ? imm : 1;
			if ((op == 0x60 || op == 0x80) && rd_uleb(&cur, &count))
				return dy_error(c, "%s: truncated", what);
			if ((op == 0x70 || op == 0x80) && rd_uleb(&cur, &skip))
				return dy_error(c, "%s: truncated", what);
			st = dy_count_ok(c, what, seg, off, count);
			for (uint64_t k = 0; k < count && !st; k++) {
				st = dy_rebase_one(c, seg, off);
				off += 8 + skip;
			}
			break;
		default:
			return dy_error(c, "%s: unknown opcode 0x%02x at offset %zu", what, b,
					cur.off - 1);
		}
		if (st)
			return st;
	}
	return OBJLOAD_OK;
}

struct dy_bind_state {
	int64_t ordinal;
	const char *name;
	unsigned flags;
	int64_t addend;
	uint32_t seg;
	uint64_t off;
};

static objload_status dy_bind_one(struct dy_ctx *c, const struct dy_bind_state *b,
				  uint32_t type, const char *what)
{
	uint64_t at;
	uint32_t sym;
	objload_edge *e = NULL;
	objload_status st;

	if (!b->name)
		return dy_error(c, "%s: a bind before any symbol name", what);
	if (b->ordinal > (int64_t)c->ndylibs || b->ordinal < -3)
		return dy_error(c, "%s: '%s' is bound to library ordinal %lld, and there are %u "
				"libraries", what, b->name, (long long)b->ordinal, c->ndylibs);
	st = dy_place(c, what, b->seg, b->off, &at);
	if (st)
		return st;
	/* lazy binding's helper: every lazy pointer is bound now instead */
	if (strcmp(b->name, "dyld_stub_binder") == 0)
		return OBJLOAD_OK;
	st = dy_import(c, b->name, (b->flags & BIND_SYMBOL_FLAGS_WEAK_IMPORT) != 0, &sym);
	if (!st)
		st = dy_edge(c, at, type, what, &e);
	if (st)
		return st;
	e->symbol = sym;
	e->addend = b->addend;
	return OBJLOAD_OK;
}

/* A bind, lazy bind or weak bind stream.  A lazy stream's entries each
 * end with DONE; the others end at the first DONE. */
static objload_status dy_bind_stream(struct dy_ctx *c, uint32_t off0, uint32_t size, int lazy,
				     uint32_t type, const char *what)
{
	struct rd_cursor cur = { 0 };
	struct dy_bind_state b = { .seg = UINT32_MAX };

	(void)dy_window(c, off0, size, &cur);
	while (cur.off < cur.len) {
		uint8_t op8 = cur.p[cur.off++];
		unsigned op = op8 & OP_MASK, imm = op8 & IMM_MASK;
		uint64_t u, count = 1, skip = 0;
		objload_status st = OBJLOAD_OK;

		switch (op) {
		case 0x00:   /* DONE */
			if (!lazy)
				return OBJLOAD_OK;
			break;
		case 0x10:   /* SET_DYLIB_ORDINAL_IMM */
			b.ordinal = imm;
			break;
		case 0x20:   /* SET_DYLIB_ORDINAL_ULEB */
			if (rd_uleb(&cur, &u) || u > DY_MAX_DYLIBS)
				return dy_error(c, "%s: a truncated or impossible library ordinal", what);
			b.ordinal = (int64_t)u;
			break;
		case 0x30:   /* SET_DYLIB_SPECIAL_IMM */
			b.ordinal = imm ? (int64_t)(int8_t)(0xf0 | imm) : 0;
			break;
		case 0x40:   /* SET_SYMBOL_TRAILING_FLAGS_IMM */
			b.flags = imm;
			if (rd_cstr(&cur, &b.name))
				return dy_error(c, "%s: a symbol name runs past the end of the stream",
						what);
			break;
		case 0x50:   /* SET_TYPE_IMM */
			if (imm != BIND_TYPE_POINTER)
				return dy_unsupported(c, "%s: bind type %u (text relocations) is not "
						      "supported", what, imm);
			break;
		case 0x60:   /* SET_ADDEND_SLEB */
			if (rd_sleb(&cur, &b.addend))
				return dy_error(c, "%s: truncated", what);
			break;
		case 0x70:   /* SET_SEGMENT_AND_OFFSET_ULEB */
			b.seg = imm;
			if (rd_uleb(&cur, &b.off))
				return dy_error(c, "%s: truncated", what);
			break;
		case 0x80:   /* ADD_ADDR_ULEB */
			if (rd_uleb(&cur, &u))
				return dy_error(c, "%s: truncated", what);
			b.off += u;
			break;
		case 0x90:   /* DO_BIND */
		case 0xa0:   /* DO_BIND_ADD_ADDR_ULEB */
		case 0xb0:   /* DO_BIND_ADD_ADDR_IMM_SCALED */
		case 0xc0:   /* DO_BIND_ULEB_TIMES_SKIPPING_ULEB */
			if (op == 0xa0 && rd_uleb(&cur, &skip))
				return dy_error(c, "%s: truncated", what);
			if (op == 0xb0)
				skip = (uint64_t)imm * 8;
			if (op == 0xc0 && (rd_uleb(&cur, &count) || rd_uleb(&cur, &skip)))
				return dy_error(c, "%s: truncated", what);
			/* a weak bind naming a strong definition binds nothing */
			if (b.flags & BIND_SYMBOL_FLAGS_NON_WEAK_DEFINITION)
				break;
			st = dy_count_ok(c, what, b.seg, b.off, count);
			for (uint64_t k = 0; k < count && !st; k++) {
				st = dy_bind_one(c, &b, type, what);
				b.off += 8 + skip;
			}
			break;
		case 0xd0:   /* THREADED */
			return dy_unsupported(c, "%s: threaded binds (arm64e) are not supported", what);
		default:
			return dy_error(c, "%s: unknown opcode 0x%02x at offset %zu", what, op8,
					cur.off - 1);
		}
		if (st)
			return st;
	}
	return OBJLOAD_OK;
}

/* A lazy pointer is both rebased (to its __stub_helper entry) and bound:
 * dyld binds it on the first call, objload at load.  The bind is what
 * must stay, so the rebase of a place a bind also writes becomes an edge
 * that writes nothing, whatever order the edges are applied in. */
struct dy_place_ref {
	uint32_t section;
	int bind;
	uint64_t offset;
	size_t edge;
};

static int dy_cmp_place(const void *a, const void *b)
{
	const struct dy_place_ref *x = a, *y = b;

	if (x->section != y->section)
		return x->section < y->section ? -1 : 1;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return x->edge < y->edge ? -1 : x->edge > y->edge;
}

static objload_status dy_drop_overwritten_rebases(struct dy_ctx *c)
{
	objload_image *img = c->img;
	struct dy_place_ref *refs = malloc((img->nedges ? img->nedges : 1) * sizeof(*refs));
	unsigned none = c->h->arch == OBJLOAD_ARCH_AARCH64 ? OBJLOAD_AARCH64_NONE :
		OBJLOAD_X86_64_NONE;

	if (!refs)
		return dy_nomem(c);
	for (size_t i = 0; i < img->nedges; i++)
		refs[i] = (struct dy_place_ref){
			.section = img->edges[i].section, .offset = img->edges[i].offset, .edge = i,
			.bind = img->edges[i].native_type != FIX_REBASE &&
				img->edges[i].native_type != FIX_CHAINED_REBASE,
		};
	qsort(refs, img->nedges, sizeof(*refs), dy_cmp_place);
	for (size_t i = 0, j; i < img->nedges; i = j) {
		int bound = 0;

		for (j = i; j < img->nedges && refs[j].section == refs[i].section &&
		     refs[j].offset == refs[i].offset; j++)
			bound |= refs[j].bind;
		for (size_t k = i; k < j && bound; k++)
			if (!refs[k].bind)
				img->edges[refs[k].edge].kind = (uint16_t)none;
	}
	free(refs);
	return OBJLOAD_OK;
}

/* ---- Chained fixups (LC_DYLD_CHAINED_FIXUPS) ---------------------------------------- */

enum {
	DYLD_CHAINED_PTR_64 = 2,
	DYLD_CHAINED_PTR_64_OFFSET = 6,
	DYLD_CHAINED_PTR_START_NONE = 0xffff,
	DYLD_CHAINED_PTR_START_MULTI = 0x8000,
	DYLD_CHAINED_IMPORT = 1,
	DYLD_CHAINED_IMPORT_ADDEND = 2,
	DYLD_CHAINED_IMPORT_ADDEND64 = 3,
};

/* The imports table: one undefined symbol each (*first the first's),
 * and their addends. */
static objload_status dy_chained_imports(struct dy_ctx *c, const struct rd_cursor *blob,
					 uint32_t imports_off, uint32_t count, uint32_t format,
					 uint32_t symbols_off, uint32_t *syms, int64_t *addends)
{
	uint32_t size = format == DYLD_CHAINED_IMPORT ? 4 : format == DYLD_CHAINED_IMPORT_ADDEND ?
		8 : 16;
	struct rd_cursor names;

	if (format < DYLD_CHAINED_IMPORT || format > DYLD_CHAINED_IMPORT_ADDEND64)
		return dy_unsupported(c, "LC_DYLD_CHAINED_FIXUPS: imports format %u", format);
	if (imports_off > blob->len || (blob->len - imports_off) / size < count ||
	    symbols_off > blob->len)
		return dy_error(c, "LC_DYLD_CHAINED_FIXUPS: %u imports at 0x%x (symbols at 0x%x) run "
				"past its %zu bytes", count, imports_off, symbols_off, blob->len);
	names.p = blob->p + symbols_off;
	names.len = blob->len - symbols_off;
	names.off = 0;
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *p = blob->p + imports_off + (size_t)i * size;
		uint64_t lib, weak, name_off;
		const char *name;
		int64_t ord;
		objload_status st;

		if (format == DYLD_CHAINED_IMPORT_ADDEND64) {
			uint64_t v = rd_le(p, 8);

			lib = v & 0xffff;
			weak = v >> 16 & 1;
			name_off = v >> 32;
			addends[i] = (int64_t)rd_le(p + 8, 8);
			ord = (int64_t)(int16_t)lib;
		} else {
			uint32_t v = (uint32_t)rd_le(p, 4);

			lib = v & 0xff;
			weak = v >> 8 & 1;
			name_off = v >> 9;
			addends[i] = format == DYLD_CHAINED_IMPORT_ADDEND ?
				(int64_t)(int32_t)rd_le(p + 4, 4) : 0;
			ord = (int64_t)(int8_t)lib;
		}
		name = rd_string_at(&names, name_off);
		if (!name)
			return dy_error(c, "LC_DYLD_CHAINED_FIXUPS: import %u's name (0x%llx) is "
					"outside its symbol strings", i, (unsigned long long)name_off);
		if (ord > (int64_t)c->ndylibs || ord < -3)
			return dy_error(c, "LC_DYLD_CHAINED_FIXUPS: import %u '%s' names library "
					"ordinal %lld, and there are %u libraries", i, name,
					(long long)ord, c->ndylibs);
		st = dy_import(c, name, (int)weak, &syms[i]);
		if (st)
			return st;
	}
	return OBJLOAD_OK;
}

/* One segment's pages: follow each chain. */
static objload_status dy_chained_segment(struct dy_ctx *c, const struct rd_cursor *blob,
					 uint64_t at_off, uint32_t segi, const uint32_t *syms,
					 const int64_t *addends, uint32_t nimports)
{
	const char *what = "LC_DYLD_CHAINED_FIXUPS";
	const struct dy_segment *s = &c->segs[segi];
	uint32_t size;
	uint16_t page_size, format, page_count;
	uint64_t seg_offset;

	if (at_off > blob->len || blob->len - at_off < 22)
		return dy_error(c, "%s: the starts of segment %s are outside it", what, s->name);
	size = (uint32_t)rd_le(blob->p + at_off, 4);
	page_size = (uint16_t)rd_le(blob->p + at_off + 4, 2);
	format = (uint16_t)rd_le(blob->p + at_off + 6, 2);
	seg_offset = rd_le(blob->p + at_off + 8, 8);
	page_count = (uint16_t)rd_le(blob->p + at_off + 20, 2);
	if (size < 22 + 2 * (uint32_t)page_count || blob->len - at_off < size)
		return dy_error(c, "%s: segment %s: %u page starts do not fit its %u bytes", what,
				s->name, page_count, size);
	if (format != DYLD_CHAINED_PTR_64 && format != DYLD_CHAINED_PTR_64_OFFSET)
		return dy_unsupported(c, "%s: segment %s: pointer format %u is not supported (only "
				      "DYLD_CHAINED_PTR_64 and _64_OFFSET; arm64e's are "
				      "authenticated)", what, s->name, format);
	if ((page_size != 0x1000 && page_size != 0x4000) || !s->loaded ||
	    seg_offset != s->vmaddr - c->base || (uint64_t)page_count * page_size >
	    s->vmsize + page_size)
		return dy_error(c, "%s: segment %s: page size 0x%x, offset 0x%llx and %u pages do "
				"not describe the segment", what, s->name, page_size,
				(unsigned long long)seg_offset, page_count);
	for (uint32_t pg = 0; pg < page_count; pg++) {
		uint32_t off = (uint32_t)rd_le(blob->p + at_off + 22 + 2 * (size_t)pg, 2);

		if (off == DYLD_CHAINED_PTR_START_NONE)
			continue;
		if (off & DYLD_CHAINED_PTR_START_MULTI)
			return dy_unsupported(c, "%s: segment %s: several chains in one page", what,
					      s->name);
		for (;;) {
			uint64_t at = s->vmaddr + (uint64_t)pg * page_size + off, raw, next;
			objload_status st;

			if (off >= page_size)
				return dy_error(c, "%s: segment %s: a chain leaves page %u", what,
						s->name, pg);
			st = dy_word(c, s, at, what, &raw);
			if (st)
				return st;
			if (raw >> 63) {
				uint32_t ord = (uint32_t)(raw & 0xffffff);
				objload_edge *e = NULL;

				if (ord >= nimports)
					return dy_error(c, "%s: a bind at 0x%llx names import %u of %u", what,
							(unsigned long long)at, ord, nimports);
				st = dy_edge(c, at, FIX_CHAINED_BIND, what, &e);
				if (st)
					return st;
				e->symbol = syms[ord];
				e->addend = (int64_t)(raw >> 24 & 0xff) + addends[ord];
			} else {
				uint64_t target = (raw & 0xfffffffffull) | (raw >> 36 & 0xff) << 56;

				if (format == DYLD_CHAINED_PTR_64_OFFSET)
					target += c->base;
				st = dy_rebase_to(c, at, target, FIX_CHAINED_REBASE, what);
				if (st)
					return st;
			}
			next = raw >> 51 & 0xfff;
			if (!next)
				break;
			off += (uint32_t)next * 4;
		}
	}
	return OBJLOAD_OK;
}

static objload_status dy_chained(struct dy_ctx *c)
{
	const char *what = "LC_DYLD_CHAINED_FIXUPS";
	struct rd_cursor blob = { 0 };
	uint32_t version, starts, imports, symbols, nimports, ifmt, sfmt, seg_count;
	uint32_t *syms = NULL;
	int64_t *addends = NULL;
	objload_status st;

	(void)dy_window(c, c->chained_off, c->chained_size, &blob);
	if (blob.len < 28)
		return dy_error(c, "%s: %zu bytes, shorter than its header", what, blob.len);
	version = (uint32_t)rd_le(blob.p, 4);
	starts = (uint32_t)rd_le(blob.p + 4, 4);
	imports = (uint32_t)rd_le(blob.p + 8, 4);
	symbols = (uint32_t)rd_le(blob.p + 12, 4);
	nimports = (uint32_t)rd_le(blob.p + 16, 4);
	ifmt = (uint32_t)rd_le(blob.p + 20, 4);
	sfmt = (uint32_t)rd_le(blob.p + 24, 4);
	if (version != 0 || sfmt != 0)
		return dy_unsupported(c, "%s: version %u, symbols format %u (objload reads version 0, "
				      "uncompressed names)", what, version, sfmt);
	if (starts > blob.len || blob.len - starts < 4)
		return dy_error(c, "%s: its starts (0x%x) are outside its %zu bytes", what, starts,
				blob.len);
	seg_count = (uint32_t)rd_le(blob.p + starts, 4);
	if (seg_count > c->nsegs || (blob.len - starts - 4) / 4 < seg_count)
		return dy_error(c, "%s: %u segments in its starts, the file has %u", what, seg_count,
				c->nsegs);
	syms = calloc(nimports ? nimports : 1, sizeof(*syms));
	addends = calloc(nimports ? nimports : 1, sizeof(*addends));
	if (!syms || !addends) {
		free(syms);
		free(addends);
		return dy_nomem(c);
	}
	st = nimports > blob.len / 4 ?
		dy_error(c, "%s: %u imports cannot fit its %zu bytes", what, nimports, blob.len) :
		dy_chained_imports(c, &blob, imports, nimports, ifmt, symbols, syms, addends);
	for (uint32_t i = 0; i < seg_count && !st; i++) {
		uint32_t info = (uint32_t)rd_le(blob.p + starts + 4 + 4 * (size_t)i, 4);

		if (info)
			st = dy_chained_segment(c, &blob, (uint64_t)starts + info, i, syms, addends,
						nimports);
	}
	free(syms);
	free(addends);
	return st;
}

/* ---- Exports --------------------------------------------------------------------- */

enum {
	EXPORT_KIND_MASK = 3,
	EXPORT_KIND_REGULAR = 0,
	EXPORT_KIND_THREAD_LOCAL = 1,
	EXPORT_KIND_ABSOLUTE = 2,
	EXPORT_WEAK_DEFINITION = 4,
	EXPORT_REEXPORT = 8,
	EXPORT_STUB_AND_RESOLVER = 0x10,
};

struct dy_trie {
	struct rd_cursor t;
	uint8_t *visited;           /* per byte offset: a node was read there */
	char name[DY_TRIE_DEPTH];
};

static objload_status dy_export(struct dy_ctx *c, const char *name, uint64_t flags,
				uint64_t addr)
{
	objload_symbol *sym;
	char *copy;
	int nomem = 0;

	if ((flags & EXPORT_KIND_MASK) == EXPORT_KIND_THREAD_LOCAL)
		return dy_unsupported(c, "export '%s' is thread-local: TLS in dylibs is not "
				      "supported yet", name);
	if (flags & EXPORT_STUB_AND_RESOLVER)
		return dy_unsupported(c, "export '%s' has a resolver (STUB_AND_RESOLVER): not "
				      "supported yet", name);
	if ((flags & EXPORT_KIND_MASK) > EXPORT_KIND_ABSOLUTE)
		return dy_error(c, "export '%s' has unknown kind %llu", name,
				(unsigned long long)(flags & EXPORT_KIND_MASK));
	copy = objload_image_strdup(c->img, name);
	sym = objload_image_add_symbols(c->img, 1);
	if (!copy || !sym)
		return dy_nomem(c);
	sym->name = copy;
	sym->cname = macho_c_level_name(c->img, copy, 0, &nomem);
	if (nomem)
		return dy_nomem(c);
	sym->binding = flags & EXPORT_WEAK_DEFINITION ? OBJLOAD_BIND_WEAK : OBJLOAD_BIND_GLOBAL;
	sym->native_index = OBJLOAD_NO_INDEX;
	if ((flags & EXPORT_KIND_MASK) == EXPORT_KIND_ABSOLUTE) {
		sym->def = OBJLOAD_DEF_ABSOLUTE;
		sym->value = addr;
		sym->section = OBJLOAD_NO_INDEX;
	} else {
		uint32_t s = addr > UINT64_MAX - c->base ? OBJLOAD_NO_INDEX :
			dy_section_at(c, c->base + addr, 1);

		if (s == OBJLOAD_NO_INDEX)
			return dy_error(c, "export '%s' at offset 0x%llx is outside every loaded "
					"segment", name, (unsigned long long)addr);
		sym->def = OBJLOAD_DEF_SECTION;
		sym->section = s;
		sym->value = c->base + addr - c->img->sections[s].file_addr;
		sym->type = c->img->sections[s].role == OBJLOAD_ROLE_CODE ? OBJLOAD_SYM_FUNC :
			OBJLOAD_SYM_OBJECT;
	}
	return OBJLOAD_OK;
}

/* The node at `node`, its name so far `len` bytes of tr->name. */
static objload_status dy_trie_node(struct dy_ctx *c, struct dy_trie *tr, uint64_t node,
				   size_t len, unsigned depth)
{
	struct rd_cursor cur = tr->t;
	uint64_t term, flags, addr, child;
	uint8_t nchildren;
	objload_status st;

	if (node >= cur.len || tr->visited[node])
		return dy_error(c, "exports trie: node offset 0x%llx is %s",
				(unsigned long long)node, node >= cur.len ? "outside the trie" :
				"reached twice (a loop)");
	if (depth > DY_TRIE_DEPTH / 2)
		return dy_error(c, "exports trie: deeper than %d nodes", DY_TRIE_DEPTH / 2);
	tr->visited[node] = 1;
	cur.off = (size_t)node;
	if (rd_uleb(&cur, &term) || term > cur.len - cur.off)
		return dy_error(c, "exports trie: node 0x%llx: a bad terminal size",
				(unsigned long long)node);
	if (term) {
		struct rd_cursor t = { 0 };

		(void)rd_window(&cur, term, &t);
		if (rd_uleb(&t, &flags))
			return dy_error(c, "exports trie: node 0x%llx is truncated",
					(unsigned long long)node);
		tr->name[len] = '\0';
		if (flags & EXPORT_REEXPORT)
			return dy_unsupported(c, "export '%s' re-exports another library's symbol: "
					      "not supported yet", tr->name);
		if (rd_uleb(&t, &addr))
			return dy_error(c, "exports trie: export '%s' is truncated", tr->name);
		st = dy_export(c, tr->name, flags, addr);
		if (st)
			return st;
	}
	if (rd_u8(&cur, &nchildren))
		return dy_error(c, "exports trie: node 0x%llx is truncated", (unsigned long long)node);
	for (unsigned k = 0; k < nchildren; k++) {
		const char *label;
		size_t n;

		if (rd_cstr(&cur, &label) || rd_uleb(&cur, &child))
			return dy_error(c, "exports trie: node 0x%llx: child %u is truncated",
					(unsigned long long)node, k);
		n = strlen(label);
		if (!n || n >= sizeof(tr->name) - len)
			return dy_error(c, "exports trie: a name longer than %d bytes or an empty edge",
					DY_TRIE_DEPTH);
		memcpy(tr->name + len, label, n);
		st = dy_trie_node(c, tr, child, len + n, depth + 1);
		if (st)
			return st;
	}
	return OBJLOAD_OK;
}

static objload_status dy_exports(struct dy_ctx *c)
{
	struct dy_trie *tr;
	objload_status st;

	if (!c->export_size)
		return OBJLOAD_OK;
	tr = calloc(1, sizeof(*tr));
	if (!tr)
		return dy_nomem(c);
	(void)dy_window(c, c->export_off, c->export_size, &tr->t);
	tr->visited = calloc(c->export_size, 1);
	st = tr->visited ? dy_trie_node(c, tr, 0, 0, 0) : dy_nomem(c);
	free(tr->visited);
	free(tr);
	return st;
}

/* ---- Initializers --------------------------------------------------------------------- */

static objload_status dy_inits(struct dy_ctx *c)
{
	objload_image *img = c->img;

	for (uint32_t i = 0; i < c->nsegs; i++) {
		const struct dy_segment *s = &c->segs[i];

		for (uint32_t k = 0; k < s->nsects; k++) {
			struct rd_cursor r = { 0 };
			char sectname[17];
			uint64_t addr, size;
			uint32_t flags, type, sec;
			objload_init_table *t;

			(void)dy_window(c, s->sect_off + 80 * (uint64_t)k, 80, &r);
			memcpy(sectname, r.p, 16);
			sectname[16] = '\0';
			addr = rd_le(r.p + 32, 8);
			size = rd_le(r.p + 40, 8);
			flags = (uint32_t)rd_le(r.p + 64, 4);
			type = flags & 0xff;
			if (type >= S_THREAD_LOCAL_REGULAR && type <= S_THREAD_LOCAL_INIT_FUNCTION_POINTERS)
				return dy_unsupported(c, "section %s,%s is thread-local: TLS in dylibs is "
						      "not supported yet", s->name, sectname);
			if (type != S_MOD_INIT_FUNC_POINTERS && type != S_MOD_TERM_FUNC_POINTERS &&
			    type != S_INIT_FUNC_OFFSETS)
				continue;
			if (!size)
				continue;
			sec = dy_section_at(c, addr, 0);
			if (sec == OBJLOAD_NO_INDEX || img->sections[sec].role == OBJLOAD_ROLE_ZEROFILL ||
			    img->sections[sec].size - (addr - img->sections[sec].file_addr) < size ||
			    size % (type == S_INIT_FUNC_OFFSETS ? 4 : 8))
				return dy_error(c, "section %s,%s (0x%llx, %llu bytes) is not whole entries "
						"inside the file bytes of its segment", s->name, sectname,
						(unsigned long long)addr, (unsigned long long)size);
			if (type == S_INIT_FUNC_OFFSETS) {
				/* 32-bit offsets: pointers to them in a section of our own */
				uint64_t n = size / 4;
				const uint8_t *offs = img->sections[sec].bytes +
					(addr - img->sections[sec].file_addr);
				uint32_t slots = fmt_add_slots(img, n, "__init_offsets.pointers");

				if (slots == OBJLOAD_NO_INDEX)
					return dy_nomem(c);
				for (uint64_t j = 0; j < n; j++) {
					objload_edge *e = NULL;
					uint64_t fn = c->base + rd_le(offs + 4 * j, 4);
					uint32_t in = dy_section_at(c, fn, 0);
					objload_status st;

					if (in == OBJLOAD_NO_INDEX || img->sections[in].role != OBJLOAD_ROLE_CODE)
						return dy_error(c, "__init_offsets entry %llu (0x%llx) is not in "
								"an executable segment", (unsigned long long)j,
								(unsigned long long)fn);
					st = dy_edge_in(c, slots, 8 * j, FIX_INIT_OFFSET, &e);
					if (st)
						return st;
					e->symbol = in;
					e->addend = (int64_t)(fn - img->sections[in].file_addr);
				}
				sec = slots;
				addr = img->sections[slots].file_addr;
				size = n * 8;
			}
			t = objload_image_add_inits(img, 1);
			if (!t)
				return dy_nomem(c);
			t->kind = type == S_MOD_TERM_FUNC_POINTERS ? OBJLOAD_INIT_DESTRUCTOR :
				OBJLOAD_INIT_CONSTRUCTOR;
			t->section = sec;
			t->offset = addr - img->sections[sec].file_addr;
			t->count = size / 8;
			t->priority = 0;
		}
	}
	return OBJLOAD_OK;
}

/* Every section record inside its segment's command and address range. */
static objload_status dy_check_sections(struct dy_ctx *c)
{
	for (uint32_t i = 0; i < c->nsegs; i++) {
		const struct dy_segment *s = &c->segs[i];
		struct rd_cursor r = { 0 };

		if (dy_window(c, s->sect_off, 80 * (uint64_t)s->nsects, &r))
			return dy_error(c, "segment %s: its section records are outside the file",
					s->name);
		for (uint32_t k = 0; k < s->nsects; k++) {
			uint64_t addr = rd_le(r.p + 80 * (size_t)k + 32, 8);
			uint64_t size = rd_le(r.p + 80 * (size_t)k + 40, 8);

			if (addr < s->vmaddr || addr - s->vmaddr > s->vmsize ||
			    s->vmsize - (addr - s->vmaddr) < size)
				return dy_error(c, "segment %s: section %u (0x%llx, %llu bytes) lies "
						"outside the segment", s->name, k,
						(unsigned long long)addr, (unsigned long long)size);
		}
	}
	return OBJLOAD_OK;
}

/* ---- Entry points ---------------------------------------------------------------------- */

objload_status macho_dylib_parse(objload_image *img, const struct macho_dylib_header *h)
{
	struct dy_ctx *c = calloc(1, sizeof(*c));
	struct dy_info *info = objload_image_alloc(img, sizeof(*info));
	objload_status st;

	if (!c || !info) {
		free(c);
		return objload_image_error(img, OBJLOAD_ERR_NOMEM, "out of memory");
	}
	c->img = img;
	c->h = h;
	c->file = h->file;
	c->size = h->size;
	img->arch = h->arch;
	img->kind = OBJLOAD_IMAGE_SHARED;
	img->callconv = OBJLOAD_CC_SYSV;
	img->layout_meaningful = 1;
	img->format_data = info;
	info->bundle = h->filetype == MH_BUNDLE;
	st = dy_commands(c);
	if (!st)
		st = dy_check_sections(c);
	if (!st && !c->have_info && !c->have_chained)
		st = dy_error(c, "neither LC_DYLD_INFO nor LC_DYLD_CHAINED_FIXUPS: the image "
			      "cannot be relocated");
	if (!st)
		st = dy_build_sections(c);
	if (!st)
		st = dy_section_symbols(c);
	if (!st)
		st = dy_exports(c);
	if (!st && c->have_info) {
		st = dy_rebase_stream(c);
		if (!st)
			st = dy_bind_stream(c, c->bind_off, c->bind_size, 0, FIX_BIND, "bind opcodes");
		if (!st)
			st = dy_bind_stream(c, c->lazy_off, c->lazy_size, 1, FIX_LAZY_BIND,
					    "lazy bind opcodes");
		if (!st)
			st = dy_bind_stream(c, c->weak_off, c->weak_size, 0, FIX_WEAK_BIND,
					    "weak bind opcodes");
		if (!st)
			st = dy_drop_overwritten_rebases(c);
	}
	if (!st && c->have_chained)
		st = dy_chained(c);
	if (!st)
		st = dy_inits(c);
	if (!st && c->nneeded) {
		img->needed = objload_image_alloc(img, c->nneeded * sizeof(char *));
		if (!img->needed)
			st = dy_nomem(c);
		else
			memcpy(img->needed, c->needed, c->nneeded * sizeof(char *));
		img->nneeded = c->nneeded;
	}
	for (uint32_t i = 0; i < c->nsegs; i++)
		info->nsegments += c->segs[i].loaded;
	free(c->imports);
	free(c->slots);
	free(c);
	return st;
}

objload_status macho_dylib_plan(const objload_image *img, const objload_plan_query *q,
				objload_plan_choice *choice)
{
	const struct dy_info *info = img->format_data;

	return fmt_plan_linked(img, q, info && info->bundle ? "a Mach-O bundle" : "a Mach-O dylib",
			       "segment", info ? info->nsegments : 0, choice);
}

const char *macho_dylib_fixup_name(uint32_t native_type)
{
	static const char *const names[] = {
		"REBASE", "BIND", "LAZY_BIND", "WEAK_BIND", "CHAINED_REBASE", "CHAINED_BIND",
		"INIT_OFFSET",
	};

	if (native_type < FIX_REBASE || native_type - FIX_REBASE >= sizeof(names) / sizeof(names[0]))
		return NULL;
	return names[native_type - FIX_REBASE];
}
