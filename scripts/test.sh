#!/usr/bin/env bash
# The whole test suite. `.ci/run` calls this; its last line is `swift test`'s summary.
# Extra checks live in scripts/ci.d/*.sh (conformance, formatter, REPL in a pty, sanitizers);
# each runs after the build and before `swift test`, and any failure stops the run.
# Everything they need is in this repository; a missing check folder or input is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
checks=(scripts/ci.d/*.sh)
if [ ${#checks[@]} -eq 0 ]; then
  echo "test.sh: FAILED: no checks in scripts/ci.d (the folder is missing or empty)" >&2
  exit 1
fi
bash scripts/ensure-deps.sh
swift build 2>&1 | tail -1
for check in "${checks[@]}"; do
  echo "== $check"
  bash "$check"
done
swift test 2>&1
