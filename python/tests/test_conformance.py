"""Every vector file through tests/conformance/run.sh python FILE, judged
with tests/conformance/check.py's rule, one test per case."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from functools import cache
from typing import Any

import pytest

from conftest import ROOT, VECTORS

CHECK = ROOT / "tests" / "conformance" / "check.py"
_spec = importlib.util.spec_from_file_location("conformance_check", CHECK)
assert _spec and _spec.loader
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)

FILES = sorted(VECTORS.glob("*.json"))


@cache
def runner_output(path: str) -> dict[str, Any]:
    proc = subprocess.run(
        ["bash", str(ROOT / "tests" / "conformance" / "run.sh"), "python", path],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert proc.returncode == 0, proc.stderr
    report: dict[str, Any] = json.loads(proc.stdout)
    return report


def all_cases() -> list[Any]:
    params = []
    for path in FILES:
        data = json.loads(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            params.append(pytest.param(str(path), case, id=f"{path.stem}: {case['name']}"))
    return params


def test_every_vector_file_is_covered() -> None:
    names = {p.stem for p in FILES}
    assert {"canonical", "hmac", "cryptopay", "cryptopay-callback", "aquapay"} <= names
    assert {"remitquickly", "pgprints", "onchainpay"} <= names


@pytest.mark.parametrize(("path", "case"), all_cases())
def test_vector(path: str, case: dict[str, Any]) -> None:
    report = runner_output(path)
    vectors = json.loads(open(path, encoding="utf-8").read())
    assert report["scheme"] == vectors["scheme"]
    results = {c["name"]: c for c in report["cases"]}
    failure = check.compare(case["expect"], results.get(case["name"]))
    assert failure is None, failure
