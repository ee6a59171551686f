//! Real time: WebSockets for agents and visitors, presence, typing, and the
//! server-side missed-conversation rule.
//!
//! Logged changes reach sessions through the event bus (in sequence order, with
//! replay from the log on resume). Ephemeral things — typing, presence, a read
//! in another tab — travel as [`Signal`]s and are never logged.

pub mod agent_ws;
mod handshake;
pub mod presence;
pub mod replay;
pub mod router;
pub mod rules;
mod session;
pub mod visitor_ws;

use crate::domain::team::{TeamSnapshot, load_team};
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::web;
use presence::Presence;
use shared::frames::{AgentPresence, Typist, VisitorPresence};
use shared::{AgentId, ContactId, ConversationId};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use tokio::sync::{Notify, broadcast, watch};

/// Something that happened now and is not logged.
#[derive(Debug, Clone)]
pub enum Signal {
    /// Someone started or stopped typing.
    Typing {
        /// The conversation.
        conversation: ConversationId,
        /// Its contact.
        contact: ContactId,
        /// Who.
        typist: Typist,
        /// Typing a reply (shown to the visitor) rather than a comment.
        reply: bool,
        /// Typing now?
        typing: bool,
    },
    /// An agent came online or went offline (or changed availability).
    Agent(AgentPresence),
    /// A visitor came, left or changed page.
    Visitor(VisitorPresence),
    /// Whether any agent is online.
    TeamOnline(bool),
    /// An agent read a conversation (their other tabs update the dot).
    Read {
        /// The agent.
        agent: AgentId,
        /// The conversation.
        conversation: ConversationId,
        /// Up to which message.
        read_seq: i64,
    },
}

/// The real-time hub shared by every session.
pub struct Realtime {
    /// Connections in this process.
    pub presence: Presence,
    /// Visitor sockets by contact.
    pub visitors: Arc<router::VisitorRouter>,
    signals: broadcast::Sender<Signal>,
    team: Mutex<Option<Arc<TeamSnapshot>>>,
    /// Bumped whenever the snapshot is invalidated: a load that started before
    /// is not stored.
    generation: std::sync::atomic::AtomicU64,
    /// One reload at a time, so presence changes are announced in order.
    reloading: tokio::sync::Mutex<()>,
    online: Mutex<HashSet<AgentId>>,
    rules: Notify,
    shutdown: watch::Sender<bool>,
}

impl Default for Realtime {
    fn default() -> Self {
        Self {
            presence: Presence::default(),
            visitors: Arc::default(),
            signals: broadcast::channel(4096).0,
            team: Mutex::new(None),
            generation: std::sync::atomic::AtomicU64::new(0),
            reloading: tokio::sync::Mutex::new(()),
            online: Mutex::default(),
            rules: Notify::new(),
            shutdown: watch::channel(false).0,
        }
    }
}

impl Realtime {
    /// Sends a signal to the agents' sessions of this process, and what
    /// concerns visitors to theirs.
    pub fn signal(&self, signal: Signal) {
        match &signal {
            Signal::Typing { contact, typist: Typist::Agent { name, .. }, reply: true, typing, .. } => {
                self.visitors.send(*contact, router::VisitorItem::Typing { typing: *typing, name: name.clone() });
            }
            Signal::TeamOnline(online) => self.visitors.send_all(router::VisitorItem::TeamOnline(*online)),
            _ => {}
        }
        let _ = self.signals.send(signal);
    }

    /// Listens to signals.
    pub fn signals(&self) -> broadcast::Receiver<Signal> {
        self.signals.subscribe()
    }

    /// Tells sessions to close (server shutting down).
    pub fn shut_down(&self) {
        self.shutdown.send_replace(true);
    }

    /// Resolves when the server shuts down.
    pub fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    /// Wakes the missed-conversation rule (presence, assignment or team changed).
    pub fn rules_changed(&self) {
        self.rules.notify_one();
    }

    /// Waits for [`Realtime::rules_changed`].
    pub async fn rules_wakeup(&self) {
        self.rules.notified().await;
    }

    /// The team as the dot rule sees it (cached until the team or presence changes).
    pub async fn team(&self, state: &AppState) -> ApiResult<Arc<TeamSnapshot>> {
        use std::sync::atomic::Ordering;
        if let Some(team) = self.team.lock().unwrap_or_else(|p| p.into_inner()).clone() {
            return Ok(team);
        }
        let generation = self.generation.load(Ordering::Acquire);
        let snapshot = Arc::new(load_team(state.db.conn(), &self.presence.connected_agents()).await?);
        let mut cached = self.team.lock().unwrap_or_else(|p| p.into_inner());
        if self.generation.load(Ordering::Acquire) == generation {
            *cached = Some(snapshot.clone());
        }
        Ok(snapshot)
    }

    /// The team, agents, groups or presence changed: reload the snapshot, tell
    /// sessions who came online or went offline, and re-run the missed rule.
    pub async fn team_changed(&self, state: &AppState) -> ApiResult<()> {
        let _one_at_a_time = self.reloading.lock().await;
        self.generation.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        *self.team.lock().unwrap_or_else(|p| p.into_inner()) = None;
        let team = self.team(state).await?;
        let now_online = team.team.online.clone();
        let before = std::mem::replace(&mut *self.online.lock().unwrap_or_else(|p| p.into_inner()), now_online.clone());
        for agent in now_online.symmetric_difference(&before) {
            self.signal(Signal::Agent(team.presence_of(*agent)));
        }
        if before.is_empty() != now_online.is_empty() {
            self.signal(Signal::TeamOnline(!now_online.is_empty()));
        }
        self.rules_changed();
        Ok(())
    }

    /// Whether any agent is online now.
    pub async fn team_online(&self, state: &AppState) -> ApiResult<bool> {
        Ok(!self.team(state).await?.team.online.is_empty())
    }
}

/// Registers the WebSocket endpoints.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(agent_ws::connect).service(visitor_ws::connect);
}
