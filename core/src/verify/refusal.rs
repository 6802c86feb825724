//! A refused request: [`AuthError`] (a stable code, the provider's status
//! and message, its error body) and the [`Explanation`] of what was
//! expected. Imports nothing from the schemes: they import it.

use std::fmt;

use super::replay::ReplayError;
use crate::error::{Error, ErrorCode};

/// How the provider writes an error body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorStyle {
    /// Cryptopay's documented JSON with `error.code`, `error.message`,
    /// `error.details` and `meta.request_id`.
    Cryptopay,
    /// OnchainPay's envelope, which its SDKs parse:
    /// `{"success":false,"error":{"name","message","code"},"requestId"}`.
    /// PROVIDERS.md names the members; their values are ours: `name` the
    /// paysig code, `code` the HTTP status.
    OnchainPay,
    /// `{"message": MESSAGE}` (Aquapay's client samples read `.message`;
    /// RemitQuickly documents messages only; our choice for those and for
    /// PGPrints, which documents no error body).
    Message,
}

/// The time-window check that refused a request: enough to tell a clock
/// problem from a stale request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeWindow {
    /// The verifier's time, milliseconds since the epoch.
    pub server_ms: i64,
    /// The time the request carries (Date, nonce or timestamp).
    pub request_ms: i64,
    /// The tolerance each way, in milliseconds.
    pub tolerance_ms: i64,
}

/// What the verifier expected, for a human debugging a refusal. Never
/// contains a secret or an expected signature (that would be an oracle).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Explanation {
    /// The string the signature must be the MAC of.
    pub string_to_sign: Option<String>,
    /// The canonical body the scheme compares or signs.
    pub canonical_body: Option<String>,
    /// For a request outside the time window: the times compared.
    pub window: Option<TimeWindow>,
}

/// An explanation keeps at most this many bytes of each field: enough to
/// debug any real request, while a refused 100 MB body costs no copy.
pub const EXPLANATION_LIMIT: usize = 64 * 1024;

impl Explanation {
    /// An explanation of these bytes, each cut to [`EXPLANATION_LIMIT`]
    /// (a cut is marked with `…`; invalid UTF-8 shows as U+FFFD).
    pub fn new(string_to_sign: &[u8], canonical_body: Option<&[u8]>) -> Explanation {
        Explanation {
            string_to_sign: Some(capped(string_to_sign)),
            canonical_body: canonical_body.map(capped),
            window: None,
        }
    }

    /// An explanation of a time-window refusal.
    pub fn of_window(window: TimeWindow) -> Explanation {
        Explanation {
            window: Some(window),
            ..Explanation::default()
        }
    }
}

fn capped(bytes: &[u8]) -> String {
    let kept = &bytes[..bytes.len().min(EXPLANATION_LIMIT)];
    let mut text = String::from_utf8_lossy(kept).into_owned();
    if kept.len() < bytes.len() {
        text.push('…');
    }
    text
}

/// A refused request: a stable code, the HTTP status the provider answers
/// with, and the provider's own message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthError {
    code: ErrorCode,
    status: u16,
    message: String,
    style: ErrorStyle,
    request_id: String,
    explanation: Option<Box<Explanation>>,
}

impl AuthError {
    pub(crate) fn new(
        code: ErrorCode,
        status: u16,
        message: impl Into<String>,
        style: ErrorStyle,
    ) -> AuthError {
        AuthError {
            code,
            status,
            message: message.into(),
            style,
            request_id: String::new(),
            explanation: None,
        }
    }

    /// The same error answered with `request_id` in its body (where the
    /// provider's body has one): a server sets its own, to find the
    /// request in its log. By default it is derived from the request.
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> AuthError {
        self.request_id = request_id.into();
        self
    }

    pub(crate) fn with_explanation(mut self, explanation: Explanation) -> AuthError {
        self.explanation = Some(Box::new(explanation));
        self
    }

    /// The stable code, e.g. `invalid_signature`.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The HTTP status the provider answers with (401 mostly).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The provider's message, e.g. `Invalid Signature`.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// How the provider writes this error's body.
    pub fn style(&self) -> ErrorStyle {
        self.style
    }

    /// The request id in the body (empty when none was set or derived).
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// What the verifier expected, when it got as far as computing it.
    pub fn explanation(&self) -> Option<&Explanation> {
        self.explanation.as_deref()
    }

    /// The response body the provider sends with this error (JSON text).
    pub fn body(&self) -> String {
        let mut out = Vec::with_capacity(128);
        let string = |out: &mut Vec<u8>, text: &str| crate::json::write_string(out, text);
        match self.style {
            ErrorStyle::Cryptopay => {
                out.extend_from_slice(b"{\"error\":{\"code\":");
                string(&mut out, &self.message);
                out.extend_from_slice(b",\"message\":");
                string(&mut out, &self.message);
                out.extend_from_slice(b",\"details\":[]},\"meta\":{\"request_id\":");
                string(&mut out, &self.request_id);
                out.extend_from_slice(b"}}");
            }
            ErrorStyle::OnchainPay => {
                out.extend_from_slice(b"{\"success\":false,\"error\":{\"name\":");
                string(&mut out, self.code.as_str());
                out.extend_from_slice(b",\"message\":");
                string(&mut out, &self.message);
                out.extend_from_slice(
                    format!(",\"code\":{}}},\"requestId\":", self.status).as_bytes(),
                );
                string(&mut out, &self.request_id);
                out.push(b'}');
            }
            ErrorStyle::Message => {
                out.extend_from_slice(b"{\"message\":");
                string(&mut out, &self.message);
                out.push(b'}');
            }
        }
        String::from_utf8(out).unwrap_or_default()
    }

    /// The same failure as a plain [`Error`] (code and message).
    pub fn to_error(&self) -> Error {
        Error::new(self.code, self.message.clone())
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.status, self.message)
    }
}

impl std::error::Error for AuthError {}

/// The replay store's failure as an [`AuthError`]: the store could not say
/// whether the request is new, so it is refused (503), never let through.
pub(crate) fn unavailable(style: ErrorStyle, _error: &ReplayError) -> AuthError {
    AuthError::new(
        ErrorCode::ReplayStoreUnavailable,
        503,
        "Replay store unavailable",
        style,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explanations_keep_at_most_the_limit() {
        let body = vec![b'x'; EXPLANATION_LIMIT * 3];
        let explained = Explanation::new(&body, Some(b"{}"));
        let kept = explained.string_to_sign.unwrap();
        assert_eq!(kept.len(), EXPLANATION_LIMIT + '…'.len_utf8());
        assert!(kept.ends_with('…'));
        assert_eq!(explained.canonical_body.as_deref(), Some("{}"));
    }

    #[test]
    fn onchainpay_body_is_its_envelope() {
        let error = AuthError::new(
            ErrorCode::InvalidSignature,
            401,
            "Invalid \"signature\"",
            ErrorStyle::OnchainPay,
        )
        .with_request_id("r1");
        assert_eq!(
            error.body(),
            r#"{"success":false,"error":{"name":"invalid_signature","message":"Invalid \"signature\"","code":401},"requestId":"r1"}"#
        );
    }
}
