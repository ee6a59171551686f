//! The rules: what each change does, checked and stored in one transaction.

pub mod api_keys;
pub mod attachments;
pub mod contacts;
pub mod conversation_actions;
pub mod conversations;
pub mod identity;
pub mod messages;
pub mod missed;
pub mod render;
pub mod roster;
pub mod saved_replies;
pub mod sessions;
pub mod team;
pub mod validate;
pub mod visitor_sessions;
pub mod widget;
pub mod widget_origins;
pub mod widget_settings;
