//! Logging: one subscriber for the whole process.

use tracing_subscriber::{EnvFilter, fmt};

/// Installs the global subscriber; later calls (tests) are ignored.
pub fn init(filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = fmt().with_env_filter(filter).with_target(false).try_init();
}
