#!/usr/bin/env bash
# Tooling checks: the samples are formatted (`warden fmt --check`) and their tests pass (`warden test`).
set -euo pipefail
cd "$(dirname "$0")/../.."
.build/debug/warden fmt --check samples/*.warden
out=$(.build/debug/warden test samples/*.warden 2>&1) || { echo "$out"; exit 1; }
echo "samples: formatted; tests: ${out##*$'\n'}"
