//! The test harness: a real server on port 0 with a fresh database (SQLite file
//! or a new PostgreSQL database), an injected clock and typed request helpers.

use backend::clock::ManualClock;
use backend::config::{Secret, Settings};
use backend::startup::Application;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::api::*;
use shared::{ConversationId, ErrorBody, ErrorCode};
use std::sync::Arc;

pub const ADMIN_EMAIL: &str = "admin@natter.test";
pub const ADMIN_PASSWORD: &str = "correct horse battery";

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A server reached over HTTP: its address, a client and the admin's tokens.
/// Every request helper lives here, so that a server in another process (a
/// cluster node) is driven exactly like one in this process.
#[derive(Clone)]
pub struct Remote {
    pub base: String,
    pub client: reqwest::Client,
    pub admin: TokenPair,
}

impl Remote {
    /// A server at `base` before anyone logged in.
    pub fn placeholder(base: String) -> Self {
        Self { base, client: reqwest::Client::new(), admin: placeholder_tokens() }
    }

    /// Logs the admin in at `base`.
    pub async fn connect(base: String) -> Self {
        let mut remote = Self::placeholder(base);
        remote.admin = remote.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        remote
    }
}

/// A running server in this process and what a test needs to talk to it.
pub struct TestApp {
    pub remote: Remote,
    pub clock: ManualClock,
    pub state: backend::state::AppState,
    pub data_dir: tempfile::TempDir,
    pub shutdown: backend::startup::ShutdownHandle,
    pg_database: Option<String>,
}

pub fn pg_admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

pub fn pg_url_for(database: &str) -> String {
    let admin = pg_admin_url();
    let (base, _) = admin.rsplit_once('/').unwrap_or((&admin, ""));
    format!("{base}/{database}")
}

pub async fn pg_execute(sql: String) -> Result<(), sea_orm::DbErr> {
    use sea_orm::ConnectionTrait;
    let conn = sea_orm::Database::connect(pg_admin_url()).await?;
    conn.execute_unprepared(&sql).await?;
    conn.close().await
}

/// Starts the app on `backend`, or `None` when PostgreSQL is not reachable and
/// `NATTER_REQUIRE_POSTGRES` is not set (then the test is skipped with a note).
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |_| {}).await
}

/// As [`spawn_app`], with settings adjusted by `tweak`.
pub async fn spawn_app_with(backend: Backend, tweak: impl FnOnce(&mut Settings)) -> Option<TestApp> {
    spawn_app_in(tempfile::tempdir().expect("temp dir"), backend, tweak).await
}

/// As [`spawn_app_with`], on a data dir that may already hold a database.
pub async fn spawn_app_in(
    data_dir: tempfile::TempDir,
    backend: Backend,
    tweak: impl FnOnce(&mut Settings),
) -> Option<TestApp> {
    let mut settings = Settings::for_data_dir(data_dir.path().to_path_buf());
    settings.admin_email = Some(ADMIN_EMAIL.into());
    settings.admin_password = Some(Secret(ADMIN_PASSWORD.into()));
    settings.log = "warn".into();
    let mut pg_database = None;
    if backend == Backend::Postgres {
        let name = format!("natter_t_{}", uuid::Uuid::new_v4().simple());
        if let Err(e) = pg_execute(format!("CREATE DATABASE {name}")).await {
            if std::env::var("NATTER_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                panic!("PostgreSQL is required but not reachable: {e}");
            }
            eprintln!("skipping: PostgreSQL is not reachable ({e})");
            return None;
        }
        settings.database_url = Some(Secret(pg_url_for(&name)));
        pg_database = Some(name);
    }
    tweak(&mut settings);
    let clock = ManualClock::new(chrono::Utc::now());
    let app = Application::build_with_clock(settings, Arc::new(clock.clone())).await.expect("app builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    let shutdown = app.shutdown_handle();
    tokio::spawn(app.run_until_stopped());
    let remote = Remote::connect(base).await;
    let test = TestApp { remote, clock, state, data_dir, shutdown, pg_database };
    // Agents are online while connected: keep the admin's inbox open.
    test.hold_online(&test.admin.access_token.clone()).await;
    Some(test)
}

fn placeholder_tokens() -> TokenPair {
    TokenPair {
        access_token: String::new(),
        refresh_token: String::new(),
        expires_in: 0,
        agent: Agent {
            id: shared::AgentId(uuid::Uuid::nil()),
            name: String::new(),
            email: String::new(),
            role: Role::Agent,
            availability: Availability::Offline,
            active: false,
            capacity: None,
            created_at: chrono::Utc::now(),
        },
    }
}

impl std::ops::Deref for TestApp {
    type Target = Remote;
    fn deref(&self) -> &Remote {
        &self.remote
    }
}

impl std::ops::DerefMut for TestApp {
    fn deref_mut(&mut self) -> &mut Remote {
        &mut self.remote
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(name) = self.pg_database.take() {
            // Drop the database from a thread of its own: this runtime is ending.
            let _ = std::thread::spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    let _ = rt.block_on(pg_execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")));
                }
            })
            .join();
        }
    }
}

/// An answer: status, headers and body.
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub bytes: bytes::Bytes,
}

impl Answer {
    pub async fn from(response: Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body");
        Self { status, headers, bytes }
    }

    /// The body as `T`, asserting the status first.
    #[track_caller]
    pub fn json<T: DeserializeOwned>(&self, status: u16) -> T {
        assert_eq!(self.status.as_u16(), status, "body: {}", String::from_utf8_lossy(&self.bytes));
        serde_json::from_slice(&self.bytes).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.bytes)))
    }

    /// Asserts an error answer with `status` and `code`.
    #[track_caller]
    pub fn error(&self, status: u16, code: ErrorCode) {
        let body: ErrorBody = self.json(status);
        assert_eq!(body.error.code, code, "message: {}", body.error.message);
    }
}

impl Remote {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let builder = self.client.request(method, self.url(path));
        match token {
            Some(t) => builder.bearer_auth(t),
            None => builder,
        }
    }

    pub async fn send(&self, builder: RequestBuilder) -> Answer {
        Answer::from(builder.send().await.expect("request sent")).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.send(self.request(Method::GET, path, Some(token))).await
    }

    pub async fn post<B: Serialize>(&self, path: &str, token: &str, body: &B) -> Answer {
        self.send(self.request(Method::POST, path, Some(token)).json(body)).await
    }

    pub async fn post_empty(&self, path: &str, token: &str) -> Answer {
        self.send(self.request(Method::POST, path, Some(token))).await
    }

    pub async fn patch<B: Serialize>(&self, path: &str, token: &str, body: &B) -> Answer {
        self.send(self.request(Method::PATCH, path, Some(token)).json(body)).await
    }

    pub async fn put<B: Serialize>(&self, path: &str, token: &str, body: &B) -> Answer {
        self.send(self.request(Method::PUT, path, Some(token)).json(body)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Answer {
        self.send(self.request(Method::DELETE, path, Some(token))).await
    }

    pub fn admin_token(&self) -> &str {
        &self.admin.access_token
    }

    pub async fn login(&self, email: &str, password: &str) -> TokenPair {
        let body = LoginRequest { email: email.into(), password: password.into() };
        self.send(self.request(Method::POST, "/api/v1/auth/login", None).json(&body)).await.json(200)
    }

    /// Creates an agent (as admin), logs them in and keeps their inbox open.
    pub async fn new_agent(&self, name: &str, role: Role) -> TokenPair {
        let tokens = self.new_offline_agent(name, role).await;
        self.hold_online(&tokens.access_token).await;
        tokens
    }

    /// Creates an agent (as admin) and logs them in, without connecting.
    pub async fn new_offline_agent(&self, name: &str, role: Role) -> TokenPair {
        let email = format!("{}@natter.test", name.to_lowercase());
        let input =
            CreateAgent { name: name.into(), email: email.clone(), password: "password123".into(), role: Some(role) };
        let _: Agent = self.post("/api/v1/agents", self.admin_token(), &input).await.json(201);
        self.login(&email, "password123").await
    }

    /// The widget's site key (from the admin's settings).
    pub async fn site_key(&self) -> String {
        let settings: WidgetSettings = self.get("/api/v1/settings/widget", self.admin_token()).await.json(200);
        settings.site_key
    }

    /// Starts a visitor session, with the site key as the widget does.
    pub async fn new_visitor(&self) -> WidgetSession {
        let site_key = self.site_key().await;
        let body = StartSession { page_url: Some("https://shop.example/pricing".into()), site_key };
        self.send(self.request(Method::POST, "/api/v1/widget/sessions", None).json(&body)).await.json(201)
    }

    /// A visitor message; returns the visitor's conversation id.
    pub async fn visitor_says(&self, visitor: &WidgetSession, text: &str) -> ConversationId {
        let body = WidgetPostMessage {
            body: text.into(),
            client_id: uuid::Uuid::new_v4().to_string(),
            attachment_ids: vec![],
        };
        let _: VisitorMessage = self.post("/api/v1/widget/messages", &visitor.token, &body).await.json(201);
        let thread: WidgetConversation = self.get("/api/v1/widget/conversation", &visitor.token).await.json(200);
        thread.conversation.expect("a conversation").id
    }

    /// Posts a reply or comment as `token`.
    pub async fn agent_says(&self, token: &str, conv: ConversationId, kind: PostKind, text: &str) -> Message {
        let body = PostMessage {
            kind,
            body: text.into(),
            client_id: uuid::Uuid::new_v4().to_string(),
            attachment_ids: vec![],
        };
        self.post(&format!("/api/v1/conversations/{conv}/messages"), token, &body).await.json(201)
    }

    /// The conversation as `token` sees it.
    pub async fn conversation(&self, token: &str, conv: ConversationId) -> Conversation {
        let detail: ConversationDetail = self.get(&format!("/api/v1/conversations/{conv}"), token).await.json(200);
        detail.conversation
    }

    /// Uploads files as `token` to `path`.
    pub async fn upload(&self, path: &str, token: &str, files: &[(&str, Vec<u8>)]) -> Answer {
        let mut form = reqwest::multipart::Form::new();
        for (name, bytes) in files {
            form = form.part("file", reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.to_string()));
        }
        self.send(self.request(Method::POST, path, Some(token)).multipart(form)).await
    }
}

/// Runs each named test on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use $crate::helpers::{Backend, spawn_app};
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = spawn_app(Backend::Sqlite).await {
                    super::$name(app).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = spawn_app(Backend::Postgres).await {
                    super::$name(app).await;
                }
            }
        }
    )*};
}

/// Runs each named test on SQLite and on PostgreSQL, with the settings changed
/// by `tweak` (a function of the calling module).
#[macro_export]
macro_rules! on_both_databases_with {
    ($tweak:ident; $($name:ident),* $(,)?) => {$(
        mod $name {
            use $crate::helpers::{Backend, spawn_app_with};
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = spawn_app_with(Backend::Sqlite, super::$tweak).await {
                    super::$name(app).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = spawn_app_with(Backend::Postgres, super::$tweak).await {
                    super::$name(app).await;
                }
            }
        }
    )*};
}

/// A WebSocket client speaking Natter's frames.
pub struct Ws {
    stream: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
}

/// How long a test waits for a frame before failing (a guard, not a sleep).
pub const FRAME_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// What came out of the socket.
#[derive(Debug)]
pub enum Received<T> {
    Frame(T),
    Closed(Option<u16>),
}

impl Remote {
    /// Opens a socket at `path` with `token` in the subprotocol, or returns the HTTP status it was refused with.
    pub async fn ws(&self, path: &str, token: &str, origin: Option<&str>) -> Result<Ws, u16> {
        open_ws(&self.base, path, token, origin).await
    }

    /// An agent's socket, after its `ready` frame.
    pub async fn agent_ws(&self, token: &str, after: Option<i64>) -> (Ws, i64) {
        let path = match after {
            Some(after) => format!("/api/v1/ws/agent?after={after}"),
            None => "/api/v1/ws/agent".to_owned(),
        };
        let mut ws = self.ws(&path, token, None).await.expect("agent socket");
        let ready = ws
            .until(|f: &shared::frames::AgentServerFrame| matches!(f, shared::frames::AgentServerFrame::Ready { .. }))
            .await;
        let shared::frames::AgentServerFrame::Ready { last_seq, .. } = ready else { unreachable!() };
        (ws, last_seq)
    }

    /// A visitor's socket, after its `ready` frame.
    pub async fn visitor_ws(&self, token: &str, after: Option<i64>) -> Ws {
        let path = match after {
            Some(after) => format!("/api/v1/ws/visitor?after={after}&page=https%3A%2F%2Fshop.example%2Fcart"),
            None => "/api/v1/ws/visitor?page=https%3A%2F%2Fshop.example%2Fcart".to_owned(),
        };
        let mut ws = self.ws(&path, token, None).await.expect("visitor socket");
        ws.until(|f: &shared::frames::VisitorServerFrame| {
            matches!(f, shared::frames::VisitorServerFrame::Ready { .. })
        })
        .await;
        ws
    }

    /// A visitor's socket after its `ready` frame, or `None` when the server
    /// can't be reached or refuses (a node that is down).
    pub async fn try_visitor_ws(&self, token: &str, after: Option<i64>) -> Option<Ws> {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let after = after.map(|a| format!("?after={a}")).unwrap_or_default();
        let url = format!("{}/api/v1/ws/visitor{after}", self.base.replace("http://", "ws://"));
        let mut request = url.into_client_request().expect("request");
        let protocols = format!("{}, {}{token}", shared::frames::PROTOCOL, shared::frames::BEARER_PROTOCOL_PREFIX);
        request.headers_mut().insert("sec-websocket-protocol", protocols.parse().expect("header"));
        let (stream, _) = tokio_tungstenite::connect_async(request).await.ok()?;
        let mut ws = Ws { stream };
        loop {
            match ws.receive::<shared::frames::VisitorServerFrame>().await {
                Received::Frame(shared::frames::VisitorServerFrame::Ready { .. }) => return Some(ws),
                Received::Frame(_) => {}
                Received::Closed(_) => return None,
            }
        }
    }

    /// Keeps an agent connected (online) for the rest of the test.
    pub async fn hold_online(&self, token: &str) {
        let (mut ws, _) = self.agent_ws(token, None).await;
        tokio::spawn(async move { while ws.stream.next_message().await.is_some() {} });
    }
}

/// Opens a socket at `path` of the server at `base` with `token` in the
/// subprotocol, or returns the HTTP status it was refused with.
pub async fn open_ws(base: &str, path: &str, token: &str, origin: Option<&str>) -> Result<Ws, u16> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let url = format!("{}{path}", base.replace("http://", "ws://"));
    let mut request = url.into_client_request().expect("request");
    let protocols = format!("{}, {}{token}", shared::frames::PROTOCOL, shared::frames::BEARER_PROTOCOL_PREFIX);
    request.headers_mut().insert("sec-websocket-protocol", protocols.parse().expect("header"));
    if let Some(origin) = origin {
        request.headers_mut().insert("origin", origin.parse().expect("header"));
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((stream, response)) => {
            let protocol = response.headers().get("sec-websocket-protocol").and_then(|v| v.to_str().ok());
            assert_eq!(protocol, Some(shared::frames::PROTOCOL));
            Ok(Ws { stream })
        }
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => Err(response.status().as_u16()),
        Err(e) => panic!("connect failed: {e}"),
    }
}

trait NextMessage {
    async fn next_message(&mut self) -> Option<tokio_tungstenite::tungstenite::Message>;
}

impl NextMessage for tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    async fn next_message(&mut self) -> Option<tokio_tungstenite::tungstenite::Message> {
        use futures_util::StreamExt;
        self.next().await.and_then(Result::ok)
    }
}

impl Ws {
    /// Sends a frame as JSON.
    pub async fn send<T: Serialize>(&mut self, frame: &T) {
        self.send_text(serde_json::to_string(frame).expect("json")).await;
    }

    /// Sends a frame as JSON; `false` if the connection is gone.
    pub async fn try_send<T: Serialize>(&mut self, frame: &T) -> bool {
        use futures_util::SinkExt;
        let text = serde_json::to_string(frame).expect("json");
        self.stream.send(tokio_tungstenite::tungstenite::Message::text(text)).await.is_ok()
    }

    /// Sends raw text.
    pub async fn send_text(&mut self, text: String) {
        use futures_util::SinkExt;
        self.stream.send(tokio_tungstenite::tungstenite::Message::text(text)).await.expect("sent");
    }

    /// Sends raw bytes.
    pub async fn send_binary(&mut self, bytes: Vec<u8>) {
        use futures_util::SinkExt;
        let _ = self.stream.send(tokio_tungstenite::tungstenite::Message::binary(bytes)).await;
    }

    /// Writes raw bytes to the connection, under the WebSocket framing (for frames
    /// a well-behaved client would never send).
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        use tokio::io::AsyncWriteExt;
        let tokio_tungstenite::MaybeTlsStream::Plain(tcp) = self.stream.get_mut() else { panic!("plain TCP") };
        let _ = tcp.write_all(bytes).await;
    }

    /// Sends a ping (control frame) with `payload`.
    pub async fn send_ping(&mut self, payload: Vec<u8>) {
        use futures_util::SinkExt;
        let _ = self.stream.send(tokio_tungstenite::tungstenite::Message::Ping(payload.into())).await;
    }

    /// The next frame or the close, waiting at most [`FRAME_TIMEOUT`].
    pub async fn receive<T: DeserializeOwned>(&mut self) -> Received<T> {
        use tokio_tungstenite::tungstenite::Message as M;
        loop {
            let message =
                tokio::time::timeout(FRAME_TIMEOUT, self.stream.next_message()).await.expect("a frame in time");
            match message {
                Some(M::Text(text)) => {
                    return Received::Frame(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")));
                }
                Some(M::Close(frame)) => return Received::Closed(frame.map(|f| u16::from(f.code))),
                None => return Received::Closed(None),
                Some(_) => {}
            }
        }
    }

    /// The next frame (failing on a close).
    pub async fn next<T: DeserializeOwned + std::fmt::Debug>(&mut self) -> T {
        match self.receive().await {
            Received::Frame(frame) => frame,
            Received::Closed(code) => panic!("socket closed ({code:?})"),
        }
    }

    /// Skips frames until one matches.
    pub async fn until<T: DeserializeOwned + std::fmt::Debug>(&mut self, wanted: impl Fn(&T) -> bool) -> T {
        loop {
            let frame: T = self.next().await;
            if wanted(&frame) {
                return frame;
            }
        }
    }

    /// Waits for the server to close; returns the close code.
    pub async fn closed(&mut self) -> Option<u16> {
        loop {
            if let Received::Closed(code) = self.receive::<serde_json::Value>().await {
                return code;
            }
        }
    }

    /// Closes from the client side.
    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
    }
}

/// A visitor's message for the writer, sent directly (no socket, no REST):
/// to fill the log or a batch quickly.
pub fn visitor_send(
    target: backend::db::posts::PostTarget,
    author: uuid::Uuid,
    client_id: &str,
    body: &str,
    now: i64,
) -> backend::db::posts::NewPost {
    backend::db::posts::NewPost {
        target,
        id: uuid::Uuid::now_v7(),
        kind: MessageKind::Visitor,
        agent_id: None,
        author_id: author,
        author_name: None,
        body: body.into(),
        html: format!("<p>{body}</p>"),
        preview: Some(body.into()),
        client_id: client_id.into(),
        attachments: Vec::new(),
        now,
    }
}
