//! Verifying signed requests: core's `Verifier` behind a Python class.

use std::sync::Arc;

use paysig::clock::Clock;
use paysig::verify::{
    self, Keyring, MemoryReplayGuard, NoncePolicy, ReplayGuard, Request, Target, Verifier,
    DEFAULT_CAPACITY,
};
use paysig_replay_redis::RedisReplayGuard;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::convert::str_or_bytes;
use crate::errors::{invalid_argument, AuthError, IntoPyResult};
use crate::release::run_detached_if;

/// Remembers nonces and timestamps already accepted, in this process's
/// memory. Share one between the verifiers of one service.
#[pyclass(frozen, module = "paysig._native", name = "MemoryReplayGuard")]
pub struct PyMemoryReplayGuard {
    inner: Arc<MemoryReplayGuard>,
}

#[pymethods]
impl PyMemoryReplayGuard {
    #[new]
    // The literal (not the constant) so the text signature shows it.
    #[pyo3(signature = (capacity=100_000))]
    fn new(capacity: usize) -> Self {
        PyMemoryReplayGuard {
            inner: Arc::new(MemoryReplayGuard::new(capacity)),
        }
    }

    /// The number of entries held.
    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// The most entries held at once; beyond it new requests are refused.
    #[getter]
    fn capacity(&self) -> usize {
        self.inner.capacity()
    }
}

const _: () = assert!(DEFAULT_CAPACITY == 100_000, "update the default above");

/// Remembers nonces and timestamps in Redis, shared by every verifier
/// using it, in any process on any machine. Fails closed: when Redis is
/// unreachable or slower than `timeout` seconds, verification raises
/// AuthError `replay_store_unavailable` (status 503), never accepts.
#[pyclass(frozen, module = "paysig._native", name = "RedisReplayGuard")]
pub struct PyRedisReplayGuard {
    inner: Arc<RedisReplayGuard>,
}

#[pymethods]
impl PyRedisReplayGuard {
    /// `timeout`: seconds (or a timedelta) Redis has to answer; None: 0.25.
    #[new]
    #[pyo3(signature = (url, *, timeout=None, prefix="paysig:replay:"))]
    fn new(url: &str, timeout: Option<&Bound<'_, PyAny>>, prefix: &str) -> PyResult<Self> {
        let mut guard = RedisReplayGuard::new(url).py()?.with_prefix(prefix);
        if let Some(timeout) = timeout {
            let ms = seconds_to_ms(timeout)?;
            if ms <= 0 {
                return Err(invalid_argument("the timeout must be positive"));
            }
            guard = guard.with_timeout(std::time::Duration::from_millis(ms.unsigned_abs()));
        }
        Ok(PyRedisReplayGuard {
            inner: Arc::new(guard),
        })
    }

    /// Whether Redis answers PING within the timeout.
    fn ping(&self, py: Python<'_>) -> bool {
        py.detach(|| self.inner.ping().is_ok())
    }

    /// The timeout, in seconds.
    #[getter]
    fn timeout(&self) -> f64 {
        self.inner.timeout().as_secs_f64()
    }

    fn __repr__(&self) -> String {
        // Not the URL: it may hold a password.
        format!("<paysig.RedisReplayGuard timeout={}>", self.timeout())
    }
}

/// Verifies requests signed with one scheme (or Cryptopay callbacks)
/// against a keyring.
#[pyclass(frozen, module = "paysig._native", name = "Verifier")]
pub struct PyVerifier {
    inner: Verifier,
    /// Verification waits on the network (Redis): always without the GIL.
    blocking: bool,
}

#[pymethods]
impl PyVerifier {
    #[new]
    #[pyo3(signature = (scheme, keys, *, tolerance=None, replay=None, nonce_policy="unique", clock=None))]
    fn new(
        scheme: &str,
        keys: &Bound<'_, PyAny>,
        tolerance: Option<&Bound<'_, PyAny>>,
        replay: Option<&Bound<'_, PyAny>>,
        nonce_policy: &str,
        clock: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let target: Target = scheme.parse().py()?;
        let mut verifier = Verifier::for_target(target, keyring(keys)?);
        if let Some(tolerance) = tolerance {
            verifier = verifier.with_tolerance_ms(seconds_to_ms(tolerance)?);
        }
        let mut blocking = false;
        if let Some(replay) = replay {
            let guard: Arc<dyn ReplayGuard> =
                if let Ok(memory) = replay.cast::<PyMemoryReplayGuard>() {
                    memory.get().inner.clone()
                } else if let Ok(redis) = replay.cast::<PyRedisReplayGuard>() {
                    blocking = true;
                    redis.get().inner.clone()
                } else {
                    return Err(pyo3::exceptions::PyTypeError::new_err(
                        "replay must be a MemoryReplayGuard or a RedisReplayGuard",
                    ));
                };
            verifier = verifier.with_replay_guard(guard);
        }
        if let Some(clock) = clock {
            if !clock.is_callable() {
                return Err(pyo3::exceptions::PyTypeError::new_err(
                    "clock must be a callable returning seconds since the epoch",
                ));
            }
            verifier = verifier.with_clock(Arc::new(PyClock(clock.clone().unbind())));
        }
        verifier =
            verifier.with_nonce_policy(nonce_policy.parse::<NoncePolicy>().map_err(|_| {
                invalid_argument("unknown nonce policy (unique, increasing, timestamp)")
            })?);
        Ok(PyVerifier {
            inner: verifier,
            blocking,
        })
    }

    /// The scheme name (or `cryptopay-callback`).
    #[getter]
    fn scheme(&self) -> &'static str {
        self.inner.target().name()
    }

    /// The tolerance window, in seconds.
    #[getter]
    fn tolerance(&self) -> f64 {
        self.inner.tolerance_ms() as f64 / 1000.0
    }

    /// Verifies one request; returns the authenticated key id, or raises
    /// AuthError with the code, HTTP status and the provider's message.
    #[pyo3(signature = (method, path, headers, body=None))]
    fn verify(
        &self,
        py: Python<'_>,
        method: &str,
        path: &str,
        headers: &Bound<'_, PyAny>,
        body: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let owned = header_pairs(headers)?;
        let pairs: Vec<(&str, &str)> = owned
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let body = match body {
            Some(b) => str_or_bytes(b, "body")?,
            None => &[],
        };
        let request = Request {
            method,
            path,
            headers: &pairs,
            body,
        };
        let len = if self.blocking {
            usize::MAX
        } else {
            body.len()
        };
        run_detached_if(py, len, || self.inner.verify(&request)).map_err(auth_error)
    }

    fn __repr__(&self) -> String {
        format!("<paysig.Verifier {}>", self.inner.target().name())
    }
}

/// A clock read from a Python callable returning seconds since the epoch,
/// like `time.time` (so tests can fix or move time).
struct PyClock(Py<PyAny>);

impl Clock for PyClock {
    fn now_millis(&self) -> i64 {
        Python::attach(|py| {
            let seconds = self.0.call0(py).and_then(|t| t.extract::<f64>(py));
            match seconds {
                Ok(s) if s.is_finite() => (s * 1000.0).round() as i64,
                Ok(_) => i64::MIN,
                Err(e) => {
                    // A broken clock refuses every timed request (as if far
                    // in the past), and the error is reported, not lost.
                    e.write_unraisable(py, Some(self.0.bind(py)));
                    i64::MIN
                }
            }
        })
    }
}

/// A core verification failure as `paysig.AuthError`, with the body the
/// provider would answer.
pub fn auth_error(error: verify::AuthError) -> PyErr {
    AuthError::new_err((
        error.code().as_str(),
        error.message().to_owned(),
        error.status(),
        error.body(),
    ))
}

/// Checks a Cryptopay callback's signature over the raw body (constant
/// time); raises AuthError when it does not match.
#[pyfunction]
pub fn verify_cryptopay_callback(
    py: Python<'_>,
    secret: &str,
    body: &Bound<'_, PyAny>,
    signature: &str,
) -> PyResult<()> {
    let body = str_or_bytes(body, "body")?;
    let result = run_detached_if(py, body.len(), || {
        verify::verify_cryptopay_callback(secret, body, signature)
    });
    result.map_err(|e| match e.code() {
        paysig::ErrorCode::InvalidArgument => invalid_argument(e.message().to_owned()),
        _ => auth_error(e),
    })
}

/// `{"key id": "secret" | ["secret", ...]}` → a keyring.
fn keyring(keys: &Bound<'_, PyAny>) -> PyResult<Keyring> {
    let mut ring = Keyring::new();
    for item in keys.call_method0("items")?.try_iter()? {
        let (id, secrets): (String, Bound<'_, PyAny>) = item?.extract()?;
        if let Ok(secret) = secrets.cast::<PyString>() {
            ring.add(&id, secret.to_str()?).py()?;
            continue;
        }
        for secret in secrets.try_iter()? {
            ring.add(&id, &secret?.extract::<String>()?).py()?;
        }
    }
    if ring.is_empty() {
        return Err(invalid_argument("the keyring is empty"));
    }
    Ok(ring)
}

/// Seconds (a number or a `datetime.timedelta`) → milliseconds.
fn seconds_to_ms(value: &Bound<'_, PyAny>) -> PyResult<i64> {
    let seconds: f64 = if value.hasattr("total_seconds")? {
        value.call_method0("total_seconds")?.extract()?
    } else {
        value.extract()?
    };
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(invalid_argument(
            "the tolerance must be a non-negative number of seconds",
        ));
    }
    Ok((seconds * 1000.0).round() as i64)
}

/// The request headers as (name, value) pairs: a mapping (its `items()`,
/// which for a multi-dict lists repeated headers) or an iterable of pairs.
/// Values may be str, or bytes holding UTF-8.
fn header_pairs(headers: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    let items = if headers.hasattr("items")? {
        headers.call_method0("items")?
    } else {
        headers.clone()
    };
    let mut pairs = Vec::new();
    for item in items.try_iter()? {
        // A (name, value) tuple, or any two-item sequence such as a list.
        let item = item?;
        if item.len()? != 2 {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "headers must be a mapping or (name, value) pairs",
            ));
        }
        let (name, value) = (item.get_item(0)?, item.get_item(1)?);
        pairs.push((header_text(&name)?, header_text(&value)?));
    }
    Ok(pairs)
}

fn header_text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_str()?.to_owned());
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return std::str::from_utf8(b.as_bytes())
            .map(str::to_owned)
            .map_err(|_| invalid_argument("a header is not UTF-8"));
    }
    Err(pyo3::exceptions::PyTypeError::new_err(
        "header names and values must be str or bytes",
    ))
}
