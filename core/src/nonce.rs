//! The per-process source of nonces and timestamps: milliseconds since the
//! epoch, strictly increasing even when many threads ask in the same
//! millisecond.
//!
//! `Date.now()` collides when two requests leave in the same millisecond,
//! and providers refuse a repeated (or, for OnchainPay, non-increasing)
//! nonce. When the clock has not moved on, this source hands out the next
//! millisecond instead, running ahead of the clock for as long as the burst
//! lasts.

use std::sync::atomic::{AtomicI64, Ordering};

use crate::clock::{Clock, SystemClock};

static LAST: AtomicI64 = AtomicI64::new(0);

/// The next nonce: at least the system time in milliseconds, and greater
/// than every value returned before in this process.
pub fn next_millis() -> i64 {
    next_after(SystemClock.now_millis())
}

fn next_after(now: i64) -> i64 {
    let mut previous = LAST.load(Ordering::Relaxed);
    loop {
        let next = now.max(previous.saturating_add(1));
        match LAST.compare_exchange_weak(previous, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(actual) => previous = actual,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn strictly_increasing_across_threads() {
        let per_thread: Vec<Vec<i64>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| (0..10_000).map(|_| next_millis()).collect::<Vec<_>>()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut all = HashSet::new();
        for values in &per_thread {
            assert!(values.windows(2).all(|w| w[0] < w[1]));
            for v in values {
                assert!(all.insert(*v), "nonce {v} handed out twice");
            }
        }
    }

    #[test]
    fn never_behind_the_clock() {
        let now = SystemClock.now_millis();
        assert!(next_millis() >= now);
        let later = now + 1_000;
        assert_eq!(next_after(later), later);
        assert!(next_millis() > later);
    }
}
