//! `conformance FILE`: runs one vector file through core's public API and
//! prints the runner output of tests/vectors/FORMAT.md (what
//! `tests/conformance/run.sh rust FILE` calls).

// The test suite also uses the runner's checker, which this binary does not.
#[allow(dead_code)]
#[path = "../tests/support/runner.rs"]
mod runner;

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: conformance FILE");
        return ExitCode::from(2);
    };
    let vectors = match std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
    {
        Ok(v) => v,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    match runner::run(&vectors) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            ExitCode::from(2)
        }
    }
}
