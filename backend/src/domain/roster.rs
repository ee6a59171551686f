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
    let mut team = load_team(state.db.conn(), &state.bus.presence().connected_agents()).await?;
    team.hours = super::business_hours::schedule(state.db.conn()).await?;
    let snapshot = Arc::new(team);
    state.roster.keep(snapshot.clone(), generation);
    Ok(snapshot)
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

/// Watches the team, presence and the clock; tells this node's sockets who
/// came online or went offline, and whether visitors find the team there (an
/// agent online inside business hours), as the changes happen — waking at
/// each opening and closing time.
pub fn spawn_watcher(state: AppState) {
    tokio::spawn(async move {
        let mut signals = state.bus.signals();
        let mut shutdown = state.shutdown.clone();
        let (mut online, mut open, mut next) = match snapshot(&state).await {
            Ok(team) => {
                let now = state.now();
                (team.team.online.clone(), team.open_at(now), next_change(&team, now))
            }
            Err(_) => (HashSet::new(), false, None),
        };
        loop {
            let reload = tokio::select! {
                _ = async {
                    match next {
                        Some(at) => state.clock.sleep_until(at).await,
                        None => std::future::pending().await,
                    }
                } => false,
                signal = signals.recv() => match signal {
                    Ok(Signal::TeamChanged | Signal::AgentsConnected) | Err(RecvError::Lagged(_)) => true,
                    Ok(_) => continue,
                    Err(RecvError::Closed) => return,
                },
                _ = shutdown.changed() => return,
            };
            if reload {
                state.roster.invalidate();
            }
            let team = match snapshot(&state).await {
                Ok(team) => team,
                Err(e) => {
                    tracing::warn!(error = %e, "could not reload the team");
                    next = Some(state.now() + chrono::Duration::seconds(1));
                    continue;
                }
            };
            let now = state.now();
            let now_online = team.team.online.clone();
            for agent in now_online.symmetric_difference(&online) {
                state.bus.signal(Signal::Agent(team.presence_of(*agent)));
            }
            let now_open = team.open_at(now);
            if open != now_open {
                state.bus.signal(Signal::TeamOnline(now_open));
            }
            (online, open, next) = (now_online, now_open, next_change(&team, now));
        }
    });
}

/// When business hours next open or close, if they are on.
fn next_change(team: &TeamSnapshot, now: chrono::DateTime<chrono::Utc>) -> Option<chrono::DateTime<chrono::Utc>> {
    team.hours.as_ref().and_then(|hours| hours.next_change(now))
}
