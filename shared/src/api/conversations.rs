use super::{Contact, dto, string_enum};
use crate::{AgentId, ContactId, ConversationId, Dot, GroupId, LabelId};
use chrono::{DateTime, Utc};

string_enum! {
    /// Whether a conversation is open.
    pub enum ConversationStatus {
        /// Being handled.
        Open,
        /// Done; a new visitor message reopens it.
        Closed,
    }

    /// The filters of the conversation list.
    pub enum ConversationFilter {
        /// Open and assigned to the caller (directly, or through a group with no agent assignee).
        Mine,
        /// Open with no agent assignee.
        Unassigned,
        /// Every open conversation.
        Open,
        /// Closed conversations.
        Closed,
        /// Open and missed (red): waiting for an answer past the deadline, or with
        /// none of its agents online; it leaves this list once answered or closed.
        Missed,
        /// Open and snoozed (the other open filters leave these out).
        Snoozed,
        /// Open and closed.
        All,
    }
}

dto! {
    /// A conversation as an agent or integrator sees it.
    pub struct Conversation {
        /// Id.
        pub id: ConversationId,
        /// The contact on the visitor side.
        pub contact_id: ContactId,
        /// The contact's name, if known.
        pub contact_name: Option<String>,
        /// The contact's email, if known.
        pub contact_email: Option<String>,
        /// Open or closed.
        pub status: ConversationStatus,
        /// The assigned agent.
        pub assignee_id: Option<AgentId>,
        /// The assigned group.
        pub group_id: Option<GroupId>,
        /// When the oldest unanswered visitor message was sent; absent once answered.
        pub awaiting_reply_since: Option<DateTime<Utc>>,
        /// When the visitor last wrote.
        pub last_visitor_message_at: Option<DateTime<Utc>>,
        /// Event-log sequence of the visitor's latest message (read state compares against it).
        pub last_visitor_seq: Option<i64>,
        /// When the conversation was marked missed by the server, if it was.
        pub missed_at: Option<DateTime<Utc>>,
        /// Last message or change, for sorting.
        pub last_activity_at: DateTime<Utc>,
        /// The start of the last message (replies and visitor messages; comments for agents too).
        pub last_message_preview: Option<String>,
        /// When it started.
        pub created_at: DateTime<Utc>,
        /// When it was closed, if it is.
        pub closed_at: Option<DateTime<Utc>>,
        /// Its labels (agents only; `GET /labels` names them).
        #[serde(default)]
        pub label_ids: Vec<LabelId>,
        /// Until when it is snoozed: out of the working lists until then (or
        /// until the visitor writes), when it comes back with a purple dot.
        #[serde(default)]
        pub snoozed_until: Option<DateTime<Utc>>,
        /// The caller's dot.
        pub dot: Dot,
    }

    /// `GET /conversations/{id}`: the conversation with its contact.
    pub struct ConversationDetail {
        /// The conversation.
        pub conversation: Conversation,
        /// Its contact.
        pub contact: Contact,
    }

    /// `POST /conversations/{id}/assign`: sets both; `null` or absent clears.
    pub struct AssignRequest {
        /// Agent to assign, or none.
        #[serde(default)]
        pub agent_id: Option<AgentId>,
        /// Group to assign, or none.
        #[serde(default)]
        pub group_id: Option<GroupId>,
    }

    /// `POST /conversations/{id}/snooze`.
    pub struct SnoozeRequest {
        /// When it comes back (within a year).
        pub until: DateTime<Utc>,
    }

    /// `POST /conversations` (integrators): start a conversation with a contact.
    pub struct CreateConversation {
        /// The contact.
        pub contact_id: ContactId,
    }
}
