#!/usr/bin/env bash
# Installs what the build needs and the Swift toolchain does not bring: GNU readline's headers.
set -euo pipefail
if [ ! -f /usr/include/readline/readline.h ]; then
  echo "warden: installing libreadline-dev (needed by the REPL)" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  if command -v apt-get >/dev/null 2>&1; then
    $SUDO apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libreadline-dev >/dev/null
  else
    echo "warden: please install GNU readline's development files (libreadline-dev or readline-devel)" >&2
    exit 1
  fi
fi
