//! The request options shared by `sign` and `explain`, and signing them
//! with core. The CLI never builds a string to sign itself.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use paysig::json::Number;
use paysig::mac::Encoding;
use paysig::nonce::NonceSource;
use paysig::schemes::{cryptopay::DEFAULT_CONTENT_TYPE, Aquapay};
use paysig::schemes::{
    Body, Cryptopay, CryptopayRequest, Nonce, OnchainPay, PGPrints, RemitQuickly,
};
use paysig::{Error, Result, Scheme, SignedRequest};

use crate::input;
use crate::nonce_source;
use crate::secret::SecretArgs;

#[derive(Args)]
pub struct RequestArgs {
    /// API key (OnchainPay: public key). Not used by pgprints.
    #[arg(long)]
    key: Option<String>,
    #[command(flatten)]
    secret: SecretArgs,
    /// HTTP method [default: POST when there is a body to send, else GET].
    #[arg(long)]
    method: Option<String>,
    /// Request path after the base URL, query string included.
    #[arg(long, default_value = "/")]
    path: String,
    /// Request body (JSON text; cryptopay and aquapay send it unchanged).
    #[arg(long, conflicts_with = "body_file", allow_hyphen_values = true)]
    body: Option<String>,
    /// Read the body from FILE, bytes kept exactly (`-` = stdin).
    #[arg(long, value_name = "FILE")]
    body_file: Option<PathBuf>,
    /// Content-Type to sign and send (cryptopay) [default: application/json].
    #[arg(long)]
    content_type: Option<String>,
    /// Nonce (aquapay, onchainpay) [default: milliseconds since the epoch,
    /// increasing]. For onchainpay a decimal integer is a JSON number,
    /// anything else a JSON string.
    #[arg(long, allow_hyphen_values = true)]
    nonce: Option<String>,
    /// Where default nonces and timestamps come from: process, host (every
    /// process of this user on this machine, in /dev/shm/paysig-UID),
    /// host:DIR, or redis://… (every machine using that Redis)
    /// [default: host].
    #[arg(long, value_name = "SOURCE", value_parser = nonce_source::parse)]
    nonce_source: Option<Arc<dyn NonceSource>>,
    /// Timestamp in milliseconds (remitquickly) [default: now].
    #[arg(long, allow_hyphen_values = true)]
    timestamp: Option<String>,
    /// Date header value to sign and send (cryptopay) [default: now, as an
    /// HTTP date].
    #[arg(long)]
    date: Option<String>,
    /// How the signature is written (pgprints) [default: base64].
    #[arg(long, value_enum)]
    encoding: Option<EncodingArg>,
}

#[derive(Clone, Copy, ValueEnum)]
enum EncodingArg {
    Hex,
    Base64,
}

/// A signed request and everything `sign` and `explain` show about it.
pub struct Prepared {
    pub scheme: Scheme,
    /// The method to send, upper case.
    pub method: String,
    pub path: String,
    /// The body as given, if any.
    pub input_body: Option<String>,
    pub signed: SignedRequest,
    /// How `signed.signature` is written.
    pub mac_encoding: Encoding,
    /// Where the secret came from (`--secret` or `$VAR`), never its value.
    pub secret_source: String,
}

impl Prepared {
    /// The exact body to send: the scheme's signed body where it defines
    /// one, else the input body unchanged.
    pub fn body_to_send(&self) -> Option<&str> {
        self.signed.body.as_deref().or(self.input_body.as_deref())
    }
}

impl RequestArgs {
    /// Signs the request for `scheme` with core.
    pub fn prepare(&self, scheme: Scheme) -> Result<Prepared> {
        self.refuse_unused_options(scheme)?;
        if !self.path.starts_with('/') {
            return Err(Error::invalid_argument("the path must start with /"));
        }
        let input_body = self.read_body()?;
        let method = self.method(scheme, input_body.is_some())?;
        let secret = self.secret.resolve()?;
        let body = input_body.as_deref().map(Body::Text);
        let (signed, mac_encoding) = match scheme {
            Scheme::Cryptopay => {
                let signer = Cryptopay::new(self.key(scheme)?, &secret)?;
                let request = CryptopayRequest {
                    body,
                    content_type: self.content_type.as_deref().unwrap_or(DEFAULT_CONTENT_TYPE),
                    date: self.date.as_deref(),
                    ..CryptopayRequest::new(&method, &self.path)
                };
                (signer.sign(&request)?, Encoding::Base64)
            }
            Scheme::Aquapay => {
                let signer = Aquapay::new(self.key(scheme)?, &secret)?;
                let signer = self.with_source(signer, Aquapay::with_nonce_source);
                let signed = signer.sign(&method, &self.path, self.nonce.as_deref())?;
                (signed, Encoding::Hex)
            }
            Scheme::RemitQuickly => {
                let signer = RemitQuickly::new(self.key(scheme)?, &secret)?;
                let signer = self.with_source(signer, RemitQuickly::with_nonce_source);
                (signer.sign(body, self.timestamp.as_deref())?, Encoding::Hex)
            }
            Scheme::PGPrints => {
                let encoding = match self.encoding {
                    Some(EncodingArg::Hex) => Encoding::Hex,
                    Some(EncodingArg::Base64) | None => Encoding::Base64,
                };
                let signer = PGPrints::new(&secret)?.with_encoding(encoding);
                let body = body.ok_or_else(|| {
                    Error::invalid_argument(
                        "pgprints signs the JSON body: give --body or --body-file",
                    )
                })?;
                (signer.sign(body)?, signer.encoding())
            }
            Scheme::OnchainPay => {
                let signer = OnchainPay::new(self.key(scheme)?, &secret)?;
                let signer = self.with_source(signer, OnchainPay::with_nonce_source);
                let nonce = self.nonce.as_deref().map(onchainpay_nonce).transpose()?;
                // A request without a payload still sends {"nonce": ...}.
                let payload = body.unwrap_or(Body::Text("{}"));
                (signer.sign(payload, nonce)?, Encoding::Hex)
            }
        };
        Ok(Prepared {
            scheme,
            method,
            path: self.path.clone(),
            input_body,
            signed,
            mac_encoding,
            secret_source: self.secret.source(),
        })
    }

    /// `signer` with the `--nonce-source` given, if any (else core's
    /// default, the host source).
    fn with_source<S>(&self, signer: S, attach: fn(S, Arc<dyn NonceSource>) -> S) -> S {
        match &self.nonce_source {
            Some(source) => attach(signer, source.clone()),
            None => signer,
        }
    }

    fn key(&self, scheme: Scheme) -> Result<&str> {
        self.key
            .as_deref()
            .ok_or_else(|| Error::invalid_argument(format!("{scheme} needs --key")))
    }

    fn read_body(&self) -> Result<Option<String>> {
        match (&self.body, &self.body_file) {
            (Some(text), _) => Ok(Some(text.clone())),
            (None, Some(path)) => input::read_text(path).map(Some),
            (None, None) => Ok(None),
        }
    }

    fn method(&self, scheme: Scheme, has_body: bool) -> Result<String> {
        let method = match &self.method {
            Some(m) => m.to_ascii_uppercase(),
            // OnchainPay always sends a body (at least the nonce).
            None if has_body || scheme == Scheme::OnchainPay => "POST".to_owned(),
            None => "GET".to_owned(),
        };
        // Cryptopay and Aquapay sign the method and core checks it; for the
        // others it only goes into the request line of curl/http output.
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::invalid_argument(
                "the method must be a non-empty HTTP token such as POST",
            ));
        }
        Ok(method)
    }

    /// An option the scheme does not use is a mistake worth hearing about
    /// (a Date given to Aquapay is not signed, and the server won't care).
    fn refuse_unused_options(&self, scheme: Scheme) -> Result<()> {
        use Scheme::*;
        let options: [(&str, bool, &[Scheme]); 7] = [
            (
                "--key",
                self.key.is_some(),
                &[Cryptopay, Aquapay, RemitQuickly, OnchainPay],
            ),
            ("--content-type", self.content_type.is_some(), &[Cryptopay]),
            ("--nonce", self.nonce.is_some(), &[Aquapay, OnchainPay]),
            ("--timestamp", self.timestamp.is_some(), &[RemitQuickly]),
            (
                "--nonce-source",
                self.nonce_source.is_some(),
                &[Aquapay, RemitQuickly, OnchainPay],
            ),
            ("--date", self.date.is_some(), &[Cryptopay]),
            ("--encoding", self.encoding.is_some(), &[PGPrints]),
        ];
        for (name, given, used_by) in options {
            if given && !used_by.contains(&scheme) {
                return Err(Error::invalid_argument(format!(
                    "{scheme} does not use {name}"
                )));
            }
        }
        Ok(())
    }
}

/// OnchainPay's nonce: a decimal integer becomes a JSON number (as
/// `Date.now()` gives), anything else a JSON string.
fn onchainpay_nonce(text: &str) -> Result<Nonce<'_>> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let is_integer = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if is_integer {
        Ok(Nonce::Number(Number::parse(text)?))
    } else {
        Ok(Nonce::Text(text))
    }
}
