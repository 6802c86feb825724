//! The cost of the C ABI, measured (not asserted): each scheme's sign
//! through core directly, and through the exported C function as a C
//! caller uses it (sign, read the parts, free). Same inputs as
//! tests/c/bench.c. Run with
//! `cargo test --release -p paysig-ffi overhead -- --ignored --nocapture`
//! (`make bench-c`); BENCHMARKS.md has the numbers. Target: the
//! difference within 150 ns.

use std::hint::black_box;
use std::os::raw::c_char;
use std::ptr::{null, null_mut};
use std::time::Instant;

use paysig_core::json::Number;
use paysig_core::schemes::{
    Aquapay, Body, Cryptopay, CryptopayRequest, Nonce, OnchainPay, PGPrints, RemitQuickly,
};

use crate::signed::{paysig_signed, paysig_signed_free, paysig_signed_parts};
use crate::signer::*;

const BODY: &str = r#"{"order_id":"A-1001","items":[{"sku":"TSHIRT-M","qty":2,"price":12.5}],"shipping":{"name":"Jane","country":"US"}}"#;
const DATE: &str = "Tue, 25 Sep 2018 17:41:40 GMT";
const ITERATIONS: u32 = 100_000;

fn p(s: &str) -> *const c_char {
    s.as_ptr().cast()
}

/// Nanoseconds per call of `f`, over one round.
fn round(f: &mut impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..ITERATIONS {
        f();
    }
    start.elapsed().as_nanos() as f64 / f64::from(ITERATIONS)
}

/// The best of ten rounds of each, alternating, so that load from other
/// processes hits both alike.
fn compare(scheme: &str, mut rust: impl FnMut(), mut ffi: impl FnMut()) {
    let (mut best_rust, mut best_ffi) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..10 {
        best_rust = best_rust.min(round(&mut rust));
        best_ffi = best_ffi.min(round(&mut ffi));
    }
    report(scheme, best_rust, best_ffi);
}

fn signer(scheme: &str, key_id: &str) -> *mut paysig_signer {
    let mut out = null_mut();
    let secret = "bench-secret";
    // SAFETY: live strings and a valid out pointer.
    let result = unsafe {
        paysig_signer_new(
            p(scheme),
            scheme.len(),
            p(key_id),
            key_id.len(),
            p(secret),
            secret.len(),
            &mut out,
            null_mut(),
        )
    };
    assert_eq!(result as u32, 0);
    out
}

/// What a binding does with a result: read it, free it.
fn consume(result: crate::result::paysig_result, signed: *mut paysig_signed) {
    assert_eq!(result as u32, 0);
    // SAFETY: a live result, freed once.
    unsafe {
        black_box((*paysig_signed_parts(signed)).signature_len);
        paysig_signed_free(signed);
    }
}

fn report(scheme: &str, rust: f64, ffi: f64) {
    println!(
        "{scheme:<13} rust {rust:>8.1} ns   C ABI {ffi:>8.1} ns   overhead {:>6.1} ns",
        ffi - rust
    );
}

#[test]
#[ignore = "a benchmark: run it in release mode, on a quiet machine"]
fn overhead() {
    let path = "/payment/v1/requestPaymentAddress";
    let mut handles = Vec::new();

    let rust = Cryptopay::new("key", "bench-secret").unwrap();
    let ffi = signer("cryptopay", "key");
    handles.push(ffi);
    let request = CryptopayRequest {
        body: Some(Body::Text(BODY)),
        date: Some(DATE),
        ..CryptopayRequest::new("POST", "/api/invoices")
    };
    compare(
        "cryptopay",
        || {
            black_box(rust.sign(black_box(&request)).unwrap());
        },
        || {
            let mut out = null_mut();
            // SAFETY: live inputs and a valid out pointer.
            let result = unsafe {
                paysig_cryptopay_sign(
                    ffi,
                    p("POST"),
                    4,
                    p("/api/invoices"),
                    13,
                    p(BODY),
                    BODY.len(),
                    null(),
                    0,
                    p(DATE),
                    DATE.len(),
                    &mut out,
                    null_mut(),
                )
            };
            consume(result, out);
        },
    );

    let rust = Aquapay::new("key", "bench-secret").unwrap();
    let ffi = signer("aquapay", "key");
    handles.push(ffi);
    compare(
        "aquapay",
        || {
            black_box(rust.sign("POST", path, Some("1628654316000")).unwrap());
        },
        || {
            let mut out = null_mut();
            // SAFETY: live inputs and a valid out pointer.
            let result = unsafe {
                paysig_aquapay_sign(
                    ffi,
                    p("POST"),
                    4,
                    p(path),
                    path.len(),
                    p("1628654316000"),
                    13,
                    &mut out,
                    null_mut(),
                )
            };
            consume(result, out);
        },
    );

    let rust = RemitQuickly::new("key", "bench-secret").unwrap();
    let ffi = signer("remitquickly", "key");
    handles.push(ffi);
    compare(
        "remitquickly",
        || {
            black_box(
                rust.sign(Some(Body::Text(BODY)), Some("1700000000000"))
                    .unwrap(),
            );
        },
        || {
            let mut out = null_mut();
            // SAFETY: live inputs and a valid out pointer.
            let result = unsafe {
                paysig_remitquickly_sign(
                    ffi,
                    p(BODY),
                    BODY.len(),
                    p("1700000000000"),
                    13,
                    &mut out,
                    null_mut(),
                )
            };
            consume(result, out);
        },
    );

    let rust = PGPrints::new("bench-secret").unwrap();
    let ffi = signer("pgprints", "");
    handles.push(ffi);
    compare(
        "pgprints",
        || {
            black_box(rust.sign(Body::Text(BODY)).unwrap());
        },
        || {
            let mut out = null_mut();
            // SAFETY: live inputs and a valid out pointer.
            let result =
                unsafe { paysig_pgprints_sign(ffi, p(BODY), BODY.len(), &mut out, null_mut()) };
            consume(result, out);
        },
    );

    let rust = OnchainPay::new("key", "bench-secret").unwrap();
    let ffi = signer("onchainpay", "key");
    handles.push(ffi);
    compare(
        "onchainpay",
        || {
            let nonce = Nonce::Number(Number::parse("1643881172430").unwrap());
            black_box(rust.sign(Body::Text(BODY), Some(nonce)).unwrap());
        },
        || {
            let mut out = null_mut();
            // SAFETY: live inputs and a valid out pointer.
            let result = unsafe {
                paysig_onchainpay_sign(
                    ffi,
                    p(BODY),
                    BODY.len(),
                    p("1643881172430"),
                    13,
                    &mut out,
                    null_mut(),
                )
            };
            consume(result, out);
        },
    );

    for handle in handles {
        // SAFETY: each signer made above, freed once.
        unsafe { paysig_signer_free(handle) };
    }
}
