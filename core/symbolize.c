/* SPDX-License-Identifier: MIT */
/*
 * Address -> image, section, function + offset: what a crash report
 * prints for each frame in loaded code.
 *
 * A fatal-signal handler calls this, so it only reads what the link and
 * core_debug_register left behind (the sections' addresses, the images'
 * symbols and the sorted line rows) and never allocates, locks or formats
 * an error message: it is async-signal-safe as long as no other thread is
 * linking or freeing the same session.
 */
#include <stddef.h>
#include <string.h>

#include "core/rt.h"
#include "formats/dwarfline.h"

_Static_assert(offsetof(dwarf_line_row, addr) == 0, "count_at_or_below reads addr first");

/* How many of the n records (of `size` bytes, each starting with its
 * uint64_t address, sorted by it) are at or below a. */
static size_t count_at_or_below(const void *base, size_t n, size_t size, uint64_t a)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t at;

		memcpy(&at, (const char *)base + mid * size, sizeof(at));
		if (at <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The function of section j of image img (loaded at base) whose
 * [start, start + size) holds a, or NULL: the function starting last at
 * or below a (of several at one address, the first with a size), its
 * size the symbol's or, when the format records none, up to the next
 * function of the section or the section's end.  One pass over the
 * image's symbols: no table, so no link pays for one that no crash
 * needs (core/debug.c makes the sorted table for gdb and perf). */
static const objload_symbol *function_at(const objload_image *img, uint32_t j,
					 uint64_t base, uint64_t a, uint64_t *start)
{
	const objload_symbol *best = NULL;
	uint64_t off = a - base, next = img->sections[j].size;

	for (uint32_t k = 0; k < img->nsymbols; k++) {
		const objload_symbol *sym = &img->symbols[k];

		if (sym->def != OBJLOAD_DEF_SECTION || sym->section != j ||
		    !core_function_name(img, sym))
			continue;
		if (sym->value > off) {
			if (sym->value < next)
				next = sym->value;
			continue;
		}
		if (!best || sym->value > best->value ||
		    (sym->value == best->value && !best->size && sym->size))
			best = sym;
	}
	if (!best)
		return NULL;
	/* a symbol at best's address adds nothing; the first one above it
	 * ends a function without a size */
	if (off - best->value >= (best->size ? best->size : next - best->value))
		return NULL;
	*start = base + best->value;
	return best;
}

/* The line row covering a: the last row at or below it, unless that row
 * ends a sequence. */
static const dwarf_line_row *line_at(const core_runtime *rt, uint64_t a)
{
	size_t k = count_at_or_below(rt->lines, rt->nlines, sizeof(*rt->lines), a);

	if (k == 0 || !rt->lines[k - 1].file)
		return NULL;
	return &rt->lines[k - 1];
}

objload_status objload_symbolize(const objload_session *s, uint64_t addr,
				 objload_addr_info *out)
{
	const core_runtime *rt;
	const objload_symbol *f;
	uint64_t start;

	if (!s || !out)
		return OBJLOAD_ERR_ARGUMENT;
	memset(out, 0, sizeof(*out));
	/* constructors may crash too: allocated is enough */
	if (!s->allocated || s->link_only)
		return OBJLOAD_ERR_STATE;
	for (size_t i = 0; i < s->nimages; i++) {
		const objload_image *img = s->images[i];

		for (uint32_t j = 0; j < img->nsections; j++) {
			uint64_t base = core_section_target(s, (uint32_t)i, j);

			if (!base || addr < base || addr - base >= img->sections[j].size)
				continue;
			out->image = img->path;
			out->section = img->sections[j].name;
			out->section_offset = addr - base;
			f = function_at(img, j, base, addr, &start);
			if (f) {
				out->function = f->cname ? f->cname : f->name;
				out->function_offset = addr - start;
			}
			rt = s->rt;
			if (rt) {
				const dwarf_line_row *l = line_at(rt, addr);

				if (l) {
					out->file = l->file;
					out->line = l->line;
				}
			}
			return OBJLOAD_OK;
		}
	}
	return OBJLOAD_ERR_UNDEFINED;
}
