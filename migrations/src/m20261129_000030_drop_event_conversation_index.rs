use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000030_drop_event_conversation_index"
    }
}

/// Every message appends an event; an index on the event's conversation (a
/// random key) cost a scattered page write per message, for a read that only a
/// conversation's deletion needs — which finds the events through the contact's
/// index instead (`contact_id = ? AND conversation_id = ?`).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("idx_events_conversation").table(Events::Table).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create().name("idx_events_conversation").table(Events::Table).col(Events::ConversationId).to_owned(),
        )
        .await
    }
}

#[derive(DeriveIden)]
enum Events {
    Table,
    ConversationId,
}
