//! The `agents` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    #[sea_orm(unique)]
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub availability: String,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Role from its stored name.
pub fn parse_role(value: &str) -> shared::api::Role {
    if value == "admin" { shared::api::Role::Admin } else { shared::api::Role::Agent }
}

/// Stored name of a role.
pub fn role_name(role: shared::api::Role) -> &'static str {
    match role {
        shared::api::Role::Admin => "admin",
        shared::api::Role::Agent => "agent",
    }
}

/// Availability from its stored name.
pub fn parse_availability(value: &str) -> shared::api::Availability {
    match value {
        "online" => shared::api::Availability::Online,
        "away" => shared::api::Availability::Away,
        _ => shared::api::Availability::Offline,
    }
}

/// Stored name of an availability.
pub fn availability_name(value: shared::api::Availability) -> &'static str {
    match value {
        shared::api::Availability::Online => "online",
        shared::api::Availability::Away => "away",
        shared::api::Availability::Offline => "offline",
    }
}
