//! Saved replies and templates, and filling their placeholders.

use super::render::fill_placeholders;
use super::validate;
use crate::auth::CurrentAgent;
use crate::clock::{from_millis, millis};
use crate::entities::{conversations, saved_replies};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set};
use shared::api::{RenderedSavedReply, SavedReply, SavedReplyInput, SavedReplyKind};
use shared::limits::MAX_MESSAGE_CHARS;
use shared::{ConversationId, Page, SavedReplyId};
use uuid::Uuid;

impl From<saved_replies::Model> for SavedReply {
    fn from(m: saved_replies::Model) -> Self {
        Self {
            id: SavedReplyId(m.id),
            kind: if m.kind == "template" { SavedReplyKind::Template } else { SavedReplyKind::Reply },
            shortcut: m.shortcut,
            title: m.title,
            body: m.body,
            created_at: from_millis(m.created_at),
            updated_at: from_millis(m.updated_at),
        }
    }
}

struct Checked {
    kind: &'static str,
    shortcut: String,
    title: String,
    body: String,
}

fn check(input: SavedReplyInput) -> ApiResult<Checked> {
    let shortcut = validate::required("shortcut", input.shortcut.trim_start_matches('/'))?.to_lowercase();
    if shortcut.len() > 64 || !shortcut.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(ApiError::invalid("shortcut may contain letters, digits, - and _ only (up to 64)"));
    }
    validate::printable("body", &input.body)?;
    let body = input.body.trim().to_owned();
    if body.is_empty() || body.chars().count() > MAX_MESSAGE_CHARS {
        return Err(ApiError::invalid(format!("body must have 1 to {MAX_MESSAGE_CHARS} characters")));
    }
    Ok(Checked {
        kind: match input.kind.unwrap_or(SavedReplyKind::Reply) {
            SavedReplyKind::Reply => "reply",
            SavedReplyKind::Template => "template",
        },
        shortcut,
        title: validate::required("title", &input.title)?,
        body,
    })
}

/// Query of `GET /saved-replies`.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
pub struct SavedRepliesQuery {
    /// Only those whose shortcut starts with this (what follows `/` in the composer).
    pub prefix: Option<String>,
    /// Page size (1–200, default 50).
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists saved replies by shortcut.
#[tracing::instrument(skip_all)]
pub async fn list(state: &AppState, query: SavedRepliesQuery) -> ApiResult<Page<SavedReply>> {
    let limit = validate::page_size(query.limit);
    let mut select = saved_replies::Entity::find();
    if let Some(prefix) = query.prefix.as_deref().map(|p| p.trim_start_matches('/').to_lowercase()) {
        // `%` and `_` in a prefix are themselves, not wildcards.
        let escaped = prefix.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let pattern = sea_orm::sea_query::LikeExpr::new(format!("{escaped}%")).escape('\\');
        select = select.filter(saved_replies::Column::Shortcut.like(pattern));
    }
    if let Some(after) = &query.cursor {
        select = select.filter(saved_replies::Column::Shortcut.gt(after.clone()));
    }
    let mut rows = select.order_by_asc(saved_replies::Column::Shortcut).limit(limit + 1).all(state.db.conn()).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = if more { rows.last().map(|r| r.shortcut.clone()) } else { None };
    Ok(Page { items: rows.into_iter().map(Into::into).collect(), next_cursor })
}

async fn load(state: &AppState, id: SavedReplyId) -> ApiResult<saved_replies::Model> {
    saved_replies::Entity::find_by_id(id.0).one(state.db.conn()).await?.ok_or(ApiError::NotFound)
}

/// One saved reply.
#[tracing::instrument(skip_all, fields(saved_reply_id = %id))]
pub async fn get(state: &AppState, id: SavedReplyId) -> ApiResult<SavedReply> {
    Ok(load(state, id).await?.into())
}

/// Creates a saved reply (409 if the shortcut is taken).
#[tracing::instrument(skip_all)]
pub async fn create(state: &AppState, input: SavedReplyInput) -> ApiResult<SavedReply> {
    let c = check(input)?;
    let now = millis(state.now());
    let model = saved_replies::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(c.kind.into()),
        shortcut: Set(c.shortcut),
        title: Set(c.title),
        body: Set(c.body),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&state.db.autocommit())
    .await?;
    Ok(model.into())
}

/// Replaces a saved reply.
#[tracing::instrument(skip_all, fields(saved_reply_id = %id))]
pub async fn update(state: &AppState, id: SavedReplyId, input: SavedReplyInput) -> ApiResult<SavedReply> {
    let c = check(input)?;
    let mut model = load(state, id).await?.into_active_model();
    model.kind = Set(c.kind.into());
    model.shortcut = Set(c.shortcut);
    model.title = Set(c.title);
    model.body = Set(c.body);
    model.updated_at = Set(millis(state.now()));
    Ok(model.update(&state.db.autocommit()).await?.into())
}

/// Deletes a saved reply.
#[tracing::instrument(skip_all, fields(saved_reply_id = %id))]
pub async fn delete(state: &AppState, id: SavedReplyId) -> ApiResult<()> {
    let result = saved_replies::Entity::delete_by_id(id.0).exec(&state.db.autocommit()).await?;
    if result.rows_affected == 0 { Err(ApiError::NotFound) } else { Ok(()) }
}

/// The saved reply with its placeholders filled for a conversation's contact and the caller.
#[tracing::instrument(skip_all, fields(saved_reply_id = %id))]
pub async fn render(
    state: &AppState,
    me: &CurrentAgent,
    id: SavedReplyId,
    conversation: ConversationId,
) -> ApiResult<RenderedSavedReply> {
    let reply = load(state, id).await?;
    // The saved reply is the resource; a conversation that isn't there is bad input.
    let conv = conversations::Entity::find_by_id(conversation.0)
        .one(state.db.conn())
        .await?
        .ok_or_else(|| ApiError::invalid("conversation_id is not a conversation"))?;
    let contact = super::contacts::load(state, shared::ContactId(conv.contact_id)).await?;
    let first_name = contact.name.as_deref().and_then(|n| n.split_whitespace().next());
    let body = fill_placeholders(
        &reply.body,
        &[
            ("contact.name", contact.name.as_deref()),
            ("contact.first_name", first_name),
            ("contact.email", contact.email.as_deref()),
            ("contact.phone", contact.phone.as_deref()),
            ("agent.name", Some(me.name.as_str())),
        ],
    );
    Ok(RenderedSavedReply { body })
}
