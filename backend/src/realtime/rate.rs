//! The frame rate limit: a token bucket per socket; every frame the client
//! sends takes a token — text, binary, ping or pong.

use crate::metrics::{Limit, Metrics};
use std::time::Instant;

/// Sustained frames per second a client may send.
const RATE_PER_SEC: f64 = 20.0;
/// Burst of frames a client may send at once.
const BURST: f64 = 40.0;
/// Refused frames after which the connection is closed.
const MAX_STRIKES: u32 = 20;

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
