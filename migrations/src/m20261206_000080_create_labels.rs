use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000080_create_labels"
    }
}

/// Labels that admins define and agents put on conversations. The join table
/// answers "conversations with this label" through its `(label_id,
/// conversation_id)` index; the conversation's own `label_ids` column holds the
/// same set, so a conversation (in a list, in every event) is read without a
/// second query. Both are written in the one transaction that changes them.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Labels::Table)
                .col(uuid(Labels::Id).primary_key())
                .col(string(Labels::Name))
                .col(string(Labels::NameKey).unique_key())
                .col(string(Labels::Color))
                .col(big_integer(Labels::CreatedAt))
                .col(big_integer(Labels::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ConversationLabels::Table)
                .col(uuid(ConversationLabels::ConversationId))
                .col(uuid(ConversationLabels::LabelId))
                .col(big_integer(ConversationLabels::CreatedAt))
                .primary_key(Index::create().col(ConversationLabels::ConversationId).col(ConversationLabels::LabelId))
                .foreign_key(
                    ForeignKey::create()
                        .from(ConversationLabels::Table, ConversationLabels::ConversationId)
                        .to(Conversations::Table, Conversations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ConversationLabels::Table, ConversationLabels::LabelId)
                        .to(Labels::Table, Labels::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_conversation_labels_label")
                .table(ConversationLabels::Table)
                .col(ConversationLabels::LabelId)
                .col(ConversationLabels::ConversationId)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter().table(Conversations::Table).add_column(text(Conversations::LabelIds).default("")).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Conversations::Table).drop_column(Conversations::LabelIds).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ConversationLabels::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Labels::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Labels {
    Table,
    Id,
    Name,
    NameKey,
    Color,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ConversationLabels {
    Table,
    ConversationId,
    LabelId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Conversations {
    Table,
    Id,
    LabelIds,
}
