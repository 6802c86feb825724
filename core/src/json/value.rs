//! An in-memory JSON value that bindings build directly from their own
//! values (Python dicts, PHP arrays), and its canonical serializer.

use super::number::{write_f64, Number};
use super::object::{array_index, javascript_order, DuplicateFinder};
use super::string::write_string;
use super::Options;
use crate::error::{Error, ErrorCode, Result};

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
        // A guess that spares most regrowth of small outputs.
        let mut out = Vec::with_capacity(256);
        self.write_canonical(&mut out, &Options::default())?;
        Ok(String::from_utf8(out).unwrap_or_default())
    }

    /// Appends canonical JSON of this value to `out`.
    ///
    /// Refuses duplicate keys (whatever `options.lenient` says: a value
    /// built in memory has no JavaScript reading to imitate) and nesting
    /// deeper than `options.max_depth`.
    pub fn write_canonical(&self, out: &mut Vec<u8>, options: &Options) -> Result<()> {
        write_value(self, out, options.max_depth)
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

// Depth is bounded by `max_depth`, and bindings bound the depth of what
// they build, so this recursion cannot be driven arbitrarily deep.
fn write_value(value: &Value, out: &mut Vec<u8>, depth_left: usize) -> Result<()> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => write_f64(out, n.as_f64()),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            let depth_left = descend(depth_left)?;
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out, depth_left)?;
            }
            out.push(b']');
        }
        Value::Object(members) => {
            let depth_left = descend(depth_left)?;
            check_duplicates(members)?;
            out.push(b'{');
            let mut write_member = |n: usize, (key, value): &(String, Value)| {
                if n > 0 {
                    out.push(b',');
                }
                write_string(out, key);
                out.push(b':');
                write_value(value, out, depth_left)
            };
            // Most objects have no array-index key: then insertion order is
            // JavaScript's order, and no order needs computing.
            if !members
                .iter()
                .any(|(k, _)| array_index(k.as_bytes()).is_some())
            {
                for (n, member) in members.iter().enumerate() {
                    write_member(n, member)?;
                }
            } else {
                let indices: Vec<Option<u32>> = members
                    .iter()
                    .map(|(k, _)| array_index(k.as_bytes()))
                    .collect();
                for (n, &i) in javascript_order(&indices).iter().enumerate() {
                    write_member(n, &members[i])?;
                }
            }
            out.push(b'}');
        }
    }
    Ok(())
}

fn descend(depth_left: usize) -> Result<usize> {
    depth_left
        .checked_sub(1)
        .ok_or_else(|| Error::new(ErrorCode::TooDeep, "nesting deeper than the limit"))
}

fn check_duplicates(members: &[(String, Value)]) -> Result<()> {
    let mut finder = DuplicateFinder::default();
    for (i, (key, _)) in members.iter().enumerate() {
        let earlier = members[..i].iter().map(|(k, _)| k.as_bytes());
        if finder.find(key.as_bytes(), earlier).is_some() {
            return Err(Error::new(
                ErrorCode::DuplicateKey,
                format!("duplicate key {}", super::string::quote(key)),
            ));
        }
    }
    Ok(())
}
