//! paysig's ReplayGuard on Redis (filled in by the reliability work).
