//! `paysig`: sign, explain and canonicalize payment API requests from the
//! shell, with the same core that every binding uses.
//!
//! Every subcommand returns `paysig::Result<()>`; `main` prints an error as
//! `error: CODE: message` on stderr and exits with status 2 (clap's usage
//! errors exit 2 as well).

mod canonicalize;
mod envelope;
mod explain;
mod explanation;
mod http_request;
mod input;
mod nonce_source;
mod output;
mod proxy;
mod request;
mod request_log;
mod responses;
mod secret;
mod serve;
mod sign;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Sign, explain and canonicalize requests for the Cryptopay, Aquapay,
/// RemitQuickly, PGPrints and OnchainPay APIs, byte for byte as the
/// providers' own JavaScript does.
#[derive(Parser)]
#[command(name = "paysig", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the canonical JSON of a file or stdin: exactly
    /// JSON.stringify(JSON.parse(text)).
    Canonicalize(canonicalize::CanonicalizeArgs),
    /// Sign a request and print the headers and the body to send.
    Sign(sign::SignArgs),
    /// Show every step of signing a request: what to compare when the
    /// provider answers 401.
    Explain(explain::ExplainArgs),
    /// Verify one raw HTTP/1.1 request with one key: prints `ok ID` (exit
    /// 0) or `error CODE STATUS MESSAGE` (exit 1).
    Verify(verify::VerifyArgs),
    /// A local sandbox on 127.0.0.1 that verifies requests as the provider
    /// does.
    Serve(serve::ServeArgs),
    /// A signing sidecar: signs each request that passes through and
    /// forwards it to the provider.
    Proxy(proxy::ProxyArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Canonicalize(args) => canonicalize::run(&args),
        Command::Sign(args) => sign::run(&args),
        Command::Explain(args) => return explain::main(&args),
        Command::Verify(args) => return verify::main(&args),
        Command::Serve(args) => return serve::main(&args),
        Command::Proxy(args) => return proxy::main(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}: {}", error.code(), error.message());
            ExitCode::from(2)
        }
    }
}
