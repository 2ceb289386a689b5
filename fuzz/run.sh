#!/bin/sh
# SPDX-License-Identifier: MIT
# fuzz/run.sh FUZZER SECONDS [BUILDDIR]
#
# Runs one libFuzzer harness (elf, macho, coff, archive, thin_script,
# mixed or coff_struct; built by `make fuzz` in BUILDDIR, default .) for
# SECONDS (-max_total_time) over a seed corpus that tests/malformed/gen.py
# generates like the malformed suite's (the valid objects and a sample of
# their mutants), and for the last three tests/malformed/hostile.py seeds.  The corpus
# grows in BUILDDIR/fuzz-work/FUZZER/corpus and is kept between runs.
# It keeps going after a finding (-fork=1 -ignore_crashes...).  Every crash, leak, timeout or out-of-memory input libFuzzer writes is
# copied to tests/malformed/regressions/FUZZER-KIND-HASH, which the
# "malformed" suite replays; the script then exits 1.
set -eu
if [ $# -lt 2 ]; then
	echo "usage: fuzz/run.sh elf|macho|coff|archive|thin_script|mixed|coff_struct SECONDS [BUILDDIR]" >&2
	exit 2
fi
fz=${1#fuzz_}
secs=$2
build=${3:-.}
src=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/fuzz/fuzz_$fz
case $fz in elf|macho|coff|archive|thin_script|mixed|coff_struct) ;;
*) echo "fuzz/run.sh: unknown fuzzer $1" >&2; exit 2;; esac
if [ ! -x "$bin" ]; then
	echo "fuzz/run.sh: $bin not found: run 'make fuzz' in $build" >&2
	exit 2
fi
work=$build/fuzz-work/$fz
mkdir -p "$work/corpus" "$work/artifacts"
rm -f "$work"/artifacts/*
rm -rf "$work/seeds"
case $fz in
thin_script|mixed)
	python3 "$src/tests/malformed/hostile.py" seeds "$fz" "$work/seeds" ;;
coff_struct)
	python3 "$src/tests/malformed/gen.py" --only coff --seeds-only "$work/seeds" 2>/dev/null
	rm -f "$work/seeds/manifest.txt"
	python3 "$src/tests/malformed/hostile.py" seeds coff "$work/seeds/hostile" ;;
*)
	python3 "$src/tests/malformed/gen.py" --only "$fz" --max-per-seed 60 "$work/seeds" 2>/dev/null ;;
esac
find "$work/seeds" -name manifest.txt -delete
status=0
# -fork=1 with -ignore_*: keep fuzzing after a finding, for the whole time
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -max_len=262144 \
	-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
	-print_final_stats=1 -artifact_prefix="$work/artifacts/" \
	"$work/corpus" "$work/seeds" 2>"$work/log" || status=$?
grep -E "^#[0-9]+: " "$work/log" | tail -n 1 || true
grep -E "SUMMARY|==ERROR|^ERROR|INFO: exiting" "$work/log" | sort | uniq -c || true
found=0
for f in "$work"/artifacts/*; do
	[ -f "$f" ] || continue
	name=$fz-$(basename "$f")
	cp "$f" "$src/tests/malformed/regressions/$name"
	echo "fuzz/run.sh: new regression input tests/malformed/regressions/$name"
	found=1
done
if [ $found -ne 0 ] || [ $status -ne 0 ]; then
	echo "fuzz/run.sh: $fz failed (status $status); log: $work/log" >&2
	exit 1
fi
