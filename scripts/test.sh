#!/usr/bin/env bash
# The whole test suite. `.ci/run` calls this; its last line is `swift test`'s summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
swift build 2>&1 | tail -1
swift test 2>&1
