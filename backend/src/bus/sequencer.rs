//! Committed events from every writer — this node's and, through Redis, the
//! others' — released to listeners in sequence order, each once.
//!
//! Writers append under one lock, so sequence numbers are dense and commit in
//! order; but pub/sub is at-most-once and nodes publish in their own time, so
//! events can arrive late, out of order, or not at all. A gap that does not
//! fill within [`GAP_WAIT`] is read from the log (the truth); with several
//! nodes the log is also polled, so an event lost at the end of a burst (no
//! later one to reveal the gap) is found too.

use crate::db::log;
use crate::events::StoredEvent;
use sea_orm::DatabaseConnection;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};
use tokio::time::Instant;

/// How long a gap may stay open before it is read from the log.
pub const GAP_WAIT: Duration = Duration::from_millis(250);
/// How often the log is polled for events nobody announced (several nodes only).
const TAIL_EVERY: Duration = Duration::from_millis(200);

pub(super) struct Sequencer {
    incoming: mpsc::UnboundedReceiver<Vec<StoredEvent>>,
    out: broadcast::Sender<Arc<StoredEvent>>,
    db: DatabaseConnection,
    next: i64,
    held: BTreeMap<i64, StoredEvent>,
    gap_since: Option<Instant>,
    tail: bool,
    /// The log's latest sequence when it was first seen ahead of `next`.
    tail_seen: Option<(i64, Instant)>,
}

impl Sequencer {
    pub fn new(
        incoming: mpsc::UnboundedReceiver<Vec<StoredEvent>>,
        out: broadcast::Sender<Arc<StoredEvent>>,
        db: DatabaseConnection,
        latest: i64,
        tail: bool,
    ) -> Self {
        Self { incoming, out, db, next: latest + 1, held: BTreeMap::new(), gap_since: None, tail, tail_seen: None }
    }

    pub async fn run(mut self) {
        let mut tick = tokio::time::interval(if self.tail { TAIL_EVERY } else { GAP_WAIT });
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                batch = self.incoming.recv() => match batch {
                    Some(events) => self.take(events),
                    None => return,
                },
                _ = tick.tick(), if self.tail || !self.held.is_empty() => self.check().await,
            }
        }
    }

    fn take(&mut self, events: Vec<StoredEvent>) {
        for event in events {
            if event.seq >= self.next {
                self.held.insert(event.seq, event);
            }
        }
        self.release();
    }

    /// Releases every event that follows the last one released.
    fn release(&mut self) {
        while let Some(entry) = self.held.first_entry() {
            if *entry.key() != self.next {
                break;
            }
            let event = entry.remove();
            self.next = event.seq + 1;
            // No listener is not an error: the log keeps the event.
            let _ = self.out.send(Arc::new(event));
        }
        self.gap_since = match (self.held.is_empty(), self.gap_since) {
            (true, _) => None,
            (false, Some(since)) => Some(since),
            (false, None) => Some(Instant::now()),
        };
    }

    /// Fills a gap that stayed open, or events nobody announced, from the log.
    async fn check(&mut self) {
        let upto = match self.held.first_key_value() {
            Some((first, _)) if self.gap_since.is_some_and(|since| since.elapsed() >= GAP_WAIT) => first - 1,
            Some(_) => return,
            None => match self.unannounced().await {
                Some(latest) => latest,
                None => return,
            },
        };
        match log::range(&self.db, self.next, upto).await {
            Ok(events) => {
                tracing::debug!(from = self.next, to = upto, found = events.len(), "filled a gap from the log");
                for event in events {
                    self.held.entry(event.seq).or_insert(event);
                }
                // What the log lacks in this range is gone for good (a deleted
                // conversation's events): don't wait for it.
                self.next = match self.held.first_key_value() {
                    Some((first, _)) => (*first).min(upto + 1).max(self.next),
                    None => upto + 1,
                };
                self.tail_seen = None;
                self.release();
            }
            Err(e) => tracing::warn!(error = %e, "could not read the event log to fill a gap; retrying"),
        }
    }

    /// With several nodes: the latest sequence of the log when it has stayed
    /// ahead of what was released for [`GAP_WAIT`] (announcements lost).
    async fn unannounced(&mut self) -> Option<i64> {
        if !self.tail {
            return None;
        }
        let latest = log::latest_seq(&self.db).await.ok()?;
        if latest < self.next {
            self.tail_seen = None;
            return None;
        }
        match self.tail_seen {
            Some((seen, since)) if seen >= self.next => (since.elapsed() >= GAP_WAIT).then_some(seen),
            _ => {
                self.tail_seen = Some((latest, Instant::now()));
                None
            }
        }
    }
}
