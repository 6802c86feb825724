//! Reading the top-level members of an already canonical JSON object.
//!
//! Schemes need one member of a canonical body (OnchainPay's `nonce`,
//! RemitQuickly's `body` and `timestamp`). Canonical text has no whitespace
//! and only a handful of escapes, so finding a member is a short scan, not a
//! second parser.

use std::ops::Range;

/// The byte range of the value of top-level member `key` in `canonical`,
/// which must be canonical JSON (as this crate writes it). `None` when the
/// text is not an object or has no such member.
pub fn find_member(canonical: &str, key: &str) -> Option<Range<usize>> {
    let bytes = canonical.as_bytes();
    if bytes.first() != Some(&b'{') {
        return None;
    }
    let mut quoted = Vec::with_capacity(key.len() + 2);
    super::string::write_string(&mut quoted, key);
    let mut pos = 1;
    while pos < bytes.len() && bytes[pos] == b'"' {
        let key_end = skip_value(bytes, pos)?;
        let value_start = key_end + 1; // past ':'
        let value_end = skip_value(bytes, value_start)?;
        if bytes[pos..key_end] == quoted[..] {
            return Some(value_start..value_end);
        }
        pos = value_end + 1; // past ',' or '}'
    }
    None
}

/// The end of the canonical value starting at `pos`.
fn skip_value(bytes: &[u8], pos: usize) -> Option<usize> {
    match *bytes.get(pos)? {
        b'"' => skip_string(bytes, pos),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = pos;
            loop {
                match *bytes.get(i)? {
                    b'"' => {
                        i = skip_string(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let len = bytes[pos..]
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']' | b':'))?;
            Some(pos + len)
        }
    }
}

/// The end of the canonical string literal starting at `pos`.
fn skip_string(bytes: &[u8], pos: usize) -> Option<usize> {
    let mut i = pos + 1;
    loop {
        match *bytes.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
}

/// The text of a canonical JSON string literal (with its quotes), or `None`
/// when `literal` is not one.
pub fn unquote(literal: &str) -> Option<String> {
    let inner = literal.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            '"' => '"',
            '\\' => '\\',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
            }
            _ => return None,
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_top_level_members_only() {
        let text = r#"{"a":{"nonce":1},"b":[1,"x,y}"],"nonce":42,"c":"q\"}"}"#;
        assert_eq!(&text[find_member(text, "nonce").unwrap()], "42");
        assert_eq!(&text[find_member(text, "a").unwrap()], r#"{"nonce":1}"#);
        assert_eq!(&text[find_member(text, "b").unwrap()], r#"[1,"x,y}"]"#);
        assert_eq!(&text[find_member(text, "c").unwrap()], r#""q\"}""#);
        assert_eq!(find_member(text, "d"), None);
        assert_eq!(find_member("[1]", "a"), None);
        assert_eq!(find_member("{}", "a"), None);
    }

    #[test]
    fn unquotes_canonical_strings() {
        assert_eq!(unquote(r#""a\"b\\c\n\u001f""#).unwrap(), "a\"b\\c\n\u{1f}");
        assert_eq!(unquote("\"é\""), Some("é".into()));
        assert_eq!(unquote("12"), None);
    }
}
