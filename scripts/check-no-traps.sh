#!/usr/bin/env bash
# scripts/check-no-traps.sh [--suggest | --list] [DIR...] — finds code in Sources/Warden, WardenTools and WardenC (or DIRs) that can
# trap on user data (force unwraps, try!/as!, trap calls, trapping conversions, unchecked Int64
# arithmetic outside Interpreter/Arithmetic.swift, risky subscripts) or read out of bounds through an
# unsafe pointer (Unsafe*Pointer / Unsafe*BufferPointer subscripts, pointer arithmetic, raw loads).
# Every finding needs an entry `PATH | FUNCTION | FRAGMENT | COUNT | REASON` in
# scripts/no-traps-allowlist.txt; more findings than COUNT (a new instance), fewer (a stale entry) or
# a finding without an entry fails. The rules and the format: scripts/check_no_traps.py.
#   --suggest   print entries for uncovered findings (TODO reasons) and corrected counts
#   --list      print every finding with its enclosing function and rule
set -euo pipefail
cd "$(dirname "$0")/.."
command -v python3 >/dev/null || { echo "check-no-traps: FAILED: python3 is needed" >&2; exit 2; }
exec python3 scripts/check_no_traps.py "$@"
