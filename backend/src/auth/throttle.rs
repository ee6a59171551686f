//! Login throttling per account and per IP address.

use crate::clock::Clock;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Failures allowed per account within the window.
const PER_ACCOUNT: u32 = 5;
/// Failures allowed per IP address within the window.
const PER_IP: u32 = 20;
/// The window, in seconds.
const WINDOW_SECS: i64 = 15 * 60;

#[derive(Clone, Copy)]
struct Window {
    started: i64,
    failures: u32,
}

/// Counts failed logins; refuses further attempts when a limit is reached.
#[derive(Clone)]
pub struct LoginThrottle {
    clock: Arc<dyn Clock>,
    windows: Arc<Mutex<HashMap<String, Window>>>,
}

impl LoginThrottle {
    /// A throttle reading time from `clock`.
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self { clock, windows: Arc::default() }
    }

    /// `Err(seconds to wait)` if the account or the address is locked out now.
    pub fn check(&self, account: &str, ip: &str) -> Result<(), u64> {
        let now = self.clock.now().timestamp();
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        windows.retain(|_, w| now - w.started < WINDOW_SECS);
        let wait = [(account_key(account), PER_ACCOUNT), (ip_key(ip), PER_IP)]
            .into_iter()
            .filter_map(|(key, limit)| windows.get(&key).filter(|w| w.failures >= limit))
            .map(|w| (w.started + WINDOW_SECS - now).max(1))
            .max();
        match wait {
            Some(secs) => Err(u64::try_from(secs).unwrap_or(1)),
            None => Ok(()),
        }
    }

    /// Records a failed attempt.
    pub fn failed(&self, account: &str, ip: &str) {
        let now = self.clock.now().timestamp();
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        for key in [account_key(account), ip_key(ip)] {
            windows.entry(key).or_insert(Window { started: now, failures: 0 }).failures += 1;
        }
    }

    /// Forgets the account's failures after a successful login.
    pub fn succeeded(&self, account: &str) {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        windows.remove(&account_key(account));
    }
}

/// Counts events per key in fixed windows and refuses them past a limit
/// (new visitor sessions per address: each one makes a contact).
#[derive(Clone)]
pub struct RateWindow {
    clock: Arc<dyn Clock>,
    limit: u32,
    window_secs: i64,
    windows: Arc<Mutex<HashMap<String, Window>>>,
}

impl RateWindow {
    /// At most `limit` events per key every `window_secs`; a limit of 0 allows everything.
    pub fn new(clock: Arc<dyn Clock>, limit: u32, window_secs: i64) -> Self {
        Self { clock, limit, window_secs, windows: Arc::default() }
    }

    /// Counts one event for `key`; `Err(seconds to wait)` once the limit is reached.
    pub fn hit(&self, key: &str) -> Result<(), u64> {
        if self.limit == 0 {
            return Ok(());
        }
        let now = self.clock.now().timestamp();
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        windows.retain(|_, w| now - w.started < self.window_secs);
        let window = windows.entry(key.to_owned()).or_insert(Window { started: now, failures: 0 });
        if window.failures >= self.limit {
            return Err(u64::try_from((window.started + self.window_secs - now).max(1)).unwrap_or(1));
        }
        window.failures += 1;
        Ok(())
    }
}

fn account_key(account: &str) -> String {
    format!("a:{}", account.trim().to_lowercase())
}

fn ip_key(ip: &str) -> String {
    format!("i:{ip}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    #[test]
    fn a_rate_window_refuses_past_its_limit_until_it_ends() {
        let clock = ManualClock::new(chrono::Utc::now());
        let window = RateWindow::new(Arc::new(clock.clone()), 2, 600);
        assert!(window.hit("1.2.3.4").is_ok() && window.hit("1.2.3.4").is_ok());
        assert_eq!(window.hit("1.2.3.4"), Err(600));
        assert!(window.hit("5.6.7.8").is_ok(), "per address");
        clock.advance(chrono::Duration::seconds(600));
        assert!(window.hit("1.2.3.4").is_ok());
        let open = RateWindow::new(Arc::new(clock), 0, 600);
        assert!((0..1000).all(|_| open.hit("1.2.3.4").is_ok()), "0 means no limit");
    }

    #[test]
    fn locks_an_account_after_five_failures_until_the_window_ends() {
        let clock = ManualClock::new(chrono::Utc::now());
        let throttle = LoginThrottle::new(Arc::new(clock.clone()));
        for _ in 0..PER_ACCOUNT {
            assert!(throttle.check("ana@x", "1.1.1.1").is_ok());
            throttle.failed("ana@x", "1.1.1.1");
        }
        let wait = throttle.check("Ana@X", "2.2.2.2").err();
        assert_eq!(wait, Some(u64::try_from(WINDOW_SECS).unwrap_or(0)));
        assert!(throttle.check("ben@x", "2.2.2.2").is_ok());
        clock.advance(chrono::Duration::seconds(WINDOW_SECS));
        assert!(throttle.check("ana@x", "1.1.1.1").is_ok());
    }

    #[test]
    fn locks_an_address_trying_many_accounts() {
        let throttle = LoginThrottle::new(Arc::new(ManualClock::new(chrono::Utc::now())));
        for n in 0..PER_IP {
            throttle.failed(&format!("user{n}@x"), "9.9.9.9");
        }
        assert!(throttle.check("someone@x", "9.9.9.9").is_err());
        assert!(throttle.check("someone@x", "8.8.8.8").is_ok());
    }
}
