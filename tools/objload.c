/* SPDX-License-Identifier: MIT */
/*
 * objload: the command-line tool.
 *
 *   objload run [--strategy=auto|whole|section] [--entry=SYM]
 *               [--define=SYM=ADDR]... [--stats] INPUT... [-- ARGS...]
 *   objload info [--strategy=...] FILE...
 *   objload link --base=ADDR [--strategy=...] [--define=SYM=ADDR]...
 *               [--map=FILE] [--stats] -o OUT INPUT...
 *
 * INPUT is an object or archive FILE, -LDIR, -lNAME, --whole-archive or
 * --no-whole-archive, taken in order as ld takes them (every -L applies
 * to every -l).
 *
 * Exit status: what the entry point returned for `run`; 1 for a load or
 * link error ("objload: FILE: message"); 2 for a usage error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objload.h"
#include "objload/plugin.h"
#include "tools/compare.h"

static const char usage_text[] =
	"usage: objload run [--strategy=auto|whole|section] [--entry=SYM]\n"
	"                   [--define=SYM=ADDR]... [--stats] INPUT... [-- ARGS...]\n"
	"       objload info [--strategy=auto|whole|section] FILE...\n"
	"       objload link --base=ADDR [--strategy=...] [--define=SYM=ADDR]...\n"
	"                    [--map=FILE] [--stats] -o OUT INPUT...\n"
	"       common options: [--plugin=PATH|NAME]... [--format=NAME] [--arch=NAME]\n"
	"                       [--limit=zerofill|mapped|sections=N[K|M|G]]...\n"
	"                       [--thin-paths=confined|relative|any]\n"
	"       objload compare [--json|--csv] [--svg=FILE] [--entry=SYM] FILE... [-- ARGS]\n"
	"       objload --help | --version\n"
	"\n"
	"run   load FILEs into one session, link them with each other and the\n"
	"      host, run constructors, call ENTRY (default main) with argv[0] =\n"
	"      the first FILE and ARGS after it, and exit with its return value.\n"
	"info  show each file's format, arch, kind, the plug-in's strategy and\n"
	"      why, its sections, symbols and relocations in neutral form.\n"
	"link  link FILEs (of any supported arch) for target address ADDR without\n"
	"      running anything and write the image as a flat file starting at\n"
	"      ADDR; --map writes each section's and symbol's target address.\n"
	"      The host is not searched: --define what the target provides.\n"
	"\n"
	"INPUT is an object file, a static archive (members are loaded when they\n"
	"define a symbol still undefined, as a linker does), or:\n"
	"  -LDIR               search DIR for -l before the system directories\n"
	"  -lNAME              libNAME.so (opened for host lookups) or libNAME.a;\n"
	"                      -l:FILE looks for exactly FILE\n"
	"  --whole-archive     archives after this load every member\n"
	"  --no-whole-archive  back to loading members on demand\n"
	"--stats prints what was loaded (images, archive members, libraries)\n"
	"to stderr after the link.  `info` on an archive lists its members.\n"
	"\n"
	"compare  load FILEs once per strategy (whole, section, section scattered\n"
	"      4 GiB apart), each in a child process, and tabulate the metrics\n"
	"      (see docs/memory-managers.md).\n"
	"\n"
	"--plugin loads a format plug-in (a file, or NAME for objload-NAME.so in\n"
	"$OBJLOAD_PLUGIN_PATH or the plug-in directory); --format=NAME reads every\n"
	"input with that format only (elf, coff, macho, bfd, ...).  Every plug-in\n"
	"of the plug-in path is loaded at start: it claims the files no\n"
	"compiled-in format does (docs/plugins.md).  --arch=x86_64|aarch64 picks\n"
	"the slice of a universal (fat) Mach-O file; the host's by default.\n"
	"--limit caps what inputs may cost (defaults: zerofill 4G, mapped 8G,\n"
	"sections 1048576; docs/reliability.md).  --thin-paths says where a thin\n"
	"archive's members may be: inside its directory (default), any relative\n"
	"path, or absolute paths too.\n"
	"\n"
	"Symbol names are C-level names; each format's decoration is applied\n"
	"by objload.  Load or link errors exit 1, usage errors exit 2.\n";

enum command { CMD_RUN, CMD_INFO, CMD_LINK };

struct options {
	objload_strategy strategy;
	const char *output, *map;
	uint64_t base;
	int have_base;
	const char *entry;
	const char **files;
	int nfiles;
	/* files, libraries and archive modes in command-line order */
	struct input {
		char kind;   /* 'f' file, 'l' library, 'W'/'w' whole archive on/off */
		const char *arg;
	} *inputs;
	int ninputs;
	const char **dirs;
	int ndirs;
	int stats;
	char **args;
	int nargs;
	struct {
		char *name;
		uint64_t addr;
	} *defines;
	int ndefines;
	const char **plugins;   /* --plugin=PATH, in order */
	int nplugins;
	const char *format;     /* --format=NAME */
	const char *arch;       /* --arch=NAME */
	uint64_t limit[OBJLOAD_LIMIT_COUNT];   /* --limit=NAME=N */
	int limit_set[OBJLOAD_LIMIT_COUNT];
	int thin_paths;         /* --thin-paths=...: a policy, or -1 */
};

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "objload: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'objload --help'.\n");
	return 2;
}

static int parse_strategy(const char *v, objload_strategy *out)
{
	if (strcmp(v, "auto") == 0)
		*out = OBJLOAD_STRATEGY_AUTO;
	else if (strcmp(v, "whole") == 0)
		*out = OBJLOAD_STRATEGY_WHOLE;
	else if (strcmp(v, "section") == 0)
		*out = OBJLOAD_STRATEGY_SECTION;
	else
		return -1;
	return 0;
}

/* NAME=N[K|M|G] for --limit. */
static int parse_limit(const char *v, struct options *o)
{
	const char *eq = strchr(v, '=');
	unsigned long long n;
	char *end;

	for (int k = 0; eq && k < OBJLOAD_LIMIT_COUNT; k++) {
		const char *name = objload_limit_name((objload_limit)k);

		if (strlen(name) != (size_t)(eq - v) || strncmp(v, name, (size_t)(eq - v)))
			continue;
		errno = 0;
		n = strtoull(eq + 1, &end, 0);
		if (errno || end == eq + 1 || eq[1] == '-')
			return -1;
		if (*end && strchr("kKmMgG", *end) && !end[1])
			n <<= *end == 'k' || *end == 'K' ? 10 : *end == 'm' || *end == 'M' ? 20 : 30;
		else if (*end)
			return -1;
		o->limit[k] = n;
		o->limit_set[k] = 1;
		return 0;
	}
	return -1;
}

/* Returns 0, or an exit status for a usage error. */
static int parse_options(int argc, char **argv, struct options *o, enum command cmd)
{
	int i, allow_run = cmd == CMD_RUN, allow_define = cmd != CMD_INFO;

	o->files = calloc((size_t)argc + 1, sizeof(*o->files));
	o->defines = calloc((size_t)argc + 1, sizeof(*o->defines));
	o->inputs = calloc((size_t)argc + 1, sizeof(*o->inputs));
	o->dirs = calloc((size_t)argc + 1, sizeof(*o->dirs));
	o->plugins = calloc((size_t)argc + 1, sizeof(*o->plugins));
	if (!o->files || !o->defines || !o->inputs || !o->dirs || !o->plugins) {
		fprintf(stderr, "objload: out of memory\n");
		return 1;
	}
	o->thin_paths = -1;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			if (!allow_run)
				return usage_error("'--' is only for run", a);
			o->args = argv + i + 1;
			o->nargs = argc - i - 1;
			break;
		}
		if (strncmp(a, "--strategy=", 11) == 0) {
			if (parse_strategy(a + 11, &o->strategy))
				return usage_error("unknown strategy '%s'", a + 11);
		} else if (strncmp(a, "--plugin=", 9) == 0 && a[9]) {
			o->plugins[o->nplugins++] = a + 9;
		} else if (strncmp(a, "--format=", 9) == 0 && a[9]) {
			o->format = a + 9;
		} else if (strncmp(a, "--arch=", 7) == 0) {
			o->arch = a + 7;
			if (strcmp(o->arch, "x86_64") && strcmp(o->arch, "x86-64") &&
			    strcmp(o->arch, "aarch64") && strcmp(o->arch, "arm64") &&
			    strcmp(o->arch, "host"))
				return usage_error("unknown arch '%s' (x86_64, aarch64, arm64)", o->arch);
		} else if (strncmp(a, "--limit=", 8) == 0) {
			if (parse_limit(a + 8, o))
				return usage_error("--limit wants zerofill|mapped|sections=N[K|M|G], not '%s'",
						   a + 8);
		} else if (strncmp(a, "--thin-paths=", 13) == 0) {
			static const char *const policies[] = { "confined", "relative", "any" };

			for (o->thin_paths = 2; o->thin_paths >= 0; o->thin_paths--)
				if (strcmp(a + 13, policies[o->thin_paths]) == 0)
					break;
			if (o->thin_paths < 0)
				return usage_error("unknown --thin-paths '%s' (confined, relative, any)",
						   a + 13);
		} else if (allow_run && strncmp(a, "--entry=", 8) == 0) {
			o->entry = a + 8;
			if (!*o->entry)
				return usage_error("empty entry symbol%s", "");
		} else if (cmd == CMD_LINK && strncmp(a, "--base=", 7) == 0) {
			char *end;

			errno = 0;
			o->base = strtoull(a + 7, &end, 0);
			if (errno || end == a + 7 || *end)
				return usage_error("bad address in '%s'", a);
			o->have_base = 1;
		} else if (cmd == CMD_LINK && strncmp(a, "--map=", 6) == 0 && a[6]) {
			o->map = a + 6;
		} else if (cmd == CMD_LINK && strcmp(a, "-o") == 0) {
			if (i + 1 >= argc)
				return usage_error("-o needs a file name%s", "");
			o->output = argv[++i];
		} else if (allow_define && strncmp(a, "--define=", 9) == 0) {
			char *eq = strchr(a + 9, '='), *end;
			unsigned long long v;

			if (!eq || eq == a + 9)
				return usage_error("--define wants SYM=ADDR, not '%s'", a + 9);
			errno = 0;
			v = strtoull(eq + 1, &end, 0);
			if (errno || end == eq + 1 || *end)
				return usage_error("bad address in '%s'", a);
			o->defines[o->ndefines].name = strndup(a + 9, (size_t)(eq - a - 9));
			o->defines[o->ndefines++].addr = v;
		} else if (cmd != CMD_INFO && (strncmp(a, "-L", 2) == 0 ||
					       strncmp(a, "-l", 2) == 0)) {
			const char *v = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);

			if (!v || !*v)
				return usage_error("%s needs an argument", a);
			if (a[1] == 'L')
				o->dirs[o->ndirs++] = v;
			else
				o->inputs[o->ninputs++] = (struct input){ 'l', v };
		} else if (cmd != CMD_INFO && strcmp(a, "--whole-archive") == 0) {
			o->inputs[o->ninputs++] = (struct input){ 'W', a };
		} else if (cmd != CMD_INFO && strcmp(a, "--no-whole-archive") == 0) {
			o->inputs[o->ninputs++] = (struct input){ 'w', a };
		} else if (cmd != CMD_INFO && strcmp(a, "--stats") == 0) {
			o->stats = 1;
		} else if (a[0] == '-' && a[1]) {
			return usage_error("unknown option '%s'", a);
		} else {
			o->files[o->nfiles++] = a;
			o->inputs[o->ninputs++] = (struct input){ 'f', a };
		}
	}
	if (!o->nfiles && !o->ninputs)
		return usage_error("no input files%s", "");
	if (cmd == CMD_LINK && (!o->have_base || !o->output))
		return usage_error("link needs --base=ADDR and -o OUT%s", "");
	return 0;
}

static void free_options(struct options *o)
{
	for (int i = 0; i < o->ndefines; i++)
		free(o->defines[i].name);
	free(o->defines);
	free(o->files);
	free(o->inputs);
	free(o->dirs);
	free(o->plugins);
}

/* Plug-ins (docs/plugins.md): every objload-*.so of the plug-in path is
 * loaded first, so a plug-in claims the files no compiled-in format
 * does; one that cannot be loaded is skipped.  Then --plugin files, whose
 * errors are fatal, and --format. */
static int load_plugins(objload_session *s, const struct options *o)
{
	(void)objload_load_plugin(s, NULL);
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
	return 0;
}

static int fail(objload_session *s)
{
	fprintf(stderr, "objload: %s\n", objload_errmsg(s));
	objload_session_free(s);
	return 1;
}

static int load_inputs(objload_session *s, const struct options *o)
{
	if (load_plugins(s, o) || objload_set_strategy(s, o->strategy))
		return -1;
	for (int i = 0; i < o->ndefines; i++)
		if (objload_define(s, o->defines[i].name, o->defines[i].addr))
			return -1;
	for (int i = 0; i < o->ndirs; i++)
		if (objload_add_search_dir(s, o->dirs[i]))
			return -1;
	for (int i = 0; i < o->ninputs; i++) {
		const struct input *in = &o->inputs[i];
		objload_status st;

		if (in->kind == 'f')
			st = objload_add_file(s, in->arg);
		else if (in->kind == 'l')
			st = objload_add_library(s, in->arg);
		else
			st = objload_set_whole_archive(s, in->kind == 'W');
		if (st)
			return -1;
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
		", archive members loaded %" PRIu64 ", imports left to the host %" PRIu64
		", shared libraries %" PRIu64 ", relocations %" PRIu64 "\n",
		m.images, m.archives, m.archive_members, m.archive_imports,
		m.shared_libraries, m.relocations);
	for (size_t i = 0; i < objload_archive_count(s); i++) {
		objload_archive_info ai;

		if (objload_get_archive_info(s, i, &ai) == OBJLOAD_OK)
			fprintf(stderr, "objload: stats: %s: %zu of %zu members loaded\n",
				ai.path, ai.loaded, ai.members);
	}
}

static int cmd_run(int argc, char **argv)
{
	struct options o = { 0 };
	objload_session *s;
	char **pargv;
	int rc, status = 0;

	rc = parse_options(argc, argv, &o, CMD_RUN);
	if (rc) {
		free_options(&o);
		return rc;
	}
	if (objload_session_new(&s)) {
		fprintf(stderr, "objload: out of memory\n");
		free_options(&o);
		return 1;
	}
	if (load_inputs(s, &o) || objload_link(s)) {
		free_options(&o);
		return fail(s);
	}
	pargv = calloc((size_t)o.nargs + 2, sizeof(*pargv));
	if (!pargv) {
		free_options(&o);
		fprintf(stderr, "objload: out of memory\n");
		objload_session_free(s);
		return 1;
	}
	if (o.stats)
		print_stats(s);
	pargv[0] = (char *)(o.nfiles ? o.files[0] : "a.out");
	for (int i = 0; i < o.nargs; i++)
		pargv[i + 1] = o.args[i];
	if (objload_run_main(s, o.entry, o.nargs + 1, pargv, &status)) {
		free(pargv);
		free_options(&o);
		return fail(s);
	}
	/* as exit() would: the images' atexit handlers and destructors */
	objload_session_free(s);
	free(pargv);
	free_options(&o);
	return status;
}

static const char *role_name(objload_section_role r)
{
	switch (r) {
	case OBJLOAD_ROLE_CODE: return "code";
	case OBJLOAD_ROLE_RODATA: return "rodata";
	case OBJLOAD_ROLE_DATA: return "data";
	case OBJLOAD_ROLE_ZEROFILL: return "zerofill";
	case OBJLOAD_ROLE_TLS: return "tls";
	case OBJLOAD_ROLE_UNWIND: return "unwind";
	case OBJLOAD_ROLE_DEBUG: return "debug";
	case OBJLOAD_ROLE_NOLOAD: return "noload";
	}
	return "?";
}

static const char *binding_name(objload_binding b)
{
	return b == OBJLOAD_BIND_LOCAL ? "local" : b == OBJLOAD_BIND_WEAK ? "weak" : "global";
}

static const char *def_name(objload_symdef d)
{
	switch (d) {
	case OBJLOAD_DEF_SECTION: return "section";
	case OBJLOAD_DEF_ABSOLUTE: return "absolute";
	case OBJLOAD_DEF_UNDEFINED: return "undefined";
	case OBJLOAD_DEF_COMMON: return "common";
	}
	return "?";
}

static const char *type_name(objload_symtype t)
{
	switch (t) {
	case OBJLOAD_SYM_NOTYPE: return "notype";
	case OBJLOAD_SYM_FUNC: return "func";
	case OBJLOAD_SYM_OBJECT: return "object";
	case OBJLOAD_SYM_SECTION: return "section";
	case OBJLOAD_SYM_FILE: return "file";
	case OBJLOAD_SYM_TLS: return "tls";
	}
	return "?";
}

static void print_image(const objload_image *img, objload_strategy forced)
{
	objload_plan_choice choice = { 0 };
	objload_status st;

	printf("file: %s\n", img->path);
	printf("format: %s\n", img->format->name);
	printf("arch: %s\n", objload_arch_name(img->arch));
	printf("kind: %s\n", img->kind == OBJLOAD_IMAGE_RELOCATABLE ? "relocatable" :
	       img->kind == OBJLOAD_IMAGE_SHARED ? "shared" : "executable");
	printf("calling-convention: %s\n", img->callconv == OBJLOAD_CC_SYSV ? "sysv" : "ms-x64");
	st = img->format->plan(img, forced, &choice);
	printf("strategy: %s%s (%s)\n",
	       st ? "refused " : "", objload_strategy_name(st ? forced : choice.strategy),
	       choice.reason ? choice.reason : "no reason given");

	printf("sections: %u\n", img->nsections);
	for (uint32_t i = 0; i < img->nsections; i++) {
		const objload_section *sec = &img->sections[i];

		printf("  section %u %s role=%s type=%s size=0x%" PRIx64 " align=%" PRIu64
		       " flags=0x%" PRIx64 "%s%s\n",
		       i, sec->name[0] ? sec->name : "(null)", role_name(sec->role),
		       sec->native_type ? sec->native_type : "-", sec->size, sec->align,
		       sec->native_flags,
		       sec->group != OBJLOAD_NO_INDEX ? " comdat=" : "",
		       sec->group != OBJLOAD_NO_INDEX ? img->groups[sec->group].key : "");
	}
	printf("symbols: %u\n", img->nsymbols);
	for (uint32_t i = 0; i < img->nsymbols; i++) {
		const objload_symbol *sym = &img->symbols[i];

		printf("  symbol %u %s value=0x%" PRIx64 " size=%" PRIu64 " %s %s %s",
		       i, sym->name[0] ? sym->name : "(null)", sym->value, sym->size,
		       binding_name(sym->binding), type_name(sym->type), def_name(sym->def));
		if (sym->def == OBJLOAD_DEF_SECTION)
			printf(" section=%s", img->sections[sym->section].name);
		if (sym->hidden)
			printf(" hidden");
		if (sym->cname && strcmp(sym->cname, sym->name) != 0)
			printf(" cname=%s", sym->cname);
		printf("\n");
	}
	printf("relocations: %zu\n", img->nedges);
	for (size_t i = 0; i < img->nedges; i++) {
		const objload_edge *e = &img->edges[i];
		const char *native = img->format->reloc_name ?
			img->format->reloc_name(img, e->native_type) : NULL;
		char nbuf[32];

		if (!native) {
			snprintf(nbuf, sizeof(nbuf), "type-%u", e->native_type);
			native = nbuf;
		}
		printf("  reloc %s 0x%" PRIx64 " %s %s %s %s0x%" PRIx64,
		       img->sections[e->section].name, e->offset, native,
		       objload_kind_name(img->arch, e->kind),
		       e->symbol == OBJLOAD_NO_INDEX ? "(none)" :
		       (img->symbols[e->symbol].name[0] ? img->symbols[e->symbol].name : "(null)"),
		       e->addend < 0 ? "-" : "+",
		       e->addend < 0 ? -(uint64_t)e->addend : (uint64_t)e->addend);
		if (e->subtrahend != OBJLOAD_NO_INDEX)
			printf(" minus %s", img->symbols[e->subtrahend].name);
		printf("\n");
	}
	printf("init-tables: %u\n", img->ninits);
	for (uint32_t i = 0; i < img->ninits; i++) {
		const objload_init_table *t = &img->inits[i];

		printf("  %s %s+0x%" PRIx64 " count=%" PRIu64 " priority=%u%s\n",
		       t->kind == OBJLOAD_INIT_CONSTRUCTOR ? "constructors" : "destructors",
		       img->sections[t->section].name, t->offset, t->count, t->priority,
		       t->reverse ? " reverse" : "");
	}
}

static void print_archive(const objload_session *s)
{
	objload_archive_info ai;

	if (objload_get_archive_info(s, 0, &ai))
		return;
	printf("archive: %s\n", ai.path);
	printf("flavor: %s\n", ai.flavor);
	printf("index: %s (%zu symbols)\n", ai.has_index ? "yes" : "no", ai.index_symbols);
	printf("members: %zu\n", ai.members);
	for (size_t j = 0; j < ai.members; j++) {
		objload_archive_member m;

		if (objload_get_archive_member(s, 0, j, &m))
			break;
		printf("  member %zu %s offset=0x%" PRIx64 " size=%" PRIu64 "%s\n",
		       j, m.name, m.offset, m.size, m.import ? " import" : "");
	}
}

static int cmd_info(int argc, char **argv)
{
	struct options o = { 0 };
	int rc = parse_options(argc, argv, &o, CMD_INFO);

	if (rc) {
		free_options(&o);
		return rc;
	}
	for (int i = 0; i < o.nfiles; i++) {
		objload_session *s;

		if (objload_session_new(&s)) {
			fprintf(stderr, "objload: out of memory\n");
			free_options(&o);
			return 1;
		}
		if (load_plugins(s, &o) || objload_add_file(s, o.files[i])) {
			free_options(&o);
			return fail(s);
		}
		if (i)
			printf("\n");
		if (objload_archive_count(s))
			print_archive(s);
		else
			print_image(objload_get_image(s, 0), o.strategy);
		objload_session_free(s);
	}
	free_options(&o);
	return 0;
}

static int cmd_link(int argc, char **argv)
{
	struct options o = { 0 };
	objload_session *s;
	const void *bytes;
	size_t len;
	FILE *f;
	int rc = parse_options(argc, argv, &o, CMD_LINK);

	if (rc) {
		free_options(&o);
		return rc;
	}
	if (objload_session_new(&s)) {
		fprintf(stderr, "objload: out of memory\n");
		free_options(&o);
		return 1;
	}
	if (load_inputs(s, &o) || objload_link_at(s, o.base) ||
	    objload_get_flat_image(s, &bytes, &len)) {
		free_options(&o);
		return fail(s);
	}
	if (o.stats)
		print_stats(s);
	f = fopen(o.output, "wb");
	if (!f || fwrite(bytes, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "objload: %s: %s\n", o.output, strerror(errno));
		objload_session_free(s);
		free_options(&o);
		return 1;
	}
	if (o.map) {
		f = fopen(o.map, "w");
		if (!f || objload_write_map(s, f) || fclose(f) != 0) {
			fprintf(stderr, "objload: %s: cannot write the map\n", o.map);
			objload_session_free(s);
			free_options(&o);
			return 1;
		}
	}
	objload_session_free(s);
	free_options(&o);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("no command given%s", "");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("objload %s\n", OBJLOAD_VERSION_STRING);
		return 0;
	}
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 2, argv + 2);
	if (strcmp(argv[1], "info") == 0)
		return cmd_info(argc - 2, argv + 2);
	if (strcmp(argv[1], "link") == 0)
		return cmd_link(argc - 2, argv + 2);
	if (strcmp(argv[1], "compare") == 0)
		return objload_compare_main(argc - 2, argv + 2);
	return usage_error("unknown command '%s'", argv[1]);
}
