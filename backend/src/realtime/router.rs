//! Routes what concerns one visitor to that visitor's sockets only, so that a
//! message costs one hash lookup, not a wake-up of every connected visitor.

use crate::events::{EventBus, StoredEvent};
use shared::ContactId;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;

/// Items queued for one visitor socket.
const QUEUE: usize = 256;

/// What a visitor socket receives.
#[derive(Debug, Clone)]
pub enum VisitorItem {
    /// A logged event about their contact.
    Event(Arc<StoredEvent>),
    /// An agent is typing a reply in their conversation.
    Typing {
        /// Typing now?
        typing: bool,
        /// The agent's name.
        name: String,
    },
    /// Whether any agent is online.
    TeamOnline(bool),
    /// The bus dropped events: read the log again from the last sequence seen.
    Resync,
}

struct Socket {
    id: u64,
    tx: mpsc::Sender<VisitorItem>,
    behind: Arc<AtomicBool>,
}

type Senders = HashMap<ContactId, Vec<Socket>>;

/// Visitor sockets by contact.
#[derive(Default)]
pub struct VisitorRouter {
    sockets: Mutex<Senders>,
    next_id: AtomicU64,
}

/// A visitor socket's registration; dropping it unregisters.
pub struct Registration {
    router: Arc<VisitorRouter>,
    contact: ContactId,
    id: u64,
    /// Items for this socket.
    pub items: mpsc::Receiver<VisitorItem>,
    behind: Arc<AtomicBool>,
}

impl Registration {
    /// Whether items were dropped because the queue was full (then read the log again).
    pub fn fell_behind(&self) -> bool {
        self.behind.swap(false, Ordering::AcqRel)
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut sockets = self.router.lock();
        if let Some(list) = sockets.get_mut(&self.contact) {
            list.retain(|s| s.id != self.id);
            if list.is_empty() {
                sockets.remove(&self.contact);
            }
        }
    }
}

impl VisitorRouter {
    fn lock(&self) -> std::sync::MutexGuard<'_, Senders> {
        self.sockets.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a socket of `contact`.
    pub fn register(self: &Arc<Self>, contact: ContactId) -> Registration {
        let (tx, rx) = mpsc::channel(QUEUE);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let behind = Arc::new(AtomicBool::new(false));
        self.lock().entry(contact).or_default().push(Socket { id, tx, behind: behind.clone() });
        Registration { router: self.clone(), contact, id, items: rx, behind }
    }

    /// Queues an item for every socket of `contact`.
    pub fn send(&self, contact: ContactId, item: VisitorItem) {
        if let Some(list) = self.lock().get(&contact) {
            for socket in list {
                socket.offer(item.clone());
            }
        }
    }

    /// Queues an item for every visitor socket.
    pub fn send_all(&self, item: VisitorItem) {
        for list in self.lock().values() {
            for socket in list {
                socket.offer(item.clone());
            }
        }
    }

    /// Forwards logged events from the bus to the visitors they concern.
    pub fn spawn_dispatcher(self: &Arc<Self>, bus: &EventBus) {
        let router = self.clone();
        let mut events = bus.subscribe();
        tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(event) => {
                        if let (Some(contact), false) = (event.scope.contact, event.scope.agents_only) {
                            router.send(contact, VisitorItem::Event(event));
                        }
                    }
                    Err(RecvError::Lagged(_)) => router.send_all(VisitorItem::Resync),
                    Err(RecvError::Closed) => return,
                }
            }
        });
    }
}

impl Socket {
    /// Queues without waiting: a socket whose queue is full is marked behind and
    /// reads the log again when it gets to its queue.
    fn offer(&self, item: VisitorItem) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.tx.try_send(item) {
            self.behind.store(true, Ordering::Release);
        }
    }
}
