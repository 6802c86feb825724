//! The Rust conformance runner: one vector file in, FORMAT.md's runner
//! output out, through core's public API only. Shared by
//! `examples/conformance.rs` (what `tests/conformance/run.sh rust` runs)
//! and `tests/vectors.rs` (what `cargo test` runs).

use paysig::json::{self, Number};
use paysig::mac::{Algorithm, Encoding, Key};
use paysig::schemes::{self, Body, CryptopayRequest, Nonce};
use paysig::verify::{
    FixedClock, Keyring, MemoryReplayGuard, NoncePolicy, Request, Target, Verifier,
};
use paysig::{Error, ErrorCode};
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// Runs every case of a parsed vector file.
pub fn run(vectors: &Value) -> Result<Value, String> {
    let scheme = vectors["scheme"]
        .as_str()
        .ok_or("the file names no scheme")?;
    let cases = vectors["cases"].as_array().ok_or("the file has no cases")?;
    let mut results = Vec::new();
    if scheme == "verify" {
        for case in cases {
            let mut result = verify(&case["input"])?;
            result["name"] = case["name"].clone();
            results.push(result);
        }
        return Ok(json!({"scheme": scheme, "cases": results}));
    }
    for case in cases {
        let name = case["name"].clone();
        let input = &case["input"];
        let result = match scheme {
            "canonical" => canonical(input),
            "cryptopay" => cryptopay(input),
            "cryptopay-callback" => cryptopay_callback(input),
            "aquapay" => aquapay(input),
            "remitquickly" => remitquickly(input),
            "pgprints" => pgprints(input),
            "onchainpay" => onchainpay(input),
            "hmac" => hmac(input),
            other => return Err(format!("unknown scheme {other:?}")),
        };
        results.push(match result {
            Ok(output) => json!({"name": name, "output": output}),
            Err(e) => {
                json!({"name": name, "error": {"code": e.code().as_str(), "message": e.message()}})
            }
        });
    }
    Ok(json!({"scheme": scheme, "cases": results}))
}

/// FORMAT.md's rule: every field of `expect` equals the output's, or the
/// expected error code (and status/message when given) was reported.
/// Returns one line per failing case.
pub fn failures(vectors: &Value, report: &Value) -> Vec<String> {
    let empty = Vec::new();
    let reported = report["cases"].as_array().unwrap_or(&empty);
    let mut failures = Vec::new();
    for case in vectors["cases"].as_array().unwrap_or(&empty) {
        let name = &case["name"];
        let expect = &case["expect"];
        let Some(result) = reported.iter().find(|r| &r["name"] == name) else {
            failures.push(format!("{name}: not reported"));
            continue;
        };
        if let Some(code) = expect.get("error") {
            let error = &result["error"];
            for (field, want) in [
                ("code", code),
                ("status", &expect["status"]),
                ("message", &expect["message"]),
            ] {
                if !want.is_null() && &error[field] != want {
                    failures.push(format!(
                        "{name}: error {field} {} != expected {want}",
                        error[field]
                    ));
                }
            }
            continue;
        }
        for (field, want) in expect.as_object().into_iter().flatten() {
            let got = &result["output"][field];
            if got != want {
                failures.push(format!(
                    "{name}: {field}: got {got}, expected {want}; error {}",
                    result["error"]
                ));
            }
        }
    }
    failures
}

fn text<'a>(input: &'a Value, field: &str) -> Result<&'a str, Error> {
    input[field]
        .as_str()
        .ok_or_else(|| Error::invalid_argument(format!("vector input lacks string field {field}")))
}

fn headers(signed: &paysig::SignedRequest) -> Value {
    let map: Map<String, Value> = signed
        .headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), Value::from(v.as_str())))
        .collect();
    Value::Object(map)
}

fn canonical(input: &Value) -> Result<Value, Error> {
    Ok(json!({"canonical": json::canonicalize(text(input, "json")?)?}))
}

fn cryptopay(input: &Value) -> Result<Value, Error> {
    let signer = schemes::Cryptopay::new(text(input, "api_key")?, text(input, "api_secret")?)?;
    let request = CryptopayRequest {
        body: input["body"].as_str().map(Body::Text),
        content_type: text(input, "content_type")?,
        date: Some(text(input, "date")?),
        ..CryptopayRequest::new(text(input, "method")?, text(input, "path")?)
    };
    let signed = signer.sign(&request)?;
    Ok(
        json!({"string_to_sign": signed.string_to_sign, "signature": signed.signature, "headers": headers(&signed)}),
    )
}

fn cryptopay_callback(input: &Value) -> Result<Value, Error> {
    let signature = schemes::cryptopay::callback_signature(
        text(input, "callback_secret")?,
        text(input, "body")?.as_bytes(),
    )?;
    Ok(json!({"signature": signature}))
}

fn aquapay(input: &Value) -> Result<Value, Error> {
    let signer = schemes::Aquapay::new(text(input, "api_key")?, text(input, "api_secret")?)?;
    let signed = signer.sign(
        text(input, "method")?,
        text(input, "path")?,
        Some(text(input, "nonce")?),
    )?;
    Ok(
        json!({"string_to_sign": signed.string_to_sign, "signature": signed.signature, "headers": headers(&signed)}),
    )
}

fn remitquickly(input: &Value) -> Result<Value, Error> {
    let signer = schemes::RemitQuickly::new(text(input, "api_key")?, text(input, "secret")?)?;
    let signed = signer.sign(
        Some(Body::Text(text(input, "body_json")?)),
        Some(text(input, "timestamp")?),
    )?;
    Ok(json!({"payload_json": signed.string_to_sign, "headers": headers(&signed)}))
}

fn pgprints(input: &Value) -> Result<Value, Error> {
    let signer = schemes::PGPrints::new(text(input, "secret_key")?)?;
    let signed = signer.sign(Body::Text(text(input, "body_json")?))?;
    Ok(json!({"string_to_sign": signed.string_to_sign, "headers": headers(&signed)}))
}

fn onchainpay(input: &Value) -> Result<Value, Error> {
    let signer = schemes::OnchainPay::new(text(input, "public_key")?, text(input, "private_key")?)?;
    let nonce = match &input["nonce"] {
        Value::String(s) => Some(Nonce::Text(s)),
        Value::Number(n) => Some(Nonce::Number(Number::parse(&n.to_string())?)),
        Value::Null => None,
        _ => {
            return Err(Error::new(
                ErrorCode::InvalidArgument,
                "nonce must be a number or a string",
            ))
        }
    };
    let signed = signer.sign(Body::Text(text(input, "payload_json")?), nonce)?;
    Ok(json!({"body": signed.body, "headers": headers(&signed)}))
}

fn hmac(input: &Value) -> Result<Value, Error> {
    let hex = |field| {
        Encoding::Hex
            .decode(text(input, field)?)
            .ok_or_else(|| Error::invalid_argument(format!("{field} is not hex")))
    };
    let key = Key::new(
        text(input, "algorithm")?.parse::<Algorithm>()?,
        &hex("key_hex")?,
    )?;
    let data = hex("data_hex")?;
    let tag = key.sign(&data);
    let (hex, base64) = (tag.encode(Encoding::Hex), tag.encode(Encoding::Base64));
    // Verification must accept what signing produced, in both encodings.
    if !key.verify_encoded(&data, &hex, Encoding::Hex)
        || !key.verify_encoded(&data, &base64, Encoding::Base64)
    {
        return Err(Error::new(
            ErrorCode::InvalidSignature,
            "verify refused its own MAC",
        ));
    }
    Ok(json!({"hex": hex, "base64": base64}))
}

/// FORMAT.md's verify.json mapping: one verifier per case, built from
/// `keys`, `now_ms`, `tolerance_ms` and `nonce_policy`, with a fresh
/// in-memory replay guard; the requests go through it in order. Reports
/// the last key id, or the first refusal with its status and message.
fn verify(input: &Value) -> Result<Value, String> {
    let bad = |what: &str| format!("verify case input: {what}");
    let target: Target = input["scheme"]
        .as_str()
        .ok_or_else(|| bad("scheme"))?
        .parse()
        .map_err(|e: Error| bad(e.message()))?;
    let mut keyring = Keyring::new();
    for (id, secrets) in input["keys"].as_object().ok_or_else(|| bad("keys"))? {
        for secret in secrets.as_array().ok_or_else(|| bad("a list of secrets"))? {
            let secret = secret.as_str().ok_or_else(|| bad("a secret"))?;
            keyring.add(id, secret).map_err(|e| bad(e.message()))?;
        }
    }
    let now = input["now_ms"].as_i64().ok_or_else(|| bad("now_ms"))?;
    let mut verifier = Verifier::for_target(target, keyring)
        .with_clock(Arc::new(FixedClock(now)))
        .with_replay_guard(Arc::new(MemoryReplayGuard::default()));
    if let Some(ms) = input["tolerance_ms"].as_i64() {
        verifier = verifier.with_tolerance_ms(ms);
    }
    if let Some(name) = input["nonce_policy"].as_str() {
        let policy: NoncePolicy = name
            .parse()
            .map_err(|_| bad(&format!("nonce_policy {name}")))?;
        verifier = verifier.with_nonce_policy(policy);
    }
    let mut outcome = json!({});
    for request in input["requests"]
        .as_array()
        .ok_or_else(|| bad("requests"))?
    {
        let pairs = request["headers"]
            .as_array()
            .ok_or_else(|| bad("headers"))?;
        let headers: Vec<(&str, &str)> = pairs
            .iter()
            .map(|pair| {
                pair[0]
                    .as_str()
                    .zip(pair[1].as_str())
                    .ok_or_else(|| bad("a header pair"))
            })
            .collect::<Result<_, _>>()?;
        let request = Request {
            method: request["method"].as_str().ok_or_else(|| bad("method"))?,
            path: request["path"].as_str().ok_or_else(|| bad("path"))?,
            headers: &headers,
            body: request["body"].as_str().unwrap_or("").as_bytes(),
        };
        match verifier.verify(&request) {
            Ok(key_id) => outcome = json!({"output": {"key_id": key_id}}),
            Err(e) => {
                return Ok(json!({"error": {
                    "code": e.code().as_str(),
                    "status": e.status(),
                    "message": e.message(),
                }}))
            }
        }
    }
    Ok(outcome)
}
