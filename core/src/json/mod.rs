//! Canonical JSON: exactly the bytes of JavaScript's
//! `JSON.stringify(JSON.parse(text))`.
//!
//! - no whitespace; object keys in JavaScript property order: array-index
//!   keys (`"0"` … `"4294967294"`) first, ascending, then the rest as
//!   inserted;
//! - strings escape only `"`, `\` and U+0000–U+001F (`\b \f \n \r \t` by
//!   name, the rest as `\u00xx`); `/`, U+2028 and all non-ASCII stay raw;
//! - numbers as ECMAScript `Number::toString` prints the double (`1e+21`,
//!   `1e-7`, `0.000001`, `-0` → `0`).
//!
//! The parser is strict by default. Each refusal has its own code:
//! `invalid_json` (not RFC 8259 JSON), `number_out_of_range` (the literal's
//! exact decimal value differs from the value JavaScript would print: a
//! payment amount must not change silently), `duplicate_key`,
//! `invalid_string` (a lone surrogate or invalid UTF-8) and `too_deep`.
//!
//! [`Options::lenient`] instead behaves as `JSON.parse` followed by
//! `JSON.stringify`: the last of duplicate keys wins at the first key's
//! position, numbers are rounded as JavaScript rounds them (an overflow
//! becomes `null`). Lone surrogates are refused even then: they have no
//! UTF-8 form.
//!
//! ```
//! let text = r#"{ "url": "https:\/\/x.io", "b": 1.0, "2": [1e21] }"#;
//! assert_eq!(
//!     paysig::json::canonicalize(text).unwrap(),
//!     r#"{"2":[1e+21],"url":"https://x.io","b":1}"#
//! );
//! ```

mod canonical;
mod canonicalizer;
mod members;
mod number;
mod object;
mod string;
mod tokens;
mod value;
mod writer;

pub use canonical::CanonicalJson;
pub use members::{find_member, unquote};
pub use number::Number;
pub use string::{quote, write_string};
pub use tokens::canonicalize_tokens;
pub use value::Value;
pub use writer::Writer;

use crate::error::Result;

/// The default nesting limit: deep enough for any real request body.
pub const DEFAULT_MAX_DEPTH: usize = 128;

/// How to parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Containers nested deeper than this are refused with `too_deep`.
    pub max_depth: usize,
    /// Behave as `JSON.parse` + `JSON.stringify` instead of refusing
    /// duplicate keys and numbers JavaScript would change.
    pub lenient: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_depth: DEFAULT_MAX_DEPTH,
            lenient: false,
        }
    }
}

impl Options {
    /// The lenient options: JavaScript's own reading of the text.
    pub fn lenient() -> Options {
        Options {
            lenient: true,
            ..Options::default()
        }
    }
}

/// Canonical JSON of `text`, strict, with the default depth limit.
pub fn canonicalize(text: &str) -> Result<String> {
    canonicalize_with(text.as_bytes(), &Options::default())
}

/// Canonical JSON of `input`, which may be any bytes: invalid UTF-8 inside
/// a string is `invalid_string`, elsewhere `invalid_json`.
pub fn canonicalize_with(input: &[u8], options: &Options) -> Result<String> {
    canonicalizer::canonicalize_to_string(input, options)
}

/// Appends canonical JSON of `input` to `out` (which is left with partial
/// output on error).
pub fn canonicalize_into(input: &[u8], options: &Options, out: &mut Vec<u8>) -> Result<()> {
    canonicalizer::canonicalize(input, options, out)
}

/// Appends a finite number as ECMAScript `Number::toString` writes it.
pub fn write_number(out: &mut Vec<u8>, number: Number) {
    number::write_f64(out, number.as_f64());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn code(text: &str) -> ErrorCode {
        canonicalize(text).unwrap_err().code()
    }

    #[test]
    fn canonical_forms() {
        for (input, expected) in [
            (
                " { \"b\" : 1 , \"a\" : [ true, false, null ] } ",
                r#"{"b":1,"a":[true,false,null]}"#,
            ),
            (
                r#"{"b":1,"10":2,"a":3,"2":4,"01":5,"4294967295":6,"4294967294":7}"#,
                r#"{"2":4,"10":2,"4294967294":7,"b":1,"a":3,"01":5,"4294967295":6}"#,
            ),
            (
                r#"{"x":{"1":1,"0":0},"\u0030":[{"b":[],"a":{}}]}"#,
                r#"{"0":[{"b":[],"a":{}}],"x":{"0":0,"1":1}}"#,
            ),
            (
                r#""\ud83d\ude00\u2028\/\u007f\u00e9""#,
                "\"😀\u{2028}/\u{7f}é\"",
            ),
            (r#""\u0000\u001F\b\t""#, r#""\u0000\u001f\b\t""#),
            (
                "[-0, 1.50, 1E2, 1e21, 0.0000001, -12]",
                "[0,1.5,100,1e+21,1e-7,-12]",
            ),
            ("\"\"", "\"\""),
            ("{}", "{}"),
        ] {
            assert_eq!(canonicalize(input).unwrap(), expected, "{input}");
        }
    }

    #[test]
    fn refusals_have_their_own_codes() {
        assert_eq!(code(""), ErrorCode::InvalidJson);
        assert_eq!(code("[1,]"), ErrorCode::InvalidJson);
        assert_eq!(code("{'a':1}"), ErrorCode::InvalidJson);
        assert_eq!(code("[NaN]"), ErrorCode::InvalidJson);
        assert_eq!(code("1 2"), ErrorCode::InvalidJson);
        assert_eq!(code("\"a\tb\""), ErrorCode::InvalidJson);
        assert_eq!(code("\u{feff}{}"), ErrorCode::InvalidJson);
        assert_eq!(code("[9007199254740993]"), ErrorCode::NumberOutOfRange);
        assert_eq!(code(r#"{"a":1,"a":2}"#), ErrorCode::DuplicateKey);
        assert_eq!(code(r#"{"a":1,"\u0061":2}"#), ErrorCode::DuplicateKey);
        assert_eq!(code(r#"["\ud800"]"#), ErrorCode::InvalidString);
        assert_eq!(code(r#"["\udc00\ud800"]"#), ErrorCode::InvalidString);
        assert_eq!(code(&"[".repeat(129)), ErrorCode::TooDeep);
        let bad_utf8 = canonicalize_with(b"[\"\xff\"]", &Options::default());
        assert_eq!(bad_utf8.unwrap_err().code(), ErrorCode::InvalidString);
        let outside = canonicalize_with(b"[\xff]", &Options::default());
        assert_eq!(outside.unwrap_err().code(), ErrorCode::InvalidJson);
        // The first refusal in reading order, whichever way UTF-8 is checked.
        for options in [Options::default(), Options::lenient()] {
            let then_syntax = canonicalize_with(b"[\"\xc3\", 1 2]", &options);
            assert_eq!(then_syntax.unwrap_err().code(), ErrorCode::InvalidString);
            let after_syntax = canonicalize_with(b"[1 2, \"\xff\"]", &options);
            assert_eq!(after_syntax.unwrap_err().code(), ErrorCode::InvalidJson);
            let split = canonicalize_with(b"[\"\xc3\\u00a9\"]", &options);
            assert_eq!(split.unwrap_err().code(), ErrorCode::InvalidString);
        }
        // A replaced duplicate's value is still read, and refused.
        let dropped = canonicalize_with(b"{\"a\":\"\xff\",\"a\":1}", &Options::lenient());
        assert_eq!(dropped.unwrap_err().code(), ErrorCode::InvalidString);
    }

    #[test]
    fn depth_limit_is_inclusive_and_configurable() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(canonicalize(&nested(128)).is_ok());
        assert_eq!(code(&nested(129)), ErrorCode::TooDeep);
        let shallow = Options {
            max_depth: 2,
            ..Options::default()
        };
        assert!(canonicalize_with(b"[[]]", &shallow).is_ok());
        assert!(canonicalize_with(b"[[[]]]", &shallow).is_err());
        // A million open brackets: refused, not a stack overflow.
        assert_eq!(code(&"[".repeat(1_000_000)), ErrorCode::TooDeep);
    }

    #[test]
    fn lenient_mode_reads_as_javascript_does() {
        let lenient = |t: &str| canonicalize_with(t.as_bytes(), &Options::lenient()).unwrap();
        assert_eq!(lenient(r#"{"a":1,"b":2,"a":3,"a":4}"#), r#"{"a":4,"b":2}"#);
        assert_eq!(
            lenient(r#"{"a":{"x":1},"1":0,"a":[5]}"#),
            r#"{"1":0,"a":[5]}"#
        );
        assert_eq!(
            lenient("[9007199254740993, 1e400, -1e400, 1e-400]"),
            "[9007199254740992,null,null,0]"
        );
        let lone = canonicalize_with(br#""\ud800""#, &Options::lenient());
        assert_eq!(lone.unwrap_err().code(), ErrorCode::InvalidString);
    }

    #[test]
    fn large_objects_stay_linear_and_catch_duplicates() {
        let mut text = String::from("{");
        for i in 0..50_000 {
            text.push_str(&format!("\"k{i}\":{i},"));
        }
        text.push_str("\"k17\":0}");
        assert_eq!(code(&text), ErrorCode::DuplicateKey);
    }

    #[test]
    fn values_serialize_like_text() {
        let value = Value::Object(vec![
            ("b".into(), Value::Number(Number::from_f64(1.0).unwrap())),
            (
                "1".into(),
                Value::Array(vec![Value::Null, Value::Bool(true), "a/é".into()]),
            ),
        ]);
        assert_eq!(
            value.to_canonical().unwrap(),
            r#"{"1":[null,true,"a/é"],"b":1}"#
        );
        let dup = Value::Object(vec![("a".into(), Value::Null), ("a".into(), Value::Null)]);
        assert_eq!(
            dup.to_canonical().unwrap_err().code(),
            ErrorCode::DuplicateKey
        );
        let mut deep = Value::Null;
        for _ in 0..129 {
            deep = Value::Array(vec![deep]);
        }
        assert_eq!(deep.to_canonical().unwrap_err().code(), ErrorCode::TooDeep);
    }
}
