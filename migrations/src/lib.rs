//! The Natter schema. One migration set for SQLite and PostgreSQL.
//!
//! Times are stored as milliseconds since the Unix epoch (`BIGINT`): they compare
//! and sort the same way on both databases, which the missed-conversation rule's
//! conditional `UPDATE` and the cursors rely on.

pub use sea_orm_migration::prelude::*;

mod m20261125_000001_create_team;
mod m20261125_000002_create_contacts;
mod m20261125_000003_create_conversations;
mod m20261125_000004_create_workspace_tables;
mod m20261125_000005_create_events;
mod m20261126_000006_create_widget_settings;
mod m20261129_000010_add_visitor_session_last_used;
mod m20261129_000020_create_event_log_horizon;
mod m20261129_000030_drop_event_conversation_index;
mod m20261206_000031_index_missed_deadlines;
mod m20261206_000050_create_webhooks;
mod m20261206_000051_create_email_tables;
mod m20261206_000060_create_search_index;
mod m20261206_000061_search_query_from_words;
mod m20261206_000070_index_known_contacts;
mod m20261206_000080_create_labels;
mod m20261206_000090_add_snooze;
mod m20261206_000100_create_blocked_addresses;
mod m20261206_000110_create_missed_episodes;
mod m20261207_000120_add_assignment;
mod m20261207_000130_create_business_hours;
mod m20261207_000140_add_ratings;
mod m20261207_000150_add_first_response;
mod m20261208_000160_create_search_terms;

/// Runs every migration in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_create_team::Migration),
            Box::new(m20261125_000002_create_contacts::Migration),
            Box::new(m20261125_000003_create_conversations::Migration),
            Box::new(m20261125_000004_create_workspace_tables::Migration),
            Box::new(m20261125_000005_create_events::Migration),
            Box::new(m20261126_000006_create_widget_settings::Migration),
            Box::new(m20261129_000010_add_visitor_session_last_used::Migration),
            Box::new(m20261129_000020_create_event_log_horizon::Migration),
            Box::new(m20261129_000030_drop_event_conversation_index::Migration),
            Box::new(m20261206_000031_index_missed_deadlines::Migration),
            Box::new(m20261206_000050_create_webhooks::Migration),
            Box::new(m20261206_000051_create_email_tables::Migration),
            Box::new(m20261206_000060_create_search_index::Migration),
            Box::new(m20261206_000061_search_query_from_words::Migration),
            Box::new(m20261206_000070_index_known_contacts::Migration),
            Box::new(m20261206_000080_create_labels::Migration),
            Box::new(m20261206_000090_add_snooze::Migration),
            Box::new(m20261206_000100_create_blocked_addresses::Migration),
            Box::new(m20261206_000110_create_missed_episodes::Migration),
            Box::new(m20261207_000120_add_assignment::Migration),
            Box::new(m20261207_000130_create_business_hours::Migration),
            Box::new(m20261207_000140_add_ratings::Migration),
            Box::new(m20261207_000150_add_first_response::Migration),
            Box::new(m20261208_000160_create_search_terms::Migration),
        ]
    }
}
