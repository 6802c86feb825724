//! The cost of one nonce from each core source, side by side in one run:
//! the process source (one CAS on a static), the host source after its
//! first use (map lookup + one CAS on the shared file's word) — target:
//! within 100 ns of the process source — and a whole Aquapay sign with
//! each, for scale. The Redis source: paysig-replay-redis's bench `nonce`.
//!
//! Run: `cargo bench -p paysig --bench nonce`.

#![allow(clippy::unwrap_used)] // a benchmark stops loudly on a broken fixture

use std::hint::black_box;
use std::sync::Arc;

use criterion::Criterion;
use paysig::nonce::{HostNonces, NonceSource, ProcessNonces, Scope};
use paysig::schemes::{Aquapay, Scheme};

const SCOPE: Scope<'static> = Scope {
    scheme: Scheme::Aquapay,
    key_id: "bench-key",
};

fn main() {
    let dir = std::env::temp_dir().join(format!("paysig-bench-nonce-{}", std::process::id()));
    let host = Arc::new(HostNonces::new(&dir));
    host.next_nonce(SCOPE).unwrap(); // the first use maps the file
    let process = Arc::new(ProcessNonces);

    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("nonce");
    group.bench_function("process", |b| {
        b.iter(|| black_box(process.next_nonce(black_box(SCOPE)).unwrap()))
    });
    group.bench_function("host", |b| {
        b.iter(|| black_box(host.next_nonce(black_box(SCOPE)).unwrap()))
    });
    group.finish();

    let mut group = c.benchmark_group("aquapay_sign");
    let with_process = Aquapay::new("bench-key", "bench-secret")
        .unwrap()
        .with_nonce_source(process.clone());
    let with_host = Aquapay::new("bench-key", "bench-secret")
        .unwrap()
        .with_nonce_source(host.clone());
    group.bench_function("process", |b| {
        b.iter(|| black_box(with_process.sign("GET", "/v1/orders", None).unwrap()))
    });
    group.bench_function("host", |b| {
        b.iter(|| black_box(with_host.sign("GET", "/v1/orders", None).unwrap()))
    });
    group.finish();
    c.final_summary();
    let _ = std::fs::remove_dir_all(&dir);
}
