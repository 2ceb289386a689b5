/* SPDX-License-Identifier: MIT */
/*
 * How the compiled-in plug-ins answer the core's plan question.
 *
 * Each plug-in looks at its image (objload_image_get_facts, plus what
 * only its format knows) and decides what it would choose on its own,
 * with the reason in its own words, and which forced plan it cannot
 * honour and why; fmt_plan_answer turns that into the answer to one
 * query, so the three plug-ins word their facts but share no decision
 * plumbing.
 */
#ifndef OBJLOAD_FORMATS_PLAN_H
#define OBJLOAD_FORMATS_PLAN_H

#include "objload/plugin.h"

struct fmt_decision {
	objload_strategy strategy;    /* what AUTO gets */
	const char *why;              /* and why */
	/* Why a per-section plan fails when the memory manager scatters
	 * sections, or NULL when it does not (asked only when the query's
	 * manager scatters: formatting reasons for every image costs). */
	const char *scatter_fails;
};

/* Answer query q from decision d; `notes` (may be NULL) follow every
 * reason.  Reasons are allocated in the image's memory. */
objload_status fmt_plan_answer(const objload_image *img, const objload_plan_query *q,
			       const struct fmt_decision *d, const char *notes,
			       objload_plan_choice *choice);

/* printf into image memory; NULL when out of memory. */
char *fmt_image_printf(const objload_image *img, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
