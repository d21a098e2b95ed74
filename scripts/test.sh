#!/usr/bin/env bash
# The whole test suite. `.ci/run` calls this; its last line is `swift test`'s summary.
# Extra checks live in scripts/ci.d/*.sh (conformance, formatter, REPL in a pty, sanitizers);
# each runs after the build and before `swift test`, and any failure stops the run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
swift build 2>&1 | tail -1
for check in scripts/ci.d/*.sh; do
  [ -e "$check" ] || continue
  echo "== $check"
  bash "$check"
done
swift test 2>&1
