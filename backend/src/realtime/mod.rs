//! Real time: the agents' and visitors' WebSockets and the hub that feeds them.
//!
//! Data flows one way: sockets call the domain (send, read, typing); the domain
//! writes through the writer; committed events and signals come back through
//! the bus to the [`hub`], which hands each socket what concerns it.

pub mod agent;
mod caps;
pub mod frame_guard;
mod handshake;
pub mod hub;
mod outbox;
mod rate;
mod session;
pub mod visitor;

use actix_web::web;
pub use caps::SocketCaps;
pub use hub::Hub;

/// Registers the WebSocket endpoints.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(agent::connect).service(visitor::connect);
}
