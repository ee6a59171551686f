//! The bus: committed events, in sequence order, to whoever listens in this process.
//!
//! Sequence numbers are taken in order but transactions finish in their own
//! time: on PostgreSQL a writer may publish 11 before the writer of 10 gets to
//! it. The [`Sequencer`] holds an event back until every smaller sequence this
//! process handed out was published or rolled back, so listeners see events in
//! sequence order and may safely skip what they have already seen.

use crate::db::EventScope;
use shared::Timestamp;
use shared::events::Event;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
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

/// In-process broadcast of committed events, in sequence order.
#[derive(Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Arc<StoredEvent>>,
    pending: Arc<Mutex<BTreeMap<i64, Slot>>>,
}

enum Slot {
    /// Appended, not yet committed or rolled back.
    InFlight,
    /// Committed; waiting for smaller sequences.
    Ready(Box<StoredEvent>),
    /// Rolled back.
    Gone,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new(8192)
    }
}

impl EventBus {
    /// A bus that keeps up to `capacity` events for slow listeners.
    pub fn new(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity);
        Self { sender, pending: Arc::default() }
    }

    /// Listens from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<StoredEvent>> {
        self.sender.subscribe()
    }

    /// Events published that the slowest listener has not taken yet.
    pub fn lag(&self) -> usize {
        self.sender.len()
    }

    /// Notes a sequence taken by a transaction still in flight.
    pub fn reserve(&self, seq: i64) {
        self.lock().insert(seq, Slot::InFlight);
    }

    /// The transaction that took these events committed.
    pub fn committed(&self, events: Vec<StoredEvent>) {
        let mut pending = self.lock();
        for event in events {
            pending.insert(event.seq, Slot::Ready(Box::new(event)));
        }
        self.release(&mut pending);
    }

    /// The transaction that took these sequences rolled back.
    pub fn abandoned(&self, seqs: &[i64]) {
        let mut pending = self.lock();
        for seq in seqs {
            pending.insert(*seq, Slot::Gone);
        }
        self.release(&mut pending);
    }

    fn release(&self, pending: &mut BTreeMap<i64, Slot>) {
        while let Some(entry) = pending.first_entry() {
            match entry.get() {
                Slot::InFlight => break,
                Slot::Gone => {
                    entry.remove();
                }
                Slot::Ready(_) => {
                    if let Slot::Ready(event) = entry.remove() {
                        // No listener is not an error: the log keeps the event.
                        let _ = self.sender.send(Arc::new(*event));
                    }
                }
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<i64, Slot>> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::{ContactId, ConversationId};

    fn event(seq: i64) -> StoredEvent {
        StoredEvent {
            seq,
            scope: EventScope::default(),
            event: Event::ConversationDeleted {
                conversation_id: ConversationId(uuid::Uuid::nil()),
                contact_id: ContactId(uuid::Uuid::nil()),
            },
            created_at: chrono::Utc::now(),
        }
    }

    fn drain(rx: &mut broadcast::Receiver<Arc<StoredEvent>>) -> Vec<i64> {
        std::iter::from_fn(|| rx.try_recv().ok()).map(|e| e.seq).collect()
    }

    #[test]
    fn holds_back_later_commits_until_earlier_ones_resolve() {
        let bus = EventBus::new(16);
        let mut rx = bus.subscribe();
        for seq in [10, 11, 12] {
            bus.reserve(seq);
        }
        bus.committed(vec![event(11)]);
        assert!(drain(&mut rx).is_empty(), "11 waits for 10");
        bus.committed(vec![event(10)]);
        assert_eq!(drain(&mut rx), vec![10, 11]);
        bus.reserve(13);
        bus.committed(vec![event(13)]);
        assert!(drain(&mut rx).is_empty(), "13 waits for 12");
        bus.abandoned(&[12]);
        assert_eq!(drain(&mut rx), vec![13]);
    }
}
