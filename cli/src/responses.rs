//! What the sandbox answers to an accepted request: a canned example for
//! the endpoints the providers document (`../shared/providers/*.md`), the
//! envelope with an empty result for any other path, or what the user's
//! `--responses FILE` says.
//!
//! The file is a JSON object, `"METHOD /path"` → `{"status": N, "body":
//! ANY}` (sent as it is) or `{"status": N, "result": ANY}` (wrapped in the
//! provider's envelope); `status` defaults to 200. The path is matched
//! without its query string; the file's entries win over the examples.

use std::collections::HashMap;
use std::path::Path;

use paysig::verify::Target;
use paysig::{Error, Result, Scheme};
use serde_json::{json, Value};

use crate::envelope;

/// One canned answer: a status and the whole body.
#[derive(Clone, Debug, PartialEq)]
pub struct Canned {
    pub status: u16,
    pub body: Value,
}

/// The answers of one sandbox.
#[derive(Debug, Default)]
pub struct Responses {
    by_route: HashMap<(String, String), Canned>,
}

impl Responses {
    /// The documented examples of `target`'s provider.
    pub fn examples(target: Target) -> Responses {
        let mut responses = Responses::default();
        for (method, path, result) in examples(target) {
            responses.insert(method, path, 200, envelope::success(target, result));
        }
        responses
    }

    /// Adds (or replaces with) the entries of a `--responses` file.
    pub fn load(&mut self, target: Target, file: &Path) -> Result<()> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| Error::invalid_argument(format!("cannot read {}: {e}", file.display())))?;
        let bad = |why: String| Error::invalid_argument(format!("{}: {why}", file.display()));
        let document: Value =
            serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
        let entries = document
            .as_object()
            .ok_or_else(|| bad("an object of \"METHOD /path\": {status, body or result}".into()))?;
        for (route, answer) in entries {
            let (method, path) = route
                .split_once(' ')
                .filter(|(m, p)| !m.is_empty() && p.starts_with('/'))
                .ok_or_else(|| bad(format!("{route:?}: not \"METHOD /path\"")))?;
            let status = match answer.get("status") {
                None => 200,
                Some(status) => status
                    .as_u64()
                    .and_then(|s| u16::try_from(s).ok())
                    .filter(|s| (100..=599).contains(s))
                    .ok_or_else(|| bad(format!("{route}: status must be 100 to 599")))?,
            };
            let body = match (answer.get("body"), answer.get("result")) {
                (Some(body), None) => body.clone(),
                (None, Some(result)) => envelope::success(target, result.clone()),
                _ => return Err(bad(format!("{route}: give \"body\" or \"result\""))),
            };
            self.insert(method, path, status, body);
        }
        Ok(())
    }

    fn insert(&mut self, method: &str, path: &str, status: u16, body: Value) {
        self.by_route.insert(
            (method.to_ascii_uppercase(), path.to_owned()),
            Canned { status, body },
        );
    }

    /// The answer to an accepted `method` `target` (path and query).
    pub fn answer(&self, scheme: Target, method: &str, target: &str) -> Canned {
        let path = target.split(['?', '#']).next().unwrap_or(target);
        self.by_route
            .get(&(method.to_ascii_uppercase(), path.to_owned()))
            .cloned()
            .unwrap_or_else(|| Canned {
                status: 200,
                body: envelope::success(scheme, envelope::empty_result()),
            })
    }
}

/// The endpoints the providers' pages use, with example results. The
/// OnchainPay rate is the docs' own answer; the other shapes are ours
/// (the pages show the requests, not the answers), kept small and plausible.
fn examples(target: Target) -> Vec<(&'static str, &'static str, Value)> {
    match target {
        Target::Request(Scheme::OnchainPay) => {
            vec![("POST", "/price-rate", json!("2751.51000000"))]
        }
        Target::Request(Scheme::Aquapay) => vec![
            (
                "POST",
                "/payment/v1/requestPaymentAddress",
                json!({
                    "cryptoType": "BTC",
                    "fiat": "CAD",
                    "fiatReceivable": 5,
                    "subaccount": "YOUR_CUSTOM_PAYMENT_ID",
                    "address": "tb1qsandboxsandboxsandboxsandboxsandbox0",
                    "cryptoReceivable": 0.00004,
                }),
            ),
            ("GET", "/payment/v1/payment", json!([])),
        ],
        Target::Request(Scheme::Cryptopay) => vec![
            ("POST", "/api/auth/test", json!({ "amount": "100" })),
            (
                "POST",
                "/api/invoices",
                json!({
                    "id": "7a8b5f2c-sandbox",
                    "status": "new",
                    "price_amount": "100.0",
                    "price_currency": "EUR",
                    "pay_currency": "BTC",
                }),
            ),
            ("GET", "/api/invoices", json!([])),
        ],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_endpoints_then_empty_envelopes() {
        let target = Target::Request(Scheme::OnchainPay);
        let responses = Responses::examples(target);
        let rate = responses.answer(target, "post", "/price-rate?x=1");
        assert_eq!(
            rate.body.to_string(),
            r#"{"success":true,"response":"2751.51000000"}"#
        );
        let other = responses.answer(target, "POST", "/orders");
        assert_eq!(other.body.to_string(), r#"{"success":true,"response":{}}"#);
    }

    #[test]
    fn a_file_overrides() {
        let target = Target::Request(Scheme::Cryptopay);
        let dir = std::env::temp_dir().join(format!("paysig-responses-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("r.json");
        std::fs::write(
            &file,
            r#"{"POST /api/invoices": {"status": 201, "result": {"id": "x"}},
                "GET /teapot": {"status": 418, "body": "short and stout"}}"#,
        )
        .unwrap();
        let mut responses = Responses::examples(target);
        responses.load(target, &file).unwrap();
        let created = responses.answer(target, "POST", "/api/invoices");
        assert_eq!(
            (created.status, created.body),
            (201, json!({"data": {"id": "x"}}))
        );
        assert_eq!(responses.answer(target, "GET", "/teapot").status, 418);
        std::fs::write(&file, r#"{"nope": {}}"#).unwrap();
        assert!(Responses::default().load(target, &file).is_err());
        std::fs::remove_dir_all(&dir).ok();
    }
}
