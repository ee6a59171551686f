//! The `webhooks` table: endpoints, their secrets, their cursor in the event log
//! and which node delivers for them (the lease).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub url: String,
    pub secret: String,
    /// JSON array of subscribed event names.
    pub events: String,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    /// The last event-log sequence turned into deliveries (or skipped).
    pub cursor_seq: i64,
    pub lease_owner: Option<String>,
    pub lease_until: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
