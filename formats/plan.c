/* SPDX-License-Identifier: MIT */
/* The plug-ins' shared answer to a plan query (formats/plan.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "formats/plan.h"

char *fmt_image_printf(const objload_image *img, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	/* the image's own memory: the reason lives as long as the image */
	p = objload_image_alloc((objload_image *)img, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
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
			r = fmt_image_printf(img, "%s%s", d->why, n);
		}
		break;
	case OBJLOAD_STRATEGY_WHOLE:
		choice->strategy = OBJLOAD_STRATEGY_WHOLE;
		r = fmt_image_printf(img, "whole-image forced by the caller: sections packed into "
				     "one reservation by protection%s", n);
		break;
	case OBJLOAD_STRATEGY_SECTION:
		if (q->placement_scatters && d->scatter_fails) {
			choice->reason = fmt_image_printf(img, "%s", d->scatter_fails);
			if (!choice->reason)
				choice->reason = d->scatter_fails;
			return OBJLOAD_ERR_UNSUPPORTED;
		}
		choice->strategy = OBJLOAD_STRATEGY_SECTION;
		r = fmt_image_printf(img, "per-section forced by the caller: each loadable section "
				     "allocated separately, far branches through stubs and far "
				     "address loads through GOT slots%s", n);
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
