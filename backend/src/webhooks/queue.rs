//! Each endpoint's durable queue: the lease that makes one node its deliverer,
//! filling the queue from the event log (the cursor moves in the same
//! transaction), the head of the queue and each attempt's outcome.

use super::catalog;
use super::send::Outcome;
use crate::clock::millis;
use crate::entities::webhook_deliveries::{self as deliveries, DeliveryState};
use crate::entities::{events, webhooks};
use crate::error::ApiResult;
use crate::events::StoredEvent;
use crate::state::AppState;
use rand::Rng;
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use shared::Timestamp;
use uuid::Uuid;

/// How long a lease lasts without renewal (clock time).
pub const LEASE: chrono::Duration = chrono::Duration::seconds(60);
/// Retries stop this long after the first failed attempt; the endpoint is then disabled.
pub const GIVE_UP_AFTER: chrono::Duration = chrono::Duration::hours(24);
/// Events read from the log per fill.
const FILL_BATCH: u64 = 200;
/// Deliveries an endpoint may have waiting before the cursor stops moving.
const MAX_PENDING: u64 = 1000;

/// Takes or renews the lease on an enabled endpoint; `false` when another node holds it.
pub async fn lease(state: &AppState, id: Uuid, owner: &str, now: Timestamp) -> ApiResult<bool> {
    let free = Condition::any()
        .add(webhooks::Column::LeaseOwner.is_null())
        .add(webhooks::Column::LeaseOwner.eq(owner))
        .add(webhooks::Column::LeaseUntil.lt(millis(now)));
    let result = webhooks::Entity::update_many()
        .col_expr(webhooks::Column::LeaseOwner, Expr::value(owner))
        .col_expr(webhooks::Column::LeaseUntil, Expr::value(millis(now + LEASE)))
        .filter(webhooks::Column::Id.eq(id))
        .filter(webhooks::Column::Enabled.eq(true))
        .filter(free)
        .exec(&state.db.autocommit())
        .await?;
    Ok(result.rows_affected == 1)
}

/// Gives the lease up (on shutdown), so another node takes over at once.
pub async fn release(state: &AppState, id: Uuid, owner: &str) -> ApiResult<()> {
    webhooks::Entity::update_many()
        .col_expr(webhooks::Column::LeaseOwner, Expr::value(Option::<String>::None))
        .col_expr(webhooks::Column::LeaseUntil, Expr::value(0i64))
        .filter(webhooks::Column::Id.eq(id))
        .filter(webhooks::Column::LeaseOwner.eq(owner))
        .exec(&state.db.autocommit())
        .await?;
    Ok(())
}

/// The endpoint's subscriptions.
pub fn subscriptions(hook: &webhooks::Model) -> Vec<String> {
    serde_json::from_str(&hook.events).unwrap_or_default()
}

/// Queues the endpoint's events logged after its cursor and moves the cursor,
/// in one transaction that holds only while this node still holds the lease.
/// Returns whether the cursor moved.
pub async fn fill(state: &AppState, hook: &webhooks::Model, owner: &str) -> ApiResult<bool> {
    let db = state.db.conn();
    let waiting = pending(hook.id).count(db).await?;
    if waiting >= MAX_PENDING {
        return Ok(false);
    }
    let rows = events::Entity::find()
        .filter(events::Column::Seq.gt(hook.cursor_seq))
        .order_by_asc(events::Column::Seq)
        .limit(FILL_BATCH)
        .all(db)
        .await?;
    let Some(last) = rows.last().map(|r| r.seq) else { return Ok(false) };
    let subscribed = subscriptions(hook);
    let now = millis(state.now());
    let queued: Vec<deliveries::ActiveModel> = rows
        .into_iter()
        .filter_map(StoredEvent::from_row)
        .filter_map(|event| {
            let named = catalog::name(&event)?;
            subscribed.iter().any(|s| s == named.subscription).then(|| {
                let id = Uuid::now_v7();
                let body = catalog::body(Some(id), named.name, Some(event.seq), event.created_at, &event.payload);
                new_delivery(id, hook.id, Some(event.seq), named.name, body, now)
            })
        })
        .collect();
    let txn = state.db.write().await?;
    let moved = webhooks::Entity::update_many()
        .col_expr(webhooks::Column::CursorSeq, Expr::value(last))
        .filter(webhooks::Column::Id.eq(hook.id))
        .filter(webhooks::Column::CursorSeq.eq(hook.cursor_seq))
        .filter(webhooks::Column::LeaseOwner.eq(owner))
        .exec(&*txn)
        .await?;
    if moved.rows_affected != 1 {
        return Ok(false);
    }
    if !queued.is_empty() {
        deliveries::Entity::insert_many(queued).exec(&*txn).await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// A queued delivery, due now.
pub fn new_delivery(
    id: Uuid,
    hook: Uuid,
    seq: Option<i64>,
    event: &str,
    payload: String,
    now: i64,
) -> deliveries::ActiveModel {
    deliveries::ActiveModel {
        id: Set(id),
        webhook_id: Set(hook),
        seq: Set(seq),
        event: Set(event.to_owned()),
        payload: Set(payload),
        state: Set(DeliveryState::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        first_attempt_at: Set(None),
        status_code: Set(None),
        latency_ms: Set(None),
        error: Set(None),
        created_at: Set(now),
        done_at: Set(None),
    }
}

fn pending(hook: Uuid) -> sea_orm::Select<deliveries::Entity> {
    deliveries::Entity::find()
        .filter(deliveries::Column::WebhookId.eq(hook))
        .filter(deliveries::Column::State.eq(DeliveryState::Pending))
}

/// The oldest waiting delivery: nothing after it goes out before it (order per endpoint).
pub async fn head(state: &AppState, hook: Uuid) -> ApiResult<Option<deliveries::Model>> {
    Ok(pending(hook).order_by_asc(deliveries::Column::Id).one(state.db.conn()).await?)
}

/// The wait before attempt `attempts + 1`: 10 s doubling up to 2 h, ±25 % jitter.
pub fn backoff(attempts: i32) -> chrono::Duration {
    let base = 10_000i64.saturating_mul(1i64 << attempts.clamp(1, 20).saturating_sub(1)).min(7_200_000);
    let jitter = rand::rng().random_range(0.75..1.25);
    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    chrono::Duration::milliseconds((base as f64 * jitter) as i64)
}

/// Records an attempt. A failure past [`GIVE_UP_AFTER`] fails the delivery and
/// disables the endpoint, saying why. Returns whether the endpoint was disabled.
pub async fn record(
    state: &AppState,
    delivery: deliveries::Model,
    outcome: &Outcome,
    now: Timestamp,
) -> ApiResult<bool> {
    let now_ms = millis(now);
    let attempts = delivery.attempts + 1;
    let first = delivery.first_attempt_at.unwrap_or(now_ms);
    let hook = delivery.webhook_id;
    let mut model: deliveries::ActiveModel = delivery.into();
    model.attempts = Set(attempts);
    model.first_attempt_at = Set(Some(first));
    model.status_code = Set(outcome.status.map(i32::from));
    model.latency_ms = Set(Some(outcome.latency_ms));
    model.error = Set(outcome.error.clone());
    let give_up = !outcome.delivered() && now_ms - first >= GIVE_UP_AFTER.num_milliseconds();
    if outcome.delivered() {
        model.state = Set(DeliveryState::Delivered);
        model.done_at = Set(Some(now_ms));
    } else if give_up {
        model.state = Set(DeliveryState::Failed);
        model.done_at = Set(Some(now_ms));
    } else {
        model.next_attempt_at = Set(millis(now + backoff(attempts)));
    }
    let txn = state.db.write().await?;
    model.update(&*txn).await?;
    if give_up {
        let reason = format!(
            "Disabled after {attempts} failed attempts over a day; last error: {}",
            outcome.error.as_deref().unwrap_or("unknown")
        );
        webhooks::Entity::update_many()
            .col_expr(webhooks::Column::Enabled, Expr::value(false))
            .col_expr(webhooks::Column::DisabledReason, Expr::value(reason))
            .col_expr(webhooks::Column::UpdatedAt, Expr::value(now_ms))
            .filter(webhooks::Column::Id.eq(hook))
            .exec(&*txn)
            .await?;
    }
    txn.commit().await?;
    Ok(give_up)
}
