#!/usr/bin/env bash
# CEL conformance gate: the cel-spec "simple" cases (Tests/Conformance/cel, in this repository)
# through `warden expr --json --cel --batch`, in three modes (default, --strict-errors, core).
# Gated by case NAME: every failure must be listed, with its reason, in
# Tests/Conformance/cel/expected-failures.txt, and a listed case that passes fails the gate too
# (so the list only shrinks). The runner's own self-test runs first.
set -euo pipefail
cd "$(dirname "$0")/../.."
CEL=Tests/Conformance/cel
BIN=.build/debug/warden
command -v python3 >/dev/null || { echo "05-cel-conformance: FAILED: python3 is needed" >&2; exit 1; }
for f in run.py gate.py cases.jsonl expected-failures.txt selftest/selftest.py; do
  [ -f "$CEL/$f" ] || { echo "05-cel-conformance: FAILED: $CEL/$f is missing" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "05-cel-conformance: FAILED: $BIN is missing (run swift build first)" >&2; exit 1; }
out=$(python3 "$CEL/selftest/selftest.py" 2>&1) || { echo "$out" >&2; echo "05-cel-conformance: FAILED: run.py self-test" >&2; exit 1; }
python3 "$CEL/gate.py" --cmd "$BIN expr --json --cel"
