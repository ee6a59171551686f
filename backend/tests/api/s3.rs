//! Attachments on S3-compatible storage: a real local S3 server (moto's server
//! mode, installed by `just test`), a bucket of the test's own.

use crate::helpers::{Backend, spawn_app_with};
use backend::config::Secret;
use shared::api::*;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A local S3 server on a free port, stopped when dropped.
struct S3Server {
    url: String,
    child: Child,
}

impl S3Server {
    /// Starts moto's server, or `None` when it isn't installed and the run doesn't require it.
    async fn start() -> Option<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let spawned = Command::new("python3")
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let required = std::env::var("NATTER_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) => {
                assert!(!required, "moto is required: {e}");
                return None;
            }
        };
        let url = format!("http://127.0.0.1:{port}");
        let give_up = tokio::time::Instant::now() + Duration::from_secs(30);
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                assert!(!required, "moto's server is required but exited: {status} (pip install 'moto[server]')");
                eprintln!("skipping: moto's server is not installed");
                return None;
            }
            assert!(tokio::time::Instant::now() < give_up, "moto's server did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Some(Self { url, child })
    }

    /// Creates a bucket.
    async fn bucket(&self, name: &str) {
        let response = reqwest::Client::new().put(format!("{}/{name}", self.url)).send().await.expect("bucket");
        assert!(response.status().is_success(), "{}", response.status());
    }

    /// The keys stored in `bucket`.
    async fn keys(&self, bucket: &str) -> Vec<String> {
        let listing = reqwest::get(format!("{}/{bucket}?list-type=2", self.url)).await.expect("list");
        let xml = listing.text().await.expect("text");
        xml.split("<Key>").skip(1).filter_map(|k| k.split("</Key>").next()).map(str::to_owned).collect()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_are_stored_in_the_bucket() {
    let Some(s3) = S3Server::start().await else { return };
    let bucket = format!("natter-{}", uuid::Uuid::new_v4().simple());
    s3.bucket(&bucket).await;
    let Some(app) = spawn_app_with(Backend::Sqlite, |s| {
        s.s3.bucket = Some(bucket.clone());
        s.s3.endpoint = Some(s3.url.clone());
        s.s3.access_key_id = Some("test".into());
        s.s3.secret_access_key = Some(Secret("test".into()));
        s.s3.prefix = Some("team-a".into());
    })
    .await
    else {
        return;
    };
    let admin = app.admin_token();
    let bytes = b"order 4242: shipped".to_vec();
    let up: Uploaded = app.upload("/api/v1/attachments", admin, &[("notes.txt", bytes.clone())]).await.json(201);
    let file = &up.attachments[0];

    let keys = s3.keys(&bucket).await;
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(keys[0].starts_with("team-a/"), "under the prefix: {keys:?}");
    assert!(!app.data_dir.path().join("files").exists(), "nothing on the local disk");
    let answer = app.get(&format!("/api/v1/attachments/{}", file.id), admin).await;
    assert_eq!((answer.status.as_u16(), &answer.bytes[..]), (200, &bytes[..]));
}
