//! Object keys as JavaScript orders them, and duplicate detection.

use std::collections::HashSet;

/// The array index a key denotes in JavaScript: the canonical decimal form
/// of an integer 0 ..= 2^32 − 2. Such keys come first, ascending, in every
/// JavaScript object; all other keys keep their insertion order.
pub(crate) fn array_index(key: &[u8]) -> Option<u32> {
    if key.is_empty() || key.len() > 10 || (key.len() > 1 && key[0] == b'0') {
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
/// larger ones switch to a hash set so that a huge object stays linear.
const SCAN_LIMIT: usize = 16;

/// Finds a key that repeats an earlier key of the same object.
#[derive(Default)]
pub(crate) struct DuplicateFinder {
    large: Option<HashSet<Box<[u8]>>>,
}

impl DuplicateFinder {
    /// Position among `earlier` of a key equal to `key`, for small objects;
    /// for large ones, `Some(usize::MAX)` when the key repeats (the caller
    /// then looks the position up itself, which only lenient mode needs).
    pub(crate) fn find<'a>(
        &mut self,
        key: &[u8],
        earlier: impl ExactSizeIterator<Item = &'a [u8]>,
    ) -> Option<usize> {
        if let Some(set) = &mut self.large {
            return (!set.insert(key.into())).then_some(usize::MAX);
        }
        if earlier.len() < SCAN_LIMIT {
            return earlier.into_iter().position(|k| k == key);
        }
        let mut set: HashSet<Box<[u8]>> = earlier.map(Box::from).collect();
        let repeated = !set.insert(key.into());
        self.large = Some(set);
        repeated.then_some(usize::MAX)
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
        let keys: Vec<Vec<u8>> = (0..40).map(|i| format!("k{i}").into_bytes()).collect();
        let mut finder = DuplicateFinder::default();
        for (i, k) in keys.iter().enumerate() {
            let earlier = keys[..i].iter().map(Vec::as_slice);
            assert_eq!(finder.find(k, earlier), None);
        }
        let earlier = keys.iter().map(Vec::as_slice);
        assert!(finder.find(b"k3", earlier).is_some());
        let mut small = DuplicateFinder::default();
        let earlier = keys[..3].iter().map(Vec::as_slice);
        assert_eq!(small.find(b"k1", earlier), Some(1));
    }
}
