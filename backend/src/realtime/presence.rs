//! Who is connected: agents (with a grace period that absorbs page reloads) and
//! visitors (with the page they are on). Availability lives in the database; an
//! agent is online when available *and* connected here.

use shared::{AgentId, ContactId, Timestamp};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// How long an agent stays online after their last connection closed.
pub const GRACE_SECS: i64 = 5;

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

/// Connection counts, in this process.
#[derive(Debug, Default)]
pub struct Presence {
    agents: Mutex<HashMap<AgentId, AgentConnections>>,
    visitors: Mutex<HashMap<ContactId, VisitorConnections>>,
}

/// A visitor's presence as it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitorState {
    /// Connected.
    pub online: bool,
    /// Their page.
    pub page: Option<String>,
}

impl Presence {
    fn agents(&self) -> std::sync::MutexGuard<'_, HashMap<AgentId, AgentConnections>> {
        self.agents.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn visitors(&self) -> std::sync::MutexGuard<'_, HashMap<ContactId, VisitorConnections>> {
        self.visitors.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// An agent's connection opened; `true` if they were not connected before.
    pub fn agent_connected(&self, agent: AgentId) -> bool {
        let mut agents = self.agents();
        let entry = agents.entry(agent).or_default();
        let was = entry.open > 0 || entry.left_at.is_some();
        entry.open += 1;
        entry.left_at = None;
        !was
    }

    /// An agent's connection closed at `now` (they stay connected for the grace period).
    pub fn agent_disconnected(&self, agent: AgentId, now: Timestamp) {
        let mut agents = self.agents();
        if let Some(entry) = agents.get_mut(&agent) {
            entry.open = entry.open.saturating_sub(1);
            if entry.open == 0 {
                entry.left_at = Some(now);
            }
        }
    }

    /// Ends the grace period of agents who left before `now - GRACE_SECS`; returns them.
    pub fn expire(&self, now: Timestamp) -> Vec<AgentId> {
        let deadline = now - chrono::Duration::seconds(GRACE_SECS);
        let mut agents = self.agents();
        let gone: Vec<AgentId> = agents
            .iter()
            .filter(|(_, c)| c.open == 0 && c.left_at.is_some_and(|t| t <= deadline))
            .map(|(a, _)| *a)
            .collect();
        for agent in &gone {
            agents.remove(agent);
        }
        gone
    }

    /// How many of an agent's connections are open right now.
    pub fn open_connections(&self, agent: AgentId) -> usize {
        self.agents().get(&agent).map_or(0, |c| c.open)
    }

    /// Agents connected now (or within their grace period).
    pub fn connected_agents(&self) -> HashSet<AgentId> {
        self.agents().keys().copied().collect()
    }

    /// A visitor's widget connected.
    pub fn visitor_connected(&self, contact: ContactId, page: Option<String>) -> VisitorState {
        let mut visitors = self.visitors();
        let entry = visitors.entry(contact).or_default();
        entry.open += 1;
        if page.is_some() {
            entry.page = page;
        }
        VisitorState { online: true, page: entry.page.clone() }
    }

    /// A visitor moved to another page.
    pub fn visitor_page(&self, contact: ContactId, page: String) -> VisitorState {
        let mut visitors = self.visitors();
        let entry = visitors.entry(contact).or_default();
        entry.page = Some(page);
        VisitorState { online: entry.open > 0, page: entry.page.clone() }
    }

    /// A visitor's widget disconnected; `Some` when it was their last connection.
    pub fn visitor_disconnected(&self, contact: ContactId) -> Option<VisitorState> {
        let mut visitors = self.visitors();
        let entry = visitors.get_mut(&contact)?;
        entry.open = entry.open.saturating_sub(1);
        if entry.open > 0 {
            return None;
        }
        let page = visitors.remove(&contact).and_then(|v| v.page);
        Some(VisitorState { online: false, page })
    }

    /// Visitors connected now, with their pages.
    pub fn visitors_online(&self) -> Vec<(ContactId, Option<String>)> {
        self.visitors().iter().map(|(c, v)| (*c, v.page.clone())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn agents_stay_online_through_a_reload() {
        let presence = Presence::default();
        let ana = AgentId(uuid::Uuid::from_u128(1));
        let t0 = chrono::Utc::now();
        assert!(presence.agent_connected(ana));
        assert!(!presence.agent_connected(ana), "a second tab is no news");
        presence.agent_disconnected(ana, t0);
        presence.agent_disconnected(ana, t0);
        assert!(presence.connected_agents().contains(&ana), "within the grace period");
        assert!(!presence.agent_connected(ana), "reload: back within grace, no change");
        presence.agent_disconnected(ana, t0);
        assert!(presence.expire(t0 + Duration::seconds(GRACE_SECS - 1)).is_empty());
        assert_eq!(presence.expire(t0 + Duration::seconds(GRACE_SECS)), vec![ana]);
        assert!(presence.connected_agents().is_empty());
    }

    #[test]
    fn visitors_go_offline_with_their_last_connection() {
        let presence = Presence::default();
        let vera = ContactId(uuid::Uuid::from_u128(2));
        presence.visitor_connected(vera, Some("/a".into()));
        presence.visitor_connected(vera, None);
        assert_eq!(presence.visitor_page(vera, "/b".into()).page.as_deref(), Some("/b"));
        assert!(presence.visitor_disconnected(vera).is_none());
        assert_eq!(presence.visitor_disconnected(vera), Some(VisitorState { online: false, page: Some("/b".into()) }));
        assert!(presence.visitors_online().is_empty());
    }
}
