//! The one boundary every entry point goes through.
//!
//! `ffi_boundary!(error_out, { ... })` runs a body returning
//! `Result<(), Failure>` inside `catch_unwind`: `Ok` becomes
//! `PAYSIG_RESULT_OK`; a failure its code, plus a `paysig_error` when the
//! caller asked for one; a panic `PAYSIG_RESULT_PANIC`. Nothing unwinds
//! into C, PHP or Go. `ffi_boundary!(default: value, { ... })` is the form
//! for infallible getters: a panic returns `value`.
//!
//! The helpers below read `(pointer, length)` inputs and write
//! out-parameters; bodies check every pointer first and write outputs last,
//! so outputs are only ever written on success.

use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::{paysig_error, Failure};
use crate::result::paysig_result;

/// See the module documentation.
#[macro_export]
#[doc(hidden)]
macro_rules! ffi_boundary {
    (default: $default:expr, $body:block) => {
        $crate::boundary::run_or($default, move || $body)
    };
    ($error:expr, $body:block) => {
        $crate::boundary::run(
            $error,
            move || -> ::core::result::Result<(), $crate::error::Failure> { $body },
        )
    };
}

/// The fallible form of the boundary (through `ffi_boundary!`).
pub(crate) fn run(
    error: *mut *mut paysig_error,
    body: impl FnOnce() -> Result<(), Failure>,
) -> paysig_result {
    let failure = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return paysig_result::Ok,
        Ok(Err(failure)) => failure,
        Err(_) => Failure::panic(),
    };
    let result = failure.result;
    if !error.is_null() {
        // Building the error object allocates; should even that panic,
        // the caller still gets the code.
        if let Ok(boxed) = catch_unwind(AssertUnwindSafe(|| Box::new(paysig_error::from(failure))))
        {
            // SAFETY: `error` is non-NULL and, by the caller's promise,
            // points to a writable `paysig_error *`.
            unsafe { *error = Box::into_raw(boxed) };
        }
    }
    result
}

/// The infallible form of the boundary (through `ffi_boundary!`).
pub(crate) fn run_or<T>(default: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(default)
}

/// The bytes at `(ptr, len)`. NULL with length 0 is the empty input; NULL
/// with a length is refused.
///
/// # Safety
/// A non-NULL `ptr` must point to `len` readable bytes that stay alive and
/// unchanged during the call.
pub(crate) unsafe fn bytes<'a>(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> Result<&'a [u8], Failure> {
    if ptr.is_null() {
        if len == 0 {
            return Ok(&[]);
        }
        return Err(Failure::invalid(format!("{what} is NULL")));
    }
    if len > isize::MAX as usize {
        return Err(Failure::invalid(format!("{what} is too long")));
    }
    // SAFETY: non-NULL, `len` readable bytes by the caller's promise, and
    // `len` fits in isize.
    Ok(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) })
}

/// `bytes`, or `None` when `ptr` is NULL (an optional input left out).
///
/// # Safety
/// As for [`bytes`].
pub(crate) unsafe fn optional_bytes<'a>(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> Result<Option<&'a [u8]>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded.
    unsafe { bytes(ptr, len, what) }.map(Some)
}

/// A UTF-8 text input; invalid UTF-8 is `PAYSIG_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
/// As for [`bytes`].
pub(crate) unsafe fn text<'a>(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> Result<&'a str, Failure> {
    // SAFETY: forwarded.
    let bytes = unsafe { bytes(ptr, len, what) }?;
    std::str::from_utf8(bytes).map_err(|_| Failure::invalid(format!("{what} is not valid UTF-8")))
}

/// `text`, or `None` when `ptr` is NULL.
///
/// # Safety
/// As for [`bytes`].
pub(crate) unsafe fn optional_text<'a>(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded.
    unsafe { text(ptr, len, what) }.map(Some)
}

/// A JSON text input. Bytes that are not UTF-8 get the code the
/// canonicalizer gives them (`invalid_string` inside a string,
/// `invalid_json` elsewhere), as `paysig_canonicalize` would.
///
/// # Safety
/// As for [`bytes`].
pub(crate) unsafe fn json_text<'a>(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> Result<&'a str, Failure> {
    // SAFETY: forwarded.
    let bytes = unsafe { bytes(ptr, len, what) }?;
    std::str::from_utf8(bytes).map_err(|_| {
        match paysig_core::json::canonicalize_with(bytes, &paysig_core::json::Options::default()) {
            Err(error) => Failure::from(error),
            Ok(_) => Failure::invalid(format!("{what} is not valid UTF-8")),
        }
    })
}

/// The handle behind `ptr`; NULL is `PAYSIG_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
/// A non-NULL `ptr` must be a live handle of this type from paysig.
pub(crate) unsafe fn handle<'a, T>(ptr: *const T, what: &str) -> Result<&'a T, Failure> {
    // SAFETY: NULL or live, by the caller's promise.
    unsafe { ptr.as_ref() }.ok_or_else(|| Failure::invalid(format!("{what} is NULL")))
}

/// Checks that an out-parameter can be written (before any work is done).
pub(crate) fn out<T>(ptr: *mut T, what: &str) -> Result<*mut T, Failure> {
    if ptr.is_null() {
        return Err(Failure::invalid(format!(
            "{what} (an out-parameter) is NULL"
        )));
    }
    Ok(ptr)
}

/// Writes a checked out-parameter.
///
/// # Safety
/// `ptr` came from [`out`] and points to writable memory for a `T`.
pub(crate) unsafe fn put<T>(ptr: *mut T, value: T) {
    // SAFETY: non-NULL (checked by `out`), writable by the caller's promise.
    unsafe { ptr.write(value) }
}

/// Writes an optional out-parameter when it is not NULL.
///
/// # Safety
/// `ptr` is NULL or points to writable memory for a `T`.
pub(crate) unsafe fn put_optional<T>(ptr: *mut T, value: T) {
    if !ptr.is_null() {
        // SAFETY: non-NULL, writable by the caller's promise.
        unsafe { ptr.write(value) }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;
    use crate::error::paysig_error_free;

    #[test]
    fn a_panic_becomes_a_result_and_an_error() {
        let mut error: *mut paysig_error = std::ptr::null_mut();
        let result = crate::ffi_boundary!(&mut error, {
            let empty: Vec<u8> = Vec::new();
            // An out-of-bounds index: a bug, caught at the boundary.
            let _ = empty[std::hint::black_box(3)];
            Ok(())
        });
        assert_eq!(result, paysig_result::Panic);
        assert!(!error.is_null());
        // SAFETY: the error just created.
        unsafe {
            assert_eq!(crate::error::paysig_error_code(error), paysig_result::Panic);
            paysig_error_free(error);
        }
        let value: u32 = crate::ffi_boundary!(default: 7, { panic!("in a getter") });
        assert_eq!(value, 7);
    }

    #[test]
    fn inputs_are_checked() {
        // SAFETY: NULL pointers and a live slice.
        unsafe {
            assert_eq!(bytes(std::ptr::null(), 0, "x").unwrap(), b"");
            assert!(bytes(std::ptr::null(), 1, "x").is_err());
            assert_eq!(optional_text(std::ptr::null(), 5, "x").unwrap(), None);
            let bad = b"\xff";
            let failure = text(bad.as_ptr().cast(), 1, "the method").unwrap_err();
            assert_eq!(failure.result, paysig_result::InvalidArgument);
            let failure = json_text(b"[\"\xff\"]".as_ptr().cast(), 5, "json").unwrap_err();
            assert_eq!(failure.result, paysig_result::InvalidString);
        }
    }
}
