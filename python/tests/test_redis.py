"""paysig.RedisReplayGuard against a real redis-server (Debian's, started
here on a free loopback port, killed at the end): shared between verifiers,
hammered by a thread pool, failing closed (503) when Redis is down or
frozen, recovering when it is back."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

import paysig
from conftest import missing_tool

NOW = 1_700_000_000.0  # seconds: the verifiers' fixed clock
KEYS = {"key-1": "secret-1"}


class Redis:
    def __init__(self) -> None:
        exe = shutil.which("redis-server")
        if exe is None:
            missing_tool("redis-server")
            raise AssertionError("unreachable")
        self.exe = exe
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self.answers():
            assert time.monotonic() < deadline, "redis-server did not answer PING"
            time.sleep(0.02)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(7) == b"+PONG\r\n"
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, sig)


@pytest.fixture
def redis() -> Iterator[Redis]:
    server = Redis()
    try:
        yield server
    finally:
        server.stop()


def verifier(guard: paysig.RedisReplayGuard) -> paysig.Verifier:
    return paysig.Verifier("aquapay", KEYS, replay=guard, clock=lambda: NOW)


def request(nonce: int) -> dict[str, str]:
    return paysig.Aquapay("key-1", "secret-1").sign("POST", "/pay", nonce=str(nonce)).headers


def outcome(v: paysig.Verifier, headers: dict[str, str]) -> str:
    try:
        return v.verify("POST", "/pay", headers)
    except paysig.AuthError as e:
        return f"{e.code}/{e.status}"


def test_two_verifiers_share_the_nonces(redis: Redis) -> None:
    first = verifier(paysig.RedisReplayGuard(redis.url))
    second = verifier(paysig.RedisReplayGuard(redis.url, timeout=0.2))
    nonce = int(NOW * 1000)
    assert outcome(first, request(nonce)) == "key-1"
    assert outcome(second, request(nonce)) == "nonce_reused/401"
    assert outcome(first, request(nonce)) == "nonce_reused/401"
    assert outcome(second, request(nonce + 1)) == "key-1"


def test_another_prefix_is_another_service(redis: Redis) -> None:
    nonce = int(NOW * 1000)
    a = verifier(paysig.RedisReplayGuard(redis.url, prefix="a:"))
    b = verifier(paysig.RedisReplayGuard(redis.url, prefix="b:"))
    assert outcome(a, request(nonce)) == "key-1"
    assert outcome(b, request(nonce)) == "key-1"


def test_a_thread_pool_accepts_each_nonce_once(redis: Redis) -> None:
    guard = paysig.RedisReplayGuard(redis.url)
    v = verifier(guard)
    base = int(NOW * 1000) - 20_000
    # Each of 2,000 nonces sent 3 times, interleaved across 8 threads.
    jobs = [request(base + i) for i in range(2000)] * 3
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda h: outcome(v, h), jobs))
    assert results.count("key-1") == 2000
    assert results.count("nonce_reused/401") == 4000


def test_redis_down_frozen_and_back(redis: Redis) -> None:
    guard = paysig.RedisReplayGuard(redis.url, timeout=0.2)
    v = verifier(guard)
    nonce = int(NOW * 1000)
    assert guard.ping()
    assert outcome(v, request(nonce)) == "key-1"

    redis.signal(signal.SIGSTOP)  # frozen: connections open, no answers
    try:
        started = time.monotonic()
        assert outcome(v, request(nonce + 1)) == "replay_store_unavailable/503"
        assert time.monotonic() - started < 2
        assert not guard.ping()
    finally:
        redis.signal(signal.SIGCONT)

    redis.stop()
    for i in range(3):
        assert outcome(v, request(nonce + 2 + i)) == "replay_store_unavailable/503"
    with pytest.raises(paysig.AuthError) as refused:
        v.verify("POST", "/pay", request(nonce + 9))
    assert refused.value.status == 503
    assert "Replay store unavailable" in (refused.value.body or "")

    redis.start()  # the same verifier, not rebuilt
    assert outcome(v, request(nonce + 2)) == "key-1"
    assert outcome(v, request(nonce + 2)) == "nonce_reused/401"


def test_urls_and_reprs_never_show_the_password() -> None:
    with pytest.raises(paysig.InvalidArgumentError) as bad:
        paysig.RedisReplayGuard("http://:hunter2@127.0.0.1/")
    assert "hunter2" not in str(bad.value)
    guard = paysig.RedisReplayGuard("redis://:hunter2@127.0.0.1:1/", timeout=0.1)
    assert "hunter2" not in repr(guard)
    assert guard.timeout == pytest.approx(0.1)
    assert not guard.ping()  # nothing listens on port 1
    with pytest.raises(paysig.InvalidArgumentError):
        paysig.RedisReplayGuard("redis://127.0.0.1/", timeout=0)
    with pytest.raises(TypeError):
        paysig.Verifier("aquapay", KEYS, replay=object())  # type: ignore[arg-type]
