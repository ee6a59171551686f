use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261208_000160_create_search_terms"
    }
}

/// SQLite: the words each text index holds, as tables to read (`fts5vocab`, one
/// row per distinct word, in order), so that a query word can be turned into the
/// whole words it is the start of. FTS5 answers a prefix by merging the lists
/// of every word it starts before returning the first row; whole words it reads
/// as it goes. They store nothing: each reads its index. PostgreSQL: nothing.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Sqlite {
            return Ok(());
        }
        let db = m.get_connection();
        for statement in [
            "CREATE VIRTUAL TABLE messages_search_words USING fts5vocab(messages_search, row)",
            "CREATE VIRTUAL TABLE contacts_search_words USING fts5vocab(contacts_search, row)",
        ] {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Sqlite {
            return Ok(());
        }
        let db = m.get_connection();
        for statement in ["DROP TABLE IF EXISTS messages_search_words", "DROP TABLE IF EXISTS contacts_search_words"] {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}
