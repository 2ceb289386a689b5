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

/* Fewer code sections that stand alone than this, and per-section loading
 * is not worth it for what dead-stripping would leave out. */
#define FMT_MIN_ISOLATED_CODE 4

/* The facts a plan needs for query q: all of objload_image_get_facts when
 * the answer can depend on the image's edges (the manager scatters, or
 * dead-stripping asks and the image has FMT_MIN_ISOLATED_CODE code
 * sections or more); otherwise only the code-section count, without the
 * walk over every relocation, which most links never need. */
void fmt_plan_facts(const objload_image *img, const objload_plan_query *q,
		    objload_image_facts *f);

/* Answer query q from decision d; `notes` (may be NULL) follow every
 * reason.  Reasons are allocated in the image's memory. */
objload_status fmt_plan_answer(const objload_image *img, const objload_plan_query *q,
			       const struct fmt_decision *d, const char *notes,
			       objload_plan_choice *choice);

/* The answer for a linked image (a shared library, a DLL, a dylib): whole,
 * always, because its code reaches its data by PC-relative offsets that
 * no relocation records; a forced per-section plan is refused with that
 * reason.  `what` names the image ("an ELF shared object", "a Mach-O dylib")
 * and `count` `unit`s keep their distances ("4 PT_LOAD segments"). */
objload_status fmt_plan_linked(const objload_image *img, const objload_plan_query *q,
			       const char *what, const char *unit, uint32_t count,
			       objload_plan_choice *choice);

/* printf into image memory; NULL when out of memory. */
char *fmt_image_printf(const objload_image *img, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
