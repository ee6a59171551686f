//! Browser tests live in `tests/browser`; this crate has no library code.
