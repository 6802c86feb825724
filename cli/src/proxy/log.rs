//! One line per proxied request on stderr, as JSON (default) or text:
//! time, request id, profile, method, path (without the query, which may
//! carry customer data), status, where the status came from, latency to
//! the upstream's answer, and the nonce used. Never a secret, a signature
//! or a header value.

use std::io::Write;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Text,
    Off,
}

impl LogFormat {
    pub fn parse(name: &str) -> paysig::Result<LogFormat> {
        match name {
            "json" => Ok(LogFormat::Json),
            "text" => Ok(LogFormat::Text),
            "off" => Ok(LogFormat::Off),
            _ => Err(paysig::Error::invalid_argument("--log: json, text or off")),
        }
    }
}

/// What one log line says.
pub struct Entry<'a> {
    pub request_id: &'a str,
    pub profile: Option<&'a str>,
    pub method: &'a str,
    pub path: &'a str,
    pub status: u16,
    /// `upstream`, or the proxy's refusal code.
    pub outcome: &'a str,
    pub latency: Duration,
    pub nonce: Option<&'a str>,
}

pub fn write(format: LogFormat, entry: &Entry<'_>) {
    let path = entry.path.split('?').next().unwrap_or("");
    let time = rfc3339_millis(SystemTime::now());
    let latency_ms = entry.latency.as_secs_f64() * 1000.0;
    let line = match format {
        LogFormat::Off => return,
        LogFormat::Json => json!({
            "time": time,
            "request_id": entry.request_id,
            "profile": entry.profile,
            "method": entry.method,
            "path": path,
            "status": entry.status,
            "outcome": entry.outcome,
            "latency_ms": (latency_ms * 1000.0).round() / 1000.0,
            "nonce": entry.nonce,
        })
        .to_string(),
        LogFormat::Text => format!(
            "{time} {} {} {} {path} {} {} {latency_ms:.3}ms nonce={}",
            entry.request_id,
            entry.profile.unwrap_or("-"),
            entry.method,
            entry.status,
            entry.outcome,
            entry.nonce.unwrap_or("-"),
        ),
    };
    // A full or closed stderr must not fail the request.
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// `2026-12-02T16:30:00.123Z`.
fn rfc3339_millis(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        since.subsec_millis()
    )
}

/// Days since 1970-01-01 → (year, month, day), Howard Hinnant's
/// `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_times() {
        // 1700000000 s is 2023-11-14T22:13:20Z (date -u -d @1700000000).
        let time = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        assert_eq!(rfc3339_millis(time), "2023-11-14T22:13:20.123Z");
        // 951782400 s is 2000-02-29T00:00:00Z, a leap day.
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339_millis(leap), "2000-02-29T00:00:00.000Z");
    }
}
