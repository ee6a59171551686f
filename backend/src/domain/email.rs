//! Email into conversations: a visitor's answer by email becomes their message.

use super::attachments::store_one;
use super::messages::{self as msgs, Author, PostInput};
use crate::db::posts::PostTarget;
use crate::entities::{contacts, email_threads};
use crate::error::{ApiError, ApiResult};
use crate::mail::inbound;
use crate::state::AppState;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shared::ContactId;
use shared::api::{Message, MessageKind};

/// Most bytes an inbound email may have: its files within the upload limit, and room for text.
pub fn max_inbound_bytes(state: &AppState) -> usize {
    usize::try_from(state.settings.max_upload_bytes.saturating_mul(2).saturating_add(1 << 20)).unwrap_or(usize::MAX)
}

/// Posts the answer in `raw` (an RFC 822 message) as its visitor's message, in
/// their conversation (reopened if closed; live in the inbox).
#[tracing::instrument(skip_all)]
pub async fn receive(state: &AppState, raw: &[u8]) -> ApiResult<Message> {
    let Some(domain) = state.settings.inbound_domain.as_deref() else {
        return Err(ApiError::invalid("inbound email is off: NATTER_INBOUND_DOMAIN is not set"));
    };
    if raw.len() > max_inbound_bytes(state) {
        return Err(ApiError::PayloadTooLarge);
    }
    let mail = inbound::parse(raw, domain).ok_or_else(|| ApiError::Malformed("not an email message".into()))?;
    let token = mail.token.ok_or_else(|| ApiError::invalid(format!("no reply+<token>@{domain} recipient")))?;
    let thread = email_threads::Entity::find()
        .filter(email_threads::Column::Token.eq(token))
        .one(state.db.conn())
        .await?
        .ok_or(ApiError::NotFound)?;
    let contact =
        contacts::Entity::find_by_id(thread.contact_id).one(state.db.conn()).await?.ok_or(ApiError::NotFound)?;
    if contact.banned_at.is_some() {
        return Err(ApiError::ContactBanned);
    }
    let max = state.settings.max_upload_bytes;
    if mail.files.iter().any(|(_, bytes)| bytes.len() as u64 > max) {
        return Err(ApiError::FileTooLarge(max));
    }
    let mut attachment_ids = Vec::new();
    for (name, bytes) in mail.files.into_iter().take(shared::limits::MAX_ATTACHMENTS_PER_MESSAGE) {
        let name = name.chars().filter(|c| !c.is_control() && *c != '/' && *c != '\\').take(200).collect();
        let stored = store_one(state, contact.id, name, bytes.into()).await?;
        attachment_ids.push(shared::AttachmentId(stored.id));
    }
    let author = Author { agent_id: None, author_id: contact.id, name: contact.name.clone() };
    let client_id = mail.message_id.map_or_else(
        || uuid::Uuid::new_v4().to_string(),
        |id| format!("mail-{}", &crate::auth::secrets::hash(&id)[..40]),
    );
    let input = PostInput { body: mail.text, client_id, attachment_ids };
    let (message, _) =
        msgs::post(state, author, PostTarget::Visitor(ContactId(contact.id)), MessageKind::Visitor, input).await?;
    Ok(message)
}
