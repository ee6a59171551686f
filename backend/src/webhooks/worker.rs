//! The delivery worker of a node: a supervisor that leases endpoints, and one
//! task per leased endpoint that fills its queue from the event log and
//! delivers the head of it, in order. Woken by the bus (new events) and by the
//! wake signal (a redelivery, a change), but correct without them: every wait
//! also ends when the lease needs renewing, so nothing is ever left behind.

use super::queue::{self, LEASE};
use super::send::{self, Request};
use crate::entities::webhooks;
use crate::error::ApiResult;
use crate::state::AppState;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// Starts the node's worker.
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        let owner = Arc::<str>::from(Uuid::new_v4().to_string());
        let mut running: HashMap<Uuid, JoinHandle<()>> = HashMap::new();
        let mut wake = state.webhook_wake.subscribe();
        let mut stopping = state.shutdown.clone();
        loop {
            running.retain(|_, task| !task.is_finished());
            if let Err(e) = lease_new(&state, &owner, &mut running).await {
                tracing::warn!(error = %e, "webhook supervisor");
            }
            let renew = state.now() + LEASE / 2;
            // New endpoints are announced by the wake signal of the node that
            // stored them; the renewal takes over those of a node that died.
            tokio::select! {
                _ = wake.changed() => {}
                () = state.clock.sleep_until(renew) => {}
                _ = stopping.changed() => {}
            }
            if *stopping.borrow() || stopping.has_changed().is_err() {
                for (_, task) in running.drain() {
                    let _ = task.await;
                }
                return;
            }
        }
    });
}

async fn lease_new(state: &AppState, owner: &Arc<str>, running: &mut HashMap<Uuid, JoinHandle<()>>) -> ApiResult<()> {
    let hooks = webhooks::Entity::find().filter(webhooks::Column::Enabled.eq(true)).all(state.db.conn()).await?;
    for hook in hooks {
        if !running.contains_key(&hook.id) && queue::lease(state, hook.id, owner, state.now()).await? {
            let task = tokio::spawn(serve(state.clone(), owner.clone(), hook.id));
            running.insert(hook.id, task);
        }
    }
    Ok(())
}

/// Delivers for one endpoint while this node holds its lease.
async fn serve(state: AppState, owner: Arc<str>, id: Uuid) {
    let client = send::client(state.settings.webhook_allow_private);
    let mut bus = state.bus.subscribe();
    let mut wake = state.webhook_wake.subscribe();
    let mut stopping = state.shutdown.clone();
    // Renewed well before it runs out, not on every step: a lease is a write.
    let mut renew_at = chrono::DateTime::<chrono::Utc>::MIN_UTC;
    loop {
        if *stopping.borrow() || stopping.has_changed().is_err() {
            let _ = queue::release(&state, id, &owner).await;
            return;
        }
        let now = state.now();
        if now >= renew_at {
            match queue::lease(&state, id, &owner, now).await {
                Ok(true) => renew_at = now + LEASE / 3,
                Ok(false) => return,
                Err(e) => {
                    tracing::warn!(error = %e, webhook_id = %id, "could not renew a webhook lease");
                    renew_at = now + chrono::Duration::seconds(5);
                }
            }
        }
        let wait_until = match step(&state, &client, &owner, id).await {
            Ok(Step::Again) => continue,
            Ok(Step::Wait(until)) => until,
            Ok(Step::Stop) => return,
            Err(e) => {
                tracing::warn!(error = %e, webhook_id = %id, "webhook delivery step failed");
                state.now() + chrono::Duration::seconds(5)
            }
        };
        tokio::select! {
            () = crate::bus::burst(&mut bus, |_| true) => {}
            _ = wake.changed() => {}
            () = state.clock.sleep_until(wait_until.min(renew_at)) => {}
            _ = stopping.changed() => {}
        }
    }
}

enum Step {
    Again,
    Wait(shared::Timestamp),
    Stop,
}

async fn step(state: &AppState, client: &reqwest::Client, owner: &str, id: Uuid) -> ApiResult<Step> {
    let now = state.now();
    let hook = webhooks::Entity::find_by_id(id).one(state.db.conn()).await?;
    let Some(hook) = hook.filter(|h| h.enabled && h.lease_owner.as_deref() == Some(owner)) else {
        return Ok(Step::Stop);
    };
    let filled = queue::fill(state, &hook, owner).await?;
    let Some(head) = queue::head(state, id).await? else {
        return Ok(if filled { Step::Again } else { Step::Wait(now + LEASE) });
    };
    let due = crate::clock::from_millis(head.next_attempt_at);
    if due > now {
        return Ok(Step::Wait(due));
    }
    let allow_private = state.settings.webhook_allow_private;
    let request = Request {
        url: &hook.url,
        secret: &hook.secret,
        delivery: head.id,
        event: &head.event,
        body: &head.payload,
        now_secs: now.timestamp(),
    };
    let outcome = send::attempt(client, allow_private, request).await;
    tracing::debug!(webhook_id = %id, delivery = %head.id, status = ?outcome.status, "webhook attempt");
    let disabled = queue::record(state, head, &outcome, state.now()).await?;
    Ok(if disabled { Step::Stop } else { Step::Again })
}
