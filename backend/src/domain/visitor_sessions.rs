//! Visitor sessions: an opaque token per browser, stored hashed, for one contact.
//! A session starts with the widget's site key, ends when the visitor resets the
//! widget (a site's logout) or signs in as someone, and expires after
//! `NATTER_VISITOR_SESSION_DAYS` without use.

use super::{validate, widget_settings};
use crate::auth::CurrentVisitor;
use crate::auth::secrets::{self, VISITOR_PREFIX};
use crate::clock::millis;
use crate::entities::{contacts, visitor_sessions};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use shared::api::{StartSession, WidgetSession};
use shared::{ContactId, Timestamp};
use uuid::Uuid;

/// A new anonymous contact, as a visitor's first visit makes it.
pub fn anonymous_contact(now: Timestamp, page: Option<String>, browser: Option<String>) -> contacts::ActiveModel {
    let now = millis(now);
    contacts::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(None),
        email: Set(None),
        phone: Set(None),
        notes: Set(None),
        attributes: Set("{}".into()),
        banned_at: Set(None),
        current_page: Set(page),
        browser: Set(browser.map(|b| b.chars().take(500).collect())),
        first_seen_at: Set(now),
        last_seen_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        external_id: Set(None),
        verified_at: Set(None),
        ip_address: Set(None),
    }
}

/// Where a new visitor comes from.
pub struct Device {
    /// Their browser's user agent.
    pub browser: Option<String>,
    /// The address the request came from.
    pub ip_address: Option<String>,
}

/// Stores a new session for `contact` and returns its token (shown once).
pub async fn create(db: &impl ConnectionTrait, contact: Uuid, now: Timestamp) -> ApiResult<String> {
    let token = secrets::generate(VISITOR_PREFIX);
    visitor_sessions::ActiveModel {
        id: Set(Uuid::now_v7()),
        contact_id: Set(contact),
        token_hash: Set(secrets::hash(&token)),
        created_at: Set(millis(now)),
        last_used_at: Set(millis(now)),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Starts an anonymous visitor: the site key must be the workspace's. The new
/// contact is logged (`contact.created` for webhooks and `GET /events`).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn start(state: &AppState, input: StartSession, device: Device) -> ApiResult<WidgetSession> {
    widget_settings::check_site_key(state, &input.site_key).await?;
    let page = validate::page_url("page_url", input.page_url.as_deref())?;
    if let Some(address) = &device.ip_address
        && super::blocked_addresses::is_blocked(state, address).await?
    {
        return Err(ApiError::ContactBanned);
    }
    let now = state.now();
    let mut txn = state.db.write().await?;
    let mut model = anonymous_contact(now, page, device.browser);
    model.ip_address = Set(device.ip_address);
    let contact = model.insert(&*txn).await?;
    super::contacts::contact_dto_event(&mut txn, &contact, now).await?;
    let token = create(&*txn, contact.id, now).await?;
    txn.commit().await?;
    Ok(WidgetSession { token, contact_id: ContactId(contact.id) })
}

/// Ends the caller's session: its token stops working at once.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn end(state: &AppState, me: &CurrentVisitor) -> ApiResult<()> {
    let txn = state.db.write().await?;
    visitor_sessions::Entity::delete_by_id(me.session_id).exec(&*txn).await?;
    txn.commit().await?;
    Ok(())
}
