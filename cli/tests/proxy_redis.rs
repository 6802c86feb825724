//! Two `paysig proxy` processes with one key and one real `redis-server`
//! as their nonce source: 2,000 requests through both at concurrency 32,
//! and `paysig serve` (refusing any nonce used twice) refuses none. A
//! missing redis-server fails the test when CI is set.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod proxy_support;

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use proxy_support::*;

const REQUESTS: usize = 2_000;
const CONCURRENCY: usize = 32;

struct Redis(Child);

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A throwaway redis-server on a free port, or None (loudly) outside CI.
fn redis() -> Option<(Redis, u16)> {
    let port = closed_port();
    let spawned = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let child = match spawned {
        Ok(child) => child,
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "redis-server is required when CI is set (make setup-redis): {e}"
            );
            eprintln!("\n!!! SKIPPED: redis-server is not installed (with CI set this fails)\n");
            return None;
        }
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "redis-server did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    Some((Redis(child), port))
}

/// Sends REQUESTS requests round-robin through `proxies`, CONCURRENCY at
/// a time; returns the statuses that were not 200, with a body each.
fn load(proxies: &[u16], body: &str) -> Vec<(u16, String)> {
    let next = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let threads: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let (next, failures) = (Arc::clone(&next), Arc::clone(&failures));
            let proxies = proxies.to_vec();
            let body = body.to_owned();
            std::thread::spawn(move || loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= REQUESTS {
                    break;
                }
                let port = proxies[n % proxies.len()];
                let request = format!(
                    "POST /v1/pay HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let answer = raw(port, request.as_bytes());
                if answer.status != 200 {
                    failures
                        .lock()
                        .unwrap()
                        .push((answer.status, answer.text()));
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    Arc::try_unwrap(failures).unwrap().into_inner().unwrap()
}

#[test]
fn two_proxies_on_one_redis_never_repeat_a_nonce() {
    let Some((_redis, redis_port)) = redis() else {
        return;
    };
    let source = format!("redis://127.0.0.1:{redis_port}/");
    for scheme in ["onchainpay", "aquapay"] {
        // OnchainPay's serve remembers every nonce (unique policy): the
        // two proxies' requests arrive interleaved, out of nonce order.
        let mut args = vec![
            "serve",
            scheme,
            "--port",
            "0",
            "--key",
            KEY,
            "--secret-env",
            "PAYSIG_TEST_SERVE_SECRET",
            "--replay-capacity",
            "100000",
        ];
        if scheme == "onchainpay" {
            args.extend(["--nonce-policy", "unique"]);
        }
        let upstream = Running::start(&args, &[("PAYSIG_TEST_SERVE_SECRET", SECRET)], 1);
        let extra = ["--nonce-source", source.as_str(), "--log", "off"];
        let first = proxy(scheme, &upstream.url(), SECRET, &extra);
        let second = proxy(scheme, &upstream.url(), SECRET, &extra);
        let failures = load(&[first.port(), second.port()], r#"{"amount":"1.00"}"#);
        assert!(
            failures.is_empty(),
            "{scheme}: {} of {REQUESTS} refused, e.g. {:?}",
            failures.len(),
            &failures[..failures.len().min(3)]
        );
    }
}

#[test]
fn redis_down_means_503_and_nothing_signed() {
    let upstream = serve("aquapay");
    let source = format!("redis://127.0.0.1:{}/", closed_port());
    let proxy = proxy(
        "aquapay",
        &upstream.url(),
        SECRET,
        &["--nonce-source", &source],
    );
    let answer = raw(
        proxy.port(),
        b"GET /v1/balance HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(answer.status, 503, "{}", answer.text());
    assert_eq!(answer.json()["error"]["code"], "nonce_source_unavailable");
}
