"""Clients signing the way the providers' official SDKs sign (client.mjs,
client.py, client.php, go/main.go: their JSON encoders, nonce styles, Date
forms and header spellings) against a real `paysig serve`:

- with the right secret, accepted and answered in the provider's envelope
  (OnchainPay {"success":true,"response":...}, Cryptopay {"data":...});
- a resent OnchainPay request refused as a replay (nonce_reused);
- two OnchainPay clients with separate counters on one key both accepted
  under the default policy, and refused under --nonce-policy increasing
  (nonce_not_increasing), which is what the issue was about;
- with a wrong secret, the provider's 401 in its envelope;
- every answer's request id in exactly one log line of the server, whose
  fields are time, scheme, method, path, key id, result, status, request
  id and nothing else (no secret, no signature).

Usage: python3 tests/sdk/run.py PAYSIG_BINARY. Prints one line per check
and `N passed, N failed`; exit 1 on any failure. A missing tool (node,
php, go) fails under CI=true and is skipped loudly otherwise.
"""

import json
import os
import shutil
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
KEY = "sdk-public-key"
SECRET = "sdk-private-key-1"
WRONG = "not-the-secret"
RATE = {"success": True, "response": "2751.51000000"}
LOG_FIELDS = {"time", "scheme", "method", "path", "key_id", "result", "status", "request_id"}

CLIENTS = {
    "node": (["node", os.path.join(HERE, "client.mjs")], None, "node"),
    "python": ([sys.executable, os.path.join(HERE, "client.py")], None, None),
    "php": (["php", os.path.join(HERE, "client.php")], None, "php"),
    "go": (["go", "run", "."], os.path.join(HERE, "go"), "go"),
}
CASES = [
    ("node", "onchainpay"),
    ("node", "cryptopay"),
    ("python", "onchainpay"),
    ("python", "cryptopay"),
    ("php", "onchainpay"),
    ("php", "cryptopay"),
    ("go", "onchainpay"),
]

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok    {what}")
    else:
        failed += 1
        print(f"FAIL  {what}")


class Server:
    """`paysig serve SCHEME --log json` on a free port; its stderr lines
    are collected by a thread."""

    def __init__(self, paysig, scheme, *extra):
        self.process = subprocess.Popen(
            [paysig, "serve", scheme, "--key", KEY, "--secret-env", "SDK_SECRET", "--port", "0",
             "--log", "json", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=dict(os.environ, SDK_SECRET=SECRET))
        first = self.process.stdout.readline().strip()
        prefix = "listening on "
        if not first.startswith(prefix):
            raise SystemExit(f"paysig serve did not start: {first!r}")
        self.url = first[len(prefix):]
        self.lines = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def log_for(self, request_id):
        deadline = time.time() + 10
        while time.time() < deadline:
            found = [line for line in self.lines if request_id and request_id in line]
            if found:
                return found
            time.sleep(0.02)
        return []

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def run_client(name, scheme, url, secret):
    command, cwd, _ = CLIENTS[name]
    done = subprocess.run([*command, url, scheme, KEY, secret], cwd=cwd, capture_output=True,
                          text=True, timeout=120)
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
    return done.returncode, [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def accepted_body(scheme, step):
    if scheme == "onchainpay":
        return RATE
    return {"data": {"id": "7a8b5f2c-sandbox", "status": "new", "price_amount": "100.0",
                     "price_currency": "EUR", "pay_currency": "BTC"}} if step == "invoice" else {"data": []}


def refused(scheme, answer, code):
    body, request_id = answer["body"], answer["request_id"]
    if scheme == "onchainpay":
        return (answer["status"] == 401 and isinstance(body, dict) and body.get("success") is False
                and body.get("error", {}).get("name") == code and body["error"].get("code") == 401
                and isinstance(body["error"].get("message"), str) and body.get("requestId") == request_id)
    return (answer["status"] == 401 and isinstance(body, dict)
            and body.get("error") == {"code": "unauthenticated", "message": "unauthenticated", "details": []}
            and body.get("meta", {}).get("request_id") == request_id)


def check_log(server, answers, label, scheme):
    for answer in answers:
        lines = server.log_for(answer["request_id"])
        entry = json.loads(lines[0]) if len(lines) == 1 else {}
        expected_result = "ok" if answer["status"] == 200 else (
            answer["body"]["error"]["name"] if scheme == "onchainpay" else None)
        ok = (set(entry) == LOG_FIELDS and entry["key_id"] == KEY and entry["scheme"] == scheme
              and entry["status"] == answer["status"] and "?" not in entry["path"]
              and (expected_result is None or entry["result"] == expected_result))
        check(ok, f"{label} {answer['step']}: one log line with its request id, no secret or signature")
    check(not any(SECRET in line or WRONG in line for line in server.lines), f"{label}: no secret in the log")


def run_case(paysig, name, scheme):
    label = f"{name} {scheme}"
    server = Server(paysig, scheme)
    try:
        code, answers = run_client(name, scheme, server.url, SECRET)
        check(code == 0 and answers, f"{label}: client ran")
        for answer in answers:
            if answer["step"] == "resend":
                check(refused(scheme, answer, "nonce_reused"), f"{label} resend: refused as a replay")
            else:
                ok = answer["status"] == 200 and answer["body"] == accepted_body(scheme, answer["step"])
                check(ok, f"{label} {answer['step']}: accepted, answered in the envelope ({answer['body']})")
        check_log(server, answers, label, scheme)
        code, answers = run_client(name, scheme, server.url, WRONG)
        check(code == 0 and answers, f"{label} wrong secret: client ran")
        for answer in answers:
            expected = "invalid_signature"
            check(refused(scheme, answer, expected), f"{label} wrong secret {answer['step']}: the provider's 401")
        check_log(server, answers, f"{label} wrong secret", scheme)
    finally:
        server.stop()
    if scheme == "onchainpay" and name in ("node", "go"):
        server = Server(paysig, scheme, "--nonce-policy", "increasing")
        try:
            _, answers = run_client(name, scheme, server.url, SECRET)
            by_step = {a["step"]: a for a in answers}
            check(by_step.get("client-b-1", {}).get("status") == 200
                  and refused(scheme, by_step.get("client-a-2", {"body": None, "request_id": None, "status": 0}),
                              "nonce_not_increasing"),
                  f"{label} under --nonce-policy increasing: the second counter client is refused (nonce_not_increasing)")
        finally:
            server.stop()


def main():
    paysig = sys.argv[1]
    in_ci = os.environ.get("CI") == "true"
    for name, scheme in CASES:
        tool = CLIENTS[name][2]
        if tool and shutil.which(tool) is None:
            if in_ci:
                check(False, f"{name} {scheme}: {tool} is not installed (CI=true)")
            else:
                print(f"SKIP  {name} {scheme}: {tool} is not installed (not counted as passed)")
            continue
        run_case(paysig, name, scheme)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
