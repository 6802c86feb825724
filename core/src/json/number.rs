//! Numbers: the JSON literal grammar, ECMAScript `Number::toString`, and the
//! rule that refuses a literal JavaScript would silently change.

use crate::error::{Error, ErrorCode, Result};

/// A JSON number as JavaScript holds it: a finite double.
///
/// Constructors refuse what JavaScript cannot represent exactly, so a
/// `Number` always prints back as the value it was made from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Number(f64);

/// 2^53: beyond it, not every integer has a double.
const MAX_SAFE: u64 = 1 << 53;

impl Number {
    /// Any finite double (every double is exactly itself).
    pub fn from_f64(value: f64) -> Result<Number> {
        if value.is_finite() {
            Ok(Number(value))
        } else {
            Err(out_of_range("NaN and infinities have no JSON form"))
        }
    }

    /// An integer; refused beyond ±2^53, where doubles skip integers.
    pub fn from_i64(value: i64) -> Result<Number> {
        if value.unsigned_abs() <= MAX_SAFE {
            Ok(Number(value as f64))
        } else {
            Err(out_of_range(
                "integer beyond 2^53 would change in JavaScript",
            ))
        }
    }

    /// An unsigned integer; refused beyond 2^53.
    pub fn from_u64(value: u64) -> Result<Number> {
        if value <= MAX_SAFE {
            Ok(Number(value as f64))
        } else {
            Err(out_of_range(
                "integer beyond 2^53 would change in JavaScript",
            ))
        }
    }

    /// A decimal literal in JSON's grammar (`-12.5e3`), refused with
    /// `number_out_of_range` when its exact decimal value differs from what
    /// JavaScript would print for it, and `invalid_json` when it is not a
    /// JSON number.
    pub fn parse(literal: &str) -> Result<Number> {
        let bytes = literal.as_bytes();
        if scan_literal(bytes, 0) != Some(bytes.len()) {
            return Err(Error::new(
                ErrorCode::InvalidJson,
                "not a JSON number literal",
            ));
        }
        let mut printed = ryu_js::Buffer::new();
        match exact_value(literal, &mut printed) {
            Ok(value) => Ok(Number(value)),
            Err(Inexact::Overflow) => Err(out_of_range("number overflows a double")),
            Err(Inexact::Changed(_)) => {
                Err(out_of_range("number would change when read by JavaScript"))
            }
        }
    }

    /// The double.
    pub fn as_f64(self) -> f64 {
        self.0
    }
}

pub(crate) fn out_of_range(message: &str) -> Error {
    Error::new(ErrorCode::NumberOutOfRange, message)
}

/// Why a literal cannot be written as JavaScript would read it.
pub(crate) enum Inexact {
    /// The literal overflows to an infinity.
    Overflow,
    /// JavaScript would read a different value; carries that value.
    Changed(f64),
}

/// Scans a JSON number literal starting at `start`; returns its end, or
/// `None` when the bytes there are not a number.
pub(crate) fn scan_literal(src: &[u8], start: usize) -> Option<usize> {
    let mut pos = start;
    if src.get(pos) == Some(&b'-') {
        pos += 1;
    }
    match src.get(pos) {
        Some(b'0') => pos += 1,
        Some(b'1'..=b'9') => pos = skip_digits(src, pos + 1),
        _ => return None,
    }
    if src.get(pos) == Some(&b'.') {
        let end = skip_digits(src, pos + 1);
        if end == pos + 1 {
            return None;
        }
        pos = end;
    }
    if matches!(src.get(pos), Some(b'e' | b'E')) {
        pos += 1;
        if matches!(src.get(pos), Some(b'+' | b'-')) {
            pos += 1;
        }
        let end = skip_digits(src, pos);
        if end == pos {
            return None;
        }
        pos = end;
    }
    Some(pos)
}

fn skip_digits(src: &[u8], mut pos: usize) -> usize {
    while src.get(pos).is_some_and(u8::is_ascii_digit) {
        pos += 1;
    }
    pos
}

/// Reads a valid literal as JavaScript does and checks that the text
/// JavaScript would print for it has the literal's exact decimal value.
/// On success `printed` holds that text.
pub(crate) fn exact_value(literal: &str, printed: &mut ryu_js::Buffer) -> Result<f64, Inexact> {
    // Rust's float parsing is correctly rounded, as ECMAScript requires.
    let value: f64 = literal.parse().unwrap_or(f64::NAN);
    if !value.is_finite() {
        return Err(Inexact::Overflow);
    }
    if Decimal::of(literal) == Decimal::of(printed.format_finite(value)) {
        Ok(value)
    } else {
        Err(Inexact::Changed(value))
    }
}

/// Fast path for the common literal: a plain decimal such as `12.50`,
/// `-3` or `0.000125`. Writes JavaScript's output for it and returns
/// `true`, or writes nothing and returns `false` when the literal is not
/// of that simple kind (the caller then takes the general path).
///
/// Why this is exact: a decimal of at most 15 significant digits survives
/// the round trip through a double (15 is `f64::DIGITS`), so no other
/// decimal of at most 15 digits reads as the same double. JavaScript prints
/// the shortest decimal that reads back as the double, and the literal
/// itself is a candidate, so what it prints has the literal's value. For
/// magnitudes from 1e-6 up to 1e21 it prints that value positionally: the
/// literal minus its sign on zero and its trailing fractional zeros.
pub(crate) fn write_plain_decimal(literal: &[u8], out: &mut Vec<u8>) -> bool {
    let (negative, unsigned) = match literal.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, literal),
    };
    let point = unsigned.iter().position(|&b| b == b'.');
    let (int_part, fraction) = match point {
        Some(p) => (&unsigned[..p], &unsigned[p + 1..]),
        None => (unsigned, &[][..]),
    };
    // Digits only (no exponent), and the integer part short enough that
    // the value stays below 1e15, far from the exponent form at 1e21.
    if int_part.is_empty()
        || int_part.len() > 15
        || !int_part.iter().all(u8::is_ascii_digit)
        || !fraction.iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    let fraction = &fraction[..fraction.len() - trailing_zeros(fraction)];
    let zero_int = int_part == b"0";
    if zero_int {
        let leading = fraction.iter().take_while(|&&b| b == b'0').count();
        if fraction.is_empty() {
            out.push(b'0'); // `-0`, `0.000`: JavaScript prints 0
            return true;
        }
        // Below 1e-6 JavaScript switches to `1e-7`; the general path does it.
        if leading > 5 || fraction.len() - leading > 15 {
            return false;
        }
    } else if int_part.len() + fraction.len() > 15 {
        return false;
    }
    if negative {
        out.push(b'-');
    }
    out.extend_from_slice(int_part);
    if !fraction.is_empty() {
        out.push(b'.');
        out.extend_from_slice(fraction);
    }
    true
}

fn trailing_zeros(digits: &[u8]) -> usize {
    digits.iter().rev().take_while(|&&b| b == b'0').count()
}

/// Writes a finite double as ECMAScript `Number::toString` does.
pub(crate) fn write_f64(out: &mut Vec<u8>, value: f64) {
    // Integers below 1e15 (counts, ids, amounts in cents) print as their
    // plain digits; writing them directly skips the shortest-digits search.
    // (`as i64` and back is exact for such values: cheaper than
    // `fract()`, which is a libm call.)
    let integer = value as i64;
    if integer as f64 == value && value.abs() < 1e15 {
        write_integer(out, integer);
        return;
    }
    let mut buffer = ryu_js::Buffer::new();
    out.extend_from_slice(buffer.format_finite(value).as_bytes());
}

/// The decimal digits of `value` (`-0` has none: it is `0`).
fn write_integer(out: &mut Vec<u8>, value: i64) {
    if value < 0 {
        out.push(b'-');
    }
    let mut digits = [0u8; 20];
    let mut n = value.unsigned_abs();
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// The exact value of a decimal text, normalised so equal values compare
/// equal: `sign * 0.DIGITS * 10^exponent` with no leading or trailing zero
/// digit. Only up to `MAX_DIGITS` significant digits are kept; longer
/// literals are marked as such (doubles never print more than 17).
#[derive(PartialEq, Eq)]
struct Decimal {
    negative: bool,
    digits: [u8; MAX_DIGITS],
    len: usize,
    exponent: i64,
    too_long: bool,
}

const MAX_DIGITS: usize = 24;

impl Decimal {
    fn of(text: &str) -> Decimal {
        let bytes = text.as_bytes();
        let mut d = Decimal {
            negative: bytes.first() == Some(&b'-'),
            digits: [0; MAX_DIGITS],
            len: 0,
            exponent: 0,
            too_long: false,
        };
        let mut point: i64 = 0; // digits seen before the decimal point
        let mut seen_point = false;
        let mut leading_zeros: i64 = 0;
        let mut exp_start = bytes.len();
        let mut zeros_pending = 0usize; // trailing zeros not yet known to be inner
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                b'0'..=b'9' => {
                    if !seen_point {
                        point += 1;
                    }
                    if d.len == 0 && zeros_pending == 0 && b == b'0' {
                        leading_zeros += 1;
                    } else if b == b'0' {
                        zeros_pending += 1;
                    } else {
                        for _ in 0..zeros_pending {
                            d.push(0);
                        }
                        zeros_pending = 0;
                        d.push(b - b'0');
                    }
                }
                b'.' => seen_point = true,
                b'e' | b'E' => {
                    exp_start = i + 1;
                    break;
                }
                _ => {}
            }
        }
        if d.len == 0 && !d.too_long {
            // Zero: sign and exponent do not matter.
            d.negative = false;
            return d;
        }
        let written_exp = parse_exponent(&bytes[exp_start.min(bytes.len())..]);
        d.exponent = point
            .saturating_sub(leading_zeros)
            .saturating_add(written_exp);
        d
    }

    fn push(&mut self, digit: u8) {
        if self.len < MAX_DIGITS {
            self.digits[self.len] = digit;
            self.len += 1;
        } else {
            self.too_long = true;
        }
    }
}

/// An exponent's value, saturating far beyond any double's range.
fn parse_exponent(bytes: &[u8]) -> i64 {
    let (negative, digits) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    let mut value: i64 = 0;
    for &b in digits {
        value = value
            .saturating_mul(10)
            .saturating_add(i64::from(b - b'0'))
            .min(1 << 40);
    }
    if negative {
        -value
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(literal: &str) -> Result<String, &'static str> {
        let mut buffer = ryu_js::Buffer::new();
        match exact_value(literal, &mut buffer) {
            Ok(v) => Ok(buffer.format_finite(v).to_string()),
            Err(Inexact::Overflow) => Err("overflow"),
            Err(Inexact::Changed(_)) => Err("changed"),
        }
    }

    #[test]
    fn exact_literals_print_as_javascript_does() {
        for (lit, js) in [
            ("1.0", "1"),
            ("-0", "0"),
            ("-0.0e5", "0"),
            ("100", "100"),
            ("1e21", "1e+21"),
            ("1E+21", "1e+21"),
            ("1e-7", "1e-7"),
            ("0.000001", "0.000001"),
            ("0.1", "0.1"),
            ("12.50", "12.5"),
            ("123e45", "1.23e+47"),
            ("9007199254740992", "9007199254740992"),
            ("0.30000000000000004", "0.30000000000000004"),
            ("00.5e0", "0.5"),
        ] {
            assert_eq!(canonical(lit).as_deref(), Ok(js), "{lit}");
        }
    }

    /// The fast path must print exactly what the general path prints, and
    /// decline what it cannot handle.
    #[test]
    fn plain_decimal_fast_path_agrees_with_the_general_path() {
        let fast = |lit: &str| {
            let mut out = Vec::new();
            write_plain_decimal(lit.as_bytes(), &mut out)
                .then(|| String::from_utf8(out).expect("ASCII"))
        };
        let mut literals: Vec<String> = "0 -0 -0.000 12.50 -12.5 100 0.1 0.000001 0.0000010 \
             -0.000123456789012345 999999999999999 999999999999999.0 123456789.012345 \
             0.30000000000000004 9007199254740993 1000000000000000 0.0000001 1e5 1.5E-3 -1.0e+2"
            .split_whitespace()
            .map(String::from)
            .collect();
        // Many more: every shape of digits around the 15-digit limit.
        for int_digits in 0..=17 {
            for frac_digits in 0..=17 {
                let int: String = "9876543210123456789"[..int_digits.max(1)].to_owned();
                let int = if int_digits == 0 { "0".to_owned() } else { int };
                let frac = &"00000120034560789"[..frac_digits];
                literals.push(if frac.is_empty() {
                    int.clone()
                } else {
                    format!("{int}.{frac}")
                });
                literals.push(format!(
                    "-{int}.{}",
                    &"1234567890123456789"[..frac_digits.max(1)]
                ));
            }
        }
        let mut taken = 0;
        for lit in &literals {
            let mut printed = ryu_js::Buffer::new();
            let general = exact_value(lit, &mut printed)
                .ok()
                .map(|v| printed.format_finite(v).to_owned());
            if let Some(out) = fast(lit) {
                taken += 1;
                assert_eq!(Some(out), general, "{lit}");
            }
        }
        assert_eq!(fast("0.0000001"), None);
        assert_eq!(fast("1e5"), None);
        assert_eq!(fast("9007199254740993"), None);
        assert!(taken > literals.len() / 3, "the fast path is rarely taken");
    }

    #[test]
    fn inexact_literals_are_refused() {
        for lit in [
            "9007199254740993",
            "1e400",
            "-1e400",
            "1e-400",
            "0.1000000000000000000000001",
            "0.3000000000000000444",
            "123456789012345678901234567890",
        ] {
            assert!(canonical(lit).is_err(), "{lit}");
        }
    }

    #[test]
    fn literal_grammar() {
        for ok in ["0", "-0", "1.5", "1e5", "1E-5", "-12.5e+3"] {
            assert!(Number::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-", "01", "1.", ".5", "1e", "+1", "1.5.", "NaN", "0x10"] {
            assert_eq!(
                Number::parse(bad).map_err(|e| e.code()),
                Err(ErrorCode::InvalidJson),
                "{bad}"
            );
        }
    }

    #[test]
    fn integers_beyond_2_pow_53_are_refused() {
        assert!(Number::from_i64(1 << 53).is_ok());
        assert!(Number::from_i64(-(1 << 53)).is_ok());
        assert!(Number::from_i64((1 << 53) + 1).is_err());
        assert!(Number::from_u64(u64::MAX).is_err());
        assert!(Number::from_f64(f64::NAN).is_err());
        assert!(Number::from_f64(f64::INFINITY).is_err());
    }
}
