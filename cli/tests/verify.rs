//! `paysig verify`: every case of tests/vectors/verify.json that one key
//! and one request can express, written as a raw HTTP/1.1 request and
//! verified by the command; plus a request signed by `paysig sign`.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const PAYSIG: &str = env!("CARGO_BIN_EXE_paysig");

fn run_verify(args: &[String], stdin: &[u8]) -> Output {
    let mut child = Command::new(PAYSIG)
        .arg("verify")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("paysig verify runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write the request");
    child.wait_with_output().expect("paysig verify finishes")
}

/// The request of a vector case as raw HTTP/1.1.
fn raw_http(request: &Value) -> Vec<u8> {
    let mut raw = format!(
        "{} {} HTTP/1.1\r\nHost: localhost\r\n",
        request["method"].as_str().expect("method"),
        request["path"].as_str().expect("path")
    );
    for header in request["headers"].as_array().expect("headers") {
        raw.push_str(&format!(
            "{}: {}\r\n",
            header[0].as_str().expect("name"),
            header[1].as_str().expect("value")
        ));
    }
    let body = request["body"].as_str().unwrap_or("");
    if !request["body"].is_null() {
        raw.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    raw.push_str("\r\n");
    raw.push_str(body);
    raw.into_bytes()
}

#[test]
fn verify_json_cases_through_the_command() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/verify.json");
    let vectors: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("verify.json")).expect("JSON");
    let mut ran = 0;
    let mut failures = Vec::new();
    for case in vectors["cases"].as_array().expect("cases") {
        let input = &case["input"];
        let keys = input["keys"].as_object().expect("keys");
        let requests = input["requests"].as_array().expect("requests");
        let single = keys.len() == 1
            && requests.len() == 1
            && keys
                .values()
                .all(|s| s.as_array().is_some_and(|s| s.len() == 1));
        if !single {
            continue; // rotation, several keys or replays: the API tests cover them
        }
        let (id, secrets) = keys.iter().next().expect("one key");
        let mut args = vec![
            input["scheme"].as_str().expect("scheme").to_owned(),
            "--key".into(),
            id.clone(),
            "--secret".into(),
            secrets[0].as_str().expect("secret").to_owned(),
            "--now".into(),
            input["now_ms"].to_string(),
        ];
        if let Some(ms) = input["tolerance_ms"].as_i64() {
            args.extend(["--tolerance-ms".into(), ms.to_string()]);
        }
        if let Some(policy) = input["nonce_policy"].as_str() {
            args.extend(["--nonce-policy".into(), policy.to_owned()]);
        }
        let output = run_verify(&args, &raw_http(&requests[0]));
        let stdout = String::from_utf8_lossy(&output.stdout)
            .trim_end()
            .to_owned();
        let expect = &case["expect"];
        let ok = match expect.get("error") {
            None => {
                output.status.code() == Some(0)
                    && stdout == format!("ok {}", expect["key_id"].as_str().expect("key id"))
            }
            Some(code) => {
                let mut words = stdout.splitn(4, ' ');
                let fields: Vec<&str> = words.by_ref().collect();
                output.status.code() == Some(1)
                    && fields.first() == Some(&"error")
                    && fields.get(1).copied() == code.as_str()
                    && (expect["status"].is_null()
                        || fields.get(2).copied() == Some(&*expect["status"].to_string()))
                    && (expect["message"].is_null()
                        || fields.get(3).copied() == expect["message"].as_str())
            }
        };
        if !ok {
            failures.push(format!(
                "{}: got {:?} (exit {:?}, stderr {:?}), expected {expect}",
                case["name"],
                stdout,
                output.status.code(),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        ran += 1;
    }
    assert!(ran >= 45, "only {ran} cases ran");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_request_signed_by_paysig_sign_and_a_tampered_copy() {
    let signed = Command::new(PAYSIG)
        .args([
            "sign",
            "onchainpay",
            "--key",
            "PUB",
            "--secret",
            "PRIV",
            "--path",
            "/price-rate",
            "--body",
            r#"{"from":"ETH","to":"USDT"}"#,
            "--nonce",
            "1643881172430",
            "--format",
            "http",
        ])
        .output()
        .expect("paysig sign");
    assert!(signed.status.success());
    let args: Vec<String> = [
        "onchainpay",
        "--key",
        "PUB",
        "--secret-env",
        "PAYSIG_TEST_SECRET",
    ]
    .map(String::from)
    .to_vec();
    let output = Command::new(PAYSIG)
        .arg("verify")
        .args(&args)
        .env("PAYSIG_TEST_SECRET", "PRIV")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(&signed.stdout)?;
            child.wait_with_output()
        })
        .expect("paysig verify");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "ok PUB\n");
    assert_eq!(output.status.code(), Some(0));

    let tampered = String::from_utf8(signed.stdout)
        .expect("UTF-8")
        .replace("USDT", "USDC");
    let output = run_verify(
        &["onchainpay", "--key", "PUB", "--secret", "PRIV"].map(String::from),
        tampered.as_bytes(),
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "error invalid_signature 401 Invalid signature\n"
    );
    assert_eq!(output.status.code(), Some(1));

    // Not a request at all: a usage error, exit 2.
    let output = run_verify(
        &["onchainpay", "--key", "PUB", "--secret", "PRIV"].map(String::from),
        b"hello",
    );
    assert_eq!(output.status.code(), Some(2));
}
