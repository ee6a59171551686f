//! SQLite's WAL as a checkpoint leaves it (see [`super::checkpoint`]).

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

/// Where the WAL stands after a checkpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WalState {
    /// Frames in the WAL since it last started over.
    pub frames: i64,
    /// How many of them are copied into the database.
    pub copied: i64,
}

impl WalState {
    /// Whether every frame is copied (the next write starts the WAL over).
    pub fn is_complete(&self) -> bool {
        self.copied >= self.frames
    }
}

/// One `PRAGMA wal_checkpoint(PASSIVE)` on `conn`.
pub(super) async fn copy(conn: &impl ConnectionTrait) -> Result<WalState, DbErr> {
    let sql = "PRAGMA wal_checkpoint(PASSIVE)";
    let row = conn.query_one_raw(Statement::from_string(DbBackend::Sqlite, sql)).await?;
    let row = row.ok_or_else(|| DbErr::Custom("wal_checkpoint answered nothing".into()))?;
    // (busy, frames in the WAL, frames copied)
    Ok(WalState { frames: row.try_get_by_index(1)?, copied: row.try_get_by_index(2)? })
}
