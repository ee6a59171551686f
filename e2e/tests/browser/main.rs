//! The inbox and the widget in a real browser: each test starts its own server and Chromium.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod assignment;
mod attention;
mod blocking;
mod bulk;
mod composer_files;
mod contacts;
mod email;
mod harness;
mod hours;
mod inbox;
mod labels;
mod list;
mod operations;
mod ratings;
mod reports;
mod saved_replies;
mod screens;
mod sites;
/// The API tests' real SMTP server (aiosmtpd), one source for both suites.
#[path = "../../../backend/tests/api/smtp.rs"]
mod smtp;
mod snooze;
mod webhooks;
mod widget;
mod widget_security;
