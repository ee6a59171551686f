//! Integration tests: the real app over HTTP, on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod attachments;
mod auth;
mod backup;
mod bad_input;
mod cluster;
mod contacts;
mod dots;
mod email;
mod event_feed;
mod event_log;
mod health;
mod identities;
mod isolation;
mod lists;
mod logs;
mod metrics;
mod operations;
mod pages;
mod permissions;
mod realtime;
mod receiver;
mod retention;
mod s3;
mod saved_replies;
mod shutdown;
mod smtp;
mod story;
mod visitor_sessions;
mod webhooks;
mod widget_settings;
