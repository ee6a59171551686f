use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000002_create_contacts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Contacts::Table)
                .col(uuid(Contacts::Id).primary_key())
                .col(string_null(Contacts::Name))
                .col(string_null(Contacts::Email))
                .col(string_null(Contacts::Phone))
                .col(text_null(Contacts::Notes))
                .col(text(Contacts::Attributes))
                .col(big_integer_null(Contacts::BannedAt))
                .col(text_null(Contacts::CurrentPage))
                .col(text_null(Contacts::Browser))
                .col(big_integer(Contacts::FirstSeenAt))
                .col(big_integer(Contacts::LastSeenAt))
                .col(big_integer(Contacts::CreatedAt))
                .col(big_integer(Contacts::UpdatedAt))
                .to_owned(),
        )
        .await?;
        for (name, col) in [("idx_contacts_email", Contacts::Email), ("idx_contacts_last_seen", Contacts::LastSeenAt)] {
            m.create_index(Index::create().name(name).table(Contacts::Table).col(col).to_owned()).await?;
        }
        m.create_table(
            Table::create()
                .table(VisitorSessions::Table)
                .col(uuid(VisitorSessions::Id).primary_key())
                .col(uuid(VisitorSessions::ContactId))
                .col(string_uniq(VisitorSessions::TokenHash))
                .col(big_integer(VisitorSessions::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(VisitorSessions::Table, VisitorSessions::ContactId)
                        .to(Contacts::Table, Contacts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_visitor_sessions_contact")
                .table(VisitorSessions::Table)
                .col(VisitorSessions::ContactId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(VisitorSessions::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Contacts::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
pub enum Contacts {
    Table,
    Id,
    Name,
    Email,
    Phone,
    Notes,
    Attributes,
    BannedAt,
    CurrentPage,
    Browser,
    FirstSeenAt,
    LastSeenAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum VisitorSessions {
    Table,
    Id,
    ContactId,
    TokenHash,
    CreatedAt,
}
