use super::{Role, dto};
use crate::ApiKeyId;
use chrono::{DateTime, Utc};

dto! {
    /// An API key, without its secret.
    pub struct ApiKey {
        /// Key id.
        pub id: ApiKeyId,
        /// What the key is for.
        pub name: String,
        /// What the key may do.
        pub role: Role,
        /// The first characters of the secret, to recognise it.
        pub prefix: String,
        /// When it was created.
        pub created_at: DateTime<Utc>,
        /// When it was last used, if ever.
        pub last_used_at: Option<DateTime<Utc>>,
        /// When it was revoked; revoked keys are refused.
        pub revoked_at: Option<DateTime<Utc>>,
    }

    /// `POST /api-keys` (admin).
    pub struct CreateApiKey {
        /// What the key is for.
        pub name: String,
        /// Role; `agent` when absent.
        #[serde(default)]
        pub role: Option<Role>,
    }

    /// The answer to `POST /api-keys`: the only time the secret is shown.
    pub struct CreatedApiKey {
        /// The stored key.
        pub key: ApiKey,
        /// Send as `Authorization: Bearer <secret>`.
        pub secret: String,
    }
}
