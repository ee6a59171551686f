//! The inbox in a real browser: each test starts its own server and Chromium.

mod harness;
mod inbox;
mod screens;
mod widget;
