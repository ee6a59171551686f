use super::{Availability, Role, dto};
use crate::{AgentId, GroupId};
use chrono::{DateTime, Utc};

dto! {
    /// `POST /agents` (admin).
    pub struct CreateAgent {
        /// Display name.
        pub name: String,
        /// Login email; unique.
        pub email: String,
        /// Initial password.
        pub password: String,
        /// Role; `agent` when absent.
        #[serde(default)]
        pub role: Option<Role>,
    }

    /// `PATCH /agents/{id}` (admin).
    pub struct UpdateAgent {
        /// New display name.
        #[serde(default)]
        pub name: Option<String>,
        /// New role.
        #[serde(default)]
        pub role: Option<Role>,
        /// `false` deactivates the agent and ends their sessions.
        #[serde(default)]
        pub active: Option<bool>,
        /// New availability.
        #[serde(default)]
        pub availability: Option<Availability>,
    }

    /// A group of agents.
    pub struct Group {
        /// Group id.
        pub id: GroupId,
        /// Name, such as "Sales".
        pub name: String,
        /// Its members.
        pub member_ids: Vec<AgentId>,
        /// When it was created.
        pub created_at: DateTime<Utc>,
    }

    /// `POST /groups` and `PATCH /groups/{id}` (admin).
    pub struct GroupInput {
        /// Name; unique.
        pub name: String,
    }

    /// `PUT /groups/{id}/members` (admin): the complete member list.
    pub struct SetMembers {
        /// Agents in the group.
        pub agent_ids: Vec<AgentId>,
    }
}
