/* SPDX-License-Identifier: MIT */
/*
 * `objload compare --svg`: one picture of where each strategy put the
 * code and data, and what each phase cost.
 *
 * The layout:
 *
 *   - one address axis shared by every row, to one scale: all the
 *     segments of all strategies are sorted and merged into clusters
 *     (pieces less than 1 MiB apart); the gaps between clusters are cut
 *     out of the axis and drawn as a break (//) with the size of the gap
 *     in its tooltip.  Inside a cluster one pixel stands for the same
 *     number of bytes everywhere; a cluster too small to see gets a
 *     minimum width, which the axis says.  When there are more clusters
 *     than fit (the scattered strategy makes one per section), runs of
 *     them share one block of the axis, each cluster still to scale;
 *   - one row per strategy: its segments coloured by protection (code
 *     R-X, read-only R--, data RW-), with its GOT, stub and thunk blocks
 *     in a lane under them, long jumps as arcs from stub to target (a
 *     sample when there are thousands), and its figures and error in
 *     plain words beside it;
 *   - beside each row, the time of each phase as one stacked bar, all
 *     rows to one time scale.
 *
 * Thousands of segments are aggregated: whatever is narrower than a pixel
 * is binned per pixel column and each run of bins of one colour is one
 * rectangle, so the file stays small (< 500 KB for 10,000 sections) and
 * renders quickly.  Every name is XML-escaped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objload.h"
#include "tools/compare.h"

#define SVG_W 1280.0
#define SVG_LABEL_W 200.0              /* the row's name and figures */
#define SVG_MAP_X0 (SVG_LABEL_W + 20)
#define SVG_MAP_X1 (SVG_W - 330.0)     /* the address map */
#define SVG_HOST_W 34.0                /* "host" box at the map's end */
#define SVG_TIME_X0 (SVG_W - 290.0)    /* the phase bar */
#define SVG_TIME_X1 (SVG_W - 70.0)
#define SVG_TOP 118.0                  /* first row */
#define SVG_ROW_H 132.0
#define SVG_BAR_DY 46.0                /* bar's top within its row */
#define SVG_BAR_H 30.0
#define SVG_LANE_H 9.0                 /* GOT/stub lane under the bar */
#define SVG_BREAK_W 12.0
#define SVG_MIN_BLOCK_W 64.0
#define SVG_MAX_BLOCKS 8
#define SVG_JOIN_GAP (1ull << 20)      /* closer than this: one cluster */
#define SVG_MAX_ARCS 48

/* ---- colours ----------------------------------------------------------------- */

static const char *prot_fill(int prot)
{
	if (prot & OBJLOAD_PROT_EXEC)
		return "#d1495b";   /* code */
	if (prot & OBJLOAD_PROT_WRITE)
		return "#30638e";   /* data */
	return "#66a182";           /* read-only */
}

static const char *piece_fill(int kind)
{
	switch (kind) {
	case OBJLOAD_PIECE_GOT: return "#edae49";
	case OBJLOAD_PIECE_STUBS: return "#7a1e2c";
	case OBJLOAD_PIECE_THUNKS: return "#8e5ea2";
	case OBJLOAD_PIECE_COMMONS: return "#00798c";
	default: return "#999999";
	}
}

static const char *const phase_fill[OBJLOAD_PHASE_COUNT] = {
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
};

static void put_escaped(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(f, "\\x%02x", c);   /* not allowed in XML */
			else
				fputc(c, f);
		}
	}
}

static void put_bytes(FILE *f, uint64_t n)
{
	if (n >= (1ull << 30))
		fprintf(f, "%.1f GiB", (double)n / (double)(1ull << 30));
	else if (n >= (1ull << 20))
		fprintf(f, "%.1f MiB", (double)n / (double)(1ull << 20));
	else if (n >= 1024)
		fprintf(f, "%.1f KiB", (double)n / 1024.0);
	else
		fprintf(f, "%" PRIu64 " B", n);
}

/* ---- the shared axis ----------------------------------------------------------- */

typedef struct cluster {
	uint64_t start, end;     /* [start, end) */
	unsigned rows;           /* bit per strategy that has a segment here */
	double x0, scale;        /* px of start; px per byte */
	size_t block;
} cluster;

typedef struct block {
	size_t first, n;         /* clusters */
	uint64_t bytes;          /* sum of their spans */
	double x0, w;
	int pinned;              /* widened to the minimum width */
} block;

typedef struct axis {
	cluster *c;
	size_t nc;
	block b[SVG_MAX_BLOCKS];
	size_t nb;
	double bytes_per_px;     /* of the blocks drawn to scale */
	int min_width_used;
	size_t squeezed;         /* gaps inside blocks */
} axis;

typedef struct span {
	uint64_t start, end;
	unsigned row;
} span;

static int span_order(const void *a, const void *b)
{
	const span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int u64_desc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x > y ? -1 : x < y;
}

static int axis_build(axis *ax, const cmp_result *rs, size_t n)
{
	size_t total = 0, k = 0;
	span *sp;
	double width = SVG_MAP_X1 - SVG_HOST_W - 16 - SVG_MAP_X0, fixed = 0, scalable = 0;
	double per = 0, min_w;

	memset(ax, 0, sizeof(*ax));
	for (size_t i = 0; i < n; i++)
		total += rs[i].nsegs;
	if (!total)
		return 0;
	sp = malloc(total * sizeof(*sp));
	ax->c = malloc(total * sizeof(*ax->c));
	if (!sp || !ax->c) {
		free(sp);
		free(ax->c);
		ax->c = NULL;
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < rs[i].nsegs; j++)
			sp[k++] = (span){ rs[i].segs[j].target,
					  rs[i].segs[j].target + (rs[i].segs[j].size ? rs[i].segs[j].size : 1),
					  (unsigned)i };
	qsort(sp, total, sizeof(*sp), span_order);
	for (size_t i = 0; i < total; i++) {
		cluster *last = ax->nc ? &ax->c[ax->nc - 1] : NULL;

		if (last && sp[i].start <= last->end + SVG_JOIN_GAP) {
			if (sp[i].end > last->end)
				last->end = sp[i].end;
			last->rows |= 1u << sp[i].row;
		} else {
			ax->c[ax->nc++] = (cluster){ .start = sp[i].start, .end = sp[i].end,
						     .rows = 1u << sp[i].row };
		}
	}
	free(sp);
	/* Blocks: a run of clusters used by the same strategies is one block
	 * (the scattered strategy's thousands of clusters, 4 GiB apart, make
	 * one), its inner gaps squeezed out; the axis is cut between blocks.
	 * When that leaves more than SVG_MAX_BLOCKS, only the largest gaps
	 * between them stay cuts. */
	{
		uint64_t *gaps = malloc((ax->nc ? ax->nc : 1) * sizeof(*gaps)), cut = 0;
		size_t nruns = 1;

		if (!gaps) {
			free(ax->c);
			ax->c = NULL;
			return -1;
		}
		for (size_t i = 1; i < ax->nc; i++)
			if (ax->c[i].rows != ax->c[i - 1].rows)
				gaps[nruns++ - 1] = ax->c[i].start - ax->c[i - 1].end;
		if (nruns > SVG_MAX_BLOCKS) {
			qsort(gaps, nruns - 1, sizeof(*gaps), u64_desc);
			cut = gaps[SVG_MAX_BLOCKS - 2];   /* keep the gaps above it... */
			if (cut)
				cut--;                      /* ...and it */
		}
		free(gaps);
		ax->nb = 1;
		ax->b[0].first = 0;
		for (size_t i = 0; i < ax->nc; i++) {
			block *bl = &ax->b[ax->nb - 1];

			if (i && ax->c[i].rows != ax->c[i - 1].rows &&
			    ax->c[i].start - ax->c[i - 1].end > cut && ax->nb < SVG_MAX_BLOCKS) {
				bl = &ax->b[ax->nb++];
				bl->first = i;
			} else if (i) {
				ax->squeezed++;
			}
			bl->n++;
			bl->bytes += ax->c[i].end - ax->c[i].start;
			ax->c[i].block = (size_t)(bl - ax->b);
		}
	}
	/* widths: to scale, but at least min_w; blocks pinned to the
	 * minimum leave the rest of the width to the others */
	width -= SVG_BREAK_W * (double)(ax->nb - 1);
	min_w = width / (double)ax->nb / 2 < SVG_MIN_BLOCK_W ? width / (double)ax->nb / 2 :
		SVG_MIN_BLOCK_W;
	for (int pass = 0; pass < SVG_MAX_BLOCKS + 1; pass++) {
		int changed = 0;

		fixed = 0;
		scalable = 0;
		for (size_t b = 0; b < ax->nb; b++) {
			if (ax->b[b].pinned)
				fixed += min_w;
			else
				scalable += (double)ax->b[b].bytes;
		}
		per = scalable > 0 ? (width - fixed) / scalable : 0;
		for (size_t b = 0; b < ax->nb; b++) {
			double w;

			if (ax->b[b].pinned) {
				ax->b[b].w = min_w;
				continue;
			}
			w = (double)ax->b[b].bytes * per;
			if (w < min_w) {
				ax->b[b].pinned = 1;
				ax->min_width_used = 1;
				changed = 1;
			}
			ax->b[b].w = w;
		}
		if (!changed)
			break;
	}
	ax->bytes_per_px = per > 0 ? 1.0 / per : 0;
	{
		double x = SVG_MAP_X0;

		for (size_t b = 0; b < ax->nb; b++) {
			block *bl = &ax->b[b];
			double cx = x, sc = bl->bytes ? bl->w / (double)bl->bytes : 0;

			bl->x0 = x;
			for (size_t j = bl->first; j < bl->first + bl->n; j++) {
				ax->c[j].x0 = cx;
				ax->c[j].scale = sc;
				cx += (double)(ax->c[j].end - ax->c[j].start) * sc;
			}
			x += bl->w + SVG_BREAK_W;
		}
	}
	return 0;
}

/* The index + 1 of the last cluster that starts at or below `a`; 0 when
 * none does. */
static size_t axis_find(const axis *ax, uint64_t a)
{
	size_t lo = 0, hi = ax->nc;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ax->c[mid].start <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* x of an address, or -1 when it is in no cluster (the host). */
static double axis_x(const axis *ax, uint64_t a)
{
	size_t k = axis_find(ax, a);

	if (!k || a >= ax->c[k - 1].end)
		return -1;
	return ax->c[k - 1].x0 + (double)(a - ax->c[k - 1].start) * ax->c[k - 1].scale;
}

/* Pixels per byte at an address (0 outside the clusters). */
static double axis_scale(const axis *ax, uint64_t a)
{
	size_t k = axis_find(ax, a);

	return k ? ax->c[k - 1].scale : 0;
}

static double host_x(void)
{
	return SVG_MAP_X1 - SVG_HOST_W / 2;
}

static void draw_axis(FILE *f, const axis *ax, double y, double bottom)
{
	double last_label[2] = { -1e9, -1e9 };   /* two lines of labels */

	fprintf(f, "<g class=\"axis\" font-size=\"10\" fill=\"#333\">\n");
	for (size_t b = 0; b < ax->nb; b++) {
		const block *bl = &ax->b[b];
		const cluster *c = &ax->c[bl->first];

		/* the block's extent, faint, down through every row */
		fprintf(f, "<rect class=\"block\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			"fill=\"#f2f2f2\"><title>0x%" PRIx64 " to 0x%" PRIx64 ": %zu cluster%s, ",
			bl->x0, y + 4, bl->w, bottom - y - 4, c->start,
			ax->c[bl->first + bl->n - 1].end, bl->n, bl->n == 1 ? "" : "s");
		put_bytes(f, bl->bytes);
		fputs("</title></rect>\n", f);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>\n",
			bl->x0, y, bl->x0 + bl->w, y);
		/* the block's first address; a second line when the one
		 * before is too close */
		for (int lane = 0; lane < 2; lane++) {
			/* lane 0 shares its line with "host" */
			if (bl->x0 - last_label[lane] < 90 ||
			    (lane == 0 && bl->x0 + 86 > host_x() - 14))
				continue;
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">0x%" PRIx64 "</text>\n", bl->x0,
				y - 5 - 12.0 * lane, c->start);
			last_label[lane] = bl->x0;
			break;
		}
		if (b + 1 < ax->nb) {
			uint64_t gap = ax->c[bl->first + bl->n].start -
				       ax->c[bl->first + bl->n - 1].end;
			double bx = bl->x0 + bl->w + SVG_BREAK_W / 2;

			fprintf(f, "<path class=\"gap\" d=\"M%.1f %.1f l4 -8 M%.1f %.1f l4 -8\" "
				"stroke=\"#555\" fill=\"none\"><title>gap of ",
				bx - 5, y + 4, bx - 1, y + 4);
			put_bytes(f, gap);
			fputs(" cut out of the axis</title></path>\n", f);
		}
	}
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">host</text>\n",
		host_x(), y - 5);
	fputs("</g>\n", f);
}

/* ---- one row --------------------------------------------------------------------- */

/* Per-pixel bins of the things too narrow to draw one by one. */
typedef struct bins {
	double x0;
	size_t n;
	uint64_t (*bytes)[4];   /* per column: code, read-only, data, other */
	uint32_t *count;
	double *cover;          /* per column: pixels the bytes cover */
} bins;

static int bin_kind(int prot)
{
	return prot & OBJLOAD_PROT_EXEC ? 0 : prot & OBJLOAD_PROT_WRITE ? 2 : 1;
}

static int bins_new(bins *bn)
{
	bn->x0 = floor(SVG_MAP_X0);
	bn->n = (size_t)(SVG_MAP_X1 - bn->x0) + 2;
	bn->bytes = calloc(bn->n, sizeof(*bn->bytes));
	bn->count = calloc(bn->n, sizeof(*bn->count));
	bn->cover = calloc(bn->n, sizeof(*bn->cover));
	return bn->bytes && bn->count && bn->cover ? 0 : -1;
}

static void bins_free(bins *bn)
{
	free(bn->bytes);
	free(bn->count);
	free(bn->cover);
}

static void bins_clear(bins *bn)
{
	memset(bn->bytes, 0, bn->n * sizeof(*bn->bytes));
	memset(bn->count, 0, bn->n * sizeof(*bn->count));
	memset(bn->cover, 0, bn->n * sizeof(*bn->cover));
}

/* `bytes` at x, where one byte is `scale` pixels wide. */
static void bins_add(bins *bn, double x, double scale, int slot, uint64_t bytes)
{
	double col = floor(x - bn->x0);

	if (col < 0)
		col = 0;
	if ((size_t)col >= bn->n)
		col = (double)(bn->n - 1);
	bn->bytes[(size_t)col][slot] += bytes ? bytes : 1;
	bn->count[(size_t)col]++;
	bn->cover[(size_t)col] += (double)(bytes ? bytes : 1) * scale;
}

/* Runs of columns of one dominant slot, as rectangles; the paler, the
 * less of the run's address span its bytes fill (a page per 40-byte
 * section is mostly empty). */
static void bins_draw(FILE *f, const bins *bn, double y, double h, const char *cls,
		      const char *(*fill)(int slot), const char *what)
{
	size_t i = 0;

	while (i < bn->n) {
		int slot = -1;
		size_t j;
		uint64_t count = 0, bytes = 0;
		double cover = 0, density;

		if (!bn->count[i]) {
			i++;
			continue;
		}
		for (int k = 0; k < 4; k++)
			if (bn->bytes[i][k] && (slot < 0 || bn->bytes[i][k] > bn->bytes[i][slot]))
				slot = k;
		for (j = i; j < bn->n && bn->count[j]; j++) {
			int s2 = -1;

			for (int k = 0; k < 4; k++)
				if (bn->bytes[j][k] && (s2 < 0 || bn->bytes[j][k] > bn->bytes[j][s2]))
					s2 = k;
			if (s2 != slot)
				break;
			count += bn->count[j];
			cover += bn->cover[j];
			for (int k = 0; k < 4; k++)
				bytes += bn->bytes[j][k];
		}
		density = cover / (double)(j - i);
		density = density > 1 ? 1 : density;
		fprintf(f, "<rect class=\"%s\" x=\"%.0f\" y=\"%.1f\" width=\"%zu\" height=\"%.1f\" "
			"fill=\"%s\" fill-opacity=\"%.2f\"><title>%" PRIu64 " %s, ", cls,
			bn->x0 + (double)i, y, j - i, h, fill(slot), 0.18 + 0.82 * sqrt(density),
			count, what);
		put_bytes(f, bytes);
		fprintf(f, ", %.1f%% of the span used</title></rect>\n", density * 100);
		i = j;
	}
}

static const char *slot_prot_fill(int slot)
{
	static const int prot[4] = {
		OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC, OBJLOAD_PROT_READ,
		OBJLOAD_PROT_READ | OBJLOAD_PROT_WRITE, OBJLOAD_PROT_READ,
	};

	return prot_fill(prot[slot & 3]);
}

static const char *slot_piece_fill(int slot)
{
	static const int kinds[4] = {
		OBJLOAD_PIECE_STUBS, OBJLOAD_PIECE_GOT, OBJLOAD_PIECE_THUNKS, OBJLOAD_PIECE_COMMONS,
	};

	return piece_fill(kinds[slot & 3]);
}

static int piece_slot(int kind)
{
	return kind == OBJLOAD_PIECE_STUBS ? 0 : kind == OBJLOAD_PIECE_GOT ? 1 :
	       kind == OBJLOAD_PIECE_THUNKS ? 2 : 3;
}

static const char *piece_class(int kind)
{
	switch (kind) {
	case OBJLOAD_PIECE_GOT: return "got";
	case OBJLOAD_PIECE_STUBS: return "stubs";
	case OBJLOAD_PIECE_THUNKS: return "thunks";
	case OBJLOAD_PIECE_COMMONS: return "commons";
	default: return "piece";
	}
}

/* Wraps `text` into at most `lines` lines of `width` characters. */
static void put_wrapped(FILE *f, double x, double y, const char *text, size_t width,
			size_t lines, const char *attrs)
{
	size_t len = strlen(text), pos = 0;

	for (size_t l = 0; l < lines && pos < len; l++) {
		size_t take = len - pos, cut;
		char buf[256];

		if (take > width) {
			take = width;
			for (cut = take; cut > width / 2; cut--)
				if (text[pos + cut] == ' ')
					break;
			if (cut > width / 2)
				take = cut;
		}
		if (l + 1 == lines && pos + take < len && take > 3) {
			snprintf(buf, sizeof(buf), "%.*s...", (int)take - 3, text + pos);
		} else {
			snprintf(buf, sizeof(buf), "%.*s", (int)take, text + pos);
		}
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" %s>", x, y + 13.0 * (double)l, attrs);
		put_escaped(f, buf);
		fputs("</text>\n", f);
		pos += take;
		while (pos < len && text[pos] == ' ')
			pos++;
	}
}

static void draw_row(FILE *f, const axis *ax, const cmp_result *r, size_t row,
		     double time_scale)
{
	double y0 = SVG_TOP + (double)row * SVG_ROW_H, bar = y0 + SVG_BAR_DY;
	double lane = bar + SVG_BAR_H + 2;
	bins bn;
	char line[256];
	uint64_t total_ns = 0;

	fprintf(f, "<g class=\"strategy\" id=\"strategy-%s\">\n", r->strategy);
	/* name and figures */
	fprintf(f, "<text x=\"12\" y=\"%.1f\" font-size=\"16\" font-weight=\"bold\">%s</text>\n",
		y0 + 20, r->strategy);
	fprintf(f, "<text x=\"12\" y=\"%.1f\" font-size=\"11\">%" PRIu64 " allocations, %"
		PRIu64 " pages</text>\n", y0 + 38, r->m.allocations, r->m.pages);
	fprintf(f, "<text x=\"12\" y=\"%.1f\" font-size=\"11\">used ", y0 + 52);
	put_bytes(f, r->m.bytes_used);
	fputs(" of ", f);
	put_bytes(f, r->m.bytes_reserved);
	fputs("</text>\n", f);
	fprintf(f, "<text x=\"12\" y=\"%.1f\" font-size=\"11\">%" PRIu64 " GOT, %" PRIu64
		"/%" PRIu64 " stubs taken</text>\n", y0 + 66, r->m.got_entries, r->stubs_taken,
		r->m.stubs);
	fprintf(f, "<text x=\"12\" y=\"%.1f\" font-size=\"11\">%" PRIu64 " relocations</text>\n",
		y0 + 80, r->m.relocations);
	if (r->have_status)
		snprintf(line, sizeof(line), "ran: exit status %d", r->status);
	else if (r->cross)
		snprintf(line, sizeof(line), "linked for another CPU (not run)");
	else if (!r->linked)
		snprintf(line, sizeof(line), "could not load");
	else
		snprintf(line, sizeof(line), "did not finish");
	fprintf(f, "<text x=\"12\" y=\"%.1f\" font-size=\"11\" font-weight=\"bold\" fill=\"%s\">%s</text>\n",
		y0 + 96, r->have_status || r->cross ? "#2d6a2d" : "#b00020", line);

	/* the segments: wide ones one by one, narrow ones binned */
	if (bins_new(&bn) == 0) {
		for (size_t i = 0; i < r->nsegs; i++) {
			const cmp_box *b = &r->segs[i];
			double x = axis_x(ax, b->target), xe, w;

			if (x < 0)
				continue;
			xe = axis_x(ax, b->target + (b->size ? b->size - 1 : 0));
			w = xe > x ? xe - x : 0;
			if (w >= 3.0) {
				fprintf(f, "<rect class=\"segment\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
					"height=\"%.1f\" fill=\"%s\" stroke=\"#fff\" stroke-width=\"0.5\"><title>",
					x, bar, w, SVG_BAR_H, prot_fill(b->prot));
				put_escaped(f, b->name);
				fprintf(f, " at 0x%" PRIx64 ", ", b->target);
				put_bytes(f, b->size);
				fputs("</title></rect>\n", f);
			} else {
				bins_add(&bn, x, axis_scale(ax, b->target), bin_kind(b->prot), b->size);
			}
		}
		bins_draw(f, &bn, bar, SVG_BAR_H, "segments", slot_prot_fill, "segments");
		bins_clear(&bn);
		/* GOT, stubs, thunks and commons in the lane under the bar */
		for (size_t i = 0; i < r->npieces; i++) {
			const cmp_box *p = &r->pieces[i];
			double x = axis_x(ax, p->target), xe, w;

			if (x < 0)
				continue;
			xe = axis_x(ax, p->target + (p->size ? p->size - 1 : 0));
			w = xe > x ? xe - x : 0;
			if (w >= 3.0 && r->npieces < 200) {
				fprintf(f, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
					"height=\"%.1f\" fill=\"%s\"><title>%s at 0x%" PRIx64 ", ",
					piece_class(p->kind), x, lane, w, SVG_LANE_H,
					piece_fill(p->kind), piece_class(p->kind), p->target);
				put_bytes(f, p->size);
				fputs("</title></rect>\n", f);
			} else {
				bins_add(&bn, x, axis_scale(ax, p->target), piece_slot(p->kind), p->size);
			}
		}
		bins_draw(f, &bn, lane, SVG_LANE_H, "stubs", slot_piece_fill,
			  "GOT/stub/thunk blocks");
		bins_free(&bn);
	}
	/* long jumps: arcs over the bar, a sample when there are many */
	if (r->njumps) {
		size_t step = r->njumps > SVG_MAX_ARCS ? r->njumps / SVG_MAX_ARCS : 1, drawn = 0;

		for (size_t i = 0; i < r->njumps && drawn < SVG_MAX_ARCS; i += step, drawn++) {
			double a = axis_x(ax, r->jumps[i].stub), b = axis_x(ax, r->jumps[i].to);
			double h;

			if (a < 0)
				a = axis_x(ax, r->jumps[i].from);
			if (a < 0)
				continue;
			if (b < 0)
				b = host_x();
			h = fmin(34.0, 6.0 + fabs(b - a) * 0.1);
			fprintf(f, "<path class=\"jump\" d=\"M%.1f %.1f Q%.1f %.1f %.1f %.1f\" "
				"stroke=\"#7a1e2c\" stroke-opacity=\"0.55\" stroke-width=\"1\" fill=\"none\"/>\n",
				a, bar, (a + b) / 2, bar - h * 2, b, bar);
		}
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#7a1e2c\">%zu of %zu long jumps drawn (stub to target)</text>\n",
			SVG_MAP_X0, y0 + 12, drawn, r->jumps_total);
	}
	/* the host: what the images call outside themselves */
	fprintf(f, "<rect class=\"host\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		"fill=\"#d9d9d9\"><title>the host process (C library, ...)</title></rect>\n",
		SVG_MAP_X1 - SVG_HOST_W, bar, SVG_HOST_W, SVG_BAR_H);
	if (r->error)
		put_wrapped(f, SVG_MAP_X0, lane + SVG_LANE_H + 14, r->error, 100, 2,
			    "font-size=\"11\" fill=\"#b00020\"");

	/* phases */
	for (int p = 0; p < OBJLOAD_PHASE_COUNT; p++)
		total_ns += r->m.phase_ns[p];
	{
		double x = SVG_TIME_X0;

		for (int p = 0; p < OBJLOAD_PHASE_COUNT; p++) {
			double w = (double)r->m.phase_ns[p] * time_scale;

			if (w <= 0)
				continue;
			fprintf(f, "<rect class=\"phase\" x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" "
				"fill=\"%s\"><title>%s: %.1f us</title></rect>\n", x, bar, w, SVG_BAR_H,
				phase_fill[p], objload_phase_name((objload_phase)p),
				(double)r->m.phase_ns[p] / 1000.0);
			x += w;
		}
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">%.2f ms</text>\n", x + 4,
			bar + SVG_BAR_H / 2 + 4, (double)total_ns / 1e6);
	}
	fputs("</g>\n", f);
}

/* ---- the document -------------------------------------------------------------------- */

static void legend_item(FILE *f, double x, double y, const char *fill, const char *label)
{
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>"
		"<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", x, y - 10, fill, x + 16, y, label);
}

int cmp_write_svg(const char *path, const cmp_result *rs, size_t n, const char *title)
{
	FILE *f = fopen(path, "w");
	double height = SVG_TOP + (double)n * SVG_ROW_H + 40;
	uint64_t max_ns = 0;
	axis ax;
	int e;

	if (!f)
		return -1;
	if (axis_build(&ax, rs, n)) {
		fclose(f);
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t t = 0;

		for (int p = 0; p < OBJLOAD_PHASE_COUNT; p++)
			t += rs[i].m.phase_ns[p];
		if (t > max_ns)
			max_ns = t;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans, Verdana, sans-serif\" "
		"font-size=\"12\">\n", SVG_W, height, SVG_W, height);
	fprintf(f, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", SVG_W, height);
	fputs("<title>objload compare: where each strategy placed the code and data</title>\n", f);
	fputs("<text x=\"12\" y=\"24\" font-size=\"17\" font-weight=\"bold\">objload compare", f);
	if (title && *title) {
		fputs(": ", f);
		put_escaped(f, title);
	}
	fputs("</text>\n", f);
	legend_item(f, 12, 50, prot_fill(OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC), "code (r-x)");
	legend_item(f, 112, 50, prot_fill(OBJLOAD_PROT_READ), "read-only (r--)");
	legend_item(f, 240, 50, prot_fill(OBJLOAD_PROT_READ | OBJLOAD_PROT_WRITE), "data (rw-)");
	legend_item(f, 350, 50, piece_fill(OBJLOAD_PIECE_GOT), "GOT");
	legend_item(f, 410, 50, piece_fill(OBJLOAD_PIECE_STUBS), "stubs");
	legend_item(f, 478, 50, piece_fill(OBJLOAD_PIECE_THUNKS), "thunks");
	legend_item(f, 556, 50, piece_fill(OBJLOAD_PIECE_COMMONS), "commons");
	fprintf(f, "<path d=\"M640 46 Q652 30 664 46\" stroke=\"#7a1e2c\" fill=\"none\"/>"
		"<text x=\"670\" y=\"50\">long jump via a stub</text>\n");
	fputs("<text x=\"12\" y=\"74\">phases:</text>\n", f);
	for (int p = 0; p < OBJLOAD_PHASE_COUNT; p++)
		legend_item(f, 70 + (double)p * 84, 74, phase_fill[p],
			    objload_phase_name((objload_phase)p));
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#333\">time per phase, all rows to one scale</text>\n",
		SVG_TIME_X0, SVG_TOP - 14);
	if (ax.nc) {
		draw_axis(f, &ax, SVG_TOP - 8, height - 40);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#333\">",
			SVG_MAP_X0, height - 22);
		fputs("address axis shared by all rows: 1 px = ", f);
		put_bytes(f, (uint64_t)(ax.bytes_per_px + 0.5));
		fprintf(f, "; %zu gap%s of more than 1 MiB cut out (//)", ax.nb - 1,
			ax.nb == 2 ? "" : "s");
		if (ax.squeezed)
			fprintf(f, ", %zu more squeezed out inside blocks", ax.squeezed);
		fprintf(f, "%s</text>\n", ax.min_width_used ?
			"; small blocks widened so that they can be seen" : "");
	}
	for (size_t i = 0; i < n; i++)
		draw_row(f, &ax, &rs[i], i,
			 max_ns ? (SVG_TIME_X1 - SVG_TIME_X0) / (double)max_ns : 0);
	fputs("</svg>\n", f);
	free(ax.c);
	if (ferror(f)) {
		e = errno ? errno : EIO;
		fclose(f);
		errno = e;
		return -1;
	}
	return fclose(f) ? -1 : 0;
}
