//! tests/vectors/verify.json covers every code each scheme can produce.
//! (The cases themselves run in tests/vectors.rs, through the shared runner.)

use serde_json::Value;
use std::path::PathBuf;

fn vectors() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/verify.json");
    let text = std::fs::read_to_string(&path).expect("tests/vectors/verify.json");
    serde_json::from_str(&text).expect("verify.json is JSON")
}

/// The brief's promise: every scheme has a valid case and a case for every
/// error code it can produce.
#[test]
fn every_scheme_covers_its_codes() {
    let vectors = vectors();
    let covered = |scheme: &str, code: &str| {
        vectors["cases"].as_array().expect("cases").iter().any(|c| {
            c["input"]["scheme"] == scheme
                && (c["expect"]["error"] == code
                    || (code == "ok" && c["expect"]["key_id"].is_string()))
        })
    };
    let common = [
        "ok",
        "missing_header",
        "malformed_header",
        "invalid_signature",
    ];
    let keyed_window = ["invalid_api_key", "timestamp_expired", "ahead_of_time"];
    let expected: [(&str, Vec<&str>); 6] = [
        ("cryptopay", [&common[..], &keyed_window[..]].concat()),
        ("cryptopay-callback", common.to_vec()),
        (
            "aquapay",
            [&common[..], &keyed_window[..], &["nonce_reused"][..]].concat(),
        ),
        (
            "remitquickly",
            [
                &common[..],
                &keyed_window[..],
                &[
                    "missing_timestamp",
                    "missing_body",
                    "body_mismatch",
                    "nonce_reused",
                ][..],
            ]
            .concat(),
        ),
        ("pgprints", [&common[..], &["invalid_json"][..]].concat()),
        (
            "onchainpay",
            [
                &common[..],
                &keyed_window[..],
                &["missing_timestamp", "nonce_reused"][..],
            ]
            .concat(),
        ),
    ];
    let mut missing = Vec::new();
    for (scheme, codes) in &expected {
        for code in codes {
            if !covered(scheme, code) {
                missing.push(format!("{scheme}: {code}"));
            }
        }
    }
    assert!(missing.is_empty(), "no case for: {missing:?}");
}
