//! `natter backup` of a server that is writing, and `natter restore` of it: the
//! real binary, in processes of its own, on the server's SQLite files.

use crate::helpers::{Backend, TestApp, spawn_app, spawn_app_in};
use backend::entities::messages;
use sea_orm::EntityTrait;
use shared::api::*;
use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// Runs `natter <args> --data-dir <data_dir>`; returns success and what it printed.
pub async fn natter(args: &[&str], data_dir: &Path) -> (bool, String) {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_natter"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .env("NATTER_LOG", "warn")
        .output()
        .await
        .expect("natter runs");
    let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), printed)
}

/// Visitors that keep sending until told to stop; every acknowledged body is recorded.
struct Writers {
    acked: Arc<Mutex<Vec<String>>>,
    count: watch::Receiver<usize>,
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Writers {
    async fn start(app: &TestApp, visitors: usize) -> Self {
        let acked = Arc::new(Mutex::new(Vec::new()));
        let (count_tx, count) = watch::channel(0);
        let count_tx = Arc::new(count_tx);
        let (stop, stopped) = watch::channel(false);
        let mut tasks = Vec::new();
        for v in 0..visitors {
            let token = app.new_visitor().await.token;
            let (client, url) = (app.client.clone(), app.url("/api/v1/widget/messages"));
            let (acked, count_tx, stopped) = (acked.clone(), count_tx.clone(), stopped.clone());
            tasks.push(tokio::spawn(async move {
                for n in 0..5000 {
                    if *stopped.borrow() {
                        break;
                    }
                    let body = format!("visitor {v} message {n}");
                    let send =
                        WidgetPostMessage { body: body.clone(), client_id: body.clone(), attachment_ids: vec![] };
                    let answer = client.post(&url).bearer_auth(&token).json(&send).send().await.expect("sent");
                    assert_eq!(answer.status(), 201, "{}", answer.text().await.unwrap_or_default());
                    let total = {
                        let mut acked = acked.lock().expect("lock");
                        acked.push(body);
                        acked.len()
                    };
                    count_tx.send_replace(total);
                }
            }));
        }
        Self { acked, count, stop, tasks }
    }

    async fn wait_for(&mut self, acked: usize) {
        self.count.wait_for(|n| *n >= acked).await.expect("writers running");
    }

    fn acked(&self) -> HashSet<String> {
        self.acked.lock().expect("lock").iter().cloned().collect()
    }

    async fn stop(self) -> HashSet<String> {
        self.stop.send_replace(true);
        for task in self.tasks {
            task.await.expect("writer");
        }
        self.acked.lock().expect("lock").iter().cloned().collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_backup_restores_every_acknowledged_message() {
    let Some(app) = spawn_app(Backend::Sqlite).await else { return };
    let admin = app.admin_token();
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "please send the invoice").await;
    let up: Uploaded = app.upload("/api/v1/attachments", admin, &[("invoice.txt", b"INV-1".to_vec())]).await.json(201);
    let file = up.attachments[0].id;
    let reply =
        PostMessage { kind: PostKind::Reply, body: "here".into(), client_id: "f".into(), attachment_ids: vec![file] };
    let _: Message = app.post(&format!("/api/v1/conversations/{conv}/messages"), admin, &reply).await.json(201);

    let mut writers = Writers::start(&app, 3).await;
    writers.wait_for(30).await;
    let before = writers.acked();
    let archive = tempfile::tempdir().expect("dir");
    let archive = archive.path().join("natter-backup.tar");
    let archive_arg = archive.to_str().expect("path");
    let (ok, printed) = natter(&["backup", archive_arg], app.data_dir.path()).await;
    assert!(ok, "backup failed: {printed}");
    let during = writers.acked();
    let all = writers.stop().await;
    assert!(during.len() > before.len(), "the server went on writing while the backup ran");

    let restored = tempfile::tempdir().expect("dir");
    let (ok, printed) = natter(&["restore", archive_arg], restored.path()).await;
    assert!(ok, "restore failed: {printed}");
    // An existing database is replaced only when asked, and then kept beside.
    let (ok, printed) = natter(&["restore", archive_arg], restored.path()).await;
    assert!(!ok && printed.contains("--force"), "{printed}");
    let (ok, printed) = natter(&["restore", archive_arg, "--force"], restored.path()).await;
    assert!(ok, "{printed}");
    let kept = std::fs::read_dir(restored.path()).expect("dir").filter_map(Result::ok);
    assert_eq!(kept.filter(|e| e.file_name().to_string_lossy().starts_with("natter.db.replaced-")).count(), 1);

    let copy = spawn_app_in(restored, Backend::Sqlite, |_| {}).await.expect("the restored server starts");
    let stored: HashSet<String> = messages::Entity::find()
        .all(copy.state.db.conn())
        .await
        .expect("messages")
        .into_iter()
        .map(|m| m.body)
        .collect();
    let missing: Vec<&String> = before.iter().filter(|body| !stored.contains(*body)).collect();
    assert!(missing.is_empty(), "acknowledged before the backup but not restored: {missing:?}");
    let sent: HashSet<&String> = stored.iter().filter(|b| b.starts_with("visitor ")).collect();
    assert!(sent.iter().all(|body| all.contains(*body)), "only acknowledged messages are in the copy");
    assert!(stored.contains("please send the invoice") && stored.contains("here"));
    let download = copy.get(&format!("/api/v1/attachments/{file}"), copy.admin_token()).await;
    assert_eq!((download.status.as_u16(), &download.bytes[..]), (200, &b"INV-1"[..]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_what_is_not_a_backup() {
    let dir = tempfile::tempdir().expect("dir");
    let not_a_backup = dir.path().join("notes.tar");
    std::fs::write(&not_a_backup, b"just some text, not a tar file at all").expect("file");
    let (ok, printed) = natter(&["restore", not_a_backup.to_str().expect("path")], dir.path()).await;
    assert!(!ok && printed.contains("not a Natter backup"), "{printed}");
    assert!(!dir.path().join("natter.db").exists(), "nothing was written");
    let (ok, printed) = natter(&["backup", dir.path().join("b.tar").to_str().expect("path")], dir.path()).await;
    assert!(!ok && printed.contains("no database"), "{printed}");
}
