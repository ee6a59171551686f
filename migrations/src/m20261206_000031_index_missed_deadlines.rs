use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000031_index_missed_deadlines"
    }
}

/// The missed rule asks two things: which open, not-yet-red conversations have
/// waited past the deadline, and when the earliest of them falls due. One index
/// on `(status, missed_at, awaiting_reply_since)` answers both from its first
/// matching entries; it replaces the index on `awaiting_reply_since` alone,
/// which made the rule read every waiting conversation's row to check the rest.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_conversations_due")
                .table(Conversations::Table)
                .col(Conversations::Status)
                .col(Conversations::MissedAt)
                .col(Conversations::AwaitingReplySince)
                .to_owned(),
        )
        .await?;
        m.drop_index(Index::drop().name("idx_conversations_awaiting").table(Conversations::Table).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_conversations_awaiting")
                .table(Conversations::Table)
                .col(Conversations::AwaitingReplySince)
                .to_owned(),
        )
        .await?;
        m.drop_index(Index::drop().name("idx_conversations_due").table(Conversations::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Conversations {
    Table,
    Status,
    MissedAt,
    AwaitingReplySince,
}
