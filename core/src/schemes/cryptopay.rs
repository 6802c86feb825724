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
use crate::mac::{md5_hex, Algorithm, Encoding, Key};

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
            Some(value @ Body::Value(_)) => Some(value.canonical()?),
        };
        let digest = match body.as_deref() {
            None | Some("") => String::new(),
            Some(text) => md5_hex(text.as_bytes()),
        };
        let string_to_sign = [
            method.as_str(),
            &digest,
            request.content_type,
            &date,
            request.path,
        ]
        .join("\n");
        let signature = self
            .key
            .sign(string_to_sign.as_bytes())
            .encode(Encoding::Base64);
        Ok(SignedRequest {
            headers: vec![
                (
                    "Authorization",
                    format!("HMAC {}:{}", self.api_key, signature),
                ),
                ("Content-Type", request.content_type.to_owned()),
                ("Date", date),
            ],
            body,
            string_to_sign,
            signature,
        })
    }
}

/// The `X-Cryptopay-Signature` of a callback: lowercase hex
/// HMAC-SHA256(callback secret, raw body bytes).
pub fn callback_signature(callback_secret: &str, body: &[u8]) -> Result<String> {
    let key = Key::new(Algorithm::Sha256, callback_secret.as_bytes())
        .map_err(|_| Error::invalid_argument("the callback secret is empty"))?;
    Ok(key.sign(body).encode(Encoding::Hex))
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
