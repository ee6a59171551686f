//! The inbox and the widget in a real browser: each test starts its own server and Chromium.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod attention;
mod composer_files;
mod contacts;
mod harness;
mod inbox;
mod list;
mod operations;
mod saved_replies;
mod screens;
mod sites;
mod webhooks;
mod widget;
mod widget_security;
