#!/usr/bin/env python3
"""Two "hosts" on one real redis-server through the Redis nonce source
(issue 11): each host is a stream of separate `paysig sign aquapay
--nonce-source redis://...` processes with the same key; given a Redis
source, the CLI uses no host file, so only Redis makes them agree. Then Redis is killed in the middle of a run: every sign that
starts after the kill fails with nonce_source_unavailable (exit 2), and
no request ever got a repeated nonce.

Usage: redis_hosts.py PAYSIG_CLI [SIGNS_PER_HOST]
Closes with `N passed, N failed`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} is not installed (make setup-nonce installs it)"
        if os.environ.get("CI") == "true":
            print(f"redis_hosts: FAIL: {message}", file=sys.stderr)
            sys.exit(1)
        print(f"*** SKIPPED redis_hosts: {message} ***", file=sys.stderr)
        sys.exit(0)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(7) == b"+PONG\r\n"
    except OSError:
        return False


class Host:
    """One machine: signs in a loop, one process per sign, recording when
    each sign started and what it gave."""

    def __init__(self, cli: str, url: str) -> None:
        self.cli, self.url = cli, url
        self.results: list[tuple[float, int, str, str]] = []  # start, exit, nonce, stderr

    def sign(self) -> None:
        start = time.monotonic()
        done = subprocess.run(
            [self.cli, "sign", "aquapay", "--key", "shared-key", "--secret", "shared-secret",
             "--path", "/payment/v1/payment", "--nonce-source", self.url, "--format", "http"],
            capture_output=True, timeout=30,
        )
        out = done.stdout.decode()
        nonce = next((line.split(":", 1)[1].strip() for line in out.splitlines()
                      if line.lower().startswith("x-nonce:")), "")
        self.results.append((start, done.returncode, nonce, done.stderr.decode()))

    def run(self, count: int, stop: threading.Event | None = None) -> None:
        for _ in range(count):
            if stop is not None and stop.is_set():
                return
            self.sign()


def main() -> int:
    cli = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    redis = need("redis-server")
    port = free_port()
    url = f"redis://127.0.0.1:{port}/"
    passed = failed = 0

    def check(ok: bool, what: str) -> None:
        nonlocal passed, failed
        print(f"redis_hosts: {'ok  ' if ok else 'FAIL'} {what}")
        passed, failed = passed + ok, failed + (not ok)

    server = subprocess.Popen(
        [redis, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not answers(port):
            if time.monotonic() > deadline:
                raise SystemExit("redis_hosts: redis-server does not answer")
            time.sleep(0.02)
        hosts = [Host(cli, url), Host(cli, url)]

        # 1. Both hosts at once, Redis up.
        threads = [threading.Thread(target=h.run, args=(count,)) for h in hosts]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        nonces = [n for h in hosts for (_, code, n, _) in h.results if code == 0]
        check(len(nonces) == 2 * count, f"{len(nonces)} of {2 * count} signs succeeded with Redis up")
        check(len(set(nonces)) == len(nonces), f"{len(nonces) - len(set(nonces))} repeated nonces across 2 hosts")

        # 2. Redis killed in the middle of a run.
        for h in hosts:
            h.results.clear()
        stop = threading.Event()
        threads = [threading.Thread(target=h.run, args=(10 * count, stop)) for h in hosts]
        for t in threads:
            t.start()
        while sum(len(h.results) for h in hosts) < count:
            time.sleep(0.01)
        killed_at = time.monotonic()
        server.kill()
        server.wait()
        while min(sum(1 for r in h.results if r[0] > killed_at) for h in hosts) < 20:
            time.sleep(0.01)
        stop.set()
        for t in threads:
            t.join()
        after = [r for h in hosts for r in h.results if r[0] > killed_at]
        failed_loudly = [r for r in after if r[1] == 2 and "nonce_source_unavailable" in r[3]]
        check(len(after) >= 40 and len(failed_loudly) == len(after),
              f"{len(failed_loudly)} of {len(after)} signs started after the kill failed with nonce_source_unavailable")
        sent = nonces + [r[2] for h in hosts for r in h.results if r[1] == 0]
        check(len(set(sent)) == len(sent),
              f"{len(sent)} requests signed in both runs, {len(sent) - len(set(sent))} repeated nonces")
        if after and after[0][3]:
            print("redis_hosts: message after the kill: " + after[0][3].strip())
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
