//! Reading a `Date` header: Cryptopay signs whatever is sent, an HTTP-date
//! (`Tue, 25 Sep 2018 17:41:40 GMT`) in its SDKs, an ISO-8601 date-time
//! (`2019-01-09T11:24:40+00:00`) in its published check. HTTP-dates go to
//! the `httpdate` crate; the RFC 3339 profile of ISO-8601 is small enough
//! to read here.

use std::time::UNIX_EPOCH;

/// Milliseconds since the epoch of an HTTP-date or RFC 3339 date-time.
pub(super) fn parse_date_ms(text: &str) -> Option<i64> {
    if let Ok(time) = httpdate::parse_http_date(text) {
        let ms = time.duration_since(UNIX_EPOCH).ok()?.as_millis();
        return i64::try_from(ms).ok();
    }
    parse_rfc3339_ms(text)
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, `T` or `t` or a space
/// between date and time.
fn parse_rfc3339_ms(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse().ok()
    };
    if b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut pos = 19;
    let mut millis = 0;
    if b[pos] == b'.' {
        let start = pos + 1;
        let mut end = start;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
        if end == start {
            return None;
        }
        // Milliseconds: the first three fraction digits, the rest dropped.
        let ms_digits = &text[start..end.min(start + 3)];
        millis = ms_digits.parse::<i64>().ok()? * 10_i64.pow(3 - ms_digits.len() as u32);
        pos = end;
    }
    let offset_minutes = match b.get(pos..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hh = num(pos + 1..pos + 3)?;
            let mm = num(pos + 4..pos + 6)?;
            let _ = (h1, h2, m1, m2);
            if hh > 23 || mm > 59 {
                return None;
            }
            let total = hh * 60 + mm;
            if *sign == b'-' {
                -total
            } else {
                total
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1000 + millis)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms() {
        // Expected values: Node's `Date.parse` of the same texts.
        assert_eq!(
            parse_date_ms("2019-01-09T11:24:40+00:00"),
            Some(1_547_033_080_000)
        );
        assert_eq!(
            parse_date_ms("Wed, 09 Jan 2019 11:24:40 GMT"),
            Some(1_547_033_080_000)
        );
        assert_eq!(
            parse_date_ms("2019-01-09T12:24:40.5+01:00"),
            Some(1_547_033_080_500)
        );
        assert_eq!(parse_date_ms("1970-01-01T00:00:00Z"), Some(0));
        for bad in [
            "",
            "yesterday",
            "2019-02-29T00:00:00Z",
            "2019-01-09T11:24:40",
            "2019-01-09T11:24:40+0000",
            "2019-01-09T11:24:40.Z",
            "2019-01-09T25:24:40Z",
        ] {
            assert_eq!(parse_date_ms(bad), None, "{bad}");
        }
    }
}
