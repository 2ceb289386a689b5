/* SPDX-License-Identifier: MIT */
/*
 * Suite "linked": linked images loaded by objload's own plug-ins — ELF
 * shared objects (gcc -shared -fPIC, linked by GNU ld and by ld.lld, with
 * packed RELR relocations, with only a SysV hash table), the system's
 * libz.so.1, and macOS dylibs and a bundle linked by ld64.lld (dyld
 * opcode streams; chained fixups and __init_offsets) — called from ELF
 * and Mach-O objects.
 *
 * The sources are tests/programs-linked/, built at test time into a
 * temporary directory.  Each program runs natively (the objects linked
 * against the same libraries by gcc) and with `objload run OBJECTS
 * LIBRARIES`, with the objects whole and per-section (the library is
 * always whole); stdout, stderr and the exit status must be equal.
 * In-process: a library from a memory buffer (objload_add_memory), which
 * the host's dlopen cannot load.  And what is refused, with the reason:
 * a per-section plan forced on a library, PT_TLS, IFUNC, COPY
 * relocations, a needed library that is nowhere.  `objload compare` loads
 * the library whole in its per-section row.
 */
#define _GNU_SOURCE
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objload.h"
#include "objload/plugin.h"
#include "tests/tests.h"
#include "tests/util.h"

TU_SUITE_TMPDIR(lk_dir, "linked", lk_init_dir, lk_clean)

#define LK_CHECK(cond, ...) \
	tu_check_at("linked", __FILE__, __LINE__, (cond) ? 1 : 0, __VA_ARGS__)
#define LK_SRC OBJLOAD_TEST_SRCDIR "/programs-linked"
#define LK_TIMEOUT 30
#define LK_MACOS "clang --target=x86_64-apple-macos11 -nostdlibinc -isystem " \
	OBJLOAD_TEST_SRCDIR "/unit/macho-src/sdk -O1 -w"
#define LK_LD64 "-arch x86_64 -dylib -install_name @rpath/libfoo.dylib"

/* Which steps of the build worked; a test whose inputs failed to build
 * fails (never skips) with the reason. */
static int lk_built_elf, lk_built_macho;

/* ---- running ------------------------------------------------------------------- */

/* `cmd` run in the suite's directory, stdin /dev/null, its output in
 * TAG.out and TAG.err. */
static void lk_run(const char *tag, const char *cmd, struct tu_result *r)
{
	char *path;

	memset(r, 0, sizeof(*r));
	r->code = tu_sh("cd '%s' && timeout -s KILL %d %s </dev/null >%s.out 2>%s.err", lk_dir,
			LK_TIMEOUT, cmd, tag, tag);
	path = tu_fmt("%s/%s.out", lk_dir, tag);
	r->out = tu_read_output(path);
	free(path);
	path = tu_fmt("%s/%s.err", lk_dir, tag);
	r->err = tu_read_output(path);
	free(path);
}

static void lk_free(struct tu_result *r)
{
	free(r->out);
	free(r->err);
}

/* objload run ARGS must end as the native program did. */
static void lk_same(const char *native, const char *args)
{
	struct tu_result n, o;
	char *cmd = tu_fmt("'%s' run %s", tu_objload_bin(), args);

	lk_run("native", native, &n);
	lk_run("objload", cmd, &o);
	LK_CHECK(n.code == 0 && n.out[0], "the native %s ran (status %d): %s", native, n.code,
		 n.err);
	LK_CHECK(n.code == o.code && strcmp(n.out, o.out) == 0 && strcmp(n.err, o.err) == 0,
		 "objload run %s: status %d (native %d)\nstdout:\n%s\nnative stdout:\n%s\n"
		 "stderr:\n%s", args, o.code, n.code, o.out, n.out, o.err);
	free(cmd);
	lk_free(&n);
	lk_free(&o);
}

/* objload ARGS must fail with status 1 and a message holding `want`. */
static void lk_refused(const char *args, const char *want)
{
	struct tu_result o;
	char *cmd = tu_fmt("'%s' %s", tu_objload_bin(), args);

	lk_run("refused", cmd, &o);
	LK_CHECK(o.code == 1 && strstr(o.err, want), "objload %s: status %d, wanted 1 and "
		 "'%s' in: %s", args, o.code, want, o.err);
	free(cmd);
	lk_free(&o);
}

/* ---- building --------------------------------------------------------------------- */

static int lk_sh(const char *what, const char *cmd)
{
	int ok = tu_sh_ok("cd '%s' && %s", lk_dir, cmd);

	if (!ok)
		fprintf(stderr, "linked: building %s failed\n", what);
	return ok;
}

static int lk_init(void)
{
	if (lk_init_dir())
		return -1;
	lk_built_elf =
		lk_sh("the objects", "for f in main main_interpose main_bar main_ver zmain; do "
		      "gcc -O1 -c " LK_SRC "/$f.c -o $f.o || exit 1; done") &&
		lk_sh("libfoo.so (GNU ld)", "mkdir -p bfd lld relr sysv && "
		      "gcc -O1 -shared -fPIC -o bfd/libfoo.so " LK_SRC "/libfoo.c") &&
		lk_sh("libfoo.so (ld.lld)",
		      "gcc -O1 -shared -fPIC -fuse-ld=lld -o lld/libfoo.so " LK_SRC "/libfoo.c") &&
		lk_sh("libfoo.so (RELR)", "gcc -O1 -shared -fPIC -Wl,-z,pack-relative-relocs "
		      "-o relr/libfoo.so " LK_SRC "/libfoo.c && readelf -d relr/libfoo.so | "
		      "grep -q RELR") &&
		lk_sh("libfoo.so (SysV hash, no RELRO)", "gcc -O1 -shared -fPIC "
		      "-Wl,--hash-style=sysv -Wl,-z,norelro -o sysv/libfoo.so " LK_SRC "/libfoo.c") &&
		lk_sh("libbar.so", "gcc -O1 -shared -fPIC -o libbar.so " LK_SRC "/libbar.c "
		      "-Lbfd -lfoo -lz -Wl,-rpath,$PWD/bfd") &&
		lk_sh("libver.so", "gcc -O1 -shared -fPIC -o libver.so " LK_SRC "/libver.c "
		      "-Wl,--version-script=" LK_SRC "/libver.map") &&
		lk_sh("libtls.so and libifunc.so", "gcc -shared -fPIC -o libtls.so " LK_SRC
		      "/libtls.c && gcc -shared -fPIC -o libifunc.so " LK_SRC "/libifunc.c") &&
		lk_sh("the native programs",
		      "for v in bfd lld relr sysv; do gcc -o $v/native main.o $v/libfoo.so "
		      "-Wl,-rpath,$PWD/$v || exit 1; done && "
		      "gcc -o native_interpose main_interpose.o bfd/libfoo.so -Wl,-rpath,$PWD/bfd && "
		      "gcc -o native_bar main_bar.o libbar.so bfd/libfoo.so -Wl,-rpath,$PWD/bfd "
		      "-Wl,-rpath,$PWD && gcc -o native_ver main_ver.o libver.so -Wl,-rpath,$PWD && "
		      "gcc -o native_z zmain.o -lz && "
		      "gcc -pie -o pie_copy main.o bfd/libfoo.so");
	lk_built_macho =
		lk_sh("the Mach-O objects", "mkdir -p m/opcodes m/chained m/bundle && "
		      "for f in libfoo main libbaz main_baz; do " LK_MACOS " -c " LK_SRC "/$f.c "
		      "-o m/$f.o || exit 1; done") &&
		lk_sh("libfoo.dylib (ld64.lld-14: dyld opcodes)",
		      "ld64.lld-14 " LK_LD64 " -platform_version macos 11.0 11.0 "
		      "-o m/opcodes/libfoo.dylib m/libfoo.o " LK_SRC "/libSystem.tbd") &&
		lk_sh("libfoo.dylib (ld64.lld-16: chained fixups, __init_offsets)",
		      "ld64.lld-16 " LK_LD64 " -platform_version macos 13.0 13.0 -fixup_chains "
		      "-init_offsets -o m/chained/libfoo.dylib m/libfoo.o " LK_SRC "/libSystem.tbd") &&
		lk_sh("libfoo.bundle (ld64.lld-16 -bundle)",
		      "ld64.lld-16 -arch x86_64 -bundle -platform_version macos 13.0 13.0 "
		      "-o m/bundle/libfoo.bundle m/libfoo.o " LK_SRC "/libSystem.tbd") &&
		lk_sh("libbaz.dylib (needs libfoo.dylib)",
		      "ld64.lld-14 -arch x86_64 -dylib -install_name @rpath/libbaz.dylib "
		      "-platform_version macos 11.0 11.0 -o m/libbaz.dylib m/libbaz.o "
		      "m/opcodes/libfoo.dylib " LK_SRC "/libSystem.tbd") &&
		lk_sh("the native clang programs",
		      "clang -O1 -w -o m/native " LK_SRC "/main.c " LK_SRC "/libfoo.c && "
		      "clang -O1 -w -o m/native_baz " LK_SRC "/main_baz.c " LK_SRC "/libbaz.c "
		      LK_SRC "/libfoo.c");
	return 0;
}

#define LK_NEED_ELF() \
	do { \
		if (!LK_CHECK(lk_built_elf, "the test programs did not build (see above)")) \
			return; \
	} while (0)

/* ---- ELF shared objects ------------------------------------------------------- */

/* Each way of linking libfoo.so, with main.o whole and per-section. */
static void test_so_run(void)
{
	static const char *const variants[] = { "bfd", "lld", "relr", "sysv" };

	LK_NEED_ELF();
	for (size_t i = 0; i < TU_COUNT(variants); i++) {
		const char *v = variants[i];
		char *native = tu_fmt("./%s/native", v), *a;

		a = tu_fmt("main.o ./%s/libfoo.so", v);
		lk_same(native, a);
		free(a);
		a = tu_fmt("--strategy=section main.o --strategy=auto ./%s/libfoo.so", v);
		lk_same(native, a);
		free(a);
		a = tu_fmt("--strategy=whole main.o --strategy=auto ./%s/libfoo.so", v);
		lk_same(native, a);
		free(a);
		free(native);
	}
}

/* main.o's foo_counter interposes the library's: its GLOB_DAT binds to it. */
static void test_so_interpose(void)
{
	LK_NEED_ELF();
	lk_same("./native_interpose", "main_interpose.o ./bfd/libfoo.so");
}

/* DT_NEEDED: libfoo.so from the inputs, libz.so.1 from the host; nowhere. */
static void test_so_needed(void)
{
	struct tu_result o;
	char *cmd;

	LK_NEED_ELF();
	lk_same("./native_bar", "main_bar.o ./libbar.so ./bfd/libfoo.so");
	cmd = tu_fmt("'%s' run --trace main_bar.o ./libbar.so ./bfd/libfoo.so", tu_objload_bin());
	lk_run("needed", cmd, &o);
	LK_CHECK(strstr(o.err, "./libbar.so needs libfoo.so: the input ./bfd/libfoo.so") &&
		 strstr(o.err, "./libbar.so needs libz.so.1: opened from the host"),
		 "--trace says where each DT_NEEDED library came from: %s", o.err);
	free(cmd);
	lk_free(&o);
	lk_refused("run main_bar.o ./libbar.so",
		   "./libbar.so needs libfoo.so, which is not among the inputs");
}

/* foo@@V2 is what an unversioned reference finds, never foo@V1. */
static void test_so_versions(void)
{
	struct tu_result o;
	char *cmd;

	LK_NEED_ELF();
	lk_same("./native_ver", "main_ver.o ./libver.so");
	cmd = tu_fmt("'%s' info ./libver.so", tu_objload_bin());
	lk_run("ver", cmd, &o);
	{
		const char *old = strstr(o.out, " ver_get@VER_1 "), *def = strstr(o.out, " ver_get@@VER_2 ");
		size_t old_len = old ? strcspn(old, "\n") : 0, def_len = def ? strcspn(def, "\n") : 0;

		LK_CHECK(old && def && !memmem(old, old_len, "cname=", 6) &&
			 memmem(def, def_len, "cname=ver_get", 13),
			 "info names both versions, only the default one by its plain name: %s",
			 o.out);
	}
	free(cmd);
	lk_free(&o);
}

/* The system's zlib, loaded by objload from its file. */
static void test_so_system_library(void)
{
	char *a;

	LK_NEED_ELF();
	a = tu_capture("gcc -print-file-name=libz.so.1", NULL);
	if (!LK_CHECK(a && a[0] == '/', "gcc finds libz.so.1: %s", a ? a : "(nothing)")) {
		free(a);
		return;
	}
	a[strcspn(a, "\n")] = '\0';
	{
		char *args = tu_fmt("zmain.o %s", a);

		lk_same("./native_z", args);
		free(args);
	}
	free(a);
}

/* What a linked image cannot be given, and what objload refuses. */
static void test_so_refused(void)
{
	LK_NEED_ELF();
	lk_refused("run --strategy=section main.o ./bfd/libfoo.so",
		   "./bfd/libfoo.so: the elf plug-in refuses the section strategy: linked image: "
		   "layout is meaningful");
	lk_refused("run --strategy=section main.o ./bfd/libfoo.so", "always loaded whole");
	lk_refused("info libtls.so", "libtls.so: program header");
	lk_refused("info libtls.so", "is PT_TLS: thread-local storage in shared objects is not "
		   "supported yet");
	lk_refused("info libifunc.so", "'ifunc_get' is an indirect function (STT_GNU_IFUNC)");
	lk_refused("info pie_copy", "pie_copy: DT_RELA: a COPY relocation at 0x");
	lk_refused("info pie_copy", "copy relocations belong to executables");
}

/* objload info on a shared object: segments, dynamic symbols, needed
 * libraries, the strategy and its reason; the JSON validates. */
static void test_so_info(void)
{
	struct tu_result o;
	char *cmd;

	LK_NEED_ELF();
	cmd = tu_fmt("'%s' info ./libbar.so", tu_objload_bin());
	lk_run("info", cmd, &o);
	LK_CHECK(o.code == 0 && strstr(o.out, "kind: shared\n") &&
		 strstr(o.out, "strategy: whole (linked image: layout is meaningful: an ELF "
			"shared object, 4 PT_LOAD segments") &&
		 strstr(o.out, "dynamic-symbols: 1 exported, ") &&
		 strstr(o.out, "  needed libfoo.so\n") && strstr(o.out, "  needed libz.so.1\n") &&
		 strstr(o.out, "LOAD1.rx role=code type=PT_LOAD") &&
		 strstr(o.out, "LOAD3.relro role=rodata") && strstr(o.out, " addr=0x1000") &&
		 strstr(o.out, " bar_mix value=") && strstr(o.out, "R_X86_64_JUMP_SLOT ABS64 crc32"),
		 "objload info libbar.so: %s%s", o.out, o.err);
	free(cmd);
	lk_free(&o);
	cmd = tu_fmt("'%s' info --json ./libbar.so", tu_objload_bin());
	lk_run("info-json", cmd, &o);
	LK_CHECK(o.code == 0 && strstr(o.out, "\"linked\": {\"soname\": null, \"exports\": 1, ") &&
		 strstr(o.out, "\"needed\": [\"libfoo.so\", \"libz.so.1\"") &&
		 tu_sh("cd '%s' && python3 '%s/cli/check_json.py' '%s/../docs/objload-info.schema.json' "
		       "info-json.out", lk_dir, tu_srcdir(), tu_srcdir()) == 0,
		 "info --json of a shared object validates: %s%s", o.out, o.err);
	free(cmd);
	lk_free(&o);
}

/* objload compare: every row runs; the library is whole in each. */
static void test_so_compare(void)
{
	struct tu_result o;
	char *cmd;

	LK_NEED_ELF();
	cmd = tu_fmt("'%s' compare main.o ./bfd/libfoo.so", tu_objload_bin());
	lk_run("compare", cmd, &o);
	LK_CHECK(strstr(o.out, "\nsection ") &&
		 strstr(o.out, "\nsection: 1 image(s) whole, 1 section by section") &&
		 strstr(o.out, "\n  ./bfd/libfoo.so: whole (linked image: layout is meaningful") &&
		 strstr(o.out, "linked image: layout is meaningful") &&
		 !strstr(o.out, "section error"),
		 "compare loads the library whole under every strategy: %s%s", o.out, o.err);
	free(cmd);
	lk_free(&o);
}

/* ---- Mach-O dylibs and bundles ------------------------------------------------------- */

#define LK_NEED_MACHO() \
	do { \
		if (!LK_CHECK(lk_built_macho, "the dylibs did not build (see above)")) \
			return; \
	} while (0)

/* A Mach-O object calling libfoo.dylib, linked each way; the object whole
 * and per-section. */
static void test_dylib_run(void)
{
	static const char *const libs[] = {
		"m/opcodes/libfoo.dylib", "m/chained/libfoo.dylib", "m/bundle/libfoo.bundle",
	};

	LK_NEED_MACHO();
	for (size_t i = 0; i < TU_COUNT(libs); i++) {
		char *a = tu_fmt("m/main.o ./%s", libs[i]);

		lk_same("./m/native", a);
		free(a);
		a = tu_fmt("--strategy=section m/main.o --strategy=auto ./%s", libs[i]);
		lk_same("./m/native", a);
		free(a);
	}
}

/* Cross-format: gcc's ELF main.o calls the dylib (ELF `foo_add` and
 * Mach-O `_foo_add` are one C-level name). */
static void test_dylib_from_elf(void)
{
	LK_NEED_MACHO();
	LK_NEED_ELF();
	lk_same("./bfd/native", "main.o ./m/opcodes/libfoo.dylib");
	lk_same("./bfd/native", "main.o ./m/chained/libfoo.dylib");
}

/* LC_LOAD_DYLIB @rpath/libfoo.dylib: found among the inputs by its
 * install name; absent, a clear error. */
static void test_dylib_needed(void)
{
	LK_NEED_MACHO();
	lk_same("./m/native_baz", "m/main_baz.o ./m/libbaz.dylib ./m/opcodes/libfoo.dylib");
	lk_refused("run m/main_baz.o ./m/libbaz.dylib",
		   "./m/libbaz.dylib needs @rpath/libfoo.dylib, which is not among the inputs");
}

static void test_dylib_info(void)
{
	struct tu_result o;
	char *cmd;

	LK_NEED_MACHO();
	cmd = tu_fmt("'%s' info ./m/opcodes/libfoo.dylib", tu_objload_bin());
	lk_run("dinfo", cmd, &o);
	LK_CHECK(o.code == 0 && strstr(o.out, "format: macho\n") &&
		 strstr(o.out, "kind: shared\n") &&
		 strstr(o.out, "strategy: whole (linked image: layout is meaningful: a Mach-O "
			"dylib, 3 segments") &&
		 strstr(o.out, "soname: @rpath/libfoo.dylib\n") &&
		 strstr(o.out, "__TEXT role=code type=LC_SEGMENT_64") &&
		 strstr(o.out, "__DATA_CONST role=rodata") &&
		 strstr(o.out, " _foo_add value=") && strstr(o.out, "cname=foo_add") &&
		 strstr(o.out, " LAZY_BIND ABS64 _strlen") && strstr(o.out, " REBASE ABS64 __TEXT") &&
		 /* the lazy pointers' rebases yield to their binds */
		 strstr(o.out, " REBASE NONE __TEXT"),
		 "objload info libfoo.dylib: %s%s", o.out, o.err);
	free(cmd);
	lk_free(&o);
	cmd = tu_fmt("'%s' info ./m/chained/libfoo.dylib", tu_objload_bin());
	lk_run("dinfo2", cmd, &o);
	LK_CHECK(o.code == 0 && strstr(o.out, " CHAINED_BIND ABS64 _") &&
		 strstr(o.out, " CHAINED_REBASE ABS64 ") && strstr(o.out, " INIT_OFFSET ABS64 __TEXT") &&
		 strstr(o.out, "constructors __init_offsets.pointers+0x0 count=2 priority=0"),
		 "objload info of the chained-fixups dylib: %s%s", o.out, o.err);
	free(cmd);
	lk_free(&o);
	lk_refused("run --strategy=section m/main.o ./m/opcodes/libfoo.dylib",
		   "the macho plug-in refuses the section strategy: linked image: layout is "
		   "meaningful: a Mach-O dylib");
}

/* ---- from memory, through the API ---------------------------------------------------- */

/* The linked image's sections (core/layout.c layout_linked) kept the
 * distances of their file addresses, byte for byte; the segment holding
 * the RELRO part ended read-only, the code's read-execute. */
static void lk_check_layout(objload_session *s, size_t image)
{
	const objload_image *img = objload_get_image(s, image);
	uint64_t base = 0;
	int have_base = 0, pieces = 0, relro = 0, code = 0;

	for (size_t i = 0; i < objload_piece_count(s); i++) {
		objload_piece_info p;
		objload_segment_info g;
		int k;

		if (objload_get_piece(s, i, &p) != OBJLOAD_OK || p.image != image ||
		    (k = tu_find_section(img, p.name)) < 0 ||
		    objload_get_segment(s, p.segment, &g) != OBJLOAD_OK)
			continue;
		pieces++;
		if (!have_base) {
			base = p.target - img->sections[k].file_addr;
			have_base = 1;
		}
		LK_CHECK(p.target - img->sections[k].file_addr == base,
			 "%s at 0x%llx keeps its distance (file address 0x%llx, base 0x%llx)",
			 p.name, (unsigned long long)p.target,
			 (unsigned long long)img->sections[k].file_addr, (unsigned long long)base);
		if (strstr(p.name, ".relro"))
			relro = g.prot == OBJLOAD_PROT_READ;
		if (strstr(p.name, ".rx"))
			code = g.prot == (OBJLOAD_PROT_READ | OBJLOAD_PROT_EXEC);
	}
	LK_CHECK(pieces >= 6 && relro && code && base % 4096 == 0,
		 "%d sections of the library placed, RELRO read-only %d, code R-X %d, base 0x%llx",
		 pieces, relro, code, (unsigned long long)base);
}

/* libfoo.so from a buffer: its constructor ran, its function and data
 * are reached, main.o binds to them. */
static void test_so_memory_api(void)
{
	objload_session *s = NULL;
	uint8_t *bytes;
	size_t len;
	char *path;
	int (*add)(int, int) = NULL;
	int *counter = NULL;
	const char *banner = NULL;
	objload_strategy strategy;
	const char *reason = NULL;

	LK_NEED_ELF();
	path = tu_fmt("%s/bfd/libfoo.so", lk_dir);
	bytes = tu_read_file(path, &len);
	free(path);
	if (!LK_CHECK(bytes, "read libfoo.so"))
		return;
	path = tu_fmt("%s/main.o", lk_dir);
	if (LK_CHECK(objload_session_new(&s) == OBJLOAD_OK, "session") &&
	    LK_CHECK(objload_add_memory(s, "libfoo.so (memory)", bytes, len) == OBJLOAD_OK,
		     "add_memory: %s", objload_errmsg(s)) &&
	    LK_CHECK(objload_set_input_strategy(s, OBJLOAD_STRATEGY_SECTION) == OBJLOAD_OK,
		     "strategy") &&
	    LK_CHECK(objload_add_file(s, path) == OBJLOAD_OK, "add main.o: %s",
		     objload_errmsg(s)) &&
	    LK_CHECK(objload_link(s) == OBJLOAD_OK, "link: %s", objload_errmsg(s))) {
		LK_CHECK(objload_lookup(s, "foo_add", (void **)&add) == OBJLOAD_OK && add,
			 "lookup foo_add: %s", objload_errmsg(s));
		LK_CHECK(objload_lookup(s, "foo_counter", (void **)&counter) == OBJLOAD_OK &&
			 counter, "lookup foo_counter: %s", objload_errmsg(s));
		LK_CHECK(objload_lookup(s, "foo_banner", (void **)&banner) == OBJLOAD_OK && banner,
			 "lookup foo_banner: %s", objload_errmsg(s));
		if (add && counter && banner) {
			LK_CHECK(strcmp(banner, "libfoo ready (6)") == 0,
				 "the constructor ran and called libc: '%s'", banner);
			LK_CHECK(*counter == 40 && add(2, 3) == 6 && *counter == 42,
				 "foo_add reads and writes the library's data: counter %d", *counter);
		}
		LK_CHECK(objload_image_strategy(s, 0, &strategy, &reason) == OBJLOAD_OK &&
			 strategy == OBJLOAD_STRATEGY_WHOLE && reason &&
			 strstr(reason, "linked image: layout is meaningful"),
			 "the library is whole: %s", reason ? reason : "?");
		LK_CHECK(objload_image_strategy(s, 1, &strategy, NULL) == OBJLOAD_OK &&
			 strategy == OBJLOAD_STRATEGY_SECTION, "main.o is per-section");
		lk_check_layout(s, 0);
	}
	objload_session_free(s);
	free(path);
	free(bytes);
}

/* The system's libz.so.1 from a buffer: compress and uncompress. */
static void test_so_memory_system(void)
{
	typedef int (*compress_fn)(unsigned char *, unsigned long *, const unsigned char *,
				   unsigned long);
	objload_session *s = NULL;
	uint8_t *bytes = NULL;
	size_t len = 0;
	char *path = tu_capture("gcc -print-file-name=libz.so.1", NULL);
	compress_fn pack = NULL, unpack = NULL;
	const char *(*version)(void) = NULL;

	if (path)
		path[strcspn(path, "\n")] = '\0';
	if (path)
		bytes = tu_read_file(path, &len);
	if (!LK_CHECK(bytes, "read %s", path ? path : "libz.so.1")) {
		free(path);
		return;
	}
	if (LK_CHECK(objload_session_new(&s) == OBJLOAD_OK, "session") &&
	    LK_CHECK(objload_add_memory(s, "libz.so.1", bytes, len) == OBJLOAD_OK,
		     "add_memory: %s", objload_errmsg(s)) &&
	    LK_CHECK(objload_link(s) == OBJLOAD_OK, "link: %s", objload_errmsg(s)) &&
	    LK_CHECK(objload_lookup(s, "compress", (void **)&pack) == OBJLOAD_OK &&
		     objload_lookup(s, "uncompress", (void **)&unpack) == OBJLOAD_OK &&
		     objload_lookup(s, "zlibVersion", (void **)&version) == OBJLOAD_OK,
		     "lookups: %s", objload_errmsg(s))) {
		static const char text[] = "from memory, from memory, from memory, from memory";
		unsigned char packed[256], back[256];
		unsigned long n = sizeof(packed), m = sizeof(back);

		LK_CHECK(version()[0] == '1' && version()[1] == '.', "zlibVersion %s", version());
		LK_CHECK(pack(packed, &n, (const unsigned char *)text, sizeof(text)) == 0 &&
			 n < sizeof(text) && unpack(back, &m, packed, n) == 0 &&
			 m == sizeof(text) && memcmp(back, text, m) == 0,
			 "compress %lu -> %lu bytes and back", (unsigned long)sizeof(text), n);
	}
	objload_session_free(s);
	free(bytes);
	free(path);
}

int objload_test_register_linked(void)
{
	static const struct tu_test tests[] = {
		{ "so_run", test_so_run },
		{ "so_interpose", test_so_interpose },
		{ "so_needed", test_so_needed },
		{ "so_versions", test_so_versions },
		{ "so_system_library", test_so_system_library },
		{ "so_refused", test_so_refused },
		{ "so_info", test_so_info },
		{ "so_compare", test_so_compare },
		{ "so_memory_api", test_so_memory_api },
		{ "so_memory_system", test_so_memory_system },
		{ "dylib_run", test_dylib_run },
		{ "dylib_from_elf", test_dylib_from_elf },
		{ "dylib_needed", test_dylib_needed },
		{ "dylib_info", test_dylib_info },
	};

	return tu_add_suite("linked", lk_init, lk_clean, tests, TU_COUNT(tests));
}
