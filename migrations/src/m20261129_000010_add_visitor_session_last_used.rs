use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000010_add_visitor_session_last_used"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Visitor sessions end after a configurable time without use.
        m.alter_table(
            Table::alter()
                .table(VisitorSessions::Table)
                .add_column(big_integer(VisitorSessions::LastUsedAt).default(0))
                .to_owned(),
        )
        .await?;
        // Sessions that exist count as used when they were created.
        m.exec_stmt(
            Query::update()
                .table(VisitorSessions::Table)
                .value(VisitorSessions::LastUsedAt, Expr::col(VisitorSessions::CreatedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(VisitorSessions::Table).drop_column(VisitorSessions::LastUsedAt).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum VisitorSessions {
    Table,
    CreatedAt,
    LastUsedAt,
}
