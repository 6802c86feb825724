//! The sandbox's log: one line per request on stderr, for a developer to
//! read while their client runs — or JSON lines (`--log json`) for a
//! program. Time, scheme, method, path (without the query string), the key
//! id the request claims, the result code, the status and the request id
//! the answer carries. Never a secret, a signature or a body: the key id is
//! read from the header that names it (for Cryptopay, only the part of
//! `Authorization` before the `:`).

use std::io::Write;
use std::time::SystemTime;

use chrono::{DateTime, SecondsFormat, Utc};
use clap::ValueEnum;
use paysig::verify::Target;
use paysig::Scheme;
use serde_json::json;

/// `--log`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One readable line per request.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
    /// No log (a benchmark measuring the server alone).
    None,
}

/// One request's line.
#[derive(Debug)]
pub struct Entry<'a> {
    pub time: SystemTime,
    pub target: Target,
    pub method: &'a str,
    /// Path and query as received; only the path is logged.
    pub path: &'a str,
    pub key_id: Option<&'a str>,
    /// `ok`, or the refusal's code.
    pub result: &'a str,
    pub status: u16,
    pub request_id: &'a str,
}

impl Entry<'_> {
    /// The line, without its newline (empty for [`LogFormat::None`]).
    pub fn format(&self, format: LogFormat) -> String {
        let time = DateTime::<Utc>::from(self.time).to_rfc3339_opts(SecondsFormat::Millis, true);
        let path = self.path.split(['?', '#']).next().unwrap_or("");
        match format {
            LogFormat::Text => format!(
                "{time} {} {} {} key={} {} {} request_id={}",
                self.target.name(),
                self.method,
                path,
                self.key_id.unwrap_or("-"),
                self.result,
                self.status,
                self.request_id,
            ),
            LogFormat::Json => json!({
                "time": time,
                "scheme": self.target.name(),
                "method": self.method,
                "path": path,
                "key_id": self.key_id,
                "result": self.result,
                "status": self.status,
                "request_id": self.request_id,
            })
            .to_string(),
            LogFormat::None => String::new(),
        }
    }

    /// Writes the line to stderr (one write, so lines of concurrent
    /// requests do not interleave).
    pub fn write(&self, format: LogFormat) {
        if format == LogFormat::None {
            return;
        }
        let mut line = self.format(format);
        line.push('\n');
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }
}

/// The key id a request claims, from the header that names it; `None` for
/// the schemes that carry none (PGPrints, Cryptopay callbacks).
pub fn claimed_key_id(target: Target, headers: &[(String, String)]) -> Option<&str> {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    };
    let id = match target {
        Target::Request(Scheme::Cryptopay) => {
            let credentials = header("Authorization")?.split_once(' ')?.1;
            credentials.rsplit_once(':')?.0.trim()
        }
        Target::Request(Scheme::Aquapay) => header("x-api-key")?,
        Target::Request(Scheme::RemitQuickly) => header("apikey")?,
        Target::Request(Scheme::OnchainPay) => header("x-api-public-key")?,
        Target::Request(Scheme::PGPrints) | Target::CryptopayCallback => return None,
    };
    // Whatever a client sends goes into one log line: no control
    // characters, bounded.
    (!id.is_empty() && id.len() <= 200 && !id.chars().any(char::is_control)).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_name_the_key_never_the_signature() {
        let headers = vec![(
            "Authorization".to_owned(),
            "HMAC my-key:c2lnbmF0dXJl".to_owned(),
        )];
        let target = Target::Request(Scheme::Cryptopay);
        let key = claimed_key_id(target, &headers);
        assert_eq!(key, Some("my-key"));
        let entry = Entry {
            time: SystemTime::UNIX_EPOCH,
            target,
            method: "POST",
            path: "/api/invoices?token=x",
            key_id: key,
            result: "invalid_signature",
            status: 401,
            request_id: "r1",
        };
        let text = entry.format(LogFormat::Text);
        assert_eq!(
            text,
            "1970-01-01T00:00:00.000Z cryptopay POST /api/invoices key=my-key invalid_signature 401 request_id=r1"
        );
        let json: serde_json::Value = serde_json::from_str(&entry.format(LogFormat::Json)).unwrap();
        assert_eq!(json["key_id"], "my-key");
        assert_eq!(json["path"], "/api/invoices");
        assert!(!entry.format(LogFormat::Json).contains("c2lnbmF0dXJl"));
        let evil = vec![("x-api-key".to_owned(), "a\u{1b}[2J".to_owned())];
        assert_eq!(
            claimed_key_id(Target::Request(Scheme::Aquapay), &evil),
            None
        );
    }
}
