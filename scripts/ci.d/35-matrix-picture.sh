#!/usr/bin/env bash
# The decision grid's picture in a real browser: `warden matrix --svg` is screenshotted by headless
# Chromium (installed from the distribution's packages by scripts/ensure-chromium.sh when missing),
# and every cell's colour must be the palette colour of the action `warden eval` gives its device;
# with --diff, each changed cell's corner shows the old policy's action. A picture with a wrongly
# painted cell must be caught. No browser is a failure, never a skip. docs/matrix.svg must be what
# `warden matrix` draws today (regenerate it and docs/matrix.png with `--docs`).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=.build/debug/warden
[ -x "$bin" ] || { echo "35-matrix-picture: FAILED: $bin is missing (run swift build first)" >&2; exit 1; }
[ -f scripts/matrix-picture-check.py ] || { echo "35-matrix-picture: FAILED: scripts/matrix-picture-check.py is missing" >&2; exit 1; }
browser=$(bash scripts/ensure-chromium.sh) || { echo "35-matrix-picture: FAILED: no headless Chromium" >&2; exit 1; }
python3 scripts/matrix-picture-check.py "$bin" "$browser"
[ -f docs/matrix.svg ] && [ -f docs/matrix.png ] || { echo "35-matrix-picture: FAILED: docs/matrix.svg or docs/matrix.png is missing" >&2; exit 1; }
"$bin" matrix samples/outlook-conditional-launch.warden --rows osVersion --cols threatLevel \
  --given samples/matrix/healthy-phone.json --today 2025-01-15 --diff samples/matrix/outlook-previous.warden \
  --svg - | cmp -s - docs/matrix.svg || {
  echo "35-matrix-picture: FAILED: docs/matrix.svg is stale; run: python3 scripts/matrix-picture-check.py $bin \$(bash scripts/ensure-chromium.sh) --docs" >&2
  exit 1
}
echo "35-matrix-picture: docs/matrix.svg is current"
