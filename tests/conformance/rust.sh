#!/usr/bin/env bash
# The Rust runner: core's public API, through the `conformance` example.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
exec cargo run --quiet --release --manifest-path "$root/Cargo.toml" -p paysig --example conformance -- "$1"
