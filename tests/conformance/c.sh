#!/usr/bin/env bash
# The C runner: tests/c/conformance.c against libpaysig's public C API.
# Builds it when needed (make output goes to stderr); with
# PAYSIG_C_VALGRIND=1 it runs under valgrind memcheck, and any memory
# error or leak fails the run (exit 1).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
make --no-print-directory -s -C "$root" c-conformance-runner >&2
runner="$root/build/c/conformance"
if [ "${PAYSIG_C_VALGRIND:-}" = 1 ]; then
  exec valgrind --quiet --leak-check=full --errors-for-leak-kinds=all \
    --show-leak-kinds=all --error-exitcode=1 "$runner" "$1"
fi
exec "$runner" "$1"
