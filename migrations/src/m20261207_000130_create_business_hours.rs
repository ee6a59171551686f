use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000130_create_business_hours"
    }
}

/// The team's business hours: one row (id 1), absent until an admin sets
/// them. `intervals` is a JSON array of `{day, open, close}` in `time_zone`.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(BusinessHours::Table)
                .col(ColumnDef::new(BusinessHours::Id).integer().not_null().primary_key())
                .col(ColumnDef::new(BusinessHours::Enabled).boolean().not_null())
                .col(ColumnDef::new(BusinessHours::TimeZone).text().not_null())
                .col(ColumnDef::new(BusinessHours::Intervals).text().not_null())
                .col(ColumnDef::new(BusinessHours::UpdatedAt).big_integer().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(BusinessHours::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum BusinessHours {
    Table,
    Id,
    Enabled,
    TimeZone,
    Intervals,
    UpdatedAt,
}
