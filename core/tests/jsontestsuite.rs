//! JSONTestSuite (`tests/jsontestsuite/test_parsing`) through paysig's
//! parser, each file under `catch_unwind` so a panic is reported per file:
//!
//! - `y_` files are accepted with exactly node's
//!   `JSON.stringify(JSON.parse(text))`, computed live; the two
//!   `y_object_duplicated_key*` files are refused as `duplicate_key` by
//!   design (lenient mode gives node's output for them);
//! - `n_` files are refused, in both modes;
//! - `i_` files get the answer documented in `tests/jsontestsuite/README.md`,
//!   whose table this test reads, so the document cannot drift.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use paysig::json::{canonicalize_with, Options};
use paysig::Result;
use support::node::{self, Parsed};

/// The y_ files strict paysig refuses on purpose.
const DUPLICATE_KEY_FILES: [&str; 2] = [
    "y_object_duplicated_key.json",
    "y_object_duplicated_key_and_value.json",
];

fn suite_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/jsontestsuite")
}

/// What paysig did with one input: its output, its refusal, or a panic.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Accepted(String),
    Refused(&'static str),
    Panicked,
}

impl Outcome {
    /// The answer as the README's table writes it.
    fn answer(&self) -> &str {
        match self {
            Outcome::Accepted(_) => "accepted",
            Outcome::Refused(code) => code,
            Outcome::Panicked => "PANIC",
        }
    }
}

fn run(bytes: &[u8], options: &Options) -> Outcome {
    let result: std::thread::Result<Result<String>> =
        catch_unwind(AssertUnwindSafe(|| canonicalize_with(bytes, options)));
    match result {
        Ok(Ok(text)) => Outcome::Accepted(text),
        Ok(Err(e)) => Outcome::Refused(e.code().as_str()),
        Err(_) => Outcome::Panicked,
    }
}

/// The `i_` rows of the README's table: file → (strict, lenient) answers.
fn documented_answers() -> BTreeMap<String, (String, String)> {
    let readme = suite_dir().join("README.md");
    let text = fs::read_to_string(&readme)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", readme.display()));
    let mut rows = BTreeMap::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // "| `i_x.json` | `code` | `code` | why |" splits into 6 cells.
        let [_, file, strict, lenient, _why, _] = cells[..] else {
            continue;
        };
        let unquote = |cell: &str| cell.trim_matches('`').to_owned();
        let file = unquote(file);
        if !file.starts_with("i_") {
            continue;
        }
        let previous = rows.insert(file.clone(), (unquote(strict), unquote(lenient)));
        assert!(previous.is_none(), "README.md lists {file} twice");
    }
    rows
}

#[test]
fn jsontestsuite_parsing() {
    let test = "jsontestsuite_parsing";
    let Some(node) = node::find(test) else { return };
    let dir = suite_dir().join("test_parsing");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() > 300,
        "JSONTestSuite is incomplete in {}",
        dir.display()
    );

    let paths: Vec<String> = files
        .iter()
        .map(|path| {
            let path = path.to_str().expect("a UTF-8 path");
            assert!(!path.contains('\n'), "one path per line");
            path.to_owned()
        })
        .collect();
    let javascript = node.run("stringify.js", &["--files"], &paths);

    let mut documented = documented_answers();
    let mut failures = Vec::new();
    let (mut accepted, mut refused, mut informative) = (0, 0, 0);
    let mut node_accepts_n = Vec::new();
    for (path, line) in files.iter().zip(&javascript) {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a UTF-8 file name")
            .to_owned();
        let bytes = fs::read(path).unwrap_or_else(|e| panic!("cannot read {name}: {e}"));
        let strict = run(&bytes, &Options::default());
        let lenient = run(&bytes, &Options::lenient());
        let js = node::parsed(line);
        let mut fail = |what: String| failures.push(format!("{name}: {what}"));
        if strict == Outcome::Panicked || lenient == Outcome::Panicked {
            fail(format!("panicked (strict {strict:?}, lenient {lenient:?})"));
            continue;
        }
        let node_text = match &js {
            Parsed::Ok(text) => Some(text),
            Parsed::Threw(_) => None,
        };
        let node_accepted = |outcome: &Outcome| match outcome {
            Outcome::Accepted(text) => node_text == Some(text),
            _ => false,
        };
        match name.as_bytes()[0] {
            b'y' => {
                if node_text.is_none() {
                    fail(format!("node refused a y_ file: {js:?}"));
                } else if DUPLICATE_KEY_FILES.contains(&name.as_str()) {
                    if strict != Outcome::Refused("duplicate_key") {
                        fail(format!("strict: expected duplicate_key, got {strict:?}"));
                    }
                } else if !node_accepted(&strict) {
                    fail(format!("strict gave {strict:?}, node {js:?}"));
                }
                if !node_accepted(&lenient) {
                    fail(format!("lenient gave {lenient:?}, node {js:?}"));
                }
                accepted += 1;
            }
            b'n' => {
                for (mode, outcome) in [("strict", &strict), ("lenient", &lenient)] {
                    if let Outcome::Accepted(text) = outcome {
                        fail(format!("{mode} accepted an n_ file as {text:?}"));
                    }
                }
                if node_text.is_some() {
                    node_accepts_n.push(name.clone());
                }
                refused += 1;
            }
            b'i' => {
                informative += 1;
                let Some((want_strict, want_lenient)) = documented.remove(&name) else {
                    fail(format!(
                        "missing from README.md: | `{name}` | `{}` | `{}` | why |  (node: {js:?})",
                        strict.answer(),
                        lenient.answer()
                    ));
                    continue;
                };
                for (mode, outcome, want) in [
                    ("strict", &strict, want_strict),
                    ("lenient", &lenient, want_lenient),
                ] {
                    if outcome.answer() != want {
                        fail(format!(
                            "{mode}: README.md says {want}, paysig gave {outcome:?} (node: {js:?})"
                        ));
                    } else if want == "accepted" && !node_accepted(outcome) {
                        // An accepted i_ file is still JavaScript's reading.
                        fail(format!("{mode} gave {outcome:?}, node {js:?}"));
                    }
                }
            }
            _ => {}
        }
    }
    for name in documented.keys() {
        failures.push(format!(
            "README.md documents {name}, which is not in the suite"
        ));
    }
    assert!(
        failures.is_empty(),
        "{} JSONTestSuite failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!(
        "{test}: {accepted} y_ accepted as node {} does, {refused} n_ refused, \
         {informative} i_ as documented; n_ files node accepts: {node_accepts_n:?}",
        node.version
    );
}
