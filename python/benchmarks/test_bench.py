"""paysig against the equivalent Python code (pytest-benchmark).

Run: make bench-python (or pytest python/benchmarks --benchmark-only).
Groups: one per scheme — paysig's sign vs the same scheme written with the
standard library (json.dumps with compact separators and
ensure_ascii=False + hmac + base64) and with orjson + hmac; and
canonical_json vs json.dumps and orjson.dumps on a small and a ~64 KB
document. The hand-written versions only approximate JSON.stringify (key
order, numbers), which is why paysig exists; they are the cost to beat.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import orjson
import pytest

import paysig

KEY, SECRET = "key-id", "a-secret-of-thirty-two-bytes-abc"
SECRET_BYTES = SECRET.encode()
DATE = "Tue, 25 Sep 2018 17:41:40 GMT"
NONCE = 1700000000000
PAYLOAD: dict[str, Any] = {
    "amount": "100.50",
    "currency": "EUR",
    "order_id": "7e274430-e20f-4321-8748-20824287ae44",
    "description": "Order #1234 — 2 items",
    "customer": {"email": "buyer@example.com", "country": "DE"},
    "items": [{"sku": "A-1", "qty": 2}, {"sku": "B-7", "qty": 1}],
}
BODY_TEXT = json.dumps(PAYLOAD, separators=(",", ":"), ensure_ascii=False)
BIG: dict[str, Any] = {
    f"order{i}": {"id": i, "amount": f"{i}.50", "price": i / 7, "paid": i % 2 == 0, "tags": ["a", "b"], "note": "café"}
    for i in range(620)
}


def dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def mac(digest: Any, message: bytes) -> bytes:
    return hmac.new(SECRET_BYTES, message, digest).digest()


# --- the five schemes, three ways each --------------------------------------


def cryptopay_paysig() -> Callable[[], Any]:
    signer = paysig.Cryptopay(KEY, SECRET)
    return lambda: signer.sign("POST", "/api/invoices", BODY_TEXT, date=DATE).headers


def cryptopay_python(_: Callable[[Any], bytes]) -> Callable[[], Any]:
    def sign() -> dict[str, str]:
        body = BODY_TEXT.encode()
        text = "\n".join(["POST", hashlib.md5(body).hexdigest(), "application/json", DATE, "/api/invoices"])
        signature = base64.b64encode(mac(hashlib.sha1, text.encode())).decode()
        return {"Authorization": f"HMAC {KEY}:{signature}", "Content-Type": "application/json", "Date": DATE}

    return sign


def aquapay_paysig() -> Callable[[], Any]:
    signer = paysig.Aquapay(KEY, SECRET)
    return lambda: signer.sign("GET", "/payment/v1/payment?startTime=1", nonce=NONCE).headers


def aquapay_python(encode: Callable[[Any], bytes]) -> Callable[[], Any]:
    def sign() -> dict[str, str]:
        nonce = str(NONCE)
        text = encode({"httpMethod": "GET", "path": "/payment/v1/payment?startTime=1".split("?")[0], "nonce": nonce})
        return {"x-nonce": nonce, "x-api-key": KEY, "x-signature": mac(hashlib.sha384, text).hex()}

    return sign


def remitquickly_paysig() -> Callable[[], Any]:
    signer = paysig.RemitQuickly(KEY, SECRET)
    return lambda: signer.sign(PAYLOAD, timestamp=NONCE).headers


def remitquickly_python(encode: Callable[[Any], bytes]) -> Callable[[], Any]:
    def sign() -> dict[str, str]:
        payload = base64.b64encode(encode({"body": PAYLOAD, "timestamp": str(NONCE)}))
        return {"apikey": KEY, "payload": payload.decode(), "signature": mac(hashlib.sha512, payload).hex()}

    return sign


def pgprints_paysig() -> Callable[[], Any]:
    signer = paysig.PGPrints(SECRET)
    return lambda: signer.sign(PAYLOAD).headers


def pgprints_python(encode: Callable[[Any], bytes]) -> Callable[[], Any]:
    def sign() -> dict[str, str]:
        signature = base64.b64encode(mac(hashlib.sha256, encode(PAYLOAD))).decode()
        return {"X-PGPrints-Hmac-Sha256": signature}

    return sign


def onchainpay_paysig() -> Callable[[], Any]:
    signer = paysig.OnchainPay(KEY, SECRET)
    return lambda: signer.sign(PAYLOAD, nonce=NONCE).headers


def onchainpay_python(encode: Callable[[Any], bytes]) -> Callable[[], Any]:
    def sign() -> dict[str, str]:
        body = encode({**PAYLOAD, "nonce": NONCE})
        return {"x-api-public-key": KEY, "x-api-signature": mac(hashlib.sha256, body).hex()}

    return sign


SCHEMES = {
    "cryptopay": (cryptopay_paysig, cryptopay_python),
    "aquapay": (aquapay_paysig, aquapay_python),
    "remitquickly": (remitquickly_paysig, remitquickly_python),
    "pgprints": (pgprints_paysig, pgprints_python),
    "onchainpay": (onchainpay_paysig, onchainpay_python),
}


@pytest.mark.parametrize("way", ["paysig", "stdlib", "orjson"])
@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_sign(benchmark: Any, scheme: str, way: str) -> None:
    benchmark.group = f"sign {scheme}"
    ours, theirs = SCHEMES[scheme]
    run = ours() if way == "paysig" else theirs(dumps if way == "stdlib" else orjson.dumps)
    benchmark(run)


# --- canonical JSON ----------------------------------------------------------

DOCS = {"small": PAYLOAD, "64KB": BIG}
WAYS: dict[str, Callable[[Any], Any]] = {
    "paysig.canonical_json": paysig.canonical_json,
    "json.dumps": lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=False),
    "orjson.dumps": orjson.dumps,
}


def test_big_document_is_about_64_kb() -> None:
    assert 60_000 < len(paysig.canonical_json(BIG)) < 70_000


@pytest.mark.parametrize("way", list(WAYS))
@pytest.mark.parametrize("doc", list(DOCS))
def test_canonical_json(benchmark: Any, doc: str, way: str) -> None:
    benchmark.group = f"canonical_json {doc}"
    benchmark(WAYS[way], DOCS[doc])
