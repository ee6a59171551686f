//! A caller's turn in a batch: a savepoint of the writer's transaction. Its
//! events get sequence numbers from the batch; `commit` releases the savepoint
//! and waits until the whole batch is durable. Dropped without `commit`, it rolls
//! back alone and the batch goes on.

use crate::clock::millis;
use crate::error::{ApiError, ApiResult};
use crate::events::EventScope;
use crate::events::StoredEvent;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, DbErr};
use shared::Timestamp;
use shared::events::Event;
use std::ops::Deref;
use tokio::sync::oneshot;

/// What the writer lends a caller.
pub(super) struct Turn {
    pub txn: DatabaseTransaction,
    pub next_seq: i64,
    pub end: oneshot::Sender<TurnEnd>,
}

/// What the caller hands back when it released its savepoint.
pub(super) struct TurnEnd {
    pub events: Vec<StoredEvent>,
    pub next_seq: i64,
    pub durable: oneshot::Sender<ApiResult<()>>,
}

/// A write transaction that collects the events it appends.
pub struct WriteTxn {
    txn: Option<DatabaseTransaction>,
    next_seq: i64,
    pending: Vec<StoredEvent>,
    end: Option<oneshot::Sender<TurnEnd>>,
}

impl Deref for WriteTxn {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &Self::Target {
        // Only `commit` takes the transaction, and it consumes `self`.
        self.txn.as_ref().unwrap_or_else(|| unreachable!("transaction used after commit"))
    }
}

impl WriteTxn {
    pub(super) fn new(turn: Turn) -> Self {
        Self { txn: Some(turn.txn), next_seq: turn.next_seq, pending: Vec::new(), end: Some(turn.end) }
    }

    /// Appends `event` to the log; returns its sequence number (also stamped on
    /// the message the event carries, if any).
    pub async fn append(&mut self, event: Event, scope: EventScope, now: Timestamp) -> Result<i64, DbErr> {
        let stored = StoredEvent::new(self.next_seq, scope, event, now)?;
        debug_assert_eq!(millis(stored.created_at), millis(now));
        stored.row().insert(&**self).await?;
        self.next_seq += 1;
        let seq = stored.seq;
        self.pending.push(stored);
        Ok(seq)
    }

    /// Releases the savepoint and waits until the batch is durable; then the
    /// appended events are published. Returns their sequences.
    pub async fn commit(mut self) -> ApiResult<Vec<i64>> {
        let (Some(txn), Some(end)) = (self.txn.take(), self.end.take()) else {
            return Err(ApiError::internal(anyhow::anyhow!("transaction already finished")));
        };
        txn.commit().await.map_err(super::unavailable)?;
        let seqs = self.pending.iter().map(|e| e.seq).collect();
        let (durable, answer) = oneshot::channel();
        let turn = TurnEnd { events: std::mem::take(&mut self.pending), next_seq: self.next_seq, durable };
        end.send(turn).map_err(|_| ApiError::Unavailable)?;
        answer.await.map_err(|_| ApiError::Unavailable)??;
        Ok(seqs)
    }
}
