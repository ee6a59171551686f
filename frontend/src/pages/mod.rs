//! Screens.

pub mod contacts;
pub mod conversations;
pub mod login;
pub mod saved_replies;
pub mod settings;
pub mod shell;
pub mod visitors;
pub mod widget_settings;
