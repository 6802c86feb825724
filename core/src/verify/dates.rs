//! Reading a `Date` header. Cryptopay signs whatever is sent, and its real
//! API accepts what the official clients send (PROVIDERS.md): an RFC 7231
//! IMF-fixdate (Node SDK, `Wed, 02 Dec 2026 07:41:47 GMT`), RFC 2822 with a
//! numeric or named zone (PHP SDK, `gmdate(DATE_RFC2822)`:
//! `Wed, 02 Dec 2026 07:41:47 +0000`), and ISO-8601 / RFC 3339 with an
//! offset (the docs' Java sample, `2019-01-09T11:24:40+00:00`). What
//! counts is the instant the text denotes.
//!
//! Parsing is chrono's (RFC 2822, including the obsolete named zones of
//! its §4.3, and RFC 3339) and httpdate's (the two obsolete HTTP-date
//! forms, RFC 850 and asctime, which RFC 7231 says to accept).

use std::time::UNIX_EPOCH;

use chrono::DateTime;

/// Milliseconds since the epoch of a `Date` value in any of the accepted
/// forms; `None` when it is none of them.
pub(crate) fn parse_date_ms(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(date) = DateTime::parse_from_rfc2822(text) {
        return Some(date.timestamp_millis());
    }
    if let Ok(date) = DateTime::parse_from_rfc3339(text) {
        return Some(date.timestamp_millis());
    }
    let time = httpdate::parse_http_date(text).ok()?;
    let ms = time.duration_since(UNIX_EPOCH).ok()?.as_millis();
    i64::try_from(ms).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values: Node's `Date.parse` of the same texts
    /// (`node -p 'Date.parse("Wed, 02 Dec 2026 07:41:47 +0000")'`).
    #[test]
    fn every_form_the_clients_send() {
        let cases = [
            // Node SDK: Date.toUTCString().
            ("Wed, 02 Dec 2026 07:41:47 GMT", 1_796_197_307_000),
            // PHP SDK: gmdate(DATE_RFC2822).
            ("Wed, 02 Dec 2026 07:41:47 +0000", 1_796_197_307_000),
            ("Wed, 02 Dec 2026 08:41:47 +0100", 1_796_197_307_000),
            ("Wed, 02 Dec 2026 02:41:47 EST", 1_796_197_307_000),
            ("Wed, 02 Dec 2026 07:41:47 UT", 1_796_197_307_000),
            ("2 Dec 2026 07:41:47 +0000", 1_796_197_307_000),
            // The docs' Java sample: ISO-8601 with an offset.
            ("2019-01-09T11:24:40+00:00", 1_547_033_080_000),
            ("2019-01-09T12:24:40.5+01:00", 1_547_033_080_500),
            ("2019-01-09T11:24:40Z", 1_547_033_080_000),
            ("1970-01-01T00:00:00Z", 0),
            // RFC 850 and asctime, the obsolete HTTP-dates.
            ("Wednesday, 09-Jan-19 11:24:40 GMT", 1_547_033_080_000),
            ("Wed Jan  9 11:24:40 2019", 1_547_033_080_000),
        ];
        for (text, ms) in cases {
            assert_eq!(parse_date_ms(text), Some(ms), "{text}");
        }
    }

    #[test]
    fn what_is_not_a_date() {
        for bad in [
            "",
            "yesterday",
            "2019-02-29T00:00:00Z",
            // ISO-8601 without an offset names no instant.
            "2019-01-09T11:24:40",
            "2019-01-09T11:24:40.Z",
            "2019-01-09T25:24:40Z",
            "Wed, 02 Dec 2026 07:41:47",
            "1796197307000",
        ] {
            assert_eq!(parse_date_ms(bad), None, "{bad}");
        }
    }
}
