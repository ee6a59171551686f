//! Retention, so disk use stays bounded: the event log keeps
//! `NATTER_EVENT_RETENTION_DAYS` of events (a client resuming from before what
//! is kept is told to reload), and uploads that no message used within a day
//! are removed with their files. Messages, conversations and contacts are kept.

use crate::clock::millis;
use crate::db::log::latest_seq;
use crate::entities::{attachments, event_log_horizon, events};
use crate::error::ApiResult;
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::time::Duration;

/// How often retention runs (the first run is one period after start).
const EVERY: Duration = Duration::from_secs(60 * 60);
/// Events removed per statement, so the single SQLite writer is never held long.
const CHUNK: u64 = 5000;
/// Uploads looked at per query.
const UPLOAD_BATCH: u64 = 500;

/// How long an upload may wait for a message before it is removed.
pub fn orphan_after() -> chrono::Duration {
    chrono::Duration::hours(24)
}

/// What one run removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    /// Event-log rows.
    pub events: u64,
    /// Uploads (rows and files).
    pub uploads: u64,
}

/// Runs retention every hour until the server shuts down.
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + EVERY, EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut shutdown = state.shutdown.clone();
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = shutdown.changed() => return,
            }
            match sweep(&state).await {
                Ok(swept) => tracing::info!(events = swept.events, uploads = swept.uploads, "retention ran"),
                Err(e) => tracing::warn!(error = %e, "retention failed; trying again later"),
            }
        }
    });
}

/// One retention run, with the injected clock.
pub async fn sweep(state: &AppState) -> ApiResult<Swept> {
    Ok(Swept { events: prune_events(state).await?, uploads: collect_orphan_uploads(state).await? })
}

/// Removes events older than the retention period, oldest first, stopping at
/// the first younger one; the newest event always stays, so the log's latest
/// sequence never goes back. Returns how many rows went.
#[tracing::instrument(skip_all)]
pub async fn prune_events(state: &AppState) -> ApiResult<u64> {
    let days = state.settings.event_retention_days;
    if days == 0 {
        return Ok(0);
    }
    let cutoff = millis(state.now() - chrono::Duration::days(days.into()));
    let db = state.db.conn();
    let newest = latest_seq(db).await?;
    let mut pruned = 0;
    loop {
        let rows: Vec<(i64, i64)> = events::Entity::find()
            .select_only()
            .columns([events::Column::Seq, events::Column::CreatedAt])
            .filter(events::Column::Seq.lt(newest))
            .order_by_asc(events::Column::Seq)
            .limit(CHUNK)
            .into_tuple()
            .all(db)
            .await?;
        let old = rows.iter().take_while(|(_, at)| *at < cutoff).count();
        let Some(&(through, _)) = rows[..old].last() else { break };
        // The horizon moves before the rows go: a resume that races this run
        // reads the horizon after the events, so it reloads rather than miss any.
        event_log_horizon::Entity::update_many()
            .col_expr(event_log_horizon::Column::PrunedThrough, Expr::value(through))
            .filter(event_log_horizon::Column::Id.eq(1))
            .filter(event_log_horizon::Column::PrunedThrough.lt(through))
            .exec(&state.db.autocommit())
            .await?;
        let deleted = events::Entity::delete_many().filter(events::Column::Seq.lte(through));
        pruned += deleted.exec(&state.db.autocommit()).await?.rows_affected;
        if old < rows.len() || (rows.len() as u64) < CHUNK {
            break;
        }
    }
    state.metrics.events_pruned(pruned);
    Ok(pruned)
}

/// Removes uploads that no message used within [`orphan_after`]: the row
/// first, and only while still unattached (a message claiming the file at that
/// moment keeps it), then the file. Returns how many went.
#[tracing::instrument(skip_all)]
pub async fn collect_orphan_uploads(state: &AppState) -> ApiResult<u64> {
    let cutoff = millis(state.now() - orphan_after());
    let db = state.db.conn();
    let mut removed = 0;
    loop {
        let batch = attachments::Entity::find()
            .filter(attachments::Column::MessageId.is_null())
            .filter(attachments::Column::CreatedAt.lt(cutoff))
            .order_by_asc(attachments::Column::CreatedAt)
            .limit(UPLOAD_BATCH)
            .all(db)
            .await?;
        for file in &batch {
            let gone = attachments::Entity::delete_many()
                .filter(attachments::Column::Id.eq(file.id))
                .filter(attachments::Column::MessageId.is_null())
                .exec(&state.db.autocommit())
                .await?
                .rows_affected;
            if gone == 1 {
                removed += 1;
                if let Err(e) = state.storage.delete(&file.storage_key).await {
                    tracing::warn!(error = %e, key = file.storage_key, "could not delete an orphan upload's file");
                }
            }
        }
        if (batch.len() as u64) < UPLOAD_BATCH {
            break;
        }
    }
    state.metrics.orphan_uploads_removed(removed);
    Ok(removed)
}
