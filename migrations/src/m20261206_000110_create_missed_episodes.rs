use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000110_create_missed_episodes"
    }
}

/// The history of missed conversations: a row each time the missed rule turned
/// one red, with who it was assigned to then. Whether and when it was answered
/// afterwards is the first reply after `missed_at` (read through the messages'
/// `(conversation_id, seq)` index), so the write path stays as it is.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MissedEpisodes::Table)
                .col(uuid(MissedEpisodes::Id).primary_key())
                .col(uuid(MissedEpisodes::ConversationId))
                .col(big_integer(MissedEpisodes::MissedAt))
                .col(big_integer(MissedEpisodes::WaitingSince))
                .col(uuid_null(MissedEpisodes::AssigneeId))
                .col(uuid_null(MissedEpisodes::GroupId))
                .foreign_key(
                    ForeignKey::create()
                        .from(MissedEpisodes::Table, MissedEpisodes::ConversationId)
                        .to(Conversations::Table, Conversations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_missed_episodes_at")
                .table(MissedEpisodes::Table)
                .col(MissedEpisodes::MissedAt)
                .col(MissedEpisodes::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_missed_episodes_conversation")
                .table(MissedEpisodes::Table)
                .col(MissedEpisodes::ConversationId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(MissedEpisodes::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum MissedEpisodes {
    Table,
    Id,
    ConversationId,
    MissedAt,
    WaitingSince,
    AssigneeId,
    GroupId,
}

#[derive(DeriveIden)]
enum Conversations {
    Table,
    Id,
}
