/* SPDX-License-Identifier: MIT */
/*
 * Suite "e2e_pe": Windows DLLs loaded by `objload run` on Linux.
 *
 * The programs of tests/programs-dll/ are built at test time: each DLL
 * with MinGW's gcc (its own C runtime start-up, dllcrt2.o) and with
 * MSVC-target clang linked by lld-link (-nodefaultlib, DllMain as the
 * entry point, MinGW's import libraries of KERNEL32 and MSVCRT: the MSVC
 * C runtime's libraries are not on this machine), the programs as COFF
 * objects of both compilers and as ELF objects of gcc; the same sources
 * built natively (gcc, shared objects) give the output, errors and exit
 * status `objload run` must reproduce.  Then `objload info` of a DLL
 * against llvm-readobj, its JSON against the schema, the refused
 * per-section plan, and the refusals with their messages (imports nothing
 * provides, an entry point returning FALSE, thread-local variables, an
 * executable, stripped relocations, a PE32 image), and an arm64 DLL
 * linked for an address.
 */
#define _GNU_SOURCE
#include <CUnit/Basic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tests.h"
#include "tests/util.h"

#define PE_CHECK(cond, ...) \
	tu_check_at("e2e_pe", __FILE__, __LINE__, (cond) ? 1 : 0, __VA_ARGS__)

#define MINGW_LIB "/usr/x86_64-w64-mingw32/lib"
#define MSVC_CC "clang --target=x86_64-pc-windows-msvc -O2 -w"
#define MSVC_LINK "lld-link -dll -nodefaultlib -entry:DllMain"
#define MSVC_LIBS MINGW_LIB "/libmsvcrt.a " MINGW_LIB "/libkernel32.a"
#define MINGW_CC "x86_64-w64-mingw32-gcc -O2 -w"

TU_SUITE_TMPDIR(pe_tmp, "pe", pe_init, pe_clean)

static const char *pe_src(void)
{
	return OBJLOAD_TEST_SRCDIR "/programs-dll";
}

/* The tools every test here needs; a missing one fails (install-deps.sh
 * installs them all), it is never counted as a pass. */
static int pe_have_tools(void)
{
	static const char *const tools[] = {
		"gcc", "clang", "lld-link", "llvm-dlltool", "llvm-readobj",
		"x86_64-w64-mingw32-gcc",
	};

	for (size_t i = 0; i < TU_COUNT(tools); i++)
		if (!tu_have_tool(tools[i])) {
			PE_CHECK(0, "%s is on the PATH", tools[i]);
			return 0;
		}
	return 1;
}

/* The output of a formatted shell command (to free; NULL when it could
 * not run), its status in *status when not NULL. */
static char *pe_capture(int *status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *pe_capture(int *status, const char *fmt, ...)
{
	va_list ap;
	char *cmd, *out;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		tu_oom();
	va_end(ap);
	out = tu_capture(cmd, status);
	free(cmd);
	return out;
}

/* `objload run ARGS` in dir into STEM.out/.err/.rc, and whether they
 * equal native.out/.err/.rc; the difference is printed when not. */
static int pe_same_as_native(const char *dir, const char *stem, const char *args)
{
	int same = tu_sh("cd '%s' && { timeout 60 %s run %s >%s.out 2>%s.err; echo $? >%s.rc; } && "
			   "cmp -s native.out %s.out && cmp -s native.err %s.err && "
			   "cmp -s native.rc %s.rc", dir, OBJLOAD_BIN, args, stem, stem, stem,
			   stem, stem, stem) == 0;

	if (!same) {
		fprintf(stderr, "\nobjload run %s (in %s) differs from the native build:\n", args, dir);
		tu_sh("cd '%s' && diff native.out %s.out | head -8 >&2; head -3 %s.err >&2; "
		      "echo \"exit $(cat %s.rc), native $(cat native.rc)\" >&2", dir, stem, stem, stem);
	}
	return same;
}

/* ---- basic: one DLL, from COFF and ELF objects --------------------------------------- */

static void test_basic(void)
{
	char *dir = tu_fmt("%s/basic", pe_tmp);
	static const char *const runs[][2] = {
		{ "mingw", "mingw/main.obj mingw/foo.dll" },
		{ "msvc", "msvc/main.obj msvc/foo.dll" },
		{ "mingw-msvc", "mingw/main.obj msvc/foo.dll" },
		{ "msvc-mingw", "msvc/main.obj mingw/foo.dll" },
		{ "elf-mingw", "main.o mingw/foo.dll" },
		{ "elf-msvc", "main.o msvc/foo.dll" },
		/* the program's object per section, the DLL whole */
		{ "section", "--strategy=section main.o --strategy=auto mingw/foo.dll" },
		{ "dll-first", "msvc/foo.dll msvc/main.obj" },
	};

	if (!pe_have_tools())
		goto out;
	if (!PE_CHECK(tu_sh_ok("mkdir -p %s/mingw %s/msvc && cd %s && S=%s/basic && "
			       "gcc -O2 -shared -fPIC $S/foo.c -o libfoo.so && "
			       "gcc -O2 $S/main.c -L. -lfoo -Wl,-rpath,$PWD -o native && "
			       "{ ./native >native.out 2>native.err; echo $? >native.rc; } && "
			       "gcc -O2 -c $S/main.c -o main.o && "
			       MINGW_CC " -shared $S/foo.c -o mingw/foo.dll && "
			       MINGW_CC " -c $S/main.c -o mingw/main.obj && "
			       MSVC_CC " -c $S/foo.c -o msvc/foo.obj && "
			       MSVC_LINK " msvc/foo.obj " MSVC_LIBS " -out:msvc/foo.dll && "
			       MSVC_CC " -c $S/main.c -o msvc/main.obj",
			       dir, dir, dir, pe_src()), "the basic programs build"))
		goto out;
	PE_CHECK(tu_sh("cd %s && grep -q 'foo: attach' native.out && grep -q 'foo: detach' native.out",
		       dir) == 0, "the native build prints its start-up and shut-down");
	for (size_t i = 0; i < TU_COUNT(runs); i++)
		PE_CHECK(pe_same_as_native(dir, runs[i][0], runs[i][1]),
			 "objload run %s is the native build", runs[i][1]);
out:
	free(dir);
}

/* ---- deps: start-up order, forwarders, ordinals, delay imports ------------------------ */

static void test_deps(void)
{
	char *dir = tu_fmt("%s/deps", pe_tmp);
	static const char *const runs[][2] = {
		{ "mingw", "mingw/main.obj mingw/user.dll mingw/fwd.dll mingw/base.dll" },
		{ "msvc", "msvc/main.obj msvc/user.dll msvc/fwd.dll msvc/base.dll" },
		{ "elf-msvc", "main.o msvc/fwd.dll msvc/user.dll msvc/base.dll" },
		{ "elf-mingw", "main.o mingw/base.dll mingw/user.dll mingw/fwd.dll" },
	};
	char *info;

	if (!pe_have_tools())
		goto out;
	if (!PE_CHECK(tu_sh_ok("mkdir -p %s/mingw %s/msvc && cd %s && S=%s/deps && "
			       "gcc -O2 -shared -fPIC $S/base.c -o libbase.so && "
			       "gcc -O2 -shared -fPIC $S/user.c -L. -lbase -Wl,-rpath,$PWD -o libuser.so && "
			       "gcc -O2 -shared -fPIC $S/fwd.c -L. -lbase -Wl,-rpath,$PWD -o libfwd.so && "
			       "gcc -O2 $S/main.c -L. -luser -lfwd -lbase -Wl,-rpath,$PWD -o native && "
			       "{ ./native >native.out 2>native.err; echo $? >native.rc; } && "
			       "gcc -O2 -c $S/main.c -o main.o && cd mingw && "
			       MINGW_CC " -shared $S/base.c -o base.dll -Wl,--out-implib,libbase.dll.a && "
			       MINGW_CC " -shared $S/user.c -o user.dll -L. -lbase && "
			       MINGW_CC " -shared $S/fwd.c -o fwd.dll -L. -lbase && "
			       MINGW_CC " -c $S/main.c -o main.obj && cd ../msvc && "
			       MSVC_CC " -c $S/base.c -o base.obj && "
			       MSVC_LINK " base.obj -def:$S/base.def " MSVC_LIBS " -out:base.dll && "
			       "llvm-dlltool -m i386:x86-64 -d $S/base-noname.def -l base-noname.lib && "
			       MSVC_CC " -DDELAY_HELPER -c $S/user.c -o user.obj && "
			       MSVC_LINK " user.obj base-noname.lib -delayload:base.dll " MSVC_LIBS
			       " -out:user.dll && "
			       MSVC_CC " -DFORWARDED -c $S/fwd.c -o fwd.obj && "
			       "lld-link -dll -noentry -nodefaultlib fwd.obj -def:$S/fwd.def -out:fwd.dll && "
			       MSVC_CC " -c $S/main.c -o main.obj",
			       dir, dir, dir, pe_src()), "the deps programs build"))
		goto out;
	/* what the MSVC build is made of, so that a change of the tools
	 * cannot make the runs below test less than they say */
	info = pe_capture(NULL, "cd %s/msvc && %s info user.dll fwd.dll", dir, OBJLOAD_BIN);
	PE_CHECK(info && strstr(info, "import base.dll!#1 cname=base.dll#1"),
		 "user.dll imports base_value by ordinal");
	PE_CHECK(info && strstr(info, "delay-import address table slot ABS64 base.dll!#1"),
		 "user.dll delay-loads base.dll");
	PE_CHECK(info && strstr(info, "export fwd_value notype forwarded-to=base_value") &&
		 strstr(info, "export fwd_ordinal notype forwarded-to=base.dll#1"),
		 "fwd.dll forwards by name and by ordinal");
	free(info);
	PE_CHECK(tu_sh("cd %s && head -2 native.out | tr '\\n' ' ' | grep -q "
		       "'^base: attach user: attach, base_value() = 40 '", dir) == 0,
		 "natively, base starts before user, which sees it ready");
	for (size_t i = 0; i < TU_COUNT(runs); i++)
		PE_CHECK(pe_same_as_native(dir, runs[i][0], runs[i][1]),
			 "objload run %s is the native build", runs[i][1]);
out:
	free(dir);
}

/* ---- winapi: KERNEL32 from a DLL ----------------------------------------------------- */

static void test_winapi(void)
{
	char *dir = tu_fmt("%s/winapi", pe_tmp);

	if (!pe_have_tools())
		goto out;
	if (!PE_CHECK(tu_sh_ok("mkdir -p %s && cd %s && S=%s/winapi && "
			       MINGW_CC " -shared $S/winapi.c -o winapi.dll && "
			       MINGW_CC " -c $S/main.c -o main.obj", dir, dir, pe_src()),
		      "the winapi program builds"))
		goto out;
	PE_CHECK(tu_sh("cd %s && timeout 60 %s run main.obj winapi.dll >out 2>err && "
		       "diff %s/winapi/winapi.expected out >&2 && test ! -s err",
		       dir, OBJLOAD_BIN, pe_src()) == 0,
		 "the winapi program prints winapi.expected");
out:
	free(dir);
}

/* ---- objload info, the strategy ------------------------------------------------------ */

static void test_info(void)
{
	char *dir = tu_fmt("%s/basic", pe_tmp);
	char *info, *refused;
	int status = 0;

	if (!pe_have_tools() || tu_sh("test -f %s/mingw/foo.dll", dir) != 0) {
		PE_CHECK(0, "the basic test built mingw/foo.dll");
		goto out;
	}
	info = pe_capture(&status, "cd %s && %s info mingw/foo.dll", dir, OBJLOAD_BIN);
	PE_CHECK(status == 0 && info, "objload info foo.dll");
	PE_CHECK(info && strstr(info, "kind: shared") && strstr(info, "calling-convention: ms-x64"),
		 "a shared image with the Microsoft x64 convention");
	PE_CHECK(info && strstr(info, "strategy: whole (linked image: layout is meaningful: a PE DLL, "),
		 "whole, with the reason");
	PE_CHECK(info && strstr(info, "section 0 (headers) role=rodata") &&
		 strstr(info, " .text role=code type=CODE") &&
		 strstr(info, " .reloc role=noload"), "the headers and the sections");
	PE_CHECK(info && strstr(info, "attach-entry .text+0x") && strstr(info, "attach-table .CRT+0x"),
		 "the entry point and the TLS callbacks");
	PE_CHECK(info && strstr(info, "export foo_add func .text+0x") &&
		 strstr(info, "export foo_counter object .data+0x"), "the exports");
	free(info);
	/* every import and export llvm-readobj lists, objload lists */
	PE_CHECK(tu_sh("cd %s && llvm-readobj --coff-imports mingw/foo.dll | "
		       "awk '/Name:/ { dll = $2 } /Symbol:/ { print dll \"!\" $2 }' | sort >want.imports && "
		       "test -s want.imports && %s info mingw/foo.dll | "
		       "sed -n 's/^  import \\([^ ]*\\) cname=.*/\\1/p' | sort >got.imports && "
		       "cmp -s want.imports got.imports", dir, OBJLOAD_BIN) == 0,
		 "the imports are llvm-readobj's");
	PE_CHECK(tu_sh("cd %s && llvm-readobj --coff-exports mingw/foo.dll | "
		       "awk '/Name: ./ { print $2 }' | sort >want.exports && test -s want.exports && "
		       "%s info mingw/foo.dll | sed -n 's/^  export \\([^#][^ ]*\\) .*/\\1/p' | sort "
		       ">got.exports && cmp -s want.exports got.exports", dir, OBJLOAD_BIN) == 0,
		 "the exports are llvm-readobj's");
	PE_CHECK(tu_sh("cd %s && %s info --json mingw/foo.dll >info.json && "
		       "python3 '%s/cli/check_json.py' '%s/../docs/objload-info.schema.json' info.json",
		       dir, OBJLOAD_BIN, OBJLOAD_TEST_SRCDIR, OBJLOAD_TEST_SRCDIR) == 0,
		 "objload info --json of a DLL follows the schema");
	refused = pe_capture(NULL, "cd %s && %s info --strategy=section mingw/foo.dll", dir,
			     OBJLOAD_BIN);
	PE_CHECK(refused && strstr(refused, "strategy: refused section (linked image: layout is "
				   "meaningful: a PE DLL ("), "info: a per-section plan is refused");
	free(refused);
	PE_CHECK(tu_sh("cd %s && %s compare mingw/main.obj mingw/foo.dll >compare.out 2>&1; "
		       "grep -q '^  mingw/foo.dll: whole (linked image: layout is meaningful: a PE DLL' "
		       "compare.out && grep -q '^auto .* yes ' compare.out", dir, OBJLOAD_BIN) == 0,
		 "compare: the DLL is whole, with the reason, and the program runs");
	PE_CHECK(tu_sh("cd %s && %s run --strategy=section mingw/main.obj mingw/foo.dll 2>err; "
		       "test $? = 1 && grep -q '^objload: mingw/foo.dll: the coff plug-in refuses the "
		       "section strategy: linked image: layout is meaningful: a PE DLL (' err",
		       dir, OBJLOAD_BIN) == 0, "run: a forced per-section plan is refused with the reason");
out:
	free(dir);
}

/* ---- what is refused ----------------------------------------------------------------- */

static void test_refusals(void)
{
	char *dir = tu_fmt("%s/refusals", pe_tmp);

	if (!pe_have_tools())
		goto out;
	if (!PE_CHECK(tu_sh_ok("mkdir -p %s && cd %s && "
			       "printf '#include <windows.h>\\n"
			       "__declspec(dllexport) int f(void) { char b[9]; DWORD n = 9; "
			       "GetComputerNameA(b, &n); return CreateFileA(\"x\", 0, 0, 0, 0, 0, 0) != 0; }\\n' >unk.c && "
			       MINGW_CC " -shared unk.c -o unk.dll && "
			       "printf '#include <windows.h>\\n#include <stdio.h>\\n"
			       "BOOL WINAPI DllMain(HINSTANCE h, DWORD r, LPVOID p) { "
			       "if (r == DLL_PROCESS_ATTACH) printf(\"no\\\\n\"); return r != DLL_PROCESS_ATTACH; }\\n' >no.c && "
			       MINGW_CC " -shared no.c -o no.dll && "
			       "printf '__thread int tv = 5;\\n__declspec(dllexport) int get(void) { return tv++; }\\n' >tls.c && "
			       "clang --target=x86_64-w64-mingw32 -O2 -c tls.c -o tls.o && "
			       MINGW_CC " -shared tls.o -o tls.dll && "
			       "printf 'int main(void) { return 0; }\\n' >m.c && "
			       MINGW_CC " m.c -o m.exe && gcc -c m.c -o m.o && "
			       MSVC_CC " -c m.c -o m.obj && "
			       "lld-link -dll -noentry -nodefaultlib -fixed m.obj -out:fixed.dll && "
			       "clang --target=i686-pc-windows-msvc -c m.c -o m32.obj && "
			       "lld-link -dll -noentry -nodefaultlib -machine:x86 m32.obj -out:m32.dll && "
			       "printf 'LIBRARY cyc.dll\\nEXPORTS\\nfa = cyc.fb\\nfb = cyc.fa\\n"
			       "fc = cyc.missing\\nfe = other.fe\\n' >cyc.def && "
			       "lld-link -dll -noentry -nodefaultlib m.obj -def:cyc.def -out:cyc.dll && "
			       "printf 'int fa(void);\\nint main(void) { return fa(); }\\n' >ua.c && "
			       "printf 'int fc(void);\\nint main(void) { return fc(); }\\n' >uc.c && "
			       "gcc -c ua.c && gcc -c uc.c",
			       dir, dir), "the refused inputs build"))
		goto out;
	PE_CHECK(tu_sh("cd %s && %s run m.o unk.dll 2>err; test $? = 1 && "
		       "grep -q \"'KERNEL32.dll!CreateFileA' (referenced by unk.dll)\" err && "
		       "grep -q \"'KERNEL32.dll!GetComputerNameA' (referenced by unk.dll)\" err",
		       dir, OBJLOAD_BIN) == 0, "every import nothing provides is named");
	PE_CHECK(tu_sh("cd %s && %s run m.o no.dll >out 2>err; test $? = 1 && grep -qx no out && "
		       "grep -q 'no.dll: its entry point returned FALSE for DLL_PROCESS_ATTACH' err",
		       dir, OBJLOAD_BIN) == 0, "a DLL whose DllMain returns FALSE is not loaded");
	PE_CHECK(tu_sh("cd %s && %s run m.o tls.dll 2>err; test $? = 1 && "
		       "grep -q 'tls.dll: it has thread-local variables' err", dir, OBJLOAD_BIN) == 0,
		 "thread-local variables in a DLL are refused");
	PE_CHECK(tu_sh("cd %s && %s info m.exe 2>err; test $? = 1 && "
		       "grep -q 'm.exe: a PE executable (IMAGE_FILE_DLL is not set): only DLLs are loaded' err",
		       dir, OBJLOAD_BIN) == 0, "an executable is refused");
	PE_CHECK(tu_sh("cd %s && %s info fixed.dll 2>err; test $? = 1 && "
		       "grep -q 'fixed.dll: its base relocations were stripped' err", dir, OBJLOAD_BIN) == 0,
		 "a DLL that cannot move is refused");
	PE_CHECK(tu_sh("cd %s && %s info m32.dll 2>err; test $? = 1 && "
		       "grep -q 'm32.dll: PE file header: machine 0x014c is not supported' err",
		       dir, OBJLOAD_BIN) == 0, "an x86 (PE32) DLL is refused by its machine");
	PE_CHECK(tu_sh("cd %s && %s run ua.o cyc.dll 2>err; test $? = 1 && "
		       "grep -q \"cyc.dll: 'f[ab]' is forwarded to 'f[ab]' through more than 16 aliases: "
		       "they form a cycle\" err", dir, OBJLOAD_BIN) == 0,
		 "forwarders in a cycle are refused");
	PE_CHECK(tu_sh("cd %s && %s run uc.o cyc.dll 2>err; test $? = 1 && "
		       "grep -q \"uc.o: 'fc' is forwarded by cyc.dll to 'missing', which nothing defines\" err",
		       dir, OBJLOAD_BIN) == 0, "a forwarder to a name nothing defines is named");
	PE_CHECK(tu_sh("cd %s && %s info cyc.dll >info && grep -q 'forwarded-to=fe hidden' info && "
		       "! grep -q '^  export fe ' info", dir, OBJLOAD_BIN) == 0,
		 "a forwarder to the same name defines only its ordinal");
out:
	free(dir);
}

/* ---- arm64: a DLL linked for an address ------------------------------------------------- */

static void test_arm64(void)
{
	char *dir = tu_fmt("%s/arm64", pe_tmp);
	char *map, *name;
	uint8_t *img;
	size_t len = 0;
	uint64_t text = 0, data = 0;

	if (!pe_have_tools())
		goto out;
	if (!PE_CHECK(tu_sh_ok("mkdir -p %s && cd %s && "
			       "printf '__declspec(dllexport) int value = 5;\\n__declspec(dllexport) int *pointer = &value;\\n"
			       "__declspec(dllexport) int get(void) { return *pointer; }\\n' >a.c && "
			       "clang --target=aarch64-pc-windows-msvc -O2 -c a.c -o a.obj && "
			       "lld-link -dll -noentry -nodefaultlib -machine:arm64 a.obj -out:a.dll && "
			       "%s info a.dll >info && grep -q 'arch: aarch64' info && "
			       "grep -q 'IMAGE_REL_BASED_DIR64 ABS64' info && "
			       "%s link --base=0x40000000 -o img.bin --map=img.map a.dll",
			       dir, dir, OBJLOAD_BIN, OBJLOAD_BIN),
		      "an arm64 DLL is read and linked for 0x40000000"))
		goto out;
	/* `pointer` (in .data) holds the address of `value` after the link */
	name = tu_fmt("%s/img.map", dir);
	map = tu_read_text(name, NULL);
	free(name);
	name = tu_fmt("%s/img.bin", dir);
	img = tu_read_file(name, &len);
	free(name);
	PE_CHECK(map && img, "the image and its map");
	if (map && img) {
		char *p = strstr(map, " global pointer\n");
		char *q = strstr(map, " global value\n");

		if (p && q) {
			/* map lines: ADDRESS ... NAME */
			while (p > map && p[-1] != '\n')
				p--;
			while (q > map && q[-1] != '\n')
				q--;
			text = strtoull(p, NULL, 16);
			data = strtoull(q, NULL, 16);
		}
		PE_CHECK(text >= 0x40000000 && text - 0x40000000 + 8 <= len &&
			 tu_get_le(img + (text - 0x40000000), 8) == data && data,
			 "the base relocation of `pointer` holds the address of `value` "
			 "(0x%llx)", (unsigned long long)data);
	}
	free(map);
	free(img);
out:
	free(dir);
}

int objload_test_register_e2e_pe(void)
{
	static const struct tu_test tests[] = {
		{ "a DLL from COFF and ELF objects, as the native build", test_basic },
		{ "start-up order, forwarders, ordinals, delay imports", test_deps },
		{ "KERNEL32 from a DLL", test_winapi },
		{ "objload info of a DLL; the per-section plan refused", test_info },
		{ "refusals: missing imports, DllMain FALSE, TLS, .exe, fixed, PE32", test_refusals },
		{ "an arm64 DLL linked for an address", test_arm64 },
	};

	return tu_add_suite("e2e_pe", pe_init, pe_clean, tests, TU_COUNT(tests));
}
