//! The C ABI of paysig (filled in by the C ABI work).
