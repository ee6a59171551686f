//! Blocking by address: a new visitor session from a blocked address is
//! refused; unblocking lets it in again; the block outlives an erased contact.

use crate::helpers::TestApp;
use crate::on_both_databases;
use reqwest::Method;
use serde_json::json;
use shared::api::*;
use shared::{ErrorCode, Page};

on_both_databases!(a_blocked_address_cannot_start_a_visitor_session);

async fn start_session(app: &TestApp) -> crate::helpers::Answer {
    let body = StartSession { page_url: None, site_key: app.site_key().await };
    app.send(app.request(Method::POST, "/api/v1/widget/sessions", None).json(&body)).await
}

async fn blocked(app: &TestApp) -> Page<BlockedAddress> {
    app.get("/api/v1/blocked-addresses", app.admin_token()).await.json(200)
}

async fn a_blocked_address_cannot_start_a_visitor_session(app: TestApp) {
    let admin = app.admin_token().to_owned();
    let ben = app.new_agent("Ben", Role::Agent).await.access_token;
    let vera = app.new_visitor().await;
    let detail: ContactDetail = app.get(&format!("/api/v1/contacts/{}", vera.contact_id), &admin).await.json(200);
    assert_eq!(detail.contact.ip_address.as_deref(), Some("127.0.0.1"));

    // An agent blocks Vera's address; a contact with no known address can't be.
    let block = json!({"contact_id": vera.contact_id});
    let made: BlockedAddress = app.post("/api/v1/blocked-addresses", &ben, &block).await.json(201);
    assert_eq!((made.address.as_str(), made.contact_id), ("127.0.0.1", Some(vera.contact_id)));
    app.post("/api/v1/blocked-addresses", &ben, &block).await.error(409, ErrorCode::Conflict);
    let known: Contact = app.post("/api/v1/contacts", &admin, &json!({"name": "Known"})).await.json(201);
    app.post("/api/v1/blocked-addresses", &ben, &json!({"contact_id": known.id}))
        .await
        .error(422, ErrorCode::ValidationFailed);
    app.post("/api/v1/blocked-addresses", &vera.token, &block).await.error(403, ErrorCode::Forbidden);

    // No new anonymous session from it.
    start_session(&app).await.error(403, ErrorCode::ContactBanned);
    assert_eq!(blocked(&app).await.items.iter().map(|b| b.address.as_str()).collect::<Vec<_>>(), ["127.0.0.1"]);

    // Unblocked, it gets in again.
    assert_eq!(app.delete("/api/v1/blocked-addresses/127.0.0.1", &ben).await.status, 204);
    app.delete("/api/v1/blocked-addresses/127.0.0.1", &ben).await.error(404, ErrorCode::NotFound);
    let again: WidgetSession = start_session(&app).await.json(201);

    // A block outlives the erased contact it came from.
    let _: BlockedAddress =
        app.post("/api/v1/blocked-addresses", &admin, &json!({"contact_id": again.contact_id})).await.json(201);
    assert_eq!(app.delete(&format!("/api/v1/contacts/{}", again.contact_id), &admin).await.status, 204);
    let kept = blocked(&app).await.items;
    assert_eq!((kept.len(), kept[0].contact_id), (1, None));
    start_session(&app).await.error(403, ErrorCode::ContactBanned);
}
