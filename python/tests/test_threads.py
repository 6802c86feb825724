"""Signers and verifiers shared by a thread pool, and the GIL released
while large inputs are hashed."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import paysig
from conftest import cases, vectors

WORKERS = 8


def test_shared_signers_give_the_vector_results_from_every_thread() -> None:
    jobs: list[tuple[Any, dict[str, Any]]] = []
    for case in cases("onchainpay"):
        g = case["input"]
        signer = paysig.OnchainPay(g["public_key"], g["private_key"])
        jobs += [(lambda s=signer, g=g: s.sign(g["payload_json"], nonce=g["nonce"]).headers, case["expect"]["headers"])] * 200
    for case in cases("remitquickly"):
        g = case["input"]
        rq = paysig.RemitQuickly(g["api_key"], g["secret"])
        jobs += [(lambda s=rq, g=g: s.sign(g.get("body_json"), timestamp=g["timestamp"]).headers, case["expect"]["headers"])] * 200
    for case in cases("cryptopay"):
        g = case["input"]
        cp = paysig.Cryptopay(g["api_key"], g["api_secret"])
        sign = lambda s=cp, g=g: s.sign(  # noqa: E731
            g["method"], g["path"], g["body"], content_type=g["content_type"], date=g["date"]
        ).headers
        jobs += [(sign, case["expect"]["headers"])] * 200
    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(lambda job: job[0]() == job[1], jobs))
    assert all(results) and len(results) == len(jobs)


def test_default_nonces_are_unique_across_threads() -> None:
    signer = paysig.Aquapay("k", "s")
    with ThreadPoolExecutor(WORKERS) as pool:
        nonces = list(pool.map(lambda _: signer.sign("GET", "/").headers["x-nonce"], range(4000)))
    assert len(set(nonces)) == len(nonces)


def test_a_shared_verifier_accepts_a_replayed_request_once() -> None:
    case = next(
        c
        for c in vectors("verify")["cases"]
        if c["input"]["scheme"] == "onchainpay" and "key_id" in c["expect"] and len(c["input"]["requests"]) == 1
    )
    g = case["input"]
    request = g["requests"][0]
    for _ in range(20):
        verifier = paysig.Verifier(g["scheme"], g["keys"], clock=lambda: g["now_ms"] / 1000)
        barrier = threading.Barrier(WORKERS)

        def attempt(_: int) -> str:
            barrier.wait()
            try:
                return verifier.verify(request["method"], request["path"], request["headers"], request["body"])
            except paysig.AuthError as e:
                return e.code

        with ThreadPoolExecutor(WORKERS) as pool:
            outcomes = sorted(pool.map(attempt, range(WORKERS)))
        assert outcomes.count(case["expect"]["key_id"]) == 1, outcomes
        assert outcomes.count("nonce_reused") == WORKERS - 1, outcomes


def longest_pause_while(work: Any) -> tuple[float, float]:
    """Runs `work` in a thread while this thread loops; returns how long the
    work took and the longest this thread's loop was stalled meanwhile."""
    done = threading.Event()
    took = [0.0]

    def run() -> None:
        began = time.perf_counter()
        work()
        took[0] = time.perf_counter() - began
        done.set()

    worker = threading.Thread(target=run)
    last = time.perf_counter()
    longest = 0.0
    worker.start()
    while not done.is_set():
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
    worker.join()
    return took[0], longest


def test_gil_is_released_while_hashing_a_large_body() -> None:
    # Holding the GIL for the whole hash would stall the loop for as long
    # as the hash takes; released, the loop only waits for GIL hand-overs.
    big = b"x" * (512 * 1024 * 1024)
    took, longest = longest_pause_while(lambda: paysig.hmac_sign("sha256", "k", big))
    assert took > 0.2, f"the hash took {took:.3f}s: too quick to tell"
    assert longest < took / 2, f"this thread stalled {longest:.3f}s of a {took:.3f}s hash: the GIL was held"
    # Escapes shrink 6 bytes to 2: most of the time goes to parsing (GIL
    # released), little to building the result str (GIL held, necessarily).
    escaped = b'"' + b"\\u00e9" * 40_000_000 + b'"'
    took, longest = longest_pause_while(lambda: paysig.canonicalize(escaped))
    assert took > 0.2, f"canonicalize took {took:.3f}s: too quick to tell"
    assert longest < took / 2, f"this thread stalled {longest:.3f}s of {took:.3f}s: the GIL was held"
