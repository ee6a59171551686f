//! Faults: the server killed with SIGKILL while visitors send, on SQLite and on
//! PostgreSQL. After a restart every acknowledged message is there exactly
//! once, and clients that resend what was not acknowledged store it once.

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, Received, Ws, open_ws, pg_execute, pg_url_for};
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};
use shared::frames::{VisitorClientFrame, VisitorServerFrame};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Visitors sending at once.
const VISITORS: usize = 16;
/// Acknowledged sends after which the server is killed.
const KILL_AFTER_ACKS: usize = 300;

/// Each acknowledgement, as it arrives.
type Acks = tokio::sync::mpsc::UnboundedSender<()>;

/// A `natter` process.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    /// Starts `natter` on `data_dir` (and `database_url`, if PostgreSQL) and waits until it listens.
    async fn start(data_dir: &Path, database_url: Option<&str>) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_natter"));
        command
            .env_remove("DATABASE_URL")
            .env("NATTER_DATA_DIR", data_dir)
            .env("NATTER_BIND", "127.0.0.1:0")
            .env("NATTER_LOG", "info")
            .env("NATTER_LOG_FORMAT", "json")
            .env("NATTER_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("NATTER_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("NATTER_NEW_VISITORS_PER_IP", "0")
            .env("NATTER_SOCKETS_PER_IP", "0")
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true);
        if let Some(url) = database_url {
            command.env("DATABASE_URL", url);
        }
        let mut child = command.spawn().expect("natter starts");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let port = loop {
            let line = tokio::time::timeout(std::time::Duration::from_secs(60), lines.next_line())
                .await
                .expect("natter listens in time")
                .expect("stdout")
                .expect("natter is running");
            let line: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
            if line["message"] == "natter is listening" {
                break line["port"].as_u64().expect("port");
            }
        };
        // Keep reading, so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Server { child, base: format!("http://127.0.0.1:{port}") }
    }

    /// SIGKILL: no shutdown, no flush.
    async fn kill(mut self) {
        self.child.kill().await.expect("killed");
    }
}

/// New visitor tokens, through the site key as the widget gets them (64 at a time).
async fn visitors(base: &str, n: usize) -> Vec<String> {
    use futures_util::StreamExt;
    let client = reqwest::Client::new();
    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("tokens");
    let token = login["access_token"].as_str().expect("access token");
    let settings: Value = client
        .get(format!("{base}/api/v1/settings/widget"))
        .bearer_auth(token)
        .send()
        .await
        .expect("settings")
        .json()
        .await
        .expect("json");
    let start = json!({"site_key": settings["site_key"]});
    let sessions = futures_util::stream::iter(0..n).map(|_| {
        let request = client.post(format!("{base}/api/v1/widget/sessions")).json(&start).send();
        async move {
            let session: Value = request.await.expect("session").json().await.expect("json");
            session["token"].as_str().expect("token").to_owned()
        }
    });
    sessions.buffer_unordered(64).collect().await
}

async fn visitor_socket(base: &str, token: &str) -> Ws {
    let mut ws = open_ws(base, "/api/v1/ws/visitor", token, None).await.expect("visitor socket");
    ws.until(|f: &VisitorServerFrame| matches!(f, VisitorServerFrame::Ready { .. })).await;
    ws
}

/// Sends `ids` one after another, each waiting for its ack; returns the acked
/// ones, stopping when the connection dies.
async fn send_all(ws: &mut Ws, ids: impl Iterator<Item = String>, acks: &Acks) -> (Vec<String>, Vec<String>) {
    let (mut sent, mut acked) = (Vec::new(), Vec::new());
    for id in ids {
        let frame =
            VisitorClientFrame::Send { body: format!("message {id}"), client_id: id.clone(), attachment_ids: vec![] };
        sent.push(id.clone());
        if !ws.try_send(&frame).await {
            return (sent, acked);
        }
        loop {
            match ws.receive::<VisitorServerFrame>().await {
                Received::Frame(VisitorServerFrame::Ack { client_id, .. }) if client_id == id => {
                    acked.push(id);
                    let _ = acks.send(());
                    break;
                }
                Received::Frame(_) => {}
                Received::Closed(_) => return (sent, acked),
            }
        }
    }
    (sent, acked)
}

/// How many times each client id is stored.
async fn stored(url: &str) -> BTreeMap<String, i64> {
    let db = Database::connect(url).await.expect("database");
    let sql = "SELECT client_id, COUNT(*) AS n FROM messages WHERE client_id IS NOT NULL GROUP BY client_id";
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.expect("rows");
    let counts = rows
        .iter()
        .map(|r| (r.try_get::<String>("", "client_id").expect("id"), r.try_get::<i64>("", "n").expect("n")))
        .collect();
    db.close().await.expect("closed");
    counts
}

async fn killed_mid_send_loses_and_duplicates_nothing(database_url: Option<String>) {
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start(dir.path(), database_url.as_deref()).await;
    let tokens = visitors(&server.base, VISITORS).await;
    let (acks, mut acked) = tokio::sync::mpsc::unbounded_channel();
    let mut senders = Vec::new();
    for (v, token) in tokens.iter().enumerate() {
        let (base, token, acks) = (server.base.clone(), token.clone(), acks.clone());
        senders.push(tokio::spawn(async move {
            let mut ws = visitor_socket(&base, &token).await;
            send_all(&mut ws, (0..).map(|i| format!("v{v}-{i}")), &acks).await
        }));
    }
    for _ in 0..KILL_AFTER_ACKS {
        let ack = tokio::time::timeout(std::time::Duration::from_secs(30), acked.recv()).await;
        assert!(matches!(ack, Ok(Some(()))), "sends too slow");
    }
    server.kill().await;
    let mut outcomes = Vec::new();
    for sender in senders {
        outcomes.push(sender.await.expect("sender"));
    }

    let server = Server::start(dir.path(), database_url.as_deref()).await;
    let url = database_url.unwrap_or_else(|| format!("sqlite://{}?mode=rw", dir.path().join("natter.db").display()));
    let after_crash = stored(&url).await;
    for (_, acked) in &outcomes {
        for id in acked {
            assert_eq!(after_crash.get(id), Some(&1), "acknowledged {id} must be stored once");
        }
    }
    assert!(after_crash.values().all(|n| *n == 1));
    // Clients resend what was not acknowledged (and some that was): stored once.
    let mut expected = BTreeSet::new();
    for ((sent, acked), token) in outcomes.iter().zip(&tokens) {
        let mut ws = visitor_socket(&server.base, token).await;
        let resend: Vec<String> = sent.iter().filter(|id| !acked.contains(id)).chain(acked.last()).cloned().collect();
        let (_, again) = send_all(&mut ws, resend.clone().into_iter(), &acks).await;
        assert_eq!(again, resend);
        expected.extend(sent.iter().cloned());
    }
    let finally = stored(&url).await;
    assert_eq!(finally.keys().cloned().collect::<BTreeSet<_>>(), expected);
    assert!(finally.values().all(|n| *n == 1));
    server.kill().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_killed_mid_send_loses_and_duplicates_nothing() {
    killed_mid_send_loses_and_duplicates_nothing(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_killed_mid_send_loses_and_duplicates_nothing() {
    let name = format!("natter_f_{}", uuid::Uuid::new_v4().simple());
    if let Err(e) = pg_execute(format!("CREATE DATABASE {name}")).await {
        assert!(std::env::var("NATTER_REQUIRE_POSTGRES").is_err(), "PostgreSQL is required: {e}");
        return eprintln!("skipping: PostgreSQL is not reachable ({e})");
    }
    killed_mid_send_loses_and_duplicates_nothing(Some(pg_url_for(&name))).await;
    let _ = pg_execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
}

/// Sockets in the reconnect storm.
const STORM_SOCKETS: usize = 5_000;
/// Of which this many missed a message of their own while the server was down.
const STORM_SENDERS: usize = 50;
/// The time every socket must be back within (debug build, a shared 2-core machine).
const STORM_BOUND: std::time::Duration = std::time::Duration::from_secs(60);

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A visitor's socket with small buffers (thousands are open at once), resuming
/// after `after`; returns it once `ready`, with the `last_seq` it announced and
/// how many of the visitor's messages were replayed before it. Connecting is
/// retried a few times, as the widget does.
async fn storm_socket(base: &str, token: &str, after: Option<i64>) -> (Socket, i64, usize) {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest, protocol::WebSocketConfig};
    let path = after.map_or_else(String::new, |a| format!("?after={a}"));
    let url = format!("{}/api/v1/ws/visitor{path}", base.replace("http://", "ws://"));
    let mut socket = None;
    for attempt in 0..5 {
        let mut request = url.as_str().into_client_request().expect("request");
        let protocols = format!("{}, {}{token}", shared::frames::PROTOCOL, shared::frames::BEARER_PROTOCOL_PREFIX);
        request.headers_mut().insert("sec-websocket-protocol", protocols.parse().expect("header"));
        let config = WebSocketConfig::default().read_buffer_size(4096).write_buffer_size(0);
        match tokio_tungstenite::connect_async_with_config(request, Some(config), true).await {
            Ok((s, _)) => {
                socket = Some(s);
                break;
            }
            Err(e) if attempt == 4 => panic!("could not reconnect: {e}"),
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(100 << attempt)).await,
        }
    }
    let mut socket = socket.expect("socket");
    let mut replayed = 0;
    loop {
        let frame = tokio::time::timeout(STORM_BOUND, socket.next()).await.expect("ready in time");
        let Some(Ok(Message::Text(text))) = frame else { panic!("closed before ready: {frame:?}") };
        match serde_json::from_str::<VisitorServerFrame>(&text).expect("frame") {
            VisitorServerFrame::Ready { last_seq, .. } => return (socket, last_seq, replayed),
            VisitorServerFrame::Message { .. } => replayed += 1,
            _ => {}
        }
    }
}

/// 5,000 visitors connected; the server is killed; some visitors' messages came
/// in just before. All reconnect at once resuming where they were: each is back
/// within the bound, and each replays exactly what it missed, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnect_storm_resumes_every_socket() {
    use futures_util::StreamExt;
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start(dir.path(), None).await;
    let tokens = visitors(&server.base, STORM_SOCKETS).await;
    let base = server.base.clone();
    let connected: Vec<(Socket, i64, usize)> = futures_util::stream::iter(tokens.iter())
        .map(|token| storm_socket(&base, token, None))
        .buffered(128)
        .collect()
        .await;
    let client = reqwest::Client::new();
    for (i, token) in tokens.iter().take(STORM_SENDERS).enumerate() {
        let body = json!({"body": "are you there?", "client_id": format!("storm-{i}")});
        let answer = client.post(format!("{base}/api/v1/widget/messages")).bearer_auth(token).json(&body).send().await;
        assert_eq!(answer.expect("sent").status(), 201);
    }
    server.kill().await;
    let seen: Vec<i64> = connected.into_iter().map(|(_, seq, _)| seq).collect();

    let server = Server::start(dir.path(), None).await;
    let started = std::time::Instant::now();
    let mut storm = Vec::new();
    for (token, after) in tokens.iter().zip(&seen) {
        let (base, token, after) = (server.base.clone(), token.clone(), *after);
        storm.push(tokio::spawn(async move { storm_socket(&base, &token, Some(after)).await }));
    }
    let mut replayed = Vec::new();
    for task in storm {
        let (socket, _, n) = task.await.expect("reconnected");
        replayed.push(n);
        drop(socket);
    }
    let took = started.elapsed();
    eprintln!("reconnect storm: {STORM_SOCKETS} sockets back in {} ms", took.as_millis());
    assert!(took < STORM_BOUND, "took {took:?}");
    assert!(replayed[..STORM_SENDERS].iter().all(|n| *n == 1), "each sender replays its message once");
    assert!(replayed[STORM_SENDERS..].iter().all(|n| *n == 0), "the others replay nothing");
    server.kill().await;
}
