//! Each provider's response envelope, as the sandbox answers: the shape a
//! provider's SDK parses, so that a client pointed at `paysig serve` gets
//! past its own response handling.
//!
//! - Cryptopay: `{"data": RESULT}` on success (its API wraps results in
//!   `data`); errors are core's `AuthError::body` (the documented
//!   `{"error":{"code","message","details"},"meta":{"request_id"}}`).
//! - OnchainPay: `{"success":true,"response":RESULT}`; errors
//!   `{"success":false,"error":{"name","message","code"},"requestId"}`.
//! - Aquapay, RemitQuickly, PGPrints, Cryptopay callbacks: the result as
//!   it is, errors `{"message": ...}` (our choice: their pages show no
//!   envelope).
//!
//! Every response also carries the request id in `X-Request-Id`, the same
//! one the log line shows.

use paysig::verify::Target;
use paysig::Scheme;
use serde_json::{json, Value};

/// The header carrying the request id on every answer.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// `result` wrapped as the provider wraps a successful answer.
pub fn success(target: Target, result: Value) -> Value {
    match target {
        Target::Request(Scheme::Cryptopay) => json!({ "data": result }),
        Target::Request(Scheme::OnchainPay) => json!({ "success": true, "response": result }),
        _ => result,
    }
}

/// The empty result of an endpoint the sandbox has no example for.
pub fn empty_result() -> Value {
    json!({})
}

/// The sandbox's own refusals (413, 400: nothing to verify yet), in the
/// provider's error shape.
pub fn failure(target: Target, status: u16, code: &str, message: &str, request_id: &str) -> Value {
    match target {
        Target::Request(Scheme::Cryptopay) => json!({
            "error": {"code": code, "message": message, "details": []},
            "meta": {"request_id": request_id},
        }),
        Target::Request(Scheme::OnchainPay) => json!({
            "success": false,
            "error": {"name": code, "message": message, "code": status},
            "requestId": request_id,
        }),
        _ => json!({ "message": message }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes() {
        let onchainpay = Target::Request(Scheme::OnchainPay);
        assert_eq!(
            success(onchainpay, json!("2751.51000000")).to_string(),
            r#"{"success":true,"response":"2751.51000000"}"#
        );
        assert_eq!(
            success(Target::Request(Scheme::Cryptopay), json!({})).to_string(),
            r#"{"data":{}}"#
        );
        assert_eq!(
            success(Target::Request(Scheme::Aquapay), json!([1])).to_string(),
            "[1]"
        );
        let refused = failure(
            onchainpay,
            413,
            "payload_too_large",
            "Payload Too Large",
            "r",
        );
        assert_eq!(refused["error"]["code"], 413);
        assert_eq!(refused["requestId"], "r");
    }
}
