"""Verifying the callbacks (webhooks) providers send to you.

Verify over the raw request body, exactly the bytes that arrived: a body
re-serialised by your framework is not what the provider signed.
"""

from __future__ import annotations

import json
from typing import Any

from ._native import verify_cryptopay_callback
from .errors import AuthError, CanonicalJsonError

__all__ = ["CRYPTOPAY_SIGNATURE_HEADER", "verify_cryptopay"]

#: The header that carries a Cryptopay callback's signature.
CRYPTOPAY_SIGNATURE_HEADER = "X-Cryptopay-Signature"


def verify_cryptopay(secret: str, body: bytes | str, signature: str | None) -> dict[str, Any]:
    """Checks a Cryptopay callback and returns its parsed JSON object.

    ``body`` is the raw request body; ``signature`` the value of the
    ``X-Cryptopay-Signature`` header (hex HMAC-SHA256 of the body with the
    callback secret). The signature is compared in constant time, and the
    body is parsed only after it matched.

    Raises AuthError (``missing_header`` or ``invalid_signature``, status
    401) when the callback is not authentic, CanonicalJsonError when an
    authentic body is not a JSON object, InvalidArgumentError for an empty
    secret.
    """
    if not signature:
        raise AuthError("missing_header", f"the {CRYPTOPAY_SIGNATURE_HEADER} header is missing", 401)
    verify_cryptopay_callback(secret, body, signature)
    try:
        data = json.loads(body)
    except ValueError as e:
        raise CanonicalJsonError("invalid_json", f"the callback body is not JSON: {e}") from None
    if not isinstance(data, dict):
        raise CanonicalJsonError("invalid_json", "the callback body is not a JSON object")
    return data
