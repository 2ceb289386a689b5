/* SPDX-License-Identifier: MIT */
/*
 * objload compare: load the same inputs once per loading strategy and
 * show what each costs.
 *
 *   objload compare [--json|--csv] [--svg=FILE] [--entry=SYM] [--define=SYM=ADDR]...
 *                   [--show-output] [--timeout=SEC] [--base=ADDR] [--trace]
 *                   [--plugin=P] [--format=F] [--arch=A] INPUT... [-- ARGS...]
 *
 * INPUTs are read as `run` reads them (objects, archives, -l, -L,
 * --whole-archive).  Strategies: `whole` (one reservation, segments by
 * protection, the mmap manager), `section` (one allocation per section,
 * the mmap manager, which lets the kernel put them side by side),
 * `scatter` (per-section with the scattering manager: every segment more
 * than 4 GiB from the others, so every cross-section branch takes a stub
 * and any other cross-section PC-relative fixup fails), and `auto` (each
 * format plug-in chooses, image by image, as `run` does).  Every row
 * declares the entry point as needed, as `run` does, so per-section
 * images drop the sections nothing reaches; each row lists how each
 * image was loaded and why.
 *
 * Each strategy runs in its own session in a forked child (os_child_start;
 * a host without fork, Windows, says so and compares nothing), so that a
 * crash or an exit() of the loaded program ends only the child.  What the
 * child reports must not be forgeable by the program: it sends the link's
 * results (metrics, placement, long jumps, the first error) through a pipe
 * and closes the pipe *before any loaded code runs* -- at the library's
 * OBJLOAD_LOG_RUN message that comes just before the constructors -- and
 * the last record it sends says "the program starts now".  From then on
 * the parent believes only waitpid(): the exit status, or the signal
 * (a crash in a constructor is the program's crash, not the loader's).
 * The program's stdout and stderr go to /dev/null unless --show-output.
 * The parent kills the child's process group after --timeout seconds.
 *
 * Inputs for another CPU than the host's are linked with objload_link_at
 * at --base (default 0x10000000) and not run.
 *
 * Exit status: 1 when some strategy could not load and link the inputs
 * (its error is in the output), 2 for a usage error, else 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objload.h"
#include "objload/plugin.h"
#include "os/os.h"
#include "tools/compare.h"
#include "tools/tool.h"

#define CMP_MAX_JUMPS 4000    /* long jumps sent per strategy, for the SVG */
/* what the child exits with when the library fails after the hand-over */
#define CMP_EXIT_LINK_AFTER_START 126
#define CMP_EXIT_CANNOT_CALL 127

typedef struct cmp_strategy {
	const char *name;
	objload_strategy strategy;
	int scatter;
} cmp_strategy;

static const cmp_strategy cmp_strategies[] = {
	{ .name = "whole", .strategy = OBJLOAD_STRATEGY_WHOLE },
	{ .name = "section", .strategy = OBJLOAD_STRATEGY_SECTION },
	{ .name = "scatter", .strategy = OBJLOAD_STRATEGY_SECTION, .scatter = 1 },
	{ .name = "auto", .strategy = OBJLOAD_STRATEGY_AUTO },
};
#define CMP_NSTRATEGIES (sizeof(cmp_strategies) / sizeof(cmp_strategies[0]))

/* ---- the child ---------------------------------------------------------- */

struct cmp_child {
	const struct tool_options *o;
	const cmp_strategy *st;
	objload_session *s;
	FILE *out;            /* the report channel; NULL once closed */
	int entry_missing;
};

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

static void cmp_report_link(objload_session *s, FILE *out)
{
	objload_metrics m;
	size_t n, njumps = 0;
	objload_jump_info *jumps;
	uint64_t taken = 0;

	if (objload_get_metrics(s, &m))
		return;
	fprintf(out, "m %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
		" %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
		m.images, m.allocations, m.mappings, m.bytes_reserved, m.bytes_used,
		m.pages, m.protection_changes, m.got_entries, m.stubs, m.relocations,
		m.out_of_range);
	for (int p = 0; p < OBJLOAD_PHASE_COUNT; p++)
		fprintf(out, "p %d %" PRIu64 "\n", p, m.phase_ns[p]);
	fprintf(out, "x %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
		" %" PRIu64 "\n", m.images_whole, m.images_section, m.dead_sections,
		m.dead_bytes, m.relaxed, m.got_avoided, m.thunks);
	for (size_t k = 0; k < m.nkinds; k++)
		fprintf(out, "k %" PRIu64 " %s\n", m.by_kind[k].count, m.by_kind[k].kind);
	n = objload_image_count(s);
	for (size_t i = 0; i < n; i++) {
		objload_strategy st;
		const char *reason = NULL;

		if (objload_image_strategy(s, i, &st, &reason))
			continue;
		/* three lines: the name and the reason may hold any byte but a
		 * newline */
		cmp_put_text(out, "i", objload_strategy_name(st));
		cmp_put_text(out, "f", objload_get_image(s, i)->path);
		cmp_put_text(out, "r", reason ? reason : "");
	}
	n = objload_segment_count(s);
	for (size_t i = 0; i < n; i++) {
		objload_segment_info si;

		if (objload_get_segment(s, i, &si))
			continue;
		fprintf(out, "s %" PRIx64 " %" PRIx64 " %d %d ", si.target, si.size,
			si.prot, (int)si.kind);
		cmp_put_text(out, "", si.name ? si.name : "?");
	}
	n = objload_piece_count(s);
	for (size_t i = 0; i < n; i++) {
		objload_piece_info pi;

		if (objload_get_piece(s, i, &pi) || pi.kind == OBJLOAD_PIECE_SECTION)
			continue;
		fprintf(out, "q %" PRIx64 " %" PRIx64 " %d %d ", pi.target, pi.size,
			pi.prot, (int)pi.kind);
		cmp_put_text(out, "", pi.name);
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
}

/* Whether some input defines the entry point (a global or weak definition
 * of that C-level name). */
static int cmp_entry_defined(const objload_session *s, const char *entry)
{
	for (size_t i = 0; i < objload_image_count(s); i++) {
		const objload_image *img = objload_get_image(s, i);

		for (uint32_t j = 0; j < img->nsymbols; j++) {
			const objload_symbol *sym = &img->symbols[j];

			if (sym->cname && sym->binding != OBJLOAD_BIND_LOCAL &&
			    sym->def != OBJLOAD_DEF_UNDEFINED && strcmp(sym->cname, entry) == 0)
				return 1;
		}
	}
	return 0;
}

/* The last moment before loaded code runs: send everything, close the
 * channel, silence the program's output. */
static void cmp_hand_over(struct cmp_child *ch)
{
	const char *entry = ch->o->entry ? ch->o->entry : "main";

	if (!ch->out)
		return;
	cmp_report_link(ch->s, ch->out);
	fprintf(ch->out, "l\n");
	if (!cmp_entry_defined(ch->s, entry)) {
		char msg[256];

		snprintf(msg, sizeof(msg), "entry point '%.200s' is not defined by the inputs", entry);
		cmp_put_text(ch->out, "e", msg);
		ch->entry_missing = 1;
	}
	fprintf(ch->out, "g\n");
	fclose(ch->out);
	ch->out = NULL;
	fflush(stdout);
	fflush(stderr);
	/* the program's crash ends the child by its signal, whatever handler
	 * objload's own build installed (a sanitizer's exits 1) */
	os_fatal_signals_default();
	if (!ch->o->show_output)
		os_silence_stdio();
}

static void cmp_child_log(void *ctx, objload_log_category c, const char *message)
{
	struct cmp_child *ch = ctx;

	if (c != OBJLOAD_LOG_RUN || ch->o->trace)
		fprintf(stderr, "objload compare (%s): %s%s\n", ch->st->name,
			c == OBJLOAD_LOG_WARNING ? "warning: " : "", message);
	if (c == OBJLOAD_LOG_RUN)
		cmp_hand_over(ch);
}

static void cmp_child(const struct tool_options *o, const cmp_strategy *st, int fd)
{
	struct cmp_child ch = { .o = o, .st = st };
	objload_scatter_ctx scatter = { 0 };
	objload_status rc = OBJLOAD_OK;
	int cross = 0, bad, status = 0;
	char **argv;

	ch.out = os_fdopen_write(fd);
	if (!ch.out)
		_Exit(120);
	if (objload_session_new(&ch.s)) {
		cmp_put_text(ch.out, "e", "out of memory");
		fclose(ch.out);
		_Exit(0);
	}
	if (tool_setup_session(ch.s, o, &bad) ||
	    objload_set_log(ch.s, (o->trace ? OBJLOAD_LOG_ALL : OBJLOAD_LOG_WARNING) |
			    OBJLOAD_LOG_RUN, cmp_child_log, &ch) ||
	    objload_set_strategy(ch.s, st->strategy) ||
	    (st->scatter && objload_set_memory_manager(ch.s, objload_scatter_memory_manager(),
							&scatter)))
		rc = OBJLOAD_ERR_ARGUMENT;
	if (!rc) {
		const objload_image *img = objload_get_image(ch.s, 0);

		cross = img && !cmp_host_arch(img->arch);
		/* as run does: what the program needs, so that per-section
		 * images drop what nothing reaches */
		if (!cross && objload_keep(ch.s, o->entry ? o->entry : "main"))
			rc = OBJLOAD_ERR_ARGUMENT;
	}
	if (!rc)
		rc = cross ? objload_link_at(ch.s, o->base) : objload_link(ch.s);
	if (ch.out) {
		/* nothing ran: a failed link, or a link for another CPU */
		if (cross)
			fprintf(ch.out, "c\n");
		cmp_report_link(ch.s, ch.out);
		if (!rc)
			fprintf(ch.out, "l\n");
		else
			cmp_put_text(ch.out, "e", objload_errmsg(ch.s));
		if (!rc && !cross) {
			/* the library sent no OBJLOAD_LOG_RUN message */
			cmp_hand_over(&ch);
		} else {
			fclose(ch.out);
			ch.out = NULL;
			objload_session_free(ch.s);
			_Exit(0);
		}
	}
	/* handed over: from here only the exit status speaks */
	if (rc) {
		fprintf(stderr, "objload compare: %s\n", objload_errmsg(ch.s));
		_Exit(CMP_EXIT_LINK_AFTER_START);
	}
	if (ch.entry_missing) {
		objload_session_free(ch.s);
		_Exit(0);
	}
	argv = calloc((size_t)o->nargs + 2, sizeof(*argv));
	if (!argv)
		_Exit(CMP_EXIT_CANNOT_CALL);
	argv[0] = (char *)o->files[0];
	for (int i = 0; i < o->nargs; i++)
		argv[i + 1] = o->args[i];
	if (objload_run_main(ch.s, o->entry, o->nargs + 1, argv, &status)) {
		fprintf(stderr, "objload compare: %s\n", objload_errmsg(ch.s));
		_Exit(CMP_EXIT_CANNOT_CALL);
	}
	fflush(stdout);
	fflush(stderr);
	objload_session_free(ch.s);
	fflush(stdout);
	_Exit(status & 0xff);
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
	while (line[pos] == ' ')
		pos++;
	b->name = strdup(line + pos);
	return b->name ? 0 : -1;
}

struct cmp_caps {
	size_t segs, pieces, jumps, images;
};

static void cmp_parse_line(cmp_result *r, char *line, struct cmp_caps *caps)
{
	char *rest = line[0] && line[1] ? line + 2 : line + 1;

	switch (line[0]) {
	case 'm':
		sscanf(rest, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
		       " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64,
		       &r->m.images, &r->m.allocations, &r->m.mappings, &r->m.bytes_reserved,
		       &r->m.bytes_used, &r->m.pages, &r->m.protection_changes,
		       &r->m.got_entries, &r->m.stubs, &r->m.relocations, &r->m.out_of_range);
		break;
	case 'x':
		sscanf(rest, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
		       " %" SCNu64 " %" SCNu64, &r->m.images_whole, &r->m.images_section,
		       &r->m.dead_sections, &r->m.dead_bytes, &r->m.relaxed, &r->m.got_avoided,
		       &r->m.thunks);
		break;
	case 'i':
		if (!cmp_grow((void **)&r->images, r->nimages, &caps->images, sizeof(*r->images))) {
			memset(&r->images[r->nimages], 0, sizeof(r->images[0]));
			r->images[r->nimages++].strategy = strdup(rest);
		}
		break;
	case 'f':
	case 'r':
		if (r->nimages) {
			cmp_image *im = &r->images[r->nimages - 1];
			char **slot = line[0] == 'f' ? &im->file : &im->reason;

			if (!*slot)
				*slot = strdup(rest);
		}
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
		if (!cmp_grow((void **)&r->segs, r->nsegs, &caps->segs, sizeof(*r->segs)) &&
		    !cmp_parse_box(rest, &r->segs[r->nsegs]))
			r->nsegs++;
		break;
	case 'q':
		if (!cmp_grow((void **)&r->pieces, r->npieces, &caps->pieces, sizeof(*r->pieces)) &&
		    !cmp_parse_box(rest, &r->pieces[r->npieces]))
			r->npieces++;
		break;
	case 'j': {
		objload_jump_info j;

		if (sscanf(rest, "%" SCNx64 " %" SCNx64 " %" SCNx64, &j.from, &j.stub, &j.to) == 3 &&
		    !cmp_grow((void **)&r->jumps, r->njumps, &caps->jumps, sizeof(*r->jumps)))
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
	case 'g':
		r->started = 1;
		break;
	case 'e':
		if (!r->error)
			r->error = strdup(rest);
		break;
	default:
		break;
	}
}

static void cmp_describe(char *buf, size_t len, const os_child_status *cs)
{
	if (cs->exited)
		snprintf(buf, len, "exit status %d", cs->code);
	else if (cs->signaled)
		snprintf(buf, len, "signal %d (%s)", cs->sig, os_signal_text(cs->sig));
	else
		snprintf(buf, len, "an unknown wait status");
}

/* The child's entry: one strategy (os_child_start). */
struct cmp_child_args {
	const struct tool_options *o;
	const cmp_strategy *st;
};

static void cmp_child_main(void *ctx, int fd)
{
	const struct cmp_child_args *a = ctx;

	cmp_child(a->o, a->st, fd);
}

static int cmp_run_one(const struct tool_options *o, const cmp_strategy *st, cmp_result *r)
{
	int timed_out = 0;
	uint64_t deadline = o->timeout ? os_now_ns() + (uint64_t)o->timeout * 1000000000ull : 0;
	struct cmp_caps caps = { 0 };
	struct cmp_child_args args = { .o = o, .st = st };
	char *report, *line, *save = NULL, how[96], msg[256];
	os_child child;
	os_child_status cs;

	memset(r, 0, sizeof(*r));
	r->strategy = st->name;
	if (os_child_start(&child, cmp_child_main, &args))
		return -1;
	report = os_child_read_report(&child, deadline, &timed_out);
	for (line = report ? strtok_r(report, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		cmp_parse_line(r, line, &caps);
	free(report);
	if (os_child_wait(&child, deadline, timed_out, &cs))
		return -1;
	timed_out = cs.timed_out;
	if (timed_out)
		r->timed_out = 1;
	cmp_describe(how, sizeof(how), &cs);
	if (!r->linked) {
		if (!r->error) {
			if (timed_out)
				snprintf(msg, sizeof(msg), "loading did not finish within %u s", o->timeout);
			else
				snprintf(msg, sizeof(msg),
					 "the loader (objload's child) ended before it reported: %s", how);
			r->error = strdup(msg);
		}
	} else if (r->cross) {
		/* linked for another CPU: nothing to run */
	} else if (!r->started) {
		if (!r->error) {
			snprintf(msg, sizeof(msg),
				 "the loader (objload's child) ended after the link without starting the program: %s",
				 how);
			r->error = strdup(msg);
		}
	} else if (r->error) {
		/* the entry point is missing: nothing was called */
	} else if (timed_out) {
		snprintf(msg, sizeof(msg), "the program did not finish within %u s and was killed",
			 o->timeout);
		r->error = strdup(msg);
	} else if (cs.exited) {
		r->ran = 1;
		r->have_status = 1;
		r->status = cs.code;
	} else if (cs.signaled) {
		r->signal = cs.sig;
		snprintf(msg, sizeof(msg),
			 "the program (its constructors or entry point) was killed by %s", how);
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
	for (size_t i = 0; i < r->nimages; i++) {
		free(r->images[i].file);
		free(r->images[i].strategy);
		free(r->images[i].reason);
	}
	free(r->images);
}

/* ---- output ------------------------------------------------------------- */

static double cmp_us(uint64_t ns)
{
	return (double)ns / 1000.0;
}

static const char *cmp_bool(int b)
{
	return b ? "true" : "false";
}

static void cmp_print_json(FILE *f, const cmp_result *rs, size_t n)
{
	fputs("[\n", f);
	for (size_t i = 0; i < n; i++) {
		const cmp_result *r = &rs[i];

		fputs("  {\"strategy\": ", f);
		tool_put_json(f, r->strategy);
		fprintf(f, ", \"linked\": %s, \"cross\": %s, \"started\": %s, \"ran\": %s, "
			"\"exit_status\": ", cmp_bool(r->linked), cmp_bool(r->cross),
			cmp_bool(r->started), cmp_bool(r->ran));
		if (r->have_status)
			fprintf(f, "%d", r->status);
		else
			fputs("null", f);
		fputs(", \"signal\": ", f);
		if (r->signal)
			fprintf(f, "%d", r->signal);
		else
			fputs("null", f);
		fprintf(f, ", \"timed_out\": %s, \"error\": ", cmp_bool(r->timed_out));
		tool_put_json(f, r->error);
		fputs(",\n   \"images\": [", f);
		for (size_t k = 0; k < r->nimages; k++) {
			fputs(k ? ",\n     {\"file\": " : "\n     {\"file\": ", f);
			tool_put_json(f, r->images[k].file);
			fputs(", \"strategy\": ", f);
			tool_put_json(f, r->images[k].strategy);
			fputs(", \"reason\": ", f);
			tool_put_json(f, r->images[k].reason);
			fputc('}', f);
		}
		fprintf(f, "],\n   \"images_whole\": %" PRIu64 ", \"images_section\": %" PRIu64
			", \"dead_sections\": %" PRIu64 ", \"dead_bytes\": %" PRIu64
			", \"relaxed\": %" PRIu64 ", \"got_avoided\": %" PRIu64
			", \"thunks\": %" PRIu64, r->m.images_whole, r->m.images_section,
			r->m.dead_sections, r->m.dead_bytes, r->m.relaxed, r->m.got_avoided,
			r->m.thunks);
		fprintf(f, ",\n   \"image_count\": %" PRIu64 ", \"segments\": %zu, \"allocations\": %" PRIu64
			", \"mappings\": %" PRIu64 ", \"bytes_reserved\": %" PRIu64
			", \"bytes_used\": %" PRIu64 ", \"pages\": %" PRIu64
			", \"protection_changes\": %" PRIu64 ", \"got_entries\": %" PRIu64
			", \"stubs\": %" PRIu64 ", \"stubs_made\": %" PRIu64
			", \"long_jumps\": %zu,\n   \"relocations_total\": %" PRIu64
			", \"relocations\": {", r->m.images, r->nsegs, r->m.allocations,
			r->m.mappings, r->m.bytes_reserved, r->m.bytes_used, r->m.pages,
			r->m.protection_changes, r->m.got_entries, r->stubs_taken, r->m.stubs,
			r->jumps_total, r->m.relocations);
		for (size_t k = 0; k < r->m.nkinds; k++) {
			fputs(k ? ", " : "", f);
			tool_put_json(f, r->m.by_kind[k].kind);
			fprintf(f, ": %" PRIu64, r->m.by_kind[k].count);
		}
		fprintf(f, "}, \"out_of_range\": %" PRIu64 ",\n   \"phases_us\": {", r->m.out_of_range);
		for (int p = 0; p < OBJLOAD_PHASE_COUNT; p++)
			fprintf(f, "%s\"%s\": %.1f", p ? ", " : "",
				objload_phase_name((objload_phase)p), cmp_us(r->m.phase_ns[p]));
		fprintf(f, "}}%s\n", i + 1 < n ? "," : "");
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
	fputs("strategy,linked,images_whole,images_section,dead_sections,dead_bytes,relaxed,"
	      "got_avoided,allocations,bytes_reserved,bytes_used,pages,protection_changes,"
	      "got_entries,stubs,stubs_made,relocations", f);
	for (size_t j = 0; j < nk; j++)
		fprintf(f, ",relocations_%s", kinds[j]);
	fputs(",out_of_range", f);
	for (int p = 0; p < OBJLOAD_PHASE_COUNT; p++)
		fprintf(f, ",%s_us", objload_phase_name((objload_phase)p));
	fputs(",ran,exit_status,signal,error\n", f);
	for (size_t i = 0; i < n; i++) {
		const cmp_result *r = &rs[i];

		fprintf(f, "%s,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%" PRIu64 ",", r->strategy, cmp_bool(r->linked), r->m.images_whole,
			r->m.images_section, r->m.dead_sections, r->m.dead_bytes, r->m.relaxed,
			r->m.got_avoided);
		fprintf(f, "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64, r->m.allocations, r->m.bytes_reserved, r->m.bytes_used,
			r->m.pages, r->m.protection_changes, r->m.got_entries, r->stubs_taken,
			r->m.stubs, r->m.relocations);
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
		fprintf(f, ",%s,", cmp_bool(r->ran));
		if (r->have_status)
			fprintf(f, "%d", r->status);
		fputc(',', f);
		if (r->signal)
			fprintf(f, "%d", r->signal);
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
		else if (r->signal)
			snprintf(ex, sizeof(ex), "sig%d", r->signal);
		else
			snprintf(ex, sizeof(ex), "-");
		fprintf(f, "%-8s %6" PRIu64 " %10" PRIu64 " %10" PRIu64 " %6" PRIu64 " %5" PRIu64
			" %5" PRIu64 " %11s %7" PRIu64 " %4" PRIu64, r->strategy,
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

		if (r->linked)
			fprintf(f, "%s: %" PRIu64 " image(s) whole, %" PRIu64 " section by section; "
				"%" PRIu64 " section(s), %" PRIu64 " bytes not loaded (dead); "
				"%" PRIu64 " access(es) relaxed, %" PRIu64 " GOT entries avoided\n",
				r->strategy, r->m.images_whole, r->m.images_section,
				r->m.dead_sections, r->m.dead_bytes, r->m.relaxed, r->m.got_avoided);
		for (size_t k = 0; k < r->nimages; k++) {
			fprintf(f, "  ");
			tool_put_name(f, r->images[k].file ? r->images[k].file : "?");
			fprintf(f, ": %s (", r->images[k].strategy);
			tool_put_name(f, r->images[k].reason ? r->images[k].reason : "");
			fputs(")\n", f);
		}
	}
	for (size_t i = 0; i < n; i++) {
		const cmp_result *r = &rs[i];

		fprintf(f, "%s relocations:", r->strategy);
		for (size_t k = 0; k < r->m.nkinds; k++)
			fprintf(f, " %s=%" PRIu64, r->m.by_kind[k].kind, r->m.by_kind[k].count);
		fputc('\n', f);
		if (r->error) {
			fprintf(f, "%s error: ", r->strategy);
			tool_put_name(f, r->error);
			fputc('\n', f);
		}
	}
}

/* ---- main ---------------------------------------------------------------- */

int tool_compare(const struct tool_options *o)
{
	cmp_result rs[CMP_NSTRATEGIES];
	char title[512];
	int rc = 0;
	size_t k = 0;

	for (size_t i = 0; i < CMP_NSTRATEGIES; i++) {
		if (cmp_run_one(o, &cmp_strategies[i], &rs[i])) {
			if (errno == ENOSYS)
				fprintf(stderr, "objload compare: unsupported on this host (%s): each "
					"strategy runs in a forked child process, and there is no fork "
					"(docs/hosts.md)\n", os_name());
			else
				fprintf(stderr, "objload compare: cannot run a child: %s\n",
					strerror(errno));
			for (size_t j = 0; j < i; j++)
				cmp_free_result(&rs[j]);
			return 1;
		}
		if (!rs[i].linked)
			rc = 1;
	}
	if (o->json)
		cmp_print_json(stdout, rs, CMP_NSTRATEGIES);
	else if (o->csv)
		cmp_print_csv(stdout, rs, CMP_NSTRATEGIES);
	else
		cmp_print_table(stdout, rs, CMP_NSTRATEGIES);
	title[0] = '\0';
	for (int i = 0; i < o->ninputs && k + 2 < sizeof(title); i++) {
		const struct tool_input *in = &o->inputs[i];
		const char *a = in->kind == TOOL_IN_FILE ? in->arg :
				in->kind == TOOL_IN_LIBRARY ? in->arg : NULL;
		const char *base = a && strrchr(a, '/') ? strrchr(a, '/') + 1 : a;

		if (a)
			k += (size_t)snprintf(title + k, sizeof(title) - k, "%s%s%s",
					      k ? " " : "", in->kind == TOOL_IN_LIBRARY ? "-l" : "",
					      base);
	}
	if (o->svg && cmp_write_svg(o->svg, rs, CMP_NSTRATEGIES, title)) {
		fputs("objload compare: ", stderr);
		tool_put_name(stderr, o->svg);
		fprintf(stderr, ": %s\n", strerror(errno));
		rc = 1;
	}
	for (size_t i = 0; i < CMP_NSTRATEGIES; i++)
		cmp_free_result(&rs[i]);
	return rc;
}
