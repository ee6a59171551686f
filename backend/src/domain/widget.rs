//! The visitor's side: their one current conversation, their messages and what
//! the contact-form bot collects (sessions are in `visitor_sessions`).

use super::contacts::{contact_dto_event, validated_contact_fields};
use super::messages::{self as msgs, append_conversation};
use crate::auth::CurrentVisitor;
use crate::clock::millis;
use crate::db::WriteTxn;
use crate::db::posts::PostTarget;
use crate::entities::stored::StoredStatus;
use crate::entities::{contacts, conversations};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use shared::api::{
    Message, MessageKind, VisitorContact, VisitorConversation, VisitorMessage, WidgetContactUpdate, WidgetConversation,
    WidgetPostMessage, WidgetRating,
};
use shared::limits::MAX_RATING_COMMENT_CHARS;
use shared::{ContactId, ConversationId, Timestamp};
use uuid::Uuid;

/// Most messages `GET /widget/conversation` returns.
const THREAD_LIMIT: u64 = 200;

/// The contact's latest conversation.
/// The visitor's latest conversation, if any.
pub async fn current_conversation(state: &AppState, contact: ContactId) -> ApiResult<Option<ConversationId>> {
    Ok(current(state, contact.0).await?.map(|c| ConversationId(c.id)))
}

async fn current(state: &AppState, contact: Uuid) -> ApiResult<Option<conversations::Model>> {
    Ok(conversations::Entity::find()
        .filter(conversations::Column::ContactId.eq(contact))
        .order_by_desc(conversations::Column::CreatedAt)
        .order_by_desc(conversations::Column::Id)
        .one(state.db.conn())
        .await?)
}

fn visitor_conversation(c: &conversations::Model) -> VisitorConversation {
    VisitorConversation {
        id: ConversationId(c.id),
        status: c.status.into(),
        created_at: crate::clock::from_millis(c.created_at),
        rating: c.rating.and_then(|r| u8::try_from(r).ok()),
    }
}

/// The visitor's current conversation and its replies (never comments or notes).
#[tracing::instrument(skip_all, fields(contact_id = %me.contact.id))]
pub async fn conversation(state: &AppState, me: &CurrentVisitor) -> ApiResult<WidgetConversation> {
    let banned = me.contact.banned_at.is_some();
    let Some(conv) = current(state, me.contact.id).await? else {
        return Ok(WidgetConversation { conversation: None, messages: Vec::new(), banned, closed: false });
    };
    let messages = msgs::visible_to_visitor(state, conv.id, THREAD_LIMIT).await?;
    let closed = conv.status == StoredStatus::Closed;
    Ok(WidgetConversation { conversation: Some(visitor_conversation(&conv)), messages, banned, closed })
}

/// Inserts a new open conversation and its `conversation.created` event.
pub async fn insert_conversation(txn: &mut WriteTxn, contact: ContactId, now: Timestamp) -> ApiResult<ConversationId> {
    let id = Uuid::now_v7();
    conversations::ActiveModel {
        id: Set(id),
        contact_id: Set(contact.0),
        status: Set(crate::entities::stored::StoredStatus::Open),
        assignee_id: Set(None),
        group_id: Set(None),
        awaiting_reply_since: Set(None),
        last_visitor_message_at: Set(None),
        last_visitor_seq: Set(None),
        missed_at: Set(None),
        last_activity_at: Set(millis(now)),
        last_message_preview: Set(None),
        created_at: Set(millis(now)),
        closed_at: Set(None),
        label_ids: Set(String::new()),
        snoozed_until: Set(None),
        snoozed_by: Set(None),
        rating: Set(None),
        rating_comment: Set(None),
        rated_at: Set(None),
        first_reply_at: Set(None),
        first_response_ms: Set(None),
    }
    .insert(&**txn)
    .await?;
    append_conversation(txn, ConversationId(id), true, now).await?;
    Ok(ConversationId(id))
}

/// Stores a visitor message, as [`post_message`] does, and returns the visitor's view of it.
pub async fn post(
    state: &AppState,
    me: &CurrentVisitor,
    input: WidgetPostMessage,
) -> ApiResult<(VisitorMessage, bool)> {
    let (message, created) = post_message(state, me, input).await?;
    msgs::for_visitor(message).map(|m| (m, created)).ok_or(ApiError::NotFound)
}

/// Stores a visitor message: in their latest conversation (reopened if it was
/// closed), or in a new one. A retry with the same `client_id` returns the stored
/// message (`false`). The writer checks the ban on the stored contact, so a
/// socket opened before a ban can't slip a message past it.
#[tracing::instrument(skip_all, fields(contact_id = %me.contact.id))]
pub async fn post_message(
    state: &AppState,
    me: &CurrentVisitor,
    input: WidgetPostMessage,
) -> ApiResult<(Message, bool)> {
    let author = msgs::Author { agent_id: None, author_id: me.contact.id, name: me.contact.name.clone() };
    let input = msgs::PostInput { body: input.body, client_id: input.client_id, attachment_ids: input.attachment_ids };
    let target = PostTarget::Visitor(ContactId(me.contact.id));
    msgs::post(state, author, target, MessageKind::Visitor, input).await
}

/// Fills the visitor's own name, email and phone (contact-form bot, `setContact`).
#[tracing::instrument(skip_all, fields(contact_id = %me.contact.id))]
pub async fn update_contact(
    state: &AppState,
    me: &CurrentVisitor,
    input: WidgetContactUpdate,
) -> ApiResult<VisitorContact> {
    me.ensure_can_write()?;
    let fields = validated_contact_fields(input.name.as_deref(), input.email.as_deref(), input.phone.as_deref())?;
    let now = state.now();
    let mut txn = state.db.write().await?;
    let contact = contacts::Entity::find_by_id(me.contact.id).one(&*txn).await?.ok_or(ApiError::NotFound)?;
    let mut attributes: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&contact.attributes).unwrap_or_default();
    if let Some(changes) = input.attributes {
        super::contacts::merge_attributes(&mut attributes, changes)?;
    }
    let mut model = contact.into_active_model();
    fields.apply(&mut model);
    model.attributes = Set(serde_json::Value::Object(attributes).to_string());
    model.updated_at = Set(millis(now));
    let contact = model.update(&*txn).await?;
    contact_dto_event(&mut txn, &contact, now).await?;
    txn.commit().await?;
    Ok(VisitorContact { id: ContactId(contact.id), name: contact.name, email: contact.email, phone: contact.phone })
}

/// The visitor rates their latest conversation once it is closed, once: the
/// score and comment are stored on it, and agents see them as a note in the thread.
#[tracing::instrument(skip_all, fields(contact_id = %me.contact.id))]
pub async fn rate(state: &AppState, me: &CurrentVisitor, input: WidgetRating) -> ApiResult<VisitorConversation> {
    me.ensure_can_write()?;
    if !(1..=5).contains(&input.score) {
        return Err(ApiError::invalid("score is from 1 to 5"));
    }
    let comment = match input.comment.as_deref() {
        Some(text) => {
            super::validate::printable("comment", text)?;
            let text = text.trim();
            if text.chars().count() > MAX_RATING_COMMENT_CHARS {
                return Err(ApiError::invalid(format!("comment has at most {MAX_RATING_COMMENT_CHARS} characters")));
            }
            (!text.is_empty()).then(|| text.to_owned())
        }
        None => None,
    };
    let conv = current(state, me.contact.id).await?.ok_or(ApiError::NotFound)?;
    let now = state.now();
    let mut txn = state.db.write().await?;
    let rated = conversations::Entity::update_many()
        .col_expr(conversations::Column::Rating, Expr::value(i16::from(input.score)))
        .col_expr(conversations::Column::RatingComment, Expr::value(comment.clone()))
        .col_expr(conversations::Column::RatedAt, Expr::value(millis(now)))
        .filter(conversations::Column::Id.eq(conv.id))
        .filter(conversations::Column::Status.eq(StoredStatus::Closed))
        .filter(conversations::Column::Rating.is_null())
        .exec(&*txn)
        .await?;
    if rated.rows_affected != 1 {
        let why =
            if conv.status == StoredStatus::Closed { "already rated" } else { "still open: rate it once it is closed" };
        return Err(ApiError::Conflict(format!("the conversation is {why}")));
    }
    let stars: String = (1..=5).map(|i| if i <= input.score { '★' } else { '☆' }).collect();
    let mut note = format!("Rated {stars} ({}/5) by the visitor", input.score);
    if let Some(comment) = &comment {
        note.push_str(&format!("\n“{comment}”"));
    }
    msgs::system_note(&mut txn, &conv, note, now).await?;
    txn.commit().await?;
    let conv = conversations::Entity::find_by_id(conv.id).one(state.db.conn()).await?.ok_or(ApiError::NotFound)?;
    Ok(visitor_conversation(&conv))
}
