//! `paysig_result`: the status every fallible entry point returns.
//!
//! 0 is success; 1… are core's error codes in `ErrorCode::ALL` order (the
//! strings of tests/vectors/FORMAT.md), so numbers are stable and new core
//! codes are appended; 1000… are the ABI's own. A number is never reused.

use std::os::raw::c_char;

use paysig_core::ErrorCode;

/// The status of a call. Stable numbers, never reused.
///
/// 1–999 mirror paysig's error codes one to one (`paysig_result_name`
/// gives the string form used by every binding and vector file), new codes
/// appended. 1000 and above belong to the C ABI itself. A plain C enum: paysig returns it, and takes a code back
/// as `uint32_t` (`paysig_result_name`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum paysig_result {
    /// Success.
    Ok = 0,
    /// The text is not JSON (RFC 8259).
    InvalidJson = 1,
    /// A number JavaScript cannot hold exactly.
    NumberOutOfRange = 2,
    /// An object names the same key twice.
    DuplicateKey = 3,
    /// A lone surrogate escape or invalid UTF-8 inside a JSON string.
    InvalidString = 4,
    /// JSON nesting beyond the depth limit.
    TooDeep = 5,
    /// An argument that cannot be right: NULL, invalid UTF-8, empty secret,
    /// unknown scheme, algorithm or encoding, control characters...
    InvalidArgument = 6,
    /// Verification: a header the scheme requires is absent.
    MissingHeader = 7,
    /// Verification: a header is present but cannot be parsed.
    MalformedHeader = 8,
    /// Verification: the key id is not in the keyring.
    InvalidApiKey = 9,
    /// Verification: the signature does not match.
    InvalidSignature = 10,
    /// Verification: the timestamp or nonce is too old.
    TimestampExpired = 11,
    /// Verification: the timestamp is too far in the future.
    AheadOfTime = 12,
    /// Verification: the signed payload has no timestamp.
    MissingTimestamp = 13,
    /// Verification: the signed payload has no body.
    MissingBody = 14,
    /// Verification: the request body differs from the signed payload's.
    BodyMismatch = 15,
    /// Verification: the nonce (or timestamp and signature) was seen before.
    NonceReused = 16,
    /// Verification: the replay store could not say whether the request
    /// is new (down, or full), so it was refused (HTTP 503).
    ReplayStoreUnavailable = 17,
    /// Verification: a nonce never used, but not greater than the last one
    /// accepted for the key (under an "increasing" nonce policy).
    NonceNotIncreasing = 18,
    /// Signing: the shared nonce source (host file, Redis) could not hand
    /// out a nonce; nothing was signed.
    NonceSourceUnavailable = 19,
    /// A bug inside paysig was caught at the boundary (a Rust panic); the
    /// call had no effect. Please report it.
    Panic = 1000,
    /// A caller-provided buffer is too small (see the function's size
    /// getter).
    InsufficientSize = 1001,
}

impl paysig_result {
    /// The result for a core error code.
    pub(crate) fn from_code(code: ErrorCode) -> paysig_result {
        match code {
            ErrorCode::InvalidJson => paysig_result::InvalidJson,
            ErrorCode::NumberOutOfRange => paysig_result::NumberOutOfRange,
            ErrorCode::DuplicateKey => paysig_result::DuplicateKey,
            ErrorCode::InvalidString => paysig_result::InvalidString,
            ErrorCode::TooDeep => paysig_result::TooDeep,
            ErrorCode::InvalidArgument => paysig_result::InvalidArgument,
            ErrorCode::MissingHeader => paysig_result::MissingHeader,
            ErrorCode::MalformedHeader => paysig_result::MalformedHeader,
            ErrorCode::InvalidApiKey => paysig_result::InvalidApiKey,
            ErrorCode::InvalidSignature => paysig_result::InvalidSignature,
            ErrorCode::TimestampExpired => paysig_result::TimestampExpired,
            ErrorCode::AheadOfTime => paysig_result::AheadOfTime,
            ErrorCode::MissingTimestamp => paysig_result::MissingTimestamp,
            ErrorCode::MissingBody => paysig_result::MissingBody,
            ErrorCode::BodyMismatch => paysig_result::BodyMismatch,
            ErrorCode::NonceReused => paysig_result::NonceReused,
            ErrorCode::ReplayStoreUnavailable => paysig_result::ReplayStoreUnavailable,
            ErrorCode::NonceNotIncreasing => paysig_result::NonceNotIncreasing,
            ErrorCode::NonceSourceUnavailable => paysig_result::NonceSourceUnavailable,
            // A code added to core but not yet here: the test
            // `every_core_code_has_its_number` fails before this ships.
            _ => paysig_result::Panic,
        }
    }

    /// The stable name as a static NUL-terminated string.
    fn name(code: u32) -> &'static std::ffi::CStr {
        match code {
            0 => c"ok",
            1 => c"invalid_json",
            2 => c"number_out_of_range",
            3 => c"duplicate_key",
            4 => c"invalid_string",
            5 => c"too_deep",
            6 => c"invalid_argument",
            7 => c"missing_header",
            8 => c"malformed_header",
            9 => c"invalid_api_key",
            10 => c"invalid_signature",
            11 => c"timestamp_expired",
            12 => c"ahead_of_time",
            13 => c"missing_timestamp",
            14 => c"missing_body",
            15 => c"body_mismatch",
            16 => c"nonce_reused",
            17 => c"replay_store_unavailable",
            18 => c"nonce_not_increasing",
            19 => c"nonce_source_unavailable",
            1000 => c"panic",
            1001 => c"insufficient_size",
            _ => c"unknown",
        }
    }
}

/// The stable name of a result code: `"ok"`, `"invalid_json"`,
/// `"invalid_signature"`, `"panic"`... (`"unknown"` for a number that is no
/// code). The string is static: never free it. Safe from any thread.
#[no_mangle]
pub extern "C" fn paysig_result_name(code: u32) -> *const c_char {
    paysig_result::name(code).as_ptr()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn every_core_code_has_its_number() {
        for (index, code) in ErrorCode::ALL.iter().enumerate() {
            let result = paysig_result::from_code(*code);
            assert_eq!(result as u32, index as u32 + 1, "{code}");
            let name = paysig_result::name(result as u32).to_str().unwrap();
            assert_eq!(name, code.as_str());
        }
    }

    #[test]
    fn abi_codes_have_names() {
        assert_eq!(paysig_result::name(0).to_bytes(), b"ok");
        assert_eq!(paysig_result::name(1000).to_bytes(), b"panic");
        assert_eq!(paysig_result::name(1001).to_bytes(), b"insufficient_size");
        assert_eq!(paysig_result::name(999).to_bytes(), b"unknown");
    }
}
