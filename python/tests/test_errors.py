"""The exception classes: one base, stable codes, picklable."""

from __future__ import annotations

import pickle

import pytest

import paysig
from paysig.errors import AuthError, CanonicalJsonError, InvalidArgumentError, PaysigError


def test_hierarchy() -> None:
    assert issubclass(CanonicalJsonError, PaysigError) and issubclass(CanonicalJsonError, ValueError)
    assert issubclass(InvalidArgumentError, PaysigError) and issubclass(InvalidArgumentError, ValueError)
    assert issubclass(AuthError, PaysigError) and not issubclass(AuthError, ValueError)
    assert paysig.PaysigError is PaysigError


@pytest.mark.parametrize(
    "error",
    [
        PaysigError("invalid_json", "m"),
        CanonicalJsonError("too_deep", "nesting deeper than the limit"),
        InvalidArgumentError("invalid_argument", "the API key is empty"),
        AuthError("invalid_signature", "Invalid signature", 401, '{"message":"Invalid signature"}'),
        AuthError("nonce_reused", "Replay store unavailable", 503),
    ],
    ids=lambda e: type(e).__name__,
)
def test_pickle_round_trip(error: PaysigError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert copy.args == error.args
    assert (copy.code, copy.message, str(copy)) == (error.code, error.message, str(error))
    if isinstance(error, AuthError):
        assert isinstance(copy, AuthError)
        assert (copy.status, copy.body) == (error.status, error.body)


def test_errors_raised_by_the_native_module_pickle() -> None:
    with pytest.raises(CanonicalJsonError) as info:
        paysig.canonical_json(float("nan"))
    copy = pickle.loads(pickle.dumps(info.value))
    assert copy.code == "number_out_of_range" and str(copy) == str(info.value)
    with pytest.raises(AuthError) as auth:
        paysig.Verifier("aquapay", {"k": "s"}).verify("GET", "/", {}, b"")
    copy = pickle.loads(pickle.dumps(auth.value))
    assert (copy.code, copy.status) == (auth.value.code, auth.value.status) == ("missing_header", 401)
    assert copy.body == auth.value.body


def test_str_shows_code_and_message() -> None:
    assert str(InvalidArgumentError("invalid_argument", "the nonce is empty")) == "invalid_argument: the nonce is empty"
