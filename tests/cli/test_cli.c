/* SPDX-License-Identifier: MIT */
/*
 * The objload command-line tool, run as a child process.
 *
 *   - `objload info` on objects compiled from tests/programs/ (gcc -O2,
 *     gcc -O2 -fno-pic, clang -O0 -mcmodel=large) against `readelf -SrW`
 *     of the same files: the header lines, and every relocation;
 *   - --help, --version, and the exit status of usage errors (2) and of
 *     load and link errors (1);
 *   - `run --entry=SYM` and `run --define=SYM=ADDR`;
 *   - the bundled example (examples/hello.c, examples/greet.c).
 *
 * Children run with stdin from /dev/null and stdout/stderr in files of the
 * suite's temporary directory, and are killed after CL_TIMEOUT seconds.
 * OBJLOAD_TEST_SRCDIR (the tests/ source directory) and OBJLOAD_BIN (the
 * objload binary) are compile-time defaults; the environment variables of
 * the same names override them.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <CUnit/Basic.h>

#include "objload.h"
#include "tests/tests.h"
#include "tests/util.h"

#define CL_TIMEOUT 60

/* ---- reporting --------------------------------------------------------- */

#define CL_CHECK(cond, ...) \
	tu_check_at("cli", __FILE__, __LINE__, (cond) ? 1 : 0, __VA_ARGS__)

/* ---- configuration and the suite's directory ------------------------------ */

static const char *cl_srcdir, *cl_objload;
static char *cl_dir;
static unsigned cl_serial;

static int cl_suite_init(void)
{
	cl_srcdir = tu_srcdir();
	cl_objload = tu_objload_bin();
	cl_dir = tu_mkdtemp("cli");
	return cl_dir ? 0 : -1;
}

static int cl_suite_cleanup(void)
{
	tu_rm_tmpdir(&cl_dir);
	return 0;
}

/* A new directory inside the suite's. */
static char *cl_subdir(const char *tag)
{
	char *d = tu_fmt("%s/%s-%u", cl_dir, tag, cl_serial++);

	if (mkdir(d, 0755) != 0) {
		CL_CHECK(0, "mkdir %s: %s", d, strerror(errno));
		free(d);
		return NULL;
	}
	return d;
}

/* ---- child processes ------------------------------------------------------ */

/* Runs argv in dir to completion; r holds its status and output. */
static void cl_run(char *const argv[], const char *dir, struct tu_result *r)
{
	char *stem = tu_fmt("%s/run-%u", dir, cl_serial++);

	tu_run(argv, dir, stem, CL_TIMEOUT, r);
	free(stem);
}

/* Runs `objload ARGS...` (NULL-terminated) in dir. */
static void cl_objload_run(const char *dir, const char *const args[], struct tu_result *r)
{
	struct tu_strv argv = { 0 };

	tu_strv_push(&argv, cl_objload);
	for (int i = 0; args[i]; i++)
		tu_strv_push(&argv, args[i]);
	cl_run(argv.v, dir, r);
	tu_strv_free(&argv);
}

/* Compiles sources (NULL-terminated paths) in parallel with `cc flags...
 * -c SRC -o DIR/BASE.o`; objects are appended to objs.  0 after recording
 * a failure. */
static int cl_compile(const char *cc, const struct tu_strv *flags,
		      const char *const sources[], const char *dir, struct tu_strv *objs)
{
	struct tu_strv failures = { 0 };
	size_t n = 0;
	int ok;

	while (sources[n])
		n++;
	ok = tu_compile(cc, flags, sources, n, dir, CL_TIMEOUT, objs, &failures);
	for (size_t i = 0; i < failures.n; i++)
		CL_CHECK(0, "%s", failures.v[i]);
	tu_strv_free(&failures);
	return ok;
}

/* Compiles one source given as text into dir/NAME.o; NULL on failure. */
static char *cl_compile_text(const char *dir, const char *name, const char *text,
			     const char *cc, const char *flags)
{
	char *why, *obj = tu_compile_text(dir, name, "c", text, cc, flags, &why);

	CL_CHECK(obj != NULL, "%s %s: %s", cc, name, why ? why : "");
	free(why);
	return obj;
}

/* ======================================================================== */
/* 1. objload info against readelf                                          */
/* ======================================================================== */

/*
 * Which relocations `objload info` lists.  It prints the image's edges.
 * The ELF plug-in (formats/elf/elf.c, elf_build_edges) turns a relocation
 * section into edges exactly when the section it applies to (sh_info) is
 * loaded, and a section is loaded exactly when it has SHF_ALLOC
 * (elf_section_role: code, data, read-only data, zero-fill, TLS, and
 * .eh_frame as unwind data).  So the rule: every relocation readelf lists
 * for a target section with the A flag, and none for the others
 * (.debug_*, .comment, ...).
 *
 * A relocation is compared by (target section, offset, native type,
 * symbol, addend).  The ELF plug-in turns references to
 * _GLOBAL_OFFSET_TABLE_ into GOT-base kinds without a symbol, which info
 * prints as "(none)"; readelf's "_GLOBAL_OFFSET_TABLE_" and a missing
 * symbol are compared as "(none)".
 */

struct cl_shdr {
	char *name;
	char type[24];
	unsigned long long off;
	char flags[16];
	unsigned info;
};

struct cl_readelf {
	struct cl_shdr *sh;
	size_t nsh;
	struct tu_strv relocs;   /* keys, for SHF_ALLOC targets */
	size_t skipped;          /* relocations of other targets */
	char error[256];
};

static void cl_readelf_free(struct cl_readelf *re)
{
	for (size_t i = 0; i < re->nsh; i++)
		free(re->sh[i].name);
	free(re->sh);
	tu_strv_free(&re->relocs);
}

/* Whitespace-separated words of line, in place; at most max. */
static int cl_words(char *line, char **w, int max)
{
	int n = 0;
	char *save;

	for (char *t = strtok_r(line, " \t", &save); t && n < max; t = strtok_r(NULL, " \t", &save))
		w[n++] = t;
	return n;
}

static char *cl_reloc_key(const char *sec, unsigned long long off, const char *type,
			  const char *sym, int negative, unsigned long long addend)
{
	return tu_fmt("%s 0x%llx %s %s %s0x%llx", sec, off, type, sym,
		      negative && addend ? "-" : "+", addend);
}

/* `readelf -SrW obj`: section headers, then relocations. */
static int cl_parse_readelf(char *text, struct cl_readelf *re)
{
	const struct cl_shdr *target = NULL;
	size_t cap = 0;
	char *save;

	memset(re, 0, sizeof(*re));
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *w[16], *br;
		int n, idx;
		unsigned long long roff;

		if (sscanf(line, " [%d]", &idx) == 1 && (br = strchr(line, ']'))) {
			struct cl_shdr *sh;

			if (re->nsh == cap) {
				cap = cap ? cap * 2 : 64;
				re->sh = realloc(re->sh, cap * sizeof(*re->sh));
				if (!re->sh)
					tu_oom();
			}
			if ((size_t)idx != re->nsh) {
				snprintf(re->error, sizeof(re->error), "section [%d] out of order", idx);
				return -1;
			}
			sh = &re->sh[re->nsh++];
			memset(sh, 0, sizeof(*sh));
			n = cl_words(br + 1, w, 16);
			if (idx == 0 || n < 9) {
				sh->name = tu_strdup("");
				continue;
			}
			/* Name Type Address Off Size ES [Flg] Lk Inf Al */
			sh->name = tu_strdup(w[0]);
			snprintf(sh->type, sizeof(sh->type), "%s", w[1]);
			sh->off = strtoull(w[3], NULL, 16);
			if (n >= 10)
				snprintf(sh->flags, sizeof(sh->flags), "%s", w[6]);
			sh->info = (unsigned)strtoul(w[n - 2], NULL, 10);
			continue;
		}
		if (sscanf(line, "Relocation section '%*[^']' at offset 0x%llx", &roff) == 1) {
			target = NULL;
			for (size_t i = 0; i < re->nsh; i++) {
				const struct cl_shdr *rs = &re->sh[i];

				if (rs->off == roff && (strcmp(rs->type, "RELA") == 0 ||
							strcmp(rs->type, "REL") == 0)) {
					if (rs->info < re->nsh)
						target = &re->sh[rs->info];
					break;
				}
			}
			if (!target) {
				snprintf(re->error, sizeof(re->error),
					 "no target section for the relocations at 0x%llx", roff);
				return -1;
			}
			continue;
		}
		if (!target || strspn(line, "0123456789abcdef") != 16)
			continue;
		n = cl_words(line, w, 16);
		if (n < 3)
			continue;
		{
			unsigned long long off = strtoull(w[0], NULL, 16), addend = 0;
			const char *sym = "(none)";
			int neg = 0;

			if (n >= 7) {
				/* offset info type value name +|- addend */
				sym = w[4];
				neg = strcmp(w[5], "-") == 0;
				addend = strtoull(w[6], NULL, 16);
			} else if (n == 5) {
				sym = w[4];   /* REL: no addend printed */
			} else if (n == 4) {
				/* no symbol: the addend alone, signed */
				neg = w[3][0] == '-';
				addend = strtoull(w[3] + neg, NULL, 16);
			}
			if (strcmp(sym, "_GLOBAL_OFFSET_TABLE_") == 0)
				sym = "(none)";
			if (!strchr(target->flags, 'A')) {
				re->skipped++;
				continue;
			}
			{
				char *key = cl_reloc_key(target->name, off, w[2], sym, neg, addend);

				tu_strv_push(&re->relocs, key);
				free(key);
			}
		}
	}
	return 0;
}

/* One file's part of `objload info` output. */
struct cl_info {
	char *file, *format, *arch, *kind, *strategy;
	long nrelocs;               /* the "relocations: N" line */
	struct tu_strv relocs;
	char error[256];
};

static void cl_info_free(struct cl_info *in)
{
	free(in->file);
	free(in->format);
	free(in->arch);
	free(in->kind);
	free(in->strategy);
	tu_strv_free(&in->relocs);
	memset(in, 0, sizeof(*in));
}

static char *cl_after(const char *line, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(line, prefix, n) == 0 ? tu_strdup(line + n) : NULL;
}

/* Splits info output into per-file records; the count. */
static size_t cl_parse_info(char *text, struct cl_info *out, size_t max)
{
	struct cl_info *cur = NULL;
	size_t n = 0;
	char *save;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *v;

		if ((v = cl_after(line, "file: "))) {
			if (n == max) {
				free(v);
				break;
			}
			cur = &out[n++];
			memset(cur, 0, sizeof(*cur));
			cur->file = v;
			cur->nrelocs = -1;
			continue;
		}
		if (!cur)
			continue;
		if (!cur->format && (v = cl_after(line, "format: ")))
			cur->format = v;
		else if (!cur->arch && (v = cl_after(line, "arch: ")))
			cur->arch = v;
		else if (!cur->kind && (v = cl_after(line, "kind: ")))
			cur->kind = v;
		else if (!cur->strategy && (v = cl_after(line, "strategy: ")))
			cur->strategy = v;
		else if (strncmp(line, "relocations: ", 13) == 0)
			cur->nrelocs = strtol(line + 13, NULL, 10);
		else if (strncmp(line, "  reloc ", 8) == 0) {
			/* reloc SECTION 0xOFF NATIVE KIND SYMBOL +|-0xADDEND */
			char *w[10];
			int nw = cl_words(line, w, 10);
			unsigned long long off, addend;
			char *key;

			if (nw < 7 || (w[6][0] != '+' && w[6][0] != '-') ||
			    strncmp(w[2], "0x", 2) != 0 || strncmp(w[6] + 1, "0x", 2) != 0) {
				snprintf(cur->error, sizeof(cur->error), "bad reloc line");
				continue;
			}
			off = strtoull(w[2], NULL, 16);
			addend = strtoull(w[6] + 1, NULL, 16);
			key = cl_reloc_key(w[1], off, w[3], w[5], w[6][0] == '-', addend);
			tu_strv_push(&cur->relocs, key);
			free(key);
		}
	}
	return n;
}

/* The sorted multisets a and b: what is only in a, up to `max` lines. */
static size_t cl_only_in(const struct tu_strv *a, const struct tu_strv *b, char *buf,
			 size_t len, int max)
{
	size_t i = 0, j = 0, count = 0, used = 0;

	buf[0] = '\0';
	while (i < a->n) {
		int c = j < b->n ? strcmp(a->v[i], b->v[j]) : -1;

		if (c == 0) {
			i++;
			j++;
		} else if (c < 0) {
			if ((int)count < max && used < len) {
				int k = snprintf(buf + used, len - used, "\n    %s", a->v[i]);

				if (k > 0)
					used += (size_t)k;
			}
			count++;
			i++;
		} else {
			j++;
		}
	}
	return count;
}

struct cl_config {
	const char *label, *cc;
	const char *flags[4];
	int debug;   /* -g: every object has relocations info must skip */
};

static const struct cl_config cl_configs[] = {
	{ .label = "gcc -O2", .cc = "gcc", .flags = { "-O2" } },
	{ .label = "gcc -O2 -fno-pic", .cc = "gcc", .flags = { "-O2", "-fno-pic" } },
	{ .label = "clang -O0 -mcmodel=large", .cc = "clang",
	  .flags = { "-O0", "-mcmodel=large" } },
	{ .label = "gcc -O2 -g", .cc = "gcc", .flags = { "-O2", "-g" }, .debug = 1 },
};

/* The sorted program directories of tests/programs/. */
static void cl_programs(struct tu_strv *out)
{
	char *dir = tu_fmt("%s/programs", cl_srcdir);
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!CL_CHECK(d != NULL, "cannot open %s: %s", dir, strerror(errno))) {
		free(dir);
		return;
	}
	while ((de = readdir(d))) {
		char *p = tu_fmt("%s/%s", dir, de->d_name);
		struct stat st;

		if (de->d_name[0] != '.' && stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			tu_strv_push(out, p);
		free(p);
	}
	closedir(d);
	tu_strv_sort(out);
	free(dir);
}

static void cl_sources(const char *dir, struct tu_strv *out)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n > 2 && de->d_name[0] != '.' && strcmp(de->d_name + n - 2, ".c") == 0) {
			char *p = tu_fmt("%s/%s", dir, de->d_name);

			tu_strv_push(out, p);
			free(p);
		}
	}
	closedir(d);
	tu_strv_sort(out);
}

/* Compares one object's info record with readelf. */
static void cl_compare_object(const char *obj, struct cl_info *in, int debug,
			      const char *ctx)
{
	const char *argv[] = { "readelf", "-SrW", obj, NULL };
	struct tu_result r;
	struct cl_readelf re;
	char missing[1024], extra[1024];
	size_t nmiss, nextra;

	CL_CHECK(in->file && strcmp(in->file, obj) == 0, "%s: info's file line: %s", ctx,
		 in->file ? in->file : "(none)");
	CL_CHECK(in->format && strcmp(in->format, "elf") == 0, "%s: format: %s", ctx,
		 in->format ? in->format : "(missing)");
	CL_CHECK(in->arch && strcmp(in->arch, "x86_64") == 0, "%s: arch: %s", ctx,
		 in->arch ? in->arch : "(missing)");
	CL_CHECK(in->kind && strcmp(in->kind, "relocatable") == 0, "%s: kind: %s", ctx,
		 in->kind ? in->kind : "(missing)");
	CL_CHECK(in->strategy && strncmp(in->strategy, "whole (", 7) == 0 &&
		 in->strategy[strlen(in->strategy) - 1] == ')',
		 "%s: strategy: whole (reason): %s", ctx,
		 in->strategy ? in->strategy : "(missing)");
	CL_CHECK(!in->error[0], "%s: %s", ctx, in->error);
	CL_CHECK(in->nrelocs == (long)in->relocs.n,
		 "%s: \"relocations: %ld\" but %zu reloc lines", ctx, in->nrelocs, in->relocs.n);

	cl_run((char *const *)argv, cl_dir, &r);
	if (!CL_CHECK(r.exited && r.code == 0, "%s: readelf -SrW failed: %.300s", ctx, r.err)) {
		tu_result_free(&r);
		return;
	}
	if (cl_parse_readelf(r.out, &re) != 0) {
		CL_CHECK(0, "%s: cannot read readelf's output: %s", ctx, re.error);
		cl_readelf_free(&re);
		tu_result_free(&r);
		return;
	}
	tu_strv_sort(&re.relocs);
	tu_strv_sort(&in->relocs);
	nmiss = cl_only_in(&re.relocs, &in->relocs, missing, sizeof(missing), 6);
	nextra = cl_only_in(&in->relocs, &re.relocs, extra, sizeof(extra), 6);
	CL_CHECK(nmiss == 0 && nextra == 0 && re.relocs.n > 0,
		 "%s: info lists %zu relocations, readelf %zu for SHF_ALLOC sections (%zu others);"
		 " %zu missing from info:%s\n  %zu not in readelf:%s",
		 ctx, in->relocs.n, re.relocs.n, re.skipped, nmiss, missing, nextra, extra);
	if (debug)
		CL_CHECK(re.skipped > 0, "%s: -g gives relocations of .debug_* sections", ctx);
	cl_readelf_free(&re);
	tu_result_free(&r);
}

static void cl_info_config(const struct cl_config *cfg)
{
	struct tu_strv progs = { 0 };

	cl_programs(&progs);
	CL_CHECK(progs.n > 0, "programs found in %s/programs", cl_srcdir);
	for (size_t p = 0; p < progs.n; p++) {
		const char *name = strrchr(progs.v[p], '/') + 1;
		struct tu_strv srcs = { 0 }, flags = { 0 }, objs = { 0 }, args = { 0 };
		char *dir = cl_subdir(name), *cflags, *inc, ctx[512];
		struct tu_result r;
		struct cl_info infos[32];
		size_t ninfo;

		if (!dir)
			continue;
		cl_sources(progs.v[p], &srcs);
		for (int k = 0; cfg->flags[k]; k++)
			tu_strv_push(&flags, cfg->flags[k]);
		cflags = tu_fmt("%s/cflags", progs.v[p]);
		tu_read_words(cflags, &flags);
		inc = tu_fmt("-I%s", progs.v[p]);
		tu_strv_push(&flags, inc);
		snprintf(ctx, sizeof(ctx), "program %s, %s", name, cfg->label);
		if (!cl_compile(cfg->cc, &flags, (const char *const *)srcs.v, dir, &objs) ||
		    !objs.n)
			goto next;
		tu_strv_push(&args, "info");
		for (size_t i = 0; i < objs.n; i++)
			tu_strv_push(&args, objs.v[i]);
		cl_objload_run(dir, (const char *const *)args.v, &r);
		if (CL_CHECK(r.exited && r.code == 0, "%s: objload info: %s: %.300s", ctx,
			     r.exited ? "failed" : r.what, r.err)) {
			ninfo = cl_parse_info(r.out, infos, 32);
			CL_CHECK(ninfo == objs.n, "%s: info printed %zu files for %zu", ctx,
				 ninfo, objs.n);
			for (size_t i = 0; i < ninfo && i < objs.n; i++) {
				char octx[600];

				snprintf(octx, sizeof(octx), "%s, %s", ctx,
					 strrchr(objs.v[i], '/') + 1);
				cl_compare_object(objs.v[i], &infos[i], cfg->debug, octx);
			}
			for (size_t i = 0; i < ninfo; i++)
				cl_info_free(&infos[i]);
		}
		tu_result_free(&r);
next:
		tu_strv_free(&srcs);
		tu_strv_free(&flags);
		tu_strv_free(&objs);
		tu_strv_free(&args);
		free(cflags);
		free(inc);
		free(dir);
	}
	tu_strv_free(&progs);
}

static void cl_test_info_gcc(void)
{
	cl_info_config(&cl_configs[0]);
}

static void cl_test_info_gcc_nopic(void)
{
	cl_info_config(&cl_configs[1]);
}

static void cl_test_info_clang_large(void)
{
	cl_info_config(&cl_configs[2]);
}

static void cl_test_info_gcc_debug(void)
{
	cl_info_config(&cl_configs[3]);
}

/* ======================================================================== */
/* 2. Options and exit statuses                                             */
/* ======================================================================== */

static const char cl_trivial_src[] =
	"int main(void) { return 0; }\n";

/* An object whose main returns 0; compiled once. */
static char *cl_trivial;

static const char *cl_trivial_object(void)
{
	char *dir;

	if (cl_trivial)
		return cl_trivial;
	dir = cl_subdir("trivial");
	if (dir)
		cl_trivial = cl_compile_text(dir, "trivial", cl_trivial_src, "gcc",
					     "-O2");
	free(dir);
	return cl_trivial;
}

/* Runs objload with args; checks the exit status, that stderr starts with
 * `err_prefix` (if set) and contains `err_mention` (if set), and that
 * stdout is empty when `quiet`. */
static void cl_expect(const char *const args[], int status, const char *err_prefix,
		      const char *err_mention, int quiet)
{
	struct tu_result r;
	char cmd[1024];

	tu_argv_str(args, cmd, sizeof(cmd));
	cl_objload_run(cl_dir, args, &r);
	CL_CHECK(r.exited && r.code == status, "`objload %s`: expected exit status %d, got %s; stderr: %.300s",
		 cmd, status, r.what, r.err);
	if (err_prefix)
		CL_CHECK(strncmp(r.err, err_prefix, strlen(err_prefix)) == 0,
			 "`objload %s`: stderr starts with \"%s\": \"%.300s\"", cmd, err_prefix,
			 r.err);
	if (err_mention)
		CL_CHECK(strstr(r.err, err_mention) != NULL,
			 "`objload %s`: stderr mentions \"%s\": \"%.300s\"", cmd, err_mention,
			 r.err);
	if (quiet)
		CL_CHECK(r.out[0] == '\0', "`objload %s`: nothing on stdout: \"%.300s\"", cmd,
			 r.out);
	tu_result_free(&r);
}

static void cl_test_help_version(void)
{
	struct tu_result r;

	cl_objload_run(cl_dir, (const char *const[]){ "--help", NULL }, &r);
	CL_CHECK(r.exited && r.code == 0 && strstr(r.out, "usage"),
		 "objload --help: exit 0 and \"usage\" on stdout: status %d, \"%.200s\"",
		 r.code, r.out);
	tu_result_free(&r);
	cl_objload_run(cl_dir, (const char *const[]){ "--version", NULL }, &r);
	CL_CHECK(r.exited && r.code == 0 && strstr(r.out, OBJLOAD_VERSION_STRING),
		 "objload --version: exit 0 and the version %s: status %d, \"%.200s\"",
		 OBJLOAD_VERSION_STRING, r.code, r.out);
	tu_result_free(&r);
}

static void cl_test_usage_errors(void)
{
	const char *o = cl_trivial_object();

	if (!o)
		return;
	{
		const char *const cases[][6] = {
			{ NULL },
			{ "frobnicate", NULL },
			{ "frobnicate", o, NULL },
			{ "run", "--bogus", o, NULL },
			{ "info", "--bogus", o, NULL },
			{ "run", "--strategy=bogus", o, NULL },
			{ "info", "--strategy=bogus", o, NULL },
			{ "run", NULL },
			{ "info", NULL },
			{ "run", "--strategy=whole", NULL },
			{ "run", "--define=foo", o, NULL },
			{ "run", "--define==0x10", o, NULL },
			{ "run", "--define=foo=zzz", o, NULL },
			{ "run", "--entry=", o, NULL },
			{ "info", o, "--", "x", NULL },
			{ "info", "--entry=main", o, NULL },
		};

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			cl_expect(cases[i], 2, "objload: ", NULL, 1);
	}
}

static void cl_test_load_errors(void)
{
	char *dir = cl_subdir("errors");
	char *missing, *garbage, *undef;

	if (!dir)
		return;
	missing = tu_fmt("%s/missing.o", dir);
	garbage = tu_fmt("%s/garbage.o", dir);
	tu_write_text(garbage, "this is not an object file of any format\n");
	undef = cl_compile_text(dir, "undef",
				"extern int cli_nowhere_defined(void);\n"
				"int main(void) { return cli_nowhere_defined(); }\n",
				"gcc", "-O2");
	cl_expect((const char *const[]){ "run", missing, NULL }, 1, "objload: ", missing, 1);
	cl_expect((const char *const[]){ "info", missing, NULL }, 1, "objload: ", missing, 1);
	cl_expect((const char *const[]){ "run", garbage, NULL }, 1, "objload: ", garbage, 1);
	if (undef) {
		cl_expect((const char *const[]){ "run", undef, NULL }, 1, "objload: ",
			  "cli_nowhere_defined", 1);
		cl_expect((const char *const[]){ "run", "--entry=no_such_entry", undef, NULL }, 1,
			  "objload: ", "cli_nowhere_defined", 1);
	}
	if (cl_trivial_object())
		cl_expect((const char *const[]){ "run", "--entry=no_such_entry", cl_trivial, NULL },
			  1, "objload: ", "no_such_entry", 1);
	free(missing);
	free(garbage);
	free(undef);
	free(dir);
}

/* ======================================================================== */
/* 3. run --entry and --define                                              */
/* ======================================================================== */

static void cl_test_entry(void)
{
	char *dir = cl_subdir("entry");
	char *o;
	struct tu_result r;

	if (!dir)
		return;
	o = cl_compile_text(dir, "entry",
			    "int alt_entry(int argc, char **argv) { (void)argv; return argc + 40; }\n"
			    "int main(void) { return 7; }\n",
			    "gcc", "-O2");
	if (o) {
		static const char *const strategies[] = {
			"--strategy=auto", "--strategy=whole", "--strategy=section",
		};

		for (size_t k = 0; k < 3; k++) {
			cl_objload_run(dir, (const char *const[]){ "run", strategies[k], "--entry=alt_entry", o, NULL }, &r);
			CL_CHECK(r.exited && r.code == 41,
				 "run %s --entry=alt_entry: exit 41 (argc 1 + 40), got %d (%s); stderr %.300s",
				 strategies[k], r.code, r.exited ? "exited" : r.what, r.err);
			tu_result_free(&r);
		}
		cl_objload_run(dir, (const char *const[]){ "run", "--entry=alt_entry", o, "--", "a", "b", NULL }, &r);
		CL_CHECK(r.exited && r.code == 43, "run --entry=alt_entry -- a b: exit 43, got %d (%s)",
			 r.code, r.exited ? "exited" : r.what);
		tu_result_free(&r);
		cl_objload_run(dir, (const char *const[]){ "run", o, NULL }, &r);
		CL_CHECK(r.exited && r.code == 7, "run without --entry calls main: exit 7, got %d (%s)",
			 r.code, r.exited ? "exited" : r.what);
		tu_result_free(&r);
	}
	free(o);
	free(dir);
}

static void cl_test_define(void)
{
	char *dir = cl_subdir("define");
	char *o;
	struct tu_result r;

	if (!dir)
		return;
	o = cl_compile_text(dir, "define",
			    "#include <stdio.h>\n"
			    "#include <stdint.h>\n"
			    "extern char cli_weak_flag[] __attribute__((weak));\n"
			    "extern char cli_strong_table[];\n"
			    "int main(void)\n"
			    "{\n"
			    "\tprintf(\"weak %s %#lx\\n\", cli_weak_flag ? \"set\" : \"null\",\n"
			    "\t       (unsigned long)(uintptr_t)cli_weak_flag);\n"
			    "\tprintf(\"strong %#lx\\n\", (unsigned long)(uintptr_t)cli_strong_table);\n"
			    "\treturn 0;\n"
			    "}\n",
			    "gcc", "-O2");
	if (o) {
		cl_objload_run(dir, (const char *const[]){ "run", "--define=cli_strong_table=0x5000", o, NULL }, &r);
		CL_CHECK(r.exited && r.code == 0 && strcmp(r.out, "weak null 0\nstrong 0x5000\n") == 0,
			 "--define of a strong reference, weak one left undefined: status %d, stdout \"%s\", stderr \"%.300s\"",
			 r.code, r.out, r.err);
		tu_result_free(&r);
		cl_objload_run(dir, (const char *const[]){ "run", "--define=cli_weak_flag=0x1234",
				     "--define=cli_strong_table=4096", o, NULL }, &r);
		CL_CHECK(r.exited && r.code == 0 && strcmp(r.out, "weak set 0x1234\nstrong 0x1000\n") == 0,
			 "--define of a weak reference (hex) and a strong one (decimal): status %d, stdout \"%s\", stderr \"%.300s\"",
			 r.code, r.out, r.err);
		tu_result_free(&r);
		cl_objload_run(dir, (const char *const[]){ "run", o, NULL }, &r);
		CL_CHECK(r.exited && r.code == 1 && strstr(r.err, "cli_strong_table") &&
			 !strstr(r.err, "cli_weak_flag"),
			 "without --define the strong reference is undefined (exit 1), the weak one is not reported: status %d, stderr \"%.300s\"",
			 r.code, r.err);
		tu_result_free(&r);
	}
	free(o);
	free(dir);
}

/* ======================================================================== */
/* 4. The bundled example                                                   */
/* ======================================================================== */

static void cl_test_example(void)
{
	char *dir = cl_subdir("example");
	char *hello = NULL, *greet = NULL;
	struct tu_strv objs = { 0 }, flags = { 0 };
	static const char expected[] =
		"constructor ran before main\n"
		"hello, objload, from an object loaded by objload\n"
		"sorted by a comparator in the loaded code: 3 7 19 23 42\n"
		"sqrt(2) from the host's libm: 1.414214\n";

	if (!dir)
		return;
	hello = tu_fmt("%s/../examples/hello.c", cl_srcdir);
	greet = tu_fmt("%s/../examples/greet.c", cl_srcdir);
	tu_strv_push(&flags, "-O2");
	if (cl_compile("gcc", &flags, (const char *const[]){ hello, greet, NULL }, dir, &objs) &&
	    objs.n == 2) {
		static const char *const strategies[] = {
			"--strategy=auto", "--strategy=whole", "--strategy=section",
		};

		for (size_t k = 0; k < 3; k++) {
			struct tu_result r;

			cl_objload_run(dir, (const char *const[]){ "run", strategies[k], objs.v[0],
					     objs.v[1], "--", "objload", NULL }, &r);
			CL_CHECK(r.exited && r.code == 0 && strcmp(r.out, expected) == 0 &&
				 r.err[0] == '\0',
				 "example, %s: exit 0 and the four lines: status %d (%s), stdout \"%s\", stderr \"%.300s\"",
				 strategies[k], r.code, r.exited ? "exited" : r.what, r.out, r.err);
			tu_result_free(&r);
		}
	}
	tu_strv_free(&objs);
	tu_strv_free(&flags);
	free(hello);
	free(greet);
	free(dir);
}

static void cl_test_info_forced(void)
{
	struct tu_result r;
	const char *o = cl_trivial_object();

	if (!o)
		return;
	cl_objload_run(cl_dir, (const char *const[]){ "info", "--strategy=section", o, NULL }, &r);
	CL_CHECK(r.exited && r.code == 0 && strstr(r.out, "\nstrategy: section ("),
		 "info --strategy=section shows the forced strategy: status %d, \"%.400s\"",
		 r.code, r.out);
	tu_result_free(&r);
}

/* ---- registration ---------------------------------------------------------- */

static int cl_cleanup_all(void)
{
	free(cl_trivial);
	cl_trivial = NULL;
	return cl_suite_cleanup();
}

int objload_test_register_cli(void)
{
	static const struct tu_test tests[] = {
		{ "info vs readelf: gcc -O2", cl_test_info_gcc },
		{ "info vs readelf: gcc -O2 -fno-pic", cl_test_info_gcc_nopic },
		{ "info vs readelf: clang -O0 -mcmodel=large", cl_test_info_clang_large },
		{ "info vs readelf: gcc -O2 -g (debug relocations skipped)", cl_test_info_gcc_debug },
		{ "info --strategy=section", cl_test_info_forced },
		{ "--help and --version", cl_test_help_version },
		{ "usage errors exit 2", cl_test_usage_errors },
		{ "load and link errors exit 1", cl_test_load_errors },
		{ "run --entry", cl_test_entry },
		{ "run --define", cl_test_define },
		{ "the bundled example", cl_test_example },
	};
	return tu_add_suite("cli", cl_suite_init, cl_cleanup_all, tests, TU_COUNT(tests));
}
