//! Aquapay (Aquanow): hex HMAC-SHA384 of
//! `JSON.stringify({httpMethod, path, nonce})`, keys in that order, the
//! nonce a JSON string of milliseconds. The path is signed without its
//! query string. Headers: `x-nonce`, `x-api-key`, `x-signature`.

use std::sync::Arc;

use super::{check_credential, check_header_safe, check_path, normalize_method};
use super::{Scheme, SignedRequest};
use crate::error::{Error, Result};
use crate::json::write_string;
use crate::mac::{Algorithm, Encoding, Key};
use crate::nonce::{self, NonceSource, Scope};

/// An Aquapay request signer.
#[derive(Clone, Debug)]
pub struct Aquapay {
    api_key: String,
    key: Key,
    nonces: Option<Arc<dyn NonceSource>>,
}

impl Aquapay {
    /// A signer for this API key and secret.
    pub fn new(api_key: &str, api_secret: &str) -> Result<Aquapay> {
        check_credential("API key", api_key)?;
        Ok(Aquapay {
            api_key: api_key.to_owned(),
            key: Key::new(Algorithm::Sha384, api_secret.as_bytes())
                .map_err(|_| Error::invalid_argument("the API secret is empty"))?,
            nonces: None,
        })
    }

    /// Takes default nonces from `source` instead of the default
    /// source ([`nonce::default_source`]: shared by the processes of the
    /// host). A nonce passed to `sign` still wins.
    pub fn with_nonce_source(mut self, source: Arc<dyn NonceSource>) -> Aquapay {
        self.nonces = Some(source);
        self
    }

    fn next_nonce(&self) -> Result<i64> {
        nonce::next(
            self.nonces.as_ref(),
            Scope {
                scheme: Scheme::Aquapay,
                key_id: &self.api_key,
            },
        )
    }

    /// Signs a request; `path` may carry a query string, which is not
    /// signed. `nonce` defaults to the next value of the signer's
    /// nonce source.
    pub fn sign(&self, method: &str, path: &str, nonce: Option<&str>) -> Result<SignedRequest> {
        let method = normalize_method(method)?;
        check_path(path)?;
        let nonce = match nonce {
            Some("") => return Err(Error::invalid_argument("the nonce is empty")),
            Some(n) => {
                check_header_safe("nonce", n)?;
                n.to_owned()
            }
            None => self.next_nonce()?.to_string(),
        };
        let string_to_sign = string_to_sign(&method, path, &nonce);
        let signature = self
            .key
            .sign(string_to_sign.as_bytes())
            .encode(Encoding::Hex);
        Ok(SignedRequest {
            headers: vec![
                ("x-nonce", nonce),
                ("x-api-key", self.api_key.clone()),
                ("x-signature", signature.clone()),
            ],
            body: None,
            string_to_sign,
            signature,
        })
    }
}

/// The path as Aquapay signs it: without query string or fragment.
pub fn signed_path(path: &str) -> &str {
    path.split(['?', '#']).next().unwrap_or(path)
}

/// `{"httpMethod":…,"path":…,"nonce":…}` exactly as `JSON.stringify` writes it.
pub(crate) fn string_to_sign(method: &str, path: &str, nonce: &str) -> String {
    let mut out = Vec::with_capacity(48 + method.len() + path.len() + nonce.len());
    out.extend_from_slice(b"{\"httpMethod\":");
    write_string(&mut out, method);
    out.extend_from_slice(b",\"path\":");
    write_string(&mut out, signed_path(path));
    out.extend_from_slice(b",\"nonce\":");
    write_string(&mut out, nonce);
    out.push(b'}');
    String::from_utf8(out).unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Verification (the receiving side): `crate::verify::Verifier` calls this
// with its shared `Checks`.
//
// Order: x-api-key, x-nonce, x-signature present → key known → signature →
// nonce is plain decimal milliseconds → nonce within the window (default
// 30 s each way, our choice) → nonce not seen before for this key. Aquapay
// answers 401 for all of these; the messages are ours.
// ---------------------------------------------------------------------------

use crate::error::ErrorCode;
use crate::verify::checks::{parse_millis, Checks, KeyCheck, Window};
use crate::verify::refusal::{unavailable, AuthError, ErrorStyle, Explanation};
use crate::verify::replay::ReplayError;
use crate::verify::request::{required_header, Request};

fn refuse(code: ErrorCode, message: &str) -> AuthError {
    AuthError::new(code, 401, message, ErrorStyle::Message)
}

/// Verifies an Aquapay request: the key id, or why not.
pub(crate) fn verify(checks: &Checks, request: &Request<'_>) -> Result<String, AuthError> {
    let header = |name: &str| required_header(request, name, ErrorStyle::Message);
    let api_key = header("x-api-key")?;
    let nonce = header("x-nonce")?;
    let signature = header("x-signature")?;
    let method = request.method.to_ascii_uppercase();
    let string_to_sign = string_to_sign(&method, request.path, nonce);
    let explain = || Explanation::new(string_to_sign.as_bytes(), None);
    match checks.check_keyed(api_key, string_to_sign.as_bytes(), signature, Encoding::Hex) {
        KeyCheck::UnknownKey => return Err(refuse(ErrorCode::InvalidApiKey, "Invalid API key")),
        KeyCheck::BadSignature => {
            return Err(refuse(ErrorCode::InvalidSignature, "Invalid signature")
                .with_explanation(explain()))
        }
        KeyCheck::Valid => {}
    }
    let Some(nonce_ms) = parse_millis(nonce) else {
        return Err(refuse(
            ErrorCode::MalformedHeader,
            "The nonce must be milliseconds since the epoch",
        ));
    };
    let now = checks.now_ms();
    let window = || checks.explain_window(nonce_ms, now);
    let ttl_ms = match checks.check_window(nonce_ms, now) {
        Window::Expired => {
            return Err(
                refuse(ErrorCode::TimestampExpired, "Nonce expired").with_explanation(window())
            )
        }
        Window::Ahead => {
            return Err(
                refuse(ErrorCode::AheadOfTime, "Nonce ahead of time").with_explanation(window())
            )
        }
        Window::Within { ttl_ms } => ttl_ms,
    };
    let scope = format!("aquapay:{api_key}");
    match checks
        .replay_guard()
        .check_and_record(&scope, nonce, now, ttl_ms)
    {
        Ok(()) => Ok(api_key.to_owned()),
        Err(ReplayError::Replayed) => Err(refuse(ErrorCode::NonceReused, "Nonce already used")),
        Err(e) => Err(unavailable(ErrorStyle::Message, &e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_is_not_signed() {
        let signer = Aquapay::new("k", "s").unwrap();
        let with = signer
            .sign("get", "/payment/v1/payment?startTime=1", Some("5"))
            .unwrap();
        let without = signer
            .sign("GET", "/payment/v1/payment", Some("5"))
            .unwrap();
        assert_eq!(with, without);
        assert_eq!(
            with.string_to_sign,
            r#"{"httpMethod":"GET","path":"/payment/v1/payment","nonce":"5"}"#
        );
    }

    #[test]
    fn default_nonces_increase() {
        let signer = Aquapay::new("k", "s").unwrap();
        let a: i64 = signer
            .sign("GET", "/", None)
            .unwrap()
            .header("x-nonce")
            .unwrap()
            .parse()
            .unwrap();
        let b: i64 = signer
            .sign("GET", "/", None)
            .unwrap()
            .header("x-nonce")
            .unwrap()
            .parse()
            .unwrap();
        assert!(b > a);
    }
}
