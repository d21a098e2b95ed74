#!/usr/bin/env bash
# Prints the instructions executed inside `warden bench`'s single-device loop (BenchCommand.singlePass:
# `Program.evaluate(_:into:)` from each device's `Input`) under valgrind --tool=callgrind: the warm-up
# pass and one timed pass (--samples 1 --min-sample-ms 0), so 2 passes over the devices. Instruction counts repeat run to run where seconds do not.
# Usage: Benchmarks/callgrind-single.sh WARDEN POLICY DEVICES.jsonl SCRATCH_DIR [CALLGRIND OPTIONS...]
# (for instance --cache-sim=yes, then `callgrind_annotate SCRATCH_DIR/callgrind.out.*` shows where
# the instructions and cache misses go).
set -euo pipefail
WARDEN=$1 POLICY=$2 DEVICES=$3 WORK=$4
shift 4
command -v valgrind >/dev/null || { echo "callgrind-single.sh: valgrind is needed (apt-get install -y valgrind)" >&2; exit 2; }
rm -f "$WORK"/callgrind.out.*
SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out.%p" --collect-atstart=no \
  '--toggle-collect=*BenchCommand*singlePass*' "$@" \
  "$WARDEN" bench "$POLICY" --facts "$DEVICES" --today 2026-01-01 --samples 1 --min-sample-ms 0 --format json \
  > "$WORK/cg-bench.json" 2> "$WORK/cg.log"
IR=$(sed -n 's/^summary: *//p' "$WORK"/callgrind.out.* | head -1 | awk '{print $1}')
[ -n "$IR" ] && [ "$IR" -gt 0 ] || { echo "callgrind-single.sh: no instructions counted inside the single-device loop (symbol not found?)" >&2; cat "$WORK/cg.log" >&2; exit 1; }
echo "$IR"
