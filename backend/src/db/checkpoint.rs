//! SQLite checkpoints off the write path. By default SQLite checkpoints inside
//! the commit that crosses 1,000 WAL pages — copying the WAL into the database
//! and syncing it while every writer waits. Here the writer's commits only
//! append to the WAL, and a pass every second copies them in two steps:
//!
//! 1. this task's own connection copies every committed page (`PASSIVE`: it
//!    never blocks the writer or readers);
//! 2. once the WAL is long ([`RESTART_AFTER`]), the same connection copies
//!    again what was committed meanwhile, and then the writer itself copies the
//!    last few pages, between two batches (see [`super::writer`]).
//!
//! The second step is what lets the WAL start over: SQLite rewinds it only when
//! a write begins with every frame copied, which a busy writer never allows a
//! checkpoint of another connection to see — at 5,000 messages a second the WAL
//! grew by 80 MB a second, to 2 GB in 25 s and on without end, each new page of
//! it zeroed by the kernel before use, and every page lookup searching a longer
//! WAL index.

use super::wal::{WalState, copy};
use super::writer;
use sea_orm::{DatabaseConnection, DbErr};
use std::time::{Duration, Instant};

/// How often committed pages are copied into the database. Measured under load
/// (6,000 messages/s): every 100 ms or every 5 s made commits stall far more
/// often than every second — a checkpoint's writes share the disk with the
/// writer's WAL syncs, so both small-and-often and rare-and-big hurt.
const EVERY: Duration = Duration::from_secs(1);

/// WAL frames (pages of ~4 KiB) after which the writer finishes a pass so that
/// the WAL starts over: ~1 GiB, every ~12 s at 5,000 messages a second. Each
/// start-over costs the writer a stall (17–47 ms measured at this size, 1–14 ms
/// when done every second) and the disk more syncs; doing it every second (at
/// 1,000 frames) took p99 at 5,000 msg/s from 16–17 ms to 45–47 ms in
/// alternating runs. The WAL's size is bounded either way.
const RESTART_AFTER: i64 = 262_144;

/// Copies of what was committed during the bulk copy, before the writer
/// copies the rest: at 5,000 messages a second the bulk took long enough that
/// the writer, copying the rest itself, stalled 8–36 ms.
const TAIL_COPIES: usize = 3;

/// A copy this quick leaves the writer next to nothing: no more tail copies.
const QUICK_COPY: Duration = Duration::from_millis(2);

/// One pass: the bulk on `copier`, then, once the WAL holds `restart_after`
/// frames, the rest by the writer.
pub(super) async fn pass(
    copier: &DatabaseConnection,
    writer: &writer::Handle,
    restart_after: i64,
) -> Result<WalState, DbErr> {
    let bulk = copy(copier).await?;
    if bulk.frames < restart_after {
        return Ok(bulk);
    }
    // Each copy takes what was committed during the one before, a smaller
    // share each time, so the writer is left little to copy while it waits.
    for _ in 0..TAIL_COPIES {
        let started = Instant::now();
        copy(copier).await?;
        if started.elapsed() < QUICK_COPY {
            break;
        }
    }
    writer.checkpoint().await
}

/// Starts the checkpointer on `copier` (its own SQLite connection).
pub(super) fn spawn(copier: DatabaseConnection, writer: writer::Handle) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = pass(&copier, &writer, RESTART_AFTER).await {
                tracing::debug!(error = %e, "checkpoint failed; retrying later");
            }
        }
    });
}
