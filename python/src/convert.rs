//! Python values → canonical JSON, written straight into core's
//! [`Writer`] as the values are walked (no intermediate tree), without
//! going through `json.dumps`: dict (str keys), list, tuple, str, int,
//! float, bool, None and `decimal.Decimal`. Everything else is refused
//! with `CanonicalJsonError`, as core refuses what JavaScript would change.

use paysig::json::{CanonicalJson, Number, Options, Writer};
use paysig::ErrorCode;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};

use crate::errors::{json_error, IntoPyResult};

/// Canonical JSON of `obj`. The writer refuses nesting deeper than core's
/// default limit before this walk descends further, so a deep or
/// self-referencing structure cannot overflow the stack.
pub fn to_canonical(obj: &Bound<'_, PyAny>) -> PyResult<CanonicalJson> {
    let mut w = Writer::new(&Options::default());
    write(&mut w, obj)?;
    w.finish().py()
}

fn write(w: &mut Writer, obj: &Bound<'_, PyAny>) -> PyResult<()> {
    // Exact built-in types first (nearly every value): one pointer
    // comparison each. Subclasses take the slower checks below.
    if let Ok(s) = obj.cast_exact::<PyString>() {
        return w.string(string(s)?).py();
    }
    if let Ok(dict) = obj.cast_exact::<PyDict>() {
        return object(w, dict);
    }
    if let Ok(i) = obj.cast_exact::<PyInt>() {
        return w.number(integer(i)?).py();
    }
    if let Ok(f) = obj.cast_exact::<PyFloat>() {
        return w.number(float(f)?).py();
    }
    if let Ok(list) = obj.cast_exact::<PyList>() {
        w.begin_array().py()?;
        for item in list.iter() {
            write(w, &item)?;
        }
        return w.end_array().py();
    }
    if obj.is_none() {
        return w.null().py();
    }
    if obj.is_exact_instance_of::<PyBool>() {
        return w.bool(obj.is_truthy()?).py();
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return w.string(string(s)?).py();
    }
    // bool before int: bool is a subclass of int.
    if let Ok(b) = obj.cast::<PyBool>() {
        return w.bool(b.is_true()).py();
    }
    if let Ok(i) = obj.cast::<PyInt>() {
        return w.number(integer(i)?).py();
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return w.number(float(f)?).py();
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        return object(w, dict);
    }
    if let Ok(list) = obj.cast::<PyList>() {
        w.begin_array().py()?;
        for item in list.iter() {
            write(w, &item)?;
        }
        return w.end_array().py();
    }
    if let Ok(tuple) = obj.cast::<PyTuple>() {
        w.begin_array().py()?;
        for item in tuple.iter() {
            write(w, &item)?;
        }
        return w.end_array().py();
    }
    if obj.is_instance(decimal_type(obj.py())?)? {
        return w.number(decimal(obj)?).py();
    }
    Err(json_error(
        ErrorCode::InvalidJson,
        format!(
            "{} is not a JSON type (dict, list, tuple, str, int, float, bool, None, Decimal)",
            type_name(obj).unwrap_or_default()
        ),
    ))
}

fn object(w: &mut Writer, dict: &Bound<'_, PyDict>) -> PyResult<()> {
    w.begin_object().py()?;
    for (key, item) in dict.iter() {
        let Ok(key) = key
            .cast_exact::<PyString>()
            .or_else(|_| key.cast::<PyString>())
        else {
            return Err(json_error(
                ErrorCode::InvalidJson,
                format!(
                    "object keys must be str, not {}",
                    type_name(&key).unwrap_or_default()
                ),
            ));
        };
        w.key(string(key)?).py()?;
        write(w, &item)?;
    }
    w.end_object().py()
}

fn float(f: &Bound<'_, PyFloat>) -> PyResult<Number> {
    Number::from_f64(f.value()).py()
}

/// The UTF-8 text of a str; a lone surrogate has none (`invalid_string`).
fn string<'a>(s: &'a Bound<'_, PyString>) -> PyResult<&'a str> {
    s.to_str()
        .map_err(|_| json_error(ErrorCode::InvalidString, "a str holds a lone surrogate"))
}

/// 2^53: integers up to it convert directly.
const MAX_SAFE: i64 = 1 << 53;

/// Every integer JavaScript prints back unchanged has fewer bits than this
/// (at most 17 significant digits times 10^22); longer ones are refused
/// without formatting them.
const MAX_EXACT_BITS: u64 = 128;

pub fn integer(i: &Bound<'_, PyInt>) -> PyResult<Number> {
    if let Ok(v) = i.extract::<i64>() {
        if v.unsigned_abs() <= MAX_SAFE as u64 {
            return Number::from_i64(v).py();
        }
    }
    // Beyond 2^53 the text decides, exactly as for a literal in JSON text:
    // 10**21 is a double JavaScript prints as 1e+21, 2**53 + 1 is refused.
    let bits: u64 = i.call_method0("bit_length")?.extract()?;
    if bits > MAX_EXACT_BITS {
        return Err(json_error(
            ErrorCode::NumberOutOfRange,
            "integer would change in JavaScript",
        ));
    }
    // int.__repr__, not str(): an int subclass (IntEnum) may print a name.
    let py = i.py();
    let text = py.get_type::<PyInt>().getattr("__repr__")?.call1((i,))?;
    Number::parse(text.cast::<PyString>()?.to_str()?).py()
}

fn decimal(d: &Bound<'_, PyAny>) -> PyResult<Number> {
    if !d.call_method0("is_finite")?.is_truthy()? {
        return Err(json_error(
            ErrorCode::NumberOutOfRange,
            "NaN and infinities have no JSON form",
        ));
    }
    // str(Decimal) is a JSON number literal for every finite value
    // (`-1.50`, `1E+3`); Number::parse refuses what JavaScript changes.
    let py = d.py();
    let text = decimal_type(py)?.getattr("__str__")?.call1((d,))?;
    Number::parse(text.cast::<PyString>()?.to_str()?).py()
}

fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    DECIMAL.import(py, "decimal", "Decimal")
}

fn type_name(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(obj.get_type().name()?.to_cow()?.into_owned())
}

/// The bytes of a `str` (as UTF-8) or `bytes` argument. Anything else is a
/// `TypeError` naming the argument.
pub fn str_or_bytes<'a>(obj: &'a Bound<'_, PyAny>, what: &str) -> PyResult<&'a [u8]> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_str()?.as_bytes());
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(b.as_bytes());
    }
    Err(pyo3::exceptions::PyTypeError::new_err(format!(
        "{what} must be str or bytes, not {}",
        type_name(obj).unwrap_or_default()
    )))
}
