//! Python values → canonical JSON, written straight into core's
//! [`Writer`] as the values are walked (no intermediate tree), without
//! going through `json.dumps`: dict (str keys), list, tuple, str, int,
//! float, bool, None and `decimal.Decimal`. Everything else is refused
//! with `CanonicalJsonError`, as core refuses what JavaScript would change.
//!
//! Dicts and lists are read with borrowed references (CPython's
//! `PyDict_Next`, `PyList_GetItem`): under abi3 every reference count
//! change is a call into libpython, and PyO3's owning iterators make four
//! of them per dict member plus a size check, about a tenth of the time of
//! `canonical_json` on a large document (BENCHMARKS.md). A borrowed
//! reference stays valid while its container holds it and no Python code
//! runs, so the walk keeps an owned reference to every container it
//! iterates, and takes one to a value before any step that can run Python
//! code (the slow path: subclasses, `Decimal`, big ints).
#![allow(unsafe_code)]

use paysig::json::{CanonicalJson, Number, Options, Writer};
use paysig::ErrorCode;
use pyo3::exceptions::PyRuntimeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::type_object::PyTypeInfo;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};

use crate::errors::{json_error, IntoPyResult};

/// Canonical JSON of `obj`. The writer refuses nesting deeper than core's
/// default limit before this walk descends further, so a deep or
/// self-referencing structure cannot overflow the stack.
pub fn to_canonical(obj: &Bound<'_, PyAny>) -> PyResult<CanonicalJson> {
    let mut walk = Walk {
        out: Writer::new(&Options::default()),
        slow_steps: 0,
    };
    walk.value(obj.as_borrowed())?;
    walk.out.finish().py()
}

struct Walk {
    out: Writer,
    /// How many values took the slow path, where Python code may have run
    /// and changed a container being walked.
    slow_steps: usize,
}

impl Walk {
    fn value(&mut self, obj: Borrowed<'_, '_, PyAny>) -> PyResult<()> {
        let w = &mut self.out;
        // Exact built-in types first (nearly every value): one pointer
        // comparison each, and no Python code runs.
        if let Some(s) = exact::<PyString>(obj) {
            return w.string(string(&s)?).py();
        }
        if let Some(dict) = exact::<PyDict>(obj) {
            return self.object(&dict.to_owned());
        }
        if let Some(i) = exact::<PyInt>(obj) {
            if let Some(small) = small_integer(&i) {
                return w.number(small).py();
            }
        } else if let Some(f) = exact::<PyFloat>(obj) {
            return w.number(float(&f)?).py();
        } else if let Some(list) = exact::<PyList>(obj) {
            return self.array(&list.to_owned());
        } else if obj.is_none() {
            return w.null().py();
        } else if obj.is_exact_instance_of::<PyBool>() {
            return w.bool(obj.is(PyBool::new(obj.py(), true))).py();
        }
        self.slow(&obj.to_owned())
    }

    /// Subclasses, tuples, `Decimal`, big ints and what is refused: the
    /// checks that may run Python code, on a value this walk owns a
    /// reference to.
    fn slow(&mut self, obj: &Bound<'_, PyAny>) -> PyResult<()> {
        self.slow_steps += 1;
        let w = &mut self.out;
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
            return self.object(dict);
        }
        if let Ok(list) = obj.cast::<PyList>() {
            return self.array(list);
        }
        if let Ok(tuple) = obj.cast::<PyTuple>() {
            self.out.begin_array().py()?;
            for item in tuple.iter_borrowed() {
                self.value(item)?;
            }
            return self.out.end_array().py();
        }
        if obj.is_instance(decimal_type(obj.py())?)? {
            return self.out.number(decimal(obj)?).py();
        }
        Err(json_error(
            ErrorCode::InvalidJson,
            format!(
                "{} is not a JSON type (dict, list, tuple, str, int, float, bool, None, Decimal)",
                type_name(obj).unwrap_or_default()
            ),
        ))
    }

    fn object(&mut self, dict: &Bound<'_, PyDict>) -> PyResult<()> {
        let py = dict.py();
        let slow_before = self.slow_steps;
        // SAFETY: `dict` is a live dict; PyDict_Size runs no Python code.
        let size = unsafe { ffi::PyDict_Size(dict.as_ptr()) };
        let mut position: ffi::Py_ssize_t = 0;
        let mut key_ptr = std::ptr::null_mut();
        let mut value_ptr = std::ptr::null_mut();
        self.out.begin_object().py()?;
        // SAFETY: `dict` is a live dict this walk holds a reference to.
        // PyDict_Next stays within the dict's current entries even if
        // Python code run by an earlier value changed it, and hands out
        // borrowed references, used before more Python code can run.
        while unsafe {
            ffi::PyDict_Next(dict.as_ptr(), &mut position, &mut key_ptr, &mut value_ptr)
        } != 0
        {
            // SAFETY: PyDict_Next returned 1: both are live and non-null.
            let (key, value) = unsafe {
                (
                    Borrowed::from_ptr(py, key_ptr),
                    Borrowed::from_ptr(py, value_ptr),
                )
            };
            // A dict's exact-str keys are distinct strings, unless Python
            // code ran meanwhile (a key removed and added again); a str
            // subclass may differ from a key with the same text, so from
            // the first one on every key is checked against all earlier.
            let w = &mut self.out;
            if let Some(key) = exact::<PyString>(key) {
                if self.slow_steps == slow_before {
                    w.distinct_key(string(&key)?).py()?;
                } else {
                    w.key(string(&key)?).py()?;
                }
            } else if let Ok(key) = key.cast::<PyString>() {
                self.slow_steps += 1;
                w.key(string(&key)?).py()?;
            } else {
                return Err(json_error(
                    ErrorCode::InvalidJson,
                    format!(
                        "object keys must be str, not {}",
                        type_name(&key).unwrap_or_default()
                    ),
                ));
            }
            self.value(value)?;
        }
        // SAFETY: as above.
        if self.slow_steps != slow_before && unsafe { ffi::PyDict_Size(dict.as_ptr()) } != size {
            return Err(PyRuntimeError::new_err(
                "dictionary changed size during iteration",
            ));
        }
        self.out.end_object().py()
    }

    fn array(&mut self, list: &Bound<'_, PyList>) -> PyResult<()> {
        let py = list.py();
        let changed = || PyRuntimeError::new_err("list changed size during iteration");
        let len = list.len();
        self.out.begin_array().py()?;
        for index in 0..len {
            // SAFETY: `list` is a live list this walk holds a reference
            // to; PyList_GetItem checks the index against its current
            // length (NULL and IndexError past the end, when Python code
            // shortened it) and returns a borrowed reference, used as in
            // `object`.
            let item = unsafe { ffi::PyList_GetItem(list.as_ptr(), index as ffi::Py_ssize_t) };
            if item.is_null() {
                drop(PyErr::take(py));
                return Err(changed());
            }
            // SAFETY: non-null, so a live borrowed reference.
            self.value(unsafe { Borrowed::from_ptr(py, item) })?;
        }
        if list.len() != len {
            return Err(changed());
        }
        self.out.end_array().py()
    }
}

/// `obj` as an exact `T`, if it is one. (Not `cast_exact`, whose failure
/// builds an error holding a new reference to `T`'s type: two calls into
/// libpython per failed test under abi3.)
fn exact<'a, 'py, T: PyTypeInfo>(obj: Borrowed<'a, 'py, PyAny>) -> Option<Borrowed<'a, 'py, T>> {
    if obj.is_exact_instance_of::<T>() {
        obj.cast_exact::<T>().ok()
    } else {
        None
    }
}

/// An exact int within ±2^53, read without raising on larger ones.
fn small_integer(i: &Bound<'_, PyInt>) -> Option<Number> {
    let mut overflow = 0;
    // SAFETY: `i` is a live int; for an int this call cannot fail or run
    // Python code (overflow is reported in `overflow`).
    let value = unsafe { ffi::PyLong_AsLongLongAndOverflow(i.as_ptr(), &mut overflow) };
    if overflow != 0 {
        return None;
    }
    Number::from_i64(value).ok()
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
