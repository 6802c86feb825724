//! The detailed error of a failed call, handed out through the optional
//! `paysig_error **` out-parameter: no thread-local "last error", so a Go
//! goroutine that moves between OS threads still reads its own error.

use std::os::raw::c_char;

use paysig_core::verify::AuthError;

use crate::bytes::NulText;
use crate::result::paysig_result;

/// Why a call failed, inside the library (not part of the C ABI).
#[derive(Debug)]
#[doc(hidden)]
pub struct Failure {
    pub(crate) result: paysig_result,
    pub(crate) status: u16,
    pub(crate) message: String,
    /// The provider's error response body, for verification failures.
    pub(crate) body: Option<String>,
}

impl Failure {
    pub(crate) fn invalid(message: impl Into<String>) -> Failure {
        Failure {
            result: paysig_result::InvalidArgument,
            status: 0,
            message: message.into(),
            body: None,
        }
    }

    pub(crate) fn panic() -> Failure {
        Failure {
            result: paysig_result::Panic,
            status: 0,
            message: "internal error: paysig panicked; the call had no effect".into(),
            body: None,
        }
    }

    pub(crate) fn insufficient_size(message: impl Into<String>) -> Failure {
        Failure {
            result: paysig_result::InsufficientSize,
            status: 0,
            message: message.into(),
            body: None,
        }
    }
}

impl From<paysig_core::Error> for Failure {
    fn from(error: paysig_core::Error) -> Failure {
        Failure {
            result: paysig_result::from_code(error.code()),
            status: 0,
            message: error.message().to_owned(),
            body: None,
        }
    }
}

impl From<AuthError> for Failure {
    fn from(error: AuthError) -> Failure {
        Failure {
            result: paysig_result::from_code(error.code()),
            status: error.status(),
            message: error.message().to_owned(),
            body: Some(error.body()),
        }
    }
}

/// The details of one failure: its code, the HTTP status a verifier
/// answers with, a message (never containing a secret) and, for
/// verification failures, the provider's error response body.
///
/// Created by paysig on failure when the caller passed a non-NULL
/// `paysig_error **`; release with `paysig_error_free`. Immutable: safe to
/// read from many threads.
pub struct paysig_error {
    result: paysig_result,
    status: u16,
    message: NulText,
    body: Option<NulText>,
}

impl From<Failure> for paysig_error {
    fn from(failure: Failure) -> paysig_error {
        paysig_error {
            result: failure.result,
            status: failure.status,
            message: NulText::new(failure.message),
            body: failure.body.map(NulText::new),
        }
    }
}

/// The error's code (`PAYSIG_RESULT_INVALID_ARGUMENT` for NULL).
#[no_mangle]
pub unsafe extern "C" fn paysig_error_code(error: *const paysig_error) -> paysig_result {
    crate::ffi_boundary!(default: paysig_result::InvalidArgument, {
        // SAFETY: NULL or a live error from paysig (the caller's promise).
        match unsafe { error.as_ref() } {
            Some(error) => error.result,
            None => paysig_result::InvalidArgument,
        }
    })
}

/// The HTTP status a verifier answers with (401, 403, 503...); 0 when the
/// error is not a verification failure, or `error` is NULL.
#[no_mangle]
pub unsafe extern "C" fn paysig_error_status(error: *const paysig_error) -> u16 {
    crate::ffi_boundary!(default: 0, {
        // SAFETY: NULL or a live error from paysig.
        unsafe { error.as_ref() }.map_or(0, |e| e.status)
    })
}

/// The message: NUL-terminated, owned by `error` (valid until
/// `paysig_error_free`). Its length goes to `*len` when `len` is not NULL.
/// Returns NULL when `error` is NULL. The message never contains a secret.
#[no_mangle]
pub unsafe extern "C" fn paysig_error_message(
    error: *const paysig_error,
    len: *mut usize,
) -> *const c_char {
    crate::ffi_boundary!(default: std::ptr::null(), {
        // SAFETY: NULL or a live error from paysig.
        match unsafe { error.as_ref() } {
            Some(error) => {
                // SAFETY: `len` is NULL or writable (the caller's promise).
                unsafe { crate::boundary::put_optional(len, error.message.len()) };
                error.message.ptr()
            }
            None => std::ptr::null(),
        }
    })
}

/// For a verification failure, the response body the provider sends with
/// it (JSON, e.g. `{"message":"Invalid Signature"}`), NUL-terminated, owned
/// by `error`; its length goes to `*len` when `len` is not NULL. NULL for
/// other errors and for a NULL `error`.
#[no_mangle]
pub unsafe extern "C" fn paysig_error_body(
    error: *const paysig_error,
    len: *mut usize,
) -> *const c_char {
    crate::ffi_boundary!(default: std::ptr::null(), {
        // SAFETY: NULL or a live error from paysig.
        match unsafe { error.as_ref() }.and_then(|e| e.body.as_ref()) {
            Some(body) => {
                // SAFETY: `len` is NULL or writable.
                unsafe { crate::boundary::put_optional(len, body.len()) };
                body.ptr()
            }
            None => std::ptr::null(),
        }
    })
}

/// Releases an error. NULL is accepted and does nothing.
#[no_mangle]
pub unsafe extern "C" fn paysig_error_free(error: *mut paysig_error) {
    crate::ffi_boundary!(default: (), {
        if !error.is_null() {
            // SAFETY: a pointer from `Box::into_raw` in `boundary::fail`,
            // freed once (the caller's promise).
            drop(unsafe { Box::from_raw(error) });
        }
    })
}
