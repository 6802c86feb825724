//! `paysig_signer`: one handle type for the five schemes, built once from
//! credentials (the HMAC key schedule is computed then), and one sign
//! function per scheme, since each signs different parts of a request.

use std::os::raw::c_char;

use paysig_core::json::{self, Number};
use paysig_core::mac::Encoding;
use paysig_core::schemes::{
    cryptopay::DEFAULT_CONTENT_TYPE, Aquapay, Body, Cryptopay, CryptopayRequest, Nonce, OnchainPay,
    PGPrints, RemitQuickly,
};
use paysig_core::{Scheme, SignedRequest};

use crate::boundary::{handle, json_text, optional_bytes, optional_text, out, put, text};
use crate::buffer::{paysig_buffer, write_flat};
use crate::error::{paysig_error, Failure};
use crate::nonce_source::paysig_nonce_source;
use crate::result::paysig_result;
use crate::signed::paysig_signed;

enum Inner {
    Cryptopay(Cryptopay),
    Aquapay(Aquapay),
    RemitQuickly(RemitQuickly),
    PGPrints(PGPrints),
    OnchainPay(OnchainPay),
}

/// A request signer for one scheme and one set of credentials.
///
/// Created by `paysig_signer_new` (or `paysig_pgprints_signer_new`);
/// immutable, so one signer may sign from many threads at once; release
/// with `paysig_signer_free`. It holds the secret, which is wiped on free.
pub struct paysig_signer {
    inner: Inner,
}

/// Creates a signer for the scheme named `scheme` (`cryptopay`, `aquapay`,
/// `remitquickly`, `pgprints`, `onchainpay`; any case) from its
/// credentials: `key_id` is the API key (OnchainPay: the public key) and
/// must be NULL or empty for PGPrints, which has none; `secret` is the API
/// secret (OnchainPay: the private key). PGPrints signatures are base64.
///
/// On success `*out_signer` is a new handle to free with
/// `paysig_signer_free`. Errors (nothing written to `*out_signer`):
/// `PAYSIG_RESULT_INVALID_ARGUMENT` for an unknown scheme, an empty key id
/// or secret, control characters in the key id, invalid UTF-8 or NULL.
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_signer_new(
    scheme: *const c_char,
    scheme_len: usize,
    key_id: *const c_char,
    key_id_len: usize,
    secret: *const c_char,
    secret_len: usize,
    out_signer: *mut *mut paysig_signer,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: the caller's promises on each pointer.
        let scheme: Scheme = unsafe { text(scheme, scheme_len, "scheme") }?.parse()?;
        // SAFETY: as above.
        let key_id = unsafe { text(key_id, key_id_len, "key_id") }?;
        // SAFETY: as above.
        let secret = unsafe { text(secret, secret_len, "secret") }?;
        let out_signer = out(out_signer, "out_signer")?;
        let inner = match scheme {
            Scheme::Cryptopay => Inner::Cryptopay(Cryptopay::new(key_id, secret)?),
            Scheme::Aquapay => Inner::Aquapay(Aquapay::new(key_id, secret)?),
            Scheme::RemitQuickly => Inner::RemitQuickly(RemitQuickly::new(key_id, secret)?),
            Scheme::OnchainPay => Inner::OnchainPay(OnchainPay::new(key_id, secret)?),
            Scheme::PGPrints => {
                if !key_id.is_empty() {
                    return Err(Failure::invalid(
                        "PGPrints has no key id: pass NULL or an empty key_id",
                    ));
                }
                Inner::PGPrints(PGPrints::new(secret)?)
            }
        };
        let signer = Box::new(paysig_signer { inner });
        // SAFETY: checked by `out`.
        unsafe { put(out_signer, Box::into_raw(signer)) };
        Ok(())
    })
}

/// Creates a PGPrints signer whose signatures use `encoding` (`base64`,
/// the documented default, or `hex`, which one published sample uses).
/// Ownership and errors as for `paysig_signer_new`; an unknown encoding is
/// `PAYSIG_RESULT_INVALID_ARGUMENT`.
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_pgprints_signer_new(
    secret_key: *const c_char,
    secret_key_len: usize,
    encoding: *const c_char,
    encoding_len: usize,
    out_signer: *mut *mut paysig_signer,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: the caller's promises on each pointer.
        let secret = unsafe { text(secret_key, secret_key_len, "secret_key") }?;
        // SAFETY: as above.
        let encoding: Encoding = unsafe { text(encoding, encoding_len, "encoding") }?.parse()?;
        let out_signer = out(out_signer, "out_signer")?;
        let signer = PGPrints::new(secret)?.with_encoding(encoding);
        let signer = Box::new(paysig_signer {
            inner: Inner::PGPrints(signer),
        });
        // SAFETY: checked by `out`.
        unsafe { put(out_signer, Box::into_raw(signer)) };
        Ok(())
    })
}

/// The signer's scheme name (`"cryptopay"`...): a static string, never
/// freed; NULL when `signer` is NULL.
#[no_mangle]
pub unsafe extern "C" fn paysig_signer_scheme(signer: *const paysig_signer) -> *const c_char {
    crate::ffi_boundary!(default: std::ptr::null(), {
        // SAFETY: NULL or a live handle.
        match unsafe { signer.as_ref() }.map(|s| &s.inner) {
            Some(Inner::Cryptopay(_)) => c"cryptopay".as_ptr(),
            Some(Inner::Aquapay(_)) => c"aquapay".as_ptr(),
            Some(Inner::RemitQuickly(_)) => c"remitquickly".as_ptr(),
            Some(Inner::PGPrints(_)) => c"pgprints".as_ptr(),
            Some(Inner::OnchainPay(_)) => c"onchainpay".as_ptr(),
            None => std::ptr::null(),
        }
    })
}

/// A new signer like `signer` that takes its default nonces (RemitQuickly:
/// timestamps) from `source` instead of the default source (the host's,
/// `paysig_nonce_source_host_new` with NULL). `signer` is not changed, so
/// it may be signing on other threads meanwhile; free both. The new
/// signer keeps its own reference to the source. A nonce passed to a sign
/// function still wins.
///
/// On success `*out_signer` is a new handle to free with
/// `paysig_signer_free`. Errors: `PAYSIG_RESULT_INVALID_ARGUMENT` (NULL,
/// or a Cryptopay or PGPrints signer, whose schemes have no nonce).
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_signer_with_nonce_source(
    signer: *const paysig_signer,
    source: *const paysig_nonce_source,
    out_signer: *mut *mut paysig_signer,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: the caller's promises on each pointer.
        let signer = unsafe { handle(signer, "signer") }?;
        // SAFETY: as above.
        let source = unsafe { handle(source, "source") }?.source();
        let out_signer = out(out_signer, "out_signer")?;
        let inner =
            match &signer.inner {
                Inner::Aquapay(s) => Inner::Aquapay(s.clone().with_nonce_source(source)),
                Inner::RemitQuickly(s) => Inner::RemitQuickly(s.clone().with_nonce_source(source)),
                Inner::OnchainPay(s) => Inner::OnchainPay(s.clone().with_nonce_source(source)),
                Inner::Cryptopay(_) | Inner::PGPrints(_) => return Err(Failure::invalid(
                    "Cryptopay and PGPrints requests carry no nonce: a nonce source does not apply",
                )),
            };
        let signer = Box::new(paysig_signer { inner });
        // SAFETY: checked by `out`.
        unsafe { put(out_signer, Box::into_raw(signer)) };
        Ok(())
    })
}

/// Releases a signer. NULL is accepted and does nothing.
#[no_mangle]
pub unsafe extern "C" fn paysig_signer_free(signer: *mut paysig_signer) {
    crate::ffi_boundary!(default: (), {
        if !signer.is_null() {
            // SAFETY: a pointer from `Box::into_raw` in a constructor,
            // freed once (the caller's promise).
            drop(unsafe { Box::from_raw(signer) });
        }
    })
}

fn wrong_scheme(wanted: &str) -> Failure {
    Failure::invalid(format!("this signer is not a {wanted} signer"))
}

/// Hands a signed request to the caller.
///
/// # Safety
/// `out_signed` came from `out`.
unsafe fn deliver(
    out_signed: *mut *mut paysig_signed,
    signed: SignedRequest,
) -> Result<(), Failure> {
    let signed = paysig_signed::new(signed)?;
    // SAFETY: checked by `out` (the caller of this function's promise).
    unsafe { put(out_signed, signed) };
    Ok(())
}

/// Writes a signed request flat into the caller's buffer.
///
/// # Safety
/// `out_buffer` came from `out` and points to a live `paysig_buffer`
/// (the caller of this function's promise).
unsafe fn deliver_into(
    out_buffer: *mut paysig_buffer,
    signed: Result<SignedRequest, Failure>,
) -> Result<(), Failure> {
    // SAFETY: forwarded.
    unsafe { write_flat(&signed?, out_buffer) }
}

// Each scheme has two entry points that differ only in where the result
// goes: `paysig_X_sign` returns a `paysig_signed` handle, and
// `paysig_X_sign_into` writes it flat into the caller's `paysig_buffer`
// (one call and no handle to free: for bindings such as PHP FFI, where
// every crossing costs). Both read their inputs through one function per
// scheme, after checking their out-parameter.

/// Reads a Cryptopay request and signs it; `body_json` makes the body JSON
/// text to send as its canonical form.
///
/// # Safety
/// The caller's promises on each pointer.
unsafe fn cryptopay(
    signer: *const paysig_signer,
    method: *const c_char,
    method_len: usize,
    path: *const c_char,
    path_len: usize,
    body: *const c_char,
    body_len: usize,
    body_json: bool,
    content_type: *const c_char,
    content_type_len: usize,
    date: *const c_char,
    date_len: usize,
) -> Result<SignedRequest, Failure> {
    // SAFETY: the caller's promises on each pointer (here and below).
    let signer = unsafe { handle(signer, "signer") }?;
    let Inner::Cryptopay(signer) = &signer.inner else {
        return Err(wrong_scheme("Cryptopay"));
    };
    // SAFETY: as above.
    let method = unsafe { text(method, method_len, "method") }?;
    // SAFETY: as above.
    let path = unsafe { text(path, path_len, "path") }?;
    let canonical;
    let body = if body_json {
        // SAFETY: as above.
        match unsafe { optional_bytes(body, body_len, "body") }? {
            None => None,
            Some(json) => {
                canonical = json::canonicalize_with(json, &json::Options::default())?;
                Some(canonical.as_str())
            }
        }
    } else {
        // SAFETY: as above.
        unsafe { optional_text(body, body_len, "body") }?
    };
    // SAFETY: as above.
    let content_type = unsafe { optional_text(content_type, content_type_len, "content_type") }?;
    // SAFETY: as above.
    let date = unsafe { optional_text(date, date_len, "date") }?;
    let request = CryptopayRequest {
        method,
        path,
        body: body.map(Body::Text),
        content_type: content_type.unwrap_or(DEFAULT_CONTENT_TYPE),
        date,
    };
    Ok(signer.sign(&request)?)
}

/// Signs a Cryptopay request: `method` (upper-cased), `path` (everything
/// after the base URL, query included), `body` (NULL: no body; hashed as
/// given, and must be UTF-8), `content_type` (NULL: `application/json`),
/// `date` (NULL: now, as an IMF-fixdate; sent exactly as given).
///
/// On success `*out_signed` is a new `paysig_signed` (headers
/// `Authorization`, `Content-Type`, `Date`; body as given) to free with
/// `paysig_signed_free`. Errors: `PAYSIG_RESULT_INVALID_ARGUMENT` (NULL
/// signer or out pointer, another scheme's signer, an empty or non-token
/// method, control characters, invalid UTF-8).
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_cryptopay_sign(
    signer: *const paysig_signer,
    method: *const c_char,
    method_len: usize,
    path: *const c_char,
    path_len: usize,
    body: *const c_char,
    body_len: usize,
    content_type: *const c_char,
    content_type_len: usize,
    date: *const c_char,
    date_len: usize,
    out_signed: *mut *mut paysig_signed,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        let out_signed = out(out_signed, "out_signed")?;
        // SAFETY: the caller's promises on each pointer.
        let signed = unsafe {
            cryptopay(
                signer,
                method,
                method_len,
                path,
                path_len,
                body,
                body_len,
                false,
                content_type,
                content_type_len,
                date,
                date_len,
            )
        }?;
        // SAFETY: checked by `out`.
        unsafe { deliver(out_signed, signed) }
    })
}

/// `paysig_cryptopay_sign` writing its result flat into `*out_buffer` (the
/// layout is at `paysig_buffer`); with `body_json` true, `body` is JSON
/// text, signed and sent as its canonical form (the JSON codes of
/// `paysig_canonicalize`), which the result's body holds. The body is
/// part of the result whenever one was given.
///
/// Errors as for `paysig_cryptopay_sign`, and
/// `PAYSIG_RESULT_INSUFFICIENT_SIZE` (with `out_buffer->len` set) when the
/// result does not fit.
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_cryptopay_sign_into(
    signer: *const paysig_signer,
    method: *const c_char,
    method_len: usize,
    path: *const c_char,
    path_len: usize,
    body: *const c_char,
    body_len: usize,
    body_json: bool,
    content_type: *const c_char,
    content_type_len: usize,
    date: *const c_char,
    date_len: usize,
    out_buffer: *mut paysig_buffer,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        let out_buffer = out(out_buffer, "out_buffer")?;
        // SAFETY: the caller's promises on each pointer.
        unsafe {
            deliver_into(
                out_buffer,
                cryptopay(
                    signer,
                    method,
                    method_len,
                    path,
                    path_len,
                    body,
                    body_len,
                    body_json,
                    content_type,
                    content_type_len,
                    date,
                    date_len,
                ),
            )
        }
    })
}

/// Reads an Aquapay request and signs it.
///
/// # Safety
/// The caller's promises on each pointer.
unsafe fn aquapay(
    signer: *const paysig_signer,
    method: *const c_char,
    method_len: usize,
    path: *const c_char,
    path_len: usize,
    nonce: *const c_char,
    nonce_len: usize,
) -> Result<SignedRequest, Failure> {
    // SAFETY: the caller's promises on each pointer (here and below).
    let signer = unsafe { handle(signer, "signer") }?;
    let Inner::Aquapay(signer) = &signer.inner else {
        return Err(wrong_scheme("Aquapay"));
    };
    // SAFETY: as above.
    let method = unsafe { text(method, method_len, "method") }?;
    // SAFETY: as above.
    let path = unsafe { text(path, path_len, "path") }?;
    // SAFETY: as above.
    let nonce = unsafe { optional_text(nonce, nonce_len, "nonce") }?;
    Ok(signer.sign(method, path, nonce)?)
}

/// Signs an Aquapay request: `method`, `path` (a query string is allowed
/// and not signed), `nonce` (NULL: the next value of the signer's nonce
/// source; otherwise non-empty text).
///
/// On success `*out_signed` is a new `paysig_signed` (headers `x-nonce`,
/// `x-api-key`, `x-signature`; no body) to free with `paysig_signed_free`.
/// Errors as for `paysig_cryptopay_sign`; an empty nonce is
/// `PAYSIG_RESULT_INVALID_ARGUMENT`.
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_aquapay_sign(
    signer: *const paysig_signer,
    method: *const c_char,
    method_len: usize,
    path: *const c_char,
    path_len: usize,
    nonce: *const c_char,
    nonce_len: usize,
    out_signed: *mut *mut paysig_signed,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        let out_signed = out(out_signed, "out_signed")?;
        // SAFETY: the caller's promises on each pointer.
        let signed =
            unsafe { aquapay(signer, method, method_len, path, path_len, nonce, nonce_len) }?;
        // SAFETY: checked by `out`.
        unsafe { deliver(out_signed, signed) }
    })
}

/// `paysig_aquapay_sign` writing its result flat into `*out_buffer` (the
/// layout is at `paysig_buffer`). Errors as for `paysig_aquapay_sign`, and
/// `PAYSIG_RESULT_INSUFFICIENT_SIZE` (with `out_buffer->len` set) when the
/// result does not fit.
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_aquapay_sign_into(
    signer: *const paysig_signer,
    method: *const c_char,
    method_len: usize,
    path: *const c_char,
    path_len: usize,
    nonce: *const c_char,
    nonce_len: usize,
    out_buffer: *mut paysig_buffer,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        let out_buffer = out(out_buffer, "out_buffer")?;
        // SAFETY: the caller's promises on each pointer.
        unsafe {
            deliver_into(
                out_buffer,
                aquapay(signer, method, method_len, path, path_len, nonce, nonce_len),
            )
        }
    })
}

/// Reads a RemitQuickly request and signs it.
///
/// # Safety
/// The caller's promises on each pointer.
unsafe fn remitquickly(
    signer: *const paysig_signer,
    body_json: *const c_char,
    body_json_len: usize,
    timestamp: *const c_char,
    timestamp_len: usize,
) -> Result<SignedRequest, Failure> {
    // SAFETY: the caller's promises on each pointer (here and below).
    let signer = unsafe { handle(signer, "signer") }?;
    let Inner::RemitQuickly(signer) = &signer.inner else {
        return Err(wrong_scheme("RemitQuickly"));
    };
    let body = if body_json.is_null() {
        None
    } else {
        // SAFETY: as above.
        Some(unsafe { json_text(body_json, body_json_len, "body_json") }?)
    };
    // SAFETY: as above.
    let timestamp = unsafe { optional_text(timestamp, timestamp_len, "timestamp") }?;
    Ok(signer.sign(body.map(Body::Text), timestamp)?)
}

/// Signs a RemitQuickly request: `body_json` is the request's fields as a
/// JSON text (NULL: no body, signed as `{}`), `timestamp` (NULL: the
/// signer's nonce source's next value).
///
/// On success `*out_signed` is a new `paysig_signed` (headers `apikey`,
/// `payload`, `signature`; body: the canonical JSON that was signed, NULL
/// without a body; string to sign: the payload JSON before base64).
/// Errors: the JSON codes of `paysig_canonicalize` for `body_json`, and
/// `PAYSIG_RESULT_INVALID_ARGUMENT` as for `paysig_cryptopay_sign`.
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_remitquickly_sign(
    signer: *const paysig_signer,
    body_json: *const c_char,
    body_json_len: usize,
    timestamp: *const c_char,
    timestamp_len: usize,
    out_signed: *mut *mut paysig_signed,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        let out_signed = out(out_signed, "out_signed")?;
        // SAFETY: the caller's promises on each pointer.
        let signed =
            unsafe { remitquickly(signer, body_json, body_json_len, timestamp, timestamp_len) }?;
        // SAFETY: checked by `out`.
        unsafe { deliver(out_signed, signed) }
    })
}

/// `paysig_remitquickly_sign` writing its result flat into `*out_buffer`
/// (the layout is at `paysig_buffer`). Errors as for
/// `paysig_remitquickly_sign`, and `PAYSIG_RESULT_INSUFFICIENT_SIZE` (with
/// `out_buffer->len` set) when the result does not fit.
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_remitquickly_sign_into(
    signer: *const paysig_signer,
    body_json: *const c_char,
    body_json_len: usize,
    timestamp: *const c_char,
    timestamp_len: usize,
    out_buffer: *mut paysig_buffer,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        let out_buffer = out(out_buffer, "out_buffer")?;
        // SAFETY: the caller's promises on each pointer.
        unsafe {
            deliver_into(
                out_buffer,
                remitquickly(signer, body_json, body_json_len, timestamp, timestamp_len),
            )
        }
    })
}

/// Reads a PGPrints request and signs it.
///
/// # Safety
/// The caller's promises on each pointer.
unsafe fn pgprints(
    signer: *const paysig_signer,
    body_json: *const c_char,
    body_json_len: usize,
) -> Result<SignedRequest, Failure> {
    // SAFETY: the caller's promises on each pointer (here and below).
    let signer = unsafe { handle(signer, "signer") }?;
    let Inner::PGPrints(signer) = &signer.inner else {
        return Err(wrong_scheme("PGPrints"));
    };
    // SAFETY: as above.
    let body = unsafe { json_text(body_json, body_json_len, "body_json") }?;
    Ok(signer.sign(Body::Text(body))?)
}

/// Signs a PGPrints request body, a JSON text.
///
/// On success `*out_signed` is a new `paysig_signed` (header
/// `X-PGPrints-Hmac-Sha256`; body and string to sign: the canonical JSON).
/// Errors: the JSON codes of `paysig_canonicalize`, and
/// `PAYSIG_RESULT_INVALID_ARGUMENT` as for `paysig_cryptopay_sign`.
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_pgprints_sign(
    signer: *const paysig_signer,
    body_json: *const c_char,
    body_json_len: usize,
    out_signed: *mut *mut paysig_signed,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        let out_signed = out(out_signed, "out_signed")?;
        // SAFETY: the caller's promises on each pointer.
        let signed = unsafe { pgprints(signer, body_json, body_json_len) }?;
        // SAFETY: checked by `out`.
        unsafe { deliver(out_signed, signed) }
    })
}

/// `paysig_pgprints_sign` writing its result flat into `*out_buffer` (the
/// layout is at `paysig_buffer`). Errors as for `paysig_pgprints_sign`,
/// and `PAYSIG_RESULT_INSUFFICIENT_SIZE` (with `out_buffer->len` set) when
/// the result does not fit.
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_pgprints_sign_into(
    signer: *const paysig_signer,
    body_json: *const c_char,
    body_json_len: usize,
    out_buffer: *mut paysig_buffer,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        let out_buffer = out(out_buffer, "out_buffer")?;
        // SAFETY: the caller's promises on each pointer.
        unsafe { deliver_into(out_buffer, pgprints(signer, body_json, body_json_len)) }
    })
}

/// Reads an OnchainPay request and signs it.
///
/// # Safety
/// The caller's promises on each pointer.
unsafe fn onchainpay(
    signer: *const paysig_signer,
    payload_json: *const c_char,
    payload_json_len: usize,
    nonce_json: *const c_char,
    nonce_json_len: usize,
) -> Result<SignedRequest, Failure> {
    // SAFETY: the caller's promises on each pointer (here and below).
    let signer = unsafe { handle(signer, "signer") }?;
    let Inner::OnchainPay(signer) = &signer.inner else {
        return Err(wrong_scheme("OnchainPay"));
    };
    // SAFETY: as above.
    let payload = unsafe { json_text(payload_json, payload_json_len, "payload_json") }?;
    // SAFETY: as above.
    let nonce = unsafe { optional_bytes(nonce_json, nonce_json_len, "nonce_json") }?;
    let nonce_text;
    let nonce = match nonce {
        None => None,
        // The common case, a number: read directly.
        Some(bytes @ [b'-' | b'0'..=b'9', ..]) => {
            let literal = std::str::from_utf8(bytes)
                .map_err(|_| Failure::invalid("the nonce is not a JSON number"))?;
            Some(Nonce::Number(Number::parse(literal)?))
        }
        // Anything else goes through the JSON reader, which reports
        // bad JSON with its own code and unescapes a string.
        Some(bytes) => {
            let literal = json::canonicalize_with(bytes, &json::Options::default())?;
            if !literal.starts_with('"') {
                return Err(Failure::invalid(
                    "the nonce must be a JSON number or string",
                ));
            }
            nonce_text = json::unquote(&literal)
                .ok_or_else(|| Failure::invalid("the nonce string cannot be read"))?;
            Some(Nonce::Text(&nonce_text))
        }
    };
    Ok(signer.sign(Body::Text(payload), nonce)?)
}

/// Signs an OnchainPay request: `payload_json` is a JSON object; it gets a
/// `nonce` member as JavaScript's `payload.nonce = x` sets it. `nonce_json`
/// is the nonce as a JSON literal, a number (`1643881172430`) or a string
/// (`"abc"`, quotes included); NULL: the signer's nonce source's next
/// increasing millisecond count, as a number.
///
/// On success `*out_signed` is a new `paysig_signed` (headers
/// `x-api-public-key`, `x-api-signature`; body: the exact bytes to send,
/// also the string to sign). Errors: the JSON codes of
/// `paysig_canonicalize` for either input, and
/// `PAYSIG_RESULT_INVALID_ARGUMENT` for a payload that is not an object, a
/// nonce that is neither number nor string, and as for
/// `paysig_cryptopay_sign`.
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_onchainpay_sign(
    signer: *const paysig_signer,
    payload_json: *const c_char,
    payload_json_len: usize,
    nonce_json: *const c_char,
    nonce_json_len: usize,
    out_signed: *mut *mut paysig_signed,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        let out_signed = out(out_signed, "out_signed")?;
        // SAFETY: the caller's promises on each pointer.
        let signed = unsafe {
            onchainpay(
                signer,
                payload_json,
                payload_json_len,
                nonce_json,
                nonce_json_len,
            )
        }?;
        // SAFETY: checked by `out`.
        unsafe { deliver(out_signed, signed) }
    })
}

/// `paysig_onchainpay_sign` writing its result flat into `*out_buffer`
/// (the layout is at `paysig_buffer`). Errors as for
/// `paysig_onchainpay_sign`, and `PAYSIG_RESULT_INSUFFICIENT_SIZE` (with
/// `out_buffer->len` set) when the result does not fit.
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_onchainpay_sign_into(
    signer: *const paysig_signer,
    payload_json: *const c_char,
    payload_json_len: usize,
    nonce_json: *const c_char,
    nonce_json_len: usize,
    out_buffer: *mut paysig_buffer,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        let out_buffer = out(out_buffer, "out_buffer")?;
        // SAFETY: the caller's promises on each pointer.
        unsafe {
            deliver_into(
                out_buffer,
                onchainpay(
                    signer,
                    payload_json,
                    payload_json_len,
                    nonce_json,
                    nonce_json_len,
                ),
            )
        }
    })
}

/// Writes the `X-Cryptopay-Signature` of a Cryptopay callback (lowercase
/// hex HMAC-SHA256 of the raw `body` bytes with `callback_secret`) to
/// `*out_signature`, a new `paysig_bytes` to free with `paysig_bytes_free`.
/// Errors: `PAYSIG_RESULT_INVALID_ARGUMENT` (empty secret, NULL, invalid
/// UTF-8 in the secret).
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_cryptopay_callback_sign(
    callback_secret: *const c_char,
    callback_secret_len: usize,
    body: *const c_char,
    body_len: usize,
    out_signature: *mut *mut crate::bytes::paysig_bytes,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: the caller's promises on each pointer (here and below).
        let secret = unsafe { text(callback_secret, callback_secret_len, "callback_secret") }?;
        // SAFETY: as above.
        let body = unsafe { crate::boundary::bytes(body, body_len, "body") }?;
        let out_signature = out(out_signature, "out_signature")?;
        let signature = paysig_core::schemes::cryptopay::callback_signature(secret, body)?;
        // SAFETY: checked by `out`.
        unsafe { put(out_signature, crate::bytes::into_raw(signature)) };
        Ok(())
    })
}
