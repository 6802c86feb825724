"""The extension's own memory safety under valgrind: canonical_json reads
dicts and lists through borrowed references (python/src/convert.rs), so the
hostile walk tests of test_hostile.py run again in a child under valgrind,
with Python's allocator replaced by malloc so that a read of a freed object
is seen. CPython itself reports a few errors under valgrind (its GC and
AVX2 string compares); only an error with a frame in the extension fails."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, missing_tool

WALK_TESTS = "walk or subclass or freed"


def errors_in_extension(log: str) -> list[str]:
    """valgrind's error reports (blocks between blank `==PID==` lines) that
    have a frame in the extension module."""
    blocks = re.split(r"^==\d+== *$", log, flags=re.MULTILINE)
    return [block.strip() for block in blocks if "_native" in block]


def test_the_walk_reads_no_freed_or_foreign_memory(tmp_path: Path) -> None:
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        missing_tool("valgrind")
    log = tmp_path / "valgrind.log"
    child = subprocess.run(
        [
            str(valgrind),
            "--quiet",
            f"--log-file={log}",
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-c",
            str(ROOT / "python" / "pyproject.toml"),
            str(ROOT / "python" / "tests" / "test_hostile.py"),
            "-k",
            WALK_TESTS,
        ],
        env={**os.environ, "PYTHONMALLOC": "malloc"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert child.returncode == 0, child.stdout + child.stderr
    assert " passed" in child.stdout and "deselected" in child.stdout, child.stdout
    text = log.read_text()
    assert errors_in_extension(text) == [], text
