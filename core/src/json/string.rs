//! Strings as `JSON.stringify` writes them: only `"`, `\` and the controls
//! U+0000–U+001F are escaped; everything else is raw UTF-8.

/// Does this byte need an escape in JavaScript's output?
#[inline]
pub(crate) fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Appends the escape sequence for one character that needs one.
pub(crate) fn write_escape(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match b {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        0x08 => out.extend_from_slice(b"\\b"),
        0x0c => out.extend_from_slice(b"\\f"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        _ => out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(b >> 4)],
            HEX[usize::from(b & 0xf)],
        ]),
    }
}

/// Appends `s` quoted as `JSON.stringify(s)` does.
pub fn write_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    write_unquoted(out, s.as_bytes());
    out.push(b'"');
}

/// Appends valid UTF-8 `bytes` escaped, without quotes.
pub(crate) fn write_unquoted(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if needs_escape(b) {
            out.extend_from_slice(&bytes[run..i]);
            write_escape(out, b);
            run = i + 1;
        }
    }
    out.extend_from_slice(&bytes[run..]);
}

/// `s` quoted as `JSON.stringify(s)` does.
pub fn quote(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len() + 2);
    write_string(&mut out, s);
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn escapes_only_what_javascript_escapes() {
        assert_eq!(quote("a/b"), r#""a/b""#);
        assert_eq!(quote("q\"b\\"), r#""q\"b\\""#);
        assert_eq!(quote("\u{8}\u{c}\n\r\t"), r#""\b\f\n\r\t""#);
        assert_eq!(quote("\u{0}\u{1f}\u{7f}"), "\"\\u0000\\u001f\u{7f}\"");
        assert_eq!(quote("\u{2028}é😀"), "\"\u{2028}é😀\"");
    }
}
