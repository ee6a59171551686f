use super::{Contact, dto, string_enum};
use crate::{AgentId, ContactId, ConversationId, Dot, ErrorCode, GroupId, LabelId};
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

/// What `POST /conversations/bulk` does to each conversation.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BulkAction {
    /// Close each.
    Close,
    /// Reopen each.
    Reopen,
    /// Assign each to this agent and/or group (`null` for none).
    Assign {
        /// Agent to assign, or none.
        #[serde(default)]
        agent_id: Option<AgentId>,
        /// Group to assign, or none.
        #[serde(default)]
        group_id: Option<GroupId>,
    },
    /// Put a label on each.
    AddLabel {
        /// The label.
        label_id: LabelId,
    },
    /// Take a label off each.
    RemoveLabel {
        /// The label.
        label_id: LabelId,
    },
    /// Delete each with its messages and files.
    Delete,
}

dto! {
    /// `POST /conversations/bulk`: one action on up to 200 conversations.
    pub struct BulkRequest {
        /// The conversations (1–200; repeats count once).
        pub conversation_ids: Vec<ConversationId>,
        /// What to do to each.
        pub action: BulkAction,
    }

    /// One conversation the action could not be applied to.
    pub struct BulkFailure {
        /// The conversation.
        pub conversation_id: ConversationId,
        /// Why, as a stable code.
        pub code: ErrorCode,
        /// Why, for people.
        pub message: String,
    }

    /// What a bulk action did: each conversation is done or failed, alone.
    pub struct BulkOutcome {
        /// The conversations after the action (deleted ones are absent).
        pub updated: Vec<Conversation>,
        /// Deleted conversations.
        pub deleted: Vec<ConversationId>,
        /// Those it could not be applied to.
        pub failed: Vec<BulkFailure>,
    }
}

dto! {
    /// One visitor's rating, as the ratings report lists it.
    pub struct RatingEntry {
        /// The rated conversation.
        pub conversation_id: ConversationId,
        /// 1 to 5.
        pub score: u8,
        /// What the visitor added.
        pub comment: Option<String>,
        /// When they rated it.
        pub rated_at: DateTime<Utc>,
        /// Who had the conversation.
        pub assignee_id: Option<AgentId>,
    }

    /// `GET /reports/ratings`: the ratings given in a range.
    pub struct RatingsReport {
        /// How many.
        pub count: u64,
        /// Their average (none without ratings).
        pub average: Option<f64>,
        /// How many of each score, 1 to 5.
        pub distribution: Vec<u64>,
        /// The latest ratings, newest first (at most 100).
        pub latest: Vec<RatingEntry>,
    }

    /// One time a conversation turned red (missed), from the history reports read.
    pub struct MissedEpisode {
        /// The conversation.
        pub conversation_id: ConversationId,
        /// Since when the visitor had been waiting.
        pub waiting_since: DateTime<Utc>,
        /// When it turned red.
        pub missed_at: DateTime<Utc>,
        /// Who it was assigned to then.
        pub assignee_id: Option<AgentId>,
        /// Which group it was assigned to then.
        pub group_id: Option<GroupId>,
        /// The first reply after it turned red; absent while unanswered.
        pub answered_at: Option<DateTime<Utc>>,
    }
}
