//! paysig: request signing and verification for payment APIs, byte for
//! byte as the providers' JavaScript computes it.
//!
//! Every provider here signs `JSON.stringify(...)` output. [`json`] produces
//! exactly those bytes; [`mac`] computes the HMACs; [`schemes`] holds one
//! module per provider.
//!
//! ```
//! use paysig::schemes::{Body, OnchainPay, Nonce};
//! use paysig::json::Number;
//!
//! let signer = OnchainPay::new("PUBLIC_KEY", "PRIVATE_KEY")?;
//! let nonce = Nonce::Number(Number::from_u64(1643881172430)?);
//! let signed = signer.sign(Body::Text(r#"{ "from": "ETH", "to": "USDT" }"#), Some(nonce))?;
//! assert_eq!(signed.body.as_deref(), Some(r#"{"from":"ETH","to":"USDT","nonce":1643881172430}"#));
//! assert_eq!(signed.header("x-api-signature"),
//!            Some("f92b84035984a24738edf034b6c0dfafb9a529d1399bbfc2ddc1a0cb20cba49c"));
//! # Ok::<(), paysig::Error>(())
//! ```

pub mod clock;
mod error;
pub mod json;
pub mod mac;
pub mod nonce;
pub mod schemes;
pub mod verify;

pub use error::{Error, ErrorCode, Result};
pub use schemes::{Scheme, SignedRequest};
