//! What agents do to a conversation: reply or comment, close, reopen, assign,
//! mark read, delete. Each is one transaction with its events.

use super::conversations::{self as convs, find_row};
use super::messages::{self as msgs, system_note};
use crate::auth::CurrentAgent;
use crate::clock::millis;
use crate::db::EventScope;
use crate::db::posts::PostTarget;
use crate::entities::stored::StoredStatus;
use crate::entities::{agents, attachments, conversations, events, groups, messages, read_markers};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect, Set,
};
use shared::api::{AssignRequest, Conversation, Message, MessageKind, PostKind, PostMessage};
use shared::dot::MARKED_UNREAD;
use shared::events::Event;
use shared::{AgentId, ContactId, ConversationId};

async fn load(state: &AppState, id: ConversationId) -> ApiResult<conversations::Model> {
    conversations::Entity::find_by_id(id.0).one(state.db.conn()).await?.ok_or(ApiError::NotFound)
}

/// Posts a reply or a comment. A retry with the same `client_id` returns the stored
/// message (`false`: nothing new was stored).
#[tracing::instrument(skip_all, fields(conversation_id = %id))]
pub async fn post(
    state: &AppState,
    me: &CurrentAgent,
    id: ConversationId,
    input: PostMessage,
) -> ApiResult<(Message, bool)> {
    let kind = match input.kind {
        PostKind::Reply => MessageKind::Reply,
        PostKind::Comment => MessageKind::Comment,
    };
    let author = msgs::Author { agent_id: me.agent_id, author_id: me.author_id, name: Some(me.name.clone()) };
    let input = msgs::PostInput { body: input.body, client_id: input.client_id, attachment_ids: input.attachment_ids };
    msgs::post(state, author, PostTarget::Conversation(id), kind, input).await
}

/// Closes a conversation (idempotent).
#[tracing::instrument(skip_all, fields(conversation_id = %id))]
pub async fn close(state: &AppState, me: &CurrentAgent, id: ConversationId) -> ApiResult<Conversation> {
    set_status(state, me, id, StoredStatus::Closed).await
}

/// Reopens a conversation (idempotent).
#[tracing::instrument(skip_all, fields(conversation_id = %id))]
pub async fn reopen(state: &AppState, me: &CurrentAgent, id: ConversationId) -> ApiResult<Conversation> {
    set_status(state, me, id, StoredStatus::Open).await
}

async fn set_status(
    state: &AppState,
    me: &CurrentAgent,
    id: ConversationId,
    status: StoredStatus,
) -> ApiResult<Conversation> {
    let now = state.now();
    let mut txn = state.db.write().await?;
    let conv = conversations::Entity::find_by_id(id.0).one(&*txn).await?.ok_or(ApiError::NotFound)?;
    if conv.status != status {
        let mut model = conv.clone().into_active_model();
        model.status = Set(status);
        model.last_activity_at = Set(millis(now));
        if status == StoredStatus::Closed {
            model.closed_at = Set(Some(millis(now)));
            model.awaiting_reply_since = Set(None);
            model.missed_at = Set(None);
            model.snoozed_until = Set(None);
            model.snoozed_by = Set(None);
        } else {
            model.closed_at = Set(None);
        }
        model.update(&*txn).await?;
        let verb = if status == StoredStatus::Closed { "Closed" } else { "Reopened" };
        system_note(&mut txn, &conv, format!("{verb} by {}", me.name), now).await?;
        txn.commit().await?;
    }
    convs::get(state, me, id).await
}

/// Assigns an agent and/or a group, or nobody.
#[tracing::instrument(skip_all, fields(conversation_id = %id))]
pub async fn assign(
    state: &AppState,
    me: &CurrentAgent,
    id: ConversationId,
    input: AssignRequest,
) -> ApiResult<Conversation> {
    let db = state.db.conn();
    let agent = match input.agent_id {
        Some(agent) => Some(
            agents::Entity::find_by_id(agent.0)
                .one(db)
                .await?
                .filter(|a| a.active)
                .ok_or_else(|| ApiError::invalid("agent_id is not an active agent"))?,
        ),
        None => None,
    };
    let group = match input.group_id {
        Some(group) => Some(
            groups::Entity::find_by_id(group.0)
                .one(db)
                .await?
                .ok_or_else(|| ApiError::invalid("group_id is not a group"))?,
        ),
        None => None,
    };
    let now = state.now();
    let mut txn = state.db.write().await?;
    let conv = conversations::Entity::find_by_id(id.0).one(&*txn).await?.ok_or(ApiError::NotFound)?;
    let new_agent = agent.as_ref().map(|a| a.id);
    let new_group = group.as_ref().map(|g| g.id);
    if conv.assignee_id != new_agent || conv.group_id != new_group {
        let mut model = conv.clone().into_active_model();
        model.assignee_id = Set(new_agent);
        model.group_id = Set(new_group);
        model.update(&*txn).await?;
        let target = match (&agent, &group) {
            (Some(a), Some(g)) => format!("Assigned to {} ({}) by {}", a.name, g.name, me.name),
            (Some(a), None) => format!("Assigned to {} by {}", a.name, me.name),
            (None, Some(g)) => format!("Assigned to group {} by {}", g.name, me.name),
            (None, None) => format!("Unassigned by {}", me.name),
        };
        system_note(&mut txn, &conv, target, now).await?;
        txn.commit().await?;
    }
    convs::get(state, me, id).await
}

/// Marks the conversation read by the calling agent (clears their purple dot).
#[tracing::instrument(skip_all, fields(conversation_id = %id))]
pub async fn mark_read(state: &AppState, me: &CurrentAgent, id: ConversationId) -> ApiResult<Conversation> {
    let latest: Option<i64> = messages::Entity::find()
        .select_only()
        .column_as(messages::Column::Seq.max(), "latest")
        .filter(messages::Column::ConversationId.eq(id.0))
        .into_tuple::<Option<i64>>()
        .one(state.db.conn())
        .await?
        .flatten();
    set_read_mark(state, me, id, latest.unwrap_or(0)).await
}

/// Marks the conversation unread for the calling agent: their purple dot comes
/// back (whatever the conversation's state) until they open it again.
#[tracing::instrument(skip_all, fields(conversation_id = %id))]
pub async fn mark_unread(state: &AppState, me: &CurrentAgent, id: ConversationId) -> ApiResult<Conversation> {
    set_read_mark(state, me, id, MARKED_UNREAD).await
}

/// Stores the caller's read mark and tells their other tabs.
async fn set_read_mark(
    state: &AppState,
    me: &CurrentAgent,
    id: ConversationId,
    read_seq: i64,
) -> ApiResult<Conversation> {
    let agent = me.agent_id.ok_or_else(|| ApiError::invalid("only agents have read state"))?;
    load(state, id).await?;
    store_read_mark(&state.db.autocommit(), agent, id, read_seq, millis(state.now())).await?;
    state.bus.signal(crate::bus::Signal::Read { agent, conversation: id, read_seq });
    convs::get(state, me, id).await
}

/// Sets `agent`'s read mark on a conversation: read up to `read_seq`, or
/// [`MARKED_UNREAD`].
pub async fn store_read_mark(
    db: &impl ConnectionTrait,
    agent: AgentId,
    id: ConversationId,
    read_seq: i64,
    at: i64,
) -> ApiResult<()> {
    read_markers::Entity::insert(read_markers::ActiveModel {
        agent_id: Set(agent.0),
        conversation_id: Set(id.0),
        read_seq: Set(read_seq),
        read_at: Set(at),
    })
    .on_conflict(
        OnConflict::columns([read_markers::Column::AgentId, read_markers::Column::ConversationId])
            .update_columns([read_markers::Column::ReadSeq, read_markers::Column::ReadAt])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// Deletes a conversation with its messages, attachments (rows and files) and its
/// events, leaving one `conversation.deleted` event.
#[tracing::instrument(skip_all, fields(conversation_id = %id))]
pub async fn delete(state: &AppState, id: ConversationId) -> ApiResult<()> {
    let now = state.now();
    let mut txn = state.db.write().await?;
    let conv = conversations::Entity::find_by_id(id.0).one(&*txn).await?.ok_or(ApiError::NotFound)?;
    let files = attachments::Entity::find().filter(attachments::Column::ConversationId.eq(id.0)).all(&*txn).await?;
    // Through the contact's index: the events of a conversation are its contact's.
    events::Entity::delete_many()
        .filter(events::Column::ContactId.eq(conv.contact_id))
        .filter(events::Column::ConversationId.eq(id.0))
        .exec(&*txn)
        .await?;
    conversations::Entity::delete_by_id(id.0).exec(&*txn).await?;
    let contact = ContactId(conv.contact_id);
    let scope = EventScope { conversation: Some(id), contact: Some(contact), agents_only: false };
    txn.append(Event::ConversationDeleted { conversation_id: id, contact_id: contact }, scope, now).await?;
    txn.commit().await?;
    for file in files {
        if let Err(e) = state.storage.delete(&file.storage_key).await {
            tracing::warn!(error = %e, key = file.storage_key, "could not delete an attachment file");
        }
    }
    Ok(())
}

/// Starts a conversation with a contact (integrators).
#[tracing::instrument(skip_all, fields(contact_id = %contact))]
pub async fn create(state: &AppState, me: &CurrentAgent, contact: ContactId) -> ApiResult<Conversation> {
    super::contacts::load(state, contact).await?;
    let now = state.now();
    let mut txn = state.db.write().await?;
    let id = super::widget::insert_conversation(&mut txn, contact, now).await?;
    txn.commit().await?;
    let row = find_row(state.db.conn(), id).await?;
    convs::with_dots(state, me, &[row]).await?.pop().ok_or(ApiError::NotFound)
}
