/* SPDX-License-Identifier: MIT */
/*
 * The objload tool's command line, as the GNU tools read theirs
 * (getopt_long): `--opt VALUE` and `--opt=VALUE`, unambiguous
 * abbreviations (`--strat=whole`), short options where ld and cc have
 * them (-o, -e, -l, -L, -t, -v, -h), and inputs kept in command-line
 * order, since -l and --whole-archive apply from where they stand.
 *
 * One table describes every option: which commands take it, its argument
 * and its help line.  The per-command getopt table, each command's --help
 * and the "did you mean" suggestions are all made from it, so they cannot
 * disagree.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os/os.h"
#include "tools/tool.h"

#define RUN (1u << TOOL_RUN)
#define INFO (1u << TOOL_INFO)
#define LINK (1u << TOOL_LINK)
#define CMP (1u << TOOL_COMPARE)
#define ALL (RUN | INFO | LINK | CMP)

/* option values beyond the short-option characters */
enum {
	OPT_STRATEGY = 256, OPT_DEFINE, OPT_WHOLE, OPT_NO_WHOLE, OPT_PLUGIN,
	OPT_FORMAT, OPT_ARCH, OPT_STATS, OPT_MAP, OPT_BASE, OPT_JSON, OPT_CSV,
	OPT_SVG, OPT_SHOW_OUTPUT, OPT_TIMEOUT, OPT_VERSION, OPT_NO_RELAX,
	OPT_NO_CRASH_REPORT, OPT_PERF_MAP, OPT_NO_DEFAULT_LIBS, OPT_LIMIT,
	OPT_THIN_PATHS,
};

static const struct tool_opt {
	const char *name;
	int has_arg;
	int val;
	unsigned cmds;
	const char *arg;     /* metavariable in --help */
	const char *help;
} tool_opts[] = {
	{ "strategy", required_argument, OPT_STRATEGY, RUN | INFO | LINK, "auto|whole|section",
	  "load the inputs after it as one image (whole)\n"
	  "or section by section; auto (the default): each\n"
	  "format plug-in chooses, image by image" },
	{ "no-relax", no_argument, OPT_NO_RELAX, RUN | LINK, NULL,
	  "keep every GOT load and call through the GOT as\n"
	  "compiled (by default they are made direct when\n"
	  "the target is in reach)" },
	{ "no-default-libs", no_argument, OPT_NO_DEFAULT_LIBS, RUN | LINK | CMP, NULL,
	  "do not add the C++ runtime and libgcc, which a\n"
	  "compiler driver would add" },
	{ "no-crash-report", no_argument, OPT_NO_CRASH_REPORT, RUN, NULL,
	  "on a fatal signal, print no backtrace" },
	{ "perf-map", no_argument, OPT_PERF_MAP, RUN, NULL,
	  "write /tmp/perf-PID.map for perf\n"
	  "(also OBJLOAD_PERF_MAP=1)" },
	{ "entry", required_argument, 'e', RUN | CMP, "SYM",
	  "call SYM instead of main" },
	{ "define", required_argument, OPT_DEFINE, RUN | LINK | CMP, "SYM=ADDR",
	  "give symbol SYM the address ADDR (repeatable)" },
	{ "defsym", required_argument, OPT_DEFINE, RUN | LINK | CMP, "SYM=ADDR",
	  "the same as --define (ld's name)" },
	{ "base", required_argument, OPT_BASE, LINK | CMP, "ADDR",
	  "the target address to link for (compare: for\n"
	  "inputs of another CPU, default 0x10000000)" },
	{ "output", required_argument, 'o', LINK, "FILE",
	  "write the linked image to FILE" },
	{ "map", required_argument, OPT_MAP, RUN | LINK, "FILE",
	  "write each section's and symbol's address to\n"
	  "FILE (like ld -Map); - for stdout" },
	{ "library", required_argument, 'l', RUN | LINK | CMP, "NAME",
	  "an input: libNAME.so (searched at run time) or\n"
	  "libNAME.a; -l:FILE looks for exactly FILE" },
	{ "library-path", required_argument, 'L', RUN | LINK | CMP, "DIR",
	  "search DIR for -l before the system directories" },
	{ "whole-archive", no_argument, OPT_WHOLE, RUN | LINK | CMP, NULL,
	  "archives after this load every member" },
	{ "no-whole-archive", no_argument, OPT_NO_WHOLE, RUN | LINK | CMP, NULL,
	  "archives after this load members on demand\n"
	  "(the default)" },
	{ "plugin", required_argument, OPT_PLUGIN, ALL, "PATH|NAME",
	  "load a format plug-in: a file, or objload-NAME.so\n"
	  "from the plug-in path (repeatable)" },
	{ "format", required_argument, OPT_FORMAT, ALL, "NAME",
	  "read every input with format NAME only\n"
	  "(elf, macho, coff, bfd, ...)" },
	{ "arch", required_argument, OPT_ARCH, ALL, "NAME",
	  "the slice of a universal Mach-O file:\n"
	  "x86_64, aarch64 (arm64)" },
	{ "limit", required_argument, OPT_LIMIT, ALL, "NAME=N[K|M|G]",
	  "cap what the inputs may cost: zerofill, mapped\n"
	  "(bytes) or sections (defaults 4G, 8G, 1048576;\n"
	  "repeatable)" },
	{ "thin-paths", required_argument, OPT_THIN_PATHS, ALL, "confined|relative|any",
	  "where a thin archive's members may be: inside\n"
	  "its directory (default), any relative path, or\n"
	  "absolute paths too" },
	{ "stats", no_argument, OPT_STATS, RUN | LINK, NULL,
	  "print what was loaded to stderr after the link" },
	{ "trace", no_argument, 't', ALL, NULL,
	  "print to stderr each input, each archive member\n"
	  "with the symbol that pulled it in, each symbol\n"
	  "binding, each synthesized entry and strategy\n"
	  "(like ld --trace, LD_DEBUG=files,bindings)" },
	{ "verbose", no_argument, 'v', ALL, NULL, "the same as --trace" },
	{ "json", no_argument, OPT_JSON, INFO | CMP, NULL,
	  "print JSON (schema: docs/json.md)" },
	{ "csv", no_argument, OPT_CSV, CMP, NULL, "print CSV, one line per strategy" },
	{ "svg", required_argument, OPT_SVG, CMP, "FILE",
	  "draw the address space of each strategy into FILE" },
	{ "show-output", no_argument, OPT_SHOW_OUTPUT, CMP, NULL,
	  "let the program's stdout and stderr through\n"
	  "(default: /dev/null)" },
	{ "timeout", required_argument, OPT_TIMEOUT, CMP, "SEC",
	  "kill a strategy's run after SEC seconds\n"
	  "(default 60; 0: never)" },
	{ "help", no_argument, 'h', ALL, NULL, "show this help and exit" },
	{ "version", no_argument, OPT_VERSION, ALL, NULL,
	  "show the versions of objload and its library" },
};
#define NOPTS (sizeof(tool_opts) / sizeof(tool_opts[0]))

static const struct {
	const char *name, *synopsis, *summary;
} tool_commands[TOOL_NCOMMANDS] = {
	[TOOL_RUN] = { "run", "run [OPTION]... INPUT... [-- ARGS...]",
		"Load the INPUTs into one session, link them with each other and with\n"
		"this process, run their constructors, call main (or --entry) with\n"
		"argv[0] = the first INPUT and ARGS after it, and exit with what it\n"
		"returns." },
	[TOOL_INFO] = { "info", "info [OPTION]... FILE...",
		"Show each FILE as objload reads it: format, CPU, kind, the strategy\n"
		"its plug-in chooses and why, its sections (flags decoded), symbols\n"
		"and relocations in neutral form beside the native names; an archive's\n"
		"members." },
	[TOOL_LINK] = { "link", "link --base=ADDR -o OUT [OPTION]... INPUT...",
		"Link the INPUTs (of any CPU objload has a relocation applier for) for\n"
		"target address ADDR without running anything, and write the image as\n"
		"one flat file starting at ADDR.  The host is not searched: --define\n"
		"what the target provides." },
	[TOOL_COMPARE] = { "compare", "compare [OPTION]... INPUT... [-- ARGS...]",
		"Load the INPUTs once per loading strategy (whole; section; section\n"
		"with every segment 4 GiB from the others; auto: each plug-in\n"
		"chooses), each in a child process, run them, and compare\n"
		"allocations, pages, GOT entries, stubs, relocations, the time of\n"
		"each phase, each image's strategy and why, and the sections left\n"
		"out as dead (docs/memory-managers.md).\n"
		"Exit status 1 when a strategy could not load the inputs." },
};

static const char tool_inputs_help[] =
	"An INPUT is an object file (ELF, Mach-O or COFF, or any format a\n"
	"plug-in reads), a static archive (its members load when they define a\n"
	"symbol still undefined, as ld loads them), -l NAME, or -L DIR; they are\n"
	"read in order.  Program arguments go after '--'.\n";

const char *tool_command_name(enum tool_command cmd)
{
	return (unsigned)cmd < TOOL_NCOMMANDS ? tool_commands[cmd].name : "?";
}

int tool_command_by_name(const char *name, enum tool_command *out)
{
	for (int i = 0; i < TOOL_NCOMMANDS; i++) {
		if (strcmp(tool_commands[i].name, name) == 0) {
			*out = (enum tool_command)i;
			return 1;
		}
	}
	return 0;
}

/* Levenshtein distance, for suggestions (short words only). */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

/* The nearest of `n` names within distance 2 (or of which typo is a
 * prefix), or NULL. */
static const char *nearest(const char *typo, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t bestd = 3;

	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(typo, names[i]);

		if (d < bestd) {
			bestd = d;
			best = names[i];
		}
	}
	return best;
}

const char *tool_suggest_command(const char *typo)
{
	const char *names[TOOL_NCOMMANDS + 1];

	for (int i = 0; i < TOOL_NCOMMANDS; i++)
		names[i] = tool_commands[i].name;
	names[TOOL_NCOMMANDS] = "help";
	return nearest(typo, names, TOOL_NCOMMANDS + 1);
}

int tool_usage_error(enum tool_command cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("objload: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'objload %s --help'.\n", tool_command_name(cmd));
	return 2;
}

void tool_print_help(FILE *f)
{
	fprintf(f,
		"Usage: objload COMMAND [OPTION]... INPUT... [-- ARGS...]\n"
		"Load object files of any format into memory, link them with each other\n"
		"and with this process, and run them.\n"
		"\n"
		"Commands:\n");
	for (int i = 0; i < TOOL_NCOMMANDS; i++)
		fprintf(f, "  objload %s\n", tool_commands[i].synopsis);
	fprintf(f,
		"  objload help COMMAND   (or objload COMMAND --help): the options of COMMAND\n"
		"  objload --version\n"
		"\n"
		"  run      load, link and run the inputs; exit with main's status\n"
		"  info     show how objload reads each file\n"
		"  link     link for a target address into a flat image\n"
		"  compare  load the inputs once per strategy and compare the costs\n"
		"\n%s"
		"\n"
		"Plug-ins: run-time format plug-ins (objload-NAME.so) are looked for in\n"
		"$OBJLOAD_PLUGIN_PATH (colon-separated), then in the installation's plug-in\n"
		"directory, and are loaded only for an input no built-in format reads, or\n"
		"when --plugin or --format asks (docs/plugins.md).\n"
		"\n"
		"Exit status: run exits with the entry point's return value; every command\n"
		"exits 1 for a load or link error (\"objload: FILE: message\") and 2 for a\n"
		"usage error.\n"
		"\n"
		"Manual: objload(1), libobjload(3).\nReport bugs to %s.\n",
		tool_inputs_help, PACKAGE_BUGREPORT);
}

static void print_option(FILE *f, const struct tool_opt *op)
{
	char left[64];
	int n;
	const char *h = op->help;

	if (op->val < 256)
		n = snprintf(left, sizeof(left), "  -%c, --%s%s%s", op->val, op->name,
			     op->arg ? "=" : "", op->arg ? op->arg : "");
	else
		n = snprintf(left, sizeof(left), "      --%s%s%s", op->name,
			     op->arg ? "=" : "", op->arg ? op->arg : "");
	fputs(left, f);
	if (n >= 30) {
		fputc('\n', f);
		n = 0;
	}
	fprintf(f, "%*s", 30 - n, "");
	for (; *h; h++) {
		fputc(*h, f);
		if (*h == '\n')
			fprintf(f, "%30s", "");
	}
	fputc('\n', f);
}

void tool_print_command_help(enum tool_command cmd, FILE *f)
{
	fprintf(f, "Usage: objload %s\n%s\n\nOptions:\n", tool_commands[cmd].synopsis,
		tool_commands[cmd].summary);
	for (size_t i = 0; i < NOPTS; i++)
		if (tool_opts[i].cmds & (1u << cmd))
			print_option(f, &tool_opts[i]);
	if (cmd != TOOL_INFO)
		fprintf(f, "\n%s", tool_inputs_help);
	else
		fprintf(f, "\nA FILE is an object file or a static archive.\n");
	fprintf(f, "\nSee objload(1) for more.\n");
}

/* ---- parsing ---------------------------------------------------------------- */

static int parse_u64(const char *v, uint64_t *out)
{
	char *end;
	unsigned long long x;

	if (!*v || *v == '-')
		return -1;
	errno = 0;
	x = strtoull(v, &end, 0);
	if (errno || *end)
		return -1;
	*out = x;
	return 0;
}

int tool_parse_strategy(const char *v, objload_strategy *out)
{
	static const char *const names[] = { "auto", "whole", "section" };
	static const objload_strategy values[] = {
		OBJLOAD_STRATEGY_AUTO, OBJLOAD_STRATEGY_WHOLE, OBJLOAD_STRATEGY_SECTION,
	};

	for (size_t i = 0; i < 3; i++)
		if (strcmp(v, names[i]) == 0) {
			*out = values[i];
			return 0;
		}
	return -1;
}

/* The long option names of `cmd` that start with `prefix` (up to '='). */
static size_t matching_options(enum tool_command cmd, const char *prefix, size_t plen,
			       char *list, size_t listlen)
{
	size_t n = 0, k = 0;

	list[0] = '\0';
	for (size_t i = 0; i < NOPTS; i++) {
		if (!(tool_opts[i].cmds & (1u << cmd)) ||
		    strncmp(tool_opts[i].name, prefix, plen) != 0)
			continue;
		n++;
		if (k < listlen)
			k += (size_t)snprintf(list + k, listlen - k, "%s--%s", n > 1 ? ", " : "",
					      tool_opts[i].name);
	}
	return n;
}

/* The message for the option getopt_long refused in argv[at]. */
static int bad_option(enum tool_command cmd, int argc, char **argv, int at, int code)
{
	const char *a = at > 0 && at <= argc ? argv[at - 1] : "?";
	const char *names[NOPTS];
	size_t n = 0;

	if (code == ':')
		return tool_usage_error(cmd, "option '%s' needs an argument", a);
	if (strncmp(a, "--", 2) == 0) {
		const char *eq = strchr(a, '=');
		size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		char list[512], name[64];
		size_t m = matching_options(cmd, a + 2, len, list, sizeof(list));
		const char *near;

		if (m > 1)
			return tool_usage_error(cmd, "option '%.*s' is ambiguous: %s",
						(int)len + 2, a, list);
		if (m == 1 && eq)
			return tool_usage_error(cmd, "option '%.*s' takes no argument",
						(int)len + 2, a);
		for (size_t i = 0; i < NOPTS; i++)
			if (tool_opts[i].cmds & (1u << cmd))
				names[n++] = tool_opts[i].name;
		snprintf(name, sizeof(name), "%.*s", (int)(len < 63 ? len : 63), a + 2);
		near = nearest(name, names, n);
		for (int c = 0; c < TOOL_NCOMMANDS && !near; c++)
			for (size_t i = 0; i < NOPTS; i++)
				if ((tool_opts[i].cmds & (1u << c)) &&
				    strcmp(tool_opts[i].name, name) == 0)
					return tool_usage_error(cmd,
						"option '--%s' is for objload %s, not %s",
						name, tool_command_name((enum tool_command)c),
						tool_command_name(cmd));
		if (near)
			return tool_usage_error(cmd, "unknown option '%s'; did you mean '--%s'?",
						a, near);
		return tool_usage_error(cmd, "unknown option '%s'", a);
	}
	return tool_usage_error(cmd, "unknown option '-%c'", optopt ? optopt : '?');
}

static int grow_alloc(struct tool_options *o, int argc)
{
	size_t n = (size_t)argc + 1;

	o->files = calloc(n, sizeof(*o->files));
	o->inputs = calloc(n, sizeof(*o->inputs));
	o->dirs = calloc(n, sizeof(*o->dirs));
	o->plugins = calloc(n, sizeof(*o->plugins));
	o->defines = calloc(n, sizeof(*o->defines));
	return o->files && o->inputs && o->dirs && o->plugins && o->defines ? 0 : -1;
}

static int add_define(struct tool_options *o, const char *v)
{
	const char *eq = strchr(v, '=');
	uint64_t addr;

	if (!eq || eq == v)
		return tool_usage_error(o->cmd, "--define wants SYM=ADDR, not '%s'", v);
	if (parse_u64(eq + 1, &addr))
		return tool_usage_error(o->cmd, "bad address in --define=%s", v);
	o->defines[o->ndefines].name = strndup(v, (size_t)(eq - v));
	if (!o->defines[o->ndefines].name)
		return tool_usage_error(o->cmd, "out of memory");
	o->defines[o->ndefines++].addr = addr;
	return -1;
}

/* --limit=NAME=N[K|M|G] */
static int add_limit(struct tool_options *o, const char *v)
{
	const char *eq = strchr(v, '=');
	unsigned long long n;
	char *end;

	for (int k = 0; eq && k < OBJLOAD_LIMIT_COUNT; k++) {
		const char *name = objload_limit_name((objload_limit)k);
		unsigned shift = 0;

		if (strlen(name) != (size_t)(eq - v) || strncmp(v, name, (size_t)(eq - v)))
			continue;
		errno = 0;
		n = strtoull(eq + 1, &end, 0);
		if (errno || end == eq + 1 || eq[1] == '-')
			break;
		if (*end && strchr("kKmMgG", *end) && !end[1])
			shift = *end == 'k' || *end == 'K' ? 10 : *end == 'm' || *end == 'M' ? 20 : 30;
		else if (*end)
			break;
		if (n > (~0ull >> shift))
			break;
		o->limit[k] = n << shift;
		o->limit_set[k] = 1;
		return -1;
	}
	return tool_usage_error(o->cmd, "--limit wants zerofill|mapped|sections=N[K|M|G], not '%s'", v);
}

/* One option; -1 to go on, else the exit status. */
static int take_option(struct tool_options *o, int c, const char *v)
{
	switch (c) {
	case 1:   /* a non-option: an input file */
		o->files[o->nfiles++] = v;
		o->inputs[o->ninputs++] = (struct tool_input){ TOOL_IN_FILE, v };
		return -1;
	case OPT_STRATEGY:
		/* positional, like a linker's options: for the inputs after it */
		if (tool_parse_strategy(v, &o->strategy))
			return tool_usage_error(o->cmd, "unknown strategy '%s' (auto, whole, section)", v);
		if (o->cmd != TOOL_INFO)   /* info shows every file as forced */
			o->inputs[o->ninputs++] = (struct tool_input){ TOOL_IN_STRATEGY, v };
		return -1;
	case OPT_NO_RELAX:
		o->no_relax = 1;
		return -1;
	case OPT_NO_DEFAULT_LIBS:
		o->no_default_libs = 1;
		return -1;
	case OPT_NO_CRASH_REPORT:
		o->no_crash_report = 1;
		return -1;
	case OPT_PERF_MAP:
		o->perf_map = 1;
		return -1;
	case 'e':
		if (!*v)
			return tool_usage_error(o->cmd, "empty entry symbol");
		o->entry = v;
		return -1;
	case OPT_DEFINE:
		return add_define(o, v);
	case OPT_BASE:
		if (parse_u64(v, &o->base))
			return tool_usage_error(o->cmd, "bad address '%s'", v);
		o->have_base = 1;
		return -1;
	case 'o':
		o->output = v;
		return -1;
	case OPT_MAP:
		o->map = v;
		return -1;
	case 'l':
		if (!*v)
			return tool_usage_error(o->cmd, "-l needs a library name");
		o->inputs[o->ninputs++] = (struct tool_input){ TOOL_IN_LIBRARY, v };
		return -1;
	case 'L':
		if (!*v)
			return tool_usage_error(o->cmd, "-L needs a directory");
		o->dirs[o->ndirs++] = v;
		return -1;
	case OPT_WHOLE:
	case OPT_NO_WHOLE:
		o->inputs[o->ninputs++] = (struct tool_input){
			c == OPT_WHOLE ? TOOL_IN_WHOLE_ON : TOOL_IN_WHOLE_OFF, NULL };
		return -1;
	case OPT_PLUGIN:
		if (!*v)
			return tool_usage_error(o->cmd, "--plugin needs a file or a name");
		o->plugins[o->nplugins++] = v;
		return -1;
	case OPT_FORMAT:
		o->format = v;
		return -1;
	case OPT_ARCH:
		if (strcmp(v, "x86_64") && strcmp(v, "x86-64") && strcmp(v, "aarch64") &&
		    strcmp(v, "arm64") && strcmp(v, "host"))
			return tool_usage_error(o->cmd, "unknown arch '%s' (x86_64, aarch64, arm64)", v);
		o->arch = v;
		return -1;
	case OPT_LIMIT:
		return add_limit(o, v);
	case OPT_THIN_PATHS:
		if (strcmp(v, "confined") == 0)
			o->thin_paths = OBJLOAD_THIN_CONFINED;
		else if (strcmp(v, "relative") == 0)
			o->thin_paths = OBJLOAD_THIN_RELATIVE;
		else if (strcmp(v, "any") == 0)
			o->thin_paths = OBJLOAD_THIN_ANY;
		else
			return tool_usage_error(o->cmd, "unknown thin-archive path policy '%s' "
						"(confined, relative, any)", v);
		return -1;
	case OPT_STATS:
		o->stats = 1;
		return -1;
	case 't':
	case 'v':
		o->trace = 1;
		return -1;
	case OPT_JSON:
		o->json = 1;
		return -1;
	case OPT_CSV:
		o->csv = 1;
		return -1;
	case OPT_SVG:
		o->svg = v;
		return -1;
	case OPT_SHOW_OUTPUT:
		o->show_output = 1;
		return -1;
	case OPT_TIMEOUT: {
		uint64_t t;

		if (parse_u64(v, &t) || t > 86400)
			return tool_usage_error(o->cmd, "bad timeout '%s' (seconds, at most 86400)", v);
		o->timeout = (unsigned)t;
		return -1;
	}
	case 'h':
		tool_print_command_help(o->cmd, stdout);
		return 0;
	case OPT_VERSION:
		printf("objload %s (libobjload %s)\n", PACKAGE_VERSION,
		       objload_version(NULL, NULL, NULL));
		return 0;
	}
	return tool_usage_error(o->cmd, "internal error: option %d", c);
}

int tool_parse(enum tool_command cmd, int argc, char **argv, struct tool_options *o)
{
	struct option longopts[NOPTS + 1];
	char shortopts[64] = "-:";
	size_t nl = 0, ns = 2;
	int rc = -1, c;

	memset(o, 0, sizeof(*o));
	o->cmd = cmd;
	o->timeout = 60;
	o->base = 0x10000000;
	o->thin_paths = -1;
	if (grow_alloc(o, argc))
		return tool_usage_error(cmd, "out of memory");
	for (size_t i = 0; i < NOPTS; i++) {
		const struct tool_opt *op = &tool_opts[i];

		if (!(op->cmds & (1u << cmd)))
			continue;
		longopts[nl++] = (struct option){ op->name, op->has_arg, NULL, op->val };
		if (op->val < 256 && !strchr(shortopts, op->val)) {
			shortopts[ns++] = (char)op->val;
			if (op->has_arg == required_argument)
				shortopts[ns++] = ':';
		}
	}
	longopts[nl] = (struct option){ NULL, 0, NULL, 0 };
	shortopts[ns] = '\0';
	/* argv[0] is the command word: getopt starts at 1 */
	optind = 0;
	opterr = 0;
	while (rc < 0 && (c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			rc = bad_option(cmd, argc, argv, optind, c);
		else
			rc = take_option(o, c, optarg);
	}
	if (rc >= 0)
		return rc;
	if (optind < argc) {
		/* after "--" */
		if (cmd != TOOL_RUN && cmd != TOOL_COMPARE)
			return tool_usage_error(cmd, "'--' and program arguments are for run and compare only");
		o->args = argv + optind;
		o->nargs = argc - optind;
	}
	{
		/* --strategy is kept among the inputs, since it applies to
		 * the ones after it; it is no input itself */
		int ninputs = 0, trailing = 0;

		for (int i = 0; i < o->ninputs; i++) {
			trailing = o->inputs[i].kind == TOOL_IN_STRATEGY;
			ninputs += !trailing;
		}
		if (!ninputs)
			return tool_usage_error(cmd, "no input files");
		if (cmd == TOOL_INFO && ninputs != o->nfiles)
			return tool_usage_error(cmd, "info reads files, not -l or --whole-archive");
		if (trailing && cmd != TOOL_INFO)
			return tool_usage_error(cmd, "--strategy after the last input applies to "
						"nothing: it applies to the inputs after it");
	}
	if (cmd == TOOL_LINK && (!o->have_base || !o->output))
		return tool_usage_error(cmd, "link needs --base=ADDR and -o OUT");
	if (o->json && o->csv)
		return tool_usage_error(cmd, "--json and --csv exclude each other");
	return -1;
}

void tool_free_options(struct tool_options *o)
{
	for (int i = 0; o->defines && i < o->ndefines; i++)
		free(o->defines[i].name);
	free(o->defines);
	free(o->files);
	free(o->inputs);
	free(o->dirs);
	free(o->plugins);
	memset(o, 0, sizeof(*o));
}

/* ---- printing names ------------------------------------------------------------ */

void tool_put_name(FILE *f, const char *s)
{
	if (!s) {
		fputs("(none)", f);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

void tool_put_json(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else if (*p < 0x80)
			fputc(*p, f);
		else {
			/* UTF-8 passes when well formed; any other byte is
			 * written as the code point of the same value (Latin-1) */
			size_t n = (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 :
				   (*p & 0xf8) == 0xf0 ? 4 : 0, k = 1;

			while (n && k < n && (p[k] & 0xc0) == 0x80)
				k++;
			if (n && k == n) {
				fwrite(p, 1, n, f);
				p += n - 1;
			} else {
				fprintf(f, "\\u%04x", *p);
			}
		}
	}
	fputc('"', f);
}
