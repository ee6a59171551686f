//! A real SMTP server for email tests: `aiosmtpd` (PyPI or Debian's
//! `python3-aiosmtpd`) run as a subprocess, writing what it receives to a maildir.

use std::path::PathBuf;
use std::time::{Duration, Instant};

pub struct SmtpServer {
    pub url: String,
    dir: tempfile::TempDir,
    _process: tokio::process::Child,
}

impl SmtpServer {
    /// Starts it on a free port and waits until it accepts connections.
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port();
        let dir = tempfile::tempdir().expect("maildir");
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("maildir folders");
        }
        let process = tokio::process::Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path())
            .kill_on_drop(true)
            .spawn()
            .expect("python3 -m aiosmtpd runs (just test installs it)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self { url: format!("smtp://127.0.0.1:{port}"), dir, _process: process }
    }

    fn files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path().join("new"))
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.sort_by_key(|f| std::fs::metadata(f).and_then(|m| m.modified()).ok());
        files
    }

    /// Waits (10 s at most) until `n` emails arrived; returns them, raw, oldest first.
    pub async fn wait_for(&self, n: usize) -> Vec<Vec<u8>> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let files = self.files();
            if files.len() >= n {
                return files.iter().map(|f| std::fs::read(f).expect("read mail")).collect();
            }
            assert!(Instant::now() < deadline, "waited for {n} emails, got {}", files.len());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// How many emails arrived so far.
    pub fn count(&self) -> usize {
        self.files().len()
    }
}
