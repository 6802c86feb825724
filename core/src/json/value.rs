//! An in-memory JSON value that bindings build directly from their own
//! values (Python dicts, PHP arrays), and its canonical serializer.

use super::canonical::CanonicalJson;
use super::number::Number;
use super::writer::Writer;
use super::Options;
use crate::error::Result;

/// A JSON value. Objects keep their members in insertion order; the
/// serializer applies JavaScript's property order when writing.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number JavaScript holds exactly.
    Number(Number),
    /// A string (always valid Unicode, so never a lone surrogate).
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object's members in insertion order.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// Canonical JSON of this value, with the default options.
    pub fn to_canonical(&self) -> Result<String> {
        self.to_canonical_json().map(CanonicalJson::into_string)
    }

    /// Canonical JSON of this value, with the default options, as
    /// [`CanonicalJson`] (which a signer takes without a second parse).
    pub fn to_canonical_json(&self) -> Result<CanonicalJson> {
        let mut w = Writer::new(&Options::default());
        write_value(self, &mut w)?;
        w.finish()
    }

    /// Appends canonical JSON of this value to `out`.
    ///
    /// Refuses duplicate keys (whatever `options.lenient` says: a value
    /// built in memory has no JavaScript reading to imitate) and nesting
    /// deeper than `options.max_depth`.
    pub fn write_canonical(&self, out: &mut Vec<u8>, options: &Options) -> Result<()> {
        let strict = Options {
            lenient: false,
            ..options.clone()
        };
        let mut w = Writer::appending_to(std::mem::take(out), &strict);
        let result = write_value(self, &mut w);
        *out = w.into_buffer();
        result
    }

    /// Sets `key` as JavaScript's `object[key] = value` does: replaced in
    /// place when present, appended otherwise. Returns `false` (and changes
    /// nothing) when this value is not an object.
    pub fn set(&mut self, key: &str, value: Value) -> bool {
        let Value::Object(members) = self else {
            return false;
        };
        match members.iter_mut().find(|(k, _)| k == key) {
            Some((_, slot)) => *slot = value,
            None => members.push((key.to_owned(), value)),
        }
        true
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Value {
        Value::Number(n)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}

// Depth is bounded by the writer's `max_depth` (checked before each
// container's items are visited), and bindings bound the depth of what
// they build, so this recursion cannot be driven arbitrarily deep.
fn write_value(value: &Value, w: &mut Writer) -> Result<()> {
    match value {
        Value::Null => w.null(),
        Value::Bool(b) => w.bool(*b),
        Value::Number(n) => w.number(*n),
        Value::String(s) => w.string(s),
        Value::Array(items) => {
            w.begin_array()?;
            for item in items {
                write_value(item, w)?;
            }
            w.end_array()
        }
        Value::Object(members) => {
            w.begin_object()?;
            for (key, item) in members {
                w.key(key)?;
                write_value(item, w)?;
            }
            w.end_object()
        }
    }
}
