//! `paysig.NonceSource`: core's nonce sources for the signers'
//! `nonce_source=`, and a Python callable as a source of the caller's.

use std::sync::Arc;
use std::time::Duration;

use paysig::nonce::{self, CallerNonces, HostNonces, NonceSource, ProcessNonces, Scope};
use paysig::{Error, ErrorCode, Scheme};
use paysig_replay_redis::RedisNonces;
use pyo3::prelude::*;

use crate::errors::{invalid_argument, IntoPyResult};

/// Where default nonces and timestamps come from. Made by the static
/// methods `process()`, `host(dir=None)`, `redis(url, ...)` and
/// `callback(fn)`; passed to signers as `nonce_source=`.
#[pyclass(frozen, module = "paysig._native", name = "NonceSource")]
pub struct PyNonceSource {
    source: Arc<dyn NonceSource>,
    kind: &'static str,
}

#[pymethods]
impl PyNonceSource {
    /// This process only.
    #[staticmethod]
    fn process() -> PyNonceSource {
        PyNonceSource {
            source: Arc::new(ProcessNonces),
            kind: "process",
        }
    }

    /// Every process of this user on this machine using the same `dir`
    /// (default `/dev/shm/paysig-UID`: the signers' default source).
    #[staticmethod]
    #[pyo3(signature = (dir=None))]
    fn host(dir: Option<std::path::PathBuf>) -> PyResult<PyNonceSource> {
        let source: Arc<dyn NonceSource> = match dir {
            None => nonce::default_source().clone(),
            Some(dir) if dir.as_os_str().is_empty() => {
                return Err(invalid_argument("dir is empty: pass None for the default"))
            }
            Some(dir) => Arc::new(HostNonces::new(dir)),
        };
        Ok(PyNonceSource {
            source,
            kind: "host",
        })
    }

    /// Every machine using the Redis at `url`; timeouts in seconds.
    #[staticmethod]
    #[pyo3(signature = (url, *, connect_timeout=0.25, read_timeout=0.25))]
    fn redis(url: &str, connect_timeout: f64, read_timeout: f64) -> PyResult<PyNonceSource> {
        let seconds = |t: f64, what: &str| {
            Duration::try_from_secs_f64(t)
                .ok()
                .filter(|d| !d.is_zero())
                .ok_or_else(|| {
                    invalid_argument(format!("{what} must be a positive number of seconds"))
                })
        };
        let source = RedisNonces::new(url).py()?.with_timeouts(
            seconds(connect_timeout, "connect_timeout")?,
            seconds(read_timeout, "read_timeout")?,
        );
        Ok(PyNonceSource {
            source: Arc::new(source),
            kind: "redis",
        })
    }

    /// The caller's function `fn(scheme: str, key_id: str) -> int`.
    #[staticmethod]
    fn callback(function: Bound<'_, PyAny>) -> PyResult<PyNonceSource> {
        from_callable(&function)
    }

    /// The next value for the scope (`scheme`, `key_id`), as a signer
    /// would take it.
    fn next(&self, py: Python<'_>, scheme: &str, key_id: &str) -> PyResult<i64> {
        let scheme: Scheme = scheme.parse().py()?;
        let source = self.source.clone();
        // Redis and a host file's first use wait on I/O: without the GIL.
        py.detach(|| source.next_nonce(Scope { scheme, key_id }))
            .py()
    }

    fn __repr__(&self) -> String {
        format!("<paysig.NonceSource {}>", self.kind)
    }
}

fn from_callable(function: &Bound<'_, PyAny>) -> PyResult<PyNonceSource> {
    if !function.is_callable() {
        return Err(pyo3::exceptions::PyTypeError::new_err(
            "nonce_source must be a paysig.NonceSource or a callable(scheme, key_id) -> int",
        ));
    }
    let function: Py<PyAny> = function.clone().unbind();
    let source = CallerNonces::new(move |scope: Scope<'_>| {
        Python::attach(|py| {
            let answer = function
                .call1(py, (scope.scheme.name(), scope.key_id))
                .map_err(|e| {
                    let kind = e
                        .get_type(py)
                        .name()
                        .map(|n| n.to_string())
                        .unwrap_or_else(|_| "exception".to_owned());
                    Error::new(
                        ErrorCode::NonceSourceUnavailable,
                        format!("the nonce_source callable raised {kind}: {}", e.value(py)),
                    )
                })?;
            answer.extract::<i64>(py).map_err(|_| {
                Error::new(
                    ErrorCode::NonceSourceUnavailable,
                    "the nonce_source callable must return an int (milliseconds since the epoch)",
                )
            })
        })
    });
    Ok(PyNonceSource {
        source: Arc::new(source),
        kind: "callback",
    })
}

/// The `nonce_source=` argument of a signer: None (the default source), a
/// `NonceSource`, or a callable.
pub fn source_arg(arg: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Arc<dyn NonceSource>>> {
    let Some(arg) = arg else { return Ok(None) };
    if arg.is_none() {
        return Ok(None);
    }
    if let Ok(source) = arg.cast::<PyNonceSource>() {
        return Ok(Some(source.get().source.clone()));
    }
    Ok(Some(from_callable(arg)?.source))
}
