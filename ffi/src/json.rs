//! Canonical JSON: the bytes of JavaScript's `JSON.stringify(JSON.parse(text))`.

use std::os::raw::c_char;

use paysig_core::json::{self, Options};

use crate::boundary::{bytes, out, put};
use crate::bytes::{into_raw, paysig_bytes};
use crate::error::paysig_error;
use crate::result::paysig_result;

/// The default JSON nesting limit of `paysig_canonicalize`.
pub const PAYSIG_JSON_DEFAULT_MAX_DEPTH: usize = 128;

/// `PAYSIG_JSON_DEFAULT_MAX_DEPTH`, for callers that cannot read macros.
#[no_mangle]
pub extern "C" fn paysig_json_default_max_depth() -> usize {
    json::DEFAULT_MAX_DEPTH
}

/// Writes the canonical form of the JSON text `json[json_len]` (any bytes)
/// to `*out`, strictly: `PAYSIG_RESULT_INVALID_JSON`,
/// `_NUMBER_OUT_OF_RANGE`, `_DUPLICATE_KEY`, `_INVALID_STRING` (also for
/// invalid UTF-8 inside a string) or `_TOO_DEEP` (beyond
/// `PAYSIG_JSON_DEFAULT_MAX_DEPTH`) otherwise.
///
/// On success `*out` is a new `paysig_bytes` the caller frees with
/// `paysig_bytes_free`; on failure `*out` is untouched and, when `error`
/// is not NULL, `*error` receives a new `paysig_error` (free it with
/// `paysig_error_free`). NULL `out` is `PAYSIG_RESULT_INVALID_ARGUMENT`.
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_canonicalize(
    json: *const c_char,
    json_len: usize,
    out_canonical: *mut *mut paysig_bytes,
    error: *mut *mut paysig_error,
) -> paysig_result {
    // SAFETY: forwarded with the same promises.
    unsafe {
        paysig_canonicalize_with(
            json,
            json_len,
            json::DEFAULT_MAX_DEPTH,
            false,
            out_canonical,
            error,
        )
    }
}

/// `paysig_canonicalize` with a nesting limit `max_depth` and, when
/// `lenient` is true, JavaScript's own reading instead of refusals: the
/// last of duplicate keys wins and numbers are rounded as `JSON.parse`
/// rounds them. Lone surrogates are refused in either mode.
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_canonicalize_with(
    json: *const c_char,
    json_len: usize,
    max_depth: usize,
    lenient: bool,
    out_canonical: *mut *mut paysig_bytes,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: `json` points to `json_len` bytes (the caller's promise).
        let input = unsafe { bytes(json, json_len, "json") }?;
        let out_canonical = out(out_canonical, "out_canonical")?;
        let options = Options { max_depth, lenient };
        let canonical = json::canonicalize_with(input, &options)?;
        // SAFETY: checked by `out`.
        unsafe { put(out_canonical, into_raw(canonical)) };
        Ok(())
    })
}

/// Writes the canonical JSON of a binary token stream `tokens[len]` to
/// `*out`, strictly and with `PAYSIG_JSON_DEFAULT_MAX_DEPTH`. Bindings
/// whose JSON encoder depends on settings (PHP's `json_encode` and
/// `serialize_precision`) send their values this way.
///
/// The stream holds exactly one value; one tag byte per token, integers
/// little-endian: `n` null; `t` true; `f` false; `i` + int64 (8 bytes,
/// refused beyond +/-2^53); `d` + float64 (8 bytes, IEEE 754; NaN and
/// infinities refused); `s` + uint32 length + that many UTF-8 bytes, a
/// string; `[` values `]`, an array; `{` members `}`, an object, each
/// member `k` + uint32 length + UTF-8 key bytes, then one value.
///
/// Errors: `PAYSIG_RESULT_INVALID_JSON` for a truncated or malformed
/// stream (the message names the byte offset), `_INVALID_STRING` for
/// invalid UTF-8, `_NUMBER_OUT_OF_RANGE`, `_DUPLICATE_KEY`, `_TOO_DEEP`.
/// NULL `tokens` with `len` 0 is an empty (malformed) stream.
///
/// On success `*out` is a new `paysig_bytes` the caller frees with
/// `paysig_bytes_free`; on failure `*out` is untouched and, when `error`
/// is not NULL, `*error` receives a new `paysig_error` (free it with
/// `paysig_error_free`). NULL `out` is `PAYSIG_RESULT_INVALID_ARGUMENT`.
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_canonicalize_tokens(
    tokens: *const u8,
    len: usize,
    out: *mut *mut paysig_bytes,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: `tokens` points to `len` bytes (the caller's promise).
        let input = unsafe { bytes(tokens.cast::<c_char>(), len, "tokens") }?;
        let out = self::out(out, "out")?;
        let canonical = json::canonicalize_tokens(input, &Options::default())?;
        // SAFETY: checked by `out`.
        unsafe { put(out, into_raw(canonical.into_string())) };
        Ok(())
    })
}
