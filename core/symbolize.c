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
#include <string.h>

#include "core/rt.h"
#include "formats/dwarfline.h"

/* The function whose [addr, addr + size) holds a, or NULL. */
static const rt_func *function_at(const core_runtime *rt, uint64_t a)
{
	size_t lo = 0, hi = rt->nfuncs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rt->funcs[mid].addr <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	lo--;
	return a - rt->funcs[lo].addr < rt->funcs[lo].size ? &rt->funcs[lo] : NULL;
}

/* The line row covering a: the last row at or below it, unless that row
 * ends a sequence. */
static const dwarf_line_row *line_at(const core_runtime *rt, uint64_t a)
{
	size_t lo = 0, hi = rt->nlines;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rt->lines[mid].addr <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || !rt->lines[lo - 1].file)
		return NULL;
	return &rt->lines[lo - 1];
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
