#!/usr/bin/env bash
# Installs a headless Chromium from the distribution's packages when none is on the PATH, and
# prints the command to run. Used by scripts/ci.d/35-matrix-picture.sh (the decision grid's SVG is
# screenshotted in a real browser). Fails with a message, never silently, when it cannot.
set -euo pipefail
find_browser() {
  for b in chromium-headless-shell chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then command -v "$b"; return 0; fi
  done
  return 1
}
if b=$(find_browser); then echo "$b"; exit 0; fi
echo "warden: installing chromium-headless-shell (the matrix picture is checked in a real browser)" >&2
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: FAILED: no chromium on the PATH and no apt-get to install one" >&2
  exit 1
fi
$SUDO apt-get update -qq >/dev/null || true
if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium-headless-shell fonts-dejavu-core >/dev/null; then
  echo "ensure-chromium: FAILED: apt-get install chromium-headless-shell did not succeed" >&2
  exit 1
fi
if b=$(find_browser); then echo "$b"; exit 0; fi
echo "ensure-chromium: FAILED: chromium-headless-shell was installed but is not on the PATH" >&2
exit 1
