#!/usr/bin/env bash
# The Go runner: go/cmd/conformance against the paysig Go package (cgo,
# linked through build/pkgconfig/paysig-uninstalled.pc with the tree's
# libpaysig, found at run time through its rpath). Builds the library and
# the runner when needed (their output goes to stderr).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
make --no-print-directory -s -C "$root" go-conformance-runner >&2
exec "$root/build/go/conformance" "$1"
