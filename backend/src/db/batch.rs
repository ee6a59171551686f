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
pub(super) type Answer = Box<dyn FnOnce(Result<(), &ApiError>) + Send + Sync>;

/// An open batch.
pub(super) struct Batch {
    conn: DatabaseConnection,
    /// Always there but while [`Batch::restart`] swaps it.
    txn: Option<DatabaseTransaction>,
    pub log: Appended,
    answers: Vec<Answer>,
}

/// What the batch appends to the event log, in order.
pub(super) struct Appended {
    pub next_seq: i64,
    pub events: Vec<StoredEvent>,
}

impl Appended {
    /// An event with the next sequence number, kept for publishing after commit.
    pub fn event(&mut self, event: Event, scope: EventScope, now: i64) -> Result<events::ActiveModel, DbErr> {
        let stored = StoredEvent::new(self.next_seq, scope, event, from_millis(now))?;
        self.next_seq += 1;
        let row = stored.row();
        self.events.push(stored);
        Ok(row)
    }

    /// Where the log stands, to go back to it.
    pub fn mark(&self) -> (i64, usize) {
        (self.next_seq, self.events.len())
    }

    /// Forgets what was appended since `mark`.
    pub fn rewind(&mut self, (next_seq, events): (i64, usize)) {
        self.next_seq = next_seq;
        self.events.truncate(events);
    }
}

impl Batch {
    /// Opens the transaction and takes the write lock: SQLite's `BEGIN IMMEDIATE`;
    /// on PostgreSQL a transaction-scoped advisory lock, so that the batches of
    /// several nodes append one after the other.
    pub async fn begin(conn: &DatabaseConnection) -> Result<Self, DbErr> {
        let (txn, next_seq) = open(conn).await?;
        let log = Appended { next_seq, events: Vec::new() };
        Ok(Self { conn: conn.clone(), txn: Some(txn), log, answers: Vec::new() })
    }

    /// Whether nothing was written in the batch yet.
    pub fn is_fresh(&self) -> bool {
        self.log.events.is_empty() && self.answers.is_empty()
    }

    /// Rolls the whole transaction back and opens it again (only while nothing
    /// else was written in it: a failed first statement).
    pub async fn restart(&mut self) -> Result<(), DbErr> {
        if let Some(failed) = self.txn.take() {
            failed.rollback().await?;
        }
        let (txn, next_seq) = open(&self.conn).await?;
        self.txn = Some(txn);
        self.log = Appended { next_seq, events: Vec::new() };
        Ok(())
    }

    /// The batch's transaction.
    pub fn txn(&self) -> Result<&DatabaseTransaction, DbErr> {
        self.txn.as_ref().ok_or_else(gone)
    }

    /// The transaction and the log, to write both at once.
    pub fn parts(&mut self) -> Result<(&DatabaseTransaction, &mut Appended), DbErr> {
        Ok((self.txn.as_ref().ok_or_else(gone)?, &mut self.log))
    }
}

fn gone() -> DbErr {
    DbErr::Custom("the batch's transaction is gone".into())
}

/// Begins a batch's transaction under the write lock; returns it and the next sequence.
async fn open(conn: &DatabaseConnection) -> Result<(DatabaseTransaction, i64), DbErr> {
    {
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
        Ok((txn, latest.flatten().unwrap_or(0) + 1))
    }
}

impl Batch {
    /// Answers `answer` after commit (or with the failure).
    pub fn on_commit(&mut self, answer: Answer) {
        self.answers.push(answer);
    }

    /// Lends a savepoint of the transaction to a caller and waits until it is
    /// released (its events join the batch) or dropped (rolled back).
    pub async fn take_turn(&mut self, give: oneshot::Sender<Turn>) {
        let savepoint = match self.txn.as_ref().map(|t| t.begin()) {
            Some(begin) => begin.await,
            None => Err(DbErr::Custom("the batch's transaction is gone".into())),
        };
        let savepoint = match savepoint {
            Ok(savepoint) => savepoint,
            Err(e) => {
                // Dropping `give` tells the caller the turn failed.
                tracing::warn!(error = %e, "could not open a savepoint");
                return;
            }
        };
        let (end, ended) = oneshot::channel();
        if give.send(Turn { txn: savepoint, next_seq: self.log.next_seq, end }).is_err() {
            return; // the caller gave up; the savepoint rolls back as it drops
        }
        if let Ok(TurnEnd { events, next_seq, durable }) = ended.await {
            self.log.next_seq = next_seq;
            self.log.events.extend(events);
            self.answers.push(Box::new(move |result| {
                let _ = durable.send(result.map_err(clone_error));
            }));
        }
    }

    /// Commits; answers everyone; returns the events to publish (empty on failure).
    pub async fn commit(self) -> Result<Vec<StoredEvent>, ()> {
        let result = match self.txn {
            Some(txn) => txn.commit().await.map_err(super::unavailable),
            None => Err(super::unavailable("the batch's transaction is gone")),
        };
        let outcome = result.as_ref().map(|_| ());
        for answer in self.answers {
            answer(outcome);
        }
        match result {
            Ok(()) => Ok(self.log.events),
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
        let savepoint = batch.txn()?.begin().await?;
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
