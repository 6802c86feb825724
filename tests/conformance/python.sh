#!/usr/bin/env bash
# The Python runner: the installed paysig wheel's public API, run by the
# project venv's interpreter (python/tests/conformance_runner.py).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
python="$root/.venv/bin/python"
if [ ! -x "$python" ]; then
  echo "python runner: no venv at $root/.venv — run 'make setup-python demo-python' first" >&2
  exit 3
fi
if ! "$python" -c "import paysig._native" 2>/dev/null; then
  echo "python runner: the paysig wheel is not installed in $root/.venv — run 'make demo-python' first" >&2
  exit 3
fi
exec "$python" "$root/python/tests/conformance_runner.py" "$1"
