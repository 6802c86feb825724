//! `paysig serve` over real loopback HTTP: requests signed by `paysig sign`
//! are accepted once; their replays and tampered copies get the provider's
//! status and message (the documented strings of PROVIDERS.md and FORMAT.md).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const PAYSIG: &str = env!("CARGO_BIN_EXE_paysig");
const NOW: &str = "1700000000000";

/// A running `paysig serve`, stopped (SIGTERM) when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(PAYSIG)
            .arg("serve")
            .args(args)
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("paysig serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("a first line");
        let port = line
            .trim()
            .strip_prefix("listening on http://127.0.0.1:")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .parse()
            .expect("a port");
        Server { child, port }
    }

    /// Sends raw HTTP/1.1 bytes (with `Connection: close` added) and
    /// returns the status and the JSON body.
    fn send(&self, raw: &[u8]) -> (u16, Value) {
        let text = String::from_utf8(raw.to_vec()).expect("UTF-8 request");
        let text = text.replacen("\r\n", "\r\nConnection: close\r\n", 1);
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        stream.write_all(text.as_bytes()).expect("send");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).expect("a response");
        let response = String::from_utf8(response).expect("UTF-8 response");
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {response:?}"));
        let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        let body = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body:?}"));
        (status, body)
    }

    /// SIGTERM, then the exit status within 10 s.
    fn terminate(mut self) -> std::process::ExitStatus {
        signal(&self.child, "-TERM");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "paysig serve did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn signal(child: &Child, which: &str) {
    let status = Command::new("kill")
        .args([which, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// `paysig sign ... --format http`.
fn sign(args: &[&str]) -> Vec<u8> {
    let output = Command::new(PAYSIG)
        .arg("sign")
        .args(args)
        .args(["--format", "http"])
        .output()
        .expect("paysig sign runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn replace(raw: &[u8], from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8(raw.to_vec()).expect("UTF-8");
    assert!(text.contains(from), "{from:?} not in {text:?}");
    text.replacen(from, to, 1).into_bytes()
}

#[test]
fn aquapay_accepts_once_and_refuses_replays_and_tampering() {
    let server = Server::start(&["aquapay", "--key", "K", "--secret", "S", "--now", NOW]);
    let signed = sign(&[
        "aquapay",
        "--key",
        "K",
        "--secret",
        "S",
        "--method",
        "POST",
        "--path",
        "/payment/v1/requestPaymentAddress",
        "--nonce",
        NOW,
    ]);
    let (status, body) = server.send(&signed);
    assert_eq!(
        (status, body),
        (200, serde_json::json!({"ok": true, "key": "K"}))
    );
    let (status, body) = server.send(&signed);
    assert_eq!(
        (status, &body["message"]),
        (401, &Value::from("Nonce already used"))
    );
    let tampered = replace(&signed, "requestPaymentAddress", "withdraw");
    let (status, body) = server.send(&tampered);
    assert_eq!(
        (status, &body["message"]),
        (401, &Value::from("Invalid signature"))
    );
    let status = server.terminate();
    assert!(status.success(), "{status}");
}

#[test]
fn remitquickly_gives_its_documented_messages() {
    let server = Server::start(&["remitquickly", "--key", "K", "--secret", "S", "--now", NOW]);
    let signed = sign(&[
        "remitquickly",
        "--key",
        "K",
        "--secret",
        "S",
        "--path",
        "/api/transfer",
        "--body",
        r#"{"amount":"100","currency":"USD"}"#,
        "--timestamp",
        NOW,
    ]);
    let tampered = replace(&signed, r#""amount":"100""#, r#""amount":"900""#);
    let (status, body) = server.send(&tampered);
    assert_eq!(status, 401);
    assert_eq!(body["message"], "Body and Payload mismatch");
    let (status, body) = server.send(&signed);
    assert_eq!((status, body["key"].as_str()), (200, Some("K")));
    let (status, body) = server.send(&signed);
    assert_eq!(
        (status, body["message"].as_str()),
        (401, Some("Duplicate request"))
    );
    let unsigned = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    let (status, body) = server.send(unsigned);
    assert_eq!(
        (status, body["message"].as_str()),
        (401, Some("Missing necessary header data"))
    );
    let wrong_key = replace(&signed, "apikey: K", "apikey: L");
    let (status, body) = server.send(&wrong_key);
    assert_eq!(
        (status, body["message"].as_str()),
        (401, Some("Invalid api key"))
    );
}

#[test]
fn cryptopay_answers_its_documented_401_body_and_explains() {
    let server = Server::start(&[
        "cryptopay",
        "--key",
        "K",
        "--secret",
        "S",
        "--now",
        NOW,
        "--explain",
    ]);
    let date = "Tue, 14 Nov 2023 22:13:20 GMT"; // NOW as an HTTP-date
    let signed = sign(&[
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
        date,
    ]);
    let (status, body) = server.send(&signed);
    assert_eq!((status, body["key"].as_str()), (200, Some("K")));
    let tampered = replace(&signed, "/api/invoices", "/api/invoicez");
    let (status, body) = server.send(&tampered);
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthenticated");
    assert_eq!(body["error"]["message"], "unauthenticated");
    assert_eq!(body["error"]["details"], serde_json::json!([]));
    assert!(body["meta"]["request_id"]
        .as_str()
        .is_some_and(|id| id.len() == 32));
    // --explain: what was expected, from the request as received.
    assert_eq!(body["explain"]["code"], "invalid_signature");
    let expected = body["explain"]["string_to_sign"]
        .as_str()
        .expect("string to sign");
    assert!(
        expected.starts_with("POST\n") && expected.ends_with(&format!("\n{date}\n/api/invoicez"))
    );
    assert!(!body.to_string().contains("\"S\""));
}

#[test]
fn bodies_over_the_limit_get_413() {
    let server = Server::start(&[
        "pgprints",
        "--key",
        "K",
        "--secret",
        "S",
        "--max-body",
        "1024",
    ]);
    let big = format!(r#"{{"a":"{}"}}"#, "x".repeat(2000));
    let raw = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{big}",
        big.len()
    );
    let (status, _) = server.send(raw.as_bytes());
    assert_eq!(status, 413);
    let small = sign(&["pgprints", "--secret", "S", "--body", r#"{"a":1}"#]);
    let (status, body) = server.send(&small);
    assert_eq!((status, body["key"].as_str()), (200, Some("K")));
}

#[test]
fn keys_from_a_toml_file_and_sigint_stops_cleanly() {
    let dir = std::env::temp_dir().join(format!("paysig-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let keys = dir.join("keys.toml");
    std::fs::write(&keys, "[keys]\nK = [\"new\", \"old\"]\n").expect("write keys");
    let server = Server::start(&["onchainpay", "--keys", keys.to_str().expect("path")]);
    let signed = sign(&[
        "onchainpay",
        "--key",
        "K",
        "--secret",
        "old",
        "--body",
        r#"{"a":1}"#,
    ]);
    let (status, body) = server.send(&signed);
    assert_eq!((status, body["key"].as_str()), (200, Some("K")));
    signal(&server.child, "-INT");
    let mut server = server;
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "paysig serve did not stop on SIGINT"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
    std::fs::remove_dir_all(&dir).ok();
}
