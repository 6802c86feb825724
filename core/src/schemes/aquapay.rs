//! Aquapay (Aquanow): hex HMAC-SHA384 of
//! `JSON.stringify({httpMethod, path, nonce})`, keys in that order, the
//! nonce a JSON string of milliseconds. The path is signed without its
//! query string. Headers: `x-nonce`, `x-api-key`, `x-signature`.

use super::{check_credential, check_header_safe, check_path, normalize_method, SignedRequest};
use crate::error::{Error, Result};
use crate::json::write_string;
use crate::mac::{Algorithm, Encoding, Key};
use crate::nonce;

/// An Aquapay request signer.
#[derive(Clone, Debug)]
pub struct Aquapay {
    api_key: String,
    key: Key,
}

impl Aquapay {
    /// A signer for this API key and secret.
    pub fn new(api_key: &str, api_secret: &str) -> Result<Aquapay> {
        check_credential("API key", api_key)?;
        Ok(Aquapay {
            api_key: api_key.to_owned(),
            key: Key::new(Algorithm::Sha384, api_secret.as_bytes())
                .map_err(|_| Error::invalid_argument("the API secret is empty"))?,
        })
    }

    /// Signs a request; `path` may carry a query string, which is not
    /// signed. `nonce` defaults to the process's increasing milliseconds.
    pub fn sign(&self, method: &str, path: &str, nonce: Option<&str>) -> Result<SignedRequest> {
        let method = normalize_method(method)?;
        check_path(path)?;
        let nonce = match nonce {
            Some(n) if n.is_empty() => return Err(Error::invalid_argument("the nonce is empty")),
            Some(n) => {
                check_header_safe("nonce", n)?;
                n.to_owned()
            }
            None => nonce::next_millis().to_string(),
        };
        let string_to_sign = string_to_sign(&method, path, &nonce);
        let signature = self
            .key
            .sign(string_to_sign.as_bytes())
            .encode(Encoding::Hex);
        Ok(SignedRequest {
            headers: vec![
                ("x-nonce", nonce),
                ("x-api-key", self.api_key.clone()),
                ("x-signature", signature.clone()),
            ],
            body: None,
            string_to_sign,
            signature,
        })
    }
}

/// The path as Aquapay signs it: without query string or fragment.
pub fn signed_path(path: &str) -> &str {
    path.split(['?', '#']).next().unwrap_or(path)
}

/// `{"httpMethod":…,"path":…,"nonce":…}` exactly as `JSON.stringify` writes it.
pub(crate) fn string_to_sign(method: &str, path: &str, nonce: &str) -> String {
    let mut out = Vec::with_capacity(48 + method.len() + path.len() + nonce.len());
    out.extend_from_slice(b"{\"httpMethod\":");
    write_string(&mut out, method);
    out.extend_from_slice(b",\"path\":");
    write_string(&mut out, signed_path(path));
    out.extend_from_slice(b",\"nonce\":");
    write_string(&mut out, nonce);
    out.push(b'}');
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_is_not_signed() {
        let signer = Aquapay::new("k", "s").unwrap();
        let with = signer
            .sign("get", "/payment/v1/payment?startTime=1", Some("5"))
            .unwrap();
        let without = signer
            .sign("GET", "/payment/v1/payment", Some("5"))
            .unwrap();
        assert_eq!(with, without);
        assert_eq!(
            with.string_to_sign,
            r#"{"httpMethod":"GET","path":"/payment/v1/payment","nonce":"5"}"#
        );
    }

    #[test]
    fn default_nonces_increase() {
        let signer = Aquapay::new("k", "s").unwrap();
        let a: i64 = signer
            .sign("GET", "/", None)
            .unwrap()
            .header("x-nonce")
            .unwrap()
            .parse()
            .unwrap();
        let b: i64 = signer
            .sign("GET", "/", None)
            .unwrap()
            .header("x-nonce")
            .unwrap()
            .parse()
            .unwrap();
        assert!(b > a);
    }
}
