"""paysig.requests over real HTTP to a loopback service built on
paysig.Verifier: accepted, refused when tampered or replayed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

import paysig
from loopback import CREDENTIALS, Service, serve
from paysig.requests import AquapayAuth, CryptopayAuth, OnchainPayAuth, PGPrintsAuth, RemitQuicklyAuth

PAYLOAD = {"amount": "100.50", "currency": "EUR", "2": [1.0, 1e21], "note": "café ✓"}


def auth_for(scheme: str) -> requests.auth.AuthBase:
    key, secret = CREDENTIALS[scheme]
    return {
        "cryptopay": lambda: CryptopayAuth(key, secret),
        "aquapay": lambda: AquapayAuth(key, secret),
        "remitquickly": lambda: RemitQuicklyAuth(key, secret),
        "pgprints": lambda: PGPrintsAuth(secret),
        "onchainpay": lambda: OnchainPayAuth(key, secret),
    }[scheme]()


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, Service]]:
    with serve() as running:
        yield running


@pytest.mark.parametrize("scheme", list(CREDENTIALS))
def test_json_post_is_accepted(server: tuple[str, Service], scheme: str) -> None:
    base, _ = server
    response = requests.post(f"{base}/{scheme}/v1/orders?page=2&q=a%20b", json=PAYLOAD, auth=auth_for(scheme), timeout=10)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["key_id"] == CREDENTIALS[scheme][0]
    sent = answer["body"]
    if scheme in ("remitquickly", "pgprints", "onchainpay"):
        # The canonical bytes were sent, not requests' json.dumps output.
        assert ", " not in sent and ": " not in sent
        expected = {**PAYLOAD, "nonce": json.loads(sent)["nonce"]} if scheme == "onchainpay" else PAYLOAD
        assert json.loads(sent) == expected
    else:
        assert json.loads(sent) == PAYLOAD


@pytest.mark.parametrize("scheme", ["cryptopay", "aquapay", "remitquickly", "onchainpay"])
def test_bodyless_get_is_accepted(server: tuple[str, Service], scheme: str) -> None:
    base, _ = server
    response = requests.get(f"{base}/{scheme}/v1/rates", params={"from": "BTC"}, auth=auth_for(scheme), timeout=10)
    assert response.status_code == 200, response.text


def test_remitquickly_form_fields_are_accepted(server: tuple[str, Service]) -> None:
    base, _ = server
    fields = {"amount": "10", "to": "a b&c", "empty": ""}
    response = requests.post(f"{base}/remitquickly/send", data=fields, auth=auth_for("remitquickly"), timeout=10)
    assert response.status_code == 200, response.text


def prepared(base: str, scheme: str) -> requests.PreparedRequest:
    request = requests.Request("POST", f"{base}/{scheme}/v1/pay", json=PAYLOAD, auth=auth_for(scheme))
    return request.prepare()


def tamper_body(p: requests.PreparedRequest) -> None:
    assert isinstance(p.body, bytes)
    p.body = p.body.replace(b"100.50", b"900.50")


@pytest.mark.parametrize("scheme", list(CREDENTIALS))
def test_tampered_body_is_refused(server: tuple[str, Service], scheme: str) -> None:
    base, _ = server
    p = prepared(base, scheme)
    tamper_body(p)
    with requests.Session() as s:
        response = s.send(p, timeout=10)
    if scheme == "aquapay":
        # Aquapay signs method, path and nonce only (PROVIDERS.md).
        assert response.status_code == 200
        return
    assert response.status_code == 401, response.text
    expected = "body_mismatch" if scheme == "remitquickly" else "invalid_signature"
    assert response.headers["X-Paysig-Code"] == expected


@pytest.mark.parametrize("scheme", ["cryptopay", "aquapay", "remitquickly", "onchainpay"])
def test_tampered_path_is_refused(server: tuple[str, Service], scheme: str) -> None:
    base, _ = server
    p = prepared(base, scheme)
    p.url = (p.url or "").replace("/v1/pay", "/v1/refund")
    with requests.Session() as s:
        response = s.send(p, timeout=10)
    # RemitQuickly and OnchainPay do not sign the path: only the others refuse.
    if scheme in ("cryptopay", "aquapay"):
        assert response.status_code == 401
        assert response.headers["X-Paysig-Code"] == "invalid_signature"
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("scheme", ["aquapay", "remitquickly", "onchainpay"])
def test_replay_is_refused(server: tuple[str, Service], scheme: str) -> None:
    base, _ = server
    p = prepared(base, scheme)
    with requests.Session() as s:
        first = s.send(p, timeout=10)
        second = s.send(p, timeout=10)
    assert first.status_code == 200, first.text
    assert second.status_code == 401
    assert second.headers["X-Paysig-Code"] == "nonce_reused"


def test_streaming_bodies_are_refused(server: tuple[str, Service]) -> None:
    base, _ = server

    def chunks() -> Iterator[bytes]:
        yield b'{"a":'
        yield b"1}"

    for scheme in CREDENTIALS:
        with pytest.raises(paysig.InvalidArgumentError, match="streaming"):
            requests.post(f"{base}/{scheme}/x", data=chunks(), auth=auth_for(scheme), timeout=10)


def test_json_schemes_refuse_what_they_cannot_sign(server: tuple[str, Service]) -> None:
    base, _ = server
    with pytest.raises(paysig.InvalidArgumentError):
        requests.get(f"{base}/pgprints/x", auth=auth_for("pgprints"), timeout=10)
    with pytest.raises(paysig.InvalidArgumentError):
        requests.post(f"{base}/onchainpay/x", data={"a": "1"}, auth=auth_for("onchainpay"), timeout=10)
    with pytest.raises(paysig.CanonicalJsonError):
        requests.post(f"{base}/pgprints/x", data=b"{not json", auth=auth_for("pgprints"), timeout=10)


def test_content_length_matches_the_replaced_body(server: tuple[str, Service]) -> None:
    base, _ = server
    p = prepared(base, "onchainpay")
    body: Any = p.body
    assert p.headers["Content-Length"] == str(len(body))
