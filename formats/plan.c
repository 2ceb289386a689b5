/* SPDX-License-Identifier: MIT */
/* The plug-ins' shared answer to a plan query (formats/plan.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "formats/plan.h"

char *fmt_image_printf(const objload_image *img, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	/* the image's own memory: the reason lives as long as the image */
	p = objload_image_alloc((objload_image *)img, (size_t)n + 1);
	if (!p)
		return NULL;
	if ((size_t)n < sizeof(buf)) {
		memcpy(p, buf, (size_t)n + 1);
		return p;
	}
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* A reason followed by the notes: the reason itself when there are none
 * (most images: no formatting at all). */
static const char *with_notes(const objload_image *img, const char *reason, const char *notes)
{
	return notes[0] ? fmt_image_printf(img, "%s%s", reason, notes) : reason;
}

static const char forced_whole[] =
	"whole-image forced by the caller: sections packed into one reservation by protection";
static const char forced_section[] =
	"per-section forced by the caller: each loadable section allocated separately, far "
	"branches through stubs and far address loads through GOT slots";

void fmt_plan_facts(const objload_image *img, const objload_plan_query *q,
		    objload_image_facts *f)
{
	uint32_t code = 0;

	if (!q->placement_scatters) {
		for (uint32_t j = 0; j < img->nsections; j++)
			code += img->sections[j].role == OBJLOAD_ROLE_CODE;
		if (!q->dead_strip || code < FMT_MIN_ISOLATED_CODE) {
			memset(f, 0, sizeof(*f));
			f->code_sections = code;
			return;
		}
	}
	objload_image_get_facts(img, f);
}

objload_status fmt_plan_answer(const objload_image *img, const objload_plan_query *q,
			       const struct fmt_decision *d, const char *notes,
			       objload_plan_choice *choice)
{
	const char *n = notes ? notes : "";
	const char *r;

	switch (q->forced) {
	case OBJLOAD_STRATEGY_AUTO:
		if (d->strategy == OBJLOAD_STRATEGY_SECTION && q->placement_scatters &&
		    d->scatter_fails) {
			choice->strategy = OBJLOAD_STRATEGY_WHOLE;
			r = fmt_image_printf(img, "loaded whole, not section by section: %s%s",
					     d->scatter_fails, n);
		} else {
			choice->strategy = d->strategy;
			r = with_notes(img, d->why, n);
		}
		break;
	case OBJLOAD_STRATEGY_WHOLE:
		choice->strategy = OBJLOAD_STRATEGY_WHOLE;
		r = with_notes(img, forced_whole, n);
		break;
	case OBJLOAD_STRATEGY_SECTION:
		if (q->placement_scatters && d->scatter_fails) {
			choice->reason = d->scatter_fails;
			return OBJLOAD_ERR_UNSUPPORTED;
		}
		choice->strategy = OBJLOAD_STRATEGY_SECTION;
		r = with_notes(img, forced_section, n);
		break;
	default:
		choice->reason = "unknown strategy";
		return OBJLOAD_ERR_UNSUPPORTED;
	}
	choice->reason = r ? r : d->why;
	return OBJLOAD_OK;
}

objload_status fmt_plan_linked(const objload_image *img, const objload_plan_query *q,
			       const char *what, const char *unit, uint32_t count,
			       objload_plan_choice *choice)
{
	const char *r;
	char layout[96];

	snprintf(layout, sizeof(layout), "%u %s%s", count, unit, count == 1 ? "" : "s");

	if (q->forced == OBJLOAD_STRATEGY_SECTION) {
		r = fmt_image_printf(img, "linked image: layout is meaningful: %s (%s) keeps "
				     "the distances its static linker gave its segments, because "
				     "its code reaches its data by PC-relative offsets no "
				     "relocation records; it is always loaded whole", what, layout);
		choice->reason = r ? r : "linked image: layout is meaningful";
		return OBJLOAD_ERR_UNSUPPORTED;
	}
	if (q->forced != OBJLOAD_STRATEGY_AUTO && q->forced != OBJLOAD_STRATEGY_WHOLE) {
		choice->reason = "unknown strategy";
		return OBJLOAD_ERR_UNSUPPORTED;
	}
	choice->strategy = OBJLOAD_STRATEGY_WHOLE;
	r = fmt_image_printf(img, "linked image: layout is meaningful: %s, %s at the "
			     "distances its static linker gave them, in an area of its own",
			     what, layout);
	choice->reason = r ? r : "linked image: layout is meaningful";
	return OBJLOAD_OK;
}
