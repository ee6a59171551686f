//! The missed-conversation rule, run by the server with no client involved: a
//! conversation whose visitor waits turns red when the reply deadline passes or
//! every assigned agent is offline, and clears when an agent replies or comes
//! back. `missed_at` records what was announced; each change is decided again on
//! the row inside the write transaction and made by a conditional `UPDATE`, so
//! with several processes on one database exactly one announces it.

use crate::clock::millis;
use crate::domain::conversations::{ConversationRow, find_row, select_rows};
use crate::domain::messages::append_conversation;
use crate::entities::conversations;
use crate::error::ApiResult;
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use shared::ConversationId;
use shared::dot::is_missed;
use std::time::Duration;
use uuid::Uuid;

/// How often the rule looks at the clock: red comes within this of the deadline.
const TICK: Duration = Duration::from_millis(200);
/// Most conversations turned red in one tick.
const BATCH: u64 = 500;

/// Runs the rule until the server shuts down.
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut shutdown = state.realtime.shutdown_signal();
        let mut reevaluate = true;
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = state.realtime.rules_wakeup() => reevaluate = true,
                _ = shutdown.changed() => return,
            }
            match run_once(&state, reevaluate).await {
                Ok(()) => reevaluate = false,
                Err(e) => tracing::warn!(error = %e, "missed-conversation rule failed; retrying"),
            }
        }
    });
}

async fn run_once(state: &AppState, mut reevaluate: bool) -> ApiResult<()> {
    let now = state.now();
    if !state.realtime.presence.expire(now).is_empty() {
        state.realtime.team_changed(state).await?;
        reevaluate = true;
    }
    let deadline = millis(now - state.settings.missed_after());
    let due: Vec<Uuid> = conversations::Entity::find()
        .select_only()
        .column(conversations::Column::Id)
        .filter(conversations::Column::Status.eq("open"))
        .filter(conversations::Column::MissedAt.is_null())
        .filter(conversations::Column::AwaitingReplySince.lte(deadline))
        .limit(BATCH)
        .into_tuple()
        .all(state.db.conn())
        .await?;
    let mut candidates: Vec<Uuid> = due;
    if reevaluate {
        let team = state.realtime.team(state).await?;
        let waiting: Vec<ConversationRow> = select_rows()
            .filter(conversations::Column::Status.eq("open"))
            .filter(conversations::Column::AwaitingReplySince.is_not_null())
            .into_model()
            .all(state.db.conn())
            .await?;
        for row in waiting {
            let missed = is_missed(&row.dot_input(), &team.team, now, state.settings.missed_after());
            if missed != row.missed_at.is_some() && !candidates.contains(&row.id) {
                candidates.push(row.id);
            }
        }
    }
    if candidates.is_empty() {
        return Ok(());
    }
    let team = state.realtime.team(state).await?;
    let mut txn = state.db.write().await?;
    for id in candidates {
        // Decided again on the row as it is now: a reply or a new message may
        // have come in since it was picked.
        let Ok(row) = find_row(&*txn, ConversationId(id)).await else { continue };
        let missed = is_missed(&row.dot_input(), &team.team, now, state.settings.missed_after());
        if missed == row.missed_at.is_some() {
            continue;
        }
        let update = conversations::Entity::update_many()
            .filter(conversations::Column::Id.eq(id))
            .filter(conversations::Column::Status.eq("open"));
        let update = if missed {
            update
                .col_expr(conversations::Column::MissedAt, Expr::value(millis(now)))
                .filter(conversations::Column::MissedAt.is_null())
        } else {
            update
                .col_expr(conversations::Column::MissedAt, Expr::value(Option::<i64>::None))
                .filter(conversations::Column::MissedAt.is_not_null())
        };
        if update.exec(&*txn).await?.rows_affected == 1 {
            append_conversation(&mut txn, ConversationId(id), false, now).await?;
        }
    }
    txn.commit().await?;
    Ok(())
}
