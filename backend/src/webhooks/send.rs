//! One HTTP attempt: a signed POST with a timeout, redirects not followed.

use super::{guard, sign};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a receiver has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// What an attempt came to.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The receiver's status, if it answered.
    pub status: Option<u16>,
    /// Time taken, in milliseconds.
    pub latency_ms: i64,
    /// What went wrong (a non-2xx status, a refused target, a timeout…).
    pub error: Option<String>,
}

impl Outcome {
    /// Whether the receiver took it (2xx).
    pub fn delivered(&self) -> bool {
        self.error.is_none()
    }
}

/// What is sent.
pub struct Request<'a> {
    /// The endpoint's URL.
    pub url: &'a str,
    /// Its signing secret.
    pub secret: &'a str,
    /// The delivery id (the same on every retry).
    pub delivery: uuid::Uuid,
    /// The event's name.
    pub event: &'a str,
    /// The JSON body.
    pub body: &'a str,
    /// Unix seconds to sign with.
    pub now_secs: i64,
}

/// The client every attempt goes through: no proxy, no redirects, the guarded resolver.
pub fn client(allow_private: bool) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(TIMEOUT)
        .connect_timeout(Duration::from_secs(5))
        .user_agent(concat!("Natter-Webhooks/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(Arc::new(guard::GuardedResolver { allow_private }))
        .build()
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "webhook client with defaults");
            reqwest::Client::new()
        })
}

/// Sends one attempt; never fails, the outcome says what happened.
pub async fn attempt(client: &reqwest::Client, allow_private: bool, request: Request<'_>) -> Outcome {
    let started = Instant::now();
    let elapsed = |started: Instant| i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    if let Err(error) = guard::check_url(request.url, allow_private).await {
        return Outcome { status: None, latency_ms: 0, error: Some(error) };
    }
    let answer = client
        .post(request.url)
        .header("content-type", "application/json")
        .header("natter-delivery", request.delivery.to_string())
        .header("natter-event", request.event)
        .header("natter-signature", sign::signature(request.secret, request.now_secs, request.body))
        .body(request.body.to_owned())
        .send()
        .await;
    match answer {
        Ok(response) => {
            let status = response.status();
            let latency_ms = elapsed(started);
            let error = (!status.is_success()).then(|| format!("the receiver answered {status}"));
            Outcome { status: Some(status.as_u16()), latency_ms, error }
        }
        Err(e) => Outcome { status: None, latency_ms: elapsed(started), error: Some(describe(&e)) },
    }
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return format!("no answer within {} s", TIMEOUT.as_secs());
    }
    // The innermost cause says it best (a refused address, a connection refused).
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    format!("could not connect: {cause}")
}
