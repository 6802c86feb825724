//! The host nonce source through its public API: several independent
//! sources (each maps the file on its own, as separate processes do) on one
//! directory, and every kind of bad file, each refused with its own message.
//! The multi-process tests are tests/c/test_nonce.c, python's
//! test_nonce_processes.py and mk/nonce.mk's php-fpm run.

#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::fs;
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use paysig::nonce::{HostNonces, NonceSource, ProcessNonces, Scope};
use paysig::schemes::{Aquapay, OnchainPay, Scheme};
use paysig::ErrorCode;

const SCOPE: Scope<'static> = Scope {
    scheme: Scheme::OnchainPay,
    key_id: "PUBLIC_KEY",
};

/// A fresh directory for one test (removed at the end of a passing test).
fn fresh_dir(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "paysig-nonce-test-{}-{name}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = fs::remove_dir_all(&dir);
    dir
}

fn uid() -> u32 {
    fs::metadata("/proc/self")
        .map(|m| m.uid())
        .unwrap_or(u32::MAX)
}

#[test]
fn many_mappings_never_repeat_and_each_increases() {
    let dir = fresh_dir("many");
    let per_thread: Vec<Vec<i64>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let dir = dir.clone();
                s.spawn(move || {
                    // One source per thread: eight separate mappings.
                    let source = HostNonces::new(dir);
                    (0..5_000)
                        .map(|_| source.next_nonce(SCOPE).unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut all = HashSet::new();
    for values in &per_thread {
        assert!(values.windows(2).all(|w| w[0] < w[1]), "not increasing");
        for v in values {
            assert!(all.insert(*v), "nonce {v} handed out twice");
        }
    }
    assert_eq!(all.len(), 40_000);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn files_and_directory_are_private_and_name_no_key() {
    let dir = fresh_dir("private");
    let source = HostNonces::new(&dir);
    let before = paysig::clock::Clock::now_millis(&paysig::clock::SystemClock);
    assert!(
        source.next_nonce(SCOPE).unwrap() >= before,
        "behind the clock"
    );
    let file = source.file_for(SCOPE);
    assert_eq!(fs::metadata(&dir).unwrap().mode() & 0o777, 0o700);
    let meta = fs::metadata(&file).unwrap();
    assert_eq!(meta.mode() & 0o777, 0o600);
    assert_eq!(meta.len(), 64);
    assert_eq!(&fs::read(&file).unwrap()[..8], b"PAYSIGNC");
    let name = file.file_name().unwrap().to_str().unwrap();
    assert!(!name.contains("PUBLIC_KEY"), "{name}");
    // Another key, another file; another scheme, another file.
    let other_key = Scope {
        key_id: "OTHER",
        ..SCOPE
    };
    let other_scheme = Scope {
        scheme: Scheme::Aquapay,
        ..SCOPE
    };
    assert_ne!(source.file_for(other_key), file);
    assert_ne!(source.file_for(other_scheme), file);
    // Only the scope's file and nothing left behind (no temporary files).
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn signers_take_a_source_and_an_explicit_nonce_wins() {
    let dir = fresh_dir("signer");
    let source: Arc<dyn NonceSource> = Arc::new(HostNonces::new(&dir));
    let signer = OnchainPay::new("PUBLIC_KEY", "PRIVATE_KEY")
        .unwrap()
        .with_nonce_source(source.clone());
    let from_source = source.next_nonce(SCOPE).unwrap();
    let signed = signer
        .sign(paysig::schemes::Body::Text("{}"), None)
        .unwrap();
    let body = signed.body.unwrap();
    let nonce: i64 = body
        .trim_start_matches("{\"nonce\":")
        .trim_end_matches('}')
        .parse()
        .unwrap();
    assert!(nonce > from_source, "the signer did not use the source");

    let aquapay = Aquapay::new("k", "s")
        .unwrap()
        .with_nonce_source(Arc::new(ProcessNonces));
    let explicit = aquapay.sign("GET", "/", Some("5")).unwrap();
    assert_eq!(explicit.header("x-nonce"), Some("5"));
    fs::remove_dir_all(&dir).unwrap();
}

/// Writes the scope's file through `damage`, then expects the refusal
/// `expected` (a part of the message) and the file left as it was.
fn refused(name: &str, damage: impl FnOnce(&PathBuf), expected: &str) {
    let dir = fresh_dir(name);
    let source = HostNonces::new(&dir);
    source.next_nonce(SCOPE).unwrap();
    let file = source.file_for(SCOPE);
    damage(&file);
    let before = fs::read(&file).unwrap();
    // A new source (a new process): the damaged file is opened afresh.
    let err = HostNonces::new(&dir).next_nonce(SCOPE).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NonceSourceUnavailable, "{err}");
    assert!(err.message().contains(expected), "{name}: {err}");
    assert!(!err.message().contains("PUBLIC_KEY"), "{err}");
    assert_eq!(
        fs::read(&file).unwrap(),
        before,
        "{name}: the file was changed"
    );
    let _ = fs::set_permissions(&file, fs::Permissions::from_mode(0o600));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn truncated_file_is_refused() {
    refused(
        "truncated",
        |f| fs::write(f, b"PAYSIGNC").unwrap(),
        "is 8 bytes, not 64",
    );
}

#[test]
fn file_of_another_format_is_refused() {
    refused(
        "magic",
        |f| fs::write(f, [b'x'; 64]).unwrap(),
        "not a paysig nonce file",
    );
    refused(
        "version",
        |f| {
            let mut bytes = fs::read(f).unwrap();
            bytes[8] = 2;
            fs::write(f, bytes).unwrap();
        },
        "format version 2",
    );
}

#[test]
fn read_only_file_is_refused_even_for_root() {
    // Root opens a 0400 file for writing all the same: the mode is checked.
    refused(
        "readonly",
        |f| fs::set_permissions(f, fs::Permissions::from_mode(0o400)).unwrap(),
        "not writable",
    );
}

#[test]
fn file_others_can_write_is_refused() {
    refused(
        "groupwrite",
        |f| fs::set_permissions(f, fs::Permissions::from_mode(0o660)).unwrap(),
        "others can change it",
    );
}

#[test]
fn file_of_another_user_is_refused() {
    if uid() != 0 {
        // Only root can give a file away.
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI runs as root; this test must run there"
        );
        eprintln!("SKIPPED file_of_another_user_is_refused: needs root (chown)");
        return;
    }
    refused(
        "owner",
        |f| std::os::unix::fs::chown(f, Some(4242), None).unwrap(),
        "belongs to uid 4242",
    );
}

#[test]
fn directory_others_can_write_is_refused() {
    let dir = fresh_dir("opendir");
    fs::create_dir(&dir).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
    let err = HostNonces::new(&dir).next_nonce(SCOPE).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NonceSourceUnavailable);
    assert!(err.message().contains("chmod it to 0700"), "{err}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn directory_that_cannot_be_created_is_refused() {
    let err = HostNonces::new("/proc/paysig-cannot-be-here")
        .next_nonce(SCOPE)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NonceSourceUnavailable);
    assert!(err.message().contains("cannot create"), "{err}");
}
