//! Verifying signed requests and callbacks, as the providers' servers do.
//!
//! One [`Verifier`] type; the scheme is chosen at construction and its
//! rules live in the provider's file (`schemes/<provider>.rs`, section
//! "Verification"). What the schemes share is here:
//!
//! - a [`Keyring`]: key id → one or more secrets (during a rotation any
//!   listed secret verifies);
//! - an injectable [`Clock`] and a tolerance window per verifier;
//! - a [`ReplayGuard`] for nonces and timestamps ([`MemoryReplayGuard`] by
//!   default);
//! - the input, a [`Request`]: method, path with query, headers, raw body;
//! - the result: the authenticated key id, or an [`AuthError`] with a stable
//!   code, the HTTP status and the provider's own message.
//!
//! Checks run in one order everywhere: the headers needed to find the key
//! and the signature → the key is known → the signature → what the signed
//! data says (payload fields, nonce) → the time window → the body matches
//! → replay. So a request that is not authentic learns nothing about time
//! windows or nonces, and nothing enters the replay guard unless it was
//! signed by a key holder.
//!
//! # Timing
//!
//! Signatures are compared in constant time after decoding. When a key id
//! is unknown, the verifier still computes as many MACs (with a dummy key)
//! as a known id would cost: every verification does exactly
//! [`Keyring::max_secrets`] MAC computations, so timing does not tell which
//! ids exist (Cryptopay answers every failure with the same 401 body, so
//! this matters there; where the error code already says `invalid_api_key`
//! it costs nothing). Schemes without a key id in the request (PGPrints,
//! Cryptopay callbacks) try every secret of the keyring, without stopping
//! at the first match. What timing still shows: the size of the keyring.

pub(crate) mod checks;
pub(crate) mod dates;
pub(crate) mod refusal;
pub(crate) mod replay;
pub(crate) mod request;

use std::fmt;
use std::sync::Arc;

use zeroize::Zeroizing;

pub use crate::clock::{Clock, FixedClock, SystemClock};
pub use checks::{Checks, NoncePolicy, ONCHAINPAY_NONCE_RETENTION_MS};
pub use refusal::{AuthError, ErrorStyle, Explanation, TimeWindow, EXPLANATION_LIMIT};
pub use replay::{MemoryReplayGuard, ReplayError, ReplayGuard, DEFAULT_CAPACITY};
pub use request::{DuplicateHeader, Request};

use crate::error::{Error, Result};
use crate::mac::{Algorithm, Key};
use crate::schemes::{self, Scheme};

/// Cryptopay's allowed clock offset on `Date`: 15 minutes.
pub const CRYPTOPAY_TOLERANCE_MS: i64 = 15 * 60 * 1000;
/// Aquapay's nonce age window *(our choice)*: 30 seconds.
pub const AQUAPAY_TOLERANCE_MS: i64 = 30 * 1000;
/// RemitQuickly's allowed clock skew *(our choice)*: 60 seconds.
pub const REMITQUICKLY_TOLERANCE_MS: i64 = 60 * 1000;
/// OnchainPay's nonce window under [`NoncePolicy::Timestamp`] *(our
/// choice)*: 30 seconds.
pub const ONCHAINPAY_TOLERANCE_MS: i64 = 30 * 1000;

/// Key id → secrets. `Debug` shows the ids only; secrets are zeroized on
/// drop.
#[derive(Clone, Default)]
pub struct Keyring {
    keys: Vec<(String, Vec<Zeroizing<String>>)>,
}

impl Keyring {
    /// An empty keyring.
    pub fn new() -> Keyring {
        Keyring::default()
    }

    /// Adds `secret` to `key_id` (a second secret for the same id is a
    /// rotation: either verifies). Refuses an empty id or secret and an id
    /// with control characters.
    pub fn add(&mut self, key_id: &str, secret: &str) -> Result<()> {
        if key_id.is_empty() {
            return Err(Error::invalid_argument("the key id is empty"));
        }
        schemes::check_header_safe("key id", key_id)?;
        if secret.is_empty() {
            return Err(Error::invalid_argument("the secret is empty"));
        }
        let secret = Zeroizing::new(secret.to_owned());
        match self.keys.iter_mut().find(|(id, _)| id == key_id) {
            Some((_, secrets)) => secrets.push(secret),
            None => self.keys.push((key_id.to_owned(), vec![secret])),
        }
        Ok(())
    }

    /// The key ids, in the order they were first added.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(id, _)| id.as_str())
    }

    /// The number of key ids.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there is no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The most secrets any one id has (at least 1): the number of MACs
    /// every keyed verification computes.
    pub fn max_secrets(&self) -> usize {
        self.keys.iter().map(|(_, s)| s.len()).max().unwrap_or(1)
    }
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("ids", &self.ids().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// What a [`Verifier`] verifies: a provider's request scheme, or
/// Cryptopay's callbacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// Requests signed with one of the five schemes.
    Request(Scheme),
    /// Cryptopay callbacks: `X-Cryptopay-Signature`, hex HMAC-SHA256 of the
    /// raw body with the callback secret.
    CryptopayCallback,
}

impl Target {
    /// `cryptopay-callback` or the scheme's name.
    pub fn name(self) -> &'static str {
        match self {
            Target::Request(scheme) => scheme.name(),
            Target::CryptopayCallback => "cryptopay-callback",
        }
    }

    fn algorithm(self) -> Algorithm {
        match self {
            Target::Request(Scheme::Cryptopay) => Algorithm::Sha1,
            Target::Request(Scheme::Aquapay) => Algorithm::Sha384,
            Target::Request(Scheme::RemitQuickly) => Algorithm::Sha512,
            Target::Request(Scheme::PGPrints | Scheme::OnchainPay) => Algorithm::Sha256,
            Target::CryptopayCallback => Algorithm::Sha256,
        }
    }

    /// The default tolerance window in milliseconds (PROVIDERS.md).
    pub fn default_tolerance_ms(self) -> i64 {
        match self {
            Target::Request(Scheme::Cryptopay) => CRYPTOPAY_TOLERANCE_MS,
            Target::Request(Scheme::Aquapay) => AQUAPAY_TOLERANCE_MS,
            Target::Request(Scheme::RemitQuickly) => REMITQUICKLY_TOLERANCE_MS,
            Target::Request(Scheme::OnchainPay) => ONCHAINPAY_TOLERANCE_MS,
            // No timestamp in these schemes: the window is unused.
            Target::Request(Scheme::PGPrints) | Target::CryptopayCallback => 0,
        }
    }
}

impl std::str::FromStr for Target {
    type Err = Error;

    /// A scheme name, or `cryptopay-callback`.
    fn from_str(name: &str) -> Result<Target> {
        if name.eq_ignore_ascii_case("cryptopay-callback") {
            return Ok(Target::CryptopayCallback);
        }
        name.parse::<Scheme>().map(Target::Request).map_err(|_| {
            Error::invalid_argument(
                "unknown scheme (cryptopay, cryptopay-callback, aquapay, remitquickly, pgprints, onchainpay)",
            )
        })
    }
}

/// Verifies requests of one scheme against a keyring. Safe to share
/// between threads.
#[derive(Clone)]
pub struct Verifier {
    target: Target,
    checks: Checks,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("target", &self.target)
            .field("ids", &self.checks.ids().collect::<Vec<_>>())
            .field("checks", &self.checks)
            .finish()
    }
}

impl Verifier {
    /// A verifier for `scheme` with the defaults of PROVIDERS.md: the
    /// system clock, the scheme's tolerance, a fresh [`MemoryReplayGuard`]
    /// and, for OnchainPay, [`NoncePolicy::Unique`] with
    /// [`ONCHAINPAY_NONCE_RETENTION_MS`].
    pub fn new(scheme: Scheme, keyring: Keyring) -> Verifier {
        Verifier::for_target(Target::Request(scheme), keyring)
    }

    /// A verifier of Cryptopay callbacks; each keyring entry's secret is a
    /// callback secret, and the key id returned is that entry's id.
    pub fn cryptopay_callback(keyring: Keyring) -> Verifier {
        Verifier::for_target(Target::CryptopayCallback, keyring)
    }

    /// A verifier for `target`, with the defaults.
    pub fn for_target(target: Target, keyring: Keyring) -> Verifier {
        let algorithm = target.algorithm();
        let keys = keyring
            .keys
            .iter()
            .map(|(id, secrets)| {
                // Keyring::add refuses empty secrets, the only thing
                // Key::new refuses.
                let built = secrets
                    .iter()
                    .filter_map(|s| Key::new(algorithm, s.as_bytes()).ok())
                    .collect();
                (id.clone(), built)
            })
            .collect();
        let dummy = match Key::new(algorithm, b"paysig dummy key for unknown ids") {
            Ok(key) => key,
            Err(_) => unreachable!("a non-empty key is always accepted"),
        };
        Verifier {
            target,
            checks: Checks::new(keys, dummy, target.default_tolerance_ms()),
        }
    }

    /// The same verifier with another tolerance window (milliseconds, each
    /// way).
    pub fn with_tolerance_ms(mut self, ms: i64) -> Verifier {
        self.checks.set_tolerance_ms(ms);
        self
    }

    /// The same verifier reading time from `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Verifier {
        self.checks.set_clock(clock);
        self
    }

    /// The same verifier recording nonces in `guard` (share one guard
    /// between verifiers of one service, or use a shared store).
    pub fn with_replay_guard(mut self, guard: Arc<dyn ReplayGuard>) -> Verifier {
        self.checks.set_replay_guard(guard);
        self
    }

    /// The same verifier with another OnchainPay nonce policy (ignored by
    /// the other schemes).
    pub fn with_nonce_policy(mut self, policy: NoncePolicy) -> Verifier {
        self.checks.set_nonce_policy(policy);
        self
    }

    /// The same verifier remembering OnchainPay nonces for `ms`
    /// milliseconds under [`NoncePolicy::Unique`] (ignored otherwise).
    pub fn with_nonce_retention_ms(mut self, ms: i64) -> Verifier {
        self.checks.set_nonce_retention_ms(ms);
        self
    }

    /// What this verifier verifies.
    pub fn target(&self) -> Target {
        self.target
    }

    /// The tolerance window in milliseconds.
    pub fn tolerance_ms(&self) -> i64 {
        self.checks.tolerance_ms()
    }

    /// The OnchainPay nonce policy.
    pub fn nonce_policy(&self) -> NoncePolicy {
        self.checks.nonce_policy()
    }

    /// Verifies `request`: the authenticated key id, or why not. A refusal
    /// carries a request id derived from the request (public values only)
    /// unless the scheme set one; a server may replace it with its own
    /// ([`AuthError::with_request_id`]).
    pub fn verify(&self, request: &Request<'_>) -> std::result::Result<String, AuthError> {
        let checks = &self.checks;
        let outcome = match self.target {
            Target::Request(Scheme::Cryptopay) => schemes::cryptopay::verify(checks, request),
            Target::Request(Scheme::Aquapay) => schemes::aquapay::verify(checks, request),
            Target::Request(Scheme::RemitQuickly) => schemes::remitquickly::verify(checks, request),
            Target::Request(Scheme::PGPrints) => schemes::pgprints::verify(checks, request),
            Target::Request(Scheme::OnchainPay) => schemes::onchainpay::verify(checks, request),
            Target::CryptopayCallback => schemes::cryptopay::verify_callback(checks, request),
        };
        outcome.map_err(|error| {
            if error.request_id().is_empty() {
                let id = request.derived_id();
                error.with_request_id(id)
            } else {
                error
            }
        })
    }
}

/// Verifies a Cryptopay callback: `signature` (the `X-Cryptopay-Signature`
/// value, hex in either case) must be HMAC-SHA256(callback_secret, body)
/// over the raw body bytes. Parse the JSON only after this succeeds.
pub fn verify_cryptopay_callback(
    callback_secret: &str,
    body: &[u8],
    signature: &str,
) -> std::result::Result<(), AuthError> {
    schemes::cryptopay::verify_callback_signature(callback_secret, body, signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyring_debug_shows_ids_only() {
        let mut ring = Keyring::new();
        ring.add("k1", "very-secret-1").expect("accepted");
        ring.add("k1", "very-secret-2").expect("accepted");
        ring.add("k2", "very-secret-3").expect("accepted");
        let shown = format!("{ring:?}");
        assert!(shown.contains("k1") && shown.contains("k2"));
        assert!(!shown.contains("very-secret"), "{shown}");
        assert_eq!(ring.max_secrets(), 2);
        let verifier = Verifier::new(Scheme::Aquapay, ring);
        assert!(!format!("{verifier:?}").contains("very-secret"));
    }

    #[test]
    fn keyring_refuses_what_cannot_be_right() {
        let mut ring = Keyring::new();
        assert!(ring.add("", "s").is_err());
        assert!(ring.add("k", "").is_err());
        assert!(ring.add("k\n", "s").is_err());
        assert!(ring.is_empty());
    }
}
