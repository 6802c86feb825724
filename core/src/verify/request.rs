//! One received request, as the verifier sees it, and reading its headers.
//! Imports nothing from the schemes: they import it.

use super::refusal::{AuthError, ErrorStyle};
use crate::error::ErrorCode;

/// One received request, as the verifier sees it.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// The HTTP method as received.
    pub method: &'a str,
    /// The request target: path and query string, as received.
    pub path: &'a str,
    /// The headers as received; names are matched case-insensitively, and
    /// a header the scheme reads that appears twice is refused.
    pub headers: &'a [(&'a str, &'a str)],
    /// The raw body bytes (empty when there is none).
    pub body: &'a [u8],
}

impl<'a> Request<'a> {
    /// The value of header `name` (case-insensitive), refused when it
    /// appears more than once.
    pub fn header(&self, name: &str) -> std::result::Result<Option<&'a str>, DuplicateHeader> {
        let mut found = None;
        for (n, v) in self.headers {
            if n.eq_ignore_ascii_case(name) {
                if found.is_some() {
                    return Err(DuplicateHeader);
                }
                found = Some(*v);
            }
        }
        Ok(found)
    }

    /// 32 hex digits identifying this request in an error body: derived
    /// from public values only (no secret, no randomness in core), so the
    /// same request gets the same id.
    pub fn derived_id(&self) -> String {
        let mut material = Vec::with_capacity(256);
        for part in [self.method, self.path] {
            material.extend_from_slice(part.as_bytes());
            material.push(b'\n');
        }
        for (name, value) in self.headers {
            material.extend_from_slice(name.as_bytes());
            material.push(b':');
            material.extend_from_slice(value.as_bytes());
            material.push(b'\n');
        }
        let mut id = crate::mac::sha256_hex(&material);
        id.truncate(32);
        id
    }
}

/// A header the scheme reads appears more than once: which value was
/// signed is ambiguous, so the request is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DuplicateHeader;

/// Header `name`, refused as `missing_header` ("Missing NAME header") or,
/// when it appears twice, `malformed_header` ("Duplicate NAME header"),
/// with status 401, written in `style`: the plain messages of the schemes
/// whose providers document none.
pub(crate) fn required_header<'a>(
    request: &Request<'a>,
    name: &str,
    style: ErrorStyle,
) -> std::result::Result<&'a str, AuthError> {
    let refuse = |code, message: String| AuthError::new(code, 401, message, style);
    match request.header(name) {
        Ok(Some(value)) => Ok(value),
        Ok(None) => Err(refuse(
            ErrorCode::MissingHeader,
            format!("Missing {name} header"),
        )),
        Err(DuplicateHeader) => Err(refuse(
            ErrorCode::MalformedHeader,
            format!("Duplicate {name} header"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_headers_are_reported() {
        let headers = [("X-Nonce", "1"), ("x-nonce", "2"), ("a", "b")];
        let request = Request {
            method: "GET",
            path: "/",
            headers: &headers,
            body: b"",
        };
        assert_eq!(request.header("X-NONCE"), Err(DuplicateHeader));
        assert_eq!(request.header("A"), Ok(Some("b")));
        assert_eq!(request.header("c"), Ok(None));
    }
}
