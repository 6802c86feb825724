"""Hostile input through the Python binding: a 100 MB body (time and peak
RSS measured in a child process), nesting past the limit on a 256 KiB
thread stack, a million keys, invalid UTF-8, CR/LF/NUL in values bound for
headers, absurd nonces, wrong signatures. Each raises its documented
exception and code (tests/vectors/FORMAT.md); nothing crashes."""

from __future__ import annotations

import json
from decimal import Decimal
import subprocess
import sys
import threading
from typing import Any

import pytest

import paysig

NOW = 1_700_000_000.0

# Runs in a child: builds a body of N MiB, canonicalizes it and verifies it
# (PGPrints, a wrong signature), prints time and peak RSS.
CHILD = r"""
import json, resource, sys, time
import paysig
mb = int(sys.argv[1])
item = b'{"id":"A-1001\\n\\u00e9","amount":12.50,"tags":["x","y"],"n":-0.0001},'
body = b"[" + item * (mb * 1024 * 1024 // len(item))
body = body[:-1] + b"]"
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
canonical = paysig.canonicalize(body)
t1 = time.perf_counter()
v = paysig.Verifier("pgprints", {"pg": "secret"})
try:
    v.verify("POST", "/", {"X-PGPrints-Hmac-Sha256": "A" * 44}, body)
    outcome = "accepted"
except paysig.AuthError as e:
    outcome = e.code
t2 = time.perf_counter()
print(json.dumps({"input_bytes": len(body), "canonical_bytes": len(canonical),
    "canonicalize_ms": round((t1 - t0) * 1000), "verify_ms": round((t2 - t1) * 1000),
    "rss_before_kb": before, "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "outcome": outcome}))
"""


def measure(mb: int) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(mb)], capture_output=True, check=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout)
    print(f"MEASURED python {mb} MiB: {result}", file=sys.stderr)
    return result


def test_a_100_mb_body_in_bounded_memory_and_linear_time() -> None:
    small, big = measure(10), measure(100)
    assert big["outcome"] == "invalid_signature"
    assert 0 < big["canonical_bytes"] <= big["input_bytes"]
    # Memory beyond the body and the interpreter: the canonical text (as
    # large as the body) plus its Python copy, and a margin.
    extra_kb = big["peak_rss_kb"] - big["rss_before_kb"]
    assert extra_kb < 3 * big["input_bytes"] // 1024 + 64 * 1024, big
    # Linear: ten times the input, not a hundred times the time.
    assert big["canonicalize_ms"] <= 30 * max(small["canonicalize_ms"], 1), (small, big)


def run_on_small_stack(target: Any) -> None:
    previous = threading.stack_size(256 * 1024)
    failures: list[BaseException] = []

    def guarded() -> None:
        try:
            target()
        except BaseException as e:  # reported to the test thread
            failures.append(e)

    try:
        thread = threading.Thread(target=guarded)
        thread.start()
        thread.join()
    finally:
        threading.stack_size(previous)
    if failures:
        raise failures[0]


def test_nesting_past_the_limit_on_a_256_kib_stack() -> None:
    def nested() -> None:
        assert paysig.canonicalize("[" * 128 + "]" * 128) == "[" * 128 + "]" * 128
        for n in (129, 10_000, 1_000_000):
            with pytest.raises(paysig.CanonicalJsonError) as refused:
                paysig.canonicalize("[" * n + "]" * n)
            assert refused.value.code == "too_deep"
        with pytest.raises(paysig.CanonicalJsonError) as refused:
            paysig.canonicalize(b'{"a":' * 100_000)
        assert refused.value.code == "too_deep"
        v = paysig.Verifier("pgprints", {"pg": "s"})
        with pytest.raises(paysig.AuthError) as bad:
            v.verify("POST", "/", {"X-PGPrints-Hmac-Sha256": "x"}, b"[" * 1_000_000)
        assert (bad.value.code, bad.value.status) == ("too_deep", 400)

    run_on_small_stack(nested)


def test_deep_python_values_are_refused_not_recursed_into() -> None:
    value: Any = []
    for _ in range(10_000):
        value = [value]

    def convert() -> None:
        with pytest.raises((paysig.CanonicalJsonError, RecursionError)) as refused:
            paysig.canonical_json(value)
        if isinstance(refused.value, paysig.CanonicalJsonError):
            assert refused.value.code == "too_deep"

    run_on_small_stack(convert)


def test_a_million_keys() -> None:
    text = "{" + ",".join(f'"k{i}":{i}' for i in range(1_000_000)) + "}"
    assert len(paysig.canonicalize(text)) == len(text)
    with pytest.raises(paysig.CanonicalJsonError) as refused:
        paysig.canonicalize(text[:-1] + ',"k5":0}')
    assert refused.value.code == "duplicate_key"


BAD_UTF8 = [b"\x80", b"\xc3", b"\xe2\x82", b"\xc0\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xff"]


@pytest.mark.parametrize("seq", BAD_UTF8)
def test_invalid_utf8_inside_and_outside_strings(seq: bytes) -> None:
    for text, code in [
        (b'["a' + seq + b'b"]', "invalid_string"),
        (b'{"' + seq + b'":1}', "invalid_string"),
        (b"[1," + seq + b"2]", "invalid_json"),
        (seq + b"[]", "invalid_json"),
        (b"[]" + seq, "invalid_json"),
    ]:
        with pytest.raises(paysig.CanonicalJsonError) as refused:
            paysig.canonicalize(text)
        assert refused.value.code == code, text
    # As a header value: bytes that are not UTF-8 are refused as arguments.
    v = paysig.Verifier("aquapay", {"k": "s"})
    with pytest.raises(paysig.InvalidArgumentError):
        v.verify("POST", "/", [(b"x-nonce", b"1" + seq)])


@pytest.mark.parametrize("bad", ["a\rb", "a\nb", "a\x00b", "a\r\nX-Injected: 1"])
def test_cr_lf_nul_are_refused_never_reflected(bad: str) -> None:
    with pytest.raises(paysig.InvalidArgumentError):
        paysig.Aquapay(bad, "s")
    aquapay = paysig.Aquapay("k", "s")
    for call in (
        lambda: aquapay.sign("POST", "/p" + bad, nonce="1"),
        lambda: aquapay.sign("POST", "/p", nonce=bad),
        lambda: paysig.Cryptopay("k", "s").sign("GET", "/p", date=bad),
        lambda: paysig.RemitQuickly("k", "s").sign(None, timestamp=bad),
        lambda: paysig.Verifier("aquapay", {bad: "s"}),
    ):
        with pytest.raises(paysig.InvalidArgumentError) as refused:
            call()
        assert bad not in str(refused.value)
    for scheme in ("cryptopay", "aquapay", "remitquickly", "onchainpay", "pgprints", "cryptopay-callback"):
        v = paysig.Verifier(scheme, {"k": "s"})
        names = ["Authorization", "Date", "x-api-key", "x-nonce", "x-signature", "apikey", "payload",
                 "signature", "x-api-public-key", "x-api-signature", "X-PGPrints-Hmac-Sha256",
                 "X-Cryptopay-Signature"]
        with pytest.raises(paysig.AuthError) as refused:
            v.verify("POST", "/", [(n, "HMAC k:" + bad) for n in names], b"{}")
        assert bad not in (refused.value.body or "") and bad not in refused.value.message


@pytest.mark.parametrize("nonce", ["-1", "123456789012345678901234567890", "1e3", "1.5", "abc", "0x1"])
def test_absurd_nonces_and_timestamps(nonce: str) -> None:
    def refused_code(scheme: str, headers: dict[str, str], body: str | None = None, **options: Any) -> str:
        v = paysig.Verifier(scheme, {"k": "s"}, clock=lambda: NOW, **options)
        with pytest.raises(paysig.AuthError) as refused:
            v.verify("POST", "/pay", headers, body)
        return refused.value.code

    assert refused_code("aquapay", paysig.Aquapay("k", "s").sign("POST", "/pay", nonce=nonce).headers) == "malformed_header"
    rq = paysig.RemitQuickly("k", "s").sign(None, timestamp=nonce)
    assert refused_code("remitquickly", rq.headers) == "malformed_header"
    oc = paysig.OnchainPay("k", "s").sign({}, nonce=nonce)
    # Any string is a unique value under the default policy; the
    # increasing policy needs digits.
    assert paysig.Verifier("onchainpay", {"k": "s"}, clock=lambda: NOW).verify("POST", "/", oc.headers, oc.body) == "k"
    assert refused_code("onchainpay", oc.headers, oc.body, nonce_policy="increasing") == "malformed_header"
    cp = paysig.Cryptopay("k", "s").sign("POST", "/pay", date=nonce)
    assert refused_code("cryptopay", cp.headers) == "malformed_header"


def test_signatures_of_every_wrong_length_and_alphabet() -> None:
    nonce = str(int(NOW * 1000))
    right = paysig.Aquapay("k", "s").sign("POST", "/pay", nonce=nonce).headers
    sig = right["x-signature"]
    wrong = ["", "=", sig[:-1], sig + "0", sig * 2, sig[::-1], sig[:-1] + "g", sig[:-1] + "é", sig[:-1] + "\x00"]
    wrong += [sig[: n % len(sig)] * (1 + n // len(sig)) for n in range(1, 2 * len(sig) + 2) if n != len(sig)]
    v = paysig.Verifier("aquapay", {"k": "s"}, clock=lambda: NOW)
    for w in wrong:
        assert w != sig
        with pytest.raises(paysig.AuthError) as refused:
            v.verify("POST", "/pay", {**right, "x-signature": w})
        assert refused.value.code == "invalid_signature", repr(w)
    # Hex in upper case, with spaces around: the right signature.
    assert v.verify("POST", "/pay", {**right, "x-signature": f" {sig.upper()} "}) == "k"


# canonical_json reads dicts and lists with borrowed references and trusts a
# dict's exact-str keys to be distinct: the values below attack both.


class LooseKey(str):
    """A str that is never equal to another object: a dict can hold it beside an
    exact str with the same text, which JSON would repeat."""

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)


@pytest.mark.parametrize("filler", [0, 3, 40])
def test_a_str_subclass_key_repeating_a_key_is_a_duplicate(filler: int) -> None:
    before = {f"k{i}": i for i in range(filler)}
    for pair in [{"a": 1, LooseKey("a"): 2}, {LooseKey("a"): 1, "a": 2}]:
        keys = list(pair)
        value = {keys[0]: 1, **before, keys[1]: 2}
        with pytest.raises(paysig.CanonicalJsonError) as refused:
            paysig.canonical_json(value)
        assert refused.value.code == "duplicate_key"
    assert paysig.canonical_json({LooseKey("a"): 1, "b": 2}) == '{"a":1,"b":2}'


class Meddler(Decimal):
    """A Decimal whose conversion runs Python code that changes the container
    being converted (the slow path calls is_finite)."""

    action: Any = None

    def is_finite(self) -> bool:
        self.action()
        return True


def meddling(action: Any) -> Meddler:
    meddler = Meddler(1)
    meddler.action = action
    return meddler


def test_a_dict_that_grows_during_the_walk() -> None:
    value: dict[str, Any] = {}
    value.update(a=meddling(lambda: value.update({f"new{i}": i for i in range(100)})), b=2)
    with pytest.raises(RuntimeError, match="dictionary changed size"):
        paysig.canonical_json(value)


def test_a_key_removed_and_added_again_during_the_walk() -> None:
    value: dict[str, Any] = {"a": 1}

    def readd() -> None:
        del value["a"]
        value["a"] = 3

    value["m"] = meddling(readd)
    # Same size after, but "a" comes round again: refused, never written twice.
    with pytest.raises(paysig.CanonicalJsonError) as refused:
        paysig.canonical_json(value)
    assert refused.value.code == "duplicate_key"


def test_values_freed_during_the_walk() -> None:
    # The meddler empties the container being walked, freeing the values
    # after it (and itself, but for the walk's own reference): the walk must
    # neither crash nor read freed memory.
    def in_dict() -> Any:
        payload: dict[str, Any] = {}
        payload.update(m=meddling(payload.clear), x={"big": "x" * 10_000})
        return payload

    def in_list() -> Any:
        items: list[Any] = []
        items.extend([meddling(items.clear), {"big": "x" * 10_000}])
        return items

    for value in (in_dict(), in_list(), {"outer": in_list()}, [in_dict()]):
        with pytest.raises(RuntimeError, match="changed size"):
            paysig.canonical_json(value)


def test_a_list_that_shrinks_or_grows_during_the_walk() -> None:
    shrinking: list[Any] = []
    shrinking.extend([meddling(lambda: shrinking.clear()), 1, 2])
    growing: list[Any] = []
    growing.extend([meddling(lambda: growing.append(0)), 1])
    for value in (shrinking, growing):
        with pytest.raises(RuntimeError, match="list changed size"):
            paysig.canonical_json(value)
