//! Object keys as JavaScript orders them, and duplicate detection.

use std::hash::{BuildHasher, RandomState};

/// The array index a key denotes in JavaScript: the canonical decimal form
/// of an integer 0 ..= 2^32 − 2. Such keys come first, ascending, in every
/// JavaScript object; all other keys keep their insertion order.
#[inline]
pub(crate) fn array_index(key: &[u8]) -> Option<u32> {
    // Most keys start with a letter: one comparison says "not an index".
    if !key.first()?.is_ascii_digit() || key.len() > 10 || (key.len() > 1 && key[0] == b'0') {
        return None;
    }
    let mut value: u64 = 0;
    for &b in key {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + u64::from(b - b'0');
    }
    // 2^32 − 1 is not an array index, so it stays in insertion order.
    u32::try_from(value).ok().filter(|&v| v != u32::MAX)
}

/// The order in which `JSON.stringify` writes members whose keys have these
/// array indices (`None` for other keys): indices ascending, then the rest
/// as inserted.
pub(crate) fn javascript_order(indices: &[Option<u32>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..indices.len())
        .filter(|&i| indices[i].is_some())
        .collect();
    order.sort_by_key(|&i| indices[i]);
    order.extend((0..indices.len()).filter(|&i| indices[i].is_none()));
    order
}

/// Objects up to this many members are checked for duplicates by scanning;
/// larger ones switch to a hash table so that a huge object stays linear.
const SCAN_LIMIT: usize = 16;

/// Finds a key that repeats an earlier key of the same object.
///
/// Small objects keep one bit per key fingerprint: a key whose bit is clear
/// cannot repeat, so the scan of earlier keys runs only on a likely repeat.
/// Large objects index their keys in a table of member positions (keys are
/// compared where they lie, nothing is copied), hashed with std's
/// randomly keyed SipHash so crafted keys cannot make it quadratic.
#[derive(Default)]
pub(crate) struct DuplicateFinder {
    seen: u64,
    table: Option<Box<KeyTable>>,
}

impl DuplicateFinder {
    /// The position of an earlier key equal to `key` among the object's
    /// `count` earlier keys (`key_at(i)` is the i-th); `None` when `key` is
    /// new, which also records it.
    #[inline]
    pub(crate) fn find<'k>(
        &mut self,
        key: &[u8],
        count: usize,
        key_at: impl Fn(usize) -> &'k [u8],
    ) -> Option<usize> {
        if self.table.is_none() && count < SCAN_LIMIT {
            let bit = 1u64 << fingerprint(key);
            if self.seen & bit == 0 {
                self.seen |= bit;
                return None;
            }
        }
        self.find_slow(key, count, key_at)
    }

    /// Records `key`, the object's key number `count`, without searching:
    /// the caller knows it is new. A later [`DuplicateFinder::find`] still
    /// finds a repeat of it.
    #[inline]
    pub(crate) fn note<'k>(
        &mut self,
        key: &[u8],
        count: usize,
        key_at: impl Fn(usize) -> &'k [u8],
    ) {
        match &mut self.table {
            Some(table) => {
                table.find_or_insert(key, count, &key_at);
            }
            None if count < SCAN_LIMIT => self.seen |= 1u64 << fingerprint(key),
            // A large object builds its table from every earlier key when
            // `find` first needs it, this one included.
            None => {}
        }
    }

    /// A likely repeat in a small object, or any key of a large one.
    #[inline(never)]
    fn find_slow<'k>(
        &mut self,
        key: &[u8],
        count: usize,
        key_at: impl Fn(usize) -> &'k [u8],
    ) -> Option<usize> {
        if self.table.is_none() && count >= SCAN_LIMIT {
            let mut table = Box::<KeyTable>::default();
            for i in 0..count {
                table.find_or_insert(key_at(i), i, &key_at);
            }
            self.table = Some(table);
        }
        match &mut self.table {
            Some(table) => table.find_or_insert(key, count, &key_at),
            None => (0..count).position(|i| key_at(i) == key),
        }
    }
}

/// A cheap summary of a key in 0..64: equal keys have equal fingerprints.
/// Length, first and last byte, spread by a multiplication (Fibonacci
/// hashing).
#[inline]
fn fingerprint(key: &[u8]) -> u32 {
    let (first, last) = match key {
        [] => (0, 0),
        [first, .., last] => (*first, *last),
        [only] => (*only, *only),
    };
    let mixed = key.len() as u64 ^ u64::from(first) << 8 ^ u64::from(last) << 16;
    (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as u32
}

/// Open addressing over member positions. A slot holds the key's hash
/// (its low 32 bits) and position + 1, or position 0 when empty; growing
/// reuses the stored hashes, and a probe compares keys only when the
/// hashes match. Kept at most half full.
#[derive(Default)]
struct KeyTable {
    hasher: RandomState,
    slots: Vec<(u32, u32)>,
    len: usize,
}

impl KeyTable {
    fn find_or_insert<'k>(
        &mut self,
        key: &[u8],
        position: usize,
        key_at: &impl Fn(usize) -> &'k [u8],
    ) -> Option<usize> {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        // Truncation intended: 32 bits of a good hash are plenty.
        let hash = self.hasher.hash_one(key) as u32;
        let mut slot = hash as usize & mask;
        loop {
            match self.slots[slot] {
                (_, 0) => {
                    // Positions beyond u32 would need a 16 GiB object.
                    let stored = u32::try_from(position + 1).unwrap_or(u32::MAX);
                    self.slots[slot] = (hash, stored);
                    self.len += 1;
                    return None;
                }
                (h, stored) if h == hash && key_at(stored as usize - 1) == key => {
                    return Some(stored as usize - 1);
                }
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(64);
        let old = std::mem::replace(&mut self.slots, vec![(0, 0); size]);
        let mask = size - 1;
        for (hash, stored) in old.into_iter().filter(|&(_, s)| s != 0) {
            let mut slot = hash as usize & mask;
            while self.slots[slot].1 != 0 {
                slot = (slot + 1) & mask;
            }
            self.slots[slot] = (hash, stored);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_indices_are_canonical_u32_below_max() {
        assert_eq!(array_index(b"0"), Some(0));
        assert_eq!(array_index(b"42"), Some(42));
        assert_eq!(array_index(b"4294967294"), Some(4294967294));
        for not in [
            &b"4294967295"[..],
            b"4294967296",
            b"01",
            b"-1",
            b"1.0",
            b"",
            b" 1",
            b"99999999999",
            b"1a",
        ] {
            assert_eq!(array_index(not), None);
        }
    }

    #[test]
    fn order_puts_indices_first() {
        let order = javascript_order(&[None, Some(10), None, Some(2)]);
        assert_eq!(order, vec![3, 1, 0, 2]);
    }

    #[test]
    fn finds_duplicates_in_small_and_large_objects() {
        let keys: Vec<Vec<u8>> = (0..200).map(|i| format!("k{i}").into_bytes()).collect();
        let key_at = |i: usize| keys[i].as_slice();
        let mut finder = DuplicateFinder::default();
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(finder.find(k, i, key_at), None, "{i}");
        }
        assert_eq!(finder.find(b"k3", keys.len(), key_at), Some(3));
        assert_eq!(finder.find(b"k150", keys.len(), key_at), Some(150));
        let mut small = DuplicateFinder::default();
        for (i, k) in keys.iter().enumerate().take(3) {
            assert_eq!(small.find(k, i, key_at), None);
        }
        assert_eq!(small.find(b"k1", 3, key_at), Some(1));
        // Same fingerprint, different key: not a duplicate.
        assert_eq!(small.find(b"k7", 3, key_at), None);
    }

    #[test]
    fn noted_keys_are_found_later() {
        let keys: Vec<Vec<u8>> = (0..200).map(|i| format!("k{i}").into_bytes()).collect();
        let key_at = |i: usize| keys[i].as_slice();
        // Noted before and after the large object's table exists.
        for table_from in [0, 20, 100] {
            let mut finder = DuplicateFinder::default();
            for (i, k) in keys.iter().enumerate() {
                if i == table_from {
                    assert_eq!(finder.find(k, i, key_at), None);
                } else {
                    finder.note(k, i, key_at);
                }
            }
            for i in [0, 5, 19, 20, 99, 150, 199] {
                assert_eq!(finder.find(&keys[i], keys.len(), key_at), Some(i));
            }
            assert_eq!(finder.find(b"k200", keys.len(), key_at), None);
        }
        let mut small = DuplicateFinder::default();
        for (i, k) in keys.iter().enumerate().take(5) {
            small.note(k, i, key_at);
        }
        assert_eq!(small.find(b"k2", 5, key_at), Some(2));
    }
}
