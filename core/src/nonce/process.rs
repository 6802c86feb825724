//! The per-process source: one atomic counter for the whole process.

use std::sync::atomic::{AtomicI64, Ordering};

use super::{step, NonceSource, Scope};
use crate::clock::{Clock, SystemClock};
use crate::error::Result;

/// One counter for every scope, so values never repeat inside the process
/// even across keys. Shared by every `ProcessNonces` value.
static LAST: AtomicI64 = AtomicI64::new(0);

/// Nonces unique within this process only: two processes signing with the
/// same key (php-fpm workers, forked children) can hand out the same value.
/// Use it when one process is the only signer of its keys.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProcessNonces;

impl ProcessNonces {
    /// The next value at time `now` (tests pass their own time).
    pub(crate) fn next_at(now: i64) -> i64 {
        let mut previous = LAST.load(Ordering::Relaxed);
        loop {
            let next = step(now, previous);
            // One atomic: its modification order is total, so Relaxed is
            // enough for uniqueness and per-thread increase.
            match LAST.compare_exchange_weak(previous, next, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return next,
                Err(actual) => previous = actual,
            }
        }
    }
}

impl NonceSource for ProcessNonces {
    fn next_nonce(&self, _scope: Scope<'_>) -> Result<i64> {
        Ok(ProcessNonces::next_at(SystemClock.now_millis()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schemes::Scheme;
    use std::collections::HashSet;

    const SCOPE: Scope<'static> = Scope {
        scheme: Scheme::Aquapay,
        key_id: "k",
    };

    #[test]
    fn strictly_increasing_across_threads() {
        let per_thread: Vec<Vec<i64>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    s.spawn(|| {
                        (0..10_000)
                            .map(|_| ProcessNonces.next_nonce(SCOPE).unwrap())
                            .collect::<Vec<_>>()
                    })
                })
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
        assert!(ProcessNonces.next_nonce(SCOPE).unwrap() >= now);
        let later = now + 1_000;
        assert_eq!(ProcessNonces::next_at(later), later);
        assert!(ProcessNonces.next_nonce(SCOPE).unwrap() > later);
    }
}
