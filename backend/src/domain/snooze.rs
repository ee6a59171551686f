//! Snooze: an open conversation leaves the working lists until a time, and the
//! server wakes it then — no browser involved — marking it unread for its
//! assignee (or, with nobody assigned, for whoever snoozed it), so it comes back
//! with a purple dot. A visitor message wakes it early (the write path clears
//! the snooze with the message). Like the missed rule, the waker sleeps until
//! the earliest deadline and learns new ones from committed events; each wake
//! is a conditional `UPDATE`, so with several nodes one of them does it.

use super::conversation_actions::store_read_mark;
use super::conversations::{self as convs, find_row};
use super::messages::append_conversation;
use crate::auth::CurrentAgent;
use crate::bus::Signal;
use crate::clock::{from_millis, millis};
use crate::entities::conversations;
use crate::entities::stored::StoredStatus;
use crate::error::{ApiError, ApiResult};
use crate::events::StoredEvent;
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use shared::api::Conversation;
use shared::dot::MARKED_UNREAD;
use shared::events::Event;
use shared::{AgentId, ConversationId, Timestamp};
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

/// Most conversations woken in one write.
const BATCH: u64 = 500;

/// Snoozes an open conversation until `until` (in the future, within a year).
#[tracing::instrument(skip_all, fields(conversation_id = %id))]
pub async fn snooze(
    state: &AppState,
    me: &CurrentAgent,
    id: ConversationId,
    until: Timestamp,
) -> ApiResult<Conversation> {
    let now = state.now();
    if until <= now {
        return Err(ApiError::invalid("until must be in the future"));
    }
    if until > now + chrono::Duration::days(366) {
        return Err(ApiError::invalid("until must be within a year"));
    }
    let mut txn = state.db.write().await?;
    let row = find_row(&*txn, id).await?;
    if row.status != StoredStatus::Open {
        return Err(ApiError::invalid("only an open conversation can be snoozed"));
    }
    set(&*txn, id, Some(millis(until)), me.agent_id).await?;
    append_conversation(&mut txn, id, false, now).await?;
    txn.commit().await?;
    convs::get(state, me, id).await
}

/// Wakes a snoozed conversation now (nothing changes if it isn't snoozed).
#[tracing::instrument(skip_all, fields(conversation_id = %id))]
pub async fn unsnooze(state: &AppState, me: &CurrentAgent, id: ConversationId) -> ApiResult<Conversation> {
    let now = state.now();
    let mut txn = state.db.write().await?;
    let row = find_row(&*txn, id).await?;
    if row.snoozed_until.is_some() {
        set(&*txn, id, None, None).await?;
        append_conversation(&mut txn, id, false, now).await?;
        txn.commit().await?;
    }
    convs::get(state, me, id).await
}

async fn set(db: &impl ConnectionTrait, id: ConversationId, until: Option<i64>, by: Option<AgentId>) -> ApiResult<()> {
    conversations::Entity::update_many()
        .col_expr(conversations::Column::SnoozedUntil, Expr::value(until))
        .col_expr(conversations::Column::SnoozedBy, Expr::value(by.map(|a| a.0)))
        .filter(conversations::Column::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// Runs the waker until the server shuts down.
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        let mut events = state.bus.subscribe();
        let mut shutdown = state.shutdown.clone();
        loop {
            let next = match wake_due(&state).await {
                Ok(next) => next,
                Err(e) => {
                    tracing::warn!(error = %e, "waking snoozed conversations failed; retrying in a second");
                    Some(state.now() + chrono::Duration::seconds(1))
                }
            };
            let mut next = next;
            loop {
                tokio::select! {
                    _ = async {
                        match next {
                            Some(at) => state.clock.sleep_until(at).await,
                            None => std::future::pending().await,
                        }
                    } => break,
                    event = events.recv() => match event {
                        Ok(event) => {
                            if let Some(until) = snoozed_until(&event) {
                                next = Some(next.map_or(until, |n| n.min(until)));
                            }
                        }
                        Err(RecvError::Lagged(_)) => break,
                        Err(RecvError::Closed) => return,
                    },
                    _ = shutdown.changed() => return,
                }
            }
        }
    });
}

/// The deadline a committed event announces, if it snoozed a conversation.
fn snoozed_until(event: &StoredEvent) -> Option<Timestamp> {
    match &event.event {
        Event::ConversationUpdated { conversation } => conversation.snoozed_until,
        _ => None,
    }
}

/// Wakes every conversation whose snooze is over; returns the next deadline.
async fn wake_due(state: &AppState) -> ApiResult<Option<Timestamp>> {
    let now = state.now();
    loop {
        let due: Vec<(Uuid, Option<Uuid>, Option<Uuid>)> = conversations::Entity::find()
            .select_only()
            .columns([conversations::Column::Id, conversations::Column::AssigneeId, conversations::Column::SnoozedBy])
            .filter(conversations::Column::SnoozedUntil.lte(millis(now)))
            .limit(BATCH)
            .into_tuple()
            .all(state.db.conn())
            .await?;
        if due.is_empty() {
            break;
        }
        let woken = wake(state, &due, now).await?;
        for (agent, conversation) in woken {
            state.bus.signal(Signal::Read { agent, conversation, read_seq: MARKED_UNREAD });
        }
        if (due.len() as u64) < BATCH {
            break;
        }
    }
    let earliest: Option<Option<i64>> = conversations::Entity::find()
        .select_only()
        .column_as(conversations::Column::SnoozedUntil.min(), "earliest")
        .filter(conversations::Column::SnoozedUntil.is_not_null())
        .into_tuple()
        .one(state.db.conn())
        .await?;
    Ok(earliest.flatten().map(from_millis))
}

/// Wakes `due` in one write: each still snoozed and due is cleared, marked
/// unread for the agent it comes back to, and announced.
async fn wake(
    state: &AppState,
    due: &[(Uuid, Option<Uuid>, Option<Uuid>)],
    now: Timestamp,
) -> ApiResult<Vec<(AgentId, ConversationId)>> {
    let mut txn = state.db.write().await?;
    let mut woken = Vec::new();
    for &(id, assignee, snoozed_by) in due {
        let cleared = conversations::Entity::update_many()
            .col_expr(conversations::Column::SnoozedUntil, Expr::value(Option::<i64>::None))
            .col_expr(conversations::Column::SnoozedBy, Expr::value(Option::<Uuid>::None))
            .filter(conversations::Column::Id.eq(id))
            .filter(conversations::Column::SnoozedUntil.lte(millis(now)))
            .exec(&*txn)
            .await?;
        if cleared.rows_affected != 1 {
            continue;
        }
        if let Some(agent) = assignee.or(snoozed_by) {
            let (agent, conversation) = (AgentId(agent), ConversationId(id));
            store_read_mark(&*txn, agent, conversation, MARKED_UNREAD, millis(now)).await?;
            woken.push((agent, conversation));
        }
        append_conversation(&mut txn, ConversationId(id), false, now).await?;
    }
    txn.commit().await?;
    tracing::info!(woken = woken.len(), "snoozed conversations woke");
    Ok(woken)
}
