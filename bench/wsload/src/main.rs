//! Open-model WebSocket load: V visitors send at a fixed total rate, A agents receive every message.
//! Latency = time agent 0 receives a message - its scheduled send time (so a stalled sender counts);
//! ack latency = time the sending visitor gets the server's ack - the scheduled send time.
//! Protocols: `ws` (plain JSON relay, ?role=visitor|agent), `socketio` (Engine.IO v4 over websocket,
//! each emit with an ack id) and `natter` (sessions and logins over HTTP, then /api/v1/ws/visitor|agent
//! with the subprotocols `natter.v1` and `bearer.<token>`; the ack comes after the commit).
//! With --rate 0 the sockets stay idle (heartbeats only) for --secs: the server's RSS per socket.
//! With WSLOAD_SLOW=<file>, each delivery 4 ms late or more is listed there as "<scheduled send,
//! Unix µs> <latency µs>", to line up with the server's logs.
//! (Natter's copy of the shared side-by-side client: visitor sessions carry the widget's site key,
//! --agent-url puts the agents on another node of a cluster, and on loopback the connections come
//! from several source addresses.)
use clap::Parser;
use futures_util::{stream, SinkExt, StreamExt};
use hdrhistogram::Histogram;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{LazyLock, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, protocol::WebSocketConfig, Message};

#[derive(Parser, Clone)]
struct Args {
    /// ws | socketio | natter
    #[arg(long)]
    proto: String,
    /// ws://127.0.0.1:9302/ | ws://127.0.0.1:9301/socket.io/?EIO=4&transport=websocket | http://127.0.0.1:8080 (natter)
    #[arg(long)]
    url: String,
    #[arg(long, default_value_t = 1000)]
    visitors: usize,
    #[arg(long, default_value_t = 10)]
    agents: usize,
    /// Messages per second over all visitors; 0: idle sockets for --secs.
    #[arg(long, default_value_t = 1000)]
    rate: u64,
    /// Measured seconds.
    #[arg(long, default_value_t = 10)]
    secs: u64,
    /// Seconds sent at the rate before measuring.
    #[arg(long, default_value_t = 0)]
    warmup: u64,
    /// Most seconds to wait for late deliveries and acks after the last send.
    #[arg(long, default_value_t = 10)]
    drain: u64,
    /// natter: where the agents connect, when not to --url (another node of the cluster).
    #[arg(long)]
    agent_url: Option<String>,
    /// The server's process id, to report its memory.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Connections (and natter sessions) set up at once.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// natter: the admin, agent 0, who creates agents 1.. (same password).
    #[arg(long, env = "NATTER_ADMIN_EMAIL", default_value = "admin@natter.test")]
    email: String,
    #[arg(long, env = "NATTER_ADMIN_PASSWORD", default_value = "correct horse battery")]
    password: String,
}

const BODY: &str = "hola, necesito ayuda con mi pedido";
/// Every socket pings this often (staggered), on top of the servers' own heartbeats.
const HEARTBEAT: Duration = Duration::from_secs(15);

fn hist() -> Mutex<Histogram<u64>> {
    Mutex::new(Histogram::new_with_bounds(1, 600_000_000, 3).unwrap())
}
static DELIVERY: LazyLock<Mutex<Histogram<u64>>> = LazyLock::new(hist);
static ACK: LazyLock<Mutex<Histogram<u64>>> = LazyLock::new(hist);
static DELIVERED: AtomicU64 = AtomicU64::new(0);
static ACKED: AtomicU64 = AtomicU64::new(0);
/// Deliveries at least this late (µs) are listed with their send times when WSLOAD_SLOW names a file.
const SLOW_US: u64 = 4_000;
static SLOW: Mutex<Vec<(u64, u64)>> = Mutex::new(Vec::new());
/// The Unix time (µs) of the schedule's start, for the slow list.
static EPOCH_US: OnceLock<u64> = OnceLock::new();
static ERRORS: AtomicU64 = AtomicU64::new(0);
static RELOADS: AtomicU64 = AtomicU64::new(0);
static CLOSED: AtomicU64 = AtomicU64::new(0);
static FAILED: AtomicU64 = AtomicU64::new(0);
/// The schedule: (start, first send in ns since start, ns between sends, messages in the warm-up).
static SCHED: OnceLock<(Instant, f64, f64, u64)> = OnceLock::new();

fn sched_ns(t0: f64, interval: f64, id: u64) -> u64 {
    (t0 + id as f64 * interval) as u64
}

/// Records message `id` (now - its scheduled send time) unless it was sent in the warm-up.
fn record(h: &Mutex<Histogram<u64>>, count: &AtomicU64, id: u64) {
    let Some(&(start, t0, interval, warm)) = SCHED.get() else { return };
    if id < warm {
        return;
    }
    let now = start.elapsed().as_nanos() as u64;
    let us = (now.saturating_sub(sched_ns(t0, interval, id)) / 1000).max(1);
    let _ = h.lock().unwrap().record(us);
    if std::ptr::eq(h, &*DELIVERY) && us >= SLOW_US {
        let epoch = EPOCH_US.get().copied().unwrap_or(0);
        SLOW.lock().unwrap().push((epoch + sched_ns(t0, interval, id) / 1000, us));
    }
    count.fetch_add(1, Relaxed);
}

fn fail(what: &str, why: impl std::fmt::Display) {
    if FAILED.fetch_add(1, Relaxed) < 3 {
        eprintln!("{what} failed: {why}");
    }
}

/// What an incoming text frame means to the load.
enum In {
    Msg(u64),
    Ack(u64),
    Reply(&'static str),
    Error,
    Reload,
    Other,
}

fn classify(proto: &str, t: &str) -> In {
    let num = |s: &str| s.chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok();
    let found = match proto {
        "socketio" if t == "2" => Some(In::Reply("3")),
        "socketio" if t.starts_with("43") => num(&t[2..]).map(In::Ack), // 43<ack id = message id>[...]
        "socketio" => t
            .strip_prefix("42")
            .and_then(|b| serde_json::from_str::<Value>(b).ok())
            .and_then(|v| v[1]["id"].as_u64())
            .map(In::Msg),
        "ws" => serde_json::from_str::<Value>(t)
            .ok()
            .and_then(|v| v["ack"].as_u64().map(In::Ack).or(v["id"].as_u64().map(In::Msg))),
        _ => {
            // natter: serde writes the tag first ({"type":"ack",...}); the message id is in client_id "w<id>".
            let tag = t.strip_prefix("{\"type\":\"").and_then(|r| r.split('"').next()).unwrap_or("");
            let id = || t.split_once("\"client_id\":\"w").and_then(|(_, r)| num(r));
            match tag {
                "ack" => id().map(In::Ack),
                "event" if t.contains("\"type\":\"message_created\"") && t.contains("\"kind\":\"visitor\"") => {
                    id().map(In::Msg)
                }
                "error" => Some(In::Error),
                "reload_required" => Some(In::Reload),
                _ => None,
            }
        }
    };
    found.unwrap_or(In::Other)
}

#[derive(Clone, Copy, PartialEq)]
enum Role {
    Visitor,
    Agent0,
    Agent,
}

/// Connects client `i` of `n`; returns a sender for outgoing text, or None when it could not connect.
async fn client(
    a: &Args,
    role: Role,
    token: Option<String>,
    i: usize,
    n: usize,
) -> Option<mpsc::UnboundedSender<String>> {
    let name = if role == Role::Visitor { "visitor" } else { "agent" };
    let base = if role == Role::Visitor { &a.url } else { a.agent_url.as_ref().unwrap_or(&a.url) };
    let url = if a.proto == "natter" {
        format!("{}/api/v1/ws/{name}", base.replacen("http", "ws", 1).trim_end_matches('/'))
    } else {
        format!("{}{}role={name}", a.url, if a.url.contains('?') { '&' } else { '?' })
    };
    let mut req = url.into_client_request().ok()?;
    if let Some(t) = token {
        req.headers_mut().insert("sec-websocket-protocol", format!("natter.v1, bearer.{t}").parse().ok()?);
    }
    let config = WebSocketConfig::default().read_buffer_size(8192).write_buffer_size(0);
    let host = req.uri().authority().map(|a| a.to_string()).unwrap_or_default();
    let connected = match connect(&host).await {
        Ok(tcp) => tokio_tungstenite::client_async_with_config(req, tcp, Some(config)).await,
        Err(e) => Err(e.into()),
    };
    let ws = match connected {
        Ok((ws, _)) => ws,
        Err(e) => {
            fail(name, e);
            return None;
        }
    };
    let (mut sink, mut stream) = ws.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    if a.proto == "socketio" {
        let _open = stream.next().await; // "0{...}"
        sink.send(Message::text("40")).await.ok()?;
    }
    let first = tokio::time::Instant::now() + HEARTBEAT.mul_f64(i as f64 / n.max(1) as f64);
    tokio::spawn(async move {
        let mut beat = tokio::time::interval_at(first, HEARTBEAT);
        loop {
            let m = tokio::select! {
                m = rx.recv() => match m { Some(m) => Message::text(m), None => break },
                _ = beat.tick() => Message::Ping(Default::default()),
            };
            if sink.send(m).await.is_err() {
                break;
            }
        }
    });
    let (ptx, proto) = (tx.clone(), a.proto.clone());
    tokio::spawn(async move {
        while let Some(Ok(msg)) = stream.next().await {
            let Message::Text(t) = msg else { continue };
            if role == Role::Agent && t.as_str() != "2" {
                continue; // only agent 0 and the visitors look inside
            }
            match classify(&proto, t.as_str()) {
                In::Reply(r) => {
                    let _ = ptx.send(r.into());
                }
                In::Msg(id) if role == Role::Agent0 => record(&DELIVERY, &DELIVERED, id),
                In::Ack(id) if role == Role::Visitor => record(&ACK, &ACKED, id),
                In::Error => {
                    if ERRORS.fetch_add(1, Relaxed) < 3 {
                        eprintln!("error frame: {t}");
                    }
                }
                In::Reload => {
                    RELOADS.fetch_add(1, Relaxed);
                }
                _ => {}
            }
        }
        CLOSED.fetch_add(1, Relaxed);
    });
    Some(tx)
}

/// Loopback source addresses the client's connections take in turn (127.0.0.1, .2, …).
///
/// Each has its own ephemeral ports. From one address, the 18,000 session requests
/// and then 18,000 sockets of the idle run left the kernel searching the port range
/// at each connect (~1.3 ms each): this single-threaded client then sent some
/// upgrade requests 5 s after connecting, and the server answered 408 (its limit
/// on a request head). With a wider port range every socket connected.
const SOURCES: u64 = 8;
static NEXT_SOURCE: AtomicU64 = AtomicU64::new(0);

/// A TCP connection to `host` (ip:port), from the next loopback source address
/// when `host` is on loopback; Nagle's algorithm off.
async fn connect(host: &str) -> std::io::Result<tokio::net::TcpStream> {
    let addr = tokio::net::lookup_host(host)
        .await?
        .next()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, format!("no address for {host}")))?;
    let socket = if addr.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    if let std::net::IpAddr::V4(ip) = addr.ip() {
        if ip.is_loopback() {
            let n = (NEXT_SOURCE.fetch_add(1, Relaxed) % SOURCES) as u8;
            socket.bind((std::net::Ipv4Addr::new(127, 0, 0, 1 + n), 0).into())?;
        }
    }
    let stream = socket.connect(addr).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// One JSON POST over HTTP/1.1 (Connection: close); the answer's JSON, or Null.
async fn post(host: &str, path: &str, token: Option<&str>, body: Value) -> Value {
    request("POST", host, path, token, Some(body)).await
}

/// One request over HTTP/1.1 (Connection: close); the answer's JSON, or Null.
async fn request(method: &str, host: &str, path: &str, token: Option<&str>, body: Option<Value>) -> Value {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut out = Vec::new();
    let sent = async {
        let mut s = connect(host).await?;
        s.write_all(req.as_bytes()).await?;
        s.read_to_end(&mut out).await
    };
    let err = sent.await.err();
    let text = String::from_utf8_lossy(&out);
    match text.split_once("\r\n\r\n") {
        Some((head, json)) if err.is_none() && head.starts_with("HTTP/1.1 2") => serde_json::from_str(json)
            .unwrap_or_else(|e| {
                fail(path, e);
                Value::Null
            }),
        _ => {
            fail(path, err.map_or_else(|| text.lines().next().unwrap_or("").to_owned(), |e| e.to_string()));
            Value::Null
        }
    }
}

/// natter: agent 0 is the admin, who creates agents 1.. (each then logs in); each visitor gets a widget session.
async fn natter_tokens(a: &Args) -> (Vec<Option<String>>, Vec<Option<String>>) {
    let host = a.url.trim_start_matches("http://").trim_end_matches('/');
    let login = |email: String| async move {
        let v = post(host, "/api/v1/auth/login", None, json!({"email": email, "password": a.password})).await;
        v["access_token"].as_str().map(str::to_owned)
    };
    let mut agents: Vec<Option<String>> = Vec::new();
    for i in 0..a.agents {
        if i > 0 {
            let email = format!("wsload{i}@natter.test");
            let new = json!({"name": format!("Agent {i}"), "email": email, "password": a.password});
            post(host, "/api/v1/agents", agents[0].as_deref(), new).await;
            agents.push(login(email).await);
        } else {
            agents.push(login(a.email.clone()).await);
        }
    }
    // Visitor sessions need the widget's site key, as the widget sends it.
    let admin = match agents.first() {
        Some(token) => token.clone(),
        None => login(a.email.clone()).await,
    };
    let settings = request("GET", host, "/api/v1/settings/widget", admin.as_deref(), None).await;
    let site_key = settings["site_key"].as_str().unwrap_or_default().to_owned();
    let visitors = stream::iter(0..a.visitors)
        .map(|i| {
            let body = json!({"site_key": site_key, "page_url": format!("https://shop.example/p/{i}")});
            post(host, "/api/v1/widget/sessions", None, body)
        })
        .buffer_unordered(a.concurrency)
        .map(|v| v["token"].as_str().map(str::to_owned))
        .collect()
        .await;
    (agents, visitors)
}

/// CPU time of this thread (the runtime with every socket), in ns: is the client itself the bottleneck?
fn cpu_ns() -> u64 {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    stat.split_whitespace().next().and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn merge(out: &mut Value, more: Value) {
    if let (Some(o), Value::Object(m)) = (out.as_object_mut(), more) {
        o.extend(m);
    }
}

fn proc_kib(pid: Option<u32>, key: &str) -> u64 {
    let status = pid.and_then(|p| std::fs::read_to_string(format!("/proc/{p}/status")).ok()).unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix(key)?.split_whitespace().next()?.parse().ok()).unwrap_or(0)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let a = Args::parse();
    let (agent_tokens, visitor_tokens) =
        if a.proto == "natter" { natter_tokens(&a).await } else { (vec![None; a.agents], vec![None; a.visitors]) };
    let rss_before = proc_kib(a.server_pid, "VmRSS:");
    let mut agents = Vec::new();
    for (i, token) in agent_tokens.into_iter().enumerate() {
        let role = if i == 0 { Role::Agent0 } else { Role::Agent };
        agents.extend(client(&a, role, token, i, a.agents).await);
    }
    let vs: Vec<_> = stream::iter(visitor_tokens.into_iter().enumerate())
        .map(|(i, token)| client(&a, Role::Visitor, token, i, a.visitors))
        .buffer_unordered(a.concurrency)
        .filter_map(|v| async { v })
        .collect()
        .await;
    let connected = (vs.len() + agents.len()) as u64;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_connected = proc_kib(a.server_pid, "VmRSS:");
    let mut out = json!({
        "proto": a.proto, "mode": if a.rate == 0 { "idle" } else { "load" }, "visitors": vs.len(), "agents": agents.len(),
        "failed": a.visitors + a.agents - connected as usize, "rate": a.rate, "secs": a.secs, "warmup": a.warmup,
        "rss_before_kib": rss_before, "rss_connected_kib": rss_connected,
    });
    if a.rate == 0 || vs.is_empty() {
        tokio::time::sleep(Duration::from_secs(a.secs)).await;
    } else {
        let warm = a.rate * a.warmup;
        let total = warm + a.rate * a.secs;
        let interval = 1e9 / a.rate as f64;
        let (start, cpu0) = (Instant::now(), cpu_ns());
        let t0 = start.elapsed().as_nanos() as f64;
        SCHED.set((start, t0, interval, warm)).unwrap();
        let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let _ = EPOCH_US.set(since_epoch.as_micros() as u64);
        let proto = a.proto.clone();
        // The schedule runs on its own OS thread: tokio's timer only has millisecond resolution.
        let sender = std::thread::spawn(move || {
            let mut i = 0u64;
            while i < total {
                let due = (((start.elapsed().as_nanos() as f64 - t0) / interval) as u64 + 1).min(total);
                while i < due {
                    let s = match proto.as_str() {
                        "natter" => json!({"type": "send", "client_id": format!("w{i}"), "body": BODY}).to_string(),
                        p => {
                            let m = json!({"id": i, "t": sched_ns(t0, interval, i), "body": BODY});
                            if p == "socketio" {
                                format!("42{i}[\"msg\",{m}]")
                            } else {
                                m.to_string()
                            }
                        }
                    };
                    let _ = vs[(i as usize) % vs.len()].send(s);
                    i += 1;
                }
                std::thread::sleep(Duration::from_micros(50));
            }
        });
        while !sender.is_finished() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let measured = total - warm;
        let busy = (cpu_ns() - cpu0) as f64 / start.elapsed().as_nanos() as f64;
        let drain = Instant::now();
        while drain.elapsed() < Duration::from_secs(a.drain)
            && ((!agents.is_empty() && DELIVERED.load(Relaxed) < measured) || ACKED.load(Relaxed) < measured)
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let q = |h: &Histogram<u64>, q: f64| (h.value_at_quantile(q) as f64 / 10.0).round() / 100.0;
        let (d, k) = (DELIVERY.lock().unwrap(), ACK.lock().unwrap());
        let (delivered, acked) = (DELIVERED.load(Relaxed), ACKED.load(Relaxed));
        if let Ok(path) = std::env::var("WSLOAD_SLOW") {
            let lines: String = SLOW.lock().unwrap().iter().map(|(at, us)| format!("{at} {us}\n")).collect();
            let _ = std::fs::write(path, lines);
        }
        merge(
            &mut out,
            json!({
                "sent": measured, "received_by_agent0": delivered, "lost": measured.saturating_sub(delivered),
                "p50_ms": q(&d, 0.5), "p99_ms": q(&d, 0.99), "p999_ms": q(&d, 0.999), "max_ms": q(&d, 1.0),
                "acked": acked, "ack_p50_ms": q(&k, 0.5), "ack_p99_ms": q(&k, 0.99), "ack_p999_ms": q(&k, 0.999),
                "drain_s": (drain.elapsed().as_secs_f64() * 10.0).round() / 10.0, "client_busy_pct": (busy * 100.0).round(),
            }),
        );
    }
    let rss_end = proc_kib(a.server_pid, "VmRSS:");
    merge(
        &mut out,
        json!({
            "rss_end_kib": rss_end, "rss_peak_kib": proc_kib(a.server_pid, "VmHWM:"),
            // What the sockets cost the server at the end: (RSS now - RSS before connecting) / sockets.
            "bytes_per_socket": rss_end.saturating_sub(rss_before) * 1024 / connected.max(1),
            "errors": ERRORS.load(Relaxed), "reloads": RELOADS.load(Relaxed), "closed_by_server": CLOSED.load(Relaxed),
            "setup_failures": FAILED.load(Relaxed),
        }),
    );
    println!("{out}");
    std::process::exit(0);
}
