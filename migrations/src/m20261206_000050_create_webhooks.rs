use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000050_create_webhooks"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // An endpoint reads the event log from its own cursor; the node holding its
        // lease (a conditional UPDATE, so one node at a time) delivers for it.
        m.create_table(
            Table::create()
                .table(Webhooks::Table)
                .col(uuid(Webhooks::Id).primary_key())
                .col(text(Webhooks::Url))
                .col(string(Webhooks::Secret))
                .col(text(Webhooks::Events))
                .col(boolean(Webhooks::Enabled))
                .col(text_null(Webhooks::DisabledReason))
                .col(big_integer(Webhooks::CursorSeq))
                .col(string_null(Webhooks::LeaseOwner))
                .col(big_integer(Webhooks::LeaseUntil))
                .col(big_integer(Webhooks::CreatedAt))
                .col(big_integer(Webhooks::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(WebhookDeliveries::Table)
                .col(uuid(WebhookDeliveries::Id).primary_key())
                .col(uuid(WebhookDeliveries::WebhookId))
                .col(big_integer_null(WebhookDeliveries::Seq))
                .col(string(WebhookDeliveries::Event))
                .col(text(WebhookDeliveries::Payload))
                .col(string(WebhookDeliveries::State))
                .col(integer(WebhookDeliveries::Attempts))
                .col(big_integer(WebhookDeliveries::NextAttemptAt))
                .col(big_integer_null(WebhookDeliveries::FirstAttemptAt))
                .col(integer_null(WebhookDeliveries::StatusCode))
                .col(big_integer_null(WebhookDeliveries::LatencyMs))
                .col(text_null(WebhookDeliveries::Error))
                .col(big_integer(WebhookDeliveries::CreatedAt))
                .col(big_integer_null(WebhookDeliveries::DoneAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(WebhookDeliveries::Table, WebhookDeliveries::WebhookId)
                        .to(Webhooks::Table, Webhooks::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("webhook_deliveries_queue")
                .table(WebhookDeliveries::Table)
                .col(WebhookDeliveries::WebhookId)
                .col(WebhookDeliveries::State)
                .col(WebhookDeliveries::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(WebhookDeliveries::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Webhooks::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    Url,
    Secret,
    Events,
    Enabled,
    DisabledReason,
    CursorSeq,
    LeaseOwner,
    LeaseUntil,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    WebhookId,
    Seq,
    Event,
    Payload,
    State,
    Attempts,
    NextAttemptAt,
    FirstAttemptAt,
    StatusCode,
    LatencyMs,
    Error,
    CreatedAt,
    DoneAt,
}
