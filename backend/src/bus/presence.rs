//! Who is connected: agents (with a grace period that absorbs page reloads) and
//! visitors (with the page they are on). Each node counts its own sockets; with
//! Redis, each node also writes what it holds into sorted sets scored by an
//! expiry it keeps pushing forward (a heartbeat), so the cluster's view is the
//! union of every live node's — and a node that dies drops out within
//! [`TTL`] plus one [`HEARTBEAT`].

use super::Emitter;
use super::redis_link::RedisLink;
use super::signals::Signal;
use crate::clock::Clock;
use redis::AsyncCommands;
use shared::frames::VisitorPresence;
use shared::{AgentId, ContactId, Timestamp};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;
use uuid::Uuid;

/// How long an agent stays connected after their last socket closed.
pub const GRACE_SECS: i64 = 5;
/// How long a node's word stays valid in Redis without a heartbeat.
pub const TTL: Duration = Duration::from_secs(6);
/// How often a node renews its word and reads the others'.
pub const HEARTBEAT: Duration = Duration::from_secs(2);

#[derive(Debug, Default)]
struct AgentConnections {
    open: usize,
    /// When the last connection closed (while `open == 0`).
    left_at: Option<Timestamp>,
}

#[derive(Debug, Default)]
struct VisitorConnections {
    open: usize,
    page: Option<String>,
}

#[derive(Default)]
struct Local {
    agents: HashMap<AgentId, AgentConnections>,
    visitors: HashMap<ContactId, VisitorConnections>,
    /// Gone since the last write to Redis.
    gone_agents: Vec<AgentId>,
    gone_visitors: Vec<ContactId>,
}

/// A visitor's presence as it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitorState {
    /// Connected.
    pub online: bool,
    /// Their page.
    pub page: Option<String>,
}

/// Connections on this node and, with Redis, on the others.
pub struct Presence {
    local: Mutex<Local>,
    /// Agents connected on other nodes (from Redis).
    elsewhere: Mutex<HashSet<AgentId>>,
    link: Option<RedisLink>,
    emitter: Emitter,
    clock: Arc<dyn Clock>,
    /// Wakes the presence task: the local set changed.
    changed: Notify,
}

impl Presence {
    pub(super) fn new(emitter: Emitter, clock: Arc<dyn Clock>) -> Self {
        let link = emitter.link.clone();
        Self { local: Mutex::default(), elsewhere: Mutex::default(), link, emitter, clock, changed: Notify::new() }
    }

    fn local(&self) -> std::sync::MutexGuard<'_, Local> {
        self.local.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn announce_agents(&self) {
        self.changed.notify_one();
        self.emitter.emit(Signal::AgentsConnected);
    }

    /// An agent's connection opened.
    pub fn agent_connected(&self, agent: AgentId) {
        let news = {
            let mut local = self.local();
            let entry = local.agents.entry(agent).or_default();
            let was = entry.open > 0 || entry.left_at.is_some();
            entry.open += 1;
            entry.left_at = None;
            !was
        };
        if news {
            self.announce_agents();
        }
    }

    /// An agent's connection closed (they stay connected for the grace period).
    pub fn agent_disconnected(&self, agent: AgentId) {
        let now = self.clock.now();
        let mut local = self.local();
        if let Some(entry) = local.agents.get_mut(&agent) {
            entry.open = entry.open.saturating_sub(1);
            if entry.open == 0 {
                entry.left_at = Some(now);
            }
        }
        drop(local);
        self.changed.notify_one();
    }

    /// How many of an agent's sockets are open on this node right now.
    pub fn open_connections(&self, agent: AgentId) -> usize {
        self.local().agents.get(&agent).map_or(0, |c| c.open)
    }

    /// Reads the other nodes' word again now (one of them announced a change).
    pub(super) fn refresh(&self) {
        self.changed.notify_one();
    }

    /// Agents connected now (or within their grace period), on any node.
    pub fn connected_agents(&self) -> HashSet<AgentId> {
        let mut agents: HashSet<AgentId> = self.local().agents.keys().copied().collect();
        agents.extend(self.elsewhere.lock().unwrap_or_else(|p| p.into_inner()).iter().copied());
        agents
    }

    /// A visitor's widget connected here.
    pub fn visitor_connected(&self, contact: ContactId, page: Option<String>) -> VisitorState {
        let mut local = self.local();
        let entry = local.visitors.entry(contact).or_default();
        entry.open += 1;
        if page.is_some() {
            entry.page = page;
        }
        let state = VisitorState { online: true, page: entry.page.clone() };
        drop(local);
        self.changed.notify_one();
        state
    }

    /// The page of a visitor whose widget is connected to this node.
    pub fn local_page(&self, contact: ContactId) -> Option<String> {
        self.local().visitors.get(&contact).and_then(|v| v.page.clone())
    }

    /// A visitor moved to another page.
    pub fn visitor_page(&self, contact: ContactId, page: String) -> VisitorState {
        let mut local = self.local();
        let entry = local.visitors.entry(contact).or_default();
        entry.page = Some(page);
        VisitorState { online: entry.open > 0, page: entry.page.clone() }
    }

    /// A visitor's widget disconnected; `Some` when it was their last connection here.
    pub fn visitor_disconnected(&self, contact: ContactId) -> Option<VisitorState> {
        let mut local = self.local();
        let entry = local.visitors.get_mut(&contact)?;
        entry.open = entry.open.saturating_sub(1);
        if entry.open > 0 {
            return None;
        }
        let page = local.visitors.remove(&contact).and_then(|v| v.page);
        local.gone_visitors.push(contact);
        drop(local);
        self.changed.notify_one();
        Some(VisitorState { online: false, page })
    }

    /// Visitors connected now, with their pages, on any node.
    pub async fn visitors_online(&self) -> Vec<(ContactId, Option<String>)> {
        let mut online: HashMap<ContactId, Option<String>> =
            self.local().visitors.iter().map(|(c, v)| (*c, v.page.clone())).collect();
        if let Some(link) = &self.link {
            match cluster_visitors(link).await {
                Ok(elsewhere) => {
                    for (contact, page) in elsewhere {
                        online.entry(contact).or_insert(page);
                    }
                }
                Err(e) => tracing::debug!(error = %e, "could not read the visitors online from Redis"),
            }
        }
        online.into_iter().collect()
    }

    /// Ends grace periods that are over; `true` if an agent left.
    fn expire(&self) -> bool {
        let deadline = self.clock.now() - chrono::Duration::seconds(GRACE_SECS);
        let mut local = self.local();
        let gone: Vec<AgentId> = local
            .agents
            .iter()
            .filter(|(_, c)| c.open == 0 && c.left_at.is_some_and(|t| t <= deadline))
            .map(|(a, _)| *a)
            .collect();
        for agent in &gone {
            local.agents.remove(agent);
        }
        local.gone_agents.extend(gone.iter().copied());
        !gone.is_empty()
    }

    /// When the next grace period ends, if any is running.
    fn next_expiry(&self) -> Option<Timestamp> {
        let grace = chrono::Duration::seconds(GRACE_SECS);
        self.local().agents.values().filter(|c| c.open == 0).filter_map(|c| c.left_at.map(|t| t + grace)).min()
    }

    /// Keeps grace periods and, with Redis, this node's word and its view of
    /// the others', until the server stops.
    pub(super) async fn run(self: Arc<Self>) {
        let mut beat = tokio::time::interval(HEARTBEAT);
        beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let next_expiry = self.next_expiry();
            tokio::select! {
                _ = self.changed.notified() => {}
                _ = beat.tick(), if self.link.is_some() => {}
                _ = async {
                    match next_expiry {
                        Some(at) => self.clock.sleep_until(at).await,
                        None => std::future::pending().await,
                    }
                } => {}
            }
            if self.expire() {
                self.announce_agents();
            }
            if let Some(link) = &self.link {
                self.sync(link).await;
            }
        }
    }

    /// Writes this node's connections to Redis and reads the other nodes'.
    async fn sync(&self, link: &RedisLink) {
        let mine = {
            let mut local = self.local();
            Mine {
                agents: local.agents.keys().copied().collect(),
                visitors: local.visitors.keys().copied().collect(),
                pages: local
                    .visitors
                    .iter()
                    .filter_map(|(c, v)| v.page.clone().map(|p| (c.0.to_string(), p)))
                    .collect(),
                gone_agents: std::mem::take(&mut local.gone_agents),
                gone_visitors: std::mem::take(&mut local.gone_visitors),
            }
        };
        match write_and_read(link, &self.emitter.node, &mine).await {
            Ok((elsewhere, vanished)) => {
                let changed = {
                    let mut known = self.elsewhere.lock().unwrap_or_else(|p| p.into_inner());
                    let changed = *known != elsewhere;
                    *known = elsewhere;
                    changed
                };
                if changed {
                    self.emitter.emit(Signal::AgentsConnected);
                }
                // Visitors of a node that died: this node was the one to drop their entry.
                for contact in vanished {
                    self.emitter.emit(Signal::Visitor(VisitorPresence {
                        contact_id: contact,
                        online: false,
                        page: None,
                    }));
                }
            }
            Err(e) => {
                tracing::debug!(error = %e, "presence: Redis unreachable; keeping the last view");
                let mut local = self.local();
                local.gone_agents.extend(mine.gone_agents);
                local.gone_visitors.extend(mine.gone_visitors);
            }
        }
    }
}

/// What this node holds, for Redis.
struct Mine {
    agents: Vec<AgentId>,
    visitors: Vec<ContactId>,
    pages: Vec<(String, String)>,
    gone_agents: Vec<AgentId>,
    gone_visitors: Vec<ContactId>,
}

/// Scores are expiry times in milliseconds of the real clock (liveness is real time).
fn expiry_score() -> f64 {
    let now = chrono::Utc::now().timestamp_millis();
    (now + TTL.as_millis() as i64) as f64
}

fn now_score() -> f64 {
    chrono::Utc::now().timestamp_millis() as f64
}

/// Renews this node's agents and visitors, drops its entries that are gone,
/// removes expired entries of dead nodes, and returns the agents connected on
/// other nodes and the visitors whose expired entry this node removed.
async fn write_and_read(
    link: &RedisLink,
    node: &str,
    mine: &Mine,
) -> redis::RedisResult<(HashSet<AgentId>, Vec<ContactId>)> {
    let mut conn = link.conn();
    let (agents_key, visitors_key, pages_key) = (link.key("agents"), link.key("visitors"), link.key("pages"));
    let score = expiry_score();
    let mut pipe = redis::pipe();
    for agent in &mine.gone_agents {
        pipe.zrem(&agents_key, format!("{}:{node}", agent.0)).ignore();
    }
    for contact in &mine.gone_visitors {
        pipe.zrem(&visitors_key, format!("{}:{node}", contact.0)).ignore();
    }
    for agent in &mine.agents {
        pipe.zadd(&agents_key, format!("{}:{node}", agent.0), score).ignore();
    }
    for contact in &mine.visitors {
        pipe.zadd(&visitors_key, format!("{}:{node}", contact.0), score).ignore();
    }
    if !mine.pages.is_empty() {
        pipe.hset_multiple(&pages_key, &mine.pages).ignore();
    }
    pipe.zrembyscore(&agents_key, "-inf", now_score()).ignore();
    pipe.zrangebyscore(&agents_key, now_score(), "+inf");
    pipe.zrangebyscore(&visitors_key, "-inf", now_score());
    let (live, expired): (Vec<String>, Vec<String>) = pipe.query_async(&mut conn).await?;
    let mut vanished = Vec::new();
    for member in expired {
        let removed: i64 = conn.zrem(&visitors_key, &member).await?;
        if removed == 1
            && let Some(id) = member.split_once(':').and_then(|(id, _)| Uuid::parse_str(id).ok())
        {
            vanished.push(ContactId(id));
        }
    }
    let elsewhere = live
        .iter()
        .filter(|m| !m.ends_with(&format!(":{node}")))
        .filter_map(|m| m.split_once(':').and_then(|(id, _)| Uuid::parse_str(id).ok()))
        .map(AgentId)
        .collect();
    Ok((elsewhere, vanished))
}

async fn cluster_visitors(link: &RedisLink) -> redis::RedisResult<Vec<(ContactId, Option<String>)>> {
    let mut conn = link.conn();
    let live: Vec<String> = conn.zrangebyscore(link.key("visitors"), now_score(), "+inf").await?;
    let contacts: HashSet<String> =
        live.iter().filter_map(|m| m.split_once(':').map(|(id, _)| id.to_owned())).collect();
    let contacts: Vec<String> = contacts.into_iter().collect();
    if contacts.is_empty() {
        return Ok(Vec::new());
    }
    let pages: Vec<Option<String>> =
        redis::cmd("HMGET").arg(link.key("pages")).arg(&contacts).query_async(&mut conn).await?;
    Ok(contacts
        .iter()
        .zip(pages)
        .filter_map(|(id, page)| Uuid::parse_str(id).ok().map(|id| (ContactId(id), page)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use tokio::sync::broadcast;

    fn presence(clock: &ManualClock) -> Presence {
        Presence::new(Emitter::local(broadcast::channel(16).0), Arc::new(clock.clone()))
    }

    #[test]
    fn agents_stay_connected_through_a_reload() {
        let clock = ManualClock::new(chrono::Utc::now());
        let presence = presence(&clock);
        let ana = AgentId(Uuid::from_u128(1));
        presence.agent_connected(ana);
        presence.agent_connected(ana);
        presence.agent_disconnected(ana);
        presence.agent_disconnected(ana);
        assert!(presence.connected_agents().contains(&ana), "within the grace period");
        presence.agent_connected(ana);
        presence.agent_disconnected(ana);
        clock.advance(chrono::Duration::seconds(GRACE_SECS - 1));
        assert!(!presence.expire());
        clock.advance(chrono::Duration::seconds(1));
        assert!(presence.expire());
        assert!(presence.connected_agents().is_empty());
    }

    #[test]
    fn visitors_go_offline_with_their_last_connection() {
        let clock = ManualClock::new(chrono::Utc::now());
        let presence = presence(&clock);
        let vera = ContactId(Uuid::from_u128(2));
        presence.visitor_connected(vera, Some("/a".into()));
        presence.visitor_connected(vera, None);
        assert_eq!(presence.visitor_page(vera, "/b".into()).page.as_deref(), Some("/b"));
        assert!(presence.visitor_disconnected(vera).is_none());
        assert_eq!(presence.visitor_disconnected(vera), Some(VisitorState { online: false, page: Some("/b".into()) }));
    }
}
