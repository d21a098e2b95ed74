#!/usr/bin/env bash
# The C API and the sample hosts: builds libwarden-c.so (debug), the C API's own tests in C
# (hostile input included), the C and Python hosts, and the Swift host (samples/embed-swift, its own
# SwiftPM package depending on this one by path), and checks that each host prints the same
# decisions as `warden eval` for samples/devices.jsonl under samples/outlook-conditional-launch.warden.
# Then it runs evaluations through the C API under valgrind and requires "definitely lost: 0 bytes"
# (Tests/CAPI/swift-once.supp suppresses only Swift's one-time global initializers): 10,000 by
# default (about 40 s on the debug build), WARDEN_LEAKCHECK_N=100000 for the full run (7.5 min measured, debug build, shared machine).
# A missing tool (cc, python3, valgrind) is a failure, never a skip. First, the C header is checked
# against its pinned declarations (scripts/c-api-surface.py; see CHANGELOG.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in cc python3 make valgrind; do
  command -v "$tool" >/dev/null || { echo "60-embedding: FAILED: $tool is needed" >&2; exit 1; }
done
# The header's declarations against api/warden.h.txt and its CHANGELOG.md entry, and that check's self-test.
python3 scripts/c_api_surface_selftest.py >/dev/null || { echo "60-embedding: FAILED: c-api-surface self-test" >&2; exit 1; }
python3 scripts/c-api-surface.py check
POLICY=samples/outlook-conditional-launch.warden
DEVICES=samples/devices.jsonl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
swift build --product warden-c >/dev/null
swift build --product warden >/dev/null
BIN=$(swift build --show-bin-path)
LIB="$BIN/libwarden-c.so"
[ -f "$LIB" ] || { echo "60-embedding: FAILED: $LIB was not built" >&2; exit 1; }

# The C API's tests, in C.
cc -Wall -Wextra -Werror -g -I Sources/WardenC/include Tests/CAPI/capi_test.c -L "$BIN" -lwarden-c \
  -Wl,-rpath,"$BIN" -o "$tmp/capi_test"
"$tmp/capi_test" "$POLICY" || { echo "60-embedding: FAILED: C API tests" >&2; exit 1; }

# What `warden eval` decides.
set +e
"$BIN/warden" eval "$POLICY" --facts "$DEVICES" > "$tmp/expected"
set -e
[ "$(wc -l < "$tmp/expected")" -eq "$(wc -l < "$DEVICES")" ] || { echo "60-embedding: FAILED: warden eval printed no decision per device" >&2; exit 1; }

compare() { # name, output file
  grep '^device ' "$2" > "$2.decisions" || true
  if ! diff -u "$tmp/expected" "$2.decisions"; then
    echo "60-embedding: FAILED: $1 decides differently from warden eval" >&2; exit 1
  fi
}

make -s -C samples/embed-c embed-c LIBDIR="$BIN" >/dev/null
samples/embed-c/embed-c "$POLICY" "$DEVICES" > "$tmp/c.out"
compare embed-c "$tmp/c.out"

python3 samples/embed-python/embed.py "$LIB" "$POLICY" "$DEVICES" > "$tmp/python.out"
compare embed-python "$tmp/python.out"

(cd samples/embed-swift && swift build > "$tmp/embed-swift-build.log" 2>&1) \
  || { tail -30 "$tmp/embed-swift-build.log" >&2; echo "60-embedding: FAILED: samples/embed-swift does not build" >&2; exit 1; }
SWIFT_BIN=$(cd samples/embed-swift && swift build --show-bin-path)
"$SWIFT_BIN/EmbedSwift" "$POLICY" "$DEVICES" > "$tmp/swift.out"
compare embed-swift "$tmp/swift.out"

N=${WARDEN_LEAKCHECK_N:-10000}
valgrind --leak-check=full --suppressions=Tests/CAPI/swift-once.supp "$tmp/capi_test" "$POLICY" --loop "$N" > "$tmp/vg.out" 2>&1 \
  || { tail -20 "$tmp/vg.out" >&2; echo "60-embedding: FAILED: the leak-check loop failed" >&2; exit 1; }
grep -q "^$N evaluations" "$tmp/vg.out" || { echo "60-embedding: FAILED: the leak-check loop did not run $N evaluations" >&2; exit 1; }
grep -q "definitely lost: 0 bytes" "$tmp/vg.out" || { grep -A30 "definitely lost in" "$tmp/vg.out" >&2; echo "60-embedding: FAILED: leaks under valgrind" >&2; exit 1; }
echo "60-embedding: valgrind: $N evaluations through the C API, definitely lost: 0 bytes"
echo "60-embedding: C API tests pass; embed-c, embed-python and embed-swift decide as warden eval on $(wc -l < "$DEVICES") devices"
