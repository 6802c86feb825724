//! `paysig verify SCHEME --key ID --secret S [FILE]`: verifies one raw
//! HTTP/1.1 request with one key. Prints `ok ID` (exit 0) or
//! `error CODE STATUS MESSAGE` (exit 1); a request that cannot be read or
//! a bad option is `error: CODE: message` on stderr (exit 2).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use paysig::verify::{Keyring, Target};
use paysig::{Error, Result};

use crate::explanation;
use crate::http_request::{parse_target, ReceivedRequest, VerifierOptions};
use crate::secret::SecretArgs;

#[derive(Args)]
pub struct VerifyArgs {
    /// cryptopay, cryptopay-callback, aquapay, remitquickly, pgprints or
    /// onchainpay.
    #[arg(value_parser = parse_target)]
    scheme: Target,
    /// The key id (API key, public key; any name for pgprints and
    /// cryptopay-callback, which carry none).
    #[arg(long, value_name = "ID")]
    key: String,
    #[command(flatten)]
    secret: SecretArgs,
    #[command(flatten)]
    options: VerifierOptions,
    /// After a refusal, print the body `serve --explain` would answer:
    /// the provider's error body with what the verifier expected (string
    /// to sign, canonical body, time window).
    #[arg(long)]
    explain: bool,
    /// The raw request (request line, headers, blank line, body) [default:
    /// stdin].
    file: Option<PathBuf>,
}

/// Runs `verify`; the exit code says accepted (0), refused (1) or unusable
/// input (2).
pub fn main(args: &VerifyArgs) -> ExitCode {
    match run(args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(error) => {
            eprintln!("error: {}: {}", error.code(), error.message());
            ExitCode::from(2)
        }
    }
}

fn run(args: &VerifyArgs) -> Result<bool> {
    let raw = match &args.file {
        Some(path) => std::fs::read(path)
            .map_err(|e| Error::invalid_argument(format!("cannot read {}: {e}", path.display())))?,
        None => {
            let mut raw = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut raw)
                .map_err(|e| Error::invalid_argument(format!("cannot read stdin: {e}")))?;
            raw
        }
    };
    let request = ReceivedRequest::parse(&raw)?;
    let mut keyring = Keyring::new();
    keyring.add(&args.key, &args.secret.resolve()?)?;
    let verifier = args.options.build(args.scheme, keyring, 16);
    match request.verify(&verifier) {
        Ok(key_id) => {
            println!("ok {key_id}");
            Ok(true)
        }
        Err(e) => {
            println!("error {} {} {}", e.code(), e.status(), e.message());
            if args.explain {
                println!("{}", explanation::refusal_body(&e, true, true));
            }
            Ok(false)
        }
    }
}
