#!/bin/sh
# SPDX-License-Identifier: MIT
# Loading a real shared library of the system: objload from memory and
# from its file vs the host's dlopen, each in a fresh process
# (bench/shared_lib.c), RUNS times; the median time of load + symbol
# lookup and the median growth of the resident set.
#
#   bench/shared_lib.sh BUILDDIR WORKDIR [RUNS]     (make bench: RUNS=20)
#
# The libraries: libz.so.1 and libsqlite3.so.0 as gcc finds them.
set -eu
BUILD=$(cd "$1" && pwd)
WORK=$2
RUNS=${3:-20}
SRC=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-gcc}
mkdir -p "$WORK"
cd "$WORK"
$CC -O2 -I"$SRC/include" -o shared_lib "$SRC/bench/shared_lib.c" \
	"$BUILD/.libs/libobjload.a" -ldl -lm
: > shared_times.txt
for lib in "libz.so.1 zlibVersion" "libsqlite3.so.0 sqlite3_libversion"; do
	set -- $lib
	path=$($CC -print-file-name="$1")
	[ -f "$path" ] || { echo "== $1 not found: skipped"; continue; }
	for mode in objload-memory objload-file dlopen; do
		echo "== $1 / $mode"
		i=0
		while [ $i -lt $((RUNS + 2)) ]; do
			out=$(./shared_lib $mode "$path" "$2")
			[ $i -ge 2 ] && echo "$1 $mode $out" >> shared_times.txt
			i=$((i + 1))
		done
	done
done
python3 - "$RUNS" <<'PY' | tee shared_results.md
import statistics, sys
rows = {}
for line in open("shared_times.txt"):
    lib, mode, ns, kb, _ = line.split(None, 4)
    rows.setdefault((lib, mode), []).append((int(ns), int(kb)))
print(f"## Loading a system shared library, median of {sys.argv[1]} processes\n")
print("| library | objload from memory | objload from its file | host dlopen | memory / dlopen | RSS growth: memory, file, dlopen (kB) |")
print("|---|---|---|---|---|---|")
for lib in sorted({k[0] for k in rows}):
    t = {m: statistics.median(r[0] for r in rows[(lib, m)]) / 1e6 for m in
         ("objload-memory", "objload-file", "dlopen") if (lib, m) in rows}
    k = {m: statistics.median(r[1] for r in rows[(lib, m)]) for m in t}
    ratio = t["objload-memory"] / t["dlopen"] if t.get("dlopen") else float("nan")
    print(f"| {lib} | {t['objload-memory']:.3f} ms | {t['objload-file']:.3f} ms | "
          f"{t['dlopen']:.3f} ms | {ratio:.2f}x | {k['objload-memory']:.0f}, "
          f"{k['objload-file']:.0f}, {k['dlopen']:.0f} |")
PY
