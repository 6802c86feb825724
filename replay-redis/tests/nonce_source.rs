//! RedisNonces against a real redis-server (tests/support): two sources
//! (as on two machines) and 8 threads never get the same value; a Redis
//! that is down, frozen or restarted fails loudly and then recovers, and
//! values keep increasing across a restart (EVALSHA reloads the script).

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod support;

use std::collections::HashSet;
use std::time::Duration;

use paysig::nonce::{NonceSource, Scope};
use paysig::schemes::{Aquapay, Scheme};
use paysig::ErrorCode;
use paysig_replay_redis::RedisNonces;
use std::sync::Arc;
use support::RedisServer;

const SCOPE: Scope<'static> = Scope {
    scheme: Scheme::Aquapay,
    key_id: "shared-key",
};

fn source(server: &RedisServer) -> RedisNonces {
    RedisNonces::new(&server.url())
        .unwrap()
        .with_timeouts(Duration::from_millis(200), Duration::from_millis(200))
}

#[test]
fn two_sources_and_many_threads_never_repeat() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let hosts = [source(&server), source(&server)];
    let per_thread: Vec<Vec<i64>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let host = &hosts[i % 2];
                s.spawn(move || {
                    (0..500)
                        .map(|_| host.next_nonce(SCOPE).unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut all = HashSet::new();
    for values in &per_thread {
        assert!(values.windows(2).all(|w| w[0] < w[1]), "not increasing");
        for v in values {
            assert!(all.insert(*v), "nonce {v} handed out twice");
        }
    }
    assert_eq!(all.len(), 4_000);
}

#[test]
fn down_frozen_and_restarted() {
    let Some(mut server) = RedisServer::start() else {
        return;
    };
    let nonces = Arc::new(source(&server));
    let signer = Aquapay::new("shared-key", "secret")
        .unwrap()
        .with_nonce_source(nonces.clone());
    let first = nonces.next_nonce(SCOPE).unwrap();

    server.pause();
    let err = signer.sign("GET", "/", None).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NonceSourceUnavailable, "{err}");
    assert!(err.message().contains("did not answer in time"), "{err}");
    server.resume();

    // The restarted Redis has lost the script (NOSCRIPT) and the value
    // (no persistence): the value comes back as the clock, still above
    // everything handed out before it.
    server.restart();
    let after = nonces.next_nonce(SCOPE).unwrap();
    assert!(after > first, "{after} after {first}");

    server.stop();
    let err = signer.sign("GET", "/", None).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NonceSourceUnavailable);
    assert!(
        !err.message().contains("shared-key") && !err.message().contains("127.0.0.1"),
        "{err}"
    );
}
