use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000061_search_query_from_words"
    }
}

/// PostgreSQL: `natter_search_query(text)` takes the query's words, not a
/// `tsquery` expression. `unaccent` turns a few letters into punctuation ("ŉ"
/// into "'n", "⑴" into "(1)"), which `to_tsquery` read as syntax and failed on;
/// the words are now cut after `unaccent`, as `natter_search_words` cuts texts,
/// and each becomes a quoted prefix, all of them required. SQLite is unchanged.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        define_query(
            m,
            "SELECT to_tsquery('simple'::regconfig, string_agg(quote_literal(w) || ':*', ' & ')) \
             FROM regexp_split_to_table(regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, $1)), \
             '[^[:alnum:]]+', ' ', 'g'), ' ') AS w WHERE w <> ''",
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        define_query(
            m,
            "SELECT to_tsquery('simple'::regconfig, lower(public.unaccent('public.unaccent'::regdictionary, $1)))",
        )
        .await
    }
}

/// (Re)defines `natter_search_query(text)` on PostgreSQL as `body`.
async fn define_query(m: &SchemaManager<'_>, body: &str) -> Result<(), DbErr> {
    if m.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let sql = format!(
        "CREATE OR REPLACE FUNCTION natter_search_query(text) RETURNS tsquery \
         LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ {body} $$"
    );
    m.get_connection().execute_unprepared(&sql).await.map(drop)
}
