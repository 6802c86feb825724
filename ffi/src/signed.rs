//! `paysig_signed`: the result of one sign call, readable in one step
//! (`paysig_signed_parts`) so a binding crosses the boundary as few times
//! as it can.

use std::os::raw::c_char;

use paysig_core::SignedRequest;

use crate::boundary::{handle, out, put, text};
use crate::error::Failure;
use crate::result::paysig_result;

/// One header: name and value, each NUL-terminated, with its length.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct paysig_header {
    /// The header name in the provider's spelling (e.g. `x-api-signature`).
    pub name: *const c_char,
    /// The length of `name`.
    pub name_len: usize,
    /// The header value.
    pub value: *const c_char,
    /// The length of `value`.
    pub value_len: usize,
}

/// Everything a sign call produced. Every pointer is owned by the
/// `paysig_signed` it came from and valid until `paysig_signed_free`;
/// every string is NUL-terminated and its length excludes the NUL.
#[repr(C)]
pub struct paysig_parts {
    /// The headers to send, in a stable order.
    pub headers: *const paysig_header,
    /// The number of `headers`.
    pub header_count: usize,
    /// All headers as one text, `"name: value\n"` per header (values never
    /// hold control characters, so the lines are unambiguous).
    pub header_block: *const c_char,
    /// The length of `header_block`.
    pub header_block_len: usize,
    /// The exact body to send, or NULL when the scheme leaves the body to
    /// the caller or there is none (Aquapay; RemitQuickly without a body).
    pub body: *const c_char,
    /// The length of `body` (0 when `body` is NULL).
    pub body_len: usize,
    /// The string that was signed, for debugging a refusal.
    pub string_to_sign: *const c_char,
    /// The length of `string_to_sign`.
    pub string_to_sign_len: usize,
    /// The signature as it appears in the headers.
    pub signature: *const c_char,
    /// The length of `signature`.
    pub signature_len: usize,
}

/// The most headers a scheme sends (Cryptopay and Aquapay: 3); a test
/// checks every scheme fits.
const MAX_HEADERS: usize = 4;

/// A signed request: headers, body, string to sign, signature.
///
/// Created by the `paysig_*_sign` functions; immutable, so safe to read
/// from many threads; release with `paysig_signed_free`.
pub struct paysig_signed {
    parts: paysig_parts,
    headers: [paysig_header; MAX_HEADERS],
    // Every string `parts` points to, each followed by a NUL, in one heap
    // buffer: two allocations per result keep the C ABI's cost per sign
    // small (BENCHMARKS.md). Never resized once the pointers are taken.
    buffer: Vec<u8>,
}

/// Appends `text` and a NUL; returns its offset.
fn push(buffer: &mut Vec<u8>, text: &[u8]) -> usize {
    let at = buffer.len();
    buffer.extend_from_slice(text);
    buffer.push(0);
    at
}

impl paysig_signed {
    pub(crate) fn new(signed: SignedRequest) -> Result<Box<paysig_signed>, Failure> {
        let count = signed.headers.len();
        if count > MAX_HEADERS {
            return Err(Failure::panic());
        }
        let header_bytes: usize = signed.headers.iter().map(|(n, v)| n.len() + v.len()).sum();
        let body_len = signed.body.as_ref().map_or(0, |b| b.len() + 1);
        let capacity = 2 * header_bytes
            + 5 * count
            + 1
            + body_len
            + signed.string_to_sign.len()
            + 1
            + signed.signature.len()
            + 1;
        let mut buffer = Vec::with_capacity(capacity);
        let mut offsets = [(0, 0, 0, 0); MAX_HEADERS];
        for (slot, (name, value)) in offsets.iter_mut().zip(&signed.headers) {
            *slot = (
                push(&mut buffer, name.as_bytes()),
                name.len(),
                push(&mut buffer, value.as_bytes()),
                value.len(),
            );
        }
        let block_at = buffer.len();
        for (name, value) in &signed.headers {
            buffer.extend_from_slice(name.as_bytes());
            buffer.extend_from_slice(b": ");
            buffer.extend_from_slice(value.as_bytes());
            buffer.push(b'\n');
        }
        let block_len = buffer.len() - block_at;
        buffer.push(0);
        let body_at = signed
            .body
            .as_ref()
            .map(|b| push(&mut buffer, b.as_bytes()));
        let sts_at = push(&mut buffer, signed.string_to_sign.as_bytes());
        let signature_at = push(&mut buffer, signed.signature.as_bytes());

        let empty = paysig_header {
            name: std::ptr::null(),
            name_len: 0,
            value: std::ptr::null(),
            value_len: 0,
        };
        let mut result = Box::new(paysig_signed {
            parts: paysig_parts {
                headers: std::ptr::null(),
                header_count: count,
                header_block: std::ptr::null(),
                header_block_len: block_len,
                body: std::ptr::null(),
                body_len: signed.body.as_ref().map_or(0, String::len),
                string_to_sign: std::ptr::null(),
                string_to_sign_len: signed.string_to_sign.len(),
                signature: std::ptr::null(),
                signature_len: signed.signature.len(),
            },
            headers: [empty; MAX_HEADERS],
            buffer,
        });
        // The buffer and the box are in place now: take the pointers.
        let base: *const c_char = result.buffer.as_ptr().cast();
        let at = |offset: usize| base.wrapping_add(offset);
        for (header, (name_at, name_len, value_at, value_len)) in
            result.headers.iter_mut().zip(offsets).take(count)
        {
            *header = paysig_header {
                name: at(name_at),
                name_len,
                value: at(value_at),
                value_len,
            };
        }
        result.parts.headers = result.headers.as_ptr();
        result.parts.header_block = at(block_at);
        result.parts.body = body_at.map_or(std::ptr::null(), at);
        result.parts.string_to_sign = at(sts_at);
        result.parts.signature = at(signature_at);
        Ok(result)
    }

    fn header_value(&self, name: &str) -> Option<&paysig_header> {
        self.headers[..self.parts.header_count].iter().find(|h| {
            // SAFETY: `h.name` points to `h.name_len` bytes of `buffer`.
            let bytes = unsafe { std::slice::from_raw_parts(h.name.cast::<u8>(), h.name_len) };
            bytes.eq_ignore_ascii_case(name.as_bytes())
        })
    }
}

/// Everything `signed_request` holds, in one read: headers (one by one and
/// as one block), body, string to sign, signature. The pointer is owned by
/// `signed_request` (valid until `paysig_signed_free`); NULL when
/// `signed_request` is NULL.
#[no_mangle]
pub unsafe extern "C" fn paysig_signed_parts(
    signed_request: *const paysig_signed,
) -> *const paysig_parts {
    crate::ffi_boundary!(default: std::ptr::null(), {
        // SAFETY: NULL or a live handle (the caller's promise).
        unsafe { signed_request.as_ref() }.map_or(std::ptr::null(), |s| &s.parts as *const paysig_parts)
    })
}

/// Finds header `name` (ASCII case-insensitive) and writes its value and
/// length (owned by `signed_request`) to `*out_value` and `*out_value_len`.
/// Returns `PAYSIG_RESULT_MISSING_HEADER` when the scheme sends no such
/// header, `PAYSIG_RESULT_INVALID_ARGUMENT` for NULL or non-UTF-8 input;
/// nothing is written then.
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_signed_header(
    signed_request: *const paysig_signed,
    name: *const c_char,
    name_len: usize,
    out_value: *mut *const c_char,
    out_value_len: *mut usize,
) -> paysig_result {
    crate::ffi_boundary!(std::ptr::null_mut(), {
        // SAFETY: the caller's promises on each pointer.
        let signed_request = unsafe { handle(signed_request, "signed_request") }?;
        // SAFETY: as above.
        let name = unsafe { text(name, name_len, "name") }?;
        let out_value = out(out_value, "out_value")?;
        let out_value_len = out(out_value_len, "out_value_len")?;
        let Some(header) = signed_request.header_value(name) else {
            return Err(Failure {
                result: paysig_result::MissingHeader,
                status: 0,
                message: "the scheme sends no such header".into(),
                body: None,
            });
        };
        // SAFETY: both checked by `out`.
        unsafe {
            put(out_value, header.value);
            put(out_value_len, header.value_len);
        }
        Ok(())
    })
}

/// Releases a signed request and every string read from it. NULL is
/// accepted and does nothing.
#[no_mangle]
pub unsafe extern "C" fn paysig_signed_free(signed_request: *mut paysig_signed) {
    crate::ffi_boundary!(default: (), {
        if !signed_request.is_null() {
            // SAFETY: a pointer from `Box::into_raw` in a sign function,
            // freed once (the caller's promise).
            drop(unsafe { Box::from_raw(signed_request) });
        }
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;
    use paysig_core::schemes::{
        Aquapay, Body, Cryptopay, CryptopayRequest, OnchainPay, PGPrints, RemitQuickly,
    };

    /// Every scheme's headers fit, and every string reads back intact.
    #[test]
    fn every_scheme_fits_and_reads_back() {
        let body = r#"{"a":1}"#;
        let all = [
            Cryptopay::new("k", "s")
                .unwrap()
                .sign(&CryptopayRequest::new("GET", "/"))
                .unwrap(),
            Aquapay::new("k", "s")
                .unwrap()
                .sign("GET", "/", None)
                .unwrap(),
            RemitQuickly::new("k", "s")
                .unwrap()
                .sign(None, None)
                .unwrap(),
            PGPrints::new("s").unwrap().sign(Body::Text(body)).unwrap(),
            OnchainPay::new("k", "s")
                .unwrap()
                .sign(Body::Text(body), None)
                .unwrap(),
        ];
        for signed in all {
            let result = paysig_signed::new(signed.clone()).unwrap();
            let read = |ptr: *const c_char, len: usize| {
                // SAFETY: a pointer into `result`, NUL after `len` bytes.
                let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len + 1) };
                assert_eq!(bytes[len], 0);
                String::from_utf8(bytes[..len].to_vec()).unwrap()
            };
            let parts = &result.parts;
            assert_eq!(parts.header_count, signed.headers.len());
            let mut block = String::new();
            for (i, (name, value)) in signed.headers.iter().enumerate() {
                let h = result.headers[i];
                assert_eq!(read(h.name, h.name_len), *name);
                assert_eq!(read(h.value, h.value_len), *value);
                assert_eq!(
                    result.header_value(&name.to_uppercase()).unwrap().value,
                    h.value
                );
                block.push_str(&format!("{name}: {value}\n"));
            }
            assert_eq!(read(parts.header_block, parts.header_block_len), block);
            assert_eq!(
                read(parts.string_to_sign, parts.string_to_sign_len),
                signed.string_to_sign
            );
            assert_eq!(read(parts.signature, parts.signature_len), signed.signature);
            match &signed.body {
                Some(body) => assert_eq!(&read(parts.body, parts.body_len), body),
                None => assert!(parts.body.is_null()),
            }
        }
    }
}
