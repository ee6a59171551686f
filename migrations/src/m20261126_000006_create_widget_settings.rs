use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000006_create_widget_settings"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One row: the workspace's widget (site key, look, contact form, allowed sites).
        m.create_table(
            Table::create()
                .table(WidgetSettings::Table)
                .col(integer(WidgetSettings::Id).primary_key())
                .col(string_uniq(WidgetSettings::SiteKey))
                .col(string(WidgetSettings::IdentitySecret))
                .col(string(WidgetSettings::TeamName))
                .col(text(WidgetSettings::Greeting))
                .col(string(WidgetSettings::Color))
                .col(string(WidgetSettings::Position))
                .col(string(WidgetSettings::AskContact))
                .col(text(WidgetSettings::AllowedOrigins))
                .col(big_integer(WidgetSettings::UpdatedAt))
                .to_owned(),
        )
        .await?;
        // SQLite adds one column per statement.
        m.alter_table(Table::alter().table(Contacts::Table).add_column(string_null(Contacts::ExternalId)).to_owned())
            .await?;
        m.alter_table(
            Table::alter().table(Contacts::Table).add_column(big_integer_null(Contacts::VerifiedAt)).to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("contacts_external_id")
                .table(Contacts::Table)
                .col(Contacts::ExternalId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("contacts_external_id").table(Contacts::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Contacts::Table).drop_column(Contacts::VerifiedAt).to_owned()).await?;
        m.alter_table(Table::alter().table(Contacts::Table).drop_column(Contacts::ExternalId).to_owned()).await?;
        m.drop_table(Table::drop().table(WidgetSettings::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum WidgetSettings {
    Table,
    Id,
    SiteKey,
    IdentitySecret,
    TeamName,
    Greeting,
    Color,
    Position,
    AskContact,
    AllowedOrigins,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Contacts {
    Table,
    ExternalId,
    VerifiedAt,
}
