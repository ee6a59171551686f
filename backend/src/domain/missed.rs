//! The missed-conversation rule, run by the server with no client involved: a
//! conversation whose visitor waits turns red when the reply deadline passes or
//! every assigned agent is offline, and clears when an agent replies or comes
//! back. `missed_at` records what was announced.
//!
//! Driven by time and news, not by polling: the rule sleeps until the earliest
//! deadline (one indexed query), learns new deadlines from committed events,
//! re-decides a conversation whose event shows its dot inputs changed, and
//! looks at every waiting conversation only when the team or presence changes.
//! Each change is decided again on the row inside the write and made by a
//! conditional `UPDATE`, so with several nodes on one database exactly one
//! announces it.

use super::conversations::{ConversationRow, find_row, select_rows};
use super::messages::append_conversation;
use super::roster as team;
use crate::bus::Signal;
use crate::clock::{from_millis, millis};
use crate::entities::stored::StoredStatus;
use crate::entities::{conversations, missed_episodes};
use crate::error::ApiResult;
use crate::events::StoredEvent;
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use shared::dot::{is_missed, missed_deadline};
use shared::events::Event;
use shared::{ConversationId, Timestamp};
use std::collections::HashSet;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

/// Most conversations decided in one write.
const BATCH: u64 = 500;

/// What woke the rule.
enum Wake {
    /// A deadline passed.
    Due,
    /// The team or presence changed: look at every waiting conversation.
    Everything,
    /// An event showed these conversations may have changed state.
    These(HashSet<Uuid>),
    /// Nothing to do now.
    Nothing,
}

impl Wake {
    /// The label of what woke the rule.
    fn cause(&self) -> &'static str {
        match self {
            Wake::Due => "deadline",
            Wake::Everything => "everything",
            Wake::These(_) | Wake::Nothing => "news",
        }
    }
}

/// Runs the rule until the server shuts down.
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        let mut signals = state.bus.signals();
        let mut events = state.bus.subscribe();
        let mut shutdown = state.shutdown.clone();
        let mut wake = Wake::Everything;
        let mut next: Option<Timestamp> = None;
        loop {
            let cause = wake.cause();
            let ran = run(&state, wake).await;
            state.metrics.missed_rule_run(cause);
            match ran {
                Ok(deadline) => next = deadline.or(next).min(deadline.or(next)),
                Err(e) => {
                    tracing::warn!(error = %e, "missed-conversation rule failed; retrying in a second");
                    next = Some(state.now() + chrono::Duration::seconds(1));
                }
            }
            wake = loop {
                let woke = tokio::select! {
                    _ = async {
                        match next {
                            Some(at) => state.clock.sleep_until(at).await,
                            None => std::future::pending().await,
                        }
                    } => Wake::Due,
                    signal = signals.recv() => match signal {
                        Ok(Signal::Agent(_) | Signal::TeamOnline(_) | Signal::TeamChanged) | Err(RecvError::Lagged(_)) => {
                            Wake::Everything
                        }
                        Ok(_) => Wake::Nothing,
                        Err(RecvError::Closed) => return,
                    },
                    event = events.recv() => match event {
                        Ok(event) => news(&state, &event, &mut next).await,
                        Err(RecvError::Lagged(_)) => Wake::Everything,
                        Err(RecvError::Closed) => return,
                    },
                    _ = shutdown.changed() => return,
                };
                if !matches!(woke, Wake::Nothing) {
                    break woke;
                }
            };
        }
    });
}

/// What an event says to the rule: a new deadline to wait for, or a conversation
/// whose red state no longer matches its inputs (an answer, an assignment).
async fn news(state: &AppState, event: &StoredEvent, next: &mut Option<Timestamp>) -> Wake {
    let conversation = match &event.event {
        Event::MessageCreated { conversation: Some(conversation), .. } => conversation.as_ref(),
        Event::ConversationCreated { conversation } | Event::ConversationUpdated { conversation } => conversation,
        _ => return Wake::Nothing,
    };
    let input = super::conversations::dot_input_of(conversation);
    let Ok(team) = team::snapshot(state).await else { return Wake::Everything };
    let missed = is_missed(&input, &team.team, state.now(), state.settings.missed_after());
    if missed != conversation.missed_at.is_some() {
        return Wake::These(HashSet::from([conversation.id.0]));
    }
    if let Some(deadline) = missed_deadline(&input, state.settings.missed_after()).filter(|_| !missed) {
        *next = Some(next.map_or(deadline, |n| n.min(deadline)));
    }
    Wake::Nothing
}

/// Decides what `wake` calls for; returns the earliest deadline still ahead.
async fn run(state: &AppState, wake: Wake) -> ApiResult<Option<Timestamp>> {
    let now = state.now();
    let missed_after = state.settings.missed_after();
    let everything = matches!(wake, Wake::Everything);
    let mut candidates: HashSet<Uuid> = match wake {
        Wake::These(ids) => ids,
        _ => HashSet::new(),
    };
    let deadline = millis(now - missed_after);
    let due: Vec<Uuid> = conversations::Entity::find()
        .select_only()
        .column(conversations::Column::Id)
        .filter(conversations::Column::Status.eq(StoredStatus::Open))
        .filter(conversations::Column::MissedAt.is_null())
        .filter(conversations::Column::AwaitingReplySince.lte(deadline))
        .limit(BATCH)
        .into_tuple()
        .all(state.db.conn())
        .await?;
    let more_due = due.len() as u64 == BATCH;
    candidates.extend(due);
    if everything {
        let team = team::snapshot(state).await?;
        let waiting: Vec<ConversationRow> = select_rows()
            .filter(conversations::Column::Status.eq(StoredStatus::Open))
            .filter(conversations::Column::AwaitingReplySince.is_not_null())
            .into_model()
            .all(state.db.conn())
            .await?;
        for row in waiting {
            if is_missed(&row.dot_input(), &team.team, now, missed_after) != row.missed_at.is_some() {
                candidates.insert(row.id);
            }
        }
    }
    if !candidates.is_empty() {
        decide(state, candidates, now).await?;
    }
    if more_due {
        return Ok(Some(now));
    }
    next_deadline(state).await
}

/// Turns each candidate red (or back) if, as it is now, it should be.
async fn decide(state: &AppState, candidates: HashSet<Uuid>, now: Timestamp) -> ApiResult<()> {
    let team = team::snapshot(state).await?;
    let mut txn = state.db.write().await?;
    let mut changes = Vec::new();
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
            .filter(conversations::Column::Status.eq(StoredStatus::Open));
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
            if missed {
                record_episode(&*txn, &row, now).await?;
            }
            append_conversation(&mut txn, ConversationId(id), false, now).await?;
            changes.push(if missed { "announced" } else { "cleared" });
        }
    }
    txn.commit().await?;
    for change in changes {
        state.metrics.missed_change(change);
    }
    Ok(())
}

/// Keeps the turn to red in the history (reports read it).
async fn record_episode(db: &impl sea_orm::ConnectionTrait, row: &ConversationRow, now: Timestamp) -> ApiResult<()> {
    use sea_orm::ActiveModelTrait;
    missed_episodes::ActiveModel {
        id: sea_orm::Set(Uuid::now_v7()),
        conversation_id: sea_orm::Set(row.id),
        missed_at: sea_orm::Set(millis(now)),
        waiting_since: sea_orm::Set(row.awaiting_reply_since.unwrap_or(millis(now))),
        assignee_id: sea_orm::Set(row.assignee_id),
        group_id: sea_orm::Set(row.group_id),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The earliest deadline of a conversation that is waiting and not red yet
/// (one query on the `(status, missed_at, awaiting_reply_since)` index).
async fn next_deadline(state: &AppState) -> ApiResult<Option<Timestamp>> {
    let earliest: Option<Option<i64>> = conversations::Entity::find()
        .select_only()
        .column_as(conversations::Column::AwaitingReplySince.min(), "earliest")
        .filter(conversations::Column::Status.eq(StoredStatus::Open))
        .filter(conversations::Column::MissedAt.is_null())
        .filter(conversations::Column::AwaitingReplySince.is_not_null())
        .into_tuple()
        .one(state.db.conn())
        .await?;
    Ok(earliest.flatten().map(|since| from_millis(since) + state.settings.missed_after()))
}
