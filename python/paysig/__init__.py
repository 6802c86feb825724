"""paysig: sign and verify requests to five payment APIs, byte for byte as
their JavaScript does.

- ``canonical_json(value)`` / ``canonicalize(text)``: JavaScript's
  ``JSON.stringify`` output, refusing what JavaScript would silently change;
- ``hmac_sign`` / ``hmac_verify``: HMAC-SHA1/256/384/512, hex or base64,
  verified in constant time;
- signers ``Cryptopay``, ``Aquapay``, ``RemitQuickly``, ``PGPrints``,
  ``OnchainPay``, whose ``sign(...)`` returns a ``SignedRequest``;
- ``Verifier`` for a service that receives signed requests (nonces kept in
  a ``MemoryReplayGuard``, or a ``RedisReplayGuard`` shared by many
  processes), and
  ``paysig.webhooks`` for callbacks;
- ``paysig.requests`` and ``paysig.httpx``: auth classes for those clients.

Signers and verifiers are immutable and safe to share between threads.
Default nonces and timestamps come from the host source, shared by every
process of the user on the machine (``NonceSource``; ``nonce_source=`` on
the signers and auth classes chooses another).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .errors import AuthError, CanonicalJsonError, InvalidArgumentError, NonceSourceError, PaysigError
from ._native import (
    Aquapay,
    Cryptopay,
    MemoryReplayGuard,
    NonceSource,
    OnchainPay,
    PGPrints,
    RedisReplayGuard,
    RemitQuickly,
    SignedRequest,
    Verifier,
    canonical_json,
    canonicalize,
    hmac_sign,
    hmac_verify,
)

try:
    __version__ = version("paysig")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "Aquapay",
    "AuthError",
    "CanonicalJsonError",
    "Cryptopay",
    "InvalidArgumentError",
    "MemoryReplayGuard",
    "NonceSource",
    "NonceSourceError",
    "OnchainPay",
    "PGPrints",
    "PaysigError",
    "RedisReplayGuard",
    "RemitQuickly",
    "SignedRequest",
    "Verifier",
    "canonical_json",
    "canonicalize",
    "hmac_sign",
    "hmac_verify",
]
