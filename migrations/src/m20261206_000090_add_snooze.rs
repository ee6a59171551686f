use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000090_add_snooze"
    }
}

/// A snoozed conversation stays open but leaves the working lists until
/// `snoozed_until`, when the server wakes it (a visitor message wakes it
/// early). The partial index holds only snoozed conversations: the waking
/// task reads the earliest deadline from it in one step.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Conversations::Table)
                .add_column(ColumnDef::new(Conversations::SnoozedUntil).big_integer().null())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Conversations::Table)
                .add_column(ColumnDef::new(Conversations::SnoozedBy).uuid().null())
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "CREATE INDEX idx_conversations_snoozed ON conversations (snoozed_until) WHERE snoozed_until IS NOT NULL",
            )
            .await
            .map(drop)
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection().execute_unprepared("DROP INDEX IF EXISTS idx_conversations_snoozed").await?;
        m.alter_table(Table::alter().table(Conversations::Table).drop_column(Conversations::SnoozedBy).to_owned())
            .await?;
        m.alter_table(Table::alter().table(Conversations::Table).drop_column(Conversations::SnoozedUntil).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Conversations {
    Table,
    SnoozedUntil,
    SnoozedBy,
}
