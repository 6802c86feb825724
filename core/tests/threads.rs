//! Thread safety under load: one Verifier (its in-memory replay guard) and
//! one signer of each scheme shared by many threads. Results must be what
//! one thread alone gets; each nonce is accepted exactly once between all
//! threads. (Safe Rust rules out data races in this code; what these tests
//! look for is logic races: check-then-insert, lost updates.)

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

use paysig::schemes::{Aquapay, Body, Nonce, OnchainPay, Scheme};
use paysig::verify::{
    FixedClock, Keyring, MemoryReplayGuard, NoncePolicy, ReplayError, ReplayGuard, Request,
    Verifier,
};
use paysig::ErrorCode;

const THREADS: usize = 16;
const NOW: i64 = 1_700_000_000_000;

fn keys() -> Keyring {
    let mut keys = Keyring::new();
    keys.add("k", "s").unwrap();
    keys
}

/// Every thread sends the same 2,000 signed requests (in different
/// orders): each is accepted by exactly one thread, refused as a replay by
/// the others.
#[test]
fn one_verifier_many_threads_each_nonce_once() {
    let verifier =
        Arc::new(Verifier::new(Scheme::Aquapay, keys()).with_clock(Arc::new(FixedClock(NOW))));
    let signer = Aquapay::new("k", "s").unwrap();
    let requests: Arc<Vec<_>> = Arc::new(
        (0..2000)
            .map(|i| {
                signer
                    .sign("POST", "/pay", Some(&(NOW - 10_000 + i).to_string()))
                    .unwrap()
                    .headers
            })
            .collect(),
    );
    let accepted = Arc::new(AtomicUsize::new(0));
    let barrier = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let (verifier, requests) = (Arc::clone(&verifier), Arc::clone(&requests));
            let (accepted, barrier) = (Arc::clone(&accepted), Arc::clone(&barrier));
            std::thread::spawn(move || {
                barrier.wait();
                for i in 0..requests.len() {
                    // Half the threads go forwards, half backwards.
                    let index = if t % 2 == 0 {
                        i
                    } else {
                        requests.len() - 1 - i
                    };
                    let headers: Vec<(&str, &str)> = requests[index]
                        .iter()
                        .map(|(n, v)| (*n, v.as_str()))
                        .collect();
                    let request = Request {
                        method: "POST",
                        path: "/pay",
                        headers: &headers,
                        body: b"",
                    };
                    match verifier.verify(&request) {
                        Ok(id) => {
                            assert_eq!(id, "k");
                            accepted.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => assert_eq!(e.code(), ErrorCode::NonceReused),
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(accepted.load(Ordering::Relaxed), 2000);
}

/// OnchainPay `increasing`: every thread sends the same rising values;
/// each value is accepted at most once between them (a lost update would
/// accept one twice), and the guard ends at the largest.
#[test]
fn increasing_nonces_under_contention() {
    let guard = Arc::new(MemoryReplayGuard::default());
    let accepted = Arc::new(AtomicUsize::new(0));
    let barrier = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let (guard, accepted, barrier) = (
                Arc::clone(&guard),
                Arc::clone(&accepted),
                Arc::clone(&barrier),
            );
            std::thread::spawn(move || {
                barrier.wait();
                for value in 1..=20_000u64 {
                    match guard.check_increasing("scope", value, 0) {
                        Ok(()) => accepted.fetch_add(1, Ordering::Relaxed),
                        Err(ReplayError::Replayed | ReplayError::NotIncreasing) => 0,
                        Err(e) => panic!("{e}"),
                    };
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let accepted = accepted.load(Ordering::Relaxed);
    assert!((1..=20_000).contains(&accepted), "{accepted}");
    assert_eq!(
        guard.check_increasing("scope", 20_000, 0),
        Err(ReplayError::Replayed)
    );
    assert_eq!(guard.check_increasing("scope", 20_001, 0), Ok(()));
}

/// The guard itself: many threads, many scopes, a small capacity. Exactly
/// once per (scope, token); never more live entries than the capacity;
/// "full" is reported, not a silent acceptance.
#[test]
fn memory_guard_exactly_once_and_bounded() {
    let guard = Arc::new(MemoryReplayGuard::new(4096));
    let accepted = Arc::new(AtomicUsize::new(0));
    let full = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let (guard, accepted, full) =
                (Arc::clone(&guard), Arc::clone(&accepted), Arc::clone(&full));
            std::thread::spawn(move || {
                for i in 0..20_000 {
                    let scope = format!("s{}", i % 7);
                    match guard.check_and_record(&scope, &i.to_string(), 0, 60_000) {
                        Ok(()) => accepted.fetch_add(1, Ordering::Relaxed),
                        Err(ReplayError::Replayed) => 0,
                        Err(ReplayError::Unavailable(_)) => full.fetch_add(1, Ordering::Relaxed),
                        Err(e) => panic!("{e}"),
                    };
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let accepted = accepted.load(Ordering::Relaxed);
    assert!(accepted <= guard.capacity(), "{accepted}");
    assert!(accepted >= 4096 * 3 / 4, "{accepted}"); // shards fill unevenly
    assert!(full.load(Ordering::Relaxed) > 0);
    assert!(guard.len() <= guard.capacity());
}

/// One signer per scheme shared by all threads gives, in every thread, what
/// it gives in one.
#[test]
fn shared_signers_agree_with_themselves() {
    let signer = Arc::new(OnchainPay::new("pk", "sk").unwrap());
    let nonce = || Nonce::Text("1700000000000");
    let expected = signer
        .sign(Body::Text(r#"{"b":[1,2.50],"a":"é"}"#), Some(nonce()))
        .unwrap();
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let (signer, expected) = (Arc::clone(&signer), expected.clone());
            std::thread::spawn(move || {
                for _ in 0..5000 {
                    let got = signer
                        .sign(Body::Text(r#"{"b":[1,2.50],"a":"é"}"#), Some(nonce()))
                        .unwrap();
                    assert_eq!(got, expected);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    // Unique-policy verification of the same request from many threads.
    let verifier = Arc::new(
        Verifier::new(Scheme::OnchainPay, {
            let mut k = Keyring::new();
            k.add("pk", "sk").unwrap();
            k
        })
        .with_clock(Arc::new(FixedClock(NOW)))
        .with_nonce_policy(NoncePolicy::Unique),
    );
    let body = expected.body.clone().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let (verifier, expected, body) =
                (Arc::clone(&verifier), expected.clone(), body.clone());
            let accepted = Arc::clone(&accepted);
            std::thread::spawn(move || {
                let headers: Vec<(&str, &str)> = expected
                    .headers
                    .iter()
                    .map(|(n, v)| (*n, v.as_str()))
                    .collect();
                let request = Request {
                    method: "POST",
                    path: "/",
                    headers: &headers,
                    body: body.as_bytes(),
                };
                if verifier.verify(&request).is_ok() {
                    accepted.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(accepted.load(Ordering::Relaxed), 1);
}
