//! `GET /events`: the webhook events, pulled with a cursor.

use crate::helpers::TestApp;
use crate::on_both_databases;
use backend::entities::event_log_horizon;
use sea_orm::{ActiveModelTrait, Set};
use shared::ErrorCode;
use shared::api::*;

on_both_databases!(events_are_pulled_in_pages_and_pruned_ones_ask_for_a_resync);

async fn events_are_pulled_in_pages_and_pruned_ones_ask_for_a_resync(app: TestApp) {
    let start = backend::db::log::latest_seq(app.state.db.conn()).await.expect("latest");
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "One").await;
    app.agent_says(app.admin_token(), conv, PostKind::Reply, "Two").await;
    app.post_empty(&format!("/api/v1/conversations/{conv}/close"), app.admin_token()).await.json::<Conversation>(200);
    let key: CreatedApiKey = app
        .post("/api/v1/api-keys", app.admin_token(), &CreateApiKey { name: "feed".into(), role: None })
        .await
        .json(201);
    let mut after = start;
    let mut names = Vec::new();
    let mut pulled = Vec::new();
    loop {
        let page: EventsPage = app.get(&format!("/api/v1/events?after={after}&limit=1"), &key.secret).await.json(200);
        names.extend(page.items.iter().map(|e| e.event.clone()));
        pulled.extend(page.items.iter().map(|e| e.data.clone()));
        assert!(page.items.iter().all(|e| e.seq > after));
        after = page.next_after;
        if !page.has_more {
            break;
        }
    }
    // The widget's new visitor is a contact like any other.
    assert_eq!(
        names,
        ["contact.created", "conversation.created", "message.created", "message.created", "conversation.closed"]
    );
    assert_eq!(pulled[0]["contact"]["id"], visitor.contact_id.0.to_string());
    let latest = backend::db::log::latest_seq(app.state.db.conn()).await.expect("latest");
    app.get(&format!("/api/v1/events?after={}", latest + 5), &key.secret).await.error(410, ErrorCode::ResyncRequired);
    app.get("/api/v1/events?after=-1", &key.secret).await.error(422, ErrorCode::ValidationFailed);
    app.get("/api/v1/events?after=x", &key.secret).await.error(400, ErrorCode::MalformedRequest);
    app.get("/api/v1/events", "nk_nope").await.error(401, ErrorCode::Unauthorized);
    // Retention pruned through `latest`: a reader behind it must resync.
    let horizon = event_log_horizon::ActiveModel { id: Set(1), pruned_through: Set(latest) };
    horizon.save(&app.state.db.autocommit()).await.expect("horizon");
    app.get(&format!("/api/v1/events?after={start}"), &key.secret).await.error(410, ErrorCode::ResyncRequired);
    let page: EventsPage = app.get(&format!("/api/v1/events?after={latest}"), &key.secret).await.json(200);
    assert!(page.items.is_empty());
}
