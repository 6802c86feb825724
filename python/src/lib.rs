//! Python bindings of paysig: the native module `paysig._native`.
//!
//! A thin skin over core: Python values are converted to core's values in
//! `convert`, every byte that is hashed is produced by core, and core's
//! errors become the exception classes of `paysig/errors.py`. The public
//! Python API is the `paysig` package, which re-exports these names.

mod convert;
mod errors;
mod functions;
mod nonce_source;
mod release;
mod signers;
mod verifier;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(functions::canonical_json, m)?)?;
    m.add_function(wrap_pyfunction!(functions::canonicalize, m)?)?;
    m.add_function(wrap_pyfunction!(functions::hmac_sign, m)?)?;
    m.add_function(wrap_pyfunction!(functions::hmac_verify, m)?)?;
    m.add_class::<nonce_source::PyNonceSource>()?;
    m.add_class::<signers::PySignedRequest>()?;
    m.add_class::<signers::PyCryptopay>()?;
    m.add_class::<signers::PyAquapay>()?;
    m.add_class::<signers::PyRemitQuickly>()?;
    m.add_class::<signers::PyPGPrints>()?;
    m.add_class::<signers::PyOnchainPay>()?;
    m.add_class::<verifier::PyVerifier>()?;
    m.add_class::<verifier::PyMemoryReplayGuard>()?;
    m.add_class::<verifier::PyRedisReplayGuard>()?;
    m.add_function(wrap_pyfunction!(verifier::verify_cryptopay_callback, m)?)?;
    m.add("RELEASE_GIL_ABOVE", release::THRESHOLD)?;
    Ok(())
}
