use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000004_create_workspace_tables"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SavedReplies::Table)
                .col(uuid(SavedReplies::Id).primary_key())
                .col(string(SavedReplies::Kind))
                .col(string_uniq(SavedReplies::Shortcut))
                .col(string(SavedReplies::Title))
                .col(text(SavedReplies::Body))
                .col(big_integer(SavedReplies::CreatedAt))
                .col(big_integer(SavedReplies::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ApiKeys::Table)
                .col(uuid(ApiKeys::Id).primary_key())
                .col(string(ApiKeys::Name))
                .col(string(ApiKeys::Role))
                .col(string(ApiKeys::Prefix))
                .col(string_uniq(ApiKeys::SecretHash))
                .col(big_integer(ApiKeys::CreatedAt))
                .col(big_integer_null(ApiKeys::LastUsedAt))
                .col(big_integer_null(ApiKeys::RevokedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ApiKeys::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(SavedReplies::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum SavedReplies {
    Table,
    Id,
    Kind,
    Shortcut,
    Title,
    Body,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    Name,
    Role,
    Prefix,
    SecretHash,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}
