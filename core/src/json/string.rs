//! Strings as `JSON.stringify` writes them: only `"`, `\` and the controls
//! U+0000–U+001F are escaped; everything else is raw UTF-8.

/// Does this byte need an escape in JavaScript's output?
#[inline]
pub(crate) fn needs_escape(b: u8) -> bool {
    NEEDS_ESCAPE[usize::from(b)]
}

/// [`needs_escape`] as a table: one load per byte instead of three tests.
static NEEDS_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = b < 0x20 || b == b'"' as usize || b == b'\\' as usize;
        b += 1;
    }
    table
};

/// How many bytes at the start of `bytes` need no escape: where a plain
/// run of string content ends.
///
/// Strings are mostly plain, so this tests eight bytes at a time with the
/// classic bit tricks (<https://graphics.stanford.edu/~seander/bithacks.html#HasLessInWord>):
/// `x - 0x0101… & !x & 0x8080…` sets the high bit of a byte of `x` that is
/// zero, and `x - 0x2020… & !x & 0x8080…` of one below 0x20. A borrow can
/// also flag bytes *above* a true hit, never below, so in a little-endian
/// word the lowest flag is exact and `trailing_zeros` finds its byte.
#[inline]
pub(crate) fn plain_prefix_len(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = ONES * 0x80;
    let zero_bytes = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut plain = 0;
    for chunk in bytes.chunks_exact(8) {
        // `chunks_exact(8)` only yields 8 bytes; the fallback is unreachable.
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let flags = (word.wrapping_sub(ONES * 0x20) & !word & HIGHS)
            | zero_bytes(word ^ (ONES * u64::from(b'"')))
            | zero_bytes(word ^ (ONES * u64::from(b'\\')));
        if flags != 0 {
            return plain + flags.trailing_zeros() as usize / 8;
        }
        plain += 8;
    }
    // The last few bytes, one at a time.
    let tail = &bytes[plain..];
    plain
        + tail
            .iter()
            .position(|&b| needs_escape(b))
            .unwrap_or(tail.len())
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
    // Room for the common case, a string with nothing to escape.
    out.reserve(s.len() + 2);
    out.push(b'"');
    write_unquoted(out, s.as_bytes());
    out.push(b'"');
}

/// Appends valid UTF-8 `bytes` escaped, without quotes.
pub(crate) fn write_unquoted(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut rest = bytes;
    loop {
        let plain = plain_prefix_len(rest);
        out.extend_from_slice(&rest[..plain]);
        let Some((&b, after)) = rest[plain..].split_first() else {
            return;
        };
        write_escape(out, b);
        rest = after;
    }
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
    fn plain_prefix_matches_a_byte_by_byte_scan() {
        use super::{needs_escape, plain_prefix_len};
        let naive = |b: &[u8]| b.iter().position(|&c| needs_escape(c)).unwrap_or(b.len());
        // Every byte value at every position of strings up to 20 bytes,
        // over a background of plain, non-ASCII and high bytes.
        for background in [b'a', 0x80, 0xff, 0x7f, b' ', b'!', b'#', b'['] {
            for len in 0..20 {
                for at in 0..len {
                    for special in 0..=255u8 {
                        let mut bytes = vec![background; len];
                        bytes[at] = special;
                        assert_eq!(plain_prefix_len(&bytes), naive(&bytes), "{bytes:?}");
                    }
                }
                let plain = vec![background; len];
                assert_eq!(plain_prefix_len(&plain), naive(&plain));
            }
        }
        let mixed = "héllo wörld \"quoted\" \u{1} 😀 tab\t end".as_bytes();
        for start in 0..mixed.len() {
            assert_eq!(plain_prefix_len(&mixed[start..]), naive(&mixed[start..]));
        }
    }

    #[test]
    fn escapes_only_what_javascript_escapes() {
        assert_eq!(quote("a/b"), r#""a/b""#);
        assert_eq!(quote("q\"b\\"), r#""q\"b\\""#);
        assert_eq!(quote("\u{8}\u{c}\n\r\t"), r#""\b\f\n\r\t""#);
        assert_eq!(quote("\u{0}\u{1f}\u{7f}"), "\"\\u0000\\u001f\u{7f}\"");
        assert_eq!(quote("\u{2028}é😀"), "\"\u{2028}é😀\"");
    }
}
