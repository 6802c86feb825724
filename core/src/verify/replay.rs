//! Refusing replayed requests: the [`ReplayGuard`] trait and its in-memory
//! implementation.
//!
//! The trait has the two operations a shared store can do atomically, so a
//! Redis implementation is one command each: `SET scope:token 1 NX PX ttl`
//! for [`ReplayGuard::check_and_record`], and a short Lua script (compare
//! with the stored value, store when greater) for
//! [`ReplayGuard::check_increasing`]. A store that cannot answer returns
//! [`ReplayError::Unavailable`]: the verifier then refuses the request
//! (HTTP 503) rather than let a possible replay through.

use std::cmp::Reverse;
use std::collections::hash_map::RandomState;
use std::collections::{BinaryHeap, HashMap};
use std::fmt;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, MutexGuard};

/// Why a guard refused a token.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplayError {
    /// Seen before (for an increasing value: equal to the last one
    /// accepted).
    Replayed,
    /// An increasing value lower than the last one accepted: not known to
    /// be a replay (only the last value is kept), but out of order.
    NotIncreasing,
    /// The store cannot answer (down, or full): the request must be refused.
    /// The reason describes the store, never the token.
    Unavailable(String),
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::Replayed => f.write_str("replayed"),
            ReplayError::NotIncreasing => f.write_str("not increasing"),
            ReplayError::Unavailable(reason) => write!(f, "replay store unavailable: {reason}"),
        }
    }
}

impl std::error::Error for ReplayError {}

/// Remembers what was accepted, so the same request is accepted once.
///
/// Scopes keep the schemes and keys apart (e.g. `aquapay:KEY_ID`); the
/// verifier only consults the guard after the signature is verified, so
/// only key holders can add entries.
pub trait ReplayGuard: Send + Sync {
    /// Records `token` in `scope` for `ttl_ms` milliseconds from `now_ms`,
    /// or refuses it with [`ReplayError::Replayed`] when it is already
    /// recorded and not expired. Atomic: of many concurrent calls with the
    /// same scope and token, exactly one succeeds.
    fn check_and_record(
        &self,
        scope: &str,
        token: &str,
        now_ms: i64,
        ttl_ms: i64,
    ) -> Result<(), ReplayError>;

    /// Records `value` as the last one of `scope` when it is greater than
    /// the last recorded, or refuses it: [`ReplayError::Replayed`] when
    /// equal, [`ReplayError::NotIncreasing`] when lower.
    /// Atomic, as above. These entries do not expire.
    fn check_increasing(&self, scope: &str, value: u64, now_ms: i64) -> Result<(), ReplayError>;
}

impl<G: ReplayGuard + ?Sized> ReplayGuard for Arc<G> {
    fn check_and_record(
        &self,
        scope: &str,
        token: &str,
        now_ms: i64,
        ttl_ms: i64,
    ) -> Result<(), ReplayError> {
        (**self).check_and_record(scope, token, now_ms, ttl_ms)
    }

    fn check_increasing(&self, scope: &str, value: u64, now_ms: i64) -> Result<(), ReplayError> {
        (**self).check_increasing(scope, value, now_ms)
    }
}

/// The default capacity of a [`MemoryReplayGuard`]: 100,000 entries
/// (roughly 15 MB at most).
pub const DEFAULT_CAPACITY: usize = 100_000;

const SHARDS: usize = 16;

/// An in-memory [`ReplayGuard`] for one process: thread-safe (16 locked
/// shards), and bounded.
///
/// Entries are evicted when they expire (each insertion first drops the
/// expired entries of its shard, oldest first, from a min-heap — no
/// sweeps). **At capacity** — when a shard holds `capacity / 16` live
/// entries — new tokens are refused with [`ReplayError::Unavailable`]
/// until entries expire: evicting a live entry would let its request be
/// replayed, so the guard fails closed. Only requests with valid signatures
/// reach the guard, so only a key holder can fill it; size the capacity
/// for the peak accepted rate × the window (Aquapay: rate × 30 s).
pub struct MemoryReplayGuard {
    shards: Vec<Mutex<Shard>>,
    shard_capacity: usize,
    hasher: RandomState,
}

#[derive(Default)]
struct Shard {
    /// `scope \0 token` → expiry (milliseconds since the epoch).
    expiring: HashMap<Arc<str>, i64>,
    /// The same entries by expiry, soonest first.
    by_expiry: BinaryHeap<Reverse<(i64, Arc<str>)>>,
    /// Scope → last accepted value (never expires).
    increasing: HashMap<Box<str>, u64>,
}

impl Shard {
    fn len(&self) -> usize {
        self.expiring.len() + self.increasing.len()
    }

    fn evict_expired(&mut self, now_ms: i64) {
        while let Some(Reverse((expiry, _))) = self.by_expiry.peek() {
            if *expiry > now_ms {
                break;
            }
            if let Some(Reverse((expiry, key))) = self.by_expiry.pop() {
                if self.expiring.get(&key) == Some(&expiry) {
                    self.expiring.remove(&key);
                }
            }
        }
        // Give memory back after a burst.
        if self.by_expiry.capacity() > 64 && self.by_expiry.len() < self.by_expiry.capacity() / 4 {
            self.by_expiry.shrink_to(self.by_expiry.len() * 2);
            self.expiring.shrink_to(self.expiring.len() * 2);
        }
    }
}

impl MemoryReplayGuard {
    /// A guard holding at most `capacity` live entries (at least 16).
    pub fn new(capacity: usize) -> MemoryReplayGuard {
        let shard_capacity = capacity.div_ceil(SHARDS).max(1);
        MemoryReplayGuard {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            shard_capacity,
            hasher: RandomState::new(),
        }
    }

    /// The number of live entries (expired ones may still be counted until
    /// their shard is next written to).
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).len()).sum()
    }

    /// Whether no entry is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The capacity: the most entries it holds.
    pub fn capacity(&self) -> usize {
        self.shard_capacity * SHARDS
    }

    fn shard(&self, key: &str) -> MutexGuard<'_, Shard> {
        let index = (self.hasher.hash_one(key) % SHARDS as u64) as usize;
        lock(&self.shards[index])
    }

    fn full() -> ReplayError {
        ReplayError::Unavailable("the in-memory replay guard is full".into())
    }
}

/// A poisoned lock only means another thread panicked while holding it;
/// the maps stay consistent (every update is a single insert/remove), so
/// carry on.
fn lock(shard: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
    shard
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Default for MemoryReplayGuard {
    fn default() -> MemoryReplayGuard {
        MemoryReplayGuard::new(DEFAULT_CAPACITY)
    }
}

impl fmt::Debug for MemoryReplayGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryReplayGuard")
            .field("capacity", &self.capacity())
            .finish_non_exhaustive()
    }
}

impl ReplayGuard for MemoryReplayGuard {
    fn check_and_record(
        &self,
        scope: &str,
        token: &str,
        now_ms: i64,
        ttl_ms: i64,
    ) -> Result<(), ReplayError> {
        let key: Arc<str> = Arc::from(format!("{scope}\0{token}"));
        let mut shard = self.shard(&key);
        shard.evict_expired(now_ms);
        if shard.expiring.contains_key(&key) {
            return Err(ReplayError::Replayed);
        }
        if shard.len() >= self.shard_capacity {
            return Err(MemoryReplayGuard::full());
        }
        let expiry = now_ms.saturating_add(ttl_ms.max(1));
        shard.expiring.insert(Arc::clone(&key), expiry);
        shard.by_expiry.push(Reverse((expiry, key)));
        Ok(())
    }

    fn check_increasing(&self, scope: &str, value: u64, now_ms: i64) -> Result<(), ReplayError> {
        let mut shard = self.shard(scope);
        shard.evict_expired(now_ms);
        let full = shard.len() >= self.shard_capacity;
        match shard.increasing.get_mut(scope) {
            Some(last) if value == *last => Err(ReplayError::Replayed),
            Some(last) if value < *last => Err(ReplayError::NotIncreasing),
            Some(last) => {
                *last = value;
                Ok(())
            }
            None if full => Err(MemoryReplayGuard::full()),
            None => {
                shard.increasing.insert(scope.into(), value);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_accepted_once_until_it_expires() {
        let guard = MemoryReplayGuard::new(64);
        assert_eq!(guard.check_and_record("s", "t", 1000, 10), Ok(()));
        assert_eq!(
            guard.check_and_record("s", "t", 1005, 10),
            Err(ReplayError::Replayed)
        );
        assert_eq!(guard.check_and_record("other", "t", 1005, 10), Ok(()));
        // Expired at 1010: accepted again (the time window refuses it
        // before it gets here in a verifier).
        assert_eq!(guard.check_and_record("s", "t", 1010, 10), Ok(()));
    }

    #[test]
    fn full_means_refused_not_forgotten() {
        let guard = MemoryReplayGuard::new(16);
        let mut accepted = 0;
        let mut refused = 0;
        for i in 0..1000 {
            match guard.check_and_record("s", &i.to_string(), 0, 100) {
                Ok(()) => accepted += 1,
                Err(ReplayError::Unavailable(_)) => refused += 1,
                Err(e) => panic!("{e}"),
            }
        }
        assert!(accepted <= 16 && refused >= 984, "{accepted} {refused}");
        assert!(guard.len() <= 16);
        // Once they expire there is room again.
        assert_eq!(guard.check_and_record("s", "late", 100, 100), Ok(()));
        assert!(guard.len() <= 16);
    }

    #[test]
    fn increasing_values() {
        let guard = MemoryReplayGuard::default();
        assert_eq!(guard.check_increasing("k", 5, 0), Ok(()));
        assert_eq!(
            guard.check_increasing("k", 5, 0),
            Err(ReplayError::Replayed)
        );
        assert_eq!(
            guard.check_increasing("k", 4, 0),
            Err(ReplayError::NotIncreasing)
        );
        assert_eq!(guard.check_increasing("k", 6, 0), Ok(()));
        assert_eq!(guard.check_increasing("j", 1, 0), Ok(()));
    }
}
