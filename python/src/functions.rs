//! Module-level functions: canonical JSON and HMAC.

use paysig::json::{self, Options};
use paysig::mac::{Algorithm, Encoding, Key};
use pyo3::prelude::*;

use crate::convert::{str_or_bytes, to_value};
use crate::errors::IntoPyResult;
use crate::release::run_detached_if;

/// Canonical JSON (= JavaScript's JSON.stringify) of a Python value.
#[pyfunction]
pub fn canonical_json(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<String> {
    let converted = to_value(value)?;
    let value = &converted.value;
    run_detached_if(py, converted.approx_len, || value.to_canonical()).py()
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
