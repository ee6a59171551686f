//! What every handler can reach.

use crate::auth::claims::JwtKeys;
use crate::auth::throttle::{LoginThrottle, RateWindow};
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::Db;
use crate::metrics::Metrics;
use crate::storage::Storage;
use shared::Timestamp;
use std::sync::Arc;

/// Shared application state.
#[derive(Clone)]
pub struct AppState {
    /// The database and its event bus.
    pub db: Db,
    /// Settings the server was started with.
    pub settings: Arc<Settings>,
    /// The time source.
    pub clock: Arc<dyn Clock>,
    /// Access-token keys.
    pub jwt: JwtKeys,
    /// Attachment storage.
    pub storage: Storage,
    /// Login attempt counters.
    pub throttle: LoginThrottle,
    /// New visitor sessions per address.
    pub new_visitors: RateWindow,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// Sessions, presence and signals.
    pub realtime: Arc<crate::realtime::Realtime>,
}

impl AppState {
    /// Now, from the injected clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }
}
