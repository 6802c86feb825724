"""Nonce sources from Python: many processes signing with one key and the
default settings (the host source) never repeat a nonce; nonce_source=
takes a NonceSource or a callable, on the signers and on the requests and
httpx auth classes; a source that cannot answer raises NonceSourceError."""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from pathlib import Path

import httpx
import pytest
import requests

import paysig
from paysig import NonceSource, NonceSourceError
from paysig.httpx import OnchainPayAuth as HttpxOnchainPayAuth
from paysig.requests import AquapayAuth

PROCESSES = 8
SIGNS = 2_000


def _sign_many(count: int) -> list[int]:
    # A signer made in the child, with nothing chosen: the default source.
    signer = paysig.Aquapay("one-shared-key", "secret")
    return [int(signer.sign("GET", "/v1/orders").headers["x-nonce"]) for _ in range(count)]


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_processes_with_default_settings_never_repeat(start_method: str) -> None:
    context = multiprocessing.get_context(start_method)
    with context.Pool(PROCESSES) as pool:
        per_process = pool.map(_sign_many, [SIGNS] * PROCESSES)
    everything = [n for values in per_process for n in values]
    assert len(everything) == PROCESSES * SIGNS
    assert len(set(everything)) == len(everything), "a nonce was handed out twice"
    for values in per_process:
        assert all(a < b for a, b in zip(values, values[1:])), "not increasing in one process"


def test_a_signer_made_before_fork_stays_shared() -> None:
    # gunicorn --preload, celery prefork: the signer (and its mapping) is
    # inherited; the mapping is shared memory, so children still agree.
    paysig.Aquapay("one-shared-key", "secret").sign("GET", "/")
    context = multiprocessing.get_context("fork")
    with context.Pool(4) as pool:
        per_process = pool.map(_sign_many, [500] * 4)
    everything = [n for values in per_process for n in values]
    assert len(set(everything)) == len(everything)


def test_a_callable_is_a_source_and_an_explicit_nonce_wins() -> None:
    seen: list[tuple[str, str]] = []

    def next_nonce(scheme: str, key_id: str) -> int:
        seen.append((scheme, key_id))
        return 1_700_000_000_000 + len(seen)

    signer = paysig.OnchainPay("pk", "sk", nonce_source=next_nonce)
    assert signer.sign({}).body == '{"nonce":1700000000001}'
    assert paysig.OnchainPay("pk", "sk", nonce_source=NonceSource.callback(next_nonce)).sign(
        {"a": 1}
    ).body == '{"a":1,"nonce":1700000000002}'
    assert signer.sign({}, nonce=5).body == '{"nonce":5}'
    assert seen == [("onchainpay", "pk"), ("onchainpay", "pk")]
    remit = paysig.RemitQuickly("rk", "s", nonce_source=lambda scheme, key: 77)
    assert '"timestamp":"77"' in remit.sign(None).string_to_sign


def test_a_failing_callable_raises_nonce_source_error() -> None:
    def broken(scheme: str, key_id: str) -> int:
        raise RuntimeError("sequence table locked")

    with pytest.raises(NonceSourceError) as info:
        paysig.Aquapay("k", "s", nonce_source=broken).sign("GET", "/")
    assert info.value.code == "nonce_source_unavailable"
    assert "RuntimeError" in info.value.message and "sequence table locked" in info.value.message
    assert isinstance(info.value, paysig.PaysigError)
    with pytest.raises(NonceSourceError, match="must return an int"):
        paysig.Aquapay("k", "s", nonce_source=lambda s, k: "soon").sign("GET", "/")  # type: ignore[arg-type,return-value]
    with pytest.raises(NonceSourceError, match="negative"):
        paysig.Aquapay("k", "s", nonce_source=lambda s, k: -1).sign("GET", "/")
    with pytest.raises(TypeError):
        paysig.Aquapay("k", "s", nonce_source=42)  # type: ignore[arg-type]


def test_a_damaged_host_file_is_refused_not_replaced() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = NonceSource.host(Path(tmp) / "nonces")
        assert source.next("aquapay", "k") > 0
        (file,) = (Path(tmp) / "nonces").iterdir()
        file.write_bytes(b"not a nonce file")
        # A new source maps the file afresh (as a new process would).
        with pytest.raises(NonceSourceError, match="is 16 bytes, not 64") as info:
            paysig.Aquapay("k", "s", nonce_source=NonceSource.host(Path(tmp) / "nonces")).sign("GET", "/")
        assert "k" not in file.name
        assert file.read_bytes() == b"not a nonce file"
        assert "remove the file" in str(info.value)


def test_redis_down_raises_nonce_source_error() -> None:
    source = NonceSource.redis("redis://127.0.0.1:1/", connect_timeout=0.2, read_timeout=0.2)
    with pytest.raises(NonceSourceError, match="Redis"):
        paysig.Aquapay("k", "s", nonce_source=source).sign("GET", "/")
    with pytest.raises(paysig.InvalidArgumentError):
        NonceSource.redis("not a url")
    assert repr(source) == "<paysig.NonceSource redis>"


def test_process_source_and_host_dir() -> None:
    process = NonceSource.process()
    a, b = process.next("aquapay", "k"), process.next("aquapay", "k")
    assert b > a
    with tempfile.TemporaryDirectory() as tmp:
        host = NonceSource.host(tmp)
        x, y = host.next("remitquickly", "k"), host.next("remitquickly", "k")
        assert y > x
        assert os.stat(tmp).st_mode & 0o777 == 0o700
        (file,) = Path(tmp).iterdir()
        assert file.stat().st_mode & 0o777 == 0o600


def test_auth_classes_take_a_source() -> None:
    prepared = requests.Request(
        "GET", "https://api.example.com/v1/x", auth=AquapayAuth("k", "s", nonce_source=lambda s, k: 1234)
    ).prepare()
    assert prepared.headers["x-nonce"] == "1234"

    auth = HttpxOnchainPayAuth("pk", "sk", nonce_source=lambda s, k: 99)
    request = httpx.Request("POST", "https://api.example.com/v1/y", json={"a": 1})
    signed = next(auth.auth_flow(request))
    assert signed.content == b'{"a":1,"nonce":99}'
