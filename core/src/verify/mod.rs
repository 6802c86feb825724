//! Verifying signed requests and callbacks, as the providers' servers do.
//!
//! One [`Verifier`] type; the scheme is chosen at construction and its
//! rules live in the provider's file (`schemes/<provider>.rs`, section
//! "Verification"). What the schemes share is here:
//!
//! - a [`Keyring`]: key id → one or more secrets (during a rotation any
//!   listed secret verifies);
//! - an injectable [`Clock`] and a tolerance window per verifier;
//! - a [`ReplayGuard`] for nonces and timestamps ([`MemoryReplayGuard`] by
//!   default);
//! - the input, a [`Request`]: method, path with query, headers, raw body;
//! - the result: the authenticated key id, or an [`AuthError`] with a stable
//!   code, the HTTP status and the provider's own message.
//!
//! Checks run in one order everywhere: the headers needed to find the key
//! and the signature → the key is known → the signature → what the signed
//! data says (payload fields, nonce) → the time window → the body matches
//! → replay. So a request that is not authentic learns nothing about time
//! windows or nonces, and nothing enters the replay guard unless it was
//! signed by a key holder.
//!
//! # Timing
//!
//! Signatures are compared in constant time after decoding. When a key id
//! is unknown, the verifier still computes as many MACs (with a dummy key)
//! as a known id would cost: every verification does exactly
//! [`Keyring::max_secrets`] MAC computations, so timing does not tell which
//! ids exist (Cryptopay answers every failure with the same 401 body, so
//! this matters there; where the error code already says `invalid_api_key`
//! it costs nothing). Schemes without a key id in the request (PGPrints,
//! Cryptopay callbacks) try every secret of the keyring, without stopping
//! at the first match. What timing still shows: the size of the keyring.

mod dates;
mod replay;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use zeroize::Zeroizing;

pub use crate::clock::{Clock, FixedClock, SystemClock};
pub use replay::{MemoryReplayGuard, ReplayError, ReplayGuard, DEFAULT_CAPACITY};

use crate::error::{Error, ErrorCode, Result};
use crate::mac::{Algorithm, Encoding, Key};
use crate::schemes::{self, Scheme};

/// Cryptopay's allowed clock offset on `Date`: 15 minutes.
pub const CRYPTOPAY_TOLERANCE_MS: i64 = 15 * 60 * 1000;
/// Aquapay's nonce age window *(our choice)*: 30 seconds.
pub const AQUAPAY_TOLERANCE_MS: i64 = 30 * 1000;
/// RemitQuickly's allowed clock skew *(our choice)*: 60 seconds.
pub const REMITQUICKLY_TOLERANCE_MS: i64 = 60 * 1000;
/// OnchainPay's nonce window under [`NoncePolicy::Unique`] *(our choice)*:
/// 30 seconds.
pub const ONCHAINPAY_TOLERANCE_MS: i64 = 30 * 1000;

/// Key id → secrets. `Debug` shows the ids only; secrets are zeroized on
/// drop.
#[derive(Clone, Default)]
pub struct Keyring {
    keys: Vec<(String, Vec<Zeroizing<String>>)>,
}

impl Keyring {
    /// An empty keyring.
    pub fn new() -> Keyring {
        Keyring::default()
    }

    /// Adds `secret` to `key_id` (a second secret for the same id is a
    /// rotation: either verifies). Refuses an empty id or secret and an id
    /// with control characters.
    pub fn add(&mut self, key_id: &str, secret: &str) -> Result<()> {
        if key_id.is_empty() {
            return Err(Error::invalid_argument("the key id is empty"));
        }
        schemes::check_header_safe("key id", key_id)?;
        if secret.is_empty() {
            return Err(Error::invalid_argument("the secret is empty"));
        }
        let secret = Zeroizing::new(secret.to_owned());
        match self.keys.iter_mut().find(|(id, _)| id == key_id) {
            Some((_, secrets)) => secrets.push(secret),
            None => self.keys.push((key_id.to_owned(), vec![secret])),
        }
        Ok(())
    }

    /// The key ids, in the order they were first added.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(id, _)| id.as_str())
    }

    /// The number of key ids.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there is no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The most secrets any one id has (at least 1): the number of MACs
    /// every keyed verification computes.
    pub fn max_secrets(&self) -> usize {
        self.keys.iter().map(|(_, s)| s.len()).max().unwrap_or(1)
    }
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("ids", &self.ids().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// One received request, as the verifier sees it.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// The HTTP method as received.
    pub method: &'a str,
    /// The request target: path and query string, as received.
    pub path: &'a str,
    /// The headers as received; names are matched case-insensitively, and
    /// a header the scheme reads that appears twice is refused.
    pub headers: &'a [(&'a str, &'a str)],
    /// The raw body bytes (empty when there is none).
    pub body: &'a [u8],
}

impl<'a> Request<'a> {
    /// The value of header `name` (case-insensitive), refused when it
    /// appears more than once.
    pub fn header(&self, name: &str) -> std::result::Result<Option<&'a str>, DuplicateHeader> {
        let mut found = None;
        for (n, v) in self.headers {
            if n.eq_ignore_ascii_case(name) {
                if found.is_some() {
                    return Err(DuplicateHeader);
                }
                found = Some(*v);
            }
        }
        Ok(found)
    }
}

/// Header `name`, refused as `missing_header` ("Missing NAME header") or,
/// when it appears twice, `malformed_header` ("Duplicate NAME header"),
/// with status 401 and a `{"message": ...}` body: the plain messages of the
/// schemes whose providers document none.
pub(crate) fn required_header<'a>(
    request: &Request<'a>,
    name: &str,
) -> std::result::Result<&'a str, AuthError> {
    let refuse = |code, message: String| AuthError::new(code, 401, message, ErrorStyle::Message);
    match request.header(name) {
        Ok(Some(value)) => Ok(value),
        Ok(None) => Err(refuse(
            ErrorCode::MissingHeader,
            format!("Missing {name} header"),
        )),
        Err(DuplicateHeader) => Err(refuse(
            ErrorCode::MalformedHeader,
            format!("Duplicate {name} header"),
        )),
    }
}

/// A header the scheme reads appears more than once: which value was
/// signed is ambiguous, so the request is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DuplicateHeader;

/// How the provider writes an error body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorStyle {
    /// Cryptopay's documented JSON with `error.code`, `error.message`,
    /// `error.details` and `meta.request_id`.
    Cryptopay,
    /// `{"message": MESSAGE}` (Aquapay's client samples read `.message`;
    /// our choice for the providers that document no error body).
    Message,
}

/// What the verifier expected, for a human debugging a refusal. Never
/// contains a secret or an expected signature (that would be an oracle).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Explanation {
    /// The string the signature must be the MAC of.
    pub string_to_sign: Option<String>,
    /// The canonical body the scheme compares or signs.
    pub canonical_body: Option<String>,
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

    pub(crate) fn with_request_id(mut self, request_id: String) -> AuthError {
        self.request_id = request_id;
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

    /// What the verifier expected, when it got as far as computing it.
    pub fn explanation(&self) -> Option<&Explanation> {
        self.explanation.as_deref()
    }

    /// The response body the provider sends with this error (JSON text).
    pub fn body(&self) -> String {
        let mut out = Vec::with_capacity(128);
        match self.style {
            ErrorStyle::Cryptopay => {
                out.extend_from_slice(b"{\"error\":{\"code\":");
                crate::json::write_string(&mut out, &self.message);
                out.extend_from_slice(b",\"message\":");
                crate::json::write_string(&mut out, &self.message);
                out.extend_from_slice(b",\"details\":[]},\"meta\":{\"request_id\":");
                crate::json::write_string(&mut out, &self.request_id);
                out.extend_from_slice(b"}}");
            }
            ErrorStyle::Message => {
                out.extend_from_slice(b"{\"message\":");
                crate::json::write_string(&mut out, &self.message);
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

/// How OnchainPay nonces are kept from being replayed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NoncePolicy {
    /// Each nonce must be greater than the last one accepted for that
    /// public key (a JSON number, or a string of decimal digits). The docs
    /// rely on `Date.now()` increasing. No time window.
    #[default]
    Increasing,
    /// Each nonce must be a millisecond timestamp within the tolerance
    /// window, and is accepted once within that window (in any order).
    Unique,
}

/// What a [`Verifier`] verifies: a provider's request scheme, or
/// Cryptopay's callbacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// Requests signed with one of the five schemes.
    Request(Scheme),
    /// Cryptopay callbacks: `X-Cryptopay-Signature`, hex HMAC-SHA256 of the
    /// raw body with the callback secret.
    CryptopayCallback,
}

impl Target {
    /// `cryptopay-callback` or the scheme's name.
    pub fn name(self) -> &'static str {
        match self {
            Target::Request(scheme) => scheme.name(),
            Target::CryptopayCallback => "cryptopay-callback",
        }
    }

    fn algorithm(self) -> Algorithm {
        match self {
            Target::Request(Scheme::Cryptopay) => Algorithm::Sha1,
            Target::Request(Scheme::Aquapay) => Algorithm::Sha384,
            Target::Request(Scheme::RemitQuickly) => Algorithm::Sha512,
            Target::Request(Scheme::PGPrints | Scheme::OnchainPay) => Algorithm::Sha256,
            Target::CryptopayCallback => Algorithm::Sha256,
        }
    }

    /// The default tolerance window in milliseconds (PROVIDERS.md).
    pub fn default_tolerance_ms(self) -> i64 {
        match self {
            Target::Request(Scheme::Cryptopay) => CRYPTOPAY_TOLERANCE_MS,
            Target::Request(Scheme::Aquapay) => AQUAPAY_TOLERANCE_MS,
            Target::Request(Scheme::RemitQuickly) => REMITQUICKLY_TOLERANCE_MS,
            Target::Request(Scheme::OnchainPay) => ONCHAINPAY_TOLERANCE_MS,
            // No timestamp in these schemes: the window is unused.
            Target::Request(Scheme::PGPrints) | Target::CryptopayCallback => 0,
        }
    }
}

impl std::str::FromStr for Target {
    type Err = Error;

    /// A scheme name, or `cryptopay-callback`.
    fn from_str(name: &str) -> Result<Target> {
        if name.eq_ignore_ascii_case("cryptopay-callback") {
            return Ok(Target::CryptopayCallback);
        }
        name.parse::<Scheme>().map(Target::Request).map_err(|_| {
            Error::invalid_argument(
                "unknown scheme (cryptopay, cryptopay-callback, aquapay, remitquickly, pgprints, onchainpay)",
            )
        })
    }
}

/// Verifies requests of one scheme against a keyring. Safe to share
/// between threads.
#[derive(Clone)]
pub struct Verifier {
    target: Target,
    keys: HashMap<String, Vec<Key>>,
    /// Every (id, key) pair, in keyring order, for schemes that carry no id.
    all_keys: Vec<(String, Key)>,
    max_secrets: usize,
    dummy: Key,
    tolerance_ms: i64,
    clock: Arc<dyn Clock>,
    replay: Arc<dyn ReplayGuard>,
    nonce_policy: NoncePolicy,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("target", &self.target)
            .field(
                "ids",
                &self.all_keys.iter().map(|(id, _)| id).collect::<Vec<_>>(),
            )
            .field("tolerance_ms", &self.tolerance_ms)
            .field("nonce_policy", &self.nonce_policy)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier for `scheme` with the defaults of PROVIDERS.md: the
    /// system clock, the scheme's tolerance, a fresh [`MemoryReplayGuard`]
    /// and, for OnchainPay, [`NoncePolicy::Increasing`].
    pub fn new(scheme: Scheme, keyring: Keyring) -> Verifier {
        Verifier::for_target(Target::Request(scheme), keyring)
    }

    /// A verifier of Cryptopay callbacks; each keyring entry's secret is a
    /// callback secret, and the key id returned is that entry's id.
    pub fn cryptopay_callback(keyring: Keyring) -> Verifier {
        Verifier::for_target(Target::CryptopayCallback, keyring)
    }

    /// A verifier for `target`, with the defaults.
    pub fn for_target(target: Target, keyring: Keyring) -> Verifier {
        let algorithm = target.algorithm();
        let mut keys = HashMap::with_capacity(keyring.len());
        let mut all_keys = Vec::new();
        for (id, secrets) in &keyring.keys {
            // Keyring::add refuses empty secrets, the only thing Key::new
            // refuses.
            let built: Vec<Key> = secrets
                .iter()
                .filter_map(|s| Key::new(algorithm, s.as_bytes()).ok())
                .collect();
            all_keys.extend(built.iter().map(|k| (id.clone(), k.clone())));
            keys.insert(id.clone(), built);
        }
        let dummy = match Key::new(algorithm, b"paysig dummy key for unknown ids") {
            Ok(key) => key,
            Err(_) => unreachable!("a non-empty key is always accepted"),
        };
        Verifier {
            target,
            keys,
            all_keys,
            max_secrets: keyring.max_secrets(),
            dummy,
            tolerance_ms: target.default_tolerance_ms(),
            clock: Arc::new(SystemClock),
            replay: Arc::new(MemoryReplayGuard::default()),
            nonce_policy: NoncePolicy::default(),
        }
    }

    /// The same verifier with another tolerance window (milliseconds, each
    /// way).
    pub fn with_tolerance_ms(mut self, ms: i64) -> Verifier {
        self.tolerance_ms = ms.max(0);
        self
    }

    /// The same verifier reading time from `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Verifier {
        self.clock = clock;
        self
    }

    /// The same verifier recording nonces in `guard` (share one guard
    /// between verifiers of one service, or use a shared store).
    pub fn with_replay_guard(mut self, guard: Arc<dyn ReplayGuard>) -> Verifier {
        self.replay = guard;
        self
    }

    /// The same verifier with another OnchainPay nonce policy (ignored by
    /// the other schemes).
    pub fn with_nonce_policy(mut self, policy: NoncePolicy) -> Verifier {
        self.nonce_policy = policy;
        self
    }

    /// What this verifier verifies.
    pub fn target(&self) -> Target {
        self.target
    }

    /// The tolerance window in milliseconds.
    pub fn tolerance_ms(&self) -> i64 {
        self.tolerance_ms
    }

    /// Verifies `request`: the authenticated key id, or why not.
    pub fn verify(&self, request: &Request<'_>) -> std::result::Result<String, AuthError> {
        match self.target {
            Target::Request(Scheme::Cryptopay) => schemes::cryptopay::verify(self, request),
            Target::Request(Scheme::Aquapay) => schemes::aquapay::verify(self, request),
            Target::Request(Scheme::RemitQuickly) => schemes::remitquickly::verify(self, request),
            Target::Request(Scheme::PGPrints) => schemes::pgprints::verify(self, request),
            Target::Request(Scheme::OnchainPay) => schemes::onchainpay::verify(self, request),
            Target::CryptopayCallback => schemes::cryptopay::verify_callback(self, request),
        }
    }

    // ---- shared steps, used by the provider files ----

    pub(crate) fn now_ms(&self) -> i64 {
        self.clock.now_millis()
    }

    pub(crate) fn nonce_policy(&self) -> NoncePolicy {
        self.nonce_policy
    }

    pub(crate) fn replay_guard(&self) -> &dyn ReplayGuard {
        self.replay.as_ref()
    }

    /// Checks `signature` against `message` for `key_id`, computing
    /// exactly `max_secrets` MACs whatever the outcome.
    pub(crate) fn check_keyed(
        &self,
        key_id: &str,
        message: &[u8],
        signature: &str,
        encoding: Encoding,
    ) -> KeyCheck {
        let decoded = encoding.decode(signature.trim());
        let expected = decoded.as_deref().unwrap_or(&[]);
        let secrets = self.keys.get(key_id);
        let mut matched = false;
        for i in 0..self.max_secrets {
            let key = secrets.and_then(|s| s.get(i)).unwrap_or(&self.dummy);
            // `|` and not `||`: every MAC is computed.
            matched |= key.verify(message, expected) & secrets.is_some_and(|s| i < s.len());
        }
        match (secrets, matched) {
            (None, _) => KeyCheck::UnknownKey,
            (Some(_), false) => KeyCheck::BadSignature,
            (Some(_), true) => KeyCheck::Valid,
        }
    }

    /// The id of the key whose MAC of `message` is `signature` (trying
    /// every key, without stopping at a match).
    pub(crate) fn find_key(&self, message: &[u8], expected: &[u8]) -> Option<&str> {
        let mut found = None;
        for (id, key) in &self.all_keys {
            if key.verify(message, expected) && found.is_none() {
                found = Some(id.as_str());
            }
        }
        found
    }

    /// The time-window check of a timestamp in milliseconds.
    pub(crate) fn check_window(&self, timestamp_ms: i64, now_ms: i64) -> Window {
        if timestamp_ms < now_ms.saturating_sub(self.tolerance_ms) {
            Window::Expired
        } else if timestamp_ms > now_ms.saturating_add(self.tolerance_ms) {
            Window::Ahead
        } else {
            Window::Within {
                // The entry must outlive the moment the timestamp would be
                // refused as expired anyway.
                ttl_ms: timestamp_ms
                    .saturating_add(self.tolerance_ms)
                    .saturating_sub(now_ms)
                    .saturating_add(1),
            }
        }
    }
}

/// The outcome of [`Verifier::check_keyed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyCheck {
    UnknownKey,
    BadSignature,
    Valid,
}

/// The outcome of [`Verifier::check_window`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Window {
    Expired,
    Ahead,
    Within { ttl_ms: i64 },
}

/// Parses a `Date` header value: an HTTP-date (IMF-fixdate, RFC 850 or
/// asctime) or an RFC 3339 / ISO-8601 date-time with offset; milliseconds
/// since the epoch.
pub(crate) fn parse_date_ms(text: &str) -> Option<i64> {
    dates::parse_date_ms(text)
}

/// A decimal integer of milliseconds as the providers send `Date.now()`:
/// ASCII digits only, at most 16 of them (no sign, no spaces).
pub(crate) fn parse_millis(text: &str) -> Option<i64> {
    if text.is_empty() || text.len() > 16 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Verifies a Cryptopay callback: `signature` (the `X-Cryptopay-Signature`
/// value, hex in either case) must be HMAC-SHA256(callback_secret, body)
/// over the raw body bytes. Parse the JSON only after this succeeds.
pub fn verify_cryptopay_callback(
    callback_secret: &str,
    body: &[u8],
    signature: &str,
) -> std::result::Result<(), AuthError> {
    schemes::cryptopay::verify_callback_signature(callback_secret, body, signature)
}

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
    fn keyring_debug_shows_ids_only() {
        let mut ring = Keyring::new();
        ring.add("k1", "very-secret-1").expect("accepted");
        ring.add("k1", "very-secret-2").expect("accepted");
        ring.add("k2", "very-secret-3").expect("accepted");
        let shown = format!("{ring:?}");
        assert!(shown.contains("k1") && shown.contains("k2"));
        assert!(!shown.contains("very-secret"), "{shown}");
        assert_eq!(ring.max_secrets(), 2);
        let verifier = Verifier::new(Scheme::Aquapay, ring);
        assert!(!format!("{verifier:?}").contains("very-secret"));
    }

    #[test]
    fn keyring_refuses_what_cannot_be_right() {
        let mut ring = Keyring::new();
        assert!(ring.add("", "s").is_err());
        assert!(ring.add("k", "").is_err());
        assert!(ring.add("k\n", "s").is_err());
        assert!(ring.is_empty());
    }

    #[test]
    fn duplicate_headers_are_reported() {
        let headers = [("X-Nonce", "1"), ("x-nonce", "2"), ("a", "b")];
        let request = Request {
            method: "GET",
            path: "/",
            headers: &headers,
            body: b"",
        };
        assert_eq!(request.header("X-NONCE"), Err(DuplicateHeader));
        assert_eq!(request.header("A"), Ok(Some("b")));
        assert_eq!(request.header("c"), Ok(None));
    }

    #[test]
    fn millis_are_plain_digits() {
        assert_eq!(parse_millis("1643881172430"), Some(1643881172430));
        for bad in ["", "-1", "+1", " 1", "1.5", "1e3", "12345678901234567"] {
            assert_eq!(parse_millis(bad), None, "{bad}");
        }
    }
}
