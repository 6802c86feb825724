//! The one place core allows `unsafe`: the shared 64-bit word of a host
//! nonce file, mapped into memory, and the effective user id the files are
//! checked against.
//!
//! Why a mapping and not `read`/`write` under a lock: a compare-and-swap on
//! shared memory is one instruction, no lock is ever held, so a process
//! killed at any moment leaves the word valid (either its old or its new
//! value) and nobody waiting.
#![allow(unsafe_code)]

use std::fs::File;
use std::io;
use std::sync::atomic::AtomicU64;

use memmap2::{MmapOptions, MmapRaw};

/// The length of a host nonce file: one cache line.
pub(super) const FILE_LEN: usize = 64;
/// Where the counter lives in the file (8-byte aligned, after the header).
pub(super) const WORD_OFFSET: usize = 16;

/// A host nonce file mapped shared into this process.
#[derive(Debug)]
pub(super) struct SharedWord {
    map: MmapRaw,
}

impl SharedWord {
    /// Maps the first [`FILE_LEN`] bytes of `file`, which the caller has
    /// checked is a regular file of exactly that length with a valid
    /// header.
    pub(super) fn map(file: &File) -> io::Result<SharedWord> {
        let map = MmapOptions::new().len(FILE_LEN).map_raw(file)?;
        Ok(SharedWord { map })
    }

    /// The counter, shared with every process that maps the same file.
    pub(super) fn word(&self) -> &AtomicU64 {
        let ptr = self
            .map
            .as_mut_ptr()
            .wrapping_add(WORD_OFFSET)
            .cast::<u64>();
        // SAFETY: `map` is a live MAP_SHARED read-write mapping of FILE_LEN
        // bytes owned by `self`, so the 8 bytes at WORD_OFFSET stay valid
        // for the returned borrow. mmap returns page-aligned memory and
        // WORD_OFFSET is a multiple of 8, so the pointer is aligned for
        // AtomicU64. Every access to these bytes, in this process and in
        // the others mapping the file, is atomic through this function
        // (the header is read with pread, never through the mapping), so
        // there is no data race. What the type system cannot see: another
        // process of the same user truncating the file while it is mapped
        // would make the access fault (SIGBUS); the file lives in a 0700
        // directory of that user, and paysig never truncates it.
        unsafe { AtomicU64::from_ptr(ptr) }
    }
}

/// The effective user id of this process: the owner every host nonce file
/// and directory must have.
pub(super) fn effective_uid() -> u32 {
    // SAFETY: geteuid takes no arguments, cannot fail and touches no memory
    // of ours.
    unsafe { libc::geteuid() }
}
