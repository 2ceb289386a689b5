/* SPDX-License-Identifier: MIT */
/*
 * The AArch64 applier checked against an independent disassembler, for
 * ELF, Mach-O and COFF arm64 objects.
 *
 * The programs of tests/programs-aarch64/ are compiled with clang for
 * each format (ELF also -fPIC and -mcmodel=large), linked with
 * `objload link --base --map`, wrapped into an ELF executable
 * (objload_test_aarch64_wrap) and disassembled by llvm-objdump.  Each
 * relocation `objload info` lists is then checked at its place P (its
 * section's address from the map plus its offset) against its target
 * S + A (the symbol's address from the map, or its section's for a
 * section symbol, or the --define'd value):
 *   CALL26, JUMP26, CONDBR19, TSTBR14: the branch's target, as
 *     llvm-objdump prints it, is S + A, or a veneer (ldr x16, #8; br x16)
 *     whose literal is S + A;
 *   ADR_PAGE21: the page ADRP computes is Page(S + A);
 *   ADD_LO12, LDST*_LO12, LDST_LO12_AUTO: the immediate, as printed (in
 *     bytes), is (S + A)[11:0];
 *   GOT_PAGE21 + GOT_LO12: the slot they address holds S, or (relaxed:
 *     the LDR became an ADD of the ADRP's register) ADRP page + ADD
 *     immediate is S;
 *   MOVW_UABS_Gn: the 16 bits the MOVZ/MOVK puts are the group's;
 *   ABS64, ABS32, PREL32, IMAGEREL32: the data in the image.
 * A symbol name the map lists at two addresses (locals of two objects) is
 * skipped; the test requires that branches, ADRP pairs and veneers were
 * each checked.  Also: `objload info` lists what llvm-readobj lists.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <CUnit/Basic.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tests.h"
#include "tests/util.h"

#define AL_SRC OBJLOAD_TEST_SRCDIR "/programs-aarch64"
#define AL_CFLAGS "-ffreestanding -fno-stack-protector -fno-builtin"
#define AL_MARKER A64_TEST_MARKER

/* ---- the map --------------------------------------------------------------- */

struct al_entry {
	uint64_t addr;
	int is_section;
	char name[512];         /* symbol name, or FILE(SECTION) */
};

struct al_map {
	struct al_entry *e;
	size_t n;
};

static int al_map_load(const char *path, struct al_map *m)
{
	FILE *f = fopen(path, "r");
	char line[1024], kind[32];
	uint64_t size;

	m->e = NULL;
	m->n = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct al_entry x;
		struct al_entry *ne;

		if (sscanf(line, "%" SCNx64 " %" SCNu64 " %31s %511s", &x.addr, &size,
			   kind, x.name) != 4)
			continue;
		x.is_section = strcmp(kind, "section") == 0;
		ne = realloc(m->e, (m->n + 1) * sizeof(*ne));
		if (!ne)
			break;
		m->e = ne;
		m->e[m->n++] = x;
	}
	fclose(f);
	return 0;
}

/* A section of `file`, or UINT64_MAX. */
static uint64_t al_section(const struct al_map *m, const char *file, const char *sec)
{
	char key[1200];

	snprintf(key, sizeof(key), "%s(%s)", file, sec);
	for (size_t i = 0; i < m->n; i++)
		if (m->e[i].is_section && strcmp(m->e[i].name, key) == 0)
			return m->e[i].addr;
	return UINT64_MAX;
}

/* A symbol's address: 0 found, 1 ambiguous or absent. */
static int al_symbol(const struct al_map *m, const char *file, const char *name,
		     uint64_t *addr)
{
	int found = 0;

	if (strcmp(name, "far_inc") == 0 || strcmp(name, "_far_inc") == 0) {
		*addr = A64_TEST_FAR;
		return 0;
	}
	if (strcmp(name, "marker") == 0 || strcmp(name, "_marker") == 0) {
		*addr = AL_MARKER;
		return 0;
	}
	for (size_t i = 0; i < m->n; i++) {
		if (m->e[i].is_section || strcmp(m->e[i].name, name) != 0)
			continue;
		if (found && *addr != m->e[i].addr)
			return 1;
		*addr = m->e[i].addr;
		found = 1;
	}
	if (found)
		return 0;
	*addr = al_section(m, file, name);      /* a section symbol */
	return *addr == UINT64_MAX;
}

/* ---- the disassembly ------------------------------------------------------- */

struct al_insn {
	uint64_t addr;
	char mnem[16];
	char ops[112];
};

struct al_dis {
	struct al_insn *v;
	size_t n;
};

static int al_dis_load(const char *exe, struct al_dis *d)
{
	char *cmd;
	FILE *p;
	char line[512];

	d->v = NULL;
	d->n = 0;
	if (asprintf(&cmd, "llvm-objdump -d --no-show-raw-insn %s", exe) < 0)
		return -1;
	p = popen(cmd, "r");
	free(cmd);
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		struct al_insn x;
		struct al_insn *nv;
		char *colon;
		int used = 0;

		memset(&x, 0, sizeof(x));
		colon = strchr(line, ':');
		if (!colon || sscanf(line, " %" SCNx64, &x.addr) != 1 || colon[1] != ' ')
			continue;
		if (sscanf(colon + 1, " %15s %n", x.mnem, &used) != 1)
			continue;
		snprintf(x.ops, sizeof(x.ops), "%s", colon + 1 + used);
		x.ops[strcspn(x.ops, "\n")] = 0;
		nv = realloc(d->v, (d->n + 1) * sizeof(*nv));
		if (!nv)
			break;
		d->v = nv;
		d->v[d->n++] = x;
	}
	pclose(p);
	return 0;
}

static const struct al_insn *al_at(const struct al_dis *d, uint64_t addr)
{
	size_t lo = 0, hi = d->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (d->v[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->n && d->v[lo].addr == addr ? &d->v[lo] : NULL;
}

/* The last "#imm" of the operands (0 when there is none), and a "lsl #n". */
static uint64_t al_imm(const char *ops, unsigned *lsl)
{
	const char *h = strchr(ops, '#'), *l = strstr(ops, "lsl #");

	*lsl = l ? (unsigned)strtoul(l + 5, NULL, 0) : 0;
	return h ? strtoull(h + 1, NULL, 0) : 0;
}

/* ---- one link ------------------------------------------------------------- */

struct al_image {
	uint8_t *b;
	size_t len;
};

static int al_read(const struct al_image *im, uint64_t addr, unsigned n, uint64_t *v)
{
	if (addr < A64_TEST_BASE || addr - A64_TEST_BASE > im->len ||
	    im->len - (addr - A64_TEST_BASE) < n)
		return -1;
	*v = 0;
	for (unsigned i = 0; i < n; i++)
		*v |= (uint64_t)im->b[addr - A64_TEST_BASE + i] << (8 * i);
	return 0;
}

struct al_counts {
	unsigned branches, veneers, pages, lo12, got, relaxed, movw, data, skipped, bad;
};

static void al_bad(struct al_counts *c, const char *ctx, const char *why, const char *line)
{
	c->bad++;
	if (c->bad <= 10)
		fprintf(stderr, "\n%s: %s: %s", ctx, why, line);
}

/* Check one `objload info` relocation line of `file`. */
static void al_check(const char *ctx, const char *file, const char *line,
		     const struct al_map *m, const struct al_dis *d,
		     const struct al_image *im, struct al_counts *c)
{
	char sec[256], native[64], kind[32], sym[512];
	uint64_t off, S, sa, P, v, T;
	int64_t A;
	const struct al_insn *in;
	unsigned lsl;

	if (sscanf(line, " reloc %255s %" SCNx64 " %63s %31s %511s %" SCNi64, sec, &off,
		   native, kind, sym, &A) != 6) {
		c->skipped++;
		return;
	}
	sa = al_section(m, file, sec);
	if (sa == UINT64_MAX || al_symbol(m, file, sym, &S)) {
		c->skipped++;
		return;
	}
	P = sa + off;
	T = S + (uint64_t)A;
	in = al_at(d, P);
	if (!strcmp(kind, "CALL26") || !strcmp(kind, "JUMP26") ||
	    !strcmp(kind, "CONDBR19") || !strcmp(kind, "TSTBR14")) {
		const char *x;
		uint64_t to, w0, w1;

		if (!in || !(x = strstr(in->ops, "0x"))) {
			al_bad(c, ctx, "no branch at P", line);
			return;
		}
		to = strtoull(x, NULL, 16);
		c->branches++;
		if (to == T)
			return;
		if (!al_read(im, to, 4, &w0) && !al_read(im, to + 4, 4, &w1) &&
		    w0 == 0x58000050 && w1 == 0xd61f0200 && !al_read(im, to + 8, 8, &v) &&
		    v == T) {
			c->veneers++;
			return;
		}
		al_bad(c, ctx, "branch target is neither S + A nor a veneer to it", line);
	} else if (!strcmp(kind, "ADR_PAGE21")) {
		if (!in || strcmp(in->mnem, "adrp") ||
		    strtoull(strstr(in->ops, "0x") ? strstr(in->ops, "0x") : "0", NULL, 16) !=
		    (T & ~UINT64_C(0xfff)))
			al_bad(c, ctx, "ADRP does not give Page(S + A)", line);
		c->pages++;
	} else if (!strcmp(kind, "ADD_LO12") || strstr(kind, "LO12") == kind + strlen(kind) - 4 ||
		   !strcmp(kind, "LDST_LO12_AUTO")) {
		if (!strcmp(kind, "GOT_LO12") || !strncmp(kind, "SECREL", 6)) {
			c->skipped++;
			return;
		}
		if (!in || al_imm(in->ops, &lsl) != (T & 0xfff))
			al_bad(c, ctx, "the lo12 immediate is not (S + A)[11:0]", line);
		c->lo12++;
	} else if (!strncmp(kind, "MOVW_UABS_G", 11)) {
		unsigned g = (unsigned)(kind[11] - '0');
		uint64_t imm = in ? al_imm(in->ops, &lsl) : 0;

		if (in && !strcmp(in->mnem, "mov"))     /* MOVZ shown as its value */
			imm = (imm >> (16 * g)) & 0xffff;
		else if (in && lsl != 16 * g)
			in = NULL;
		if (!in || imm != ((T >> (16 * g)) & 0xffff))
			al_bad(c, ctx, "MOVZ/MOVK does not put the group's 16 bits", line);
		c->movw++;
	} else if (!strcmp(kind, "ABS64") || !strcmp(kind, "ABS32") ||
		   !strcmp(kind, "PREL32") || !strcmp(kind, "IMAGEREL32")) {
		unsigned w = strcmp(kind, "ABS64") ? 4 : 8;
		uint64_t want = !strcmp(kind, "PREL32") ? T - P :
				!strcmp(kind, "IMAGEREL32") ? T - A64_TEST_BASE : T;

		if (w == 4)
			want &= 0xffffffffu;
		if (al_read(im, P, w, &v) || v != want)
			al_bad(c, ctx, "data field is not its formula's value", line);
		c->data++;
	} else if (!strcmp(kind, "GOT_PAGE21")) {
		/* the LDR of the same symbol that follows holds the slot */
		const struct al_insn *ld = NULL;
		uint64_t page;

		if (!in || strcmp(in->mnem, "adrp") || !strstr(in->ops, "0x")) {
			al_bad(c, ctx, "no ADRP at a GOT_PAGE21", line);
			return;
		}
		page = strtoull(strstr(in->ops, "0x"), NULL, 16);
		for (uint64_t a = P + 4; a < P + 64 && !ld; a += 4) {
			const struct al_insn *x = al_at(d, a);
			char reg[8];

			snprintf(reg, sizeof(reg), "%.*s", (int)strcspn(in->ops, ","), in->ops);
			if (x && !strcmp(x->mnem, "ldr") && strstr(x->ops, reg) &&
			    strstr(x->ops, "[") && strstr(strstr(x->ops, "["), reg))
				ld = x;
			/* relaxed: the instruction right after is "add xT, reg, #lo12" */
			if (x && a == P + 4 && !strcmp(x->mnem, "add") &&
			    strstr(strchr(x->ops, ',') ? strchr(x->ops, ',') : "", reg)) {
				if (page + al_imm(x->ops, &lsl) != S)
					al_bad(c, ctx, "the relaxed ADRP + ADD does not compute S", line);
				c->relaxed++;
				return;
			}
		}
		if (!ld || al_read(im, page + al_imm(ld->ops, &lsl), 8, &v) || v != S)
			al_bad(c, ctx, "the GOT slot ADRP + LDR address does not hold S", line);
		c->got++;
	} else {
		c->skipped++;
	}
}

/* Compile `srcs` for `target` with `opts`, link with `strategy`, check. */
static void al_link(const char *target, const char *opts, const char *strategy,
		    const char *srcs, struct al_counts *total)
{
	char dir[] = "/tmp/objload-a64l-XXXXXX", ctx[256];
	char src[64], path[1200], map[1200], img[1200], exe[1200];
	const char *p;
	struct al_map m = { 0 };
	struct al_dis d = { 0 };
	struct al_image im = { 0 };
	struct al_counts c = { 0 };
	int rc;

	snprintf(ctx, sizeof(ctx), "%s %s --strategy=%s [%s]", target, opts, strategy, srcs);
	if (!mkdtemp(dir)) {
		CU_FAIL("mkdtemp");
		return;
	}
	snprintf(map, sizeof(map), "%s/map", dir);
	snprintf(img, sizeof(img), "%s/img", dir);
	snprintf(exe, sizeof(exe), "%s/exe", dir);
	rc = objload_test_aarch64_build(dir, target, opts, strategy, srcs, ctx);
	if (rc || objload_test_aarch64_wrap(img, A64_TEST_BASE, A64_TEST_BASE, exe) ||
	    al_map_load(map, &m) || al_dis_load(exe, &d)) {
		fprintf(stderr, "\n%s: link, wrap or disassembly failed\n", ctx);
		CU_FAIL("link, wrap or disassembly failed");
		goto done;
	}
	im.b = tu_read_file(img, &im.len);
	if (!im.b)
		im.len = 0;
	/* each object's relocations, as `objload info` lists them */
	p = srcs;
	while (sscanf(p, "%63s", src) == 1) {
		char *cmd, line[1024];
		FILE *in;

		p = strstr(p, src) + strlen(src);
		snprintf(path, sizeof(path), "%s/%s.o", dir, src);
		if (asprintf(&cmd, "%s info %s", tu_objload_bin(), path) < 0)
			break;
		in = popen(cmd, "r");
		free(cmd);
		if (!in)
			break;
		while (fgets(line, sizeof(line), in))
			if (!strncmp(line, "  reloc ", 8))
				al_check(ctx, path, line, &m, &d, &im, &c);
		pclose(in);
	}
	if (c.bad)
		fprintf(stderr, "\n%s: %u mismatches\n", ctx, c.bad);
	CU_ASSERT_EQUAL(c.bad, 0);
	CU_ASSERT(c.branches > 0);
	total->branches += c.branches;
	total->veneers += c.veneers;
	total->pages += c.pages;
	total->lo12 += c.lo12;
	total->got += c.got;
	total->relaxed += c.relaxed;
	total->movw += c.movw;
	total->data += c.data;
	total->skipped += c.skipped;
	total->bad += c.bad;
done:
	free(m.e);
	free(d.v);
	free(im.b);
	tu_rm_rf(dir);
}

static int al_have_tools(void)
{
	if (!tu_have_tool("clang") || !tu_have_tool("llvm-objdump") ||
	    !tu_have_tool("llvm-readobj")) {
		CU_FAIL("clang, llvm-objdump or llvm-readobj is missing (tools/install-deps.sh)");
		return 0;
	}
	return 1;
}

static void al_report(const char *what, const struct al_counts *t)
{
	fprintf(stderr, "\n  %s: %u branches (%u through veneers), %u ADRP, %u lo12, "
		"%u GOT pairs (%u relaxed to ADRP + ADD), %u MOVW, %u data checked; %u skipped ",
		what, t->branches, t->veneers, t->pages, t->lo12, t->got + t->relaxed,
		t->relaxed, t->movw, t->data, t->skipped);
}

static void al_test_elf(void)
{
	static const char *const opts[] = { "-O0", "-O2", "-O2 -fPIC", "-O0 -fPIC",
					    "-O2 -mcmodel=large -fno-pic" };
	struct al_counts t = { 0 };

	if (!al_have_tools())
		return;
	for (size_t o = 0; o < sizeof(opts) / sizeof(opts[0]); o++)
		for (int s = 0; s < 2; s++)
			al_link("aarch64-linux-gnu", opts[o], s ? "section" : "whole",
				"start prog lib", &t);
	/* and the GOT loads as compiled, not relaxed */
	al_link("aarch64-linux-gnu", "-O2 -fPIC", "whole --no-relax", "start prog lib", &t);
	al_report("ELF", &t);
	CU_ASSERT(t.veneers > 0 && t.pages > 0 && t.lo12 > 0 && t.got > 0 && t.movw > 0);
	CU_ASSERT(t.relaxed > 0);
}

static void al_test_macho(void)
{
	struct al_counts t = { 0 };

	if (!al_have_tools())
		return;
	for (int o = 0; o < 2; o++)
		for (int s = 0; s < 2; s++)
			al_link("arm64-apple-macos11", o ? "-O2" : "-O0",
				s ? "section" : "whole", "start prog lib", &t);
	al_report("Mach-O", &t);
	CU_ASSERT(t.veneers > 0 && t.pages > 0 && t.lo12 > 0);
}

static void al_test_coff(void)
{
	struct al_counts t = { 0 };

	if (!al_have_tools())
		return;
	for (int o = 0; o < 2; o++)
		for (int s = 0; s < 2; s++)
			al_link("aarch64-pc-windows-msvc", o ? "-O2" : "-O0",
				s ? "section" : "whole", "start prog lib", &t);
	al_report("COFF", &t);
	CU_ASSERT(t.veneers > 0 && t.pages > 0 && t.lo12 > 0 && t.data > 0);
}

/* Per-section: two code sections with 160 MiB of zero-fill between. */
static void al_test_far_sections(void)
{
	static const char *const targets[] = { "aarch64-linux-gnu", "arm64-apple-macos11",
					       "aarch64-pc-windows-msvc" };
	struct al_counts t = { 0 };

	if (!al_have_tools())
		return;
	for (size_t i = 0; i < 3; i++) {
		struct al_counts one = { 0 };

		al_link(targets[i], "-O2", "section", "fara fargap farb", &one);
		CU_ASSERT(one.veneers > 0);
		if (!one.veneers)
			fprintf(stderr, "\n%s: no call went through a veneer\n", targets[i]);
		t.veneers += one.veneers;
		t.branches += one.branches;
	}
	al_report("far sections", &t);
}

/* `objload info` and llvm-readobj list the same relocations of the loaded
 * sections: compare the (offset, type name) pairs of the code sections. */
static void al_test_info(void)
{
	static const struct {
		const char *target, *text, *readobj_sec;
	} f[] = {
		{ "aarch64-linux-gnu", ".text", ".rela.text" },
		{ "arm64-apple-macos11", "__TEXT,__text", "__text" },
		{ "aarch64-pc-windows-msvc", ".text", ".text" },
	};
	char dir[] = "/tmp/objload-a64i-XXXXXX";

	if (!al_have_tools() || !mkdtemp(dir))
		return;
	for (size_t i = 0; i < 3; i++) {
		for (int o = 0; o < 2; o++) {
			/* objload: "reloc SEC OFF TYPE"; readobj: "OFF TYPE", the
			 * Mach-O ADDEND entries (folded into the next) dropped */
			int rc = tu_sh(
				"cd %s && clang --target=%s %s %s -c -o p.o %s/prog.c 2>/dev/null && "
				"%s info p.o | awk '$1==\"reloc\" && $2==\"%s\" {print tolower($3), $4}' | sort >a && "
				"llvm-readobj --relocations p.o | awk '/Section.*%s/ {on=1; next} /^  }/ {on=0} "
				"on && $0 !~ /RELOC_ADDEND/ {for (k=2;k<=NF;k++) if ($k ~ /^(R_AARCH64|ARM64_RELOC|IMAGE_REL)/) {print tolower($1), $k; break}}' | sort >b && "
				"test -s a && cmp -s a b",
				dir, f[i].target, o ? "-O2" : "-O0", AL_CFLAGS, AL_SRC, tu_objload_bin(),
				f[i].text, f[i].readobj_sec);

			if (rc) {
				fprintf(stderr, "\n%s: objload info and llvm-readobj disagree (%s/a, %s/b)\n",
					f[i].target, dir, dir);
				CU_FAIL("objload info and llvm-readobj --relocations disagree");
				return;
			}
		}
	}
	tu_rm_rf(dir);
}

int objload_test_register_aarch64_link(void)
{
	CU_pSuite s = CU_add_suite("aarch64_link", NULL, NULL);

	if (!s ||
	    !CU_add_test(s, "info lists what llvm-readobj lists", al_test_info) ||
	    !CU_add_test(s, "ELF arm64 links checked by llvm-objdump", al_test_elf) ||
	    !CU_add_test(s, "Mach-O arm64 links checked by llvm-objdump", al_test_macho) ||
	    !CU_add_test(s, "COFF arm64 links checked by llvm-objdump", al_test_coff) ||
	    !CU_add_test(s, "per-section links branch through veneers", al_test_far_sections))
		return -1;
	return 0;
}
