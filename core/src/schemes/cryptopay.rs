//! Cryptopay: base64 HMAC-SHA1 over five lines, sent as
//! `Authorization: HMAC {api_key}:{signature}`.
//!
//! String to sign: `METHOD\nMD5(body)\nContent-Type\nDate\npath?query`,
//! where the MD5 field (lowercase hex of the body's bytes) is empty when
//! there is no body or the body is empty. `Date` and `Content-Type` are
//! sent exactly as signed. Callbacks to the merchant are signed differently:
//! see [`callback_signature`].

use std::time::SystemTime;

use super::{
    check_credential, check_header_safe, check_path, normalize_method, Body, SignedRequest,
};
use crate::error::{Error, Result};
use crate::mac::{md5_hex_in, Algorithm, Encoding, Key};

/// The Content-Type signed when none is given.
pub const DEFAULT_CONTENT_TYPE: &str = "application/json";

/// A Cryptopay request signer.
#[derive(Clone, Debug)]
pub struct Cryptopay {
    api_key: String,
    key: Key,
}

/// What Cryptopay signs of a request.
#[derive(Clone, Copy, Debug)]
pub struct CryptopayRequest<'a> {
    /// HTTP method (upper-cased when signed).
    pub method: &'a str,
    /// Path after the base URL, query string included.
    pub path: &'a str,
    /// The body: text is sent and hashed as is, a value as canonical JSON.
    pub body: Option<Body<'a>>,
    /// The Content-Type header value.
    pub content_type: &'a str,
    /// The Date header value; `None` means now, as an IMF-fixdate.
    pub date: Option<&'a str>,
}

impl<'a> CryptopayRequest<'a> {
    /// A request with no body, JSON content type and the current date.
    pub fn new(method: &'a str, path: &'a str) -> CryptopayRequest<'a> {
        CryptopayRequest {
            method,
            path,
            body: None,
            content_type: DEFAULT_CONTENT_TYPE,
            date: None,
        }
    }
}

impl Cryptopay {
    /// A signer for this API key and secret.
    pub fn new(api_key: &str, api_secret: &str) -> Result<Cryptopay> {
        check_credential("API key", api_key)?;
        Ok(Cryptopay {
            api_key: api_key.to_owned(),
            key: Key::new(Algorithm::Sha1, api_secret.as_bytes())
                .map_err(|_| Error::invalid_argument("the API secret is empty"))?,
        })
    }

    /// Signs `request`.
    pub fn sign(&self, request: &CryptopayRequest<'_>) -> Result<SignedRequest> {
        let method = normalize_method(request.method)?;
        check_path(request.path)?;
        check_header_safe("content type", request.content_type)?;
        let date = match request.date {
            Some(date) => {
                check_header_safe("date", date)?;
                date.to_owned()
            }
            None => httpdate::fmt_http_date(SystemTime::now()),
        };
        let body = match request.body {
            None => None,
            Some(Body::Text(text)) => Some(text.to_owned()),
            Some(value @ (Body::Value(_) | Body::Canonical(_))) => Some(value.canonical()?),
        };
        let string_to_sign = string_to_sign(
            &method,
            body.as_deref().map(str::as_bytes),
            request.content_type,
            &date,
            request.path,
        );
        // `HMAC {api_key}:{signature}`, written in one buffer of the exact
        // size (a 20-byte MAC is 28 base64 characters); `signature` is a
        // copy of its tail. Cheaper than format! and a separate encoding.
        let mut authorization = String::with_capacity("HMAC :".len() + self.api_key.len() + 28);
        authorization.push_str("HMAC ");
        authorization.push_str(&self.api_key);
        authorization.push(':');
        let signature_at = authorization.len();
        self.key
            .sign(string_to_sign.as_bytes())
            .encode_into(Encoding::Base64, &mut authorization);
        let signature = authorization[signature_at..].to_owned();
        Ok(SignedRequest {
            headers: vec![
                ("Authorization", authorization),
                ("Content-Type", request.content_type.to_owned()),
                ("Date", date),
            ],
            body,
            string_to_sign,
            signature,
        })
    }
}

/// `METHOD\nMD5(body)\nContent-Type\nDate\npath`; the MD5 field is empty
/// when there is no body or it is empty. Shared by signing and verifying.
pub(crate) fn string_to_sign(
    method: &str,
    body: Option<&[u8]>,
    content_type: &str,
    date: &str,
    path: &str,
) -> String {
    // The digest's hex on the stack: one allocation per string to sign.
    let mut hex = [0; 32];
    let digest = match body {
        None | Some(b"") => "",
        Some(bytes) => md5_hex_in(bytes, &mut hex),
    };
    [method, digest, content_type, date, path].join("\n")
}

/// The `X-Cryptopay-Signature` of a callback: lowercase hex
/// HMAC-SHA256(callback secret, raw body bytes).
pub fn callback_signature(callback_secret: &str, body: &[u8]) -> Result<String> {
    let key = Key::new(Algorithm::Sha256, callback_secret.as_bytes())
        .map_err(|_| Error::invalid_argument("the callback secret is empty"))?;
    Ok(key.sign(body).encode(Encoding::Hex))
}

// ---------------------------------------------------------------------------
// Verification (the receiving side): `crate::verify::Verifier` calls these
// with its shared `Checks`.
//
// Requests. Order: Authorization and Date present → Authorization reads
// `HMAC key:signature` → key known → signature (base64 HMAC-SHA1 of the
// string above, over the raw body bytes, Content-Type as sent or empty) →
// Date parses (IMF-fixdate, RFC 2822 with a numeric or named zone, or
// RFC 3339 / ISO-8601 with an offset: what the official clients send) →
// the instant it denotes is within ±15 minutes. Cryptopay answers every
// failure with the same 401 body, `unauthenticated`; the code says why,
// for logs and `--explain`. The request id in that body is the
// verifier's (derived from the request unless a server sets its own).
//
// Callbacks: X-Cryptopay-Signature present → hex HMAC-SHA256 of the raw body
// with any callback secret of the keyring. No timestamp: integrity only.
// ---------------------------------------------------------------------------

use crate::error::ErrorCode;
use crate::verify::checks::{Checks, KeyCheck, Window};
use crate::verify::dates::parse_date_ms;
use crate::verify::refusal::{AuthError, ErrorStyle, Explanation};
use crate::verify::request::Request;

/// Cryptopay's message (and error code) for every authentication failure.
const UNAUTHENTICATED: &str = "unauthenticated";

/// Verifies a Cryptopay API request: the key id, or why not.
pub(crate) fn verify(checks: &Checks, request: &Request<'_>) -> Result<String, AuthError> {
    let refuse =
        |code: ErrorCode| AuthError::new(code, 401, UNAUTHENTICATED, ErrorStyle::Cryptopay);
    let header = |name: &str| match request.header(name) {
        Ok(value) => Ok(value),
        Err(_) => Err(refuse(ErrorCode::MalformedHeader)),
    };
    let authorization = header("Authorization")?.ok_or_else(|| refuse(ErrorCode::MissingHeader))?;
    let date = header("Date")?.ok_or_else(|| refuse(ErrorCode::MissingHeader))?;
    let content_type = header("Content-Type")?.unwrap_or("");
    let (api_key, signature) =
        parse_authorization(authorization).ok_or_else(|| refuse(ErrorCode::MalformedHeader))?;
    let string_to_sign = string_to_sign(
        &request.method.to_ascii_uppercase(),
        Some(request.body),
        content_type,
        date,
        request.path,
    );
    match checks.check_keyed(
        api_key,
        string_to_sign.as_bytes(),
        signature,
        Encoding::Base64,
    ) {
        KeyCheck::UnknownKey => return Err(refuse(ErrorCode::InvalidApiKey)),
        KeyCheck::BadSignature => {
            return Err(refuse(ErrorCode::InvalidSignature)
                .with_explanation(Explanation::new(string_to_sign.as_bytes(), None)))
        }
        KeyCheck::Valid => {}
    }
    let date_ms = parse_date_ms(date).ok_or_else(|| refuse(ErrorCode::MalformedHeader))?;
    let now = checks.now_ms();
    let window = || checks.explain_window(date_ms, now);
    match checks.check_window(date_ms, now) {
        Window::Expired => Err(refuse(ErrorCode::TimestampExpired).with_explanation(window())),
        Window::Ahead => Err(refuse(ErrorCode::AheadOfTime).with_explanation(window())),
        Window::Within { .. } => Ok(api_key.to_owned()),
    }
}

/// `HMAC key:signature` → (key, signature). The scheme word is matched
/// case-insensitively; the signature (base64) has no `:`, so the key is
/// everything before the last one.
fn parse_authorization(value: &str) -> Option<(&str, &str)> {
    let (scheme, credentials) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("HMAC") {
        return None;
    }
    let (key, signature) = credentials.trim().rsplit_once(':')?;
    if key.is_empty() || signature.is_empty() {
        return None;
    }
    Some((key, signature))
}

fn refuse_callback(code: ErrorCode, message: &str) -> AuthError {
    AuthError::new(code, 401, message, ErrorStyle::Message)
}

/// Verifies a Cryptopay callback with every callback secret of the keyring:
/// the id of the entry whose secret signed it.
pub(crate) fn verify_callback(checks: &Checks, request: &Request<'_>) -> Result<String, AuthError> {
    let signature = match request.header("X-Cryptopay-Signature") {
        Ok(Some(value)) => value,
        Ok(None) => {
            return Err(refuse_callback(
                ErrorCode::MissingHeader,
                "Missing X-Cryptopay-Signature header",
            ))
        }
        Err(_) => {
            return Err(refuse_callback(
                ErrorCode::MalformedHeader,
                "Duplicate X-Cryptopay-Signature header",
            ))
        }
    };
    let expected = Encoding::Hex.decode(signature.trim()).unwrap_or_default();
    checks
        .find_key(request.body, &expected)
        .map(str::to_owned)
        .ok_or_else(|| refuse_callback(ErrorCode::InvalidSignature, "Invalid signature"))
}

/// [`crate::verify::verify_cryptopay_callback`].
pub(crate) fn verify_callback_signature(
    callback_secret: &str,
    body: &[u8],
    signature: &str,
) -> Result<(), AuthError> {
    let key = Key::new(Algorithm::Sha256, callback_secret.as_bytes())
        .map_err(|_| refuse_callback(ErrorCode::InvalidArgument, "the callback secret is empty"))?;
    if key.verify_encoded(body, signature, Encoding::Hex) {
        Ok(())
    } else {
        Err(refuse_callback(
            ErrorCode::InvalidSignature,
            "Invalid signature",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The check Cryptopay publishes in its documentation.
    #[test]
    fn published_check() {
        let signer = Cryptopay::new("key", "Oe8TBDzg4tatdq2cL9ojeEj3U3oWSCSC5fqOHAqaKVg").unwrap();
        let request = CryptopayRequest {
            body: Some(Body::Text(r#"{"amount":"100"}"#)),
            date: Some("2019-01-09T11:24:40+00:00"),
            ..CryptopayRequest::new("post", "/api/auth/test")
        };
        let signed = signer.sign(&request).unwrap();
        assert!(signed
            .string_to_sign
            .starts_with("POST\n5173e4d02d8a761679b0165b87d9ee5f\n"));
        assert_eq!(signed.signature, "fVYzUdYqZO1ozBeP3KQHFp9/Kno=");
    }

    #[test]
    fn default_date_is_an_imf_fixdate() {
        let signer = Cryptopay::new("k", "s").unwrap();
        let signed = signer.sign(&CryptopayRequest::new("GET", "/")).unwrap();
        let date = signed.header("date").unwrap();
        assert!(date.ends_with(" GMT") && date.len() == 29, "{date}");
        assert!(httpdate::parse_http_date(date).is_ok());
    }

    #[test]
    fn refuses_bad_arguments() {
        assert!(Cryptopay::new("", "s").is_err());
        assert!(Cryptopay::new("k", "").is_err());
        let signer = Cryptopay::new("k", "s").unwrap();
        for request in [
            CryptopayRequest::new("", "/"),
            CryptopayRequest::new("GET", "/a\r\nX-Evil: 1"),
            CryptopayRequest {
                date: Some("x\n"),
                ..CryptopayRequest::new("GET", "/")
            },
        ] {
            let code = signer.sign(&request).unwrap_err().code();
            assert_eq!(code, crate::ErrorCode::InvalidArgument);
        }
        assert!(!format!("{signer:?}").contains("\"s\""));
    }
}
