#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/leaks/run-lsan.sh BUILDDIR
#
# objload's own leaks, under LeakSanitizer: BUILDDIR is a tree configured
# with --enable-sanitizers.  Every command of the CLI (run, info, link,
# compare, in every strategy) runs on programs that free what they
# allocate, compiled here as ELF (gcc), Mach-O (clang for macOS, against
# the stand-in SDK) and COFF (MinGW gcc), with leak detection on; any
# leak report fails the script.
#
# Why a script of its own: the sanitizer `make check` runs with leak
# detection off (.ci/run), because the programs it runs through objload
# (Tcl, CPython, C++ with iostream) keep memory until exit by design,
# and their allocations are made in objload's process, so LeakSanitizer
# would charge objload with them.  Here every program is leak-free
# natively, so whatever LeakSanitizer finds is objload's.
set -u
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
objload=$build/objload
work=$(mktemp -d "${TMPDIR:-/tmp}/objload-lsan-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
sdk=$src/tests/unit/macho-src/sdk
failed=0
runs=0

# compile TAG CC SOURCES...: objects TAG-*.o for one program
compile() {
	tag=$1 cc=$2
	shift 2
	for f in "$@"; do
		$cc -c "$f" -o "$tag-$(basename "${f%.c}").o" || return 1
	done
}

# check WHAT COMMAND...: the command under LeakSanitizer; its exit status
# may be anything the command means (compare exits 1 when a row fails),
# but no leak may be reported
check() {
	what=$1
	shift
	runs=$((runs + 1))
	ASAN_OPTIONS=detect_leaks=1:exitcode=99 "$@" >out.txt 2>err.txt </dev/null
	if grep -q "LeakSanitizer" err.txt; then
		echo "run-lsan: $what: objload leaked:"
		sed -n '1,40p' err.txt
		failed=1
	fi
}

progs="calc libc multiobj switch ctors"
for p in $progs; do
	srcs=$(ls "$src/tests/programs/$p"/*.c)
	compile "elf-$p" "gcc -O2" $srcs || { echo "run-lsan: gcc $p failed"; exit 1; }
	compile "macho-$p" "clang --target=x86_64-apple-macos11 -O2 -nostdlibinc -isystem $sdk" \
		$srcs || { echo "run-lsan: clang (macOS) $p failed"; exit 1; }
	compile "coff-$p" "x86_64-w64-mingw32-gcc -O2" $srcs ||
		{ echo "run-lsan: MinGW gcc $p failed"; exit 1; }
	for fmt in elf macho coff; do
		objs=$(ls "$fmt-$p"-*.o)
		for st in whole section auto; do
			check "$fmt $p run --strategy=$st" "$objload" run --strategy=$st $objs
		done
		check "$fmt $p info --json" "$objload" info --json $objs
		check "$fmt $p link" "$objload" link --base=0x10000000 -o linked.bin \
			--define=printf=0x1000 $objs
		check "$fmt $p compare" "$objload" compare --json $objs
	done
done
# the bundled example, and an archive: libz's members on demand
compile ex "gcc -O2" "$src/examples/hello.c" "$src/examples/greet.c"
check "example run" "$objload" run ex-hello.o ex-greet.o
zsrcs=$(ls "$src/tests/programs/zlib"/*.c 2>/dev/null)
if [ -n "$zsrcs" ] && compile zl "gcc -O2" $zsrcs; then
	check "zlib run over libz.a" "$objload" run zl-*.o "$(gcc -print-file-name=libz.a)"
fi
echo "run-lsan: $runs commands under LeakSanitizer, $([ $failed = 0 ] && echo 'no leaks' || echo 'LEAKS')"
exit $failed
