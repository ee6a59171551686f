//! The `widget_settings` table: one row.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "widget_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    #[sea_orm(unique)]
    pub site_key: String,
    pub identity_secret: String,
    pub team_name: String,
    #[sea_orm(column_type = "Text")]
    pub greeting: String,
    pub color: String,
    pub position: String,
    pub ask_contact: String,
    /// JSON array of origins.
    #[sea_orm(column_type = "Text")]
    pub allowed_origins: String,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
