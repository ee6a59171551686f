//! Identifiers exposed to clients: random-looking UUIDv7 values, never sequential integers.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = Uuid))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// The underlying UUID.
            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(value: Uuid) -> Self {
                Self(value)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )*};
}

id_type! {
    /// An agent (a person answering in the inbox).
    AgentId,
    /// A group of agents (a team such as "Sales").
    GroupId,
    /// A contact: the person behind one or more visitor sessions.
    ContactId,
    /// A conversation between a contact and the team.
    ConversationId,
    /// One message in a conversation (visitor message, reply, comment or system event).
    MessageId,
    /// An uploaded file.
    AttachmentId,
    /// A saved reply or template.
    SavedReplyId,
    /// A label agents put on conversations.
    LabelId,
    /// An integrator's API key.
    ApiKeyId,
    /// A webhook endpoint.
    WebhookId,
    /// One delivery of an event to a webhook endpoint.
    DeliveryId,
}
