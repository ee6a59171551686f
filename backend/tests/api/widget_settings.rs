//! The widget's settings, public configuration, frame policy and signed identities.

use crate::helpers::TestApp;
use crate::on_both_databases;
use reqwest::Method;
use serde_json::json;
use shared::ErrorCode;
use shared::api::*;

on_both_databases!(
    settings_are_for_admins_and_checked,
    allowed_sites_are_parsed_as_origins,
    config_and_frame_follow_settings,
    identities_merge_only_when_signed
);

async fn settings_are_for_admins_and_checked(app: TestApp) {
    let agent = app.new_agent("Ana", Role::Agent).await;
    app.get("/api/v1/settings/widget", &agent.access_token).await.error(403, ErrorCode::AdminOnly);
    let first: WidgetSettings = app.get("/api/v1/settings/widget", app.admin_token()).await.json(200);
    assert!(first.site_key.starts_with("ns_") && first.identity_secret.starts_with("ni_"));
    let again: WidgetSettings = app.get("/api/v1/settings/widget", app.admin_token()).await.json(200);
    assert_eq!(first.site_key, again.site_key, "created once");

    for bad in [json!({"color": "purple"}), json!({"allowed_origins": ["shop.example"]}), json!({"team_name": "  "})] {
        app.patch("/api/v1/settings/widget", app.admin_token(), &bad).await.error(422, ErrorCode::ValidationFailed);
    }
    app.patch("/api/v1/settings/widget", app.admin_token(), &json!({"position": "top"}))
        .await
        .error(400, ErrorCode::MalformedRequest);
    let change = json!({"team_name": "Acme help", "color": "#FF6600", "position": "left", "ask_contact": "before",
        "allowed_origins": ["https://shop.example/", "http://localhost:3000"]});
    let changed: WidgetSettings = app.patch("/api/v1/settings/widget", app.admin_token(), &change).await.json(200);
    assert_eq!(changed.color, "#ff6600");
    assert_eq!(changed.position, WidgetPosition::Left);
    assert_eq!(changed.allowed_origins, vec!["https://shop.example", "http://localhost:3000"]);
    app.patch("/api/v1/settings/widget", &agent.access_token, &change).await.error(403, ErrorCode::AdminOnly);
}

async fn allowed_sites_are_parsed_as_origins(app: TestApp) {
    for bad in ["https://a.com@evil.com", "https://user:pw@shop.example", "https://*.example", "ftp://shop.example"] {
        let change = json!({"allowed_origins": [bad]});
        app.patch("/api/v1/settings/widget", app.admin_token(), &change).await.error(422, ErrorCode::ValidationFailed);
    }
    let change = json!({"allowed_origins": ["https://Bücher.example", "https://shop.example:443/"]});
    let changed: WidgetSettings = app.patch("/api/v1/settings/widget", app.admin_token(), &change).await.json(200);
    assert_eq!(changed.allowed_origins, vec!["https://xn--bcher-kva.example", "https://shop.example"]);

    // A list stored before origins were parsed keeps its valid entries and never widens to any site.
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let row = backend::domain::widget_settings::load(&app.state).await.unwrap();
    let mut model = row.into_active_model();
    model.allowed_origins = Set(r#"["https://a.com@evil.com","https://shop.example"]"#.into());
    let row = model.update(&app.state.db.autocommit()).await.unwrap();
    assert_eq!(backend::domain::widget_origins::frame_policy(&row), "frame-ancestors 'self' https://shop.example");
    let mut model = row.into_active_model();
    model.allowed_origins = Set(r#"["https://bücher.example@evil.com"]"#.into());
    let row = model.update(&app.state.db.autocommit()).await.unwrap();
    assert_eq!(backend::domain::widget_origins::frame_policy(&row), "frame-ancestors 'self'");
}

async fn config_and_frame_follow_settings(app: TestApp) {
    let settings: WidgetSettings = app.get("/api/v1/settings/widget", app.admin_token()).await.json(200);
    let answer = app.send(app.request(Method::GET, "/api/v1/widget/config?site_key=ns_wrong", None)).await;
    answer.error(404, ErrorCode::NotFound);
    let path = format!("/api/v1/widget/config?site_key={}", settings.site_key);
    let answer = app.send(app.request(Method::GET, &path, None)).await;
    let config: WidgetConfig = answer.json(200);
    assert_eq!(config.team_name, settings.team_name);
    assert_eq!(answer.headers["access-control-allow-origin"], "*", "any site may load the loader's configuration");
    let serialized = String::from_utf8_lossy(&answer.bytes).to_string();
    assert!(!serialized.contains(&settings.identity_secret), "the secret never leaves Settings");

    assert!(config.allowed_origins.is_empty(), "no list: any site");
    // A session with a wrong site key is refused; with the right one it starts.
    let wrong = json!({"site_key": "ns_wrong"});
    let answer = app.send(app.request(Method::POST, "/api/v1/widget/sessions", None).json(&wrong)).await;
    answer.error(422, ErrorCode::ValidationFailed);
    let right = json!({"site_key": settings.site_key});
    let _: WidgetSession =
        app.send(app.request(Method::POST, "/api/v1/widget/sessions", None).json(&right)).await.json(201);

    let loader = app.send(app.request(Method::GET, "/widget.js", None)).await;
    assert_eq!(loader.status, 200);
    assert!(loader.headers["content-type"].to_str().unwrap().starts_with("application/javascript"));
    assert!(loader.bytes.len() < 10 * 1024, "the loader stays under 10 KB");
    // Compressed once, not per request: brotli or gzip as the client accepts, with `Vary`.
    for (accept, encoding) in [("gzip, deflate, br", "br"), ("gzip", "gzip")] {
        let packed = app.send(app.request(Method::GET, "/widget.js", None).header("accept-encoding", accept)).await;
        assert_eq!(packed.headers["content-encoding"], encoding);
        assert_eq!(packed.headers["vary"], "accept-encoding");
        let mut plain = Vec::new();
        use std::io::Read;
        if encoding == "br" {
            brotli::Decompressor::new(&packed.bytes[..], 4096).read_to_end(&mut plain).unwrap();
        } else {
            flate2::read::GzDecoder::new(&packed.bytes[..]).read_to_end(&mut plain).unwrap();
        }
        assert_eq!(plain, loader.bytes.to_vec());
        assert!(packed.bytes.len() < loader.bytes.len() / 2);
    }

    let change = json!({"allowed_origins": ["https://shop.example"]});
    let _: WidgetSettings = app.patch("/api/v1/settings/widget", app.admin_token(), &change).await.json(200);
    // The chat frame learns which host pages it may listen to.
    let config: WidgetConfig = app.send(app.request(Method::GET, &path, None)).await.json(200);
    assert_eq!(config.allowed_origins, vec!["https://shop.example"]);
    // Only the allowed sites (and Natter itself) may frame the chat.
    let row = backend::domain::widget_settings::load(&app.state).await.unwrap();
    assert_eq!(backend::domain::widget_origins::frame_policy(&row), "frame-ancestors 'self' https://shop.example");
}

async fn identities_merge_only_when_signed(app: TestApp) {
    let settings: WidgetSettings = app.get("/api/v1/settings/widget", app.admin_token()).await.json(200);
    let now = chrono::Utc::now().timestamp();
    let sign = |user: &str, ts: i64| backend::domain::identity::sign(&settings.identity_secret, user, ts);

    let laptop = app.new_visitor().await;
    let conv = app.visitor_says(&laptop, "from the laptop").await;
    let identity = IdentifyVisitor { user_id: "u-1".into(), timestamp: now, signature: sign("u-1", now) };
    let first: IdentifiedVisitor = app.post("/api/v1/widget/identify", &laptop.token, &identity).await.json(200);
    assert_eq!(first.contact_id, laptop.contact_id, "the first device's contact becomes the user's");

    let phone = app.new_visitor().await;
    let merged: IdentifiedVisitor = app.post("/api/v1/widget/identify", &phone.token, &identity).await.json(200);
    assert_eq!(merged.contact_id, laptop.contact_id, "another device joins the same contact");
    let thread: WidgetConversation = app.get("/api/v1/widget/conversation", &merged.token).await.json(200);
    assert_eq!(thread.conversation.map(|c| c.id), Some(conv));
    // The phone's anonymous contact is gone, with its token.
    app.get("/api/v1/widget/conversation", &phone.token).await.error(401, ErrorCode::Unauthorized);
    let contact: ContactDetail =
        app.get(&format!("/api/v1/contacts/{}", laptop.contact_id), app.admin_token()).await.json(200);
    assert!(contact.contact.verified);
    assert_eq!(contact.contact.external_id.as_deref(), Some("u-1"));

    let forger = app.new_visitor().await;
    let forged = IdentifyVisitor { user_id: "u-1".into(), timestamp: now, signature: sign("u-2", now) };
    app.post("/api/v1/widget/identify", &forger.token, &forged).await.error(403, ErrorCode::Forbidden);
    let stale_ts = now - 2 * 24 * 3600;
    let stale = IdentifyVisitor { user_id: "u-1".into(), timestamp: stale_ts, signature: sign("u-1", stale_ts) };
    app.post("/api/v1/widget/identify", &forger.token, &stale).await.error(422, ErrorCode::ValidationFailed);
    let garbage = json!({"user_id": "u-1", "timestamp": now, "signature": "zz"});
    app.post("/api/v1/widget/identify", &forger.token, &garbage).await.error(403, ErrorCode::Forbidden);
    let forger_contact: ContactDetail =
        app.get(&format!("/api/v1/contacts/{}", forger.contact_id), app.admin_token()).await.json(200);
    assert!(!forger_contact.contact.verified, "a forged identity changes nothing");
}
