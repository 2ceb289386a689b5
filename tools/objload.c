/* SPDX-License-Identifier: MIT */
/*
 * objload: the command-line tool.
 *
 *   objload run [OPTION]... INPUT... [-- ARGS...]
 *   objload info [OPTION]... FILE...
 *   objload link --base=ADDR -o OUT [OPTION]... INPUT...
 *   objload compare [OPTION]... INPUT... [-- ARGS...]
 *   objload help [COMMAND] | --help | --version
 *
 * The options of each command are in tools/options.c (and `objload
 * COMMAND --help`, objload(1)).  This file sets a session up from them,
 * runs the command, and prints what the library reports: errors as
 * "objload: FILE: message", the log (--trace, warnings) on stderr.
 *
 * Exit status: what the entry point returned for `run`; 1 for a load or
 * link error; 2 for a usage error.
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
#include "tools/crash.h"
#include "tools/tool.h"

/* ---- the session's log and errors --------------------------------------------- */

/* Messages arrive escaped (one line each). */
static void print_log(void *ctx, objload_log_category category, const char *message)
{
	(void)ctx;
	fprintf(stderr, "objload: %s%s\n",
		category == OBJLOAD_LOG_WARNING ? "warning: " : "", message);
}

/* The library's messages come escaped already (one line, control bytes
 * as \xNN): printed as they are. */
void tool_print_error(const objload_session *s)
{
	fprintf(stderr, "objload: %s\n", objload_errmsg(s));
}

/* The input that made the error: an input after the objects that no
 * format reads or that does not exist, for run's "--" hint. */
static int looks_like_program_argument(const struct tool_options *o, int i)
{
	if (o->inputs[i].kind != TOOL_IN_FILE)
		return 0;
	for (int k = 0; k < i; k++)
		if (o->inputs[k].kind == TOOL_IN_FILE) {
			os_path_kind kind = os_path_kind_of(o->inputs[i].arg);

			return kind == OS_PATH_NONE || kind == OS_PATH_FILE;
		}
	return 0;
}

int tool_setup_session(objload_session *s, const struct tool_options *o, int *bad_input)
{
	unsigned mask = OBJLOAD_LOG_WARNING;

	*bad_input = -1;
	if (o->trace)
		mask = OBJLOAD_LOG_ALL;
	if (objload_set_log(s, mask, print_log, NULL))
		return -1;
	for (int i = 0; i < o->nplugins; i++)
		if (objload_load_plugin(s, o->plugins[i]))
			return -1;
	if (o->format && objload_set_format(s, o->format))
		return -1;
	if (o->arch && objload_set_arch(s, o->arch))
		return -1;
	for (int k = 0; k < OBJLOAD_LIMIT_COUNT; k++)
		if (o->limit_set[k] && objload_set_limit(s, (objload_limit)k, o->limit[k]))
			return -1;
	if (o->thin_paths >= 0 &&
	    objload_set_thin_archive_policy(s, (objload_thin_policy)o->thin_paths))
		return -1;
	if ((o->no_relax && objload_set_relax(s, 0)) ||
	    (o->no_default_libs && objload_set_default_libs(s, 0)) ||
	    (o->perf_map && objload_set_perf_map(s, 1)))
		return -1;
	/* info shows every file as forced; run and link apply --strategy to
	 * the inputs after it */
	if (o->cmd == TOOL_INFO && objload_set_strategy(s, o->strategy))
		return -1;
	for (int i = 0; i < o->ndefines; i++)
		if (objload_define(s, o->defines[i].name, o->defines[i].addr))
			return -1;
	for (int i = 0; i < o->ndirs; i++)
		if (objload_add_search_dir(s, o->dirs[i]))
			return -1;
	for (int i = 0; i < o->ninputs; i++) {
		const struct tool_input *in = &o->inputs[i];
		objload_status st = OBJLOAD_OK;

		switch (in->kind) {
		case TOOL_IN_FILE:
			st = objload_add_file(s, in->arg);
			break;
		case TOOL_IN_LIBRARY:
			st = objload_add_library(s, in->arg);
			break;
		case TOOL_IN_WHOLE_ON:
		case TOOL_IN_WHOLE_OFF:
			st = objload_set_whole_archive(s, in->kind == TOOL_IN_WHOLE_ON);
			break;
		case TOOL_IN_STRATEGY: {
			objload_strategy strategy = OBJLOAD_STRATEGY_AUTO;

			tool_parse_strategy(in->arg, &strategy);
			st = objload_set_input_strategy(s, strategy);
			break;
		}
		}
		if (st) {
			if ((st == OBJLOAD_ERR_IO || st == OBJLOAD_ERR_FORMAT) &&
			    looks_like_program_argument(o, i))
				*bad_input = i;
			return -1;
		}
	}
	return 0;
}

/* --stats: what the link loaded, on stderr (stdout is the program's). */
static void print_stats(objload_session *s)
{
	objload_metrics m;

	if (objload_get_metrics(s, &m))
		return;
	fprintf(stderr, "objload: stats: images %" PRIu64 ", archives %" PRIu64
		", archive members loaded %" PRIu64
		", imports left to the host %" PRIu64 " (Microsoft import members)"
		", shared libraries opened %" PRIu64 ", relocations %" PRIu64 "\n",
		m.images, m.archives, m.archive_members, m.archive_imports,
		m.shared_libraries, m.relocations);
	for (size_t i = 0; i < objload_archive_count(s); i++) {
		objload_archive_info ai;

		if (objload_get_archive_info(s, i, &ai) == OBJLOAD_OK) {
			fputs("objload: stats: ", stderr);
			tool_put_name(stderr, ai.path);
			fprintf(stderr, ": %zu of %zu members loaded\n", ai.loaded, ai.members);
		}
	}
	fputs("objload: stats: --trace lists each member and each symbol bound to the host\n",
	      stderr);
}

static int write_map(objload_session *s, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	int e;

	if (!f || objload_write_map(s, f) || (f != stdout && fclose(f) != 0)) {
		e = errno;
		fputs("objload: ", stderr);
		tool_put_name(stderr, path);
		fprintf(stderr, ": cannot write the map: %s\n",
			f ? objload_errmsg(s) : strerror(e));
		return -1;
	}
	return 0;
}

/* A session made from the options, or NULL after printing why. */
static objload_session *open_session(const struct tool_options *o)
{
	objload_session *s;
	int bad;

	if (objload_session_new(&s)) {
		fprintf(stderr, "objload: out of memory\n");
		return NULL;
	}
	if (tool_setup_session(s, o, &bad)) {
		tool_print_error(s);
		if (bad >= 0 && o->cmd == TOOL_RUN)
			fprintf(stderr, "objload: hint: program arguments go after '--': "
				"objload run INPUT... -- ARGS...\n");
		objload_session_free(s);
		return NULL;
	}
	return s;
}

/* The session of `objload run` once its program runs: it lives until the
 * process ends, which a static pointer says to leak checkers. */
static objload_session *running_session;

static int cmd_run(const struct tool_options *o)
{
	objload_session *s = open_session(o);
	char **pargv;
	int status = 0;

	if (!s)
		return 1;
	if (!o->no_crash_report)
		crash_report_install(s);   /* constructors run in objload_link */
	/* the entry point is what the program needs: dead-stripping keeps
	 * what it reaches */
	if (objload_keep(s, o->entry ? o->entry : "main") || objload_link(s)) {
		tool_print_error(s);
		objload_session_free(s);
		return 1;
	}
	if (o->map && write_map(s, o->map)) {
		objload_session_free(s);
		return 1;
	}
	if (o->stats)
		print_stats(s);
	pargv = calloc((size_t)o->nargs + 2, sizeof(*pargv));
	if (!pargv) {
		fprintf(stderr, "objload: out of memory\n");
		objload_session_free(s);
		return 1;
	}
	pargv[0] = (char *)(o->nfiles ? o->files[0] : "a.out");
	for (int i = 0; i < o->nargs; i++)
		pargv[i + 1] = o->args[i];
	if (objload_run_main(s, o->entry, o->nargs + 1, pargv, &status)) {
		tool_print_error(s);
		free(pargv);
		objload_session_free(s);
		return 1;
	}
	/* main's return goes to exit(), as in a C program: on_exit, atexit
	 * and __cxa_atexit handlers and destructors run in the C library's
	 * order while the images are still mapped, then stdio is flushed (a
	 * stream may have its buffer in the images' data) */
	running_session = s;
	free(pargv);
	exit(status);
}

static void print_archive_text(const objload_session *s)
{
	objload_archive_info ai;

	if (objload_get_archive_info(s, 0, &ai))
		return;
	printf("archive: ");
	tool_put_name(stdout, ai.path);
	printf("\nflavor: %s\n", ai.flavor);
	printf("index: %s (%zu symbols)\n", ai.has_index ? "yes" : "no", ai.index_symbols);
	printf("members: %zu\n", ai.members);
	for (size_t j = 0; j < ai.members; j++) {
		objload_archive_member m;

		if (objload_get_archive_member(s, 0, j, &m))
			break;
		printf("  member %zu ", j);
		tool_put_name(stdout, m.name);
		printf(" offset=0x%" PRIx64 " size=%" PRIu64 "%s\n", m.offset, m.size,
		       m.import ? " import" : "");
	}
}

static void print_archive_json(const objload_session *s)
{
	objload_archive_info ai;

	if (objload_get_archive_info(s, 0, &ai))
		return;
	printf("{\"file\": ");
	tool_put_json(stdout, ai.path);
	printf(", \"type\": \"archive\", \"flavor\": ");
	tool_put_json(stdout, ai.flavor);
	printf(", \"index\": %s, \"index_symbols\": %zu, \"members\": [",
	       ai.has_index ? "true" : "false", ai.index_symbols);
	for (size_t j = 0; j < ai.members; j++) {
		objload_archive_member m;

		if (objload_get_archive_member(s, 0, j, &m))
			break;
		printf("%s\n    {\"index\": %zu, \"name\": ", j ? "," : "", j);
		tool_put_json(stdout, m.name);
		printf(", \"offset\": %" PRIu64 ", \"size\": %" PRIu64 ", \"import\": %s}",
		       m.offset, m.size, m.import ? "true" : "false");
	}
	printf("]}");
}

static int cmd_info(const struct tool_options *o)
{
	if (o->json)
		printf("{\"schema\": \"objload-info/1\", \"objload_version\": \"%s\", \"files\": [\n",
		       objload_version(NULL, NULL, NULL));
	for (int i = 0; i < o->nfiles; i++) {
		struct tool_options one = *o;
		objload_session *s;

		/* one session per file: each is shown on its own */
		one.inputs += i;
		one.ninputs = 1;
		one.defines = NULL;
		one.ndefines = 0;
		s = open_session(&one);
		if (!s) {
			if (o->json)
				printf("]}\n");
			return 1;
		}
		if (o->json) {
			if (i)
				printf(",\n");
			if (objload_archive_count(s))
				print_archive_json(s);
			else
				tool_info_json(stdout, s, o->strategy);
		} else {
			if (i)
				printf("\n");
			if (objload_archive_count(s))
				print_archive_text(s);
			else
				tool_info_text(stdout, s, o->strategy);
		}
		objload_session_free(s);
	}
	if (o->json)
		printf("\n]}\n");
	return 0;
}

static int cmd_link(const struct tool_options *o)
{
	objload_session *s = open_session(o);
	const void *bytes;
	size_t len;
	FILE *f;

	if (!s)
		return 1;
	if (objload_link_at(s, o->base) || objload_get_flat_image(s, &bytes, &len)) {
		tool_print_error(s);
		objload_session_free(s);
		return 1;
	}
	if (o->stats)
		print_stats(s);
	f = fopen(o->output, "wb");
	if (!f || fwrite(bytes, 1, len, f) != len || fclose(f) != 0) {
		fputs("objload: ", stderr);
		tool_put_name(stderr, o->output);
		fprintf(stderr, ": %s\n", strerror(errno));
		objload_session_free(s);
		return 1;
	}
	if (o->map && write_map(s, o->map)) {
		objload_session_free(s);
		return 1;
	}
	objload_session_free(s);
	return 0;
}

static int run_command(enum tool_command cmd, int argc, char **argv)
{
	struct tool_options o;
	int rc = tool_parse(cmd, argc, argv, &o);

	if (rc < 0) {
		switch (cmd) {
		case TOOL_RUN: rc = cmd_run(&o); break;
		case TOOL_INFO: rc = cmd_info(&o); break;
		case TOOL_LINK: rc = cmd_link(&o); break;
		case TOOL_COMPARE: rc = tool_compare(&o); break;
		case TOOL_NCOMMANDS: rc = 2; break;
		}
	}
	tool_free_options(&o);
	return rc;
}

static int unknown_command(const char *word)
{
	const char *near = tool_suggest_command(word);

	fputs("objload: unknown command '", stderr);
	tool_put_name(stderr, word);
	fputc('\'', stderr);
	if (near)
		fprintf(stderr, "; did you mean '%s'?", near);
	fprintf(stderr, "\nTry 'objload --help'.\n");
	return 2;
}

int main(int argc, char **argv)
{
	enum tool_command cmd;

	os_stdio_binary();   /* the program's output, byte for byte */
	os_args_utf8(&argc, &argv);
	if (argc < 2) {
		fprintf(stderr, "objload: no command given\nTry 'objload --help'.\n");
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		tool_print_help(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("objload %s (libobjload %s)\n", PACKAGE_VERSION,
		       objload_version(NULL, NULL, NULL));
		return 0;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc == 2) {
			tool_print_help(stdout);
			return 0;
		}
		if (!tool_command_by_name(argv[2], &cmd))
			return unknown_command(argv[2]);
		tool_print_command_help(cmd, stdout);
		return 0;
	}
	if (argv[1][0] == '-') {
		fputs("objload: options go after the command: objload COMMAND [OPTION]... ('", stderr);
		tool_put_name(stderr, argv[1]);
		fprintf(stderr, "')\nTry 'objload --help'.\n");
		return 2;
	}
	if (!tool_command_by_name(argv[1], &cmd))
		return unknown_command(argv[1]);
	return run_command(cmd, argc - 1, argv + 1);
}
