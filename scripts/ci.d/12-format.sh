#!/usr/bin/env bash
# Style is enforced: `swift format lint --strict` with the committed .swift-format over every Swift
# file of the package (the copied benchmark baseline under Benchmarks/workload is third-party
# text and is left as written). `swift format format -i -r Sources Tests Package.swift` fixes most
# findings.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f .swift-format ] || { echo "12-format: FAILED: .swift-format is missing" >&2; exit 1; }
swift format --version >/dev/null 2>&1 || { echo "12-format: FAILED: swift format is not available (it ships with the Swift toolchain)" >&2; exit 1; }
paths=(Package.swift Sources Tests)
[ -d samples/embed-swift ] && paths+=(samples/embed-swift)
if ! out=$(swift format lint --strict -r "${paths[@]}" 2>&1); then
  echo "$out" | head -40
  echo "12-format: FAILED: $(echo "$out" | grep -c ': error:') finding(s); run: swift format format -i -r ${paths[*]}" >&2
  exit 1
fi
echo "12-format: ok (swift format lint --strict, $(find "${paths[@]}" -name '*.swift' | wc -l) files)"
