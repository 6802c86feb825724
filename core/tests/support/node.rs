//! Finding Node and running one of the scripts in `tests/node/` as a
//! single batch: every input goes to the script's stdin, one per line, and
//! one result per line comes back.
//!
//! A missing node fails the test when the environment variable `CI` is set;
//! elsewhere the test is skipped with a loud message on stderr.

// Each test crate that includes this module uses only part of it.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::thread;

/// A node executable that answered `--version`.
pub struct Node {
    program: PathBuf,
    /// What `node --version` printed, e.g. `v20.20.2`.
    pub version: String,
}

/// Finds node: `$NODE` if set, else `node` on the `PATH`.
///
/// Returns `None` (after printing "SKIPPED ...") when there is none and
/// `CI` is unset; panics when there is none and `CI` is set.
pub fn find(test: &str) -> Option<Node> {
    let program = PathBuf::from(std::env::var_os("NODE").unwrap_or_else(|| "node".into()));
    let answer = Command::new(&program)
        .arg("--version")
        .stdin(Stdio::null())
        .output();
    match answer {
        Ok(out) if out.status.success() => Some(Node {
            program,
            version: String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        }),
        failure => {
            let why = match failure {
                Ok(out) => format!(
                    "`{} --version` exited with {}",
                    program.display(),
                    out.status
                ),
                Err(e) => format!("cannot run `{}`: {e}", program.display()),
            };
            if std::env::var_os("CI").is_some() {
                panic!(
                    "{test}: node is required when CI is set, and {why} (set NODE=/path/to/node)"
                );
            }
            // Straight to the process's stderr, past the test harness's
            // capture, so a skip is seen even when the test "passes".
            let _ = writeln!(
                std::io::stderr(),
                "\n{line}\nSKIPPED: node not found ({why}); {test} did not run.\n\
                 Install Node.js or set NODE=/path/to/node. With CI set this fails.\n{line}",
                line = "*".repeat(70)
            );
            None
        }
    }
}

/// The path of a script in the repository's `tests/node/`.
pub fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/node")
        .join(name)
}

impl Node {
    /// Runs `tests/node/<script>` with `args`, writing `inputs` to its stdin
    /// one per line, and returns its stdout split into lines. Panics when
    /// node fails or does not answer once per input.
    pub fn run(&self, script_name: &str, args: &[&str], inputs: &[String]) -> Vec<String> {
        let mut child = Command::new(&self.program)
            .arg(script(script_name))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start node for {script_name}: {e}"));
        // Write from another thread while this one drains stdout and
        // stderr, so neither side can block on a full pipe.
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let mut text = String::with_capacity(inputs.iter().map(|s| s.len() + 1).sum());
        for input in inputs {
            debug_assert!(!input.contains('\n'), "inputs are one line each");
            text.push_str(input);
            text.push('\n');
        }
        let writer = thread::spawn(move || stdin.write_all(text.as_bytes()));
        let out = child
            .wait_with_output()
            .unwrap_or_else(|e| panic!("node {script_name}: {e}"));
        let written = writer.join().expect("the writer thread does not panic");
        assert!(
            out.status.success(),
            "node {script_name} exited with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        written.unwrap_or_else(|e| panic!("writing to node {script_name}: {e}"));
        let stdout = String::from_utf8(out.stdout)
            .unwrap_or_else(|e| panic!("node {script_name} wrote invalid UTF-8: {e}"));
        let lines: Vec<String> = stdout.lines().map(str::to_owned).collect();
        assert_eq!(
            lines.len(),
            inputs.len(),
            "node {script_name} must answer once per input line"
        );
        lines
    }
}

/// What `JSON.stringify(JSON.parse(text))` did in node, as written by
/// `tests/node/stringify.js`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed {
    /// The canonical text.
    Ok(String),
    /// `JSON.parse` threw; the error's message.
    Threw(String),
}

/// Reads one line of `stringify.js` output.
pub fn parsed(line: &str) -> Parsed {
    match line.split_once('\t') {
        Some(("ok", text)) => Parsed::Ok(text.to_owned()),
        Some(("error", message)) => Parsed::Threw(message.to_owned()),
        _ => panic!("unexpected line from stringify.js: {line:?}"),
    }
}
