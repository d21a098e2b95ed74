#!/usr/bin/env bash
# The main job: set up, build, and evaluate the sample policy against the sample devices, with explanations.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
swift build -c release --product warden 2>&1 | grep -E "error|warning: unre|Compiling|Build" | tail -3 >&2
bin=.build/release/warden
echo "== warden check samples/*.warden    (each sample is its own policy; several paths would be one policy set)"
for f in samples/*.warden; do "$bin" check "$f"; done
echo
echo "== warden eval samples/outlook-conditional-launch.warden --facts samples/devices.jsonl --explain --today 2024-10-01"
# Device 11 has badly typed facts and device 12 is missing most of them: that is on purpose
# (fail closed), and it makes eval exit 1, which the demo expects.
"$bin" eval samples/outlook-conditional-launch.warden --facts samples/devices.jsonl --explain --today 2024-10-01 || [ $? -eq 1 ]
echo
echo "== warden check samples/policy-set    (a policy set: one Intune policy per file, checked together)"
"$bin" check samples/policy-set
echo
echo "== warden eval samples/policy-set --facts samples/devices.jsonl --today 2024-10-01"
"$bin" eval samples/policy-set --facts samples/devices.jsonl --today 2024-10-01 || [ $? -eq 1 ]
