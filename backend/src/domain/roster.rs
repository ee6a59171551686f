//! The team as the dot rule sees it: loaded into the [`Roster`] cache on demand,
//! emptied when agents, groups, availability or presence change — on this node
//! or another — and a watcher that tells this node's sockets who came online
//! or went offline.

use crate::bus::Signal;
use crate::entities::{agents, group_members};
use crate::error::ApiResult;
use crate::roster::TeamSnapshot;
use crate::state::AppState;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use shared::api::Availability;
use shared::{AgentId, GroupId};
use std::collections::HashSet;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

/// The team now (cached until it or presence changes).
pub async fn snapshot(state: &AppState) -> ApiResult<Arc<TeamSnapshot>> {
    if let Some(snapshot) = state.roster.get() {
        return Ok(snapshot);
    }
    let generation = state.roster.generation();
    let snapshot = Arc::new(load_team(state.db.conn(), &state.bus.presence().connected_agents()).await?);
    state.roster.keep(snapshot.clone(), generation);
    Ok(snapshot)
}

/// The team changed here (agents, groups, availability): every node reloads it.
pub fn changed(state: &AppState) {
    state.roster.invalidate();
    state.bus.signal(Signal::TeamChanged);
}

/// Who is on the team, online, and in which group: one query for agents, one for
/// memberships. An agent is online when active, available (`online`) and connected.
pub async fn load_team(db: &impl ConnectionTrait, connected: &HashSet<AgentId>) -> ApiResult<TeamSnapshot> {
    let agents = agents::Entity::find()
        .filter(agents::Column::Active.eq(true))
        .select_only()
        .columns([agents::Column::Id, agents::Column::Availability])
        .into_tuple::<(Uuid, crate::entities::stored::StoredAvailability)>()
        .all(db)
        .await?;
    let members = group_members::Entity::find().all(db).await?;
    let mut snapshot = TeamSnapshot::default();
    for (id, availability) in agents {
        let id = AgentId(id);
        let availability = Availability::from(availability);
        snapshot.team.agents.insert(id);
        if availability == Availability::Online && connected.contains(&id) {
            snapshot.team.online.insert(id);
        }
        snapshot.availability.insert(id, availability);
    }
    for m in members {
        if snapshot.team.agents.contains(&AgentId(m.agent_id)) {
            snapshot.team.groups.entry(GroupId(m.group_id)).or_default().insert(AgentId(m.agent_id));
        }
    }
    Ok(snapshot)
}

/// Watches the team and presence; tells this node's sockets who came online or
/// went offline, and whether anyone is online, as the changes happen.
pub fn spawn_watcher(state: AppState) {
    tokio::spawn(async move {
        let mut signals = state.bus.signals();
        let mut online: HashSet<AgentId> = match snapshot(&state).await {
            Ok(team) => team.team.online.clone(),
            Err(_) => HashSet::new(),
        };
        loop {
            match signals.recv().await {
                Ok(Signal::TeamChanged | Signal::AgentsConnected) | Err(RecvError::Lagged(_)) => {}
                Ok(_) => continue,
                Err(RecvError::Closed) => return,
            }
            state.roster.invalidate();
            let team = match snapshot(&state).await {
                Ok(team) => team,
                Err(e) => {
                    tracing::warn!(error = %e, "could not reload the team");
                    continue;
                }
            };
            let now_online = team.team.online.clone();
            for agent in now_online.symmetric_difference(&online) {
                state.bus.signal(Signal::Agent(team.presence_of(*agent)));
            }
            if online.is_empty() != now_online.is_empty() {
                state.bus.signal(Signal::TeamOnline(!now_online.is_empty()));
            }
            online = now_online;
        }
    });
}
