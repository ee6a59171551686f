//! Logging: one subscriber for the whole process.

use tracing_subscriber::{EnvFilter, fmt};

/// Installs the global subscriber; later calls (tests) are ignored.
pub fn init(filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let _ = fmt().with_env_filter(filter).with_target(false).with_ansi(ansi).try_init();
}
