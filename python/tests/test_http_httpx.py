"""paysig.httpx with httpx.Client and httpx.AsyncClient over real HTTP to a
loopback service built on paysig.Verifier: accepted, refused when tampered
or replayed."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

import paysig
from loopback import CREDENTIALS, Service, serve
from paysig.httpx import AquapayAuth, CryptopayAuth, OnchainPayAuth, PGPrintsAuth, RemitQuicklyAuth

PAYLOAD = {"amount": "100.50", "currency": "EUR", "10": True, "1": None, "note": "naïve ✓"}
JSON_SCHEMES = ("remitquickly", "pgprints", "onchainpay")


def auth_for(scheme: str) -> httpx.Auth:
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


def check_accepted(response: httpx.Response, scheme: str) -> None:
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["key_id"] == CREDENTIALS[scheme][0]
    if scheme in JSON_SCHEMES:
        assert ": " not in answer["body"]
        sent = json.loads(answer["body"])
        sent.pop("nonce", None) if scheme == "onchainpay" else None
        assert sent == PAYLOAD


@pytest.mark.parametrize("scheme", list(CREDENTIALS))
def test_sync_client(server: tuple[str, Service], scheme: str) -> None:
    base, _ = server
    with httpx.Client(base_url=base, auth=auth_for(scheme)) as client:
        check_accepted(client.post(f"/{scheme}/v1/orders", params={"q": "a b", "page": 2}, json=PAYLOAD), scheme)
        if scheme != "pgprints":
            assert client.get(f"/{scheme}/v1/rates?from=BTC").status_code == 200


@pytest.mark.asyncio
@pytest.mark.parametrize("scheme", list(CREDENTIALS))
async def test_async_client(server: tuple[str, Service], scheme: str) -> None:
    base, _ = server
    async with httpx.AsyncClient(base_url=base) as client:
        response = await client.post(f"/{scheme}/v1/orders?q=1", json=PAYLOAD, auth=auth_for(scheme))
        check_accepted(response, scheme)


def test_remitquickly_form_fields(server: tuple[str, Service]) -> None:
    base, _ = server
    response = httpx.post(f"{base}/remitquickly/send", data={"amount": "10", "to": "a b"}, auth=auth_for("remitquickly"))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("scheme", list(CREDENTIALS))
def test_tampered_signature_is_refused(server: tuple[str, Service], scheme: str) -> None:
    base, _ = server
    signature_header = {
        "cryptopay": "Authorization",
        "aquapay": "x-signature",
        "remitquickly": "signature",
        "pgprints": "X-PGPrints-Hmac-Sha256",
        "onchainpay": "x-api-signature",
    }[scheme]

    def tamper(request: httpx.Request) -> None:
        # A different digit, not merely another case: hex is accepted in
        # either case, so "a" -> "A" would still verify.
        value = request.headers[signature_header]
        flipped = "1" if value[-5].lower() == "0" else "0"
        request.headers[signature_header] = value[:-5] + flipped + value[-4:]

    with httpx.Client(base_url=base, auth=auth_for(scheme), event_hooks={"request": [tamper]}) as client:
        response = client.post(f"/{scheme}/v1/pay", json=PAYLOAD)
    assert response.status_code == 401, response.text
    assert response.headers["X-Paysig-Code"] == "invalid_signature"


@pytest.mark.parametrize("scheme", ["cryptopay", "remitquickly", "pgprints", "onchainpay"])
def test_tampered_body_is_refused(server: tuple[str, Service], scheme: str) -> None:
    base, _ = server

    def tamper(request: httpx.Request) -> None:
        body = request.content.replace(b"100.50", b"900.50")
        request.stream = httpx.ByteStream(body)

    with httpx.Client(base_url=base, auth=auth_for(scheme), event_hooks={"request": [tamper]}) as client:
        response = client.post(f"/{scheme}/v1/pay", json=PAYLOAD)
    assert response.status_code == 401, response.text


@pytest.mark.asyncio
@pytest.mark.parametrize("scheme", ["aquapay", "remitquickly", "onchainpay"])
async def test_replay_is_refused(server: tuple[str, Service], scheme: str) -> None:
    base, _ = server
    sent: list[httpx.Request] = []

    async def capture(request: httpx.Request) -> None:
        sent.append(request)

    async with httpx.AsyncClient(base_url=base, event_hooks={"request": [capture]}) as client:
        first = await client.post(f"/{scheme}/v1/pay", json=PAYLOAD, auth=auth_for(scheme))
        assert first.status_code == 200, first.text
        replayed = await client.send(sent[0])
    assert replayed.status_code == 401
    assert replayed.headers["X-Paysig-Code"] == "nonce_reused"


def test_streaming_and_multipart_bodies_are_refused(server: tuple[str, Service]) -> None:
    base, _ = server

    def chunks() -> Iterator[bytes]:
        yield b"{}"

    with httpx.Client(base_url=base) as client:
        for scheme in CREDENTIALS:
            with pytest.raises(paysig.InvalidArgumentError, match="streaming"):
                client.post(f"/{scheme}/x", content=chunks(), auth=auth_for(scheme))
            with pytest.raises(paysig.InvalidArgumentError, match="multipart"):
                client.post(f"/{scheme}/x", files={"f": b"data"}, auth=auth_for(scheme))


@pytest.mark.asyncio
async def test_async_streaming_is_refused(server: tuple[str, Service]) -> None:
    base, _ = server

    async def chunks() -> AsyncIterator[bytes]:
        yield b"{}"

    async with httpx.AsyncClient(base_url=base) as client:
        with pytest.raises(paysig.InvalidArgumentError):
            await client.post(f"/onchainpay/x", content=chunks(), auth=auth_for("onchainpay"))
