//! What every handler can reach: the infrastructure, never the domain or the
//! sockets (they take it, not the other way round).

use crate::bus::Bus;
use crate::bus::limits::{LoginThrottle, RateWindow};
use crate::claims::JwtKeys;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::Db;
use crate::metrics::Metrics;
use crate::roster::Roster;
use crate::storage::Storage;
use shared::Timestamp;
use std::sync::Arc;
use tokio::sync::watch;

/// Shared application state: one allocation, so a clone (every socket's task
/// and session holds one) is a pointer, not the ~1.4 KB of its parts.
#[derive(Clone)]
pub struct AppState(Arc<Parts>);

impl AppState {
    /// Shares the parts.
    pub fn new(parts: Parts) -> Self {
        Self(Arc::new(parts))
    }
}

impl std::ops::Deref for AppState {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.0
    }
}

/// What the state holds.
pub struct Parts {
    /// The database and its writer.
    pub db: Db,
    /// Committed events, presence, signals and shared counters.
    pub bus: Bus,
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
    /// The team as the dot rule sees it (cached).
    pub roster: Arc<Roster>,
    /// Outgoing email, when `NATTER_SMTP_URL` and `NATTER_MAIL_FROM` are set.
    pub mailer: Option<crate::mail::Mailer>,
    /// Bumped when webhook work appears that no event announces (a redelivery,
    /// an endpoint enabled): this node's webhook worker looks again.
    pub webhook_wake: Arc<watch::Sender<u64>>,
    /// Turns `true` when the server shuts down.
    pub shutdown: watch::Receiver<bool>,
}

impl Parts {
    /// Now, from the injected clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Tells this node's webhook worker to look for work.
    pub fn wake_webhooks(&self) {
        self.webhook_wake.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// The team changed here (agents, groups, availability, business hours):
    /// the cached snapshot is dropped and every node reloads it.
    pub fn team_changed(&self) {
        self.roster.invalidate();
        self.bus.signal(crate::bus::Signal::TeamChanged);
    }
}

#[cfg(test)]
mod tests {
    /// Every socket's task and session holds a clone: a pointer, not the parts.
    #[test]
    fn a_clone_of_the_state_is_a_pointer() {
        assert_eq!(std::mem::size_of::<super::AppState>(), std::mem::size_of::<usize>());
    }
}
