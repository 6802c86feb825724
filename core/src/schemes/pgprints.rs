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

// ---------------------------------------------------------------------------
// Verification (the receiving side): `crate::verify::Verifier` calls this
// with its shared `Checks`.
//
// Order: X-PGPrints-Hmac-Sha256 present → the body is JSON (read as
// `JSON.parse` does; 400 otherwise, with the JSON error's code) → the
// signature is the HMAC of the canonical body (`JSON.stringify` of what was
// parsed, as a server that re-serialises does) with any secret of the
// keyring, base64 or hex (PROVIDERS.md: one published sample digests to
// hex). The request carries no key id, so every secret is tried, without
// stopping at a match. There is no nonce or timestamp: a captured request
// verifies again. Messages are ours; failures are 401.
// ---------------------------------------------------------------------------

use crate::error::ErrorCode;
use crate::json::{canonicalize_with, Options};
use crate::verify::checks::Checks;
use crate::verify::refusal::{AuthError, ErrorStyle, Explanation};
use crate::verify::request::Request;

fn refuse(code: ErrorCode, status: u16, message: &str) -> AuthError {
    AuthError::new(code, status, message, ErrorStyle::Message)
}

/// Verifies a PGPrints request: the id of the key that signed it.
pub(crate) fn verify(checks: &Checks, request: &Request<'_>) -> Result<String, AuthError> {
    let signature = match request.header("X-PGPrints-Hmac-Sha256") {
        Ok(Some(value)) => value.trim(),
        Ok(None) => {
            return Err(refuse(
                ErrorCode::MissingHeader,
                401,
                "Missing X-PGPrints-Hmac-Sha256 header",
            ))
        }
        Err(_) => {
            return Err(refuse(
                ErrorCode::MalformedHeader,
                401,
                "Duplicate X-PGPrints-Hmac-Sha256 header",
            ))
        }
    };
    let canonical = canonicalize_with(request.body, &Options::lenient())
        .map_err(|e| refuse(e.code(), 400, "The body is not JSON"))?;
    // 32 bytes are 64 hex digits or 44 base64 characters: the length says
    // which encoding was used.
    let encoding = if signature.len() == 64 {
        Encoding::Hex
    } else {
        Encoding::Base64
    };
    let expected = encoding.decode(signature).unwrap_or_default();
    checks
        .find_key(canonical.as_bytes(), &expected)
        .map(str::to_owned)
        .ok_or_else(|| {
            refuse(ErrorCode::InvalidSignature, 401, "Invalid signature").with_explanation(
                Explanation::new(canonical.as_bytes(), Some(canonical.as_bytes())),
            )
        })
}
