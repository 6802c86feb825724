# Type stubs of the native module (python/src/*.rs); checked against the
# built module by stubtest (tests/test_typing.py).

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any, Final, Literal, TypeAlias, final

__all__ = [
    "Aquapay",
    "Cryptopay",
    "MemoryReplayGuard",
    "NonceSource",
    "OnchainPay",
    "PGPrints",
    "RELEASE_GIL_ABOVE",
    "RedisReplayGuard",
    "RemitQuickly",
    "SignedRequest",
    "Verifier",
    "canonical_json",
    "canonicalize",
    "hmac_sign",
    "hmac_verify",
    "verify_cryptopay_callback",
]

# What canonical_json takes. Containers hold Any because dict and list are
# invariant (a dict[str, int] must be accepted); their items are checked at
# run time, with CanonicalJsonError for anything else.
_JsonValue: TypeAlias = dict[str, Any] | list[Any] | tuple[Any, ...] | str | int | float | bool | Decimal | None

RELEASE_GIL_ABOVE: Final[int]

@final
class NonceSource:
    @staticmethod
    def process() -> NonceSource: ...
    @staticmethod
    def host(dir: str | os.PathLike[str] | None = None) -> NonceSource: ...
    @staticmethod
    def redis(url: str, *, connect_timeout: float = 0.25, read_timeout: float = 0.25) -> NonceSource: ...
    @staticmethod
    def callback(function: Callable[[str, str], int]) -> NonceSource: ...
    def next(self, scheme: str, key_id: str) -> int: ...

# What nonce_source= takes: a NonceSource, or a callable(scheme, key_id)
# returning the nonce; None is the default (the host source).
_NonceSourceArg: TypeAlias = NonceSource | Callable[[str, str], int] | None

def canonical_json(value: _JsonValue) -> str: ...
def canonicalize(text: str | bytes) -> str: ...
def hmac_sign(algorithm: str, key: str | bytes, message: str | bytes, encoding: str = "hex") -> str: ...
def hmac_verify(
    algorithm: str,
    key: str | bytes,
    message: str | bytes,
    signature: str,
    encoding: str = "hex",
) -> bool: ...
@final
class SignedRequest:
    @property
    def headers(self) -> dict[str, str]: ...
    @property
    def body(self) -> str | None: ...
    @property
    def string_to_sign(self) -> str: ...
    @property
    def signature(self) -> str: ...

@final
class Cryptopay:
    def __new__(cls, api_key: str, api_secret: str) -> Cryptopay: ...
    def sign(
        self,
        method: str,
        path: str,
        body: str | bytes | _JsonValue = None,
        *,
        content_type: str = "application/json",
        date: str | None = None,
    ) -> SignedRequest: ...

@final
class Aquapay:
    def __new__(cls, api_key: str, api_secret: str, *, nonce_source: _NonceSourceArg = None) -> Aquapay: ...
    def sign(self, method: str, path: str, *, nonce: str | int | None = None) -> SignedRequest: ...

@final
class RemitQuickly:
    def __new__(cls, api_key: str, secret: str, *, nonce_source: _NonceSourceArg = None) -> RemitQuickly: ...
    def sign(
        self, body: str | bytes | _JsonValue = None, *, timestamp: str | int | None = None
    ) -> SignedRequest: ...

@final
class PGPrints:
    def __new__(cls, secret_key: str, *, encoding: str = "base64") -> PGPrints: ...
    def sign(self, body: str | bytes | _JsonValue) -> SignedRequest: ...

@final
class OnchainPay:
    def __new__(
        cls, public_key: str, private_key: str, *, nonce_source: _NonceSourceArg = None
    ) -> OnchainPay: ...
    def sign(
        self, payload: str | bytes | _JsonValue, *, nonce: int | float | str | None = None
    ) -> SignedRequest: ...

@final
class MemoryReplayGuard:
    def __new__(cls, capacity: int = 100000) -> MemoryReplayGuard: ...
    def __len__(self) -> int: ...
    @property
    def capacity(self) -> int: ...

@final
class RedisReplayGuard:
    def __new__(
        cls, url: str, *, timeout: float | timedelta | None = None, prefix: str = "paysig:replay:"
    ) -> RedisReplayGuard: ...
    def ping(self) -> bool: ...
    @property
    def timeout(self) -> float: ...

@final
class Verifier:
    def __new__(
        cls,
        scheme: str,
        keys: Mapping[str, str | Sequence[str]],
        *,
        tolerance: float | timedelta | None = None,
        replay: MemoryReplayGuard | RedisReplayGuard | None = None,
        nonce_policy: Literal["unique", "increasing", "timestamp"] = "unique",
        clock: Callable[[], float] | None = None,
    ) -> Verifier: ...
    @property
    def scheme(self) -> str: ...
    @property
    def tolerance(self) -> float: ...
    def verify(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]],
        body: bytes | str | None = None,
    ) -> str: ...

def verify_cryptopay_callback(secret: str, body: str | bytes, signature: str) -> None: ...
