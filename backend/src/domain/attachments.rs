//! Attachments: uploads checked for size and sniffed for type, stored through
//! [`Storage`](crate::storage::Storage), and served only to who may see them.

use super::upload_form::{UploadError, UploadLimits, read_files};
use crate::auth::Caller;
use crate::clock::millis;
use crate::entities::stored::StoredKind;
use crate::entities::{attachments, conversations, messages};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use actix_multipart::Multipart;
use bytes::Bytes;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use shared::AttachmentId;
use shared::api::Attachment;
use shared::limits::MAX_FILES_PER_UPLOAD;
use std::collections::HashMap;
use uuid::Uuid;

/// Types a browser may show inline. SVG is not among them: it can carry script.
const INLINE_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/// Whether a type is shown inline.
pub fn is_inline(content_type: &str) -> bool {
    INLINE_TYPES.contains(&content_type)
}

/// The DTO, with its download URL.
pub fn attachment_dto(state: &AppState, m: &attachments::Model) -> Attachment {
    let base = state.settings.public_url.as_deref().unwrap_or("").trim_end_matches('/');
    Attachment {
        id: AttachmentId(m.id),
        filename: m.filename.clone(),
        content_type: m.content_type.clone(),
        size: m.size.unsigned_abs(),
        inline: is_inline(&m.content_type),
        url: format!("{base}/api/v1/attachments/{}", m.id),
    }
}

/// The attachments of `message_ids`, grouped by message (one query).
pub async fn for_messages(state: &AppState, message_ids: Vec<Uuid>) -> ApiResult<HashMap<Uuid, Vec<Attachment>>> {
    let mut by_message: HashMap<Uuid, Vec<Attachment>> = HashMap::new();
    if message_ids.is_empty() {
        return Ok(by_message);
    }
    let rows = attachments::Entity::find()
        .filter(attachments::Column::MessageId.is_in(message_ids))
        .all(state.db.conn())
        .await?;
    for row in rows {
        if let Some(message) = row.message_id {
            by_message.entry(message).or_default().push(attachment_dto(state, &row));
        }
    }
    for files in by_message.values_mut() {
        files.sort_by_key(|a| a.id);
    }
    Ok(by_message)
}

impl From<UploadError> for ApiError {
    fn from(e: UploadError) -> Self {
        match e {
            UploadError::NotMultipart => {
                ApiError::UnsupportedMediaType("expected Content-Type: multipart/form-data".into())
            }
            UploadError::Malformed(e) => ApiError::Malformed(format!("invalid multipart body: {e}")),
            UploadError::TooManyFiles(max) => ApiError::invalid(format!("at most {max} files per upload")),
            UploadError::TooLarge(max) => ApiError::FileTooLarge(max),
        }
    }
}

/// Stores every file of a multipart upload for `uploader`. A file over the limit
/// fails the whole request with 413 and nothing from it is kept.
#[tracing::instrument(skip_all, fields(uploader = %uploader))]
pub async fn upload(state: &AppState, uploader: Uuid, payload: Multipart) -> ApiResult<Vec<Attachment>> {
    let limits = UploadLimits { max_bytes: state.settings.max_upload_bytes, max_files: MAX_FILES_PER_UPLOAD };
    let received = read_files(payload, limits).await?;
    if received.is_empty() {
        return Err(ApiError::invalid("no file in the upload (send multipart/form-data with a file field)"));
    }
    let mut stored: Vec<attachments::Model> = Vec::new();
    for (filename, bytes) in received {
        match store_one(state, uploader, filename, bytes).await {
            Ok(model) => stored.push(model),
            Err(e) => {
                for model in &stored {
                    let _ = state.storage.delete(&model.storage_key).await;
                    let _ = attachments::Entity::delete_by_id(model.id).exec(&state.db.autocommit()).await;
                }
                return Err(e);
            }
        }
    }
    Ok(stored.iter().map(|m| attachment_dto(state, m)).collect())
}

/// Stores one file as `uploader`'s, not yet attached to a message.
pub async fn store_one(
    state: &AppState,
    uploader: Uuid,
    filename: String,
    bytes: Bytes,
) -> ApiResult<attachments::Model> {
    let id = Uuid::now_v7();
    let content_type = infer::get(&bytes).map(|t| t.mime_type().to_owned()).unwrap_or_else(|| {
        if std::str::from_utf8(&bytes).is_ok() { "text/plain".into() } else { "application/octet-stream".into() }
    });
    let key = format!("attachments/{id}");
    let size = i64::try_from(bytes.len()).map_err(ApiError::internal)?;
    state.storage.put(&key, bytes).await.map_err(ApiError::Internal)?;
    let model = attachments::ActiveModel {
        id: Set(id),
        uploader_id: Set(uploader),
        conversation_id: Set(None),
        message_id: Set(None),
        filename: Set(filename),
        content_type: Set(content_type),
        size: Set(size),
        storage_key: Set(key.clone()),
        created_at: Set(millis(state.now())),
    }
    .insert(&state.db.autocommit())
    .await;
    match model {
        Ok(model) => Ok(model),
        Err(e) => {
            let _ = state.storage.delete(&key).await;
            Err(e.into())
        }
    }
}

/// The attachment and its bytes, if `caller` may see it: agents see every file;
/// a visitor sees their own uploads and files on replies in their conversations.
#[tracing::instrument(skip_all, fields(attachment_id = %id))]
pub async fn download(state: &AppState, caller: &Caller, id: AttachmentId) -> ApiResult<(attachments::Model, Bytes)> {
    let db = state.db.conn();
    let file = attachments::Entity::find_by_id(id.0).one(db).await?.ok_or(ApiError::NotFound)?;
    if let Caller::Visitor(visitor) = caller {
        let own_upload = file.uploader_id == visitor.contact.id;
        let visible = match (file.message_id, file.conversation_id) {
            (Some(message), Some(conversation)) => {
                let message = messages::Entity::find_by_id(message).one(db).await?;
                let conversation = conversations::Entity::find_by_id(conversation).one(db).await?;
                matches!(message, Some(m) if matches!(m.kind, StoredKind::Reply | StoredKind::Visitor))
                    && matches!(conversation, Some(c) if c.contact_id == visitor.contact.id)
            }
            _ => false,
        };
        if !(own_upload || visible) {
            return Err(ApiError::NotFound);
        }
    }
    let bytes = state.storage.get(&file.storage_key).await.map_err(ApiError::Internal)?;
    Ok((file, bytes))
}
