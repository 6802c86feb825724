"""A small HTTP service on 127.0.0.1 that verifies every request with
paysig.Verifier: POST/GET /SCHEME/anything → 200 {"key_id", "body"} or the
verifier's status and provider error body."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import paysig

# Test credentials: key id → secret, one pair per scheme.
CREDENTIALS = {
    "cryptopay": ("cp-key", "cp-secret"),
    "aquapay": ("aq-key", "aq-secret"),
    "remitquickly": ("rq-key", "rq-secret"),
    "pgprints": ("pg-id", "pg-secret"),
    "onchainpay": ("oc-public", "oc-private"),
}


class Service:
    def __init__(self) -> None:
        self.verifiers = {
            scheme: paysig.Verifier(scheme, {key_id: secret}) for scheme, (key_id, secret) in CREDENTIALS.items()
        }
        self.received: list[bytes] = []


def handler_for(service: Service) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        timeout = 10  # a wrong Content-Length must not hang the test

        def handle_any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            service.received.append(body)
            scheme = self.path.split("/")[1]
            try:
                key_id = service.verifiers[scheme].verify(self.command, self.path, self.headers.items(), body)
                self.answer(200, json.dumps({"key_id": key_id, "body": body.decode()}))
            except paysig.AuthError as e:
                self.answer(e.status, e.body or json.dumps({"code": e.code}), e.code)

        def answer(self, status: int, text: str, code: str = "") -> None:
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if code:
                self.send_header("X-Paysig-Code", code)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = handle_any

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve() -> Iterator[tuple[str, Service]]:
    service = Service()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(service))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", service
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
