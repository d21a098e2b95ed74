#!/usr/bin/env bash
# Correctness smoke of Benchmarks/compare.sh on 2,000 devices: warden's decisions (bench digest and
# eval output) must equal the reference evaluator's. Timings are printed but not checked.
# Also checks that the in-repo workload's generator and reference evaluator still produce
# Benchmarks/workload/expected.json on 100,000 devices, so the reference itself cannot drift.
# A missing input (workload file, python3) is a failure, never a skip.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORKLOAD=Benchmarks/workload
for f in cl10.warden gen_devices.py ref_eval.py expected.json swift/bench.swift; do
  [ -f "$WORKLOAD/$f" ] || { echo "40-bench-smoke: FAILED: $WORKLOAD/$f is missing" >&2; exit 1; }
done
command -v python3 >/dev/null || { echo "40-bench-smoke: FAILED: python3 is needed" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$WORKLOAD/gen_devices.py" 100000 "$tmp/devices.jsonl"
python3 "$WORKLOAD/ref_eval.py" "$tmp/devices.jsonl" "$tmp/ref.jsonl" > "$tmp/summary.json"
python3 - "$tmp/summary.json" "$WORKLOAD/expected.json" <<'PY' || exit 1
import json, sys
got, want = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
if got != want:
    sys.exit("40-bench-smoke: FAILED: the reference summary of 100,000 devices differs from expected.json:\n%s" % json.dumps(got, indent=1))
PY
out=$(SCALING=0 WARDEN_BENCH_WORKLOAD="$PWD/$WORKLOAD" Benchmarks/compare.sh 2000 1 2>&1) || { echo "$out" >&2; echo "40-bench-smoke: FAILED" >&2; exit 1; }
echo "40-bench-smoke: reference matches expected.json; decisions identical to the reference on 2,000 devices"
