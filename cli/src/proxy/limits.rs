//! The proxy's own answers, for requests it will not or cannot forward:
//! each with its status, a stable code and a plain message, as
//! `{"error":{"code":CODE,"message":MSG,"source":"paysig-proxy"}}` with an
//! `X-Paysig-Proxy-Error: CODE` header, so a client can tell them from the
//! provider's answers (which come back unchanged).

use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderMap, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::{Response, StatusCode};
use serde_json::json;

use super::ProxyBody;

/// Why a request was not forwarded, or got no answer from upstream.
#[derive(Debug)]
pub enum Refusal {
    /// Framing that two servers could read differently (request smuggling).
    AmbiguousLength(&'static str),
    /// The body is over `--max-body`.
    TooLarge(usize),
    /// The body could not be read (the client went away or sent garbage).
    UnreadableBody,
    /// No profile takes this host and path.
    NoRoute,
    /// The scheme cannot sign this request: paysig's error.
    Unsignable(paysig::Error),
    /// The nonce source (Redis, the host's directory) did not answer:
    /// nothing is signed rather than risk a repeated nonce.
    NoNonce(paysig::Error),
    /// The upstream could not be reached or broke the exchange.
    Unreachable(String),
    /// The upstream sent no answer within `--timeout`.
    Timeout(u64),
}

impl Refusal {
    /// A signing error: the nonce source's own is a 503, the rest a 400.
    pub fn from_signing(error: paysig::Error) -> Refusal {
        if error.code() == paysig::ErrorCode::NonceSourceUnavailable {
            Refusal::NoNonce(error)
        } else {
            Refusal::Unsignable(error)
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::AmbiguousLength(_) | Refusal::UnreadableBody | Refusal::Unsignable(_) => {
                StatusCode::BAD_REQUEST
            }
            Refusal::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::NoRoute => StatusCode::NOT_FOUND,
            Refusal::NoNonce(_) => StatusCode::SERVICE_UNAVAILABLE,
            Refusal::Unreachable(_) => StatusCode::BAD_GATEWAY,
            Refusal::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
        }
    }

    /// The code: paysig's error code for a body it cannot sign, else the
    /// proxy's own.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::AmbiguousLength(_) => "ambiguous_length",
            Refusal::TooLarge(_) => "body_too_large",
            Refusal::UnreadableBody => "unreadable_body",
            Refusal::NoRoute => "no_route",
            Refusal::Unsignable(error) | Refusal::NoNonce(error) => error.code().as_str(),
            Refusal::Unreachable(_) => "upstream_unreachable",
            Refusal::Timeout(_) => "upstream_timeout",
        }
    }

    /// Messages name limits and causes, never a header value or a secret.
    pub fn message(&self) -> String {
        match self {
            Refusal::AmbiguousLength(why) => format!("refused: {why}"),
            Refusal::TooLarge(max) => format!("the body is larger than {max} bytes (--max-body)"),
            Refusal::UnreadableBody => "the request body could not be read".to_owned(),
            Refusal::NoRoute => "no profile takes this host and path".to_owned(),
            Refusal::Unsignable(error) => format!("cannot sign this request: {}", error.message()),
            Refusal::NoNonce(error) => format!("no nonce to sign with: {}", error.message()),
            Refusal::Unreachable(why) => format!("the upstream is unreachable: {why}"),
            Refusal::Timeout(ms) => {
                format!("the upstream did not answer within {ms} ms (--timeout)")
            }
        }
    }

    pub fn response(&self) -> Response<ProxyBody> {
        let body = json!({"error": {
            "code": self.code(),
            "message": self.message(),
            "source": "paysig-proxy",
        }});
        let mut response = Response::new(full(body.to_string()));
        *response.status_mut() = self.status();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(
            "x-paysig-proxy-error",
            HeaderValue::from_static(self.code()),
        );
        response
    }
}

/// A body the proxy wrote itself.
pub fn full(text: String) -> ProxyBody {
    Full::new(Bytes::from(text))
        .map_err(|never| match never {})
        .boxed_unsync()
}

/// The whole body, at most `max` bytes: a declared length over it is
/// refused before reading anything.
pub async fn read_body(headers: &HeaderMap, body: Incoming, max: usize) -> Result<Bytes, Refusal> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > max as u64) {
        return Err(Refusal::TooLarge(max));
    }
    match Limited::new(body, max).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(Refusal::TooLarge(max)),
        Err(_) => Err(Refusal::UnreadableBody),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_carry_status_code_and_paysig_codes() {
        let unsignable =
            Refusal::Unsignable(paysig::Error::new(paysig::ErrorCode::NumberOutOfRange, "x"));
        assert_eq!(unsignable.status(), StatusCode::BAD_REQUEST);
        assert_eq!(unsignable.code(), "number_out_of_range");
        let response = Refusal::Timeout(5).response();
        assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
        assert_eq!(
            response.headers()["x-paysig-proxy-error"],
            "upstream_timeout"
        );
    }
}
