//! What both kinds of sessions share: the socket with a send timeout, the frame
//! rate limit, the heartbeat and the resume parameter.

use actix_ws::{CloseCode, CloseReason, Session};
use serde::Serialize;
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

    /// Answers a ping.
    pub async fn pong(&mut self, bytes: &[u8]) -> Result<(), Gone> {
        self.session.pong(bytes).await.map_err(|_| Gone)
    }

    /// Sends a ping.
    pub async fn ping(&mut self) -> Result<(), Gone> {
        self.session.ping(b"").await.map_err(|_| Gone)
    }

    /// Closes with a code and reason.
    pub async fn close(self, code: CloseCode, description: &str) {
        let reason = CloseReason { code, description: Some(description.to_owned()) };
        let _ = tokio::time::timeout(SEND_TIMEOUT, self.session.close(Some(reason))).await;
    }
}

/// A token bucket for incoming frames.
pub struct RateLimit {
    tokens: f64,
    last: Instant,
    strikes: u32,
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

impl Default for RateLimit {
    fn default() -> Self {
        Self { tokens: BURST, last: Instant::now(), strikes: 0 }
    }
}

impl RateLimit {
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
        if self.strikes > MAX_STRIKES { Verdict::Close } else { Verdict::Refuse }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_is_refused_then_closed() {
        let mut limit = RateLimit::default();
        let verdicts: Vec<Verdict> = (0..100).map(|_| limit.check()).collect();
        assert!(verdicts[..40].iter().all(|v| *v == Verdict::Allow));
        assert_eq!(verdicts[40], Verdict::Refuse);
        assert_eq!(verdicts.last(), Some(&Verdict::Close));
    }
}
