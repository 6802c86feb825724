//! The `paysig` binary against the shared vectors in tests/vectors/, plus
//! what is the CLI's own: secrets from the environment, error codes and
//! exit status, shell quoting of the curl output, secrets never printed.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const SIGNING_FILES: [&str; 5] = [
    "cryptopay",
    "aquapay",
    "remitquickly",
    "pgprints",
    "onchainpay",
];

/// A secret that appears nowhere else, so finding it in output is a leak.
const SECRET: &str = "Zq8-never-print-this-secret-7Kw";

fn vectors(scheme: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors")
        .join(format!("{scheme}.json"));
    let text = std::fs::read_to_string(&path).expect("vector file");
    let file: Value = serde_json::from_str(&text).expect("vector JSON");
    assert_eq!(file["scheme"], scheme);
    file
}

fn cases(scheme: &str) -> Vec<Value> {
    let cases = vectors(scheme)["cases"].as_array().expect("cases").clone();
    assert!(!cases.is_empty(), "{scheme}: no cases");
    cases
}

/// Runs the binary with `args`, optional stdin and extra environment.
fn run(args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_paysig"));
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("spawn paysig");
    let mut pipe = child.stdin.take().expect("stdin");
    pipe.write_all(stdin.unwrap_or_default())
        .expect("write stdin");
    drop(pipe);
    child.wait_with_output().expect("paysig output")
}

fn paysig(args: &[&str]) -> Output {
    run(args, None, &[])
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// Asserts a refusal: exit 2, `error: CODE: ` on stderr, nothing on stdout.
fn assert_refused(output: &Output, code: &str) {
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        stderr.starts_with(&format!("error: {code}: ")),
        "expected {code}, got: {stderr}"
    );
    assert!(output.stdout.is_empty());
}

fn field<'a>(case: &'a Value, name: &str) -> &'a str {
    case["input"][name]
        .as_str()
        .unwrap_or_else(|| panic!("input.{name} in {case}"))
}

/// The `sign`/`explain` arguments for one vector case (secret on the
/// command line).
fn case_args(scheme: &str, case: &Value) -> Vec<String> {
    let mut args: Vec<String> = vec![scheme.to_owned()];
    let mut add = |flag: &str, value: &str| {
        args.push(flag.to_owned());
        args.push(value.to_owned());
    };
    match scheme {
        "cryptopay" => {
            add("--key", field(case, "api_key"));
            add("--secret", field(case, "api_secret"));
            add("--method", field(case, "method"));
            add("--path", field(case, "path"));
            add("--content-type", field(case, "content_type"));
            add("--date", field(case, "date"));
            if let Some(body) = case["input"]["body"].as_str() {
                add("--body", body);
            }
        }
        "aquapay" => {
            add("--key", field(case, "api_key"));
            add("--secret", field(case, "api_secret"));
            add("--method", field(case, "method"));
            add("--path", field(case, "path"));
            add("--nonce", field(case, "nonce"));
        }
        "remitquickly" => {
            add("--key", field(case, "api_key"));
            add("--secret", field(case, "secret"));
            add("--body", field(case, "body_json"));
            add("--timestamp", field(case, "timestamp"));
        }
        "pgprints" => {
            add("--secret", field(case, "secret_key"));
            add("--body", field(case, "body_json"));
        }
        "onchainpay" => {
            add("--key", field(case, "public_key"));
            add("--secret", field(case, "private_key"));
            add("--body", field(case, "payload_json"));
            // A JSON number in the vectors; its decimal text on the CLI.
            add("--nonce", &case["input"]["nonce"].to_string());
        }
        _ => panic!("unknown scheme {scheme}"),
    }
    args
}

fn sign_json(args: &[String]) -> (Output, Option<Value>) {
    let mut full = vec!["sign"];
    full.extend(args.iter().map(String::as_str));
    full.extend(["--format", "json"]);
    let output = paysig(&full);
    let parsed = output
        .status
        .success()
        .then(|| serde_json::from_slice(&output.stdout).expect("sign prints JSON"));
    (output, parsed)
}

fn header_pairs(headers: &Value) -> Vec<(String, String)> {
    headers
        .as_object()
        .expect("headers object")
        .iter()
        .map(|(name, value)| (name.clone(), value.as_str().expect("string").to_owned()))
        .collect()
}

/// FORMAT.md's rule on the CLI's JSON: every expected field equals the
/// output's (`payload_json` is RemitQuickly's string to sign); headers also
/// in the expected order.
fn check_against_expect(scheme: &str, case: &Value, output: &Value) {
    let name = &case["name"];
    let expect = case["expect"].as_object().expect("expect");
    for (key, want) in expect {
        match key.as_str() {
            "headers" => assert_eq!(
                header_pairs(&output["headers"]),
                header_pairs(want),
                "{scheme} {name}: headers"
            ),
            "payload_json" => {
                assert_eq!(&output["string_to_sign"], want, "{scheme} {name}: payload")
            }
            other => assert_eq!(&output[other], want, "{scheme} {name}: {other}"),
        }
    }
}

#[test]
fn sign_matches_every_signing_vector() {
    let mut checked = 0;
    for scheme in SIGNING_FILES {
        for case in cases(scheme) {
            let (output, parsed) = sign_json(&case_args(scheme, &case));
            if let Some(code) = case["expect"]["error"].as_str() {
                assert_refused(&output, code);
            } else {
                let parsed = parsed.unwrap_or_else(|| {
                    panic!("{scheme} {}: {}", case["name"], text(&output.stderr))
                });
                check_against_expect(scheme, &case, &parsed);
            }
            checked += 1;
        }
    }
    assert!(checked >= SIGNING_FILES.len());
}

#[test]
fn cryptopay_sends_the_body_exactly_as_given() {
    for case in cases("cryptopay") {
        let (_, parsed) = sign_json(&case_args("cryptopay", &case));
        let parsed = parsed.expect("signed");
        assert_eq!(parsed["body"], case["input"]["body"], "{}", case["name"]);
    }
}

#[test]
fn explain_shows_the_expected_headers_and_strings() {
    for scheme in SIGNING_FILES {
        for case in cases(scheme) {
            if case["expect"].get("error").is_some() {
                continue;
            }
            let mut args = vec!["explain".to_owned()];
            args.extend(case_args(scheme, &case));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let output = paysig(&args);
            let stdout = text(&output.stdout);
            assert!(output.status.success(), "{}", text(&output.stderr));
            for (name, value) in header_pairs(&case["expect"]["headers"]) {
                assert!(
                    stdout.contains(&format!("   {name}: {value}\n")),
                    "{scheme} {}: header {name} missing from\n{stdout}",
                    case["name"]
                );
            }
            for key in ["payload_json", "body"] {
                if let Some(want) = case["expect"][key].as_str() {
                    assert!(stdout.contains(want), "{scheme}: {key} not shown");
                }
            }
            if let Some(want) = case["expect"]["string_to_sign"].as_str() {
                // Cryptopay's is multi-line: shown with visible \n.
                assert!(
                    stdout.contains(&want.replace('\n', "\\n")),
                    "{scheme}: string to sign not shown\n{stdout}"
                );
            }
        }
    }
}

#[test]
fn explain_shows_the_mac_in_hex_and_base64() {
    // Aquapay's signature is hex; its base64 form is checked by decoding,
    // which the test does with nothing but the vector's own hex.
    let case = &cases("aquapay")[0];
    let hex = case["expect"]["signature"].as_str().expect("hex");
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex digit"))
        .collect();
    let mut args = vec!["explain".to_owned()];
    args.extend(case_args("aquapay", case));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let stdout = text(&paysig(&args).stdout);
    assert!(stdout.contains(&format!("   {hex}\n")));
    assert!(stdout.contains(&format!("   {}\n", base64(&bytes))));
    assert!(stdout.contains("HMAC-SHA384"));
}

/// Standard padded base64, written here so the expectation does not come
/// from paysig.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn canonicalize_matches_every_canonical_vector() {
    for case in cases("canonical") {
        let input = field(&case, "json");
        let output = run(&["canonicalize"], Some(input.as_bytes()), &[]);
        match case["expect"]["error"].as_str() {
            Some(code) => assert_refused(&output, code),
            None => {
                assert!(output.status.success(), "{}", text(&output.stderr));
                // Piped output is exactly the canonical bytes, no newline.
                assert_eq!(
                    text(&output.stdout),
                    case["expect"]["canonical"].as_str().expect("canonical"),
                    "{}",
                    case["name"]
                );
            }
        }
    }
}

#[test]
fn canonicalize_reads_a_file_and_takes_options() {
    let case = &cases("canonical")[0];
    let dir = std::env::temp_dir().join(format!("paysig-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("in.json");
    std::fs::write(&file, field(case, "json")).expect("write");
    let output = paysig(&["canonicalize", file.to_str().expect("path")]);
    assert_eq!(
        text(&output.stdout),
        case["expect"]["canonical"].as_str().expect("canonical")
    );
    std::fs::remove_dir_all(&dir).ok();

    let missing = paysig(&["canonicalize", "/nonexistent/paysig/in.json"]);
    assert_refused(&missing, "invalid_argument");

    let deep = run(&["canonicalize", "--max-depth", "2"], Some(b"[[[1]]]"), &[]);
    assert_refused(&deep, "too_deep");
    let shallow = run(&["canonicalize", "--max-depth", "3"], Some(b"[[[1]]]"), &[]);
    assert_eq!(text(&shallow.stdout), "[[[1]]]");

    // Duplicate keys: refused when strict; JSON.parse keeps the last value
    // at the first key's position.
    let duplicate = br#"{"a":1,"b":2,"a":3}"#;
    assert_refused(
        &run(&["canonicalize"], Some(duplicate), &[]),
        "duplicate_key",
    );
    let lenient = run(&["canonicalize", "--lenient"], Some(duplicate), &[]);
    assert_eq!(text(&lenient.stdout), r#"{"a":3,"b":2}"#);
}

#[test]
fn secret_env_signs_like_secret() {
    let case = &cases("cryptopay")[0];
    let mut args = vec!["sign".to_owned()];
    args.extend(case_args("cryptopay", case));
    let at = args.iter().position(|a| a == "--secret").expect("--secret");
    args[at] = "--secret-env".to_owned();
    args[at + 1] = "PAYSIG_TEST_SECRET".to_owned();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let secret = field(case, "api_secret");
    let output = run(&args, None, &[("PAYSIG_TEST_SECRET", secret)]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let parsed: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    check_against_expect("cryptopay", case, &parsed);

    // Unset: invalid_argument naming the variable.
    let mut command = Command::new(env!("CARGO_BIN_EXE_paysig"));
    let output = command
        .args(&args)
        .env_remove("PAYSIG_TEST_SECRET")
        .output()
        .expect("run");
    assert_refused(&output, "invalid_argument");
    assert!(text(&output.stderr).contains("PAYSIG_TEST_SECRET"));
}

#[test]
fn secret_and_secret_env_exactly_one() {
    let neither = paysig(&["sign", "aquapay", "--key", "k", "--nonce", "1"]);
    assert_eq!(neither.status.code(), Some(2));
    let both = run(
        &[
            "sign",
            "aquapay",
            "--key",
            "k",
            "--secret",
            SECRET,
            "--secret-env",
            "V",
        ],
        None,
        &[("V", SECRET)],
    );
    assert_eq!(both.status.code(), Some(2));
    assert!(!text(&both.stderr).contains(SECRET));
}

#[test]
fn errors_have_a_code_and_exit_2() {
    let refusals: &[(&[&str], &str)] = &[
        (
            &["sign", "pgprints", "--secret", "s", "--body", "{amount: 1}"],
            "invalid_json",
        ),
        (
            &[
                "sign",
                "pgprints",
                "--secret",
                "s",
                "--body",
                "[12345678901234567890]",
            ],
            "number_out_of_range",
        ),
        (
            &[
                "sign",
                "pgprints",
                "--secret",
                "s",
                "--body",
                r#"{"a":1,"a":2}"#,
            ],
            "duplicate_key",
        ),
        (&["sign", "pgprints", "--secret", "s"], "invalid_argument"),
        (
            &["sign", "pgprints", "--secret", "", "--body", "{}"],
            "invalid_argument",
        ),
        (&["sign", "cryptopay", "--secret", "s"], "invalid_argument"),
        (
            &[
                "sign",
                "cryptopay",
                "--key",
                "k",
                "--secret",
                "s",
                "--nonce",
                "1",
            ],
            "invalid_argument",
        ),
        (
            &[
                "sign",
                "cryptopay",
                "--key",
                "k",
                "--secret",
                "s",
                "--path",
                "/a\r\nX-Evil: 1",
            ],
            "invalid_argument",
        ),
        (
            &[
                "sign",
                "cryptopay",
                "--key",
                "k",
                "--secret",
                "s",
                "--path",
                "no-slash",
            ],
            "invalid_argument",
        ),
        (
            &[
                "sign", "aquapay", "--key", "k", "--secret", "s", "--method", "P OST",
            ],
            "invalid_argument",
        ),
        (
            &[
                "sign",
                "onchainpay",
                "--key",
                "k",
                "--secret",
                "s",
                "--body",
                "[1]",
            ],
            "invalid_argument",
        ),
        (
            &[
                "sign",
                "onchainpay",
                "--key",
                "k",
                "--secret",
                "s",
                "--nonce",
                "99999999999999999999",
            ],
            "number_out_of_range",
        ),
        (
            &[
                "sign",
                "remitquickly",
                "--key",
                "k",
                "--secret",
                "s",
                "--date",
                "x",
            ],
            "invalid_argument",
        ),
        (
            &[
                "sign",
                "aquapay",
                "--key",
                "k",
                "--secret",
                "s",
                "--format",
                "curl",
                "--base-url",
                "ftp://x",
            ],
            "invalid_argument",
        ),
        (
            &[
                "sign",
                "pgprints",
                "--secret",
                "s",
                "--body-file",
                "/nonexistent/paysig/body",
            ],
            "invalid_argument",
        ),
        (
            &["explain", "pgprints", "--secret", "s", "--body", "{"],
            "invalid_json",
        ),
    ];
    for (args, code) in refusals {
        let output = paysig(args);
        assert_refused(&output, code);
    }
    // Usage errors are clap's, with status 2 as well.
    for args in [
        &["sign", "paypal", "--key", "k", "--secret", "s"][..],
        &["sign"][..],
        &["sign", "pgprints", "--secret", "s", "--format", "xml"][..],
        &["frobnicate"][..],
    ] {
        assert_eq!(paysig(args).status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn onchainpay_nonce_number_or_string() {
    let body = |nonce: &str| {
        let output = paysig(&[
            "sign",
            "onchainpay",
            "--key",
            "k",
            "--secret",
            "s",
            "--body",
            "{}",
            "--nonce",
            nonce,
        ]);
        let parsed: Value = serde_json::from_slice(&output.stdout).expect("JSON");
        parsed["body"].as_str().expect("body").to_owned()
    };
    assert_eq!(body("1643881172430"), r#"{"nonce":1643881172430}"#);
    assert_eq!(body("u-1"), r#"{"nonce":"u-1"}"#);
    assert_eq!(body("007"), r#"{"nonce":"007"}"#);
}

#[test]
fn body_file_and_stdin_keep_bytes() {
    let case = &cases("cryptopay")[0];
    let body = field(case, "body");
    let mut args = vec!["sign".to_owned()];
    args.extend(case_args("cryptopay", case));
    let at = args.iter().position(|a| a == "--body").expect("--body");
    args[at] = "--body-file".to_owned();
    args[at + 1] = "-".to_owned();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run(&args, Some(body.as_bytes()), &[]);
    let parsed: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    check_against_expect("cryptopay", case, &parsed);
}

/// The curl command, evaluated by bash with `curl` replaced by a function
/// that prints its arguments: what curl would really receive.
fn curl_argv(command: &str) -> Vec<String> {
    let script = format!("curl() {{ printf '%s\\0' \"$@\"; }}\n{command}");
    let output = Command::new("bash")
        .args(["-c", &script])
        .output()
        .expect("bash is needed to check the curl output");
    assert!(output.status.success(), "{}", text(&output.stderr));
    let mut argv: Vec<String> = text(&output.stdout)
        .split('\0')
        .map(str::to_owned)
        .collect();
    assert_eq!(argv.pop().as_deref(), Some(""));
    argv
}

#[test]
fn curl_output_survives_the_shell() {
    // Quotes, a newline, $ expansions, backslashes and ! in the body.
    let body = "{\"note\":\"O'Brien's \\\"$HOME\\\" `id` \\\\ !x\",\n \"n\":1}";
    let common = [
        "cryptopay",
        "--key",
        "k'1",
        "--secret",
        SECRET,
        "--path",
        "/api/x?a=1&b='2'",
        "--date",
        "Tue, 25 Sep 2018 17:41:40 GMT",
        "--body",
        body,
    ];
    let mut json_args = vec!["sign"];
    json_args.extend(common);
    let signed: Value = serde_json::from_slice(&paysig(&json_args).stdout).expect("JSON");

    let mut curl_args = json_args.clone();
    curl_args.extend([
        "--format",
        "curl",
        "--base-url",
        "https://pay.example.org/v2/",
    ]);
    let output = paysig(&curl_args);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let argv = curl_argv(&text(&output.stdout));

    let mut want = vec![
        "-X".to_owned(),
        "POST".to_owned(),
        "https://pay.example.org/v2/api/x?a=1&b='2'".to_owned(),
    ];
    for (name, value) in header_pairs(&signed["headers"]) {
        want.push("-H".to_owned());
        want.push(format!("{name}: {value}"));
    }
    want.push("--data-raw".to_owned());
    want.push(body.to_owned());
    assert_eq!(argv, want);
}

#[test]
fn curl_adds_json_content_type_for_schemes_without_one() {
    let case = &cases("pgprints")[0];
    let mut args = vec!["sign".to_owned()];
    args.extend(case_args("pgprints", case));
    args.extend(["--format".to_owned(), "curl".to_owned()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let argv = curl_argv(&text(&paysig(&args).stdout));
    let expect = &case["expect"];
    let signature = expect["headers"]["X-PGPrints-Hmac-Sha256"]
        .as_str()
        .expect("sig");
    assert_eq!(
        argv,
        [
            "-X",
            "POST",
            "https://api.example.com/",
            "-H",
            &format!("X-PGPrints-Hmac-Sha256: {signature}"),
            "-H",
            "Content-Type: application/json",
            "--data-raw",
            expect["string_to_sign"].as_str().expect("canonical body"),
        ]
    );
}

#[test]
fn http_output_is_a_raw_request() {
    let case = &cases("cryptopay")[0];
    let mut args = vec!["sign".to_owned()];
    args.extend(case_args("cryptopay", case));
    args.extend(["--format", "http", "--base-url", "http://localhost:8080"].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = text(&paysig(&args).stdout);
    let body = field(case, "body");
    let mut want = format!(
        "{} {} HTTP/1.1\r\nHost: localhost:8080\r\n",
        field(case, "method"),
        field(case, "path")
    );
    for (name, value) in header_pairs(&case["expect"]["headers"]) {
        want.push_str(&format!("{name}: {value}\r\n"));
    }
    want.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    assert_eq!(output, want);
}

#[test]
fn the_secret_is_never_printed() {
    let runs: Vec<Vec<&str>> = vec![
        vec![
            "sign",
            "cryptopay",
            "--key",
            "k",
            "--secret",
            SECRET,
            "--body",
            "{}",
        ],
        vec![
            "sign", "aquapay", "--key", "k", "--secret", SECRET, "--format", "curl",
        ],
        vec![
            "sign",
            "remitquickly",
            "--key",
            "k",
            "--secret",
            SECRET,
            "--format",
            "http",
        ],
        vec![
            "explain",
            "cryptopay",
            "--key",
            "k",
            "--secret",
            SECRET,
            "--body",
            "{}",
        ],
        vec!["explain", "aquapay", "--key", "k", "--secret", SECRET],
        vec![
            "explain",
            "remitquickly",
            "--key",
            "k",
            "--secret",
            SECRET,
            "--body",
            "{}",
        ],
        vec!["explain", "pgprints", "--secret", SECRET, "--body", "{}"],
        vec!["explain", "onchainpay", "--key", "k", "--secret", SECRET],
        vec!["explain", "onchainpay", "--key", "k", "--secret-env", "V"],
        // Errors after the secret was read.
        vec!["sign", "pgprints", "--secret", SECRET, "--body", "{bad"],
        vec!["sign", "cryptopay", "--key", "", "--secret", SECRET],
        vec![
            "sign",
            "cryptopay",
            "--key",
            "k",
            "--secret",
            SECRET,
            "--path",
            "/\n",
        ],
        vec!["sign", "aquapay", "--secret", SECRET],
        // Usage errors around the secret.
        vec![
            "sign", "aquapay", "--key", "k", "--secret", SECRET, "--secret", SECRET,
        ],
        vec![
            "sign", "aquapay", "--key", "k", "--secret", SECRET, "--bogus",
        ],
        vec![
            "sign",
            "aquapay",
            "--key",
            "k",
            "--secret-env",
            "V",
            "--secret",
            SECRET,
        ],
        vec!["sign", "bogus", "--secret", SECRET],
    ];
    let hyphen_secret = format!("-{SECRET}");
    let hyphen_run = vec![
        "sign",
        "pgprints",
        "--body",
        "{}",
        "--secret",
        &hyphen_secret,
    ];
    for args in runs.iter().chain([&hyphen_run]) {
        let output = run(args, None, &[("V", SECRET)]);
        for stream in [&output.stdout, &output.stderr] {
            assert!(
                !String::from_utf8_lossy(stream).contains(SECRET),
                "secret printed by {args:?}"
            );
        }
    }
}
