//! Release and ABI versions, as macros for the compiler and functions for
//! the library actually loaded.

use std::os::raw::c_char;

/// The release's major version (of the header; `paysig_version()` gives
/// the loaded library's).
pub const PAYSIG_VERSION_MAJOR: u32 = 0;
/// The release's minor version.
pub const PAYSIG_VERSION_MINOR: u32 = 1;
/// The release's patch version.
pub const PAYSIG_VERSION_PATCH: u32 = 0;
/// The ABI version: the number in the SONAME (`libpaysig.so.0`). It
/// changes whenever a declaration in this header changes incompatibly.
pub const PAYSIG_ABI_VERSION: u32 = 0;

/// The library's release version, e.g. `"0.1.0"`: a static string, never
/// freed.
#[no_mangle]
pub extern "C" fn paysig_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The loaded library's ABI version; a binding refuses to run when it
/// differs from the `PAYSIG_ABI_VERSION` it was written for.
#[no_mangle]
pub extern "C" fn paysig_abi_version() -> u32 {
    PAYSIG_ABI_VERSION
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn header_constants_follow_cargo_toml() {
        let number = |s: &str| s.parse::<u32>().unwrap();
        assert_eq!(
            PAYSIG_VERSION_MAJOR,
            number(env!("CARGO_PKG_VERSION_MAJOR"))
        );
        assert_eq!(
            PAYSIG_VERSION_MINOR,
            number(env!("CARGO_PKG_VERSION_MINOR"))
        );
        assert_eq!(
            PAYSIG_VERSION_PATCH,
            number(env!("CARGO_PKG_VERSION_PATCH"))
        );
        // SAFETY: a static NUL-terminated string.
        let version = unsafe { std::ffi::CStr::from_ptr(paysig_version()) };
        assert_eq!(version.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
        let build = include_str!("../build.rs");
        assert!(build.contains(&format!("libpaysig.so.{PAYSIG_ABI_VERSION}")));
    }
}
