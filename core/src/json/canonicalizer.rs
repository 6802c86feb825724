//! The strict parser that writes canonical JSON as it reads.
//!
//! One pass, no tree: every value is written to the output as soon as it is
//! read, through the [`Writer`] that every canonical output goes through
//! (key order, duplicates, depth). Strings and numbers are decoded straight
//! into the writer's output. Nesting is tracked on the writer's explicit
//! stack, never on the call stack, so no input can overflow it.

use super::number::{exact_value, scan_literal, write_plain_decimal, Inexact};
use super::string::{needs_escape, plain_prefix_len, write_escape};
use super::writer::Writer;
use super::Options;
use crate::error::{Error, ErrorCode, Result};

pub(crate) fn canonicalize(src: &[u8], options: &Options, out: &mut Vec<u8>) -> Result<()> {
    // One fast check of the whole input (the usual case: it came from a
    // `&str`) spares checking each string's bytes as they are read.
    let check_strings = std::str::from_utf8(src).is_err();
    run(src, options, out, check_strings)
}

/// Canonical JSON of `src` as a `String`, checking UTF-8 in one pass where
/// it can: strict mode writes every byte of every string to the output
/// (lenient mode may drop a replaced duplicate's value), and non-ASCII
/// outside strings is a syntax error, so the one check that the output is
/// UTF-8 (needed for a `String`) covers the input. When it fails, the
/// input is read again with each string checked, for the exact refusal.
pub(crate) fn canonicalize_to_string(src: &[u8], options: &Options) -> Result<String> {
    if !options.lenient {
        let mut out = Vec::with_capacity(src.len());
        match run(src, options, &mut out, false) {
            Ok(()) => {
                if let Ok(text) = String::from_utf8(out) {
                    return Ok(text);
                }
            }
            Err(e) if std::str::from_utf8(src).is_ok() => return Err(e),
            Err(_) => {}
        }
    }
    let mut out = Vec::with_capacity(src.len());
    canonicalize(src, options, &mut out)?;
    // Checked: the canonicalizer writes only valid UTF-8 here.
    String::from_utf8(out)
        .map_err(|_| Error::new(ErrorCode::InvalidString, "invalid UTF-8 in the output"))
}

fn run(src: &[u8], options: &Options, out: &mut Vec<u8>, check_strings: bool) -> Result<()> {
    let mut canonicalizer = Canonicalizer {
        src,
        check_strings,
        pos: 0,
        w: Writer::appending_to(std::mem::take(out), options),
        lenient: options.lenient,
    };
    let result = canonicalizer.run();
    *out = canonicalizer.w.into_buffer();
    result
}

struct Canonicalizer<'a> {
    src: &'a [u8],
    /// Check that each string's bytes are UTF-8 (not needed when the whole
    /// input was checked, or the output will be).
    check_strings: bool,
    pos: usize,
    w: Writer,
    lenient: bool,
}

impl Canonicalizer<'_> {
    fn run(&mut self) -> Result<()> {
        self.skip_whitespace();
        'value: loop {
            match self.peek() {
                Some(b'{') => {
                    self.w.begin_object().map_err(|e| self.at(e))?;
                    self.pos += 1;
                    if self.eat(b'}') {
                        self.w.end_object()?;
                    } else {
                        self.key()?;
                        continue 'value;
                    }
                }
                Some(b'[') => {
                    self.w.begin_array().map_err(|e| self.at(e))?;
                    self.pos += 1;
                    if self.eat(b']') {
                        self.w.end_array()?;
                    } else {
                        continue 'value;
                    }
                }
                Some(b'"') => {
                    self.w.begin_value()?;
                    self.string()?;
                }
                Some(b't') => self.literal(b"true")?,
                Some(b'f') => self.literal(b"false")?,
                Some(b'n') => self.literal(b"null")?,
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(_) => return Err(self.syntax("unexpected character")),
                None => return Err(self.syntax("unexpected end of input")),
            }
            // A value is complete: continue its container, or close them.
            loop {
                self.skip_whitespace();
                let Some(object) = self.w.innermost_is_object() else {
                    if self.pos < self.src.len() {
                        return Err(self.syntax("unexpected text after the value"));
                    }
                    return Ok(());
                };
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_whitespace();
                        if object {
                            self.key()?;
                        }
                        continue 'value;
                    }
                    Some(b'}') if object => {
                        self.pos += 1;
                        self.w.end_object()?;
                    }
                    Some(b']') if !object => {
                        self.pos += 1;
                        self.w.end_array()?;
                    }
                    _ => return Err(self.syntax("expected ',' or the end of the container")),
                }
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        self.skip_whitespace();
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn syntax(&self, what: &str) -> Error {
        Error::new(
            ErrorCode::InvalidJson,
            format!("{what} at byte {}", self.pos),
        )
    }

    /// The writer's error, with where in the input it happened.
    fn at(&self, error: Error) -> Error {
        Error::new(
            error.code(),
            format!("{} at byte {}", error.message(), self.pos),
        )
    }

    /// A member's key, its `:` and the whitespace up to its value.
    fn key(&mut self) -> Result<()> {
        if self.peek() != Some(b'"') {
            return Err(self.syntax("expected a string key"));
        }
        self.w.begin_key()?;
        self.string()?;
        self.skip_whitespace();
        if self.peek() != Some(b':') {
            return Err(self.syntax("expected ':'"));
        }
        self.pos += 1;
        self.skip_whitespace();
        self.w.end_key().map_err(|e| self.at(e))
    }

    fn literal(&mut self, word: &[u8]) -> Result<()> {
        if self.src[self.pos..].starts_with(word) {
            self.w.begin_value()?;
            self.pos += word.len();
            self.w.out().extend_from_slice(word);
            Ok(())
        } else {
            Err(self.syntax("unexpected word"))
        }
    }

    fn number(&mut self) -> Result<()> {
        let start = self.pos;
        let Some(end) = scan_literal(self.src, start) else {
            return Err(self.syntax("malformed number"));
        };
        self.pos = end;
        let literal = &self.src[start..end];
        self.w.begin_value()?;
        let out = self.w.out();
        // Fast path: a plain decimal of few digits (most amounts).
        if write_plain_decimal(literal, out) {
            return Ok(());
        }
        // The literal is ASCII by construction.
        let text = std::str::from_utf8(literal).unwrap_or_default();
        let mut printed = ryu_js::Buffer::new();
        match exact_value(text, &mut printed) {
            Ok(value) => out.extend_from_slice(printed.format_finite(value).as_bytes()),
            Err(_) if !self.lenient => {
                return Err(Error::new(
                    ErrorCode::NumberOutOfRange,
                    format!("number at byte {start} would change when read by JavaScript"),
                ))
            }
            // JSON.stringify writes an infinity as null.
            Err(Inexact::Overflow) => out.extend_from_slice(b"null"),
            Err(Inexact::Changed(value)) => {
                out.extend_from_slice(printed.format_finite(value).as_bytes())
            }
        }
        Ok(())
    }

    /// A string: plain runs are copied as they are (with the quotes, so a
    /// string without escapes is one copy), escapes decoded and rewritten.
    fn string(&mut self) -> Result<()> {
        let mut pending = self.pos; // the opening quote, not yet copied
        self.pos += 1;
        loop {
            let run = self.pos;
            self.pos += plain_prefix_len(&self.src[run..]);
            // The run ends at an ASCII byte, so it never splits a character.
            let chunk = &self.src[run..self.pos];
            if self.check_strings && !chunk.is_ascii() && std::str::from_utf8(chunk).is_err() {
                return Err(Error::new(
                    ErrorCode::InvalidString,
                    format!("invalid UTF-8 in the string at byte {run}"),
                ));
            }
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    let plain = &self.src[pending..self.pos];
                    self.w.out().extend_from_slice(plain);
                    return Ok(());
                }
                Some(b'\\') => {
                    let plain = &self.src[pending..self.pos];
                    self.w.out().extend_from_slice(plain);
                    self.escape()?;
                    pending = self.pos;
                }
                Some(_) => return Err(self.syntax("unescaped control character in a string")),
                None => return Err(self.syntax("unterminated string")),
            }
        }
    }

    fn escape(&mut self) -> Result<()> {
        let at = self.pos;
        self.pos += 1; // the backslash
        let Some(b) = self.peek() else {
            return Err(self.syntax("unterminated escape"));
        };
        self.pos += 1;
        let decoded = match b {
            b'"' | b'\\' | b'/' => b,
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => return self.unicode_escape(at),
            _ => {
                self.pos = at;
                return Err(self.syntax("invalid escape"));
            }
        };
        if needs_escape(decoded) {
            write_escape(self.w.out(), decoded);
        } else {
            self.w.out().push(decoded);
        }
        Ok(())
    }

    /// `\uXXXX`, with a surrogate pair as one character; a lone surrogate
    /// is refused, since it has no UTF-8 form.
    fn unicode_escape(&mut self, at: usize) -> Result<()> {
        let unit = self.hex4()?;
        let code = match unit {
            0xD800..=0xDBFF => {
                if self.src[self.pos..].starts_with(b"\\u") {
                    self.pos += 2;
                    let low = self.hex4()?;
                    if !(0xDC00..=0xDFFF).contains(&low) {
                        return Err(lone_surrogate(at));
                    }
                    0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    return Err(lone_surrogate(at));
                }
            }
            0xDC00..=0xDFFF => return Err(lone_surrogate(at)),
            _ => unit,
        };
        let c = char::from_u32(code).ok_or_else(|| lone_surrogate(at))?;
        if c.is_ascii() && needs_escape(c as u8) {
            write_escape(self.w.out(), c as u8);
        } else {
            let mut buf = [0u8; 4];
            self.w
                .out()
                .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32> {
        let digits = self
            .src
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.syntax("truncated \\u escape"))?;
        let mut value = 0;
        for &d in digits {
            let v = (d as char)
                .to_digit(16)
                .ok_or_else(|| self.syntax("invalid \\u escape"))?;
            value = value * 16 + v;
        }
        self.pos += 4;
        Ok(value)
    }
}

fn lone_surrogate(at: usize) -> Error {
    Error::new(
        ErrorCode::InvalidString,
        format!("lone surrogate escape at byte {at}"),
    )
}
