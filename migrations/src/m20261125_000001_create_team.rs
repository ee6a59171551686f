use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000001_create_team"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Agents::Table)
                .col(uuid(Agents::Id).primary_key())
                .col(string(Agents::Name))
                .col(string_uniq(Agents::Email))
                .col(string(Agents::PasswordHash))
                .col(string(Agents::Role))
                .col(string(Agents::Availability))
                .col(boolean(Agents::Active))
                .col(big_integer(Agents::CreatedAt))
                .col(big_integer(Agents::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Groups::Table)
                .col(uuid(Groups::Id).primary_key())
                .col(string_uniq(Groups::Name))
                .col(big_integer(Groups::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(GroupMembers::Table)
                .col(uuid(GroupMembers::GroupId))
                .col(uuid(GroupMembers::AgentId))
                .primary_key(Index::create().col(GroupMembers::GroupId).col(GroupMembers::AgentId))
                .foreign_key(
                    ForeignKey::create()
                        .from(GroupMembers::Table, GroupMembers::GroupId)
                        .to(Groups::Table, Groups::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(GroupMembers::Table, GroupMembers::AgentId)
                        .to(Agents::Table, Agents::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_group_members_agent")
                .table(GroupMembers::Table)
                .col(GroupMembers::AgentId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AgentSessions::Table)
                .col(uuid(AgentSessions::Id).primary_key())
                .col(uuid(AgentSessions::AgentId))
                .col(string_uniq(AgentSessions::RefreshHash))
                .col(big_integer(AgentSessions::CreatedAt))
                .col(big_integer(AgentSessions::ExpiresAt))
                .col(big_integer_null(AgentSessions::RevokedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(AgentSessions::Table, AgentSessions::AgentId)
                        .to(Agents::Table, Agents::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_agent_sessions_agent")
                .table(AgentSessions::Table)
                .col(AgentSessions::AgentId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AgentSessions::Table.into_iden(),
            GroupMembers::Table.into_iden(),
            Groups::Table.into_iden(),
            Agents::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
pub enum Agents {
    Table,
    Id,
    Name,
    Email,
    PasswordHash,
    Role,
    Availability,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum Groups {
    Table,
    Id,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum GroupMembers {
    Table,
    GroupId,
    AgentId,
}

#[derive(DeriveIden)]
enum AgentSessions {
    Table,
    Id,
    AgentId,
    RefreshHash,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}
