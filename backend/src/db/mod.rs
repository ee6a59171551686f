//! The database connection and the write path: every change is one transaction
//! that also appends to the event log, and the events are published after commit.
//!
//! Sequence numbers must reach readers in order: a reader resuming "after 7" must
//! never miss a 6 that commits later. On SQLite every write runs, one at a time,
//! as a savepoint inside a shared transaction that [`group`] commits for a whole
//! batch with one fsync (group commit), so writers never meet `SQLITE_BUSY` and a
//! durable commit does not cost an fsync per message. On PostgreSQL each write is
//! its own transaction, which first takes a transaction-scoped advisory lock, so
//! sequence values are taken and committed in the same order across every node
//! (and writers lock the log and rows in one order, so they can't deadlock).
//!
//! Writes outside this path (read markers, profile changes) are single
//! autocommit statements, which SQLite's busy timeout serialises safely.

mod group;

use crate::clock::millis;
use crate::entities::events;
use crate::events::{EventBus, StoredEvent};
use crate::metrics::{Metrics, QueuedWrite};
use group::{Group, GroupSlot};
use sea_orm::{
    ActiveModelTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, Set, Statement, TransactionTrait,
};
use shared::events::Event;
use shared::{ContactId, ConversationId, Timestamp};
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

/// Key of the advisory lock that orders event-log appends on PostgreSQL.
const EVENT_LOG_LOCK: i64 = 0x6e61_7474_6572;

/// The database and the bus its committed events go to.
#[derive(Clone)]
pub struct Db {
    conn: DatabaseConnection,
    group: Option<Arc<Group>>,
    bus: EventBus,
    metrics: Metrics,
}

impl Db {
    /// Connects (creating the SQLite file if needed) without running migrations.
    pub async fn connect(url: &str, bus: EventBus, metrics: Metrics) -> anyhow::Result<Self> {
        let mut options = ConnectOptions::new(url.to_owned());
        options.sqlx_logging(false).acquire_timeout(Duration::from_secs(10));
        let sqlite = url.starts_with("sqlite:");
        if sqlite {
            // WAL lets readers run beside the writer; FULL makes an acknowledged
            // write survive power loss.
            options.max_connections(4).map_sqlx_sqlite_opts(|o| {
                o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Full)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
                    .create_if_missing(true)
            });
        } else {
            options.max_connections(20);
        }
        let conn = Database::connect(options).await?;
        let group = sqlite.then(|| Group::spawn(conn.clone(), bus.clone(), metrics.clone()));
        Ok(Self { conn, group, bus, metrics })
    }

    /// The connection, for reads.
    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// The bus committed events are published on.
    pub fn bus(&self) -> &EventBus {
        &self.bus
    }

    /// Starts a write transaction.
    pub async fn write(&self) -> Result<WriteTxn, DbErr> {
        let queued = self.metrics.write_queued();
        let (txn, slot) = match &self.group {
            Some(group) => {
                let (txn, slot) = group.enter().await?;
                (txn, Some(slot))
            }
            None => {
                let txn = self.conn.begin().await?;
                // Taken first so that every writer locks in the same order (the
                // event log, then rows): no deadlock between, say, a reply and a close.
                txn.execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT pg_advisory_xact_lock($1)",
                    [EVENT_LOG_LOCK.into()],
                ))
                .await?;
                (txn, None)
            }
        };
        Ok(WriteTxn {
            txn: Some(txn),
            slot,
            pending: Vec::new(),
            bus: self.bus.clone(),
            metrics: self.metrics.clone(),
            _queued: queued,
        })
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        self.conn.ping().await.is_ok()
    }
}

/// A write transaction that collects the events it appends.
pub struct WriteTxn {
    // Field order matters: the transaction (a savepoint on SQLite) rolls back
    // before the slot lets the next writer in.
    txn: Option<DatabaseTransaction>,
    slot: Option<GroupSlot>,
    pending: Vec<StoredEvent>,
    bus: EventBus,
    metrics: Metrics,
    _queued: QueuedWrite,
}

impl Deref for WriteTxn {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &Self::Target {
        // Only `commit` takes the transaction, and it consumes `self`.
        self.txn.as_ref().unwrap_or_else(|| unreachable!("transaction used after commit"))
    }
}

/// What an appended event concerns, for routing it to the right readers.
#[derive(Clone, Copy, Debug, Default)]
pub struct EventScope {
    /// The conversation, if any.
    pub conversation: Option<ConversationId>,
    /// The contact whose visitor may see it, if any.
    pub contact: Option<ContactId>,
    /// Whether only agents may ever see it.
    pub agents_only: bool,
}

impl WriteTxn {
    /// Appends `event` to the log; returns its sequence number. A message inside
    /// the event is stored with `seq: 0` and given its sequence when read back.
    pub async fn append(&mut self, event: Event, scope: EventScope, now: Timestamp) -> Result<i64, DbErr> {
        let payload = serde_json::to_string(&event).map_err(|e| DbErr::Custom(e.to_string()))?;
        let row = events::ActiveModel {
            kind: Set(event.name().to_owned()),
            conversation_id: Set(scope.conversation.map(|c| c.0)),
            contact_id: Set(scope.contact.map(|c| c.0)),
            agents_only: Set(scope.agents_only),
            payload: Set(payload),
            created_at: Set(millis(now)),
            ..Default::default()
        }
        .insert(&**self)
        .await?;
        self.bus.reserve(row.seq);
        let mut event = event;
        event.set_seq(row.seq);
        self.pending.push(StoredEvent { seq: row.seq, scope, event, created_at: now });
        Ok(row.seq)
    }

    /// Commits durably, then publishes the appended events (in sequence order
    /// across every transaction of this process). Returns their sequences.
    pub async fn commit(mut self) -> Result<Vec<i64>, DbErr> {
        let seqs: Vec<i64> = self.pending.iter().map(|e| e.seq).collect();
        let Some(txn) = self.txn.take() else {
            return Err(DbErr::Custom("transaction already finished".into()));
        };
        // `pending` stays in `self` until the outcome is known: if this future is
        // dropped half-way, `Drop` releases the sequences instead of leaving them
        // in flight for ever (which would hold back every later event).
        let started = std::time::Instant::now();
        txn.commit().await?;
        let pending = std::mem::take(&mut self.pending);
        match self.slot.take() {
            // The savepoint is released; the group's commit makes it durable.
            Some(slot) => slot.commit(pending).await.map(|()| seqs),
            None => {
                self.metrics.commit(1, started.elapsed());
                self.bus.committed(pending);
                Ok(seqs)
            }
        }
    }
}

impl Drop for WriteTxn {
    fn drop(&mut self) {
        // Not committed: the transaction rolls back and its sequences are gone.
        if !self.pending.is_empty() {
            let seqs: Vec<i64> = self.pending.iter().map(|e| e.seq).collect();
            self.bus.abandoned(&seqs);
        }
    }
}
