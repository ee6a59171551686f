//! The `email_threads` table: conversations carried on by email.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_threads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub conversation_id: Uuid,
    pub contact_id: Uuid,
    /// The `reply+<token>@…` part of the Reply-To address.
    #[sea_orm(unique)]
    pub token: String,
    /// When the waiting replies are to be emailed (none waiting: null).
    pub due_at: Option<i64>,
    /// The last message sequence the visitor was emailed (or saw live).
    pub last_emailed_seq: i64,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
