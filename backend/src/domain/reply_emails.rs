//! Emailing agents' replies to visitors who left. Driven by the event log like
//! the webhooks: a reply to a contact with an email schedules its conversation's
//! thread (`email_threads.due_at`, a short delay so that several replies go in
//! one email); when it is due and the visitor is still not connected, the recent
//! thread goes out with a Reply-To that brings the answer back. One node reads
//! the log at a time (a lease on `mail_cursor`).

use super::messages::visible_to_visitor;
use crate::clock::{from_millis, millis};
use crate::db::log;
use crate::entities::{contacts, email_threads, events, mail_cursor, widget_settings};
use crate::error::ApiResult;
use crate::events::StoredEvent;
use crate::mail::templates;
use crate::state::AppState;
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use shared::Timestamp;
use shared::api::MessageKind;
use shared::events::Event;
use uuid::Uuid;

const LEASE: chrono::Duration = chrono::Duration::seconds(60);
/// How long a failed send waits before it is tried again.
const RETRY: chrono::Duration = chrono::Duration::minutes(5);

/// Starts the node's reply mailer (when email is on).
pub fn spawn(state: AppState) {
    if state.mailer.is_none() {
        return;
    }
    tokio::spawn(async move {
        let owner = Uuid::new_v4().to_string();
        let mut bus = state.bus.subscribe();
        let mut stopping = state.shutdown.clone();
        loop {
            let next = match step(&state, &owner).await {
                Ok(next) => next,
                Err(e) => {
                    tracing::warn!(error = %e, "reply mailer");
                    state.now() + chrono::Duration::seconds(5)
                }
            };
            let renew = state.now() + LEASE / 2;
            tokio::select! {
                () = crate::bus::burst(&mut bus, |event| emailed_reply(event).is_some()) => {}
                () = state.clock.sleep_until(next.min(renew)) => {}
                _ = stopping.changed() => {}
            }
            if *stopping.borrow() || stopping.has_changed().is_err() {
                return;
            }
        }
    });
}

async fn step(state: &AppState, owner: &str) -> ApiResult<Timestamp> {
    let now = state.now();
    let Some(mut cursor) = lease(state, owner, now).await? else { return Ok(now + LEASE) };
    while let Some(moved) = schedule(state, owner, cursor).await? {
        cursor = moved;
    }
    send_due(state, now).await?;
    let next: Option<Option<i64>> = email_threads::Entity::find()
        .select_only()
        .column_as(email_threads::Column::DueAt.min(), "next")
        .into_tuple()
        .one(state.db.conn())
        .await?;
    Ok(next.flatten().map_or(now + LEASE, from_millis))
}

/// Takes or renews the lease; returns the cursor when this node holds it.
async fn lease(state: &AppState, owner: &str, now: Timestamp) -> ApiResult<Option<i64>> {
    let latest = log::latest_seq(state.db.conn()).await?;
    let first =
        mail_cursor::ActiveModel { id: Set(1), cursor_seq: Set(latest), lease_owner: Set(None), lease_until: Set(0) };
    mail_cursor::Entity::insert(first)
        .on_conflict_do_nothing_on([mail_cursor::Column::Id])
        .exec(&state.db.autocommit())
        .await?;
    let free = Condition::any()
        .add(mail_cursor::Column::LeaseOwner.is_null())
        .add(mail_cursor::Column::LeaseOwner.eq(owner))
        .add(mail_cursor::Column::LeaseUntil.lt(millis(now)));
    let taken = mail_cursor::Entity::update_many()
        .col_expr(mail_cursor::Column::LeaseOwner, Expr::value(owner))
        .col_expr(mail_cursor::Column::LeaseUntil, Expr::value(millis(now + LEASE)))
        .filter(mail_cursor::Column::Id.eq(1))
        .filter(free)
        .exec(&state.db.autocommit())
        .await?;
    if taken.rows_affected != 1 {
        return Ok(None);
    }
    Ok(mail_cursor::Entity::find_by_id(1).one(state.db.conn()).await?.map(|c| c.cursor_seq))
}

/// The conversation of an agent's reply to a contact with an email, and the reply's sequence.
fn emailed_reply(event: &StoredEvent) -> Option<(&shared::api::Conversation, i64)> {
    let Event::MessageCreated { message, conversation: Some(conversation) } = &event.event else { return None };
    (message.kind == MessageKind::Reply && conversation.contact_email.is_some()).then_some((conversation, message.seq))
}

/// Reads a page of the log after the cursor: each reply to a contact with an
/// email makes its conversation's thread due (unless it already is), and the
/// cursor moves, in one transaction. Returns the new cursor when the page was
/// full (more may follow).
async fn schedule(state: &AppState, owner: &str, cursor: i64) -> ApiResult<Option<i64>> {
    const PAGE: usize = 500;
    let rows = events::Entity::find()
        .filter(events::Column::Seq.gt(cursor))
        .order_by_asc(events::Column::Seq)
        .limit(PAGE as u64)
        .all(state.db.conn())
        .await?;
    let Some(last) = rows.last().map(|r| r.seq) else { return Ok(None) };
    let full = rows.len() == PAGE;
    let delay = chrono::Duration::seconds(i64::try_from(state.settings.email_delay_secs).unwrap_or(120));
    let replies: Vec<StoredEvent> =
        rows.into_iter().filter_map(StoredEvent::from_row).filter(|e| emailed_reply(e).is_some()).collect();
    let txn = state.db.write().await?;
    for event in &replies {
        let Some((conversation, seq)) = emailed_reply(event) else { continue };
        let thread = email_threads::ActiveModel {
            conversation_id: Set(conversation.id.0),
            contact_id: Set(conversation.contact_id.0),
            token: Set(Uuid::new_v4().simple().to_string()),
            due_at: Set(Some(millis(event.created_at + delay))),
            last_emailed_seq: Set(seq - 1),
            created_at: Set(millis(event.created_at)),
        };
        email_threads::Entity::insert(thread)
            .on_conflict_do_nothing_on([email_threads::Column::ConversationId])
            .exec(&*txn)
            .await?;
        email_threads::Entity::update_many()
            .col_expr(email_threads::Column::DueAt, Expr::value(millis(event.created_at + delay)))
            .filter(email_threads::Column::ConversationId.eq(conversation.id.0))
            .filter(email_threads::Column::DueAt.is_null())
            .exec(&*txn)
            .await?;
    }
    let moved = mail_cursor::Entity::update_many()
        .col_expr(mail_cursor::Column::CursorSeq, Expr::value(last))
        .filter(mail_cursor::Column::Id.eq(1))
        .filter(mail_cursor::Column::CursorSeq.eq(cursor))
        .filter(mail_cursor::Column::LeaseOwner.eq(owner))
        .exec(&*txn)
        .await?;
    if moved.rows_affected != 1 {
        return Ok(None);
    }
    txn.commit().await?;
    Ok(full.then_some(last))
}

async fn send_due(state: &AppState, now: Timestamp) -> ApiResult<()> {
    let due = email_threads::Entity::find()
        .filter(email_threads::Column::DueAt.lte(millis(now)))
        .order_by_asc(email_threads::Column::DueAt)
        .limit(20)
        .all(state.db.conn())
        .await?;
    if due.is_empty() {
        return Ok(());
    }
    let online: std::collections::HashSet<Uuid> =
        state.bus.presence().visitors_online().await.into_iter().map(|(c, _)| c.0).collect();
    for thread in due {
        let outcome = if online.contains(&thread.contact_id) { Ok(None) } else { email_thread(state, &thread).await };
        let mut model: email_threads::ActiveModel = thread.clone().into();
        match outcome {
            Ok(emailed) => {
                model.due_at = Set(None);
                if let Some(seq) = emailed {
                    model.last_emailed_seq = Set(seq);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, conversation_id = %thread.conversation_id, "reply email not sent; trying again later");
                model.due_at = Set(Some(millis(now + RETRY)));
            }
        }
        model.update(&state.db.autocommit()).await?;
    }
    Ok(())
}

/// Emails the recent thread if it holds replies the visitor was not emailed;
/// returns the last sequence emailed.
async fn email_thread(state: &AppState, thread: &email_threads::Model) -> anyhow::Result<Option<i64>> {
    let Some(mailer) = &state.mailer else { return Ok(None) };
    let Some(contact) = contacts::Entity::find_by_id(thread.contact_id).one(state.db.conn()).await? else {
        return Ok(None);
    };
    let (Some(email), None) = (contact.email.clone(), contact.banned_at) else { return Ok(None) };
    let messages = visible_to_visitor(state, thread.conversation_id, 10).await?;
    let seqs = crate::entities::messages::Entity::find()
        .select_only()
        .column_as(crate::entities::messages::Column::Seq.max(), "latest")
        .filter(crate::entities::messages::Column::ConversationId.eq(thread.conversation_id))
        .filter(crate::entities::messages::Column::Kind.eq("reply"))
        .into_tuple::<Option<i64>>()
        .one(state.db.conn())
        .await?
        .flatten();
    let Some(latest_reply) = seqs.filter(|s| *s > thread.last_emailed_seq) else { return Ok(None) };
    let team = widget_settings::Entity::find()
        .one(state.db.conn())
        .await?
        .map(|w| w.team_name)
        .unwrap_or_else(|| mailer.sender_name());
    let reply_to = state.settings.inbound_domain.as_ref().map(|domain| format!("reply+{}@{domain}", thread.token));
    mailer.send(templates::replies(&team, &email, contact.name.clone(), &messages, reply_to)).await?;
    Ok(Some(latest_reply))
}
