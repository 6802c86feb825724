//! The five providers' signing schemes, one module each.
//!
//! Every signer is built once from its credentials (the HMAC key schedule is
//! computed then) and is safe to share between threads. `sign` returns a
//! [`SignedRequest`]: the headers to send in the provider's spelling and a
//! stable order, the exact body bytes where the scheme defines them, and the
//! string that was signed, for debugging a 401.

pub mod aquapay;
pub mod cryptopay;
pub mod onchainpay;
pub mod pgprints;
pub mod remitquickly;

pub use aquapay::Aquapay;
pub use cryptopay::{Cryptopay, CryptopayRequest};
pub use onchainpay::{Nonce, OnchainPay};
pub use pgprints::PGPrints;
pub use remitquickly::RemitQuickly;

use std::fmt;

use crate::error::{Error, Result};
use crate::json::{self, Options, Value};

/// The providers paysig knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Cryptopay: HMAC-SHA1, `Authorization: HMAC key:signature`.
    Cryptopay,
    /// Aquapay (Aquanow): HMAC-SHA384 over `{httpMethod, path, nonce}`.
    Aquapay,
    /// RemitQuickly: HMAC-SHA512 over a base64 payload.
    RemitQuickly,
    /// PGPrints: base64 HMAC-SHA256 of the JSON body.
    PGPrints,
    /// OnchainPay: hex HMAC-SHA256 of the body with a nonce inside.
    OnchainPay,
}

impl Scheme {
    /// Every scheme.
    pub const ALL: [Scheme; 5] = [
        Scheme::Cryptopay,
        Scheme::Aquapay,
        Scheme::RemitQuickly,
        Scheme::PGPrints,
        Scheme::OnchainPay,
    ];

    /// The lowercase name used in vector files, the CLI and the bindings.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Cryptopay => "cryptopay",
            Scheme::Aquapay => "aquapay",
            Scheme::RemitQuickly => "remitquickly",
            Scheme::PGPrints => "pgprints",
            Scheme::OnchainPay => "onchainpay",
        }
    }
}

impl std::str::FromStr for Scheme {
    type Err = Error;

    fn from_str(name: &str) -> Result<Scheme> {
        let lower = name.to_ascii_lowercase();
        Scheme::ALL
            .into_iter()
            .find(|s| s.name() == lower)
            .ok_or_else(|| {
                Error::invalid_argument(
                    "unknown scheme (cryptopay, aquapay, remitquickly, pgprints, onchainpay)",
                )
            })
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A request body or payload to sign.
#[derive(Clone, Copy, Debug)]
pub enum Body<'a> {
    /// JSON text. Schemes that sign JSON canonicalize it; Cryptopay hashes
    /// it exactly as given, since it is sent as is.
    Text(&'a str),
    /// A value, written as canonical JSON.
    Value(&'a Value),
}

impl Body<'_> {
    /// The canonical JSON of this body (strict).
    pub fn canonical(&self) -> Result<String> {
        match self {
            Body::Text(text) => json::canonicalize_with(text.as_bytes(), &Options::default()),
            Body::Value(value) => value.to_canonical(),
        }
    }
}

/// The result of signing one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedRequest {
    /// Headers to send, in the provider's spelling and a stable order.
    pub headers: Vec<(&'static str, String)>,
    /// The exact body to send, where the scheme defines it (the canonical
    /// JSON that was signed); `None` when there is no body to send.
    pub body: Option<String>,
    /// The string that was signed, for debugging.
    pub string_to_sign: String,
    /// The signature as it appears in the headers.
    pub signature: String,
}

impl SignedRequest {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Refuses what cannot be right in a credential: empty, or with characters
/// that cannot travel in a header.
pub(crate) fn check_credential(what: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid_argument(format!("the {what} is empty")));
    }
    check_header_safe(what, value)
}

/// Refuses control characters (CR, LF, NUL, DEL...) in a value that goes
/// into a header or a request line. The message names the field, never the
/// value, which may be secret.
pub(crate) fn check_header_safe(what: &str, value: &str) -> Result<()> {
    if value.chars().any(char::is_control) {
        return Err(Error::invalid_argument(format!(
            "the {what} contains control characters"
        )));
    }
    Ok(())
}

/// An HTTP method, upper-cased (as the providers' SDKs send it); refused
/// when empty or not an HTTP token.
pub(crate) fn normalize_method(method: &str) -> Result<String> {
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if method.is_empty() || !method.chars().all(token) {
        return Err(Error::invalid_argument(
            "the method must be a non-empty HTTP token such as POST",
        ));
    }
    Ok(method.to_ascii_uppercase())
}

/// A request path; refused with control characters.
pub(crate) fn check_path(path: &str) -> Result<()> {
    check_header_safe("path", path)
}
