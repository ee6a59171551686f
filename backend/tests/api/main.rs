//! Integration tests: the real app over HTTP, on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod attachments;
mod auth;
mod backup;
mod bad_input;
mod connection_loss;
mod contacts;
mod dots;
mod event_log;
mod faults;
mod hardening;
mod health;
mod hostile;
mod identities;
mod isolation;
mod lists;
mod logs;
mod metrics;
mod operations;
mod pages;
mod permissions;
mod realtime;
mod retention;
mod saved_replies;
mod shutdown;
mod story;
mod visitor_sessions;
mod widget_settings;
