//! Group commit for SQLite: writers take turns running their transaction as a
//! savepoint of one shared transaction; a committer task commits that shared
//! transaction — one fsync — for everyone who finished while the previous commit
//! was on disk, then answers each of them. A writer's `commit` returns only once
//! its batch is durable.

use crate::events::{EventBus, StoredEvent};
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::sync::{Arc, Mutex as StdMutex};
use tokio::sync::{Mutex, Notify, OwnedMutexGuard, oneshot};

/// A writer waiting for its batch to be committed.
struct Waiter {
    events: Vec<StoredEvent>,
    done: oneshot::Sender<Result<(), String>>,
}

/// The shared transaction and the writers waiting on it.
pub struct Group {
    conn: DatabaseConnection,
    outer: Arc<Mutex<Option<DatabaseTransaction>>>,
    waiting: StdMutex<Vec<Waiter>>,
    wake: Notify,
    bus: EventBus,
}

/// A writer's turn: it holds the shared transaction until it commits or drops.
pub struct GroupSlot {
    group: Arc<Group>,
    turn: Option<OwnedMutexGuard<Option<DatabaseTransaction>>>,
}

impl Group {
    /// Starts the committer task.
    pub fn spawn(conn: DatabaseConnection, bus: EventBus) -> Arc<Self> {
        let group =
            Arc::new(Self { conn, outer: Arc::default(), waiting: StdMutex::default(), wake: Notify::new(), bus });
        let committer = group.clone();
        tokio::spawn(async move { committer.run().await });
        group
    }

    /// Waits for this writer's turn and opens its savepoint.
    pub async fn enter(self: &Arc<Self>) -> Result<(DatabaseTransaction, GroupSlot), DbErr> {
        let mut turn = self.outer.clone().lock_owned().await;
        if turn.is_none() {
            // IMMEDIATE takes SQLite's write lock at BEGIN, so the transaction never
            // has to upgrade from reading to writing.
            let options = TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            };
            *turn = Some(self.conn.begin_with_options(options).await?);
        }
        let savepoint = match turn.as_ref() {
            Some(outer) => outer.begin().await?,
            None => return Err(DbErr::Custom("no shared transaction".into())),
        };
        Ok((savepoint, GroupSlot { group: self.clone(), turn: Some(turn) }))
    }

    fn waiting(&self) -> std::sync::MutexGuard<'_, Vec<Waiter>> {
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn run(self: Arc<Self>) {
        loop {
            self.wake.notified().await;
            // Writers already queued for a turn go first: their work joins this batch.
            let mut turn = self.outer.clone().lock_owned().await;
            let batch = std::mem::take(&mut *self.waiting());
            let result = match turn.take() {
                Some(outer) => outer.commit().await.map_err(|e| e.to_string()),
                None => Ok(()),
            };
            drop(turn);
            for waiter in batch {
                match &result {
                    Ok(()) => self.bus.committed(waiter.events),
                    Err(_) => self.bus.abandoned(&waiter.events.iter().map(|e| e.seq).collect::<Vec<_>>()),
                }
                let _ = waiter.done.send(result.clone());
            }
        }
    }
}

impl GroupSlot {
    /// Hands the finished savepoint to the committer and waits until it is durable.
    pub async fn commit(mut self, events: Vec<StoredEvent>) -> Result<(), DbErr> {
        let (done, durable) = oneshot::channel();
        self.group.waiting().push(Waiter { events, done });
        self.turn.take();
        self.group.wake.notify_one();
        match durable.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(DbErr::Custom(format!("group commit failed: {e}"))),
            Err(_) => Err(DbErr::Custom("group commit was interrupted".into())),
        }
    }
}

impl Drop for GroupSlot {
    fn drop(&mut self) {
        if self.turn.take().is_some() {
            // Rolled back: make sure the shared transaction is still finished soon.
            self.group.wake.notify_one();
        }
    }
}
