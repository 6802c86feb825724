//! libpaysig: the C ABI of paysig, for C, C++, Go (cgo) and PHP (FFI).
//!
//! `include/paysig.h` is generated from this crate by cbindgen
//! (`ffi/cbindgen.toml`), with `include/paysig_ffi.h`, the same
//! declarations without preprocessor lines, for PHP's `FFI::cdef`.
//!
//! The conventions (DESIGN.md, after rustls-ffi and libsodium), stated
//! once at the top of the header:
//!
//! - every symbol starts with `paysig_`; handles are opaque, created by a
//!   `*_new` (or `_build`) and released by their `*_free`, which accepts
//!   NULL;
//! - a fallible function returns a `paysig_result`; its out-parameters
//!   come after its inputs and are written only on success; its last
//!   parameter, `paysig_error **error`, may be NULL, and otherwise receives
//!   a new error object on failure (no thread-local state);
//! - inputs are `(pointer, length)` pairs, so they may hold any bytes;
//!   NULL with length 0 is the empty input, except where a parameter is
//!   documented as optional, where NULL means "not given";
//! - returned strings are NUL-terminated, come with their length and are
//!   owned by the object they came from;
//! - every entry point runs inside one boundary (`ffi_boundary!`): a panic
//!   becomes `PAYSIG_RESULT_PANIC`, never an abort or an unwind into C;
//! - every handle may be used from many threads at once.

// The C names are the ABI (`paysig_result`, not `PaysigResult`).
#![allow(non_camel_case_types)]
// Pointer rules are stated once (above, and at the top of paysig.h)
// rather than in a "Safety" section per function.
#![allow(clippy::missing_safety_doc)]
// The ABI takes one `(pointer, length)` pair per input.
#![allow(clippy::too_many_arguments)]

pub mod boundary;
pub mod buffer;
pub mod bytes;
pub mod error;
pub mod hmac;
pub mod json;
pub mod nonce_source;
#[cfg(test)]
#[allow(clippy::unwrap_used)] // a benchmark whose setup fails stops
mod overhead;
pub mod result;
pub mod signed;
pub mod signer;
pub mod verifier;
pub mod version;
