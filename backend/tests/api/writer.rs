//! The batched writer, driven directly: sends that meet in one batch keep their
//! order and their client ids, a bad send fails alone, and a full queue answers
//! `unavailable` at once. A batch is made deterministic by holding a turn: while
//! a caller holds its savepoint, the writer's batch waits, and every send
//! submitted meanwhile is taken together by the next batch.

use crate::helpers::{Backend, TestApp, spawn_app_with, visitor_send as send};
use crate::metrics::{scrape, value};
use crate::on_both_databases;
use backend::clock::Clock;
use backend::db::posts::{PostTarget, Posted};
use backend::error::ApiError;
use futures_util::future::join_all;
use shared::api::Attachment;
use shared::{AttachmentId, ContactId, ConversationId};
use std::future::Future;
use uuid::Uuid;

on_both_databases!(
    sends_in_one_batch_keep_order_and_client_ids,
    a_bad_send_fails_alone_and_the_batch_commits,
    thousands_of_sends_in_one_batch_are_written_together
);

/// Runs `submit` while a turn holds the writer's batch open; the sends it starts
/// are all queued (`queued` tells when) before the turn ends.
async fn in_one_batch<T, F>(app: &TestApp, queued: usize, submit: impl FnOnce() -> F) -> T
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let held = app.state.db.write().await.expect("a turn");
    let depth = app.state.db.queue_depth();
    let sends = tokio::spawn(submit());
    // A condition, not a delay: the sends are in the queue.
    while app.state.db.queue_depth() < depth + queued {
        tokio::task::yield_now().await;
    }
    held.commit().await.expect("the turn commits");
    sends.await.expect("the sends ran")
}

/// A conversation's message bodies, oldest first.
async fn bodies(app: &TestApp, conversation: ConversationId) -> Vec<String> {
    let path = format!("/api/v1/conversations/{conversation}/messages?limit=200");
    let page: shared::Page<shared::api::Message> = app.get(&path, app.admin_token()).await.json(200);
    page.items.into_iter().rev().map(|m| m.body).collect()
}

fn message(posted: Posted) -> shared::api::Message {
    match posted {
        Posted::New(m) | Posted::Repeated(m) => m,
        Posted::Existing(_) => panic!("stored before"),
    }
}

async fn sends_in_one_batch_keep_order_and_client_ids(app: TestApp) {
    let visitor = app.new_visitor().await;
    let contact = visitor.contact_id;
    let now = backend::clock::millis(app.clock.now());
    let target = PostTarget::Visitor(contact);
    let db = app.state.db.clone();
    let posts = vec![
        send(target, contact.0, "a", "first", now),
        send(target, contact.0, "b", "second", now),
        send(target, contact.0, "a", "first, sent again", now),
        send(target, contact.0, "c", "third", now),
    ];
    let outcomes = in_one_batch(&app, posts.len(), move || async move {
        // Polled in order, so queued in order.
        join_all(posts.into_iter().map(|p| db.post(p))).await
    })
    .await;
    let [first, second, again, third] = <[_; 4]>::try_from(outcomes).expect("four answers");
    let (first, second, third) =
        (message(first.expect("first")), message(second.expect("second")), message(third.expect("third")));
    let Ok(Posted::Repeated(again)) = again else { panic!("the repeated client id is answered with the first") };
    assert_eq!(again.id, first.id);
    // One conversation made by the first send, the messages in submission order.
    assert_eq!(first.conversation_id, second.conversation_id);
    assert_eq!(second.conversation_id, third.conversation_id);
    assert!(first.seq < second.seq && second.seq < third.seq, "{} {} {}", first.seq, second.seq, third.seq);
    assert_eq!(bodies(&app, first.conversation_id).await, ["first", "second", "third"], "once each, in order");
    // A later retry of a stored client id gets the stored message.
    let Ok(Posted::Existing(stored)) = app.state.db.post(send(target, contact.0, "b", "second", now)).await else {
        panic!("a retry answers with the stored row")
    };
    assert_eq!(stored.id, second.id.0);
}

async fn a_bad_send_fails_alone_and_the_batch_commits(app: TestApp) {
    let visitor = app.new_visitor().await;
    let contact = visitor.contact_id;
    let conversation = app.visitor_says(&visitor, "hello").await;
    let now = backend::clock::millis(app.clock.now());
    let good = PostTarget::Conversation(conversation);
    let nowhere = PostTarget::Conversation(ConversationId(Uuid::now_v7()));
    let mut no_such_file = send(good, contact.0, "f", "with a file nobody uploaded", now);
    no_such_file.attachments = vec![Attachment {
        id: AttachmentId(Uuid::now_v7()),
        filename: "ghost.txt".into(),
        content_type: "text/plain".into(),
        size: 1,
        inline: false,
        url: String::new(),
    }];
    let posts = vec![
        send(good, contact.0, "1", "before", now),
        send(nowhere, contact.0, "2", "to no conversation", now),
        no_such_file,
        send(PostTarget::Visitor(ContactId(Uuid::now_v7())), Uuid::now_v7(), "3", "from nobody", now),
        send(good, contact.0, "4", "after", now),
    ];
    let db = app.state.db.clone();
    let retried_before = retries(&app).await;
    let outcomes = in_one_batch(&app, posts.len(), move || async move {
        // Polled in order, so queued in order.
        join_all(posts.into_iter().map(|p| db.post(p))).await
    })
    .await;
    assert_eq!(retries(&app).await, retried_before + 1.0, "the batch was written again one by one, once");
    let [before, nowhere, ghost, nobody, after] = <[_; 5]>::try_from(outcomes).expect("five answers");
    assert!(matches!(nowhere, Err(ApiError::NotFound)), "{nowhere:?}");
    // The missing file fails a statement: the batch is written again one by one.
    assert!(ghost.is_err(), "{ghost:?}");
    assert!(matches!(nobody, Err(ApiError::Unauthorized)), "{nobody:?}");
    let (before, after) = (message(before.expect("before")), message(after.expect("after")));
    assert!(before.seq < after.seq);
    assert_eq!(bodies(&app, conversation).await, ["hello", "before", "after"], "the good sends, nothing else");
}

async fn retries(app: &TestApp) -> f64 {
    value(&scrape(app, None).await, "natter_db_write_retries_total", &[])
}

/// A busy server's batch holds thousands of sends: they are looked up and written
/// together (SQLite refuses an expression over 1,000 terms deep, which once sent
/// every big batch down the slow path of one savepoint per send).
async fn thousands_of_sends_in_one_batch_are_written_together(app: TestApp) {
    const SENDS: usize = 1_500;
    let visitor = app.new_visitor().await;
    let contact = visitor.contact_id;
    let now = backend::clock::millis(app.clock.now());
    let target = PostTarget::Visitor(contact);
    let before = retries(&app).await;
    let posts: Vec<_> = (0..SENDS).map(|i| send(target, contact.0, &format!("k{i}"), &format!("m{i}"), now)).collect();
    let db = app.state.db.clone();
    let outcomes = in_one_batch(&app, SENDS, move || async move {
        // Polled in order, so queued in order.
        join_all(posts.into_iter().map(|p| db.post(p))).await
    })
    .await;
    let seqs: Vec<i64> = outcomes.into_iter().map(|o| message(o.expect("stored")).seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order");
    assert_eq!(retries(&app).await, before, "no statement failed: the batch was not written one by one");
    // A repeat of any of them is recognised as stored.
    let Ok(Posted::Existing(_)) = app.state.db.post(send(target, contact.0, "k1499", "m1499", now)).await else {
        panic!("the last client id is stored")
    };
    // All of them again in one batch, one author: each looked up and found (on
    // PostgreSQL through the `VALUES` list, which the planner can't narrow to the
    // author's messages), none stored twice.
    let again: Vec<_> = (0..SENDS).map(|i| send(target, contact.0, &format!("k{i}"), &format!("m{i}"), now)).collect();
    let db = app.state.db.clone();
    let outcomes =
        in_one_batch(&app, SENDS, move || async move { join_all(again.into_iter().map(|p| db.post(p))).await }).await;
    let repeated: Vec<i64> = outcomes
        .into_iter()
        .map(|o| match o.expect("answered") {
            Posted::Existing(m) => m.seq,
            _ => panic!("a stored client id was written again"),
        })
        .collect();
    assert_eq!(repeated, seqs, "each answered with its stored message");
    assert_eq!(retries(&app).await, before, "found by lookup, not by a failed insert");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_answers_unavailable_at_once_sqlite() {
    a_full_queue_answers_unavailable_at_once(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_answers_unavailable_at_once_postgres() {
    a_full_queue_answers_unavailable_at_once(Backend::Postgres).await;
}

async fn a_full_queue_answers_unavailable_at_once(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |s| s.write_queue = 2).await else { return };
    let visitor = app.new_visitor().await;
    let target = PostTarget::Visitor(visitor.contact_id);
    let author = visitor.contact_id.0;
    let now = backend::clock::millis(app.clock.now());
    let held = app.state.db.write().await.expect("a turn");
    let waiting: Vec<_> = ["q1", "q2"]
        .into_iter()
        .map(|id| {
            let db = app.state.db.clone();
            let post = send(target, author, id, id, now);
            tokio::spawn(async move { db.post(post).await })
        })
        .collect();
    while app.state.db.queue_depth() < 2 {
        tokio::task::yield_now().await;
    }
    // The queue is full: no waiting, no memory growing, a retryable answer.
    let refused = app.state.db.post(send(target, author, "q3", "q3", now)).await;
    assert!(matches!(refused, Err(ApiError::Unavailable)), "{refused:?}");
    held.commit().await.expect("the turn commits");
    for w in waiting {
        assert!(w.await.expect("joined").is_ok(), "the queued sends are stored");
    }
    // And the refused one goes through when sent again.
    assert!(app.state.db.post(send(target, author, "q3", "q3", now)).await.is_ok());
}

/// Frames in SQLite's WAL now, asked from a connection of the test's own.
async fn wal_frames(probe: &sea_orm::DatabaseConnection) -> i64 {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let sql = Statement::from_string(DbBackend::Sqlite, "PRAGMA wal_checkpoint(PASSIVE)");
    let row = probe.query_one_raw(sql).await.expect("checkpoint").expect("a row");
    row.try_get_by_index(1).expect("frames")
}

/// SQLite rewinds its WAL only when a write begins with every frame copied into
/// the database, which the checkpointer's own connection never sees while the
/// writer keeps committing: without the writer finishing the pass, the WAL grew
/// by 80 MB a second under load. Here a commit lands between the checkpointer's
/// copy and the writer's part of the pass (a turn holds the batch open), and the
/// next write still starts the WAL over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_writer_still_starts_the_wal_over() {
    let Some(app) = spawn_app_with(Backend::Sqlite, |_| {}).await else { return };
    let db = app.state.db.clone();
    let probe = sea_orm::Database::connect(app.state.settings.database_url()).await.expect("a connection");
    let visitor = app.new_visitor().await;
    let (target, author) = (PostTarget::Visitor(visitor.contact_id), visitor.contact_id.0);
    let now = backend::clock::millis(app.clock.now());
    db.post(send(target, author, "before", "a message", now)).await.expect("stored");
    // The turn writes a few hundred pages, committed only when it ends.
    let held = db.write().await.expect("a turn");
    for sql in [
        "CREATE TABLE scratch (b BLOB)",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) \
         INSERT INTO scratch SELECT randomblob(3000) FROM n",
    ] {
        sea_orm::ConnectionTrait::execute_unprepared(&*held, sql).await.expect("a write");
    }
    let depth = db.queue_depth();
    let pass = tokio::spawn({
        let db = db.clone();
        async move { db.checkpoint().await }
    });
    // A condition, not a delay: the pass copied what was committed and waits for the writer.
    let asked = async {
        while db.queue_depth() <= depth {
            tokio::task::yield_now().await;
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(30), asked).await.expect("the pass asks the writer");
    held.commit().await.expect("the turn commits");
    let state = pass.await.expect("joined").expect("the pass").expect("SQLite");
    assert!(state.is_complete(), "the writer copied the turn's frames too: {state:?}");
    assert!(state.frames >= 300, "the turn's pages are in the WAL: {state:?}");
    db.post(send(target, author, "after", "the WAL starts over", now)).await.expect("stored");
    let after = wal_frames(&probe).await;
    assert!(after < state.frames, "the WAL started over: {after} frames after the write, {} before", state.frames);
}
