//! HMAC (RFC 2104) over SHA-1 and SHA-2, with hex and base64 encodings.
//!
//! A [`Key`] absorbs the key into the inner and outer hash states once;
//! every message then starts from a copy of those states, so signing many
//! requests with one secret never redoes the key schedule.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use hmac::{KeyInit, Mac as _};

use crate::error::{Error, Result};

/// A hash function for HMAC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// SHA-1 (Cryptopay).
    Sha1,
    /// SHA-256 (PGPrints, OnchainPay, Cryptopay callbacks).
    Sha256,
    /// SHA-384 (Aquapay).
    Sha384,
    /// SHA-512 (RemitQuickly).
    Sha512,
}

impl Algorithm {
    /// Every algorithm.
    pub const ALL: [Algorithm; 4] = [
        Algorithm::Sha1,
        Algorithm::Sha256,
        Algorithm::Sha384,
        Algorithm::Sha512,
    ];

    /// The lowercase name: `sha1`, `sha256`, `sha384`, `sha512`.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "sha1",
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha384 => "sha384",
            Algorithm::Sha512 => "sha512",
        }
    }

    /// The length of a MAC in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Algorithm::Sha1 => 20,
            Algorithm::Sha256 => 32,
            Algorithm::Sha384 => 48,
            Algorithm::Sha512 => 64,
        }
    }
}

impl FromStr for Algorithm {
    type Err = Error;

    /// Accepts `sha256`, `SHA-256`, `hmac-sha256` and the like.
    fn from_str(name: &str) -> Result<Algorithm> {
        let lower = name.to_ascii_lowercase();
        let bare = lower
            .strip_prefix("hmac-")
            .unwrap_or(&lower)
            .replace('-', "");
        Algorithm::ALL
            .into_iter()
            .find(|a| a.name() == bare)
            .ok_or_else(|| {
                Error::invalid_argument("unknown algorithm (sha1, sha256, sha384, sha512)")
            })
    }
}

/// How a MAC is written as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Lowercase hexadecimal (either case is accepted when decoding).
    Hex,
    /// Standard base64 alphabet, padded.
    Base64,
}

impl Encoding {
    /// `hex` or `base64`.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Hex => "hex",
            Encoding::Base64 => "base64",
        }
    }

    /// `bytes` written in this encoding.
    pub fn encode(self, bytes: &[u8]) -> String {
        match self {
            Encoding::Hex => base16ct::lower::encode_string(bytes),
            Encoding::Base64 => base64::engine::general_purpose::STANDARD.encode(bytes),
        }
    }

    /// The bytes `text` encodes, or `None` when it is not valid.
    pub fn decode(self, text: &str) -> Option<Vec<u8>> {
        match self {
            Encoding::Hex => base16ct::mixed::decode_vec(text).ok(),
            Encoding::Base64 => base64::engine::general_purpose::STANDARD.decode(text).ok(),
        }
    }
}

impl FromStr for Encoding {
    type Err = Error;

    fn from_str(name: &str) -> Result<Encoding> {
        match name.to_ascii_lowercase().as_str() {
            "hex" => Ok(Encoding::Hex),
            "base64" => Ok(Encoding::Base64),
            _ => Err(Error::invalid_argument("unknown encoding (hex, base64)")),
        }
    }
}

/// A MAC value: up to 64 bytes, compared only through [`Key::verify`].
#[derive(Clone, Copy)]
pub struct Tag {
    bytes: [u8; 64],
    len: usize,
}

impl Tag {
    /// The MAC bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// The MAC in `encoding`.
    pub fn encode(&self, encoding: Encoding) -> String {
        // Sized exactly, through `malloc` (base16ct's `encode_string`
        // zero-fills through `calloc`, which glibc serves more slowly).
        let len = match encoding {
            Encoding::Hex => 2 * self.len,
            Encoding::Base64 => self.len.div_ceil(3) * 4,
        };
        let mut out = String::with_capacity(len);
        self.encode_into(encoding, &mut out);
        out
    }

    /// Appends the MAC in `encoding` to `out`, with no intermediate
    /// `String`: a header that embeds the signature is built in one buffer.
    pub fn encode_into(&self, encoding: Encoding, out: &mut String) {
        match encoding {
            Encoding::Hex => {
                let mut hex = [0u8; 128];
                // 128 bytes hold the hex of the longest MAC (64 bytes), so
                // the error branch cannot be taken.
                if let Ok(text) = base16ct::lower::encode_str(self.as_bytes(), &mut hex) {
                    out.push_str(text);
                }
            }
            Encoding::Base64 => {
                base64::engine::general_purpose::STANDARD.encode_string(self.as_bytes(), out)
            }
        }
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tag({})", Encoding::Hex.encode(self.as_bytes()))
    }
}

/// An HMAC key with its key schedule computed. Cheap to clone; safe to
/// share between threads. Its `Debug` output names only the algorithm.
#[derive(Clone)]
pub struct Key {
    state: KeyedState,
}

// The hash states hold key material; the `zeroize` feature of `hmac`
// clears them on drop.
#[derive(Clone)]
enum KeyedState {
    Sha1(hmac::Hmac<sha1::Sha1>),
    Sha256(hmac::Hmac<sha2::Sha256>),
    Sha384(hmac::Hmac<sha2::Sha384>),
    Sha512(hmac::Hmac<sha2::Sha512>),
}

macro_rules! each_state {
    ($state:expr, $mac:ident => $body:expr) => {
        match $state {
            KeyedState::Sha1($mac) => $body,
            KeyedState::Sha256($mac) => $body,
            KeyedState::Sha384($mac) => $body,
            KeyedState::Sha512($mac) => $body,
        }
    };
}

impl Key {
    /// A key for `algorithm`. Any length is accepted, as RFC 2104 says,
    /// except empty: an empty secret is always a configuration mistake.
    pub fn new(algorithm: Algorithm, key: &[u8]) -> Result<Key> {
        if key.is_empty() {
            return Err(Error::invalid_argument("the HMAC key is empty"));
        }
        // `new_from_slice` accepts every length for HMAC; the fallback is
        // unreachable.
        let invalid = |_| Error::invalid_argument("the HMAC key was refused");
        let state = match algorithm {
            Algorithm::Sha1 => KeyedState::Sha1(KeyInit::new_from_slice(key).map_err(invalid)?),
            Algorithm::Sha256 => KeyedState::Sha256(KeyInit::new_from_slice(key).map_err(invalid)?),
            Algorithm::Sha384 => KeyedState::Sha384(KeyInit::new_from_slice(key).map_err(invalid)?),
            Algorithm::Sha512 => KeyedState::Sha512(KeyInit::new_from_slice(key).map_err(invalid)?),
        };
        Ok(Key { state })
    }

    /// The algorithm of this key.
    pub fn algorithm(&self) -> Algorithm {
        match self.state {
            KeyedState::Sha1(_) => Algorithm::Sha1,
            KeyedState::Sha256(_) => Algorithm::Sha256,
            KeyedState::Sha384(_) => Algorithm::Sha384,
            KeyedState::Sha512(_) => Algorithm::Sha512,
        }
    }

    /// The MAC of `message`.
    pub fn sign(&self, message: &[u8]) -> Tag {
        let mut tag = Tag {
            bytes: [0; 64],
            len: self.algorithm().output_len(),
        };
        each_state!(&self.state, mac => {
            let mut mac = mac.clone();
            mac.update(message);
            tag.bytes[..tag.len].copy_from_slice(&mac.finalize().into_bytes());
        });
        tag
    }

    /// Whether `expected` is the MAC of `message`, compared in constant
    /// time (a wrong length fails at once: lengths are public).
    pub fn verify(&self, message: &[u8], expected: &[u8]) -> bool {
        each_state!(&self.state, mac => {
            let mut mac = mac.clone();
            mac.update(message);
            mac.verify_slice(expected).is_ok()
        })
    }

    /// Whether `signature`, in `encoding`, is the MAC of `message`. Text
    /// that does not decode is simply not a match.
    pub fn verify_encoded(&self, message: &[u8], signature: &str, encoding: Encoding) -> bool {
        encoding
            .decode(signature.trim())
            .is_some_and(|bytes| self.verify(message, &bytes))
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("algorithm", &self.algorithm())
            .finish_non_exhaustive()
    }
}

/// Lowercase hex MD5 of `bytes` (Cryptopay's body digest; not a MAC).
pub fn md5_hex(bytes: &[u8]) -> String {
    md5_hex_in(bytes, &mut [0; 32]).to_owned()
}

/// [`md5_hex`] written into `out`, which it returns as text: Cryptopay
/// signs one per request, and this spares that an allocation.
pub(crate) fn md5_hex_in<'a>(bytes: &[u8], out: &'a mut [u8; 32]) -> &'a str {
    use md5::Digest as _;
    // An MD5 digest (16 bytes) is exactly 32 hex digits: `encode_str`
    // cannot fail, and its empty fallback is unreachable.
    base16ct::lower::encode_str(&md5::Md5::digest(bytes), out).unwrap_or_default()
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    base16ct::lower::encode_string(&sha2::Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_key_material() {
        let key = Key::new(Algorithm::Sha256, b"super-secret").unwrap();
        let shown = format!("{key:?}");
        assert_eq!(shown, "Key { algorithm: Sha256, .. }");
    }

    #[test]
    fn names_parse() {
        assert_eq!("SHA-256".parse::<Algorithm>().unwrap(), Algorithm::Sha256);
        assert_eq!("hmac-sha1".parse::<Algorithm>().unwrap(), Algorithm::Sha1);
        assert!("md5".parse::<Algorithm>().is_err());
        assert_eq!("Base64".parse::<Encoding>().unwrap(), Encoding::Base64);
        assert!("base32".parse::<Encoding>().is_err());
        assert!(Key::new(Algorithm::Sha1, b"").is_err());
    }

    #[test]
    fn verify_accepts_either_hex_case_and_refuses_garbage() {
        let key = Key::new(Algorithm::Sha256, b"k").unwrap();
        let hex = key.sign(b"m").encode(Encoding::Hex);
        assert!(key.verify_encoded(b"m", &hex, Encoding::Hex));
        assert!(key.verify_encoded(b"m", &hex.to_uppercase(), Encoding::Hex));
        assert!(!key.verify_encoded(b"n", &hex, Encoding::Hex));
        assert!(!key.verify_encoded(b"m", &hex[2..], Encoding::Hex));
        assert!(!key.verify_encoded(b"m", "zz", Encoding::Hex));
        assert!(!key.verify_encoded(b"m", "", Encoding::Base64));
    }

    #[test]
    fn encode_into_appends_what_encode_returns() {
        for algorithm in Algorithm::ALL {
            let tag = Key::new(algorithm, b"k").unwrap().sign(b"m");
            for encoding in [Encoding::Hex, Encoding::Base64] {
                let encoded = tag.encode(encoding);
                assert_eq!(encoded, encoding.encode(tag.as_bytes()));
                assert_eq!(encoded.len(), encoded.capacity());
                let mut out = String::from("x:");
                tag.encode_into(encoding, &mut out);
                assert_eq!(out, format!("x:{encoded}"));
            }
        }
    }

    #[test]
    fn md5_of_the_empty_string() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
    }
}
