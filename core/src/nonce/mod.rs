//! Nonce sources: where the signers' default nonces and timestamps come
//! from, as milliseconds since the epoch.
//!
//! Providers refuse a nonce they have seen for the same key (OnchainPay's
//! increasing policy also one not above the last). A source hands out, for
//! one scope (scheme and API key), values that strictly increase and never
//! repeat across everything that shares it, and that are never behind the
//! clock: `max(now_ms, last + 1)`. Which processes share a source is the
//! choice of kind:
//!
//! - [`ProcessNonces`]: one process (threads included). Safe only when a
//!   key signs from exactly one process.
//! - [`HostNonces`]: every process of the same user on one machine, through
//!   one small memory-mapped file per scope (php-fpm, gunicorn, celery...).
//!   The default of every signer: [`default_source`].
//! - a Redis source in the `paysig-replay-redis` crate: many machines.
//! - [`CallerNonces`]: a function of the caller's.
//!
//! A source that cannot hand out a value fails with
//! [`ErrorCode::NonceSourceUnavailable`](crate::ErrorCode) and nothing is
//! signed: no source ever falls back to a narrower one.
//!
//! "Increasing" is about the order in which the source hands values out.
//! Requests signed in parallel can still reach the provider in another
//! order (a later nonce can arrive first), so a provider that demands each
//! nonce above the last one it *received* can refuse one of two parallel
//! requests whatever the source; uniqueness holds regardless.

mod caller;
mod host;
mod mapping;
mod process;

use std::fmt;
use std::sync::{Arc, OnceLock};

pub use caller::CallerNonces;
pub use host::HostNonces;
pub use process::ProcessNonces;

use crate::error::Result;
use crate::schemes::Scheme;

/// What nonces are counted per: providers check nonces per API key, so two
/// keys (or two schemes) never need to be ordered against each other.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scope<'a> {
    /// The provider.
    pub scheme: Scheme,
    /// The API key (public key for OnchainPay) that the nonce goes with.
    pub key_id: &'a str,
}

impl Scope<'_> {
    /// A name for the scope that does not reveal the key: the scheme and
    /// 32 hex digits of a SHA-256 of scheme and key, e.g.
    /// `onchainpay-1f3a…`. Host files and Redis keys are named by it.
    pub fn id(&self) -> String {
        use sha2::{Digest as _, Sha256};
        let mut hash = Sha256::new();
        hash.update(b"paysig nonce scope v1\0");
        hash.update(self.scheme.name().as_bytes());
        hash.update(b"\0");
        hash.update(self.key_id.as_bytes());
        let digest = hash.finalize();
        format!(
            "{}-{}",
            self.scheme.name(),
            base16ct::lower::encode_string(&digest[..16])
        )
    }
}

impl fmt::Debug for Scope<'_> {
    // The key id is sent in clear in headers, but it identifies an account:
    // kept out of logs all the same.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scope")
            .field("scheme", &self.scheme)
            .finish_non_exhaustive()
    }
}

/// Hands out nonces (milliseconds since the epoch) for a scope.
///
/// Implementations are shared between threads (`Arc<dyn NonceSource>`):
/// every signer that takes one keeps an `Arc`.
pub trait NonceSource: Send + Sync + fmt::Debug {
    /// The next value for `scope`: greater than every value this source
    /// handed out before for the scope, and not behind the clock. An error
    /// (`nonce_source_unavailable`) means nothing may be signed.
    fn next_nonce(&self, scope: Scope<'_>) -> Result<i64>;
}

/// The source of signers that were given none: the [`HostNonces`] of the
/// default directory ([`HostNonces::default_dir`]), one per process.
///
/// Why the host and not the process: a deployment with several processes
/// per key (every php-fpm pool, every gunicorn or celery with more than one
/// worker) sends repeated nonces with per-process counters, and nothing in
/// the code says it is such a deployment. The host source costs a few tens
/// of nanoseconds more per nonce (BENCHMARKS.md).
pub fn default_source() -> &'static Arc<dyn NonceSource> {
    static DEFAULT: OnceLock<Arc<dyn NonceSource>> = OnceLock::new();
    DEFAULT.get_or_init(|| Arc::new(HostNonces::in_default_dir()))
}

/// The next nonce for `scope` from `source`, or from the default source.
pub(crate) fn next(source: Option<&Arc<dyn NonceSource>>, scope: Scope<'_>) -> Result<i64> {
    source.unwrap_or_else(|| default_source()).next_nonce(scope)
}

/// `max(now, last + 1)`, the step every counting source takes.
pub(crate) fn step(now: i64, last: i64) -> i64 {
    now.max(last.saturating_add(1))
}
