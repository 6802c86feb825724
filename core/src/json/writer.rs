//! [`Writer`]: canonical JSON built from a stream of events.
//!
//! Everything that writes canonical JSON goes through it — the text
//! canonicalizer, [`Value`](super::Value), the binary token reader and the
//! bindings' converters — so JavaScript's key order, duplicate keys, the
//! depth limit and the separators are handled in one place.
//!
//! Values are written to the output as soon as they arrive. Objects
//! remember where each member's key and value landed, so the rare object
//! that JavaScript would reorder (array-index keys) or that holds a
//! duplicate key (lenient mode) is rearranged in place when it closes.

use super::canonical::CanonicalJson;
use super::number::{write_f64, Number};
use super::object::{array_index, javascript_order, DuplicateFinder};
use super::string::write_string;
use super::Options;
use crate::error::{Error, ErrorCode, Result};

/// Builds canonical JSON from events: `begin_object`, `key`, values,
/// `end_object`, and so on, in document order.
///
/// ```
/// use paysig::json::{Number, Options, Writer};
///
/// let mut w = Writer::new(&Options::default());
/// w.begin_object()?;
/// w.key("b")?;
/// w.number(Number::from_f64(1.5)?)?;
/// w.key("1")?;
/// w.begin_array()?;
/// w.null()?;
/// w.string("é/\n")?;
/// w.end_array()?;
/// w.end_object()?;
/// assert_eq!(w.finish()?.as_str(), r#"{"1":[null,"é/\n"],"b":1.5}"#);
/// # Ok::<(), paysig::Error>(())
/// ```
///
/// Duplicate keys are refused with `duplicate_key` (with
/// [`Options::lenient`], the last value wins at the first key's position,
/// as `JSON.parse` does), containers deeper than `max_depth` with
/// `too_deep`. Events out of order (a value where a key is expected, an
/// unbalanced end, `finish` with open containers or no value) are
/// `invalid_argument`. After an error the writer's state is unspecified:
/// drop it.
pub struct Writer {
    out: Vec<u8>,
    /// Where this writer's output starts in `out`.
    base: usize,
    max_depth: usize,
    lenient: bool,
    frames: Vec<Frame>,
    /// Members of every open object, innermost last.
    members: Vec<Member>,
    /// In an object: a key was written, its value comes next.
    after_key: bool,
    /// Where the key being written starts (its opening quote).
    key_start: usize,
}

struct Frame {
    object: bool,
    /// Where this container's `{` or `[` is in the output.
    start: usize,
    /// Index of its first entry in `members`.
    first_member: usize,
    /// Set when the object must be rewritten when it closes.
    rearrange: bool,
    duplicates: DuplicateFinder,
}

/// One member of an open object, as byte offsets into the output: `"key"`
/// is `start..colon`, the value starts at `colon + 1` and ends where the
/// next member's `,` is (or the object's end). Small, since every member
/// of every open object has one.
struct Member {
    start: usize,
    colon: usize,
    /// The key's array index, or `NOT_INDEX`.
    index: u32,
    /// Lenient mode: the position in `members` of a later member with the
    /// same key, which replaced this value; 0 when none (no member can
    /// replace the first).
    replaced_by: u32,
    /// Lenient mode: this member repeats an earlier key.
    repeat: bool,
}

/// `Member::index` of a key that is no array index (array indices stop
/// at 2^32 − 2).
const NOT_INDEX: u32 = u32::MAX;

impl Writer {
    /// A writer with these options.
    pub fn new(options: &Options) -> Writer {
        Writer::with_capacity(options, 256)
    }

    /// A writer whose output has room for `capacity` bytes.
    pub fn with_capacity(options: &Options, capacity: usize) -> Writer {
        Writer::appending_to(Vec::with_capacity(capacity), options)
    }

    /// A writer that appends to `out` (get it back with
    /// [`Writer::into_buffer`]).
    pub(crate) fn appending_to(out: Vec<u8>, options: &Options) -> Writer {
        Writer {
            base: out.len(),
            out,
            max_depth: options.max_depth,
            lenient: options.lenient,
            // Room for a typical request body, so small ones never regrow.
            frames: Vec::with_capacity(8),
            members: Vec::with_capacity(16),
            after_key: false,
            key_start: 0,
        }
    }

    /// The output buffer, whole or partial.
    pub(crate) fn into_buffer(self) -> Vec<u8> {
        self.out
    }

    /// The canonical JSON written, once exactly one complete value was.
    pub fn finish(self) -> Result<CanonicalJson> {
        if !self.frames.is_empty() {
            return Err(misuse("finish with containers still open"));
        }
        if self.out.len() == self.base {
            return Err(misuse("finish before any value"));
        }
        // Every byte written came from a `&str` or is ASCII.
        String::from_utf8(self.out)
            .map(CanonicalJson::new)
            .map_err(|_| Error::new(ErrorCode::InvalidString, "invalid UTF-8 in the output"))
    }

    /// How many containers are open.
    pub fn depth(&self) -> usize {
        self.frames.len()
    }

    /// Starts an object (`{`).
    pub fn begin_object(&mut self) -> Result<()> {
        self.open(true, b'{')
    }

    /// Ends the innermost object (`}`).
    pub fn end_object(&mut self) -> Result<()> {
        match self.frames.last() {
            Some(frame) if frame.object && !self.after_key => {}
            Some(frame) if frame.object => return Err(misuse("end_object after a key")),
            _ => return Err(misuse("end_object without an open object")),
        }
        let Some(frame) = self.frames.pop() else {
            return Ok(());
        };
        if frame.rearrange {
            self.rearrange(&frame);
        }
        self.members.truncate(frame.first_member);
        self.out.push(b'}');
        Ok(())
    }

    /// Starts an array (`[`).
    pub fn begin_array(&mut self) -> Result<()> {
        self.open(false, b'[')
    }

    /// Ends the innermost array (`]`).
    pub fn end_array(&mut self) -> Result<()> {
        match self.frames.pop() {
            Some(frame) if !frame.object => {
                self.out.push(b']');
                Ok(())
            }
            Some(frame) => {
                self.frames.push(frame);
                Err(misuse("end_array without an open array"))
            }
            None => Err(misuse("end_array without an open array")),
        }
    }

    /// The next member's key, in the innermost object.
    pub fn key(&mut self, key: &str) -> Result<()> {
        self.begin_key()?;
        write_string(&mut self.out, key);
        self.end_key()
    }

    /// Like [`Writer::key`], for a key the caller knows differs from every
    /// earlier key of this object (a Python dict's `str` keys): skips the
    /// search for a duplicate. A later [`Writer::key`] still finds a repeat
    /// of it. A false promise is not unsafe, only wrong JSON.
    pub fn distinct_key(&mut self, key: &str) -> Result<()> {
        self.begin_key()?;
        write_string(&mut self.out, key);
        self.finish_key(false)
    }

    /// `null`.
    pub fn null(&mut self) -> Result<()> {
        self.begin_value()?;
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    /// `true` or `false`.
    pub fn bool(&mut self, value: bool) -> Result<()> {
        self.begin_value()?;
        let word: &[u8] = if value { b"true" } else { b"false" };
        self.out.extend_from_slice(word);
        Ok(())
    }

    /// A number, as ECMAScript `Number::toString` prints it.
    pub fn number(&mut self, number: Number) -> Result<()> {
        self.begin_value()?;
        write_f64(&mut self.out, number.as_f64());
        Ok(())
    }

    /// A string, quoted as `JSON.stringify` quotes it.
    pub fn string(&mut self, value: &str) -> Result<()> {
        self.begin_value()?;
        write_string(&mut self.out, value);
        Ok(())
    }

    // --- Low-level hooks: the text canonicalizer writes decoded strings
    // and numbers straight into the output between these calls.

    /// The output, for writing a value or a quoted key in place after
    /// [`Writer::begin_value`] or [`Writer::begin_key`].
    #[inline]
    pub(crate) fn out(&mut self) -> &mut Vec<u8> {
        &mut self.out
    }

    /// Whether the innermost open container is an object (`None` at the
    /// top level).
    #[inline]
    pub(crate) fn innermost_is_object(&self) -> Option<bool> {
        self.frames.last().map(|frame| frame.object)
    }

    /// Checks that a value may come now and writes the separator before
    /// it; the caller then writes the value itself.
    #[inline]
    pub(crate) fn begin_value(&mut self) -> Result<()> {
        match self.frames.last() {
            Some(frame) if frame.object => {
                if !self.after_key {
                    return Err(misuse("a value where a key is expected"));
                }
                self.after_key = false;
            }
            Some(frame) => {
                if self.out.len() > frame.start + 1 {
                    self.out.push(b',');
                }
            }
            None => {
                if self.out.len() > self.base {
                    return Err(misuse("a second value after the complete one"));
                }
            }
        }
        Ok(())
    }

    /// Starts a key: the caller then writes it quoted and calls
    /// [`Writer::end_key`].
    #[inline]
    pub(crate) fn begin_key(&mut self) -> Result<()> {
        match self.frames.last() {
            Some(frame) if frame.object && !self.after_key => {
                if self.out.len() > frame.start + 1 {
                    self.out.push(b',');
                }
                self.key_start = self.out.len();
                Ok(())
            }
            Some(frame) if frame.object => Err(misuse("a key where a value is expected")),
            _ => Err(misuse("a key outside an object")),
        }
    }

    /// Ends the key written since [`Writer::begin_key`]: checks it against
    /// the object's earlier keys and writes the `:`.
    pub(crate) fn end_key(&mut self) -> Result<()> {
        self.finish_key(true)
    }

    /// [`Writer::end_key`], searching the earlier keys for this one only
    /// when `search`.
    #[inline]
    fn finish_key(&mut self, search: bool) -> Result<()> {
        let start = self.key_start;
        let colon = self.out.len();
        let Some(frame) = self.frames.last_mut() else {
            return Err(misuse("a key outside an object"));
        };
        // The key between its quotes, escaped: equal escaped forms are
        // equal strings, since the escaping is canonical.
        let key = self.out.get(start + 1..colon - 1).unwrap_or_default();
        let index = array_index(key);
        let first = frame.first_member;
        let out: &[u8] = &self.out;
        let earlier = &self.members[first..];
        let key_at = |i: usize| &out[earlier[i].start + 1..earlier[i].colon - 1];
        let mut repeat = false;
        let found = if search {
            frame.duplicates.find(key, earlier.len(), key_at)
        } else {
            frame.duplicates.note(key, earlier.len(), key_at);
            None
        };
        if let Some(position) = found {
            if !self.lenient {
                return Err(Error::new(
                    ErrorCode::DuplicateKey,
                    format!(
                        "duplicate key {}",
                        String::from_utf8_lossy(&out[start..colon])
                    ),
                ));
            }
            // JSON.parse keeps the first position and the last value.
            let Ok(this) = u32::try_from(self.members.len()) else {
                return Err(Error::invalid_argument("too many object members"));
            };
            let mut target = first + position;
            while self.members[target].replaced_by != 0 {
                target = self.members[target].replaced_by as usize;
            }
            self.members[target].replaced_by = this;
            repeat = true;
            frame.rearrange = true;
        }
        if index.is_some() {
            frame.rearrange = true;
        }
        self.members.push(Member {
            start,
            colon,
            index: index.unwrap_or(NOT_INDEX),
            replaced_by: 0,
            repeat,
        });
        self.out.push(b':');
        self.after_key = true;
        Ok(())
    }

    fn open(&mut self, object: bool, bracket: u8) -> Result<()> {
        if self.frames.len() >= self.max_depth {
            return Err(Error::new(
                ErrorCode::TooDeep,
                format!("nesting deeper than {}", self.max_depth),
            ));
        }
        self.begin_value()?;
        self.frames.push(Frame {
            object,
            start: self.out.len(),
            first_member: self.members.len(),
            rearrange: false,
            duplicates: DuplicateFinder::default(),
        });
        self.out.push(bracket);
        Ok(())
    }

    /// Rewrites the closing object's members (from just after its `{`) in
    /// JavaScript's order, each duplicate key at its first position with
    /// its last value.
    fn rearrange(&mut self, frame: &Frame) {
        let members = &self.members[frame.first_member..];
        // A member's value ends at the next member's `,`, the last one at
        // the end of the output.
        let end = |i: usize| {
            members
                .get(i + 1)
                .map_or(self.out.len(), |next| next.start - 1)
        };
        let kept: Vec<usize> = (0..members.len()).filter(|&i| !members[i].repeat).collect();
        let indices: Vec<Option<u32>> = kept
            .iter()
            .map(|&i| Some(members[i].index).filter(|&n| n != NOT_INDEX))
            .collect();
        let mut rewritten = Vec::with_capacity(self.out.len() - frame.start);
        for (n, &k) in javascript_order(&indices).iter().enumerate() {
            if n > 0 {
                rewritten.push(b',');
            }
            let member = &members[kept[k]];
            let mut value_from = kept[k];
            while members[value_from].replaced_by != 0 {
                value_from = members[value_from].replaced_by as usize - frame.first_member;
            }
            rewritten.extend_from_slice(&self.out[member.start..=member.colon]);
            rewritten.extend_from_slice(&self.out[members[value_from].colon + 1..end(value_from)]);
        }
        self.out.truncate(frame.start + 1);
        self.out.extend_from_slice(&rewritten);
    }
}

fn misuse(what: &str) -> Error {
    Error::invalid_argument(format!("canonical JSON writer: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(n: f64) -> Number {
        Number::from_f64(n).unwrap()
    }

    #[test]
    fn orders_keys_as_javascript() {
        let mut w = Writer::new(&Options::default());
        w.begin_object().unwrap();
        for (k, v) in [("b", 1.0), ("10", 2.0), ("a", 3.0), ("2", 4.0), ("01", 5.0)] {
            w.key(k).unwrap();
            w.number(number(v)).unwrap();
        }
        w.key("o").unwrap();
        w.begin_object().unwrap();
        w.key("1").unwrap();
        w.bool(true).unwrap();
        w.key("0").unwrap();
        w.bool(false).unwrap();
        w.end_object().unwrap();
        w.end_object().unwrap();
        assert_eq!(
            w.finish().unwrap(),
            r#"{"2":4,"10":2,"b":1,"a":3,"01":5,"o":{"0":false,"1":true}}"#
        );
    }

    #[test]
    fn duplicates_are_refused_or_merged() {
        let write = |options: &Options, keys: &[&str]| {
            let mut w = Writer::new(options);
            w.begin_object()?;
            for (i, k) in keys.iter().enumerate() {
                w.key(k)?;
                w.number(number(i as f64))?;
            }
            w.end_object()?;
            w.finish()
        };
        let err = write(&Options::default(), &["a", "b", "a"]).unwrap_err();
        assert_eq!(err.code(), ErrorCode::DuplicateKey);
        let merged = write(&Options::lenient(), &["a", "1", "b", "a", "a"]).unwrap();
        assert_eq!(merged, r#"{"1":1,"a":4,"b":2}"#);
        // Large objects: the hash table path.
        let keys: Vec<String> = (0..100).map(|i| format!("k{i}")).collect();
        let mut refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        assert!(write(&Options::default(), &refs).is_ok());
        refs.push("k42");
        let err = write(&Options::default(), &refs).unwrap_err();
        assert_eq!(err.code(), ErrorCode::DuplicateKey);
        let merged = write(&Options::lenient(), &refs).unwrap();
        assert!(
            merged.contains(r#""k41":41,"k42":100,"k43":43"#),
            "{merged}"
        );
    }

    #[test]
    fn distinct_keys_are_ordered_and_still_found_by_key() {
        for count in [3, 40] {
            let keys: Vec<String> = (0..count).map(|i| format!("k{i}")).collect();
            let mut w = Writer::new(&Options::default());
            w.begin_object().unwrap();
            for k in &keys {
                w.distinct_key(k).unwrap();
                w.null().unwrap();
            }
            w.distinct_key("7").unwrap();
            w.null().unwrap();
            assert_eq!(w.key("k1").unwrap_err().code(), ErrorCode::DuplicateKey);
        }
        let mut w = Writer::new(&Options::default());
        w.begin_object().unwrap();
        for k in ["b", "2", "a", "1"] {
            w.distinct_key(k).unwrap();
            w.string(k).unwrap();
        }
        w.end_object().unwrap();
        assert_eq!(w.finish().unwrap(), r#"{"1":"1","2":"2","b":"b","a":"a"}"#);
    }

    type Events = dyn Fn(&mut Writer) -> Result<()>;

    #[test]
    fn misuse_is_an_error_not_a_panic() {
        let opts = Options::default();
        let code = |f: &Events| {
            let mut w = Writer::new(&opts);
            f(&mut w)
                .and_then(|()| w.finish().map(|_| ()))
                .unwrap_err()
                .code()
        };
        let cases: [&Events; 10] = [
            &|_| Ok(()),
            &|w| w.begin_array(),
            &|w| w.end_array(),
            &|w| w.end_object(),
            &|w| w.key("a"),
            &|w| w.null().and_then(|()| w.null()),
            &|w| w.begin_object().and_then(|()| w.null()),
            &|w| w.begin_object().and_then(|()| w.end_array()),
            &|w| w.begin_array().and_then(|()| w.end_object()),
            &|w| {
                w.begin_object()?;
                w.key("a")?;
                w.key("b")
            },
        ];
        for case in cases {
            assert_eq!(code(case), ErrorCode::InvalidArgument);
        }
        let mut w = Writer::new(&opts);
        w.begin_object().unwrap();
        w.key("a").unwrap();
        assert!(w.end_object().is_err());
    }

    #[test]
    fn depth_limit() {
        let opts = Options {
            max_depth: 2,
            ..Options::default()
        };
        let mut w = Writer::new(&opts);
        w.begin_array().unwrap();
        w.begin_array().unwrap();
        assert_eq!(w.begin_array().unwrap_err().code(), ErrorCode::TooDeep);
    }
}
