//! Criterion benchmarks of paysig's core, with the targets of BENCHMARKS.md.
//!
//! - every scheme's `sign` on the first (documented-example) case of its
//!   vector file, with explicit nonce/timestamp/date, against its *floor*:
//!   a pre-keyed [`Key`] of the same algorithm computing the bare HMAC of
//!   that request's signed string (target: sign within 1.5x of the floor);
//!   for Cryptopay, PGPrints and OnchainPay also the *body* work the
//!   scheme adds to any sign (the body's MD5, canonical JSON), so the
//!   summary shows the least a sign could cost;
//! - `canonicalize` on a ~1 KB and a ~64 KB order document, and
//!   `Value::to_canonical` on the 64 KB one (target: 300 MB/s at 64 KB);
//! - HMAC-SHA256 of 1 MiB against bare SHA-256 of 1 MiB (target: within
//!   10%; SHA-256 itself runs on the CPU's SHA extensions when present).
//!
//! After the run, a summary computes the ratios from criterion's own
//! estimates, so sign and floor always come from the same run.
//!
//! Run: `cargo bench -p paysig --bench sign` (or `make bench`).

#![allow(clippy::unwrap_used)] // a benchmark stops loudly on a broken fixture

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BenchmarkGroup, Criterion, Throughput};
use md5::Digest as _;
use paysig::json::{self, Number, Value};
use paysig::mac::{Algorithm, Key};
use paysig::schemes::{Aquapay, Body, Cryptopay, CryptopayRequest, Nonce, OnchainPay};
use paysig::schemes::{PGPrints, RemitQuickly};
use serde_json::Value as Json;

/// The schemes, in the order the summary lists them.
const SCHEMES: [&str; 5] = [
    "cryptopay",
    "aquapay",
    "remitquickly",
    "pgprints",
    "onchainpay",
];

/// The first case of `tests/vectors/{scheme}.json`: its input and expect.
fn first_case(scheme: &str) -> (Json, Json) {
    let path = vectors_dir().join(format!("{scheme}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let file: Json = serde_json::from_str(&text).expect("a vector file is JSON");
    let case = &file["cases"][0];
    (case["input"].clone(), case["expect"].clone())
}

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

/// A string field of a vector input.
fn field<'a>(input: &'a Json, name: &str) -> &'a str {
    input[name]
        .as_str()
        .unwrap_or_else(|| panic!("vector field {name} is not a string"))
}

/// Benchmarks `sign` and its floor in one group named after the scheme.
/// `sign` must reproduce `expected_signature` (the vector's), so the bench
/// measures the real work; `hmac_input` is what the floor MACs.
fn sign_and_floor<'c, S>(
    c: &'c mut Criterion,
    scheme: &str,
    sign: S,
    expected_signature: &str,
    floor: (Algorithm, &str, String),
) -> BenchmarkGroup<'c, criterion::measurement::WallTime>
where
    S: Fn() -> paysig::SignedRequest,
{
    assert_eq!(
        sign().signature,
        expected_signature,
        "{scheme}: sign does not reproduce the vector"
    );
    let (algorithm, secret, hmac_input) = floor;
    let key = Key::new(algorithm, secret.as_bytes()).expect("vector secrets are not empty");
    let mut group = c.benchmark_group(scheme);
    group.bench_function("sign", |b| b.iter(&sign));
    group.bench_function("floor", |b| {
        b.iter(|| key.sign(black_box(hmac_input.as_bytes())))
    });
    group
}

fn bench_cryptopay(c: &mut Criterion) {
    let (input, expect) = first_case("cryptopay");
    let signer = Cryptopay::new(field(&input, "api_key"), field(&input, "api_secret")).unwrap();
    let request = CryptopayRequest {
        method: field(&input, "method"),
        path: field(&input, "path"),
        body: input["body"].as_str().map(Body::Text),
        content_type: field(&input, "content_type"),
        date: Some(field(&input, "date")),
    };
    let sign = || signer.sign(black_box(&request)).unwrap();
    let floor = (
        Algorithm::Sha1,
        field(&input, "api_secret"),
        sign().string_to_sign,
    );
    let mut group = sign_and_floor(c, "cryptopay", sign, field(&expect, "signature"), floor);
    // The same request with the Date left to paysig: adds reading the
    // clock and formatting an IMF-fixdate.
    let now = CryptopayRequest {
        date: None,
        ..request
    };
    group.bench_function("sign_default_date", |b| {
        b.iter(|| signer.sign(black_box(&now)).unwrap())
    });
    // Work the scheme needs beyond the floor: the body's MD5.
    let body = input["body"].as_str().unwrap_or_default();
    group.bench_function("body", |b| {
        b.iter(|| md5::Md5::digest(black_box(body.as_bytes())))
    });
    group.finish();
}

fn bench_aquapay(c: &mut Criterion) {
    let (input, expect) = first_case("aquapay");
    let signer = Aquapay::new(field(&input, "api_key"), field(&input, "api_secret")).unwrap();
    let (method, path, nonce) = (
        field(&input, "method"),
        field(&input, "path"),
        field(&input, "nonce"),
    );
    let sign = || {
        signer
            .sign(black_box(method), black_box(path), Some(black_box(nonce)))
            .unwrap()
    };
    let floor = (
        Algorithm::Sha384,
        field(&input, "api_secret"),
        sign().string_to_sign,
    );
    sign_and_floor(c, "aquapay", sign, field(&expect, "signature"), floor).finish();
}

fn bench_remitquickly(c: &mut Criterion) {
    let (input, expect) = first_case("remitquickly");
    let signer = RemitQuickly::new(field(&input, "api_key"), field(&input, "secret")).unwrap();
    let (body, timestamp) = (field(&input, "body_json"), field(&input, "timestamp"));
    let sign = || {
        signer
            .sign(
                Some(Body::Text(black_box(body))),
                Some(black_box(timestamp)),
            )
            .unwrap()
    };
    // The HMAC input is the base64 payload, as sent in its header.
    let payload = sign().header("payload").unwrap().to_owned();
    let floor = (Algorithm::Sha512, field(&input, "secret"), payload);
    let expected = field(&expect["headers"], "signature");
    sign_and_floor(c, "remitquickly", sign, expected, floor).finish();
}

fn bench_pgprints(c: &mut Criterion) {
    let (input, expect) = first_case("pgprints");
    let signer = PGPrints::new(field(&input, "secret_key")).unwrap();
    let body = field(&input, "body_json");
    let sign = || signer.sign(Body::Text(black_box(body))).unwrap();
    let floor = (
        Algorithm::Sha256,
        field(&input, "secret_key"),
        sign().string_to_sign,
    );
    let expected = field(&expect["headers"], "X-PGPrints-Hmac-Sha256");
    let mut group = sign_and_floor(c, "pgprints", sign, expected, floor);
    // Work the scheme needs beyond the floor: canonicalizing the body.
    group.bench_function("body", |b| {
        b.iter(|| json::canonicalize(black_box(body)).unwrap())
    });
    group.finish();
}

fn bench_onchainpay(c: &mut Criterion) {
    let (input, expect) = first_case("onchainpay");
    let signer =
        OnchainPay::new(field(&input, "public_key"), field(&input, "private_key")).unwrap();
    let payload = field(&input, "payload_json");
    let nonce = Number::from_u64(input["nonce"].as_u64().expect("a numeric nonce")).unwrap();
    let sign = || {
        signer
            .sign(Body::Text(black_box(payload)), Some(Nonce::Number(nonce)))
            .unwrap()
    };
    let floor = (
        Algorithm::Sha256,
        field(&input, "private_key"),
        sign().string_to_sign,
    );
    let expected = field(&expect["headers"], "x-api-signature");
    let mut group = sign_and_floor(c, "onchainpay", sign, expected, floor);
    // Work the scheme needs beyond the floor: canonicalizing the payload.
    group.bench_function("body", |b| {
        b.iter(|| json::canonicalize(black_box(payload)).unwrap())
    });
    group.finish();
}

/// A deterministic document of orders, at least `min_len` bytes, written
/// as a client would send it (spaces after `:` and `,`, which canonical
/// JSON drops). It has nested objects, non-ASCII text, escapes, decimals
/// (some with a trailing zero that canonical JSON drops) and integers.
fn order_document(min_len: usize) -> String {
    const NAMES: [&str; 6] = [
        "Jane Doe",
        "José Müller",
        "Zoë O'Brien",
        "李小龍",
        r#"Ana \"Nita\" Silva"#,
        "Søren Kierkegård",
    ];
    const CITIES: [&str; 4] = ["Zürich", "Paris", "São Paulo", "Kraków"];
    const SKUS: [&str; 5] = ["TSHIRT-M", "MUG-11OZ", "POSTER-A2", "HOODIE-L", "CAP"];
    // A small linear congruential generator: the same document every run.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let mut orders = Vec::new();
    let mut len = 0;
    let mut id = 1000;
    while len < min_len {
        id += 1;
        let mut items = Vec::new();
        for _ in 0..1 + next(3) {
            items.push(format!(
                r#"{{"sku": "{}", "qty": {}, "price": {}.{:02}, "note": "gift wrap\n\"fragile\" — thanks/merci"}}"#,
                SKUS[next(5) as usize],
                1 + next(4),
                next(200),
                next(10) * 10, // sometimes a trailing zero: 12.50 -> 12.5
            ));
        }
        let order = format!(
            r#"{{"order_id": "A-{id}", "created": {}, "paid": {}, "customer": {{"name": "{}", "email": "buyer{id}@example.com", "address": {{"line1": "{} Rue de l'Église", "city": "{}", "zip": "80{:03}"}}}}, "items": [{}], "discount": 0.{:02}, "currency": "EUR", "tags": ["web", "promo\t2024"], "coupon": null}}"#,
            1_700_000_000_000u64 + next(1_000_000_000),
            next(2) == 0,
            NAMES[next(6) as usize],
            1 + next(200),
            CITIES[next(4) as usize],
            next(1000),
            items.join(", "),
            next(100),
        );
        len += order.len() + 2;
        orders.push(order);
    }
    format!(
        r#"{{"merchant": "shop-42", "orders": [{}], "count": {}}}"#,
        orders.join(", "),
        orders.len()
    )
}

/// `json` as a paysig value, members in document order.
fn to_value(json: &Json) -> Value {
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => Value::Number(
            n.as_u64()
                .map(Number::from_u64)
                .unwrap_or_else(|| Number::from_f64(n.as_f64().unwrap_or_default()))
                .expect("bench numbers are exact"),
        ),
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::Array(items.iter().map(to_value).collect()),
        Json::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), to_value(v)))
                .collect(),
        ),
    }
}

fn bench_canonicalize(c: &mut Criterion) {
    let mut group = c.benchmark_group("canonicalize");
    let large = order_document(64 * 1024);
    for (name, doc) in [("1KB", order_document(1024)), ("64KB", large.clone())] {
        // Throughput counts the input bytes, in decimal MB/s.
        group.throughput(Throughput::BytesDecimal(doc.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| json::canonicalize(black_box(&doc)).unwrap())
        });
    }
    let parsed: Json = serde_json::from_str(&large).expect("the document is JSON");
    let value = to_value(&parsed);
    // Same bytes out as the text path; throughput counts the output.
    let canonical = value.to_canonical().unwrap();
    assert_eq!(canonical, json::canonicalize(&large).unwrap());
    group.throughput(Throughput::BytesDecimal(canonical.len() as u64));
    group.bench_function("to_canonical_64KB", |b| {
        b.iter(|| black_box(&value).to_canonical().unwrap())
    });
    group.finish();
}

fn bench_hmac(c: &mut Criterion) {
    let data: Vec<u8> = (0..1 << 20).map(|i: u32| (i % 251) as u8).collect();
    let key = Key::new(Algorithm::Sha256, b"callback-secret").unwrap();
    let mut group = c.benchmark_group("hmac_sha256_1MiB");
    group.throughput(Throughput::BytesDecimal(data.len() as u64));
    group.bench_function("hmac", |b| b.iter(|| key.sign(black_box(&data))));
    group.bench_function("sha256", |b| {
        b.iter(|| sha2::Sha256::digest(black_box(&data)))
    });
    group.finish();
}

/// Where criterion writes its estimates (the order criterion itself uses,
/// except that it asks `cargo metadata` where we assume the workspace's
/// `target/`).
fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("criterion")
}

/// The typical time (slope when criterion fitted one, else mean) of
/// `group/function` in nanoseconds, from the latest run.
fn estimate_ns(group: &str, function: &str) -> Option<f64> {
    let path = criterion_dir()
        .join(group)
        .join(function)
        .join("new/estimates.json");
    let estimates: Json = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    let typical = match &estimates["slope"] {
        Json::Null => &estimates["mean"],
        slope => slope,
    };
    typical["point_estimate"].as_f64()
}

/// Prints the ratios the targets are stated in. Missing estimates (a
/// filtered run) are skipped.
fn summary() {
    println!("\n== paysig core benchmarks: summary (criterion estimates) ==");
    println!(
        "{:<14} {:>10} {:>10} {:>7}   target <= 1.5x",
        "sign", "sign ns", "floor ns", "ratio"
    );
    for scheme in SCHEMES {
        if let (Some(sign), Some(floor)) =
            (estimate_ns(scheme, "sign"), estimate_ns(scheme, "floor"))
        {
            let ratio = sign / floor;
            let verdict = if ratio <= 1.5 { "ok" } else { "MISS" };
            println!("{scheme:<14} {sign:>10.1} {floor:>10.1} {ratio:>6.2}x   {verdict}");
            // The body work (MD5, canonical JSON) is part of any sign but
            // not of the floor: floor + body is the least a sign can cost.
            if let Some(body) = estimate_ns(scheme, "body") {
                let least = floor + body;
                println!(
                    "{:<14} {:>10} {least:>10.1} {:>6.2}x   floor + body work ({body:.1} ns)",
                    "",
                    "",
                    least / floor
                );
            }
        }
    }
    if let Some(ns) = estimate_ns("cryptopay", "sign_default_date") {
        println!(
            "{:<14} {ns:>10.1}   (cryptopay, Date formatted by paysig)",
            ""
        );
    }
    let large = order_document(64 * 1024);
    for (function, bytes) in [
        ("1KB", order_document(1024).len()),
        ("64KB", large.len()),
        (
            "to_canonical_64KB",
            json::canonicalize(&large).map_or(0, |s| s.len()),
        ),
    ] {
        if let Some(ns) = estimate_ns("canonicalize", function) {
            // bytes per nanosecond = GB/s; * 1000 = MB/s.
            let mbps = bytes as f64 / ns * 1000.0;
            println!("canonicalize {function:<18} {bytes:>6} B {mbps:>8.0} MB/s   target >= 300 MB/s at 64KB");
        }
    }
    if let (Some(hmac), Some(sha)) = (
        estimate_ns("hmac_sha256_1MiB", "hmac"),
        estimate_ns("hmac_sha256_1MiB", "sha256"),
    ) {
        let gbps = |ns: f64| f64::from(1u32 << 20) / ns;
        println!(
            "hmac-sha256 1 MiB {:.2} GB/s, sha256 {:.2} GB/s, ratio {:.3}x   target <= 1.10x",
            gbps(hmac),
            gbps(sha),
            hmac / sha
        );
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench_cryptopay(&mut c);
    bench_aquapay(&mut c);
    bench_remitquickly(&mut c);
    bench_pgprints(&mut c);
    bench_onchainpay(&mut c);
    bench_canonicalize(&mut c);
    bench_hmac(&mut c);
    c.final_summary();
    // `cargo bench` passes --bench; `cargo test --benches` runs each bench
    // once without it, and then there is nothing worth summarising.
    if std::env::args().any(|a| a == "--bench") {
        summary();
    }
}
