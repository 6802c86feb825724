//! Releasing the GIL around work on large inputs.
//!
//! Releasing and re-taking the GIL costs more than hashing a small request,
//! so only inputs above `THRESHOLD` bytes let other Python threads run
//! meanwhile (as pydantic-core and pyca/cryptography do).

use pyo3::marker::Ungil;
use pyo3::Python;

/// Inputs larger than this many bytes are processed without the GIL.
pub const THRESHOLD: usize = 2048;

/// Runs `f`, without the GIL when `len` exceeds [`THRESHOLD`].
pub fn run_detached_if<T, F>(py: Python<'_>, len: usize, f: F) -> T
where
    F: Ungil + FnOnce() -> T,
    T: Ungil,
{
    if len > THRESHOLD {
        py.detach(f)
    } else {
        f()
    }
}
