//! The socket loop, written once: the client's frames (size- and rate-limited,
//! every kind counted), the hub's items, the heartbeat with the idle timeout,
//! and shutdown. Agents' and visitors' sessions supply only their own handling
//! ([`Handler`]).

use super::frame_guard::is_oversized;
use super::hub::{Item, Membership};
pub use super::outbox::Halt;
use super::outbox::Outbox;
use super::rate::{RateLimit, Verdict};
use crate::bus::Signal;
use crate::events::StoredEvent;
use crate::metrics::Metrics;
use actix_ws::{AggregatedMessage, AggregatedMessageStream, CloseCode, ProtocolError, Session};
use bytestring::ByteString;
use shared::ErrorCode;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How often the server pings.
pub const PING_EVERY: Duration = Duration::from_secs(15);
/// A client silent for this long is dropped.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(45);

/// `?after=<seq>` on the upgrade: resume after this sequence.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ResumeQuery {
    /// The last sequence the client saw.
    pub after: Option<i64>,
    /// The visitor's current page (visitor socket only).
    pub page: Option<String>,
}

/// Whether a session goes on.
pub enum Flow {
    /// Go on.
    Continue,
    /// Close the socket with this code and reason.
    Close(CloseCode, &'static str),
}

/// What an agent's or a visitor's session does with its socket.
pub trait Handler {
    /// The session's error frame, serialised.
    fn refusal(&self, code: ErrorCode, message: &str) -> ByteString;
    /// Replays what was missed (or asks for a reload), then says ready; returns
    /// the last sequence sent.
    async fn start(&mut self, out: &mut Outbox, after: Option<i64>) -> Result<i64, Halt>;
    /// Sends what the log holds after `after`; returns the last sequence sent.
    async fn catch_up(&mut self, out: &mut Outbox, after: i64) -> Result<i64, Halt>;
    /// A text frame from the client.
    async fn frame(&mut self, out: &mut Outbox, text: &str) -> Result<Flow, Halt>;
    /// An event newer than any sent so far.
    async fn event(&mut self, out: &mut Outbox, event: &StoredEvent) -> Result<(), Halt>;
    /// A signal.
    async fn signal(&mut self, out: &mut Outbox, signal: &Signal) -> Result<(), Halt>;
    /// On every heartbeat: whether the session's credentials still hold.
    async fn heartbeat(&mut self, out: &mut Outbox) -> Result<Flow, Halt>;
}

/// How the loop ended.
enum End {
    /// The client left, or the connection was closed for cause already.
    Quiet,
    /// Close with this code and reason.
    Close(CloseCode, &'static str),
}

/// Runs a session until the client leaves, misbehaves or the server stops.
///
/// The handler's steps (reading the log, posting a message) are boxed while they
/// run: the task of a waiting socket, which every socket is nearly all the time,
/// holds only the loop (~3 KB with a visitor's session, instead of ~7 KB).
pub async fn run<H: Handler>(
    mut handler: H,
    session: Session,
    mut stream: AggregatedMessageStream,
    mut membership: Membership,
    mut shutdown: watch::Receiver<bool>,
    after: Option<i64>,
    metrics: Metrics,
) {
    let mut out = Outbox::new(session);
    let mut last = match Box::pin(handler.start(&mut out, after)).await {
        Ok(last) => last,
        Err(halt) => return end(out, halt.into()).await,
    };
    let mut limit = RateLimit::new(metrics);
    let mut heard = Instant::now();
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + PING_EVERY, PING_EVERY);
    let end_of_loop = loop {
        let step = tokio::select! {
            message = stream.recv() => {
                heard = Instant::now();
                Box::pin(inbound(&mut handler, &mut out, &mut limit, message)).await
            }
            item = membership.items.recv() => match item {
                Some(item) => {
                    let sent = match item {
                        Item::Event(event) if event.seq > last => {
                            last = event.seq;
                            Box::pin(handler.event(&mut out, &event)).await
                        }
                        Item::Signal(signal) => Box::pin(handler.signal(&mut out, &signal)).await,
                        Item::Event(_) | Item::Resync => Ok(()),
                    };
                    match sent {
                        Ok(()) if membership.fell_behind() => Box::pin(handler.catch_up(&mut out, last)).await.map(|seq| {
                            last = last.max(seq);
                            None
                        }),
                        Ok(()) => Ok(None),
                        Err(gone) => Err(gone),
                    }
                }
                None => Ok(Some(End::Quiet)),
            },
            _ = ping.tick() => {
                if heard.elapsed() > IDLE_TIMEOUT {
                    Ok(Some(End::Close(CloseCode::Away, "idle")))
                } else {
                    match Box::pin(handler.heartbeat(&mut out)).await {
                        Ok(Flow::Continue) => out.ping().await.map(|()| None),
                        Ok(Flow::Close(code, why)) => Ok(Some(End::Close(code, why))),
                        Err(gone) => Err(gone),
                    }
                }
            }
            _ = shutdown.changed() => Ok(Some(End::Close(CloseCode::Away, "server shutting down"))),
        };
        match step {
            Ok(None) => {}
            Ok(Some(end)) => break end,
            Err(halt) => break halt.into(),
        }
    };
    end(out, end_of_loop).await;
}

impl From<Halt> for End {
    fn from(halt: Halt) -> Self {
        match halt {
            Halt::Gone => Self::Quiet,
            Halt::Unavailable => Self::Close(CloseCode::Error, "the server can't read its database; reconnect"),
        }
    }
}

async fn end(mut out: Outbox, how: End) {
    if let End::Close(code, why) = how {
        out.close(code, why).await;
    }
}

/// One message from the client: every kind takes a token from the rate limit.
async fn inbound<H: Handler>(
    handler: &mut H,
    out: &mut Outbox,
    limit: &mut RateLimit,
    message: Option<Result<AggregatedMessage, ProtocolError>>,
) -> Result<Option<End>, Halt> {
    let message = match message {
        None | Some(Ok(AggregatedMessage::Close(_))) => return Ok(Some(End::Close(CloseCode::Normal, "bye"))),
        Some(Err(e)) if is_oversized(&e) => return Ok(Some(End::Close(CloseCode::Size, "frame too large"))),
        Some(Err(_)) => return Ok(Some(End::Close(CloseCode::Protocol, "protocol error"))),
        Some(Ok(message)) => message,
    };
    match limit.check() {
        Verdict::Allow => {}
        Verdict::Refuse => {
            return out.send_text(handler.refusal(ErrorCode::RateLimited, "slow down")).await.map(|()| None);
        }
        Verdict::Close => return Ok(Some(End::Close(CloseCode::Policy, "too many frames"))),
    }
    match message {
        AggregatedMessage::Text(text) => match handler.frame(out, &text).await? {
            Flow::Continue => Ok(None),
            Flow::Close(code, why) => Ok(Some(End::Close(code, why))),
        },
        AggregatedMessage::Binary(_) => {
            out.send_text(handler.refusal(ErrorCode::MalformedRequest, "frames are JSON text")).await.map(|()| None)
        }
        AggregatedMessage::Ping(bytes) => out.pong(&bytes).await.map(|()| None),
        AggregatedMessage::Pong(_) | AggregatedMessage::Close(_) => Ok(None),
    }
}
