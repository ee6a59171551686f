//! Conversations as read for agents: the row joined with its contact's name and
//! email, and its DTO.

use crate::clock::from_millis;
use crate::entities::stored::StoredStatus;
use crate::entities::{contacts, conversations};
use crate::error::{ApiError, ApiResult};
use sea_orm::ColumnTrait;
use sea_orm::{
    ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QuerySelect, RelationTrait, Select,
};
use shared::api::{Conversation, MessageKind};
use shared::dot::DotConversation;
use shared::{AgentId, ContactId, ConversationId, Dot, GroupId, LabelId};
use uuid::Uuid;

/// A conversation row with its contact's name and email.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ConversationRow {
    pub id: Uuid,
    pub contact_id: Uuid,
    pub status: StoredStatus,
    pub assignee_id: Option<Uuid>,
    pub group_id: Option<Uuid>,
    pub awaiting_reply_since: Option<i64>,
    pub last_visitor_message_at: Option<i64>,
    pub last_visitor_seq: Option<i64>,
    pub missed_at: Option<i64>,
    pub last_activity_at: i64,
    pub last_message_preview: Option<String>,
    pub created_at: i64,
    pub closed_at: Option<i64>,
    pub label_ids: String,
    pub snoozed_until: Option<i64>,
    pub snoozed_by: Option<Uuid>,
    pub first_reply_at: Option<i64>,
    pub first_response_ms: Option<i64>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
}

impl ConversationRow {
    /// What the dot rule needs.
    pub fn dot_input(&self) -> DotConversation {
        DotConversation {
            closed: self.status == StoredStatus::Closed,
            assignee: self.assignee_id.map(AgentId),
            group: self.group_id.map(GroupId),
            awaiting_reply_since: self.awaiting_reply_since.map(from_millis),
            last_visitor_seq: self.last_visitor_seq,
        }
    }

    /// The DTO with the given dot.
    pub fn to_dto(&self, dot: Dot) -> Conversation {
        Conversation {
            id: ConversationId(self.id),
            contact_id: ContactId(self.contact_id),
            contact_name: self.contact_name.clone(),
            contact_email: self.contact_email.clone(),
            status: self.status.into(),
            assignee_id: self.assignee_id.map(AgentId),
            group_id: self.group_id.map(GroupId),
            awaiting_reply_since: self.awaiting_reply_since.map(from_millis),
            last_visitor_message_at: self.last_visitor_message_at.map(from_millis),
            last_visitor_seq: self.last_visitor_seq,
            missed_at: self.missed_at.map(from_millis),
            last_activity_at: from_millis(self.last_activity_at),
            last_message_preview: self.last_message_preview.clone(),
            created_at: from_millis(self.created_at),
            closed_at: self.closed_at.map(from_millis),
            label_ids: label_ids(&self.label_ids),
            snoozed_until: self.snoozed_until.map(from_millis),
            dot,
        }
    }

    /// What a new message does to its conversation: a visitor's reopens it and
    /// starts (or keeps) the wait for a reply; an agent's reply ends the wait and
    /// clears a red dot; a comment or a system note only counts as activity.
    pub fn apply_message(&mut self, kind: MessageKind, seq: i64, preview: Option<String>, now: i64) {
        match kind {
            MessageKind::Visitor => {
                let was_open = self.status == StoredStatus::Open;
                // The visitor's message wakes a snoozed conversation.
                self.snoozed_until = None;
                self.snoozed_by = None;
                if !was_open {
                    self.missed_at = None;
                }
                self.awaiting_reply_since = Some(self.awaiting_reply_since.filter(|_| was_open).unwrap_or(now));
                self.status = StoredStatus::Open;
                self.closed_at = None;
                self.last_visitor_message_at = Some(now);
                self.last_visitor_seq = Some(seq);
            }
            MessageKind::Reply => {
                // The first answer to a waiting visitor: a fact the reports read.
                if let (None, Some(since)) = (self.first_reply_at, self.awaiting_reply_since) {
                    self.first_reply_at = Some(now);
                    self.first_response_ms = Some((now - since).max(0));
                }
                self.awaiting_reply_since = None;
                self.missed_at = None;
            }
            MessageKind::Comment | MessageKind::System => {}
        }
        self.last_activity_at = now;
        self.last_message_preview = preview;
    }

    /// A new open conversation of `contact`.
    pub fn new_open(id: Uuid, contact: &ContactRow, now: i64) -> Self {
        Self {
            id,
            contact_id: contact.id,
            status: StoredStatus::Open,
            assignee_id: None,
            group_id: None,
            awaiting_reply_since: None,
            last_visitor_message_at: None,
            last_visitor_seq: None,
            missed_at: None,
            last_activity_at: now,
            last_message_preview: None,
            created_at: now,
            closed_at: None,
            label_ids: String::new(),
            snoozed_until: None,
            snoozed_by: None,
            first_reply_at: None,
            first_response_ms: None,
            contact_name: contact.name.clone(),
            contact_email: contact.email.clone(),
        }
    }

    /// The stored columns of the row, for inserting it (the write path creates conversations).
    pub fn model(&self) -> conversations::Model {
        conversations::Model {
            id: self.id,
            contact_id: self.contact_id,
            status: self.status,
            assignee_id: self.assignee_id,
            group_id: self.group_id,
            awaiting_reply_since: self.awaiting_reply_since,
            last_visitor_message_at: self.last_visitor_message_at,
            last_visitor_seq: self.last_visitor_seq,
            missed_at: self.missed_at,
            last_activity_at: self.last_activity_at,
            last_message_preview: self.last_message_preview.clone(),
            created_at: self.created_at,
            closed_at: self.closed_at,
            label_ids: self.label_ids.clone(),
            snoozed_until: self.snoozed_until,
            snoozed_by: self.snoozed_by,
            // Only a closed conversation is rated, never one the write path creates.
            rating: None,
            rating_comment: None,
            rated_at: None,
            first_reply_at: self.first_reply_at,
            first_response_ms: self.first_response_ms,
        }
    }
}

/// The label ids of a stored `label_ids` column.
pub fn label_ids(stored: &str) -> Vec<LabelId> {
    stored.split_whitespace().filter_map(|id| Uuid::parse_str(id).ok().map(LabelId)).collect()
}

/// The stored form of a set of label ids: sorted, space-separated.
pub fn stored_label_ids(ids: &[Uuid]) -> String {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    ids.iter().map(Uuid::to_string).collect::<Vec<_>>().join(" ")
}

/// What writing a message needs to know of a contact.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ContactRow {
    pub id: Uuid,
    pub name: Option<String>,
    pub email: Option<String>,
    pub banned_at: Option<i64>,
}

/// The base query: conversations joined with their contacts.
pub fn select_rows() -> Select<conversations::Entity> {
    conversations::Entity::find()
        .join(JoinType::InnerJoin, conversations::Relation::Contacts.def())
        .column_as(contacts::Column::Name, "contact_name")
        .column_as(contacts::Column::Email, "contact_email")
}

/// One conversation row.
pub async fn find_row(db: &impl ConnectionTrait, id: ConversationId) -> ApiResult<ConversationRow> {
    select_rows()
        .filter(conversations::Column::Id.eq(id.0))
        .into_model::<ConversationRow>()
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)
}
