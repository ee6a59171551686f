//! Signed visitor identities: a host site that knows its signed-in user signs
//! `"{user_id}:{timestamp}"` with the widget's identity secret when it renders the
//! page. A valid signature makes the visitor that user's one contact across
//! devices, marked verified. A contact verified as one user is never merged into
//! or taken over by another: a second user signing in on a shared browser starts
//! afresh, and a banned anonymous visitor can't sign in out of the ban.

use super::contacts::contact_dto_event;
use super::messages::append_conversation;
use super::{validate, visitor_sessions, widget_settings};
use crate::auth::CurrentVisitor;
use crate::clock::millis;
use crate::db::WriteTxn;
use crate::entities::{contacts, conversations, events, visitor_sessions as sessions};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use hmac::{Hmac, Mac};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, ModelTrait, QueryFilter, Set};
use sha2::Sha256;
use shared::api::{IdentifiedVisitor, IdentifyVisitor};
use shared::{ContactId, ConversationId, Timestamp};

/// How long a signature is accepted after it was made (sites sign at page render).
const VALID_FOR_SECS: i64 = 10 * 60;
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

/// Verifies the identity and returns a token for the user's contact; the token
/// the call was made with ends.
#[tracing::instrument(skip_all, fields(contact_id = %me.contact.id), err(level = "debug"))]
pub async fn identify(state: &AppState, me: &CurrentVisitor, input: IdentifyVisitor) -> ApiResult<IdentifiedVisitor> {
    let user_id = validate::required("user_id", &input.user_id)?;
    let settings = widget_settings::load(state).await?;
    let now = state.now();
    verify(&settings.identity_secret, &input, now)?;
    let mut txn = state.db.write().await?;
    let caller = contacts::Entity::find_by_id(me.contact.id).one(&*txn).await?.ok_or(ApiError::Unauthorized)?;
    let known = contacts::Entity::find().filter(contacts::Column::ExternalId.eq(user_id.clone())).one(&*txn).await?;
    let target = match (caller.external_id.as_deref(), known) {
        (Some(verified), _) if verified == user_id => caller,
        // Someone else signed in on this browser: their own contact, never the caller's.
        (Some(_), Some(known)) => known,
        (Some(_), None) => new_user(&mut txn, &caller, user_id, now).await?,
        (None, _) if caller.banned_at.is_some() => return Err(ApiError::ContactBanned),
        // The same person on another device (a ban on the user follows them here).
        (None, Some(known)) => merge(&mut txn, caller, known, now).await?,
        (None, None) => {
            let mut model = caller.into_active_model();
            model.external_id = Set(Some(user_id));
            model.verified_at = Set(Some(millis(now)));
            model.updated_at = Set(millis(now));
            let verified = model.update(&*txn).await?;
            contact_dto_event(&mut txn, &verified, now).await?;
            verified
        }
    };
    sessions::Entity::delete_by_id(me.session_id).exec(&*txn).await?;
    let token = visitor_sessions::create(&*txn, target.id, now).await?;
    txn.commit().await?;
    Ok(IdentifiedVisitor { token, contact_id: ContactId(target.id) })
}

/// A new verified contact for `user_id`, on the caller's device (its page and
/// browser, nothing the previous user said or typed).
async fn new_user(
    txn: &mut WriteTxn,
    device: &contacts::Model,
    user_id: String,
    now: Timestamp,
) -> ApiResult<contacts::Model> {
    let mut model = visitor_sessions::anonymous_contact(now, device.current_page.clone(), device.browser.clone());
    model.ip_address = Set(device.ip_address.clone());
    model.external_id = Set(Some(user_id));
    model.verified_at = Set(Some(millis(now)));
    let contact = model.insert(&**txn).await?;
    contact_dto_event(txn, &contact, now).await?;
    Ok(contact)
}

/// Moves an anonymous visitor's conversations and details into the user's
/// contact, and deletes the anonymous one with its sessions.
async fn merge(
    txn: &mut WriteTxn,
    anonymous: contacts::Model,
    known: contacts::Model,
    now: Timestamp,
) -> ApiResult<contacts::Model> {
    let moved =
        conversations::Entity::find().filter(conversations::Column::ContactId.eq(anonymous.id)).all(&**txn).await?;
    for conversation in &moved {
        let mut model = conversation.clone().into_active_model();
        model.contact_id = Set(known.id);
        model.update(&**txn).await?;
    }
    // Their events follow them: a conversation's events are always its contact's
    // (the user replays them on resume; deleting the conversation finds them).
    events::Entity::update_many()
        .col_expr(events::Column::ContactId, sea_orm::sea_query::Expr::value(known.id))
        .filter(events::Column::ContactId.eq(anonymous.id))
        .filter(events::Column::ConversationId.is_not_null())
        .exec(&**txn)
        .await?;
    let mut model = known.clone().into_active_model();
    model.name = Set(known.name.clone().or(anonymous.name.clone()));
    model.email = Set(known.email.clone().or(anonymous.email.clone()));
    model.phone = Set(known.phone.clone().or(anonymous.phone.clone()));
    model.current_page = Set(anonymous.current_page.clone().or(known.current_page.clone()));
    model.browser = Set(anonymous.browser.clone().or(known.browser.clone()));
    model.last_seen_at = Set(millis(now));
    model.updated_at = Set(millis(now));
    let target = model.update(&**txn).await?;
    sessions::Entity::delete_many().filter(sessions::Column::ContactId.eq(anonymous.id)).exec(&**txn).await?;
    anonymous.delete(&**txn).await?;
    for conversation in moved {
        append_conversation(txn, ConversationId(conversation.id), false, now).await?;
    }
    contact_dto_event(txn, &target, now).await?;
    Ok(target)
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
        assert_eq!(VALID_FOR_SECS, 600, "ten minutes: long enough to load a page, short for a replay");
        let stale_ts = ts - VALID_FOR_SECS - 1;
        let stale =
            IdentifyVisitor { timestamp: stale_ts, signature: sign("ni_secret", "u-42", stale_ts), ..good.clone() };
        assert!(verify("ni_secret", &stale, now).is_err());
        let garbage = IdentifyVisitor { signature: "not hex".into(), ..good };
        assert!(verify("ni_secret", &garbage, now).is_err());
    }
}
