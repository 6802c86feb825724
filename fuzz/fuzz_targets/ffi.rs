//! ffi: the C ABI's entry points fed arbitrary bytes, NULL pointers and
//! lengths, as a C, Go or PHP caller could.
//!
//! Input: a selector byte, then arguments, each a length byte and that
//! many bytes (length 255: a NULL pointer, with the next byte as its
//! claimed length — the ABI must refuse NULL with a non-zero length).
//!
//! Properties: no panic (libFuzzer's panic hook aborts even on a panic the
//! boundary would catch); every failure fills `error` with a message and
//! a result code that `paysig_result_name` names; outputs are written only
//! on success; everything created is freed (LeakSanitizer would see leaks
//! if the target were built with it; the run checks the counts instead).
#![no_main]

use std::os::raw::c_char;
use std::ptr::{null, null_mut};

use libfuzzer_sys::fuzz_target;
use paysig_ffi::bytes::{paysig_bytes, paysig_bytes_free};
use paysig_ffi::error::{
    paysig_error, paysig_error_body, paysig_error_code, paysig_error_free, paysig_error_message,
    paysig_error_status,
};
use paysig_ffi::hmac::{paysig_hmac, paysig_hmac_output_len, paysig_hmac_sign, paysig_hmac_verify};
use paysig_ffi::json::paysig_canonicalize_with;
use paysig_ffi::result::{paysig_result, paysig_result_name};
use paysig_ffi::signed::{paysig_header, paysig_signed, paysig_signed_free, paysig_signed_header};
use paysig_ffi::signer::{
    paysig_aquapay_sign, paysig_cryptopay_callback_sign, paysig_cryptopay_sign,
    paysig_onchainpay_sign, paysig_pgprints_sign, paysig_remitquickly_sign, paysig_signer,
    paysig_signer_free, paysig_signer_new,
};
use paysig_ffi::verifier::{
    paysig_cryptopay_callback_verify, paysig_verifier, paysig_verifier_build,
    paysig_verifier_builder, paysig_verifier_builder_add_key, paysig_verifier_builder_free,
    paysig_verifier_builder_new, paysig_verifier_builder_set_nonce_policy,
    paysig_verifier_builder_set_now_ms, paysig_verifier_builder_set_replay_capacity,
    paysig_verifier_builder_set_tolerance_ms, paysig_verifier_free, paysig_verifier_verify,
    paysig_verifier_verify_block,
};

/// One argument: a pointer and a length as the caller passes them.
#[derive(Clone, Copy)]
struct Arg {
    ptr: *const c_char,
    len: usize,
}

struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> u8 {
        let (first, rest) = self.data.split_first().unwrap_or((&0, &[]));
        self.data = rest;
        *first
    }

    fn arg(&mut self) -> Arg {
        let len = self.byte();
        if len == 255 {
            return Arg {
                ptr: null(),
                len: usize::from(self.byte() & 1) * 7,
            };
        }
        let len = usize::from(len).min(self.data.len());
        let (taken, rest) = self.data.split_at(len);
        self.data = rest;
        Arg {
            ptr: taken.as_ptr().cast(),
            len,
        }
    }

    fn i64(&mut self) -> i64 {
        let mut bytes = [0u8; 8];
        for b in &mut bytes {
            *b = self.byte();
        }
        i64::from_le_bytes(bytes)
    }
}

/// Checks a call's outcome and frees its error.
unsafe fn settle(result: paysig_result, error: *mut paysig_error) {
    unsafe {
        let name = paysig_result_name(result as u32);
        assert!(!name.is_null(), "an unnamed result code");
        if result == paysig_result::Ok {
            assert!(error.is_null(), "an error was written on success");
            return;
        }
        assert!(!error.is_null(), "a failure without an error object");
        assert_eq!(paysig_error_code(error), result);
        let mut len = 0usize;
        let message = paysig_error_message(error, &mut len);
        assert!(!message.is_null() && len > 0, "a failure without a message");
        assert_eq!(*message.add(len), 0, "messages are NUL-terminated");
        let _ = paysig_error_status(error);
        let _ = paysig_error_body(error, &mut len);
        paysig_error_free(error);
    }
}

unsafe fn free_bytes(out: *mut paysig_bytes) {
    unsafe {
        if !out.is_null() {
            assert_eq!(*(*out).data.add((*out).len), 0, "bytes are NUL-terminated");
        }
        paysig_bytes_free(out);
    }
}

/// The text of a `paysig_bytes` (NULL: none).
unsafe fn text_of(bytes: *const paysig_bytes) -> Option<String> {
    // SAFETY: NULL or a live paysig_bytes.
    let bytes = unsafe { bytes.as_ref() }?;
    // SAFETY: `len` bytes at `data`, owned by `bytes`.
    let slice = unsafe { std::slice::from_raw_parts(bytes.data.cast::<u8>(), bytes.len) };
    Some(String::from_utf8_lossy(slice).into_owned())
}

/// A signature that verified is the right one (up to surrounding spaces
/// and hex case): a random one never verifies.
fn assert_is(signature: Arg, expected: Option<&str>) {
    // SAFETY: an Arg points into the input, or is NULL.
    let given = if signature.ptr.is_null() {
        &[][..]
    } else {
        unsafe { std::slice::from_raw_parts(signature.ptr.cast::<u8>(), signature.len) }
    };
    let given = String::from_utf8_lossy(given);
    let expected = expected.expect("a signature verified where signing failed");
    assert!(
        given.trim().eq_ignore_ascii_case(expected),
        "a random signature verified"
    );
}

unsafe fn sign_with(signer: *const paysig_signer, r: &mut Reader<'_>) {
    let mut signed: *mut paysig_signed = null_mut();
    let mut error: *mut paysig_error = null_mut();
    let (a, b, c, d, e) = (r.arg(), r.arg(), r.arg(), r.arg(), r.arg());
    unsafe {
        let result = match r.byte() % 5 {
            0 => paysig_cryptopay_sign(
                signer,
                a.ptr,
                a.len,
                b.ptr,
                b.len,
                c.ptr,
                c.len,
                d.ptr,
                d.len,
                e.ptr,
                e.len,
                &mut signed,
                &mut error,
            ),
            1 => paysig_aquapay_sign(
                signer,
                a.ptr,
                a.len,
                b.ptr,
                b.len,
                c.ptr,
                c.len,
                &mut signed,
                &mut error,
            ),
            2 => paysig_remitquickly_sign(
                signer,
                a.ptr,
                a.len,
                b.ptr,
                b.len,
                &mut signed,
                &mut error,
            ),
            3 => paysig_pgprints_sign(signer, a.ptr, a.len, &mut signed, &mut error),
            _ => {
                paysig_onchainpay_sign(signer, a.ptr, a.len, b.ptr, b.len, &mut signed, &mut error)
            }
        };
        assert_eq!(result == paysig_result::Ok, !signed.is_null());
        if !signed.is_null() {
            let (mut value, mut len) = (null(), 0usize);
            let found = paysig_signed_header(signed, d.ptr, d.len, &mut value, &mut len);
            assert_eq!(found == paysig_result::Ok, !value.is_null());
        }
        paysig_signed_free(signed);
        settle(result, error);
    }
}

unsafe fn verify_with(verifier: *const paysig_verifier, r: &mut Reader<'_>) {
    let (method, path, body) = (r.arg(), r.arg(), r.arg());
    let count = usize::from(r.byte() % 8);
    let headers: Vec<paysig_header> = (0..count)
        .map(|_| {
            let (name, value) = (r.arg(), r.arg());
            paysig_header {
                name: name.ptr,
                name_len: name.len,
                value: value.ptr,
                value_len: value.len,
            }
        })
        .collect();
    let block = r.arg();
    for _ in 0..2 {
        let mut key_id: *mut paysig_bytes = null_mut();
        let mut error: *mut paysig_error = null_mut();
        unsafe {
            let result = paysig_verifier_verify(
                verifier,
                method.ptr,
                method.len,
                path.ptr,
                path.len,
                headers.as_ptr(),
                count,
                body.ptr,
                body.len,
                &mut key_id,
                &mut error,
            );
            assert_eq!(result == paysig_result::Ok, !key_id.is_null());
            free_bytes(key_id);
            settle(result, error);
            let mut key_id: *mut paysig_bytes = null_mut();
            let mut error: *mut paysig_error = null_mut();
            let result = paysig_verifier_verify_block(
                verifier,
                method.ptr,
                method.len,
                path.ptr,
                path.len,
                block.ptr,
                block.len,
                body.ptr,
                body.len,
                &mut key_id,
                &mut error,
            );
            assert_eq!(result == paysig_result::Ok, !key_id.is_null());
            free_bytes(key_id);
            settle(result, error);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader { data };
    let selector = r.byte();
    let mut error: *mut paysig_error = null_mut();
    // SAFETY (the whole block): every pointer is NULL or points into
    // `data` with a length that stays inside it, as the ABI requires.
    unsafe {
        match selector % 6 {
            0 => {
                let json = r.arg();
                let max_depth = usize::from(r.byte());
                let lenient = r.byte() & 1 == 1;
                let mut out: *mut paysig_bytes = null_mut();
                let result = paysig_canonicalize_with(
                    json.ptr, json.len, max_depth, lenient, &mut out, &mut error,
                );
                assert_eq!(result == paysig_result::Ok, !out.is_null());
                free_bytes(out);
                settle(result, error);
            }
            1 => {
                let (algorithm, encoding, key, message, signature) =
                    (r.arg(), r.arg(), r.arg(), r.arg(), r.arg());
                let _ = paysig_hmac_output_len(algorithm.ptr, algorithm.len);
                let mut out: *mut paysig_bytes = null_mut();
                let result = paysig_hmac_sign(
                    algorithm.ptr,
                    algorithm.len,
                    encoding.ptr,
                    encoding.len,
                    key.ptr,
                    key.len,
                    message.ptr,
                    message.len,
                    &mut out,
                    &mut error,
                );
                settle(result, error);
                if !out.is_null() {
                    // Its own signature verifies.
                    let mut error = null_mut();
                    let ok = paysig_hmac_verify(
                        algorithm.ptr,
                        algorithm.len,
                        encoding.ptr,
                        encoding.len,
                        key.ptr,
                        key.len,
                        message.ptr,
                        message.len,
                        (*out).data,
                        (*out).len,
                        &mut error,
                    );
                    assert_eq!(ok, paysig_result::Ok);
                    settle(ok, error);
                }
                let expected = text_of(out);
                free_bytes(out);
                let mut error = null_mut();
                let result = paysig_hmac_verify(
                    algorithm.ptr,
                    algorithm.len,
                    encoding.ptr,
                    encoding.len,
                    key.ptr,
                    key.len,
                    message.ptr,
                    message.len,
                    signature.ptr,
                    signature.len,
                    &mut error,
                );
                if result == paysig_result::Ok {
                    assert_is(signature, expected.as_deref());
                }
                settle(result, error);
                let mut mac = [0u8; 64];
                let capacity = usize::from(r.byte()) % 65;
                let mut len = 0usize;
                let mut error = null_mut();
                let result = paysig_hmac(
                    algorithm.ptr,
                    algorithm.len,
                    key.ptr,
                    key.len,
                    message.ptr,
                    message.len,
                    mac.as_mut_ptr(),
                    capacity,
                    &mut len,
                    &mut error,
                );
                assert!(len <= capacity);
                settle(result, error);
            }
            2 => {
                let (scheme, key_id, secret) = (r.arg(), r.arg(), r.arg());
                let mut signer: *mut paysig_signer = null_mut();
                let result = paysig_signer_new(
                    scheme.ptr,
                    scheme.len,
                    key_id.ptr,
                    key_id.len,
                    secret.ptr,
                    secret.len,
                    &mut signer,
                    &mut error,
                );
                assert_eq!(result == paysig_result::Ok, !signer.is_null());
                settle(result, error);
                // NULL signer too: every sign function must refuse it.
                sign_with(signer, &mut r);
                paysig_signer_free(signer);
            }
            3 => {
                let (secret, body) = (r.arg(), r.arg());
                let mut out: *mut paysig_bytes = null_mut();
                let result = paysig_cryptopay_callback_sign(
                    secret.ptr, secret.len, body.ptr, body.len, &mut out, &mut error,
                );
                settle(result, error);
                let mut error = null_mut();
                if !out.is_null() {
                    let ok = paysig_cryptopay_callback_verify(
                        secret.ptr,
                        secret.len,
                        body.ptr,
                        body.len,
                        (*out).data,
                        (*out).len,
                        &mut error,
                    );
                    assert_eq!(ok, paysig_result::Ok);
                    settle(ok, error);
                    error = null_mut();
                }
                let expected = text_of(out);
                free_bytes(out);
                let signature = r.arg();
                let result = paysig_cryptopay_callback_verify(
                    secret.ptr,
                    secret.len,
                    body.ptr,
                    body.len,
                    signature.ptr,
                    signature.len,
                    &mut error,
                );
                if result == paysig_result::Ok {
                    assert_is(signature, expected.as_deref());
                }
                settle(result, error);
            }
            4 => {
                let scheme = r.arg();
                let mut builder: *mut paysig_verifier_builder = null_mut();
                let result =
                    paysig_verifier_builder_new(scheme.ptr, scheme.len, &mut builder, &mut error);
                settle(result, error);
                for _ in 0..(r.byte() % 4) {
                    let (id, secret) = (r.arg(), r.arg());
                    let mut error = null_mut();
                    let result = paysig_verifier_builder_add_key(
                        builder, id.ptr, id.len, secret.ptr, secret.len, &mut error,
                    );
                    settle(result, error);
                }
                let (tolerance, now) = (r.i64(), r.i64());
                let policy = r.arg();
                let capacity = usize::from(r.byte());
                let mut error = null_mut();
                settle(
                    paysig_verifier_builder_set_tolerance_ms(builder, tolerance, &mut error),
                    error,
                );
                let mut error = null_mut();
                settle(
                    paysig_verifier_builder_set_now_ms(builder, now, &mut error),
                    error,
                );
                let mut error = null_mut();
                settle(
                    paysig_verifier_builder_set_nonce_policy(
                        builder, policy.ptr, policy.len, &mut error,
                    ),
                    error,
                );
                let mut error = null_mut();
                settle(
                    paysig_verifier_builder_set_replay_capacity(builder, capacity, &mut error),
                    error,
                );
                let mut verifier: *mut paysig_verifier = null_mut();
                let mut error = null_mut();
                let result = paysig_verifier_build(builder, &mut verifier, &mut error);
                assert_eq!(result == paysig_result::Ok, !verifier.is_null());
                settle(result, error);
                paysig_verifier_builder_free(builder);
                verify_with(verifier, &mut r);
                paysig_verifier_free(verifier);
            }
            _ => {
                let code = u32::from_le_bytes([r.byte(), r.byte(), r.byte(), r.byte()]);
                let _ = paysig_result_name(code);
            }
        }
    }
});
