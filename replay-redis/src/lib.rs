//! paysig's [`ReplayGuard`] on Redis, for verifiers running on several
//! machines behind a load balancer: a nonce accepted by one of them is
//! refused by all the others.
//!
//! - [`ReplayGuard::check_and_record`] is one Lua script (atomic in
//!   Redis): drop the expired entries from an index sorted by expiry, then
//!   set the key unless it exists, and unless the index already holds the
//!   capacity's worth of live entries. Of many concurrent requests with the
//!   same nonce, on any number of machines, exactly one sets the key.
//!   Memory is bounded: at capacity new tokens are refused
//!   ([`ReplayError::Unavailable`], HTTP 503) and no live entry is ever
//!   evicted, as in core's in-memory guard. Expiry uses Redis's clock.
//! - [`ReplayGuard::check_increasing`] is one Lua script: store the value
//!   when it is greater than the stored one; equal is a replay, lower is
//!   [`ReplayError::NotIncreasing`]. Values are compared as decimal strings
//!   (length, then digits), not as Lua numbers, which are doubles and lose
//!   precision above 2^53.
//!
//! It **fails closed**: when Redis cannot be reached, answers an error, or
//! does not answer within the timeout, the guard returns
//! [`ReplayError::Unavailable`], and the verifier refuses the request with
//! `replay_store_unavailable` (HTTP 503) — never "accepted". Nothing needs
//! restarting when Redis comes back: a failed connection is dropped, and the
//! next request opens a new one.
//!
//! Keys are `PREFIX seen: scope NUL token` for tokens, `PREFIX index` for
//! the index of live tokens and `PREFIX last: scope` for increasing values
//! (default prefix `paysig:replay:`). One Redis server (or primary): the
//! script touches two keys, which a Redis Cluster would put in different
//! slots. The scope names the scheme and key id, which never
//! hold control characters, so the NUL keeps every (scope, token) pair
//! apart.
//!
//! ```no_run
//! use std::sync::Arc;
//! use std::time::Duration;
//! use paysig::schemes::Scheme;
//! use paysig::verify::{Keyring, Verifier};
//! use paysig_replay_redis::RedisReplayGuard;
//!
//! let guard = RedisReplayGuard::new("redis://127.0.0.1:6379/")?
//!     .with_timeout(Duration::from_millis(200));
//! let mut keys = Keyring::new();
//! keys.add("KEY_ID", "secret")?;
//! let verifier = Verifier::new(Scheme::Aquapay, keys).with_replay_guard(Arc::new(guard));
//! # Ok::<(), paysig::Error>(())
//! ```

mod nonce_source;
mod pool;
pub use nonce_source::{RedisNonces, DEFAULT_NONCE_PREFIX};

use std::fmt;
use std::time::Duration;

use paysig::verify::{ReplayError, ReplayGuard};
use paysig::Result;
use redis::{Connection, RedisError, Script};

use pool::{what_failed, Pool};

/// The default time Redis has to answer (connecting included): 250 ms.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(250);

/// The default key prefix.
pub const DEFAULT_PREFIX: &str = "paysig:replay:";

/// The default capacity: at most this many live tokens (about 100 MB of
/// Redis memory with the index, at 100 bytes a token).
pub const DEFAULT_CAPACITY: usize = 1_000_000;

/// Stores `ARGV[1]` at `KEYS[1]` when it is greater than what is stored
/// there (1); equal is 0, lower -1. Both are decimal integers without
/// leading zeros, so comparing lengths and then the digits compares the
/// numbers exactly.
const INCREASING: &str = r"
local last = redis.call('GET', KEYS[1])
local value = ARGV[1]
if last and last == value then
  return 0
end
if last and (#last > #value or (#last == #value and last > value)) then
  return -1
end
redis.call('SET', KEYS[1], value)
return 1
";

/// Records token key `KEYS[1]` for `ARGV[1]` ms, indexed in the sorted set
/// `KEYS[2]` by expiry, unless it is there (0) or the index holds
/// `ARGV[2]` live tokens (-1); 1 when recorded. Expired index entries go
/// first, so only live tokens count.
const SEEN: &str = r"
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then
  return -1
end
redis.call('SET', KEYS[1], 1, 'PX', ARGV[1])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), KEYS[1])
return 1
";

/// A [`ReplayGuard`] on one Redis server (or one primary). Thread-safe:
/// each call takes a connection from a small pool.
pub struct RedisReplayGuard {
    pool: Pool,
    prefix: String,
    capacity: usize,
    increasing: Script,
    seen: Script,
}

impl fmt::Debug for RedisReplayGuard {
    // The URL may hold a password: it is not shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisReplayGuard")
            .field("timeout", &self.pool.read_timeout)
            .field("prefix", &self.prefix)
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl RedisReplayGuard {
    /// A guard on the Redis at `url` (`redis://[:password@]host[:port][/db]`
    /// or `redis+unix:///path`), with [`DEFAULT_TIMEOUT`] and
    /// [`DEFAULT_PREFIX`]. It does not connect yet: see [`Self::ping`].
    /// Refuses a URL that cannot be read (`invalid_argument`; the message
    /// does not repeat the URL, which may hold a password).
    pub fn new(url: &str) -> Result<RedisReplayGuard> {
        Ok(RedisReplayGuard {
            pool: Pool::open(url, DEFAULT_TIMEOUT)?,
            prefix: DEFAULT_PREFIX.to_owned(),
            capacity: DEFAULT_CAPACITY,
            increasing: Script::new(INCREASING),
            seen: Script::new(SEEN),
        })
    }

    /// The same guard, waiting at most `timeout` for Redis (to connect, and
    /// then for each answer); past it the request is refused. Zero means the
    /// default.
    pub fn with_timeout(mut self, timeout: Duration) -> RedisReplayGuard {
        let timeout = if timeout.is_zero() {
            DEFAULT_TIMEOUT
        } else {
            timeout
        };
        self.pool.connect_timeout = timeout;
        self.pool.read_timeout = timeout;
        self
    }

    /// The same guard with another key prefix (to share one Redis between
    /// services that must not see each other's nonces).
    pub fn with_prefix(mut self, prefix: &str) -> RedisReplayGuard {
        prefix.clone_into(&mut self.prefix);
        self
    }

    /// The same guard holding at most `capacity` live tokens (at least 1);
    /// beyond, new tokens are refused until entries expire. Shared by
    /// every guard using the same Redis and prefix.
    pub fn with_capacity(mut self, capacity: usize) -> RedisReplayGuard {
        self.capacity = capacity.max(1);
        self
    }

    /// The capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The timeout.
    pub fn timeout(&self) -> Duration {
        self.pool.read_timeout
    }

    /// Checks that Redis answers (PING) within the timeout.
    pub fn ping(&self) -> std::result::Result<(), ReplayError> {
        self.run(|connection| redis::cmd("PING").query::<String>(connection))
            .map(|_| ())
    }

    fn key(&self, scope: &str, token: &str) -> String {
        format!("{}seen:{scope}\0{token}", self.prefix)
    }

    fn index_key(&self) -> String {
        format!("{}index", self.prefix)
    }

    fn last_key(&self, scope: &str) -> String {
        format!("{}last:{scope}", self.prefix)
    }

    fn run<T>(
        &self,
        command: impl FnOnce(&mut Connection) -> redis::RedisResult<T>,
    ) -> std::result::Result<T, ReplayError> {
        self.pool.run(command).map_err(unavailable)
    }
}

/// Redis's failure as the guard's: what kind, never a key or a token.
fn unavailable(error: RedisError) -> ReplayError {
    let what = what_failed(&error);
    if error.is_timeout() || error.is_connection_refusal() || error.is_io_error() {
        ReplayError::Unavailable(what.to_owned())
    } else {
        ReplayError::Unavailable(format!("{what} ({:?})", error.kind()))
    }
}

impl ReplayGuard for RedisReplayGuard {
    fn check_and_record(
        &self,
        scope: &str,
        token: &str,
        _now_ms: i64,
        ttl_ms: i64,
    ) -> std::result::Result<(), ReplayError> {
        let key = self.key(scope, token);
        // Redis keeps time for the expiry; the verifier's clock has already
        // placed the request within its window.
        let ttl_ms = ttl_ms.max(1);
        let stored: i64 = self.run(|connection| {
            self.seen
                .key(&key)
                .key(self.index_key())
                .arg(ttl_ms)
                .arg(self.capacity)
                .invoke(connection)
        })?;
        match stored {
            1 => Ok(()),
            0 => Err(ReplayError::Replayed),
            _ => Err(ReplayError::Unavailable(
                "the Redis replay guard is full".into(),
            )),
        }
    }

    fn check_increasing(
        &self,
        scope: &str,
        value: u64,
        _now_ms: i64,
    ) -> std::result::Result<(), ReplayError> {
        let key = self.last_key(scope);
        let stored: i64 = self.run(|connection| {
            self.increasing
                .key(&key)
                .arg(value.to_string())
                .invoke(connection)
        })?;
        match stored {
            1 => Ok(()),
            0 => Err(ReplayError::Replayed),
            _ => Err(ReplayError::NotIncreasing),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn bad_urls_are_refused_without_being_repeated() {
        let error = RedisReplayGuard::new("http://user:hunter2@example").unwrap_err();
        assert_eq!(error.code(), paysig::ErrorCode::InvalidArgument);
        assert!(!error.message().contains("hunter2"));
    }

    #[test]
    fn debug_hides_the_url() {
        let guard = RedisReplayGuard::new("redis://:hunter2@127.0.0.1:1/").unwrap();
        assert!(!format!("{guard:?}").contains("hunter2"));
    }

    #[test]
    fn keys_keep_scope_and_token_apart() {
        let guard = RedisReplayGuard::new("redis://127.0.0.1:1/").unwrap();
        assert_ne!(guard.key("a:b", "c"), guard.key("a", "b:c"));
        assert_eq!(guard.key("s", "t"), "paysig:replay:seen:s\0t");
        assert_eq!(guard.last_key("s"), "paysig:replay:last:s");
    }

    #[test]
    fn nothing_listening_fails_closed() {
        // Port 1 on loopback: nothing listens there, the refusal is
        // immediate.
        let guard = RedisReplayGuard::new("redis://127.0.0.1:1/").unwrap();
        assert!(matches!(
            guard.check_and_record("s", "t", 0, 1000),
            Err(ReplayError::Unavailable(_))
        ));
        assert!(matches!(
            guard.check_increasing("s", 1, 0),
            Err(ReplayError::Unavailable(_))
        ));
    }
}
