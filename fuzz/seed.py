#!/usr/bin/env python3
"""Writes the fuzz corpora, seeded from the project's own vectors:

  fuzz/corpus/canonicalize  canonical.json inputs, every JSON body of the
                            signing vectors, JSONTestSuite's test_parsing
  fuzz/corpus/verify        every request of verify.json, in the verify
                            target's format (flag byte + request text)
  fuzz/corpus/signature     every signature of the vectors, hex and base64
  fuzz/corpus/ffi           the same inputs framed for the ffi target

Usage: seed.py ROOT (the repository). Idempotent: files are named by their
content's hash.
"""

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
VECTORS = ROOT / "tests" / "vectors"
CORPUS = ROOT / "fuzz" / "corpus"
TARGETS = ["cryptopay", "cryptopay-callback", "aquapay", "remitquickly", "pgprints", "onchainpay"]


def write(target: str, data: bytes) -> None:
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def load(name: str) -> list:
    return json.loads((VECTORS / f"{name}.json").read_text())["cases"]


def arg(data) -> bytes:
    """One ffi-target argument: a length byte and the bytes (at most 254)."""
    if data is None:
        return b"\xff\x00"
    if isinstance(data, str):
        data = data.encode()
    data = data[:254]
    return bytes([len(data)]) + data


def main() -> None:
    jsons = [case["input"]["json"] for case in load("canonical")]
    for name in ["cryptopay", "remitquickly", "pgprints", "onchainpay"]:
        for case in load(name):
            for field in ["body", "body_json", "payload_json"]:
                if isinstance(case["input"].get(field), str):
                    jsons.append(case["input"][field])
    for text in jsons:
        write("canonicalize", text.encode())
        write("ffi", b"\x00" + arg(text) + bytes([128, 0]))
        write("ffi", b"\x00" + arg(text) + bytes([128, 1]))
    suite = ROOT / "tests" / "jsontestsuite" / "test_parsing"
    for path in sorted(suite.glob("*.json")):
        write("canonicalize", path.read_bytes())

    for case in load("verify"):
        spec = case["input"]
        index = TARGETS.index(spec["scheme"])
        flags = index
        policy = spec.get("nonce_policy", "unique")
        if policy == "increasing":
            flags |= 16
        elif policy == "timestamp":
            flags |= 128
        if spec["now_ms"] == 1547033085000:
            flags |= 64
        for request in spec["requests"]:
            head = f"{request['method']} {request['path']}\n"
            head += "".join(f"{n}: {v}\n" for n, v in request["headers"])
            body = (request["body"] or "").encode()
            text = head.encode() + b"\n" + body
            for extra in (0, 8, 8 | 32):
                write("verify", bytes([flags | extra]) + text)
            # ffi: builder with the case's keys, then the same request.
            framed = b"\x04" + arg(spec["scheme"])
            keys = [(k, s) for k, secrets in spec["keys"].items() for s in secrets][:3]
            framed += bytes([len(keys)]) + b"".join(arg(k) + arg(s) for k, s in keys)
            framed += (30000).to_bytes(8, "little") + spec["now_ms"].to_bytes(8, "little")
            framed += arg(spec.get("nonce_policy", "unique")) + bytes([100])
            framed += arg(request["method"]) + arg(request["path"]) + arg(body)
            framed += bytes([len(request["headers"]) % 8])
            framed += b"".join(arg(n) + arg(v) for n, v in request["headers"][:7])
            framed += arg("".join(f"{n}: {v}\n" for n, v in request["headers"]))
            write("ffi", framed)
            for _, value in request["headers"]:
                write("signature", value.encode())

    for case in load("hmac"):
        for encoding in ("hex", "base64"):
            if encoding not in case["expect"]:
                continue
            signature = case["expect"][encoding]
            write("signature", signature.encode())
            write(
                "ffi",
                b"\x01" + arg(case["input"]["algorithm"]) + arg(encoding)
                + arg(bytes.fromhex(case["input"]["key_hex"]))
                + arg(bytes.fromhex(case["input"]["data_hex"])) + arg(signature) + bytes([64]),
            )
    for name in ["cryptopay", "aquapay", "remitquickly", "pgprints", "onchainpay"]:
        for case in load(name):
            for value in case["expect"].get("headers", {}).values():
                write("signature", value.encode())
            i = case["input"]
            key = i.get("api_key") or i.get("public_key") or ""
            secret = i.get("api_secret") or i.get("secret") or i.get("secret_key") or i.get("private_key")
            head = b"\x02" + arg(name) + arg(None if name == "pgprints" else key) + arg(secret)
            if name == "cryptopay":
                args = [i["method"], i["path"], i["body"], i["content_type"], i["date"]], 0
            elif name == "aquapay":
                args = [i["method"], i["path"], i["nonce"], "x-signature", ""], 1
            elif name == "remitquickly":
                args = [i["body_json"], i["timestamp"], "", "signature", ""], 2
            elif name == "pgprints":
                args = [i["body_json"], "", "", "X-PGPrints-Hmac-Sha256", ""], 3
            else:
                args = [i["payload_json"], str(i["nonce"]), "", "x-api-signature", ""], 4
            fields, which = args
            write("ffi", head + b"".join(arg(f) for f in fields) + bytes([which]))
    for case in load("cryptopay-callback"):
        i = case["input"]
        write("ffi", b"\x03" + arg(i["callback_secret"]) + arg(i["body"]) + arg(case["expect"]["signature"]))
    for name in sorted(p.name for p in CORPUS.iterdir()):
        print(f"seed: fuzz/corpus/{name}: {len(list((CORPUS / name).iterdir()))} files")


if __name__ == "__main__":
    main()
