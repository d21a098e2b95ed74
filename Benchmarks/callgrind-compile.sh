#!/usr/bin/env bash
# Prints the instructions executed compiling a policy: `warden bench`'s compile timing
# (BenchCommand.compileTime, which compiles the policy three times) under valgrind --tool=callgrind.
# Instruction counts repeat run to run where milliseconds on a shared machine do not.
# Usage: Benchmarks/callgrind-compile.sh WARDEN POLICY DEVICES.jsonl SCRATCH_DIR
#   e.g. python3 Benchmarks/gen_scaling.py sparse 10000 /tmp/s.warden
#        python3 Benchmarks/gen_scaling.py devices 20 /tmp/d.jsonl
#        Benchmarks/callgrind-compile.sh .build/release/warden /tmp/s.warden /tmp/d.jsonl /tmp
set -euo pipefail
WARDEN=$1 POLICY=$2 DEVICES=$3 WORK=$4
command -v valgrind >/dev/null || { echo "callgrind-compile.sh: valgrind is needed (apt-get install -y valgrind)" >&2; exit 2; }
rm -f "$WORK"/callgrind.compile.*
SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.compile.%p" --collect-atstart=no \
  '--toggle-collect=*compileTime*' \
  "$WARDEN" bench "$POLICY" --facts "$DEVICES" --samples 1 --min-sample-ms 0 --format json \
  > "$WORK/cg-compile-bench.json" 2> "$WORK/cg-compile.log"
IR=$(sed -n 's/^summary: *//p' "$WORK"/callgrind.compile.* | head -1)
[ -n "$IR" ] && [ "$IR" -gt 0 ] || { echo "callgrind-compile.sh: no instructions counted in compileTime (symbol not found?)" >&2; cat "$WORK/cg-compile.log" >&2; exit 1; }
echo "$IR"
