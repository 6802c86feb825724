"""What the requests and httpx auth classes share: how each scheme signs a
request as it will be sent, independent of the HTTP client.

Each ``*Signing`` class takes the method, the request target (path and
query, as sent), the Content-Type and the body bytes, and says which
headers to set and, for the schemes that sign canonical JSON, the body
bytes to send instead of the client's own JSON encoding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Union
from urllib.parse import parse_qsl

from ._native import Aquapay, Cryptopay, NonceSource, OnchainPay, PGPrints, RemitQuickly
from .errors import InvalidArgumentError

__all__ = [
    "AquapaySigning",
    "CryptopaySigning",
    "NonceSourceArg",
    "OnchainPaySigning",
    "PGPrintsSigning",
    "RemitQuicklySigning",
    "Signed",
    "Signing",
    "streaming_refused",
]

# nonce_source= of the signers and auth classes: a NonceSource, a
# callable(scheme, key_id) -> int, or None for the default (the host source).
NonceSourceArg = Union[NonceSource, Callable[[str, str], int], None]

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Signed:
    """Headers to set and, when the scheme defines the body, the bytes to send."""

    headers: dict[str, str]
    body: bytes | None = None


def streaming_refused() -> InvalidArgumentError:
    return InvalidArgumentError(
        "invalid_argument",
        "paysig signs the whole body, so it cannot sign a streaming or multipart body: "
        "pass the body as bytes, str, data= (form fields) or json=",
    )


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


class Signing:
    """Signs one request; subclasses implement one scheme."""

    def sign(self, method: str, target: str, content_type: str | None, body: bytes | None) -> Signed:
        raise NotImplementedError


class CryptopaySigning(Signing):
    """The raw body is hashed as sent; the path includes the query."""

    def __init__(self, api_key: str, api_secret: str) -> None:
        self._signer = Cryptopay(api_key, api_secret)

    def sign(self, method: str, target: str, content_type: str | None, body: bytes | None) -> Signed:
        signed = self._signer.sign(method, target, body or None, content_type=content_type or JSON)
        return Signed(signed.headers)


class AquapaySigning(Signing):
    """Only the method and the path without its query are signed."""

    def __init__(self, api_key: str, api_secret: str, *, nonce_source: NonceSourceArg = None) -> None:
        self._signer = Aquapay(api_key, api_secret, nonce_source=nonce_source)

    def sign(self, method: str, target: str, content_type: str | None, body: bytes | None) -> Signed:
        return Signed(self._signer.sign(method, target).headers)


class RemitQuicklySigning(Signing):
    """Signs the request's fields: a JSON body (sent in canonical form),
    url-encoded form fields (an object of strings, the body sent as is),
    or ``{}`` when there is no body."""

    def __init__(self, api_key: str, secret: str, *, nonce_source: NonceSourceArg = None) -> None:
        self._signer = RemitQuickly(api_key, secret, nonce_source=nonce_source)

    def sign(self, method: str, target: str, content_type: str | None, body: bytes | None) -> Signed:
        if not body:
            return Signed(self._signer.sign(None).headers)
        if _media_type(content_type) == FORM:
            fields = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            return Signed(self._signer.sign(fields).headers)
        signed = self._signer.sign(body)
        return Signed(signed.headers, _encoded(signed.body))


class PGPrintsSigning(Signing):
    """Signs the canonical JSON body and sends exactly that."""

    def __init__(self, secret_key: str, *, encoding: str = "base64") -> None:
        self._signer = PGPrints(secret_key, encoding=encoding)

    def sign(self, method: str, target: str, content_type: str | None, body: bytes | None) -> Signed:
        if not body:
            raise InvalidArgumentError("invalid_argument", "PGPrints signs a JSON body, and this request has none")
        if _media_type(content_type) == FORM:
            raise InvalidArgumentError("invalid_argument", "PGPrints signs a JSON body, not form fields: use json=")
        signed = self._signer.sign(body)
        return Signed(signed.headers, _encoded(signed.body))


class OnchainPaySigning(Signing):
    """Adds the nonce to the JSON payload (``{}`` when there is no body),
    signs it and sends exactly those bytes."""

    def __init__(self, public_key: str, private_key: str, *, nonce_source: NonceSourceArg = None) -> None:
        self._signer = OnchainPay(public_key, private_key, nonce_source=nonce_source)

    def sign(self, method: str, target: str, content_type: str | None, body: bytes | None) -> Signed:
        if _media_type(content_type) == FORM:
            raise InvalidArgumentError("invalid_argument", "OnchainPay signs a JSON body, not form fields: use json=")
        signed = self._signer.sign(body or {})
        headers = signed.headers
        if not body:
            headers["Content-Type"] = JSON
        return Signed(headers, _encoded(signed.body))


def _encoded(body: str | None) -> bytes | None:
    return None if body is None else body.encode("utf-8")
