//! The five providers' signers and the `SignedRequest` they return.
//!
//! Each class wraps core's signer (which holds the HMAC key schedule, is
//! immutable and `Sync`), so one instance can be shared by every thread.

use paysig::json::{CanonicalJson, Number};
use paysig::schemes::{self, Body, CryptopayRequest, Nonce};
use paysig::SignedRequest;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyString};

use crate::convert::{integer, to_canonical};
use crate::errors::{invalid_argument, to_py_err, IntoPyResult};
use crate::nonce_source::source_arg;
use crate::release::run_detached_if;

/// A body or payload argument: JSON text (or, for Cryptopay, the raw body)
/// borrowed from a Python str or bytes, or the canonical JSON of a Python
/// value (written with the GIL held; signing it needs no second parse).
enum BodyArg<'a> {
    Text(&'a str),
    Canonical(CanonicalJson),
}

impl BodyArg<'_> {
    fn as_body(&self) -> Body<'_> {
        match self {
            BodyArg::Text(text) => Body::Text(text),
            BodyArg::Canonical(canonical) => Body::Canonical(canonical),
        }
    }
}

/// Reads a body argument and says how large it is. `raw`: the bytes are
/// sent as they are (Cryptopay), so non-UTF-8 bytes are an invalid
/// argument rather than invalid JSON.
fn body_arg<'a>(obj: &'a Bound<'_, PyAny>, raw: bool) -> PyResult<(BodyArg<'a>, usize)> {
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_str()?;
        return Ok((BodyArg::Text(text), text.len()));
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        let bytes = b.as_bytes();
        return match std::str::from_utf8(bytes) {
            Ok(text) => Ok((BodyArg::Text(text), text.len())),
            Err(_) if raw => Err(invalid_argument("the body is not UTF-8 text")),
            // core names the exact refusal (invalid_string or invalid_json).
            Err(_) => Err(to_py_err(
                paysig::json::canonicalize_with(bytes, &Default::default())
                    .err()
                    .unwrap_or_else(|| paysig::Error::invalid_argument("the body is not UTF-8")),
            )),
        };
    }
    let canonical = to_canonical(obj)?;
    let len = canonical.len();
    Ok((BodyArg::Canonical(canonical), len))
}

/// A nonce or timestamp given as str or int, as text.
fn text_or_int(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_str()?.to_owned());
    }
    if obj.cast::<PyInt>().is_ok() && obj.cast::<PyBool>().is_err() {
        return Ok(obj.extract::<i64>()?.to_string());
    }
    Err(pyo3::exceptions::PyTypeError::new_err(format!(
        "{what} must be str or int"
    )))
}

/// The result of signing one request.
#[pyclass(frozen, module = "paysig._native", name = "SignedRequest")]
pub struct PySignedRequest {
    inner: SignedRequest,
}

#[pymethods]
impl PySignedRequest {
    /// Headers to send, in the provider's spelling (a new dict each time).
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (name, value) in &self.inner.headers {
            dict.set_item(*name, value)?;
        }
        Ok(dict)
    }

    /// The exact body to send, or None when the scheme sends none.
    #[getter]
    fn body(&self) -> Option<&str> {
        self.inner.body.as_deref()
    }

    /// The string that was signed, for debugging a 401.
    #[getter]
    fn string_to_sign(&self) -> &str {
        &self.inner.string_to_sign
    }

    /// The signature as it appears in the headers.
    #[getter]
    fn signature(&self) -> &str {
        &self.inner.signature
    }

    fn __repr__(&self) -> String {
        let names: Vec<&str> = self.inner.headers.iter().map(|(n, _)| *n).collect();
        format!(
            "SignedRequest(headers=[{}], signature={:?})",
            names.join(", "),
            self.inner.signature
        )
    }
}

fn signed(result: paysig::Result<SignedRequest>) -> PyResult<PySignedRequest> {
    result.py().map(|inner| PySignedRequest { inner })
}

/// Cryptopay: HMAC-SHA1 in `Authorization: HMAC key:signature`.
#[pyclass(frozen, module = "paysig._native", name = "Cryptopay")]
pub struct PyCryptopay {
    inner: schemes::Cryptopay,
}

#[pymethods]
impl PyCryptopay {
    #[new]
    fn new(api_key: &str, api_secret: &str) -> PyResult<Self> {
        let inner = schemes::Cryptopay::new(api_key, api_secret).py()?;
        Ok(PyCryptopay { inner })
    }

    #[pyo3(signature = (method, path, body=None, *, content_type="application/json", date=None))]
    fn sign(
        &self,
        py: Python<'_>,
        method: &str,
        path: &str,
        body: Option<&Bound<'_, PyAny>>,
        content_type: &str,
        date: Option<&str>,
    ) -> PyResult<PySignedRequest> {
        let body = body.map(|b| body_arg(b, true)).transpose()?;
        let len = body.as_ref().map_or(0, |(_, len)| *len);
        let request = CryptopayRequest {
            method,
            path,
            body: body.as_ref().map(|(b, _)| b.as_body()),
            content_type,
            date,
        };
        signed(run_detached_if(py, len, || self.inner.sign(&request)))
    }

    fn __repr__(&self) -> &'static str {
        "<paysig.Cryptopay>"
    }
}

/// Aquapay: HMAC-SHA384 over `{"httpMethod","path","nonce"}`.
#[pyclass(frozen, module = "paysig._native", name = "Aquapay")]
pub struct PyAquapay {
    inner: schemes::Aquapay,
}

#[pymethods]
impl PyAquapay {
    #[new]
    #[pyo3(signature = (api_key, api_secret, *, nonce_source=None))]
    fn new(
        api_key: &str,
        api_secret: &str,
        nonce_source: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut inner = schemes::Aquapay::new(api_key, api_secret).py()?;
        if let Some(source) = source_arg(nonce_source)? {
            inner = inner.with_nonce_source(source);
        }
        Ok(PyAquapay { inner })
    }

    #[pyo3(signature = (method, path, *, nonce=None))]
    fn sign(
        &self,
        method: &str,
        path: &str,
        nonce: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PySignedRequest> {
        let nonce = nonce.map(|n| text_or_int(n, "nonce")).transpose()?;
        signed(self.inner.sign(method, path, nonce.as_deref()))
    }

    fn __repr__(&self) -> &'static str {
        "<paysig.Aquapay>"
    }
}

/// RemitQuickly: HMAC-SHA512 over a base64 `{"body","timestamp"}` payload.
#[pyclass(frozen, module = "paysig._native", name = "RemitQuickly")]
pub struct PyRemitQuickly {
    inner: schemes::RemitQuickly,
}

#[pymethods]
impl PyRemitQuickly {
    #[new]
    #[pyo3(signature = (api_key, secret, *, nonce_source=None))]
    fn new(api_key: &str, secret: &str, nonce_source: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let mut inner = schemes::RemitQuickly::new(api_key, secret).py()?;
        if let Some(source) = source_arg(nonce_source)? {
            inner = inner.with_nonce_source(source);
        }
        Ok(PyRemitQuickly { inner })
    }

    #[pyo3(signature = (body=None, *, timestamp=None))]
    fn sign(
        &self,
        py: Python<'_>,
        body: Option<&Bound<'_, PyAny>>,
        timestamp: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PySignedRequest> {
        let body = body.map(|b| body_arg(b, false)).transpose()?;
        let len = body.as_ref().map_or(0, |(_, len)| *len);
        let timestamp = timestamp.map(|t| text_or_int(t, "timestamp")).transpose()?;
        let body = body.as_ref().map(|(b, _)| b.as_body());
        signed(run_detached_if(py, len, || {
            self.inner.sign(body, timestamp.as_deref())
        }))
    }

    fn __repr__(&self) -> &'static str {
        "<paysig.RemitQuickly>"
    }
}

/// PGPrints: base64 (or hex) HMAC-SHA256 of the canonical JSON body.
#[pyclass(frozen, module = "paysig._native", name = "PGPrints")]
pub struct PyPGPrints {
    inner: schemes::PGPrints,
}

#[pymethods]
impl PyPGPrints {
    #[new]
    #[pyo3(signature = (secret_key, *, encoding="base64"))]
    fn new(secret_key: &str, encoding: &str) -> PyResult<Self> {
        let encoding = encoding.parse().py()?;
        let inner = schemes::PGPrints::new(secret_key)
            .py()?
            .with_encoding(encoding);
        Ok(PyPGPrints { inner })
    }

    fn sign(&self, py: Python<'_>, body: &Bound<'_, PyAny>) -> PyResult<PySignedRequest> {
        let (body, len) = body_arg(body, false)?;
        signed(run_detached_if(py, len, || self.inner.sign(body.as_body())))
    }

    fn __repr__(&self) -> &'static str {
        "<paysig.PGPrints>"
    }
}

/// OnchainPay: hex HMAC-SHA256 of the body with a nonce inside.
#[pyclass(frozen, module = "paysig._native", name = "OnchainPay")]
pub struct PyOnchainPay {
    inner: schemes::OnchainPay,
}

#[pymethods]
impl PyOnchainPay {
    #[new]
    #[pyo3(signature = (public_key, private_key, *, nonce_source=None))]
    fn new(
        public_key: &str,
        private_key: &str,
        nonce_source: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut inner = schemes::OnchainPay::new(public_key, private_key).py()?;
        if let Some(source) = source_arg(nonce_source)? {
            inner = inner.with_nonce_source(source);
        }
        Ok(PyOnchainPay { inner })
    }

    #[pyo3(signature = (payload, *, nonce=None))]
    fn sign(
        &self,
        py: Python<'_>,
        payload: &Bound<'_, PyAny>,
        nonce: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PySignedRequest> {
        let (payload, len) = body_arg(payload, false)?;
        let nonce_text;
        let nonce = match nonce {
            None => None,
            Some(n) if n.cast::<PyString>().is_ok() => {
                nonce_text = n.cast::<PyString>()?.to_str()?;
                Some(Nonce::Text(nonce_text))
            }
            Some(n) if n.cast::<PyBool>().is_err() && n.cast::<PyInt>().is_ok() => {
                Some(Nonce::Number(integer(n.cast::<PyInt>()?)?))
            }
            Some(n) if n.cast::<PyFloat>().is_ok() => {
                let value = n.cast::<PyFloat>()?.value();
                Some(Nonce::Number(Number::from_f64(value).py()?))
            }
            Some(_) => {
                return Err(pyo3::exceptions::PyTypeError::new_err(
                    "nonce must be int, float or str",
                ))
            }
        };
        signed(run_detached_if(py, len, || {
            self.inner.sign(payload.as_body(), nonce)
        }))
    }

    fn __repr__(&self) -> &'static str {
        "<paysig.OnchainPay>"
    }
}
