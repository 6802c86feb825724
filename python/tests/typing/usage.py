"""Typed usage of paysig, checked with mypy --strict (tests/test_typing.py).
It is type-checked, not run."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import requests

import paysig
import paysig.httpx
import paysig.requests
import paysig.webhooks


def signing() -> list[paysig.SignedRequest]:
    payload: dict[str, Any] = {"amount": Decimal("10.50"), "items": [1, 2.5, None, True]}
    counts: dict[str, int] = {"a": 1}
    out = [
        paysig.Cryptopay("key", "secret").sign("POST", "/api/invoices", '{"a":1}', date="Tue, 25 Sep 2018 17:41:40 GMT"),
        paysig.Cryptopay("key", "secret").sign("GET", "/api/rates"),
        paysig.Aquapay("key", "secret").sign("GET", "/payment/v1/payment?x=1", nonce=1700000000000),
        paysig.RemitQuickly("key", "secret").sign(counts, timestamp="1700000000000"),
        paysig.RemitQuickly("key", "secret").sign(),
        paysig.PGPrints("secret", encoding="hex").sign(payload),
        paysig.OnchainPay("public", "private").sign(b'{"from":"ETH"}', nonce=1643881172430),
    ]
    signed = out[0]
    headers: dict[str, str] = signed.headers
    body: str | None = signed.body
    text: str = signed.string_to_sign + signed.signature + str(headers) + str(body)
    assert text
    return out


def functions() -> bool:
    canonical: str = paysig.canonical_json({"b": [1, (2, 3)], "a": Decimal("1.5")})
    again: str = paysig.canonicalize(canonical.encode())
    mac: str = paysig.hmac_sign("sha256", b"key", again, "base64")
    return paysig.hmac_verify("sha256", "key", again, mac, encoding="base64")


def verifying(headers: dict[str, str], body: bytes) -> str:
    guard = paysig.MemoryReplayGuard(capacity=10_000)
    verifier = paysig.Verifier(
        "aquapay",
        {"key-id": ["new secret", "old secret"], "other": "secret"},
        tolerance=timedelta(seconds=30),
        replay=guard,
        nonce_policy="increasing",
    )
    try:
        return verifier.verify("POST", "/payment/v1/payment", headers, body)
    except paysig.AuthError as e:
        status: int = e.status
        code: str = e.code
        provider_body: str | None = e.body
        raise RuntimeError(f"{status} {code} {provider_body}") from e


def webhook(body: bytes, signature: str | None) -> Any:
    event: dict[str, Any] = paysig.webhooks.verify_cryptopay("callback secret", body, signature)
    return event["data"]


def clients(payload: dict[str, Any]) -> int:
    r = requests.post("http://127.0.0.1:1/x", json=payload, auth=paysig.requests.OnchainPayAuth("pub", "priv"))
    with httpx.Client(auth=paysig.httpx.CryptopayAuth("key", "secret")) as client:
        h = client.post("http://127.0.0.1:1/x", json=payload)
    return r.status_code + h.status_code


async def async_client(payload: dict[str, Any]) -> int:
    async with httpx.AsyncClient() as client:
        response = await client.post("http://127.0.0.1:1/x", json=payload, auth=paysig.httpx.PGPrintsAuth("s"))
    return response.status_code


def errors(e: paysig.PaysigError) -> str:
    if isinstance(e, paysig.CanonicalJsonError | paysig.InvalidArgumentError):
        return e.code + e.message
    return str(e)
