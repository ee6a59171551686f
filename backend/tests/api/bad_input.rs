//! Bad input of every kind gets a JSON error with a stable code, never a 500.

use crate::helpers::TestApp;
use crate::on_both_databases;
use reqwest::Method;
use serde_json::json;
use shared::ErrorCode;
use shared::api::*;

on_both_databases!(malformed_and_invalid_bodies, unknown_ids_are_not_found, oversized_bodies_and_files);

async fn malformed_and_invalid_bodies(app: TestApp) {
    let admin = app.admin_token();
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "Hi").await;
    let path = format!("/api/v1/conversations/{conv}/messages");
    let raw = |body: &'static str| {
        app.send(app.request(Method::POST, &path, Some(admin)).header("content-type", "application/json").body(body))
    };
    raw("{not json").await.error(400, ErrorCode::MalformedRequest);
    raw(r#"{"kind": "reply", "body": 5, "client_id": "x"}"#).await.error(400, ErrorCode::MalformedRequest);
    raw(r#"{"kind": "shout", "body": "x", "client_id": "x"}"#).await.error(400, ErrorCode::MalformedRequest);
    raw(r#"{"body": "x"}"#).await.error(400, ErrorCode::MalformedRequest);
    let form =
        app.send(app.request(Method::POST, &path, Some(admin)).header("content-type", "text/plain").body("hello"));
    form.await.error(415, ErrorCode::UnsupportedMediaType);
    // Empty and too long messages, bad client ids.
    app.post(&path, admin, &json!({"kind": "reply", "body": "   ", "client_id": "e"}))
        .await
        .error(422, ErrorCode::ValidationFailed);
    let long = "x".repeat(shared::limits::MAX_MESSAGE_CHARS + 1);
    app.post(&path, admin, &json!({"kind": "reply", "body": long, "client_id": "l"}))
        .await
        .error(422, ErrorCode::ValidationFailed);
    app.post(&path, admin, &json!({"kind": "reply", "body": "x", "client_id": ""}))
        .await
        .error(422, ErrorCode::ValidationFailed);
    app.post(&path, admin, &json!({"kind": "reply", "body": "nul \u{0} here", "client_id": "n"}))
        .await
        .error(422, ErrorCode::ValidationFailed);
    app.patch(&format!("/api/v1/contacts/{}", visitor.contact_id), admin, &json!({"name": "a\u{0}b"}))
        .await
        .error(422, ErrorCode::ValidationFailed);
    app.post("/api/v1/widget/messages", &visitor.token, &json!({"body": "", "client_id": "v"}))
        .await
        .error(422, ErrorCode::ValidationFailed);
    // Contacts: bad email, huge or nested attributes.
    let contact = format!("/api/v1/contacts/{}", visitor.contact_id);
    app.patch(&contact, admin, &json!({"email": "not-an-email"})).await.error(422, ErrorCode::ValidationFailed);
    app.patch(&contact, admin, &json!({"attributes": {"plan": "x".repeat(5000)}}))
        .await
        .error(422, ErrorCode::ValidationFailed);
    app.patch(&contact, admin, &json!({"attributes": {"deep": {"a": 1}}}))
        .await
        .error(422, ErrorCode::ValidationFailed);
    let many: serde_json::Map<String, serde_json::Value> = (0..60).map(|i| (format!("k{i}"), json!(i))).collect();
    app.patch(&contact, admin, &json!({"attributes": many})).await.error(422, ErrorCode::ValidationFailed);
    app.patch("/api/v1/widget/contact", &visitor.token, &json!({"email": "nope"}))
        .await
        .error(422, ErrorCode::ValidationFailed);
    app.patch("/api/v1/widget/contact", &visitor.token, &json!({"phone": "call me"}))
        .await
        .error(422, ErrorCode::ValidationFailed);
    // Nothing of the above changed the contact.
    let detail: ContactDetail = app.get(&contact, admin).await.json(200);
    assert!(detail.contact.email.is_none() && detail.contact.attributes.is_empty());
    // Bad queries.
    app.get("/api/v1/conversations?filter=everything", admin).await.error(400, ErrorCode::MalformedRequest);
    app.get("/api/v1/conversations?cursor=zzz", admin).await.error(400, ErrorCode::MalformedRequest);
    app.get("/api/v1/conversations?limit=-1", admin).await.error(400, ErrorCode::MalformedRequest);
    app.get(&format!("/api/v1/conversations?q={}", "q".repeat(300)), admin)
        .await
        .error(422, ErrorCode::ValidationFailed);
    app.get(&format!("{path}?cursor=abc"), admin).await.error(400, ErrorCode::MalformedRequest);
    // Agents: bad email, short password, duplicate email.
    let agent = json!({"name": "X", "email": "x@natter.test", "password": "short"});
    app.post("/api/v1/agents", admin, &agent).await.error(422, ErrorCode::ValidationFailed);
    let agent = json!({"name": "X", "email": "admin@natter.test", "password": "long enough"});
    app.post("/api/v1/agents", admin, &agent).await.error(409, ErrorCode::Conflict);
}

async fn unknown_ids_are_not_found(app: TestApp) {
    let admin = app.admin_token();
    let unknown = uuid::Uuid::now_v7();
    for path in [
        format!("/api/v1/conversations/{unknown}"),
        format!("/api/v1/conversations/{unknown}/messages"),
        format!("/api/v1/contacts/{unknown}"),
        format!("/api/v1/agents/{unknown}"),
        format!("/api/v1/groups/{unknown}"),
        format!("/api/v1/saved-replies/{unknown}"),
        format!("/api/v1/attachments/{unknown}"),
        "/api/v1/conversations/not-a-uuid".to_owned(),
        "/api/v1/contacts/42".to_owned(),
    ] {
        app.get(&path, admin).await.error(404, ErrorCode::NotFound);
    }
    for path in ["close", "reopen", "read"] {
        app.post_empty(&format!("/api/v1/conversations/{unknown}/{path}"), admin).await.error(404, ErrorCode::NotFound);
    }
    app.delete(&format!("/api/v1/conversations/{unknown}"), admin).await.error(404, ErrorCode::NotFound);
    app.post_empty(&format!("/api/v1/contacts/{unknown}/ban"), admin).await.error(404, ErrorCode::NotFound);
    let reply = json!({"kind": "reply", "body": "x", "client_id": "u"});
    app.post(&format!("/api/v1/conversations/{unknown}/messages"), admin, &reply).await.error(404, ErrorCode::NotFound);
    app.post("/api/v1/conversations", admin, &json!({"contact_id": unknown})).await.error(404, ErrorCode::NotFound);
}

async fn oversized_bodies_and_files(app: TestApp) {
    let admin = app.admin_token();
    let visitor = app.new_visitor().await;
    let huge = json!({"notes": "x".repeat(shared::limits::MAX_JSON_BYTES + 10)});
    app.patch(&format!("/api/v1/contacts/{}", visitor.contact_id), admin, &huge)
        .await
        .error(413, ErrorCode::PayloadTooLarge);
    let limit = shared::limits::DEFAULT_MAX_UPLOAD_BYTES as usize;
    let ok = vec![b'a'; 1000];
    let too_big = vec![b'a'; limit + 1];
    app.upload("/api/v1/attachments", admin, &[("ok.txt", ok.clone()), ("big.txt", too_big.clone())])
        .await
        .error(413, ErrorCode::FileTooLarge);
    app.upload("/api/v1/widget/attachments", &visitor.token, &[("big.bin", too_big)])
        .await
        .error(413, ErrorCode::FileTooLarge);
    // Nothing partial was kept: no rows, no files.
    assert_eq!(crate::event_log::count_attachments(&app).await, 0);
    let files = app.data_dir.path().join("files/attachments");
    let stored = std::fs::read_dir(&files).map(|d| d.count()).unwrap_or(0);
    assert_eq!(stored, 0, "no file left in {files:?}");
    // Exactly at the limit is fine.
    let at_limit = vec![b'a'; limit];
    let up: Uploaded = app.upload("/api/v1/attachments", admin, &[("edge.txt", at_limit)]).await.json(201);
    assert_eq!(up.attachments[0].size, limit as u64);
    // Not multipart at all.
    let answer = app.send(app.request(Method::POST, "/api/v1/attachments", Some(admin)).json(&json!({}))).await;
    assert!(answer.status == 400 || answer.status == 415, "status {}", answer.status);
    let _: shared::ErrorBody = serde_json::from_slice(&answer.bytes).expect("JSON error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_visitors_from_one_address_are_limited() {
    use crate::helpers::{Backend, spawn_app_with};
    let Some(app) = spawn_app_with(Backend::Sqlite, |s| s.new_visitors_per_ip = 3).await else { return };
    for _ in 0..3 {
        app.new_visitor().await;
    }
    let body = StartSession { page_url: None, site_key: app.site_key().await };
    let answer = app.send(app.request(reqwest::Method::POST, "/api/v1/widget/sessions", None).json(&body)).await;
    answer.error(429, ErrorCode::RateLimited);
    assert!(answer.headers.get("retry-after").is_some());
}
