/* SPDX-License-Identifier: MIT */
/*
 * objload compare: load the same inputs once per loading strategy and
 * show what each costs.
 *
 *   objload compare [--json|--csv] [--svg=FILE] [--entry=SYM]
 *                   [--define=SYM=ADDR]... [--show-output] [--timeout=SEC]
 *                   [--base=ADDR] FILE... [-- ARGS...]
 *
 * Strategies: `whole` (one reservation, segments by protection, the mmap
 * manager), `section` (one allocation per section, the mmap manager, which
 * lets the kernel put them side by side), and `scatter` (per-section with
 * the scattering manager: every segment more than 4 GiB from the others,
 * so every cross-section branch takes a stub and any other cross-section
 * PC-relative fixup fails).
 *
 * Each strategy runs in its own session in a forked child: a crash or an
 * exit() of the loaded program ends only the child.  The child sends its
 * results through a pipe as lines "TAG fields...", first the link (metrics,
 * placement, long jumps, the first error), then, after the entry point
 * returned, its status.  A child that ends without the second record was
 * ended by the program: its exit status or signal is the result.  The
 * program's stdout and stderr go to /dev/null unless --show-output.
 *
 * Inputs for another arch than the host's are linked with objload_link_at
 * at --base (default 0x10000000) and not run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "objload.h"
#include "objload/plugin.h"
#include "tools/compare.h"

#define CMP_MAX_JUMPS 4000    /* long jumps sent per strategy, for the SVG */

const char objload_compare_usage[] =
	"       objload compare [--json|--csv] [--svg=FILE] [--entry=SYM]\n"
	"                       [--define=SYM=ADDR]... [--show-output] [--timeout=SEC]\n"
	"                       [--base=ADDR] FILE... [-- ARGS...]\n";

typedef struct cmp_strategy {
	const char *name;
	objload_strategy strategy;
	int scatter;
} cmp_strategy;

static const cmp_strategy cmp_strategies[] = {
	{ .name = "whole", .strategy = OBJLOAD_STRATEGY_WHOLE },
	{ .name = "section", .strategy = OBJLOAD_STRATEGY_SECTION },
	{ .name = "scatter", .strategy = OBJLOAD_STRATEGY_SECTION, .scatter = 1 },
};
#define CMP_NSTRATEGIES (sizeof(cmp_strategies) / sizeof(cmp_strategies[0]))

typedef struct cmp_options {
	int json, csv, show_output;
	unsigned timeout;
	const char *svg, *entry;
	uint64_t base;
	const char **files;
	int nfiles;
	char **args;
	int nargs;
	char **def_names;
	uint64_t *def_addrs;
	int ndefines;
} cmp_options;

typedef struct cmp_box {
	uint64_t target, size;
	int prot, kind;
	char *name;
} cmp_box;

typedef struct cmp_result {
	const cmp_strategy *strategy;
	objload_metrics m;            /* kind names are strdup'ed here */
	uint64_t stubs_taken;
	int linked, ran, have_status, status, cross;
	char *error;
	cmp_box *segs, *pieces;
	size_t nsegs, npieces;
	objload_jump_info *jumps;
	size_t njumps, jumps_total;
} cmp_result;

/* ---- the child ---------------------------------------------------------- */

static void cmp_put_text(FILE *out, const char *tag, const char *text)
{
	fprintf(out, "%s ", tag);
	for (const char *p = text; *p; p++)
		fputc(*p == '\n' || *p == '\r' ? ' ' : *p, out);
	fputc('\n', out);
}

static int cmp_host_arch(objload_arch_id a)
{
#if defined(__x86_64__)
	return a == OBJLOAD_ARCH_X86_64;
#elif defined(__aarch64__)
	return a == OBJLOAD_ARCH_AARCH64;
#else
	(void)a;
	return 0;
#endif
}

static int cmp_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void cmp_report_link(objload_session *s, FILE *out, int linked)
{
	objload_metrics m;
	size_t n, njumps = 0;
	objload_jump_info *jumps;
	uint64_t taken = 0;

	objload_get_metrics(s, &m);
	fprintf(out, "m %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
		" %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
		m.images, m.allocations, m.mappings, m.bytes_reserved, m.bytes_used,
		m.pages, m.protection_changes, m.got_entries, m.stubs, m.relocations,
		m.out_of_range);
	for (int p = 0; p < OBJLOAD_PHASE_COUNT; p++)
		fprintf(out, "p %d %" PRIu64 "\n", p, m.phase_ns[p]);
	for (size_t k = 0; k < m.nkinds; k++)
		fprintf(out, "k %" PRIu64 " %s\n", m.by_kind[k].count, m.by_kind[k].kind);
	n = objload_segment_count(s);
	for (size_t i = 0; i < n; i++) {
		objload_segment_info si;

		if (objload_get_segment(s, i, &si))
			continue;
		fprintf(out, "s %" PRIx64 " %" PRIx64 " %d %d %s\n", si.target, si.size,
			si.prot, (int)si.kind, si.name ? si.name : "?");
	}
	n = objload_piece_count(s);
	for (size_t i = 0; i < n; i++) {
		objload_piece_info pi;

		if (objload_get_piece(s, i, &pi) || pi.kind == OBJLOAD_PIECE_SECTION)
			continue;
		fprintf(out, "q %" PRIx64 " %" PRIx64 " %d %d %s\n", pi.target, pi.size,
			pi.prot, (int)pi.kind, pi.name);
	}
	n = objload_jump_count(s);
	jumps = n ? calloc(n, sizeof(*jumps)) : NULL;
	if (jumps && !objload_get_jumps(s, jumps, n, &njumps)) {
		uint64_t *stubs = calloc(njumps ? njumps : 1, sizeof(*stubs));

		if (stubs) {
			for (size_t i = 0; i < njumps; i++)
				stubs[i] = jumps[i].stub;
			qsort(stubs, njumps, sizeof(*stubs), cmp_cmp_u64);
			for (size_t i = 0; i < njumps; i++)
				taken += !i || stubs[i] != stubs[i - 1];
			free(stubs);
		}
		for (size_t i = 0; i < njumps && i < CMP_MAX_JUMPS; i++)
			fprintf(out, "j %" PRIx64 " %" PRIx64 " %" PRIx64 "\n",
				jumps[i].from, jumps[i].stub, jumps[i].to);
	}
	free(jumps);
	fprintf(out, "t %" PRIu64 " %zu\n", taken, njumps);
	if (linked)
		fprintf(out, "l\n");
}

static void cmp_child(const cmp_options *o, const cmp_strategy *st, int fd)
{
	FILE *out = fdopen(fd, "w");
	objload_scatter_ctx scatter = { 0 };
	objload_session *s;
	objload_status rc = OBJLOAD_OK;
	int cross = 0;

	if (!out)
		_exit(120);
	if (!o->show_output) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			close(null);
		}
	}
	if (o->timeout)
		alarm(o->timeout);
	if (objload_session_new(&s)) {
		cmp_put_text(out, "e", "out of memory");
		fclose(out);
		_exit(0);
	}
	rc = objload_set_strategy(s, st->strategy);
	if (!rc && st->scatter)
		rc = objload_set_memory_manager(s, objload_scatter_memory_manager(), &scatter);
	for (int i = 0; !rc && i < o->ndefines; i++)
		rc = objload_define(s, o->def_names[i], o->def_addrs[i]);
	for (int i = 0; !rc && i < o->nfiles; i++)
		rc = objload_add_file(s, o->files[i]);
	if (!rc) {
		const objload_image *img = objload_get_image(s, 0);

		cross = img && !cmp_host_arch(img->arch);
		rc = cross ? objload_link_at(s, o->base) : objload_link(s);
	}
	if (cross)
		fprintf(out, "c\n");
	cmp_report_link(s, out, rc == OBJLOAD_OK);
	if (rc)
		cmp_put_text(out, "e", objload_errmsg(s));
	fflush(out);
	if (!rc && !cross) {
		char **argv = calloc((size_t)o->nargs + 2, sizeof(*argv));
		int status = 0;

		if (!argv)
			_exit(121);
		argv[0] = (char *)o->files[0];
		for (int i = 0; i < o->nargs; i++)
			argv[i + 1] = o->args[i];
		rc = objload_run_main(s, o->entry, o->nargs + 1, argv, &status);
		if (rc) {
			cmp_put_text(out, "e", objload_errmsg(s));
		} else {
			fflush(stdout);
			fflush(stderr);
			fprintf(out, "r %d\n", status);
		}
		fflush(out);
		free(argv);
	}
	objload_session_free(s);
	fflush(stdout);
	fflush(stderr);
	fclose(out);
	_exit(0);
}

/* ---- the parent: collecting ---------------------------------------------- */

static int cmp_grow(void **arr, size_t n, size_t *cap, size_t elem)
{
	void *p;

	if (n < *cap)
		return 0;
	p = realloc(*arr, (*cap ? *cap * 2 : 16) * elem);
	if (!p)
		return -1;
	*arr = p;
	*cap = *cap ? *cap * 2 : 16;
	return 0;
}

static int cmp_parse_box(const char *line, cmp_box *b)
{
	int pos = 0;

	if (sscanf(line, "%" SCNx64 " %" SCNx64 " %d %d %n", &b->target, &b->size,
		   &b->prot, &b->kind, &pos) < 4 || !pos)
		return -1;
	b->name = strdup(line + pos);
	return b->name ? 0 : -1;
}

static void cmp_parse_line(cmp_result *r, char *line, size_t *segcap,
			   size_t *piececap, size_t *jumpcap)
{
	char *rest = line + 2;
	size_t len = strlen(line);

	if (len && line[len - 1] == '\n')
		line[--len] = 0;
	if (len < 1)
		return;
	switch (line[0]) {
	case 'm':
		sscanf(rest, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
		       " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64,
		       &r->m.images, &r->m.allocations, &r->m.mappings, &r->m.bytes_reserved,
		       &r->m.bytes_used, &r->m.pages, &r->m.protection_changes,
		       &r->m.got_entries, &r->m.stubs, &r->m.relocations, &r->m.out_of_range);
		break;
	case 'p': {
		int p;
		uint64_t ns;

		if (sscanf(rest, "%d %" SCNu64, &p, &ns) == 2 && p >= 0 &&
		    p < OBJLOAD_PHASE_COUNT)
			r->m.phase_ns[p] = ns;
		break;
	}
	case 'k': {
		uint64_t c;
		int pos = 0;

		if (sscanf(rest, "%" SCNu64 " %n", &c, &pos) >= 1 && pos &&
		    r->m.nkinds < OBJLOAD_MAX_KIND_METRICS) {
			r->m.by_kind[r->m.nkinds].kind = strdup(rest + pos);
			r->m.by_kind[r->m.nkinds++].count = c;
		}
		break;
	}
	case 's':
		if (!cmp_grow((void **)&r->segs, r->nsegs, segcap, sizeof(*r->segs)) &&
		    !cmp_parse_box(rest, &r->segs[r->nsegs]))
			r->nsegs++;
		break;
	case 'q':
		if (!cmp_grow((void **)&r->pieces, r->npieces, piececap, sizeof(*r->pieces)) &&
		    !cmp_parse_box(rest, &r->pieces[r->npieces]))
			r->npieces++;
		break;
	case 'j': {
		objload_jump_info j;

		if (sscanf(rest, "%" SCNx64 " %" SCNx64 " %" SCNx64, &j.from, &j.stub, &j.to) == 3 &&
		    !cmp_grow((void **)&r->jumps, r->njumps, jumpcap, sizeof(*r->jumps)))
			r->jumps[r->njumps++] = j;
		break;
	}
	case 't':
		sscanf(rest, "%" SCNu64 " %zu", &r->stubs_taken, &r->jumps_total);
		break;
	case 'l':
		r->linked = 1;
		break;
	case 'c':
		r->cross = 1;
		break;
	case 'e':
		if (!r->error)
			r->error = strdup(rest);
		break;
	case 'r':
		r->ran = 1;
		r->have_status = sscanf(rest, "%d", &r->status) == 1;
		break;
	default:
		break;
	}
}

static int cmp_run_one(const cmp_options *o, const cmp_strategy *st, cmp_result *r)
{
	int fds[2], wstatus = 0;
	pid_t pid;
	FILE *in;
	char *line = NULL;
	size_t cap = 0, segcap = 0, piececap = 0, jumpcap = 0;

	memset(r, 0, sizeof(*r));
	r->strategy = st;
	if (pipe(fds) < 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		cmp_child(o, st, fds[1]);
	}
	close(fds[1]);
	in = fdopen(fds[0], "r");
	if (!in) {
		close(fds[0]);
		waitpid(pid, &wstatus, 0);
		return -1;
	}
	while (getline(&line, &cap, in) > 0)
		cmp_parse_line(r, line, &segcap, &piececap, &jumpcap);
	free(line);
	fclose(in);
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	if (r->linked && !r->cross && !r->ran) {
		/* the program ended the child: exit() or a signal */
		char msg[128];

		if (WIFEXITED(wstatus) && !r->error) {
			r->ran = 1;
			r->have_status = 1;
			r->status = WEXITSTATUS(wstatus);
		} else if (WIFSIGNALED(wstatus)) {
			r->ran = 1;
			snprintf(msg, sizeof(msg), "killed by signal %d (%s)%s",
				 WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)),
				 WTERMSIG(wstatus) == SIGALRM ? ": timed out" : "");
			if (!r->error)
				r->error = strdup(msg);
		}
	} else if (!r->linked && !r->error) {
		char msg[128];

		snprintf(msg, sizeof(msg), "the loader child ended with status 0x%x", wstatus);
		r->error = strdup(msg);
	}
	return 0;
}

static void cmp_free_result(cmp_result *r)
{
	for (size_t k = 0; k < r->m.nkinds; k++)
		free((char *)r->m.by_kind[k].kind);
	for (size_t i = 0; i < r->nsegs; i++)
		free(r->segs[i].name);
	for (size_t i = 0; i < r->npieces; i++)
		free(r->pieces[i].name);
	free(r->segs);
	free(r->pieces);
	free(r->jumps);
	free(r->error);
}

/* ---- output ------------------------------------------------------------- */

static double cmp_us(uint64_t ns)
{
	return (double)ns / 1000.0;
}

static void cmp_json_string(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void cmp_print_json(FILE *f, const cmp_result *rs, size_t n)
{
	fputs("[\n", f);
	for (size_t i = 0; i < n; i++) {
		const cmp_result *r = &rs[i];

		fputs("  {\"strategy\": ", f);
		cmp_json_string(f, r->strategy->name);
		fprintf(f, ", \"allocations\": %" PRIu64 ", \"bytes_reserved\": %" PRIu64
			", \"bytes_used\": %" PRIu64 ", \"pages\": %" PRIu64
			", \"protection_changes\": %" PRIu64 ", \"got_entries\": %" PRIu64
			", \"stubs\": %" PRIu64 ", \"relocations\": {",
			r->m.allocations, r->m.bytes_reserved, r->m.bytes_used, r->m.pages,
			r->m.protection_changes, r->m.got_entries, r->stubs_taken);
		for (size_t k = 0; k < r->m.nkinds; k++) {
			fputs(k ? ", " : "", f);
			cmp_json_string(f, r->m.by_kind[k].kind);
			fprintf(f, ": %" PRIu64, r->m.by_kind[k].count);
		}
		fprintf(f, "}, \"out_of_range\": %" PRIu64 ", \"phases_us\": {", r->m.out_of_range);
		for (int p = 0; p < OBJLOAD_PHASE_COUNT; p++)
			fprintf(f, "%s\"%s\": %.1f", p ? ", " : "",
				objload_phase_name((objload_phase)p), cmp_us(r->m.phase_ns[p]));
		fprintf(f, "}, \"ran\": %s, \"exit_status\": ", r->ran ? "true" : "false");
		if (r->have_status)
			fprintf(f, "%d", r->status);
		else
			fputs("null", f);
		fputs(", \"error\": ", f);
		cmp_json_string(f, r->error);
		fprintf(f, "}%s\n", i + 1 < n ? "," : "");
	}
	fputs("]\n", f);
}

static void cmp_csv_string(FILE *f, const char *s)
{
	if (!s)
		return;
	fputc('"', f);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

static void cmp_print_csv(FILE *f, const cmp_result *rs, size_t n)
{
	const char *kinds[OBJLOAD_MAX_KIND_METRICS * 3];
	size_t nk = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < rs[i].m.nkinds; k++) {
			size_t j;

			for (j = 0; j < nk; j++)
				if (strcmp(kinds[j], rs[i].m.by_kind[k].kind) == 0)
					break;
			if (j == nk && nk < sizeof(kinds) / sizeof(kinds[0]))
				kinds[nk++] = rs[i].m.by_kind[k].kind;
		}
	fputs("strategy,allocations,bytes_reserved,bytes_used,pages,protection_changes,"
	      "got_entries,stubs,relocations", f);
	for (size_t j = 0; j < nk; j++)
		fprintf(f, ",relocations_%s", kinds[j]);
	fputs(",out_of_range", f);
	for (int p = 0; p < OBJLOAD_PHASE_COUNT; p++)
		fprintf(f, ",%s_us", objload_phase_name((objload_phase)p));
	fputs(",ran,exit_status,error\n", f);
	for (size_t i = 0; i < n; i++) {
		const cmp_result *r = &rs[i];

		fprintf(f, "%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%" PRIu64 ",%" PRIu64 ",%" PRIu64, r->strategy->name,
			r->m.allocations, r->m.bytes_reserved, r->m.bytes_used, r->m.pages,
			r->m.protection_changes, r->m.got_entries, r->stubs_taken,
			r->m.relocations);
		for (size_t j = 0; j < nk; j++) {
			uint64_t c = 0;

			for (size_t k = 0; k < r->m.nkinds; k++)
				if (strcmp(kinds[j], r->m.by_kind[k].kind) == 0)
					c = r->m.by_kind[k].count;
			fprintf(f, ",%" PRIu64, c);
		}
		fprintf(f, ",%" PRIu64, r->m.out_of_range);
		for (int p = 0; p < OBJLOAD_PHASE_COUNT; p++)
			fprintf(f, ",%.1f", cmp_us(r->m.phase_ns[p]));
		fprintf(f, ",%s,", r->ran ? "true" : "false");
		if (r->have_status)
			fprintf(f, "%d", r->status);
		fputc(',', f);
		cmp_csv_string(f, r->error);
		fputc('\n', f);
	}
}

static void cmp_print_table(FILE *f, const cmp_result *rs, size_t n)
{
	fprintf(f, "%-8s %6s %10s %10s %6s %5s %5s %11s %7s %4s",
		"strategy", "allocs", "reserved", "used", "pages", "prot", "got",
		"stubs t/m", "relocs", "oor");
	for (int p = 0; p < OBJLOAD_PHASE_COUNT; p++)
		fprintf(f, " %9.9s", objload_phase_name((objload_phase)p));
	fprintf(f, " %4s %5s\n", "ran", "exit");
	for (size_t i = 0; i < n; i++) {
		const cmp_result *r = &rs[i];
		char stubs[32], ex[16];

		snprintf(stubs, sizeof(stubs), "%" PRIu64 "/%" PRIu64, r->stubs_taken, r->m.stubs);
		if (r->have_status)
			snprintf(ex, sizeof(ex), "%d", r->status);
		else
			snprintf(ex, sizeof(ex), "-");
		fprintf(f, "%-8s %6" PRIu64 " %10" PRIu64 " %10" PRIu64 " %6" PRIu64 " %5" PRIu64
			" %5" PRIu64 " %11s %7" PRIu64 " %4" PRIu64, r->strategy->name,
			r->m.allocations, r->m.bytes_reserved, r->m.bytes_used, r->m.pages,
			r->m.protection_changes, r->m.got_entries, stubs, r->m.relocations,
			r->m.out_of_range);
		for (int p = 0; p < OBJLOAD_PHASE_COUNT; p++)
			fprintf(f, " %9.1f", cmp_us(r->m.phase_ns[p]));
		fprintf(f, " %4s %5s\n", r->ran ? "yes" : "no", ex);
	}
	fputs("\nphases in microseconds; stubs t/m: stubs taken (a branch went through them) / made\n", f);
	for (size_t i = 0; i < n; i++) {
		const cmp_result *r = &rs[i];

		fprintf(f, "%s relocations:", r->strategy->name);
		for (size_t k = 0; k < r->m.nkinds; k++)
			fprintf(f, " %s=%" PRIu64, r->m.by_kind[k].kind, r->m.by_kind[k].count);
		fputc('\n', f);
		if (r->error)
			fprintf(f, "%s error: %s\n", r->strategy->name, r->error);
	}
}

/* ---- SVG ---------------------------------------------------------------- */

static double dmin(double a, double b) { return a < b ? a : b; }
static double dmax(double a, double b) { return a > b ? a : b; }
static double dabs(double a) { return a < 0 ? -a : a; }

#define SVG_W 1200.0
#define SVG_LEFT 90.0
#define SVG_ROW 150.0
#define SVG_BAR_Y 95.0
#define SVG_BAR_H 26.0
#define SVG_ELIDE (256u << 10)   /* gaps above this are drawn as a marker */

typedef struct svg_map {
	cmp_box *segs;       /* sorted by target */
	size_t n;
	double *x;           /* left edge of each segment */
	double scale;        /* px per byte */
	double host_x;
} svg_map;

static int cmp_box_order(const void *a, const void *b)
{
	const cmp_box *x = a, *y = b;

	return x->target < y->target ? -1 : x->target > y->target;
}

static const char *svg_fill(int prot, int kind)
{
	if (kind == OBJLOAD_PIECE_GOT)
		return "#f2cc8f";
	if (kind == OBJLOAD_PIECE_STUBS)
		return "#9b2226";
	if (prot & OBJLOAD_PROT_EXEC)
		return "#e07a5f";
	if (prot & OBJLOAD_PROT_WRITE)
		return "#3d5a80";
	return "#81b29a";
}

static void svg_escape(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static double svg_x(const svg_map *m, uint64_t a)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (m->segs[mid].target <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return m->host_x;
	lo--;
	if (a - m->segs[lo].target > m->segs[lo].size + SVG_ELIDE)
		return m->host_x;
	return m->x[lo] + (double)(a - m->segs[lo].target) * m->scale;
}

static void svg_row(FILE *f, const cmp_result *r, size_t row)
{
	svg_map m = { 0 };
	double y0 = 40.0 + (double)row * SVG_ROW, bar = y0 + SVG_BAR_Y;
	double width = SVG_W - SVG_LEFT - 70.0, marker, x;
	uint64_t bytes = 0;
	size_t ngaps = 0, drawn = 0;

	fprintf(f, "<g class=\"strategy\" id=\"strategy-%s\">\n", r->strategy->name);
	fprintf(f, "<text x=\"10\" y=\"%.1f\" font-weight=\"bold\">%s</text>\n", y0 + 20,
		r->strategy->name);
	fprintf(f, "<text x=\"10\" y=\"%.1f\" font-size=\"11\">%zu segments, %" PRIu64
		" allocations, %" PRIu64 " stubs taken, %zu long jumps%s",
		y0 + 36, r->nsegs, r->m.allocations, r->stubs_taken, r->jumps_total,
		r->error ? "; error: " : "");
	svg_escape(f, r->error);
	fputs("</text>\n", f);
	m.n = r->nsegs;
	m.segs = malloc((m.n ? m.n : 1) * sizeof(*m.segs));
	m.x = malloc((m.n ? m.n : 1) * sizeof(*m.x));
	if (!m.segs || !m.x) {
		free(m.segs);
		free(m.x);
		fputs("</g>\n", f);
		return;
	}
	memcpy(m.segs, r->segs, m.n * sizeof(*m.segs));
	qsort(m.segs, m.n, sizeof(*m.segs), cmp_box_order);
	for (size_t i = 0; i < m.n; i++) {
		bytes += m.segs[i].size;
		if (i) {
			uint64_t end = m.segs[i - 1].target + m.segs[i - 1].size;
			uint64_t gap = m.segs[i].target > end ? m.segs[i].target - end : 0;

			if (gap > SVG_ELIDE)
				ngaps++;
			else
				bytes += gap;
		}
	}
	marker = ngaps ? dmin(10.0, width * 0.3 / (double)ngaps) : 0;
	m.scale = bytes ? (width - marker * (double)ngaps) / (double)bytes : 0;
	m.host_x = SVG_LEFT + width + 35.0;
	x = SVG_LEFT;
	for (size_t i = 0; i < m.n; i++) {
		const cmp_box *b = &m.segs[i];

		if (i) {
			uint64_t end = m.segs[i - 1].target + m.segs[i - 1].size;
			uint64_t gap = b->target > end ? b->target - end : 0;

			if (gap > SVG_ELIDE) {
				fprintf(f, "<path class=\"gap\" d=\"M%.2f %.1f l%.2f %.1f\" stroke=\"#555\" fill=\"none\">"
					"<title>gap of %" PRIu64 " bytes (%.1f GiB) elided</title></path>\n",
					x + marker * 0.25, bar + SVG_BAR_H + 3, marker * 0.5,
					-SVG_BAR_H - 6, gap, (double)gap / (double)(1ull << 30));
				x += marker;
			} else {
				x += (double)gap * m.scale;
			}
		}
		m.x[i] = x;
		fprintf(f, "<rect class=\"segment\" x=\"%.3f\" y=\"%.1f\" width=\"%.3f\" height=\"%.1f\" "
			"fill=\"%s\" stroke=\"#222\" stroke-width=\"0.2\"><title>",
			x, bar, dmax((double)b->size * m.scale, 0.3), SVG_BAR_H,
			svg_fill(b->prot, b->kind));
		svg_escape(f, b->name);
		fprintf(f, " 0x%" PRIx64 " +%" PRIu64 "</title></rect>\n", b->target, b->size);
		x += (double)b->size * m.scale;
	}
	for (size_t i = 0; i < r->npieces; i++) {
		const cmp_box *p = &r->pieces[i];
		double px = svg_x(&m, p->target);

		if (p->kind != OBJLOAD_PIECE_GOT && p->kind != OBJLOAD_PIECE_STUBS)
			continue;
		fprintf(f, "<rect class=\"%s\" x=\"%.3f\" y=\"%.1f\" width=\"%.3f\" height=\"%.1f\" "
			"fill=\"%s\"><title>%s 0x%" PRIx64 " +%" PRIu64 "</title></rect>\n",
			p->kind == OBJLOAD_PIECE_GOT ? "got" : "stubs", px, bar + SVG_BAR_H * 0.55,
			dmax((double)p->size * m.scale, 0.8), SVG_BAR_H * 0.45,
			svg_fill(p->prot, p->kind), p->name, p->target, p->size);
	}
	fprintf(f, "<rect class=\"host\" x=\"%.1f\" y=\"%.1f\" width=\"30\" height=\"%.1f\" "
		"fill=\"#ccc\"><title>the host process</title></rect>\n",
		m.host_x - 15, bar, SVG_BAR_H);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\">host</text>\n",
		m.host_x - 10, bar + SVG_BAR_H + 12);
	for (size_t i = 0; i < r->njumps && drawn < 1500; i++, drawn++) {
		double a = svg_x(&m, r->jumps[i].stub), b = svg_x(&m, r->jumps[i].to);
		double h = dmin(60.0, 8.0 + dabs(b - a) * 0.15);

		fprintf(f, "<path class=\"jump\" d=\"M%.2f %.1f Q%.2f %.1f %.2f %.1f\" "
			"stroke=\"#9b2226\" stroke-opacity=\"0.35\" stroke-width=\"0.6\" fill=\"none\"/>\n",
			a, bar, (a + b) / 2, bar - h, b, bar);
	}
	fputs("</g>\n", f);
	free(m.segs);
	free(m.x);
}

static int cmp_write_svg(const char *path, const cmp_result *rs, size_t n)
{
	FILE *f = fopen(path, "w");
	static const struct {
		const char *label;
		int prot, kind;
	} legend[] = {
		{ "code (R-X)", OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC, 0 },
		{ "read-only (R--)", OBJLOAD_PROT_READ, 0 },
		{ "data (RW-)", OBJLOAD_PROT_READ | OBJLOAD_PROT_WRITE, 0 },
		{ "GOT", OBJLOAD_PROT_READ, OBJLOAD_PIECE_GOT },
		{ "stubs / long jumps", OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC, OBJLOAD_PIECE_STUBS },
	};

	if (!f)
		return -1;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"font-family=\"sans-serif\" font-size=\"12\">\n", SVG_W,
		60.0 + (double)n * SVG_ROW);
	fputs("<title>objload compare: address space per strategy (to scale; gaps over 256 KiB elided)</title>\n", f);
	for (size_t i = 0; i < sizeof(legend) / sizeof(legend[0]); i++) {
		fprintf(f, "<rect class=\"legend\" x=\"%.0f\" y=\"12\" width=\"12\" height=\"12\" fill=\"%s\"/>"
			"<text x=\"%.0f\" y=\"22\">%s</text>\n", 10.0 + (double)i * 200,
			svg_fill(legend[i].prot, legend[i].kind), 26.0 + (double)i * 200,
			legend[i].label);
	}
	for (size_t i = 0; i < n; i++)
		svg_row(f, &rs[i], i);
	fputs("</svg>\n", f);
	return fclose(f) ? -1 : 0;
}

/* ---- options and main ---------------------------------------------------- */

static int cmp_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "objload compare: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'objload --help'.\n");
	return 2;
}

static int cmp_parse(int argc, char **argv, cmp_options *o)
{
	o->files = calloc((size_t)argc + 1, sizeof(*o->files));
	o->def_names = calloc((size_t)argc + 1, sizeof(*o->def_names));
	o->def_addrs = calloc((size_t)argc + 1, sizeof(*o->def_addrs));
	o->timeout = 60;
	o->base = 0x10000000;
	if (!o->files || !o->def_names || !o->def_addrs) {
		fprintf(stderr, "objload: out of memory\n");
		return 1;
	}
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		char *end;

		if (strcmp(a, "--") == 0) {
			o->args = argv + i + 1;
			o->nargs = argc - i - 1;
			break;
		}
		if (strcmp(a, "--json") == 0) {
			o->json = 1;
		} else if (strcmp(a, "--csv") == 0) {
			o->csv = 1;
		} else if (strcmp(a, "--show-output") == 0) {
			o->show_output = 1;
		} else if (strncmp(a, "--svg=", 6) == 0 && a[6]) {
			o->svg = a + 6;
		} else if (strncmp(a, "--entry=", 8) == 0 && a[8]) {
			o->entry = a + 8;
		} else if (strncmp(a, "--timeout=", 10) == 0) {
			errno = 0;
			o->timeout = (unsigned)strtoul(a + 10, &end, 0);
			if (errno || end == a + 10 || *end)
				return cmp_usage("bad timeout in '%s'", a);
		} else if (strncmp(a, "--base=", 7) == 0) {
			errno = 0;
			o->base = strtoull(a + 7, &end, 0);
			if (errno || end == a + 7 || *end)
				return cmp_usage("bad address in '%s'", a);
		} else if (strncmp(a, "--define=", 9) == 0) {
			const char *eq = strchr(a + 9, '=');

			if (!eq || eq == a + 9)
				return cmp_usage("--define wants SYM=ADDR, not '%s'", a + 9);
			errno = 0;
			o->def_addrs[o->ndefines] = strtoull(eq + 1, &end, 0);
			if (errno || end == eq + 1 || *end)
				return cmp_usage("bad address in '%s'", a);
			o->def_names[o->ndefines] = strndup(a + 9, (size_t)(eq - a - 9));
			if (!o->def_names[o->ndefines++])
				return 1;
		} else if (a[0] == '-' && a[1]) {
			return cmp_usage("unknown option '%s'", a);
		} else {
			o->files[o->nfiles++] = a;
		}
	}
	if (!o->nfiles)
		return cmp_usage("no input files%s", "");
	if (o->json && o->csv)
		return cmp_usage("--json and --csv exclude each other%s", "");
	return 0;
}

static void cmp_free_options(cmp_options *o)
{
	for (int i = 0; i < o->ndefines; i++)
		free(o->def_names[i]);
	free(o->def_names);
	free(o->def_addrs);
	free(o->files);
}

int objload_compare_main(int argc, char **argv)
{
	cmp_options o = { 0 };
	cmp_result rs[CMP_NSTRATEGIES];
	int rc = cmp_parse(argc, argv, &o);

	if (rc) {
		cmp_free_options(&o);
		return rc;
	}
	for (size_t i = 0; i < CMP_NSTRATEGIES; i++) {
		if (cmp_run_one(&o, &cmp_strategies[i], &rs[i])) {
			fprintf(stderr, "objload compare: cannot start a child: %s\n",
				strerror(errno));
			for (size_t j = 0; j < i; j++)
				cmp_free_result(&rs[j]);
			cmp_free_options(&o);
			return 1;
		}
	}
	if (o.json)
		cmp_print_json(stdout, rs, CMP_NSTRATEGIES);
	else if (o.csv)
		cmp_print_csv(stdout, rs, CMP_NSTRATEGIES);
	else
		cmp_print_table(stdout, rs, CMP_NSTRATEGIES);
	if (o.svg && cmp_write_svg(o.svg, rs, CMP_NSTRATEGIES)) {
		fprintf(stderr, "objload compare: %s: %s\n", o.svg, strerror(errno));
		rc = 1;
	}
	for (size_t i = 0; i < CMP_NSTRATEGIES; i++)
		cmp_free_result(&rs[i]);
	cmp_free_options(&o);
	return rc;
}
