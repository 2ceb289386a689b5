/* SPDX-License-Identifier: MIT */
/*
 * Real runs of AArch64 code linked by objload: the freestanding programs
 * of tests/programs-aarch64/ compiled by clang as ELF, Mach-O and COFF
 * arm64 objects (-O0 and -O2), linked with `objload link --base` under
 * both strategies into a flat image, wrapped here into a minimal ELF
 * executable and run with qemu-aarch64.  The exit status and the output
 * are the program's own checks.
 *
 * The wrapper (objload_test_aarch64_wrap, shared with the aarch64_link
 * suite) writes an ELF64 header, two PT_LOAD program headers and a
 * section table: the image at its base, read-write-execute (qemu-user
 * does not care, and the image mixes code and data pages), and 8 bytes
 * of code at A64_TEST_FAR, 1 GiB away: `add w0, w0, #1; ret`, the
 * program's `far_inc`, which BL cannot reach, so the call goes through a
 * veneer.  Its sections (.image, .far) let llvm-objdump disassemble it.
 *
 * Without qemu-aarch64 or clang the tests fail, naming what is missing:
 * tools/install-deps.sh installs them.
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
#include <sys/stat.h>

#include "tests/tests.h"
#include "tests/util.h"

#define A64_SRC OBJLOAD_TEST_SRCDIR "/programs-aarch64"
#define A64_CFLAGS "-ffreestanding -fno-stack-protector -fno-builtin"

/* ---- The ELF wrapper ------------------------------------------------------ */

enum {
	A64_EHDR = 64, A64_PHDR = 56, A64_SHDR = 64,
	A64_IMAGE_OFF = 0x10000,       /* file offset of the image (64 KiB aligned) */
};

static const char a64_shstr[] = "\0.image\0.far\0.shstrtab";

int objload_test_aarch64_wrap(const char *image, uint64_t base, uint64_t entry,
			      const char *out)
{
	static const uint8_t far_code[8] = {
		0x00, 0x04, 0x00, 0x11,         /* add w0, w0, #1 */
		0xc0, 0x03, 0x5f, 0xd6,         /* ret */
	};
	uint8_t head[A64_EHDR + 2 * A64_PHDR];
	uint8_t sh[4 * A64_SHDR];
	FILE *in = fopen(image, "rb"), *f = NULL;
	uint64_t size, far_off, str_off, sh_off;
	int rc = -1;
	char buf[65536];
	size_t n;

	if (!in || fseek(in, 0, SEEK_END) || (long)(size = (uint64_t)ftell(in)) < 0 ||
	    fseek(in, 0, SEEK_SET) || (base & 0xffff))
		goto out;
	far_off = A64_IMAGE_OFF + ((size + 0xffff) & ~UINT64_C(0xffff));
	str_off = far_off + sizeof(far_code);
	sh_off = (str_off + sizeof(a64_shstr) + 7) & ~UINT64_C(7);

	memset(head, 0, sizeof(head));
	memcpy(head, "\177ELF\2\1\1", 7);               /* 64-bit, LE, current */
	tu_put_le(head + 16, 2, 2);                       /* ET_EXEC */
	tu_put_le(head + 18, 2, 183);                     /* EM_AARCH64 */
	tu_put_le(head + 20, 4, 1);
	tu_put_le(head + 24, 8, entry);
	tu_put_le(head + 32, 8, A64_EHDR);                /* e_phoff */
	tu_put_le(head + 40, 8, sh_off);                  /* e_shoff */
	tu_put_le(head + 52, 2, A64_EHDR);
	tu_put_le(head + 54, 2, A64_PHDR);
	tu_put_le(head + 56, 2, 2);
	tu_put_le(head + 58, 2, A64_SHDR);
	tu_put_le(head + 60, 2, 4);
	tu_put_le(head + 62, 2, 3);                       /* e_shstrndx */
	for (int i = 0; i < 2; i++) {
		uint8_t *ph = head + A64_EHDR + i * A64_PHDR;
		uint64_t off = i ? far_off : A64_IMAGE_OFF;
		uint64_t va = i ? A64_TEST_FAR : base;
		uint64_t sz = i ? sizeof(far_code) : size;

		tu_put_le(ph, 4, 1);                      /* PT_LOAD */
		tu_put_le(ph + 4, 4, i ? 5 : 7);          /* R-X / RWX */
		tu_put_le(ph + 8, 8, off);
		tu_put_le(ph + 16, 8, va);
		tu_put_le(ph + 24, 8, va);
		tu_put_le(ph + 32, 8, sz);
		tu_put_le(ph + 40, 8, sz);
		tu_put_le(ph + 48, 8, 0x10000);
	}
	memset(sh, 0, sizeof(sh));
	for (int i = 1; i <= 3; i++) {
		uint8_t *s = sh + i * A64_SHDR;
		static const unsigned name[4] = { 0, 1, 8, 13 };

		tu_put_le(s, 4, name[i]);
		tu_put_le(s + 4, 4, i == 3 ? 3 : 1);      /* STRTAB / PROGBITS */
		tu_put_le(s + 8, 8, i == 3 ? 0 : 6);      /* SHF_ALLOC | SHF_EXECINSTR */
		tu_put_le(s + 16, 8, i == 1 ? base : i == 2 ? A64_TEST_FAR : 0);
		tu_put_le(s + 24, 8, i == 1 ? A64_IMAGE_OFF : i == 2 ? far_off : str_off);
		tu_put_le(s + 32, 8, i == 1 ? size : i == 2 ? sizeof(far_code) :
			sizeof(a64_shstr));
		tu_put_le(s + 48, 8, i == 3 ? 1 : 4);
	}

	f = fopen(out, "wb");
	if (!f || fwrite(head, sizeof(head), 1, f) != 1 || fseek(f, A64_IMAGE_OFF, SEEK_SET))
		goto out;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, f) != n)
			goto out;
	if (fseek(f, (long)far_off, SEEK_SET) ||
	    fwrite(far_code, sizeof(far_code), 1, f) != 1 ||
	    fwrite(a64_shstr, sizeof(a64_shstr), 1, f) != 1 ||
	    fseek(f, (long)sh_off, SEEK_SET) || fwrite(sh, sizeof(sh), 1, f) != 1)
		goto out;
	rc = 0;
out:
	if (in)
		fclose(in);
	if (f && fclose(f))
		rc = -1;
	if (!rc && chmod(out, 0755))
		rc = -1;
	return rc;
}

/* The address of symbol `name` (or, failing that, `_name`) in a map
 * written by `objload link --map`, or UINT64_MAX. */
uint64_t objload_test_aarch64_map_symbol(const char *map, const char *name)
{
	FILE *f = fopen(map, "r");
	char line[1024], kind[32], sym[900];
	uint64_t addr, size, found = UINT64_MAX;

	if (!f)
		return UINT64_MAX;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%" SCNx64 " %" SCNu64 " %31s %899s", &addr, &size,
			   kind, sym) == 4 && strcmp(kind, "section") != 0 &&
		    (strcmp(sym, name) == 0 ||
		     (sym[0] == '_' && strcmp(sym + 1, name) == 0)))
			found = addr;
	fclose(f);
	return found;
}

static const struct {
	const char *fmt, *target;
} a64_formats[] = {
	{ "elf", "aarch64-linux-gnu" },
	{ "macho", "arm64-apple-macos11" },
	{ "coff", "aarch64-pc-windows-msvc" },
};

static int a64_have_tools(void)
{
	if (!tu_have_tool("qemu-aarch64")) {
		CU_FAIL("qemu-aarch64 is not installed (package qemu-user: tools/install-deps.sh)");
		fprintf(stderr, "\ne2e_aarch64: qemu-aarch64 is missing; run tools/install-deps.sh\n");
		return 0;
	}
	if (!tu_have_tool("clang")) {
		CU_FAIL("clang is not installed (tools/install-deps.sh)");
		return 0;
	}
	return 1;
}

int objload_test_aarch64_build(const char *dir, const char *target, const char *opts,
			       const char *strategy, const char *srcs, const char *ctx)
{
	char objs[2048] = "", src[64], path[1200];
	const char *p = srcs;

	while (sscanf(p, "%63s", src) == 1) {
		p = strstr(p, src) + strlen(src);
		snprintf(path, sizeof(path), "%s/%s.o", dir, src);
		if (!tu_sh_ok("clang --target=%s %s %s -c -o %s %s/%s.c", target, opts,
			      A64_CFLAGS, path, A64_SRC, src)) {
			fprintf(stderr, "\n%s: clang failed for %s\n", ctx, src);
			return -1;
		}
		strncat(objs, " ", sizeof(objs) - strlen(objs) - 1);
		strncat(objs, path, sizeof(objs) - strlen(objs) - 1);
	}
	if (!tu_sh_ok("%s link --base=0x%" PRIx64 " --strategy=%s --define=far_inc=0x%" PRIx64
		      " --define=marker=0x%" PRIx64 " --map=%s/map -o %s/img %s",
		      tu_objload_bin(), A64_TEST_BASE, strategy, A64_TEST_FAR, A64_TEST_MARKER,
		      dir, dir, objs)) {
		fprintf(stderr, "\n%s: objload link failed\n", ctx);
		return -1;
	}
	return 0;
}

/*
 * Compile `srcs` (space-separated names in tests/programs-aarch64/) for
 * format fi at `opt`, link them at 0x10000000 with `strategy`, wrap and
 * run; check the exit status and, if `expect_out`, stdout.
 */
static void a64_run(size_t fi, const char *opt, const char *strategy,
		    const char *srcs, int expect_rc, const char *expect_out)
{
	char dir[] = "/tmp/objload-a64-XXXXXX", ctx[256];
	char path[1200], map[1200], img[1200], exe[1200];
	uint64_t entry;
	int rc;
	char *out;

	snprintf(ctx, sizeof(ctx), "%s %s --strategy=%s [%s]", a64_formats[fi].fmt,
		 opt, strategy, srcs);
	if (!mkdtemp(dir)) {
		CU_FAIL("mkdtemp");
		return;
	}
	if (objload_test_aarch64_build(dir, a64_formats[fi].target, opt, strategy, srcs, ctx)) {
		CU_FAIL("clang or objload link failed");
		goto done;
	}
	snprintf(map, sizeof(map), "%s/map", dir);
	snprintf(img, sizeof(img), "%s/img", dir);
	snprintf(exe, sizeof(exe), "%s/exe", dir);
	entry = objload_test_aarch64_map_symbol(map, "_start");
	if (entry == UINT64_MAX ||
	    objload_test_aarch64_wrap(img, A64_TEST_BASE, entry, exe)) {
		fprintf(stderr, "\n%s: no _start in the map, or wrapping failed\n", ctx);
		CU_FAIL("wrap failed");
		goto done;
	}
	rc = tu_sh("timeout 20 qemu-aarch64 %s >%s/out 2>%s/err </dev/null", exe, dir, dir);
	out = tu_read_text(strcat(strcpy(path, dir), "/out"), NULL);
	if (rc != expect_rc || (expect_out && (!out || strcmp(out, expect_out) != 0))) {
		fprintf(stderr, "\n%s: exit %d (want %d), output \"%s\"\n", ctx, rc,
			expect_rc, out ? out : "(none)");
		CU_FAIL("wrong exit status or output under qemu-aarch64");
	} else {
		CU_PASS("ran");
	}
	free(out);
done:
	tu_rm_rf(dir);
}

static void a64_test_prog(void)
{
	static const char *const opts[] = { "-O0", "-O2" };
	static const char *const strategies[] = { "whole", "section" };

	if (!a64_have_tools())
		return;
	for (size_t fi = 0; fi < sizeof(a64_formats) / sizeof(a64_formats[0]); fi++)
		for (size_t o = 0; o < 2; o++)
			for (size_t s = 0; s < 2; s++)
				a64_run(fi, opts[o], strategies[s], "start prog lib",
					176, "aarch64 ok\n176\n");
}

/* Calls between two code sections 160 MiB apart: veneers under both
 * strategies (under whole, the zero-fill goes to the data segment, so
 * only the section strategy separates them). */
static void a64_test_far(void)
{
	if (!a64_have_tools())
		return;
	for (size_t fi = 0; fi < sizeof(a64_formats) / sizeof(a64_formats[0]); fi++) {
		a64_run(fi, "-O2", "section", "start farmain fara fargap farb", 7, NULL);
		a64_run(fi, "-O2", "whole", "start farmain fara fargap farb", 7, NULL);
	}
}

int objload_test_register_e2e_aarch64(void)
{
	CU_pSuite s = CU_add_suite("e2e_aarch64", NULL, NULL);

	if (!s ||
	    !CU_add_test(s, "ELF, Mach-O and COFF arm64 programs under qemu", a64_test_prog) ||
	    !CU_add_test(s, "far calls through veneers under qemu", a64_test_far))
		return -1;
	return 0;
}
