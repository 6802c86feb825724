//! HMAC by algorithm name (`sha1`, `sha256`, `sha384`, `sha512`) and
//! encoding name (`hex`, `base64`), over any bytes.

use std::os::raw::c_char;

use paysig_core::mac::{Algorithm, Encoding, Key};

use crate::boundary::{bytes, out, put, text};
use crate::bytes::{into_raw, paysig_bytes};
use crate::error::{paysig_error, Failure};
use crate::result::paysig_result;

/// The longest MAC in bytes (HMAC-SHA-512).
pub const PAYSIG_HMAC_MAX_BYTES: usize = 64;

/// `PAYSIG_HMAC_MAX_BYTES`, for callers that cannot read macros.
#[no_mangle]
pub extern "C" fn paysig_hmac_max_bytes() -> usize {
    PAYSIG_HMAC_MAX_BYTES
}

/// The MAC length in bytes of the algorithm named
/// `algorithm[algorithm_len]` (20, 32, 48 or 64), or 0 when the name is
/// unknown or NULL.
#[no_mangle]
pub unsafe extern "C" fn paysig_hmac_output_len(
    algorithm: *const c_char,
    algorithm_len: usize,
) -> usize {
    crate::ffi_boundary!(default: 0, {
        // SAFETY: the caller's promise on `algorithm`.
        match unsafe { text(algorithm, algorithm_len, "algorithm") } {
            Ok(name) => name.parse::<Algorithm>().map_or(0, Algorithm::output_len),
            Err(_) => 0,
        }
    })
}

/// The keyed MAC for an algorithm name and key bytes.
///
/// # Safety
/// Pointers as in the calling entry point.
unsafe fn key(
    algorithm: *const c_char,
    algorithm_len: usize,
    key: *const c_char,
    key_len: usize,
) -> Result<Key, Failure> {
    // SAFETY: forwarded.
    let algorithm: Algorithm = unsafe { text(algorithm, algorithm_len, "algorithm") }?.parse()?;
    // SAFETY: forwarded.
    let key = unsafe { bytes(key, key_len, "key") }?;
    Ok(Key::new(algorithm, key)?)
}

/// Writes the raw MAC of `message` under `key` into `out[out_capacity]`
/// and its length to `*out_len`. The algorithm is named
/// (`sha1`/`sha256`/`sha384`/`sha512`, also `SHA-256`, `hmac-sha256`);
/// `key` is any non-empty bytes.
///
/// Errors: `PAYSIG_RESULT_INVALID_ARGUMENT` (unknown algorithm, empty key,
/// NULL pointer), `PAYSIG_RESULT_INSUFFICIENT_SIZE` when `out_capacity` is
/// below `paysig_hmac_output_len` (`PAYSIG_HMAC_MAX_BYTES` always fits).
/// Nothing is written on failure.
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_hmac(
    algorithm: *const c_char,
    algorithm_len: usize,
    key_bytes: *const c_char,
    key_len: usize,
    message: *const c_char,
    message_len: usize,
    out_mac: *mut u8,
    out_capacity: usize,
    out_len: *mut usize,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: the caller's promises on each pointer.
        let key = unsafe { key(algorithm, algorithm_len, key_bytes, key_len) }?;
        // SAFETY: as above.
        let message = unsafe { bytes(message, message_len, "message") }?;
        let out_mac = out(out_mac, "out_mac")?;
        let out_len = out(out_len, "out_len")?;
        let tag = key.sign(message);
        let mac = tag.as_bytes();
        if out_capacity < mac.len() {
            return Err(Failure::insufficient_size(format!(
                "the MAC takes {} bytes, the buffer holds {out_capacity}",
                mac.len()
            )));
        }
        // SAFETY: `out_mac` holds `out_capacity` >= mac.len() writable
        // bytes (the caller's promise) and cannot overlap our stack copy.
        unsafe { std::ptr::copy_nonoverlapping(mac.as_ptr(), out_mac, mac.len()) };
        // SAFETY: checked by `out`.
        unsafe { put(out_len, mac.len()) };
        Ok(())
    })
}

/// Writes the MAC of `message` under `key`, encoded (`hex`: lowercase;
/// `base64`: standard alphabet, padded), to `*out_signature`: a new
/// `paysig_bytes` the caller frees with `paysig_bytes_free`.
///
/// Errors: `PAYSIG_RESULT_INVALID_ARGUMENT` (unknown algorithm or
/// encoding, empty key, NULL pointer, a name that is not UTF-8).
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_hmac_sign(
    algorithm: *const c_char,
    algorithm_len: usize,
    encoding: *const c_char,
    encoding_len: usize,
    key_bytes: *const c_char,
    key_len: usize,
    message: *const c_char,
    message_len: usize,
    out_signature: *mut *mut paysig_bytes,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: the caller's promises on each pointer.
        let key = unsafe { key(algorithm, algorithm_len, key_bytes, key_len) }?;
        // SAFETY: as above.
        let encoding: Encoding = unsafe { text(encoding, encoding_len, "encoding") }?.parse()?;
        // SAFETY: as above.
        let message = unsafe { bytes(message, message_len, "message") }?;
        let out_signature = out(out_signature, "out_signature")?;
        let signature = key.sign(message).encode(encoding);
        // SAFETY: checked by `out`.
        unsafe { put(out_signature, into_raw(signature)) };
        Ok(())
    })
}

/// Checks that `signature` (in `encoding`; hex in either case) is the MAC
/// of `message` under `key`, in constant time. Returns
/// `PAYSIG_RESULT_OK` on a match, `PAYSIG_RESULT_INVALID_SIGNATURE` when
/// it does not match or does not decode, `PAYSIG_RESULT_INVALID_ARGUMENT`
/// as for `paysig_hmac_sign`.
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_hmac_verify(
    algorithm: *const c_char,
    algorithm_len: usize,
    encoding: *const c_char,
    encoding_len: usize,
    key_bytes: *const c_char,
    key_len: usize,
    message: *const c_char,
    message_len: usize,
    signature: *const c_char,
    signature_len: usize,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: the caller's promises on each pointer.
        let key = unsafe { key(algorithm, algorithm_len, key_bytes, key_len) }?;
        // SAFETY: as above.
        let encoding: Encoding = unsafe { text(encoding, encoding_len, "encoding") }?.parse()?;
        // SAFETY: as above.
        let message = unsafe { bytes(message, message_len, "message") }?;
        // SAFETY: as above; a signature that is not UTF-8 cannot match.
        let signature = unsafe { bytes(signature, signature_len, "signature") }?;
        let matches =
            std::str::from_utf8(signature).is_ok_and(|s| key.verify_encoded(message, s, encoding));
        if !matches {
            return Err(Failure {
                result: paysig_result::InvalidSignature,
                status: 0,
                message: "the signature does not match".into(),
                body: None,
            });
        }
        Ok(())
    })
}
