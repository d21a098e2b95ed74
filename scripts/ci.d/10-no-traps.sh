#!/usr/bin/env bash
# CI: no force unwraps, try!/as!, trapping conversions, unchecked arithmetic on Int64 outside the
# checked layer, or unjustified risky subscripts in Sources/Warden and Sources/WardenTools
# (see scripts/check-no-traps.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/check-no-traps.sh
