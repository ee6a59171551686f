//! The database: a pool for reads and one writer task for every write.
//!
//! Every change goes through the [`writer`](writer): it runs many writers' work
//! in one transaction (a batch), commits it durably once, then answers them and
//! hands the batch's events to the bus in sequence order. Sequence numbers
//! are assigned by the writer under the batch's write lock (SQLite's `BEGIN
//! IMMEDIATE`, PostgreSQL's advisory lock), so readers never see 7 before 6 —
//! across every node that shares the database.
//!
//! Two kinds of work share a batch: messages ([`posts`]), written together with
//! multi-row statements, and any other change, which takes a *turn*: the caller
//! gets a savepoint of the batch's transaction ([`WriteTxn`]), does its reads
//! and writes, and commits (or drops it to roll back) — only its own work is
//! undone when it fails.

mod autocommit;
mod batch;
mod checkpoint;
pub mod log;
pub mod posts;
pub mod rows;
mod txn;
mod wal;
mod writer;

use crate::error::{ApiError, ApiResult};
pub use crate::events::EventScope;
use crate::events::EventSink;
use crate::metrics::Metrics;
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend};
use shared::ContactId;
use std::sync::Arc;
use std::time::Duration;
pub use txn::WriteTxn;
pub use wal::WalState;
pub use writer::WriterConfig;

/// The database and its writer.
#[derive(Clone)]
pub struct Db {
    read: DatabaseConnection,
    write: DatabaseConnection,
    writer: writer::Handle,
    /// SQLite's checkpointer's connection.
    copier: Option<DatabaseConnection>,
}

impl Db {
    /// Connects (creating the SQLite file if needed) and starts the writer,
    /// without running migrations.
    pub async fn connect(
        url: &str,
        sink: Arc<dyn EventSink>,
        config: WriterConfig,
        metrics: Metrics,
    ) -> anyhow::Result<Self> {
        let sqlite = url.starts_with("sqlite:");
        let write = Database::connect(options(url, sqlite, 1)).await?;
        // SQLite readers run beside the one writer (WAL); they can't write, so no
        // write can slip past the writer and meet `SQLITE_BUSY` under load.
        let read = if sqlite { Database::connect(options(url, sqlite, 4)).await? } else { write.clone() };
        let writer = writer::Handle::spawn(write.clone(), sink, config, metrics);
        let copier = if sqlite { Some(Database::connect(options(url, sqlite, 1)).await?) } else { None };
        if let Some(copier) = &copier {
            checkpoint::spawn(copier.clone(), writer.clone());
        }
        Ok(Self { read, write, writer, copier })
    }

    /// The connection, for reads.
    pub fn conn(&self) -> &DatabaseConnection {
        &self.read
    }

    /// The writer's own connection, for migrations before anything else runs.
    pub fn migration_conn(&self) -> &DatabaseConnection {
        &self.write
    }

    /// Which database this is.
    pub fn backend(&self) -> DbBackend {
        self.read.get_database_backend()
    }

    /// Takes a turn in the writer's next batch: a transaction of one's own
    /// (a savepoint) that commits durably with the batch.
    pub async fn write(&self) -> ApiResult<WriteTxn> {
        self.writer.turn().await
    }

    /// A connection for single writes that append no event: each statement
    /// commits through the writer.
    pub fn autocommit(&self) -> autocommit::Autocommit<'_> {
        autocommit::Autocommit { db: self }
    }

    /// Stores a message through the writer's batched path.
    pub async fn post(&self, post: posts::NewPost) -> ApiResult<posts::Posted> {
        self.writer.post(post).await
    }

    /// Records that a visitor is on `page` now (batched; no event).
    pub fn visitor_seen(&self, contact: ContactId, page: Option<String>, at: i64) {
        self.writer.visitor_seen(contact, page, at);
    }

    /// A pass of SQLite's checkpointer (see [`checkpoint`]) now, finished by the
    /// writer however short the WAL; `None` on PostgreSQL.
    pub async fn checkpoint(&self) -> Result<Option<WalState>, sea_orm::DbErr> {
        match &self.copier {
            Some(copier) => checkpoint::pass(copier, &self.writer, 0).await.map(Some),
            None => Ok(None),
        }
    }

    /// Jobs waiting for the writer.
    pub fn queue_depth(&self) -> usize {
        self.writer.depth()
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        self.read.ping().await.is_ok()
    }
}

/// Key of the advisory lock that one node holds while it migrates (PostgreSQL).
const MIGRATION_LOCK: i64 = 0x6e61_7474_6d69;

/// Runs every pending migration. With several nodes on PostgreSQL, one runs them
/// (in one transaction, holding a lock) while the others wait for the lock and
/// then find nothing left to do.
pub async fn migrate(db: &Db) -> anyhow::Result<()> {
    use migrations::{Migrator, MigratorTrait};
    use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
    let conn = db.migration_conn();
    if conn.get_database_backend() == DbBackend::Postgres {
        let txn = conn.begin().await?;
        let lock = "SELECT pg_advisory_xact_lock($1)";
        txn.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, lock, [MIGRATION_LOCK.into()])).await?;
        Migrator::up(&txn, None).await?;
        txn.commit().await?;
    } else {
        Migrator::up(conn, None).await?;
    }
    Ok(())
}

fn options(url: &str, sqlite: bool, connections: u32) -> ConnectOptions {
    let mut options = ConnectOptions::new(url.to_owned());
    options.sqlx_logging(false).acquire_timeout(Duration::from_secs(10));
    if sqlite {
        let read_only = connections > 1;
        // WAL lets readers run beside the writer; FULL makes an acknowledged
        // write survive power loss.
        options.max_connections(connections).min_connections(connections).map_sqlx_sqlite_opts(move |o| {
            // Checkpoints run beside the writer (see `checkpoint`), not inside its commits.
            // The writer's page cache is small (8 MiB) on purpose: a commit whose
            // b-tree splits renumbered pages (SQLite parks one at the lock-byte page,
            // page 262,145) walks every page in the cache. With 64 MiB that walk
            // was 4.5 % of a loaded core; the OS cache serves the rest. Readers 16 MiB each.
            // Statement journals (for multi-row statements) stay in memory.
            o.pragma("temp_store", "memory")
                .pragma("cache_size", if read_only { "-16384" } else { "-8192" })
                .pragma("wal_autocheckpoint", "0")
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .create_if_missing(!read_only)
                .read_only(read_only)
        });
    } else {
        options.max_connections(20);
    }
    options
}

/// Maps a failed commit or a lost connection to a retryable error: the caller
/// was not acknowledged and may send again (client ids make that safe).
pub(crate) fn unavailable(err: impl std::fmt::Display) -> ApiError {
    tracing::warn!(error = %err, "write failed; the caller may retry");
    ApiError::Unavailable
}
