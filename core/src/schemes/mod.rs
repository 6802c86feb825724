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

use std::borrow::Cow;
use std::fmt;

use crate::error::{Error, Result};
use crate::json::{self, CanonicalJson, Options, Value};

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
    /// JSON already canonical (a binding's [`json::Writer`] output): used
    /// as it is, without a second parse.
    Canonical(&'a CanonicalJson),
}

impl Body<'_> {
    /// The canonical JSON of this body (strict).
    pub fn canonical(&self) -> Result<String> {
        match self {
            Body::Text(text) => json::canonicalize_with(text.as_bytes(), &Options::default()),
            Body::Value(value) => value.to_canonical(),
            Body::Canonical(canonical) => Ok(canonical.as_str().to_owned()),
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
    // Printable ASCII, the usual case, is settled by a byte scan; anything
    // else gets the exact `char` test (the controls include U+0080–U+009F).
    // Decoding every char cost a measurable share of a sign (BENCHMARKS.md).
    // (A fold, not `all`: without the early exit the loop vectorizes.)
    let printable_ascii = value
        .bytes()
        .fold(true, |ok, b| ok & (b' '..=b'~').contains(&b));
    if !printable_ascii && value.chars().any(char::is_control) {
        return Err(Error::invalid_argument(format!(
            "the {what} contains control characters"
        )));
    }
    Ok(())
}

/// An HTTP method, upper-cased (as the providers' SDKs send it); refused
/// when empty or not an HTTP token. Borrowed when already upper case, as
/// it almost always is: no allocation per sign.
pub(crate) fn normalize_method(method: &str) -> Result<Cow<'_, str>> {
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if method.is_empty() || !method.bytes().all(token) {
        return Err(Error::invalid_argument(
            "the method must be a non-empty HTTP token such as POST",
        ));
    }
    if method.bytes().any(|b| b.is_ascii_lowercase()) {
        Ok(Cow::Owned(method.to_ascii_uppercase()))
    } else {
        Ok(Cow::Borrowed(method))
    }
}

/// A request path; refused with control characters.
pub(crate) fn check_path(path: &str) -> Result<()> {
    check_header_safe("path", path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte scan settles printable ASCII; everything else must still
    /// get `char::is_control`'s answer.
    #[test]
    fn header_safety_matches_char_is_control() {
        let samples = [
            "", "/a b~", "é", "ü/ß", "\t", "a\rb", "\0", "\u{7f}", "\u{85}", "x\u{9f}", "\u{a0}",
            "\u{2028}",
        ];
        for sample in samples {
            let expected = !sample.chars().any(char::is_control);
            assert_eq!(
                check_header_safe("x", sample).is_ok(),
                expected,
                "{sample:?}"
            );
        }
    }

    #[test]
    fn methods_are_upper_cased_only_when_needed() {
        assert!(matches!(
            normalize_method("POST"),
            Ok(Cow::Borrowed("POST"))
        ));
        assert_eq!(normalize_method("pAtch").unwrap(), "PATCH");
        assert!(normalize_method("GET /").is_err());
        assert!(normalize_method("PÖST").is_err());
        assert!(normalize_method("").is_err());
    }
}
