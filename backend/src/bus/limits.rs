//! Counters in fixed windows, shared by every node through Redis (or kept in
//! this process): failed logins per account and per address, new visitor
//! sessions per address, frames refused per key.

use super::redis_link::RedisLink;
use crate::clock::Clock;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Failures allowed per account within the window.
const PER_ACCOUNT: u32 = 5;
/// Failures allowed per IP address within the window.
const PER_IP: u32 = 20;
/// The login window, in seconds.
const LOGIN_WINDOW_SECS: i64 = 15 * 60;

#[derive(Clone, Copy)]
struct Window {
    started: i64,
    count: u32,
}

/// Where the counts live.
#[derive(Clone)]
pub struct Counters {
    clock: Arc<dyn Clock>,
    local: Arc<Mutex<HashMap<String, Window>>>,
    link: Option<RedisLink>,
}

impl Counters {
    pub(super) fn new(clock: Arc<dyn Clock>, link: Option<RedisLink>) -> Self {
        Self { clock, local: Arc::default(), link }
    }

    /// Counts one for `key` in a window of `secs`: the count now and the seconds
    /// left in the window.
    async fn add(&self, key: &str, secs: i64) -> (u32, u64) {
        if let Some(link) = &self.link {
            let mut conn = link.conn();
            let key = link.key(&format!("limit:{key}"));
            let mut pipe = redis::pipe();
            pipe.incr(&key, 1).cmd("EXPIRE").arg(&key).arg(secs).arg("NX").ignore().ttl(&key);
            match pipe.query_async::<(u32, i64)>(&mut conn).await {
                Ok((count, ttl)) => return (count, u64::try_from(ttl.max(1)).unwrap_or(1)),
                Err(e) => tracing::warn!(error = %e, "rate limits: Redis unreachable; counting in this process"),
            }
        }
        let now = self.clock.now().timestamp();
        let mut windows = self.local.lock().unwrap_or_else(|p| p.into_inner());
        windows.retain(|_, w| now - w.started < secs);
        let window = windows.entry(key.to_owned()).or_insert(Window { started: now, count: 0 });
        window.count += 1;
        (window.count, u64::try_from((window.started + secs - now).max(1)).unwrap_or(1))
    }

    /// The count for `key` and the seconds left in its window, without counting.
    async fn get(&self, key: &str, secs: i64) -> (u32, u64) {
        if let Some(link) = &self.link {
            let mut conn = link.conn();
            let key = link.key(&format!("limit:{key}"));
            let mut pipe = redis::pipe();
            pipe.get(&key).ttl(&key);
            match pipe.query_async::<(Option<u32>, i64)>(&mut conn).await {
                Ok((count, ttl)) => return (count.unwrap_or(0), u64::try_from(ttl.max(1)).unwrap_or(1)),
                Err(e) => tracing::warn!(error = %e, "rate limits: Redis unreachable; counting in this process"),
            }
        }
        let now = self.clock.now().timestamp();
        let windows = self.local.lock().unwrap_or_else(|p| p.into_inner());
        match windows.get(key).filter(|w| now - w.started < secs) {
            Some(w) => (w.count, u64::try_from((w.started + secs - now).max(1)).unwrap_or(1)),
            None => (0, 0),
        }
    }

    async fn clear(&self, key: &str) {
        if let Some(link) = &self.link {
            let mut conn = link.conn();
            let result: redis::RedisResult<i64> =
                redis::cmd("DEL").arg(link.key(&format!("limit:{key}"))).query_async(&mut conn).await;
            if result.is_ok() {
                return;
            }
        }
        self.local.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }
}

/// Refuses logins after too many failures for an account or from an address.
#[derive(Clone)]
pub struct LoginThrottle {
    counters: Counters,
}

impl LoginThrottle {
    /// A throttle over `counters`.
    pub fn new(counters: Counters) -> Self {
        Self { counters }
    }

    /// `Err(seconds to wait)` if the account or the address is locked out now.
    pub async fn check(&self, account: &str, ip: &str) -> Result<(), u64> {
        let mut wait = None;
        for (key, limit) in [(account_key(account), PER_ACCOUNT), (ip_key(ip), PER_IP)] {
            let (count, left) = self.counters.get(&key, LOGIN_WINDOW_SECS).await;
            if count >= limit {
                wait = Some(wait.unwrap_or(0).max(left));
            }
        }
        wait.map_or(Ok(()), Err)
    }

    /// Records a failed attempt.
    pub async fn failed(&self, account: &str, ip: &str) {
        self.counters.add(&account_key(account), LOGIN_WINDOW_SECS).await;
        self.counters.add(&ip_key(ip), LOGIN_WINDOW_SECS).await;
    }

    /// Forgets the account's failures after a successful login.
    pub async fn succeeded(&self, account: &str) {
        self.counters.clear(&account_key(account)).await;
    }
}

/// Counts events per key in fixed windows and refuses them past a limit.
#[derive(Clone)]
pub struct RateWindow {
    counters: Counters,
    name: &'static str,
    limit: u32,
    window_secs: i64,
}

impl RateWindow {
    /// At most `limit` events per key every `window_secs`; a limit of 0 allows everything.
    pub fn new(counters: Counters, name: &'static str, limit: u32, window_secs: i64) -> Self {
        Self { counters, name, limit, window_secs }
    }

    /// Counts one event for `key`; `Err(seconds to wait)` past the limit.
    pub async fn hit(&self, key: &str) -> Result<(), u64> {
        if self.limit == 0 {
            return Ok(());
        }
        let (count, left) = self.counters.add(&format!("{}:{key}", self.name), self.window_secs).await;
        if count > self.limit { Err(left) } else { Ok(()) }
    }
}

fn account_key(account: &str) -> String {
    format!("login:a:{}", account.trim().to_lowercase())
}

fn ip_key(ip: &str) -> String {
    format!("login:i:{ip}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn counters(clock: &ManualClock) -> Counters {
        Counters::new(Arc::new(clock.clone()), None)
    }

    #[tokio::test]
    async fn a_rate_window_refuses_past_its_limit_until_it_ends() {
        let clock = ManualClock::new(chrono::Utc::now());
        let window = RateWindow::new(counters(&clock), "t", 2, 600);
        assert!(window.hit("1.2.3.4").await.is_ok() && window.hit("1.2.3.4").await.is_ok());
        assert_eq!(window.hit("1.2.3.4").await, Err(600));
        assert!(window.hit("5.6.7.8").await.is_ok(), "per address");
        clock.advance(chrono::Duration::seconds(600));
        assert!(window.hit("1.2.3.4").await.is_ok());
        let open = RateWindow::new(counters(&clock), "t", 0, 600);
        for _ in 0..1000 {
            assert!(open.hit("1.2.3.4").await.is_ok(), "0 means no limit");
        }
    }

    #[tokio::test]
    async fn locks_an_account_after_five_failures_until_the_window_ends() {
        let clock = ManualClock::new(chrono::Utc::now());
        let throttle = LoginThrottle::new(counters(&clock));
        for _ in 0..PER_ACCOUNT {
            assert!(throttle.check("ana@x", "1.1.1.1").await.is_ok());
            throttle.failed("ana@x", "1.1.1.1").await;
        }
        let wait = throttle.check("Ana@X", "2.2.2.2").await.err();
        assert_eq!(wait, Some(u64::try_from(LOGIN_WINDOW_SECS).unwrap_or(0)));
        assert!(throttle.check("ben@x", "2.2.2.2").await.is_ok());
        clock.advance(chrono::Duration::seconds(LOGIN_WINDOW_SECS));
        assert!(throttle.check("ana@x", "1.1.1.1").await.is_ok());
    }

    #[tokio::test]
    async fn locks_an_address_trying_many_accounts() {
        let throttle = LoginThrottle::new(counters(&ManualClock::new(chrono::Utc::now())));
        for n in 0..PER_IP {
            throttle.failed(&format!("user{n}@x"), "9.9.9.9").await;
        }
        assert!(throttle.check("someone@x", "9.9.9.9").await.is_err());
        assert!(throttle.check("someone@x", "8.8.8.8").await.is_ok());
    }
}
