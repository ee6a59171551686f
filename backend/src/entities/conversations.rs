//! The `conversations` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub contact_id: Uuid,
    pub status: super::stored::StoredStatus,
    pub assignee_id: Option<Uuid>,
    pub group_id: Option<Uuid>,
    pub awaiting_reply_since: Option<i64>,
    pub last_visitor_message_at: Option<i64>,
    pub last_visitor_seq: Option<i64>,
    pub missed_at: Option<i64>,
    pub last_activity_at: i64,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_message_preview: Option<String>,
    pub created_at: i64,
    pub closed_at: Option<i64>,
    /// The ids of its labels, space-separated (kept in step with `conversation_labels`).
    #[sea_orm(column_type = "Text")]
    pub label_ids: String,
    /// Until when it is snoozed (out of the working lists), if it is.
    pub snoozed_until: Option<i64>,
    /// Who snoozed it: their dot turns purple when it wakes, if nobody is assigned.
    pub snoozed_by: Option<Uuid>,
    /// The visitor's rating, 1 to 5, once closed.
    pub rating: Option<i16>,
    /// The visitor's comment with their rating.
    #[sea_orm(column_type = "Text", nullable)]
    pub rating_comment: Option<String>,
    /// When they rated it.
    pub rated_at: Option<i64>,
    /// When an agent first answered a waiting visitor.
    pub first_reply_at: Option<i64>,
    /// How long the visitor had waited for that first answer, in milliseconds.
    pub first_response_ms: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::contacts::Entity",
        from = "Column::ContactId",
        to = "super::contacts::Column::Id",
        on_delete = "Cascade"
    )]
    Contacts,
    #[sea_orm(
        belongs_to = "super::agents::Entity",
        from = "Column::AssigneeId",
        to = "super::agents::Column::Id",
        on_delete = "SetNull"
    )]
    Assignee,
    #[sea_orm(
        belongs_to = "super::groups::Entity",
        from = "Column::GroupId",
        to = "super::groups::Column::Id",
        on_delete = "SetNull"
    )]
    Groups,
}

impl Related<super::contacts::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Contacts.def()
    }
}

impl Related<super::agents::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Assignee.def()
    }
}

impl Related<super::groups::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Groups.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
