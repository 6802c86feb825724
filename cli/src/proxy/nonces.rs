//! Where the proxy's nonces and timestamps come from.
//!
//! For now the process's own increasing milliseconds (core's
//! `nonce::next_millis`, what the signers use by default): right for one
//! proxy process per key. Several replicas sharing a key need a shared
//! source (`--nonce-source redis://...`), wired here once core has it.

use paysig::Result;

/// A profile's nonce source.
pub enum Nonces {
    /// Increasing milliseconds, unique within this process.
    Process,
}

impl Nonces {
    /// The next nonce: greater than every one handed out before.
    pub fn next(&self) -> Result<i64> {
        match self {
            Nonces::Process => Ok(paysig::nonce::next_millis()),
        }
    }

    /// Whether `next` may wait on the network.
    pub fn blocks(&self) -> bool {
        false
    }
}
