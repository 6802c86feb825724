//! RemitQuickly: `payload` = base64 of
//! `JSON.stringify({"body": body, "timestamp": "<ms>"})`, and `signature` =
//! hex HMAC-SHA512 of the base64 text itself. `body` is the request's
//! fields as an object, `{}` when there is none. Headers: `apikey`,
//! `payload`, `signature`.

use base64::Engine as _;

use std::sync::Arc;

use super::{check_credential, check_header_safe, Body, Scheme, SignedRequest};
use crate::error::{Error, Result};
use crate::json::write_string;
use crate::mac::{Algorithm, Encoding, Key};
use crate::nonce::{self, NonceSource, Scope};

/// A RemitQuickly request signer.
#[derive(Clone, Debug)]
pub struct RemitQuickly {
    api_key: String,
    key: Key,
    nonces: Option<Arc<dyn NonceSource>>,
}

impl RemitQuickly {
    /// A signer for this API key and secret.
    pub fn new(api_key: &str, secret: &str) -> Result<RemitQuickly> {
        check_credential("API key", api_key)?;
        Ok(RemitQuickly {
            api_key: api_key.to_owned(),
            key: Key::new(Algorithm::Sha512, secret.as_bytes())
                .map_err(|_| Error::invalid_argument("the secret is empty"))?,
            nonces: None,
        })
    }

    /// Takes default timestamps from `source` instead of the default
    /// source ([`nonce::default_source`]: shared by the processes of the
    /// host). A timestamp passed to `sign` still wins.
    pub fn with_nonce_source(mut self, source: Arc<dyn NonceSource>) -> RemitQuickly {
        self.nonces = Some(source);
        self
    }

    fn next_nonce(&self) -> Result<i64> {
        nonce::next(
            self.nonces.as_ref(),
            Scope {
                scheme: Scheme::RemitQuickly,
                key_id: &self.api_key,
            },
        )
    }

    /// Signs a request whose fields are `body` (`None`: no body, signed as
    /// `{}`). `timestamp` defaults to the next value of the signer's
    /// nonce source.
    /// The returned body is the canonical JSON that was signed, or `None`
    /// when there was no body.
    pub fn sign(&self, body: Option<Body<'_>>, timestamp: Option<&str>) -> Result<SignedRequest> {
        let canonical_body = body.map(|b| b.canonical()).transpose()?;
        // Only read (into the payload): a given timestamp is not copied.
        let default_timestamp;
        let timestamp = match timestamp {
            Some("") => return Err(Error::invalid_argument("the timestamp is empty")),
            Some(t) => {
                check_header_safe("timestamp", t)?;
                t
            }
            None => {
                default_timestamp = self.next_nonce()?.to_string();
                &default_timestamp
            }
        };
        let payload_json = payload_json(canonical_body.as_deref().unwrap_or("{}"), timestamp);
        let payload = base64::engine::general_purpose::STANDARD.encode(&payload_json);
        let signature = self.key.sign(payload.as_bytes()).encode(Encoding::Hex);
        Ok(SignedRequest {
            headers: vec![
                ("apikey", self.api_key.clone()),
                ("payload", payload),
                ("signature", signature.clone()),
            ],
            body: canonical_body,
            string_to_sign: payload_json,
            signature,
        })
    }
}

/// `{"body":BODY,"timestamp":"TS"}` with an already canonical body.
fn payload_json(canonical_body: &str, timestamp: &str) -> String {
    let mut out = Vec::with_capacity(32 + canonical_body.len() + timestamp.len());
    out.extend_from_slice(b"{\"body\":");
    out.extend_from_slice(canonical_body.as_bytes());
    out.extend_from_slice(b",\"timestamp\":");
    write_string(&mut out, timestamp);
    out.push(b'}');
    String::from_utf8(out).unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Verification (the receiving side): `crate::verify::Verifier` calls this
// with its shared `Checks`.
//
// Order, as the provider's error table implies: apikey, payload, signature
// present → key known → signature (hex HMAC-SHA512 of the payload header
// text) → payload fields (timestamp, then body) → timestamp within the
// window (default 60 s each way, our choice) → the payload's body equals the
// request body as the server parses it → timestamp+signature not seen
// before. Messages are the provider's documented ones; "Invalid payload",
// "Duplicate header data" and "Duplicate request" are ours (the provider
// documents none for those cases). All 401.
//
// The request body as the server parses it, by Content-Type: url-encoded
// form fields → an object of strings, in order, a repeated name keeping its
// first position and its last value (the Postman script's `reduce`); JSON
// (`application/json`, `*+json`) → its value, read as `JSON.parse` does; no
// body → `{}`. A non-empty body of any other type cannot be read, so it
// cannot match.
// ---------------------------------------------------------------------------

use crate::error::ErrorCode;
use crate::json::{canonicalize_with, find_member, unquote, Options, Value};
use crate::verify::checks::{parse_millis, Checks, KeyCheck, Window};
use crate::verify::refusal::{unavailable, AuthError, ErrorStyle, Explanation};
use crate::verify::replay::ReplayError;
use crate::verify::request::Request;

fn refuse(code: ErrorCode, message: &str) -> AuthError {
    AuthError::new(code, 401, message, ErrorStyle::Message)
}

/// Verifies a RemitQuickly request: the key id, or why not.
pub(crate) fn verify(checks: &Checks, request: &Request<'_>) -> Result<String, AuthError> {
    let header = |name: &str| match request.header(name) {
        Ok(Some(value)) => Ok(value),
        Ok(None) => Err(refuse(
            ErrorCode::MissingHeader,
            "Missing necessary header data",
        )),
        Err(_) => Err(refuse(ErrorCode::MalformedHeader, "Duplicate header data")),
    };
    let api_key = header("apikey")?;
    let payload = header("payload")?;
    let signature = header("signature")?;
    match checks.check_keyed(api_key, payload.as_bytes(), signature, Encoding::Hex) {
        KeyCheck::UnknownKey => return Err(refuse(ErrorCode::InvalidApiKey, "Invalid api key")),
        KeyCheck::BadSignature => {
            return Err(refuse(ErrorCode::InvalidSignature, "Invalid Signature")
                .with_explanation(Explanation::new(payload.as_bytes(), None)))
        }
        KeyCheck::Valid => {}
    }
    let invalid_payload = || refuse(ErrorCode::MalformedHeader, "Invalid payload");
    let payload_json = base64::engine::general_purpose::STANDARD
        .decode(payload.trim())
        .ok()
        .and_then(|bytes| canonicalize_with(&bytes, &Options::lenient()).ok())
        .filter(|json| json.starts_with('{'))
        .ok_or_else(invalid_payload)?;
    let timestamp = find_member(&payload_json, "timestamp")
        .map(|range| &payload_json[range])
        .ok_or_else(|| refuse(ErrorCode::MissingTimestamp, "Missing timestamp in payload"))?;
    let signed_body = find_member(&payload_json, "body")
        .map(|range| &payload_json[range])
        .ok_or_else(|| refuse(ErrorCode::MissingBody, "Missing body in payload"))?;
    // `Date.now().toString()`: a string of digits; a bare number is read too.
    let timestamp_text = match unquote(timestamp) {
        Some(text) => text,
        None => timestamp.to_owned(),
    };
    let timestamp_ms = parse_millis(&timestamp_text).ok_or_else(invalid_payload)?;
    let now = checks.now_ms();
    let window = || checks.explain_window(timestamp_ms, now);
    let ttl_ms = match checks.check_window(timestamp_ms, now) {
        Window::Expired => {
            return Err(
                refuse(ErrorCode::TimestampExpired, "Timestamp expired").with_explanation(window())
            )
        }
        Window::Ahead => {
            return Err(refuse(ErrorCode::AheadOfTime, "Ahead of time").with_explanation(window()))
        }
        Window::Within { ttl_ms } => ttl_ms,
    };
    let content_type = request.header("Content-Type").ok().flatten();
    let received = body_as_parsed(content_type, request.body);
    if received.as_deref() != Some(signed_body) {
        return Err(
            refuse(ErrorCode::BodyMismatch, "Body and Payload mismatch").with_explanation(
                Explanation::new(
                    payload_json.as_bytes(),
                    received.as_deref().map(str::as_bytes),
                ),
            ),
        );
    }
    // Hex in either case verifies, so the token uses one case: a replay
    // with the signature upper-cased is still a replay.
    let token = format!("{timestamp_text}:{}", signature.trim().to_ascii_lowercase());
    let scope = format!("remitquickly:{api_key}");
    match checks
        .replay_guard()
        .check_and_record(&scope, &token, now, ttl_ms)
    {
        Ok(()) => Ok(api_key.to_owned()),
        Err(ReplayError::Replayed) => Err(refuse(ErrorCode::NonceReused, "Duplicate request")),
        Err(e) => Err(unavailable(ErrorStyle::Message, &e)),
    }
}

/// The request body as the provider's server parses it, as canonical JSON;
/// `None` when it cannot be read.
fn body_as_parsed(content_type: Option<&str>, body: &[u8]) -> Option<String> {
    if body.is_empty() {
        return Some("{}".to_owned());
    }
    let media_type = content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media_type == "application/x-www-form-urlencoded" {
        let mut object = Value::Object(Vec::new());
        for (name, value) in form_urlencoded::parse(body) {
            object.set(&name, Value::String(value.into_owned()));
        }
        object.to_canonical().ok()
    } else if media_type == "application/json" || media_type.ends_with("+json") {
        canonicalize_with(body, &Options::lenient()).ok()
    } else {
        None
    }
}
