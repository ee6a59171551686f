//! The rules: what each change does, checked and stored in one transaction.

pub mod api_keys;
pub mod attachments;
pub mod contacts;
pub mod conversation_actions;
pub mod conversations;
pub mod email;
pub mod email_out;
pub mod event_feed;
pub mod identity;
pub mod labels;
pub mod messages;
pub mod missed;
pub mod password_links;
pub mod render;
pub mod roster;
pub mod saved_replies;
pub mod search;
pub mod sessions;
pub mod team;
pub mod upload_form;
pub mod validate;
pub mod visitor_sessions;
pub mod webhooks;
pub mod widget;
pub mod widget_origins;
pub mod widget_settings;
