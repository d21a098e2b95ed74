#!/usr/bin/env bash
# Self-test of the checks' failure paths ("nothing skips silently"): each check below is run in a
# scratch copy of the repository layout with its input removed, and must FAIL with a message:
#   test.sh without scripts/ci.d, or with an empty one;
#   40-bench-smoke.sh and 05-cel-conformance.sh without their in-repo inputs;
#   require-tests-ran.sh (used by 50-sanitizers.sh) on a run of 0 tests or no test run at all;
#   scripts/api-surface.py (70-docs.sh) without a symbol graph or changelog, or on an API change;
#   35-matrix-picture.sh without the binary, and its picture check without its samples.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
must_fail() {  # description, expected message fragment, command...
  local what=$1 msg=$2 out rc
  shift 2
  set +e
  out=$("$@" 2>&1)
  rc=$?
  set -e
  if [ $rc -eq 0 ] || [[ "$out" != *"$msg"* ]]; then
    echo "01-no-silent-skips: FAILED: $what: exit $rc, output: $out" >&2
    fails=1
  fi
}
fake() {  # a scratch repo with scripts/ and the named extra files copied
  local d=$tmp/$1
  shift
  mkdir -p "$d/scripts/ci.d"
  cp scripts/test.sh scripts/require-tests-ran.sh "$d/scripts/"
  for f in "$@"; do mkdir -p "$d/$(dirname "$f")"; cp -r "$f" "$d/$f"; done
  echo "$d"
}

d=$(fake no-ci-d); rmdir "$d/scripts/ci.d"
must_fail "test.sh without scripts/ci.d" "no checks in scripts/ci.d" bash "$d/scripts/test.sh"
d=$(fake empty-ci-d)
must_fail "test.sh with an empty scripts/ci.d" "no checks in scripts/ci.d" bash "$d/scripts/test.sh"

d=$(fake bench scripts/ci.d/40-bench-smoke.sh Benchmarks/compare.sh)
must_fail "40-bench-smoke without the workload" "Benchmarks/workload/cl10.warden is missing" \
  bash "$d/scripts/ci.d/40-bench-smoke.sh"

d=$(fake cel scripts/ci.d/05-cel-conformance.sh Tests/Conformance/cel)
rm "$d/Tests/Conformance/cel/cases.jsonl"
must_fail "05-cel-conformance without cases.jsonl" "cases.jsonl is missing" bash "$d/scripts/ci.d/05-cel-conformance.sh"
d=$(fake cel-bin scripts/ci.d/05-cel-conformance.sh Tests/Conformance/cel)
must_fail "05-cel-conformance without the binary" ".build/debug/warden is missing" bash "$d/scripts/ci.d/05-cel-conformance.sh"

d=$(fake api scripts/api-surface.py api CHANGELOG.md Sources/Warden/Engine)
must_fail "api-surface without a symbol graph" "no symbol graph for Warden" python3 "$d/scripts/api-surface.py" check
mkdir -p "$d/.build/x/extracted-symbols/docc/Warden"
echo '{"symbols": [], "relationships": []}' > "$d/.build/x/extracted-symbols/docc/Warden/Warden.symbols.json"
must_fail "api-surface with an empty symbol graph" "public API changed" python3 "$d/scripts/api-surface.py" check
python3 "$d/scripts/api-surface.py" update >/dev/null
must_fail "api-surface with a baseline changed without a changelog entry" "has no CHANGELOG.md entry" \
  python3 "$d/scripts/api-surface.py" check
rm "$d/CHANGELOG.md"
must_fail "api-surface without CHANGELOG.md" "CHANGELOG.md is missing" python3 "$d/scripts/api-surface.py" check

d=$(fake matrix scripts/ci.d/35-matrix-picture.sh scripts/matrix-picture-check.py scripts/ensure-chromium.sh)
must_fail "35-matrix-picture without the binary" ".build/debug/warden is missing" bash "$d/scripts/ci.d/35-matrix-picture.sh"
must_fail "the matrix picture check without its samples" "samples/outlook-conditional-launch.warden is missing" \
  bash -c "cd '$d' && python3 scripts/matrix-picture-check.py .build/debug/warden chromium"

printf '%s\n' "Executed 0 tests" "✔ Test run with 0 tests in 0 suites passed after 0.014 seconds." > "$tmp/zero.log"
must_fail "a filtered run of 0 tests" "executed 0 tests" bash scripts/require-tests-ran.sh "$tmp/zero.log"
printf '%s\n' "error: no tests found" > "$tmp/none.log"
must_fail "a run with no summary line" "no \"Test run with N tests\" line" bash scripts/require-tests-ran.sh "$tmp/none.log"
printf '%s\n' "✔ Test run with 3 tests in 1 suite passed after 3.310 seconds." > "$tmp/three.log"
[ "$(bash scripts/require-tests-ran.sh "$tmp/three.log")" = 3 ] || { echo "01-no-silent-skips: FAILED: a run of 3 tests" >&2; fails=1; }

[ $fails -eq 0 ] || exit 1
echo "01-no-silent-skips: missing inputs and empty filters fail with a message"
