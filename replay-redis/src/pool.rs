//! The connection handling that the replay guard and the nonce source
//! share: one client, a connect and a read timeout, and a small pool of
//! idle connections.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use paysig::{Error, Result};
use redis::{Client, Connection, RedisError, RedisResult};

/// Idle connections kept for reuse; beyond it, connections are closed after
/// use (a burst of many threads opens more, briefly).
const MAX_IDLE: usize = 64;

pub(crate) struct Pool {
    client: Client,
    pub(crate) connect_timeout: Duration,
    pub(crate) read_timeout: Duration,
    idle: Mutex<Vec<Connection>>,
}

impl Pool {
    /// A pool for the Redis at `url`, waiting `timeout` to connect and for
    /// each answer. It does not connect yet. The error does not repeat the
    /// URL, which may hold a password.
    pub(crate) fn open(url: &str, timeout: Duration) -> Result<Pool> {
        let client = Client::open(url).map_err(|_| {
            Error::invalid_argument(
                "the Redis URL is not valid (redis://[:password@]host[:port][/db])",
            )
        })?;
        Ok(Pool {
            client,
            connect_timeout: timeout,
            read_timeout: timeout,
            idle: Mutex::new(Vec::new()),
        })
    }

    /// Runs `command` on a pooled connection. A connection goes back to the
    /// pool only after a success: after an error or a timeout it may hold
    /// a late answer, so it is dropped, and the next call connects again.
    pub(crate) fn run<T>(
        &self,
        command: impl FnOnce(&mut Connection) -> RedisResult<T>,
    ) -> RedisResult<T> {
        let pooled = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let mut connection = match pooled {
            Some(connection) => connection,
            None => self.connect()?,
        };
        let answer = command(&mut connection)?;
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push(connection);
        }
        Ok(answer)
    }

    fn connect(&self) -> RedisResult<Connection> {
        let connection = self
            .client
            .get_connection_with_timeout(self.connect_timeout)?;
        connection.set_read_timeout(Some(self.read_timeout))?;
        connection.set_write_timeout(Some(self.read_timeout))?;
        Ok(connection)
    }
}

/// What kind of failure `error` is, in words: never a key, a token or the
/// URL.
pub(crate) fn what_failed(error: &RedisError) -> &'static str {
    if error.is_timeout() {
        "Redis did not answer in time"
    } else if error.is_connection_refusal() {
        "Redis refused the connection"
    } else if error.is_io_error() {
        "the connection to Redis failed"
    } else {
        "Redis answered an error"
    }
}
