#!/usr/bin/env python3
"""Runs vector files through one binding and compares with the expectations.

Usage: tests/conformance/check.py LANG [FILE ...]   (default: every
tests/vectors/*.json). Calls tests/conformance/run.sh LANG FILE for each file
and applies FORMAT.md's rule: a case passes when every field of `expect`
equals the same field of the runner's `output`, or when `expect` is
{"error": C} and the runner reported code C. Standard library only.
"""
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "vectors")


def check_file(lang, path):
    """Returns a list of (case name, failure or None)."""
    with open(path, encoding="utf-8") as f:
        vectors = json.load(f)
    proc = subprocess.run(
        ["bash", os.path.join(HERE, "run.sh"), lang, path],
        capture_output=True, text=True, encoding="utf-8",
    )
    if proc.returncode != 0:
        return [("(runner)", f"exit {proc.returncode}: {proc.stderr.strip()[-2000:]}")]
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError as e:
        return [("(runner)", f"output is not JSON: {e}: {proc.stdout[:500]!r}")]
    if report.get("scheme") != vectors["scheme"]:
        return [("(runner)", f"scheme {report.get('scheme')!r} != {vectors['scheme']!r}")]
    got = {}
    for case in report.get("cases", []):
        if case.get("name") in got:
            return [("(runner)", f"case {case.get('name')!r} reported twice")]
        got[case.get("name")] = case
    results = []
    for case in vectors["cases"]:
        results.append((case["name"], compare(case["expect"], got.get(case["name"]))))
    return results


def compare(expect, result):
    if result is None:
        return "the runner did not report this case"
    if "error" in expect:
        # {"error": CODE} may also name the HTTP "status" and "message" a
        # verifier must give; those are compared with the runner's error.
        error = result.get("error") or {}
        if error.get("code") != expect["error"]:
            got = error.get("code") or json.dumps(result.get("output"))
            return f"expected error {expect['error']}, got {got}"
        for field in ("status", "message"):
            if field in expect and error.get(field) != expect[field]:
                return f"error {field}: expected {expect[field]!r}, got {error.get(field)!r}"
        return None
    if "error" in result:
        return f"unexpected error {json.dumps(result['error'])}"
    output = result.get("output", {})
    for field, want in expect.items():
        if output.get(field) != want:
            return f"{field}: expected {json.dumps(want)}, got {json.dumps(output.get(field))}"
    return None


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    lang = argv[1]
    files = argv[2:] or sorted(glob.glob(os.path.join(VECTORS, "*.json")))
    passed = failed = 0
    for path in files:
        for name, failure in check_file(lang, path):
            label = f"{os.path.basename(path)}: {name}"
            if failure is None:
                passed += 1
            else:
                failed += 1
                print(f"FAIL {lang} {label}: {failure}")
    print(f"conformance-{lang}: {passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
