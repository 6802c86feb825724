"""Verifier and paysig.webhooks: the Python surface (keys, headers, bodies,
clock, replay guard). The requests and their outcomes come from
tests/vectors/verify.json and cryptopay-callback.json."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from requests.structures import CaseInsensitiveDict

import paysig
import paysig.webhooks
from conftest import cases, vectors

VERIFY = vectors("verify")["cases"]


def accepted_single(scheme: str) -> dict[str, Any]:
    for case in VERIFY:
        given = case["input"]
        if given["scheme"] == scheme and "key_id" in case["expect"] and len(given["requests"]) == 1:
            return case
    raise LookupError(scheme)


def make_verifier(given: dict[str, Any], **options: Any) -> paysig.Verifier:
    now = given["now_ms"] / 1000
    extra: dict[str, Any] = {"clock": lambda: now}
    if "tolerance_ms" in given:
        extra["tolerance"] = timedelta(milliseconds=given["tolerance_ms"])
    if "nonce_policy" in given:
        extra["nonce_policy"] = given["nonce_policy"]
    extra.update(options)
    return paysig.Verifier(given["scheme"], given["keys"], **extra)


SCHEMES = ["cryptopay", "aquapay", "remitquickly", "pgprints", "onchainpay", "cryptopay-callback"]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_headers_as_dict_pairs_or_case_insensitive_dict(scheme: str) -> None:
    case = accepted_single(scheme)
    request = case["input"]["requests"][0]
    pairs = [(n, v) for n, v in request["headers"]]
    shapes: list[Any] = [
        pairs,
        dict(pairs),
        CaseInsensitiveDict(dict(pairs)),
        {n.upper(): v for n, v in pairs},
        [(n.encode(), v.encode()) for n, v in pairs],
    ]
    body = request["body"]
    bodies: list[Any] = [body, None if body is None else body.encode()]
    for headers in shapes:
        for raw in bodies:
            # A fresh verifier each time: the replay guard remembers.
            verifier = make_verifier(case["input"])
            assert verifier.verify(request["method"], request["path"], headers, raw) == case["expect"]["key_id"]


def test_keys_as_str_or_list_of_secrets() -> None:
    case = accepted_single("aquapay")
    given = case["input"]
    key_id = case["expect"]["key_id"]
    secrets = given["keys"][key_id]
    request = given["requests"][0]
    args = (request["method"], request["path"], request["headers"], request["body"])

    def verify(keys: Any) -> str:
        return paysig.Verifier("aquapay", keys, clock=lambda: given["now_ms"] / 1000).verify(*args)

    for keys in ({key_id: secrets}, {key_id: tuple(secrets)}, {key_id: ["an older secret", *secrets]}):
        assert verify(keys) == key_id
    # One secret as a plain str: the one that signed verifies.
    accepted = []
    for secret in secrets:
        try:
            accepted.append(verify({key_id: secret}))
        except paysig.AuthError as e:
            assert e.code == "invalid_signature"
    assert accepted == [key_id]


def test_refusal_carries_status_message_and_provider_body() -> None:
    refused = next(
        c
        for c in VERIFY
        if c["input"]["scheme"] == "cryptopay" and c["expect"].get("error") == "invalid_signature"
    )
    given = refused["input"]
    verifier = make_verifier(given)
    with pytest.raises(paysig.AuthError) as info:
        for request in given["requests"]:
            verifier.verify(request["method"], request["path"], request["headers"], request["body"])
    error = info.value
    assert error.code == "invalid_signature"
    assert error.status == refused["expect"].get("status", 401)
    assert error.message == refused["expect"].get("message", error.message)
    body = json.loads(error.body or "")
    assert body["error"]["message"] == error.message


def test_replay_guard_shared_between_verifiers() -> None:
    case = accepted_single("aquapay")
    given = case["input"]
    request = given["requests"][0]
    guard = paysig.MemoryReplayGuard(capacity=1000)
    first = make_verifier(given, replay=guard)
    second = make_verifier(given, replay=guard)
    args = (request["method"], request["path"], request["headers"], request["body"])
    assert first.verify(*args) == case["expect"]["key_id"]
    assert len(guard) >= 1
    with pytest.raises(paysig.AuthError) as info:
        second.verify(*args)
    assert info.value.code == "nonce_reused"


def test_clock_moves_the_window() -> None:
    case = accepted_single("aquapay")
    given = case["input"]
    request = given["requests"][0]
    later = make_verifier(given, clock=lambda: given["now_ms"] / 1000 + 3600)
    with pytest.raises(paysig.AuthError) as info:
        later.verify(request["method"], request["path"], request["headers"], request["body"])
    assert info.value.code == "timestamp_expired"


def test_constructor_refusals() -> None:
    with pytest.raises(paysig.InvalidArgumentError):
        paysig.Verifier("stripe", {"k": "s"})
    with pytest.raises(paysig.InvalidArgumentError):
        paysig.Verifier("aquapay", {})
    with pytest.raises(paysig.InvalidArgumentError):
        paysig.Verifier("aquapay", {"k": ""})
    with pytest.raises(paysig.InvalidArgumentError):
        paysig.Verifier("aquapay", {"k": "s"}, tolerance=-1)
    with pytest.raises(paysig.InvalidArgumentError):
        paysig.Verifier("onchainpay", {"k": "s"}, nonce_policy="sometimes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        paysig.Verifier("aquapay", {"k": "s"}, clock=12)  # type: ignore[arg-type]
    verifier = paysig.Verifier("cryptopay", {"key-id": "very-secret"}, tolerance=60)
    assert verifier.scheme == "cryptopay" and verifier.tolerance == 60
    assert "very-secret" not in repr(verifier)


@pytest.mark.parametrize("case", cases("cryptopay-callback"), ids=lambda c: c["name"])
def test_webhook_verify_cryptopay(case: dict[str, Any]) -> None:
    secret, body = case["input"]["callback_secret"], case["input"]["body"]
    signature = case["expect"]["signature"]
    for raw in (body, body.encode()):
        assert paysig.webhooks.verify_cryptopay(secret, raw, signature) == json.loads(body)
    assert paysig.webhooks.verify_cryptopay(secret, body, signature.upper()) == json.loads(body)
    tampered = body.replace("paid", "PAID") if "paid" in body else body + " "
    with pytest.raises(paysig.AuthError) as info:
        paysig.webhooks.verify_cryptopay(secret, tampered, signature)
    assert (info.value.code, info.value.status) == ("invalid_signature", 401)
    with pytest.raises(paysig.AuthError) as info:
        paysig.webhooks.verify_cryptopay("another secret", body, signature)
    assert info.value.code == "invalid_signature"
    for missing in (None, ""):
        with pytest.raises(paysig.AuthError) as info:
            paysig.webhooks.verify_cryptopay(secret, body, missing)
        assert info.value.code == "missing_header"
    with pytest.raises(paysig.InvalidArgumentError):
        paysig.webhooks.verify_cryptopay("", body, signature)


def test_webhook_body_parsed_only_after_the_check() -> None:
    # Not JSON, and a wrong signature: the signature error comes first.
    with pytest.raises(paysig.AuthError):
        paysig.webhooks.verify_cryptopay("s", b"{not json", "00" * 32)
