//! One batch of the writer: a transaction holding the write lock, the next
//! sequence number, the events appended so far and who to answer after commit.

use super::txn::{Turn, TurnEnd};
use crate::clock::from_millis;
use crate::entities::{contacts, events};
use crate::error::ApiError;
use crate::events::EventScope;
use crate::events::StoredEvent;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, EntityTrait, QueryFilter,
    QuerySelect, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};
use shared::ContactId;
use shared::events::Event;
use tokio::sync::oneshot;

/// Key of the advisory lock that orders event-log appends on PostgreSQL.
const EVENT_LOG_LOCK: i64 = 0x6e61_7474_6572;

/// Someone to answer once the batch's fate is known.
pub(super) type Answer = Box<dyn FnOnce(Result<(), &ApiError>) + Send>;

/// An open batch.
pub(super) struct Batch {
    pub txn: DatabaseTransaction,
    pub next_seq: i64,
    pub events: Vec<StoredEvent>,
    answers: Vec<Answer>,
}

impl Batch {
    /// Opens the transaction and takes the write lock: SQLite's `BEGIN IMMEDIATE`;
    /// on PostgreSQL a transaction-scoped advisory lock, so that the batches of
    /// several nodes append one after the other.
    pub async fn begin(conn: &DatabaseConnection) -> Result<Self, DbErr> {
        let backend = conn.get_database_backend();
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        let txn = conn.begin_with_options(options).await?;
        if backend == DbBackend::Postgres {
            txn.execute_raw(Statement::from_sql_and_values(
                backend,
                "SELECT pg_advisory_xact_lock($1)",
                [EVENT_LOG_LOCK.into()],
            ))
            .await?;
        }
        let latest: Option<Option<i64>> = events::Entity::find()
            .select_only()
            .column_as(events::Column::Seq.max(), "latest")
            .into_tuple()
            .one(&txn)
            .await?;
        Ok(Self { txn, next_seq: latest.flatten().unwrap_or(0) + 1, events: Vec::new(), answers: Vec::new() })
    }

    /// Takes the next sequence number.
    pub fn next(&mut self) -> i64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    /// An event with the next sequence number, kept for publishing after commit.
    pub fn event(&mut self, event: Event, scope: EventScope, now: i64) -> Result<events::ActiveModel, DbErr> {
        let stored = StoredEvent::new(self.next(), scope, event, from_millis(now))?;
        let row = stored.row();
        self.events.push(stored);
        Ok(row)
    }

    /// Answers `answer` after commit (or with the failure).
    pub fn on_commit(&mut self, answer: Answer) {
        self.answers.push(answer);
    }

    /// Lends a savepoint of the transaction to a caller and waits until it is
    /// released (its events join the batch) or dropped (rolled back).
    pub async fn take_turn(&mut self, give: oneshot::Sender<Turn>) {
        let savepoint = match self.txn.begin().await {
            Ok(savepoint) => savepoint,
            Err(e) => {
                // Dropping `give` tells the caller the turn failed.
                tracing::warn!(error = %e, "could not open a savepoint");
                return;
            }
        };
        let (end, ended) = oneshot::channel();
        if give.send(Turn { txn: savepoint, next_seq: self.next_seq, end }).is_err() {
            return; // the caller gave up; the savepoint rolls back as it drops
        }
        if let Ok(TurnEnd { events, next_seq, durable }) = ended.await {
            self.next_seq = next_seq;
            self.events.extend(events);
            self.answers.push(Box::new(move |result| {
                let _ = durable.send(result.map_err(clone_error));
            }));
        }
    }

    /// Commits; answers everyone; returns the events to publish (empty on failure).
    pub async fn commit(self) -> Result<Vec<StoredEvent>, ()> {
        let result = self.txn.commit().await.map_err(super::unavailable);
        let outcome = result.as_ref().map(|_| ());
        for answer in self.answers {
            answer(outcome);
        }
        match result {
            Ok(()) => Ok(self.events),
            Err(_) => Err(()),
        }
    }
}

/// Saves where visitors are and when they were last seen, one statement each, in
/// a savepoint of their own (a failed statement must not poison the batch).
pub(super) async fn record_visitors_seen(batch: &mut Batch, seen: Vec<(ContactId, Option<String>, i64)>) {
    if seen.is_empty() {
        return;
    }
    let result = async {
        let savepoint = batch.txn.begin().await?;
        for (contact, page, at) in seen {
            let mut update = contacts::Entity::update_many()
                .col_expr(contacts::Column::LastSeenAt, Expr::value(at))
                .filter(contacts::Column::Id.eq(contact.0));
            if let Some(page) = page {
                update = update.col_expr(contacts::Column::CurrentPage, Expr::value(page));
            }
            update.exec(&savepoint).await?;
        }
        savepoint.commit().await
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not save visitors' pages");
    }
}

/// The retryable errors a batch fails with are plain values, given to each waiter.
pub(super) fn clone_error(err: &ApiError) -> ApiError {
    match err {
        ApiError::Unavailable => ApiError::Unavailable,
        other => ApiError::Internal(anyhow::anyhow!("{other}")),
    }
}
