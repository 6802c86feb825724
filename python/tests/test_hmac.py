"""hmac_sign / hmac_verify: str and bytes inputs, encodings, refusals.
Expected MACs are the RFC 4231 / RFC 2202 ones of tests/vectors/hmac.json."""

from __future__ import annotations

from typing import Any

import pytest

import paysig
from conftest import cases

HMAC_CASES = cases("hmac")


@pytest.mark.parametrize("case", HMAC_CASES, ids=lambda c: c["name"])
def test_rfc_vectors_with_text_inputs_where_they_are_text(case: dict[str, Any]) -> None:
    given, expect = case["input"], case["expect"]
    key, data = bytes.fromhex(given["key_hex"]), bytes.fromhex(given["data_hex"])
    alg = given["algorithm"]
    try:
        key_in: str | bytes = key.decode("utf-8")
        data_in: str | bytes = data.decode("utf-8")
    except UnicodeDecodeError:
        key_in, data_in = key, data
    assert paysig.hmac_sign(alg, key_in, data_in) == expect["hex"]
    assert paysig.hmac_sign(alg.upper().replace("SHA", "HMAC-SHA-"), key, data, "base64") == expect["base64"]
    assert paysig.hmac_verify(alg, key, data, expect["hex"])
    assert paysig.hmac_verify(alg, key, data, expect["hex"].upper())
    assert paysig.hmac_verify(alg, key, data, expect["base64"], encoding="base64")
    assert not paysig.hmac_verify(alg, key, data + b"x", expect["hex"])
    assert not paysig.hmac_verify(alg, key, data, expect["hex"][:-2])
    assert not paysig.hmac_verify(alg, key, data, "not hex at all")


def test_large_messages_match_their_chunked_equivalent() -> None:
    # Above the GIL-release threshold the same MAC must come out.
    big = b"0123456789abcdef" * 100_000
    assert len(big) > paysig._native.RELEASE_GIL_ABOVE
    first = paysig.hmac_sign("sha256", "k", big)
    assert first == paysig.hmac_sign("sha256", b"k", big.decode())
    assert paysig.hmac_verify("sha256", "k", big, first)


def test_refusals() -> None:
    for call in [
        lambda: paysig.hmac_sign("md5", "k", "m"),
        lambda: paysig.hmac_sign("sha256", "", "m"),
        lambda: paysig.hmac_sign("sha256", "k", "m", "base32"),
        lambda: paysig.hmac_verify("sha256", b"", "m", "00"),
    ]:
        with pytest.raises(paysig.InvalidArgumentError) as info:
            call()
        assert info.value.code == "invalid_argument"
