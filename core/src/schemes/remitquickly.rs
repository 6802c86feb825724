//! RemitQuickly: `payload` = base64 of
//! `JSON.stringify({"body": body, "timestamp": "<ms>"})`, and `signature` =
//! hex HMAC-SHA512 of the base64 text itself. `body` is the request's
//! fields as an object, `{}` when there is none. Headers: `apikey`,
//! `payload`, `signature`.

use base64::Engine as _;

use super::{check_credential, check_header_safe, Body, SignedRequest};
use crate::error::{Error, Result};
use crate::json::write_string;
use crate::mac::{Algorithm, Encoding, Key};
use crate::nonce;

/// A RemitQuickly request signer.
#[derive(Clone, Debug)]
pub struct RemitQuickly {
    api_key: String,
    key: Key,
}

impl RemitQuickly {
    /// A signer for this API key and secret.
    pub fn new(api_key: &str, secret: &str) -> Result<RemitQuickly> {
        check_credential("API key", api_key)?;
        Ok(RemitQuickly {
            api_key: api_key.to_owned(),
            key: Key::new(Algorithm::Sha512, secret.as_bytes())
                .map_err(|_| Error::invalid_argument("the secret is empty"))?,
        })
    }

    /// Signs a request whose fields are `body` (`None`: no body, signed as
    /// `{}`). `timestamp` defaults to the process's increasing milliseconds.
    /// The returned body is the canonical JSON that was signed, or `None`
    /// when there was no body.
    pub fn sign(&self, body: Option<Body<'_>>, timestamp: Option<&str>) -> Result<SignedRequest> {
        let canonical_body = body.map(|b| b.canonical()).transpose()?;
        let timestamp = match timestamp {
            Some(t) if t.is_empty() => {
                return Err(Error::invalid_argument("the timestamp is empty"))
            }
            Some(t) => {
                check_header_safe("timestamp", t)?;
                t.to_owned()
            }
            None => nonce::next_millis().to_string(),
        };
        let payload_json = payload_json(canonical_body.as_deref().unwrap_or("{}"), &timestamp);
        let payload = base64::engine::general_purpose::STANDARD.encode(&payload_json);
        let signature = self.key.sign(payload.as_bytes()).encode(Encoding::Hex);
        Ok(SignedRequest {
            headers: vec![
                ("apikey", self.api_key.clone()),
                ("payload", payload),
                ("signature", signature.clone()),
            ],
            body: canonical_body,
            string_to_sign: payload_json,
            signature,
        })
    }
}

/// `{"body":BODY,"timestamp":"TS"}` with an already canonical body.
fn payload_json(canonical_body: &str, timestamp: &str) -> String {
    let mut out = Vec::with_capacity(32 + canonical_body.len() + timestamp.len());
    out.extend_from_slice(b"{\"body\":");
    out.extend_from_slice(canonical_body.as_bytes());
    out.extend_from_slice(b",\"timestamp\":");
    write_string(&mut out, timestamp);
    out.push(b'}');
    String::from_utf8(out).unwrap_or_default()
}
