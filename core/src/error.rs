//! The one error type of paysig: a stable code, and a message that never
//! contains a secret.

use std::fmt;

/// A stable, machine-readable error code. The string form (`as_str`) is part
/// of the public contract: every binding and every vector file uses it.
/// New codes are only ever appended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The text is not JSON (RFC 8259).
    InvalidJson,
    /// A number JavaScript cannot hold exactly.
    NumberOutOfRange,
    /// An object names the same key twice.
    DuplicateKey,
    /// A lone surrogate escape or invalid UTF-8 inside a string.
    InvalidString,
    /// Nesting beyond the configured depth limit.
    TooDeep,
    /// An argument that cannot be right (empty secret, control characters...).
    InvalidArgument,
    /// Verification: a header the scheme requires is absent.
    MissingHeader,
    /// Verification: a header is present but cannot be parsed.
    MalformedHeader,
    /// Verification: the key id is not in the keyring.
    InvalidApiKey,
    /// Verification: the signature does not match.
    InvalidSignature,
    /// Verification: the timestamp or nonce is too old.
    TimestampExpired,
    /// Verification: the timestamp is too far in the future.
    AheadOfTime,
    /// Verification: the signed payload has no timestamp.
    MissingTimestamp,
    /// Verification: the signed payload has no body.
    MissingBody,
    /// Verification: the request body differs from the signed payload's body.
    BodyMismatch,
    /// Verification: the nonce (or timestamp and signature) was seen before.
    NonceReused,
    /// Verification: the replay store could not say whether the request is
    /// new (unreachable, too slow, or full), so it is refused (HTTP 503).
    ReplayStoreUnavailable,
    /// Verification: a nonce never used before, but not greater than the
    /// last one accepted for the key, under a policy that requires
    /// increasing nonces.
    NonceNotIncreasing,
    /// Signing: the shared nonce source (a host file, Redis) cannot hand
    /// out a nonce, so nothing is signed rather than risk a repeated one.
    NonceSourceUnavailable,
}

impl ErrorCode {
    /// Every code, in the order of their stable numbers (the C ABI's order).
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::InvalidJson,
        ErrorCode::NumberOutOfRange,
        ErrorCode::DuplicateKey,
        ErrorCode::InvalidString,
        ErrorCode::TooDeep,
        ErrorCode::InvalidArgument,
        ErrorCode::MissingHeader,
        ErrorCode::MalformedHeader,
        ErrorCode::InvalidApiKey,
        ErrorCode::InvalidSignature,
        ErrorCode::TimestampExpired,
        ErrorCode::AheadOfTime,
        ErrorCode::MissingTimestamp,
        ErrorCode::MissingBody,
        ErrorCode::BodyMismatch,
        ErrorCode::NonceReused,
        ErrorCode::ReplayStoreUnavailable,
        ErrorCode::NonceNotIncreasing,
        ErrorCode::NonceSourceUnavailable,
    ];

    /// The stable string form, e.g. `"number_out_of_range"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::NumberOutOfRange => "number_out_of_range",
            ErrorCode::DuplicateKey => "duplicate_key",
            ErrorCode::InvalidString => "invalid_string",
            ErrorCode::TooDeep => "too_deep",
            ErrorCode::InvalidArgument => "invalid_argument",
            ErrorCode::MissingHeader => "missing_header",
            ErrorCode::MalformedHeader => "malformed_header",
            ErrorCode::InvalidApiKey => "invalid_api_key",
            ErrorCode::InvalidSignature => "invalid_signature",
            ErrorCode::TimestampExpired => "timestamp_expired",
            ErrorCode::AheadOfTime => "ahead_of_time",
            ErrorCode::MissingTimestamp => "missing_timestamp",
            ErrorCode::MissingBody => "missing_body",
            ErrorCode::BodyMismatch => "body_mismatch",
            ErrorCode::NonceReused => "nonce_reused",
            ErrorCode::ReplayStoreUnavailable => "replay_store_unavailable",
            ErrorCode::NonceNotIncreasing => "nonce_not_increasing",
            ErrorCode::NonceSourceUnavailable => "nonce_source_unavailable",
        }
    }

    /// The code named by its string form.
    pub fn from_name(name: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error with a stable [`ErrorCode`] and a human-readable message.
///
/// Messages describe the input's shape and position, never a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
}

impl Error {
    /// An error with this code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
        }
    }

    /// Shorthand for an [`ErrorCode::InvalidArgument`] error.
    pub fn invalid_argument(message: impl Into<String>) -> Error {
        Error::new(ErrorCode::InvalidArgument, message)
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The message, without the code.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

/// `Result` with paysig's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
