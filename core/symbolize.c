/* SPDX-License-Identifier: MIT */
/*
 * Address -> image, section, function + offset: what a crash report
 * prints for each frame in loaded code.
 *
 * A fatal-signal handler calls this, so it only reads what the link and
 * core_debug_register left behind (the sections' addresses and the
 * sorted function table) and never allocates, locks or formats an error
 * message: it is async-signal-safe as long as no other thread is linking
 * or freeing the same session.
 */
#include <stddef.h>
#include <string.h>

#include "core/rt.h"
#include "formats/dwarfline.h"

_Static_assert(offsetof(rt_func, addr) == 0, "count_at_or_below reads addr first");
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

/* The function whose [addr, addr + size) holds a, or NULL. */
static const rt_func *function_at(const core_runtime *rt, uint64_t a)
{
	size_t k = count_at_or_below(rt->funcs, rt->nfuncs, sizeof(*rt->funcs), a);

	if (k == 0 || a - rt->funcs[k - 1].addr >= rt->funcs[k - 1].size)
		return NULL;
	return &rt->funcs[k - 1];
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
			rt = s->rt;
			if (rt) {
				const rt_func *f = function_at(rt, addr);

				const dwarf_line_row *l = line_at(rt, addr);

				if (f) {
					out->function = f->name;
					out->function_offset = addr - f->addr;
				}
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
