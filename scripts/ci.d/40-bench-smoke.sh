#!/usr/bin/env bash
# Correctness smoke of Benchmarks/compare.sh on 2,000 devices: warden's decisions (bench digest and
# eval output) must equal the reference evaluator's. Timings are printed but not checked.
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=${WARDEN_BENCH_SHARED:-$PWD/../shared/bench}
if [ ! -f "$SHARED/cl10.warden" ]; then
  echo "40-bench-smoke: no shared workload at $SHARED; skipped"
  exit 0
fi
out=$(SCALING=0 WARDEN_BENCH_SHARED="$SHARED" Benchmarks/compare.sh 2000 1 2>&1) || { echo "$out" >&2; exit 1; }
echo "40-bench-smoke: decisions identical to the reference on 2,000 devices"
