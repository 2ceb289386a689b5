/* SPDX-License-Identifier: MIT */
/*
 * The objload tool's shared parts: the command line every command parses
 * the same way (tools/options.c), the session set-up they share
 * (tools/objload.c), `info` (tools/info.c) and `compare`
 * (tools/compare.c), and the escaping every printed name goes through.
 */
#ifndef OBJLOAD_TOOLS_TOOL_H
#define OBJLOAD_TOOLS_TOOL_H

#include <stdint.h>
#include <stdio.h>

#include "objload.h"

enum tool_command { TOOL_RUN, TOOL_INFO, TOOL_LINK, TOOL_COMPARE, TOOL_NCOMMANDS };

/* One input in command-line order: what ld would read. */
struct tool_input {
	enum { TOOL_IN_FILE, TOOL_IN_LIBRARY, TOOL_IN_WHOLE_ON, TOOL_IN_WHOLE_OFF,
	       TOOL_IN_STRATEGY } kind;
	const char *arg;      /* TOOL_IN_STRATEGY: the strategy's name */
};

struct tool_define {
	char *name;
	uint64_t addr;
};

struct tool_options {
	enum tool_command cmd;
	objload_strategy strategy;
	const char *output, *map, *entry, *format, *arch, *svg;
	uint64_t base;
	int have_base;
	struct tool_input *inputs;    /* files, -l, --(no-)whole-archive */
	int ninputs;
	const char **files;           /* the files among them */
	int nfiles;
	const char **dirs;            /* -L, in order */
	int ndirs;
	const char **plugins;         /* --plugin, in order */
	int nplugins;
	struct tool_define *defines;
	int ndefines;
	char **args;                  /* after "--" */
	int nargs;
	int stats, trace, json, csv, show_output;
	int no_relax;                 /* --no-relax */
	int no_crash_report, perf_map, no_default_libs;
	unsigned timeout;             /* compare: seconds per strategy */
	uint64_t limit[OBJLOAD_LIMIT_COUNT];   /* --limit=NAME=N */
	int limit_set[OBJLOAD_LIMIT_COUNT];
	int thin_paths;               /* --thin-paths: a policy, or -1 */
};

/* Parses argv (after the command word).  Returns -1 to go on, or the exit
 * status to end with: 0 after --help, 2 after a usage error (its message
 * is printed). */
int tool_parse(enum tool_command cmd, int argc, char **argv, struct tool_options *o);
/* "auto", "whole", "section": 0 and *out, or -1. */
int tool_parse_strategy(const char *v, objload_strategy *out);
void tool_free_options(struct tool_options *o);

/* `objload --help`, `objload help CMD`, `objload CMD --help`. */
void tool_print_help(FILE *f);
void tool_print_command_help(enum tool_command cmd, FILE *f);
int tool_command_by_name(const char *name, enum tool_command *out);
/* The command nearest to a mistyped one, or NULL. */
const char *tool_suggest_command(const char *typo);
const char *tool_command_name(enum tool_command cmd);

/* "objload: " + message, usage errors: exit status 2. */
int tool_usage_error(enum tool_command cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A name from a file, printed with control bytes (and backslash) as \xNN
 * escapes, so that no name can move the cursor or forge a line. */
void tool_put_name(FILE *f, const char *s);
/* A JSON string (RFC 8259), or null for NULL. */
void tool_put_json(FILE *f, const char *s);

/* The session set-up run, link, info and compare share: the log (warnings
 * always; the trace when o->trace), plug-ins, --format, --arch, the
 * strategy, --define, -L, then the inputs in order.  0, or -1 with the
 * session's message set.  When an input that follows objects cannot be
 * read as one, *bad_input is its index (for the "--" hint), else -1. */
int tool_setup_session(objload_session *s, const struct tool_options *o, int *bad_input);
/* Prints "objload: MESSAGE" for the session's last error. */
void tool_print_error(const objload_session *s);

/* `objload info`: text or JSON (docs/json.md). */
void tool_info_text(FILE *f, const objload_session *s, objload_strategy forced);
void tool_info_json(FILE *f, const objload_session *s, objload_strategy forced);

/* `objload compare` (tools/compare.c). */
int tool_compare(const struct tool_options *o);

#endif
