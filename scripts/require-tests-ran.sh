#!/usr/bin/env bash
# scripts/require-tests-ran.sh LOG — for a `swift test --filter/--skip` run whose output is in LOG:
# prints N and exits 0 when Swift Testing's last "Test run with N tests" line has N > 0; otherwise
# prints why and exits 1. A filter that matches no test passes `swift test` (exit 0), so every
# filtered run in scripts/ goes through this.
set -euo pipefail
log=${1:?usage: require-tests-ran.sh LOG}
[ -f "$log" ] || { echo "require-tests-ran: $log not found" >&2; exit 1; }
n=$(grep -Eo 'Test run with [0-9]+ tests?' "$log" | tail -1 | grep -Eo '[0-9]+' || true)
if [ -z "$n" ]; then
  echo "require-tests-ran: no \"Test run with N tests\" line in $log (did the tests run?)" >&2
  exit 1
fi
if [ "$n" -eq 0 ]; then
  echo "require-tests-ran: the run executed 0 tests (its --filter matches no test)" >&2
  exit 1
fi
echo "$n"
