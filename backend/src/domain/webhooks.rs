//! Webhook endpoints (admin): create (the secret is shown once), change, delete,
//! their deliveries, a test delivery and redelivery. Delivery itself is the
//! worker's (`crate::webhooks`).

use super::team::{page_by_id, parse_uuid_cursor};
use crate::auth::secrets;
use crate::clock::{from_millis, millis};
use crate::db::log;
use crate::entities::webhook_deliveries::{self as deliveries, DeliveryState as StoredState};
use crate::entities::webhooks;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::webhooks::{catalog, guard, queue, send};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, ModelTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use shared::api::{
    CreateWebhook, CreatedWebhook, DeliveryState, UpdateWebhook, WEBHOOK_EVENTS, WEBHOOK_TEST_EVENT, Webhook,
    WebhookDelivery,
};
use shared::{DeliveryId, Page, WebhookId};
use uuid::Uuid;

/// Prefix of webhook signing secrets.
pub const SECRET_PREFIX: &str = "whsec_";
/// Most endpoints a workspace may have.
const MAX_WEBHOOKS: u64 = 20;

impl From<webhooks::Model> for Webhook {
    fn from(m: webhooks::Model) -> Self {
        Self {
            id: WebhookId(m.id),
            events: queue::subscriptions(&m),
            url: m.url,
            enabled: m.enabled,
            disabled_reason: m.disabled_reason,
            created_at: from_millis(m.created_at),
        }
    }
}

impl From<deliveries::Model> for WebhookDelivery {
    fn from(m: deliveries::Model) -> Self {
        let state = match m.state {
            StoredState::Pending => DeliveryState::Pending,
            StoredState::Delivered => DeliveryState::Delivered,
            StoredState::Failed => DeliveryState::Failed,
        };
        Self {
            id: DeliveryId(m.id),
            webhook_id: WebhookId(m.webhook_id),
            event: m.event,
            seq: m.seq,
            state,
            attempts: m.attempts,
            status_code: m.status_code,
            latency_ms: m.latency_ms,
            error: m.error,
            next_attempt_at: (state == DeliveryState::Pending).then(|| from_millis(m.next_attempt_at)),
            created_at: from_millis(m.created_at),
        }
    }
}

async fn checked_url(state: &AppState, url: &str) -> ApiResult<String> {
    let url = url.trim();
    if url.len() > 2000 {
        return Err(ApiError::invalid("url is longer than 2000 characters"));
    }
    let parsed = guard::check_url(url, state.settings.webhook_allow_private)
        .await
        .map_err(|e| ApiError::invalid(format!("url: {e}")))?;
    Ok(parsed.to_string())
}

fn checked_events(events: Vec<String>) -> ApiResult<String> {
    if events.is_empty() {
        return Err(ApiError::invalid("events: subscribe to at least one event"));
    }
    if let Some(unknown) = events.iter().find(|e| !WEBHOOK_EVENTS.contains(&e.as_str())) {
        return Err(ApiError::invalid(format!("events: unknown event {unknown:?}")));
    }
    let mut events = events;
    events.sort();
    events.dedup();
    Ok(serde_json::Value::from(events).to_string())
}

/// Creates an endpoint that receives the events logged from now on.
#[tracing::instrument(skip_all)]
pub async fn create(state: &AppState, input: CreateWebhook) -> ApiResult<CreatedWebhook> {
    let url = checked_url(state, &input.url).await?;
    let events = checked_events(input.events)?;
    use sea_orm::PaginatorTrait;
    if webhooks::Entity::find().count(state.db.conn()).await? >= MAX_WEBHOOKS {
        return Err(ApiError::invalid(format!("at most {MAX_WEBHOOKS} webhooks")));
    }
    let secret = secrets::generate(SECRET_PREFIX);
    let now = millis(state.now());
    let txn = state.db.write().await?;
    // Read inside the write: no event can commit between this and the insert.
    let cursor = log::latest_seq(&*txn).await?;
    let model = webhooks::ActiveModel {
        id: Set(Uuid::now_v7()),
        url: Set(url),
        secret: Set(secret.clone()),
        events: Set(events),
        enabled: Set(true),
        disabled_reason: Set(None),
        cursor_seq: Set(cursor),
        lease_owner: Set(None),
        lease_until: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    state.wake_webhooks();
    Ok(CreatedWebhook { webhook: model.into(), secret })
}

/// Lists endpoints.
pub async fn list(state: &AppState, cursor: Option<String>, limit: u64) -> ApiResult<Page<Webhook>> {
    let mut select = webhooks::Entity::find().order_by_asc(webhooks::Column::Id);
    if let Some(after) = cursor.as_deref().map(parse_uuid_cursor).transpose()? {
        select = select.filter(webhooks::Column::Id.gt(after));
    }
    let rows = select.limit(limit + 1).all(state.db.conn()).await?;
    Ok(page_by_id(rows, limit, |w| w.id))
}

async fn load(state: &AppState, id: WebhookId) -> ApiResult<webhooks::Model> {
    webhooks::Entity::find_by_id(id.0).one(state.db.conn()).await?.ok_or(ApiError::NotFound)
}

/// One endpoint.
pub async fn get(state: &AppState, id: WebhookId) -> ApiResult<Webhook> {
    Ok(load(state, id).await?.into())
}

/// Changes an endpoint; enabling it clears why it was disabled.
#[tracing::instrument(skip_all, fields(webhook_id = %id))]
pub async fn update(state: &AppState, id: WebhookId, input: UpdateWebhook) -> ApiResult<Webhook> {
    let url = match input.url {
        Some(url) => Some(checked_url(state, &url).await?),
        None => None,
    };
    let events = input.events.map(checked_events).transpose()?;
    let mut model = load(state, id).await?.into_active_model();
    if let Some(url) = url {
        model.url = Set(url);
    }
    if let Some(events) = events {
        model.events = Set(events);
    }
    if let Some(enabled) = input.enabled {
        model.enabled = Set(enabled);
        if enabled {
            model.disabled_reason = Set(None);
        }
    }
    model.updated_at = Set(millis(state.now()));
    let hook = model.update(&state.db.autocommit()).await?;
    state.wake_webhooks();
    Ok(hook.into())
}

/// Deletes an endpoint and its deliveries.
#[tracing::instrument(skip_all, fields(webhook_id = %id))]
pub async fn delete(state: &AppState, id: WebhookId) -> ApiResult<()> {
    let hook = load(state, id).await?;
    let txn = state.db.write().await?;
    deliveries::Entity::delete_many().filter(deliveries::Column::WebhookId.eq(hook.id)).exec(&*txn).await?;
    hook.delete(&*txn).await?;
    txn.commit().await?;
    Ok(())
}

/// An endpoint's deliveries, newest first.
pub async fn deliveries(
    state: &AppState,
    id: WebhookId,
    cursor: Option<String>,
    limit: u64,
) -> ApiResult<Page<WebhookDelivery>> {
    load(state, id).await?;
    let mut select =
        deliveries::Entity::find().filter(deliveries::Column::WebhookId.eq(id.0)).order_by_desc(deliveries::Column::Id);
    if let Some(before) = cursor.as_deref().map(parse_uuid_cursor).transpose()? {
        select = select.filter(deliveries::Column::Id.lt(before));
    }
    let rows = select.limit(limit + 1).all(state.db.conn()).await?;
    Ok(page_by_id(rows, limit, |d| d.id))
}

/// Sends a `webhook.test` event now and records it among the deliveries.
#[tracing::instrument(skip_all, fields(webhook_id = %id))]
pub async fn send_test(state: &AppState, id: WebhookId) -> ApiResult<WebhookDelivery> {
    let hook = load(state, id).await?;
    let now = state.now();
    let delivery = Uuid::now_v7();
    let data = serde_json::json!({ "type": "webhook_test", "webhook_id": hook.id }).to_string();
    let body = catalog::body(Some(delivery), WEBHOOK_TEST_EVENT, None, now, &data);
    let allow_private = state.settings.webhook_allow_private;
    let request = send::Request {
        url: &hook.url,
        secret: &hook.secret,
        delivery,
        event: WEBHOOK_TEST_EVENT,
        body: &body,
        now_secs: now.timestamp(),
    };
    let outcome = send::attempt(&send::client(allow_private), allow_private, request).await;
    let mut model = queue::new_delivery(delivery, hook.id, None, WEBHOOK_TEST_EVENT, body, millis(now));
    model.attempts = Set(1);
    model.first_attempt_at = Set(Some(millis(now)));
    model.status_code = Set(outcome.status.map(i32::from));
    model.latency_ms = Set(Some(outcome.latency_ms));
    model.error = Set(outcome.error.clone());
    model.state = Set(if outcome.delivered() { StoredState::Delivered } else { StoredState::Failed });
    model.done_at = Set(Some(millis(state.now())));
    Ok(model.insert(&state.db.autocommit()).await?.into())
}

/// Queues a delivery again (a new delivery with the same body and event), at
/// the end of the endpoint's queue.
#[tracing::instrument(skip_all, fields(webhook_id = %id, delivery_id = %delivery))]
pub async fn redeliver(state: &AppState, id: WebhookId, delivery: DeliveryId) -> ApiResult<WebhookDelivery> {
    let old = deliveries::Entity::find_by_id(delivery.0)
        .filter(deliveries::Column::WebhookId.eq(id.0))
        .one(state.db.conn())
        .await?
        .ok_or(ApiError::NotFound)?;
    let new_id = Uuid::now_v7();
    // The body names its delivery: the copy names the new one.
    let body = old.payload.replacen(&format!(r#""id":"{}""#, old.id), &format!(r#""id":"{new_id}""#), 1);
    let model = queue::new_delivery(new_id, old.webhook_id, old.seq, &old.event, body, millis(state.now()));
    let queued = model.insert(&state.db.autocommit()).await?;
    state.wake_webhooks();
    Ok(queued.into())
}
