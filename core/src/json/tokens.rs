//! Canonical JSON from a compact binary token stream.
//!
//! Bindings whose own JSON encoder depends on settings (PHP's
//! `json_encode` prints floats per `serialize_precision`) send their values
//! as tokens instead, and core writes the canonical text. One byte tags
//! each token; all integers are little-endian:
//!
//! | bytes                               | token                              |
//! |-------------------------------------|------------------------------------|
//! | `n`                                 | `null`                             |
//! | `t` / `f`                           | `true` / `false`                   |
//! | `i` + int64 (8 bytes)               | an integer, refused beyond ±2^53   |
//! | `d` + float64 (8 bytes, IEEE 754)   | a number; NaN and infinities refused |
//! | `s` + u32 length + UTF-8 bytes      | a string                           |
//! | `[` … `]`                           | an array of values                 |
//! | `{` … `}`                           | an object: `k` + u32 length + UTF-8 key bytes, then one value, per member |
//!
//! The stream holds exactly one value. A truncated or malformed stream is
//! `invalid_json` naming the byte offset; invalid UTF-8 is
//! `invalid_string`; an integer beyond ±2^53 or a non-finite float is
//! `number_out_of_range`; duplicate keys and nesting beyond the limit are
//! refused as in JSON text (lenient options: the last duplicate wins).
//!
//! ```
//! use paysig::json::{canonicalize_tokens, Options};
//!
//! let mut tokens = b"{k\x01\x00\x00\x00bi".to_vec();
//! tokens.extend_from_slice(&5i64.to_le_bytes());
//! tokens.extend_from_slice(b"k\x01\x00\x00\x001[n]}");
//! let canonical = canonicalize_tokens(&tokens, &Options::default())?;
//! assert_eq!(canonical.as_str(), r#"{"1":[null],"b":5}"#);
//! # Ok::<(), paysig::Error>(())
//! ```

use super::canonical::CanonicalJson;
use super::number::Number;
use super::writer::Writer;
use super::Options;
use crate::error::{Error, ErrorCode, Result};

/// Canonical JSON of the token stream `tokens` (format in the module docs).
pub fn canonicalize_tokens(tokens: &[u8], options: &Options) -> Result<CanonicalJson> {
    // The text is about as long as the stream; the stream is in memory
    // already, so this reserves nothing an attacker did not pay for.
    let mut w = Writer::with_capacity(options, tokens.len());
    let mut reader = Reader { tokens, pos: 0 };
    while let Some(tag) = reader.byte() {
        let at = reader.pos - 1;
        let event = match tag {
            b'n' => w.null(),
            b't' => w.bool(true),
            b'f' => w.bool(false),
            b'i' => {
                let value = i64::from_le_bytes(reader.array(at)?);
                Number::from_i64(value).and_then(|n| w.number(n))
            }
            b'd' => {
                let value = f64::from_le_bytes(reader.array(at)?);
                Number::from_f64(value).and_then(|n| w.number(n))
            }
            b's' => {
                let text = reader.text(at)?;
                w.string(text)
            }
            b'k' => {
                let text = reader.text(at)?;
                w.key(text)
            }
            b'[' => w.begin_array(),
            b']' => w.end_array(),
            b'{' => w.begin_object(),
            b'}' => w.end_object(),
            _ => return Err(malformed(at, "unknown token tag")),
        };
        event.map_err(|e| located(e, at))?;
    }
    w.finish().map_err(|e| located(e, tokens.len()))
}

struct Reader<'a> {
    tokens: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.tokens.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    fn take(&mut self, len: usize, at: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(len)
            .filter(|&end| end <= self.tokens.len())
            .ok_or_else(|| malformed(at, "truncated token"))?;
        let bytes = &self.tokens[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    fn array<const N: usize>(&mut self, at: usize) -> Result<[u8; N]> {
        let bytes = self.take(N, at)?;
        // `take` returned exactly N bytes.
        Ok(bytes.try_into().unwrap_or([0; N]))
    }

    /// A u32 length and that many bytes of UTF-8.
    fn text(&mut self, at: usize) -> Result<&'a str> {
        let len = u32::from_le_bytes(self.array(at)?);
        let bytes = self.take(usize::try_from(len).unwrap_or(usize::MAX), at)?;
        std::str::from_utf8(bytes).map_err(|_| {
            Error::new(
                ErrorCode::InvalidString,
                format!("invalid UTF-8 in the token at byte {at}"),
            )
        })
    }
}

fn malformed(at: usize, what: &str) -> Error {
    Error::new(
        ErrorCode::InvalidJson,
        format!("malformed token stream: {what} at byte {at}"),
    )
}

/// The writer refuses events out of order as a misuse; in a stream that is
/// a malformed stream. Other refusals keep their code.
fn located(error: Error, at: usize) -> Error {
    if error.code() == ErrorCode::InvalidArgument {
        let what = error
            .message()
            .strip_prefix("canonical JSON writer: ")
            .unwrap_or(error.message());
        return malformed(at, what);
    }
    Error::new(
        error.code(),
        format!("{} at byte {at} of the token stream", error.message()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(tag: u8, s: &str) -> Vec<u8> {
        let mut v = vec![tag];
        v.extend_from_slice(&u32::try_from(s.len()).unwrap().to_le_bytes());
        v.extend_from_slice(s.as_bytes());
        v
    }

    fn code(tokens: &[u8]) -> ErrorCode {
        canonicalize_tokens(tokens, &Options::default())
            .unwrap_err()
            .code()
    }

    #[test]
    fn matches_the_text_canonicalizer() {
        let mut t = vec![b'{'];
        t.extend(text(b'k', "b"));
        t.push(b'd');
        t.extend(1.5f64.to_le_bytes());
        t.extend(text(b'k', "10"));
        t.push(b'[');
        t.extend(b"ntf");
        t.push(b'i');
        t.extend((-12i64).to_le_bytes());
        t.extend(text(b's', "é\n\"/"));
        t.extend(b"[]{}]");
        t.extend(text(b'k', ""));
        t.push(b'd');
        t.extend(1e21f64.to_le_bytes());
        t.push(b'}');
        let json = r#"{"b":1.5,"10":[null,true,false,-12,"é\n\"/",[],{}],"":1e21}"#;
        let from_text = super::super::canonicalize(json).unwrap();
        let from_tokens = canonicalize_tokens(&t, &Options::default()).unwrap();
        assert_eq!(from_tokens.as_str(), from_text);
    }

    #[test]
    fn malformed_streams_are_refused() {
        assert_eq!(code(b""), ErrorCode::InvalidJson);
        assert_eq!(code(b"x"), ErrorCode::InvalidJson);
        assert_eq!(code(b"nn"), ErrorCode::InvalidJson);
        assert_eq!(code(b"["), ErrorCode::InvalidJson);
        assert_eq!(code(b"]"), ErrorCode::InvalidJson);
        assert_eq!(code(b"[}"), ErrorCode::InvalidJson);
        assert_eq!(code(b"{n}"), ErrorCode::InvalidJson);
        assert_eq!(code(b"i\x01\x02"), ErrorCode::InvalidJson);
        assert_eq!(code(b"d"), ErrorCode::InvalidJson);
        assert_eq!(code(b"s\x05\x00\x00\x00ab"), ErrorCode::InvalidJson);
        assert_eq!(code(b"s\xff\xff\xff\xff"), ErrorCode::InvalidJson);
        assert_eq!(code(b"s\x01\x00"), ErrorCode::InvalidJson);
        assert_eq!(code(&text(b'k', "a")), ErrorCode::InvalidJson);
        assert_eq!(code(b"s\x01\x00\x00\x00\xff"), ErrorCode::InvalidString);
        let mut big = vec![b'i'];
        big.extend(((1i64 << 53) + 1).to_le_bytes());
        assert_eq!(code(&big), ErrorCode::NumberOutOfRange);
        let mut nan = vec![b'd'];
        nan.extend(f64::NAN.to_le_bytes());
        assert_eq!(code(&nan), ErrorCode::NumberOutOfRange);
        let mut dup = vec![b'{'];
        dup.extend(text(b'k', "a"));
        dup.push(b'n');
        dup.extend(text(b'k', "a"));
        dup.extend(b"n}");
        assert_eq!(code(&dup), ErrorCode::DuplicateKey);
        assert_eq!(code(&[b'['; 129]), ErrorCode::TooDeep);
        let err = canonicalize_tokens(b"[nx]", &Options::default()).unwrap_err();
        assert!(err.message().contains("at byte 2"), "{}", err.message());
    }
}
