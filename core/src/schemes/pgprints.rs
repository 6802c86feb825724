//! PGPrints: `X-PGPrints-Hmac-Sha256` = base64 HMAC-SHA256 of
//! `JSON.stringify(body)`.
//!
//! There is no nonce or timestamp: a captured request can be replayed, and
//! a verifier can only check integrity. One published version of the
//! provider's sample digests to hex instead of base64; the documented
//! default here is base64, and [`PGPrints::with_encoding`] switches.

use super::{Body, SignedRequest};
use crate::error::{Error, Result};
use crate::mac::{Algorithm, Encoding, Key};

/// A PGPrints request signer.
#[derive(Clone, Debug)]
pub struct PGPrints {
    key: Key,
    encoding: Encoding,
}

impl PGPrints {
    /// A signer for this secret key (base64 signatures).
    pub fn new(secret_key: &str) -> Result<PGPrints> {
        Ok(PGPrints {
            key: Key::new(Algorithm::Sha256, secret_key.as_bytes())
                .map_err(|_| Error::invalid_argument("the secret key is empty"))?,
            encoding: Encoding::Base64,
        })
    }

    /// The same signer writing signatures in `encoding`.
    pub fn with_encoding(mut self, encoding: Encoding) -> PGPrints {
        self.encoding = encoding;
        self
    }

    /// The signature encoding.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Signs `body`; the returned body is the canonical JSON that was signed.
    pub fn sign(&self, body: Body<'_>) -> Result<SignedRequest> {
        let canonical = body.canonical()?;
        let signature = self.key.sign(canonical.as_bytes()).encode(self.encoding);
        Ok(SignedRequest {
            headers: vec![("X-PGPrints-Hmac-Sha256", signature.clone())],
            body: Some(canonical.clone()),
            string_to_sign: canonical,
            signature,
        })
    }
}
