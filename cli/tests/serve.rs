//! `paysig serve` over real loopback HTTP: requests signed by `paysig sign`
//! are accepted once, answered in the provider's envelope; their replays
//! and tampered copies get the provider's status and message (the
//! documented strings of PROVIDERS.md and FORMAT.md); every request gets a
//! log line on stderr with the request id its answer carries.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

const PAYSIG: &str = env!("CARGO_BIN_EXE_paysig");
const NOW: &str = "1700000000000";

/// A running `paysig serve`, stopped (SIGTERM) when dropped.
struct Server {
    child: Child,
    port: u16,
    /// The lines of its stderr so far (read by a thread, so the pipe never
    /// fills).
    log: Arc<Mutex<Vec<String>>>,
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
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().expect("stderr");
        let lines = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                lines.lock().expect("log").push(line);
            }
        });
        Server { child, port, log }
    }

    /// The log line containing `needle`, waiting up to 10 s for it.
    fn log_line(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let found = self
                .log
                .lock()
                .expect("log")
                .iter()
                .find(|line| line.contains(needle))
                .cloned();
            if let Some(line) = found {
                return line;
            }
            assert!(Instant::now() < deadline, "no log line with {needle:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends raw HTTP/1.1 bytes (with `Connection: close` added) and
    /// returns the status and the JSON body.
    fn send(&self, raw: &[u8]) -> (u16, Value) {
        let (status, _, body) = self.send_full(raw);
        (status, body)
    }

    /// As [`Self::send`], with the `X-Request-Id` of the answer.
    fn send_full(&self, raw: &[u8]) -> (u16, String, Value) {
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
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        let request_id = head
            .lines()
            .find_map(|line| line.strip_prefix("x-request-id: "))
            .unwrap_or_else(|| panic!("no x-request-id in {head:?}"))
            .to_owned();
        let body = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body:?}"));
        (status, request_id, body)
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
    // A documented endpoint: its example answer.
    let (status, body) = server.send(&signed);
    assert_eq!((status, &body["cryptoType"]), (200, &Value::from("BTC")));
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
    // No documented endpoint: an empty result.
    let (status, body) = server.send(&signed);
    assert_eq!((status, body), (200, serde_json::json!({})));
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
    assert_eq!(
        (status, &body["data"]["status"]),
        (200, &Value::from("new"))
    );
    let tampered = replace(&signed, "/api/invoices", "/api/invoicez");
    let (status, request_id, body) = server.send_full(&tampered);
    assert_eq!(status, 401);
    assert_eq!(body["meta"]["request_id"], Value::from(request_id.clone()));
    let line = server.log_line(&request_id);
    assert!(
        line.contains(" cryptopay POST /api/invoicez key=K invalid_signature 401 "),
        "{line}"
    );
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
    assert_eq!((status, body), (200, serde_json::json!({})));
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
    assert_eq!(
        (status, body),
        (200, serde_json::json!({"success": true, "response": {}}))
    );
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

#[test]
fn onchainpay_answers_in_its_envelope_and_logs_json_lines() {
    let dir = std::env::temp_dir().join(format!("paysig-serve-r-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let responses = dir.join("responses.json");
    std::fs::write(
        &responses,
        r#"{"POST /orders": {"status": 201, "result": {"id": "o-1"}}}"#,
    )
    .expect("write responses");
    let server = Server::start(&[
        "onchainpay",
        "--key",
        "PK",
        "--secret",
        "SK",
        "--log",
        "json",
        "--responses",
        responses.to_str().expect("path"),
    ]);
    let signed = |path: &str, secret: &str, nonce: &str| {
        sign(&[
            "onchainpay",
            "--key",
            "PK",
            "--secret",
            secret,
            "--path",
            path,
            "--body",
            r#"{"from":"ETH","to":"USDT"}"#,
            "--nonce",
            nonce,
        ])
    };
    // The docs' own answer for /price-rate.
    let (status, body) = server.send(&signed("/price-rate", "SK", "1"));
    assert_eq!(
        (status, body),
        (
            200,
            serde_json::json!({"success": true, "response": "2751.51000000"})
        )
    );
    let (status, body) = server.send(&signed("/orders", "SK", "2"));
    assert_eq!(
        (status, body),
        (
            201,
            serde_json::json!({"success": true, "response": {"id": "o-1"}})
        )
    );
    let wrong = signed("/price-rate", "not-the-secret", "3");
    let (status, request_id, body) = server.send_full(&wrong);
    assert_eq!(status, 401);
    assert_eq!(body["success"], false);
    assert_eq!(body["error"]["name"], "invalid_signature");
    assert_eq!(body["error"]["message"], "Invalid signature");
    assert_eq!(body["error"]["code"], 401);
    assert_eq!(body["requestId"], Value::from(request_id.clone()));
    // A resent request is a replay.
    let (status, body) = server.send(&signed("/price-rate", "SK", "1"));
    assert_eq!(
        (status, &body["error"]["name"]),
        (401, &Value::from("nonce_reused"))
    );
    let line: Value = serde_json::from_str(&server.log_line(&request_id)).expect("a JSON line");
    assert_eq!(line["scheme"], "onchainpay");
    assert_eq!(line["key_id"], "PK");
    assert_eq!(line["result"], "invalid_signature");
    assert_eq!(line["status"], 401);
    let signature = String::from_utf8(wrong).expect("UTF-8");
    let signature = signature
        .lines()
        .find_map(|l| l.strip_prefix("x-api-signature: "))
        .expect("a signature");
    assert!(!server
        .log
        .lock()
        .expect("log")
        .iter()
        .any(|l| l.contains(signature) || l.contains("SK")));
    std::fs::remove_dir_all(&dir).ok();
}
