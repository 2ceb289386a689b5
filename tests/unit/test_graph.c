/* SPDX-License-Identifier: MIT */
/*
 * The link graph and its passes (core/graph.h, core/link.c): what issue 12
 * asks of them, each checked on objects real tools make.
 *
 *   - alignment above a page, in a link for an address (whole, section);
 *   - a reference the graph must refuse: a thread-local definition used
 *     by a non-TLS relocation, a symbol in a section never loaded;
 *   - strategies per image, from facts: -ffunction-sections objects
 *     (ELF, COFF) loaded section by section when the program declared its
 *     entry, whole and per-section images in one link, dead-stripping;
 *   - a forced plan the image cannot take refused before anything is
 *     mapped (COFF under the scattering manager);
 *   - relaxation, byte for byte as llvm-objdump shows it, and the same
 *     program with and without;
 *   - relocation semantics: R_X86_64_SIZE32/64, COFF ADDR32NB with a
 *     negative addend, Mach-O arm64 POINTER_TO_GOT;
 *   - every range error of a link reported, not only the first;
 *   - passes added by the embedder, and the pass log;
 *   - the arches read back the addend they write.
 */
#include <CUnit/Basic.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "tests/tests.h"
#include "tests/util.h"

TU_SUITE_TMPDIR(gr_dir, "graph", gr_init, gr_clean)

#define GR_CHECK(cond, ...) tu_check_at("graph", __FILE__, __LINE__, (cond), __VA_ARGS__)

static const char *gr_path(const char *name)
{
	static char buf[4][1024];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", gr_dir, name);
	return buf[k];
}

/* Run a shell command in the suite's directory; its exit status. */
#define GR_SH(...) tu_sh("cd '%s' && " __VA_ARGS__)

/* ---- alignment ------------------------------------------------------------ */

static void gr_test_align_link_base(void)
{
	const char *src = OBJLOAD_TEST_SRCDIR "/programs/align";
	static const char *const strategies[] = { "whole", "section" };

	if (!GR_CHECK(GR_SH("gcc -O2 -fPIE -I%s -c %s/main.c -o al-main.o && "
			    "gcc -O2 -fPIE -I%s -c %s/data.c -o al-data.o",
			    gr_dir, src, src, src, src) == 0, "gcc compiles programs/align"))
		return;
	for (size_t i = 0; i < TU_COUNT(strategies); i++) {
		static const struct {
			const char *name;
			uint64_t align;
		} want[] = {
			{ "table64k", 65536 }, { "zeros1m", 1u << 20 },
			{ "text8k", 8192 }, { "local32k", 32768 },
		};
		const char *map = gr_path("al.map");

		/* printf is only an address here: nothing runs */
		if (!GR_CHECK(GR_SH("%s link --base=0x10000000 --strategy=%s --define=printf=0x5000 "
				    "--map=al.map -o al.bin al-main.o al-data.o",
				    gr_dir, tu_objload_bin(), strategies[i]) == 0,
			      "objload link --strategy=%s", strategies[i]))
			continue;
		for (size_t w = 0; w < TU_COUNT(want); w++) {
			uint64_t a = objload_test_aarch64_map_symbol(map, want[w].name);

			GR_CHECK(a != UINT64_MAX && a % want[w].align == 0,
				 "--strategy=%s: %s at 0x%" PRIx64 " is a multiple of %" PRIu64,
				 strategies[i], want[w].name, a, want[w].align);
		}
	}
}

/* ---- references the graph refuses ----------------------------------------- */

/* Link `objs` (space-separated paths) in-process; the status, and the
 * message in msg. */
static objload_status gr_link(const char *objs, char *msg, size_t len)
{
	objload_session *s;
	objload_status st = OBJLOAD_OK;
	char *list = tu_strdup(objs), *save = NULL;

	if (objload_session_new(&s))
		return OBJLOAD_ERR_NOMEM;
	for (char *o = strtok_r(list, " ", &save); o && !st; o = strtok_r(NULL, " ", &save))
		st = objload_add_file(s, gr_path(o));
	if (!st)
		st = objload_link(s);
	snprintf(msg, len, "%s", objload_errmsg(s));
	objload_session_free(s);
	free(list);
	return st;
}

static void gr_test_tls_mismatch(void)
{
	char msg[2048];
	objload_status st;

	if (!GR_CHECK(tu_write_text(gr_path("tlsdef.c"),
				    "__thread int counter = 5;\n"
				    "int plain = 7;\n"
				    "int bump(void) { return ++counter; }\n") == 0 &&
		      tu_write_text(gr_path("tlsref.c"),
				    "extern int counter;\n"
				    "int main(void) { return counter; }\n") == 0 &&
		      tu_write_text(gr_path("tlsref2.c"),
				    "extern __thread int plain;\n"
				    "int main(void) { return plain; }\n") == 0 &&
		      GR_SH("gcc -O2 -c tlsdef.c && gcc -O2 -c tlsref.c && gcc -O2 -c tlsref2.c",
			    gr_dir) == 0, "gcc compiles the TLS sources"))
		return;
	/* a TLS definition used by a non-TLS reference, as GNU ld refuses */
	st = gr_link("tlsref.o tlsdef.o", msg, sizeof(msg));
	GR_CHECK(st == OBJLOAD_ERR_FORMAT && strstr(msg, "thread-local definition of 'counter'") &&
		 strstr(msg, "tlsdef.o") && strstr(msg, "tlsref.o") &&
		 strstr(msg, "non-thread-local reference"), "TLS def, non-TLS ref: %d %s", st, msg);
	/* and the other way round */
	st = gr_link("tlsref2.o tlsdef.o", msg, sizeof(msg));
	GR_CHECK(st == OBJLOAD_ERR_FORMAT && strstr(msg, "non-thread-local definition of 'plain'") &&
		 strstr(msg, "thread-local reference"), "non-TLS def, TLS ref: %d %s", st, msg);
}

static void gr_test_never_loaded(void)
{
	char msg[2048];
	objload_status st;

	/* a global in a section without SHF_ALLOC: in the file, never in memory */
	if (!GR_CHECK(tu_write_text(gr_path("meta.s"),
				    "\t.section .meta,\"\",@progbits\n"
				    "\t.globl meta_value\n"
				    "meta_value:\n\t.long 42\n"
				    "\t.text\n\t.globl main\n"
				    "main:\n\tmovl meta_value(%rip), %eax\n\tret\n") == 0 &&
		      GR_SH("gcc -c meta.s -o meta.o", gr_dir) == 0, "gcc assembles meta.s"))
		return;
	st = gr_link("meta.o", msg, sizeof(msg));
	GR_CHECK(st == OBJLOAD_ERR_FORMAT &&
		 strstr(msg, "'meta_value' is defined in") && strstr(msg, "section .meta") &&
		 strstr(msg, "never loaded") && strstr(msg, "R_X86_64_PC32"),
		 "symbol in a section never loaded: %d %s", st, msg);
}

/* ---- strategies per image ------------------------------------------------- */

/* Build calc with -ffunction-sections -fdata-sections for gcc (ELF) into
 * fs-*.o, and the native reference calc-native.out. */
static int gr_build_calc(void)
{
	const char *src = OBJLOAD_TEST_SRCDIR "/programs/calc";

	return GR_SH("for f in main lexer parser eval; do "
		     "gcc -O2 -ffunction-sections -fdata-sections -I%s -c %s/$f.c -o fs-$f.o || exit 1; "
		     "done && gcc -O2 -I%s %s/*.c -o calc-native && "
		     "./calc-native >calc-native.out 2>calc-native.err",
		     gr_dir, src, src, src, src) == 0;
}

static void gr_test_strategy_from_facts(void)
{
	char *info;
	int status;
	const char *dir = OBJLOAD_TEST_SRCDIR "/programs/calc";

	if (!GR_CHECK(gr_build_calc(), "gcc builds calc with -ffunction-sections"))
		return;
	/* ELF: most of eval.o's sections stand alone */
	info = tu_capture(tu_fmt("%s info %s", tu_objload_bin(), gr_path("fs-eval.o")), &status);
	GR_CHECK(info && status == 0 && strstr(info, "strategy: section (") &&
		 strstr(info, "called by no other section of this file") &&
		 strstr(info, "facts: "), "info fs-eval.o: %.600s", info ? info : "");
	free(info);
	/* without -ffunction-sections: one .text, whole */
	info = tu_capture(tu_fmt("cd '%s' && gcc -O2 -I%s -c %s/eval.c -o plain-eval.o && "
				 "%s info plain-eval.o", gr_dir, dir, dir, tu_objload_bin()), &status);
	GR_CHECK(info && status == 0 && strstr(info, "strategy: whole (relocatable ELF"),
		 "info plain-eval.o: %.400s", info ? info : "");
	free(info);
	/* COFF: clang for MSVC puts each function in a COMDAT section */
	info = tu_capture(tu_fmt("cd '%s' && clang --target=x86_64-pc-windows-msvc -fgnuc-version=4.2.1 "
				 "-isystem /usr/x86_64-w64-mingw32/include -O2 -ffunction-sections "
				 "-I%s -c %s/eval.c -o fs-eval.obj && %s info fs-eval.obj",
				 gr_dir, dir, dir, tu_objload_bin()), &status);
	GR_CHECK(info && status == 0 && strstr(info, "strategy: section (") &&
		 strstr(info, "are COMDATs"), "info fs-eval.obj: %.600s", info ? info : "");
	free(info);
}

/* The program runs with its images loaded in different strategies, and
 * the session says which each got and why. */
static void gr_test_mixed_and_dead_strip(void)
{
	static const char *const objs[] = { "fs-main.o", "fs-lexer.o", "fs-parser.o", "fs-eval.o" };
	objload_session *s;
	objload_metrics m;
	size_t nwhole = 0, nsection = 0;
	int status = -1;
	void *addr;

	if (!GR_CHECK(gr_build_calc(), "gcc builds calc with -ffunction-sections"))
		return;
	/* the CLI: positional strategies, output as native */
	GR_CHECK(GR_SH("%s run --strategy=whole fs-main.o fs-lexer.o --strategy=section fs-parser.o "
		       "--strategy=auto fs-eval.o >mixed.out 2>mixed.err && cmp -s mixed.out calc-native.out "
		       "&& cmp -s mixed.err calc-native.err", gr_dir, tu_objload_bin()) == 0,
		 "calc runs with whole and per-section images");
	/* the API: what each image got, and dead-stripping */
	if (!GR_CHECK(objload_session_new(&s) == OBJLOAD_OK, "session"))
		return;
	objload_keep(s, "main");
	for (size_t i = 0; i < TU_COUNT(objs); i++) {
		objload_set_input_strategy(s, i < 2 ? OBJLOAD_STRATEGY_WHOLE : OBJLOAD_STRATEGY_SECTION);
		GR_CHECK(objload_add_file(s, gr_path(objs[i])) == OBJLOAD_OK, "add %s", objs[i]);
	}
	if (GR_CHECK(objload_link(s) == OBJLOAD_OK, "link: %s", objload_errmsg(s))) {
		for (size_t i = 0; i < objload_image_count(s); i++) {
			objload_strategy st;
			const char *why = NULL;

			if (!GR_CHECK(objload_image_strategy(s, i, &st, &why) == OBJLOAD_OK && why,
				      "image %zu has a strategy", i))
				continue;
			nwhole += st == OBJLOAD_STRATEGY_WHOLE;
			nsection += st == OBJLOAD_STRATEGY_SECTION;
			GR_CHECK(strstr(why, "forced by the caller") != NULL, "reason: %s", why);
		}
		GR_CHECK(nwhole == 2 && nsection == 2, "2 whole and 2 per-section images: %zu, %zu",
			 nwhole, nsection);
		objload_get_metrics(s, &m);
		GR_CHECK(m.images_whole == 2 && m.images_section == 2, "metrics count them");
		GR_CHECK(objload_lookup(s, "main", &addr) == OBJLOAD_OK, "main is kept");
		/* its output goes to the test log: compared by the CLI run above */
		GR_CHECK(objload_run_main(s, NULL, 0, NULL, &status) == OBJLOAD_OK && status == 0,
			 "calc runs: %d", status);
	}
	objload_session_free(s);
}

/* A dead-stripped function is not there to look up, and the message says
 * why. */
static void gr_test_dead_lookup(void)
{
	objload_session *s;
	objload_metrics m;
	void *addr = NULL;

	if (!GR_CHECK(tu_write_text(gr_path("dl.c"),
				    "__attribute__((noinline)) int used(int x) { return x + 1; }\n"
				    "int unused_helper(int x) { return x * 3; }\n"
				    "int main(void) { return used(41); }\n") == 0 &&
		      GR_SH("gcc -O2 -ffunction-sections -c dl.c", gr_dir) == 0, "gcc compiles dl.c"))
		return;
	if (!GR_CHECK(objload_session_new(&s) == OBJLOAD_OK, "session"))
		return;
	objload_keep(s, "main");
	objload_set_strategy(s, OBJLOAD_STRATEGY_SECTION);
	if (GR_CHECK(objload_add_file(s, gr_path("dl.o")) == OBJLOAD_OK &&
		     objload_link(s) == OBJLOAD_OK, "link: %s", objload_errmsg(s))) {
		objload_get_metrics(s, &m);
		GR_CHECK(m.dead_sections == 1 && m.dead_bytes > 0,
			 "one section left out: %" PRIu64 " (%" PRIu64 " bytes)", m.dead_sections,
			 m.dead_bytes);
		GR_CHECK(objload_lookup(s, "used", &addr) == OBJLOAD_OK, "used is loaded");
		GR_CHECK(objload_lookup(s, "unused_helper", &addr) == OBJLOAD_ERR_UNDEFINED &&
			 strstr(objload_errmsg(s), "dead-stripped"), "unused_helper: %s",
			 objload_errmsg(s));
	}
	objload_session_free(s);
}

/* COFF calls are REL32 like data references: under a scattering manager
 * a per-section plan cannot work, and the plug-in says so before anything
 * is mapped. */
static void gr_test_refused_before_mapping(void)
{
	const char *dir = OBJLOAD_TEST_SRCDIR "/programs/calc";
	objload_scatter_ctx ctx = { 0 };
	objload_session *s;
	objload_metrics m;
	objload_status st;

	if (!GR_CHECK(GR_SH("for f in main lexer parser eval; do x86_64-w64-mingw32-gcc -O2 -I%s "
			    "-c %s/$f.c -o mg-$f.obj || exit 1; done", gr_dir, dir, dir) == 0,
		      "mingw gcc compiles calc"))
		return;
	if (!GR_CHECK(objload_session_new(&s) == OBJLOAD_OK, "session"))
		return;
	objload_set_memory_manager(s, objload_scatter_memory_manager(), &ctx);
	objload_set_strategy(s, OBJLOAD_STRATEGY_SECTION);
	st = objload_add_file(s, gr_path("mg-main.obj"));
	if (!st)
		st = objload_add_file(s, gr_path("mg-lexer.obj"));
	if (!st)
		st = objload_add_file(s, gr_path("mg-parser.obj"));
	if (!st)
		st = objload_add_file(s, gr_path("mg-eval.obj"));
	if (!st)
		st = objload_link(s);
	objload_get_metrics(s, &m);
	GR_CHECK(st == OBJLOAD_ERR_UNSUPPORTED && strstr(objload_errmsg(s), "refuses the section strategy") &&
		 strstr(objload_errmsg(s), "REL32"), "refused: %d %s", st, objload_errmsg(s));
	GR_CHECK(m.mappings == 0 && objload_segment_count(s) == 0,
		 "nothing mapped: %" PRIu64 " mappings", m.mappings);
	objload_session_free(s);
}

/* ---- relaxation ------------------------------------------------------------ */

static const char gr_relax_use[] =
	"extern int shared_counter;\n"
	"extern void bump(void);\n"
	"int *counter_address(void) { return &shared_counter; }\n"
	"void bump_twice(void) { bump(); bump(); }\n"
	"void bump_tail(void) { bump(); }\n"
	"int main(void) { bump_twice(); bump_tail(); return *counter_address(); }\n";
static const char gr_relax_lib[] =
	"int shared_counter;\n"
	"void bump(void) { shared_counter++; }\n";

/* llvm-objdump's disassembly of the flat image at `base`, one
 * instruction a line (objcopy wraps the raw bytes in an ELF file). */
static char *gr_disassemble(const char *bin, uint64_t base)
{
	int status;

	return tu_capture(tu_fmt("objcopy -I binary -O elf64-x86-64 -B i386:x86-64 "
				 "--change-section-address .data=0x%" PRIx64 " '%s' '%s.elf' && "
				 "llvm-objdump -D '%s.elf'", base, bin, bin, bin), &status);
}

/* Does a line of `dis` that starts at `at` hold all of `words`? */
static int gr_insn_at(const char *dis, uint64_t at, const char *const words[], size_t n)
{
	char key[32];
	const char *p;

	snprintf(key, sizeof(key), "%" PRIx64 ":", at);
	for (p = strstr(dis, key); p; p = strstr(p + 1, key)) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[256];
		size_t k;

		if (p > dis && p[-1] != ' ' && p[-1] != '\n')
			continue;
		snprintf(line, sizeof(line), "%.*s", (int)(len < 255 ? len : 255), p);
		for (k = 0; k < n && strstr(line, words[k]); k++)
			;
		if (k == n)
			return 1;
	}
	return 0;
}

static void gr_test_relax_x86_64(void)
{
	const uint64_t base = 0x10000000;
	const char *map = gr_path("rx.map");
	char *dis;
	uint64_t fn, counter, addr_fn, twice_fn, tail_fn;

	if (!GR_CHECK(tu_write_text(gr_path("rx-use.c"), gr_relax_use) == 0 &&
		      tu_write_text(gr_path("rx-lib.c"), gr_relax_lib) == 0 &&
		      GR_SH("gcc -O2 -fPIC -fno-plt -c rx-use.c && gcc -O2 -fPIC -c rx-lib.c && "
			    "readelf -rW rx-use.o | grep -q R_X86_64_REX_GOTPCRELX && "
			    "readelf -rW rx-use.o | grep -q 'R_X86_64_GOTPCRELX'", gr_dir) == 0,
		      "gcc -fPIC -fno-plt emits GOTPCRELX and REX_GOTPCRELX"))
		return;
	/* relaxed: lea and direct call/jmp, each to the right address */
	if (!GR_CHECK(GR_SH("%s link --base=0x%" PRIx64 " --map=rx.map -o rx.bin rx-use.o rx-lib.o",
			    gr_dir, tu_objload_bin(), base) == 0, "objload link"))
		return;
	fn = objload_test_aarch64_map_symbol(map, "bump");
	counter = objload_test_aarch64_map_symbol(map, "shared_counter");
	addr_fn = objload_test_aarch64_map_symbol(map, "counter_address");
	twice_fn = objload_test_aarch64_map_symbol(map, "bump_twice");
	tail_fn = objload_test_aarch64_map_symbol(map, "bump_tail");
	dis = gr_disassemble(gr_path("rx.bin"), base);
	if (GR_CHECK(dis && fn != UINT64_MAX && counter != UINT64_MAX, "disassembly and map")) {
		char want_counter[32], want_fn[32];

		snprintf(want_counter, sizeof(want_counter), "# 0x%" PRIx64, counter);
		snprintf(want_fn, sizeof(want_fn), "0x%" PRIx64, fn);
		/* mov shared_counter@GOTPCREL(%rip), %rax -> lea shared_counter(%rip) */
		GR_CHECK(gr_insn_at(dis, addr_fn, (const char *const[]){ "lea", "(%rip)", want_counter }, 3),
			 "counter_address: lea of shared_counter at 0x%" PRIx64, addr_fn);
		/* call *bump@GOTPCREL(%rip) -> addr32 call bump (67 e8) */
		GR_CHECK(gr_insn_at(dis, twice_fn + 4, (const char *const[]){ "67 e8", "call", want_fn }, 3),
			 "bump_twice calls bump directly at 0x%" PRIx64, twice_fn + 4);
		/* jmp *bump@GOTPCREL(%rip) -> jmp bump; nop (e9 rel32 90) */
		GR_CHECK(gr_insn_at(dis, tail_fn, (const char *const[]){ "e9 ", "jmp", want_fn }, 3),
			 "bump_tail jumps straight to bump");
		GR_CHECK(!strstr(dis, "*") , "no call or jump through memory is left");
	}
	free(dis);
	/* --no-relax: the GOT loads as compiled */
	if (GR_CHECK(GR_SH("%s link --no-relax --base=0x%" PRIx64 " -o rxn.bin rx-use.o rx-lib.o",
			   gr_dir, tu_objload_bin(), base) == 0, "objload link --no-relax")) {
		dis = gr_disassemble(gr_path("rxn.bin"), base);
		GR_CHECK(dis && gr_insn_at(dis, addr_fn, (const char *const[]){ "mov", "(%rip)" }, 2) &&
			 strstr(dis, "call") && strstr(dis, "*"),
			 "--no-relax keeps mov and call through the GOT");
		free(dis);
	}
	/* and the program runs the same both ways */
	GR_CHECK(GR_SH("%s run rx-use.o rx-lib.o; test $? = 3 && %s run --no-relax rx-use.o rx-lib.o; "
		       "test $? = 3", gr_dir, tu_objload_bin(), tu_objload_bin()) == 0,
		 "relaxed and not, the program returns 3");
}

/* ---- relocation semantics ------------------------------------------------- */

static void gr_test_size_relocs(void)
{
	int rc;

	if (!GR_CHECK(tu_write_text(gr_path("size.s"),
				    "\t.text\n\t.globl f\n\t.type f,@function\n"
				    "f:\n\t.fill 37,1,0x90\n\tret\n\t.size f, 38\n"
				    "\t.data\n\t.globl sz32\nsz32:\t.long f@SIZE\n"
				    "\t.globl sz64\nsz64:\t.quad f@SIZE + 3\n") == 0 &&
		      tu_write_text(gr_path("size-main.c"),
				    "extern unsigned sz32; extern unsigned long sz64;\n"
				    "int main(void) { return sz32 == 38 && sz64 == 41 ? 7 : 1; }\n") == 0 &&
		      GR_SH("gcc -c size.s && gcc -O2 -c size-main.c && "
			    "readelf -rW size.o | grep -q R_X86_64_SIZE32 && "
			    "readelf -rW size.o | grep -q R_X86_64_SIZE64", gr_dir) == 0,
		      "gas writes R_X86_64_SIZE32 and SIZE64"))
		return;
	rc = GR_SH("%s run size-main.o size.o", gr_dir, tu_objload_bin());
	GR_CHECK(rc == 7, "SIZE32 holds 38 and SIZE64 41: exit %d", rc);
}

/* PIE code names host data directly (R_X86_64_PC32 against stdin and
 * stdout).  gcc's objload executable keeps its own copies of stdout and
 * stderr (copy relocations) while stdin stays in libc, terabytes away:
 * no placement reaches both, so the link takes copies, as a linked
 * executable does, instead of failing with a range error. */
static void gr_test_pie_host_data(void)
{
	int rc;

	if (!GR_CHECK(tu_write_text(gr_path("stdio3.c"),
				    "#include <stdio.h>\n"
				    "int main(void) { return (stdin != 0) + (stdout != 0) * 2 +\n"
				    "  (fileno(stdin) == 0) * 4 + (fileno(stderr) == 2) * 8; }\n") == 0 &&
		      GR_SH("gcc -O2 -fPIE -c stdio3.c && "
			    "test $(readelf -rW stdio3.o | grep -c 'R_X86_64_PC32.*std') -ge 3",
			    gr_dir) == 0,
		      "gcc writes R_X86_64_PC32 against stdin, stdout and stderr"))
		return;
	for (int i = 0; i < 2; i++) {
		rc = GR_SH("%s run --strategy=%s stdio3.o", gr_dir, OBJLOAD_BIN,
			   i ? "section" : "whole");
		GR_CHECK(rc == 15, "%s: stdin, stdout and stderr reached: exit %d (15 wanted)",
			 i ? "section" : "whole", rc);
	}
}

/* Read `n` little-endian bytes at target address `at` of a flat image
 * linked at `base`. */
static int gr_read(const char *bin, uint64_t base, uint64_t at, unsigned n, uint64_t *v)
{
	size_t len;
	uint8_t *img = tu_read_file(bin, &len);
	int ok = img && at >= base && at - base <= len && len - (at - base) >= n;

	if (ok)
		*v = tu_get_le(img + (at - base), n);
	free(img);
	return ok;
}

static void gr_test_addr32nb_negative(void)
{
	const uint64_t base = 0x140000000;
	const char *map = gr_path("nb.map");
	uint64_t foo, table, v0 = 0, v1 = 0;

	if (!GR_CHECK(tu_write_text(gr_path("nb.s"),
				    "\t.text\n\t.fill 32,1,0xcc\n\t.globl foo\nfoo:\n\tret\n"
				    "\t.data\n\t.globl table\ntable:\n\t.rva foo - 4\n\t.rva foo + 8\n") == 0 &&
		      GR_SH("llvm-mc -triple=x86_64-pc-windows-msvc -filetype=obj nb.s -o nb.obj",
			    gr_dir) == 0, "llvm-mc assembles nb.s"))
		return;
	if (!GR_CHECK(GR_SH("%s link --base=0x%" PRIx64 " --map=nb.map -o nb.bin nb.obj",
			    gr_dir, tu_objload_bin(), base) == 0, "ADDR32NB of foo - 4 links"))
		return;
	foo = objload_test_aarch64_map_symbol(map, "foo");
	table = objload_test_aarch64_map_symbol(map, "table");
	GR_CHECK(gr_read(gr_path("nb.bin"), base, table, 4, &v0) &&
		 gr_read(gr_path("nb.bin"), base, table + 4, 4, &v1) &&
		 v0 == foo - base - 4 && v1 == foo - base + 8,
		 "image-relative foo - 4 = 0x%" PRIx64 " and foo + 8 = 0x%" PRIx64 " (foo at 0x%" PRIx64 ")",
		 v0, v1, foo);
}

static void gr_test_pointer_to_got(void)
{
	const uint64_t base = 0x10000000, foo = 0x123456789a;
	const char *map = gr_path("ptg.map");
	uint64_t tab, f0 = 0, f1 = 0, g0 = 0, g1 = 0;

	if (!GR_CHECK(tu_write_text(gr_path("ptg.s"),
				    "\t.section __TEXT,__text\n\t.globl _start\n_start:\n\tret\n"
				    "\t.section __DATA,__data\n\t.globl _tab\n\t.p2align 2\n_tab:\n"
				    "\t.long _foo@GOT - .\n\t.long _foo@GOT - . + 8\n") == 0 &&
		      GR_SH("llvm-mc -triple=arm64-apple-macos11 -filetype=obj ptg.s -o ptg.o && "
			    "llvm-objdump -r ptg.o | grep -q ARM64_RELOC_POINTER_TO_GOT", gr_dir) == 0,
		      "llvm-mc writes ARM64_RELOC_POINTER_TO_GOT"))
		return;
	if (!GR_CHECK(GR_SH("%s link --base=0x%" PRIx64 " --define=foo=0x%" PRIx64
			    " --map=ptg.map -o ptg.bin ptg.o", gr_dir, tu_objload_bin(), base, foo) == 0,
		      "objload link"))
		return;
	tab = objload_test_aarch64_map_symbol(map, "tab");
	/* each field is G + A - P: the GOT entry it leads to holds foo */
	if (GR_CHECK(tab != UINT64_MAX && gr_read(gr_path("ptg.bin"), base, tab, 4, &f0) &&
		     gr_read(gr_path("ptg.bin"), base, tab + 4, 4, &f1), "the fields")) {
		uint64_t p0 = tab + (uint64_t)(int64_t)(int32_t)(uint32_t)f0;
		uint64_t p1 = tab + 4 + (uint64_t)(int64_t)(int32_t)(uint32_t)f1 - 8;

		GR_CHECK(gr_read(gr_path("ptg.bin"), base, p0, 8, &g0) && g0 == foo,
			 "_foo@GOT - . leads to a slot holding foo (0x%" PRIx64 ")", g0);
		GR_CHECK(gr_read(gr_path("ptg.bin"), base, p1, 8, &g1) && g1 == foo && p1 == p0,
			 "_foo@GOT - . + 8 is 8 past the same slot (0x%" PRIx64 ")", g1);
	}
}

/* ---- every range error ----------------------------------------------------- */

static void gr_test_all_range_errors(void)
{
	char *out;
	int status;

	/* three conditional branches (+-1 MiB) to a section 2 MiB away */
	if (!GR_CHECK(tu_write_text(gr_path("far.s"),
				    "\t.section .text.a,\"ax\"\n\t.globl _start\n_start:\n"
				    "\tb.eq far_one\n\tb.eq far_two\n\tcbz x0, far_three\n\tret\n"
				    "\t.bss\n\t.zero 2097152\n"
				    "\t.section .text.b,\"ax\"\n\t.globl far_one\nfar_one:\n\tret\n"
				    "\t.globl far_two\nfar_two:\n\tret\n"
				    "\t.globl far_three\nfar_three:\n\tret\n") == 0 &&
		      GR_SH("llvm-mc -triple=aarch64-linux-gnu -filetype=obj far.s -o far.o",
			    gr_dir) == 0, "llvm-mc assembles far.s"))
		return;
	out = tu_capture(tu_fmt("cd '%s' && %s link --base=0x10000000 --strategy=section -o far.bin far.o 2>&1",
				gr_dir, tu_objload_bin()), &status);
	GR_CHECK(status == 1 && out && strstr(out, "far_one") && strstr(out, "far_two") &&
		 strstr(out, "far_three") && strstr(out, "does not fit"),
		 "all three range errors reported: %d %.800s", status, out ? out : "");
	free(out);
}

/* ---- passes ------------------------------------------------------------------ */

struct gr_pass_ctx {
	int calls;
	size_t gots, sections;
};

static objload_status gr_count_pass(objload_session *s, void *ctx)
{
	struct gr_pass_ctx *c = ctx;

	c->calls++;
	for (size_t i = 0; i < objload_piece_count(s); i++) {
		objload_piece_info pi;

		if (objload_get_piece(s, i, &pi))
			continue;
		c->gots += pi.kind == OBJLOAD_PIECE_GOT;
		c->sections += pi.kind == OBJLOAD_PIECE_SECTION && pi.work != NULL;
	}
	return OBJLOAD_OK;
}

static objload_status gr_failing_pass(objload_session *s, void *ctx)
{
	(void)ctx;
	return objload_set_error(s, OBJLOAD_ERR_UNSUPPORTED, "the embedder's pass says no");
}

static void gr_test_passes(void)
{
	struct gr_pass_ctx c = { 0 };
	objload_session *s;
	const char *name;
	int saw_fixup = 0, saw_mine = 0;

	if (!GR_CHECK(tu_write_text(gr_path("rx-use.c"), gr_relax_use) == 0 &&
		      tu_write_text(gr_path("rx-lib.c"), gr_relax_lib) == 0 &&
		      GR_SH("gcc -O2 -fPIC -fno-plt -c rx-use.c && gcc -O2 -fPIC -c rx-lib.c",
			    gr_dir) == 0, "gcc compiles the relax sources"))
		return;
	if (!GR_CHECK(objload_session_new(&s) == OBJLOAD_OK, "session"))
		return;
	GR_CHECK(objload_add_pass(s, OBJLOAD_PASS_AFTER_FIXUP, "count", gr_count_pass, &c) ==
		 OBJLOAD_OK, "pass added");
	GR_CHECK(objload_add_pass(s, OBJLOAD_PASS_POINT_COUNT, "bad", gr_count_pass, &c) ==
		 OBJLOAD_ERR_ARGUMENT, "no such point");
	objload_set_relax(s, 0);
	if (GR_CHECK(objload_add_file(s, gr_path("rx-use.o")) == OBJLOAD_OK &&
		     objload_add_file(s, gr_path("rx-lib.o")) == OBJLOAD_OK &&
		     objload_link(s) == OBJLOAD_OK, "link: %s", objload_errmsg(s))) {
		GR_CHECK(c.calls == 1 && c.sections > 0 && c.gots > 0,
			 "the pass ran once and saw %zu sections, %zu GOT entries", c.sections, c.gots);
		for (size_t i = 0; i < objload_pass_count(s); i++) {
			if (objload_get_pass(s, i, &name, NULL))
				continue;
			saw_fixup |= strcmp(name, "fixup") == 0;
			saw_mine |= saw_fixup && strcmp(name, "count") == 0;
		}
		GR_CHECK(saw_mine, "the log lists count after fixup");
	}
	objload_session_free(s);

	/* a pass that fails fails the link with its message */
	if (!GR_CHECK(objload_session_new(&s) == OBJLOAD_OK, "session"))
		return;
	objload_add_pass(s, OBJLOAD_PASS_AFTER_RESOLVE, "veto", gr_failing_pass, NULL);
	objload_add_file(s, gr_path("rx-use.o"));
	objload_add_file(s, gr_path("rx-lib.o"));
	GR_CHECK(objload_link(s) == OBJLOAD_ERR_UNSUPPORTED &&
		 strstr(objload_errmsg(s), "the embedder's pass says no"), "veto: %s",
		 objload_errmsg(s));
	objload_session_free(s);
}

/* ---- the arches read back what they write ---------------------------------- */

/*
 * For every kind whose field holds its whole value (not a page number,
 * not one 16-bit group or the high bits of it), apply(A) then read_addend
 * gives A back, for small addends of either sign that fit.
 */
static void gr_round_trip(const arch_ops *a, const uint32_t *insn, size_t ninsn)
{
	static const int64_t addends[] = { 0, 8, -8, 0x120, -0x7f0 };
	size_t checked = 0;

	for (unsigned kind = 0; kind < a->nkinds; kind++) {
		const arch_kind *k = &a->kinds[kind];

		if (!k->width || (k->flags & (OBJLOAD_KF_TLS | OBJLOAD_KF_REWRITES | OBJLOAD_KF_GOT |
					      OBJLOAD_KF_GOTBASE | OBJLOAD_KF_SIZE)) ||
		    strstr(k->name, "PAGE21") || strstr(k->name, "_G1") || strstr(k->name, "_G2") ||
		    strstr(k->name, "_G3") || strstr(k->name, "HI12"))
			continue;
		/* the rest hold the value, or (lo12, MOVW G0) its low bits */
		for (size_t i = 0; i < TU_COUNT(addends); i++) {
			for (size_t w = 0; w < (ninsn ? ninsn : 1); w++) {
				uint8_t field[8] = { 0 };
				arch_fixup fx = { .A = addends[i] };
				int64_t back = 0;

				if (ninsn)
					tu_put_le(field, 4, insn[w]);
				/* every letter but A zero: the field holds A itself */
				if (a->apply(kind, field, &fx, NULL, 0) != OBJLOAD_OK ||
				    a->read_addend(kind, field, &back) != OBJLOAD_OK)
					continue;   /* this value or instruction does not fit */
				/* a lo12 or G0 field holds X[11:0] or X[15:0]: only what
				 * fits in it comes back */
				if ((strstr(k->name, "LO12") || strstr(k->name, "_G0")) &&
				    (addends[i] < 0 || addends[i] > 0xfff))
					continue;
				checked++;
				GR_CHECK(back == addends[i], "%s %s: wrote %" PRId64 ", read %" PRId64,
					 a->name, k->name, addends[i], back);
			}
		}
	}
	GR_CHECK(checked > 20, "%s: %zu round trips", a->name, checked);
}

static void gr_test_read_addend(void)
{
	/* instructions each AArch64 instruction kind patches */
	static const uint32_t a64_insns[] = {
		0x90000003, /* adrp x3, 0 */ 0x91000020, /* add x0, x1, #0 */
		0xf9400022, /* ldr x2, [x1] */ 0x94000000, /* bl 0 */
		0x54000000, /* b.eq 0 */ 0x36000000, /* tbz w0, #0, 0 */
		0xd2800000, /* movz x0, #0 */
	};

	gr_round_trip(&arch_x86_64, NULL, 0);
	gr_round_trip(&arch_aarch64, a64_insns, TU_COUNT(a64_insns));
}

int objload_test_register_graph(void)
{
	static const struct tu_test tests[] = {
		{ "alignment above a page in a link for an address", gr_test_align_link_base },
		{ "TLS definition and non-TLS reference", gr_test_tls_mismatch },
		{ "symbol in a section never loaded", gr_test_never_loaded },
		{ "strategies from the images' facts", gr_test_strategy_from_facts },
		{ "whole and per-section images in one link, dead-stripped", gr_test_mixed_and_dead_strip },
		{ "a dead-stripped function cannot be looked up", gr_test_dead_lookup },
		{ "a plan that cannot work is refused before mapping", gr_test_refused_before_mapping },
		{ "x86-64 relaxation, byte for byte", gr_test_relax_x86_64 },
		{ "R_X86_64_SIZE32 and SIZE64", gr_test_size_relocs },
		{ "PIE code naming host data far apart", gr_test_pie_host_data },
		{ "COFF ADDR32NB with a negative addend", gr_test_addr32nb_negative },
		{ "Mach-O arm64 POINTER_TO_GOT", gr_test_pointer_to_got },
		{ "every range error of a link is reported", gr_test_all_range_errors },
		{ "passes added by the embedder", gr_test_passes },
		{ "arches read back the addends they write", gr_test_read_addend },
	};

	return tu_add_suite("graph", gr_init, gr_clean, tests, TU_COUNT(tests));
}
