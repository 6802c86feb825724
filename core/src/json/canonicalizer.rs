//! The strict parser that writes canonical JSON as it reads.
//!
//! One pass, no tree: every value is written to the output as soon as it is
//! read. Objects remember where each member's key and value landed in the
//! output, so the rare object that JavaScript would reorder (array-index
//! keys) or that holds a duplicate key (lenient mode) is rearranged in place
//! when it closes. Nesting is tracked on an explicit stack, never on the
//! call stack, so no input can overflow it.

use super::number::{exact_value, scan_literal, write_plain_decimal, Inexact};
use super::object::{array_index, javascript_order, DuplicateFinder};
use super::string::{needs_escape, plain_prefix_len, write_escape};
use super::Options;
use crate::error::{Error, ErrorCode, Result};

pub(crate) fn canonicalize(src: &[u8], options: &Options, out: &mut Vec<u8>) -> Result<()> {
    Canonicalizer {
        src,
        // One fast check of the whole input (the usual case: it came from
        // a `&str`) spares checking each string's bytes as they are read.
        src_is_utf8: std::str::from_utf8(src).is_ok(),
        pos: 0,
        out,
        options,
        // Room for a typical request body, so small ones never regrow.
        frames: Vec::with_capacity(8),
        members: Vec::with_capacity(16),
    }
    .run()
}

struct Canonicalizer<'a, 'o> {
    src: &'a [u8],
    /// The whole input is valid UTF-8, so strings need no check of their own.
    src_is_utf8: bool,
    pos: usize,
    out: &'o mut Vec<u8>,
    options: &'a Options,
    frames: Vec<Frame>,
    /// Members of every open object, innermost last.
    members: Vec<Member>,
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

/// One member of an open object, as byte offsets into the output:
/// `"key"` is `start..colon`, the value `colon + 1..end`.
struct Member {
    start: usize,
    colon: usize,
    end: usize,
    index: Option<u32>,
    /// Lenient mode: a later member with the same key replaced this value.
    replaced_by: Option<usize>,
    /// Lenient mode: this member repeats an earlier key.
    repeat: bool,
}

impl Canonicalizer<'_, '_> {
    fn run(mut self) -> Result<()> {
        self.skip_whitespace();
        'value: loop {
            match self.peek() {
                Some(b'{') => {
                    self.open(true)?;
                    if self.eat(b'}') {
                        self.close();
                    } else {
                        self.begin_member()?;
                        continue 'value;
                    }
                }
                Some(b'[') => {
                    self.open(false)?;
                    if self.eat(b']') {
                        self.close();
                    } else {
                        continue 'value;
                    }
                }
                Some(b'"') => self.string()?,
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
                let Some(frame) = self.frames.last() else {
                    if self.pos < self.src.len() {
                        return Err(self.syntax("unexpected text after the value"));
                    }
                    return Ok(());
                };
                let object = frame.object;
                if object {
                    self.end_member();
                }
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.out.push(b',');
                        self.skip_whitespace();
                        if object {
                            self.begin_member()?;
                        }
                        continue 'value;
                    }
                    Some(b'}') if object => {
                        self.pos += 1;
                        self.close_object()?;
                    }
                    Some(b']') if !object => {
                        self.pos += 1;
                        self.close();
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

    fn open(&mut self, object: bool) -> Result<()> {
        if self.frames.len() >= self.options.max_depth {
            return Err(Error::new(
                ErrorCode::TooDeep,
                format!(
                    "nesting deeper than {} at byte {}",
                    self.options.max_depth, self.pos
                ),
            ));
        }
        self.frames.push(Frame {
            object,
            start: self.out.len(),
            first_member: self.members.len(),
            rearrange: false,
            duplicates: DuplicateFinder::default(),
        });
        self.out.push(self.src[self.pos]);
        self.pos += 1;
        Ok(())
    }

    /// Closes an array or an empty object.
    fn close(&mut self) {
        if let Some(frame) = self.frames.pop() {
            self.out.push(if frame.object { b'}' } else { b']' });
        }
    }

    fn begin_member(&mut self) -> Result<()> {
        if self.peek() != Some(b'"') {
            return Err(self.syntax("expected a string key"));
        }
        let start = self.out.len();
        self.string()?;
        let colon = self.out.len();
        self.skip_whitespace();
        if self.peek() != Some(b':') {
            return Err(self.syntax("expected ':'"));
        }
        self.pos += 1;
        self.out.push(b':');
        self.skip_whitespace();

        let key = &self.out[start + 1..colon - 1];
        let index = array_index(key);
        let Some(frame) = self.frames.last_mut() else {
            return Err(self.syntax("key outside an object"));
        };
        let first = frame.first_member;
        let out: &[u8] = self.out;
        let earlier = self.members[first..]
            .iter()
            .map(|m| &out[m.start + 1..m.colon - 1]);
        let mut repeat = false;
        if let Some(found) = frame.duplicates.find(key, earlier) {
            if !self.options.lenient {
                return Err(Error::new(
                    ErrorCode::DuplicateKey,
                    format!("duplicate key at byte {}", self.pos),
                ));
            }
            // JSON.parse keeps the first position and the last value.
            let position = if found == usize::MAX {
                self.members[first..]
                    .iter()
                    .position(|m| !m.repeat && out[m.start..m.colon] == out[start..colon])
                    .unwrap_or(0)
            } else {
                found
            };
            let replaced = first + position;
            let this = self.members.len();
            let mut target = replaced;
            while let Some(next) = self.members[target].replaced_by {
                target = next;
            }
            self.members[target].replaced_by = Some(this);
            repeat = true;
            frame.rearrange = true;
        }
        if index.is_some() {
            frame.rearrange = true;
        }
        self.members.push(Member {
            start,
            colon,
            end: 0,
            index,
            replaced_by: None,
            repeat,
        });
        Ok(())
    }

    fn end_member(&mut self) {
        if let Some(member) = self.members.last_mut() {
            if member.end == 0 {
                member.end = self.out.len();
            }
        }
    }

    fn close_object(&mut self) -> Result<()> {
        let Some(frame) = self.frames.pop() else {
            return Err(self.syntax("unbalanced '}'"));
        };
        if frame.rearrange {
            self.rearrange(&frame);
        }
        self.members.truncate(frame.first_member);
        self.out.push(b'}');
        Ok(())
    }

    /// Rewrites the object's members (from just after its `{`) in
    /// JavaScript's order, each duplicate key at its first position with
    /// its last value.
    fn rearrange(&mut self, frame: &Frame) {
        let members = &self.members[frame.first_member..];
        let kept: Vec<&Member> = members.iter().filter(|m| !m.repeat).collect();
        let indices: Vec<Option<u32>> = kept.iter().map(|m| m.index).collect();
        let mut rewritten = Vec::with_capacity(self.out.len() - frame.start);
        for (n, &i) in javascript_order(&indices).iter().enumerate() {
            if n > 0 {
                rewritten.push(b',');
            }
            let member = kept[i];
            let mut value_from = member;
            while let Some(next) = value_from.replaced_by {
                value_from = &self.members[next];
            }
            rewritten.extend_from_slice(&self.out[member.start..=member.colon]);
            rewritten.extend_from_slice(&self.out[value_from.colon + 1..value_from.end]);
        }
        self.out.truncate(frame.start + 1);
        self.out.extend_from_slice(&rewritten);
    }

    fn literal(&mut self, word: &[u8]) -> Result<()> {
        if self.src[self.pos..].starts_with(word) {
            self.pos += word.len();
            self.out.extend_from_slice(word);
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
        // Fast path: a plain decimal of few digits (most amounts).
        if write_plain_decimal(literal, self.out) {
            return Ok(());
        }
        // The literal is ASCII by construction.
        let text = std::str::from_utf8(literal).unwrap_or_default();
        let mut printed = ryu_js::Buffer::new();
        match exact_value(text, &mut printed) {
            Ok(value) => self
                .out
                .extend_from_slice(printed.format_finite(value).as_bytes()),
            Err(_) if !self.options.lenient => {
                return Err(Error::new(
                    ErrorCode::NumberOutOfRange,
                    format!("number at byte {start} would change when read by JavaScript"),
                ))
            }
            // JSON.stringify writes an infinity as null.
            Err(Inexact::Overflow) => self.out.extend_from_slice(b"null"),
            Err(Inexact::Changed(value)) => self
                .out
                .extend_from_slice(printed.format_finite(value).as_bytes()),
        }
        Ok(())
    }

    fn string(&mut self) -> Result<()> {
        self.pos += 1; // the opening quote
        self.out.push(b'"');
        loop {
            let run = self.pos;
            self.pos += plain_prefix_len(&self.src[run..]);
            // The run ends at an ASCII byte, so it never splits a character.
            let chunk = &self.src[run..self.pos];
            if !self.src_is_utf8 && !chunk.is_ascii() && std::str::from_utf8(chunk).is_err() {
                return Err(Error::new(
                    ErrorCode::InvalidString,
                    format!("invalid UTF-8 in the string at byte {run}"),
                ));
            }
            self.out.extend_from_slice(chunk);
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    self.out.push(b'"');
                    return Ok(());
                }
                Some(b'\\') => self.escape()?,
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
            write_escape(self.out, decoded);
        } else {
            self.out.push(decoded);
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
            write_escape(self.out, c as u8);
        } else {
            let mut buf = [0u8; 4];
            self.out
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
