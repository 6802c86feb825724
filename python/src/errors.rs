//! core's errors as the exception classes defined in `paysig/errors.py`.
//!
//! The classes live in Python so they pickle and subclass like any other
//! exception; Rust only imports and raises them.

use paysig::{Error, ErrorCode};
use pyo3::prelude::*;

pyo3::import_exception!(paysig.errors, CanonicalJsonError);
pyo3::import_exception!(paysig.errors, InvalidArgumentError);
pyo3::import_exception!(paysig.errors, AuthError);
pyo3::import_exception!(paysig.errors, NonceSourceError);

/// The Python exception for a core error: `InvalidArgumentError` for a bad
/// argument, `AuthError` for a verification failure, `CanonicalJsonError`
/// for the JSON refusals, `NonceSourceError` when signing found no nonce.
pub fn to_py_err(error: Error) -> PyErr {
    let code = error.code().as_str();
    let message = error.message().to_owned();
    match error.code() {
        ErrorCode::InvalidArgument => InvalidArgumentError::new_err((code, message)),
        ErrorCode::InvalidJson
        | ErrorCode::NumberOutOfRange
        | ErrorCode::DuplicateKey
        | ErrorCode::InvalidString
        | ErrorCode::TooDeep => CanonicalJsonError::new_err((code, message)),
        ErrorCode::NonceSourceUnavailable => NonceSourceError::new_err((code, message)),
        // Verification codes: 401 unless the verifier says otherwise.
        _ => AuthError::new_err((code, message, 401)),
    }
}

/// A `CanonicalJsonError` with this code and message.
pub fn json_error(code: ErrorCode, message: impl Into<String>) -> PyErr {
    CanonicalJsonError::new_err((code.as_str(), message.into()))
}

/// An `InvalidArgumentError` with this message.
pub fn invalid_argument(message: impl Into<String>) -> PyErr {
    to_py_err(Error::invalid_argument(message))
}

/// `Result<T, paysig::Error>` → `PyResult<T>`.
pub trait IntoPyResult<T> {
    /// Raises the matching Python exception on error.
    fn py(self) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for paysig::Result<T> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_py_err)
    }
}
