"""The signers' Python surface: bodies given as text, bytes or values,
nonces as str or int, defaults, refusals. Expected values come from the
vector files."""

from __future__ import annotations

import json
import pickle
from email.utils import parsedate_to_datetime
from typing import Any

import pytest

import paysig
from conftest import cases


@pytest.mark.parametrize("case", cases("onchainpay"), ids=lambda c: c["name"])
def test_onchainpay_payload_as_value_text_or_bytes(case: dict[str, Any]) -> None:
    given, expect = case["input"], case["expect"]
    signer = paysig.OnchainPay(given["public_key"], given["private_key"])
    text = given["payload_json"]
    for payload in (text, text.encode(), json.loads(text)):
        signed = signer.sign(payload, nonce=given["nonce"])
        assert signed.body == expect["body"]
        assert signed.headers == expect["headers"]
        assert signed.string_to_sign == expect["body"]
        assert signed.signature == expect["headers"]["x-api-signature"]


def test_onchainpay_default_nonces_increase() -> None:
    signer = paysig.OnchainPay("pk", "sk")
    nonces = [json.loads(signer.sign({}).body or "")["nonce"] for _ in range(50)]
    assert nonces == sorted(set(nonces))


@pytest.mark.parametrize("case", cases("remitquickly"), ids=lambda c: c["name"])
def test_remitquickly_body_as_value(case: dict[str, Any]) -> None:
    given, expect = case["input"], case["expect"]
    signer = paysig.RemitQuickly(given["api_key"], given["secret"])
    body = given.get("body_json")
    value = None if body is None else json.loads(body)
    signed = signer.sign(value, timestamp=given["timestamp"])
    assert signed.string_to_sign == expect["payload_json"]
    assert signed.headers == expect["headers"]
    # An int timestamp is the same decimal text.
    assert signer.sign(value, timestamp=int(given["timestamp"])).headers == expect["headers"]


@pytest.mark.parametrize("case", cases("pgprints"), ids=lambda c: c["name"])
def test_pgprints_body_as_value(case: dict[str, Any]) -> None:
    given, expect = case["input"], case["expect"]
    signed = paysig.PGPrints(given["secret_key"]).sign(json.loads(given["body_json"]))
    assert signed.string_to_sign == expect["string_to_sign"]
    assert signed.body == expect["string_to_sign"]
    assert signed.headers == expect["headers"]


@pytest.mark.parametrize("case", cases("aquapay"), ids=lambda c: c["name"])
def test_aquapay_query_is_not_signed(case: dict[str, Any]) -> None:
    given, expect = case["input"], case["expect"]
    signer = paysig.Aquapay(given["api_key"], given["api_secret"])
    path = given["path"].split("?")[0]
    for target in (path, path + "?startTime=1&endTime=2"):
        signed = signer.sign(given["method"].lower(), target, nonce=given["nonce"])
        assert signed.headers == expect["headers"]
        assert signed.body is None
    assert signer.sign(given["method"], path, nonce=int(given["nonce"])).headers == expect["headers"]


@pytest.mark.parametrize("case", cases("cryptopay"), ids=lambda c: c["name"])
def test_cryptopay_raw_body_as_bytes(case: dict[str, Any]) -> None:
    given, expect = case["input"], case["expect"]
    signer = paysig.Cryptopay(given["api_key"], given["api_secret"])
    body = given["body"]
    signed = signer.sign(
        given["method"],
        given["path"],
        None if body is None else body.encode(),
        content_type=given["content_type"],
        date=given["date"],
    )
    assert signed.signature == expect["signature"]
    assert signed.headers == expect["headers"]


def test_cryptopay_default_date_is_an_http_date() -> None:
    signed = paysig.Cryptopay("k", "s").sign("GET", "/api/rates")
    date = signed.headers["Date"]
    assert parsedate_to_datetime(date).tzname() == "UTC"
    assert date.endswith(" GMT")
    assert signed.headers["Content-Type"] == "application/json"


def invalid(call: Any) -> paysig.InvalidArgumentError:
    with pytest.raises(paysig.InvalidArgumentError) as info:
        call()
    assert info.value.code == "invalid_argument"
    assert isinstance(info.value, ValueError)
    return info.value


def test_bad_arguments_are_refused_without_echoing_secrets() -> None:
    for call in [
        lambda: paysig.Cryptopay("", "s"),
        lambda: paysig.Cryptopay("k", ""),
        lambda: paysig.Aquapay("k", ""),
        lambda: paysig.RemitQuickly("k", ""),
        lambda: paysig.PGPrints(""),
        lambda: paysig.PGPrints("s", encoding="base32"),
        lambda: paysig.OnchainPay("", "s"),
        lambda: paysig.Cryptopay("k", "s").sign("GET", "/a\r\nX-Evil: 1"),
        lambda: paysig.Cryptopay("k", "s").sign("", "/"),
        lambda: paysig.Cryptopay("k", "s").sign("GET", "/", b"\xff"),
        lambda: paysig.Aquapay("k", "s").sign("GET", "/", nonce=""),
        lambda: paysig.RemitQuickly("k", "s").sign({}, timestamp="1\n2"),
        lambda: paysig.OnchainPay("k", "s").sign([1, 2]),
        lambda: paysig.OnchainPay("k", "s").sign("[1]"),
    ]:
        error = invalid(call)
        assert "X-Evil" not in str(error)


def test_secret_never_appears_in_messages_or_reprs() -> None:
    secret = "very-secret-value"
    signers: list[Any] = [
        paysig.Cryptopay("key", secret),
        paysig.Aquapay("key", secret),
        paysig.RemitQuickly("key", secret),
        paysig.PGPrints(secret),
        paysig.OnchainPay("key", secret),
    ]
    for signer in signers:
        assert secret not in repr(signer)
    signed = paysig.PGPrints(secret).sign({"a": 1})
    assert secret not in repr(signed)


def test_json_bodies_are_checked() -> None:
    with pytest.raises(paysig.CanonicalJsonError) as info:
        paysig.PGPrints("s").sign('{"a":1,"a":2}')
    assert info.value.code == "duplicate_key"
    with pytest.raises(paysig.CanonicalJsonError) as info:
        paysig.OnchainPay("k", "s").sign(b'{"a":"\xff"}')
    assert info.value.code == "invalid_string"
    with pytest.raises(paysig.CanonicalJsonError) as info:
        paysig.RemitQuickly("k", "s").sign({"amount": 2**60 + 1})
    assert info.value.code == "number_out_of_range"


def test_argument_types() -> None:
    with pytest.raises(TypeError):
        paysig.Aquapay("k", "s").sign("GET", "/", nonce=1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        paysig.OnchainPay("k", "s").sign({}, nonce=[1])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        paysig.hmac_sign("sha256", 1, b"m")  # type: ignore[arg-type]


def test_signed_request_headers_are_a_fresh_dict() -> None:
    signed = paysig.Aquapay("k", "s").sign("GET", "/", nonce="1")
    headers = signed.headers
    headers["x-api-key"] = "changed"
    assert signed.headers["x-api-key"] == "k"


def test_signers_are_not_picklable() -> None:
    # Pickling would write the secret to wherever the pickle goes.
    with pytest.raises(TypeError):
        pickle.dumps(paysig.PGPrints("secret"))
