"""Shared fixtures: the vector files, and one Node process per session for
the differential tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"
IN_CI = bool(os.environ.get("CI"))

# Reads one JSON string literal per line (the JSON text to parse) and
# answers one line: {"ok": JSON.stringify(JSON.parse(text))} or {"error"}.
NODE_SCRIPT = r"""
const rl = require('readline').createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let answer;
  try { answer = { ok: JSON.stringify(JSON.parse(JSON.parse(line))) }; }
  catch (e) { answer = { error: String(e) }; }
  process.stdout.write(JSON.stringify(answer) + '\n');
});
"""


def vectors(name: str) -> dict[str, Any]:
    with open(VECTORS / f"{name}.json", encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def cases(name: str) -> list[dict[str, Any]]:
    """The cases of tests/vectors/NAME.json that expect a result."""
    return [c for c in vectors(name)["cases"] if "error" not in c["expect"]]


def missing_tool(tool: str) -> None:
    """A test needing `tool` fails in CI and skips loudly elsewhere."""
    message = f"{tool} is not installed: the tests that compare with it cannot run"
    if IN_CI:
        pytest.fail(message + " (CI is set, so this is a failure)")
    print(f"\n*** SKIPPED: {message} ***", file=sys.stderr)
    pytest.skip(message)


class Node:
    """JSON.stringify(JSON.parse(text)) computed by a live Node process."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self._proc = proc

    def stringify(self, text: str) -> str | None:
        """Node's canonical text, or None when JSON.parse throws."""
        assert self._proc.stdin and self._proc.stdout
        self._proc.stdin.write(json.dumps(text).encode() + b"\n")
        self._proc.stdin.flush()
        answer = json.loads(self._proc.stdout.readline().decode("utf-8"))
        ok: str | None = answer.get("ok")
        return ok


@pytest.fixture(scope="session")
def node() -> Iterator[Node]:
    exe = shutil.which("node")
    if exe is None:
        missing_tool("node")
        raise AssertionError("unreachable")
    proc = subprocess.Popen([exe, "-e", NODE_SCRIPT], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        yield Node(proc)
    finally:
        assert proc.stdin
        proc.stdin.close()
        proc.wait(timeout=10)
