//! Verifying received requests: a builder collects the keyring and the
//! options, and builds immutable verifiers that many threads share.

use std::os::raw::c_char;
use std::sync::{Arc, Mutex};

use paysig_core::verify::{
    FixedClock, Keyring, MemoryReplayGuard, NoncePolicy, ReplayGuard, Request, Target, Verifier,
    DEFAULT_CAPACITY,
};
use paysig_replay_redis::RedisReplayGuard;

use crate::boundary::{bytes, handle, out, put, text};
use crate::bytes::{into_raw, paysig_bytes};
use crate::error::{paysig_error, Failure};
use crate::result::paysig_result;
use crate::signed::paysig_header;

struct Settings {
    target: Target,
    keyring: Keyring,
    tolerance_ms: Option<i64>,
    now_ms: Option<i64>,
    nonce_policy: NoncePolicy,
    replay_capacity: usize,
    /// Set by `paysig_verifier_builder_set_redis`: shared by every verifier
    /// built (one connection pool).
    redis: Option<Arc<RedisReplayGuard>>,
}

/// The keyring and options of the verifiers it builds.
///
/// Created by `paysig_verifier_builder_new`, released with
/// `paysig_verifier_builder_free`. Its setters lock it, so it is safe to
/// use from many threads, though one thread usually configures it once.
pub struct paysig_verifier_builder {
    settings: Mutex<Settings>,
}

/// A verifier of one scheme: a keyring, a time window and a replay
/// guard (nonces and timestamps already accepted: in memory, or in
/// Redis when the builder was given one).
///
/// Built by `paysig_verifier_build`; safe to use from many threads at
/// once; release with `paysig_verifier_free`. Its secrets are wiped on free.
pub struct paysig_verifier {
    verifier: Verifier,
}

impl paysig_verifier_builder {
    fn with<T>(&self, f: impl FnOnce(&mut Settings) -> Result<T, Failure>) -> Result<T, Failure> {
        // A poisoned lock means a panic happened mid-update: refuse rather
        // than build from half-set options.
        let mut settings = self
            .settings
            .lock()
            .map_err(|_| Failure::invalid("the builder is unusable after an internal error"))?;
        f(&mut settings)
    }
}

/// Creates a builder for verifiers of `scheme` (`cryptopay`,
/// `cryptopay-callback`, `aquapay`, `remitquickly`, `pgprints`,
/// `onchainpay`), with an empty keyring, the scheme's default tolerance,
/// the system clock and, for OnchainPay, the `unique` nonce policy.
///
/// On success `*out_builder` is a new handle to free with
/// `paysig_verifier_builder_free`. Errors: `PAYSIG_RESULT_INVALID_ARGUMENT`
/// (unknown scheme, NULL, invalid UTF-8).
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_verifier_builder_new(
    scheme: *const c_char,
    scheme_len: usize,
    out_builder: *mut *mut paysig_verifier_builder,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: the caller's promise on `scheme`.
        let target: Target = unsafe { text(scheme, scheme_len, "scheme") }?.parse()?;
        let out_builder = out(out_builder, "out_builder")?;
        let builder = Box::new(paysig_verifier_builder {
            settings: Mutex::new(Settings {
                target,
                keyring: Keyring::new(),
                tolerance_ms: None,
                now_ms: None,
                nonce_policy: NoncePolicy::default(),
                replay_capacity: DEFAULT_CAPACITY,
                redis: None,
            }),
        });
        // SAFETY: checked by `out`.
        unsafe { put(out_builder, Box::into_raw(builder)) };
        Ok(())
    })
}

/// Adds `secret` to key id `key_id` (adding a second secret to the same id
/// is a rotation: either verifies). For Cryptopay callbacks the secret is
/// the callback secret; for PGPrints, whose requests name no key, the id
/// is what verification reports for the secret that matched.
/// Errors: `PAYSIG_RESULT_INVALID_ARGUMENT` (empty id or secret, control
/// characters in the id, NULL, invalid UTF-8).
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_verifier_builder_add_key(
    builder: *const paysig_verifier_builder,
    key_id: *const c_char,
    key_id_len: usize,
    secret: *const c_char,
    secret_len: usize,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: the caller's promises on each pointer (here and below).
        let builder = unsafe { handle(builder, "builder") }?;
        // SAFETY: as above.
        let key_id = unsafe { text(key_id, key_id_len, "key_id") }?;
        // SAFETY: as above.
        let secret = unsafe { text(secret, secret_len, "secret") }?;
        builder.with(|s| Ok(s.keyring.add(key_id, secret)?))
    })
}

/// Sets the time window, in milliseconds each way (a negative value means
/// the scheme's default). Errors: `PAYSIG_RESULT_INVALID_ARGUMENT` (NULL).
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_verifier_builder_set_tolerance_ms(
    builder: *const paysig_verifier_builder,
    tolerance_ms: i64,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: the caller's promise on `builder`.
        let builder = unsafe { handle(builder, "builder") }?;
        builder.with(|s| {
            s.tolerance_ms = (tolerance_ms >= 0).then_some(tolerance_ms);
            Ok(())
        })
    })
}

/// Fixes the verifiers' clock at `now_ms` (milliseconds since the epoch),
/// for tests and for replaying logged requests; without it they read the
/// system clock. Errors: `PAYSIG_RESULT_INVALID_ARGUMENT` (NULL).
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_verifier_builder_set_now_ms(
    builder: *const paysig_verifier_builder,
    now_ms: i64,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: the caller's promise on `builder`.
        let builder = unsafe { handle(builder, "builder") }?;
        builder.with(|s| {
            s.now_ms = Some(now_ms);
            Ok(())
        })
    })
}

/// Sets how OnchainPay nonces are kept from replay: `unique` (the
/// default: any JSON number or string, accepted once per key within the
/// retention, one hour), `increasing` (each nonce greater than the last
/// accepted for the key) or `timestamp` (a millisecond timestamp within
/// the window, accepted once).
/// Other schemes ignore it. Errors: `PAYSIG_RESULT_INVALID_ARGUMENT`
/// (another name, NULL, invalid UTF-8).
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_verifier_builder_set_nonce_policy(
    builder: *const paysig_verifier_builder,
    policy: *const c_char,
    policy_len: usize,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: the caller's promises on each pointer (here and below).
        let builder = unsafe { handle(builder, "builder") }?;
        // SAFETY: as above.
        let policy = match unsafe { text(policy, policy_len, "policy") }?.parse::<NoncePolicy>() {
            Ok(policy) => policy,
            Err(_) => {
                return Err(Failure::invalid(
                    "unknown nonce policy (unique, increasing, timestamp)",
                ))
            }
        };
        builder.with(|s| {
            s.nonce_policy = policy;
            Ok(())
        })
    })
}

/// Sets how many accepted nonces the in-memory replay guard of each built
/// verifier holds (default `paysig_verifier_default_replay_capacity()`);
/// when full, new requests are refused
/// (`PAYSIG_RESULT_REPLAY_STORE_UNAVAILABLE`, status 503) until entries
/// expire. Errors:
/// `PAYSIG_RESULT_INVALID_ARGUMENT` (NULL, or 0).
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_verifier_builder_set_replay_capacity(
    builder: *const paysig_verifier_builder,
    capacity: usize,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: the caller's promise on `builder`.
        let builder = unsafe { handle(builder, "builder") }?;
        if capacity == 0 {
            return Err(Failure::invalid("the replay capacity must be positive"));
        }
        builder.with(|s| {
            s.replay_capacity = capacity;
            Ok(())
        })
    })
}

/// Records nonces in Redis instead of each verifier's memory, so that
/// verifiers in several processes or machines (behind a load balancer)
/// accept each nonce once between them. `url` is
/// `redis://[:password@]host[:port][/db]`; `timeout_ms` bounds the wait for
/// Redis (connecting, then each answer; 0: the default, 250 ms). It does
/// not connect yet. Every verifier built afterwards shares it.
///
/// Fails closed: when Redis is unreachable, answers an error or is slower
/// than the timeout, `paysig_verifier_verify` returns
/// `PAYSIG_RESULT_REPLAY_STORE_UNAVAILABLE` (status 503), never success.
/// Nothing needs restarting when Redis comes back.
///
/// NULL `url` (with length 0) goes back to the in-memory guard. Errors:
/// `PAYSIG_RESULT_INVALID_ARGUMENT` (a URL that cannot be read — the
/// message does not repeat it, it may hold a password —, NULL builder,
/// invalid UTF-8).
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_verifier_builder_set_redis(
    builder: *const paysig_verifier_builder,
    url: *const c_char,
    url_len: usize,
    timeout_ms: u32,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: the caller's promises on each pointer (here and below).
        let builder = unsafe { handle(builder, "builder") }?;
        let guard = if url.is_null() && url_len == 0 {
            None
        } else {
            // SAFETY: as above.
            let url = unsafe { text(url, url_len, "url") }?;
            let timeout = std::time::Duration::from_millis(u64::from(timeout_ms));
            Some(Arc::new(RedisReplayGuard::new(url)?.with_timeout(timeout)))
        };
        builder.with(|s| {
            s.redis = guard;
            Ok(())
        })
    })
}

/// The default capacity of a verifier's in-memory replay guard.
#[no_mangle]
pub extern "C" fn paysig_verifier_default_replay_capacity() -> usize {
    DEFAULT_CAPACITY
}

/// Releases a builder (verifiers built from it live on). NULL is accepted.
#[no_mangle]
pub unsafe extern "C" fn paysig_verifier_builder_free(builder: *mut paysig_verifier_builder) {
    crate::ffi_boundary!(default: (), {
        if !builder.is_null() {
            // SAFETY: a pointer from `Box::into_raw`, freed once.
            drop(unsafe { Box::from_raw(builder) });
        }
    })
}

/// Builds a verifier from the builder's keyring and options, with a new,
/// empty in-memory replay guard (or the builder's Redis guard, see
/// `paysig_verifier_builder_set_redis`). The builder stays usable.
///
/// On success `*out_verifier` is a new handle to free with
/// `paysig_verifier_free`. Errors: `PAYSIG_RESULT_INVALID_ARGUMENT` (NULL,
/// an empty keyring).
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_verifier_build(
    builder: *const paysig_verifier_builder,
    out_verifier: *mut *mut paysig_verifier,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: the caller's promise on `builder`.
        let builder = unsafe { handle(builder, "builder") }?;
        let out_verifier = out(out_verifier, "out_verifier")?;
        let verifier = builder.with(|s| {
            if s.keyring.is_empty() {
                return Err(Failure::invalid("the keyring is empty: add a key first"));
            }
            let guard: Arc<dyn ReplayGuard> = match &s.redis {
                Some(redis) => Arc::clone(redis) as Arc<dyn ReplayGuard>,
                None => Arc::new(MemoryReplayGuard::new(s.replay_capacity)),
            };
            let mut verifier = Verifier::for_target(s.target, s.keyring.clone())
                .with_nonce_policy(s.nonce_policy)
                .with_replay_guard(guard);
            if let Some(ms) = s.tolerance_ms {
                verifier = verifier.with_tolerance_ms(ms);
            }
            if let Some(now) = s.now_ms {
                verifier = verifier.with_clock(Arc::new(FixedClock(now)));
            }
            Ok(verifier)
        })?;
        let verifier = Box::new(paysig_verifier { verifier });
        // SAFETY: checked by `out`.
        unsafe { put(out_verifier, Box::into_raw(verifier)) };
        Ok(())
    })
}

/// Releases a verifier. NULL is accepted and does nothing.
#[no_mangle]
pub unsafe extern "C" fn paysig_verifier_free(verifier: *mut paysig_verifier) {
    crate::ffi_boundary!(default: (), {
        if !verifier.is_null() {
            // SAFETY: a pointer from `Box::into_raw`, freed once.
            drop(unsafe { Box::from_raw(verifier) });
        }
    })
}

/// Runs the verification and hands out the key id.
///
/// # Safety
/// `out_key_id` came from `out`.
unsafe fn verify(
    verifier: &paysig_verifier,
    request: &Request<'_>,
    out_key_id: *mut *mut paysig_bytes,
) -> Result<(), Failure> {
    let key_id = verifier.verifier.verify(request)?;
    // SAFETY: checked by `out` (this function's caller's promise).
    unsafe { put(out_key_id, into_raw(key_id)) };
    Ok(())
}

/// Verifies a received request: `method`, `path` (the request target,
/// query included, as received), `header_count` headers (names
/// case-insensitive; NULL `headers` with a count of 0 is no headers) and
/// the raw `body` bytes (NULL with length 0: no body).
///
/// On success `*out_key_id` is the authenticated key id, a new
/// `paysig_bytes` to free with `paysig_bytes_free`. On refusal the result
/// is the refusal's code (`PAYSIG_RESULT_MISSING_HEADER` ...
/// `PAYSIG_RESULT_REPLAY_STORE_UNAVAILABLE`, or a JSON code for a PGPrints
/// body that is not JSON), and `*error` (when `error` is not NULL) holds the HTTP
/// status, the provider's message and its response body. Signatures are
/// compared in constant time. `PAYSIG_RESULT_INVALID_ARGUMENT`: NULL
/// pointers, invalid UTF-8 in method, path or headers.
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_verifier_verify(
    verifier: *const paysig_verifier,
    method: *const c_char,
    method_len: usize,
    path: *const c_char,
    path_len: usize,
    headers: *const paysig_header,
    header_count: usize,
    body: *const c_char,
    body_len: usize,
    out_key_id: *mut *mut paysig_bytes,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: the caller's promises on each pointer (here and below).
        let verifier = unsafe { handle(verifier, "verifier") }?;
        // SAFETY: as above.
        let method = unsafe { text(method, method_len, "method") }?;
        // SAFETY: as above.
        let path = unsafe { text(path, path_len, "path") }?;
        // SAFETY: as above.
        let body = unsafe { bytes(body, body_len, "body") }?;
        let headers: &[paysig_header] = if header_count == 0 {
            &[]
        } else if headers.is_null() {
            return Err(Failure::invalid("headers is NULL"));
        } else {
            // SAFETY: `header_count` readable entries (the caller's promise).
            unsafe { std::slice::from_raw_parts(headers, header_count) }
        };
        let mut pairs = Vec::with_capacity(headers.len());
        for header in headers {
            // SAFETY: each entry's pointers as promised by the caller.
            let name = unsafe { text(header.name, header.name_len, "a header name") }?;
            // SAFETY: as above.
            let value = unsafe { text(header.value, header.value_len, "a header value") }?;
            pairs.push((name, value));
        }
        let out_key_id = out(out_key_id, "out_key_id")?;
        let request = Request {
            method,
            path,
            headers: &pairs,
            body,
        };
        // SAFETY: checked by `out`.
        unsafe { verify(verifier, &request, out_key_id) }
    })
}

/// `paysig_verifier_verify` with the headers as one text: lines
/// `Name: value` separated by `\n` (a `\r` before it is dropped; blank
/// lines are skipped; spaces around the value are trimmed) — the form
/// `paysig_parts.header_block` has, and the cheapest to build in PHP or Go.
/// A line without `:` is `PAYSIG_RESULT_INVALID_ARGUMENT`.
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_verifier_verify_block(
    verifier: *const paysig_verifier,
    method: *const c_char,
    method_len: usize,
    path: *const c_char,
    path_len: usize,
    header_block: *const c_char,
    header_block_len: usize,
    body: *const c_char,
    body_len: usize,
    out_key_id: *mut *mut paysig_bytes,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: the caller's promises on each pointer (here and below).
        let verifier = unsafe { handle(verifier, "verifier") }?;
        // SAFETY: as above.
        let method = unsafe { text(method, method_len, "method") }?;
        // SAFETY: as above.
        let path = unsafe { text(path, path_len, "path") }?;
        // SAFETY: as above.
        let block = unsafe { text(header_block, header_block_len, "header_block") }?;
        // SAFETY: as above.
        let body = unsafe { bytes(body, body_len, "body") }?;
        let pairs = parse_header_block(block)?;
        let out_key_id = out(out_key_id, "out_key_id")?;
        let request = Request {
            method,
            path,
            headers: &pairs,
            body,
        };
        // SAFETY: checked by `out`.
        unsafe { verify(verifier, &request, out_key_id) }
    })
}

fn parse_header_block(block: &str) -> Result<Vec<(&str, &str)>, Failure> {
    let mut pairs = Vec::new();
    for line in block.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| Failure::invalid("a header line has no ':'"))?;
        pairs.push((
            name.trim_matches([' ', '\t']),
            value.trim_matches([' ', '\t']),
        ));
    }
    Ok(pairs)
}

/// Verifies a Cryptopay callback: `signature` (the `X-Cryptopay-Signature`
/// value, hex in either case) must be HMAC-SHA256 of the raw `body` bytes
/// with `callback_secret`, compared in constant time. Parse the body only
/// after this returns `PAYSIG_RESULT_OK`.
///
/// Refusals: `PAYSIG_RESULT_INVALID_SIGNATURE` (and others of the
/// verification codes), with status and message in `*error`.
/// `PAYSIG_RESULT_INVALID_ARGUMENT`: empty secret, NULL, invalid UTF-8 in
/// the secret.
#[must_use]
#[no_mangle]
pub unsafe extern "C" fn paysig_cryptopay_callback_verify(
    callback_secret: *const c_char,
    callback_secret_len: usize,
    body: *const c_char,
    body_len: usize,
    signature: *const c_char,
    signature_len: usize,
    error: *mut *mut paysig_error,
) -> paysig_result {
    crate::ffi_boundary!(error, {
        // SAFETY: the caller's promises on each pointer (here and below).
        let secret = unsafe { text(callback_secret, callback_secret_len, "callback_secret") }?;
        // SAFETY: as above.
        let body = unsafe { bytes(body, body_len, "body") }?;
        // SAFETY: as above; a signature that is not UTF-8 cannot match,
        // and core says so with its own refusal.
        let signature = unsafe { bytes(signature, signature_len, "signature") }?;
        let signature = std::str::from_utf8(signature).unwrap_or("\u{fffd}");
        if secret.is_empty() {
            return Err(Failure::invalid("the callback secret is empty"));
        }
        paysig_core::verify::verify_cryptopay_callback(secret, body, signature)?;
        Ok(())
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn header_blocks_parse() {
        let pairs = parse_header_block("A: 1\r\n\nb:two  \nC:\n").unwrap();
        assert_eq!(pairs, vec![("A", "1"), ("b", "two"), ("C", "")]);
        assert!(parse_header_block("no colon").is_err());
    }
}
