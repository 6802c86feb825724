//! `paysig_buffer`: caller-owned memory a `paysig_*_sign_into` call writes
//! a whole signed request into, flat, so a binding whose every call and
//! copy across the boundary costs (PHP FFI: ~0.03 µs per argument, ~0.1 µs
//! per call, a copy per string read) gets its result with one call and one
//! copy, and the library allocates and frees no result object.

use std::os::raw::c_char;

use paysig_core::SignedRequest;

use crate::error::Failure;

/// Caller-owned memory for one flat result (see the `paysig_*_sign_into`
/// functions).
///
/// The caller sets `data` and `capacity`; a call writes `len`: on success
/// the bytes it wrote, not counting the NUL it writes after them; on
/// `PAYSIG_RESULT_INSUFFICIENT_SIZE` the length the result needs (the
/// capacity to retry with is then `len + 1`), and `data` is untouched.
/// That one field is the exception to "outputs are written only on
/// success". `data` may be NULL with `capacity` 0, to ask for the size.
///
/// The flat result is four parts separated by NUL, then the body when
/// there is one:
///
/// ```text
/// signature NUL string_to_sign NUL names NUL values [NUL body]
/// ```
///
/// `names` and `values` are the headers' names and values, in the order
/// `paysig_signed_parts` gives them, each list joined with `\n` (there is
/// at least one header). No part but the body holds a NUL, and neither
/// list a `\n` inside an entry: the library checks. The body, last and
/// free to hold any byte, is there exactly when the scheme returns one
/// (`paysig_parts.body` not NULL); without one the result ends with the
/// values.
#[repr(C)]
pub struct paysig_buffer {
    /// Where to write: `capacity` writable bytes.
    pub data: *mut c_char,
    /// The number of bytes at `data`.
    pub capacity: usize,
    /// Written by the call (above).
    pub len: usize,
}

/// The length of `signed` as a flat result (without the final NUL).
fn flat_len(signed: &SignedRequest) -> usize {
    // Each header's name and value, plus a separator after each but the
    // last of either list.
    let headers: usize = signed
        .headers
        .iter()
        .map(|(name, value)| name.len() + value.len() + 2)
        .sum();
    signed.signature.len()
        + 1
        + signed.string_to_sign.len()
        + headers
        + signed.body.as_ref().map_or(0, |body| body.len() + 1)
}

/// Whether the parts can be separated again: no NUL in the fixed parts, no
/// `\n` in a header, at least one header. Everything core produces passes
/// (header values and paths refuse control characters, JSON escapes them),
/// so this only guards against a future change there.
fn separable(signed: &SignedRequest) -> bool {
    let no_nul = |text: &str| !text.as_bytes().contains(&0);
    let entry = |text: &str| no_nul(text) && !text.as_bytes().contains(&b'\n');
    no_nul(&signed.signature)
        && no_nul(&signed.string_to_sign)
        && !signed.headers.is_empty()
        && signed
            .headers
            .iter()
            .all(|(name, value)| entry(name) && entry(value))
}

/// Writes `signed` flat into `buffer` (layout above).
///
/// # Safety
/// `buffer` points to a live `paysig_buffer` whose `data` is NULL or holds
/// `capacity` writable bytes that do not overlap the buffer struct.
pub(crate) unsafe fn write_flat(
    signed: &SignedRequest,
    buffer: *mut paysig_buffer,
) -> Result<(), Failure> {
    if !separable(signed) {
        return Err(Failure::panic());
    }
    let len = flat_len(signed);
    // SAFETY: a live struct (the caller's promise).
    let buffer = unsafe { &mut *buffer };
    if buffer.data.is_null() || buffer.capacity <= len {
        buffer.len = len;
        return Err(Failure::insufficient_size(format!(
            "the result takes {} bytes, the buffer holds {}",
            len + 1,
            buffer.capacity
        )));
    }
    // SAFETY: `data` holds `capacity` > `len` writable bytes (the caller's
    // promise), none of which belongs to `signed`.
    let out = unsafe { std::slice::from_raw_parts_mut(buffer.data.cast::<u8>(), len + 1) };
    let mut at = 0;
    let mut put = |bytes: &[u8]| {
        out[at..at + bytes.len()].copy_from_slice(bytes);
        at += bytes.len();
    };
    put(signed.signature.as_bytes());
    put(b"\0");
    put(signed.string_to_sign.as_bytes());
    for (i, (name, _)) in signed.headers.iter().enumerate() {
        put(if i == 0 { b"\0" } else { b"\n" });
        put(name.as_bytes());
    }
    for (i, (_, value)) in signed.headers.iter().enumerate() {
        put(if i == 0 { b"\0" } else { b"\n" });
        put(value.as_bytes());
    }
    if let Some(body) = &signed.body {
        put(b"\0");
        put(body.as_bytes());
    }
    // The NUL after the result, not counted in `len`.
    out[len] = 0;
    buffer.len = len;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;
    use crate::result::paysig_result;

    fn signed(body: Option<&str>) -> SignedRequest {
        SignedRequest {
            headers: vec![("A", "1".into()), ("Bb", "".into())],
            body: body.map(str::to_owned),
            string_to_sign: "x\ny".into(),
            signature: "sig".into(),
        }
    }

    fn flat(signed: &SignedRequest) -> Vec<u8> {
        let mut storage = vec![0x55u8; 64];
        let mut buffer = paysig_buffer {
            data: storage.as_mut_ptr().cast(),
            capacity: storage.len(),
            len: 0,
        };
        // SAFETY: a live buffer over `storage`.
        unsafe { write_flat(signed, &mut buffer) }.unwrap();
        assert_eq!(storage[buffer.len], 0, "the NUL after the result");
        storage.truncate(buffer.len);
        storage
    }

    #[test]
    fn the_layout_is_as_documented() {
        assert_eq!(flat(&signed(None)), b"sig\0x\ny\0A\nBb\x001\n");
        assert_eq!(flat(&signed(Some(""))), b"sig\0x\ny\0A\nBb\x001\n\0");
        assert_eq!(
            flat(&signed(Some("a\0b"))),
            b"sig\0x\ny\0A\nBb\x001\n\0a\0b"
        );
    }

    #[test]
    fn a_small_buffer_gets_the_size_and_keeps_its_bytes() {
        let request = signed(Some("{}"));
        let needed = flat(&request).len();
        for capacity in [0, 1, needed] {
            let mut storage = vec![0x55u8; capacity];
            let mut buffer = paysig_buffer {
                data: if capacity == 0 {
                    std::ptr::null_mut()
                } else {
                    storage.as_mut_ptr().cast()
                },
                capacity,
                len: 7,
            };
            // SAFETY: as above.
            let failure = unsafe { write_flat(&request, &mut buffer) }.unwrap_err();
            assert_eq!(failure.result, paysig_result::InsufficientSize);
            assert_eq!(buffer.len, needed);
            assert!(storage.iter().all(|&b| b == 0x55));
        }
    }

    #[test]
    fn parts_that_would_not_separate_are_refused() {
        let mut nul = signed(None);
        nul.string_to_sign = "a\0b".into();
        let mut newline = signed(None);
        newline.headers[1].1 = "a\nb".into();
        let mut no_headers = signed(None);
        no_headers.headers.clear();
        for request in [nul, newline, no_headers] {
            let mut storage = vec![0u8; 64];
            let mut buffer = paysig_buffer {
                data: storage.as_mut_ptr().cast(),
                capacity: 64,
                len: 0,
            };
            // SAFETY: as above.
            let failure = unsafe { write_flat(&request, &mut buffer) }.unwrap_err();
            assert_eq!(failure.result, paysig_result::Panic);
        }
    }
}
