//! The Natter server as a library: `main` and the tests build it with
//! [`startup::Application`].

pub mod auth;
pub mod backup;
pub mod bus;
pub mod claims;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod entities;
pub mod error;
pub mod events;
pub mod hours;
#[cfg(test)]
mod layering;
pub mod listener;
pub mod mail;
pub mod metrics;
pub mod realtime;
pub mod retention;
pub mod roster;
pub mod routes;
pub mod secrets;
pub mod seed;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;
pub mod webhooks;
