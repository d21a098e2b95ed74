#!/usr/bin/env bash
# CEL conformance gate (issue 5): the cel-spec "simple" cases through `warden expr --json --cel`,
# in batch mode. Fails if the pass count drops below the level reached (written down here).
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED="${WARDEN_SHARED:-../shared}"
RUN="$SHARED/conformance/cel/run.py"
if [ ! -f "$RUN" ]; then
  echo "cel conformance: $RUN not found (set WARDEN_SHARED to the shared/ folder)" >&2
  exit 1
fi
BIN=.build/debug/warden
MIN_DEFAULT=1012       # of 1,012 runnable cases (every one of the 528 core cases included)
MIN_STRICT=998         # with --strict-errors (error messages must match cel-spec's)
MIN_CORE=528           # of 528 cases without optional features
count() { tail -n 1 | sed -E 's/^([0-9]+) passed.*/\1/'; }
default=$({ python3 "$RUN" --batch --cmd "$BIN expr --json --cel" 2>&1 || true; } | count)
strict=$({ python3 "$RUN" --batch --strict-errors --cmd "$BIN expr --json --cel" 2>&1 || true; } | count)
core=$({ python3 "$RUN" --batch --cmd "$BIN expr --json --cel" \
  --skip-feature uint,bytes,type_values,hex_literals,triple_quoted_strings,qualified_identifiers,undefined_function,fn:dyn,fn:type,fn:bool,fn:uint,fn:bytes 2>&1 || true; } | count)
echo "cel conformance: $default passed (min $MIN_DEFAULT), strict errors $strict (min $MIN_STRICT), core $core (min $MIN_CORE)"
[ "$default" -ge "$MIN_DEFAULT" ] && [ "$strict" -ge "$MIN_STRICT" ] && [ "$core" -ge "$MIN_CORE" ]
