//! The `business_hours` table: one row (id 1) once an admin sets them.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "business_hours")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub enabled: bool,
    #[sea_orm(column_type = "Text")]
    pub time_zone: String,
    /// JSON array of `OpeningInterval`.
    #[sea_orm(column_type = "Text")]
    pub intervals: String,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
