#!/bin/sh
# SPDX-License-Identifier: MIT
# objload benchmark: whole-process load + link + run, side by side with
# tcc -run, llvm-rtdyld -execute and llvm-jitlink (those installed), on
#   (a) a SQL driver over every member of libsqlite3.a (extracted with ar x),
#   (b) one object with 10,000 functions (gen_funcs.py, gcc -O2),
#   (c) 1,000 tiny objects plus a main calling them (gen_tiny.py).
# Medians of RUNS runs (hyperfine when installed, else a timing loop),
# ratios vs each peer, objload's per-phase breakdown (objload compare,
# whole-image row) and relocations per second in the relocate phase.
#
#   bench/run.sh OBJLOAD WORKDIR [RUNS]      (make bench: RUNS=20)
#
# OBJLOAD_BEFORE=PATH adds another objload binary (an earlier build) as a
# column of its own, timed in the same run, for before/after comparisons.
set -eu
OBJLOAD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
WORK=$2
RUNS=${3:-20}
SRC=$(cd "$(dirname "$0")" && pwd)
CC=${CC:-gcc}
SQLITE_A=${SQLITE_A:-$(gcc -print-file-name=libsqlite3.a)}
JITLINK=$(command -v llvm-jitlink || command -v llvm-jitlink-14 || true)
RTDYLD=$(command -v llvm-rtdyld || command -v llvm-rtdyld-14 || true)
TCC=$(command -v tcc || true)
LIBC=$(gcc -print-file-name=libc.so.6)
LIBM=$(gcc -print-file-name=libm.so.6)

mkdir -p "$WORK"
cd "$WORK"

echo "== building the workloads in $WORK"
mkdir -p sqlite && (cd sqlite && ar x "$SQLITE_A")
$CC -O2 -c -o sqlite_driver.o "$SRC/sqlite_driver.c"
python3 "$SRC/gen_funcs.py" 10000 funcs.c
$CC -O2 -c -o funcs.o funcs.c
python3 "$SRC/gen_tiny.py" 1000 tiny
for f in tiny/*.c; do $CC -O2 -c -o "${f%.c}.o" "$f"; done

# workload name, main object, other objects
set_workload() {
	case $1 in
	sqlite) MAIN=sqlite_driver.o; REST=$(ls sqlite/*.o | tr '\n' ' ') ;;
	funcs) MAIN=funcs.o; REST= ;;
	tiny) MAIN=tiny/main.o; REST=$(ls tiny/tiny_*.o | tr '\n' ' ') ;;
	esac
}

: > commands.txt
for w in sqlite funcs tiny; do
	set_workload $w
	echo "$w objload $OBJLOAD run $MAIN $REST" >> commands.txt
	[ -n "${OBJLOAD_BEFORE:-}" ] && echo "$w objload-before $OBJLOAD_BEFORE run $MAIN $REST" >> commands.txt
	[ -n "$TCC" ] && echo "$w tcc $TCC $REST -run $MAIN" >> commands.txt
	[ -n "$RTDYLD" ] && echo "$w llvm-rtdyld $RTDYLD -execute -entry=main -dylib=$LIBC -dylib=$LIBM $MAIN $REST" >> commands.txt
	[ -n "$JITLINK" ] && echo "$w llvm-jitlink $JITLINK $MAIN $REST" >> commands.txt
done

: > times.txt
while read -r w tool cmd; do
	if ! sh -c "$cmd" > /dev/null 2>&1; then
		echo "$w $tool FAILED" >> times.txt
		echo "== $w / $tool: fails (skipped): $cmd" | cut -c1-200
		continue
	fi
	echo "== $w / $tool"
	if command -v hyperfine > /dev/null; then
		hyperfine -N --warmup 3 --runs "$RUNS" --export-json "h_${w}_$tool.json" \
			"$cmd" > /dev/null 2>&1 || hyperfine --warmup 3 --runs "$RUNS" \
			--export-json "h_${w}_$tool.json" "$cmd" > /dev/null
		python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print(sys.argv[2], sys.argv[3], r['median'])" \
			"h_${w}_$tool.json" "$w" "$tool" >> times.txt
	else
		python3 - "$w" "$tool" "$RUNS" "$cmd" >> times.txt <<'PY'
import statistics, subprocess, sys, time
w, tool, runs, cmd = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
ts = []
for _ in range(runs + 3):
    t = time.perf_counter()
    subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ts.append(time.perf_counter() - t)
print(w, tool, statistics.median(ts[3:]))
PY
	fi
done < commands.txt

for w in sqlite funcs tiny; do
	set_workload $w
	for i in 1 2 3 4 5; do
		# exit status 1 when some strategy cannot load the inputs (the
		# scattering one is refused for most real objects): the whole
		# row read below is there either way
		"$OBJLOAD" compare --json $MAIN $REST > "compare_${w}_$i.json" || true
	done
done

python3 - "$RUNS" <<'PY' | tee results.md
import glob, json, statistics, sys
runs = sys.argv[1]
t = {}
for line in open("times.txt"):
    w, tool, v = line.split()
    t.setdefault(w, {})[tool] = None if v == "FAILED" else float(v)
print(f"## Whole-process time, median of {runs} runs (ms)\n")
tools = ["objload", "objload-before", "tcc", "llvm-rtdyld", "llvm-jitlink"]
if not any("objload-before" in t[w] for w in t):
    tools.remove("objload-before")
print("| workload | " + " | ".join(tools) + " | objload / peer |")
print("|---|" + "---|" * (len(tools) + 1))
for w in ["sqlite", "funcs", "tiny"]:
    row = t.get(w, {})
    cells = [("%.2f" % (row[x] * 1e3)) if row.get(x) else "n/a" for x in tools]
    o = row.get("objload")
    ratios = ", ".join(f"{x} {o / row[x]:.2f}x" for x in tools[1:] if o and row.get(x))
    print(f"| {w} | " + " | ".join(cells) + f" | {ratios} |")
print("\n## objload phases (whole-image, median of 5 `objload compare` runs, us)\n")
phases = ["parse", "plan", "resolve", "allocate", "copy", "relocate", "finalize"]
print("| workload | relocations | " + " | ".join(phases) + " | relocs/s in relocate |")
print("|---|---|" + "---|" * (len(phases) + 1))
for w in ["sqlite", "funcs", "tiny"]:
    rows = [json.load(open(f))[0] for f in sorted(glob.glob(f"compare_{w}_*.json"))]
    if not rows:
        continue
    med = {p: statistics.median(r["phases_us"][p] for r in rows) for p in phases}
    n = sum(rows[0]["relocations"].values())
    rate = n / (med["relocate"] / 1e6) if med["relocate"] else float("inf")
    print(f"| {w} | {n} | " + " | ".join("%.0f" % med[p] for p in phases) + f" | {rate / 1e6:.1f} M/s |")
PY
