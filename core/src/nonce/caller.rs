//! A source that is a function of the caller's: their own counter, a
//! database sequence, a service.

use std::fmt;

use super::{NonceSource, Scope};
use crate::error::{Error, ErrorCode, Result};

/// Nonces from a caller's function. The function answers for uniqueness
/// and increase; paysig only refuses a negative value (a nonce is
/// milliseconds since the epoch). An error from the function fails the
/// sign: return one with [`ErrorCode::NonceSourceUnavailable`] when the
/// function's own store is down.
pub struct CallerNonces<F> {
    next: F,
}

impl<F> CallerNonces<F>
where
    F: Fn(Scope<'_>) -> Result<i64> + Send + Sync,
{
    /// A source that calls `next` for every nonce.
    pub fn new(next: F) -> CallerNonces<F> {
        CallerNonces { next }
    }
}

impl<F> fmt::Debug for CallerNonces<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CallerNonces")
    }
}

impl<F> NonceSource for CallerNonces<F>
where
    F: Fn(Scope<'_>) -> Result<i64> + Send + Sync,
{
    fn next_nonce(&self, scope: Scope<'_>) -> Result<i64> {
        let value = (self.next)(scope)?;
        if value < 0 {
            return Err(Error::new(
                ErrorCode::NonceSourceUnavailable,
                "the caller's nonce function returned a negative value; a nonce is \
                 milliseconds since the epoch",
            ));
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schemes::Scheme;
    use std::sync::atomic::{AtomicI64, Ordering};

    const SCOPE: Scope<'static> = Scope {
        scheme: Scheme::OnchainPay,
        key_id: "pk",
    };

    #[test]
    fn values_and_errors_pass_through() {
        let counter = AtomicI64::new(41);
        let source = CallerNonces::new(|scope: Scope<'_>| {
            assert_eq!(scope.key_id, "pk");
            Ok(counter.fetch_add(1, Ordering::Relaxed) + 1)
        });
        assert_eq!(source.next_nonce(SCOPE).unwrap(), 42);
        assert_eq!(source.next_nonce(SCOPE).unwrap(), 43);

        let failing = CallerNonces::new(|_: Scope<'_>| {
            Err(Error::new(ErrorCode::NonceSourceUnavailable, "store down"))
        });
        let err = failing.next_nonce(SCOPE).unwrap_err();
        assert_eq!(err.code(), ErrorCode::NonceSourceUnavailable);
        assert_eq!(err.message(), "store down");
    }

    #[test]
    fn negative_values_are_refused() {
        let source = CallerNonces::new(|_: Scope<'_>| Ok(-1));
        let err = source.next_nonce(SCOPE).unwrap_err();
        assert_eq!(err.code(), ErrorCode::NonceSourceUnavailable);
    }
}
