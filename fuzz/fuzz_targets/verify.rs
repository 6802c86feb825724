//! verify: every verifier's header and payload parsing.
//!
//! Input: one flag byte, then a request as text — `METHOD PATH`, header
//! lines `Name: value`, a blank line, the body (any bytes). The flags pick
//! the verifier (low 3 bits: cryptopay, cryptopay-callback, aquapay,
//! remitquickly, pgprints, onchainpay), whether the harness re-signs the
//! request with the verifier's key (bit 3: without it nothing past the
//! signature check is reached — payload, nonce and timestamp parsing all
//! come after it), the OnchainPay nonce policy (bit 4 `increasing`, bit 7
//! `timestamp`, neither the default `unique`), a second
//! delivery of the same request (bit 5) and the clock (bit 6).
//!
//! Properties: no panic; refusals carry a verification or JSON code with
//! status 400, 401 or 503 and a JSON error body that never contains the
//! secret; a request accepted once is refused as a replay the second time
//! by the schemes that guard against replays.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use paysig::mac::{Algorithm, Encoding, Key};
use paysig::schemes::{Aquapay, Body, Cryptopay, CryptopayRequest, Scheme};
use paysig::verify::{FixedClock, Keyring, NoncePolicy, Request, Target, Verifier};
use paysig::ErrorCode;

const SECRET: &str = "fuzz-secret-Oe8TBDzg4tatdq2cL9oj";
const TARGETS: [Target; 6] = [
    Target::Request(Scheme::Cryptopay),
    Target::CryptopayCallback,
    Target::Request(Scheme::Aquapay),
    Target::Request(Scheme::RemitQuickly),
    Target::Request(Scheme::PGPrints),
    Target::Request(Scheme::OnchainPay),
];

struct Parsed {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn parse(data: &[u8]) -> Parsed {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&data[..at], data[at + 2..].to_vec()),
        None => (data, Vec::new()),
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.split('\n');
    let first = lines.next().unwrap_or_default();
    let (method, path) = first.split_once(' ').unwrap_or((first, "/"));
    let headers = lines
        .map(|line| match line.split_once(':') {
            Some((name, value)) => (name.to_owned(), value.trim_start().to_owned()),
            None => (line.to_owned(), String::new()),
        })
        .collect();
    Parsed {
        method: method.to_owned(),
        path: path.to_owned(),
        headers,
        body,
    }
}

fn get<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn set(headers: &mut Vec<(String, String)>, name: &str, value: String) {
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    headers.push((name.to_owned(), value));
}

/// The key id the request names, so the keyring knows it.
fn key_id(target: Target, headers: &[(String, String)]) -> String {
    let named = match target {
        Target::Request(Scheme::Cryptopay) => get(headers, "authorization")
            .and_then(|v| v.trim().split_once(' '))
            .and_then(|(_, c)| c.trim().rsplit_once(':'))
            .map(|(k, _)| k),
        Target::Request(Scheme::Aquapay) => get(headers, "x-api-key"),
        Target::Request(Scheme::RemitQuickly) => get(headers, "apikey"),
        Target::Request(Scheme::OnchainPay) => get(headers, "x-api-public-key"),
        _ => None,
    };
    match named {
        Some(id) if !id.is_empty() && !id.chars().any(char::is_control) => id.to_owned(),
        _ => "fuzz-key".to_owned(),
    }
}

fn hex_mac(algorithm: Algorithm, message: &[u8]) -> String {
    let key = Key::new(algorithm, SECRET.as_bytes()).expect("a non-empty key");
    key.sign(message).encode(Encoding::Hex)
}

/// Replaces the signature with the one the key holder would send.
fn resign(target: Target, id: &str, request: &mut Parsed) {
    let body_text = String::from_utf8_lossy(&request.body).into_owned();
    match target {
        Target::Request(Scheme::Cryptopay) => {
            let Ok(signer) = Cryptopay::new(id, SECRET) else {
                return;
            };
            let content_type = get(&request.headers, "content-type")
                .unwrap_or("")
                .to_owned();
            let date = get(&request.headers, "date").map(str::to_owned);
            let signed = signer.sign(&CryptopayRequest {
                method: &request.method,
                path: &request.path,
                body: (!request.body.is_empty()).then_some(Body::Text(&body_text)),
                content_type: &content_type,
                date: date.as_deref(),
            });
            if let Ok(signed) = signed {
                if let Some(auth) = signed.header("authorization") {
                    set(&mut request.headers, "Authorization", auth.to_owned());
                }
            }
        }
        Target::CryptopayCallback => {
            let mac = hex_mac(Algorithm::Sha256, &request.body);
            set(&mut request.headers, "X-Cryptopay-Signature", mac);
        }
        Target::Request(Scheme::Aquapay) => {
            let Ok(signer) = Aquapay::new(id, SECRET) else {
                return;
            };
            let nonce = get(&request.headers, "x-nonce").map(str::to_owned);
            if let Ok(signed) = signer.sign(&request.method, &request.path, nonce.as_deref()) {
                for (name, value) in &signed.headers {
                    set(&mut request.headers, name, value.clone());
                }
            }
        }
        Target::Request(Scheme::RemitQuickly) => {
            let payload = get(&request.headers, "payload").unwrap_or("").to_owned();
            let mac = hex_mac(Algorithm::Sha512, payload.as_bytes());
            set(&mut request.headers, "signature", mac);
        }
        Target::Request(Scheme::PGPrints) => {
            let options = paysig::json::Options::lenient();
            if let Ok(canonical) = paysig::json::canonicalize_with(&request.body, &options) {
                let key = Key::new(Algorithm::Sha256, SECRET.as_bytes()).expect("a key");
                let mac = key.sign(canonical.as_bytes()).encode(Encoding::Base64);
                set(&mut request.headers, "X-PGPrints-Hmac-Sha256", mac);
            }
        }
        Target::Request(Scheme::OnchainPay) => {
            let mac = hex_mac(Algorithm::Sha256, &request.body);
            set(&mut request.headers, "x-api-signature", mac);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let target = TARGETS[usize::from(flags & 7) % TARGETS.len()];
    let mut request = parse(rest);
    let id = key_id(target, &request.headers);
    if flags & 8 != 0 {
        resign(target, &id, &mut request);
    }
    let mut keyring = Keyring::new();
    keyring.add(&id, SECRET).expect("a valid id");
    let now = if flags & 64 != 0 {
        1_547_033_085_000
    } else {
        1_700_000_000_000
    };
    // OnchainPay nonce policy: bit 128 timestamp, else bit 16 increasing,
    // else unique (the default).
    let policy = if flags & 128 != 0 {
        NoncePolicy::Timestamp
    } else if flags & 16 != 0 {
        NoncePolicy::Increasing
    } else {
        NoncePolicy::Unique
    };
    let verifier = Verifier::for_target(target, keyring)
        .with_clock(Arc::new(FixedClock(now)))
        .with_nonce_policy(policy);
    let pairs: Vec<(&str, &str)> = request
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let received = Request {
        method: &request.method,
        path: &request.path,
        headers: &pairs,
        body: &request.body,
    };
    let first = verifier.verify(&received);
    check(&first);
    if flags & 32 != 0 {
        let second = verifier.verify(&received);
        check(&second);
        let guarded = matches!(
            target,
            Target::Request(Scheme::Aquapay | Scheme::RemitQuickly | Scheme::OnchainPay)
        );
        if first.is_ok() && guarded {
            let code = second.expect_err("a replay was accepted").code();
            assert_eq!(code, ErrorCode::NonceReused);
        }
    }
});

fn check(outcome: &Result<String, paysig::verify::AuthError>) {
    let Err(error) = outcome else { return };
    assert!(matches!(error.status(), 400 | 401 | 503), "{error}");
    let body = error.body();
    assert!(!body.contains(SECRET), "the secret leaked into {body}");
    serde_json::from_str::<serde_json::Value>(&body).expect("the error body is JSON");
    assert!(!error.message().contains(SECRET));
}
