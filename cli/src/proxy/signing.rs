//! Signing one proxied request with core's signers: the proxy decides
//! only what each scheme is given (method, the path sent upstream, the
//! body, a fresh nonce), never how it is signed.

use paysig::json::Number;
use paysig::mac::Encoding;
use paysig::schemes::{
    cryptopay::DEFAULT_CONTENT_TYPE, Aquapay, Body, Cryptopay, CryptopayRequest, Nonce, OnchainPay,
    PGPrints, RemitQuickly,
};
use paysig::{Error, ErrorCode, Result, Scheme};

use super::nonces::Nonces;

/// A profile's signer, built once (the HMAC key schedule with it).
pub enum Signer {
    Cryptopay {
        signer: Cryptopay,
        /// Signed and sent when the client sends no Content-Type.
        default_content_type: String,
    },
    Aquapay(Aquapay),
    RemitQuickly(RemitQuickly),
    PGPrints(PGPrints),
    OnchainPay(OnchainPay),
}

/// What goes upstream besides the client's own headers.
pub struct Signed {
    /// The scheme's headers, in its spelling.
    pub headers: Vec<(&'static str, String)>,
    /// The exact body to send: the bytes signed where the scheme signs the
    /// body, else the client's body unchanged. `None`: send the client's.
    pub body: Option<String>,
    /// The nonce, timestamp or date used, for the log line.
    pub nonce: Option<String>,
}

/// The request as the proxy will send it upstream.
pub struct Outgoing<'a> {
    pub method: &'a str,
    /// The path sent upstream, query included.
    pub path: &'a str,
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
}

/// Options of `--config` profiles that only some schemes use.
#[derive(Default)]
pub struct SchemeOptions {
    pub content_type: Option<String>,
    pub encoding: Option<String>,
}

impl Signer {
    pub fn new(
        scheme: Scheme,
        key: Option<&str>,
        secret: &str,
        options: &SchemeOptions,
    ) -> Result<Signer> {
        let need_key =
            || key.ok_or_else(|| Error::invalid_argument(format!("{scheme} needs a key (--key)")));
        if scheme == Scheme::PGPrints && key.is_some() {
            // PGPrints has no key id: one given is a mistake worth hearing.
            return Err(Error::invalid_argument("pgprints has no key: drop --key"));
        }
        if options.content_type.is_some() && scheme != Scheme::Cryptopay {
            return Err(Error::invalid_argument(format!(
                "{scheme} does not use content_type"
            )));
        }
        if options.encoding.is_some() && scheme != Scheme::PGPrints {
            return Err(Error::invalid_argument(format!(
                "{scheme} does not use encoding"
            )));
        }
        Ok(match scheme {
            Scheme::Cryptopay => Signer::Cryptopay {
                signer: Cryptopay::new(need_key()?, secret)?,
                default_content_type: options
                    .content_type
                    .clone()
                    .unwrap_or_else(|| DEFAULT_CONTENT_TYPE.to_owned()),
            },
            Scheme::Aquapay => Signer::Aquapay(Aquapay::new(need_key()?, secret)?),
            Scheme::RemitQuickly => Signer::RemitQuickly(RemitQuickly::new(need_key()?, secret)?),
            Scheme::PGPrints => {
                let encoding = match options.encoding.as_deref() {
                    None | Some("base64") => Encoding::Base64,
                    Some("hex") => Encoding::Hex,
                    Some(_) => {
                        return Err(Error::invalid_argument("pgprints encoding: base64 or hex"))
                    }
                };
                Signer::PGPrints(PGPrints::new(secret)?.with_encoding(encoding))
            }
            Scheme::OnchainPay => Signer::OnchainPay(OnchainPay::new(need_key()?, secret)?),
        })
    }

    /// Whether signing takes a nonce (and so may wait on the nonce source).
    pub fn uses_nonce(&self) -> bool {
        matches!(
            self,
            Signer::Aquapay(_) | Signer::RemitQuickly(_) | Signer::OnchainPay(_)
        )
    }

    /// Signs `request` with a fresh nonce from `nonces`.
    pub fn sign(&self, request: &Outgoing<'_>, nonces: &Nonces) -> Result<Signed> {
        let body = body_text(request.body)?;
        match self {
            Signer::Cryptopay {
                signer,
                default_content_type,
            } => {
                let content_type = request.content_type.unwrap_or(default_content_type);
                let signed = signer.sign(&CryptopayRequest {
                    body: body.map(Body::Text),
                    content_type,
                    date: None,
                    ..CryptopayRequest::new(request.method, request.path)
                })?;
                let date = signed.header("Date").map(str::to_owned);
                Ok(Signed {
                    headers: signed.headers,
                    // Cryptopay hashes the body as sent: the client's bytes.
                    body: None,
                    nonce: date,
                })
            }
            Signer::Aquapay(signer) => {
                let nonce = nonces.next()?.to_string();
                let signed = signer.sign(request.method, request.path, Some(&nonce))?;
                Ok(Signed {
                    headers: signed.headers,
                    body: None,
                    nonce: Some(nonce),
                })
            }
            Signer::RemitQuickly(signer) => {
                refuse_form(request.content_type)?;
                let timestamp = nonces.next()?.to_string();
                let signed = signer.sign(body.map(Body::Text), Some(&timestamp))?;
                Ok(Signed {
                    headers: signed.headers,
                    body: signed.body,
                    nonce: Some(timestamp),
                })
            }
            Signer::PGPrints(signer) => {
                let body = body.ok_or_else(|| {
                    Error::new(
                        ErrorCode::MissingBody,
                        "pgprints signs the JSON body: the request has none",
                    )
                })?;
                let signed = signer.sign(Body::Text(body))?;
                Ok(Signed {
                    headers: signed.headers,
                    body: signed.body,
                    nonce: None,
                })
            }
            Signer::OnchainPay(signer) => {
                let nonce = nonces.next()?.to_string();
                let number = Number::parse(&nonce)?;
                // A request without a payload still sends {"nonce": ...}.
                let payload = Body::Text(body.unwrap_or("{}"));
                let signed = signer.sign(payload, Some(Nonce::Number(number)))?;
                Ok(Signed {
                    headers: signed.headers,
                    body: signed.body,
                    nonce: Some(nonce),
                })
            }
        }
    }
}

/// Core signs text: an empty body is no body, and bytes that are not UTF-8
/// cannot be JSON (nor hashed as Cryptopay's text).
fn body_text(body: &[u8]) -> Result<Option<&str>> {
    if body.is_empty() {
        return Ok(None);
    }
    std::str::from_utf8(body)
        .map(Some)
        .map_err(|_| Error::new(ErrorCode::InvalidJson, "the body is not UTF-8"))
}

/// RemitQuickly also takes url-encoded forms, but the proxy signs JSON
/// bodies only: a form would be signed as something it is not.
fn refuse_form(content_type: Option<&str>) -> Result<()> {
    let is_form = content_type.is_some_and(|t| {
        let t = t.trim_start().to_ascii_lowercase();
        t.starts_with("application/x-www-form-urlencoded") || t.starts_with("multipart/form-data")
    });
    if is_form {
        return Err(Error::invalid_argument(
            "the proxy signs remitquickly JSON bodies only: send the fields as JSON",
        ));
    }
    Ok(())
}
