//! A refusal explained for a human, as `serve --explain` adds it to the
//! answer and `verify --explain` prints it: the code, status and message,
//! what the verifier expected (string to sign, canonical body) and, for a
//! time-window refusal, the server's time, the request's time and the
//! window. Never a secret or an expected signature.

use chrono::DateTime;
use paysig::verify::AuthError;
use paysig::ErrorCode;
use serde_json::{json, Value};

/// The provider's error body of `error`, with an `explain` member when
/// `explain` is set (`pretty`: indented, for a terminal).
pub fn refusal_body(error: &AuthError, explain: bool, pretty: bool) -> String {
    let body = error.body();
    if !explain {
        return body;
    }
    match serde_json::from_str::<Value>(&body) {
        Ok(Value::Object(mut members)) => {
            members.insert("explain".into(), of(error));
            let document = Value::Object(members);
            if pretty {
                serde_json::to_string_pretty(&document).unwrap_or(body)
            } else {
                document.to_string()
            }
        }
        _ => body,
    }
}

/// The `explain` object of a refusal.
pub fn of(error: &AuthError) -> Value {
    let expected = error.explanation();
    let mut explanation = json!({
        "code": error.code().as_str(),
        "status": error.status(),
        "message": error.message(),
    });
    if let Some(text) = expected.and_then(|e| e.string_to_sign.as_deref()) {
        explanation["string_to_sign"] = json!(text);
    }
    if let Some(text) = expected.and_then(|e| e.canonical_body.as_deref()) {
        explanation["canonical_body"] = json!(text);
    }
    if error.code() == ErrorCode::InvalidSignature {
        explanation["hint"] = json!(
            "the signature must be the MAC of string_to_sign (the bytes as received) with this key's secret: check the secret first, then that your code signed exactly these bytes (`paysig explain ... --signature SIG` compares)"
        );
    }
    if let Some(window) = expected.and_then(|e| e.window) {
        let difference = window.request_ms.saturating_sub(window.server_ms);
        explanation["time_window"] = json!({
            "server_time": iso(window.server_ms),
            "request_time": iso(window.request_ms),
            "tolerance_ms": window.tolerance_ms,
            "request_minus_server_ms": difference,
            "hint": if difference < 0 {
                format!(
                    "the request's time is {} ms older than the window allows: a stale request, or the client's clock is behind",
                    difference.saturating_neg().saturating_sub(window.tolerance_ms)
                )
            } else {
                format!(
                    "the request's time is {} ms further ahead than the window allows: the client's clock is ahead",
                    difference.saturating_sub(window.tolerance_ms)
                )
            },
        });
    }
    explanation
}

/// Milliseconds since the epoch as RFC 3339 UTC, or the number when it is
/// out of range.
fn iso(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms).map_or_else(
        || ms.to_string(),
        |t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    )
}
