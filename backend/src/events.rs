//! The bus: committed events, in sequence order, to whoever listens in this process.

use crate::db::EventScope;
use shared::Timestamp;
use shared::events::Event;
use std::sync::Arc;
use tokio::sync::broadcast;

/// An event as stored in the log.
#[derive(Clone, Debug)]
pub struct StoredEvent {
    /// Its sequence number.
    pub seq: i64,
    /// Who it concerns.
    pub scope: EventScope,
    /// The change.
    pub event: Event,
    /// When it happened.
    pub created_at: Timestamp,
}

/// In-process broadcast of committed events.
#[derive(Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Arc<StoredEvent>>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new(4096)
    }
}

impl EventBus {
    /// A bus that keeps up to `capacity` events for slow listeners.
    pub fn new(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity);
        Self { sender }
    }

    /// Sends an event to every current listener.
    pub fn publish(&self, event: StoredEvent) {
        // No listener is not an error: the log keeps the event for later readers.
        let _ = self.sender.send(Arc::new(event));
    }

    /// Listens from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<StoredEvent>> {
        self.sender.subscribe()
    }
}
