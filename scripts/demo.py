#!/usr/bin/env python3
"""Signs each provider's documented example through every language and shows
that all of them produce the providers' own signatures.

Run by `make demo` (after `make demo-cli` built target/release/paysig). For
each provider it takes the first case of tests/vectors/SCHEME.json (the
provider's documented example), prints what is signed and the headers, then
one line per language: `cli` (the paysig command) and every LANG that has a
tests/conformance/LANG.sh runner. A runner that fails is shown as not built.
Exits 1 when nothing could run or when any language disagrees with the
vectors. Standard library only. `--verbose` shows why a runner failed.
"""
import json
import os
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VECTORS = os.path.join(ROOT, "tests", "vectors")
CONFORMANCE = os.path.join(ROOT, "tests", "conformance")
# PAYSIG overrides the binary (e.g. a debug build).
PAYSIG = os.environ.get("PAYSIG") or os.path.join(ROOT, "target", "release", "paysig")

# (vector file, provider name, the header that carries the signature)
PROVIDERS = [
    ("cryptopay", "Cryptopay", "Authorization"),
    ("aquapay", "Aquapay", "x-signature"),
    ("remitquickly", "RemitQuickly", "signature"),
    ("pgprints", "PGPrints", "X-PGPrints-Hmac-Sha256"),
    ("onchainpay", "OnchainPay", "x-api-signature"),
]
KNOWN_ORDER = ["rust", "c", "python", "php", "go"]
# How to build a language whose target is not simply `make demo-LANG`.
BUILD_HINT = {"cli": "make demo-cli", "rust": "make demo-cli"}

VERBOSE = "--verbose" in sys.argv[1:]
COLOR = sys.stdout.isatty() and os.environ.get("NO_COLOR") is None


def paint(text, code):
    return f"\033[{code}m{text}\033[0m" if COLOR else text


def languages():
    """cli, then the conformance runners present: known ones first."""
    found = [f[:-3] for f in os.listdir(CONFORMANCE) if f.endswith(".sh") and f != "run.sh"]
    ordered = [lang for lang in KNOWN_ORDER if lang in found]
    return ["cli"] + ordered + sorted(set(found) - set(ordered))


def cli_args(scheme, given):
    """`paysig sign` arguments for a vector case's input."""
    flags = {
        "cryptopay": [("--key", "api_key"), ("--secret", "api_secret"), ("--method", "method"),
                      ("--path", "path"), ("--content-type", "content_type"),
                      ("--date", "date"), ("--body", "body")],
        "aquapay": [("--key", "api_key"), ("--secret", "api_secret"), ("--method", "method"),
                    ("--path", "path"), ("--nonce", "nonce")],
        "remitquickly": [("--key", "api_key"), ("--secret", "secret"),
                         ("--body", "body_json"), ("--timestamp", "timestamp")],
        "pgprints": [("--secret", "secret_key"), ("--body", "body_json")],
        "onchainpay": [("--key", "public_key"), ("--secret", "private_key"),
                       ("--body", "payload_json"), ("--nonce", "nonce")],
    }[scheme]
    args = ["sign", scheme]
    for flag, field in flags:
        value = given.get(field)
        if value is not None:
            args += [flag, value if isinstance(value, str) else json.dumps(value)]
    return args + ["--format", "json"]


def run_cli(scheme, case):
    """The CLI's result in the runner's shape, or (None, why it failed)."""
    if not os.access(PAYSIG, os.X_OK):
        return None, f"{PAYSIG} not found"
    args = cli_args(scheme, case["input"])
    proc = subprocess.run([PAYSIG] + args, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": {"code": proc.stderr.strip()}}, None
    out = json.loads(proc.stdout)
    # The CLI's string_to_sign is RemitQuickly's payload JSON.
    out["payload_json"] = out["string_to_sign"]
    return {"output": out}, None


def run_runner(lang, path, name):
    """One case from `run.sh LANG FILE`, or (None, why it failed)."""
    proc = subprocess.run(["bash", os.path.join(CONFORMANCE, "run.sh"), lang, path],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        return None, (proc.stderr.strip() or f"exit {proc.returncode}")
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError as e:
        return None, f"output is not JSON: {e}"
    for result in report.get("cases", []):
        if result.get("name") == name:
            return result, None
    return {"error": {"code": "case not reported"}}, None


def agrees(expect, result):
    """FORMAT.md's rule: every expected field equals the output's."""
    output = result.get("output")
    return output is not None and all(output.get(k) == v for k, v in expect.items())


def shorten(text, width=76):
    return text if len(text) <= width else text[:width - 1] + "…"


def start_listening(args, env):
    """Starts `paysig ...` and returns (process, URL of its first
    `listening on` line); None when it does not start."""
    try:
        process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True)
    except OSError:
        return None
    line = process.stdout.readline().strip()
    if not line.startswith("listening on "):
        process.kill()
        process.wait()
        return None
    return process, line[len("listening on "):]


def proxy_demo():
    """One request from a client with no paysig library (Python's urllib)
    through `paysig proxy`, which signs it, to `paysig serve` standing in
    for OnchainPay. True when the sandbox accepted it."""
    import urllib.error
    import urllib.request

    print(paint("paysig proxy", "1") + " — a client with no paysig library")
    env = dict(os.environ, PAYSIG_DEMO_SECRET="demo-proxy-secret")
    key = ["--key", "demo-public-key", "--secret-env", "PAYSIG_DEMO_SECRET"]
    processes = []
    try:
        serve = start_listening([PAYSIG, "serve", "onchainpay", "--port", "0", *key], env)
        if serve is None:
            print(f"    {'proxy':<7} " + paint("not built (make demo-cli)", "33"))
            return None
        processes.append(serve[0])
        proxy = start_listening([PAYSIG, "proxy", "onchainpay", "--upstream", serve[1], *key,
                                 "--listen", "127.0.0.1:0", "--log", "off"], env)
        if proxy is None:
            print(f"    {'proxy':<7} " + paint("did not start", "31"))
            return False
        processes.append(proxy[0])
        body = b'{"amount": "100.00", "currency": "USDT"}'
        url = proxy[1] + "/api/v1/invoices"
        print(f"  urllib POST {url}  {body.decode()}  (no signature, no secret)")
        request = urllib.request.Request(url, data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        mark = paint("✓", "32") if status == 200 else paint("✗", "31")
        print(f"  proxy signed it; paysig serve (OnchainPay rules) answered {status} {text}  {mark}")
        return status == 200
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        print()


def main():
    langs = languages()
    built = set()        # languages that ran at least once
    unbuilt = set()
    disagreements = []
    for scheme, provider, signature_header in PROVIDERS:
        path = os.path.join(VECTORS, scheme + ".json")
        with open(path, encoding="utf-8") as f:
            case = json.load(f)["cases"][0]
        expect = case["expect"]
        signed = expect.get("string_to_sign") or expect.get("payload_json") or expect.get("body")
        print(paint(provider, "1") + f" — {case['name']}")
        print(f"  signs  {shorten(signed.replace(chr(10), chr(92) + 'n'))}")
        command = " ".join(shlex.quote(a) for a in cli_args(scheme, case["input"])[:-2])
        print(paint(f"  $ paysig {command}", "2"))
        results = {lang: (run_cli(scheme, case) if lang == "cli"
                          else run_runner(lang, path, case["name"]))
                   for lang in langs}
        # The headers the CLI produced (the vector's when it could not run).
        cli_result = results["cli"][0] or {}
        headers = (cli_result.get("output") or {}).get("headers") or expect["headers"]
        for header, value in headers.items():
            print(f"  {header}: {value}")
        for lang in langs:
            result, failure = results[lang]
            if result is None:
                unbuilt.add(lang)
                hint = BUILD_HINT.get(lang, f"make demo-{lang}")
                print(f"    {lang:<7} " + paint(f"not built ({hint})", "33"))
                if VERBOSE:
                    print(paint("            " + failure.splitlines()[-1], "2"))
                continue
            built.add(lang)
            output = result.get("output") or {}
            value = (output.get("headers") or {}).get(signature_header)
            if agrees(expect, result):
                print(f"    {lang:<7} {shorten(value, 64)}  " + paint("✓", "32"))
            else:
                disagreements.append((provider, lang))
                got = value if value is not None else json.dumps(result.get("error"))
                print(f"    {lang:<7} {shorten(str(got), 64)}  " + paint("✗", "31"))
        print()

    proxied = proxy_demo()
    if proxied is False:
        print(paint("FAILED: the request through paysig proxy was refused", "31"))
        return 1
    if disagreements:
        names = ", ".join(f"{lang} on {provider}" for provider, lang in disagreements)
        print(paint(f"FAILED: signatures differ from the vectors: {names}", "31"))
        return 1
    if not built:
        print(paint("FAILED: no language could run; try make demo-cli", "31"))
        return 1
    ran = [lang for lang in langs if lang in built]
    noun = "language" if len(ran) == 1 else "languages"
    line = (f"{len(PROVIDERS)} providers × {len(ran)} {noun} ({', '.join(ran)}): "
            "all signatures identical to the providers' own JavaScript")
    print(paint(line, "32"))
    missing = [lang for lang in langs if lang in unbuilt]
    if missing:
        print(f"not built: {', '.join(missing)} (make demo-LANG builds one)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
