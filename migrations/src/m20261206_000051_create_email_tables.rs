use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000051_create_email_tables"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A conversation carried on by email: the token of its Reply-To address
        // and the replies waiting to be emailed to its visitor.
        m.create_table(
            Table::create()
                .table(EmailThreads::Table)
                .col(uuid(EmailThreads::ConversationId).primary_key())
                .col(uuid(EmailThreads::ContactId))
                .col(string_uniq(EmailThreads::Token))
                .col(big_integer_null(EmailThreads::DueAt))
                .col(big_integer(EmailThreads::LastEmailedSeq))
                .col(big_integer(EmailThreads::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("email_threads_due").table(EmailThreads::Table).col(EmailThreads::DueAt).to_owned(),
        )
        .await?;
        // The mailer's place in the event log, and which node reads it (a lease).
        m.create_table(
            Table::create()
                .table(MailCursor::Table)
                .col(integer(MailCursor::Id).primary_key())
                .col(big_integer(MailCursor::CursorSeq))
                .col(string_null(MailCursor::LeaseOwner))
                .col(big_integer(MailCursor::LeaseUntil))
                .to_owned(),
        )
        .await?;
        // Single-use links that let an agent set a password (reset or invitation).
        m.create_table(
            Table::create()
                .table(PasswordTokens::Table)
                .col(string(PasswordTokens::TokenHash).primary_key())
                .col(uuid(PasswordTokens::AgentId))
                .col(string(PasswordTokens::Purpose))
                .col(big_integer(PasswordTokens::ExpiresAt))
                .col(big_integer_null(PasswordTokens::UsedAt))
                .col(big_integer(PasswordTokens::CreatedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PasswordTokens::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(MailCursor::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(EmailThreads::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum EmailThreads {
    Table,
    ConversationId,
    ContactId,
    Token,
    DueAt,
    LastEmailedSeq,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MailCursor {
    Table,
    Id,
    CursorSeq,
    LeaseOwner,
    LeaseUntil,
}

#[derive(DeriveIden)]
enum PasswordTokens {
    Table,
    TokenHash,
    AgentId,
    Purpose,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}
