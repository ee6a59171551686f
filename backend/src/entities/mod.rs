//! SeaORM entities, one module per table.

pub mod agent_sessions;
pub mod agents;
pub mod api_keys;
pub mod attachments;
pub mod blocked_addresses;
pub mod contacts;
pub mod conversation_labels;
pub mod conversations;
pub mod email_threads;
pub mod event_log_horizon;
pub mod events;
pub mod group_members;
pub mod groups;
pub mod labels;
pub mod mail_cursor;
pub mod messages;
pub mod missed_episodes;
pub mod password_tokens;
pub mod read_markers;
pub mod routing_rules;
pub mod saved_replies;
pub mod stored;
pub mod visitor_sessions;
pub mod webhook_deliveries;
pub mod webhooks;
pub mod widget_settings;
