//! [`RedisNonces`]: a nonce source shared by every machine that uses one
//! Redis, for signers on several hosts with the same key.
//!
//! One round trip per nonce: a Lua script (atomic in Redis) that stores and
//! returns `max(now_ms, last + 1)` for the scope. `now_ms` is the clock of
//! the signing machine, sent with the call: the value is then never behind
//! the clock of the machine that signs (the promise every paysig source
//! makes), and the script reads no clock of its own, so it behaves the same
//! on every Redis version and replica. A machine whose clock runs ahead
//! pushes the shared value ahead with it; keep the hosts' clocks in sync
//! (NTP), as the providers' time windows require anyway.
//!
//! Keys are `PREFIX SCOPE-ID` ([`Scope::id`]: the scheme and a hash of the
//! key, never the key itself; default prefix `paysig:nonce:`), kept for a
//! day after their last use: long after any burst can have run ahead of the
//! clock, so a value that expires comes back as the clock, never lower than
//! one handed out before.
//!
//! Failure is loud: Redis unreachable, too slow (connect and read
//! timeouts), or answering an error fails the sign with
//! `nonce_source_unavailable`. A failed connection is dropped; the next
//! nonce connects again.

use std::fmt;
use std::time::Duration;

use paysig::clock::{Clock, SystemClock};
use paysig::nonce::{NonceSource, Scope};
use paysig::{Error, ErrorCode, Result};
use redis::{RedisError, Script};

use crate::pool::{what_failed, Pool};

/// The default key prefix of [`RedisNonces`].
pub const DEFAULT_NONCE_PREFIX: &str = "paysig:nonce:";

/// How long a scope's value is kept after its last use: one day.
const KEEP_MS: u64 = 86_400_000;

/// `max(now, last + 1)`, stored (kept `ARGV[2]` ms) and returned. Lua
/// numbers are doubles, exact for integers below 2^53 (year 287,396 in
/// milliseconds); `%d` writes the value back without an exponent.
const NEXT: &str = r"
local last = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local next = math.max(tonumber(ARGV[1]), last + 1)
redis.call('SET', KEYS[1], string.format('%d', next), 'PX', ARGV[2])
return string.format('%d', next)
";

/// A [`NonceSource`] on one Redis server (or one primary). Thread-safe.
pub struct RedisNonces {
    pool: Pool,
    prefix: String,
    next: Script,
}

impl fmt::Debug for RedisNonces {
    // The URL may hold a password: it is not shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisNonces")
            .field("connect_timeout", &self.pool.connect_timeout)
            .field("read_timeout", &self.pool.read_timeout)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisNonces {
    /// A source on the Redis at `url` (`redis://[:password@]host[:port][/db]`
    /// or `redis+unix:///path`) with 250 ms to connect and 250 ms for each
    /// answer. It does not connect yet. Refuses a URL that cannot be read
    /// (`invalid_argument`, without repeating the URL).
    pub fn new(url: &str) -> Result<RedisNonces> {
        Ok(RedisNonces {
            pool: Pool::open(url, crate::DEFAULT_TIMEOUT)?,
            prefix: DEFAULT_NONCE_PREFIX.to_owned(),
            next: Script::new(NEXT),
        })
    }

    /// The same source with these timeouts (zero keeps the current one):
    /// `connect` to open a connection, `read` for each answer.
    pub fn with_timeouts(mut self, connect: Duration, read: Duration) -> RedisNonces {
        if !connect.is_zero() {
            self.pool.connect_timeout = connect;
        }
        if !read.is_zero() {
            self.pool.read_timeout = read;
        }
        self
    }

    /// The same source with another key prefix.
    pub fn with_prefix(mut self, prefix: &str) -> RedisNonces {
        prefix.clone_into(&mut self.prefix);
        self
    }
}

impl NonceSource for RedisNonces {
    fn next_nonce(&self, scope: Scope<'_>) -> Result<i64> {
        let now = SystemClock.now_millis();
        // EVALSHA, and EVAL when Redis answers NOSCRIPT (a restarted Redis).
        let key = format!("{}{}", self.prefix, scope.id());
        let answer: String = self
            .pool
            .run(|connection| self.next.key(key).arg(now).arg(KEEP_MS).invoke(connection))
            .map_err(unavailable)?;
        let value = answer.parse::<i64>().map_err(|_| {
            Error::new(
                ErrorCode::NonceSourceUnavailable,
                "Redis answered something else than a nonce: is another program writing \
                 the paysig:nonce: keys?",
            )
        })?;
        Ok(value)
    }
}

/// What went wrong, and what to fix; never a key or the URL.
fn unavailable(error: RedisError) -> Error {
    let what = what_failed(&error);
    Error::new(
        ErrorCode::NonceSourceUnavailable,
        format!(
            "the Redis nonce source cannot hand out a nonce: {what} ({:?}); nothing was \
             signed: check that Redis is up and reachable, or raise the timeouts",
            error.kind()
        ),
    )
}
