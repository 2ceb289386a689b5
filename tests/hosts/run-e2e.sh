#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# End to end on another host: the programs of tests/programs/ compiled by
# real compilers for every object format the host runs, loaded and run by
# an objload built for that host, under an emulator, with
# `objload run --strategy=whole` and `--strategy=section`; stdout, stderr
# and the exit status must equal the reference build's.
#
#   tests/hosts/run-e2e.sh aarch64 OBJLOAD RUNNER...
#       Linux AArch64.  Objects: ELF (aarch64-linux-gnu-gcc -O0, -O2,
#       -O2 -fPIC, -O2 -fno-pic; clang --target=aarch64-linux-gnu -O0,
#       -O2), Mach-O (clang --target=arm64-apple-macos11 against the
#       stand-in SDK of tests/unit/macho-src/sdk), COFF (clang
#       --target=aarch64-pc-windows-msvc with the MinGW headers).  The
#       reference is the program cross-built by aarch64-linux-gnu-gcc and
#       run under the same RUNNER (qemu-aarch64 -L /usr/aarch64-linux-gnu).
#   tests/hosts/run-e2e.sh windows OBJLOAD.EXE RUNNER...
#       Windows x86-64.  Objects: COFF (clang for x86_64-pc-windows-msvc
#       and x86_64-w64-mingw32, x86_64-w64-mingw32-gcc; -O0, -O2), ELF
#       (gcc and clang -O0, -O2, -O2 -fPIC, -O2 -fno-pic), Mach-O (clang
#       --target=x86_64-apple-macos11).  The reference is the Linux native
#       build (gcc -O2) run here.  RUNNER is wine.  Also: W^X as
#       VirtualQuery sees it, a PE DLL called from COFF and ELF objects,
#       compare refused.
#   Both: ELF thread-local storage refused; AArch64: an IFUNC.
#
# Programs left out, and why:
#   zlib         everywhere: its archive holds the x86-64 Linux libz.a's
#                members (no arm64 or Windows libz.a is installed);
#   align        COFF: the MSVC target refuses its alignments (8 KiB+),
#                and for the arm64 host the MinGW headers as well;
#   bounds       COFF: __start_SEC/__stop_SEC are ELF's and Mach-O's;
#   libc, reloctables  COFF: they print `long` values above 32 bits,
#                which LLP64 cuts at compile time (by design);
#   weak         COFF by MinGW gcc: PE has no weak undefined data;
#   common       COFF for the MSVC target: no over-aligned commons;
#   calc         COFF arm64: its setjmp/longjmp need a jmp_buf, and the
#                x86-64 MinGW headers (the only ones installed) declare
#                int[1] for an arm64 target;
#   ctors        Mach-O: no constructor priorities across objects, so the
#                one-object variant unit/macho-src/ctors runs instead.
# Mach-O also runs unit/macho-src/hostnames (the libSystem names objload
# maps).  (The same choices as the x86-64 suites e2e_coff and e2e_macho.)
#
# Prints one line per failure and a summary; exit status 1 when anything
# failed or could not be built, 0 otherwise.  E2E_WORK names the work
# directory (default: a new one under /tmp, removed on success).
set -u

if [ $# -lt 2 ]; then
	echo "usage: $0 aarch64|windows OBJLOAD [RUNNER...]" >&2
	exit 2
fi
host=$1
objload=$(realpath "$2")
shift 2
runner=("$@")
tests=$(cd "$(dirname "$0")/.." && pwd)
programs=$tests/programs
sdk=$tests/unit/macho-src/sdk
mingw_inc=/usr/x86_64-w64-mingw32/include
work=${E2E_WORK:-$(mktemp -d /tmp/objload-hosts-e2e.XXXXXX)}
mkdir -p "$work"
failures=0
runs=0
built=0

coff_programs="multiobj libm switch calc ctors args weak exit common"
all_programs="align args bounds calc common ctors exit libc libm multiobj reloctables switch weak"
macho_programs="${all_programs/ ctors/} unit/macho-src/ctors unit/macho-src/hostnames"

# The runner works, and has set itself up (a new wine prefix says so on
# stderr the first time).
if ! "${runner[@]}" "$objload" --version >"$work/version.out" 2>"$work/version.err"; then
	echo "FAIL: ${runner[*]} $objload --version does not run (see $work/version.err)"
	exit 1
fi

# A configuration: tag, the programs it builds, then the compile command.
configs=()
add_config() { configs+=("$1|$2|$3"); }

case $host in
aarch64)
	ref_cc="aarch64-linux-gnu-gcc -O2"
	ref_run=("${runner[@]}")
	for o in "-O0" "-O2" "-O2 -fPIC" "-O2 -fno-pic"; do
		add_config "elf-gcc$o" "$all_programs" "aarch64-linux-gnu-gcc $o"
	done
	for o in -O0 -O2; do
		add_config "elf-clang$o" "$all_programs" "clang --target=aarch64-linux-gnu $o"
		add_config "macho$o" "$macho_programs" \
			"clang --target=arm64-apple-macos11 -nostdlibinc -isystem $sdk $o"
		coff_a64=${coff_programs/ common/}
		add_config "coff-msvc$o" "${coff_a64/ calc/}" \
			"clang --target=aarch64-pc-windows-msvc -fgnuc-version=4.2.1 -isystem $mingw_inc $o"
	done
	;;
windows)
	ref_cc="gcc -O2"
	ref_run=()
	for o in -O0 -O2; do
		add_config "coff-msvc$o" "${coff_programs/ common/}" \
			"clang --target=x86_64-pc-windows-msvc -fgnuc-version=4.2.1 -isystem $mingw_inc $o"
		add_config "coff-mingw-clang$o" "$coff_programs" \
			"clang --target=x86_64-w64-mingw32 -isystem $mingw_inc $o"
		add_config "coff-mingw-gcc$o" "${coff_programs/ weak/}" "x86_64-w64-mingw32-gcc $o"
		add_config "macho$o" "$macho_programs" \
			"clang --target=x86_64-apple-macos11 -nostdlibinc -isystem $sdk $o"
	done
	for cc in gcc clang; do
		for o in "-O0" "-O2" "-O2 -fPIC" "-O2 -fno-pic"; do
			add_config "elf-$cc$o" "$all_programs" "$cc $o"
		done
	done
	;;
*)
	echo "$0: unknown host $host (aarch64 or windows)" >&2
	exit 2
	;;
esac

# A program's directory: a name of tests/programs/, or a path under tests/.
program_dir() {
	case $1 in
	*/*) echo "$tests/$1" ;;
	*) echo "$programs/$1" ;;
	esac
}

# The program's arguments, one per line of its args file.
program_args() {
	local f=$(program_dir "$1")/args
	args=()
	[ -f "$f" ] || return 0
	while IFS= read -r line; do args+=("$line"); done <"$f"
}

# The reference: built once per program.
reference() {
	local p=$1 dir=$work/ref/${1//\//_} src
	src=$(program_dir "$p")
	[ -f "$dir/rc" ] && return 0
	mkdir -p "$dir"
	# shellcheck disable=SC2086
	if ! (cd "$dir" && $ref_cc -w $(cat "$src/cflags" 2>/dev/null) -I"$src" \
		"$src"/*.c -o native $(cat "$src/ldlibs" 2>/dev/null) -lm) \
		>"$dir/build.log" 2>&1; then
		echo "FAIL $p: the reference does not build (see $dir/build.log)"
		return 1
	fi
	program_args "$p"
	(cd "$dir" && timeout 120 "${ref_run[@]}" ./native "${args[@]}" >out 2>err </dev/null
	 echo $? >rc)
}

for config in "${configs[@]}"; do
	tag=${config%%|*}
	rest=${config#*|}
	progs=${rest%%|*}
	cc=${rest#*|}
	for p in $progs; do
		if ! reference "$p"; then
			failures=$((failures + 1))
			continue
		fi
		src=$(program_dir "$p")
		dir=$work/${tag// /}/${p//\//_}
		ref=$work/ref/${p//\//_}
		mkdir -p "$dir"
		objs=()
		ok=1
		for c in "$src"/*.c; do
			o=$(basename "$c" .c).o
			# shellcheck disable=SC2086
			if ! $cc -w $(cat "$src/cflags" 2>/dev/null) -I"$src" \
				-c "$c" -o "$dir/$o" >>"$dir/build.log" 2>&1; then
				ok=0
			fi
			objs+=("$o")
		done
		if [ $ok = 0 ]; then
			echo "FAIL $tag $p: does not compile (see $dir/build.log)"
			failures=$((failures + 1))
			continue
		fi
		built=$((built + 1))
		program_args "$p"
		for st in whole section; do
			runs=$((runs + 1))
			(cd "$dir" && timeout 120 "${runner[@]}" "$objload" run --strategy=$st \
				"${objs[@]}" -- "${args[@]}" >$st.out 2>$st.err </dev/null
			 echo $? >$st.rc)
			if cmp -s "$ref/out" "$dir/$st.out" && cmp -s "$ref/err" "$dir/$st.err" &&
			   cmp -s "$ref/rc" "$dir/$st.rc"; then
				continue
			fi
			failures=$((failures + 1))
			echo "FAIL $tag $p --strategy=$st: exit $(cat "$dir/$st.rc") (reference $(cat "$ref/rc")); see $dir"
			diff "$ref/out" "$dir/$st.out" | head -4 | sed 's/^/    /'
			head -3 "$dir/$st.err" | sed 's/^/    stderr: /'
		done
	done
done

# Thread-local storage in a running process needs objload's resolvers,
# x86-64 System V code (docs/hosts.md): on these hosts an ELF object that
# uses it (tests/programs-tls) is refused with a clear error, never run.
case $host in
aarch64) tls_cc="aarch64-linux-gnu-gcc -O2" ;;
*) tls_cc="gcc -O2" ;;
esac
dir=$work/tls-refused
mkdir -p "$dir"
runs=$((runs + 1))
# shellcheck disable=SC2086
if ! (cd "$dir" && $tls_cc -w -c "$tests/programs-tls/tlsdef.c" \
	"$tests/programs-tls/tlsuse.c") >"$dir/build.log" 2>&1; then
	failures=$((failures + 1))
	echo "FAIL tls-refused: does not compile (see $dir/build.log)"
else
	(cd "$dir" && timeout 120 "${runner[@]}" "$objload" run tlsdef.o tlsuse.o >out 2>err \
		</dev/null; echo $? >rc)
	if [ "$(cat "$dir/rc")" != 1 ] || ! grep -q "thread-local storage in a running process is not supported on this host" "$dir/err"; then
		failures=$((failures + 1))
		echo "FAIL tls-refused: not refused clearly (exit $(cat "$dir/rc")); see $dir"
	fi
fi

# AArch64 only: an IFUNC (tests/hosts/ifunc_aarch64.c), its resolver
# given AT_HWCAP as glibc gives it, against the native program.
if [ "$host" = aarch64 ]; then
	dir=$work/ifunc
	mkdir -p "$dir"
	if ! (cd "$dir" && aarch64-linux-gnu-gcc -O2 -c "$tests/hosts/ifunc_aarch64.c" -o ifunc.o &&
	      aarch64-linux-gnu-gcc -O2 "$tests/hosts/ifunc_aarch64.c" -o native) >"$dir/build.log" 2>&1; then
		failures=$((failures + 1))
		echo "FAIL ifunc: does not build (see $dir/build.log)"
	else
		(cd "$dir" && timeout 120 "${runner[@]}" ./native >ref.out 2>&1 </dev/null)
		for st in whole section; do
			runs=$((runs + 1))
			(cd "$dir" && timeout 120 "${runner[@]}" "$objload" run --strategy=$st ifunc.o \
				>$st.out 2>&1 </dev/null; echo $? >$st.rc)
			if ! cmp -s "$dir/ref.out" "$dir/$st.out" || [ "$(cat "$dir/$st.rc")" != 0 ] ||
			   ! grep -q "AT_HWCAP passed" "$dir/$st.out"; then
				failures=$((failures + 1))
				echo "FAIL ifunc --strategy=$st: exit $(cat "$dir/$st.rc"); see $dir"
			fi
		done
	fi
fi

# Windows only: W^X as Windows reports it (tests/programs-win/wxorx: a
# COFF program asking VirtualQuery about its own pages), and `compare`,
# which needs fork, refused clearly.
if [ "$host" = windows ]; then
	wx=$tests/programs-win/wxorx
	for tag in coff-mingw-gcc coff-msvc; do
		for o in -O0 -O2; do
			for cfg in "${configs[@]}"; do
				[ "${cfg%%|*}" = "$tag$o" ] && cc=${cfg##*|}
			done
			dir=$work/wxorx-$tag$o
			mkdir -p "$dir"
			# shellcheck disable=SC2086
			if ! $cc -w -c "$wx/main.c" -o "$dir/main.o" >"$dir/build.log" 2>&1; then
				echo "FAIL $tag$o wxorx: does not compile (see $dir/build.log)"
				failures=$((failures + 1))
				continue
			fi
			for st in whole section; do
				runs=$((runs + 1))
				(cd "$dir" && timeout 120 "${runner[@]}" "$objload" run --strategy=$st main.o \
					>$st.out 2>$st.err </dev/null; echo $? >$st.rc)
				if ! cmp -s "$wx/expected" "$dir/$st.out" || [ "$(cat "$dir/$st.rc")" != 42 ]; then
					failures=$((failures + 1))
					echo "FAIL $tag$o wxorx --strategy=$st: exit $(cat "$dir/$st.rc"); see $dir"
					diff "$wx/expected" "$dir/$st.out" | head -4 | sed 's/^/    /'
				fi
			done
		done
	done
	# A PE DLL (tests/programs-dll/basic, MinGW gcc) loaded by objload and
	# called from a COFF object, from an ELF object, and from an object
	# placed per section; DllMain runs at attach and detach.  The
	# reference is the Linux native build with a shared object.
	src=$tests/programs-dll/basic
	dir=$work/dll-basic
	mkdir -p "$dir"
	if ! (cd "$dir" && gcc -O2 -w -shared -fPIC "$src/foo.c" -o libfoo.so &&
	      gcc -O2 -w "$src/main.c" -L. -lfoo -Wl,-rpath,"$dir" -o native &&
	      x86_64-w64-mingw32-gcc -O2 -w -shared "$src/foo.c" -o foo.dll &&
	      x86_64-w64-mingw32-gcc -O2 -w -c "$src/main.c" -o main.obj &&
	      gcc -O2 -w -c "$src/main.c" -o main.o) >"$dir/build.log" 2>&1; then
		failures=$((failures + 1))
		echo "FAIL dll-basic: does not build (see $dir/build.log)"
	else
		(cd "$dir" && ./native >ref.out 2>ref.err </dev/null; echo $? >ref.rc)
		n=0
		for inputs in "main.obj foo.dll" "main.o foo.dll" \
			"--strategy=section main.obj --strategy=auto foo.dll"; do
			n=$((n + 1))
			runs=$((runs + 1))
			# shellcheck disable=SC2086
			(cd "$dir" && timeout 120 "${runner[@]}" "$objload" run $inputs >$n.out 2>$n.err \
				</dev/null; echo $? >$n.rc)
			if ! cmp -s "$dir/ref.out" "$dir/$n.out" || ! cmp -s "$dir/ref.err" "$dir/$n.err" ||
			   ! cmp -s "$dir/ref.rc" "$dir/$n.rc"; then
				failures=$((failures + 1))
				echo "FAIL dll-basic run $inputs: exit $(cat "$dir/$n.rc") (reference $(cat "$dir/ref.rc")); see $dir"
			fi
		done
	fi
	runs=$((runs + 1))
	dir=$work/wxorx-coff-mingw-gcc-O2
	(cd "$dir" && timeout 120 "${runner[@]}" "$objload" compare main.o >compare.out 2>compare.err
	 echo $? >compare.rc)
	if [ "$(cat "$dir/compare.rc")" != 1 ] ||
	   ! grep -q "objload compare: unsupported on this host (windows)" "$dir/compare.err"; then
		failures=$((failures + 1))
		echo "FAIL compare on Windows: not refused clearly (exit $(cat "$dir/compare.rc")); see $dir"
	fi
fi

echo "$host: $runs runs of $built builds in ${#configs[@]} configurations, $failures failed"
if [ $failures = 0 ] && [ -z "${E2E_WORK:-}" ]; then
	rm -rf "$work"
fi
[ $failures = 0 ]
