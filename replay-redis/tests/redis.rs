//! RedisReplayGuard against a real redis-server (tests/support): exactly
//! once under concurrency, expiry, increasing values, and failing closed
//! when Redis is down, frozen, or restarted.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use paysig::schemes::{Aquapay, Scheme};
use paysig::verify::{FixedClock, Keyring, ReplayError, ReplayGuard, Request, Verifier};
use paysig::ErrorCode;
use paysig_replay_redis::RedisReplayGuard;
use support::RedisServer;

fn guard(server: &RedisServer) -> RedisReplayGuard {
    RedisReplayGuard::new(&server.url())
        .unwrap()
        .with_timeout(Duration::from_millis(200))
}

#[test]
fn a_token_is_recorded_once_and_expires() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let guard = guard(&server);
    guard.ping().unwrap();
    assert_eq!(guard.check_and_record("s", "t", 0, 300), Ok(()));
    assert_eq!(
        guard.check_and_record("s", "t", 0, 300),
        Err(ReplayError::Replayed)
    );
    // Another scope, or a token that only looks alike, is another entry.
    assert_eq!(guard.check_and_record("s2", "t", 0, 300), Ok(()));
    assert_eq!(guard.check_and_record("s:t", "", 0, 300), Ok(()));
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(guard.check_and_record("s", "t", 0, 300), Ok(()));
}

/// At capacity new tokens are refused, none forgotten; room comes back as
/// entries expire.
#[test]
fn full_means_refused_not_forgotten() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let guard = guard(&server).with_capacity(3);
    for token in ["a", "b", "c"] {
        assert_eq!(guard.check_and_record("s", token, 0, 300), Ok(()));
    }
    assert!(matches!(
        guard.check_and_record("s", "d", 0, 300),
        Err(ReplayError::Unavailable(_))
    ));
    // Still remembered, still refused as replays.
    assert_eq!(
        guard.check_and_record("s", "a", 0, 300),
        Err(ReplayError::Replayed)
    );
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(guard.check_and_record("s", "d", 0, 300), Ok(()));
}

#[test]
fn increasing_values_compare_exactly_above_2_pow_53() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let guard = guard(&server);
    let big = 9_007_199_254_740_993; // 2^53 + 1: a double cannot tell it from 2^53
    assert_eq!(
        guard.check_increasing("k", 9_007_199_254_740_992, 0),
        Ok(())
    );
    assert_eq!(guard.check_increasing("k", big, 0), Ok(()));
    assert_eq!(
        guard.check_increasing("k", big, 0),
        Err(ReplayError::Replayed)
    );
    assert_eq!(
        guard.check_increasing("k", 99, 0),
        Err(ReplayError::NotIncreasing)
    );
    assert_eq!(guard.check_increasing("k", u64::MAX, 0), Ok(()));
    assert_eq!(
        guard.check_increasing("k", u64::MAX, 0),
        Err(ReplayError::Replayed)
    );
    assert_eq!(guard.check_increasing("other", 1, 0), Ok(()));
    assert_eq!(guard.check_increasing("other", 10, 0), Ok(()));
    assert_eq!(
        guard.check_increasing("other", 9, 0),
        Err(ReplayError::NotIncreasing)
    );
}

/// Two guards (as on two machines) and 8 threads race on the same 2,000
/// tokens and increasing values: each token is accepted exactly once, and
/// each value of the increasing sequence at most once.
#[test]
fn exactly_once_between_two_guards_under_concurrency() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let guards = [Arc::new(guard(&server)), Arc::new(guard(&server))];
    let accepted = Arc::new(AtomicUsize::new(0));
    let increasing = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let guard = Arc::clone(&guards[i % 2]);
            let accepted = Arc::clone(&accepted);
            let increasing = Arc::clone(&increasing);
            std::thread::spawn(move || {
                for token in 0..2000u64 {
                    match guard.check_and_record("race", &token.to_string(), 0, 60_000) {
                        Ok(()) => accepted.fetch_add(1, Ordering::Relaxed),
                        Err(ReplayError::Replayed) => 0,
                        Err(e) => panic!("{e}"),
                    };
                    match guard.check_increasing("race", token, 0) {
                        Ok(()) => increasing.fetch_add(1, Ordering::Relaxed),
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
    assert_eq!(accepted.load(Ordering::Relaxed), 2000);
    let increasing = increasing.load(Ordering::Relaxed);
    assert!((1..=2000).contains(&increasing), "{increasing}");
}

#[test]
fn killed_frozen_and_restarted_redis() {
    let Some(mut server) = RedisServer::start() else {
        return;
    };
    let guard = guard(&server);
    assert_eq!(guard.check_and_record("s", "1", 0, 60_000), Ok(()));

    // Frozen: the pooled connection gets no answer; refused within about
    // the timeout, never accepted.
    server.pause();
    let started = Instant::now();
    let frozen = guard.check_and_record("s", "2", 0, 60_000);
    let waited = started.elapsed();
    server.resume();
    assert!(
        matches!(frozen, Err(ReplayError::Unavailable(_))),
        "{frozen:?}"
    );
    assert!(waited < Duration::from_secs(2), "{waited:?}");

    // Killed: refused, for both operations.
    server.stop();
    for _ in 0..3 {
        assert!(matches!(
            guard.check_and_record("s", "3", 0, 60_000),
            Err(ReplayError::Unavailable(_))
        ));
        assert!(matches!(
            guard.check_increasing("s", 5, 0),
            Err(ReplayError::Unavailable(_))
        ));
    }

    // Restarted (empty: no persistence): the same guard works again, the
    // Lua script is loaded again, nothing is restarted on our side.
    server.restart();
    assert_eq!(guard.check_and_record("s", "3", 0, 60_000), Ok(()));
    assert_eq!(guard.check_increasing("s", 5, 0), Ok(()));
    assert_eq!(
        guard.check_increasing("s", 5, 0),
        Err(ReplayError::Replayed)
    );
}

#[test]
fn a_verifier_on_redis_refuses_replays_and_fails_closed() {
    let Some(mut server) = RedisServer::start() else {
        return;
    };
    let now = 1_700_000_000_000;
    let mut keys = Keyring::new();
    keys.add("key-1", "secret-1").unwrap();
    let shared = Arc::new(guard(&server));
    let verifier = |guard: &Arc<RedisReplayGuard>| {
        Verifier::new(Scheme::Aquapay, keys.clone())
            .with_clock(Arc::new(FixedClock(now)))
            .with_replay_guard(Arc::clone(guard) as Arc<dyn ReplayGuard>)
    };
    // Two verifiers, as on two machines behind a load balancer.
    let (first, second) = (verifier(&shared), verifier(&Arc::new(guard(&server))));
    let signer = Aquapay::new("key-1", "secret-1").unwrap();
    let signed = |nonce: i64| {
        signer
            .sign("POST", "/pay", Some(&nonce.to_string()))
            .unwrap()
    };
    let verify = |verifier: &Verifier, nonce: i64| {
        let signed = signed(nonce);
        let headers: Vec<(&str, &str)> = signed
            .headers
            .iter()
            .map(|(n, v)| (*n, v.as_str()))
            .collect();
        verifier.verify(&Request {
            method: "POST",
            path: "/pay",
            headers: &headers,
            body: b"",
        })
    };
    assert_eq!(verify(&first, now).unwrap(), "key-1");
    let replay = verify(&second, now).unwrap_err();
    assert_eq!(replay.code(), ErrorCode::NonceReused);
    assert_eq!(verify(&second, now + 1).unwrap(), "key-1");

    server.stop();
    let down = verify(&first, now + 2).unwrap_err();
    assert_eq!(down.code(), ErrorCode::ReplayStoreUnavailable);
    assert_eq!(down.status(), 503);
    server.restart();
    assert_eq!(verify(&first, now + 2).unwrap(), "key-1");
}
