"""Runs one vector file (tests/vectors/*.json) through paysig's public
Python API and prints the runner output of tests/vectors/FORMAT.md.

Usage: python conformance_runner.py FILE  (tests/conformance/python.sh).
It reports what the binding returns; it does not judge.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import paysig
import paysig.webhooks

Output = dict[str, Any]


def canonical(given: dict[str, Any]) -> Output:
    return {"canonical": paysig.canonicalize(given["json"])}


def hmac(given: dict[str, Any]) -> Output:
    key = bytes.fromhex(given["key_hex"])
    data = bytes.fromhex(given["data_hex"])
    algorithm = given["algorithm"]
    out = {enc: paysig.hmac_sign(algorithm, key, data, enc) for enc in ("hex", "base64")}
    # FORMAT.md: the runner also verifies its own result in both encodings.
    for enc, signature in out.items():
        if not paysig.hmac_verify(algorithm, key, data, signature, enc):
            raise RuntimeError(f"hmac_verify refused its own {enc} signature")
    return out


def cryptopay(given: dict[str, Any]) -> Output:
    signer = paysig.Cryptopay(given["api_key"], given["api_secret"])
    signed = signer.sign(
        given["method"],
        given["path"],
        given.get("body"),
        content_type=given["content_type"],
        date=given["date"],
    )
    return {"string_to_sign": signed.string_to_sign, "signature": signed.signature, "headers": signed.headers}


def cryptopay_callback(given: dict[str, Any]) -> Output:
    secret, body = given["callback_secret"], given["body"]
    signature = paysig.hmac_sign("sha256", secret, body, "hex")
    # The verifying side must accept what it computed.
    paysig.webhooks.verify_cryptopay(secret, body.encode(), signature)
    return {"signature": signature}


def aquapay(given: dict[str, Any]) -> Output:
    signer = paysig.Aquapay(given["api_key"], given["api_secret"])
    signed = signer.sign(given["method"], given["path"], nonce=given["nonce"])
    return {"string_to_sign": signed.string_to_sign, "signature": signed.signature, "headers": signed.headers}


def remitquickly(given: dict[str, Any]) -> Output:
    signer = paysig.RemitQuickly(given["api_key"], given["secret"])
    signed = signer.sign(given.get("body_json"), timestamp=given["timestamp"])
    return {"payload_json": signed.string_to_sign, "headers": signed.headers}


def pgprints(given: dict[str, Any]) -> Output:
    signed = paysig.PGPrints(given["secret_key"]).sign(given["body_json"])
    return {"string_to_sign": signed.string_to_sign, "headers": signed.headers}


def onchainpay(given: dict[str, Any]) -> Output:
    signer = paysig.OnchainPay(given["public_key"], given["private_key"])
    signed = signer.sign(given["payload_json"], nonce=given["nonce"])
    return {"body": signed.body, "headers": signed.headers}


def verify(given: dict[str, Any]) -> Output:
    now_s = given["now_ms"] / 1000
    options: dict[str, Any] = {"clock": lambda: now_s}
    if "tolerance_ms" in given:
        options["tolerance"] = given["tolerance_ms"] / 1000
    if "nonce_policy" in given:
        options["nonce_policy"] = given["nonce_policy"]
    verifier = paysig.Verifier(given["scheme"], given["keys"], **options)
    key_id = ""
    for request in given["requests"]:
        headers = [(name, value) for name, value in request["headers"]]
        key_id = verifier.verify(request["method"], request["path"], headers, request["body"])
    return {"key_id": key_id}


RUNNERS: dict[str, Callable[[dict[str, Any]], Output]] = {
    "canonical": canonical,
    "hmac": hmac,
    "cryptopay": cryptopay,
    "cryptopay-callback": cryptopay_callback,
    "aquapay": aquapay,
    "remitquickly": remitquickly,
    "pgprints": pgprints,
    "onchainpay": onchainpay,
    "verify": verify,
}


def run_case(run: Callable[[dict[str, Any]], Output], case: dict[str, Any]) -> dict[str, Any]:
    try:
        return {"name": case["name"], "output": run(case["input"])}
    except paysig.AuthError as e:
        return {"name": case["name"], "error": {"code": e.code, "status": e.status, "message": e.message}}
    except paysig.PaysigError as e:
        return {"name": case["name"], "error": {"code": e.code, "message": e.message}}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: conformance_runner.py FILE", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        vectors = json.load(f)
    run = RUNNERS.get(vectors["scheme"])
    if run is None:
        print(f"unknown scheme {vectors['scheme']!r}", file=sys.stderr)
        return 2
    report = {"scheme": vectors["scheme"], "cases": [run_case(run, case) for case in vectors["cases"]]}
    json.dump(report, sys.stdout, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
