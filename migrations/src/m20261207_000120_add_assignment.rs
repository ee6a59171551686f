use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000120_add_assignment"
    }
}

/// Automatic assignment: a group can hand its new conversations round robin
/// to its members who are online and under their capacity (`agents.capacity`,
/// the most open conversations they take; none means no limit).
/// `groups.last_assigned_id` is where the round stands. Routing rules send a
/// new conversation to a group by the page its visitor is on, first match
/// by `position`.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Groups::Table)
                .add_column(ColumnDef::new(Groups::AutoAssign).boolean().not_null().default(false))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Groups::Table)
                .add_column(ColumnDef::new(Groups::LastAssignedId).uuid().null())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Agents::Table)
                .add_column(ColumnDef::new(Agents::Capacity).integer().null())
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(RoutingRules::Table)
                .col(ColumnDef::new(RoutingRules::Id).uuid().not_null().primary_key())
                .col(ColumnDef::new(RoutingRules::Position).integer().not_null())
                .col(ColumnDef::new(RoutingRules::UrlContains).text().not_null())
                .col(ColumnDef::new(RoutingRules::GroupId).uuid().not_null())
                .col(ColumnDef::new(RoutingRules::CreatedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(RoutingRules::Table, RoutingRules::GroupId)
                        .to(Groups::Table, Groups::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_routing_rules_position")
                .table(RoutingRules::Table)
                .col(RoutingRules::Position)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RoutingRules::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Agents::Table).drop_column(Agents::Capacity).to_owned()).await?;
        m.alter_table(Table::alter().table(Groups::Table).drop_column(Groups::LastAssignedId).to_owned()).await?;
        m.alter_table(Table::alter().table(Groups::Table).drop_column(Groups::AutoAssign).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Groups {
    Table,
    Id,
    AutoAssign,
    LastAssignedId,
}

#[derive(DeriveIden)]
enum Agents {
    Table,
    Capacity,
}

#[derive(DeriveIden)]
enum RoutingRules {
    Table,
    Id,
    Position,
    UrlContains,
    GroupId,
    CreatedAt,
}
