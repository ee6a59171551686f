//! The browser-test harness: a real Natter server on a free port (SQLite, an
//! injected clock), a real headless Chromium driven over WebDriver, visitor
//! helpers over REST and WebSocket, and artifacts when a test fails.

use backend::clock::ManualClock;
use backend::config::{Secret, Settings};
use backend::startup::{Application, ShutdownHandle};
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::{FutureExt, SinkExt, StreamExt};
use hyper_util::client::legacy::connect::HttpConnector;
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::api::*;
use shared::frames::VisitorServerFrame;
use shared::{AgentId, ConversationId};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use crate::sites::{AttackerSite, HostPage, HostSite};

pub const ADMIN_EMAIL: &str = "admin@natter.test";
pub const ADMIN_PASSWORD: &str = "correct horse battery";
pub const ADMIN_NAME: &str = "Admin";
/// How long a test waits for something to appear before it fails (a bound, not a sleep).
pub const PATIENCE: Duration = Duration::from_secs(20);

pub type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A running Natter.
pub struct Server {
    pub base: String,
    pub port: u16,
    pub clock: ManualClock,
    pub http: reqwest::Client,
    pub admin: TokenPair,
    data_dir: Arc<tempfile::TempDir>,
    shutdown: ShutdownHandle,
}

fn settings(data_dir: &Path, port: u16) -> Settings {
    let mut settings = Settings::for_data_dir(data_dir.to_path_buf());
    settings.bind = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    settings.admin_email = Some(ADMIN_EMAIL.into());
    settings.admin_password = Some(Secret(ADMIN_PASSWORD.into()));
    settings.web_dir = workspace().join("dist/inbox");
    settings.log = "warn".into();
    // Webhook receivers in these tests listen on 127.0.0.1.
    settings.webhook_allow_private = true;
    settings
}

async fn launch(data_dir: &Path, port: u16, clock: &ManualClock) -> (u16, ShutdownHandle) {
    launch_with(settings(data_dir, port), clock).await
}

async fn launch_with(settings: Settings, clock: &ManualClock) -> (u16, ShutdownHandle) {
    let app = Application::build_with_clock(settings, Arc::new(clock.clone())).await.expect("the app builds");
    let port = app.port();
    let shutdown = app.shutdown_handle();
    tokio::spawn(app.run_until_stopped());
    (port, shutdown)
}

impl Server {
    /// Starts a fresh server with its own data directory.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts a fresh server with settings changed by `tweak`.
    pub async fn start_with(tweak: impl FnOnce(&mut Settings)) -> Self {
        let index = workspace().join("dist/inbox/index.html");
        assert!(index.exists(), "the inbox is not built: run `just frontend` (or `just test`) first");
        let data_dir = Arc::new(tempfile::tempdir().expect("a temp dir"));
        let clock = ManualClock::new(chrono::Utc::now());
        let mut settings = settings(data_dir.path(), 0);
        tweak(&mut settings);
        let (port, shutdown) = launch_with(settings, &clock).await;
        let mut server = Self {
            base: format!("http://127.0.0.1:{port}"),
            port,
            clock,
            http: reqwest::Client::new(),
            admin: dummy_tokens(),
            data_dir,
            shutdown,
        };
        server.admin = server.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        server
    }

    /// Stops the server (every socket is closed with 1001).
    pub async fn stop(&self) {
        self.shutdown.shutdown().await;
    }

    /// Starts the server again on the same port and data.
    pub async fn start_again(&mut self) {
        let (_, shutdown) = launch(self.data_dir.path(), self.port, &self.clock).await;
        self.shutdown = shutdown;
    }

    /// Runs `work` against a second server on another port over the same data,
    /// then stops it: a change made while the first port is unreachable.
    pub async fn while_unreachable<F, Fut>(&self, work: F)
    where
        F: FnOnce(Server) -> Fut,
        Fut: Future<Output = ()>,
    {
        let clock = self.clock.clone();
        let (port, shutdown) = launch(self.data_dir.path(), 0, &clock).await;
        let other = Server {
            base: format!("http://127.0.0.1:{port}"),
            port,
            clock,
            http: self.http.clone(),
            admin: self.admin.clone(),
            data_dir: self.data_dir.clone(),
            shutdown: shutdown.clone(),
        };
        work(other).await;
        shutdown.shutdown().await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn call<T: DeserializeOwned>(&self, request: reqwest::RequestBuilder, expected: u16) -> T {
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        assert_eq!(status, expected, "unexpected answer: {text}");
        serde_json::from_str(if text.is_empty() { "null" } else { &text }).expect("a JSON answer")
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str, token: &str) -> T {
        self.call(self.http.get(self.url(path)).bearer_auth(token), 200).await
    }

    pub async fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, token: &str, body: &B, expected: u16) -> T {
        self.call(self.http.post(self.url(path)).bearer_auth(token).json(body), expected).await
    }

    pub async fn patch<B: Serialize, T: DeserializeOwned>(&self, path: &str, token: &str, body: &B) -> T {
        self.call(self.http.patch(self.url(path)).bearer_auth(token).json(body), 200).await
    }

    /// The status of an authorised GET.
    pub async fn status_of(&self, path: &str, token: &str) -> u16 {
        self.http.get(self.url(path)).bearer_auth(token).send().await.expect("an answer").status().as_u16()
    }

    pub async fn login(&self, email: &str, password: &str) -> TokenPair {
        let body = LoginRequest { email: email.into(), password: password.into() };
        self.call(self.http.post(self.url("/api/v1/auth/login")).json(&body), 200).await
    }

    /// Adds an agent and returns their id.
    pub async fn new_agent(&self, name: &str, email: &str) -> AgentId {
        let body =
            CreateAgent { name: name.into(), email: email.into(), password: "agent password 1".into(), role: None };
        let agent: Agent = self.post("/api/v1/agents", &self.admin.access_token, &body, 201).await;
        agent.id
    }

    /// Starts a visitor session, with the site key as the widget does.
    pub async fn new_visitor(&self) -> WidgetSession {
        let body =
            StartSession { page_url: Some("https://shop.example/pricing".into()), site_key: site_key(self).await };
        self.call(self.http.post(self.url("/api/v1/widget/sessions")).json(&body), 201).await
    }

    /// A visitor message; returns the visitor's conversation.
    pub async fn visitor_says(&self, visitor: &WidgetSession, text: &str) -> ConversationId {
        let body = WidgetPostMessage { body: text.into(), client_id: unique("v"), attachment_ids: vec![] };
        let _: VisitorMessage = self.post("/api/v1/widget/messages", &visitor.token, &body, 201).await;
        let thread: WidgetConversation = self.get("/api/v1/widget/conversation", &visitor.token).await;
        thread.conversation.expect("a conversation").id
    }

    /// What a visitor gets when they try to write (status and error code, if any).
    pub async fn visitor_tries(&self, visitor: &WidgetSession, text: &str) -> (u16, Option<String>) {
        let body = WidgetPostMessage { body: text.into(), client_id: unique("v"), attachment_ids: vec![] };
        let response =
            self.http.post(self.url("/api/v1/widget/messages")).bearer_auth(&visitor.token).json(&body).send().await;
        let response = response.expect("an answer");
        let status = response.status().as_u16();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        (status, body["error"]["code"].as_str().map(str::to_owned))
    }

    /// The visitor's WebSocket, as the widget opens it.
    pub async fn visitor_socket(&self, visitor: &WidgetSession) -> VisitorSocket {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let url = format!("ws://127.0.0.1:{}/api/v1/ws/visitor", self.port);
        let mut request = url.into_client_request().expect("a request");
        let protocols = format!("natter.v1, bearer.{}", visitor.token);
        request.headers_mut().insert("sec-websocket-protocol", protocols.parse().expect("a header"));
        let (stream, _) = tokio_tungstenite::connect_async(request).await.expect("the visitor socket opens");
        let mut socket = VisitorSocket { stream };
        loop {
            if let VisitorServerFrame::Ready { .. } = socket.next().await {
                return socket;
            }
        }
    }
}

fn dummy_tokens() -> TokenPair {
    TokenPair {
        access_token: String::new(),
        refresh_token: String::new(),
        expires_in: 0,
        agent: Agent {
            id: AgentId(Default::default()),
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

/// A unique id for client ids and names.
/// Waits until the server's state satisfies `check` (read again every 50 ms;
/// fails the test after [`PATIENCE`]): for changes a page makes without a sign of its own.
pub async fn server_until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < PATIENCE, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub fn unique(prefix: &str) -> String {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{prefix}-{}-{n}", std::process::id())
}

/// The visitor's side of the visitor WebSocket.
pub struct VisitorSocket {
    stream: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
}

impl VisitorSocket {
    /// The next frame (fails the test after [`PATIENCE`]).
    pub async fn next(&mut self) -> VisitorServerFrame {
        use tokio_tungstenite::tungstenite::Message as WsMessage;
        loop {
            let message = tokio::time::timeout(PATIENCE, self.stream.next()).await;
            match message.expect("a frame in time").expect("the socket stays open").expect("a readable frame") {
                WsMessage::Text(text) => return serde_json::from_str(&text).expect("a visitor frame"),
                WsMessage::Ping(data) => {
                    let _ = self.stream.send(WsMessage::Pong(data)).await;
                }
                _ => {}
            }
        }
    }

    /// The next message the visitor receives (skipping typing and other frames).
    pub async fn next_message(&mut self) -> VisitorMessage {
        loop {
            if let VisitorServerFrame::Message { message, .. } = self.next().await {
                return message;
            }
        }
    }
}

struct Driver {
    process: std::process::Child,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

async fn start_browser() -> (Driver, Client) {
    let port = free_port();
    let profile = tempfile::tempdir().expect("a profile dir");
    let process = std::process::Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromedriver runs (installed by `just browser`)");
    let driver = Driver { process, _profile: profile };
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,800",
        "--lang=en-US",
        &format!("--user-data-dir={}", driver._profile.path().display()),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "chrome".into());
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "binary": "/usr/bin/chromium", "args": args, "prefs": { "intl.accept_languages": "en-US,en" } }),
    );
    let started = Instant::now();
    loop {
        match ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => return (driver, client),
            Err(e) if started.elapsed() < PATIENCE => {
                let _ = e;
                tokio::task::yield_now().await;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("no WebDriver session: {e}"),
        }
    }
}

/// Runs a browser test: a fresh Chromium for `body`; when it fails, a screenshot
/// and the page's HTML are kept under `target/e2e-artifacts/<name>.*`.
pub async fn with_browser<F, Fut>(name: &str, body: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = TestResult>,
{
    let (driver, client) = start_browser().await;
    let browser = Browser { c: client.clone() };
    let outcome = std::panic::AssertUnwindSafe(body(browser)).catch_unwind().await;
    let failed = !matches!(outcome, Ok(Ok(())));
    if failed {
        let dir = workspace().join("target/e2e-artifacts");
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = client.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
        if let Ok(html) = client.source().await {
            let url = client.current_url().await.map(|u| u.to_string()).unwrap_or_default();
            let _ = std::fs::write(dir.join(format!("{name}.html")), format!("<!-- {url} -->\n{html}"));
        }
        eprintln!("artifacts of {name} saved in {}", dir.display());
    }
    let _ = client.close().await;
    drop(driver);
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("{name} failed: {e}"),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// A browser page, with finders and waits.
pub struct Browser {
    pub c: Client,
}

impl Browser {
    pub async fn goto(&self, url: &str) -> TestResult {
        Ok(self.c.goto(url).await?)
    }

    /// Waits for an element to exist.
    pub async fn find(&self, css: &str) -> Result<fantoccini::elements::Element, fantoccini::error::CmdError> {
        self.c.wait().at_most(PATIENCE).for_element(Locator::Css(css)).await
    }

    /// Does `act` on the element once it exists. A live page may re-render the
    /// element between finding and acting (a card whose dot just changed): then
    /// it is found again.
    async fn on_element<F, Fut>(&self, css: &str, act: F) -> TestResult
    where
        F: Fn(fantoccini::elements::Element) -> Fut,
        Fut: Future<Output = Result<(), fantoccini::error::CmdError>>,
    {
        let started = Instant::now();
        loop {
            match act(self.find(css).await?).await {
                Err(e) if e.is_stale_element_reference() && started.elapsed() < PATIENCE => continue,
                other => return Ok(other?),
            }
        }
    }

    /// Clicks an element once it exists.
    pub async fn click(&self, css: &str) -> TestResult {
        self.on_element(css, |e| async move { e.click().await }).await
    }

    /// Types into an element.
    pub async fn type_into(&self, css: &str, text: &str) -> TestResult {
        self.on_element(css, |e| async move { e.send_keys(text).await }).await
    }

    /// Presses a key in an element.
    pub async fn press(&self, css: &str, key: &fantoccini::key::Key) -> TestResult {
        self.on_element(css, |e| async move { e.send_keys(key).await }).await
    }

    /// Runs a script and returns its value.
    pub async fn js(&self, script: &str) -> Result<serde_json::Value, fantoccini::error::CmdError> {
        self.c.execute(script, vec![]).await
    }

    /// Waits until `script` (an expression) is truthy in the page.
    pub async fn until(&self, what: &str, expression: &str) -> TestResult {
        let script = format!("return !!({expression});");
        let started = Instant::now();
        loop {
            if self.js(&script).await?.as_bool() == Some(true) {
                return Ok(());
            }
            if started.elapsed() > PATIENCE {
                return Err(format!("timed out waiting for {what} ({expression})").into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the element's text contains `text`.
    pub async fn until_text(&self, css: &str, text: &str) -> TestResult {
        let expression = format!(
            "[...document.querySelectorAll({css:?})].some(e => e.textContent.includes({text:?}))",
            css = css,
            text = text
        );
        self.until(&format!("{css} to show {text:?}"), &expression).await
    }

    /// Waits until nothing matches `css`.
    pub async fn until_gone(&self, css: &str) -> TestResult {
        self.until(&format!("{css} to go"), &format!("!document.querySelector({css:?})")).await
    }

    /// Signs in through the login form and waits for the live inbox.
    pub async fn sign_in(&self, server: &Server, email: &str, password: &str) -> TestResult {
        self.goto(&server.url("/login")).await?;
        self.type_into("#email", email).await?;
        self.type_into("#password", password).await?;
        self.click("#login").await?;
        self.find("#nav-conversations").await?;
        self.until("the live link", "document.querySelector('#link-state')?.dataset.state === 'live'").await
    }
}

/// A conversation card's selector.
pub fn card(id: ConversationId) -> String {
    format!(".card[data-id='{id}']")
}

impl Browser {
    /// Opens the host page and the chat in it, and moves into the chat's frame.
    pub async fn open_widget(&self, site: &HostSite) -> TestResult {
        self.open_widget_at(&site.url).await
    }

    /// Opens the host page at `url` and the chat in it, and moves into the chat's frame.
    pub async fn open_widget_at(&self, url: &str) -> TestResult {
        self.goto(url).await?;
        self.until("the widget to load", "document.getElementById('natter-chat')?.dataset.ready === '1'").await?;
        self.js("natterChat('open'); return 1").await?;
        self.until("the widget to open", "document.getElementById('natter-chat').dataset.state === 'open'").await?;
        self.enter_chat().await
    }

    /// Moves into the chat's frame, through the loader's (closed) shadow root.
    pub async fn enter_chat(&self) -> TestResult {
        let host = self.find("#natter-chat").await?;
        let frame = host.shadow_root().await?.find(Locator::Css("#natter-frame")).await?;
        frame.enter_frame().await?;
        self.find(".chat").await?;
        Ok(())
    }

    /// Back to the host page.
    pub async fn leave_chat(&self) -> TestResult {
        Ok(self.c.enter_parent_frame().await?)
    }
}

/// The widget's site key.
pub async fn site_key(server: &Server) -> String {
    let settings: WidgetSettings = server.get("/api/v1/settings/widget", &server.admin.access_token).await;
    settings.site_key
}
