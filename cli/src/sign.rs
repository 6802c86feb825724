//! `paysig sign SCHEME ...`: the headers and the body to send.

use clap::{Args, ValueEnum};
use paysig::{Result, Scheme};

use crate::input;
use crate::output;
use crate::request::RequestArgs;

#[derive(Args)]
pub struct SignArgs {
    /// cryptopay, aquapay, remitquickly, pgprints or onchainpay.
    #[arg(value_parser = parse_scheme)]
    scheme: Scheme,
    #[command(flatten)]
    request: RequestArgs,
    /// json: headers, body, string to sign, signature; curl: a command
    /// line; http: a raw HTTP/1.1 request.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Base URL for curl and http output.
    #[arg(long, value_name = "URL", default_value = "https://api.example.com")]
    base_url: String,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Curl,
    Http,
}

pub fn run(args: &SignArgs) -> Result<()> {
    let prepared = args.request.prepare(args.scheme)?;
    let text = match args.format {
        Format::Json => output::to_json(&prepared),
        Format::Curl => output::to_curl(&prepared, &args.base_url)?,
        Format::Http => output::to_http(&prepared, &args.base_url)?,
    };
    input::write_stdout(text.as_bytes())
}

/// Scheme names as core parses them.
pub fn parse_scheme(name: &str) -> Result<Scheme> {
    name.parse()
}
