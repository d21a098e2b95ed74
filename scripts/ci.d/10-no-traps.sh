#!/usr/bin/env bash
# CI: no force unwraps, try!/as!, trapping conversions, unchecked arithmetic on Int64 outside the
# checked layer, unjustified risky subscripts or unsafe-pointer reads in Sources/Warden and Sources/WardenTools (see
# scripts/check-no-traps.sh). The checker's own self-test runs first.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v python3 >/dev/null || { echo "10-no-traps: FAILED: python3 is needed" >&2; exit 1; }
python3 scripts/check_no_traps_selftest.py
bash scripts/check-no-traps.sh
