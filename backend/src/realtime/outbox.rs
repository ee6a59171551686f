//! The sending half of a socket: every send is bounded in time, so a client
//! that stops reading can't hold its session (or the server's pings) for ever.

use actix_ws::{CloseCode, CloseReason, Session};
use bytestring::ByteString;
use serde::Serialize;
use std::time::Duration;

/// A client that does not take a frame within this time is gone.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a session stops.
#[derive(Debug)]
pub enum Halt {
    /// The client left, or is too slow to take what is sent.
    Gone,
    /// The database could not be read: the socket closes with 1011 and the
    /// client reconnects (and resumes) once it is back.
    Unavailable,
}

impl Halt {
    /// A database error met while serving a socket.
    pub fn unavailable(error: impl std::fmt::Display) -> Self {
        tracing::warn!(%error, "a socket could not read the database; closing it with 1011");
        Self::Unavailable
    }
}

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
    pub async fn send<T: Serialize>(&mut self, frame: &T) -> Result<(), Halt> {
        let text = serde_json::to_string(frame).map_err(|_| Halt::Gone)?;
        self.send_text(text.into()).await
    }

    /// Sends a frame already serialised (shared by every socket that gets it).
    pub async fn send_text(&mut self, text: ByteString) -> Result<(), Halt> {
        bounded(self.session.text(text)).await
    }

    /// Answers a ping.
    pub async fn pong(&mut self, bytes: &[u8]) -> Result<(), Halt> {
        bounded(self.session.pong(bytes)).await
    }

    /// Sends a ping.
    pub async fn ping(&mut self) -> Result<(), Halt> {
        bounded(self.session.ping(b"")).await
    }

    /// Closes with a code and reason.
    pub async fn close(&mut self, code: CloseCode, description: &str) {
        let reason = CloseReason { code, description: Some(description.to_owned()) };
        let _ = tokio::time::timeout(SEND_TIMEOUT, self.session.clone().close(Some(reason))).await;
    }
}

async fn bounded<E>(send: impl Future<Output = Result<(), E>>) -> Result<(), Halt> {
    match tokio::time::timeout(SEND_TIMEOUT, send).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(Halt::Gone),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::FromRequest;
    use actix_web::http::header;

    /// A session whose client never reads: nothing drains its queue (the
    /// response, which would, is kept but never polled).
    async fn unread_session() -> (actix_web::HttpResponse, Session) {
        let req = actix_web::test::TestRequest::default()
            .insert_header((header::UPGRADE, "websocket"))
            .insert_header((header::CONNECTION, "upgrade"))
            .insert_header((header::SEC_WEBSOCKET_VERSION, "13"))
            .insert_header((header::SEC_WEBSOCKET_KEY, "x3JJHMbDL1EzLkh9GBhXDw=="))
            .to_http_request();
        let body = actix_web::web::Payload::from_request(&req, &mut actix_web::dev::Payload::None).await.unwrap();
        let (response, session, _stream) = actix_ws::handle(&req, body).unwrap();
        (response, session)
    }

    #[tokio::test(start_paused = true)]
    async fn every_kind_of_send_gives_up_on_a_client_that_never_reads() {
        let (_response, session) = unread_session().await;
        let mut out = Outbox::new(session);
        let started = tokio::time::Instant::now();
        let mut sent = 0;
        while out.pong(b"p").await.is_ok() {
            sent += 1;
            assert!(sent < 1000, "the queue never filled");
        }
        assert!(started.elapsed() >= SEND_TIMEOUT, "gave up only after the send timeout");
        assert!(out.ping().await.is_err());
        assert!(out.send_text("x".into()).await.is_err());
    }
}
