//! A received HTTP request as the verifier needs it, from raw HTTP/1.1
//! bytes (`paysig verify`) or from the server (`paysig serve`), and the
//! verifier that `verify` and `serve` build from their options.

use std::sync::Arc;

use clap::{Args, ValueEnum};
use paysig::verify::{AuthError, FixedClock, Keyring, MemoryReplayGuard, NoncePolicy};
use paysig::verify::{Request, Target, Verifier};
use paysig::{Error, Result};

/// The most headers a request may have.
pub const MAX_HEADERS: usize = 64;

/// An owned request: method, target (path and query), headers, body.
#[derive(Debug, Default)]
pub struct ReceivedRequest {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl ReceivedRequest {
    /// Parses one raw HTTP/1.1 request: request line, headers, blank line,
    /// body. With `Content-Length` the body is exactly that many bytes;
    /// without it, everything after the blank line. Chunked bodies are
    /// refused (a file has no reason to use them).
    pub fn parse(raw: &[u8]) -> Result<ReceivedRequest> {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut parsed = httparse::Request::new(&mut headers);
        let head_len = match parsed.parse(raw) {
            Ok(httparse::Status::Complete(len)) => len,
            Ok(httparse::Status::Partial) => {
                return Err(Error::invalid_argument(
                    "the request ends before the blank line after its headers",
                ))
            }
            Err(e) => {
                return Err(Error::invalid_argument(format!(
                    "not an HTTP/1.1 request: {e}"
                )))
            }
        };
        let method = parsed.method.unwrap_or_default().to_owned();
        let target = origin_form(parsed.path.unwrap_or("/")).to_owned();
        let mut request = ReceivedRequest {
            method,
            target,
            headers: Vec::with_capacity(parsed.headers.len()),
            body: Vec::new(),
        };
        for header in parsed.headers.iter() {
            let value = std::str::from_utf8(header.value).map_err(|_| {
                Error::invalid_argument(format!("the {} header is not UTF-8", header.name))
            })?;
            request
                .headers
                .push((header.name.to_owned(), value.to_owned()));
        }
        if request.header("Transfer-Encoding").is_some() {
            return Err(Error::invalid_argument(
                "chunked request bodies are not supported: send Content-Length",
            ));
        }
        let rest = &raw[head_len..];
        request.body = match request.header("Content-Length") {
            None => rest.to_vec(),
            Some(text) => {
                let len: usize = text
                    .trim()
                    .parse()
                    .map_err(|_| Error::invalid_argument("Content-Length is not a number"))?;
                rest.get(..len)
                    .ok_or_else(|| {
                        Error::invalid_argument(format!(
                            "the body is shorter ({} bytes) than Content-Length ({len})",
                            rest.len()
                        ))
                    })?
                    .to_vec()
            }
        };
        Ok(request)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Verifies this request.
    pub fn verify(&self, verifier: &Verifier) -> std::result::Result<String, AuthError> {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        verifier.verify(&Request {
            method: &self.method,
            path: &self.target,
            headers: &headers,
            body: &self.body,
        })
    }
}

/// `http://host/p?q` → `/p?q`; an origin-form target unchanged.
fn origin_form(target: &str) -> &str {
    match target.split_once("://") {
        Some((_, rest)) if !target.starts_with('/') => {
            rest.find('/').map_or("/", |slash| &rest[slash..])
        }
        _ => target,
    }
}

/// The verifier's options shared by `verify` and `serve`.
#[derive(Args, Clone, Debug)]
pub struct VerifierOptions {
    /// The time window each way, in milliseconds [default: the scheme's:
    /// cryptopay 900000, aquapay 30000, remitquickly 60000, onchainpay
    /// 30000 (timestamp policy only)].
    #[arg(long, value_name = "MS")]
    pub tolerance_ms: Option<i64>,
    /// OnchainPay: refuse a nonce (any number or string) already used by
    /// the key within the retention (unique), a nonce not greater than the
    /// last one (increasing), or a nonce that is not a millisecond
    /// timestamp within the window, or seen within it (timestamp).
    #[arg(long, value_enum, default_value_t = Policy::Unique)]
    pub nonce_policy: Policy,
    /// OnchainPay, unique policy: how long a nonce is remembered, in
    /// milliseconds [default: 3600000, one hour].
    #[arg(long, value_name = "MS")]
    pub nonce_retention_ms: Option<i64>,
    /// Fix the clock: milliseconds since the epoch [default: the system
    /// clock].
    #[arg(long, value_name = "MS")]
    pub now: Option<i64>,
}

/// `--nonce-policy`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Policy {
    Unique,
    Increasing,
    Timestamp,
}

impl VerifierOptions {
    /// A verifier for `target` with `keyring`, a replay guard of
    /// `replay_capacity` entries and these options.
    pub fn build(&self, target: Target, keyring: Keyring, replay_capacity: usize) -> Verifier {
        let mut verifier = Verifier::for_target(target, keyring)
            .with_replay_guard(Arc::new(MemoryReplayGuard::new(replay_capacity)))
            .with_nonce_policy(match self.nonce_policy {
                Policy::Unique => NoncePolicy::Unique,
                Policy::Increasing => NoncePolicy::Increasing,
                Policy::Timestamp => NoncePolicy::Timestamp,
            });
        if let Some(ms) = self.nonce_retention_ms {
            verifier = verifier.with_nonce_retention_ms(ms);
        }
        if let Some(ms) = self.tolerance_ms {
            verifier = verifier.with_tolerance_ms(ms);
        }
        if let Some(now) = self.now {
            verifier = verifier.with_clock(Arc::new(FixedClock(now)));
        }
        verifier
    }
}

/// Scheme names as core parses them, plus `cryptopay-callback`.
pub fn parse_target(name: &str) -> Result<Target> {
    name.parse()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_request_with_and_without_content_length() {
        let raw =
            b"POST /a?b=1 HTTP/1.1\r\nHost: x\r\nX-Nonce: 5\r\nContent-Length: 2\r\n\r\n{}extra";
        let request = ReceivedRequest::parse(raw).expect("parses");
        assert_eq!(request.method, "POST");
        assert_eq!(request.target, "/a?b=1");
        assert_eq!(request.body, b"{}");
        assert_eq!(request.header("x-nonce"), Some("5"));
        let bare = ReceivedRequest::parse(b"GET http://h:1/p HTTP/1.1\n\nrest").expect("parses");
        assert_eq!(bare.target, "/p");
        assert_eq!(bare.body, b"rest");
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        for raw in [
            &b"GET / HTTP/1.1\r\nHost: x\r\n"[..],
            b"not http\r\n\r\n",
            b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n{}",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        ] {
            assert!(ReceivedRequest::parse(raw).is_err(), "{raw:?}");
        }
    }
}
