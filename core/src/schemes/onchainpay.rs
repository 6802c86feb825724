//! OnchainPay: the payload gets a `nonce` member as JavaScript's
//! `payload.nonce = x` sets it (replaced in place when present, appended
//! otherwise); the body is `JSON.stringify(payload)`, sent byte for byte,
//! and `x-api-signature` is its hex HMAC-SHA256. `x-api-public-key` names
//! the key.

use std::sync::Arc;

use super::{check_credential, check_header_safe, Body, Scheme, SignedRequest};
use crate::error::{Error, Result};
use crate::json::{canonicalize_into, find_member, write_number, write_string, Number, Options};
use crate::mac::{Algorithm, Encoding, Key};
use crate::nonce::{self, NonceSource, Scope};

/// An OnchainPay nonce: the docs use `Date.now()` (a number); a string is
/// also allowed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Nonce<'a> {
    /// A JSON number.
    Number(Number),
    /// A JSON string.
    Text(&'a str),
}

/// An OnchainPay request signer.
#[derive(Clone, Debug)]
pub struct OnchainPay {
    public_key: String,
    key: Key,
    nonces: Option<Arc<dyn NonceSource>>,
}

impl OnchainPay {
    /// A signer for this public key and private key.
    pub fn new(public_key: &str, private_key: &str) -> Result<OnchainPay> {
        check_credential("public key", public_key)?;
        Ok(OnchainPay {
            public_key: public_key.to_owned(),
            key: Key::new(Algorithm::Sha256, private_key.as_bytes())
                .map_err(|_| Error::invalid_argument("the private key is empty"))?,
            nonces: None,
        })
    }

    /// Takes default nonces from `source` instead of the default
    /// source ([`nonce::default_source`]: shared by the processes of the
    /// host). A nonce passed to `sign` still wins.
    pub fn with_nonce_source(mut self, source: Arc<dyn NonceSource>) -> OnchainPay {
        self.nonces = Some(source);
        self
    }

    fn next_nonce(&self) -> Result<i64> {
        nonce::next(
            self.nonces.as_ref(),
            Scope {
                scheme: Scheme::OnchainPay,
                key_id: &self.public_key,
            },
        )
    }

    /// Signs `payload`, which must be a JSON object. `nonce` defaults to
    /// the next value of the signer's nonce source, as a number.
    pub fn sign(&self, payload: Body<'_>, nonce: Option<Nonce<'_>>) -> Result<SignedRequest> {
        let canonical = canonical_with_room(payload)?;
        if !canonical.starts_with('{') {
            return Err(Error::invalid_argument(
                "the OnchainPay payload must be a JSON object",
            ));
        }
        let mut nonce_json = Vec::with_capacity(16);
        match nonce {
            Some(Nonce::Number(n)) => write_number(&mut nonce_json, n),
            Some(Nonce::Text(t)) => {
                check_header_safe("nonce", t)?;
                write_string(&mut nonce_json, t);
            }
            None => nonce_json.extend_from_slice(self.next_nonce()?.to_string().as_bytes()),
        }
        let body = with_nonce(canonical, &nonce_json);
        let signature = self.key.sign(body.as_bytes()).encode(Encoding::Hex);
        Ok(SignedRequest {
            headers: vec![
                ("x-api-public-key", self.public_key.clone()),
                ("x-api-signature", signature.clone()),
            ],
            body: Some(body.clone()),
            string_to_sign: body,
            signature,
        })
    }
}

/// Room for `,"nonce":` and a nonce, so that appending it does not move the
/// body to a bigger buffer (a realloc per sign, measured).
const NONCE_ROOM: usize = 48;

/// The canonical JSON of `payload` (as [`Body::canonical`] writes it), in
/// a buffer with [`NONCE_ROOM`] to spare.
fn canonical_with_room(payload: Body<'_>) -> Result<String> {
    match payload {
        Body::Text(text) => {
            let mut out = Vec::with_capacity(text.len() + NONCE_ROOM);
            canonicalize_into(text.as_bytes(), &Options::default(), &mut out)?;
            // The canonicalizer writes only validated UTF-8.
            Ok(String::from_utf8(out).unwrap_or_default())
        }
        other => other.canonical(),
    }
}

/// `payload.nonce = nonce` on a canonical object.
fn with_nonce(canonical: String, nonce_json: &[u8]) -> String {
    let nonce_json = String::from_utf8_lossy(nonce_json);
    // In canonical JSON a member named nonce is always written `"nonce":`,
    // so without that text there is none, and the structural search
    // (which reads the whole body) can be skipped.
    let member = if canonical.contains("\"nonce\":") {
        find_member(&canonical, "nonce")
    } else {
        None
    };
    match member {
        Some(range) => {
            let mut body = canonical;
            body.replace_range(range, &nonce_json);
            body
        }
        None => {
            let mut body = canonical;
            body.pop(); // the closing brace
            if body.len() > 1 {
                body.push(',');
            }
            body.push_str("\"nonce\":");
            body.push_str(&nonce_json);
            body.push('}');
            body
        }
    }
}

// ---------------------------------------------------------------------------
// Verification (the receiving side): `crate::verify::Verifier` calls this
// with its shared `Checks`.
//
// Order: x-api-public-key, x-api-signature present → key known → signature
// (hex HMAC-SHA256 of the raw body bytes, which are exactly what was
// signed) → the body is a JSON object with a `nonce` → the nonce policy:
// - Unique (default): any JSON number or string, accepted once per public
//   key, remembered for the retention (default 1 hour, our choice). The
//   docs ask only for a unique value; the official SDKs send random
//   integers (Python), per-client counters (Node, Go) or milliseconds
//   (PHP), and all of them pass.
// - Increasing: the nonce, a JSON number or a string of decimal digits (at
//   most 16), must be greater than the last one accepted for this public
//   key; equal is "already used", lower "not increasing". No time window.
// - Timestamp: the nonce must be milliseconds since the epoch within the
//   window (default 30 s each way, our choice) and not seen before within
//   it, in any order.
// Failures are 401 in OnchainPay's envelope, which its SDKs parse; the
// messages are ours.
// ---------------------------------------------------------------------------

use crate::error::ErrorCode;
use crate::json::{canonicalize_with, unquote};
use crate::verify::checks::{parse_millis, Checks, KeyCheck, NoncePolicy, Window};
use crate::verify::refusal::{unavailable, AuthError, ErrorStyle, Explanation};
use crate::verify::replay::ReplayError;
use crate::verify::request::{required_header, Request};

fn refuse(code: ErrorCode, message: &str) -> AuthError {
    AuthError::new(code, 401, message, ErrorStyle::OnchainPay)
}

/// Verifies an OnchainPay request: the public key, or why not.
pub(crate) fn verify(checks: &Checks, request: &Request<'_>) -> Result<String, AuthError> {
    let header = |name: &str| required_header(request, name, ErrorStyle::OnchainPay);
    let public_key = header("x-api-public-key")?;
    let signature = header("x-api-signature")?;
    match checks.check_keyed(public_key, request.body, signature, Encoding::Hex) {
        KeyCheck::UnknownKey => return Err(refuse(ErrorCode::InvalidApiKey, "Invalid API key")),
        KeyCheck::BadSignature => {
            return Err(refuse(ErrorCode::InvalidSignature, "Invalid signature")
                .with_explanation(Explanation::new(request.body, None)))
        }
        KeyCheck::Valid => {}
    }
    let canonical = canonicalize_with(request.body, &Options::lenient())
        .ok()
        .filter(|json| json.starts_with('{'));
    let nonce = canonical
        .as_deref()
        .and_then(|json| Some(&json[find_member(json, "nonce")?]))
        .ok_or_else(|| refuse(ErrorCode::MissingTimestamp, "Missing nonce"))?;
    let nonce_text = unquote(nonce).unwrap_or_else(|| nonce.to_owned());
    let invalid_nonce = || refuse(ErrorCode::MalformedHeader, "Invalid nonce");
    let refused = |e: ReplayError| match e {
        ReplayError::Replayed => refuse(ErrorCode::NonceReused, "Nonce already used"),
        ReplayError::NotIncreasing => refuse(
            ErrorCode::NonceNotIncreasing,
            "Nonce not greater than the last one",
        ),
        e => unavailable(ErrorStyle::OnchainPay, &e),
    };
    let scope = format!("onchainpay:{public_key}");
    let now = checks.now_ms();
    match checks.nonce_policy() {
        NoncePolicy::Unique => {
            // An object or array nonce is not "a number or a string".
            if nonce.starts_with(['{', '['])
                || nonce == "null"
                || nonce == "true"
                || nonce == "false"
            {
                return Err(invalid_nonce());
            }
            // The canonical JSON text: 7 and "7" are different values.
            checks
                .replay_guard()
                .check_and_record(&scope, nonce, now, checks.nonce_retention_ms())
                .map_err(refused)?;
        }
        NoncePolicy::Increasing => {
            let value = parse_millis(&nonce_text).ok_or_else(invalid_nonce)?;
            checks
                .replay_guard()
                .check_increasing(&scope, value.unsigned_abs(), now)
                .map_err(refused)?;
        }
        NoncePolicy::Timestamp => {
            let nonce_ms = parse_millis(&nonce_text).ok_or_else(invalid_nonce)?;
            let window = || checks.explain_window(nonce_ms, now);
            let ttl_ms = match checks.check_window(nonce_ms, now) {
                Window::Expired => {
                    return Err(refuse(ErrorCode::TimestampExpired, "Nonce expired")
                        .with_explanation(window()))
                }
                Window::Ahead => {
                    return Err(refuse(ErrorCode::AheadOfTime, "Nonce ahead of time")
                        .with_explanation(window()))
                }
                Window::Within { ttl_ms } => ttl_ms,
            };
            checks
                .replay_guard()
                .check_and_record(&scope, nonce, now, ttl_ms)
                .map_err(refused)?;
        }
    }
    Ok(public_key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(payload: &str, nonce: Nonce<'_>) -> String {
        let signer = OnchainPay::new("pk", "sk").unwrap();
        signer
            .sign(Body::Text(payload), Some(nonce))
            .unwrap()
            .body
            .unwrap()
    }

    #[test]
    fn nonce_is_assigned_as_javascript_assigns() {
        let n = Nonce::Number(Number::from_u64(7).unwrap());
        assert_eq!(body("{}", n), r#"{"nonce":7}"#);
        assert_eq!(body(r#"{"a":1}"#, n), r#"{"a":1,"nonce":7}"#);
        assert_eq!(
            body(r#"{"nonce":"x","a":{"nonce":1}}"#, n),
            r#"{"nonce":7,"a":{"nonce":1}}"#
        );
        assert_eq!(
            body(r#"{"1":1}"#, Nonce::Text("u-1")),
            r#"{"1":1,"nonce":"u-1"}"#
        );
    }

    /// The default policy remembers a nonce for the retention, then lets
    /// it go; at capacity it refuses (503) rather than forget a live one.
    #[test]
    fn unique_nonces_are_retained_and_bounded() {
        use std::sync::atomic::{AtomicI64, Ordering};
        use std::sync::Arc;

        use crate::verify::{Clock, Keyring, MemoryReplayGuard, Request, Verifier};

        struct Manual(AtomicI64);
        impl Clock for Manual {
            fn now_millis(&self) -> i64 {
                self.0.load(Ordering::SeqCst)
            }
        }
        let clock = Arc::new(Manual(AtomicI64::new(1_000)));
        let mut keys = Keyring::new();
        keys.add("pk", "sk").unwrap();
        let verifier = Verifier::new(crate::Scheme::OnchainPay, keys)
            .with_clock(clock.clone())
            .with_replay_guard(Arc::new(MemoryReplayGuard::new(16)))
            .with_nonce_retention_ms(60_000);
        let signer = OnchainPay::new("pk", "sk").unwrap();
        let send = |nonce: &str| {
            let signed = signer
                .sign(Body::Text("{}"), Some(Nonce::Text(nonce)))
                .unwrap();
            let headers: Vec<(&str, &str)> = signed
                .headers
                .iter()
                .map(|(n, v)| (*n, v.as_str()))
                .collect();
            let body = signed.body.unwrap();
            verifier
                .verify(&Request {
                    method: "POST",
                    path: "/",
                    headers: &headers,
                    body: body.as_bytes(),
                })
                .map_err(|e| e.code())
        };
        assert_eq!(send("a"), Ok("pk".to_owned()));
        clock.0.store(60_000, Ordering::SeqCst);
        assert_eq!(send("a"), Err(crate::ErrorCode::NonceReused));
        clock.0.store(61_001, Ordering::SeqCst);
        assert_eq!(send("a"), Ok("pk".to_owned()));
        // A 16-entry guard, one shard per entry at most: fill it.
        let mut refused = 0;
        for i in 0..64 {
            if send(&i.to_string()) == Err(crate::ErrorCode::ReplayStoreUnavailable) {
                refused += 1;
            }
        }
        assert!(refused >= 48, "{refused}");
        // Still remembered while full.
        assert_eq!(send("a"), Err(crate::ErrorCode::NonceReused));
    }

    #[test]
    fn payload_must_be_an_object() {
        let signer = OnchainPay::new("pk", "sk").unwrap();
        let err = signer.sign(Body::Text("[1]"), None).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::InvalidArgument);
    }
}
