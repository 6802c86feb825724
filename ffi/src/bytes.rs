//! Library-owned output strings: NUL-terminated, with their length, freed
//! by their own `*_free`.

use std::os::raw::c_char;

/// Owned bytes followed by a NUL that is not counted in the length, so C
/// can use them as a string while bodies may still hold any byte.
/// (A `Vec`, not a boxed slice: turning a `String` into one would
/// reallocate to shrink; the NUL usually fits in the spare capacity.)
#[derive(Clone)]
pub(crate) struct NulText(Vec<u8>);

impl NulText {
    pub(crate) fn new(text: impl Into<Vec<u8>>) -> NulText {
        let mut bytes = text.into();
        bytes.reserve_exact(1);
        bytes.push(0);
        NulText(bytes)
    }

    pub(crate) fn ptr(&self) -> *const c_char {
        self.0.as_ptr().cast()
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len() - 1
    }
}

/// A string the library allocated: `data[len]` is always NUL, and `data`
/// may also hold NUL bytes before it (bodies are bytes).
///
/// Read-only. Created only by paysig functions; release it with
/// `paysig_bytes_free`, exactly once. Safe to read from many threads.
#[repr(C)]
pub struct paysig_bytes {
    /// The bytes, followed by a NUL.
    pub data: *const c_char,
    /// The number of bytes, not counting the final NUL.
    pub len: usize,
}

/// What a `paysig_bytes *` points to: the public view first (so the two
/// pointers are the same), then the storage it views.
#[repr(C)]
struct OwnedBytes {
    view: paysig_bytes,
    storage: NulText,
}

/// Moves `text` into a new `paysig_bytes` for the caller.
pub(crate) fn into_raw(text: impl Into<Vec<u8>>) -> *mut paysig_bytes {
    let storage = NulText::new(text);
    let owned = Box::new(OwnedBytes {
        view: paysig_bytes {
            data: storage.ptr(),
            len: storage.len(),
        },
        storage,
    });
    Box::into_raw(owned).cast()
}

/// Releases a `paysig_bytes` returned by paysig. NULL is accepted and does
/// nothing. Never free the same pointer twice, nor one you allocated.
#[no_mangle]
pub unsafe extern "C" fn paysig_bytes_free(bytes: *mut paysig_bytes) {
    crate::ffi_boundary!(default: (), {
        if !bytes.is_null() {
            // SAFETY: the caller passes a pointer from `into_raw`, which
            // boxed an `OwnedBytes` whose first field is the view.
            drop(unsafe { Box::from_raw(bytes.cast::<OwnedBytes>()) });
        }
    })
}
