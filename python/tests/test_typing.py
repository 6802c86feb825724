"""The stubs match the native module (stubtest), and typed code using the
package passes mypy --strict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    # Run from a directory without a paysig/ source tree, so the installed
    # wheel (with its native module) is what gets checked.
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, cwd=HERE)


def test_stubtest_finds_the_stubs_match_the_native_module() -> None:
    result = run("mypy.stubtest", "paysig._native")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_the_package_and_a_typed_usage_file() -> None:
    for target in (["-p", "paysig"], [str(HERE / "typing" / "usage.py")]):
        result = run("mypy", "--strict", "--python-version", "3.10", "--no-incremental", *target)
        assert result.returncode == 0, result.stdout + result.stderr


def test_py_typed_is_installed() -> None:
    import paysig

    assert (Path(paysig.__file__).parent / "py.typed").is_file()
    assert (Path(paysig.__file__).parent / "_native.pyi").is_file()
