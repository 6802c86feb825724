#!/usr/bin/env bash
# The PHP runner: php-ext/tests/conformance_runner.php against the paysig
# PHP package (FFI over libpaysig). Builds the library when needed (make
# output goes to stderr). PHP's CLI allows FFI under the default
# ffi.enable=preload, so no ini change is needed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v php >/dev/null; then
  echo "php runner: php is not installed — run 'make setup-php' first" >&2
  exit 3
fi
make --no-print-directory -s -C "$root" lib-c >&2
exec php "$root/php-ext/tests/conformance_runner.php" "$1"
