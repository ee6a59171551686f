//! The sending half of a socket: every send is bounded in time, so a client
//! that stops reading can't hold its session (or the server's pings) for ever.

use actix_ws::{CloseCode, CloseReason, Session};
use bytestring::ByteString;
use serde::Serialize;
use std::time::Duration;

/// A client that does not take a frame within this time is gone.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// The client is gone or too slow: end the session.
#[derive(Debug)]
pub struct Gone;

/// The sending half of a socket.
pub struct Outbox {
    session: Session,
}

impl Outbox {
    /// Wraps a session.
    pub fn new(session: Session) -> Self {
        Self { session }
    }

    /// Sends one frame as JSON.
    pub async fn send<T: Serialize>(&mut self, frame: &T) -> Result<(), Gone> {
        let text = serde_json::to_string(frame).map_err(|_| Gone)?;
        self.send_text(text.into()).await
    }

    /// Sends a frame already serialised (shared by every socket that gets it).
    pub async fn send_text(&mut self, text: ByteString) -> Result<(), Gone> {
        bounded(self.session.text(text)).await
    }

    /// Answers a ping.
    pub async fn pong(&mut self, bytes: &[u8]) -> Result<(), Gone> {
        bounded(self.session.pong(bytes)).await
    }

    /// Sends a ping.
    pub async fn ping(&mut self) -> Result<(), Gone> {
        bounded(self.session.ping(b"")).await
    }

    /// Closes with a code and reason.
    pub async fn close(&mut self, code: CloseCode, description: &str) {
        let reason = CloseReason { code, description: Some(description.to_owned()) };
        let _ = tokio::time::timeout(SEND_TIMEOUT, self.session.clone().close(Some(reason))).await;
    }
}

async fn bounded<E>(send: impl Future<Output = Result<(), E>>) -> Result<(), Gone> {
    match tokio::time::timeout(SEND_TIMEOUT, send).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(Gone),
    }
}
