//! The `contacts` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub notes: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub attributes: String,
    pub banned_at: Option<i64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub current_page: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub browser: Option<String>,
    pub first_seen_at: i64,
    pub last_seen_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// The host site's id for this person (signed identity).
    pub external_id: Option<String>,
    /// When the identity was verified.
    pub verified_at: Option<i64>,
    /// The address the visitor's session started from.
    pub ip_address: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
