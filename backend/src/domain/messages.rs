//! Messages: the write path (row + event in one transaction, then published) and
//! the thread as agents and as visitors see it.

use super::attachments::{self as files, attachment_dto};
use super::render::{markdown_to_html, preview};
use super::validate;
use crate::clock::{from_millis, millis};
use crate::db::posts::{NewPost, PostTarget, Posted};
use crate::db::rows::{ConversationRow, find_row};
use crate::db::{EventScope, WriteTxn};
use crate::entities::{attachments, conversations, messages};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use shared::api::{Message, MessageKind, VisitorMessage, VisitorMessageKind};
use shared::events::Event;
use shared::{AgentId, AttachmentId, ContactId, ConversationId, MessageId, Page, Timestamp};
use std::collections::HashMap;
use uuid::Uuid;

/// Longest preview on a conversation card.
const PREVIEW_CHARS: usize = 140;

use crate::entities::stored::StoredKind;

/// Who writes a message, as the post pipeline needs it.
pub struct Author {
    /// The agent, for replies and comments by an agent.
    pub agent_id: Option<AgentId>,
    /// Whose client ids and uploads these are (agent, API key or contact).
    pub author_id: Uuid,
    /// Name shown with the message.
    pub name: Option<String>,
}

/// Posts a message — a visitor's, a reply or a comment — through the writer's
/// batched path: checked, rendered, stored with its events in the next batch and
/// answered once durable. A retry with the same `client_id` returns the stored
/// message (`false`: nothing new was stored).
#[tracing::instrument(skip_all, fields(author = %author.author_id, target = ?target))]
pub async fn post(
    state: &AppState,
    author: Author,
    target: PostTarget,
    kind: MessageKind,
    input: PostInput,
) -> ApiResult<(Message, bool)> {
    let client_id = validate::client_id(&input.client_id)?;
    let body = validate::message_body(&input.body, input.attachment_ids.len())?;
    let files = claim_attachments(state.db.conn(), author.author_id, &input.attachment_ids).await?;
    let attachments: Vec<_> = files.iter().map(|a| attachment_dto(state, a)).collect();
    let post = NewPost {
        target,
        id: Uuid::now_v7(),
        kind,
        agent_id: author.agent_id,
        author_id: author.author_id,
        author_name: author.name,
        html: markdown_to_html(&body),
        preview: card_preview(&body, attachments.len()),
        body,
        client_id,
        attachments,
        now: millis(state.now()),
    };
    match state.db.post(post).await? {
        Posted::New(message) => {
            state.metrics.message_stored(kind);
            Ok((message, true))
        }
        Posted::Repeated(message) => Ok((message, false)),
        Posted::Existing(row) => Ok((to_dtos(state, vec![row]).await?.pop().ok_or(ApiError::NotFound)?, false)),
    }
}

/// What a sender gives: the text, their id for retries, uploaded files.
pub struct PostInput {
    /// Markdown.
    pub body: String,
    /// The sender's id for retries.
    pub client_id: String,
    /// Uploaded files to attach.
    pub attachment_ids: Vec<AttachmentId>,
}

/// The card preview of a message.
pub fn card_preview(body: &str, attachments: usize) -> Option<String> {
    let text = preview(body, PREVIEW_CHARS);
    match (text.is_empty(), attachments) {
        (false, _) => Some(text),
        (true, 0) => None,
        (true, n) => Some(format!("📎 {n} file{}", if n == 1 { "" } else { "s" })),
    }
}

/// Appends `conversation.updated` (or `created`) with the conversation as it is now in `txn`.
pub async fn append_conversation(
    txn: &mut WriteTxn,
    id: ConversationId,
    created: bool,
    now: Timestamp,
) -> ApiResult<ConversationRow> {
    let row = find_row(&**txn, id).await?;
    let conversation = row.to_dto(shared::Dot::None);
    let event =
        if created { Event::ConversationCreated { conversation } } else { Event::ConversationUpdated { conversation } };
    // Visitors receive a projection of it (closed or not, who answers), never the rest.
    let scope = EventScope { conversation: Some(id), contact: Some(ContactId(row.contact_id)), agents_only: false };
    txn.append(event, scope, now).await?;
    Ok(row)
}

/// A system note ("closed by Ana") in `txn`, after the caller changed the
/// conversation: one `message.created` event carrying the conversation as it is now.
pub async fn system_note(
    txn: &mut WriteTxn,
    conv: &conversations::Model,
    text: String,
    now: Timestamp,
) -> ApiResult<()> {
    let id = Uuid::now_v7();
    let html = markdown_to_html(&text);
    let conversation = find_row(&**txn, ConversationId(conv.id)).await?.to_dto(shared::Dot::None);
    let message = Message {
        id: MessageId(id),
        conversation_id: ConversationId(conv.id),
        kind: MessageKind::System,
        agent_id: None,
        author_name: None,
        body: text.clone(),
        html: html.clone(),
        client_id: None,
        attachments: Vec::new(),
        created_at: now,
        seq: 0,
    };
    // Not agents-only: the visitor's socket takes the conversation's state from
    // it (closed, who answers) and never the note itself (an allowlist projection).
    let scope = EventScope {
        conversation: Some(ConversationId(conv.id)),
        contact: Some(ContactId(conv.contact_id)),
        agents_only: false,
    };
    let seq =
        txn.append(Event::MessageCreated { message, conversation: Some(Box::new(conversation)) }, scope, now).await?;
    messages::ActiveModel {
        id: Set(id),
        conversation_id: Set(conv.id),
        kind: Set(StoredKind::System),
        agent_id: Set(None),
        author_id: Set(None),
        author_name: Set(None),
        body: Set(text),
        html: Set(html),
        client_id: Set(None),
        seq: Set(seq),
        created_at: Set(millis(now)),
    }
    .insert(&**txn)
    .await?;
    Ok(())
}

/// Rows to DTOs, loading their attachments in one query.
pub async fn to_dtos(state: &AppState, rows: Vec<messages::Model>) -> ApiResult<Vec<Message>> {
    let mut files = files::for_messages(state, rows.iter().map(|m| m.id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|m| Message {
            id: MessageId(m.id),
            conversation_id: ConversationId(m.conversation_id),
            kind: m.kind.into(),
            agent_id: m.agent_id.map(AgentId),
            author_name: m.author_name,
            body: m.body,
            html: m.html,
            client_id: m.client_id,
            attachments: files.remove(&m.id).unwrap_or_default(),
            created_at: from_millis(m.created_at),
            seq: m.seq,
        })
        .collect())
}

/// One message by id.
pub async fn get(state: &AppState, id: MessageId) -> ApiResult<Message> {
    let row = messages::Entity::find_by_id(id.0).one(state.db.conn()).await?.ok_or(ApiError::NotFound)?;
    to_dtos(state, vec![row]).await?.pop().ok_or(ApiError::NotFound)
}

/// Query of `GET /conversations/{id}/messages`.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
pub struct MessagesQuery {
    /// Page size (1–200, default 50).
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page (older messages).
    pub cursor: Option<String>,
}

/// A conversation's messages for agents: newest first, paging back in time.
#[tracing::instrument(skip_all, fields(conversation_id = %conversation))]
pub async fn list(state: &AppState, conversation: ConversationId, query: MessagesQuery) -> ApiResult<Page<Message>> {
    find_row(state.db.conn(), conversation).await?;
    let limit = super::validate::page_size(query.limit);
    let mut select = messages::Entity::find().filter(messages::Column::ConversationId.eq(conversation.0));
    if let Some(cursor) = &query.cursor {
        let before: i64 = cursor.parse().map_err(|_| ApiError::Malformed("invalid cursor".into()))?;
        select = select.filter(messages::Column::Seq.lt(before));
    }
    let mut rows = select.order_by_desc(messages::Column::Seq).limit(limit + 1).all(state.db.conn()).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = if more { rows.last().map(|m| m.seq.to_string()) } else { None };
    Ok(Page { items: to_dtos(state, rows).await?, next_cursor })
}

/// A message as its visitor sees it; `None` for what visitors never see.
pub fn for_visitor(message: Message) -> Option<VisitorMessage> {
    let kind = match message.kind {
        MessageKind::Visitor => VisitorMessageKind::Visitor,
        MessageKind::Reply => VisitorMessageKind::Agent,
        MessageKind::Comment | MessageKind::System => return None,
    };
    Some(VisitorMessage {
        id: message.id,
        kind,
        author_name: message.author_name,
        body: message.body,
        html: message.html,
        client_id: message.client_id,
        attachments: message.attachments,
        created_at: message.created_at,
    })
}

/// The latest visitor-visible messages of a conversation, oldest first.
pub async fn visible_to_visitor(state: &AppState, conversation: Uuid, limit: u64) -> ApiResult<Vec<VisitorMessage>> {
    let mut rows = messages::Entity::find()
        .filter(messages::Column::ConversationId.eq(conversation))
        .filter(messages::Column::Kind.is_in([StoredKind::Visitor, StoredKind::Reply]))
        .order_by_desc(messages::Column::Seq)
        .limit(limit)
        .all(state.db.conn())
        .await?;
    rows.reverse();
    Ok(to_dtos(state, rows).await?.into_iter().filter_map(for_visitor).collect())
}

/// Checks that `ids` are files `uploader` uploaded and has not attached yet.
pub async fn claim_attachments(
    db: &impl ConnectionTrait,
    uploader: Uuid,
    ids: &[AttachmentId],
) -> ApiResult<Vec<attachments::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let wanted: Vec<Uuid> = ids.iter().map(|a| a.0).collect();
    let found = attachments::Entity::find()
        .filter(attachments::Column::Id.is_in(wanted.clone()))
        .filter(attachments::Column::UploaderId.eq(uploader))
        .filter(attachments::Column::MessageId.is_null())
        .all(db)
        .await?;
    let by_id: HashMap<Uuid, attachments::Model> = found.into_iter().map(|a| (a.id, a)).collect();
    wanted
        .iter()
        .map(|id| by_id.get(id).cloned().ok_or_else(|| ApiError::invalid(format!("attachment {id} is not available"))))
        .collect()
}
