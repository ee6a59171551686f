//! The built inbox is served: hashed assets cached for a year (precompressed), index.html for
//! page paths; the public config clients read first.

use crate::helpers::{Backend, spawn_app_with};
use reqwest::Method;
use shared::ErrorCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_the_inbox_with_spa_fallback() {
    let web = tempfile::tempdir().expect("dir");
    std::fs::create_dir_all(web.path().join("assets")).expect("assets");
    std::fs::write(web.path().join("index.html"), "<!doctype html><title>Natter</title>").expect("index");
    std::fs::write(web.path().join("assets/inbox-0123abcd.js"), "export default 1;").expect("js");
    let dir = web.path().to_path_buf();
    let Some(app) = spawn_app_with(Backend::Sqlite, move |s| s.web_dir = dir).await else { return };
    for path in ["/", "/inbox", "/inbox/conversations/123", "/login"] {
        let answer = app.send(app.request(Method::GET, path, None)).await;
        assert_eq!(answer.status, 200, "{path}");
        assert!(String::from_utf8_lossy(&answer.bytes).contains("<title>Natter</title>"));
        assert_eq!(answer.headers["cache-control"], "no-cache");
    }
    let asset = app.send(app.request(Method::GET, "/assets/inbox-0123abcd.js", None)).await;
    assert_eq!(asset.status, 200);
    assert!(asset.headers["cache-control"].to_str().unwrap_or("").contains("immutable"));
    // Missing assets, traversal and the API's unknown routes stay JSON 404s.
    for path in ["/assets/nope.js", "/assets/..%2Findex.html", "/api/v1/nope"] {
        app.send(app.request(Method::GET, path, None)).await.error(404, ErrorCode::NotFound);
    }
    app.send(app.request(Method::POST, "/inbox", None)).await.error(404, ErrorCode::NotFound);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chat_frame_may_be_embedded_only_by_the_allowed_sites() {
    let web = tempfile::tempdir().expect("dir");
    let dir = web.path().to_path_buf();
    let Some(app) = spawn_app_with(Backend::Sqlite, move |s| s.web_dir = dir).await else { return };
    // Not built yet: a clear 503, not a page.
    app.send(app.request(Method::GET, "/widget/frame", None)).await.error(503, ErrorCode::Unavailable);
    std::fs::write(web.path().join("widget.html"), "<!doctype html><title>Chat</title>").expect("frame");
    let frame = app.send(app.request(Method::GET, "/widget/frame?site_key=x", None)).await;
    assert_eq!(frame.status, 200);
    assert_eq!(frame.headers["content-security-policy"], "frame-ancestors *", "no list: any site");
    let change = serde_json::json!({"allowed_origins": ["https://shop.example"]});
    let _: shared::api::WidgetSettings =
        app.patch("/api/v1/settings/widget", app.admin_token(), &change).await.json(200);
    let frame = app.send(app.request(Method::GET, "/widget/frame", None)).await;
    assert_eq!(frame.headers["content-security-policy"], "frame-ancestors 'self' https://shop.example");
    assert!(frame.headers.get("x-frame-options").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assets_are_served_precompressed_by_accept_encoding() {
    let web = tempfile::tempdir().expect("dir");
    let assets = web.path().join("assets");
    std::fs::create_dir_all(&assets).expect("assets");
    std::fs::write(assets.join("widget-0123abcd.wasm"), b"plain wasm").expect("wasm");
    std::fs::write(assets.join("widget-0123abcd.wasm.br"), b"brotli bytes").expect("br");
    std::fs::write(assets.join("widget-0123abcd.wasm.gz"), b"gzip bytes").expect("gz");
    let dir = web.path().to_path_buf();
    let Some(app) = spawn_app_with(Backend::Sqlite, move |s| s.web_dir = dir).await else { return };
    let fetch = |accept: &'static str| {
        let request = app.request(Method::GET, "/assets/widget-0123abcd.wasm", None);
        app.send(if accept.is_empty() { request } else { request.header("accept-encoding", accept) })
    };
    for (accept, body, encoding) in [
        ("gzip, deflate, br, zstd", "brotli bytes", Some("br")),
        ("gzip", "gzip bytes", Some("gzip")),
        ("br;q=0, gzip;q=0.8", "gzip bytes", Some("gzip")),
        ("", "plain wasm", None),
    ] {
        let answer = fetch(accept).await;
        assert_eq!(answer.status, 200, "{accept}");
        assert_eq!(String::from_utf8_lossy(&answer.bytes), body, "{accept}");
        assert_eq!(answer.headers.get("content-encoding").and_then(|v| v.to_str().ok()), encoding, "{accept}");
        assert_eq!(answer.headers["content-type"], "application/wasm", "{accept}");
        assert_eq!(answer.headers["vary"].to_str().unwrap_or("").to_lowercase(), "accept-encoding", "{accept}");
        assert!(answer.headers["cache-control"].to_str().unwrap_or("").contains("immutable"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_learn_the_upload_limit_from_the_public_config() {
    let Some(app) = spawn_app_with(Backend::Sqlite, |s| s.max_upload_bytes = 1234).await else { return };
    let config: shared::api::ClientConfig = app.send(app.request(Method::GET, "/api/v1/config", None)).await.json(200);
    assert_eq!(config.max_upload_bytes, 1234);
    let settings: shared::api::WidgetSettings = app.get("/api/v1/settings/widget", app.admin_token()).await.json(200);
    let path = format!("/api/v1/widget/config?site_key={}", settings.site_key);
    let widget: shared::api::WidgetConfig = app.send(app.request(Method::GET, &path, None)).await.json(200);
    assert_eq!(widget.max_upload_bytes, 1234, "the chat refuses what the server would");
    assert!(!config.email_enabled && !widget.email_enabled, "without SMTP, email actions are not offered");
}
