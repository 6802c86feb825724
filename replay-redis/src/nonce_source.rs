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
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use paysig::clock::{Clock, SystemClock};
use paysig::nonce::{NonceSource, Scope};
use paysig::{Error, ErrorCode, Result};
use redis::{Client, Connection, RedisError, Script};

/// The default key prefix of [`RedisNonces`].
pub const DEFAULT_NONCE_PREFIX: &str = "paysig:nonce:";

/// How long a scope's value is kept after its last use: one day.
const KEEP_MS: u64 = 86_400_000;

/// Idle connections kept for reuse.
const MAX_IDLE: usize = 64;

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
    client: Client,
    connect_timeout: Duration,
    read_timeout: Duration,
    prefix: String,
    next: Script,
    idle: Mutex<Vec<Connection>>,
}

impl fmt::Debug for RedisNonces {
    // The URL may hold a password: it is not shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisNonces")
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
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
        let client = Client::open(url).map_err(|_| {
            Error::invalid_argument(
                "the Redis URL is not valid (redis://[:password@]host[:port][/db])",
            )
        })?;
        Ok(RedisNonces {
            client,
            connect_timeout: crate::DEFAULT_TIMEOUT,
            read_timeout: crate::DEFAULT_TIMEOUT,
            prefix: DEFAULT_NONCE_PREFIX.to_owned(),
            next: Script::new(NEXT),
            idle: Mutex::new(Vec::new()),
        })
    }

    /// The same source with these timeouts (zero keeps the current one):
    /// `connect` to open a connection, `read` for each answer.
    pub fn with_timeouts(mut self, connect: Duration, read: Duration) -> RedisNonces {
        if !connect.is_zero() {
            self.connect_timeout = connect;
        }
        if !read.is_zero() {
            self.read_timeout = read;
        }
        self
    }

    /// The same source with another key prefix.
    pub fn with_prefix(mut self, prefix: &str) -> RedisNonces {
        prefix.clone_into(&mut self.prefix);
        self
    }

    fn connect(&self) -> redis::RedisResult<Connection> {
        let connection = self
            .client
            .get_connection_with_timeout(self.connect_timeout)?;
        connection.set_read_timeout(Some(self.read_timeout))?;
        connection.set_write_timeout(Some(self.read_timeout))?;
        Ok(connection)
    }
}

impl NonceSource for RedisNonces {
    fn next_nonce(&self, scope: Scope<'_>) -> Result<i64> {
        let pooled = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let mut connection = match pooled {
            Some(connection) => connection,
            None => self.connect().map_err(unavailable)?,
        };
        let now = SystemClock.now_millis();
        // EVALSHA, and EVAL when Redis answers NOSCRIPT (a restarted Redis).
        let answer: String = self
            .next
            .key(format!("{}{}", self.prefix, scope.id()))
            .arg(now)
            .arg(KEEP_MS)
            .invoke(&mut connection)
            .map_err(unavailable)?;
        let value = answer.parse::<i64>().map_err(|_| {
            Error::new(
                ErrorCode::NonceSourceUnavailable,
                "Redis answered something else than a nonce: is another program writing \
                 the paysig:nonce: keys?",
            )
        })?;
        // Back to the pool only after a success: after an error the
        // connection may still hold a late answer.
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push(connection);
        }
        Ok(value)
    }
}

/// What went wrong, and what to fix; never a key or the URL.
fn unavailable(error: RedisError) -> Error {
    let what = if error.is_timeout() {
        "Redis did not answer in time"
    } else if error.is_connection_refusal() {
        "Redis refused the connection"
    } else if error.is_io_error() {
        "the connection to Redis failed"
    } else {
        "Redis answered an error"
    };
    Error::new(
        ErrorCode::NonceSourceUnavailable,
        format!(
            "the Redis nonce source cannot hand out a nonce: {what} ({:?}); nothing was \
             signed: check that Redis is up and reachable, or raise the timeouts",
            error.kind()
        ),
    )
}
