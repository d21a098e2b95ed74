#!/usr/bin/env bash
# Benchmark regression check by instruction count (repeatable run to run on a noisy shared machine,
# where seconds are not): callgrind counts the instructions of `warden bench`'s batch loop over a
# small fixed workload (2,000 devices of the shared workload, cl10.warden) and the check fails when
# they exceed the committed baseline (Benchmarks/callgrind-baseline.txt) by more than 20%.
# A missing tool or input (valgrind, python3, the workload) is a failure, never a skip.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORKLOAD=Benchmarks/workload
BASE_FILE=Benchmarks/callgrind-baseline.txt
for f in "$WORKLOAD/cl10.warden" "$WORKLOAD/gen_devices.py" "$BASE_FILE" Benchmarks/callgrind-batch.sh; do
  [ -f "$f" ] || { echo "45-instruction-count: FAILED: $f is missing" >&2; exit 1; }
done
command -v python3 >/dev/null || { echo "45-instruction-count: FAILED: python3 is needed" >&2; exit 1; }
if ! command -v valgrind >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "45-instruction-count: installing valgrind" >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null || true
fi
command -v valgrind >/dev/null || { echo "45-instruction-count: FAILED: valgrind is needed (apt-get install -y valgrind)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
swift build -c release --product warden >/dev/null
python3 "$WORKLOAD/gen_devices.py" 2000 "$tmp/devices.jsonl"
ir=$(bash Benchmarks/callgrind-batch.sh .build/release/warden "$WORKLOAD/cl10.warden" "$tmp/devices.jsonl" "$tmp")
base=$(grep -v '^#' "$BASE_FILE" | tr -d '[:space:]')
python3 - "$ir" "$base" <<'PY'
import sys
ir, base = int(sys.argv[1]), int(sys.argv[2])
ratio = ir / base
msg = "batch loop: %d instructions (baseline %d, %.1f%%)" % (ir, base, 100 * (ratio - 1))
if ratio > 1.2:
    sys.exit("45-instruction-count: FAILED: " + msg + ": more than 20% above the baseline")
if ratio < 0.8:
    print("45-instruction-count: note: " + msg + ": more than 20% below; update Benchmarks/callgrind-baseline.txt")
print("45-instruction-count: " + msg)
PY
