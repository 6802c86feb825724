//! [`CanonicalJson`]: text that is known to be canonical JSON.

use std::fmt;
use std::ops::Deref;

/// Canonical JSON text, as only this crate's canonicalization writes it
/// ([`Writer::finish`](super::Writer::finish),
/// [`CanonicalJson::parse`], [`canonicalize_tokens`](super::canonicalize_tokens)).
///
/// Holding one proves the text needs no second canonicalization, so a
/// signer can take it as it is ([`Body::Canonical`](crate::schemes::Body)).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CanonicalJson(String);

impl CanonicalJson {
    /// Canonicalizes `input` (any bytes; see
    /// [`canonicalize_with`](super::canonicalize_with)).
    pub fn parse(input: &[u8], options: &super::Options) -> crate::Result<CanonicalJson> {
        super::canonicalize_with(input, options).map(CanonicalJson)
    }

    /// Only canonicalization constructs one.
    pub(crate) fn new(text: String) -> CanonicalJson {
        CanonicalJson(text)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, as a `String`.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl Deref for CanonicalJson {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for CanonicalJson {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CanonicalJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<CanonicalJson> for String {
    fn from(canonical: CanonicalJson) -> String {
        canonical.0
    }
}

impl PartialEq<str> for CanonicalJson {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for CanonicalJson {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}
