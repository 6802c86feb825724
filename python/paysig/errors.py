"""paysig's exceptions: one base class, each carrying core's stable ``code``.

They are plain Python classes (the native module raises them), so they
pickle, subclass and compare like any other exception.
"""

from __future__ import annotations

__all__ = [
    "PaysigError",
    "CanonicalJsonError",
    "InvalidArgumentError",
    "AuthError",
    "NonceSourceError",
]


class PaysigError(Exception):
    """Base of every paysig error.

    ``code`` is one of the stable codes of tests/vectors/FORMAT.md
    (``invalid_json``, ``number_out_of_range``, ``invalid_signature``...);
    ``message`` says what is wrong and never contains a secret.
    """

    code: str
    message: str

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class CanonicalJsonError(PaysigError, ValueError):
    """A value or text that has no canonical JSON form: not JSON, a number
    JavaScript would change, a duplicate key, a lone surrogate, nesting too
    deep."""


class InvalidArgumentError(PaysigError, ValueError):
    """An argument that cannot be right: an empty secret, an unknown
    algorithm, a method or path with control characters..."""


class AuthError(PaysigError):
    """A request (or callback) that failed verification.

    ``status`` is the HTTP status to answer with (401 for bad or missing
    credentials, 503 when the replay store cannot answer...); ``body`` the
    JSON text the provider answers with (its own error shape and message),
    or None.
    """

    status: int
    body: str | None

    def __init__(self, code: str, message: str, status: int = 401, body: str | None = None) -> None:
        Exception.__init__(self, code, message, status, body)
        self.code = code
        self.message = message
        self.status = status
        self.body = body


class NonceSourceError(PaysigError):
    """Signing found no nonce: the nonce source (a host file that cannot be
    used, Redis down or too slow, a callable that raised) could not hand out
    a value, so nothing was signed rather than risk a repeated nonce. The
    message says what to fix. ``code`` is ``nonce_source_unavailable``."""
