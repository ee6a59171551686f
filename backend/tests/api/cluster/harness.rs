//! Several real `natter` processes on one fresh PostgreSQL database and one
//! Redis namespace of the test's own, reached through a proxy the test can cut.

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, Remote, pg_execute, pg_url_for};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

const REDIS: &str = "127.0.0.1:6379";

/// How long a node may take to start (it may wait for another's migrations).
const START_TIMEOUT: Duration = Duration::from_secs(90);

/// One node: its process and a client for it.
pub struct Node {
    pub remote: Remote,
    child: Option<Child>,
}

impl Node {
    /// Kills the process at once, as a crash would (SIGKILL).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

/// What the nodes are started with, beyond what every cluster shares.
#[derive(Clone, Default)]
pub struct Options {
    /// `NATTER_MISSED_AFTER_SECS`, when not the default.
    pub missed_after_secs: Option<u64>,
}

/// A cluster of nodes; dropping it stops them and drops the database.
pub struct Cluster {
    pub nodes: Vec<Node>,
    pub redis: RedisProxy,
    pub database: String,
    _dirs: Vec<tempfile::TempDir>,
}

impl Cluster {
    /// Starts `n` nodes at once (so they race for the migrations), or `None`
    /// when PostgreSQL or Redis is not reachable and the run doesn't require them.
    pub async fn start(n: usize, options: Options) -> Option<Self> {
        let required = std::env::var("NATTER_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
        let database = format!("natter_c_{}", uuid::Uuid::new_v4().simple());
        let reachable = match pg_execute(format!("CREATE DATABASE {database}")).await {
            Ok(()) => TcpStream::connect(REDIS).await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = reachable {
            assert!(!required, "PostgreSQL and Redis are required but not reachable: {e}");
            eprintln!("skipping: PostgreSQL or Redis is not reachable ({e})");
            return None;
        }
        let redis = RedisProxy::start().await;
        let env = vec![
            ("DATABASE_URL".to_owned(), pg_url_for(&database)),
            ("REDIS_URL".to_owned(), format!("redis://{}/0", redis.addr)),
            ("NATTER_REDIS_NAMESPACE".to_owned(), format!("test-{}", uuid::Uuid::new_v4().simple())),
            ("NATTER_JWT_SECRET".to_owned(), uuid::Uuid::new_v4().to_string()),
            ("NATTER_MISSED_AFTER_SECS".to_owned(), options.missed_after_secs.unwrap_or(30).to_string()),
        ];
        let dirs: Vec<_> = (0..n).map(|_| tempfile::tempdir().expect("dir")).collect();
        let starting: Vec<_> = dirs.iter().map(|dir| spawn_node(&env, dir.path())).collect();
        let mut nodes = Vec::new();
        for (child, port) in starting {
            let port = port.await.expect("join");
            let mut node = Node { remote: Remote::placeholder(String::new()), child: Some(child) };
            let port = port.unwrap_or_else(|| {
                node.kill();
                panic!("a node did not start")
            });
            node.remote = Remote::connect(format!("http://127.0.0.1:{port}")).await;
            nodes.push(node);
        }
        Some(Self { nodes, redis, database, _dirs: dirs })
    }

    /// The node at `i`.
    pub fn node(&self, i: usize) -> &Remote {
        &self.nodes[i].remote
    }

    /// A metric's value summed over the live nodes (0 where absent).
    pub async fn metric(&self, name_and_labels: &str) -> f64 {
        let mut sum = 0.0;
        for node in self.nodes.iter().filter(|n| n.child.is_some()) {
            sum += metric(&node.remote, name_and_labels).await;
        }
        sum
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for node in &mut self.nodes {
            node.kill();
        }
        let name = self.database.clone();
        let _ = std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                let _ = rt.block_on(pg_execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")));
            }
        })
        .join();
    }
}

/// A metric's value on one node (0 where absent).
pub async fn metric(node: &Remote, name_and_labels: &str) -> f64 {
    let Ok(response) = node.client.get(node.url("/metrics")).send().await else { return 0.0 };
    let text = response.text().await.unwrap_or_default();
    text.lines()
        .filter_map(|line| line.strip_prefix(name_and_labels)?.strip_prefix(' ')?.trim().parse::<f64>().ok())
        .sum()
}

/// Starts a node; the handle yields its port once it listens. Its output is
/// read to the end so that the pipe never fills.
fn spawn_node(env: &[(String, String)], dir: &std::path::Path) -> (Child, JoinHandle<Option<u16>>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_natter"));
    command
        .env("NATTER_BIND", "127.0.0.1:0")
        .env("NATTER_DATA_DIR", dir)
        .env("NATTER_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("NATTER_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("NATTER_NEW_VISITORS_PER_IP", "0")
        .env("NATTER_LOG", "info")
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut child = command.spawn().expect("natter starts");
    let stdout = child.stdout.take().expect("stdout");
    let (found, port) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut found = Some(found);
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if found.is_some()
                && let Some(port) =
                    line.split("port=").nth(1).and_then(|p| p.split_whitespace().next()?.parse::<u16>().ok())
                && let Some(tx) = found.take()
            {
                let _ = tx.send(port);
            }
        }
    });
    let handle = tokio::spawn(async move { tokio::time::timeout(START_TIMEOUT, port).await.ok()?.ok() });
    (child, handle)
}

/// A TCP proxy in front of Redis whose connections the test can cut, as a
/// Redis restart or a network fault would.
pub struct RedisProxy {
    pub addr: std::net::SocketAddr,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
    accept: JoinHandle<()>,
}

impl RedisProxy {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let links: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let held = links.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let link = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(REDIS).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                held.lock().expect("lock").push(link);
            }
        });
        Self { addr, links, accept }
    }

    /// Drops every open connection to Redis (new ones are let through).
    pub fn cut(&self) -> usize {
        let links: Vec<_> = std::mem::take(&mut *self.links.lock().expect("lock"));
        let open = links.iter().filter(|l| !l.is_finished()).count();
        for link in links {
            link.abort();
        }
        open
    }
}

impl Drop for RedisProxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}
