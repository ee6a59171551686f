use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000100_create_blocked_addresses"
    }
}

/// Blocking by address: a contact remembers the address its session started
/// from, and a blocked address can't start a new anonymous session. A block
/// outlives the contact it came from (erasing them only forgets who it was).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Contacts::Table).add_column(string_null(Contacts::IpAddress)).to_owned())
            .await?;
        m.create_table(
            Table::create()
                .table(BlockedAddresses::Table)
                .col(string(BlockedAddresses::Address).primary_key())
                .col(uuid_null(BlockedAddresses::ContactId))
                .col(uuid_null(BlockedAddresses::BlockedBy))
                .col(big_integer(BlockedAddresses::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(BlockedAddresses::Table, BlockedAddresses::ContactId)
                        .to(Contacts::Table, Contacts::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(BlockedAddresses::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Contacts::Table).drop_column(Contacts::IpAddress).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Contacts {
    Table,
    Id,
    IpAddress,
}

#[derive(DeriveIden)]
enum BlockedAddresses {
    Table,
    Address,
    ContactId,
    BlockedBy,
    CreatedAt,
}
