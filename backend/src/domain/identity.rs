//! Signed visitor identities: a host site that knows its signed-in user signs
//! `"{user_id}:{timestamp}"` with the widget's identity secret; a valid signature
//! merges the visitor into that user's one contact, across devices, marked verified.

use super::contacts::contact_dto_event;
use super::messages::append_conversation;
use super::{validate, widget_settings};
use crate::auth::CurrentVisitor;
use crate::auth::secrets::{self, VISITOR_PREFIX};
use crate::clock::millis;
use crate::entities::{contacts, conversations, visitor_sessions};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use hmac::{Hmac, Mac};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, ModelTrait, QueryFilter, Set};
use sha2::Sha256;
use shared::api::{IdentifiedVisitor, IdentifyVisitor};
use shared::{ContactId, ConversationId, Timestamp};
use uuid::Uuid;

/// How long a signature is accepted after it was made.
const VALID_FOR_SECS: i64 = 24 * 60 * 60;
/// How far in the future a timestamp may be (clock skew between the site and us).
const SKEW_SECS: i64 = 5 * 60;

fn mac(secret: &str, user_id: &str, timestamp: i64) -> Hmac<Sha256> {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!());
    mac.update(format!("{user_id}:{timestamp}").as_bytes());
    mac
}

/// The signature a host site computes (hex HMAC-SHA256 of `"{user_id}:{timestamp}"`).
pub fn sign(secret: &str, user_id: &str, timestamp: i64) -> String {
    hex::encode(mac(secret, user_id, timestamp).finalize().into_bytes())
}

/// Checks a signature and its age.
pub fn verify(secret: &str, input: &IdentifyVisitor, now: Timestamp) -> ApiResult<()> {
    let now = now.timestamp();
    if input.timestamp < now - VALID_FOR_SECS || input.timestamp > now + SKEW_SECS {
        return Err(ApiError::invalid("the identity's timestamp is too old or in the future"));
    }
    let signature = hex::decode(input.signature.trim()).map_err(|_| ApiError::Forbidden)?;
    mac(secret, &input.user_id, input.timestamp).verify_slice(&signature).map_err(|_| ApiError::Forbidden)
}

/// Verifies the identity and moves the visitor into the user's contact; returns
/// a token for that contact (the anonymous one is merged away).
pub async fn identify(state: &AppState, me: &CurrentVisitor, input: IdentifyVisitor) -> ApiResult<IdentifiedVisitor> {
    let user_id = validate::required("user_id", &input.user_id)?;
    let settings = widget_settings::load(state).await?;
    let now = state.now();
    verify(&settings.identity_secret, &input, now)?;
    let mut txn = state.db.write().await?;
    let anonymous = contacts::Entity::find_by_id(me.contact.id).one(&*txn).await?.ok_or(ApiError::Unauthorized)?;
    let known = contacts::Entity::find().filter(contacts::Column::ExternalId.eq(user_id.clone())).one(&*txn).await?;
    let target = match known {
        Some(known) if known.id != anonymous.id => {
            if known.banned_at.is_some() {
                return Err(ApiError::ContactBanned);
            }
            let moved = conversations::Entity::find()
                .filter(conversations::Column::ContactId.eq(anonymous.id))
                .all(&*txn)
                .await?;
            for conversation in &moved {
                let mut model = conversation.clone().into_active_model();
                model.contact_id = Set(known.id);
                model.update(&*txn).await?;
            }
            let mut model = known.clone().into_active_model();
            model.name = Set(known.name.clone().or(anonymous.name.clone()));
            model.email = Set(known.email.clone().or(anonymous.email.clone()));
            model.phone = Set(known.phone.clone().or(anonymous.phone.clone()));
            model.current_page = Set(anonymous.current_page.clone().or(known.current_page.clone()));
            model.browser = Set(anonymous.browser.clone().or(known.browser.clone()));
            model.last_seen_at = Set(millis(now));
            model.updated_at = Set(millis(now));
            let target = model.update(&*txn).await?;
            visitor_sessions::Entity::delete_many()
                .filter(visitor_sessions::Column::ContactId.eq(anonymous.id))
                .exec(&*txn)
                .await?;
            anonymous.delete(&*txn).await?;
            for conversation in moved {
                append_conversation(&mut txn, ConversationId(conversation.id), false, now).await?;
            }
            target
        }
        Some(same) => same,
        None => {
            let mut model = anonymous.into_active_model();
            model.external_id = Set(Some(user_id));
            model.verified_at = Set(Some(millis(now)));
            model.updated_at = Set(millis(now));
            model.update(&*txn).await?
        }
    };
    let token = secrets::generate(VISITOR_PREFIX);
    visitor_sessions::ActiveModel {
        id: Set(Uuid::now_v7()),
        contact_id: Set(target.id),
        token_hash: Set(secrets::hash(&token)),
        created_at: Set(millis(now)),
    }
    .insert(&*txn)
    .await?;
    contact_dto_event(&mut txn, &target, now).await?;
    txn.commit().await?;
    Ok(IdentifiedVisitor { token, contact_id: ContactId(target.id) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_is_accepted_only_as_signed_and_fresh() {
        let now = chrono::Utc::now();
        let ts = now.timestamp();
        let good = IdentifyVisitor { user_id: "u-42".into(), timestamp: ts, signature: sign("ni_secret", "u-42", ts) };
        assert!(verify("ni_secret", &good, now).is_ok());
        let other_user = IdentifyVisitor { user_id: "u-43".into(), ..good.clone() };
        assert!(verify("ni_secret", &other_user, now).is_err());
        assert!(verify("another secret", &good, now).is_err());
        let stale_ts = ts - VALID_FOR_SECS - 1;
        let stale =
            IdentifyVisitor { timestamp: stale_ts, signature: sign("ni_secret", "u-42", stale_ts), ..good.clone() };
        assert!(verify("ni_secret", &stale, now).is_err());
        let garbage = IdentifyVisitor { signature: "not hex".into(), ..good };
        assert!(verify("ni_secret", &garbage, now).is_err());
    }
}
