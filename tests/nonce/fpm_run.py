#!/usr/bin/env python3
"""The php-fpm nonce test (issue 11): a real php-fpm pool of 8 static
workers, started here with its own configuration in a temporary directory
on a loopback port and stopped after, driven by cgi-fcgi at concurrency
64 with 2,000 requests per run. Each request (tests/nonce/fpm_sign.php)
signs once with one shared key and sends the request to `paysig serve`
(OnchainPay with the "unique" nonce policy, and Aquapay).

Runs: each scheme with DEFAULT settings (must give 0 repeated nonces and 0
refusals), then with the per-process source (what the default replaces;
its numbers are printed, not asserted, since collisions depend on timing).

FFI under FPM: the pool sets `php_admin_value[ffi.enable] = 1`, the
simplest of the README's php-fpm setups; this test is about nonces, and
the preload recipes are php-ext's PreloadTest's.

Usage: fpm_run.py PAYSIG_CLI [REQUESTS [CONCURRENCY]]
Prints one line per run and closes with `N passed, N failed`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "nonce" / "fpm_sign.php"
WORKERS = 8
# One key per run of this script: the default (host) source keeps each
# key's counter for the life of the machine, and another test's burst with
# the same key (8 x 20,000 signs in a second) leaves it minutes ahead of
# the clock, beyond Aquapay's time window.
RUN = f"{os.getpid()}-{int(time.time())}"
KEYS = {
    "onchainpay": (f"shared-public-key-{RUN}", "shared-private-key", ["--nonce-policy", "unique"]),
    "aquapay": (f"shared-api-key-{RUN}", "shared-api-secret", []),
}


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} is not installed (make setup-nonce installs it)"
        if os.environ.get("CI") == "true":
            print(f"fpm_run: FAIL: {message}", file=sys.stderr)
            sys.exit(1)
        print(f"*** SKIPPED fpm_run: {message} ***", file=sys.stderr)
        sys.exit(0)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"fpm_run: {what} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"fpm_run: {what} does not listen on {port}")
            time.sleep(0.05)


def start_serve(cli: str, scheme: str) -> tuple[subprocess.Popen[bytes], int]:
    key, secret, extra = KEYS[scheme]
    port = free_port()
    proc = subprocess.Popen(
        [cli, "serve", scheme, "--port", str(port), "--key", key, "--secret", secret, *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, proc, "paysig serve")
    return proc, port


def start_fpm(fpm: str, tmp: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    root = os.geteuid() == 0
    conf = tmp / "fpm.conf"
    conf.write_text(
        f"""[global]
pid = {tmp}/fpm.pid
error_log = {tmp}/fpm.log
daemonize = no

[nonce]
listen = 127.0.0.1:{port}
{"user = root" if root else ""}
pm = static
pm.max_children = {WORKERS}
pm.max_requests = 0
catch_workers_output = yes
php_admin_value[ffi.enable] = 1
php_admin_value[error_log] = {tmp}/php.log
php_admin_flag[log_errors] = on
"""
    )
    args = [fpm, "--nodaemonize", "--fpm-config", str(conf)]
    if root:
        args.append("--allow-to-run-as-root")
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, proc, "php-fpm")
    return proc, port


def request(cgi_fcgi: str, fpm_port: int, query: str) -> str:
    env = {
        "SCRIPT_FILENAME": str(SCRIPT),
        "SCRIPT_NAME": "/fpm_sign.php",
        "REQUEST_URI": "/fpm_sign.php?" + query,
        "REQUEST_METHOD": "GET",
        "QUERY_STRING": query,
        "GATEWAY_INTERFACE": "CGI/1.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_NAME": "localhost",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    done = subprocess.run(
        [cgi_fcgi, "-bind", "-connect", f"127.0.0.1:{fpm_port}"],
        env=env,
        capture_output=True,
        timeout=60,
    )
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else f"error no answer (exit {done.returncode})"


def run(cgi_fcgi: str, fpm_port: int, cli: str, scheme: str, source: str, count: int, concurrency: int) -> dict[str, int]:
    serve, port = start_serve(cli, scheme)
    try:
        query = f"scheme={scheme}&port={port}&source={source}&key={KEYS[scheme][0]}"
        with ThreadPoolExecutor(concurrency) as pool:
            answers = list(pool.map(lambda _: request(cgi_fcgi, fpm_port, query), range(count)))
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=20)
    nonces, refused, errors = [], 0, 0
    for answer in answers:
        status, _, nonce = answer.partition(" ")
        if status == "error" or not status.isdigit():
            errors += 1
            if errors <= 3:
                print(f"  {scheme}/{source}: {answer}", file=sys.stderr)
            continue
        nonces.append(nonce)
        if status != "200":
            refused += 1
    return {
        "requests": count,
        "distinct": len(set(nonces)),
        "repeated": len(nonces) - len(set(nonces)),
        "refused": refused,
        "errors": errors,
    }


def main() -> int:
    cli = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    concurrency = int(sys.argv[3]) if len(sys.argv) > 3 else 64
    fpm = need("php-fpm8.2")
    cgi_fcgi = need("cgi-fcgi")
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="paysig-fpm-") as tmp_name:
        tmp = Path(tmp_name)
        fpm_proc, fpm_port = start_fpm(fpm, tmp)
        try:
            for source in ("default", "process"):
                for scheme in ("onchainpay", "aquapay"):
                    r = run(cgi_fcgi, fpm_port, cli, scheme, source, count, concurrency)
                    print(
                        f"fpm_run: {scheme:10} source={source:7} {WORKERS} workers, concurrency {concurrency}: "
                        f"{r['distinct']} distinct nonces / {r['requests']}, {r['repeated']} repeated, "
                        f"{r['refused']} refused by paysig serve, {r['errors']} errors"
                    )
                    if source == "default":
                        ok = r["repeated"] == 0 and r["refused"] == 0 and r["errors"] == 0 and r["distinct"] == count
                    else:
                        ok = r["errors"] == 0  # shown for comparison; collisions depend on timing
                    passed, failed = passed + ok, failed + (not ok)
        finally:
            fpm_proc.send_signal(signal.SIGQUIT)
            try:
                fpm_proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                fpm_proc.kill()
            log = tmp / "php.log"
            if failed and log.exists():
                print(log.read_text()[-3000:], file=sys.stderr)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
