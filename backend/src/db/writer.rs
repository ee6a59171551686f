//! The writer task: takes the jobs waiting in its queue as one batch, runs them
//! in one transaction, commits once, then answers each job and publishes the
//! batch's events. A bounded queue: when it is full, writers are told to retry
//! (`unavailable`) instead of piling up memory. Between two batches it also
//! finishes SQLite's checkpoints when asked (see [`super::checkpoint`]).

use super::batch::{self, Batch};
use super::posts::{self, NewPost, PostJob, Posted};
use super::txn::{Turn, WriteTxn};
use super::wal::{self, WalState};
use crate::error::{ApiError, ApiResult};
use crate::events::EventSink;
use crate::metrics::Metrics;
use sea_orm::{DatabaseConnection, DbErr};
use shared::ContactId;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// A batch slower than this is logged (the disk's sync stalled, or the batch was huge).
const SLOW_BATCH: Duration = Duration::from_millis(500);

/// How the writer batches.
#[derive(Clone, Copy, Debug)]
pub struct WriterConfig {
    /// Jobs that may wait for the writer; beyond that, writes answer `unavailable`.
    pub queue: usize,
    /// Most jobs in one transaction.
    pub max_batch: usize,
}

impl Default for WriterConfig {
    fn default() -> Self {
        Self { queue: 65_536, max_batch: 4096 }
    }
}

/// A unit of work for the writer.
pub(super) enum Job {
    /// A caller wants a savepoint of the batch's transaction.
    Turn(oneshot::Sender<Turn>),
    /// A message to store.
    Post(PostJob),
    /// A visitor was seen on a page.
    VisitorSeen { contact: ContactId, page: Option<String>, at: i64 },
    /// Copy what is left of the WAL into the database, after the batch commits.
    Checkpoint(oneshot::Sender<Result<WalState, DbErr>>),
}

/// The sending side of the writer's queue.
#[derive(Clone)]
pub(super) struct Handle {
    jobs: mpsc::Sender<Job>,
    depth: Arc<AtomicUsize>,
}

impl Handle {
    /// Starts the writer task on `conn`.
    pub fn spawn(conn: DatabaseConnection, sink: Arc<dyn EventSink>, config: WriterConfig, metrics: Metrics) -> Self {
        let (jobs, queue) = mpsc::channel(config.queue.max(1));
        let depth = Arc::new(AtomicUsize::new(0));
        let max_batch = config.max_batch.max(1);
        let writer = Writer { conn, sink, queue, depth: depth.clone(), max_batch, metrics };
        tokio::spawn(writer.run());
        Self { jobs, depth }
    }

    fn submit(&self, job: Job) -> ApiResult<()> {
        match self.jobs.try_send(job) {
            Ok(()) => {
                self.depth.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
            Err(mpsc::error::TrySendError::Full(_)) => {
                tracing::warn!("the write queue is full; asking the caller to retry");
                Err(ApiError::Unavailable)
            }
            Err(mpsc::error::TrySendError::Closed(_)) => Err(ApiError::Unavailable),
        }
    }

    /// Waits for a turn in a batch.
    pub async fn turn(&self) -> ApiResult<WriteTxn> {
        let (give, turn) = oneshot::channel();
        self.submit(Job::Turn(give))?;
        let turn = turn.await.map_err(|_| ApiError::Unavailable)?;
        Ok(WriteTxn::new(turn))
    }

    /// Stores a message; answers once it is durable.
    pub async fn post(&self, post: NewPost) -> ApiResult<Posted> {
        let (reply, answer) = oneshot::channel();
        self.submit(Job::Post(PostJob { post, reply }))?;
        answer.await.map_err(|_| ApiError::Unavailable)?
    }

    /// Queues a visitor's page and last-seen time; nothing waits for it.
    pub fn visitor_seen(&self, contact: ContactId, page: Option<String>, at: i64) {
        if self.submit(Job::VisitorSeen { contact, page, at }).is_err() {
            tracing::debug!("dropped a visitor's page update: the write queue is full");
        }
    }

    /// Copies the rest of SQLite's WAL into the database from the writer's own
    /// connection, between two batches: no commit lands meanwhile, so every
    /// frame can be copied and the next write starts the WAL over.
    pub async fn checkpoint(&self) -> Result<WalState, DbErr> {
        let (reply, answer) = oneshot::channel();
        self.submit(Job::Checkpoint(reply)).map_err(|_| DbErr::Custom("the write queue is full".into()))?;
        answer.await.map_err(|_| DbErr::Custom("the writer stopped".into()))?
    }

    /// Jobs waiting now.
    pub fn depth(&self) -> usize {
        self.depth.load(Ordering::Relaxed)
    }
}

struct Writer {
    conn: DatabaseConnection,
    sink: Arc<dyn EventSink>,
    queue: mpsc::Receiver<Job>,
    depth: Arc<AtomicUsize>,
    max_batch: usize,
    metrics: Metrics,
}

impl Writer {
    async fn run(mut self) {
        let mut jobs = Vec::with_capacity(self.max_batch);
        let mut checkpoints = Vec::new();
        while self.queue.recv_many(&mut jobs, self.max_batch).await > 0 {
            self.depth.fetch_sub(jobs.len(), Ordering::Relaxed);
            checkpoints.extend(jobs.extract_if(.., |job| matches!(job, Job::Checkpoint(_))).filter_map(
                |job| match job {
                    Job::Checkpoint(reply) => Some(reply),
                    _ => None,
                },
            ));
            let failed = !jobs.is_empty() && self.run_batch(std::mem::take(&mut jobs)).await;
            for reply in checkpoints.drain(..) {
                let _ = reply.send(self.checkpoint().await);
            }
            if failed {
                // The database is unreachable or refusing: don't spin on it.
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }

    /// Copies the WAL's last frames, with no batch open.
    async fn checkpoint(&self) -> Result<WalState, DbErr> {
        let t0 = std::time::Instant::now();
        let state = wal::copy(&self.conn).await;
        tracing::debug!(?state, took_us = t0.elapsed().as_micros() as u64, "the writer finished a checkpoint");
        if t0.elapsed() > SLOW_BATCH {
            tracing::warn!(took_ms = t0.elapsed().as_millis() as u64, "a slow checkpoint in the writer");
        }
        state
    }

    /// Runs one batch; `true` if it could not be committed.
    async fn run_batch(&self, jobs: Vec<Job>) -> bool {
        let t0 = std::time::Instant::now();
        let size = jobs.len();
        let mut batch = match Batch::begin(&self.conn).await {
            Ok(batch) => batch,
            Err(e) => {
                let err = super::unavailable(e);
                fail_all(jobs, &err);
                return true;
            }
        };
        let (mut posts, mut seen, mut retried) = (Vec::new(), Vec::new(), false);
        for job in jobs {
            match job {
                Job::Post(post) => posts.push(post),
                Job::VisitorSeen { contact, page, at } => seen.push((contact, page, at)),
                Job::Turn(give) => {
                    // Messages queued before this turn are written before it.
                    retried |= posts::run(&mut batch, std::mem::take(&mut posts)).await;
                    batch.take_turn(give).await;
                }
                // Taken out of the batch by `run`; answered after the commit.
                Job::Checkpoint(_) => {}
            }
        }
        retried |= posts::run(&mut batch, posts).await;
        if retried {
            self.metrics.write_retried();
        }
        batch::record_visitors_seen(&mut batch, seen).await;
        let committing = std::time::Instant::now();
        let result = batch.commit().await;
        let took = committing.elapsed();
        if t0.elapsed() > SLOW_BATCH {
            let (commit_ms, total_ms) = (took.as_millis() as u64, t0.elapsed().as_millis() as u64);
            tracing::warn!(commit_ms, total_ms, size, "a slow write batch");
        }
        match result {
            Ok(events) => {
                self.metrics.commit(size, took);
                self.sink.committed(events);
                false
            }
            Err(_) => true,
        }
    }
}

fn fail_all(jobs: Vec<Job>, err: &ApiError) {
    for job in jobs {
        match job {
            Job::Post(post) => {
                let _ = post.reply.send(Err(batch::clone_error(err)));
            }
            // Dropping the sender tells the waiting caller the turn failed.
            Job::Turn(_) | Job::VisitorSeen { .. } | Job::Checkpoint(_) => {}
        }
    }
}
