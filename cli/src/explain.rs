//! `paysig explain SCHEME ...`: every step from the input to the headers,
//! so a developer facing a 401 can compare each one with what their own
//! code produces. Every value shown comes from core's `SignedRequest`; the
//! MAC's other encoding is the signature decoded, never a second signing.

use std::process::ExitCode;

use clap::Args;
use paysig::mac::{Algorithm, Encoding};
use paysig::schemes::Body;
use paysig::{Error, Result, Scheme};

use crate::input;
use crate::request::{Prepared, RequestArgs};
use crate::sign::parse_scheme;

#[derive(Args)]
pub struct ExplainArgs {
    /// cryptopay, aquapay, remitquickly, pgprints or onchainpay.
    #[arg(value_parser = parse_scheme)]
    scheme: Scheme,
    #[command(flatten)]
    request: RequestArgs,
    /// A signature your code produced for this request: says whether it
    /// matches and, if not, which input to check first (exit status 1).
    #[arg(long, value_name = "SIG", allow_hyphen_values = true)]
    signature: Option<String>,
}

/// Runs `explain`: exit 0, or 1 when `--signature` does not match, or 2
/// when the request cannot be signed.
pub fn main(args: &ExplainArgs) -> ExitCode {
    let outcome = args.request.prepare(args.scheme).and_then(|prepared| {
        let mut text = explain(&prepared)?;
        let matches = match &args.signature {
            Some(theirs) => {
                let (matches, verdict) = compare(&prepared, theirs);
                text.push_str(&verdict);
                matches
            }
            None => true,
        };
        input::write_stdout(text.as_bytes())?;
        Ok(matches)
    });
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(error) => {
            eprintln!("error: {}: {}", error.code(), error.message());
            ExitCode::from(2)
        }
    }
}

/// Whether `theirs` is this request's signature, and a paragraph saying so
/// or naming the input to check first. Their signature is compared with
/// one computed here from the same secret, so this reveals nothing the
/// caller does not already hold.
fn compare(prepared: &Prepared, theirs: &str) -> (bool, String) {
    let ours = &prepared.signed.signature;
    let encoding = prepared.mac_encoding;
    let theirs = theirs.trim();
    let mac = encoding.decode(ours).unwrap_or_default();
    let decoded = encoding.decode(theirs);
    if decoded.as_deref() == Some(mac.as_slice()) {
        return (true, "\nYour signature matches.\n".to_owned());
    }
    let other = match encoding {
        Encoding::Hex => Encoding::Base64,
        _ => Encoding::Hex,
    };
    let first = if other.decode(theirs).as_deref() == Some(mac.as_slice()) {
        format!(
            "it is the right MAC written in {}: the scheme sends {}.",
            other.name(),
            encoding.name()
        )
    } else if decoded.as_ref().map_or(true, |d| d.len() != mac.len()) {
        format!(
            "it is not a {}-byte MAC in {} ({} characters expected, {} given): check the encoding and the hash algorithm first.",
            mac.len(),
            encoding.name(),
            ours.len(),
            theirs.len()
        )
    } else {
        format!(
            "a well-formed MAC of other bytes or another secret. Check first {}",
            check_first(prepared.scheme)
        )
    };
    (
        false,
        format!(
            "\nYour signature does not match: {first}\n   yours    {theirs}\n   expected {ours}\n"
        ),
    )
}

/// The input most often different, per scheme, when a MAC is well formed
/// but wrong.
fn check_first(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Cryptopay => "the secret, then the Date and Content-Type exactly as sent, the body's MD5 (the exact bytes sent) and the path with its query string (steps 2-3).",
        Scheme::Aquapay => "the secret, then the nonce (the same text in x-nonce and the string to sign) and the path without its query string.",
        Scheme::RemitQuickly => "the secret, then that you sign the base64 payload text itself, not the JSON inside it.",
        Scheme::PGPrints => "the secret, then the body: the MAC is over JSON.stringify of it (the canonical JSON above), not your encoder's bytes.",
        Scheme::OnchainPay => "the secret (the private key, not the public one), then the body: the MAC is over the exact bytes sent, nonce included.",
    }
}

/// Numbered steps, each a title and indented lines.
struct Steps {
    out: String,
    count: usize,
}

impl Steps {
    fn new(heading: String) -> Steps {
        Steps {
            out: heading,
            count: 0,
        }
    }

    fn step<S: AsRef<str>>(&mut self, title: &str, lines: &[S]) {
        self.count += 1;
        self.out.push_str(&format!("{}. {title}\n", self.count));
        for line in lines {
            for part in line.as_ref().split('\n') {
                let indent = if part.is_empty() { "" } else { "   " };
                self.out.push_str(&format!("{indent}{part}\n"));
            }
        }
    }
}

fn explain(prepared: &Prepared) -> Result<String> {
    let signed = &prepared.signed;
    let mac = prepared
        .mac_encoding
        .decode(&signed.signature)
        .ok_or_else(|| Error::invalid_argument("the signature does not decode"))?;
    let algorithm = Algorithm::ALL
        .into_iter()
        .find(|a| a.output_len() == mac.len())
        .map_or("HMAC".to_owned(), |a| {
            format!("HMAC-{}", a.name().to_ascii_uppercase())
        });
    // e.g. "HMAC-SHA1(secret from $VAR, string to sign)"
    let mac_of = |message: &str| {
        format!(
            "{algorithm}(secret from {}, {message})",
            prepared.secret_source
        )
    };

    let mut steps = Steps::new(format!(
        "paysig explain {}: {} {}\n\n",
        prepared.scheme, prepared.method, prepared.path
    ));
    let input_body = || match &prepared.input_body {
        Some(body) => vec![format!("({} bytes)", body.len()), body.clone()],
        None => vec!["(none)".to_owned()],
    };
    let canonical = |body: &str| Body::Text(body).canonical();

    match prepared.scheme {
        Scheme::Cryptopay => {
            steps.step("Input body, hashed and sent byte for byte", &input_body());
            let fields: Vec<&str> = signed.string_to_sign.split('\n').collect();
            let labels = ["method", "body MD5", "content type", "date", "path"];
            steps.step(
                "MD5 of the body, hex (empty when there is no body or it is empty)",
                &[or_empty_mark(fields.get(1).copied().unwrap_or_default())],
            );
            let mut lines = vec![visible_newlines(&signed.string_to_sign), String::new()];
            for (label, field) in labels.iter().zip(&fields) {
                lines.push(format!("{label:<13} {}", or_empty_mark(field)));
            }
            steps.step(
                "String to sign: 5 fields joined by \\n (shown as \\n)",
                &lines,
            );
            mac_steps(
                &mut steps,
                &mac_of("string to sign"),
                &mac,
                prepared.mac_encoding,
            );
        }
        Scheme::Aquapay => {
            let mut lines = vec![format!(
                "method {}  path {}",
                prepared.method, prepared.path
            )];
            if prepared.path.contains(['?', '#']) {
                lines.push("the query string is not signed, only the path before it".to_owned());
            }
            steps.step("Request", &lines);
            steps.step(
                "String to sign: JSON of {httpMethod, path, nonce}, nonce as a string",
                &[signed.string_to_sign.as_str()],
            );
            mac_steps(
                &mut steps,
                &mac_of("string to sign"),
                &mac,
                prepared.mac_encoding,
            );
        }
        Scheme::RemitQuickly => {
            steps.step("Input body (none signs as {})", &input_body());
            if let Some(body) = &prepared.input_body {
                steps.step(
                    "Canonical JSON of the body (JSON.stringify)",
                    &[canonical(body)?],
                );
            }
            steps.step(
                "Payload JSON: {\"body\": body, \"timestamp\": timestamp as a string}",
                &[signed.string_to_sign.as_str()],
            );
            steps.step(
                "Payload in base64: the payload header, and the string that is signed",
                &[signed.header("payload").unwrap_or_default().to_owned()],
            );
            mac_steps(
                &mut steps,
                &mac_of("payload in base64"),
                &mac,
                prepared.mac_encoding,
            );
        }
        Scheme::PGPrints => {
            steps.step("Input body", &input_body());
            steps.step(
                "Canonical JSON of the body (JSON.stringify): the string to sign",
                &[signed.string_to_sign.as_str()],
            );
            mac_steps(
                &mut steps,
                &mac_of("canonical body"),
                &mac,
                prepared.mac_encoding,
            );
        }
        Scheme::OnchainPay => {
            steps.step("Input payload (none means {})", &input_body());
            let payload = prepared.input_body.as_deref().unwrap_or("{}");
            steps.step(
                "Canonical JSON of the payload (JSON.stringify)",
                &[canonical(payload)?],
            );
            steps.step(
                "Body with the nonce set (appended, or replaced in place): sent and signed",
                &[signed.string_to_sign.as_str()],
            );
            mac_steps(&mut steps, &mac_of("body"), &mac, prepared.mac_encoding);
        }
    }

    let headers: Vec<String> = signed
        .headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}"))
        .collect();
    steps.step("Headers", &headers);
    let body = match prepared.body_to_send() {
        Some(body) => vec![body.to_owned()],
        None => vec!["(none)".to_owned()],
    };
    steps.step("Body to send", &body);
    steps.out.push_str(&format!(
        "\nIf the server answers 401: {}\n",
        hint(prepared.scheme)
    ));
    Ok(steps.out)
}

/// The MAC in hex and in base64, marking which one is the signature.
fn mac_steps(steps: &mut Steps, mac_of: &str, mac: &[u8], encoding: Encoding) {
    for shown in [Encoding::Hex, Encoding::Base64] {
        let mark = if shown == encoding {
            " (the signature)"
        } else {
            ""
        };
        steps.step(
            &format!("{mac_of} in {}{mark}", shown.name()),
            &[shown.encode(mac)],
        );
    }
}

/// Where the usual mistakes hide, per scheme.
fn hint(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Cryptopay => "the server rebuilds step 3 from the Date and Content-Type it receives and the exact body bytes; a re-serialized body or a Date more than 15 minutes off fails.",
        Scheme::Aquapay => "the nonce must be fresh (within 30 s of the server's clock) and never used before, the method upper case, and the path without the query string.",
        Scheme::RemitQuickly => "the timestamp must be close to the server's clock, and the payload's body must equal the request body as the server parses it.",
        Scheme::PGPrints => "the server signs the JSON it receives, so send the canonical body of the last step exactly; some servers expect hex (--encoding hex).",
        Scheme::OnchainPay => "send the body of the last step byte for byte; the nonce must be one this key never used before.",
    }
}

/// `text` with each newline shown as a visible `\n`.
fn visible_newlines(text: &str) -> String {
    text.replace('\n', "\\n")
}

fn or_empty_mark(text: &str) -> String {
    if text.is_empty() {
        "(empty)".to_owned()
    } else {
        text.to_owned()
    }
}
