#!/usr/bin/env bash
# The readline REPL in a real pseudo-terminal (python3's pty module): TAB completion of a fact
# name, up-arrow history, the `...> ` continuation prompt, Ctrl-C, and exit status 0 on Ctrl-D.
# Uses the debug binary that scripts/test.sh has just built, and a temporary history file.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=.build/debug/warden
[ -x "$bin" ] || { echo "20-repl-pty: $bin is missing (run swift build first)" >&2; exit 1; }
if ! command -v python3 >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "20-repl-pty: installing python3 (for its pty module)" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 >/dev/null
  fi
  command -v python3 >/dev/null || { echo "20-repl-pty: python3 is needed for the pty check" >&2; exit 1; }
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
timeout 60 python3 scripts/repl-pty-check.py "$bin" "$tmp/history" </dev/null
