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
        /// The most open conversations automatic assignment gives them; `0` removes the limit.
        #[serde(default)]
        pub capacity: Option<u32>,
    }

    /// A group of agents.
    pub struct Group {
        /// Group id.
        pub id: GroupId,
        /// Name, such as "Sales".
        pub name: String,
        /// Its members.
        pub member_ids: Vec<AgentId>,
        /// New conversations routed to it go round robin to its members who
        /// are online and under their capacity.
        #[serde(default)]
        pub auto_assign: bool,
        /// When it was created.
        pub created_at: DateTime<Utc>,
    }

    /// `POST /groups` (admin).
    pub struct GroupInput {
        /// Name; unique.
        pub name: String,
    }

    /// `PATCH /groups/{id}` (admin): what to change.
    pub struct UpdateGroup {
        /// New name; unique.
        #[serde(default)]
        pub name: Option<String>,
        /// Turns automatic assignment on or off.
        #[serde(default)]
        pub auto_assign: Option<bool>,
    }

    /// One routing rule: a new conversation whose visitor is on a page whose
    /// address contains `url_contains` (whatever the case) goes to `group_id`.
    pub struct RoutingRule {
        /// Text to find in the page address; empty matches every page.
        pub url_contains: String,
        /// The group it routes to.
        pub group_id: GroupId,
    }

    /// `GET` and `PUT /routing-rules` (admin): the rules in order, first match wins.
    pub struct RoutingRules {
        /// The rules, at most [`crate::limits::MAX_ROUTING_RULES`].
        pub rules: Vec<RoutingRule>,
    }

    /// `PUT /groups/{id}/members` (admin): the complete member list.
    pub struct SetMembers {
        /// Agents in the group.
        pub agent_ids: Vec<AgentId>,
    }
}
