//! The simulated visitors and agents.

use crate::Args;
use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use shared::api::{MessageKind, StartSession, TokenPair, WidgetSession, WidgetSettings};
use shared::events::Event;
use shared::frames::{AgentServerFrame, BEARER_PROTOCOL_PREFIX, PROTOCOL, VisitorClientFrame, VisitorServerFrame};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::net::TcpSocket;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Socket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

/// Connected clients.
pub struct Setup {
    /// One sender per visitor socket.
    pub visitors: Vec<mpsc::Sender<String>>,
    /// The agents' sockets.
    pub agents: Vec<Socket>,
    /// Connections that failed.
    pub failed_connections: usize,
}

/// What a run measured.
#[derive(Default)]
pub struct Outcome {
    /// Messages scheduled and handed to a visitor socket.
    pub sent: u64,
    /// Messages the schedule could not hand over (the visitor's queue was full).
    pub backlog: u64,
    /// Acks received by visitors.
    pub acked: u64,
    /// Error frames received.
    pub errors: u64,
    /// Messages received, summed over agents.
    pub delivered: u64,
    /// Seconds spent sending.
    pub seconds: f64,
    /// Seconds the server needed after the last send to answer and deliver everything.
    pub drain_seconds: f64,
    /// Delivery latency in microseconds, every (agent, message) pair.
    pub latency: Option<Histogram<u64>>,
}

fn now_nanos() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

fn server_addr(url: &str) -> anyhow::Result<SocketAddr> {
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    Ok(host.parse()?)
}

async fn connect(args: &Args, path: &str, token: &str, source: u8) -> anyhow::Result<Socket> {
    let server = server_addr(&args.url)?;
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, source)), 0))?;
    let stream = socket.connect(server).await?;
    let mut request = format!("ws://{server}{path}").into_client_request()?;
    request
        .headers_mut()
        .insert("sec-websocket-protocol", format!("{PROTOCOL}, {BEARER_PROTOCOL_PREFIX}{token}").parse()?);
    let (ws, _) = tokio_tungstenite::client_async(request, stream).await?;
    Ok(ws)
}

/// Logs in, creates visitor sessions and opens every socket.
pub async fn setup(args: &Args) -> anyhow::Result<Setup> {
    let http = reqwest::Client::new();
    let login: TokenPair = http
        .post(format!("{}/api/v1/auth/login", args.url))
        .json(&serde_json::json!({"email": args.email, "password": args.password}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    // New visitor sessions need the widget's site key, as the widget sends it.
    let widget: WidgetSettings = http
        .get(format!("{}/api/v1/settings/widget", args.url))
        .bearer_auth(&login.access_token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let sources = args.sources.max(1);
    let mut agents = Vec::new();
    let mut failed = 0;
    for i in 0..args.agents {
        match connect(args, "/api/v1/ws/agent", &login.access_token, 1 + (i % usize::from(sources)) as u8).await {
            Ok(ws) => agents.push(ws),
            Err(e) => {
                eprintln!("agent connection failed: {e}");
                failed += 1;
            }
        }
    }
    let results: Vec<anyhow::Result<mpsc::Sender<String>>> = futures_util::stream::iter(0..args.visitors)
        .map(|i| {
            let http = http.clone();
            let site_key = widget.site_key.clone();
            async move {
                let session: WidgetSession = http
                    .post(format!("{}/api/v1/widget/sessions", args.url))
                    .json(&StartSession { page_url: Some(format!("https://shop.example/p/{i}")), site_key })
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                let source = 1 + (i % usize::from(sources)) as u8;
                let ws = connect(args, "/api/v1/ws/visitor", &session.token, source).await?;
                Ok(spawn_visitor(ws))
            }
        })
        .buffer_unordered(args.connect_concurrency)
        .collect()
        .await;
    let mut visitors = Vec::new();
    for result in results {
        match result {
            Ok(v) => visitors.push(v),
            Err(e) => {
                if failed < 5 {
                    eprintln!("visitor connection failed: {e}");
                }
                failed += 1;
            }
        }
    }
    Ok(Setup { visitors, agents, failed_connections: failed })
}

static ACKED: AtomicU64 = AtomicU64::new(0);
static ERRORS: AtomicU64 = AtomicU64::new(0);

fn spawn_visitor(ws: Socket) -> mpsc::Sender<String> {
    let (tx, mut rx) = mpsc::channel::<String>(64);
    tokio::spawn(async move {
        let (mut write, mut read) = ws.split();
        loop {
            tokio::select! {
                outgoing = rx.recv() => match outgoing {
                    Some(text) => if write.send(WsMessage::text(text)).await.is_err() { return },
                    None => { let _ = write.close().await; return }
                },
                incoming = read.next() => match incoming {
                    Some(Ok(WsMessage::Text(text))) => match serde_json::from_str::<VisitorServerFrame>(&text) {
                        Ok(VisitorServerFrame::Ack { .. }) => { ACKED.fetch_add(1, Ordering::Relaxed); }
                        Ok(VisitorServerFrame::Error { .. }) => { ERRORS.fetch_add(1, Ordering::Relaxed); }
                        _ => {}
                    },
                    Some(Ok(_)) => {}
                    _ => return,
                },
            }
        }
    });
    tx
}

/// Sends at the fixed rate for the duration and measures delivery to every agent.
pub async fn run(args: &Args, visitors: Vec<mpsc::Sender<String>>, agents: Vec<Socket>) -> Outcome {
    let delivered = Arc::new(AtomicU64::new(0));
    let agent_count = agents.len() as u64;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut readers = Vec::new();
    for ws in agents {
        readers.push(tokio::spawn(read_agent(ws, delivered.clone(), stopped.clone())));
    }
    let mut outcome = Outcome::default();
    if visitors.is_empty() {
        let _ = stop.send(true);
        return outcome;
    }
    let period = Duration::from_nanos(1_000_000_000 / args.rate.max(1));
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let started = Instant::now();
    let total = args.rate * args.duration;
    for n in 0..total {
        tick.tick().await;
        let frame = VisitorClientFrame::Send {
            body: format!("lg:{}", now_nanos()),
            client_id: format!("lg-{n}"),
            attachment_ids: vec![],
        };
        let text = serde_json::to_string(&frame).unwrap_or_default();
        let visitor = &visitors[usize::try_from(n).unwrap_or(0) % visitors.len()];
        match visitor.try_send(text) {
            Ok(()) => outcome.sent += 1,
            Err(_) => outcome.backlog += 1,
        }
    }
    outcome.seconds = started.elapsed().as_secs_f64();
    // Drain (bounded): first every send answered, then every acknowledged message
    // delivered to every agent. Whatever is still missing then is reported as lost.
    let drain = Instant::now();
    while ACKED.load(Ordering::Relaxed) + ERRORS.load(Ordering::Relaxed) < outcome.sent
        && drain.elapsed() < Duration::from_secs(120)
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let expected = ACKED.load(Ordering::Relaxed) * agent_count;
    while delivered.load(Ordering::Relaxed) < expected && drain.elapsed() < Duration::from_secs(150) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    outcome.drain_seconds = drain.elapsed().as_secs_f64();
    let _ = stop.send(true);
    let mut merged: Option<Histogram<u64>> = None;
    for reader in readers {
        let Ok(h) = reader.await else { continue };
        match merged.as_mut() {
            Some(m) => {
                let _ = m.add(&h);
            }
            None => merged = Some(h),
        }
    }
    outcome.delivered = delivered.load(Ordering::Relaxed);
    outcome.acked = ACKED.load(Ordering::Relaxed);
    outcome.errors = ERRORS.load(Ordering::Relaxed);
    outcome.latency = merged;
    outcome
}

async fn read_agent(
    mut ws: Socket,
    delivered: Arc<AtomicU64>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Histogram<u64> {
    let mut histogram = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)
        .unwrap_or_else(|_| Histogram::new(3).unwrap_or_else(|_| unreachable!()));
    loop {
        let message = tokio::select! {
            message = ws.next() => message,
            _ = stop.changed() => break,
        };
        let Some(Ok(WsMessage::Text(text))) = message else {
            if message.is_none() {
                break;
            }
            continue;
        };
        let Ok(AgentServerFrame::Event { event: Event::MessageCreated { message, .. }, .. }) =
            serde_json::from_str::<AgentServerFrame>(&text)
        else {
            continue;
        };
        if message.kind != MessageKind::Visitor {
            continue;
        }
        let Some(sent) = message.body.strip_prefix("lg:").and_then(|t| t.parse::<u64>().ok()) else { continue };
        let micros = now_nanos().saturating_sub(sent) / 1000;
        let _ = histogram.record(micros.max(1));
        delivered.fetch_add(1, Ordering::Relaxed);
    }
    histogram
}
