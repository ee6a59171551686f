//! What both kinds of sessions share: the socket with a send timeout, the frame
//! rate limit, the heartbeat and the resume parameter.

use crate::metrics::{Limit, Metrics};
use actix_ws::{AggregatedMessage, CloseCode, CloseReason, ProtocolError, Session};
use serde::Serialize;
use shared::ErrorCode;
use std::time::{Duration, Instant};

/// How often the server pings.
pub const PING_EVERY: Duration = Duration::from_secs(15);
/// A client silent for this long is dropped.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(45);
/// A client that does not take a frame within this time is dropped.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Sustained frames per second a client may send.
const RATE_PER_SEC: f64 = 20.0;
/// Burst of frames a client may send at once.
const BURST: f64 = 40.0;
/// Refused frames after which the connection is closed.
const MAX_STRIKES: u32 = 20;

/// `?after=<seq>` on the upgrade: resume after this sequence.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ResumeQuery {
    /// The last sequence the client saw.
    pub after: Option<i64>,
    /// The visitor's current page (visitor socket only).
    pub page: Option<String>,
}

/// The sending half of a socket.
pub struct Outbox {
    session: Session,
}

/// The client is gone or too slow: end the session.
#[derive(Debug)]
pub struct Gone;

impl Outbox {
    /// Wraps a session.
    pub fn new(session: Session) -> Self {
        Self { session }
    }

    /// Sends one frame as JSON; a client that does not take it in time is gone.
    pub async fn send<T: Serialize>(&mut self, frame: &T) -> Result<(), Gone> {
        let text = serde_json::to_string(frame).map_err(|_| Gone)?;
        match tokio::time::timeout(SEND_TIMEOUT, self.session.text(text)).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(Gone),
        }
    }

    /// Sends a frame already serialised (shared by every socket that gets it).
    pub async fn send_text(&mut self, text: bytestring::ByteString) -> Result<(), Gone> {
        match tokio::time::timeout(SEND_TIMEOUT, self.session.text(text)).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(Gone),
        }
    }

    /// Answers a ping.
    pub async fn pong(&mut self, bytes: &[u8]) -> Result<(), Gone> {
        self.session.pong(bytes).await.map_err(|_| Gone)
    }

    /// Sends a ping.
    pub async fn ping(&mut self) -> Result<(), Gone> {
        self.session.ping(b"").await.map_err(|_| Gone)
    }

    /// Closes with a code and reason.
    pub async fn close(&mut self, code: CloseCode, description: &str) {
        let reason = CloseReason { code, description: Some(description.to_owned()) };
        let _ = tokio::time::timeout(SEND_TIMEOUT, self.session.clone().close(Some(reason))).await;
    }
}

/// What became of one message from the client.
pub enum Inbound {
    /// A text frame for the session to handle.
    Frame(String),
    /// Nothing more to do (a ping answered, a frame refused with an error).
    Handled,
    /// The client said goodbye.
    Finished,
    /// The connection was closed for cause (oversized frame, flood, protocol error).
    Closed,
}

/// Handles the transport side of a client message: pings, binary and refused
/// frames, size and rate limits. `error` builds the session's error frame.
pub async fn receive<E: Serialize>(
    out: &mut Outbox,
    limit: &mut RateLimit,
    message: Option<Result<AggregatedMessage, ProtocolError>>,
    error: fn(ErrorCode, &str) -> E,
) -> Result<Inbound, Gone> {
    match message {
        Some(Ok(AggregatedMessage::Text(text))) => match limit.check() {
            Verdict::Allow => Ok(Inbound::Frame(text.to_string())),
            Verdict::Refuse => out.send(&error(ErrorCode::RateLimited, "slow down")).await.map(|()| Inbound::Handled),
            Verdict::Close => {
                out.close(CloseCode::Policy, "too many frames").await;
                Ok(Inbound::Closed)
            }
        },
        Some(Ok(AggregatedMessage::Binary(_))) => {
            out.send(&error(ErrorCode::MalformedRequest, "frames are JSON text")).await.map(|()| Inbound::Handled)
        }
        Some(Ok(AggregatedMessage::Ping(bytes))) => out.pong(&bytes).await.map(|()| Inbound::Handled),
        Some(Ok(AggregatedMessage::Pong(_))) => Ok(Inbound::Handled),
        Some(Ok(AggregatedMessage::Close(_))) | None => Ok(Inbound::Finished),
        Some(Err(ProtocolError::Overflow)) => {
            out.close(CloseCode::Size, "frame too large").await;
            Ok(Inbound::Closed)
        }
        Some(Err(_)) => {
            out.close(CloseCode::Protocol, "protocol error").await;
            Ok(Inbound::Closed)
        }
    }
}

/// A token bucket for incoming frames.
pub struct RateLimit {
    tokens: f64,
    last: Instant,
    strikes: u32,
    metrics: Metrics,
}

/// What to do with an incoming frame.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Handle it.
    Allow,
    /// Refuse it with an error frame.
    Refuse,
    /// Refused too often: close the connection.
    Close,
}

impl RateLimit {
    /// A full bucket; refusals are counted in `metrics`.
    pub fn new(metrics: Metrics) -> Self {
        Self { tokens: BURST, last: Instant::now(), strikes: 0, metrics }
    }

    /// Takes a token for a frame arriving now.
    pub fn check(&mut self) -> Verdict {
        let now = Instant::now();
        self.tokens = (self.tokens + now.duration_since(self.last).as_secs_f64() * RATE_PER_SEC).min(BURST);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Verdict::Allow;
        }
        self.strikes += 1;
        self.metrics.rate_limited(Limit::SocketFrames);
        if self.strikes > MAX_STRIKES { Verdict::Close } else { Verdict::Refuse }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_is_refused_then_closed() {
        let metrics = Metrics::new().unwrap();
        let mut limit = RateLimit::new(metrics.clone());
        let verdicts: Vec<Verdict> = (0..100).map(|_| limit.check()).collect();
        assert!(verdicts[..40].iter().all(|v| *v == Verdict::Allow));
        assert_eq!(verdicts[40], Verdict::Refuse);
        assert_eq!(verdicts.last(), Some(&Verdict::Close));
        assert!(metrics.render().unwrap().contains("natter_rate_limited_total{limit=\"socket_frames\"} 60"));
    }
}
