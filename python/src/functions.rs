//! Module-level functions: canonical JSON and HMAC.

use paysig::json::{self, Options};
use paysig::mac::{Algorithm, Encoding, Key};
use pyo3::prelude::*;

use crate::convert::{str_or_bytes, to_canonical};
use crate::errors::IntoPyResult;
use crate::release::run_detached_if;

/// Canonical JSON (= JavaScript's JSON.stringify) of a Python value.
///
/// Written while walking the Python objects, which needs the GIL
/// throughout: there is no later step worth releasing it for.
#[pyfunction]
pub fn canonical_json(value: &Bound<'_, PyAny>) -> PyResult<String> {
    to_canonical(value).map(|canonical| canonical.into_string())
}

/// Canonical JSON of a JSON text, refusing what JavaScript would change.
#[pyfunction]
pub fn canonicalize(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<String> {
    let input = str_or_bytes(text, "text")?;
    run_detached_if(py, input.len(), || {
        json::canonicalize_with(input, &Options::default())
    })
    .py()
}

fn key(algorithm: &str, key: &Bound<'_, PyAny>) -> PyResult<Key> {
    let algorithm: Algorithm = algorithm.parse().py()?;
    Key::new(algorithm, str_or_bytes(key, "key")?).py()
}

/// The HMAC of `message`, written in `encoding` (hex or base64).
#[pyfunction]
#[pyo3(signature = (algorithm, key, message, encoding="hex"))]
pub fn hmac_sign(
    py: Python<'_>,
    algorithm: &str,
    key: &Bound<'_, PyAny>,
    message: &Bound<'_, PyAny>,
    encoding: &str,
) -> PyResult<String> {
    let key = self::key(algorithm, key)?;
    let encoding: Encoding = encoding.parse().py()?;
    let message = str_or_bytes(message, "message")?;
    Ok(run_detached_if(py, message.len(), || {
        key.sign(message).encode(encoding)
    }))
}

/// Whether `signature` (in `encoding`) is the HMAC of `message`, compared
/// in constant time.
#[pyfunction]
#[pyo3(signature = (algorithm, key, message, signature, encoding="hex"))]
pub fn hmac_verify(
    py: Python<'_>,
    algorithm: &str,
    key: &Bound<'_, PyAny>,
    message: &Bound<'_, PyAny>,
    signature: &str,
    encoding: &str,
) -> PyResult<bool> {
    let key = self::key(algorithm, key)?;
    let encoding: Encoding = encoding.parse().py()?;
    let message = str_or_bytes(message, "message")?;
    Ok(run_detached_if(py, message.len(), || {
        key.verify_encoded(message, signature, encoding)
    }))
}
