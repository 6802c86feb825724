//! The three ways `sign` prints a signed request: JSON for programs, a curl
//! command line for a shell, a raw HTTP/1.1 request for netcat or a proxy.

use paysig::{Error, Result};
use serde_json::{json, Map, Value};

use crate::request::Prepared;

/// `{"headers": {...}, "body": ..., "string_to_sign": ..., "signature": ...}`,
/// headers in the order to send them.
pub fn to_json(prepared: &Prepared) -> String {
    let signed = &prepared.signed;
    let headers: Map<String, Value> = signed
        .headers
        .iter()
        .map(|(name, value)| ((*name).to_owned(), Value::from(value.as_str())))
        .collect();
    let document = json!({
        "headers": headers,
        "body": prepared.body_to_send(),
        "string_to_sign": signed.string_to_sign,
        "signature": signed.signature,
    });
    // Serializing a Value of strings cannot fail.
    serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
}

/// A curl command line, every argument single-quoted for POSIX shells.
pub fn to_curl(prepared: &Prepared, base_url: &str) -> Result<String> {
    let base = BaseUrl::parse(base_url)?;
    let url = format!("{}{}", base.without_trailing_slash, prepared.path);
    let mut args = vec![format!(
        "curl -X {} {}",
        shell_word(&prepared.method),
        quote(&url)
    )];
    for (name, value) in transport_headers(prepared) {
        args.push(format!("-H {}", quote(&format!("{name}: {value}"))));
    }
    if let Some(body) = prepared.body_to_send() {
        // --data-raw sends the bytes as they are: no `@file` meaning, and
        // no newline stripping.
        args.push(format!("--data-raw {}", quote(body)));
    }
    Ok(args.join(" \\\n  ") + "\n")
}

/// A raw HTTP/1.1 request with CRLF line ends.
pub fn to_http(prepared: &Prepared, base_url: &str) -> Result<String> {
    let base = BaseUrl::parse(base_url)?;
    let mut out = format!(
        "{} {}{} HTTP/1.1\r\nHost: {}\r\n",
        prepared.method, base.path_prefix, prepared.path, base.authority
    );
    for (name, value) in transport_headers(prepared) {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    let body = prepared.body_to_send();
    if let Some(body) = body {
        out.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    out.push_str("\r\n");
    out.push_str(body.unwrap_or_default());
    Ok(out)
}

/// The scheme's headers, plus `Content-Type: application/json` when a
/// body is sent and the scheme sets no Content-Type itself (curl would
/// otherwise send a form type, and these APIs read JSON).
fn transport_headers(prepared: &Prepared) -> Vec<(&str, &str)> {
    let signed = &prepared.signed;
    let mut headers: Vec<(&str, &str)> = signed
        .headers
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    if prepared.body_to_send().is_some() && signed.header("content-type").is_none() {
        headers.push(("Content-Type", "application/json"));
    }
    headers
}

/// `text` as a shell word: bare when it is plainly safe (`POST`), else
/// single-quoted.
fn shell_word(text: &str) -> String {
    if !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        text.to_owned()
    } else {
        quote(text)
    }
}

/// `text` as one single-quoted shell word: `'` becomes `'\''`.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The parts of `--base-url` the outputs need.
struct BaseUrl<'a> {
    without_trailing_slash: &'a str,
    authority: &'a str,
    path_prefix: &'a str,
}

impl<'a> BaseUrl<'a> {
    fn parse(url: &'a str) -> Result<BaseUrl<'a>> {
        let invalid = || {
            Error::invalid_argument(
                "--base-url must look like https://host[:port][/prefix], without query or spaces",
            )
        };
        let trimmed = url.trim_end_matches('/');
        let rest = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"))
            .ok_or_else(invalid)?;
        if rest.is_empty()
            || rest.contains(['?', '#'])
            || rest.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(invalid());
        }
        let (authority, path_prefix) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        if authority.is_empty() {
            return Err(invalid());
        }
        Ok(BaseUrl {
            without_trailing_slash: trimmed,
            authority,
            path_prefix,
        })
    }
}
