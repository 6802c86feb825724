//! Criterion benchmarks of in-process verification (target in
//! BENCHMARKS.md: under 3 µs for a typical request).
//!
//! Per scheme, the first accepted case of tests/vectors/verify.json (a
//! typical request, signed by the provider's Node code) is verified over
//! and over. A replay guard would refuse the second time, so `verify` runs
//! with a guard that records nothing; the in-memory guard is measured on
//! its own (`replay_guard/check_and_record`, unique tokens), and a verify
//! with a real guard costs the sum.
//!
//! Run: `cargo bench -p paysig --bench verify`.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use criterion::Criterion;
use paysig::verify::{
    FixedClock, Keyring, MemoryReplayGuard, NoncePolicy, ReplayError, ReplayGuard, Request, Target,
    Verifier,
};
use serde_json::Value;

/// Accepts everything: measures verification without the store.
struct NoGuard;

impl ReplayGuard for NoGuard {
    fn check_and_record(&self, _: &str, _: &str, _: i64, _: i64) -> Result<(), ReplayError> {
        Ok(())
    }
    fn check_increasing(&self, _: &str, _: u64, _: i64) -> Result<(), ReplayError> {
        Ok(())
    }
}

fn cases() -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/verify.json");
    let text = std::fs::read_to_string(path).expect("verify.json");
    let file: Value = serde_json::from_str(&text).expect("JSON");
    file["cases"].as_array().expect("cases").clone()
}

fn bench_verify(c: &mut Criterion) {
    let cases = cases();
    let mut group = c.benchmark_group("verify");
    for scheme in [
        "cryptopay",
        "cryptopay-callback",
        "aquapay",
        "remitquickly",
        "pgprints",
        "onchainpay",
    ] {
        let case = cases
            .iter()
            .find(|c| c["input"]["scheme"] == scheme && c["expect"]["key_id"].is_string())
            .expect("an accepted case");
        let input = &case["input"];
        let mut keyring = Keyring::new();
        for (id, secrets) in input["keys"].as_object().expect("keys") {
            for s in secrets.as_array().expect("secrets") {
                keyring.add(id, s.as_str().expect("secret")).expect("key");
            }
        }
        let target: Target = scheme.parse().expect("target");
        let mut verifier = Verifier::for_target(target, keyring)
            .with_clock(Arc::new(FixedClock(input["now_ms"].as_i64().expect("now"))))
            .with_replay_guard(Arc::new(NoGuard));
        if input["nonce_policy"] == "unique" {
            verifier = verifier.with_nonce_policy(NoncePolicy::Unique);
        }
        let r = &input["requests"][0];
        let headers: Vec<(&str, &str)> = r["headers"]
            .as_array()
            .expect("headers")
            .iter()
            .map(|h| (h[0].as_str().expect("n"), h[1].as_str().expect("v")))
            .collect();
        let request = Request {
            method: r["method"].as_str().expect("method"),
            path: r["path"].as_str().expect("path"),
            headers: &headers,
            body: r["body"].as_str().unwrap_or("").as_bytes(),
        };
        assert_eq!(
            verifier.verify(&request).ok().as_deref(),
            case["expect"]["key_id"].as_str(),
            "{scheme}: {}",
            case["name"]
        );
        group.bench_function(scheme, |b| {
            b.iter(|| black_box(verifier.verify(black_box(&request))))
        });
    }
    group.finish();

    let guard = MemoryReplayGuard::new(1 << 20);
    let counter = AtomicU64::new(0);
    let mut now = 0i64;
    c.bench_function("replay_guard/check_and_record", |b| {
        b.iter(|| {
            // Unique tokens; the clock moves 1 ms every 1000, entries live
            // 30 ms: ~30,000 live entries, evicted as they expire.
            let n = counter.fetch_add(1, Ordering::Relaxed);
            if n % 1000 == 0 {
                now += 1;
            }
            let token = n.to_string();
            black_box(guard.check_and_record("aquapay:key", &token, now, 30))
        })
    });
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench_verify(&mut criterion);
    criterion.final_summary();
}
