#!/usr/bin/env bash
# Times `warden analyze` and `warden diff` (release build): on the samples, and on a generated
# 1,000-rule policy (Benchmarks/gen_policy.py, seed 7) against a copy with ten rules changed.
# Usage: bash Benchmarks/analysis.sh [RULES]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
swift build -c release --product warden >/dev/null
W=.build/release/warden
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
python3 Benchmarks/gen_policy.py policy "$N" "$T/old.warden" --seed 7
python3 - "$T/old.warden" "$T/new.warden" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
changed = 0
for i, l in enumerate(lines):
    if changed < 10 and l.startswith("rule ") and " then warn" in l:
        lines[i] = l.replace(" then warn", " then blockAccess", 1)
        changed += 1
open(sys.argv[2], "w").write("\n".join(lines))
PY
TIMEFORMAT='%R s'
run() {
    echo -n "$1: "
    shift
    { time "$@" >/dev/null 2>&1 || true; } 2>&1
}
run "analyze samples/outlook-conditional-launch.warden" $W analyze samples/outlook-conditional-launch.warden
run "analyze samples/policy-set" $W analyze samples/policy-set
run "diff outlook (threat and OS changed) --facts" $W diff samples/outlook-conditional-launch.warden \
    Tests/WardenTests/Fixtures/analysis/diff/outlook.new.warden --facts samples/devices.jsonl
run "analyze generated $N rules" $W analyze "$T/old.warden"
run "diff generated $N rules (10 changed)" $W diff "$T/old.warden" "$T/new.warden"
