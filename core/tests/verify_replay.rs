//! Replay protection and time windows: the replay guard under many
//! threads, and the verifier's windows at their edges. The signed requests
//! come from tests/vectors/verify.json (signed by the providers' Node code).

use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;

use paysig::verify::{
    Clock, Keyring, MemoryReplayGuard, NoncePolicy, ReplayError, ReplayGuard, Request, Target,
    Verifier,
};
use serde_json::Value;

const THREADS: usize = 16;

/// A clock the test moves.
struct ManualClock(AtomicI64);

impl Clock for ManualClock {
    fn now_millis(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// The input of the verify.json case called `name`.
fn case(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/verify.json");
    let text = std::fs::read_to_string(path).expect("verify.json");
    let vectors: Value = serde_json::from_str(&text).expect("JSON");
    vectors["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no case {name}"))["input"]
        .clone()
}

fn keyring(input: &Value) -> Keyring {
    let mut keyring = Keyring::new();
    for (id, secrets) in input["keys"].as_object().expect("keys") {
        for secret in secrets.as_array().expect("secrets") {
            keyring
                .add(id, secret.as_str().expect("secret"))
                .expect("key");
        }
    }
    keyring
}

/// The first request of a case, owned.
struct Owned {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Owned {
    fn of(input: &Value) -> Owned {
        let r = &input["requests"][0];
        Owned {
            method: r["method"].as_str().expect("method").into(),
            path: r["path"].as_str().expect("path").into(),
            headers: r["headers"]
                .as_array()
                .expect("headers")
                .iter()
                .map(|h| {
                    (
                        h[0].as_str().expect("n").into(),
                        h[1].as_str().expect("v").into(),
                    )
                })
                .collect(),
            body: r["body"].as_str().unwrap_or("").as_bytes().to_vec(),
        }
    }

    fn verify(&self, verifier: &Verifier) -> Result<String, paysig::verify::AuthError> {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        verifier.verify(&Request {
            method: &self.method,
            path: &self.path,
            headers: &headers,
            body: &self.body,
        })
    }
}

/// `THREADS` threads released at once each call `attempt`; returns how
/// many succeeded.
fn race(attempt: impl Fn() -> bool + Sync) -> usize {
    let barrier = Barrier::new(THREADS);
    let wins = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                barrier.wait();
                if attempt() {
                    wins.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
    });
    wins.into_inner()
}

#[test]
fn the_guard_accepts_a_token_exactly_once_under_contention() {
    let guard = MemoryReplayGuard::default();
    for round in 0..200 {
        let token = format!("nonce-{round}");
        let wins = race(|| {
            guard
                .check_and_record("scope", &token, 1000, 30_000)
                .is_ok()
        });
        assert_eq!(wins, 1, "round {round}");
    }
    // Strictly increasing: of many threads offering the same value, one.
    for value in 1..200u64 {
        let wins = race(|| guard.check_increasing("key", value, 0).is_ok());
        assert_eq!(wins, 1, "value {value}");
    }
}

#[test]
fn the_guard_keeps_unique_tokens_apart_under_contention() {
    let guard = MemoryReplayGuard::new(THREADS * 1000);
    let next = AtomicUsize::new(0);
    let wins = race(|| {
        let mut all = true;
        for _ in 0..1000 {
            let n = next.fetch_add(1, Ordering::SeqCst);
            all &= guard.check_and_record("s", &n.to_string(), 0, 10).is_ok();
        }
        all
    });
    // Shards fill unevenly, so a few may be refused as full — never as
    // replayed.
    assert!(wins > 0);
    for n in 0..THREADS * 1000 {
        let again = guard.check_and_record("s", &n.to_string(), 5, 10);
        assert!(
            matches!(
                again,
                Err(ReplayError::Replayed) | Err(ReplayError::Unavailable(_))
            ),
            "{n}: {again:?}"
        );
    }
    // Expired: all room again.
    assert!(guard.check_and_record("s", "0", 10, 10).is_ok());
}

#[test]
fn the_guard_stays_bounded_under_a_flood_of_unique_tokens() {
    let guard = MemoryReplayGuard::new(1024);
    let mut now = 0;
    let mut refused_full = 0;
    for n in 0..200_000u64 {
        // A new millisecond every 100 tokens; entries live 50 ms.
        if n % 100 == 0 {
            now += 1;
        }
        match guard.check_and_record("s", &n.to_string(), now, 50) {
            Ok(()) => {}
            Err(ReplayError::Unavailable(_)) => refused_full += 1,
            Err(e) => panic!("{n}: {e}"),
        }
        assert!(guard.len() <= guard.capacity());
    }
    // 100 tokens/ms × 50 ms = 5000 live > 1024: the excess was refused.
    assert!(refused_full > 0);
    assert!(guard.len() <= 1024);
}

fn verifier_for(name: &str) -> (Verifier, Owned, i64) {
    let input = case(name);
    let target: Target = input["scheme"]
        .as_str()
        .expect("scheme")
        .parse()
        .expect("target");
    let now = input["now_ms"].as_i64().expect("now");
    let mut verifier = Verifier::for_target(target, keyring(&input))
        .with_clock(Arc::new(paysig::verify::FixedClock(now)));
    if let Some(policy) = input["nonce_policy"].as_str() {
        verifier = verifier.with_nonce_policy(policy.parse::<NoncePolicy>().expect("a policy"));
    }
    (verifier, Owned::of(&input), now)
}

#[test]
fn the_same_signed_request_from_many_threads_is_accepted_once() {
    for name in [
        "aquapay: POST",
        "remitquickly: JSON body",
        "onchainpay: the documented example (no time window by default)",
        "onchainpay timestamp: out of order within the window",
        "onchainpay default: two counter clients on one key (Node, Go SDKs)",
    ] {
        let (verifier, request, _) = verifier_for(name);
        let refusals = AtomicUsize::new(0);
        let wins = race(|| match request.verify(&verifier) {
            Ok(_) => true,
            Err(e) => {
                assert_eq!(e.code().as_str(), "nonce_reused", "{name}");
                refusals.fetch_add(1, Ordering::SeqCst);
                false
            }
        });
        assert_eq!(wins, 1, "{name}");
        assert_eq!(refusals.into_inner(), THREADS - 1, "{name}");
    }
}

/// The window's edges: a timestamp exactly `tolerance` old or ahead is
/// accepted, one millisecond more is refused.
#[test]
fn time_windows_are_inclusive_at_their_edges() {
    for (name, timestamp_of) in [
        ("aquapay: POST", "x-nonce"),
        ("cryptopay: POST with a JSON body", "Date"),
    ] {
        let input = case(name);
        let request = Owned::of(&input);
        let value = &request
            .headers
            .iter()
            .find(|(n, _)| n == timestamp_of)
            .expect("timestamp header")
            .1;
        let signed_at = value
            .parse::<i64>()
            .or_else(|_| {
                httpdate::parse_http_date(value).map(|t| {
                    t.duration_since(std::time::UNIX_EPOCH)
                        .expect("after 1970")
                        .as_millis() as i64
                })
            })
            .expect("a timestamp");
        let target: Target = input["scheme"].as_str().expect("s").parse().expect("t");
        let tolerance = target.default_tolerance_ms();
        for (now, expected) in [
            (signed_at + tolerance, Ok(())),
            (signed_at + tolerance + 1, Err("timestamp_expired")),
            (signed_at - tolerance, Ok(())),
            (signed_at - tolerance - 1, Err("ahead_of_time")),
        ] {
            let verifier = Verifier::for_target(target, keyring(&input))
                .with_clock(Arc::new(paysig::verify::FixedClock(now)));
            let got = request
                .verify(&verifier)
                .map(|_| ())
                .map_err(|e| e.code().as_str());
            assert_eq!(
                got,
                expected,
                "{name} at now = signed + {}",
                now - signed_at
            );
        }
    }
}

/// A replay stays refused for as long as the time window would accept it,
/// and after that the window refuses it: there is no moment in between
/// when it gets through (the guard's entry outlives the window).
#[test]
fn a_replay_never_gets_through_as_the_clock_moves() {
    for name in ["aquapay: POST", "remitquickly: JSON body"] {
        let input = case(name);
        let request = Owned::of(&input);
        let now = input["now_ms"].as_i64().expect("now");
        let clock = Arc::new(ManualClock(AtomicI64::new(now)));
        let target: Target = input["scheme"].as_str().expect("s").parse().expect("t");
        let verifier = Verifier::for_target(target, keyring(&input))
            .with_clock(clock.clone())
            .with_replay_guard(Arc::new(MemoryReplayGuard::new(64)));
        assert!(request.verify(&verifier).is_ok(), "{name}");
        for step in (0..=2 * target.default_tolerance_ms()).step_by(997) {
            clock.0.store(now + step, Ordering::SeqCst);
            let code = request.verify(&verifier).expect_err("a replay").code();
            assert!(
                matches!(code.as_str(), "nonce_reused" | "timestamp_expired"),
                "{name} +{step} ms: {code}"
            );
        }
    }
}

/// Entries that enter the guard are only those of authentic requests: a
/// flood of forged requests leaves it empty.
#[test]
fn forged_requests_never_reach_the_guard() {
    let (_, request, now) = verifier_for("aquapay: POST");
    let input = case("aquapay: POST");
    let guard = Arc::new(MemoryReplayGuard::new(64));
    let verifier = Verifier::for_target(Target::Request(paysig::Scheme::Aquapay), keyring(&input))
        .with_clock(Arc::new(paysig::verify::FixedClock(now)))
        .with_replay_guard(guard.clone());
    for n in 0..1000 {
        let mut forged = Owned::of(&input);
        for (name, value) in &mut forged.headers {
            if name == "x-nonce" {
                *value = (now - n).to_string();
            }
        }
        let code = forged.verify(&verifier).expect_err("forged").code();
        assert_eq!(code.as_str(), "invalid_signature");
    }
    assert!(guard.is_empty(), "{}", guard.len());
    // The authentic one does enter it.
    assert!(request.verify(&verifier).is_ok());
    assert_eq!(guard.len(), 1);
}
