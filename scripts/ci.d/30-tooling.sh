#!/usr/bin/env bash
# Tooling checks: the samples are formatted (`warden fmt --check`) and their tests pass (`warden test`).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x .build/debug/warden ] || { echo "30-tooling: FAILED: .build/debug/warden is missing (run swift build first)" >&2; exit 1; }
compgen -G "samples/*.warden" >/dev/null || { echo "30-tooling: FAILED: no samples/*.warden" >&2; exit 1; }
.build/debug/warden fmt --check samples/*.warden
out=$(.build/debug/warden test samples/*.warden 2>&1) || { echo "$out"; exit 1; }
echo "samples: formatted; tests: ${out##*$'\n'}"
