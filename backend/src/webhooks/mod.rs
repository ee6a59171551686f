//! Webhooks: signed HTTP deliveries of the event log's events, from a durable
//! queue per endpoint (at least once, in order per endpoint, across restarts
//! and nodes), behind an SSRF guard.

pub mod catalog;
pub mod guard;
pub mod queue;
pub mod send;
pub mod sign;
mod worker;

pub use worker::spawn;
