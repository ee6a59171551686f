//! Caps on open sockets, per visitor token and per address: visitor tokens are
//! free, so one token or one address must not open sockets without end. Counted
//! per node (each node of a cluster holds its own sockets).

use crate::error::{ApiError, ApiResult};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use uuid::Uuid;

/// Seconds a refused client is told to wait.
const RETRY_AFTER_SECS: u64 = 5;

/// What a socket is counted under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    /// A visitor session (one token).
    Visitor(Uuid),
    /// A peer address.
    Address(IpAddr),
}

/// The open sockets, counted; `0` as a cap means no limit.
#[derive(Debug, Default)]
pub struct SocketCaps {
    per_visitor: usize,
    per_address: usize,
    open: Arc<Mutex<HashMap<Key, usize>>>,
}

/// Holds a socket's place under its caps; dropping it frees the place.
#[derive(Debug)]
pub struct Ticket {
    keys: Vec<Key>,
    open: Arc<Mutex<HashMap<Key, usize>>>,
}

impl SocketCaps {
    /// Caps of `per_visitor` sockets per visitor token and `per_address` per address.
    pub fn new(per_visitor: usize, per_address: usize) -> Self {
        Self { per_visitor, per_address, open: Arc::default() }
    }

    /// Takes a place for a socket from `address` (of visitor session `visitor`, if
    /// a visitor), or refuses with 429 `rate_limited` when a cap is reached.
    pub fn admit(&self, address: Option<IpAddr>, visitor: Option<Uuid>) -> ApiResult<Ticket> {
        let wanted = [(address.map(Key::Address), self.per_address), (visitor.map(Key::Visitor), self.per_visitor)];
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let full =
            wanted.iter().any(|(key, cap)| key.is_some_and(|k| *cap > 0 && open.get(&k).is_some_and(|n| n >= cap)));
        if full {
            return Err(ApiError::RateLimited(RETRY_AFTER_SECS));
        }
        let keys: Vec<Key> = wanted.iter().filter_map(|(key, _)| *key).collect();
        for key in &keys {
            *open.entry(*key).or_default() += 1;
        }
        Ok(Ticket { keys, open: self.open.clone() })
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        for key in &self.keys {
            if let Some(n) = open.get_mut(key) {
                *n -= 1;
                if *n == 0 {
                    open.remove(key);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_hold_per_token_and_per_address_and_free_on_drop() {
        let caps = SocketCaps::new(2, 3);
        let (a, b) = (Some(IpAddr::from([10, 0, 0, 1])), Some(IpAddr::from([10, 0, 0, 2])));
        let token = Some(Uuid::new_v4());
        let first = caps.admit(a, token).unwrap();
        let _second = caps.admit(b, token).unwrap();
        assert!(caps.admit(b, token).is_err(), "a third socket for one token");
        let _other = caps.admit(a, Some(Uuid::new_v4())).unwrap();
        let _agent = caps.admit(a, None).unwrap();
        assert!(caps.admit(a, None).is_err(), "a fourth socket from one address");
        drop(first);
        assert!(caps.admit(a, token).is_ok());
        assert!(SocketCaps::new(0, 0).admit(a, token).is_ok());
    }
}
