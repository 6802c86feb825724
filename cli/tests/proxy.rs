//! `paysig proxy` end to end. Clients that sign nothing (curl, Python
//! `requests`, PHP without FFI) → `paysig proxy` → `paysig serve` as the
//! upstream, over plain HTTP and over TLS (a terminator here, with a CA
//! made here); a wrong secret's 401 coming back byte for byte; every
//! limit's status and body; SIGTERM during a slow answer; client
//! credentials stripped; profiles by prefix and Host; the Unix socket, the
//! health checks and the log lines.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod proxy_support;

use std::time::Duration;

use proxy_support::*;

const SCHEMES: [&str; 5] = [
    "cryptopay",
    "aquapay",
    "remitquickly",
    "pgprints",
    "onchainpay",
];
/// `1.50` becomes `1.5` and `é` stays: the schemes that sign JSON send
/// the canonical bytes, and serve checks them.
const BODY: &str = r#"{"amount": "100.00", "rate": 1.50, "note": "café", "items": [1, 2]}"#;

#[test]
fn every_scheme_is_accepted_over_plain_http_and_tls() {
    let clients: Vec<Client> = [
        Client::Curl,
        Client::PythonRequests,
        Client::Php,
        Client::Node,
    ]
    .into_iter()
    .filter(|c| have(*c))
    .collect();
    let ca_file = test_ca().ca_file.to_str().expect("path").to_owned();
    for scheme in SCHEMES {
        let upstream = serve(scheme);
        let tls = relay(upstream.port(), true);
        let plain = proxy(scheme, &upstream.url(), SECRET, &[]);
        let over_tls = proxy(
            scheme,
            &format!("https://127.0.0.1:{}", tls.port),
            SECRET,
            &["--ca-file", &ca_file],
        );
        for proxy in [&plain, &over_tls] {
            for client in &clients {
                let url = format!("{}/api/v1/payments?page=2", proxy.url());
                let (status, body) = post(*client, &url, BODY);
                assert_eq!(
                    status,
                    200,
                    "{scheme} {client:?} via {}: {body}",
                    proxy.url()
                );
                // 200 is serve's "verified" (its body is serve's business).
            }
        }
        let requests = clients.len();
        assert!(
            tls.connections.load(std::sync::atomic::Ordering::SeqCst) >= 1,
            "{scheme}: nothing went over TLS"
        );
        // Over TLS the proxy trusted only the test CA: the same upstream
        // without --ca-file is refused (502), not reached some other way.
        let untrusting = proxy(
            scheme,
            &format!("https://127.0.0.1:{}", tls.port),
            SECRET,
            &[],
        );
        let (status, body) = post(Client::Curl, &untrusting.url(), BODY);
        assert_eq!(status, 502, "{scheme} without the CA: {body}");
        assert!(body.contains("upstream_unreachable"), "{body}");
        assert!(requests > 0 || clients.is_empty());
    }
}

#[test]
fn a_wrong_secret_gets_the_providers_answer_byte_for_byte() {
    for scheme in SCHEMES {
        let upstream = serve(scheme);
        let recorder = relay(upstream.port(), false);
        let proxy = proxy(
            scheme,
            &format!("http://127.0.0.1:{}", recorder.port),
            "not-the-secret",
            &[],
        );
        let request = format!(
            "POST /api/v1/payments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{BODY}",
            BODY.len()
        );
        let answer = raw(proxy.port(), request.as_bytes());
        assert_eq!(answer.status, 401, "{scheme}: {}", answer.text());
        let sent = parse_response(&recorder.from_upstream.lock().unwrap());
        assert_eq!(answer.status, sent.status, "{scheme}");
        assert_eq!(answer.body, sent.body, "{scheme}: the body was changed");
        assert_eq!(answer.header("content-type"), sent.header("content-type"));
        assert!(answer.header("x-paysig-proxy-error").is_none());
    }
}

/// What the stub upstream answers: 401 with a provider's own header, the
/// headers it received as the body, chunked.
fn echo_headers(received: &Received) -> Vec<u8> {
    let body = format!(
        "{}|{}",
        received.head,
        String::from_utf8_lossy(&received.body)
    );
    let mut response = b"HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain; charset=utf-8\r\n\
        X-Provider-Trace: t-123\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        .to_vec();
    let (first, second) = body.split_at(body.len() / 2);
    for chunk in [first, second] {
        response.extend_from_slice(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes());
    }
    response.extend_from_slice(b"0\r\n\r\n");
    response
}

#[test]
fn client_credentials_are_stripped_and_the_answer_streams_back_unchanged() {
    let upstream = stub(Duration::ZERO, echo_headers);
    let proxy = proxy(
        "onchainpay",
        &format!("http://127.0.0.1:{upstream}"),
        SECRET,
        &[],
    );
    let body = r#"{"a": 1}"#;
    let request = format!(
        "POST /v1/x HTTP/1.1\r\nHost: proxy.local\r\nAuthorization: Bearer forged-token\r\n\
         x-api-signature: forged-signature\r\nX-Api-Public-Key: forged-key\r\nCookie: s=forged\r\n\
         X-Custom: kept\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let answer = raw(proxy.port(), request.as_bytes());
    assert_eq!(answer.status, 401);
    assert_eq!(answer.header("x-provider-trace"), Some("t-123"));
    let echoed = answer.text();
    let expected = {
        // The stub's answer is a function of what it received, which it
        // echoes: rebuilding it from the echo checks every byte came back.
        let (head, body) = echoed.split_once('|').expect("echo");
        let received = Received {
            head: head.to_owned(),
            body: body.as_bytes().to_vec(),
        };
        parse_response(&echo_headers(&received)).body
    };
    assert_eq!(answer.body, expected);
    assert!(
        !echoed.contains("forged"),
        "a client credential went upstream: {echoed}"
    );
    assert!(
        echoed.to_ascii_lowercase().contains("x-api-signature: "),
        "{echoed}"
    );
    assert!(
        echoed.contains(&format!("x-api-public-key: {KEY}")),
        "{echoed}"
    );
    assert!(
        echoed.to_ascii_lowercase().contains("x-custom: kept"),
        "{echoed}"
    );
    assert!(
        echoed.contains(&format!("host: 127.0.0.1:{upstream}")),
        "{echoed}"
    );
    // The body sent is the canonical JSON with the nonce, as signed.
    let sent_body = echoed.split_once('|').unwrap().1;
    assert!(sent_body.starts_with(r#"{"a":1,"nonce":"#), "{sent_body}");
}

fn answer_code(answer: &Answer) -> String {
    answer.json()["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {}", answer.text()))
        .to_owned()
}

fn post_raw(port: u16, body: &str) -> Answer {
    let request = format!(
        "POST /p HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    raw(port, request.as_bytes())
}

#[test]
fn each_limit_has_its_status_and_a_clear_body() {
    let upstream = serve("pgprints");
    let proxy = proxy("pgprints", &upstream.url(), SECRET, &["--max-body", "64"]);

    let large = format!(r#"{{"pad":"{}"}}"#, "x".repeat(100));
    let answer = post_raw(proxy.port(), &large);
    assert_eq!(
        (answer.status, answer_code(&answer).as_str()),
        (413, "body_too_large")
    );
    assert!(answer.text().contains("64 bytes"), "{}", answer.text());
    // A chunked body gives no length up front: cut off at the limit.
    let chunked = format!(
        "POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
         {:x}\r\n{large}\r\n0\r\n\r\n",
        large.len()
    );
    let answer = raw(proxy.port(), chunked.as_bytes());
    assert_eq!(
        (answer.status, answer_code(&answer).as_str()),
        (413, "body_too_large")
    );

    // Bodies the scheme cannot sign: paysig's error code in the body.
    let answer = post_raw(proxy.port(), r#"{"a": "#);
    assert_eq!(
        (answer.status, answer_code(&answer).as_str()),
        (400, "invalid_json")
    );
    let answer = post_raw(proxy.port(), r#"{"a": 12345678901234567890}"#);
    assert_eq!(
        (answer.status, answer_code(&answer).as_str()),
        (400, "number_out_of_range")
    );
    assert_eq!(
        answer.header("x-paysig-proxy-error"),
        Some("number_out_of_range")
    );

    // Smuggling: two lengths, or a length with Transfer-Encoding.
    for framing in [
        "Content-Length: 2\r\nContent-Length: 2\r\n",
        "Content-Length: 2\r\nContent-Length: 3\r\n",
        "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
    ] {
        let request = format!(
            "POST /p HTTP/1.1\r\nHost: x\r\n{framing}Connection: close\r\n\r\n2\r\n{{}}\r\n0\r\n\r\n"
        );
        let answer = raw(proxy.port(), request.as_bytes());
        assert_eq!(answer.status, 400, "{framing:?}: {}", answer.text());
        // Two different lengths hyper refuses itself (400, no body); the
        // ones it would read one way, the proxy refuses with its code.
        if !framing.contains("3\r\n") {
            assert_eq!(answer_code(&answer), "ambiguous_length", "{framing:?}");
            assert_eq!(answer.header("connection"), Some("close"));
        }
    }
    let stderr = proxy.stderr();
    assert!(!stderr.contains(SECRET));

    // Upstream unreachable.
    let down = closed_port();
    let proxy = proxy_to(&format!("http://127.0.0.1:{down}"), &[]);
    let answer = post_raw(proxy.port(), "{}");
    assert_eq!(
        (answer.status, answer_code(&answer).as_str()),
        (502, "upstream_unreachable")
    );
    assert!(
        answer.text().contains("onnection refused"),
        "{}",
        answer.text()
    );

    // Upstream slower than --timeout.
    let slow = stub(Duration::from_secs(30), |_| {
        b"HTTP/1.1 200 OK\r\n\r\n".to_vec()
    });
    let proxy = proxy_to(&format!("http://127.0.0.1:{slow}"), &["--timeout", "300"]);
    let answer = post_raw(proxy.port(), "{}");
    assert_eq!(
        (answer.status, answer_code(&answer).as_str()),
        (504, "upstream_timeout")
    );
    assert!(answer.text().contains("300 ms"), "{}", answer.text());
}

fn proxy_to(upstream: &str, extra: &[&str]) -> Running {
    proxy("pgprints", upstream, SECRET, extra)
}

fn slow_ok(_: &Received) -> Vec<u8> {
    b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\nslow-done".to_vec()
}

#[test]
fn sigterm_lets_the_request_in_flight_finish() {
    let upstream = stub(Duration::from_millis(1500), slow_ok);
    let mut proxy = proxy_to(&format!("http://127.0.0.1:{upstream}"), &[]);
    let port = proxy.port();
    let in_flight = std::thread::spawn(move || post_raw(port, r#"{"a":1}"#));
    std::thread::sleep(Duration::from_millis(400));
    let status = proxy.terminate_started();
    let answer = in_flight.join().expect("client thread");
    assert_eq!((answer.status, answer.text().as_str()), (200, "slow-done"));
    assert!(status.wait().success(), "{}", proxy.stderr());
    // Stopped: nothing listens any more.
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

/// SIGTERM now; the exit status later.
struct Stopping<'a>(&'a mut Running);

impl Stopping<'_> {
    fn wait(self) -> std::process::ExitStatus {
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.0.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the proxy did not stop"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

trait TerminateStarted {
    fn terminate_started(&mut self) -> Stopping<'_>;
}

impl TerminateStarted for Running {
    fn terminate_started(&mut self) -> Stopping<'_> {
        sigterm(&self.child);
        Stopping(self)
    }
}

#[test]
fn upstream_connections_are_reused() {
    let upstream = serve("aquapay");
    let recorder = relay(upstream.port(), false);
    let proxy = proxy(
        "aquapay",
        &format!("http://127.0.0.1:{}", recorder.port),
        SECRET,
        &[],
    );
    for _ in 0..20 {
        let answer = raw(
            proxy.port(),
            b"GET /v1/balance HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        );
        assert_eq!(answer.status, 200, "{}", answer.text());
    }
    let connections = recorder
        .connections
        .load(std::sync::atomic::Ordering::SeqCst);
    // Twenty client connections, one kept-alive upstream connection (two
    // if a request arrived just before the previous one was pooled again).
    assert!(
        connections <= 2,
        "{connections} upstream connections for 20 requests"
    );
}

#[test]
fn config_profiles_route_by_prefix_and_host_with_secrets_from_env_and_file() {
    let aquapay = serve("aquapay");
    let pgprints = serve("pgprints");
    let cryptopay = serve("cryptopay");
    let dir = std::env::temp_dir().join(format!("paysig-proxy-config-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let secret_file = dir.join("pgprints.secret");
    std::fs::write(&secret_file, format!("{SECRET}\n")).expect("secret file");
    let socket = dir.join("proxy.sock");
    let config = dir.join("proxy.toml");
    std::fs::write(
        &config,
        format!(
            r#"listen = ["127.0.0.1:0", "unix:{socket}"]
health_listen = "127.0.0.1:0"
log = "json"

[[profile]]
name = "aq"
scheme = "aquapay"
upstream = "{aq}"
key = "{KEY}"
secret_env = "PAYSIG_TEST_AQ_SECRET"
prefix = "/aquapay"

[[profile]]
name = "pg"
scheme = "pgprints"
upstream = "{pg}"
secret_file = "{secret}"
host = "pgprints.internal"

[[profile]]
name = "cp"
scheme = "cryptopay"
upstream = "{cp}/api"
key = "{KEY}"
secret_env = "PAYSIG_TEST_AQ_SECRET"
prefix = "/cryptopay"
"#,
            socket = socket.display(),
            aq = aquapay.url(),
            pg = pgprints.url(),
            cp = cryptopay.url(),
            secret = secret_file.display(),
        ),
    )
    .expect("config");
    let config_arg = config.to_str().expect("path").to_owned();
    let proxy = Running::start(
        &["proxy", "--config", &config_arg],
        &[("PAYSIG_TEST_AQ_SECRET", SECRET)],
        3,
    );
    let (port, health_port) = (proxy.ports[0], proxy.ports[2]);

    let get = |port: u16, host: &str, path: &str| {
        raw(
            port,
            format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
    };
    let answer = get(port, "x", "/aquapay/v1/balance?currency=BTC");
    assert_eq!(answer.status, 200, "{}", answer.text());
    let request = format!(
        "POST /anything HTTP/1.1\r\nHost: PGPrints.internal:8480\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{BODY}",
        BODY.len()
    );
    let answer = raw(port, request.as_bytes());
    assert_eq!(answer.status, 200, "{}", answer.text());
    let answer = post_raw_path(port, "/cryptopay/invoices", BODY);
    assert_eq!(answer.status, 200, "{}", answer.text());
    let answer = get(port, "x", "/elsewhere");
    assert_eq!(
        (answer.status, answer_code(&answer).as_str()),
        (404, "no_route")
    );
    // /aquapayx is not under /aquapay.
    let answer = get(port, "x", "/aquapayx/v1");
    assert_eq!(answer.status, 404);

    // The health checks: on every listener's /healthz, and alone on its own port.
    for port in [port, health_port] {
        let answer = get(port, "x", "/healthz");
        assert_eq!(answer.status, 200);
        let health = answer.json();
        assert_eq!(health["status"], "ok");
        assert_eq!(health["profiles"].as_array().map(Vec::len), Some(3));
        assert!(!answer.text().contains(SECRET) && !answer.text().contains(KEY));
    }
    assert_eq!(get(health_port, "x", "/aquapay/v1").status, 404);

    // The Unix socket.
    if have(Client::Curl) {
        let output = std::process::Command::new("curl")
            .args(["-sS", "-o", "/dev/null", "-w", "%{http_code}"])
            .args(["--unix-socket", socket.to_str().unwrap()])
            .arg("http://x/aquapay/v1/balance")
            .output()
            .expect("curl");
        let status = String::from_utf8_lossy(&output.stdout);
        assert_eq!(status, "200", "{}", String::from_utf8_lossy(&output.stderr));
    }

    // One JSON line per proxied request (health checks are not logged),
    // with no secret and no signature.
    std::thread::sleep(Duration::from_millis(200));
    let stderr = proxy.stderr();
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("a JSON log line"))
        .collect();
    let expected = if have(Client::Curl) { 6 } else { 5 };
    assert_eq!(lines.len(), expected, "{stderr}");
    assert!(!stderr.contains(SECRET));
    let first = &lines[0];
    assert_eq!(first["profile"], "aq");
    assert_eq!(first["method"], "GET");
    assert_eq!(first["path"], "/aquapay/v1/balance");
    assert_eq!(first["status"], 200);
    assert!(first["nonce"]
        .as_str()
        .is_some_and(|n| n.parse::<u64>().is_ok()));
    assert!(first["latency_ms"].is_number() && first["request_id"].is_string());
    let no_route = lines.iter().find(|l| l["status"] == 404).expect("the 404");
    assert_eq!(no_route["outcome"], "no_route");
    drop(proxy);
    std::fs::remove_dir_all(&dir).ok();
}

fn post_raw_path(port: u16, path: &str, body: &str) -> Answer {
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    raw(port, request.as_bytes())
}

#[test]
fn signatures_never_reach_the_log() {
    let upstream = stub(Duration::ZERO, echo_headers);
    let proxy = proxy(
        "aquapay",
        &format!("http://127.0.0.1:{upstream}"),
        SECRET,
        &["--log", "text"],
    );
    let answer = raw(
        proxy.port(),
        b"GET /v1/x?secret-query=1 HTTP/1.1\r\nHost: x\r\nX-Request-Id: req-42\r\nConnection: close\r\n\r\n",
    );
    let echoed = answer.text();
    let signature = echoed
        .lines()
        .find_map(|l| l.strip_prefix("x-signature: "))
        .expect("a signature went upstream")
        .trim()
        .to_owned();
    assert!(echoed.contains("x-request-id: req-42"), "{echoed}");
    std::thread::sleep(Duration::from_millis(200));
    let stderr = proxy.stderr();
    let line = stderr
        .lines()
        .find(|l| l.contains("req-42"))
        .expect("a log line");
    assert!(line.contains(" aquapay GET /v1/x 401 upstream "), "{line}");
    assert!(!stderr.contains(&signature) && !stderr.contains(SECRET));
    assert!(
        !stderr.contains("secret-query"),
        "the query is not logged: {line}"
    );
}

#[test]
fn listening_beyond_loopback_is_loud() {
    let upstream = closed_port();
    let proxy = Running::start(
        &[
            "proxy",
            "pgprints",
            "--upstream",
            &format!("http://127.0.0.1:{upstream}"),
            "--secret-env",
            "PAYSIG_TEST_PROXY_SECRET",
            "--listen",
            "0.0.0.0:0",
        ],
        &[("PAYSIG_TEST_PROXY_SECRET", SECRET)],
        1,
    );
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        proxy.stderr().contains("WARNING: listening on 0.0.0.0:"),
        "{}",
        proxy.stderr()
    );
    // A config that would take a secret inline is refused without echoing it.
    let dir = std::env::temp_dir().join(format!("paysig-proxy-inline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("bad.toml");
    std::fs::write(
        &config,
        "[[profile]]\nscheme = \"pgprints\"\nupstream = \"http://127.0.0.1:1\"\nsecret = \"inline-hunter2\"\n",
    )
    .unwrap();
    let output = std::process::Command::new(PAYSIG)
        .args(["proxy", "--config", config.to_str().unwrap()])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown field") && !stderr.contains("hunter2"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
