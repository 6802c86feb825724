"""Requests signed the way the official Python SDK and the docs' Java
sample sign (PROVIDERS.md), written here from their documented behaviour:

- OnchainPay (Python SDK): payload["nonce"] = round(random() * 1e9), a
  random integer; body = json.dumps(payload) with the default separators
  (", " and ": ") and ensure_ascii; hex HMAC-SHA256 of the body, sent in
  X-Api-Public-Key / X-Api-Signature.
- Cryptopay (the docs' Java sample): Date = ISO-8601 with an offset
  (2019-01-09T11:24:40+00:00).

Each response is reported as one JSON line: {"step", "status",
"request_id", "body"}. Usage: python3 client.py BASE_URL SCHEME KEY SECRET
"""

import base64
import datetime
import hashlib
import hmac
import json
import random
import sys
import urllib.error
import urllib.request

base, scheme, key, secret = sys.argv[1:5]


def send(step, method, path, headers, body=None):
    request = urllib.request.Request(base + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            status, request_id, text = response.status, response.headers["x-request-id"], response.read()
    except urllib.error.HTTPError as error:
        status, request_id, text = error.code, error.headers["x-request-id"], error.read()
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = text.decode("utf-8", "replace")
    print(json.dumps({"step": step, "status": status, "request_id": request_id, "body": parsed}), flush=True)


def onchainpay(payload):
    payload = dict(payload, nonce=round(random.random() * 1e9))
    body = json.dumps(payload).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", "X-Api-Public-Key": key, "X-Api-Signature": signature}
    return headers, body


def cryptopay(method, path, body=b"", content_type="application/json"):
    date = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
    md5 = hashlib.md5(body).hexdigest() if body else ""
    text = "\n".join([method, md5, content_type, date, path])
    signature = base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha1).digest()).decode()
    return {"Authorization": f"HMAC {key}:{signature}", "Content-Type": content_type, "Date": date}


if scheme == "onchainpay":
    headers, body = onchainpay({"from": "ETH", "to": "USDT", "note": "café"})
    send("price-rate", "POST", "/price-rate", headers, body)
    send("resend", "POST", "/price-rate", headers, body)
    headers, body = onchainpay({"from": "BTC", "to": "USDT"})
    send("second", "POST", "/price-rate", headers, body)
elif scheme == "cryptopay":
    body = json.dumps({"price_amount": "100.0", "price_currency": "EUR", "pay_currency": "BTC"}).encode()
    send("invoice", "POST", "/api/invoices", cryptopay("POST", "/api/invoices", body), body)
    path = "/api/invoices?starting_after=7a8b&limit=2"
    send("list", "GET", path, cryptopay("GET", path))
else:
    raise SystemExit(f"no {scheme} client here")
