#!/usr/bin/env bash
# CI: the core's DocC documentation (Sources/Warden/Warden.docc) builds with warnings treated as
# errors (a broken symbol link, an ambiguous reference or a missing article fails), and the core's
# public API matches its committed baseline with a CHANGELOG.md entry (scripts/api-surface.py,
# which reads the symbol graph this build extracts).
# Output: .build/plugins/Swift-DocC/outputs/Warden.doccarchive
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)
swift package generate-documentation --target Warden --warnings-as-errors 2>&1 | grep -v '^\[' | tail -4
echo "docs: built in $(( $(date +%s) - start )) s"
python3 scripts/api-surface.py check
