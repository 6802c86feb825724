//! Reading inputs from files or stdin, and writing results to stdout.

use std::io::{self, Read, Write};
use std::path::Path;

use paysig::{Error, Result};

/// The bytes of `path`, or of stdin when `path` is `None` or `-`.
pub fn read_bytes(path: Option<&Path>) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    match path {
        None => read_stdin(&mut bytes)?,
        Some(p) if p.as_os_str() == "-" => read_stdin(&mut bytes)?,
        Some(p) => {
            bytes = std::fs::read(p).map_err(|e| {
                Error::invalid_argument(format!("cannot read {}: {e}", p.display()))
            })?;
        }
    }
    Ok(bytes)
}

/// The text of `path` (or stdin), which must be UTF-8: every scheme signs
/// text. The bytes are kept exactly, trailing newline included.
pub fn read_text(path: &Path) -> Result<String> {
    String::from_utf8(read_bytes(Some(path))?)
        .map_err(|_| Error::invalid_argument(format!("{} is not valid UTF-8", shown_name(path))))
}

fn shown_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "stdin".to_owned()
    } else {
        path.display().to_string()
    }
}

fn read_stdin(bytes: &mut Vec<u8>) -> Result<()> {
    io::stdin()
        .lock()
        .read_to_end(bytes)
        .map(|_| ())
        .map_err(|e| Error::invalid_argument(format!("cannot read stdin: {e}")))
}

/// Writes `bytes` to stdout. A closed pipe (`paysig explain ... | head`)
/// is not an error.
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::invalid_argument(format!(
            "cannot write to stdout: {e}"
        ))),
        _ => Ok(()),
    }
}
