use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000140_add_ratings"
    }
}

/// The visitor's rating of a closed conversation: a score from 1 to 5, an
/// optional comment and when. Indexed by time for the ratings report.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(Conversations::Rating).small_integer().null().to_owned(),
            ColumnDef::new(Conversations::RatingComment).text().null().to_owned(),
            ColumnDef::new(Conversations::RatedAt).big_integer().null().to_owned(),
        ] {
            m.alter_table(Table::alter().table(Conversations::Table).add_column(column).to_owned()).await?;
        }
        m.create_index(
            Index::create()
                .name("idx_conversations_rated")
                .table(Conversations::Table)
                .col(Conversations::RatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("idx_conversations_rated").table(Conversations::Table).to_owned()).await?;
        for column in [Conversations::RatedAt, Conversations::RatingComment, Conversations::Rating] {
            m.alter_table(Table::alter().table(Conversations::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Conversations {
    Table,
    Rating,
    RatingComment,
    RatedAt,
}
