//! The cost of one nonce from each source, side by side in one run: the
//! process source, the host source after its first use, and the Redis
//! source on a redis-server started here on loopback (one EVALSHA round
//! trip per nonce).
//!
//! Run: `make bench-nonce` (or `cargo bench -p paysig-replay-redis --bench nonce`).

#![allow(clippy::unwrap_used)] // a benchmark stops loudly on a broken fixture

use std::hint::black_box;
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::Criterion;
use paysig::nonce::{HostNonces, NonceSource, ProcessNonces, Scope};
use paysig::schemes::Scheme;
use paysig_replay_redis::RedisNonces;

const SCOPE: Scope<'static> = Scope {
    scheme: Scheme::Aquapay,
    key_id: "bench-key",
};

fn main() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .spawn()
        .expect("redis-server (make setup-nonce)");
    let redis = RedisNonces::new(&format!("redis://127.0.0.1:{port}/")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while redis.next_nonce(SCOPE).is_err() {
        assert!(Instant::now() < deadline, "redis-server does not answer");
        std::thread::sleep(Duration::from_millis(20));
    }
    let dir = std::env::temp_dir().join(format!("paysig-bench-nonce-{}", std::process::id()));
    let host = HostNonces::new(&dir);
    host.next_nonce(SCOPE).unwrap();

    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("nonce_source");
    group.bench_function("process", |b| {
        b.iter(|| black_box(ProcessNonces.next_nonce(black_box(SCOPE)).unwrap()))
    });
    group.bench_function("host", |b| {
        b.iter(|| black_box(host.next_nonce(black_box(SCOPE)).unwrap()))
    });
    group.bench_function("redis_loopback", |b| {
        b.iter(|| black_box(redis.next_nonce(black_box(SCOPE)).unwrap()))
    });
    group.finish();
    c.final_summary();
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
