//! The hub: one task that owns this node's sockets and hands each one what
//! concerns it — every event to agents, a visitor's own events to that
//! visitor's sockets only, typing and presence where they belong. It is fed by
//! commands (join, leave) and by the bus; it knows nothing of the domain.
//!
//! A socket's queue is bounded: a socket that does not keep up is marked
//! behind and, when it gets to its queue, reads the log from its last sequence.

use crate::bus::{Bus, Signal};
use crate::events::StoredEvent;
use shared::frames::Typist;
use shared::{AgentId, ContactId};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, mpsc, oneshot};

/// Items queued for an agent's socket: every event of the workspace passes
/// through it, so it absorbs a burst of a few seconds at full load (a queue
/// holds pointers, and only what is waiting takes memory).
const AGENT_QUEUE: usize = 16_384;
/// Items queued for a visitor's socket: only their own conversation's.
const VISITOR_QUEUE: usize = 128;

/// Who a socket belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Member {
    /// An agent (or an integrator's key, which has no agent id).
    Agent(Option<AgentId>),
    /// A visitor, by contact.
    Visitor(ContactId),
}

/// What a socket receives.
#[derive(Clone, Debug)]
pub enum Item {
    /// A committed event.
    Event(Arc<StoredEvent>),
    /// A signal.
    Signal(Arc<Signal>),
    /// Items were dropped: read the log again from the last sequence seen.
    Resync,
}

enum Command {
    Join { id: u64, member: Member, socket: Socket, joined: oneshot::Sender<()> },
    Leave { id: u64, member: Member },
}

struct Socket {
    items: mpsc::Sender<Item>,
    behind: Arc<AtomicBool>,
}

impl Socket {
    /// Queues without waiting; a full queue marks the socket behind.
    fn offer(&self, item: Item) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.items.try_send(item) {
            self.behind.store(true, Ordering::Release);
        }
    }
}

/// The hub's handle (cheap to clone).
#[derive(Clone)]
pub struct Hub {
    commands: mpsc::UnboundedSender<Command>,
    next_id: Arc<AtomicU64>,
}

/// A socket's place in the hub; dropping it leaves.
pub struct Membership {
    hub: Hub,
    id: u64,
    member: Member,
    /// What the socket receives.
    pub items: mpsc::Receiver<Item>,
    behind: Arc<AtomicBool>,
}

impl Membership {
    /// Whether items were dropped since the last call (then read the log again).
    pub fn fell_behind(&self) -> bool {
        self.behind.swap(false, Ordering::AcqRel)
    }
}

impl Drop for Membership {
    fn drop(&mut self) {
        let _ = self.hub.commands.send(Command::Leave { id: self.id, member: self.member });
    }
}

impl Hub {
    /// Starts the hub on the bus.
    pub fn start(bus: &Bus) -> Self {
        let (commands, inbox) = mpsc::unbounded_channel();
        let task = Task { agents: HashMap::new(), visitors: HashMap::new() };
        tokio::spawn(task.run(inbox, bus.subscribe(), bus.signals()));
        Self { commands, next_id: Arc::default() }
    }

    /// Joins a socket of `member`; returns once the hub routes to it. Join
    /// before reading the log: whatever commits after the read reaches the
    /// socket through the hub (which may repeat what the log gave: skip by sequence).
    pub async fn join(&self, member: Member) -> Membership {
        let size = match member {
            Member::Agent(_) => AGENT_QUEUE,
            Member::Visitor(_) => VISITOR_QUEUE,
        };
        let (items, receiver) = mpsc::channel(size);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let behind = Arc::new(AtomicBool::new(false));
        let socket = Socket { items, behind: behind.clone() };
        let (joined, routed) = oneshot::channel();
        let _ = self.commands.send(Command::Join { id, member, socket, joined });
        let _ = routed.await;
        Membership { hub: self.clone(), id, member, items: receiver, behind }
    }
}

struct Task {
    agents: HashMap<u64, (Option<AgentId>, Socket)>,
    visitors: HashMap<ContactId, Vec<(u64, Socket)>>,
}

impl Task {
    async fn run(
        mut self,
        mut inbox: mpsc::UnboundedReceiver<Command>,
        mut events: broadcast::Receiver<Arc<StoredEvent>>,
        mut signals: broadcast::Receiver<Signal>,
    ) {
        loop {
            tokio::select! {
                command = inbox.recv() => match command {
                    Some(command) => self.command(command),
                    None => return,
                },
                event = events.recv() => match event {
                    Ok(event) => self.event(event),
                    Err(RecvError::Lagged(_)) => self.everyone(Item::Resync),
                    Err(RecvError::Closed) => return,
                },
                signal = signals.recv() => match signal {
                    Ok(signal) => self.signal(signal),
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return,
                },
            }
        }
    }

    fn command(&mut self, command: Command) {
        match command {
            Command::Join { id, member: Member::Agent(agent), socket, joined } => {
                self.agents.insert(id, (agent, socket));
                let _ = joined.send(());
            }
            Command::Join { id, member: Member::Visitor(contact), socket, joined } => {
                self.visitors.entry(contact).or_default().push((id, socket));
                let _ = joined.send(());
            }
            Command::Leave { id, member: Member::Agent(_) } => {
                self.agents.remove(&id);
            }
            Command::Leave { id, member: Member::Visitor(contact) } => {
                if let Some(list) = self.visitors.get_mut(&contact) {
                    list.retain(|(socket, _)| *socket != id);
                    if list.is_empty() {
                        self.visitors.remove(&contact);
                    }
                }
            }
        }
    }

    fn event(&mut self, event: Arc<StoredEvent>) {
        if let (Some(contact), false) = (event.scope.contact, event.scope.agents_only) {
            self.visitor(contact, Item::Event(event.clone()));
        }
        self.all_agents(&Item::Event(event));
    }

    fn signal(&mut self, signal: Signal) {
        let item = Item::Signal(Arc::new(signal));
        let Item::Signal(signal) = &item else { return };
        match signal.as_ref() {
            Signal::Typing { contact, typist, reply, .. } => {
                if *reply && matches!(typist, Typist::Agent { .. }) {
                    self.visitor(*contact, item.clone());
                }
                self.all_agents(&item);
            }
            Signal::Visitor(_) | Signal::Agent(_) => self.all_agents(&item),
            Signal::Read { agent, .. } => {
                for (_, socket) in self.agents.values().filter(|(who, _)| *who == Some(*agent)) {
                    socket.offer(item.clone());
                }
            }
            Signal::TeamOnline(_) => {
                for socket in self.visitors.values().flatten().map(|(_, s)| s) {
                    socket.offer(item.clone());
                }
            }
            Signal::TeamChanged | Signal::AgentsConnected => {}
        }
    }

    fn visitor(&self, contact: ContactId, item: Item) {
        if let Some(list) = self.visitors.get(&contact) {
            for (_, socket) in list {
                socket.offer(item.clone());
            }
        }
    }

    fn all_agents(&self, item: &Item) {
        for (_, socket) in self.agents.values() {
            socket.offer(item.clone());
        }
    }

    fn everyone(&self, item: Item) {
        self.all_agents(&item);
        for socket in self.visitors.values().flatten().map(|(_, s)| s) {
            socket.offer(item.clone());
        }
    }
}
