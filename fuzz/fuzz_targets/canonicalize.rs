//! canonicalize: any bytes, strict and lenient. Properties checked on
//! every accepted input:
//! - the output is canonical: canonicalizing it again gives it back;
//! - strict output parses (serde_json, an independent parser) as the same
//!   value as the input: same numbers as doubles, same strings, same
//!   members (order aside: canonical order is JavaScript's, not the text's);
//! - lenient output is accepted by the strict parser (JavaScript's own
//!   output never holds anything JavaScript would change).
//! Refusals must carry one of the JSON error codes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paysig::json::{canonicalize_with, Options};
use paysig::ErrorCode;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let strict = Options::default();
    match canonicalize_with(data, &strict) {
        Ok(canonical) => {
            let again = canonicalize_with(canonical.as_bytes(), &strict)
                .expect("canonical output is accepted");
            assert_eq!(again, canonical, "canonical output is a fixed point");
            check_same_value(data, &canonical);
        }
        Err(error) => assert_json_code(error.code()),
    }
    match canonicalize_with(data, &Options::lenient()) {
        Ok(canonical) => {
            let again = canonicalize_with(canonical.as_bytes(), &strict)
                .expect("lenient output is strict JSON");
            assert_eq!(again, canonical, "lenient output is a fixed point");
        }
        Err(error) => assert_json_code(error.code()),
    }
});

fn assert_json_code(code: ErrorCode) {
    assert!(
        matches!(
            code,
            ErrorCode::InvalidJson
                | ErrorCode::NumberOutOfRange
                | ErrorCode::DuplicateKey
                | ErrorCode::InvalidString
                | ErrorCode::TooDeep
        ),
        "unexpected code {code}"
    );
}

fn check_same_value(input: &[u8], canonical: &str) {
    let parse = |bytes: &[u8]| serde_json::from_slice::<Value>(bytes);
    let output = match parse(canonical.as_bytes()) {
        Ok(value) => value,
        // serde_json stops at 128 levels; paysig's limit is 128 too but
        // counted differently at the edge: not a difference in value.
        Err(e) if e.to_string().contains("recursion limit") => return,
        Err(e) => panic!("canonical output is not JSON to serde_json: {e}"),
    };
    let original = match parse(input) {
        Ok(value) => value,
        Err(e) if e.to_string().contains("recursion limit") => return,
        Err(e) => panic!("paysig accepted what serde_json refuses: {e}"),
    };
    assert!(same(&original, &output), "the value changed");
}

/// Equal as JavaScript sees them: numbers as doubles, objects as sets of
/// members (serde_json's map is sorted, so order does not matter here).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}
