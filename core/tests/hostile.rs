//! Hostile input to core: huge bodies, deep nesting on a small stack, a
//! million keys, invalid UTF-8 everywhere, control characters in header
//! values, absurd nonces and timestamps, signatures of every wrong length
//! and alphabet. Each gets its documented code (tests/vectors/FORMAT.md);
//! none panics; time and peak memory of the big ones are measured in a
//! child process and printed (RELIABILITY.md records them).
//!
//! Sizes: `PAYSIG_HOSTILE_MB` (default 100 in an optimized build, 16 in a
//! debug one: `make test-reliability` runs this file with --release).

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use paysig::json::{canonicalize, canonicalize_with, Options, Value};
use paysig::mac::{Algorithm, Encoding, Key};
use paysig::schemes::{
    Aquapay, Body, Cryptopay, CryptopayRequest, Nonce, OnchainPay, PGPrints, RemitQuickly, Scheme,
};
use paysig::verify::{FixedClock, Keyring, Request, Target, Verifier};
use paysig::ErrorCode;

const NOW: i64 = 1_700_000_000_000;

fn code(input: &[u8]) -> ErrorCode {
    canonicalize_with(input, &Options::default())
        .unwrap_err()
        .code()
}

fn big_mb() -> usize {
    let default = if cfg!(debug_assertions) { 16 } else { 100 };
    std::env::var("PAYSIG_HOSTILE_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs `f` on a thread with a 256 KiB stack.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .expect("no stack overflow, no panic")
}

fn verifier(target: Target, id: &str, secret: &str) -> Verifier {
    let mut keys = Keyring::new();
    keys.add(id, secret).unwrap();
    Verifier::for_target(target, keys).with_clock(Arc::new(FixedClock(NOW)))
}

fn verify(
    verifier: &Verifier,
    headers: &[(&str, String)],
    body: &[u8],
) -> Result<String, paysig::verify::AuthError> {
    let pairs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    verifier.verify(&Request {
        method: "POST",
        path: "/pay",
        headers: &pairs,
        body,
    })
}

// ---- big inputs: measured in a child process (peak RSS is per process) --

/// A JSON array of `mb` MiB: strings with escapes, numbers, nested objects.
fn big_json(mb: usize) -> Vec<u8> {
    let item = br#"{"id":"A-1001\n\u00e9","amount":12.50,"tags":["x","y"],"n":-0.0001},"#;
    let count = mb * 1024 * 1024 / item.len();
    let mut text = Vec::with_capacity(count * item.len() + 2);
    text.push(b'[');
    for _ in 0..count {
        text.extend_from_slice(item);
    }
    text.pop();
    text.push(b']');
    text
}

/// One measured operation, run by the child: prints `ms` and the peak RSS.
fn child_work(what: &str, mb: usize) {
    let (input, started) = match what {
        "canonicalize" | "verify-pgprints" | "verify-onchainpay" => (big_json(mb), Instant::now()),
        "million-keys" => {
            let mut text = String::from("{");
            for i in 0..1_000_000 {
                text.push_str(&format!("\"k{i}\":{i},"));
            }
            text.pop();
            text.push('}');
            (text.into_bytes(), Instant::now())
        }
        other => panic!("unknown work {other}"),
    };
    let rss_before = vm_kb("VmRSS");
    let started = if what == "million-keys" {
        Instant::now()
    } else {
        started
    };
    let outcome = match what {
        "canonicalize" | "million-keys" => canonicalize_with(&input, &Options::default())
            .map(|c| c.len().to_string())
            .unwrap_or_else(|e| e.code().to_string()),
        "verify-pgprints" => {
            let v = verifier(Target::Request(Scheme::PGPrints), "pg", "secret");
            let header = ("X-PGPrints-Hmac-Sha256", "A".repeat(44));
            match verify(&v, &[header], &input) {
                Ok(id) => id,
                Err(e) => e.code().to_string(),
            }
        }
        _ => {
            let v = verifier(Target::Request(Scheme::OnchainPay), "pk", "secret");
            let headers = [
                ("x-api-public-key", "pk".to_owned()),
                ("x-api-signature", "0".repeat(64)),
            ];
            match verify(&v, &headers, &input) {
                Ok(id) => id,
                Err(e) => e.code().to_string(),
            }
        }
    };
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    println!(
        "MEASURED work={what} input_bytes={} ms={ms:.0} input_rss_kb={rss_before} peak_rss_kb={} outcome={outcome}",
        input.len(),
        vm_kb("VmHWM"),
    );
}

fn vm_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The child's entry point: does nothing unless the parent asked.
#[test]
fn measured_child() {
    if let (Ok(what), Ok(mb)) = (
        std::env::var("PAYSIG_HOSTILE_WORK"),
        std::env::var("PAYSIG_HOSTILE_WORK_MB"),
    ) {
        child_work(&what, mb.parse().unwrap());
    }
}

struct Measured {
    input_bytes: u64,
    ms: f64,
    input_rss_kb: u64,
    peak_rss_kb: u64,
    outcome: String,
}

fn measure(what: &str, mb: usize) -> Measured {
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "measured_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("PAYSIG_HOSTILE_WORK", what)
        .env("PAYSIG_HOSTILE_WORK_MB", mb.to_string())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{what}: the child failed: {stdout}"
    );
    let line = stdout
        .lines()
        .find_map(|l| l.find("MEASURED").map(|at| &l[at..]))
        .unwrap_or_else(|| panic!("{what}: no measurement in {stdout}"));
    eprintln!("{line}");
    let field = |name: &str| {
        line.split(' ')
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            .unwrap()
            .to_owned()
    };
    Measured {
        input_bytes: field("input_bytes").parse().unwrap(),
        ms: field("ms").parse().unwrap(),
        input_rss_kb: field("input_rss_kb").parse().unwrap(),
        peak_rss_kb: field("peak_rss_kb").parse().unwrap(),
        outcome: field("outcome"),
    }
}

/// Memory beyond the input itself stays within a small multiple of the
/// input (the canonical output is about as large as the input).
fn assert_bounded(m: &Measured, factor: u64) {
    let extra_kb = m.peak_rss_kb.saturating_sub(m.input_rss_kb);
    let input_kb = m.input_bytes / 1024;
    assert!(
        extra_kb <= factor * input_kb + 64 * 1024,
        "peak {} kB over an input of {input_kb} kB",
        m.peak_rss_kb
    );
}

#[test]
fn huge_bodies_take_linear_time_and_bounded_memory() {
    let mb = big_mb();
    let small = measure("canonicalize", mb / 10);
    let big = measure("canonicalize", mb);
    assert!(big.outcome.parse::<usize>().is_ok(), "{}", big.outcome);
    assert_bounded(&big, 3);
    // Linear, not quadratic: ten times the input, not a hundred times the
    // time (generous: the machine is shared).
    assert!(
        big.ms <= 30.0 * small.ms.max(1.0),
        "{} ms for {mb} MiB vs {} ms for a tenth",
        big.ms,
        small.ms
    );
    let pgprints = measure("verify-pgprints", mb);
    assert_eq!(pgprints.outcome, "invalid_signature");
    assert_bounded(&pgprints, 3);
    let onchainpay = measure("verify-onchainpay", mb);
    assert_eq!(onchainpay.outcome, "invalid_signature");
    assert_bounded(&onchainpay, 1);
}

#[test]
fn a_million_keys() {
    let m = measure("million-keys", 0);
    assert!(m.outcome.parse::<usize>().is_ok(), "{}", m.outcome);
    assert_bounded(&m, 4);
    // The same with a duplicate at the end: found, not missed or quadratic.
    let mut text = String::from("{");
    for i in 0..1_000_000 {
        text.push_str(&format!("\"k{i}\":{i},"));
    }
    text.push_str("\"k999999\":0}");
    let started = Instant::now();
    assert_eq!(code(text.as_bytes()), ErrorCode::DuplicateKey);
    eprintln!(
        "MEASURED work=million-keys-duplicate ms={:.0}",
        started.elapsed().as_secs_f64() * 1000.0
    );
}

// ---- nesting on a 256 KiB stack -------------------------------------------

#[test]
fn nesting_at_and_past_the_limit_on_a_small_stack() {
    on_small_stack(|| {
        let nested = |open: &str, inner: &str, close: &str, n: usize| {
            format!("{}{inner}{}", open.repeat(n), close.repeat(n))
        };
        for (open, inner, close) in [
            ("[", "", "]"),
            ("{\"a\":", "1", "}"),
            ("[{\"a\":", "1", "}]"),
        ] {
            let depth = open.matches(['[', '{']).count();
            assert!(canonicalize(&nested(open, inner, close, 128 / depth)).is_ok());
            for n in [129, 1000, 100_000, 1_000_000] {
                let text = nested(open, inner, close, n);
                assert_eq!(code(text.as_bytes()), ErrorCode::TooDeep, "{n}");
                // Unclosed: refused for depth before the missing brackets.
                assert_eq!(code(open.repeat(n).as_bytes()), ErrorCode::TooDeep);
            }
        }
        // Lenient mode has the same limit.
        let deep = "[".repeat(10_000);
        let lenient = canonicalize_with(deep.as_bytes(), &Options::lenient());
        assert_eq!(lenient.unwrap_err().code(), ErrorCode::TooDeep);
        // A value built in memory, too deep: refused, not recursed into.
        let mut value = Value::Null;
        for _ in 0..129 {
            value = Value::Array(vec![value]);
        }
        assert_eq!(value.to_canonical().unwrap_err().code(), ErrorCode::TooDeep);
        // Through the verifiers that parse bodies: PGPrints (400) and
        // OnchainPay after a valid signature.
        let body = "[".repeat(1_000_000);
        let v = verifier(Target::Request(Scheme::PGPrints), "pg", "secret");
        let e = verify(
            &v,
            &[("X-PGPrints-Hmac-Sha256", "x".into())],
            body.as_bytes(),
        )
        .unwrap_err();
        assert_eq!((e.code(), e.status()), (ErrorCode::TooDeep, 400));
        let v = verifier(Target::Request(Scheme::OnchainPay), "pk", "secret");
        let mac = Key::new(Algorithm::Sha256, b"secret")
            .unwrap()
            .sign(body.as_bytes());
        let headers = [
            ("x-api-public-key", "pk".to_owned()),
            ("x-api-signature", mac.encode(Encoding::Hex)),
        ];
        let e = verify(&v, &headers, body.as_bytes()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::MissingTimestamp);
    });
}

// ---- invalid UTF-8 ---------------------------------------------------------

#[test]
fn invalid_utf8_at_every_position_class() {
    // Sequences that are not UTF-8: a lone continuation byte, a truncated
    // 2/3/4-byte sequence, overlong forms, UTF-8-encoded surrogates, beyond
    // U+10FFFF, bytes that never occur.
    let bad: [&[u8]; 10] = [
        b"\x80",
        b"\xc3",
        b"\xe2\x82",
        b"\xf0\x9f\x98",
        b"\xc0\x80",
        b"\xe0\x80\xaf",
        b"\xed\xa0\x80",
        b"\xf4\x90\x80\x80",
        b"\xff",
        b"\xfe",
    ];
    for seq in bad {
        let with = |before: &[u8], after: &[u8]| [before, seq, after].concat();
        // Inside a string (value or key; first, middle, last; after an
        // escape): invalid_string.
        for (before, after) in [
            (&b"[\""[..], &b"\"]"[..]),
            (b"[\"ab", b"cd\"]"),
            (b"[\"ab", b"\"]"),
            (b"[\"\\n", b"\"]"),
            (b"{\"", b"\":1}"),
            (b"{\"k", b"\":1}"),
            (b"{\"a\":{\"b\":[\"", b"\"]}}"),
        ] {
            assert_eq!(
                code(&with(before, after)),
                ErrorCode::InvalidString,
                "{seq:?} in a string"
            );
        }
        // Outside strings (before the value, between tokens, in a number or
        // a literal, after the value): invalid_json.
        for (before, after) in [
            (&b""[..], &b"[]"[..]),
            (b"[", b"]"),
            (b"[1", b",2]"),
            (b"{\"a\"", b":1}"),
            (b"[1", b"2]"),
            (b"[tr", b"ue]"),
            (b"[]", b""),
        ] {
            assert_eq!(
                code(&with(before, after)),
                ErrorCode::InvalidJson,
                "{seq:?} outside strings"
            );
        }
    }
    // Valid UTF-8 of every length stays as it is.
    assert_eq!(
        canonicalize("[\"\u{7f}\u{80}\u{7ff}\u{800}\u{ffff}\u{10000}\u{10ffff}\"]").unwrap(),
        "[\"\u{7f}\u{80}\u{7ff}\u{800}\u{ffff}\u{10000}\u{10ffff}\"]"
    );
}

// ---- control characters in header values ---------------------------------

#[test]
fn cr_lf_nul_are_refused_and_never_reflected() {
    for bad in ["a\rb", "a\nb", "a\0b", "a\r\nX-Injected: 1", "\u{7f}"] {
        let refused = |r: paysig::Result<paysig::SignedRequest>| {
            assert_eq!(r.unwrap_err().code(), ErrorCode::InvalidArgument, "{bad:?}")
        };
        // As credentials.
        assert_eq!(
            Aquapay::new(bad, "s").unwrap_err().code(),
            ErrorCode::InvalidArgument
        );
        assert_eq!(
            Cryptopay::new(bad, "s").unwrap_err().code(),
            ErrorCode::InvalidArgument
        );
        assert_eq!(
            RemitQuickly::new(bad, "s").unwrap_err().code(),
            ErrorCode::InvalidArgument
        );
        assert_eq!(
            OnchainPay::new(bad, "s").unwrap_err().code(),
            ErrorCode::InvalidArgument
        );
        assert!(Keyring::new().add(bad, "s").is_err());
        // As values that go into headers or the request line.
        let aquapay = Aquapay::new("k", "s").unwrap();
        refused(aquapay.sign("POST", &format!("/p{bad}"), Some("1")));
        refused(aquapay.sign("POST", "/p", Some(bad)));
        refused(aquapay.sign(bad, "/p", Some("1")));
        let cryptopay = Cryptopay::new("k", "s").unwrap();
        refused(cryptopay.sign(&CryptopayRequest {
            date: Some(bad),
            ..CryptopayRequest::new("GET", "/p")
        }));
        refused(cryptopay.sign(&CryptopayRequest {
            content_type: bad,
            ..CryptopayRequest::new("GET", "/p")
        }));
        refused(cryptopay.sign(&CryptopayRequest::new("GET", &format!("/p{bad}"))));
        refused(RemitQuickly::new("k", "s").unwrap().sign(None, Some(bad)));
        // Received: refused, and the response never carries the value.
        for target in [
            Target::Request(Scheme::Cryptopay),
            Target::Request(Scheme::Aquapay),
            Target::Request(Scheme::RemitQuickly),
            Target::Request(Scheme::OnchainPay),
            Target::Request(Scheme::PGPrints),
            Target::CryptopayCallback,
        ] {
            let v = verifier(target, "k", "s");
            let headers: Vec<(&str, String)> = [
                "Authorization",
                "Date",
                "x-api-key",
                "x-nonce",
                "x-signature",
                "apikey",
                "payload",
                "signature",
                "x-api-public-key",
                "x-api-signature",
                "X-PGPrints-Hmac-Sha256",
                "X-Cryptopay-Signature",
            ]
            .iter()
            .map(|n| (*n, format!("HMAC k:{bad}")))
            .collect();
            let e = verify(&v, &headers, b"{}").unwrap_err();
            assert!(
                !e.body().contains(bad) && !e.message().contains(bad),
                "{bad:?} reflected"
            );
            assert!(!e.body().contains(['\r', '\n', '\0']));
        }
    }
}

// ---- absurd nonces and timestamps ------------------------------------------

const ABSURD: [&str; 9] = [
    "-1",
    "-1700000000000",
    "123456789012345678901234567890",
    "99999999999999999",
    "1e3",
    "1.5",
    "abc",
    " 1700000000000",
    "0x1",
];

#[test]
fn absurd_nonces_and_timestamps() {
    for absurd in ABSURD {
        // Aquapay nonce: signed correctly, so the nonce itself is judged.
        let signed = Aquapay::new("k", "s")
            .unwrap()
            .sign("POST", "/pay", Some(absurd))
            .unwrap();
        let e = verify(
            &verifier(Target::Request(Scheme::Aquapay), "k", "s"),
            &signed.headers,
            b"",
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::MalformedHeader, "aquapay {absurd}");
        // RemitQuickly timestamp.
        let signed = RemitQuickly::new("k", "s")
            .unwrap()
            .sign(None, Some(absurd))
            .unwrap();
        let e = verify(
            &verifier(Target::Request(Scheme::RemitQuickly), "k", "s"),
            &signed.headers,
            b"",
        )
        .unwrap_err();
        assert_eq!(
            e.code(),
            ErrorCode::MalformedHeader,
            "remitquickly {absurd}"
        );
        // OnchainPay nonce as a string: any string is a unique value under
        // the default policy; the increasing policy needs digits.
        let signed = OnchainPay::new("k", "s")
            .unwrap()
            .sign(Body::Text("{}"), Some(Nonce::Text(absurd)))
            .unwrap();
        let body = signed.body.clone().unwrap();
        let onchainpay = verifier(Target::Request(Scheme::OnchainPay), "k", "s");
        assert!(verify(&onchainpay, &signed.headers, body.as_bytes()).is_ok());
        let e = verify(
            &onchainpay.with_nonce_policy(paysig::verify::NoncePolicy::Increasing),
            &signed.headers,
            body.as_bytes(),
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::MalformedHeader, "onchainpay {absurd}");
        // Cryptopay Date.
        let signed = Cryptopay::new("k", "s")
            .unwrap()
            .sign(&CryptopayRequest {
                date: Some(absurd),
                ..CryptopayRequest::new("POST", "/pay")
            })
            .unwrap();
        let e = verify(
            &verifier(Target::Request(Scheme::Cryptopay), "k", "s"),
            &signed.headers,
            b"",
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::MalformedHeader, "cryptopay {absurd}");
    }
    // OnchainPay nonces as JSON numbers: negative, fractional, huge.
    for body in [
        r#"{"nonce":-1}"#,
        r#"{"nonce":1.5}"#,
        r#"{"nonce":1e300}"#,
        r#"{"nonce":123456789012345678901234567890}"#,
        r#"{"nonce":null}"#,
        r#"{"nonce":[1]}"#,
    ] {
        let mac = Key::new(Algorithm::Sha256, b"s")
            .unwrap()
            .sign(body.as_bytes())
            .encode(Encoding::Hex);
        let headers = [
            ("x-api-public-key", "k".to_owned()),
            ("x-api-signature", mac),
        ];
        let increasing = verifier(Target::Request(Scheme::OnchainPay), "k", "s")
            .with_nonce_policy(paysig::verify::NoncePolicy::Increasing);
        let e = verify(&increasing, &headers, body.as_bytes()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::MalformedHeader, "{body}");
        // The default policy takes any number or string, and only those.
        let unique = verify(
            &verifier(Target::Request(Scheme::OnchainPay), "k", "s"),
            &headers,
            body.as_bytes(),
        );
        let is_value = !body.contains("null") && !body.contains('[');
        assert_eq!(unique.is_ok(), is_value, "{body}");
    }
    // Timestamps far away but well formed: the window refuses them.
    for (nonce, expected) in [
        ("0", ErrorCode::TimestampExpired),
        ("9999999999999999", ErrorCode::AheadOfTime),
    ] {
        let signed = Aquapay::new("k", "s")
            .unwrap()
            .sign("POST", "/pay", Some(nonce))
            .unwrap();
        let e = verify(
            &verifier(Target::Request(Scheme::Aquapay), "k", "s"),
            &signed.headers,
            b"",
        )
        .unwrap_err();
        assert_eq!(e.code(), expected, "{nonce}");
    }
}

// ---- signatures of every wrong length and alphabet -------------------------

/// Wrong signatures for one whose right form is `right`.
fn wrong_signatures(right: &str) -> Vec<String> {
    let mut wrong = vec![String::new(), " ".into(), "=".into(), "==".into()];
    for len in 1..=right.len() * 2 + 2 {
        if len != right.len() {
            wrong.push(right.chars().cycle().take(len).collect());
        }
    }
    for bad in [
        'g', 'G', '!', '-', '_', '.', 'é', '\u{0}', '\u{2028}', '=', '+', '/',
    ] {
        let mut s: String = right.chars().take(right.len() - 1).collect();
        s.push(bad);
        wrong.push(s);
        wrong.push(format!("{bad}{}", &right[1..]));
    }
    wrong.push(right.trim_end_matches('=').to_owned()); // base64 without padding
    wrong.push(right.replace('+', "-").replace('/', "_")); // the URL-safe alphabet
    wrong.push(format!("{right}{right}"));
    wrong.push(right.chars().rev().collect());
    wrong.retain(|w| w != right);
    wrong
}

#[test]
fn signatures_of_every_wrong_length_and_alphabet() {
    let aquapay = Aquapay::new("k", "s")
        .unwrap()
        .sign("POST", "/pay", Some(&NOW.to_string()))
        .unwrap();
    let remit = RemitQuickly::new("k", "s")
        .unwrap()
        .sign(None, Some(&NOW.to_string()))
        .unwrap();
    let onchain = OnchainPay::new("k", "s")
        .unwrap()
        .sign(Body::Text("{}"), Some(Nonce::Text(&NOW.to_string())))
        .unwrap();
    let pgprints = PGPrints::new("s").unwrap().sign(Body::Text("{}")).unwrap();
    let cryptopay = Cryptopay::new("k", "s")
        .unwrap()
        .sign(&CryptopayRequest {
            date: Some("Tue, 14 Nov 2023 22:13:20 GMT"),
            ..CryptopayRequest::new("POST", "/pay")
        })
        .unwrap();
    let cases: Vec<(Target, &paysig::SignedRequest, &str, &[u8])> = vec![
        (
            Target::Request(Scheme::Aquapay),
            &aquapay,
            "x-signature",
            b"",
        ),
        (
            Target::Request(Scheme::RemitQuickly),
            &remit,
            "signature",
            b"",
        ),
        (
            Target::Request(Scheme::OnchainPay),
            &onchain,
            "x-api-signature",
            onchain.body.as_deref().unwrap().as_bytes(),
        ),
        (
            Target::Request(Scheme::PGPrints),
            &pgprints,
            "X-PGPrints-Hmac-Sha256",
            b"{}",
        ),
        (
            Target::Request(Scheme::Cryptopay),
            &cryptopay,
            "Authorization",
            b"",
        ),
    ];
    let mut tried = 0;
    for (target, signed, header, body) in cases {
        let v = verifier(target, "k", "s");
        let right = signed.header(header).unwrap().to_owned();
        let (prefix, right_sig) = match right.rsplit_once(':') {
            Some((p, s)) => (format!("{p}:"), s.to_owned()),
            None => (String::new(), right.clone()),
        };
        for wrong in wrong_signatures(&right_sig) {
            // Each wrong signature against a fresh copy of the right request.
            let headers: Vec<(&str, String)> = signed
                .headers
                .iter()
                .map(|(n, val)| {
                    if n.eq_ignore_ascii_case(header) {
                        (*n, format!("{prefix}{wrong}"))
                    } else {
                        (*n, val.clone())
                    }
                })
                .collect();
            let e = verify(&v, &headers, body).unwrap_err();
            let expected =
                if target == Target::Request(Scheme::Cryptopay) && wrong.trim().is_empty() {
                    ErrorCode::MalformedHeader // "HMAC k:" has no signature part
                } else {
                    ErrorCode::InvalidSignature
                };
            assert_eq!(e.code(), expected, "{target:?} {wrong:?}");
            tried += 1;
        }
        // The right one, with spaces around and (hex) in upper case, verifies.
        let upper = if target == Target::Request(Scheme::Cryptopay)
            || target == Target::Request(Scheme::PGPrints)
        {
            right.clone()
        } else {
            right.to_ascii_uppercase()
        };
        let headers: Vec<(&str, String)> = signed
            .headers
            .iter()
            .map(|(n, val)| {
                if n.eq_ignore_ascii_case(header) {
                    (*n, format!(" {upper} "))
                } else {
                    (*n, val.clone())
                }
            })
            .collect();
        assert_eq!(verify(&v, &headers, body).unwrap(), "k");
    }
    eprintln!("{tried} wrong signatures refused");
    // The decoders on their own.
    for wrong in wrong_signatures("00ff") {
        if let Some(bytes) = Encoding::Hex.decode(&wrong) {
            assert!(
                wrong.len() % 2 == 0 && bytes.len() == wrong.len() / 2,
                "{wrong:?}"
            );
        }
    }
}
