use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000005_create_events"
    }
}

/// The append-only event log (outbox): one row per state change, written in the
/// change's own transaction. `seq` orders it; readers resume after a sequence.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Events::Table)
                .col(big_integer(Events::Seq).auto_increment().primary_key())
                .col(string(Events::Kind))
                .col(uuid_null(Events::ConversationId))
                .col(uuid_null(Events::ContactId))
                .col(boolean(Events::AgentsOnly))
                .col(text(Events::Payload))
                .col(big_integer(Events::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_events_contact_seq")
                .table(Events::Table)
                .col(Events::ContactId)
                .col(Events::Seq)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("idx_events_conversation").table(Events::Table).col(Events::ConversationId).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Events::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Seq,
    Kind,
    ConversationId,
    ContactId,
    AgentsOnly,
    Payload,
    CreatedAt,
}
