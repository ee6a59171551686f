use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000020_create_event_log_horizon"
    }
}

/// One row: the highest sequence retention has pruned from the event log. A
/// client resuming from before it may have missed events and must reload.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(EventLogHorizon::Table)
                .col(integer(EventLogHorizon::Id).primary_key())
                .col(big_integer(EventLogHorizon::PrunedThrough))
                .to_owned(),
        )
        .await?;
        let row = Query::insert()
            .into_table(EventLogHorizon::Table)
            .columns([EventLogHorizon::Id, EventLogHorizon::PrunedThrough])
            .values_panic([1.into(), 0i64.into()])
            .to_owned();
        m.exec_stmt(row).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(EventLogHorizon::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum EventLogHorizon {
    Table,
    Id,
    PrunedThrough,
}
