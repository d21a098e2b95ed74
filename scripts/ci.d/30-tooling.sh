#!/usr/bin/env bash
# Tooling checks: the samples are formatted (`warden fmt --check`) and their tests pass
# (`warden test`). Each top-level sample is its own policy (several files given together form one
# policy set, whose rule names must be unique); samples/policy-set/ is one set.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=.build/debug/warden
[ -x "$bin" ] || { echo "30-tooling: FAILED: $bin is missing (run swift build first)" >&2; exit 1; }
compgen -G "samples/*.warden" >/dev/null || { echo "30-tooling: FAILED: no samples/*.warden" >&2; exit 1; }
[ -d samples/policy-set ] || { echo "30-tooling: FAILED: samples/policy-set/ is missing" >&2; exit 1; }
"$bin" fmt --check samples/*.warden samples/policy-set
passed=0
for policy in samples/*.warden samples/policy-set; do
  out=$("$bin" test "$policy" 2>&1) || { echo "$out"; echo "30-tooling: FAILED: warden test $policy" >&2; exit 1; }
  last=${out##*$'\n'}
  n=${last%% passed*}
  passed=$((passed + n))
done
[ "$passed" -gt 0 ] || { echo "30-tooling: FAILED: the samples ran no test" >&2; exit 1; }
echo "samples: formatted; tests: $passed passed, 0 failed"
