//! The steps every scheme's verifier shares, with what they need: the
//! keys (MACs computed in constant time and count), the clock and its
//! window, the replay guard, the OnchainPay nonce policy. The schemes get
//! a [`Checks`] from the [`super::Verifier`]; this module imports nothing
//! from them.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use super::refusal::{Explanation, TimeWindow};
use super::replay::{MemoryReplayGuard, ReplayGuard};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::mac::{Encoding, Key};

/// How OnchainPay nonces are kept from being replayed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NoncePolicy {
    /// Each nonce — any JSON number or string — is accepted once per
    /// public key, remembered for the nonce retention (default
    /// [`ONCHAINPAY_NONCE_RETENTION_MS`]). What the docs ask ("each request
    /// must be accompanied by a unique value"), and what every official SDK
    /// satisfies: Python's random integers, Node's and Go's per-client
    /// counters, PHP's milliseconds. No time window.
    #[default]
    Unique,
    /// Each nonce (a JSON number, or a string of decimal digits) must be
    /// greater than the last one accepted for that public key: equal is
    /// `nonce_reused`, lower `nonce_not_increasing`. No time window.
    Increasing,
    /// Each nonce must be a millisecond timestamp within the tolerance
    /// window, and is accepted once within that window (in any order).
    Timestamp,
}

impl NoncePolicy {
    /// `unique`, `increasing` or `timestamp`.
    pub fn name(self) -> &'static str {
        match self {
            NoncePolicy::Unique => "unique",
            NoncePolicy::Increasing => "increasing",
            NoncePolicy::Timestamp => "timestamp",
        }
    }
}

impl std::str::FromStr for NoncePolicy {
    type Err = Error;

    fn from_str(name: &str) -> Result<NoncePolicy> {
        match name {
            "unique" => Ok(NoncePolicy::Unique),
            "increasing" => Ok(NoncePolicy::Increasing),
            "timestamp" => Ok(NoncePolicy::Timestamp),
            _ => Err(Error::invalid_argument(
                "unknown nonce policy (unique, increasing, timestamp)",
            )),
        }
    }
}

/// How long OnchainPay nonces are remembered under [`NoncePolicy::Unique`]
/// *(our choice)*: one hour. A replay later than this is accepted; longer
/// needs more room in the guard (rate × retention entries) and, with the
/// Python SDK's random nonces below 10^9, makes an honest repeat likelier.
pub const ONCHAINPAY_NONCE_RETENTION_MS: i64 = 60 * 60 * 1000;

/// The verifier's shared state, as the scheme files use it.
#[derive(Clone)]
pub struct Checks {
    keys: HashMap<String, Vec<Key>>,
    /// Every (id, key) pair, in keyring order, for schemes that carry no id.
    all_keys: Vec<(String, Key)>,
    max_secrets: usize,
    dummy: Key,
    tolerance_ms: i64,
    clock: Arc<dyn Clock>,
    replay: Arc<dyn ReplayGuard>,
    nonce_policy: NoncePolicy,
    nonce_retention_ms: i64,
}

impl fmt::Debug for Checks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Checks")
            .field(
                "ids",
                &self.all_keys.iter().map(|(id, _)| id).collect::<Vec<_>>(),
            )
            .field("tolerance_ms", &self.tolerance_ms)
            .field("nonce_policy", &self.nonce_policy)
            .field("nonce_retention_ms", &self.nonce_retention_ms)
            .finish_non_exhaustive()
    }
}

/// The outcome of [`Checks::check_keyed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyCheck {
    UnknownKey,
    BadSignature,
    Valid,
}

/// The outcome of [`Checks::check_window`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Window {
    Expired,
    Ahead,
    Within { ttl_ms: i64 },
}

impl Checks {
    /// `keys` (id → its keys, in keyring order), a `dummy` key of the same
    /// algorithm for unknown ids, and the defaults: the system clock, a
    /// fresh [`MemoryReplayGuard`], [`NoncePolicy::Unique`].
    pub(crate) fn new(keys: Vec<(String, Vec<Key>)>, dummy: Key, tolerance_ms: i64) -> Checks {
        let max_secrets = keys.iter().map(|(_, k)| k.len()).max().unwrap_or(1).max(1);
        let all_keys = keys
            .iter()
            .flat_map(|(id, ks)| ks.iter().map(move |k| (id.clone(), k.clone())))
            .collect();
        Checks {
            keys: keys.into_iter().collect(),
            all_keys,
            max_secrets,
            dummy,
            tolerance_ms,
            clock: Arc::new(SystemClock),
            replay: Arc::new(MemoryReplayGuard::default()),
            nonce_policy: NoncePolicy::default(),
            nonce_retention_ms: ONCHAINPAY_NONCE_RETENTION_MS,
        }
    }

    pub(crate) fn set_tolerance_ms(&mut self, ms: i64) {
        self.tolerance_ms = ms.max(0);
    }

    pub(crate) fn set_clock(&mut self, clock: Arc<dyn Clock>) {
        self.clock = clock;
    }

    pub(crate) fn set_replay_guard(&mut self, guard: Arc<dyn ReplayGuard>) {
        self.replay = guard;
    }

    pub(crate) fn set_nonce_policy(&mut self, policy: NoncePolicy) {
        self.nonce_policy = policy;
    }

    pub(crate) fn set_nonce_retention_ms(&mut self, ms: i64) {
        self.nonce_retention_ms = ms.max(1);
    }

    /// The ids, in keyring order (each once per secret).
    pub(crate) fn ids(&self) -> impl Iterator<Item = &str> {
        self.all_keys.iter().map(|(id, _)| id.as_str())
    }

    pub(crate) fn tolerance_ms(&self) -> i64 {
        self.tolerance_ms
    }

    pub(crate) fn now_ms(&self) -> i64 {
        self.clock.now_millis()
    }

    pub(crate) fn nonce_policy(&self) -> NoncePolicy {
        self.nonce_policy
    }

    pub(crate) fn nonce_retention_ms(&self) -> i64 {
        self.nonce_retention_ms
    }

    pub(crate) fn replay_guard(&self) -> &dyn ReplayGuard {
        self.replay.as_ref()
    }

    /// Checks `signature` against `message` for `key_id`, computing
    /// exactly `max_secrets` MACs whatever the outcome.
    pub(crate) fn check_keyed(
        &self,
        key_id: &str,
        message: &[u8],
        signature: &str,
        encoding: Encoding,
    ) -> KeyCheck {
        let decoded = encoding.decode(signature.trim());
        let expected = decoded.as_deref().unwrap_or(&[]);
        let secrets = self.keys.get(key_id);
        let mut matched = false;
        for i in 0..self.max_secrets {
            let key = secrets.and_then(|s| s.get(i)).unwrap_or(&self.dummy);
            // `|` and not `||`: every MAC is computed.
            matched |= key.verify(message, expected) & secrets.is_some_and(|s| i < s.len());
        }
        match (secrets, matched) {
            (None, _) => KeyCheck::UnknownKey,
            (Some(_), false) => KeyCheck::BadSignature,
            (Some(_), true) => KeyCheck::Valid,
        }
    }

    /// The id of the key whose MAC of `message` is `signature` (trying
    /// every key, without stopping at a match).
    pub(crate) fn find_key(&self, message: &[u8], expected: &[u8]) -> Option<&str> {
        let mut found = None;
        for (id, key) in &self.all_keys {
            if key.verify(message, expected) && found.is_none() {
                found = Some(id.as_str());
            }
        }
        found
    }

    /// The time-window check of a timestamp in milliseconds.
    pub(crate) fn check_window(&self, timestamp_ms: i64, now_ms: i64) -> Window {
        if timestamp_ms < now_ms.saturating_sub(self.tolerance_ms) {
            Window::Expired
        } else if timestamp_ms > now_ms.saturating_add(self.tolerance_ms) {
            Window::Ahead
        } else {
            Window::Within {
                // The entry must outlive the moment the timestamp would be
                // refused as expired anyway.
                ttl_ms: timestamp_ms
                    .saturating_add(self.tolerance_ms)
                    .saturating_sub(now_ms)
                    .saturating_add(1),
            }
        }
    }

    /// The explanation of a refusal by [`Self::check_window`].
    pub(crate) fn explain_window(&self, timestamp_ms: i64, now_ms: i64) -> Explanation {
        Explanation::of_window(TimeWindow {
            server_ms: now_ms,
            request_ms: timestamp_ms,
            tolerance_ms: self.tolerance_ms,
        })
    }
}

/// A decimal integer of milliseconds as the providers send `Date.now()`:
/// ASCII digits only, at most 16 of them (no sign, no spaces).
pub(crate) fn parse_millis(text: &str) -> Option<i64> {
    if text.is_empty() || text.len() > 16 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_are_plain_digits() {
        assert_eq!(parse_millis("1643881172430"), Some(1643881172430));
        for bad in ["", "-1", "+1", " 1", "1.5", "1e3", "12345678901234567"] {
            assert_eq!(parse_millis(bad), None, "{bad}");
        }
    }

    #[test]
    fn policies_by_name() {
        for policy in [
            NoncePolicy::Unique,
            NoncePolicy::Increasing,
            NoncePolicy::Timestamp,
        ] {
            assert_eq!(policy.name().parse::<NoncePolicy>().ok(), Some(policy));
        }
        assert!("sometimes".parse::<NoncePolicy>().is_err());
    }
}
