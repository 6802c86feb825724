//! `paysig completions`: each output names every subcommand, so a
//! completion or man page generated from a stale definition fails here.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::process::Command;

const PAYSIG: &str = env!("CARGO_BIN_EXE_paysig");
const SUBCOMMANDS: [&str; 6] = [
    "canonicalize",
    "sign",
    "explain",
    "verify",
    "serve",
    "completions",
];

fn run(target: &str) -> String {
    let out = Command::new(PAYSIG)
        .args(["completions", target])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{target}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_shell_and_the_man_page_name_every_subcommand() {
    for target in ["bash", "zsh", "fish", "man"] {
        let text = run(target);
        for subcommand in SUBCOMMANDS {
            assert!(text.contains(subcommand), "{target} lacks {subcommand}");
        }
    }
    assert!(run("man").starts_with(".ie"), "not roff");
    assert!(run("bash").contains("complete -F _paysig"));
    assert!(run("fish").contains("complete -c paysig"));
    assert!(run("zsh").starts_with("#compdef paysig"));
}

#[test]
fn an_unknown_shell_is_refused() {
    let out = Command::new(PAYSIG)
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
