use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000060_create_search_index"
    }
}

/// Text search over message bodies and contacts' name, email and phone, by
/// words: case and accents folded ("CANCION" finds "canción"), each word of the
/// query a prefix of a word of the text. The same words on both databases: text
/// is cut at every character that is not a letter or a digit.
///
/// SQLite: FTS5 tables over the rows (external content, `unicode61` with
/// diacritics removed), kept in step by triggers in the writing transaction.
/// Search needs which rows hold a word, not where in them nor ranking: no
/// positions (`detail=none`) and no sizes (`columnsize=0`) keep each message's
/// share of the write small.
/// PostgreSQL: GIN indexes on `natter_search_words(text)`, a `tsvector` of the
/// unaccented, lower-cased words (an IMMUTABLE wrapper, as index expressions
/// require; `unaccent` ships with PostgreSQL and is a trusted extension).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let statements: &[&str] = match m.get_database_backend() {
            DbBackend::Sqlite => &[
                "CREATE VIRTUAL TABLE messages_search USING fts5(body, content='messages', content_rowid='rowid', \
                 tokenize='unicode61 remove_diacritics 2', detail=none, columnsize=0)",
                "INSERT INTO messages_search(messages_search) VALUES ('rebuild')",
                "CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN \
                 INSERT INTO messages_search(rowid, body) VALUES (new.rowid, new.body); END",
                "CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN \
                 INSERT INTO messages_search(messages_search, rowid, body) VALUES ('delete', old.rowid, old.body); END",
                "CREATE TRIGGER messages_search_update AFTER UPDATE OF body ON messages BEGIN \
                 INSERT INTO messages_search(messages_search, rowid, body) VALUES ('delete', old.rowid, old.body); \
                 INSERT INTO messages_search(rowid, body) VALUES (new.rowid, new.body); END",
                "CREATE VIRTUAL TABLE contacts_search USING fts5(name, email, phone, content='contacts', \
                 content_rowid='rowid', tokenize='unicode61 remove_diacritics 2', detail=none, columnsize=0)",
                "INSERT INTO contacts_search(contacts_search) VALUES ('rebuild')",
                "CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts BEGIN \
                 INSERT INTO contacts_search(rowid, name, email, phone) VALUES (new.rowid, new.name, new.email, new.phone); END",
                "CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts BEGIN \
                 INSERT INTO contacts_search(contacts_search, rowid, name, email, phone) \
                 VALUES ('delete', old.rowid, old.name, old.email, old.phone); END",
                "CREATE TRIGGER contacts_search_update AFTER UPDATE OF name, email, phone ON contacts BEGIN \
                 INSERT INTO contacts_search(contacts_search, rowid, name, email, phone) \
                 VALUES ('delete', old.rowid, old.name, old.email, old.phone); \
                 INSERT INTO contacts_search(rowid, name, email, phone) VALUES (new.rowid, new.name, new.email, new.phone); END",
            ],
            DbBackend::Postgres => &[
                "CREATE EXTENSION IF NOT EXISTS unaccent",
                "CREATE OR REPLACE FUNCTION natter_search_words(text) RETURNS tsvector \
                 LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS \
                 $$ SELECT to_tsvector('simple'::regconfig, regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, $1)), \
                 '[^[:alnum:]]+', ' ', 'g')) $$",
                "CREATE OR REPLACE FUNCTION natter_search_query(text) RETURNS tsquery \
                 LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS \
                 $$ SELECT to_tsquery('simple'::regconfig, lower(public.unaccent('public.unaccent'::regdictionary, $1))) $$",
                "CREATE INDEX idx_messages_search ON messages USING GIN (natter_search_words(body))",
                "CREATE INDEX idx_contacts_search ON contacts USING GIN \
                 (natter_search_words(coalesce(name, '') || ' ' || coalesce(email, '') || ' ' || coalesce(phone, '')))",
            ],
            other => return Err(DbErr::Migration(format!("unsupported database: {other:?}"))),
        };
        let db = m.get_connection();
        for statement in statements {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let statements: &[&str] = match m.get_database_backend() {
            DbBackend::Sqlite => &[
                "DROP TRIGGER IF EXISTS messages_search_insert",
                "DROP TRIGGER IF EXISTS messages_search_delete",
                "DROP TRIGGER IF EXISTS messages_search_update",
                "DROP TABLE IF EXISTS messages_search",
                "DROP TRIGGER IF EXISTS contacts_search_insert",
                "DROP TRIGGER IF EXISTS contacts_search_delete",
                "DROP TRIGGER IF EXISTS contacts_search_update",
                "DROP TABLE IF EXISTS contacts_search",
            ],
            _ => &[
                "DROP INDEX IF EXISTS idx_messages_search",
                "DROP INDEX IF EXISTS idx_contacts_search",
                "DROP FUNCTION IF EXISTS natter_search_query(text)",
                "DROP FUNCTION IF EXISTS natter_search_words(text)",
            ],
        };
        let db = m.get_connection();
        for statement in statements {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}
