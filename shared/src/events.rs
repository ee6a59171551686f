//! Events of the event log: every state change, as agents receive it.

use crate::api::{Contact, Conversation, Message};
use crate::{ContactId, ConversationId};
use serde::{Deserialize, Serialize};

/// One change. Conversations inside carry `dot: none`; the server computes each
/// recipient's own dot when it delivers the event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A visitor message, reply, comment or system note was stored.
    MessageCreated {
        /// The message.
        message: Message,
        /// The conversation as it is after the message (its preview, its
        /// activity time, the wait for a reply): one event per message, not two.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        conversation: Option<Box<Conversation>>,
    },
    /// A conversation started.
    ConversationCreated {
        /// The conversation.
        conversation: Conversation,
    },
    /// A conversation changed (status, assignment, waiting state, dot inputs).
    ConversationUpdated {
        /// The conversation after the change.
        conversation: Conversation,
    },
    /// A conversation and everything in it were deleted.
    ConversationDeleted {
        /// The deleted conversation.
        conversation_id: ConversationId,
        /// Its contact.
        contact_id: ContactId,
    },
    /// A contact's details or ban state changed.
    ContactUpdated {
        /// The contact after the change.
        contact: Contact,
    },
    /// A contact was erased with everything of theirs (each conversation's
    /// `conversation.deleted` comes before it).
    ContactDeleted {
        /// The erased contact.
        contact_id: ContactId,
    },
}

impl Event {
    /// Stamps the event's sequence number on the message it carries, if any.
    pub fn set_seq(&mut self, seq: i64) {
        if let Self::MessageCreated { message, .. } = self {
            message.seq = seq;
        }
    }

    /// The event's name, as used by webhooks and the log.
    pub fn name(&self) -> &'static str {
        match self {
            Self::MessageCreated { .. } => "message.created",
            Self::ConversationCreated { .. } => "conversation.created",
            Self::ConversationUpdated { .. } => "conversation.updated",
            Self::ConversationDeleted { .. } => "conversation.deleted",
            Self::ContactUpdated { .. } => "contact.updated",
            Self::ContactDeleted { .. } => "contact.deleted",
        }
    }
}
