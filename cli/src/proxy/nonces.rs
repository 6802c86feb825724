//! Where a profile's nonces and timestamps come from: the source named by
//! `--nonce-source` or a profile's `nonce_source` (`process`, `host[:DIR]`,
//! `redis://...`; see `nonce_source`), else core's default, the host
//! source (every process of this user on this machine). Several replicas
//! of the proxy with one key need the Redis source.

use std::sync::Arc;

use paysig::nonce::{self, NonceSource, Scope};
use paysig::{Result, Scheme};

use crate::nonce_source;

/// A profile's nonce source and the scope (scheme, key) it counts for.
pub struct Nonces {
    source: Arc<dyn NonceSource>,
    scheme: Scheme,
    key_id: String,
    /// The source waits on the network (Redis).
    blocks: bool,
}

impl Nonces {
    /// The source named by `text`, or core's default.
    pub fn new(text: Option<&str>, scheme: Scheme, key_id: Option<&str>) -> Result<Nonces> {
        let source = match text {
            Some(text) => nonce_source::parse(text)?,
            None => Arc::clone(nonce::default_source()),
        };
        Ok(Nonces {
            source,
            scheme,
            key_id: key_id.unwrap_or_default().to_owned(),
            blocks: text.is_some_and(|t| t.starts_with("redis")),
        })
    }

    /// The next nonce: greater than every one the source handed out before
    /// for this scheme and key.
    pub fn next(&self) -> Result<i64> {
        self.source.next_nonce(Scope {
            scheme: self.scheme,
            key_id: &self.key_id,
        })
    }

    /// Whether `next` may wait on the network.
    pub fn blocks(&self) -> bool {
        self.blocks
    }
}
