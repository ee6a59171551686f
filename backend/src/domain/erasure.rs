//! Erasing a contact (the right to be forgotten): the contact, their sessions,
//! conversations, messages, files, email threads, their events in the log and
//! the webhook deliveries that carried them. One transaction; the files go
//! once it has committed. What remains is one `conversation.deleted` per
//! conversation and a `contact.deleted`, which hold ids only.

use crate::db::EventScope;
use crate::entities::{attachments, contacts, conversations, email_threads, events, webhook_deliveries};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect};
use shared::events::Event;
use shared::{ContactId, ConversationId};
use uuid::Uuid;

/// Ids per `IN (…)` list.
const IDS_PER_QUERY: usize = 500;

/// Erases a contact and everything of theirs.
#[tracing::instrument(skip_all, fields(contact_id = %id))]
pub async fn erase(state: &AppState, id: ContactId) -> ApiResult<()> {
    let now = state.now();
    let mut txn = state.db.write().await?;
    contacts::Entity::find_by_id(id.0).one(&*txn).await?.ok_or(ApiError::NotFound)?;
    let conversation_ids: Vec<Uuid> = conversations::Entity::find()
        .select_only()
        .column(conversations::Column::Id)
        .filter(conversations::Column::ContactId.eq(id.0))
        .into_tuple()
        .all(&*txn)
        .await?;
    // Their files: those sent in their conversations (by anyone) and those they uploaded and never sent.
    let mut files: Vec<String> = attachments::Entity::find()
        .select_only()
        .column(attachments::Column::StorageKey)
        .filter(attachments::Column::UploaderId.eq(id.0))
        .filter(attachments::Column::ConversationId.is_null())
        .into_tuple()
        .all(&*txn)
        .await?;
    for chunk in conversation_ids.chunks(IDS_PER_QUERY) {
        let keys: Vec<String> = attachments::Entity::find()
            .select_only()
            .column(attachments::Column::StorageKey)
            .filter(attachments::Column::ConversationId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(&*txn)
            .await?;
        files.extend(keys);
    }
    // The log's copies of their messages and details, and the deliveries that carried them.
    let seqs: Vec<i64> = events::Entity::find()
        .select_only()
        .column(events::Column::Seq)
        .filter(events::Column::ContactId.eq(id.0))
        .into_tuple()
        .all(&*txn)
        .await?;
    for chunk in seqs.chunks(IDS_PER_QUERY) {
        webhook_deliveries::Entity::delete_many()
            .filter(webhook_deliveries::Column::Seq.is_in(chunk.iter().copied()))
            .exec(&*txn)
            .await?;
    }
    events::Entity::delete_many().filter(events::Column::ContactId.eq(id.0)).exec(&*txn).await?;
    email_threads::Entity::delete_many().filter(email_threads::Column::ContactId.eq(id.0)).exec(&*txn).await?;
    attachments::Entity::delete_many()
        .filter(
            Condition::all()
                .add(attachments::Column::UploaderId.eq(id.0))
                .add(attachments::Column::ConversationId.is_null()),
        )
        .exec(&*txn)
        .await?;
    // The rest follows the contact (foreign keys): sessions, conversations and,
    // through them, messages, attachments, read markers and labels.
    contacts::Entity::delete_by_id(id.0).exec(&*txn).await?;
    for conversation in conversation_ids {
        let conversation_id = ConversationId(conversation);
        let scope = EventScope { conversation: Some(conversation_id), contact: Some(id), agents_only: false };
        txn.append(Event::ConversationDeleted { conversation_id, contact_id: id }, scope, now).await?;
    }
    let scope = EventScope { conversation: None, contact: Some(id), agents_only: true };
    txn.append(Event::ContactDeleted { contact_id: id }, scope, now).await?;
    txn.commit().await?;
    for key in files {
        if let Err(e) = state.storage.delete(&key).await {
            tracing::warn!(error = %e, key, "could not delete an erased contact's file");
        }
    }
    tracing::info!("contact erased");
    Ok(())
}
