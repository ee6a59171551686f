use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000150_add_first_response"
    }
}

/// The facts the conversation reports read, kept by the write path: when an
/// agent first answered a waiting visitor (`first_reply_at`) and how long the
/// visitor had waited for it (`first_response_ms`). Conversations are counted
/// by the day they started (an index on `created_at`); replies by agent through
/// a partial index on the replies alone, so visitors' messages pay nothing for
/// it. Existing conversations are filled from their messages.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(Conversations::FirstReplyAt).big_integer().null().to_owned(),
            ColumnDef::new(Conversations::FirstResponseMs).big_integer().null().to_owned(),
        ] {
            m.alter_table(Table::alter().table(Conversations::Table).add_column(column).to_owned()).await?;
        }
        let db = m.get_connection();
        // The first reply after the first visitor message, and the wait before it.
        db.execute_unprepared(
            "UPDATE conversations SET first_reply_at = (SELECT MIN(r.created_at) FROM messages r \
             WHERE r.conversation_id = conversations.id AND r.kind = 'reply' AND r.created_at >= \
             (SELECT MIN(v.created_at) FROM messages v WHERE v.conversation_id = conversations.id AND v.kind = 'visitor'))",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE conversations SET first_response_ms = first_reply_at - (SELECT MIN(v.created_at) FROM messages v \
             WHERE v.conversation_id = conversations.id AND v.kind = 'visitor') WHERE first_reply_at IS NOT NULL",
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_conversations_created")
                .table(Conversations::Table)
                .col(Conversations::CreatedAt)
                .to_owned(),
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX idx_messages_replies ON messages (created_at, agent_id, conversation_id) WHERE kind = 'reply'",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("idx_messages_replies").table(Messages::Table).to_owned()).await?;
        m.drop_index(Index::drop().name("idx_conversations_created").table(Conversations::Table).to_owned()).await?;
        for column in [Conversations::FirstResponseMs, Conversations::FirstReplyAt] {
            m.alter_table(Table::alter().table(Conversations::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Conversations {
    Table,
    CreatedAt,
    FirstReplyAt,
    FirstResponseMs,
}

#[derive(DeriveIden)]
enum Messages {
    Table,
}
