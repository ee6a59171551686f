use super::{dto, string_enum};
use crate::AgentId;
use chrono::{DateTime, Utc};

string_enum! {
    /// What an agent may do: admins also manage agents, groups, API keys and settings.
    pub enum Role {
        /// Manages the workspace.
        Admin,
        /// Answers conversations.
        Agent,
    }

    /// An agent's chosen availability.
    pub enum Availability {
        /// Available for chats.
        Online,
        /// At the desk but not taking chats.
        Away,
        /// Not working.
        Offline,
    }
}

dto! {
    /// An agent as other agents and integrators see them.
    pub struct Agent {
        /// Agent id.
        pub id: AgentId,
        /// Display name, shown to visitors too.
        pub name: String,
        /// Login email.
        pub email: String,
        /// Admin or agent.
        pub role: Role,
        /// Chosen availability.
        pub availability: Availability,
        /// Deactivated agents can't log in.
        pub active: bool,
        /// The most open conversations automatic assignment gives them (none: no limit).
        #[serde(default)]
        pub capacity: Option<u32>,
        /// When the agent was created.
        pub created_at: DateTime<Utc>,
    }

    /// `POST /auth/login`.
    pub struct LoginRequest {
        /// Login email.
        pub email: String,
        /// Password.
        pub password: String,
    }

    /// A short-lived access token and a refresh token.
    pub struct TokenPair {
        /// JWT to send as `Authorization: Bearer <token>`.
        pub access_token: String,
        /// Opaque token for `POST /auth/refresh`; single use.
        pub refresh_token: String,
        /// Seconds until the access token expires.
        pub expires_in: u64,
        /// The agent who logged in.
        pub agent: Agent,
    }

    /// `POST /auth/refresh` and `POST /auth/logout`.
    pub struct RefreshRequest {
        /// The refresh token from login or the last refresh.
        pub refresh_token: String,
    }

    /// `PATCH /me`: every field is optional.
    pub struct UpdateMe {
        /// New display name.
        #[serde(default)]
        pub name: Option<String>,
        /// New availability.
        #[serde(default)]
        pub availability: Option<Availability>,
        /// New password; needs `current_password` and ends every other session.
        #[serde(default)]
        pub new_password: Option<String>,
        /// The current password, required with `new_password`.
        #[serde(default)]
        pub current_password: Option<String>,
    }
}
