/* SPDX-License-Identifier: MIT */
/*
 * The link: plan, allocate, copy, relocate, finalize.
 *
 * Plan.  Each image's plug-in proposes a strategy (or accepts the user's).
 * Whole-image packs the sections of every image in the link into one
 * reservation, grouped into page-aligned segments by final protection
 * (code+stubs: R-X; read-only data+GOT: R--; data+zero-fill+commons: RW-),
 * so every intra-link distance is bounded by the reservation's size and
 * only references that leave the link (the host, user definitions) need
 * stubs.  Per-section gives each loadable section its own allocation,
 * followed by the stubs and GOT slots of the fixups in that section, so
 * those are always within reach of their users; references between
 * sections may then be out of reach, which branches survive through stubs
 * and address loads through GOT slots; anything else fails with a clear
 * error.  GOT slots and stubs are counted before anything is allocated.
 *
 * Windows.  Some fixups constrain where memory may go: a narrow absolute
 * fixup (non-PIC code's R_X86_64_32) needs its target below 2^31 or 2^32;
 * a narrow PC-relative data fixup aimed at a host symbol needs the field
 * within +-2 GiB of it.  The plan turns them into an address window per
 * segment which the memory manager honours or refuses.
 *
 * Relocate.  Every fixup is computed with target addresses and written
 * through working addresses by the arch's applier.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <inttypes.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/archive.h"
#include "core/core.h"

#define PAGE_MIN 4096u

static int section_loaded(const objload_section *sec)
{
	switch (sec->role) {
	case OBJLOAD_ROLE_CODE:
	case OBJLOAD_ROLE_RODATA:
	case OBJLOAD_ROLE_DATA:
	case OBJLOAD_ROLE_ZEROFILL:
	case OBJLOAD_ROLE_UNWIND:
		return 1;
	case OBJLOAD_ROLE_TLS:      /* not supported yet: TLS fixups fail */
	case OBJLOAD_ROLE_DEBUG:
	case OBJLOAD_ROLE_NOLOAD:
		return 0;
	}
	return 0;
}

static int prot_of_role(objload_section_role role)
{
	switch (role) {
	case OBJLOAD_ROLE_CODE:
		return OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC;
	case OBJLOAD_ROLE_DATA:
	case OBJLOAD_ROLE_ZEROFILL:
		return OBJLOAD_PROT_READ | OBJLOAD_PROT_WRITE;
	default:
		return OBJLOAD_PROT_READ;
	}
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static objload_status add_piece(objload_session *s, piece_kind kind,
				uint64_t size, uint64_t align, int prot,
				uint32_t *out)
{
	piece *p;

	if (s->npieces == s->pieces_cap) {
		size_t ncap = s->pieces_cap ? s->pieces_cap * 2 : 64;
		piece *n = realloc(s->pieces, ncap * sizeof(*n));

		if (!n)
			return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
		s->pieces = n;
		s->pieces_cap = ncap;
	}
	p = &s->pieces[s->npieces];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->size = size;
	p->align = align;
	p->prot = prot;
	p->image = p->section = p->area = p->segment = OBJLOAD_NO_INDEX;
	*out = (uint32_t)s->npieces++;
	return OBJLOAD_OK;
}

static objload_status choose_strategy(objload_session *s, objload_strategy *out)
{
	int any_section = 0;

	for (size_t i = 0; i < s->nimages; i++) {
		objload_image *img = s->images[i];
		core_image *ci = core_of(img);
		objload_status st;

		st = img->format->plan(img, s->strategy, &ci->choice);
		if (st)
			return core_error(s, st, "%s: the %s plug-in refuses the %s strategy: %s",
					  img->path, img->format->name,
					  objload_strategy_name(s->strategy),
					  ci->choice.reason ? ci->choice.reason : "no reason given");
		if (ci->choice.strategy != OBJLOAD_STRATEGY_WHOLE &&
		    ci->choice.strategy != OBJLOAD_STRATEGY_SECTION)
			return core_error(s, OBJLOAD_ERR_FORMAT,
					  "%s: the %s plug-in chose no strategy",
					  img->path, img->format->name);
		ci->strategy = ci->choice.strategy;
		any_section |= ci->strategy == OBJLOAD_STRATEGY_SECTION;
	}
	/* One link is laid out one way: per-section is the more general, so
	 * it wins when the plug-ins disagree. */
	*out = any_section ? OBJLOAD_STRATEGY_SECTION : OBJLOAD_STRATEGY_WHOLE;
	return OBJLOAD_OK;
}

/* The identity a GOT slot or stub is shared by. */
static uint64_t target_identity(const symres *r, uint32_t image, uint32_t sym)
{
	if (r->global != OBJLOAD_NO_INDEX)
		return r->global;
	return (1ull << 63) | ((uint64_t)image << 32) | sym;
}

/* GOT slots are shared per target; stubs per target and addend, since a
 * stub stands for S + A (a branch to a function's inside, as AArch64
 * section-relative calls are, needs its own). */
static objload_status need_slot(objload_session *s, uint32_t area_idx,
				int is_stub, uint32_t image, uint32_t sym,
				int64_t addend, uint32_t *out)
{
	const symres *r = &core_of(s->images[image])->res[sym];
	uint64_t k1 = ((uint64_t)area_idx << 1) | (unsigned)is_stub;
	uint64_t k2 = target_identity(r, image, sym);

	if (is_stub)
		k1 ^= ((uint64_t)addend - (uint64_t)s->arch->branch_addend_bias) *
		      0x9e3779b97f4a7c15ull << 1;
	area *a = &s->areas[area_idx];
	struct slot_rec *rec;

	if (hashmap_get_int(&s->slot_index, k1, k2, out))
		return OBJLOAD_OK;
	*out = is_stub ? a->nstubs++ : a->ngot++;
	if (hashmap_put_int(&s->slot_index, k1, k2, *out))
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	if (s->nslots == s->slots_cap) {
		size_t ncap = s->slots_cap ? s->slots_cap * 2 : 64;
		struct slot_rec *n = realloc(s->slots, ncap * sizeof(*n));

		if (!n)
			return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
		s->slots = n;
		s->slots_cap = ncap;
	}
	rec = &s->slots[s->nslots++];
	rec->area = area_idx;
	rec->index = *out;
	rec->image = image;
	rec->symbol = sym;
	rec->is_stub = is_stub;
	rec->addend = addend;
	return OBJLOAD_OK;
}

/* Could a branch from `ii`/`section` to r be out of reach? */
static int may_be_far(objload_strategy strategy, const symres *r,
		      uint32_t ii, uint32_t section)
{
	/* an undefined weak function is never called, but its call must
	 * still be encodable: it goes to a stub holding 0 */
	if (strategy == OBJLOAD_STRATEGY_WHOLE)
		return r->kind == RES_ADDRESS || r->kind == RES_WEAK_ZERO;
	return !(r->kind == RES_SECTION && r->image == ii && r->section == section);
}

/* A narrow fixup whose value depends on where its target is, and that
 * neither a stub nor a GOT slot serves. */
static int narrow_direct(const arch_kind *k)
{
	return k->width && k->range_bits < 64 && k->check != ARCH_CHECK_ANY &&
	       !(k->flags & (OBJLOAD_KF_GOT | OBJLOAD_KF_GOTBASE | OBJLOAD_KF_STUB |
			     OBJLOAD_KF_IMAGEBASE | OBJLOAD_KF_SECTIONBASE |
			     OBJLOAD_KF_SUB));
}

static int narrow_absolute(const arch_kind *k)
{
	return narrow_direct(k) && !(k->flags & OBJLOAD_KF_PCREL);
}

/*
 * Non-PIC code (narrow absolute fixups aimed into the link) forces the
 * link below 2 or 4 GiB, out of reach of the host's libraries.  A static
 * linker meets the same problem for a non-PIE executable with copy
 * relocations and canonical PLT entries, and so does objload: a host
 * function referenced by such a fixup is given a stub inside the link
 * that stands for its address, and a host data object is copied into the
 * link at load time.  The copy is a snapshot: later writes by the host to
 * its own object are not seen (libc's stdin/stdout/stderr pointers, the
 * usual case, never change).
 */
static objload_status plan_host_copies(objload_session *s)
{
	int low = 0;

	for (size_t i = 0; i < s->nimages && !low; i++) {
		objload_image *img = s->images[i];
		core_image *ci = core_of(img);

		for (size_t e = 0; e < img->nedges && !low; e++) {
			const objload_edge *ed = &img->edges[e];
			const symres *r;

			if (ed->symbol == OBJLOAD_NO_INDEX || ci->discarded[ed->section] ||
			    !narrow_absolute(&s->arch->kinds[ed->kind]))
				continue;
			r = &ci->res[ed->symbol];
			low = r->kind == RES_SECTION || r->kind == RES_COMMON ||
			      r->kind == RES_BUILTIN;
		}
	}
	if (!low)
		return OBJLOAD_OK;
	for (size_t i = 0; i < s->nimages; i++) {
		objload_image *img = s->images[i];
		core_image *ci = core_of(img);

		for (size_t e = 0; e < img->nedges; e++) {
			const objload_edge *ed = &img->edges[e];
			const symres *r;
			global_sym *g;

			if (ed->symbol == OBJLOAD_NO_INDEX || ci->discarded[ed->section] ||
			    !narrow_direct(&s->arch->kinds[ed->kind]))
				continue;
			r = &ci->res[ed->symbol];
			if (r->kind != RES_ADDRESS || r->global == OBJLOAD_NO_INDEX)
				continue;
			g = &s->globals[r->global];
			if (!g->from_host || g->host_copy || g->host_canonical)
				continue;
			if (core_host_address_is_code(r->value)) {
				g->host_canonical = 1;
				continue;
			}
			if (!core_host_object_size(r->value, g->name, &g->host_size))
				continue;   /* unknown size: fails with a range error */
			g->host_copy = 1;
		}
	}
	/* every reference to such a symbol now goes to the stand-in */
	for (size_t i = 0; i < s->nimages; i++) {
		objload_image *img = s->images[i];
		core_image *ci = core_of(img);

		for (uint32_t j = 0; j < img->nsymbols; j++) {
			symres *r = &ci->res[j];
			global_sym *g;

			if (r->kind != RES_ADDRESS || r->global == OBJLOAD_NO_INDEX)
				continue;
			g = &s->globals[r->global];
			if (g->host_copy) {
				r->kind = RES_COMMON;
				r->value = r->global;
			} else if (g->host_canonical) {
				r->kind = RES_CANONICAL;
				r->value = r->global;
			}
		}
	}
	return OBJLOAD_OK;
}

static objload_status plan_sections(objload_session *s, objload_strategy strategy)
{
	for (size_t i = 0; i < s->nimages; i++) {
		objload_image *img = s->images[i];
		core_image *ci = core_of(img);

		ci->sec_piece = malloc((img->nsections ? img->nsections : 1) * sizeof(uint32_t));
		ci->edge_slot = malloc((img->nedges ? img->nedges : 1) * sizeof(uint32_t));
		ci->edge_stub = malloc((img->nedges ? img->nedges : 1) * sizeof(uint32_t));
		if (!ci->sec_piece || !ci->edge_slot || !ci->edge_stub)
			return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
		for (uint32_t j = 0; j < img->nsections; j++) {
			const objload_section *sec = &img->sections[j];
			objload_status st;
			piece *p;

			ci->sec_piece[j] = OBJLOAD_NO_INDEX;
			if (!section_loaded(sec) || ci->discarded[j])
				continue;
			if (img->arch != s->arch->id)
				return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
						  "%s is for %s, the session links %s",
						  img->path, objload_arch_name(img->arch),
						  s->arch->name);
			st = add_piece(s, PIECE_SECTION, sec->size, sec->align,
				       prot_of_role(sec->role), &ci->sec_piece[j]);
			if (st)
				return st;
			p = &s->pieces[ci->sec_piece[j]];
			p->image = (uint32_t)i;
			p->section = j;
		}
	}
	/* areas: one for the whole link, or one per section piece */
	s->nareas = strategy == OBJLOAD_STRATEGY_WHOLE ? 1 : s->npieces;
	s->areas = calloc(s->nareas ? s->nareas : 1, sizeof(*s->areas));
	if (!s->areas)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	for (size_t a = 0; a < s->nareas; a++)
		s->areas[a].got_piece = s->areas[a].stub_piece = OBJLOAD_NO_INDEX;
	return OBJLOAD_OK;
}

static objload_status plan_slots(objload_session *s, objload_strategy strategy)
{
	const arch_ops *arch = s->arch;

	for (size_t i = 0; i < s->nimages; i++) {
		objload_image *img = s->images[i];
		core_image *ci = core_of(img);

		for (size_t e = 0; e < img->nedges; e++) {
			const objload_edge *ed = &img->edges[e];
			uint32_t flags = arch->kinds[ed->kind].flags;
			uint32_t a;
			objload_status st;

			ci->edge_slot[e] = ci->edge_stub[e] = OBJLOAD_NO_INDEX;
			if (ci->sec_piece[ed->section] == OBJLOAD_NO_INDEX)
				continue;
			a = strategy == OBJLOAD_STRATEGY_WHOLE ? 0 : ci->sec_piece[ed->section];
			if (flags & (OBJLOAD_KF_GOTBASE | OBJLOAD_KF_GOT))
				s->areas[a].needs_got_base = 1;
			if (ed->symbol == OBJLOAD_NO_INDEX)
				continue;
			if (flags & OBJLOAD_KF_GOT) {
				st = need_slot(s, a, 0, (uint32_t)i, ed->symbol, 0, &ci->edge_slot[e]);
				if (st)
					return st;
			}
			if ((flags & OBJLOAD_KF_STUB) &&
			    may_be_far(strategy, &ci->res[ed->symbol], (uint32_t)i, ed->section)) {
				/* per-section stubs share their section's
				 * segment, which must then be executable */
				if (strategy == OBJLOAD_STRATEGY_SECTION &&
				    !(s->pieces[a].prot & OBJLOAD_PROT_EXEC))
					return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
							  "%s: section %s: a branch fixup outside code",
							  img->path, img->sections[ed->section].name);
				st = need_slot(s, a, 1, (uint32_t)i, ed->symbol, ed->addend,
					       &ci->edge_stub[e]);
				if (st)
					return st;
			}
		}
	}
	for (size_t a = 0; a < s->nareas; a++) {
		area *ar = &s->areas[a];
		objload_status st;

		if (ar->ngot || ar->needs_got_base) {
			/* at least one entry so the GOT base is an address
			 * inside the allocation */
			uint64_t n = ar->ngot ? ar->ngot : 1;

			st = add_piece(s, PIECE_GOT, n * arch->pointer_size,
				       arch->pointer_size, OBJLOAD_PROT_READ, &ar->got_piece);
			if (st)
				return st;
			s->pieces[ar->got_piece].area = (uint32_t)a;
			s->metrics.got_entries += ar->ngot;
		}
		if (ar->nstubs) {
			st = add_piece(s, PIECE_STUBS, (uint64_t)ar->nstubs * arch->stub_size,
				       arch->stub_align,
				       OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC, &ar->stub_piece);
			if (st)
				return st;
			s->pieces[ar->stub_piece].area = (uint32_t)a;
			s->metrics.stubs += ar->nstubs;
		}
	}
	return OBJLOAD_OK;
}

static objload_status plan_commons_and_thunks(objload_session *s)
{
	uint64_t off = s->link_only ? 0 : CORE_RUNTIME_DATA_SIZE;
	uint64_t align = s->link_only ? 1 : 16;
	unsigned nthunks = 0;
	objload_status st;

	for (size_t g = 0; g < s->nglobals; g++) {
		global_sym *gs = &s->globals[g];

		if (gs->host_copy) {
			gs->common_size = gs->host_size;
			gs->common_align = 16;
		} else if (gs->strength != 1) {
			continue;
		}
		off = align_up(off, gs->common_align);
		gs->common_offset = off;
		off += gs->common_size ? gs->common_size : 1;
		if (gs->common_align > align)
			align = gs->common_align;
	}
	if (off) {
		st = add_piece(s, PIECE_COMMONS, off, align,
			       OBJLOAD_PROT_READ | OBJLOAD_PROT_WRITE, &s->commons_piece);
		if (st)
			return st;
	}
	nthunks += s->builtin_used[BUILTIN_ATEXIT] + s->builtin_used[BUILTIN_ATEXIT_MS];
	off = (uint64_t)nthunks * s->arch->bind_thunk_size;
	for (size_t g = 0; g < s->nglobals; g++) {
		if (!s->globals[g].host_canonical)
			continue;
		off = align_up(off, s->arch->stub_align);
		s->globals[g].synth_offset = off;
		off += s->arch->stub_size;
	}
	off = core_plan_ccthunks(s, off);
	if (off) {
		st = add_piece(s, PIECE_THUNKS, off,
			       16, OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC, &s->thunks_piece);
		if (st)
			return st;
	}
	if (s->nimports) {
		st = add_piece(s, PIECE_GOT, s->nimports * s->arch->pointer_size,
			       s->arch->pointer_size, OBJLOAD_PROT_READ, &s->imports_piece);
		if (st)
			return st;
	}
	return OBJLOAD_OK;
}

/* The piece that makes a plan too big, for messages. */
static const piece *largest_piece(const objload_session *s)
{
	const piece *best = NULL;

	for (size_t p = 0; p < s->npieces; p++)
		if (!best || s->pieces[p].size > best->size)
			best = &s->pieces[p];
	return best;
}

static const char *largest_piece_file(const objload_session *s)
{
	const piece *p = largest_piece(s);

	if (p && p->kind == PIECE_SECTION)
		return s->images[p->image]->path;
	return s->nimages ? s->images[0]->path : "objload";
}

static const char *largest_piece_name(const objload_session *s)
{
	const piece *p = largest_piece(s);

	if (p && p->kind == PIECE_SECTION)
		return s->images[p->image]->sections[p->section].name;
	return p && p->kind == PIECE_COMMONS ? "the common symbols" : "synthesized";
}

/* Segments for the whole-image strategy: one per protection class. */
static objload_status layout_whole(objload_session *s)
{
	static const int classes[] = {
		OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC,
		OBJLOAD_PROT_READ,
		OBJLOAD_PROT_READ | OBJLOAD_PROT_WRITE,
	};
	static const char *const names[] = { "text", "rodata", "data" };
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t base = 0;
	size_t nseg = 0;

	s->segments = calloc(3, sizeof(*s->segments));
	if (!s->segments)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	for (size_t c = 0; c < 3; c++) {
		uint64_t off = 0;
		int any = 0;

		for (size_t p = 0; p < s->npieces; p++) {
			piece *pc = &s->pieces[p];

			if (pc->prot != classes[c])
				continue;
			off = align_up(off, pc->align);
			pc->offset = off;
			pc->segment = (uint32_t)nseg;
			off += pc->size;
			any = 1;
			s->metrics.bytes_used += pc->size;
		}
		if (!any)
			continue;
		s->segments[nseg].name = names[c];
		s->segments[nseg].size = align_up(off ? off : 1, page);
		s->segments[nseg].align = page;
		s->segments[nseg].prot = classes[c];
		s->segments[nseg].offset = base;
		s->segments[nseg].window_lo = 0;
		s->segments[nseg].window_hi = UINT64_MAX;
		base += s->segments[nseg].size;
		nseg++;
	}
	if (base > (1ull << 31) - (1ull << 24))
		return core_error(s, OBJLOAD_ERR_RANGE,
				  "%s: the whole image would be %" PRIu64 " MiB: more than 32-bit "
				  "PC-relative fixups can span (its largest section is %s)",
				  largest_piece_file(s), base >> 20, largest_piece_name(s));
	s->request.layout = OBJLOAD_LAYOUT_CONTIGUOUS;
	s->request.nsegments = nseg;
	s->request.segments = s->segments;
	s->request.span = base;
	return OBJLOAD_OK;
}

/* Segments for per-section: one per section with its area's GOT and
 * stubs behind it; commons and thunks on their own. */
static objload_status layout_sections(objload_session *s)
{
	size_t nseg = 0;

	s->segments = calloc(s->npieces ? s->npieces : 1, sizeof(*s->segments));
	if (!s->segments)
		return core_error(s, OBJLOAD_ERR_NOMEM, "out of memory");
	for (size_t p = 0; p < s->npieces; p++) {
		piece *pc = &s->pieces[p];
		objload_segment *seg;
		uint64_t off;

		if ((pc->kind == PIECE_GOT || pc->kind == PIECE_STUBS) &&
		    pc->area != OBJLOAD_NO_INDEX)
			continue;   /* placed with their section */
		seg = &s->segments[nseg];
		pc->segment = (uint32_t)nseg;
		pc->offset = 0;
		off = pc->size;
		seg->align = pc->align;
		seg->prot = pc->prot;
		s->metrics.bytes_used += pc->size;
		if (pc->kind == PIECE_SECTION) {
			const objload_image *img = s->images[pc->image];

			seg->name = img->sections[pc->section].name;
			if (p < s->nareas) {
				area *ar = &s->areas[p];
				uint32_t extra[2] = { ar->stub_piece, ar->got_piece };

				for (int k = 0; k < 2; k++) {
					piece *x;

					if (extra[k] == OBJLOAD_NO_INDEX)
						continue;
					x = &s->pieces[extra[k]];
					off = align_up(off, x->align);
					x->segment = (uint32_t)nseg;
					x->offset = off;
					off += x->size;
					s->metrics.bytes_used += x->size;
					if (x->align > seg->align)
						seg->align = x->align;
				}
			}
		} else {
			seg->name = pc->kind == PIECE_COMMONS ? "commons" :
				pc->kind == PIECE_THUNKS ? "thunks" : "imports";
		}
		seg->size = off ? off : 1;
		seg->window_lo = 0;
		seg->window_hi = UINT64_MAX;
		nseg++;
	}
	s->request.layout = OBJLOAD_LAYOUT_INDEPENDENT;
	s->request.nsegments = nseg;
	s->request.segments = s->segments;
	s->request.span = 0;
	return OBJLOAD_OK;
}

static const char *reloc_display(const objload_image *img, const objload_edge *ed,
				 const arch_ops *arch, char *buf, size_t len)
{
	const char *n = img->format->reloc_name ?
		img->format->reloc_name(img, ed->native_type) : NULL;

	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "%s (type %u)", arch->kinds[ed->kind].name,
			 ed->native_type);
	return buf;
}

/* Narrow the windows of the segments the fixups constrain. */
static objload_status plan_windows(objload_session *s, objload_strategy strategy)
{
	const arch_ops *arch = s->arch;
	uint64_t low_limit = UINT64_MAX;
	size_t nseg = s->request.nsegments;

	for (size_t i = 0; i < s->nimages; i++) {
		objload_image *img = s->images[i];
		core_image *ci = core_of(img);

		for (size_t e = 0; e < img->nedges; e++) {
			const objload_edge *ed = &img->edges[e];
			const arch_kind *k = &arch->kinds[ed->kind];
			const symres *r;
			objload_segment *seg;
			uint64_t reach, lo, hi, h;
			char rn[64];

			if (ci->sec_piece[ed->section] == OBJLOAD_NO_INDEX ||
			    ed->symbol == OBJLOAD_NO_INDEX || !k->width || k->range_bits >= 64 ||
			    k->check == ARCH_CHECK_ANY)
				continue;
			r = &ci->res[ed->symbol];
			if (!(k->flags & (OBJLOAD_KF_PCREL | OBJLOAD_KF_GOTBASE |
					  OBJLOAD_KF_IMAGEBASE | OBJLOAD_KF_SECTIONBASE |
					  OBJLOAD_KF_SUB))) {
				/* narrow absolute: the target must be low */
				uint64_t lim = k->check == ARCH_CHECK_SIGNED ?
					1ull << (k->range_bits - 1) : 1ull << k->range_bits;

				if ((r->kind == RES_SECTION || r->kind == RES_COMMON ||
				     r->kind == RES_BUILTIN || r->kind == RES_CANONICAL ||
				     r->kind == RES_CCTHUNK || r->kind == RES_IMPORT) &&
				    lim < low_limit)
					low_limit = lim;
				continue;
			}
			if (!(k->flags & OBJLOAD_KF_PCREL) ||
			    (k->flags & (OBJLOAD_KF_GOT | OBJLOAD_KF_GOTBASE)) ||
			    ci->edge_stub[e] != OBJLOAD_NO_INDEX || r->kind != RES_ADDRESS)
				continue;
			/* PC-relative data reference to a fixed address.  Under
			 * per-section every segment must also stay in reach of
			 * the others, so all of them go within half the reach
			 * of the anchor. */
			reach = (1ull << (k->range_bits - 1)) - (1ull << 16);
			if (strategy == OBJLOAD_STRATEGY_SECTION)
				reach /= 2;
			h = r->value;
			lo = h > reach ? h - reach : 0;
			hi = h < UINT64_MAX - reach ? h + reach : UINT64_MAX;
			seg = &s->segments[0];
			if (lo > seg->window_lo)
				seg->window_lo = lo;
			if (hi < seg->window_hi)
				seg->window_hi = hi;
			if (seg->window_lo >= seg->window_hi)
				return core_error(s, OBJLOAD_ERR_RANGE,
						  "%s: section %s offset 0x%" PRIx64 ": %s against '%s': "
						  "the fixups of this link cannot all reach their targets from any placement",
						  img->path, img->sections[ed->section].name, ed->offset,
						  reloc_display(img, ed, arch, rn, sizeof(rn)),
						  core_symbol_display(img, ed->symbol));
		}
	}
	/* one window for every segment of the link */
	for (size_t g = 1; g < nseg; g++) {
		s->segments[g].window_lo = s->segments[0].window_lo;
		s->segments[g].window_hi = s->segments[0].window_hi;
	}
	if (low_limit == UINT64_MAX)
		return OBJLOAD_OK;
	/* non-PIC: everything we place must be low (simplest sound rule) */
	for (size_t g = 0; g < nseg; g++) {
		objload_segment *seg = &s->segments[g];

		if (low_limit < seg->window_hi)
			seg->window_hi = low_limit;
		if (seg->window_lo >= seg->window_hi) {
			/* find a fixup that made it impossible, for the message */
			for (size_t i = 0; i < s->nimages; i++) {
				objload_image *img = s->images[i];
				core_image *ci = core_of(img);

				for (size_t e = 0; e < img->nedges; e++) {
					const objload_edge *ed = &img->edges[e];
					const arch_kind *k = &arch->kinds[ed->kind];
					char rn[64];

					if (ed->symbol == OBJLOAD_NO_INDEX ||
					    ci->sec_piece[ed->section] == OBJLOAD_NO_INDEX ||
					    !(k->flags & OBJLOAD_KF_PCREL) || k->range_bits >= 64 ||
					    ci->edge_stub[e] != OBJLOAD_NO_INDEX ||
					    (k->flags & OBJLOAD_KF_GOT) ||
					    ci->res[ed->symbol].kind != RES_ADDRESS)
						continue;
					return core_error(s, OBJLOAD_ERR_RANGE,
							  "%s: section %s offset 0x%" PRIx64 ": %s against '%s' at 0x%" PRIx64
							  " cannot reach it: non-PIC code must be placed below 0x%" PRIx64
							  " (compile with -fPIC, or -fPIE)",
							  img->path, img->sections[ed->section].name,
							  ed->offset, reloc_display(img, ed, arch, rn, sizeof(rn)),
							  core_symbol_display(img, ed->symbol),
							  ci->res[ed->symbol].value, low_limit);
				}
			}
			return core_error(s, OBJLOAD_ERR_RANGE,
					  "segment %s cannot be placed below 0x%" PRIx64,
					  seg->name, low_limit);
		}
	}
	return OBJLOAD_OK;
}

uint64_t core_symbol_address(objload_session *s, const symres *r)
{
	switch (r->kind) {
	case RES_SECTION: {
		core_image *ci = core_of(s->images[r->image]);
		uint32_t p = ci->sec_piece[r->section];

		return p == OBJLOAD_NO_INDEX ? 0 : s->pieces[p].target + r->value;
	}
	case RES_ADDRESS:
		return r->value;
	case RES_COMMON:
		return s->pieces[s->commons_piece].target +
			s->globals[r->value].common_offset;
	case RES_BUILTIN:
		return s->builtin_addr[r->value];
	case RES_CANONICAL:
		return s->pieces[s->thunks_piece].target +
			s->globals[r->value].synth_offset;
	case RES_CCTHUNK:
		return s->pieces[s->thunks_piece].target + s->ccthunks[r->value].offset;
	case RES_IMPORT:
		return s->pieces[s->imports_piece].target +
			r->value * s->arch->pointer_size;
	case RES_NONE:
	case RES_WEAK_ZERO:
	case RES_DISCARDED:
		break;
	}
	return 0;
}

uint64_t core_section_target(const objload_session *s, uint32_t image,
			     uint32_t section)
{
	const core_image *ci;
	uint32_t p;

	if (!s->allocated || image >= s->nimages)
		return 0;
	ci = core_of(s->images[image]);
	if (!ci->sec_piece || section >= s->images[image]->nsections)
		return 0;
	p = ci->sec_piece[section];
	return p == OBJLOAD_NO_INDEX ? 0 : s->pieces[p].target;
}

void *core_section_work(const objload_session *s, uint32_t image,
			uint32_t section)
{
	const core_image *ci;
	uint32_t p;

	if (!s->allocated || image >= s->nimages)
		return NULL;
	ci = core_of(s->images[image]);
	if (!ci->sec_piece || section >= s->images[image]->nsections)
		return NULL;
	p = ci->sec_piece[section];
	return p == OBJLOAD_NO_INDEX ? NULL : s->pieces[p].work;
}

uint64_t core_symbol_target(objload_session *s, uint32_t image, uint32_t symbol)
{
	const objload_image *img;
	const objload_symbol *sym;
	const core_image *ci;

	if (!s->allocated || image >= s->nimages)
		return 0;
	img = s->images[image];
	ci = core_of(img);
	if (symbol >= img->nsymbols)
		return 0;
	sym = &img->symbols[symbol];
	if (ci->res && ci->res[symbol].kind != RES_NONE)
		return core_symbol_address(s, &ci->res[symbol]);
	if (sym->def == OBJLOAD_DEF_SECTION) {
		uint64_t base = core_section_target(s, image, sym->section);

		return base ? base + sym->value : 0;
	}
	if (sym->def == OBJLOAD_DEF_ABSOLUTE)
		return sym->value;
	return 0;
}

/* core_symbol_address, with the two kinds relocate meets on nearly every
 * edge (a section of the link, a host address) inline. */
static inline uint64_t symbol_address_fast(objload_session *s, const symres *r)
{
	if (r->kind == RES_SECTION) {
		const core_image *ci = s->images[r->image]->core;
		uint32_t p = ci->sec_piece[r->section];

		return p == OBJLOAD_NO_INDEX ? 0 : s->pieces[p].target + r->value;
	}
	if (r->kind == RES_ADDRESS)
		return r->value;
	return core_symbol_address(s, r);
}

/* Place every piece and copy the section bytes.  Zero-fill, GOT, stub,
 * commons and thunk pieces are cleared only when the manager did not
 * return zeroed memory (request.zeroed). */
static void assign_and_copy(objload_session *s)
{
	int zeroed = s->request.zeroed;

	for (size_t p = 0; p < s->npieces; p++) {
		piece *pc = &s->pieces[p];
		objload_segment *seg = &s->segments[pc->segment];

		pc->target = seg->target + pc->offset;
		pc->work = (uint8_t *)seg->work + pc->offset;
		if (pc->kind == PIECE_SECTION) {
			const objload_section *sec =
				&s->images[pc->image]->sections[pc->section];

			if (sec->bytes && sec->role != OBJLOAD_ROLE_ZEROFILL)
				memcpy(pc->work, sec->bytes, sec->size);
			else if (!zeroed)
				memset(pc->work, 0, sec->size);
		} else if (!zeroed) {
			memset(pc->work, 0, pc->size);
		}
	}
	for (size_t g = 0; g < s->nglobals; g++) {
		const global_sym *gs = &s->globals[g];

		if (gs->host_copy)
			memcpy(s->pieces[s->commons_piece].work + gs->common_offset,
			       (const void *)(uintptr_t)gs->res.value, gs->host_size);
		if (gs->host_canonical) {
			piece *th = &s->pieces[s->thunks_piece];

			s->arch->write_stub(th->work + gs->synth_offset,
					    th->target + gs->synth_offset, gs->res.value);
		}
	}
}

static void write_slots(objload_session *s)
{
	const arch_ops *arch = s->arch;

	for (size_t i = 0; i < s->nslots; i++) {
		const struct slot_rec *rec = &s->slots[i];
		const symres *r = &core_of(s->images[rec->image])->res[rec->symbol];
		uint64_t dest = core_symbol_address(s, r);
		area *a = &s->areas[rec->area];

		if (rec->is_stub) {
			piece *pc = &s->pieces[a->stub_piece];
			uint64_t off = (uint64_t)rec->index * arch->stub_size;

			arch->write_stub(pc->work + off, pc->target + off,
					 dest + (uint64_t)rec->addend -
					 (uint64_t)arch->branch_addend_bias);
		} else {
			piece *pc = &s->pieces[a->got_piece];
			uint64_t off = (uint64_t)rec->index * arch->pointer_size;

			arch->write_got_entry(pc->work + off, dest);
		}
	}
}

static objload_status relocate(objload_session *s, objload_strategy strategy)
{
	const arch_ops *arch = s->arch;
	char err[256], rn[64];
	uint64_t image_base = UINT64_MAX;

	/* the base of image-relative fixups (COFF ADDR32NB): the lowest
	 * address of the link, so every offset from it is positive */
	for (size_t g = 0; g < s->request.nsegments; g++)
		if (s->segments[g].target < image_base)
			image_base = s->segments[g].target;

	for (size_t i = 0; i < s->nimages; i++) {
		objload_image *img = s->images[i];
		core_image *ci = core_of(img);
		const uint32_t *sec_piece = ci->sec_piece;
		const objload_edge *edges = img->edges;
		size_t nedges = img->nedges;

		for (size_t e = 0; e < nedges; e++) {
			const objload_edge *ed = &edges[e];
			const arch_kind *k = &arch->kinds[ed->kind];
			uint32_t sp = sec_piece[ed->section];
			piece *pc;
			area *a;
			arch_fixup fx;
			objload_status st;

			if (sp == OBJLOAD_NO_INDEX)
				continue;
			pc = &s->pieces[sp];
			a = &s->areas[strategy == OBJLOAD_STRATEGY_WHOLE ? 0 : sp];
			fx = (arch_fixup){ .A = ed->addend, .P = pc->target + ed->offset };
			if (ed->symbol != OBJLOAD_NO_INDEX) {
				const symres *r = &ci->res[ed->symbol];

				if (r->kind == RES_DISCARDED) {
					if (img->sections[ed->section].role == OBJLOAD_ROLE_UNWIND)
						continue;   /* unwind entry of discarded code */
					return core_error(s, OBJLOAD_ERR_FORMAT,
							  "%s: section %s offset 0x%" PRIx64 ": %s refers to '%s' in a discarded COMDAT section",
							  img->path, img->sections[ed->section].name,
							  ed->offset, reloc_display(img, ed, arch, rn, sizeof(rn)),
							  core_symbol_display(img, ed->symbol));
				}
				fx.S = symbol_address_fast(s, r);
				if (ci->edge_stub[e] != OBJLOAD_NO_INDEX &&
				    !arch->branch_reaches(ed->kind, fx.P, fx.S, fx.A)) {
					/* the stub holds S + A; branch to it exactly */
					fx.S = s->pieces[a->stub_piece].target +
						(uint64_t)ci->edge_stub[e] * arch->stub_size;
					fx.A = arch->branch_addend_bias;
				}
				if (ci->edge_slot[e] != OBJLOAD_NO_INDEX)
					fx.G = s->pieces[a->got_piece].target +
						(uint64_t)ci->edge_slot[e] * arch->pointer_size;
				if (k->flags & OBJLOAD_KF_SECTIONBASE && r->kind == RES_SECTION)
					fx.B = core_symbol_address(s, &(symres){
						.kind = RES_SECTION, .image = r->image,
						.section = r->section, .value = 0 });
			}
			if (a->got_piece != OBJLOAD_NO_INDEX)
				fx.GOT = s->pieces[a->got_piece].target;
			if (k->flags & OBJLOAD_KF_IMAGEBASE)
				fx.B = image_base;
			if (ed->subtrahend != OBJLOAD_NO_INDEX)
				fx.SUB = symbol_address_fast(s, &ci->res[ed->subtrahend]);
			err[0] = 0;
			st = arch->apply(ed->kind, pc->work + ed->offset, &fx, err, sizeof(err));
			if (st) {
				if (st == OBJLOAD_ERR_RANGE)
					s->metrics.out_of_range++;
				return core_error(s, st, "%s: section %s offset 0x%" PRIx64 ": %s against '%s': %s",
						  img->path, img->sections[ed->section].name,
						  ed->offset, reloc_display(img, ed, arch, rn, sizeof(rn)),
						  core_symbol_display(img, ed->symbol), err);
			}
			s->metrics.relocations++;
			if (ed->kind < OBJLOAD_MAX_KIND_METRICS)
				s->kind_count[ed->kind]++;
		}
	}
	return OBJLOAD_OK;
}

static void summarize_kinds(objload_session *s)
{
	objload_metrics *m = &s->metrics;

	m->nkinds = 0;
	for (unsigned k = 0; k < s->arch->nkinds && k < OBJLOAD_MAX_KIND_METRICS; k++) {
		if (!s->kind_count[k])
			continue;
		m->by_kind[m->nkinds].kind = s->arch->kinds[k].name;
		m->by_kind[m->nkinds++].count = s->kind_count[k];
	}
}

objload_status core_link(objload_session *s)
{
	objload_metrics *m = &s->metrics;
	objload_strategy strategy = OBJLOAD_STRATEGY_WHOLE;
	char err[512];
	objload_status st;
	uint64_t t0, page = (uint64_t)sysconf(_SC_PAGESIZE);
	size_t mappings = 0, protections = 0;

	if (!s->nimages)
		return core_archive_nothing_to_link(s);
	s->arch = arch_lookup(s->images[0]->arch);
	for (size_t i = 0; i < s->nimages; i++) {
		if (!arch_lookup(s->images[i]->arch))
			return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
					  "%s: no relocation applier for arch %s yet",
					  s->images[i]->path,
					  objload_arch_name(s->images[i]->arch));
		if (!s->link_only && s->images[i]->arch != core_host_arch())
			return core_error(s, OBJLOAD_ERR_UNSUPPORTED,
					  "%s: %s code cannot run on this %s host; link it for a "
					  "target address instead (objload link --base)",
					  s->images[i]->path,
					  objload_arch_name(s->images[i]->arch),
					  objload_arch_name(core_host_arch()));
	}

	t0 = core_now_ns();
	st = core_resolve_symbols(s);
	m->phase_ns[OBJLOAD_PHASE_RESOLVE] += core_now_ns() - t0;
	if (st)
		return st;

	t0 = core_now_ns();
	st = choose_strategy(s, &strategy);
	if (!st)
		st = plan_host_copies(s);
	if (!st)
		st = plan_sections(s, strategy);
	if (!st)
		st = plan_slots(s, strategy);
	if (!st)
		st = plan_commons_and_thunks(s);
	if (!st)
		st = strategy == OBJLOAD_STRATEGY_WHOLE ? layout_whole(s) : layout_sections(s);
	if (!st)
		st = plan_windows(s, strategy);
	m->phase_ns[OBJLOAD_PHASE_PLAN] += core_now_ns() - t0;
	if (st)
		return st;
	if (!s->request.nsegments)
		return core_error(s, OBJLOAD_ERR_FORMAT, "nothing to load: the inputs have no loadable sections");

	st = core_check_mapped_limit(s, largest_piece_file(s));
	if (st)
		return st;
	t0 = core_now_ns();
	s->request.in_process = !s->link_only;
	s->request.zeroed = 0;   /* the manager sets it */
	err[0] = 0;
	st = s->mm->allocate(s->mm_ctx, &s->request, &mappings, err, sizeof(err));
	m->phase_ns[OBJLOAD_PHASE_ALLOCATE] += core_now_ns() - t0;
	if (st)
		return core_error(s, st, "%s: memory manager %s: %s",
				  largest_piece_file(s), s->mm->name, err);
	s->allocated = 1;
	m->mappings = mappings;
	m->allocations = s->request.layout == OBJLOAD_LAYOUT_CONTIGUOUS ? 1 : s->request.nsegments;
	if (s->request.layout == OBJLOAD_LAYOUT_CONTIGUOUS) {
		m->bytes_reserved = s->request.span;
	} else {
		for (size_t g = 0; g < s->request.nsegments; g++)
			m->bytes_reserved += align_up(s->segments[g].size, page);
	}
	m->pages = m->bytes_reserved / page;

	t0 = core_now_ns();
	assign_and_copy(s);
	m->phase_ns[OBJLOAD_PHASE_COPY] += core_now_ns() - t0;

	t0 = core_now_ns();
	st = core_write_builtins(s);
	if (!st)
		st = core_write_ccthunks_and_imports(s);
	if (!st) {
		write_slots(s);
		st = relocate(s, strategy);
	}
	m->phase_ns[OBJLOAD_PHASE_RELOCATE] += core_now_ns() - t0;
	summarize_kinds(s);
	if (st)
		return st;

	t0 = core_now_ns();
	err[0] = 0;
	st = s->mm->finalize(s->mm_ctx, &s->request, &protections, err, sizeof(err));
	m->protection_changes = protections;
	if (!st) {
		for (size_t g = 0; g < s->request.nsegments; g++)
			if (s->segments[g].prot & OBJLOAD_PROT_EXEC)
				s->arch->flush_icache(s->segments[g].work, s->segments[g].size);
	}
	m->phase_ns[OBJLOAD_PHASE_FINALIZE] += core_now_ns() - t0;
	if (st)
		return core_error(s, st, "%s: memory manager %s: %s",
				  largest_piece_file(s), s->mm->name, err);
	return OBJLOAD_OK;
}

/*
 * The memory manager of objload_link_at: one zeroed private buffer for the
 * whole plan, target addresses from the session's base.  Independent
 * segments are packed one after another in plan order.
 */
static objload_status target_allocate(void *ctx, objload_alloc_request *req,
				      size_t *mappings, char *err, size_t errlen)
{
	objload_session *s = ctx;
	uint64_t off = 0;

	for (size_t i = 0; i < req->nsegments; i++) {
		objload_segment *sg = &req->segments[i];
		uint64_t t;

		if (req->layout == OBJLOAD_LAYOUT_INDEPENDENT) {
			t = align_up(s->link_base + off, sg->align);
			sg->offset = t - s->link_base;
		}
		if (s->link_base & (sg->align - 1)) {
			snprintf(err, errlen, "base 0x%" PRIx64 " is not aligned to %" PRIu64
				 " as segment %s needs", s->link_base, sg->align, sg->name);
			return OBJLOAD_ERR_ARGUMENT;
		}
		t = s->link_base + sg->offset;
		if (t < s->link_base || t < sg->window_lo || t > sg->window_hi ||
		    sg->window_hi - t < sg->size) {
			snprintf(err, errlen, "segment %s at 0x%" PRIx64 " lies outside [0x%" PRIx64
				 ", 0x%" PRIx64 ") where its fixups can reach",
				 sg->name, t, sg->window_lo, sg->window_hi);
			return OBJLOAD_ERR_RANGE;
		}
		off = sg->offset + sg->size;
	}
	if (req->layout == OBJLOAD_LAYOUT_CONTIGUOUS)
		off = req->span;
	/* a flat image is written out whole: a hostile input must not make
	 * objload produce gigabytes */
	if (off > (1ull << 30)) {
		snprintf(err, errlen, "the image would be %" PRIu64 " bytes, more than the 1 GiB "
			 "objload links for a target address (its largest section is %s)",
			 off, largest_piece_name(s));
		return OBJLOAD_ERR_NOMEM;
	}
	s->flat = calloc(1, off ? off : 1);
	if (!s->flat) {
		snprintf(err, errlen, "out of memory for %" PRIu64 " bytes", off);
		return OBJLOAD_ERR_NOMEM;
	}
	s->flat_len = off;
	req->zeroed = 1;   /* calloc */
	for (size_t i = 0; i < req->nsegments; i++) {
		req->segments[i].work = s->flat + req->segments[i].offset;
		req->segments[i].target = s->link_base + req->segments[i].offset;
	}
	*mappings = 0;
	return OBJLOAD_OK;
}

static objload_status target_finalize(void *ctx, objload_alloc_request *req,
				      size_t *changes, char *err, size_t errlen)
{
	(void)ctx;
	(void)req;
	(void)err;
	(void)errlen;
	*changes = 0;
	return OBJLOAD_OK;
}

static void target_release(void *ctx, objload_alloc_request *req)
{
	objload_session *s = ctx;

	(void)req;
	free(s->flat);
	s->flat = NULL;
	s->flat_len = 0;
}

static const objload_memory_manager target_manager = {
	.name = "target",
	.allocate = target_allocate,
	.finalize = target_finalize,
	.release = target_release,
};

objload_status objload_link_at(objload_session *s, uint64_t base)
{
	objload_status st;

	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if (s->linked)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is already linked");
	s->linked = 1;
	s->link_only = 1;
	s->link_base = base;
	s->mm = &target_manager;
	s->mm_ctx = s;
	st = core_link(s);
	s->link_ok = st == OBJLOAD_OK;
	return st;
}

objload_status objload_get_flat_image(objload_session *s, const void **bytes,
				      size_t *len)
{
	if (!s || !bytes || !len)
		return OBJLOAD_ERR_ARGUMENT;
	if (!s->link_only || !s->flat)
		return core_error(s, OBJLOAD_ERR_STATE, "no image linked with objload_link_at");
	*bytes = s->flat;
	*len = s->flat_len;
	return OBJLOAD_OK;
}

objload_status objload_write_map(objload_session *s, void *stdio_file)
{
	FILE *f = stdio_file;

	if (!s || !f)
		return OBJLOAD_ERR_ARGUMENT;
	if (!s->allocated)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is not linked");
	for (size_t p = 0; p < s->npieces; p++) {
		const piece *pc = &s->pieces[p];
		static const char *const kinds[] = {
			[PIECE_SECTION] = "section", [PIECE_GOT] = "got",
			[PIECE_STUBS] = "stubs", [PIECE_COMMONS] = "commons",
			[PIECE_THUNKS] = "thunks",
		};

		if (pc->kind == PIECE_SECTION) {
			const objload_image *img = s->images[pc->image];

			fprintf(f, "0x%016" PRIx64 " %" PRIu64 " section %s(%s)\n", pc->target,
				pc->size, img->path, img->sections[pc->section].name);
		} else {
			fprintf(f, "0x%016" PRIx64 " %" PRIu64 " %s\n", pc->target, pc->size,
				kinds[pc->kind]);
		}
	}
	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];
		const core_image *ci = core_of(img);

		for (uint32_t j = 0; j < img->nsymbols; j++) {
			const objload_symbol *sym = &img->symbols[j];
			symres r = { .kind = RES_SECTION, .image = (uint32_t)i,
				     .section = sym->section, .value = sym->value };
			uint64_t a;

			if (!sym->name[0] || sym->type == OBJLOAD_SYM_SECTION ||
			    sym->type == OBJLOAD_SYM_FILE)
				continue;
			if (sym->def == OBJLOAD_DEF_SECTION) {
				if (ci->sec_piece[sym->section] == OBJLOAD_NO_INDEX)
					continue;
				a = core_symbol_address(s, &r);
			} else if (sym->def == OBJLOAD_DEF_ABSOLUTE) {
				a = sym->value;
			} else {
				continue;
			}
			fprintf(f, "0x%016" PRIx64 " %" PRIu64 " %s %s\n", a, sym->size,
				sym->binding == OBJLOAD_BIND_LOCAL ? "local" : "global", sym->name);
		}
	}
	for (size_t g = 0; g < s->nglobals; g++) {
		const global_sym *gs = &s->globals[g];

		if (gs->strength == 1)
			fprintf(f, "0x%016" PRIx64 " %" PRIu64 " common %s\n",
				s->pieces[s->commons_piece].target + gs->common_offset,
				gs->common_size, gs->name);
	}
	return OBJLOAD_OK;
}

objload_status objload_link(objload_session *s)
{
	objload_status st;

	if (!s)
		return OBJLOAD_ERR_ARGUMENT;
	if (s->linked)
		return core_error(s, OBJLOAD_ERR_STATE, "the session is already linked");
	s->linked = 1;
	st = core_link(s);
	if (!st)
		st = core_run_constructors(s);
	s->link_ok = st == OBJLOAD_OK;
	return st;
}
