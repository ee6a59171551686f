use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000070_index_known_contacts"
    }
}

/// The contacts page lists known contacts (with a name, email, phone or the
/// host site's id), newest first, by default; a busy site's anonymous visitors
/// outnumber them many times. A partial index on `id` holds only the known ones,
/// so a page of them is read without stepping over the rest.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(
                "CREATE INDEX idx_contacts_known ON contacts (id) WHERE name IS NOT NULL OR email IS NOT NULL \
                 OR phone IS NOT NULL OR external_id IS NOT NULL",
            )
            .await
            .map(drop)
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection().execute_unprepared("DROP INDEX IF EXISTS idx_contacts_known").await.map(drop)
    }
}
