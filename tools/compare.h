/* SPDX-License-Identifier: MIT */
/* `objload compare`: the results one strategy's child reported
 * (tools/compare.c), and the picture drawn from them
 * (tools/compare_svg.c). */
#ifndef OBJLOAD_TOOLS_COMPARE_H
#define OBJLOAD_TOOLS_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "objload.h"

/* A segment or a piece (GOT, stubs, thunks, commons) of one strategy. */
typedef struct cmp_box {
	uint64_t target, size;
	int prot, kind;          /* OBJLOAD_PROT_*, objload_piece_kind */
	char *name;
} cmp_box;

/* How one image was loaded, and why (its plug-in's reason). */
typedef struct cmp_image {
	char *file, *strategy, *reason;
} cmp_image;

typedef struct cmp_result {
	const char *strategy;
	objload_metrics m;            /* kind names are strdup'ed here */
	uint64_t stubs_taken;
	int linked;                   /* the link succeeded */
	int cross;                    /* linked for another CPU: not run */
	int started;                  /* the program was handed control */
	int ran;                      /* ... and ended by itself */
	int have_status, status;      /* its exit status */
	int signal;                   /* or the signal that ended it */
	int timed_out;
	char *error;
	cmp_box *segs, *pieces;
	size_t nsegs, npieces;
	objload_jump_info *jumps;
	size_t njumps, jumps_total;
	cmp_image *images;
	size_t nimages;
} cmp_result;

/* Draws the results into path: 0, or -1 with errno. */
int cmp_write_svg(const char *path, const cmp_result *rs, size_t n, const char *title);

#endif
