"""Auth classes for httpx, for both ``httpx.Client`` and
``httpx.AsyncClient``: ``client.post(url, json=payload,
auth=OnchainPayAuth(public_key, private_key))`` sends a signed request.

Each class signs the request as it will be sent. For the schemes that sign
canonical JSON (RemitQuickly, PGPrints, OnchainPay) the body that ``json=``
produced is replaced by the canonical bytes that were signed, with its
Content-Length. Streaming and multipart bodies are refused with
InvalidArgumentError: the whole body must be known to sign it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator

import httpx

from ._http import (
    NonceSourceArg,
    AquapaySigning,
    CryptopaySigning,
    OnchainPaySigning,
    PGPrintsSigning,
    RemitQuicklySigning,
    Signing,
    streaming_refused,
)

__all__ = ["AquapayAuth", "CryptopayAuth", "OnchainPayAuth", "PGPrintsAuth", "RemitQuicklyAuth"]


class PaysigAuth(httpx.Auth):
    """Base of the five auth classes: applies a scheme's Signing."""

    requires_request_body = True

    def __init__(self, signing: Signing) -> None:
        self._signing = signing

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        # Checked before httpx reads the body: once read, a stream looks
        # like any other body.
        _refuse_streaming(request)
        request.read()
        yield self._signed(request)

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        _refuse_streaming(request)
        await request.aread()
        yield self._signed(request)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        yield self._signed(request)

    def _signed(self, request: httpx.Request) -> httpx.Request:
        target = request.url.raw_path.decode("ascii")
        body = request.content or None
        signed = self._signing.sign(request.method, target, request.headers.get("Content-Type"), body)
        request.headers.update(signed.headers)
        if signed.body is None:
            return request
        # httpx has no public way to replace a request's body: send a copy.
        replaced = httpx.Request(
            request.method,
            request.url,
            headers=request.headers,
            content=signed.body,
            extensions=request.extensions,
        )
        replaced.headers["Content-Length"] = str(len(signed.body))
        return replaced


def _refuse_streaming(request: httpx.Request) -> None:
    if not isinstance(request.stream, httpx.ByteStream):
        raise streaming_refused()


class CryptopayAuth(PaysigAuth):
    """Cryptopay: ``Authorization: HMAC key:signature`` with ``Date``."""

    def __init__(self, api_key: str, api_secret: str) -> None:
        super().__init__(CryptopaySigning(api_key, api_secret))


class AquapayAuth(PaysigAuth):
    """Aquapay: ``x-api-key``, ``x-nonce``, ``x-signature``."""

    def __init__(self, api_key: str, api_secret: str, *, nonce_source: NonceSourceArg = None) -> None:
        super().__init__(AquapaySigning(api_key, api_secret, nonce_source=nonce_source))


class RemitQuicklyAuth(PaysigAuth):
    """RemitQuickly: ``apikey``, ``payload``, ``signature``."""

    def __init__(self, api_key: str, secret: str, *, nonce_source: NonceSourceArg = None) -> None:
        super().__init__(RemitQuicklySigning(api_key, secret, nonce_source=nonce_source))


class PGPrintsAuth(PaysigAuth):
    """PGPrints: ``X-PGPrints-Hmac-Sha256`` over the canonical JSON body."""

    def __init__(self, secret_key: str, *, encoding: str = "base64") -> None:
        super().__init__(PGPrintsSigning(secret_key, encoding=encoding))


class OnchainPayAuth(PaysigAuth):
    """OnchainPay: nonce added to the JSON body, ``x-api-signature``."""

    def __init__(self, public_key: str, private_key: str, *, nonce_source: NonceSourceArg = None) -> None:
        super().__init__(OnchainPaySigning(public_key, private_key, nonce_source=nonce_source))
