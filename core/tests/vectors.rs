//! Every shared vector file, through core's public API.

#[path = "support/runner.rs"]
mod runner;

use std::path::PathBuf;

fn vector_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/vectors exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_vector_file_passes() {
    let files = vector_files();
    assert!(
        files.len() >= 7,
        "expected the shared vector files, found {files:?}"
    );
    let mut cases = 0;
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable vector file");
        let vectors: serde_json::Value = serde_json::from_str(&text).expect("vector file is JSON");
        let report = runner::run(&vectors).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        cases += vectors["cases"].as_array().map_or(0, Vec::len);
        for failure in runner::failures(&vectors, &report) {
            failures.push(format!("{}: {failure}", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{cases} vector cases passed in {} files", files.len());
}
