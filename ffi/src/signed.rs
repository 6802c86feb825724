//! `paysig_signed`: the result of one sign call, readable in one step
//! (`paysig_signed_parts`) so a binding crosses the boundary as few times
//! as it can.

use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};
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
//
// One allocation per result: this struct, then `text_len` bytes holding
// every string `parts` points to, each followed by a NUL. Against a boxed
// struct plus a `Vec` for the strings, that is one malloc and one free
// fewer per sign, a measurable share of the C ABI's cost per call
// (BENCHMARKS.md). The strings are copied once from the `SignedRequest`:
// making its own `String`s NUL-terminated in place would instead grow
// (realloc) each of them, which costs more than the copy.
pub struct paysig_signed {
    parts: paysig_parts,
    headers: [paysig_header; MAX_HEADERS],
    /// The length of the strings after the struct (to free the block).
    text_len: usize,
}

/// The layout of a block with `text_len` bytes of strings, and the offset
/// of those bytes; `None` when the size overflows.
fn block_layout(text_len: usize) -> Option<(Layout, usize)> {
    Layout::new::<paysig_signed>()
        .extend(Layout::array::<u8>(text_len).ok()?)
        .ok()
}

/// Copies strings into a zeroed byte area, each followed by a NUL (the
/// zero already there), and says where each landed.
struct Strings<'a> {
    area: &'a mut [u8],
    at: usize,
}

impl Strings<'_> {
    /// Copies `text`, skips one NUL; returns the offset and length.
    fn put(&mut self, text: &[u8]) -> (usize, usize) {
        let start = self.at;
        self.append(text);
        self.at += 1;
        (start, text.len())
    }

    /// Copies `text` with no NUL after it.
    fn append(&mut self, text: &[u8]) {
        self.area[self.at..self.at + text.len()].copy_from_slice(text);
        self.at += text.len();
    }
}

impl paysig_signed {
    /// A new block holding `signed`, for `paysig_signed_free`.
    pub(crate) fn new(signed: SignedRequest) -> Result<*mut paysig_signed, Failure> {
        let count = signed.headers.len();
        if count > MAX_HEADERS {
            return Err(Failure::panic());
        }
        // Each header twice (alone, and as `name: value\n` in the block),
        // each string with its NUL.
        let header_bytes: usize = signed.headers.iter().map(|(n, v)| n.len() + v.len()).sum();
        let text_len = 2 * header_bytes
            + 5 * count
            + 1
            + signed.body.as_ref().map_or(0, |b| b.len() + 1)
            + signed.string_to_sign.len()
            + 1
            + signed.signature.len()
            + 1;
        let (layout, text_at) = block_layout(text_len).ok_or_else(Failure::panic)?;
        // SAFETY: the layout has a non-zero size (it holds the struct).
        // (Not `alloc_zeroed`: glibc's calloc bypasses its per-thread
        // cache, which made the call slower than two mallocs.)
        let block = unsafe { alloc(layout) };
        if block.is_null() {
            handle_alloc_error(layout);
        }
        // SAFETY: `text_len` bytes at `text_at` lie inside the new block;
        // zeroed, they are initialized, and nothing else refers to them.
        let area = unsafe {
            let text = block.add(text_at);
            text.write_bytes(0, text_len);
            std::slice::from_raw_parts_mut(text, text_len)
        };
        let mut strings = Strings { area, at: 0 };
        let mut offsets = [(0, 0, 0, 0); MAX_HEADERS];
        for (slot, (name, value)) in offsets.iter_mut().zip(&signed.headers) {
            let (name_at, name_len) = strings.put(name.as_bytes());
            let (value_at, value_len) = strings.put(value.as_bytes());
            *slot = (name_at, name_len, value_at, value_len);
        }
        let block_at = strings.at;
        for (name, value) in &signed.headers {
            strings.append(name.as_bytes());
            strings.append(b": ");
            strings.append(value.as_bytes());
            strings.append(b"\n");
        }
        let header_block_len = strings.at - block_at;
        strings.at += 1; // its NUL
        let body = signed.body.as_ref().map(|b| strings.put(b.as_bytes()));
        let (string_to_sign_at, string_to_sign_len) = strings.put(signed.string_to_sign.as_bytes());
        let (signature_at, signature_len) = strings.put(signed.signature.as_bytes());

        // Pointers are taken from `block` once every string is written.
        let at = |offset: usize| {
            block
                .wrapping_add(text_at + offset)
                .cast::<c_char>()
                .cast_const()
        };
        let mut headers = [paysig_header {
            name: std::ptr::null(),
            name_len: 0,
            value: std::ptr::null(),
            value_len: 0,
        }; MAX_HEADERS];
        for (header, (name_at, name_len, value_at, value_len)) in
            headers.iter_mut().zip(offsets).take(count)
        {
            *header = paysig_header {
                name: at(name_at),
                name_len,
                value: at(value_at),
                value_len,
            };
        }
        let result = block.cast::<paysig_signed>();
        // SAFETY: the block starts with room for a `paysig_signed`, aligned
        // (the layout says so), and nothing else refers to that part.
        unsafe {
            result.write(paysig_signed {
                parts: paysig_parts {
                    headers: std::ptr::null(),
                    header_count: count,
                    header_block: at(block_at),
                    header_block_len,
                    body: body.map_or(std::ptr::null(), |(offset, _)| at(offset)),
                    body_len: body.map_or(0, |(_, len)| len),
                    string_to_sign: at(string_to_sign_at),
                    string_to_sign_len,
                    signature: at(signature_at),
                    signature_len,
                },
                headers,
                text_len,
            });
            // The headers array is in place now: point to it.
            (*result).parts.headers = (*result).headers.as_ptr();
        }
        Ok(result)
    }

    /// Releases a block made by [`paysig_signed::new`].
    ///
    /// # Safety
    /// `signed` came from `new` and is not used afterwards.
    unsafe fn free(signed: *mut paysig_signed) {
        // SAFETY: a live block (the caller's promise).
        let text_len = unsafe { (*signed).text_len };
        // The same computation succeeded when the block was made.
        if let Some((layout, _)) = block_layout(text_len) {
            // SAFETY: allocated with this layout by `new`; the struct
            // owns nothing else (only pointers into the block).
            unsafe { dealloc(signed.cast(), layout) };
        }
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
            // SAFETY: a pointer from `paysig_signed::new` (through a sign
            // function), freed once (the caller's promise).
            unsafe { paysig_signed::free(signed_request) };
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
            let block = paysig_signed::new(signed.clone()).unwrap();
            // SAFETY: a live block until the free below.
            let result = unsafe { &*block };
            let read = |ptr: *const c_char, len: usize| {
                // SAFETY: a pointer into `result`, NUL after `len` bytes.
                let bytes = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len + 1) };
                assert_eq!(bytes[len], 0);
                String::from_utf8(bytes[..len].to_vec()).unwrap()
            };
            let parts = &result.parts;
            assert_eq!(parts.header_count, signed.headers.len());
            let mut header_block = String::new();
            for (i, (name, value)) in signed.headers.iter().enumerate() {
                let h = result.headers[i];
                assert_eq!(read(h.name, h.name_len), *name);
                assert_eq!(read(h.value, h.value_len), *value);
                assert_eq!(
                    result.header_value(&name.to_uppercase()).unwrap().value,
                    h.value
                );
                header_block.push_str(&format!("{name}: {value}\n"));
            }
            assert_eq!(
                read(parts.header_block, parts.header_block_len),
                header_block
            );
            assert_eq!(
                read(parts.string_to_sign, parts.string_to_sign_len),
                signed.string_to_sign
            );
            assert_eq!(read(parts.signature, parts.signature_len), signed.signature);
            match &signed.body {
                Some(body) => assert_eq!(&read(parts.body, parts.body_len), body),
                None => assert!(parts.body.is_null()),
            }
            // SAFETY: made above, freed once.
            unsafe { paysig_signed_free(block) };
        }
    }
}
