//! Labels: admins define them, agents put them on conversations. A change to a
//! conversation's labels is one transaction: the join row, the conversation's own
//! `label_ids`, and a `conversation.updated` event for agents.

use super::conversations::{self as convs, find_row};
use super::validate;
use crate::auth::CurrentAgent;
use crate::clock::{from_millis, millis};
use crate::db::EventScope;
use crate::db::WriteTxn;
use crate::db::rows::{ConversationRow, label_ids, select_rows, stored_label_ids};
use crate::entities::{conversation_labels, conversations, labels};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use shared::api::{Conversation, Label, LabelInput};
use shared::events::Event;
use shared::limits::{MAX_LABEL_NAME_CHARS, MAX_LABELS, MAX_LABELS_PER_CONVERSATION};
use shared::{ContactId, ConversationId, LabelId, Page, Timestamp};
use uuid::Uuid;

impl From<labels::Model> for Label {
    fn from(m: labels::Model) -> Self {
        Self {
            id: LabelId(m.id),
            name: m.name,
            color: m.color,
            created_at: from_millis(m.created_at),
            updated_at: from_millis(m.updated_at),
        }
    }
}

struct Checked {
    name: String,
    key: String,
    color: String,
}

fn check(input: &LabelInput) -> ApiResult<Checked> {
    let name = validate::required("name", &input.name)?;
    if name.chars().count() > MAX_LABEL_NAME_CHARS {
        return Err(ApiError::invalid(format!("name must have at most {MAX_LABEL_NAME_CHARS} characters")));
    }
    Ok(Checked { key: name.to_lowercase(), name, color: validate::color(input.color.trim())? })
}

/// Every label by name (a team has at most [`MAX_LABELS`]; the page is there for the API's shape).
#[tracing::instrument(skip_all)]
pub async fn list(state: &AppState, cursor: Option<String>, limit: u64) -> ApiResult<Page<Label>> {
    let mut select = labels::Entity::find();
    if let Some(after) = cursor {
        select = select.filter(labels::Column::NameKey.gt(after));
    }
    let mut rows = select.order_by_asc(labels::Column::NameKey).limit(limit + 1).all(state.db.conn()).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = if more { rows.last().map(|r| r.name_key.clone()) } else { None };
    Ok(Page { items: rows.into_iter().map(Into::into).collect(), next_cursor })
}

async fn load(state: &AppState, id: LabelId) -> ApiResult<labels::Model> {
    labels::Entity::find_by_id(id.0).one(state.db.conn()).await?.ok_or(ApiError::NotFound)
}

/// One label.
#[tracing::instrument(skip_all, fields(label_id = %id))]
pub async fn get(state: &AppState, id: LabelId) -> ApiResult<Label> {
    Ok(load(state, id).await?.into())
}

/// Creates a label (409 if the name is taken, whatever its case).
#[tracing::instrument(skip_all)]
pub async fn create(state: &AppState, input: LabelInput) -> ApiResult<Label> {
    let c = check(&input)?;
    let txn = state.db.write().await?;
    if labels::Entity::find().count(&*txn).await? >= MAX_LABELS as u64 {
        return Err(ApiError::invalid(format!("a team has at most {MAX_LABELS} labels")));
    }
    let now = millis(state.now());
    let model = labels::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(c.name),
        name_key: Set(c.key),
        color: Set(c.color),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(model.into())
}

/// Renames or recolours a label; conversations keep it (they hold its id).
#[tracing::instrument(skip_all, fields(label_id = %id))]
pub async fn update(state: &AppState, id: LabelId, input: LabelInput) -> ApiResult<Label> {
    let c = check(&input)?;
    let mut model = load(state, id).await?.into_active_model();
    model.name = Set(c.name);
    model.name_key = Set(c.key);
    model.color = Set(c.color);
    model.updated_at = Set(millis(state.now()));
    Ok(model.update(&state.db.autocommit()).await?.into())
}

/// Deletes a label: it leaves every conversation that carried it, each with its
/// `conversation.updated`, in one transaction.
#[tracing::instrument(skip_all, fields(label_id = %id))]
pub async fn delete(state: &AppState, id: LabelId) -> ApiResult<()> {
    let now = state.now();
    let mut txn = state.db.write().await?;
    labels::Entity::find_by_id(id.0).one(&*txn).await?.ok_or(ApiError::NotFound)?;
    let carrying: Vec<Uuid> = conversation_labels::Entity::find()
        .select_only()
        .column(conversation_labels::Column::ConversationId)
        .filter(conversation_labels::Column::LabelId.eq(id.0))
        .into_tuple()
        .all(&*txn)
        .await?;
    conversation_labels::Entity::delete_many()
        .filter(conversation_labels::Column::LabelId.eq(id.0))
        .exec(&*txn)
        .await?;
    for chunk in carrying.chunks(500) {
        let rows: Vec<ConversationRow> = select_rows()
            .filter(conversations::Column::Id.is_in(chunk.iter().copied()))
            .into_model()
            .all(&*txn)
            .await?;
        for row in rows {
            let kept: Vec<Uuid> = label_ids(&row.label_ids).into_iter().map(|l| l.0).filter(|l| *l != id.0).collect();
            set_label_ids(&mut txn, row, &kept, now).await?;
        }
    }
    labels::Entity::delete_by_id(id.0).exec(&*txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Puts a label on a conversation (nothing changes if it is there already).
#[tracing::instrument(skip_all, fields(conversation_id = %id, label_id = %label))]
pub async fn add(state: &AppState, me: &CurrentAgent, id: ConversationId, label: LabelId) -> ApiResult<Conversation> {
    let now = state.now();
    let mut txn = state.db.write().await?;
    let row = find_row(&*txn, id).await?;
    labels::Entity::find_by_id(label.0)
        .one(&*txn)
        .await?
        .ok_or_else(|| ApiError::invalid("label_id is not a label"))?;
    let mut ids: Vec<Uuid> = label_ids(&row.label_ids).into_iter().map(|l| l.0).collect();
    if !ids.contains(&label.0) {
        if ids.len() >= MAX_LABELS_PER_CONVERSATION {
            return Err(ApiError::invalid(format!("a conversation has at most {MAX_LABELS_PER_CONVERSATION} labels")));
        }
        conversation_labels::ActiveModel {
            conversation_id: Set(id.0),
            label_id: Set(label.0),
            created_at: Set(millis(now)),
        }
        .insert(&*txn)
        .await?;
        ids.push(label.0);
        set_label_ids(&mut txn, row, &ids, now).await?;
        txn.commit().await?;
    }
    convs::get(state, me, id).await
}

/// Takes a label off a conversation (nothing changes if it isn't there).
#[tracing::instrument(skip_all, fields(conversation_id = %id, label_id = %label))]
pub async fn remove(
    state: &AppState,
    me: &CurrentAgent,
    id: ConversationId,
    label: LabelId,
) -> ApiResult<Conversation> {
    let now = state.now();
    let mut txn = state.db.write().await?;
    let row = find_row(&*txn, id).await?;
    let ids: Vec<Uuid> = label_ids(&row.label_ids).into_iter().map(|l| l.0).collect();
    if ids.contains(&label.0) {
        conversation_labels::Entity::delete_many()
            .filter(conversation_labels::Column::ConversationId.eq(id.0))
            .filter(conversation_labels::Column::LabelId.eq(label.0))
            .exec(&*txn)
            .await?;
        let kept: Vec<Uuid> = ids.into_iter().filter(|l| *l != label.0).collect();
        set_label_ids(&mut txn, row, &kept, now).await?;
        txn.commit().await?;
    }
    convs::get(state, me, id).await
}

/// Stores a conversation's labels and tells agents (visitors never see labels).
async fn set_label_ids(txn: &mut WriteTxn, mut row: ConversationRow, ids: &[Uuid], now: Timestamp) -> ApiResult<()> {
    row.label_ids = stored_label_ids(ids);
    conversations::Entity::update_many()
        .col_expr(conversations::Column::LabelIds, Expr::value(row.label_ids.clone()))
        .filter(conversations::Column::Id.eq(row.id))
        .exec(&**txn)
        .await?;
    let id = ConversationId(row.id);
    let scope = EventScope { conversation: Some(id), contact: Some(ContactId(row.contact_id)), agents_only: true };
    txn.append(Event::ConversationUpdated { conversation: row.to_dto(shared::Dot::None) }, scope, now).await?;
    Ok(())
}
