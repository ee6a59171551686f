//! The bus: what every node hears. Committed events in sequence order, each
//! once (the log fills any gap); presence; signals such as typing; counters
//! for rate limits. In this process by default; through Redis when
//! `REDIS_URL` is set, so that several nodes behind a load balancer behave as
//! one. It knows nothing of the domain or the sockets: the writer hands it
//! committed batches, and whoever listens subscribes.

pub mod limits;
pub mod presence;
mod redis_link;
mod sequencer;
pub mod signals;

use crate::clock::Clock;
use crate::db::log;
use crate::events::{EventScope, EventSink, StoredEvent};
use limits::Counters;
use presence::Presence;
use redis_link::{Channel, Heard, RedisLink};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
pub use signals::Signal;
use std::sync::Arc;
use tokio::sync::{broadcast, mpsc};
use uuid::Uuid;

/// Events a slow listener may fall behind by before it must read the log.
const EVENTS_BUFFER: usize = 16_384;
/// Signals kept for slow listeners.
const SIGNALS_BUFFER: usize = 4096;

/// The bus, cheap to clone.
#[derive(Clone)]
pub struct Bus {
    events: broadcast::Sender<Arc<StoredEvent>>,
    emitter: Emitter,
    presence: Arc<Presence>,
    counters: Counters,
}

/// What is needed between connecting to Redis and starting the bus: the sink
/// the writer publishes to, made before the database, and its other end.
pub struct Wiring {
    /// Hand this to the writer.
    pub sink: Arc<dyn EventSink>,
    incoming: mpsc::UnboundedSender<Vec<StoredEvent>>,
    received: mpsc::UnboundedReceiver<Vec<StoredEvent>>,
    link: Option<RedisLink>,
    node: String,
}

impl Wiring {
    /// Connects to Redis when `redis_url` is set (keys under `natter:<namespace>:`).
    pub async fn connect(redis_url: Option<&str>, namespace: &str) -> anyhow::Result<Self> {
        let link = match redis_url {
            Some(url) => Some(RedisLink::connect(url, namespace).await?),
            None => None,
        };
        let node = Uuid::now_v7().simple().to_string();
        let (incoming, received) = mpsc::unbounded_channel();
        let (outgoing, published) = mpsc::unbounded_channel();
        if let Some(link) = &link {
            spawn_publisher(link.clone(), published);
        }
        let sink =
            Arc::new(Sink { local: incoming.clone(), remote: link.as_ref().map(|_| outgoing), node: node.clone() });
        Ok(Self { sink, incoming, received, link, node })
    }

    /// Starts the bus: the sequencer from the log's latest sequence, presence,
    /// and (with Redis) the listener for the other nodes.
    pub async fn start(self, db: DatabaseConnection, clock: Arc<dyn Clock>) -> anyhow::Result<Bus> {
        let latest = log::latest_seq(&db).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let events = broadcast::channel(EVENTS_BUFFER).0;
        let signals = broadcast::channel(SIGNALS_BUFFER).0;
        let emitter = Emitter { signals, link: self.link.clone(), node: self.node.clone() };
        let presence = Arc::new(Presence::new(emitter.clone(), clock.clone()));
        let counters = Counters::new(clock, self.link.clone());
        let multi = self.link.is_some();
        tokio::spawn(sequencer::Sequencer::new(self.received, events.clone(), db, latest, multi).run());
        tokio::spawn(presence.clone().run());
        if let Some(link) = &self.link {
            let (heard, hearing) = mpsc::unbounded_channel();
            link.listen(heard);
            tokio::spawn(dispatch(hearing, self.incoming, emitter.clone(), presence.clone()));
        }
        Ok(Bus { events, emitter, presence, counters })
    }
}

/// Waits until an event that `matters` is committed (or the listener fell
/// behind and may have missed one), then takes every event already queued
/// behind it: a worker that re-reads the log when woken wakes once per burst,
/// not once per event. Never returns once the bus is gone.
pub async fn burst(events: &mut broadcast::Receiver<Arc<StoredEvent>>, matters: impl Fn(&StoredEvent) -> bool) {
    loop {
        match events.recv().await {
            Ok(event) if !matters(&event) => continue,
            Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => break,
            Err(broadcast::error::RecvError::Closed) => std::future::pending().await,
        }
    }
    loop {
        match events.try_recv() {
            Ok(_) | Err(broadcast::error::TryRecvError::Lagged(_)) => {}
            Err(_) => return,
        }
    }
}

impl Bus {
    /// Committed events from now on, in sequence order.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<StoredEvent>> {
        self.events.subscribe()
    }

    /// How far the slowest listener is behind.
    pub fn lag(&self) -> usize {
        self.events.len()
    }

    /// Sends a signal to this node's listeners and, if it crosses nodes, to the others.
    pub fn signal(&self, signal: Signal) {
        self.emitter.emit(signal);
    }

    /// Listens to signals.
    pub fn signals(&self) -> broadcast::Receiver<Signal> {
        self.emitter.signals.subscribe()
    }

    /// Who is connected.
    pub fn presence(&self) -> &Presence {
        &self.presence
    }

    /// Counters for rate limits.
    pub fn counters(&self) -> Counters {
        self.counters.clone()
    }
}

/// Sends signals here and, for those that cross nodes, to the others.
#[derive(Clone)]
pub(crate) struct Emitter {
    signals: broadcast::Sender<Signal>,
    link: Option<RedisLink>,
    node: String,
}

impl Emitter {
    #[cfg(test)]
    pub(crate) fn local(signals: broadcast::Sender<Signal>) -> Self {
        Self { signals, link: None, node: String::new() }
    }

    pub(crate) fn emit(&self, signal: Signal) {
        if let Some(link) = &self.link {
            let channel = match &signal {
                s if s.crosses_nodes() => Some(Channel::Signals),
                // Others re-read the cluster's agents at once rather than at the next heartbeat.
                Signal::AgentsConnected => Some(Channel::Presence),
                _ => None,
            };
            if let Some(channel) = channel
                && let Ok(payload) =
                    serde_json::to_string(&WireSignal { node: self.node.clone(), signal: signal.clone() })
            {
                let link = link.clone();
                tokio::spawn(async move { link.publish(channel, payload).await });
            }
        }
        let _ = self.signals.send(signal);
    }
}

/// Where the writer's committed batches go: to this node's sequencer, and to
/// the other nodes through Redis (in commit order, by one publisher task).
struct Sink {
    local: mpsc::UnboundedSender<Vec<StoredEvent>>,
    remote: Option<mpsc::UnboundedSender<String>>,
    node: String,
}

impl EventSink for Sink {
    fn committed(&self, events: Vec<StoredEvent>) {
        if let Some(remote) = &self.remote {
            let wire = WireBatch { node: self.node.clone(), events: events.iter().map(WireEvent::from).collect() };
            if let Ok(payload) = serde_json::to_string(&wire) {
                let _ = remote.send(payload);
            }
        }
        let _ = self.local.send(events);
    }
}

fn spawn_publisher(link: RedisLink, mut published: mpsc::UnboundedReceiver<String>) {
    tokio::spawn(async move {
        while let Some(payload) = published.recv().await {
            link.publish(Channel::Events, payload).await;
        }
    });
}

/// Hands what other nodes published to this node's sequencer and listeners.
async fn dispatch(
    mut hearing: mpsc::UnboundedReceiver<Heard>,
    sequencer: mpsc::UnboundedSender<Vec<StoredEvent>>,
    emitter: Emitter,
    presence: Arc<Presence>,
) {
    while let Some(heard) = hearing.recv().await {
        match heard {
            Heard::Message(Channel::Events, payload) => match serde_json::from_str::<WireBatch>(&payload) {
                Ok(batch) if batch.node != emitter.node => {
                    let events = batch.events.into_iter().filter_map(WireEvent::into_event).collect();
                    let _ = sequencer.send(events);
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "an event batch from Redis does not parse"),
            },
            Heard::Message(Channel::Signals, payload) => match serde_json::from_str::<WireSignal>(&payload) {
                Ok(wire) if wire.node != emitter.node => {
                    let _ = emitter.signals.send(wire.signal);
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "a signal from Redis does not parse"),
            },
            Heard::Message(Channel::Presence, payload) => {
                let from_elsewhere =
                    serde_json::from_str::<WireSignal>(&payload).is_ok_and(|wire| wire.node != emitter.node);
                if from_elsewhere {
                    presence.refresh();
                }
            }
            // Anything published meanwhile was lost: the sequencer's tail of the
            // log finds the events; presence is rewritten at the next heartbeat.
            Heard::Resubscribed => presence.refresh(),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct WireSignal {
    node: String,
    signal: Signal,
}

#[derive(Serialize, Deserialize)]
struct WireBatch {
    node: String,
    events: Vec<WireEvent>,
}

#[derive(Serialize, Deserialize)]
struct WireEvent {
    seq: i64,
    conversation: Option<Uuid>,
    contact: Option<Uuid>,
    agents_only: bool,
    created_at: i64,
    payload: String,
}

impl From<&StoredEvent> for WireEvent {
    fn from(e: &StoredEvent) -> Self {
        Self {
            seq: e.seq,
            conversation: e.scope.conversation.map(|c| c.0),
            contact: e.scope.contact.map(|c| c.0),
            agents_only: e.scope.agents_only,
            created_at: crate::clock::millis(e.created_at),
            payload: e.payload.to_string(),
        }
    }
}

impl WireEvent {
    fn into_event(self) -> Option<StoredEvent> {
        let scope = EventScope {
            conversation: self.conversation.map(shared::ConversationId),
            contact: self.contact.map(shared::ContactId),
            agents_only: self.agents_only,
        };
        StoredEvent::from_parts(self.seq, scope, &self.payload, crate::clock::from_millis(self.created_at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;
    use shared::events::Event;

    fn event(seq: i64) -> Arc<StoredEvent> {
        let event = Event::ContactDeleted { contact_id: shared::ContactId(Uuid::nil()) };
        Arc::new(StoredEvent::new(seq, EventScope::default(), event, chrono::Utc::now()).expect("event"))
    }

    #[test]
    fn a_burst_wakes_once_for_what_matters_and_takes_the_rest() {
        let (tx, mut rx) = broadcast::channel(16);
        for seq in 1..=2 {
            tx.send(event(seq)).expect("sent");
        }
        // Only events that don't matter: still waiting, and they are gone.
        assert!(burst(&mut rx, |e| e.seq == 3).now_or_never().is_none());
        assert!(matches!(rx.try_recv(), Err(broadcast::error::TryRecvError::Empty)));
        for seq in 3..=6 {
            tx.send(event(seq)).expect("sent");
        }
        // One that matters: it returns, having taken everything queued behind it.
        assert!(burst(&mut rx, |e| e.seq == 3).now_or_never().is_some());
        assert!(matches!(rx.try_recv(), Err(broadcast::error::TryRecvError::Empty)));
        // A listener that fell behind may have missed one that mattered: it wakes.
        for seq in 7..=30 {
            tx.send(event(seq)).expect("sent");
        }
        assert!(burst(&mut rx, |_| false).now_or_never().is_some());
    }
}
