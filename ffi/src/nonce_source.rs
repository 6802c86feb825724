//! `paysig_nonce_source`: where a signer's default nonces and timestamps
//! come from (core's `paysig::nonce`), one handle for every kind, and the
//! call that gives a signer one.

use std::ffi::c_void;
use std::os::raw::{c_char, c_int};
use std::sync::Arc;
use std::time::Duration;

use paysig_core::nonce::{self, CallerNonces, HostNonces, NonceSource, ProcessNonces, Scope};
use paysig_core::{Error, ErrorCode, Scheme};
use paysig_replay_redis::RedisNonces;

use crate::boundary::{handle, optional_text, out, put, text};
use crate::error::{paysig_error, Failure};
use crate::result::paysig_result;

/// A source of nonces (and RemitQuickly timestamps): milliseconds since
/// the epoch, never repeated and strictly increasing per scope (scheme and
/// API key) for everything that shares the source.
///
/// Made by one of the `paysig_nonce_source_*_new` functions, given to
/// signers with `paysig_signer_with_nonce_source` (which keep their own
/// reference: the handle may be freed right after), released with
/// `paysig_nonce_source_free`. Safe to share between threads.
pub struct paysig_nonce_source {
    source: Arc<dyn NonceSource>,
}

impl paysig_nonce_source {
    pub(crate) fn source(&self) -> Arc<dyn NonceSource> {
        self.source.clone()
    }
}

/// Hands a new handle to the caller.
///
/// # Safety
/// `out_source` came from `out`.
unsafe fn deliver(out_source: *mut *mut paysig_nonce_source, source: Arc<dyn NonceSource>) {
    let handle = Box::new(paysig_nonce_source { source });
    // SAFETY: checked by `out` (the caller of this function's promise).
    unsafe { put(out_source, Box::into_raw(handle)) }
}

/// A source for this process only: safe when no other process signs with
/// the same keys. On success `*out_source` is a new handle.
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_nonce_source_process_new(
    out_source: *mut *mut paysig_nonce_source,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        let out_source = out(out_source, "out_source")?;
        // SAFETY: checked by `out`.
        unsafe { deliver(out_source, Arc::new(ProcessNonces)) };
        Ok(())
    })
}

/// A source shared by every process of this user on this machine that
/// names the same directory: one small memory-mapped file per scope.
/// `dir` (optional): the directory, created with mode 0700 when missing;
/// NULL is the default, `/dev/shm/paysig-UID` (`/tmp/paysig-UID` where
/// there is no `/dev/shm`), the source of signers given none. Nothing is
/// opened until the first nonce: a directory or file that cannot be used
/// makes that sign fail with `PAYSIG_RESULT_NONCE_SOURCE_UNAVAILABLE`.
/// Errors here: `PAYSIG_RESULT_INVALID_ARGUMENT` (invalid UTF-8, empty).
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_nonce_source_host_new(
    dir: *const c_char,
    dir_len: usize,
    out_source: *mut *mut paysig_nonce_source,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: the caller's promise on the pointer.
        let dir = unsafe { optional_text(dir, dir_len, "dir") }?;
        let out_source = out(out_source, "out_source")?;
        let source: Arc<dyn NonceSource> = match dir {
            None => nonce::default_source().clone(),
            Some("") => return Err(Failure::invalid("dir is empty: pass NULL for the default")),
            Some(dir) => Arc::new(HostNonces::new(dir)),
        };
        // SAFETY: checked by `out`.
        unsafe { deliver(out_source, source) };
        Ok(())
    })
}

/// A source shared by every machine that uses the Redis at `url`
/// (`redis://[:password@]host[:port][/db]`, `redis+unix:///path`): one
/// round trip per nonce. `connect_timeout_ms` and `read_timeout_ms` bound
/// the wait (0: 250 ms); past them, or when Redis is down, the sign fails
/// with `PAYSIG_RESULT_NONCE_SOURCE_UNAVAILABLE`. It does not connect
/// yet. Errors here: `PAYSIG_RESULT_INVALID_ARGUMENT` (a URL that cannot
/// be read; the message does not repeat it).
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_nonce_source_redis_new(
    url: *const c_char,
    url_len: usize,
    connect_timeout_ms: u64,
    read_timeout_ms: u64,
    out_source: *mut *mut paysig_nonce_source,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: the caller's promise on the pointer.
        let url = unsafe { text(url, url_len, "url") }?;
        let out_source = out(out_source, "out_source")?;
        let source = RedisNonces::new(url)?.with_timeouts(
            Duration::from_millis(connect_timeout_ms),
            Duration::from_millis(read_timeout_ms),
        );
        // SAFETY: checked by `out`.
        unsafe { deliver(out_source, Arc::new(source)) };
        Ok(())
    })
}

/// `user_data`, which the caller promises may be used from any thread.
struct UserData(*mut c_void);
impl UserData {
    // A method, so closures capture the whole (Send + Sync) wrapper rather
    // than its raw pointer field.
    fn get(&self) -> *mut c_void {
        self.0
    }
}

// SAFETY: the caller's promise in `paysig_nonce_source_callback_new`.
unsafe impl Send for UserData {}
// SAFETY: as above.
unsafe impl Sync for UserData {}

/// A source that calls `callback` for every nonce. paysig checks only
/// that the value is not negative: uniqueness is the callback's.
///
/// `callback(user_data, scheme, key_id, key_id_len, out_nonce)` gets
/// `user_data` as it was given, the scheme name (NUL-terminated, static)
/// and the API key (`key_id_len` bytes, NUL-terminated too); it writes the
/// nonce (milliseconds since the epoch) to `*out_nonce` and returns 0, or
/// returns any other value when it cannot (the sign then fails with
/// `PAYSIG_RESULT_NONCE_SOURCE_UNAVAILABLE`). It may be called from many
/// threads at once and must return: no longjmp, no exception (a C++
/// exception reaching paysig aborts the process). `user_data` must stay
/// valid, and usable from any thread, until the source and every signer
/// given it are freed.
///
/// Errors: `PAYSIG_RESULT_INVALID_ARGUMENT` (NULL callback).
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_nonce_source_callback_new(
    callback: Option<
        unsafe extern "C" fn(
            user_data: *mut c_void,
            scheme: *const c_char,
            key_id: *const c_char,
            key_id_len: usize,
            out_nonce: *mut i64,
        ) -> c_int,
    >,
    user_data: *mut c_void,
    out_source: *mut *mut paysig_nonce_source,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        let callback = callback.ok_or_else(|| Failure::invalid("callback is NULL"))?;
        let out_source = out(out_source, "out_source")?;
        let user_data = UserData(user_data);
        let source = CallerNonces::new(move |scope: Scope<'_>| {
            // Copied with a NUL, so the callback may read it as a C string.
            let mut key = Vec::with_capacity(scope.key_id.len() + 1);
            key.extend_from_slice(scope.key_id.as_bytes());
            key.push(0);
            let mut value: i64 = -1;
            // SAFETY: a function pointer of the caller's with the promised
            // signature; the scheme name and key stay alive during the
            // call; `value` is a writable i64.
            let status = unsafe {
                callback(
                    user_data.get(),
                    scheme_c_name(scope.scheme).as_ptr(),
                    key.as_ptr().cast(),
                    scope.key_id.len(),
                    &mut value,
                )
            };
            if status != 0 {
                return Err(Error::new(
                    ErrorCode::NonceSourceUnavailable,
                    format!("the nonce callback failed (it returned {status})"),
                ));
            }
            Ok(value)
        });
        // SAFETY: checked by `out`.
        unsafe { deliver(out_source, Arc::new(source)) };
        Ok(())
    })
}

fn scheme_c_name(scheme: Scheme) -> &'static std::ffi::CStr {
    match scheme {
        Scheme::Cryptopay => c"cryptopay",
        Scheme::Aquapay => c"aquapay",
        Scheme::RemitQuickly => c"remitquickly",
        Scheme::PGPrints => c"pgprints",
        Scheme::OnchainPay => c"onchainpay",
    }
}

/// The next value of `source` for the scope (`scheme`, `key_id`), as a
/// signer would take it: for callers that pass nonces themselves, and for
/// tests. Errors: `PAYSIG_RESULT_NONCE_SOURCE_UNAVAILABLE` (with what to
/// fix in the message), `PAYSIG_RESULT_INVALID_ARGUMENT` (unknown scheme,
/// NULL, invalid UTF-8).
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_nonce_source_next(
    source: *const paysig_nonce_source,
    scheme: *const c_char,
    scheme_len: usize,
    key_id: *const c_char,
    key_id_len: usize,
    out_nonce: *mut i64,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: the caller's promises on each pointer.
        let source = unsafe { handle(source, "source") }?;
        // SAFETY: as above.
        let scheme: Scheme = unsafe { text(scheme, scheme_len, "scheme") }?.parse()?;
        // SAFETY: as above.
        let key_id = unsafe { text(key_id, key_id_len, "key_id") }?;
        let out_nonce = out(out_nonce, "out_nonce")?;
        let value = source.source.next_nonce(Scope { scheme, key_id })?;
        // SAFETY: checked by `out`.
        unsafe { put(out_nonce, value) };
        Ok(())
    })
}

/// Releases a source; signers given it keep working. NULL is accepted.
#[no_mangle]
pub unsafe extern "C" fn paysig_nonce_source_free(source: *mut paysig_nonce_source) {
    crate::ffi_boundary!(default: (), {
        if !source.is_null() {
            // SAFETY: a pointer from `Box::into_raw` in a constructor,
            // freed once (the caller's promise).
            drop(unsafe { Box::from_raw(source) });
        }
    })
}
