"""Auth classes for requests: ``requests.post(url, json=payload,
auth=OnchainPayAuth(public_key, private_key))`` sends a signed request.

Each class signs the request as it will be sent. For the schemes that sign
canonical JSON (RemitQuickly, PGPrints, OnchainPay) the body that ``json=``
produced is replaced by the canonical bytes that were signed, and
Content-Length is updated. Streaming bodies (generators, files) are refused
with InvalidArgumentError: the whole body must be known to sign it.
"""

from __future__ import annotations

from requests import PreparedRequest
from requests.auth import AuthBase

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


class PaysigAuth(AuthBase):
    """Base of the five auth classes: applies a scheme's Signing."""

    def __init__(self, signing: Signing) -> None:
        self._signing = signing

    def __call__(self, r: PreparedRequest) -> PreparedRequest:
        body = r.body
        if body is None or isinstance(body, bytes):
            raw = body
        elif isinstance(body, str):
            raw = body.encode("utf-8")
        else:
            raise streaming_refused()
        signed = self._signing.sign(r.method or "GET", r.path_url, r.headers.get("Content-Type"), raw)
        r.headers.update(signed.headers)
        if signed.body is not None:
            r.body = signed.body
            r.headers.pop("Transfer-Encoding", None)
            r.headers["Content-Length"] = str(len(signed.body))
        return r


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
