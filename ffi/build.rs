//! Gives libpaysig.so its SONAME: Rust cdylibs get none by default, and
//! without one the dynamic linker cannot tell ABI versions apart.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os != "macos" && os != "ios" && os != "windows" {
        // Kept equal to PAYSIG_ABI_VERSION (src/version.rs; a test checks).
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libpaysig.so.0");
    }
}
