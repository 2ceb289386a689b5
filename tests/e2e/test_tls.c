/* SPDX-License-Identifier: MIT */
/*
 * Thread-local storage and IFUNCs (docs/tls.md), end to end: the
 * programs of tests/programs-tls/ built by real compilers and run with
 * `objload run` under --strategy=whole and --strategy=section, compared
 * with the native build of the same sources (stdout and exit status).
 *
 *   - ELF: a __thread int and a 64-element _Thread_local array with
 *     initialisers, defined in tlsdef.c and used from tlsuse.c by four
 *     threads incrementing 1000 times: gcc and clang, -O0/-O2, PIC (general
 *     and local dynamic), non-PIC and PIE (initial and local exec, which
 *     objload rewrites), gcc's TLS descriptors, the large code model;
 *   - forms.S: the instruction forms the rewriting must handle (prefixes,
 *     an index, immediates, SSE/VEX, implicit registers, flags, the red
 *     zone, a vector argument across a thread's first access), assembled
 *     by GNU as and by clang, and the trampolines checked against
 *     llvm-mc's disassembly;
 *   - Mach-O (__thread_vars, objload's _tlv_bootstrap), COFF emulated TLS
 *     (MinGW gcc; clang -femulated-tls), and Microsoft's implicit TLS,
 *     refused with its reason;
 *   - IFUNCs with __builtin_cpu_supports, gcc and clang, PIC and not;
 *   - linked for an address (AArch64 and x86-64): local-exec immediates,
 *     the initial-exec slots and the TLS descriptors hold the static
 *     layout's values; AArch64's descriptor resolver and IFUNC stub read
 *     back by llvm-mc;
 *   - errors: accesses objload cannot rewrite, general dynamic or IFUNCs
 *     in an image linked for an address, a thread-local reference to
 *     something that is not a loaded thread-local variable,
 *     R_X86_64_IRELATIVE;
 *   - the library: objload_lookup gives each thread its own copy, two
 *     sessions keep separate copies, a thread that touched the session's
 *     TLS may exit after the session is freed.
 *
 * Missing compilers fail the tests (tools/install-deps.sh installs them).
 */
#define _GNU_SOURCE
#include <CUnit/Basic.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objload.h"
#include "objload/plugin.h"
#include "arch/arch.h"
#include "tests/tests.h"
#include "tests/util.h"

#define TLS_SRC OBJLOAD_TEST_SRCDIR "/programs-tls"
#define TLS_SDK OBJLOAD_TEST_SRCDIR "/unit/macho-src/sdk"
#define TLS_MINGW_INC "/usr/x86_64-w64-mingw32/include"

TU_SUITE_TMPDIR(tls_tmp, "tls", tls_suite_init, tls_suite_clean)

#define TLS_CHECK(ok, ...) tu_check_at("tls", __FILE__, __LINE__, (ok), __VA_ARGS__)
#define TLS_SH(fmt, ...) tu_sh("cd %s && " fmt, tls_tmp, ##__VA_ARGS__)

static int tls_have(const char *tool)
{
	if (tu_have_tool(tool))
		return 1;
	fprintf(stderr, "\n%s is missing (tools/install-deps.sh installs it)\n", tool);
	CU_FAIL("a tool the test needs is missing");
	return 0;
}

/*
 * Compile `srcs` (paths, each to DIR/NAME.o) with `cc`, link the native
 * reference with `native` (a command making DIR/native), then compare
 * `objload run --strategy=S OPTS *.o` with it under both strategies.
 */
static void tls_compare(const char *dir, const char *cc, const char *srcs,
			const char *native, const char *opts)
{
	static const char *const strategies[] = { "whole", "section" };

	if (TLS_SH("rm -rf %s && mkdir -p %s && cd %s && for f in %s; do %s -c $f -o "
		   "$(basename $f).o >>build.log 2>&1 || exit 1; done && %s >>build.log 2>&1 && "
		   "{ ./native >native.out 2>/dev/null; echo $? >native.rc; }",
		   dir, dir, dir, srcs, cc, native) != 0) {
		TLS_CHECK(0, "%s: build failed (%s/%s/build.log)", dir, tls_tmp, dir);
		return;
	}
	for (int s = 0; s < 2; s++) {
		int same = TLS_SH("cd %s && { timeout 60 %s run --strategy=%s %s *.o >%s.out "
				  "2>%s.err; echo $? >%s.rc; } && cmp -s native.out %s.out && "
				  "cmp -s native.rc %s.rc", dir, OBJLOAD_BIN, strategies[s], opts,
				  strategies[s], strategies[s], strategies[s], strategies[s],
				  strategies[s]);

		if (same != 0)
			TLS_SH("cd %s && diff native.out %s.out | head -5 >&2; head -3 %s.err >&2; "
			       "cat native.rc %s.rc >&2", dir, strategies[s], strategies[s],
			       strategies[s]);
		TLS_CHECK(same == 0, "%s --strategy=%s: the same output and status as native "
			  "(%s/%s)", dir, strategies[s], tls_tmp, dir);
	}
}

/* Write text to DIR/NAME in the suite's directory; 0 on success. */
static int tls_write(const char *name, const char *text)
{
	char *path = tu_fmt("%s/%s", tls_tmp, name);
	int rc = tu_write_text(path, text);

	free(path);
	return rc;
}

/* The stdout of a formatted shell command (to free), or NULL. */
static char *tls_capture(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *tls_capture(const char *fmt, ...)
{
	va_list ap;
	char cmd[4096], *out;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	out = tu_capture(cmd, NULL);
	return out;
}

/* `objload ARGS` in DIR: exit status 1 and every string of `want` in its
 * stderr. */
static void tls_refused(const char *dir, const char *args, const char *const want[], size_t n)
{
	char *err;
	int rc = TLS_SH("cd %s && %s %s >refused.out 2>refused.err", dir, OBJLOAD_BIN, args);
	char *path = tu_fmt("%s/%s/refused.err", tls_tmp, dir);

	err = tu_read_output(path);
	TLS_CHECK(rc == 1, "%s: objload %s exits 1 (got %d): %s", dir, args, rc, err);
	for (size_t i = 0; i < n; i++)
		TLS_CHECK(strstr(err, want[i]) != NULL, "%s: the message names \"%s\": %s",
			  dir, want[i], err);
	free(err);
	free(path);
}

/* ---- ELF ------------------------------------------------------------------ */

/* A compiler, its flags, and whether the native link needs -no-pie. */
struct tls_build {
	const char *cc, *flags;
	int no_pie;
};

/* Each build of `srcs` compared with native, in directories TAG0, TAG1... */
static void tls_compare_builds(const char *tag, const struct tls_build *builds, size_t n,
			       const char *srcs)
{
	if (!tls_have("gcc") || !tls_have("clang"))
		return;
	for (size_t b = 0; b < n; b++) {
		char dir[32], cc[128], native[128];

		snprintf(dir, sizeof(dir), "%s%zu", tag, b);
		snprintf(cc, sizeof(cc), "%s %s", builds[b].cc, builds[b].flags);
		snprintf(native, sizeof(native), "%s -pthread %s *.o -o native", builds[b].cc,
			 builds[b].no_pie ? "-no-pie" : "");
		tls_compare(dir, cc, srcs, native, "");
	}
}

static void test_elf(void)
{
	static const struct tls_build builds[] = {
		{ "gcc", "-O0", 0 }, { "gcc", "-O2", 0 },
		{ "gcc", "-O0 -fPIC", 0 }, { "gcc", "-O2 -fPIC", 0 },
		{ "gcc", "-O0 -fno-pic", 1 }, { "gcc", "-O2 -fno-pic", 1 },
		{ "gcc", "-O0 -fPIC -mtls-dialect=gnu2", 0 }, { "gcc", "-O2 -fPIC -mtls-dialect=gnu2", 0 },
		{ "gcc", "-O0 -mcmodel=large", 0 },
		{ "clang", "-O0", 0 }, { "clang", "-O2", 0 },
		{ "clang", "-O0 -fPIC", 0 }, { "clang", "-O2 -fPIC", 0 },
		{ "clang", "-O0 -fno-pic", 1 }, { "clang", "-O2 -fno-pic", 1 },
		{ "clang", "-O0 -mcmodel=large", 0 },
	};

	tls_compare_builds("elf", builds, TU_COUNT(builds),
			   TLS_SRC "/tlsdef.c " TLS_SRC "/tlsuse.c");
}

/* `srcs` built by each compiler command of ccs[0, n) in TAG0, TAG1...,
 * against one native build. */
static void tls_compare_each(const char *tag, const char *const ccs[], size_t n,
			     const char *srcs, const char *native)
{
	for (size_t c = 0; c < n; c++) {
		char dir[32];

		snprintf(dir, sizeof(dir), "%s%zu", tag, c);
		tls_compare(dir, ccs[c], srcs, native, "");
	}
}

static void test_forms(void)
{
	static const char *const ccs[] = { "gcc -O0", "gcc -O2", "clang -O0", "clang -O2" };

	if (tls_have("gcc") && tls_have("clang"))
		tls_compare_each("forms", ccs, TU_COUNT(ccs),
				 TLS_SRC "/forms.S " TLS_SRC "/formsmain.c",
				 "gcc -pthread *.o -o native");
}

/*
 * Each rewritten access of forms.S, checked against llvm-mc: the jump
 * replaces exactly one instruction as llvm-objdump decodes the object,
 * and the trampoline disassembles into the resolver call, the same
 * instruction (same mnemonic) and a jmp back.
 */
static void test_forms_trampolines(void)
{
	const arch_ops *a = arch_lookup(OBJLOAD_ARCH_X86_64);
	objload_session *s;
	const objload_image *img;
	char obj[256];
	size_t checked = 0;

	if (!tls_have("llvm-mc") || !tls_have("llvm-objdump") ||
	    !TLS_CHECK(TLS_SH("gcc -c %s/forms.S -o tramp-forms.o", TLS_SRC) == 0,
		       "forms.S assembles"))
		return;
	snprintf(obj, sizeof(obj), "%s/tramp-forms.o", tls_tmp);
	if (!TLS_CHECK(objload_session_new(&s) == OBJLOAD_OK && objload_add_file(s, obj) ==
		       OBJLOAD_OK, "the object loads"))
		return;
	img = objload_get_image(s, 0);
	for (size_t e = 0; e < img->nedges; e++) {
		const objload_edge *ed = &img->edges[e];
		const objload_section *sec = &img->sections[ed->section];
		unsigned flags = a->kinds[ed->kind].flags;
		uint8_t tramp[256];
		arch_tls_site site;
		char err[256], hex[512], *insn, *code, *want;
		size_t k = 0;

		if (!(flags & OBJLOAD_KF_TLS) || !(flags & OBJLOAD_KF_TPREL))
			continue;
		TLS_CHECK(a->tls_tramp_size <= sizeof(tramp), "trampoline buffer");
		if (a->tls_rewrite(ed->kind, sec->bytes, sec->size, ed->offset, ed->addend, tramp,
				   &site, err, sizeof(err)) != OBJLOAD_OK) {
			TLS_CHECK(0, "offset 0x%" PRIx64 ": rewritten: %s", ed->offset, err);
			continue;
		}
		/* the instruction llvm-objdump sees at site.start ends at site.end */
		want = tls_capture("cd %s && llvm-objdump -d --no-show-raw-insn "
				   "tramp-forms.o | grep -E '^ *%" PRIx64 ":' | head -1 | "
				   "awk '{print $2}'", tls_tmp, site.start);
		insn = tls_capture("cd %s && llvm-objdump -d --no-show-raw-insn "
				   "tramp-forms.o | grep -cE '^ *%" PRIx64 ":'", tls_tmp, site.end);
		TLS_CHECK(want && want[0] && insn && atoi(insn) == 1,
			  "offset 0x%" PRIx64 ": [0x%" PRIx64 ", 0x%" PRIx64 ") is one instruction",
			  ed->offset, site.start, site.end);
		for (unsigned i = 0; i < site.desc && k + 6 < sizeof(hex); i++)
			k += (size_t)snprintf(hex + k, sizeof(hex) - k, "0x%02x ", tramp[i]);
		code = tls_capture("echo '%s' | llvm-mc --disassemble -triple=x86_64 2>&1", hex);
		if (want)
			want[strcspn(want, "\n")] = 0;
		TLS_CHECK(code && strstr(code, "callq\t*(%rax)") && strstr(code, "jmp") &&
			  want && strstr(code, want) && !strstr(code, "warning"),
			  "offset 0x%" PRIx64 ": the trampoline calls the resolver, does %s and "
			  "jumps back:\n%s", ed->offset, want ? want : "?", code ? code : "");
		checked++;
		free(want);
		free(insn);
		free(code);
	}
	TLS_CHECK(checked >= 20, "every access of forms.S checked (%zu)", checked);
	objload_session_free(s);
}

/* ---- Mach-O and COFF ---------------------------------------------------- */

static void test_macho(void)
{
	static const char *const opts[] = { "-O0", "-O2" };

	if (!tls_have("clang") || !tls_have("gcc"))
		return;
	for (size_t o = 0; o < TU_COUNT(opts); o++) {
		char dir[32], cc[256];

		snprintf(dir, sizeof(dir), "macho%zu", o);
		snprintf(cc, sizeof(cc), "clang --target=x86_64-apple-macos11 -nostdlibinc -isystem "
			 TLS_SDK " %s", opts[o]);
		tls_compare(dir, cc, TLS_SRC "/tlsdef.c " TLS_SRC "/tlsuse.c",
			    "gcc -pthread " TLS_SRC "/tlsdef.c " TLS_SRC "/tlsuse.c -o native", "");
	}
}

static void test_coff_emulated(void)
{
	static const char *const ccs[] = {
		"x86_64-w64-mingw32-gcc -O0", "x86_64-w64-mingw32-gcc -O2",
		"clang --target=x86_64-w64-mingw32 -femulated-tls -isystem " TLS_MINGW_INC " -O0",
		"clang --target=x86_64-w64-mingw32 -femulated-tls -isystem " TLS_MINGW_INC " -O2",
	};

	if (tls_have("x86_64-w64-mingw32-gcc") && tls_have("clang"))
		tls_compare_each("coff", ccs, TU_COUNT(ccs), TLS_SRC "/tlsdef.c " TLS_SRC "/tlsuse.c",
				 "gcc -pthread " TLS_SRC "/tlsdef.c " TLS_SRC "/tlsuse.c -o native");
}

static void test_coff_implicit_refused(void)
{
	static const char *const targets[] = { "x86_64-pc-windows-msvc", "x86_64-w64-mingw32" };
	static const char *const want[] = { "tlsdef.o", "_tls_index", "gs:[0x58]",
					    "-femulated-tls" };

	if (!tls_have("clang"))
		return;
	for (size_t t = 0; t < TU_COUNT(targets); t++) {
		char dir[32];

		snprintf(dir, sizeof(dir), "msvc%zu", t);
		if (!TLS_CHECK(TLS_SH("mkdir -p %s && clang --target=%s -O2 -c %s/tlsdef.c -o "
				      "%s/tlsdef.o", dir, targets[t], TLS_SRC, dir) == 0,
			       "clang --target=%s compiles", targets[t]))
			continue;
		tls_refused(dir, "run tlsdef.o", want, TU_COUNT(want));
	}
}

/* ---- IFUNC ------------------------------------------------------------------ */

static void test_ifunc(void)
{
	static const struct tls_build builds[] = {
		{ "gcc", "-O0", 0 }, { "gcc", "-O2 -fPIC", 0 }, { "gcc", "-O2 -fno-pic", 1 },
		{ "clang", "-O0", 0 }, { "clang", "-O2 -fPIC", 0 }, { "clang", "-O2 -fno-pic", 1 },
	};

	tls_compare_builds("ifunc", builds, TU_COUNT(builds),
			   TLS_SRC "/ifunc.c " TLS_SRC "/ifuncuse.c");
}

/* ---- AArch64, linked for an address ------------------------------------------ */

/* The flat image of a link at `base`, `len` bytes. */
struct tls_flat {
	const uint8_t *bytes;
	uint64_t base;
	size_t len;
};

/* A little-endian word of the image; 0 outside it (a check fails then). */
static uint32_t tls_word(const struct tls_flat *f, uint64_t at)
{
	const uint8_t *p;

	if (!TLS_CHECK(at >= f->base && at - f->base <= f->len - 4,
		       "address 0x%" PRIx64 " is inside the image", at))
		return 0;
	p = f->bytes + (at - f->base);
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t tls_quad(const struct tls_flat *f, uint64_t at)
{
	return (uint64_t)tls_word(f, at) | (uint64_t)tls_word(f, at + 4) << 32;
}

/* The page an ADRP of image edge list `img` loads for symbol `sym` into
 * register `reg` (the ADRP with that relocation type and destination). */
static int a64_page_of(const struct tls_flat *f, const objload_image *img,
		       const uint64_t *sec_target, uint32_t sym, const char *page_type,
		       unsigned reg, uint64_t *page);

/* ADRP's page, the 12-bit immediate of an ADD or an LDR (scaled by 8). */
static uint64_t a64_adrp(uint32_t insn, uint64_t at)
{
	int64_t imm = (int64_t)((((insn >> 5) & 0x7ffff) << 2) | ((insn >> 29) & 3));

	imm = imm << 43 >> 43;   /* sign-extend 21 bits */
	return (at & ~UINT64_C(0xfff)) + (uint64_t)(imm * 4096);
}

/* Where the sections of images 0 and 1 of a link went (the first 64). */
static void tls_section_targets(const objload_session *s, uint64_t target[2][64])
{
	for (size_t p = 0; p < objload_piece_count(s); p++) {
		const objload_image *img;
		objload_piece_info pi;

		if (objload_get_piece(s, p, &pi) || pi.kind != OBJLOAD_PIECE_SECTION || pi.image > 1)
			continue;
		img = objload_get_image(s, pi.image);
		for (uint32_t j = 0; j < img->nsections && j < 64; j++)
			if (strcmp(img->sections[j].name, pi.name) == 0)
				target[pi.image][j] = pi.target;
	}
}

static uint64_t a64_imm12(uint32_t insn)
{
	return (insn >> 10) & 0xfff;
}

static int a64_page_of(const struct tls_flat *f, const objload_image *img,
		       const uint64_t *sec_target, uint32_t sym, const char *page_type,
		       unsigned reg, uint64_t *page)
{
	for (size_t e = 0; e < img->nedges; e++) {
		const objload_edge *ed = &img->edges[e];
		uint64_t at = sec_target[ed->section] + ed->offset;
		uint32_t insn;

		if (ed->symbol != sym ||
		    strcmp(img->format->reloc_name(img, ed->native_type), page_type) != 0)
			continue;
		insn = tls_word(f, at);
		if ((insn & 31) == reg) {
			*page = a64_adrp(insn, at);
			return 1;
		}
	}
	return 0;
}

/*
 * tlsdef.c and a user, compiled by clang for aarch64-linux-gnu with the
 * default model (local exec in tlsdef.o, initial exec in the user) and
 * with -fPIC (TLS descriptors), linked for 0x40000000: each access holds
 * the variable's offset from TPIDR_EL0 in AArch64's static layout (a
 * 16-byte TCB, then the template: .tdata, then .tbss aligned), computed
 * here from the object's sections and symbols.
 */
static void test_aarch64_link(void)
{
	static const char *const opts[] = { "-O2", "-O0 -fPIC", "-O2 -fPIC" };
	static const char use_src[] =
		"#include \"tls.h\"\n"
		"int use(int i) { counter++; table[i & 63] += 2; zeroed[1] += 3;\n"
		"  return counter + table[5] + (int)zeroed[1] + bump_local(i); }\n";
	const uint64_t base = 0x40000000;

	if (!tls_have("clang") ||
	    !TLS_CHECK(tls_write("a64use.c", use_src) == 0, "source"))
		return;
	for (size_t o = 0; o < TU_COUNT(opts); o++) {
		objload_session *s;
		const void *flat;
		size_t len, checked = 0;
		char def[256], use[256];
		uint64_t tdata_size = 0, tbss_align = 1, sec_target[2][64] = { { 0 } };
		struct tls_flat fl;

		if (!TLS_CHECK(TLS_SH("clang --target=aarch64-linux-gnu -ffreestanding %s -c "
				      "%s/tlsdef.c -o a64def.o && clang --target=aarch64-linux-gnu "
				      "-ffreestanding -I%s %s -c a64use.c -o a64use.o", opts[o],
				      TLS_SRC, TLS_SRC, opts[o]) == 0, "clang %s builds", opts[o]))
			continue;
		snprintf(def, sizeof(def), "%s/a64def.o", tls_tmp);
		snprintf(use, sizeof(use), "%s/a64use.o", tls_tmp);
		if (!TLS_CHECK(objload_session_new(&s) == OBJLOAD_OK &&
			       objload_add_file(s, def) == OBJLOAD_OK &&
			       objload_add_file(s, use) == OBJLOAD_OK &&
			       objload_link_at(s, base) == OBJLOAD_OK &&
			       objload_get_flat_image(s, &flat, &len) == OBJLOAD_OK,
			       "%s: objload_link_at: %s", opts[o], objload_errmsg(s))) {
			objload_session_free(s);
			continue;
		}
		fl = (struct tls_flat){ .bytes = flat, .base = base, .len = len };
		tls_section_targets(s, sec_target);
		{
			const objload_image *d = objload_get_image(s, 0);

			for (uint32_t j = 0; j < d->nsections; j++) {
				if (strcmp(d->sections[j].name, ".tdata") == 0)
					tdata_size = d->sections[j].size;
				if (strcmp(d->sections[j].name, ".tbss") == 0)
					tbss_align = d->sections[j].align;
			}
		}
		for (size_t i = 0; i < 2; i++) {
			const objload_image *img = objload_get_image(s, i);
			const objload_image *d = objload_get_image(s, 0);

			for (size_t e = 0; e < img->nedges; e++) {
				const objload_edge *ed = &img->edges[e];
				const char *type = img->format->reloc_name(img, ed->native_type);
				const objload_symbol *sym = &img->symbols[ed->symbol];
				uint64_t P = sec_target[i][ed->section] + ed->offset, tp = 0, off;
				uint32_t insn;
				int found = 0;

				if (strncmp(type, "R_AARCH64_TLS", 13) != 0 ||
				    strcmp(type, "R_AARCH64_TLSDESC_CALL") == 0)
					continue;
				/* the variable's definition in tlsdef.o */
				for (uint32_t k = 0; k < d->nsymbols && !found; k++) {
					const objload_symbol *ds = &d->symbols[k];

					if (ds->def != OBJLOAD_DEF_SECTION ||
					    strcmp(ds->name, sym->name) != 0)
						continue;
					off = strcmp(d->sections[ds->section].name, ".tbss") == 0 ?
						((tdata_size + tbss_align - 1) & ~(tbss_align - 1)) : 0;
					tp = 16 + off + ds->value + (uint64_t)ed->addend;
					found = 1;
				}
				if (!TLS_CHECK(found, "%s %s: '%s' defined in tlsdef.o", opts[o], type,
					       sym->name))
					continue;
				insn = tls_word(&fl, P);
				if (strcmp(type, "R_AARCH64_TLSLE_ADD_TPREL_HI12") == 0)
					TLS_CHECK(a64_imm12(insn) == (tp >> 12 & 0xfff) && (insn >> 22 & 1),
						  "%s: %s '%s': ADD #0x%" PRIx64 ", lsl 12", opts[o], type,
						  sym->name, tp >> 12);
				else if (strcmp(type, "R_AARCH64_TLSLE_ADD_TPREL_LO12_NC") == 0)
					TLS_CHECK(a64_imm12(insn) == (tp & 0xfff), "%s: %s '%s': ADD #0x%"
						  PRIx64, opts[o], type, sym->name, tp & 0xfff);
				else if (strcmp(type, "R_AARCH64_TLSIE_LD64_GOTTPREL_LO12_NC") == 0 ||
					 strcmp(type, "R_AARCH64_TLSDESC_LD64_LO12") == 0 ||
					 strcmp(type, "R_AARCH64_TLSDESC_ADD_LO12") == 0) {
					/* the slot: the page the paired ADRP loads, plus the
					 * LDR's scaled (or the ADD's) offset */
					int desc = strstr(type, "TLSDESC") != NULL;
					int add = strstr(type, "ADD") != NULL;
					uint64_t page = 0, slot, v;

					if (!TLS_CHECK(a64_page_of(&fl, img, sec_target[i], ed->symbol,
								   desc ? "R_AARCH64_TLSDESC_ADR_PAGE21" :
								   "R_AARCH64_TLSIE_ADR_GOTTPREL_PAGE21",
								   (insn >> 5) & 31, &page),
						       "%s: %s '%s': its ADRP", opts[o], type, sym->name))
						continue;
					slot = page + (add ? 1 : 8) * a64_imm12(insn);
					v = tls_quad(&fl, slot + (desc ? 8 : 0));
					TLS_CHECK(v == tp, "%s: %s '%s': the %s holds 0x%" PRIx64
						  " (want 0x%" PRIx64 ")", opts[o], type, sym->name,
						  desc ? "descriptor" : "slot", v, tp);
					if (desc) {
						uint64_t fn = tls_quad(&fl, slot);

						TLS_CHECK(tls_word(&fl, fn) == 0xf9400400 &&
							  tls_word(&fl, fn + 4) == 0xd65f03c0,
							  "%s: the descriptor's resolver is ldr x0, [x0, #8]; ret",
							  opts[o]);
					}
				} else {
					continue;   /* the ADRPs: checked through their pairs */
				}
				checked++;
			}
		}
		TLS_CHECK(checked >= 6, "%s: accesses checked (%zu)", opts[o], checked);
		objload_session_free(s);
	}
}

/*
 * x86-64 linked for an address: the static layout puts the template just
 * below the thread pointer, so a variable's TP offset is T - roundup(size,
 * align).  Every local-exec field holds it (plus its addend) and every
 * initial-exec GOT slot the instruction reads holds it.
 */
static void test_x86_64_link(void)
{
	const uint64_t base = 0x400000;
	objload_session *s;
	const objload_image *d;
	const void *flat;
	size_t len, checked = 0;
	uint64_t sec_target[2][64] = { { 0 } }, tbss_off = 0, size = 0, align = 1;
	char def[256], use[256];
	struct tls_flat fl;

	if (!tls_have("gcc") ||
	    !TLS_CHECK(TLS_SH("gcc -O2 -fno-pic -c %s/tlsdef.c -o x86def.o && gcc -O2 -fno-pic -c "
			      "%s/tlsuse.c -o x86use.o", TLS_SRC, TLS_SRC) == 0, "gcc compiles"))
		return;
	snprintf(def, sizeof(def), "%s/x86def.o", tls_tmp);
	snprintf(use, sizeof(use), "%s/x86use.o", tls_tmp);
	if (!TLS_CHECK(objload_session_new(&s) == OBJLOAD_OK && objload_add_file(s, def) == OBJLOAD_OK &&
		       objload_add_file(s, use) == OBJLOAD_OK &&
		       objload_define(s, "pthread_create", 0x1000) == OBJLOAD_OK &&
		       objload_define(s, "pthread_join", 0x1010) == OBJLOAD_OK &&
		       objload_define(s, "printf", 0x1020) == OBJLOAD_OK &&
		       objload_link_at(s, base) == OBJLOAD_OK &&
		       objload_get_flat_image(s, &flat, &len) == OBJLOAD_OK,
		       "objload_link_at: %s", objload_errmsg(s))) {
		objload_session_free(s);
		return;
	}
	fl = (struct tls_flat){ .bytes = flat, .base = base, .len = len };
	tls_section_targets(s, sec_target);
	d = objload_get_image(s, 0);
	for (uint32_t j = 0; j < d->nsections; j++)
		if (strcmp(d->sections[j].name, ".tdata") == 0) {
			tbss_off = d->sections[j].size;
			size += d->sections[j].size;
			align = d->sections[j].align > align ? d->sections[j].align : align;
		}
	for (uint32_t j = 0; j < d->nsections; j++)
		if (strcmp(d->sections[j].name, ".tbss") == 0) {
			align = d->sections[j].align > align ? d->sections[j].align : align;
			tbss_off = (tbss_off + d->sections[j].align - 1) & ~(d->sections[j].align - 1);
			size = tbss_off + d->sections[j].size;
		}
	size = (size + align - 1) & ~(align - 1);
	for (size_t i = 0; i < 2; i++) {
		const objload_image *img = objload_get_image(s, i);

		for (size_t e = 0; e < img->nedges; e++) {
			const objload_edge *ed = &img->edges[e];
			const char *type = img->format->reloc_name(img, ed->native_type);
			const objload_symbol *sym = &img->symbols[ed->symbol];
			uint64_t P = sec_target[i][ed->section] + ed->offset, tp = 0;
			int found = 0, ie = strcmp(type, "R_X86_64_GOTTPOFF") == 0;

			if (!ie && strcmp(type, "R_X86_64_TPOFF32") != 0)
				continue;
			for (uint32_t k = 0; k < d->nsymbols && !found; k++) {
				const objload_symbol *ds = &d->symbols[k];

				if (ds->def != OBJLOAD_DEF_SECTION || strcmp(ds->name, sym->name) != 0)
					continue;
				tp = (strcmp(d->sections[ds->section].name, ".tbss") == 0 ? tbss_off : 0) +
				     ds->value - size + (ie ? 0 : (uint64_t)ed->addend);
				found = 1;
			}
			if (!TLS_CHECK(found, "%s: '%s' defined in tlsdef.o", type, sym->name))
				continue;
			if (ie) {
				/* the mov's displacement: slot - (P + 4) */
				uint64_t slot = P + 4 + (uint64_t)(int64_t)(int32_t)tls_word(&fl, P);

				TLS_CHECK(tls_quad(&fl, slot) == tp, "%s '%s': the slot holds 0x%" PRIx64
					  " (want 0x%" PRIx64 ")", type, sym->name, tls_quad(&fl, slot), tp);
			} else {
				TLS_CHECK((uint32_t)tls_word(&fl, P) == (uint32_t)tp, "%s '%s': the field "
					  "holds 0x%" PRIx32 " (want 0x%" PRIx32 ")", type, sym->name,
					  tls_word(&fl, P), (uint32_t)tp);
			}
			checked++;
		}
	}
	TLS_CHECK(checked >= 8, "accesses checked (%zu)", checked);
	objload_session_free(s);
}

/*
 * The AArch64 code objload writes for TLS and IFUNCs, read back by
 * llvm-mc: the static descriptor resolver returns the descriptor's second
 * word; the IFUNC stub loads its slot's address from its literal and
 * branches through the slot.
 */
static void test_aarch64_templates(void)
{
	const arch_ops *a = arch_lookup(OBJLOAD_ARCH_AARCH64);
	uint8_t code[64];
	arch_code c;
	arch_plt plt;
	char hex[512], *dis;
	size_t k = 0;

	if (!tls_have("llvm-mc"))
		return;
	a->tls_static_desc(code, &c);
	for (unsigned i = 0; i < c.size; i++)
		k += (size_t)snprintf(hex + k, sizeof(hex) - k, "0x%02x ", code[i]);
	dis = tls_capture("echo '%s' | llvm-mc --disassemble -triple=aarch64 2>&1", hex);
	TLS_CHECK(dis && strstr(dis, "ldr\tx0, [x0, #8]") && strstr(dis, "ret"),
		  "the static descriptor resolver: %s", dis ? dis : "");
	free(dis);
	memset(code, 0, sizeof(code));
	a->plt(code, &plt);
	TLS_CHECK(plt.nfields == 1 && plt.field[0].kind == a->pointer_kind &&
		  plt.field[0].offset == 16, "the IFUNC stub's slot address is one pointer field");
	k = 0;
	for (unsigned i = 0; i < 16; i++)
		k += (size_t)snprintf(hex + k, sizeof(hex) - k, "0x%02x ", code[i]);
	dis = tls_capture("echo '%s' | llvm-mc --disassemble -triple=aarch64 2>&1", hex);
	TLS_CHECK(dis && strstr(dis, "ldr\tx16, #16") && strstr(dis, "ldr\tx17, [x16]") &&
		  strstr(dis, "br\tx17"), "the IFUNC stub: %s", dis ? dis : "");
	free(dis);
}

/* ---- errors ------------------------------------------------------------------- */

static void test_errors(void)
{
	static const char push_src[] =
		"\t.section .tbss,\"awT\",@nobits\n\t.globl v\nv:\t.zero 8\n"
		"\t.text\n\t.globl main\nmain:\tpushq %fs:v@tpoff\n\tpopq %rax\n\txorl %eax, %eax\n\tret\n";
	static const char irel_src[] =
		"\t.text\n\t.globl main\n\t.type resolver, @function\nresolver:\tret\n"
		"main:\txorl %eax, %eax\n\tret\n\t.data\np:\t.reloc ., R_X86_64_IRELATIVE, resolver\n"
		"\t.quad 0\n";
	static const char *const w_segrefs[] = { "tlsdef.o", "R_X86_64_TPOFF32",
						 "-mno-tls-direct-seg-refs", "-fPIC" };
	static const char *const w_push[] = { "push.o", "R_X86_64_TPOFF32",
					      "not one objload redirects" };
	static const char *const w_gd[] = { "tlsuse.o", "R_X86_64_TLSGD", "__tls_get_addr",
					    "initial-exec" };
	static const char *const w_ifunc[] = { "ifunc.o", "IFUNC '", "resolver must run" };
	static const char *const w_define[] = { "tlsuse.o", "'counter'",
						"not a thread-local variable of the loaded images" };
	static const char *const w_irel[] = { "irel.o", "R_X86_64_IRELATIVE" };

	if (!tls_have("gcc") || !tls_have("llvm-mc"))
		return;
	if (!TLS_CHECK(TLS_SH("mkdir -p err && cd err && "
			      "gcc -O2 -mno-tls-direct-seg-refs -c %s/tlsdef.c -o tlsdef.o && "
			      "gcc -O2 -c %s/tlsuse.c -o tlsuse-ie.o && "
			      "gcc -O2 -fPIC -c %s/tlsuse.c -o tlsuse.o && gcc -O2 -c %s/ifunc.c -o ifunc.o",
			      TLS_SRC, TLS_SRC, TLS_SRC, TLS_SRC) == 0, "the sources compile") ||
	    !TLS_CHECK(tls_write("err/push.s", push_src) == 0 &&
		       tls_write("err/irel.s", irel_src) == 0 &&
		       TLS_SH("cd err && llvm-mc -filetype=obj -triple=x86_64-linux-gnu push.s -o push.o && "
			      "llvm-mc -filetype=obj -triple=x86_64-linux-gnu irel.s -o irel.o") == 0,
		       "the assembly sources assemble"))
		return;
	/* accesses objload cannot rewrite */
	tls_refused("err", "run tlsdef.o tlsuse-ie.o", w_segrefs, TU_COUNT(w_segrefs));
	tls_refused("err", "run push.o", w_push, TU_COUNT(w_push));
	/* an image linked for another address has no __tls_get_addr, and no
	 * one to run an IFUNC's resolver */
	tls_refused("err", "link --base=0x40000000 -o x.bin tlsuse.o", w_gd, TU_COUNT(w_gd));
	tls_refused("err", "link --base=0x40000000 -o x.bin --define __cpu_model=0x1000 "
		    "--define __cpu_indicator_init=0x2000 ifunc.o", w_ifunc, TU_COUNT(w_ifunc));
	/* a thread-local reference to something else */
	tls_refused("err", "run --define counter=0x1000 --define table=0x2000 --define "
		    "zeroed=0x3000 --define bump_local=0x4000 --define get_hits=0x5000 "
		    "--define counter_address=0x6000 --define first_letter=0x7000 tlsuse.o",
		    w_define, TU_COUNT(w_define));
	tls_refused("err", "run irel.o", w_irel, TU_COUNT(w_irel));
}

/* ---- the library ----------------------------------------------------------------- */

struct tls_thread_arg {
	objload_session *s;
	int *(*counter_address)(void);
	int (*bump)(int);
	int *seen;            /* objload_lookup's answer in the thread */
	int *called;          /* counter_address()'s */
	int value;
	pthread_barrier_t *touched, *freed;
};

static void *tls_thread(void *p)
{
	struct tls_thread_arg *a = p;
	void *v = NULL;

	a->value = a->bump(1);
	a->called = a->counter_address();
	if (objload_lookup(a->s, "counter", &v) == OBJLOAD_OK)
		a->seen = v;
	if (a->touched)
		pthread_barrier_wait(a->touched);
	if (a->freed)
		pthread_barrier_wait(a->freed);   /* exits after the session is freed */
	return NULL;
}

static objload_session *tls_session(const char *obj, struct tls_thread_arg *a)
{
	objload_session *s;
	void *f = NULL, *g = NULL;

	if (objload_session_new(&s) != OBJLOAD_OK)
		return NULL;
	if (objload_add_file(s, obj) != OBJLOAD_OK || objload_link(s) != OBJLOAD_OK ||
	    objload_lookup(s, "counter_address", &f) != OBJLOAD_OK ||
	    objload_lookup(s, "bump_local", &g) != OBJLOAD_OK) {
		TLS_CHECK(0, "%s links: %s", obj, objload_errmsg(s));
		objload_session_free(s);
		return NULL;
	}
	memset(a, 0, sizeof(*a));
	a->s = s;
	a->counter_address = (int *(*)(void))(uintptr_t)f;
	a->bump = (int (*)(int))(uintptr_t)g;
	return s;
}

static void test_library(void)
{
	static const char *const models[] = { "-O2 -fPIC", "-O2", "-O2 -fPIC -mtls-dialect=gnu2" };

	if (!tls_have("gcc"))
		return;
	for (size_t m = 0; m < TU_COUNT(models); m++) {
		char obj[256];
		struct tls_thread_arg a, b, t;
		objload_session *s1, *s2;
		pthread_t th;
		pthread_barrier_t touched, freed;
		void *mine = NULL;

		snprintf(obj, sizeof(obj), "%s/lib%zu.o", tls_tmp, m);
		if (!TLS_CHECK(TLS_SH("gcc %s -c %s/tlsdef.c -o lib%zu.o", models[m], TLS_SRC, m) == 0,
			       "gcc %s compiles", models[m]))
			continue;
		s1 = tls_session(obj, &a);
		s2 = tls_session(obj, &b);
		if (!s1 || !s2) {
			objload_session_free(s1);
			objload_session_free(s2);
			continue;
		}
		/* each session and each thread its own copy */
		TLS_CHECK(a.bump(1) == 7 && a.bump(1) == 9 && b.bump(1) == 7,
			  "%s: two sessions, two counters", models[m]);
		TLS_CHECK(objload_lookup(s1, "counter", &mine) == OBJLOAD_OK &&
			  mine == (void *)a.counter_address() && *(int *)mine == 7,
			  "%s: objload_lookup gives this thread's counter", models[m]);
		t = a;
		pthread_create(&th, NULL, tls_thread, &t);
		pthread_join(th, NULL);
		TLS_CHECK(t.value == 7 && t.seen && t.seen == t.called && t.seen != mine,
			  "%s: another thread starts from the initialiser, with its own copy, "
			  "which objload_lookup names there", models[m]);
		TLS_CHECK(*(int *)mine == 7, "%s: this thread's copy is untouched", models[m]);
		objload_session_free(s2);
		/* a thread that touched the session's TLS exits after it is freed */
		pthread_barrier_init(&touched, NULL, 2);
		pthread_barrier_init(&freed, NULL, 2);
		t = a;
		t.touched = &touched;
		t.freed = &freed;
		pthread_create(&th, NULL, tls_thread, &t);
		pthread_barrier_wait(&touched);
		objload_session_free(s1);
		pthread_barrier_wait(&freed);
		pthread_join(th, NULL);
		pthread_barrier_destroy(&touched);
		pthread_barrier_destroy(&freed);
		TLS_CHECK(t.value == 7, "%s: the thread ran, the session was freed before it "
			  "exited", models[m]);
	}
}

int objload_test_register_tls(void)
{
	static const struct tu_test tests[] = {
		{ "ELF: gcc and clang, PIC, non-PIC, PIE, TLSDESC, large model", test_elf },
		{ "rewritten instruction forms run like native", test_forms },
		{ "rewritten instruction forms vs llvm-mc", test_forms_trampolines },
		{ "Mach-O thread-local variables", test_macho },
		{ "COFF emulated TLS: MinGW gcc, clang -femulated-tls", test_coff_emulated },
		{ "COFF implicit TLS: a clear error", test_coff_implicit_refused },
		{ "IFUNC with __builtin_cpu_supports", test_ifunc },
		{ "AArch64 linked for an address: static TLS values", test_aarch64_link },
		{ "x86-64 linked for an address: static TLS values", test_x86_64_link },
		{ "AArch64 TLS and IFUNC code templates vs llvm-mc", test_aarch64_templates },
		{ "what objload refuses, and why", test_errors },
		{ "the library: threads, two sessions, exit after free", test_library },
	};
	return tu_add_suite("tls", tls_suite_init, tls_suite_clean, tests, TU_COUNT(tests));
}
