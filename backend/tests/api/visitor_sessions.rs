//! Visitor sessions: started only with the site key and a well-formed body, ended
//! by the visitor, expired after the configured days without use; the pages a
//! visitor reports are web addresses without fragments.

use crate::helpers::{Backend, Received, TestApp, spawn_app_with};
use crate::on_both_databases;
use backend::entities::visitor_sessions;
use reqwest::Method;
use sea_orm::EntityTrait;
use shared::ErrorCode;
use shared::api::*;
use shared::frames::{VisitorClientFrame, VisitorServerFrame};

on_both_databases!(
    a_session_needs_the_site_key_and_a_well_formed_body,
    a_visitor_ends_their_session,
    idle_sessions_expire_and_used_ones_are_written_once_a_day,
    page_urls_are_web_addresses_without_fragments
);

async fn a_session_needs_the_site_key_and_a_well_formed_body(app: TestApp) {
    let key = app.site_key().await;
    let request = || app.request(Method::POST, "/api/v1/widget/sessions", None);
    for missing in [serde_json::json!({}), serde_json::json!({"page_url": "https://shop.example/"})] {
        app.send(request().json(&missing)).await.error(400, ErrorCode::MalformedRequest);
    }
    for malformed in ["false", "garbage", r#"{"site_key":5}"#, &format!(r#"["{key}"]"#), ""] {
        let body = request().header("content-type", "application/json").body(malformed.to_owned());
        app.send(body).await.error(400, ErrorCode::MalformedRequest);
    }
    app.send(request()).await.error(415, ErrorCode::UnsupportedMediaType);
    let wrong = serde_json::json!({"site_key": "ns_wrong"});
    app.send(request().json(&wrong)).await.error(422, ErrorCode::ValidationFailed);
    let right = serde_json::json!({"site_key": key});
    let session: WidgetSession = app.send(request().json(&right)).await.json(201);
    let _: WidgetConversation = app.get("/api/v1/widget/conversation", &session.token).await.json(200);
}

async fn a_visitor_ends_their_session(app: TestApp) {
    let visitor = app.new_visitor().await;
    let other = app.new_visitor().await;
    let path = "/api/v1/widget/sessions/current";
    app.delete(path, app.admin_token()).await.error(403, ErrorCode::Forbidden);
    assert_eq!(app.delete(path, &visitor.token).await.status, 204);
    app.get("/api/v1/widget/conversation", &visitor.token).await.error(401, ErrorCode::Unauthorized);
    assert_eq!(app.ws("/api/v1/ws/visitor", &visitor.token, None).await.err(), Some(401));
    let _: WidgetConversation = app.get("/api/v1/widget/conversation", &other.token).await.json(200);
}

async fn last_used_at(app: &TestApp) -> Vec<i64> {
    let rows = visitor_sessions::Entity::find().all(app.state.db.conn()).await.expect("sessions");
    rows.into_iter().map(|s| s.last_used_at).collect()
}

async fn idle_sessions_expire_and_used_ones_are_written_once_a_day(app: TestApp) {
    let visitor = app.new_visitor().await;
    let key = app.site_key().await;
    let days = |n: i64| chrono::Duration::days(n);
    let started = last_used_at(&app).await;

    // Used within the day: nothing is written.
    app.clock.advance(chrono::Duration::hours(23));
    let _: WidgetConversation = app.get("/api/v1/widget/conversation", &visitor.token).await.json(200);
    assert_eq!(last_used_at(&app).await, started, "no write on every request");

    // Used every 89 days, it lives on.
    for _ in 0..3 {
        app.clock.advance(days(89));
        let _: WidgetConversation = app.get("/api/v1/widget/conversation", &visitor.token).await.json(200);
    }
    assert_eq!(last_used_at(&app).await, vec![backend::clock::millis(app.state.now())], "the use is recorded");

    // Ninety days without use end it, over REST and on the socket alike.
    app.clock.advance(days(90) + chrono::Duration::seconds(1));
    app.get("/api/v1/widget/conversation", &visitor.token).await.error(401, ErrorCode::SessionExpired);
    assert_eq!(app.ws("/api/v1/ws/visitor", &visitor.token, None).await.err(), Some(401));
    // The widget then starts afresh.
    let body = StartSession { page_url: None, site_key: key };
    let fresh: WidgetSession =
        app.send(app.request(Method::POST, "/api/v1/widget/sessions", None).json(&body)).await.json(201);
    let _: WidgetConversation = app.get("/api/v1/widget/conversation", &fresh.token).await.json(200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_idle_time_is_configurable() {
    let Some(app) = spawn_app_with(Backend::Sqlite, |s| s.visitor_session_days = 2).await else { return };
    let visitor = app.new_visitor().await;
    app.clock.advance(chrono::Duration::days(2));
    let _: WidgetConversation = app.get("/api/v1/widget/conversation", &visitor.token).await.json(200);
    app.clock.advance(chrono::Duration::days(2) + chrono::Duration::seconds(1));
    app.get("/api/v1/widget/conversation", &visitor.token).await.error(401, ErrorCode::SessionExpired);
}

async fn current_page(app: &TestApp, visitor: &WidgetSession) -> Option<String> {
    let detail: ContactDetail =
        app.get(&format!("/api/v1/contacts/{}", visitor.contact_id), app.admin_token()).await.json(200);
    detail.contact.current_page
}

async fn page_urls_are_web_addresses_without_fragments(app: TestApp) {
    let key = app.site_key().await;
    let request = |page: &str| {
        let body = StartSession { page_url: Some(page.into()), site_key: key.clone() };
        app.request(Method::POST, "/api/v1/widget/sessions", None).json(&body)
    };
    for bad in ["javascript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>", "/cart"] {
        app.send(request(bad)).await.error(422, ErrorCode::ValidationFailed);
    }
    let visitor: WidgetSession = app.send(request("https://shop.example/cart#reset_token=s3cret")).await.json(201);
    assert_eq!(current_page(&app, &visitor).await.as_deref(), Some("https://shop.example/cart"));

    // On the socket: a bad page is refused and not kept; a good one loses its fragment.
    let path = "/api/v1/ws/visitor?page=javascript%3Aalert(1)";
    assert_eq!(app.ws(path, &visitor.token, None).await.err(), Some(422));
    let mut ws = app.visitor_ws(&visitor.token, None).await;
    ws.send(&VisitorClientFrame::Page { url: "javascript:alert(document.cookie)".into() }).await;
    match ws.receive::<VisitorServerFrame>().await {
        Received::Frame(VisitorServerFrame::Error { code, .. }) => assert_eq!(code, ErrorCode::ValidationFailed),
        other => panic!("expected an error frame, got {other:?}"),
    }
    assert_eq!(current_page(&app, &visitor).await.as_deref(), Some("https://shop.example/cart"));
    ws.send(&VisitorClientFrame::Page { url: "https://shop.example/checkout#card=4242".into() }).await;
    let started = std::time::Instant::now();
    while current_page(&app, &visitor).await.as_deref() != Some("https://shop.example/checkout") {
        assert!(started.elapsed() < crate::helpers::FRAME_TIMEOUT, "the page is saved without its fragment");
        tokio::task::yield_now().await;
    }
}
