#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/threads/run-tsan.sh [BUILDDIR]
#
# Builds objload with ThreadSanitizer in its own directory (default
# ${TMPDIR:-/tmp}/objload-tsan; TSan cannot be combined with the ASan of
# --enable-sanitizers), builds tests/threads/test_threads.c against it,
# compiles the three objects the test loads and runs it: 4 threads each
# loading, linking, running and unloading their own sessions over the same
# files.  Exit status 0 when the results are right and TSan saw no race.
# `make check-tsan` runs this script.  CC (default gcc) may be clang.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-${TMPDIR:-/tmp}/objload-tsan}
cc=${CC:-gcc}
tsan="-g -O1 -fno-omit-frame-pointer -fsanitize=thread"
mkdir -p "$build"
build=$(cd "$build" && pwd)
cd "$build"
if [ ! -f Makefile ]; then
	"$src/configure" --quiet CC="$cc" CFLAGS="$tsan" LDFLAGS="-fsanitize=thread"
fi
make -j"$(nproc 2>/dev/null || echo 2)" objload-paths.h libobjload.la >/dev/null
$cc -std=gnu11 $tsan -I"$src/include" -I"$src" -o test_threads \
	"$src/tests/threads/test_threads.c" .libs/libobjload.a -ldl -lpthread -lm
work=$(mktemp -d "${TMPDIR:-/tmp}/objload-threads-XXXXXX")
trap 'rm -rf "$work"' EXIT
cat >"$work/a.c" <<'SRC'
static int three = 3;
int th_work(int x) { return x * three + 1; }
SRC
cat >"$work/b.c" <<'SRC'
static int sq(int x) { return x * x; }
int th_table[2] = { 7, 0 };
int th_work(int x) { return sq(x) + th_table[0]; }
SRC
cat >"$work/c.c" <<'SRC'
extern int snprintf(char *, unsigned long, const char *, ...);
extern unsigned long strlen(const char *);
static int base;
__attribute__((constructor)) static void init(void) { base = 100; }
int th_work(int x)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "x=%d", x);
	return x + (int)strlen(buf) + base;
}
SRC
gcc -O2 -c -o "$work/a.o" "$work/a.c"
gcc -O0 -fno-pic -c -o "$work/b.o" "$work/b.c"
gcc -O2 -fPIC -c -o "$work/c.o" "$work/c.c"
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}" \
	./test_threads "$work/a.o" "$work/b.o" "$work/c.o"
