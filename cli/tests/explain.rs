//! `paysig verify --explain` prints what `serve --explain` answers (the
//! time window included), and `paysig explain --signature` says whether a
//! signature matches and what to check first.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const PAYSIG: &str = env!("CARGO_BIN_EXE_paysig");

fn paysig(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(PAYSIG)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("paysig runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write");
    child.wait_with_output().expect("output")
}

/// A Cryptopay request dated as the official PHP SDK dates it
/// (`gmdate(DATE_RFC2822)`), signed by `paysig sign`.
fn php_dated_request() -> Vec<u8> {
    let signed = paysig(
        &[
            "sign",
            "cryptopay",
            "--key",
            "K",
            "--secret",
            "S",
            "--path",
            "/api/invoices",
            "--body",
            r#"{"price_amount":"100"}"#,
            "--date",
            "Wed, 02 Dec 2026 07:41:47 +0000",
            "--format",
            "http",
        ],
        b"",
    );
    assert!(signed.status.success());
    signed.stdout
}

// 2026-12-02T07:41:47Z, as Node's Date.parse("Wed, 02 Dec 2026 07:41:47 +0000").
const DATE_MS: i64 = 1_796_197_307_000;

#[test]
fn verify_accepts_an_rfc_2822_date_and_explains_a_stale_one() {
    let raw = php_dated_request();
    let now = (DATE_MS + 60_000).to_string();
    let ok = paysig(
        &[
            "verify",
            "cryptopay",
            "--key",
            "K",
            "--secret",
            "S",
            "--now",
            &now,
        ],
        &raw,
    );
    assert_eq!(String::from_utf8_lossy(&ok.stdout), "ok K\n");
    let late = (DATE_MS + 16 * 60_000).to_string();
    let refused = paysig(
        &[
            "verify",
            "cryptopay",
            "--key",
            "K",
            "--secret",
            "S",
            "--now",
            &late,
            "--explain",
        ],
        &raw,
    );
    assert_eq!(refused.status.code(), Some(1));
    let stdout = String::from_utf8(refused.stdout).expect("UTF-8");
    let (first, rest) = stdout.split_once('\n').expect("two parts");
    assert_eq!(first, "error timestamp_expired 401 unauthenticated");
    let document: Value = serde_json::from_str(rest).expect("JSON");
    assert_eq!(document["error"]["code"], "unauthenticated");
    let window = &document["explain"]["time_window"];
    assert_eq!(window["server_time"], "2026-12-02T07:57:47.000Z");
    assert_eq!(window["request_time"], "2026-12-02T07:41:47.000Z");
    assert_eq!(window["tolerance_ms"], 900_000);
    assert_eq!(window["request_minus_server_ms"], -960_000);
}

#[test]
fn explain_compares_a_signature() {
    let base = [
        "explain",
        "onchainpay",
        "--key",
        "pk",
        "--secret",
        "sk",
        "--body",
        r#"{"a":1}"#,
        "--nonce",
        "5",
    ];
    let signed = paysig(
        &[
            "sign",
            "onchainpay",
            "--key",
            "pk",
            "--secret",
            "sk",
            "--body",
            r#"{"a":1}"#,
            "--nonce",
            "5",
        ],
        b"",
    );
    let signed: Value = serde_json::from_slice(&signed.stdout).expect("JSON");
    let signature = signed["signature"]
        .as_str()
        .expect("a signature")
        .to_owned();
    let run = |sig: &str| {
        let mut args = base.to_vec();
        args.extend(["--signature", sig]);
        let output = paysig(&args, b"");
        (
            output.status.code(),
            String::from_utf8(output.stdout).expect("UTF-8"),
        )
    };
    let (code, out) = run(&signature);
    assert_eq!(code, Some(0));
    assert!(out.ends_with("Your signature matches.\n"), "{out}");
    let (code, out) = run(&signature.replace(
        &signature[..1],
        if &signature[..1] == "0" { "1" } else { "0" },
    ));
    assert_eq!(code, Some(1));
    assert!(out.contains("does not match: a well-formed MAC"), "{out}");
    let (code, out) = run("c2lnbmF0dXJl");
    assert_eq!(code, Some(1));
    assert!(out.contains("not a 32-byte MAC in hex"), "{out}");
    // The right MAC in base64: the encoding is what is wrong.
    let mac: Vec<u8> = (0..signature.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&signature[i..i + 2], 16).expect("hex"))
        .collect();
    let base64 = base64_encode(&mac);
    let (code, out) = run(&base64);
    assert_eq!(code, Some(1));
    assert!(out.contains("the right MAC written in base64"), "{out}");
}

fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
