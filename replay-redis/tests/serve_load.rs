//! Two `paysig serve --redis` processes sharing one real Redis, under
//! concurrent load from keep-alive HTTP clients: every fresh request is
//! accepted exactly once between them, every replay (sent to the other
//! process) is refused; Redis killed mid-run → 503s, never a 200, no
//! crash; Redis restarted → the same processes accept again.
//!
//! They need the release `paysig` binary in `PAYSIG_BIN` (make
//! test-reliability builds it and sets it), so they are `#[ignore]`d in a
//! plain `cargo test`. Sizes: `PAYSIG_LOAD_CLIENTS` x `PAYSIG_LOAD_REQUESTS`
//! (default 4 x 50,000, 10% replays).

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use paysig::schemes::Aquapay;
use support::RedisServer;

const NOW: i64 = 1_700_000_000_000;
/// Nonces are NOW - 3,000,000 + a unique counter: inside a one-hour window.
const TOLERANCE_MS: &str = "3600000";
const FIRST_NONCE: i64 = NOW - 3_000_000;

fn paysig_bin() -> Option<String> {
    match std::env::var("PAYSIG_BIN") {
        Ok(path) => Some(path),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("PAYSIG_BIN is not set: run through make test-reliability")
        }
        Err(_) => {
            eprintln!("\n*** SKIPPED: PAYSIG_BIN is not set (make test-reliability sets it) ***\n");
            None
        }
    }
}

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A `paysig serve aquapay --redis URL`, killed when dropped.
struct Verifier {
    child: Child,
    port: u16,
}

impl Verifier {
    fn start(bin: &str, redis_url: &str) -> Verifier {
        let mut child = Command::new(bin)
            .args([
                "serve",
                "aquapay",
                "--port",
                "0",
                "--key",
                "key-1",
                "--secret-env",
            ])
            .arg("PAYSIG_LOAD_SECRET")
            .args(["--now", &NOW.to_string(), "--tolerance-ms", TOLERANCE_MS])
            .args([
                "--redis",
                redis_url,
                "--redis-timeout-ms",
                "200",
                // The guard is bounded (refusing at capacity): room for
                // every nonce of the run, all live within the hour.
                "--replay-capacity",
                "4000000",
                "--threads",
                "2",
            ])
            .env("PAYSIG_LOAD_SECRET", "secret-1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("paysig serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("listening on http://127.0.0.1:")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .parse()
            .unwrap();
        Verifier { child, port }
    }

    /// Still running (did not crash)?
    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Verifier {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One keep-alive HTTP/1.1 connection.
struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    fn connect(port: u16) -> Client {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.set_nodelay(true).unwrap();
        Client {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        }
    }

    /// Sends one signed request; the status and the body.
    fn send(&mut self, headers: &[(&'static str, String)]) -> (u16, String) {
        let mut request =
            String::from("POST /pay HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n");
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        self.writer.write_all(request.as_bytes()).unwrap();
        let mut status_line = String::new();
        self.reader.read_line(&mut status_line).unwrap();
        let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap();
                }
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).unwrap();
        (status, String::from_utf8(body).unwrap())
    }
}

#[derive(Default)]
struct Tally {
    fresh_accepted: AtomicUsize,
    fresh_refused: AtomicUsize,
    replay_refused: AtomicUsize,
    replay_accepted: AtomicUsize,
}

#[test]
#[ignore = "needs PAYSIG_BIN (make test-reliability)"]
fn two_verifiers_accept_each_nonce_once_under_load() {
    let Some(bin) = paysig_bin() else { return };
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let clients = env_count("PAYSIG_LOAD_CLIENTS", 4);
    let requests = env_count("PAYSIG_LOAD_REQUESTS", 50_000);
    let mut verifiers = [
        Verifier::start(&bin, &redis.url()),
        Verifier::start(&bin, &redis.url()),
    ];
    let ports = [verifiers[0].port, verifiers[1].port];
    let tally = Arc::new(Tally::default());
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let tally = Arc::clone(&tally);
            std::thread::spawn(move || {
                let signer = Aquapay::new("key-1", "secret-1").unwrap();
                // Client c talks to both processes: fresh requests to one,
                // their replays to the other.
                let mut connections = [
                    Client::connect(ports[c % 2]),
                    Client::connect(ports[(c + 1) % 2]),
                ];
                let mut sent: Vec<Vec<(&'static str, String)>> = Vec::new();
                let mut fresh = 0usize;
                for i in 0..requests {
                    // Every 10th request replays an earlier one of this client.
                    if i % 10 == 9 && !sent.is_empty() {
                        let earlier = &sent[(i * 7919) % sent.len()];
                        let (status, body) = connections[1].send(earlier);
                        if status == 401 && body.contains("Nonce already used") {
                            tally.replay_refused.fetch_add(1, Ordering::Relaxed);
                        } else {
                            tally.replay_accepted.fetch_add(1, Ordering::Relaxed);
                        }
                        continue;
                    }
                    let nonce = FIRST_NONCE + (c * requests + fresh) as i64;
                    fresh += 1;
                    let signed = signer
                        .sign("POST", "/pay", Some(&nonce.to_string()))
                        .unwrap();
                    let (status, _) = connections[0].send(&signed.headers);
                    if status == 200 {
                        tally.fresh_accepted.fetch_add(1, Ordering::Relaxed);
                    } else {
                        tally.fresh_refused.fetch_add(1, Ordering::Relaxed);
                    }
                    sent.push(signed.headers);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let elapsed = started.elapsed();
    let total = clients * requests;
    let replays = clients * (requests / 10);
    eprintln!(
        "load: {clients} clients x {requests} requests ({replays} replays) through 2 verifiers \
         on one Redis in {:.1} s: {:.0} requests/s",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(
        tally.fresh_refused.load(Ordering::Relaxed),
        0,
        "a fresh request was refused"
    );
    assert_eq!(
        tally.replay_accepted.load(Ordering::Relaxed),
        0,
        "a replay was accepted"
    );
    assert_eq!(
        tally.fresh_accepted.load(Ordering::Relaxed),
        total - replays
    );
    assert_eq!(tally.replay_refused.load(Ordering::Relaxed), replays);
    assert!(verifiers.iter_mut().all(Verifier::alive));
}

#[test]
#[ignore = "needs PAYSIG_BIN (make test-reliability)"]
fn redis_killed_mid_run_then_restarted() {
    let Some(bin) = paysig_bin() else { return };
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let mut verifiers = [
        Verifier::start(&bin, &redis.url()),
        Verifier::start(&bin, &redis.url()),
    ];
    let ports = [verifiers[0].port, verifiers[1].port];
    let signer = Aquapay::new("key-1", "secret-1").unwrap();
    let next = AtomicUsize::new(0);
    let sign = || {
        let nonce = FIRST_NONCE + next.fetch_add(1, Ordering::Relaxed) as i64;
        signer
            .sign("POST", "/pay", Some(&nonce.to_string()))
            .unwrap()
            .headers
    };
    let mut clients = [Client::connect(ports[0]), Client::connect(ports[1])];

    // Up: accepted by either.
    for i in 0..200 {
        assert_eq!(clients[i % 2].send(&sign()).0, 200);
    }

    // Redis killed while 4 client threads keep sending: each request is
    // accepted (before the kill) or refused with 503 — and after the kill
    // has completed, every one is a 503.
    let killed = Arc::new(AtomicBool::new(false));
    let after_kill = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..4)
        .map(|c| {
            let killed = Arc::clone(&killed);
            let after_kill = Arc::clone(&after_kill);
            std::thread::spawn(move || {
                let signer = Aquapay::new("key-1", "secret-1").unwrap();
                let mut client = Client::connect(ports[c % 2]);
                let mut statuses = Vec::new();
                for i in 0..2000 {
                    let was_killed = killed.load(Ordering::SeqCst);
                    let nonce = FIRST_NONCE + 1_000_000 + (c * 2000 + i) as i64;
                    let headers = signer
                        .sign("POST", "/pay", Some(&nonce.to_string()))
                        .unwrap()
                        .headers;
                    let (status, body) = client.send(&headers);
                    assert!(status == 200 || status == 503, "{status} {body}");
                    if was_killed {
                        assert_eq!(status, 503, "accepted while Redis was down: {body}");
                        assert!(body.contains("Replay store unavailable"), "{body}");
                        after_kill.fetch_add(1, Ordering::Relaxed);
                    }
                    statuses.push(status);
                    if after_kill.load(Ordering::Relaxed) > 2000 {
                        break;
                    }
                }
                statuses
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    redis.stop();
    killed.store(true, Ordering::SeqCst);
    for thread in threads {
        thread.join().unwrap();
    }
    assert!(
        after_kill.load(Ordering::Relaxed) > 100,
        "too few requests after the kill"
    );
    assert!(
        verifiers.iter_mut().all(Verifier::alive),
        "a verifier crashed"
    );

    // Restarted: the same processes accept again, on their open connections.
    redis.restart();
    for i in 0..200 {
        let (status, body) = clients[i % 2].send(&sign());
        assert_eq!(status, 200, "{body}");
    }
    let again = sign();
    assert_eq!(clients[0].send(&again).0, 200);
    assert_eq!(clients[1].send(&again).0, 401);
    assert!(verifiers.iter_mut().all(Verifier::alive));
}
