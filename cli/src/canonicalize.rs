//! `paysig canonicalize`: JSON.stringify(JSON.parse(text)), strict unless
//! told otherwise.

use std::io::IsTerminal as _;
use std::path::PathBuf;

use clap::Args;
use paysig::json::{self, Options, DEFAULT_MAX_DEPTH};
use paysig::Result;

use crate::input;

#[derive(Args)]
pub struct CanonicalizeArgs {
    /// The JSON file; stdin when absent or `-`.
    file: Option<PathBuf>,
    /// Read as JavaScript does instead of refusing: the last duplicate key
    /// wins, numbers are rounded to doubles.
    #[arg(long)]
    lenient: bool,
    /// Refuse nesting deeper than this (error too_deep).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_DEPTH)]
    max_depth: usize,
}

pub fn run(args: &CanonicalizeArgs) -> Result<()> {
    let text = input::read_bytes(args.file.as_deref())?;
    let options = Options {
        max_depth: args.max_depth,
        lenient: args.lenient,
    };
    let mut canonical = json::canonicalize_with(&text, &options)?.into_bytes();
    // Piped output is exactly the bytes that get signed (ready for a hash
    // or HMAC tool); only a terminal gets a closing newline.
    if std::io::stdout().is_terminal() {
        canonical.push(b'\n');
    }
    input::write_stdout(&canonical)
}
