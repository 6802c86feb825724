//! Test harness for `paysig proxy`: processes (serve, proxy) on loopback,
//! a relay in front of `paysig serve` (optionally terminating TLS with a
//! CA made here) that records what the upstream sent, stub upstreams, and
//! clients that sign nothing (curl, Python requests, PHP without FFI).

#![allow(dead_code)]
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const PAYSIG: &str = env!("CARGO_BIN_EXE_paysig");
pub const SECRET: &str = "proxy-test-secret-7f3a9c";
pub const KEY: &str = "key-1";

/// A running `paysig` process, stopped with SIGTERM when dropped; its
/// stderr is collected.
pub struct Running {
    pub child: Child,
    /// The ports of its `listening on http://...` lines, in order.
    pub ports: Vec<u16>,
    pub stderr: Arc<Mutex<String>>,
}

impl Running {
    /// Starts `paysig ARGS` and waits for `listeners` "listening on" lines.
    pub fn start(args: &[&str], envs: &[(&str, &str)], listeners: usize) -> Running {
        let mut child = Command::new(PAYSIG)
            .args(args)
            .envs(envs.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("paysig starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let collected = Arc::clone(&stderr);
        let err = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let mut text = collected.lock().unwrap();
                text.push_str(&line);
                text.push('\n');
            }
        });
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut ports = Vec::new();
        for _ in 0..listeners {
            let mut line = String::new();
            out.read_line(&mut line).expect("a line");
            if line.is_empty() {
                let _ = child.wait();
                panic!(
                    "paysig {args:?} exited before listening: {}",
                    stderr.lock().unwrap()
                );
            }
            let port = line
                .trim()
                .strip_prefix("listening on ")
                .unwrap_or_else(|| panic!("unexpected line {line:?}"));
            ports.push(
                port.rsplit(':')
                    .next()
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(0),
            );
        }
        std::thread::spawn(move || {
            let mut sink = Vec::new();
            let _ = out.read_to_end(&mut sink);
        });
        Running {
            child,
            ports,
            stderr,
        }
    }

    pub fn port(&self) -> u16 {
        self.ports[0]
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port())
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// SIGTERM, then the exit status within 15 s.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        sigterm(&self.child);
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "paysig did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            sigterm(&self.child);
            let deadline = Instant::now() + Duration::from_secs(5);
            while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

pub fn sigterm(child: &Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
}

/// `paysig serve SCHEME` with KEY and SECRET (its default policies: the
/// provider's).
pub fn serve(scheme: &str) -> Running {
    Running::start(
        &[
            "serve",
            scheme,
            "--port",
            "0",
            "--key",
            KEY,
            "--secret-env",
            "PAYSIG_TEST_SERVE_SECRET",
        ],
        &[("PAYSIG_TEST_SERVE_SECRET", SECRET)],
        1,
    )
}

/// `paysig proxy SCHEME --upstream URL` on a free loopback port, with the
/// secret from the environment, and `extra` arguments.
pub fn proxy(scheme: &str, upstream: &str, secret: &str, extra: &[&str]) -> Running {
    let mut args = vec![
        "proxy",
        scheme,
        "--upstream",
        upstream,
        "--secret-env",
        "PAYSIG_TEST_PROXY_SECRET",
        "--listen",
        "127.0.0.1:0",
    ];
    if scheme != "pgprints" {
        args.extend(["--key", KEY]);
    }
    args.extend_from_slice(extra);
    Running::start(&args, &[("PAYSIG_TEST_PROXY_SECRET", secret)], 1)
}

/// The tokio runtime of the in-process relays and stubs.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime")
    })
}

/// A test CA and a server certificate for 127.0.0.1 and localhost.
pub struct TestCa {
    pub ca_file: PathBuf,
    pub server: Arc<rustls::ServerConfig>,
}

pub fn test_ca() -> &'static TestCa {
    static CA: OnceLock<TestCa> = OnceLock::new();
    CA.get_or_init(|| {
        let ca_key = rcgen::KeyPair::generate().expect("CA key");
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "paysig proxy test CA");
        let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).expect("CA");
        let server_key = rcgen::KeyPair::generate().expect("server key");
        let server_params =
            rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
                .expect("server params");
        let server_cert = server_params
            .signed_by(&server_key, &ca)
            .expect("server certificate");
        let dir = std::env::temp_dir().join(format!("paysig-proxy-ca-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let ca_file = dir.join("ca.pem");
        std::fs::write(&ca_file, ca.pem()).expect("CA file");
        let key_der = rustls::pki_types::PrivateKeyDer::try_from(server_key.serialize_der())
            .expect("key DER");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let server = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(vec![server_cert.der().clone()], key_der)
            .expect("server config");
        TestCa {
            ca_file,
            server: Arc::new(server),
        }
    })
}

/// A relay on loopback in front of `target`: counts the connections it
/// accepts and records every byte the target sends back. With `tls`, it
/// terminates TLS with the test CA's server certificate.
pub struct Relay {
    pub port: u16,
    pub connections: Arc<AtomicUsize>,
    pub from_upstream: Arc<Mutex<Vec<u8>>>,
}

pub fn relay(target: u16, tls: bool) -> Relay {
    let connections = Arc::new(AtomicUsize::new(0));
    let from_upstream = Arc::new(Mutex::new(Vec::new()));
    let acceptor = tls.then(|| tokio_rustls::TlsAcceptor::from(Arc::clone(&test_ca().server)));
    let listener = runtime()
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let port = listener.local_addr().expect("address").port();
    let (count, record) = (Arc::clone(&connections), Arc::clone(&from_upstream));
    runtime().spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            count.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            let record = Arc::clone(&record);
            tokio::spawn(async move {
                let Ok(upstream) = tokio::net::TcpStream::connect(("127.0.0.1", target)).await
                else {
                    return;
                };
                match acceptor {
                    Some(acceptor) => {
                        if let Ok(client) = acceptor.accept(stream).await {
                            pipe(client, upstream, record).await;
                        }
                    }
                    None => pipe(stream, upstream, record).await,
                }
            });
        }
    });
    Relay {
        port,
        connections,
        from_upstream,
    }
}

async fn pipe<C>(client: C, upstream: tokio::net::TcpStream, record: Arc<Mutex<Vec<u8>>>)
where
    C: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + 'static,
{
    let (mut client_read, mut client_write) = tokio::io::split(client);
    let (mut upstream_read, mut upstream_write) = upstream.into_split();
    let up = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut client_read, &mut upstream_write).await;
        let _ = upstream_write.shutdown().await;
    });
    let mut buffer = vec![0; 16 * 1024];
    while let Ok(n) = upstream_read.read(&mut buffer).await {
        if n == 0 {
            break;
        }
        record.lock().unwrap().extend_from_slice(&buffer[..n]);
        if client_write.write_all(&buffer[..n]).await.is_err() {
            break;
        }
    }
    let _ = client_write.shutdown().await;
    up.abort();
}

/// A request as a stub upstream received it.
pub struct Received {
    pub head: String,
    pub body: Vec<u8>,
}

/// A stub upstream: for each request, waits `delay`, then writes what
/// `answer` returns (raw HTTP/1.1 response bytes) and closes.
pub fn stub(delay: Duration, answer: fn(&Received) -> Vec<u8>) -> u16 {
    let listener = runtime()
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let port = listener.local_addr().expect("address").port();
    runtime().spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let mut data = Vec::new();
                let mut buffer = [0; 4096];
                let head_end = loop {
                    if let Some(at) = find(&data, b"\r\n\r\n") {
                        break at + 4;
                    }
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => data.extend_from_slice(&buffer[..n]),
                    }
                };
                let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
                let length = head
                    .lines()
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                while data.len() < head_end + length {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => data.extend_from_slice(&buffer[..n]),
                    }
                }
                let received = Received {
                    head,
                    body: data[head_end..head_end + length].to_vec(),
                };
                tokio::time::sleep(delay).await;
                let _ = stream.write_all(&answer(&received)).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    port
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A free loopback port with nothing listening on it (bound, then closed).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("address").port()
}

/// A response: status, headers (lower-case names), body.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {:?}", self.text()))
    }
}

/// Sends raw HTTP/1.1 bytes on a new connection and reads the answer to
/// the end (send `Connection: close`).
pub fn raw(port: u16, request: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    stream.write_all(request).expect("send");
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    parse_response(&response)
}

/// Parses one HTTP/1.1 response (Content-Length or chunked body).
pub fn parse_response(response: &[u8]) -> Answer {
    let head_end = find(response, b"\r\n\r\n").unwrap_or_else(|| {
        panic!(
            "no response head in {:?}",
            String::from_utf8_lossy(response)
        )
    }) + 4;
    let head = String::from_utf8_lossy(&response[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let rest = &response[head_end..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(rest)
    } else {
        let length = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(rest.len());
        rest[..length.min(rest.len())].to_vec()
    };
    Answer {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    while let Some(line_end) = find(data, b"\r\n") {
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        body.extend_from_slice(&data[start..start + size]);
        data = &data[start + size + 2..];
    }
    body
}

/// A client that signs nothing, run as its own process.
#[derive(Clone, Copy, Debug)]
pub enum Client {
    Curl,
    PythonRequests,
    /// php -n: no ini, so no FFI (and no paysig) — plain streams.
    Php,
    /// Node's built-in fetch: the README's Node example.
    Node,
}

/// Whether a tool is here. Missing: fails the test when CI is set, else
/// says so loudly and the caller skips it.
pub fn have(client: Client) -> bool {
    let ok = match client {
        Client::Curl => Command::new("curl").arg("--version").output().is_ok(),
        Client::PythonRequests => Command::new(python())
            .args(["-c", "import requests"])
            .output()
            .is_ok_and(|o| o.status.success()),
        Client::Php => Command::new("php")
            .args(["-n", "-r", "exit(extension_loaded('ffi') ? 1 : 0);"])
            .output()
            .is_ok_and(|o| o.status.success()),
        Client::Node => Command::new("node")
            .args(["-e", "process.exit(typeof fetch === 'function' ? 0 : 1)"])
            .output()
            .is_ok_and(|o| o.status.success()),
    };
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{client:?} is required when CI is set (make setup-python / setup-php install them)"
        );
        eprintln!(
            "\n!!! SKIPPED: the {client:?} client is not available here (with CI set this fails)\n"
        );
    }
    ok
}

pub fn python() -> PathBuf {
    std::env::var_os("PAYSIG_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python"))
}

/// POSTs `body` as JSON to `url` with `client`; returns status and body.
pub fn post(client: Client, url: &str, body: &str) -> (u16, String) {
    let output = match client {
        Client::Curl => Command::new("curl")
            .args(["-sS", "-X", "POST", "-H", "Content-Type: application/json"])
            .args(["--data-binary", body, "-w", "\n%{http_code}", url])
            .output(),
        Client::PythonRequests => Command::new(python())
            .args([
                "-c",
                "import sys, requests\n\
                 r = requests.post(sys.argv[1], data=sys.argv[2].encode(), headers={'Content-Type': 'application/json'})\n\
                 sys.stdout.write(r.text + '\\n' + str(r.status_code))",
                url,
                body,
            ])
            .output(),
        Client::Php => Command::new("php")
            .args([
                "-n",
                "-r",
                r#"$c = stream_context_create(["http" => ["method" => "POST", "header" => "Content-Type: application/json\r\n", "content" => $argv[2], "ignore_errors" => true]]);
                   $b = file_get_contents($argv[1], false, $c);
                   preg_match('{^HTTP/\S+ (\d+)}', $http_response_header[0], $m);
                   echo $b, "\n", $m[1];"#,
                url,
                body,
            ])
            .output(),
        Client::Node => Command::new("node")
            .args([
                "-e",
                "fetch(process.argv[1], {method: 'POST', headers: {'content-type': 'application/json'}, body: process.argv[2]})\n\
                 .then(async (r) => process.stdout.write((await r.text()) + '\\n' + r.status));",
                url,
                body,
            ])
            .output(),
    }
    .unwrap_or_else(|e| panic!("{client:?}: {e}"));
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let (body, status) = text.rsplit_once('\n').unwrap_or_else(|| {
        panic!(
            "{client:?} printed {text:?}; stderr {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let status = status
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{client:?}: no status in {text:?}"));
    (status, body.to_owned())
}
