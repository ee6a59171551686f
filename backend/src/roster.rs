//! The team as the dot rule sees it — who is on it (active agents and their
//! availability), who is online (available and connected) and who is in which
//! group — cached for everyone who computes a dot. `domain::team` fills it; any
//! change of the team or of who is connected empties it.

use shared::api::Availability;
use shared::frames::AgentPresence;
use shared::{AgentId, Team};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The team, with each agent's chosen availability.
#[derive(Debug, Clone, Default)]
pub struct TeamSnapshot {
    /// Agents, who is online, groups.
    pub team: Team,
    /// Each active agent's availability.
    pub availability: HashMap<AgentId, Availability>,
    /// The business hours, if they are on.
    pub hours: Option<crate::hours::Schedule>,
}

impl TeamSnapshot {
    /// Whether visitors find the team there at `at`: an agent online, inside
    /// business hours.
    pub fn open_at(&self, at: chrono::DateTime<chrono::Utc>) -> bool {
        !self.team.online.is_empty() && self.hours.as_ref().is_none_or(|hours| hours.is_open(at))
    }

    /// An agent's presence.
    pub fn presence_of(&self, agent: AgentId) -> AgentPresence {
        AgentPresence {
            agent_id: agent,
            online: self.team.online.contains(&agent),
            availability: self.availability.get(&agent).copied().unwrap_or(Availability::Offline),
        }
    }
}

/// The cached snapshot.
#[derive(Default)]
pub struct Roster {
    cached: Mutex<Option<Arc<TeamSnapshot>>>,
    /// Bumped on every change: a snapshot loaded before a change is not kept.
    generation: AtomicU64,
}

impl Roster {
    /// The cached snapshot, if any.
    pub fn get(&self) -> Option<Arc<TeamSnapshot>> {
        self.cached.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The generation a load starts from (pass it to [`Roster::keep`]).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps `snapshot` unless the team changed since `generation`.
    pub fn keep(&self, snapshot: Arc<TeamSnapshot>, generation: u64) {
        let mut cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
        if self.generation.load(Ordering::Acquire) == generation {
            *cached = Some(snapshot);
        }
    }

    /// Forgets the snapshot: the team or who is connected changed.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        *self.cached.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}
