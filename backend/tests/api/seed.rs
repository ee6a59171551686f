//! `natter seed`: the big inbox of the benchmarks, written through the real
//! write path, answered everywhere, and found by search.

use crate::helpers::TestApp;
use crate::on_both_databases;
use backend::entities::{conversations, messages};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use shared::Page;
use shared::api::Conversation;

on_both_databases!(seeding_writes_an_answered_inbox_that_search_finds);

async fn seeding_writes_an_answered_inbox_that_search_finds(app: TestApp) {
    let db = app.state.db.conn();
    let before = conversations::Entity::find().count(db).await.expect("count");
    let seeded = backend::seed::run(&app.state.settings, 40, 130).await.expect("seeded");
    assert_eq!((seeded.conversations, seeded.messages), (40, 130));
    if app.state.db.backend() == sea_orm::DbBackend::Sqlite {
        // The load ends with a full checkpoint: the server starts without a long WAL.
        let wal = app.data_dir.path().join("natter.db-wal");
        assert_eq!(std::fs::metadata(wal).map(|m| m.len()).unwrap_or(0), 0, "the WAL was copied in and truncated");
    }
    assert_eq!(conversations::Entity::find().count(db).await.expect("count"), before + 40);
    assert_eq!(messages::Entity::find().count(db).await.expect("count"), 130);
    let waiting = conversations::Entity::find()
        .filter(conversations::Column::AwaitingReplySince.is_not_null())
        .count(db)
        .await
        .expect("count");
    assert_eq!(waiting, 0, "every conversation ends with a reply");
    // The vocabulary's accented words are found without their accents.
    let found: Page<Conversation> =
        app.get("/api/v1/conversations?filter=all&q=CANCION&limit=200", app.admin_token()).await.json(200);
    assert!(!found.items.is_empty());
    let listed: Page<Conversation> = app.get("/api/v1/conversations?limit=10", app.admin_token()).await.json(200);
    assert_eq!(listed.items.len(), 10);
}
