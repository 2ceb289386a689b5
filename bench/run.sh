#!/bin/sh
# SPDX-License-Identifier: MIT
# objload benchmark (docs/benchmarks.md): whole-process load + link + run,
# side by side with tcc -run, llvm-rtdyld -execute and llvm-jitlink (those
# installed) and the same program linked natively, on
#   sqlite  a SQL driver over every member of libsqlite3.a (ar x),
#   crypto  a libcrypto driver over libcrypto.a (the 722 members it needs;
#           the peers get those members as objects),
#   funcs   one object with 10,000 functions (gen_funcs.py, gcc -O2),
#   tiny    1,000 tiny objects plus a main calling them (gen_tiny.py),
#   hello   hello, world;
# then the in-process numbers (bench/inproc.c: load + link through the
# library, no process start), peak RSS, and the scaling table (10 to
# 10,000 objects; 10k to 1M relocations), and a system shared library
# loaded by objload from memory and from its file vs dlopen (shared_lib.sh).  Prints the issue 16 targets
# as ratios measured in this one run, each met or not.
#
#   bench/run.sh OBJLOAD WORKDIR [RUNS]      (make bench: RUNS=20)
#
# OBJLOAD_BEFORE=PATH adds another objload binary (an earlier build) as a
# column of its own, timed in the same run, for before/after comparisons.
# OBJLOAD_LIB=PATH (libobjload.a) and OBJLOAD_INCLUDE=DIR build inproc;
# by default the build tree's .libs/libobjload.a beside OBJLOAD.
set -eu
OBJLOAD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
WORK=$2
RUNS=${3:-20}
SRC=$(cd "$(dirname "$0")" && pwd)
CC=${CC:-gcc}
SQLITE_A=${SQLITE_A:-$(gcc -print-file-name=libsqlite3.a)}
CRYPTO_A=${CRYPTO_A:-$(gcc -print-file-name=libcrypto.a)}
JITLINK=$(command -v llvm-jitlink || command -v llvm-jitlink-14 || true)
RTDYLD=$(command -v llvm-rtdyld || command -v llvm-rtdyld-14 || true)
TCC=$(command -v tcc || true)
LIBC=$(gcc -print-file-name=libc.so.6)
LIBM=$(gcc -print-file-name=libm.so.6)
OBJLOAD_LIB=${OBJLOAD_LIB:-$(dirname "$OBJLOAD")/.libs/libobjload.a}
OBJLOAD_INCLUDE=${OBJLOAD_INCLUDE:-$SRC/../include}
TIME=/usr/bin/time

mkdir -p "$WORK"
cd "$WORK"

echo "== building the workloads in $WORK"
mkdir -p sqlite && (cd sqlite && ar x "$SQLITE_A")
$CC -O2 -c -o sqlite_driver.o "$SRC/sqlite_driver.c"
python3 "$SRC/gen_funcs.py" 10000 funcs.c
$CC -O2 -c -o funcs.o funcs.c
python3 "$SRC/gen_tiny.py" 1000 tiny
for f in tiny/*.c; do [ "${f%.c}.o" -nt "$f" ] || $CC -O2 -c -o "${f%.c}.o" "$f"; done
$CC -O2 -c -o hello.o "$SRC/hello.c"
$CC -O2 -c -o crypto_driver.o "$SRC/crypto_driver.c"
mkdir -p crypto && (cd crypto && ar x "$CRYPTO_A")
# the members objload loads, for the peers that take objects only
"$OBJLOAD" run --trace crypto_driver.o "$CRYPTO_A" 2>&1 >/dev/null |
	sed -n 's/^objload: .*(\([^()]*\.o\)) included to satisfy.*/crypto\/\1/p' > crypto_members.txt
CRYPTO_MEMBERS=$(tr '\n' ' ' < crypto_members.txt)

echo "== native executables (the overhead's baseline)"
$CC -static -o sqlite.static sqlite_driver.o sqlite/*.o -lm 2>/dev/null
$CC -static -o funcs.static funcs.o
$CC -static -o tiny.static tiny/main.o tiny/tiny_*.o
$CC -static -o hello.static hello.o
$CC -o hello.dynamic hello.o
$CC -static -o crypto.static crypto_driver.o "$CRYPTO_A" 2>/dev/null

# workload name, main object, other objects
set_workload() {
	case $1 in
	sqlite) MAIN=sqlite_driver.o; REST=$(ls sqlite/*.o | tr '\n' ' ') ;;
	crypto) MAIN=crypto_driver.o; REST=$CRYPTO_MEMBERS ;;
	funcs) MAIN=funcs.o; REST= ;;
	tiny) MAIN=tiny/main.o; REST=$(ls tiny/tiny_*.o | tr '\n' ' ') ;;
	hello) MAIN=hello.o; REST= ;;
	esac
}
# objload's own inputs: the crypto driver takes the archive, as a linker
objload_inputs() {
	if [ "$1" = crypto ]; then echo "$MAIN $CRYPTO_A"; else echo "$MAIN $REST"; fi
}

: > commands.txt
for w in sqlite crypto funcs tiny hello; do
	set_workload $w
	echo "$w objload $OBJLOAD run $(objload_inputs $w)" >> commands.txt
	[ -n "${OBJLOAD_BEFORE:-}" ] && echo "$w objload-before $OBJLOAD_BEFORE run $(objload_inputs $w)" >> commands.txt
	echo "$w native-static ./$w.static" >> commands.txt
	[ $w = hello ] && echo "$w native-dynamic ./hello.dynamic" >> commands.txt
	# tcc crashes on libcrypto's objects
	[ -n "$TCC" ] && [ $w != crypto ] && echo "$w tcc $TCC $REST -run $MAIN" >> commands.txt
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

echo "== objload phases and bytes (objload compare)"
for w in sqlite funcs tiny; do
	set_workload $w
	for i in 1 2 3 4 5; do
		# exit status 1 when some strategy cannot load the inputs (the
		# scattering one is refused for most real objects): the whole
		# row read below is there either way
		"$OBJLOAD" compare --json $MAIN $REST > "compare_${w}_$i.json" || true
	done
done
set_workload crypto
"$OBJLOAD" compare --json $(objload_inputs crypto) > compare_crypto_1.json || true

echo "== peak RSS (/usr/bin/time, median of 5)"
: > rss.txt
for w in sqlite crypto funcs tiny hello; do
	set_workload $w
	# the bytes of the inputs the link used
	if [ $w = crypto ]; then used=$(cat $MAIN $CRYPTO_MEMBERS | wc -c); else used=$(cat $MAIN $REST | wc -c); fi
	for i in 1 2 3 4 5; do
		$TIME -f %M -o rss.one "$OBJLOAD" run $(objload_inputs $w) > /dev/null 2>&1 || true
		echo "$w $used $(cat rss.one)" >> rss.txt
	done
done
printf 'int main(void) { return 0; }\n' > empty.c
$CC -O2 -c -o empty.o empty.c
for i in 1 2 3 4 5; do
	$TIME -f %M -o rss.one "$OBJLOAD" run empty.o > /dev/null 2>&1 || true
	echo "empty $(wc -c < empty.o) $(cat rss.one)" >> rss.txt
done

echo "== in-process (bench/inproc.c)"
: > inproc.txt
if [ -f "$OBJLOAD_LIB" ] && $CC -O2 -I"$OBJLOAD_INCLUDE" -o inproc "$SRC/inproc.c" "$OBJLOAD_LIB" -ldl -lpthread -lm; then
	echo "sqlite-archive $(./inproc "$RUNS" sqlite_driver.o "$SQLITE_A")" >> inproc.txt
	set_workload sqlite
	echo "sqlite $(./inproc "$RUNS" $MAIN $REST)" >> inproc.txt
	echo "funcs $(./inproc "$RUNS" funcs.o)" >> inproc.txt
	echo "crypto-archive $(./inproc 5 crypto_driver.o "$CRYPTO_A")" >> inproc.txt
else
	echo "inproc: no $OBJLOAD_LIB (set OBJLOAD_LIB): in-process numbers skipped"
fi

echo "== scaling (bench/gen_scaling.py: objects and relocations as assembly)"
: > scaling.txt
for n in 10 100 1000 10000; do
	d=scale_o$n
	if [ ! -f $d/main.o ]; then
		python3 "$SRC/gen_scaling.py" objects $n $d
		for f in $d/*.s; do as -o "${f%.s}.o" "$f"; done
	fi
	python3 - "$OBJLOAD" "objects $n" 5 $d/main.o $(ls $d/tiny_*.o) >> scaling.txt <<'PY'
import os, resource, statistics, sys, time
objload, label, runs, args = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
wall, cpu, rss = [], [], []
for _ in range(runs):
    t = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY); os.dup2(fd, 1); os.dup2(fd, 2)
        os.execv("/usr/bin/time", ["/usr/bin/time", "-f", "%M", "-o", "rss.one", objload, "run"] + args)
    _, st, ru = os.wait4(pid, 0)
    wall.append(time.perf_counter() - t)
    cpu.append(ru.ru_utime + ru.ru_stime)
    rss.append(int(open("rss.one").read().split()[-1]))
print(label, "%.3f %.3f %d" % (statistics.median(wall) * 1e3, statistics.median(cpu) * 1e3, statistics.median(rss)))
PY
done
for n in 10000 100000 1000000; do
	if [ ! -f scale_r$n.o ]; then
		python3 "$SRC/gen_scaling.py" relocs $n scale_r$n.s
		as -o scale_r$n.o scale_r$n.s
	fi
	python3 - "$OBJLOAD" "relocations $n" 5 scale_r$n.o >> scaling.txt <<'PY'
import os, statistics, sys, time
objload, label, runs, args = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
wall, cpu, rss = [], [], []
for _ in range(runs):
    t = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY); os.dup2(fd, 1); os.dup2(fd, 2)
        os.execv("/usr/bin/time", ["/usr/bin/time", "-f", "%M", "-o", "rss.one", objload, "run"] + args)
    _, st, ru = os.wait4(pid, 0)
    wall.append(time.perf_counter() - t)
    cpu.append(ru.ru_utime + ru.ru_stime)
    rss.append(int(open("rss.one").read().split()[-1]))
print(label, "%.3f %.3f %d" % (statistics.median(wall) * 1e3, statistics.median(cpu) * 1e3, statistics.median(rss)))
PY
done

python3 - "$RUNS" <<'PY' | tee results.md
import glob, json, statistics, sys
runs = sys.argv[1]
t = {}
for line in open("times.txt"):
    w, tool, v = line.split()
    t.setdefault(w, {})[tool] = None if v == "FAILED" else float(v)
works = ["sqlite", "crypto", "funcs", "tiny", "hello"]
print(f"## Whole-process time, median of {runs} runs (ms)\n")
tools = ["objload", "objload-before", "native-static", "native-dynamic", "tcc", "llvm-rtdyld", "llvm-jitlink"]
tools = [x for x in tools if any(x in t.get(w, {}) for w in works)]
print("| workload | " + " | ".join(tools) + " | objload / peer |")
print("|---|" + "---|" * (len(tools) + 1))
for w in works:
    row = t.get(w, {})
    cells = [("%.2f" % (row[x] * 1e3)) if row.get(x) else "n/a" for x in tools]
    o = row.get("objload")
    ratios = ", ".join(f"{x} {o / row[x]:.2f}x" for x in tools[1:] if o and row.get(x) and not x.startswith("native"))
    print(f"| {w} | " + " | ".join(cells) + f" | {ratios} |")

def overhead(w, tool):
    row = t.get(w, {})
    if not row.get(tool) or not row.get("native-static"):
        return None
    return (row[tool] - row["native-static"]) * 1e3

targets = []
print("\n## Loader overhead: whole-process time minus the native static executable's (ms)\n")
print("| workload | " + " | ".join(x for x in tools if not x.startswith("native")) + " |")
print("|---|" + "---|" * len([x for x in tools if not x.startswith("native")]))
for w in ["sqlite", "crypto", "funcs", "tiny"]:
    print(f"| {w} | " + " | ".join(("%.2f" % overhead(w, x)) if overhead(w, x) is not None else "n/a"
                                 for x in tools if not x.startswith("native")) + " |")
def ratio_target(name, w, peer, limit):
    o, p = overhead(w, "objload"), overhead(w, peer)
    if o is None or p is None or p <= 0:
        targets.append((name, "not measured", "n/a"))
        return
    r = o / p
    targets.append((name, f"{r:.2f} ({o:.2f} ms / {p:.2f} ms)", "met" if r <= limit else "not met"))
ratio_target("sqlite overhead <= 0.25 x tcc's", "sqlite", "tcc", 0.25)
ratio_target("libcrypto overhead <= 0.05 x llvm-rtdyld's", "crypto", "llvm-rtdyld", 0.05)
h = t.get("hello", {})
if h.get("objload") and h.get("native-dynamic"):
    r = h["objload"] / h["native-dynamic"]
    targets.append(("hello world <= 1.2 x the native dynamic executable",
                    f"{r:.2f} ({h['objload'] * 1e3:.2f} ms / {h['native-dynamic'] * 1e3:.2f} ms)",
                    "met" if r <= 1.2 else "not met"))

inproc = {}
for line in open("inproc.txt"):
    w, *kv = line.split()
    inproc[w] = dict(x.split("=") for x in kv)
if inproc:
    print("\n## In-process: load + link through the library, no process start (bench/inproc.c, medians; phases in CPU time)\n")
    print("| inputs | runs | load + link wall ms (min) | CPU ms | relocations | relocate us | relocs/s | members | parse us | resolve us | plan us | allocate us |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    names = {"sqlite-archive": "sqlite_driver.o + libsqlite3.a", "sqlite": "sqlite_driver.o + the 102 members",
             "funcs": "funcs.o", "crypto-archive": "crypto_driver.o + libcrypto.a"}
    for w, d in inproc.items():
        print(f"| {names.get(w, w)} | {d['runs']} | {d['link_ms']} ({d['link_min_ms']}) | {d['cpu_ms']} | {d['relocations']} | "
              f"{d['relocate_us']} | {d['relocs_per_s']}/s | {d['members']} | {d['parse_us']} | {d['resolve_us']} | "
              f"{d['plan_us']} | {d['allocate_us']} |")
    if "sqlite-archive" in inproc:
        d = inproc["sqlite-archive"]
        targets.append(("in-process load + link of libsqlite3.a's needed members <= 1 ms",
                        f"{d['link_ms']} ms wall, {d['cpu_ms']} ms CPU",
                        "met" if float(d["cpu_ms"]) <= 1 else "not met"))
    for w, label in (("sqlite", "sqlite"), ("funcs", "10,000-function")):
        if w in inproc:
            v = float(inproc[w]["relocs_per_s"].rstrip("M"))
            targets.append((f"relocate >= 200 M relocations/s ({label})", f"{v:.1f} M/s",
                            "met" if v >= 200 else "not met"))

rss = {}
for line in open("rss.txt"):
    w, used, kb = line.split()
    rss.setdefault(w, {"used": int(used), "kb": []})["kb"].append(int(kb))
loaded = {}
for w in ["sqlite", "funcs", "tiny", "crypto"]:
    rows = [json.load(open(f)) for f in sorted(glob.glob(f"compare_{w}_*.json"))]
    auto = [r for rs in rows for r in rs if r.get("strategy") == "auto" and r.get("linked")]
    if auto:
        loaded[w] = auto[0]["bytes_used"]
print("\n## Peak RSS (median of 5 `objload run`, /usr/bin/time) against loaded bytes + inputs used + 2 MiB\n")
print("| workload | peak RSS MB | loaded MB | inputs used MB | bound MB | objload run of an empty main MB |")
print("|---|---|---|---|---|---|")
base = statistics.median(rss["empty"]["kb"]) / 1024 if "empty" in rss else 0
worst = None
for w in ["sqlite", "crypto", "funcs", "tiny", "hello"]:
    if w not in rss:
        continue
    peak = statistics.median(rss[w]["kb"]) / 1024
    used = rss[w]["used"] / 2**20
    ld = loaded.get(w, 0) / 2**20
    bound = ld + used + 2
    print(f"| {w} | {peak:.1f} | {ld:.2f} | {used:.2f} | {bound:.2f} | {base:.1f} |")
    if w in loaded:
        ok = peak <= bound
        if worst is None or peak - bound > worst[1]:
            worst = (w, peak - bound, f"{peak:.1f} MB vs {bound:.1f} MB")
if worst:
    targets.append(("peak RSS <= loaded + inputs used + 2 MiB",
                    f"worst {worst[0]}: {worst[2]}", "met" if worst[1] <= 0 else "not met"))

scal = [line.split() for line in open("scaling.txt")]
if scal:
    print("\n## Scaling: `objload run`, median of 5 (wall ms, CPU ms, peak RSS MB)\n")
    print("| input | wall ms | CPU ms | CPU us per unit | peak RSS MB |")
    print("|---|---|---|---|---|")
    for kind, n, wall, cpu, kb in scal:
        print(f"| {int(n):,} {kind} | {wall} | {cpu} | {float(cpu) * 1e3 / int(n):.2f} | {int(kb) / 1024:.1f} |")

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

print("\n## Issue 16 targets, measured in this run\n")
print("| target | measured | |")
print("|---|---|---|")
for name, val, verdict in targets:
    print(f"| {name} | {val} | **{verdict}** |")
PY

# (d) a system shared library loaded by objload (from memory, from its
# file) vs the host's dlopen: bench/shared_lib.sh
echo
sh "$SRC/shared_lib.sh" "$(dirname "$OBJLOAD")" . "$RUNS"
