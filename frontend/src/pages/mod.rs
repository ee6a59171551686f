//! Screens.

pub mod blocked_settings;
pub mod contacts;
pub mod conversations;
pub mod conversations_report;
pub mod hours_settings;
pub mod labels_settings;
pub mod login;
pub mod ratings_report;
pub mod reports;
pub mod routing_settings;
pub mod saved_replies;
pub mod set_password;
pub mod settings;
pub mod shell;
pub mod visitors;
pub mod webhooks_settings;
pub mod widget_settings;
