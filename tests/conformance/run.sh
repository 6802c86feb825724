#!/usr/bin/env bash
# Usage: tests/conformance/run.sh LANG FILE
# Runs every case of one vector file through one binding's public API and
# prints the runner output of tests/vectors/FORMAT.md on stdout. It does not
# judge; tests/conformance/check.py compares with the expectations.
# Each binding's runner is tests/conformance/LANG.sh, owned by that binding.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ne 2 ]; then
  echo "usage: $0 LANG FILE  (LANG: rust, c, python, php, go)" >&2
  exit 2
fi
lang=$1
file=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
runner="$here/$lang.sh"
if [ ! -f "$runner" ]; then
  echo "no conformance runner for '$lang' ($runner)" >&2
  exit 2
fi
exec bash "$runner" "$file"
