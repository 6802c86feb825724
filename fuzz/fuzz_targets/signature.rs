//! signature: hex and base64 signature decoding, and constant-time
//! verification of encoded signatures, on any text.
//!
//! Properties: decoding never panics; what decodes re-encodes to the same
//! text (hex: up to case; base64: exactly, since the standard engine
//! refuses non-canonical padding and trailing bits); a random text never
//! verifies, and the MAC of the input, encoded, always does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paysig::mac::{Algorithm, Encoding, Key};

const ALGORITHMS: [Algorithm; 4] = [
    Algorithm::Sha1,
    Algorithm::Sha256,
    Algorithm::Sha384,
    Algorithm::Sha512,
];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for encoding in [Encoding::Hex, Encoding::Base64] {
        if let Some(bytes) = encoding.decode(&text) {
            let again = encoding.encode(&bytes);
            match encoding {
                Encoding::Hex => assert!(again.eq_ignore_ascii_case(&text), "hex round trip"),
                Encoding::Base64 => assert_eq!(again, text, "base64 round trip"),
            }
        }
        for algorithm in ALGORITHMS {
            let key = Key::new(algorithm, b"fuzz key").expect("a non-empty key");
            // The message is the signature text itself: a fixed point of an
            // HMAC is not something a fuzzer finds.
            assert!(
                !key.verify_encoded(data, &text, encoding),
                "a random signature verified"
            );
            let right = key.sign(data).encode(encoding);
            assert!(key.verify_encoded(data, &right, encoding));
            let bytes = encoding.decode(&text).unwrap_or_default();
            assert!(!key.verify(data, &bytes) || bytes == key.sign(data).as_bytes());
        }
    }
    if let Ok(algorithm) = text.parse::<Algorithm>() {
        assert!(algorithm.output_len() <= 64);
    }
    let _ = text.parse::<Encoding>();
});
