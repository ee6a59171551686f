//! What fuzzing the REST API found: authorization before bodies, objects only,
//! NUL characters refused where input is parsed, updates racing deletes, the
//! statuses the document promises (405, 415), literal prefixes, the Origin's
//! scheme, and security headers.

use crate::helpers::{Backend, TestApp, spawn_app_with};
use crate::on_both_databases;
use reqwest::Method;
use serde_json::json;
use shared::api::*;
use shared::{ErrorCode, Page};

on_both_databases!(
    the_caller_is_judged_before_the_body,
    bodies_are_objects,
    nul_characters_are_refused_where_input_is_parsed,
    updates_racing_deletes_are_not_found,
    methods_and_media_types_get_their_statuses,
    saved_reply_prefixes_are_literal,
);

async fn the_caller_is_judged_before_the_body(app: TestApp) {
    let visitor = app.new_visitor().await;
    let agent = app.new_agent("Ana", Role::Agent).await;
    let raw = |path: &str, token: &str, content_type: &'static str, body: &'static str| {
        app.request(Method::POST, path, Some(token)).header("content-type", content_type).body(body)
    };
    for (content_type, body) in [("application/json", "{not json"), ("application/json", "[]"), ("text/plain", "x")] {
        // A visitor on an agent's endpoint, an agent on a visitor's, an agent on an admin's.
        app.send(raw("/api/v1/contacts", &visitor.token, content_type, body)).await.error(403, ErrorCode::Forbidden);
        app.send(raw("/api/v1/widget/messages", app.admin_token(), content_type, body))
            .await
            .error(403, ErrorCode::Forbidden);
        app.send(raw("/api/v1/groups", &agent.access_token, content_type, body)).await.error(403, ErrorCode::AdminOnly);
        app.send(raw("/api/v1/contacts", "nonsense", content_type, body)).await.error(401, ErrorCode::Unauthorized);
    }
    // An ended session is judged as such, whatever its body.
    assert_eq!(app.post_empty("/api/v1/auth/logout", &agent.access_token).await.status, 204);
    app.send(raw("/api/v1/contacts", &agent.access_token, "application/json", "{not json"))
        .await
        .error(401, ErrorCode::Unauthorized);
}

async fn bodies_are_objects(app: TestApp) {
    let admin = app.admin_token();
    app.post("/api/v1/contacts", admin, &json!(["Ann", "ann@x.io"])).await.error(400, ErrorCode::MalformedRequest);
    app.post("/api/v1/groups", admin, &json!(["Sales"])).await.error(400, ErrorCode::MalformedRequest);
    let contacts: Page<Contact> = app.get("/api/v1/contacts", admin).await.json(200);
    assert!(contacts.items.iter().all(|c| c.name.as_deref() != Some("Ann")));
}

async fn nul_characters_are_refused_where_input_is_parsed(app: TestApp) {
    let admin = app.admin_token();
    for path in [
        "/api/v1/contacts?q=a%00b",
        "/api/v1/conversations?q=a%00b&filter=all",
        "/api/v1/saved-replies?prefix=a%00b",
        "/api/v1/conversations?cursor=a%00b",
        "/api/v1/contacts?cursor=%00",
    ] {
        app.get(path, admin).await.error(422, ErrorCode::ValidationFailed);
    }
    let login = json!({"email": "a\u{0}b@x.io", "password": "whatever it is"});
    app.send(app.request(Method::POST, "/api/v1/auth/login", None).json(&login))
        .await
        .error(422, ErrorCode::ValidationFailed);
    app.post("/api/v1/groups", admin, &json!({"name": "Sa\u{0}les"})).await.error(422, ErrorCode::ValidationFailed);
}

async fn updates_racing_deletes_are_not_found(app: TestApp) {
    let admin = app.admin_token().to_owned();
    for i in 0..60 {
        let group: Group = app.post("/api/v1/groups", &admin, &json!({"name": format!("G{i}")})).await.json(201);
        let reply: SavedReply = app
            .post("/api/v1/saved-replies", &admin, &json!({"shortcut": format!("r{i}"), "title": "t", "body": "b"}))
            .await
            .json(201);
        let (g, r) = (format!("/api/v1/groups/{}", group.id), format!("/api/v1/saved-replies/{}", reply.id));
        let renamed = json!({"name": format!("H{i}")});
        let changed = json!({"shortcut": format!("s{i}"), "title": "t", "body": "c"});
        let (a, _, b, _) = tokio::join!(
            app.patch(&g, &admin, &renamed),
            app.delete(&g, &admin),
            app.put(&r, &admin, &changed),
            app.delete(&r, &admin)
        );
        for answer in [a, b] {
            assert!(
                matches!(answer.status.as_u16(), 200 | 404),
                "{}: {}",
                answer.status,
                String::from_utf8_lossy(&answer.bytes)
            );
        }
    }
}

async fn methods_and_media_types_get_their_statuses(app: TestApp) {
    let admin = app.admin_token();
    let put = app.send(app.request(Method::PUT, "/api/v1/contacts", Some(admin))).await;
    put.error(405, ErrorCode::MethodNotAllowed);
    assert_eq!(put.headers["allow"], "GET, POST");
    let visitor = app.new_visitor().await;
    let path = format!("/api/v1/contacts/{}", visitor.contact_id);
    app.send(app.request(Method::POST, &path, Some(admin))).await.error(405, ErrorCode::MethodNotAllowed);
    app.send(app.request(Method::DELETE, "/api/v1/nothing-here", Some(admin))).await.error(404, ErrorCode::NotFound);
    // A literal path beside a templated one (`/conversations/bulk`, `/conversations/{id}`).
    let get = app.send(app.request(Method::GET, "/api/v1/conversations/bulk", Some(admin))).await;
    get.error(405, ErrorCode::MethodNotAllowed);
    assert_eq!(get.headers["allow"], "POST");
    for (path, token) in [("/api/v1/attachments", admin), ("/api/v1/widget/attachments", visitor.token.as_str())] {
        let plain = app.request(Method::POST, path, Some(token)).header("content-type", "text/plain").body("x");
        app.send(plain).await.error(415, ErrorCode::UnsupportedMediaType);
        app.send(app.request(Method::POST, path, Some(token)).body("x"))
            .await
            .error(415, ErrorCode::UnsupportedMediaType);
    }
}

async fn saved_reply_prefixes_are_literal(app: TestApp) {
    let admin = app.admin_token();
    for shortcut in ["ab", "a_c", "a-d"] {
        let _: SavedReply = app
            .post("/api/v1/saved-replies", admin, &json!({"shortcut": shortcut, "title": "t", "body": "b"}))
            .await
            .json(201);
    }
    let shortcuts = |page: Page<SavedReply>| page.items.into_iter().map(|r| r.shortcut).collect::<Vec<_>>();
    let under: Page<SavedReply> = app.get("/api/v1/saved-replies?prefix=a_", admin).await.json(200);
    assert_eq!(shortcuts(under), ["a_c"]);
    let percent: Page<SavedReply> = app.get("/api/v1/saved-replies?prefix=a%25", admin).await.json(200);
    assert!(shortcuts(percent).is_empty());
    let plain: Page<SavedReply> = app.get("/api/v1/saved-replies?prefix=a", admin).await.json(200);
    assert_eq!(shortcuts(plain).len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_the_security_headers() {
    let web = tempfile::tempdir().expect("dir");
    let page = "<!doctype html><title>Natter</title><script type=\"module\">init();</script>";
    std::fs::write(web.path().join("index.html"), page).expect("index");
    std::fs::write(web.path().join("widget.html"), "<!doctype html><title>Chat</title>").expect("frame");
    let dir = web.path().to_path_buf();
    let tweak = move |s: &mut backend::config::Settings| {
        s.web_dir = dir;
        s.public_url = Some("https://chat.example".into());
    };
    let Some(app) = spawn_app_with(Backend::Sqlite, tweak).await else { return };
    let inbox = app.send(app.request(Method::GET, "/conversations", None)).await;
    assert_eq!(inbox.status, 200);
    let csp = inbox.headers["content-security-policy"].to_str().expect("ascii");
    for part in ["script-src 'self' 'wasm-unsafe-eval' 'sha256-", "frame-ancestors 'none'", "object-src 'none'"] {
        assert!(csp.contains(part), "{part} in {csp}");
    }
    assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
    for path in ["/conversations", "/api/v1/me", "/healthz", "/api/v1/nope"] {
        let answer = app.send(app.request(Method::GET, path, None)).await;
        assert_eq!(answer.headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(answer.headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(answer.headers["strict-transport-security"], "max-age=31536000", "{path}");
        let csp = answer.headers["content-security-policy"].to_str().expect("ascii");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    }
    // The chat frame alone may be embedded (by the allowed sites).
    let frame = app.send(app.request(Method::GET, "/widget/frame", None)).await;
    assert_eq!(frame.headers["content-security-policy"], "frame-ancestors *");
    assert!(frame.headers.get("x-frame-options").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_origin_is_compared_by_scheme_host_and_port() {
    let tweak = |s: &mut backend::config::Settings| s.public_url = Some("https://chat.example".into());
    let Some(app) = spawn_app_with(Backend::Sqlite, tweak).await else { return };
    let visitor = app.new_visitor().await;
    let path = "/api/v1/ws/visitor";
    let own_port = app.base.rsplit(':').next().expect("port").to_owned();
    for foreign in [
        "http://chat.example",
        "https://chat.example:8443",
        "https://chat.example.evil",
        &format!("https://127.0.0.1:{own_port}"),
        "null",
    ] {
        assert_eq!(app.ws(path, &visitor.token, Some(foreign)).await.err(), Some(403), "{foreign}");
    }
    for ours in ["https://chat.example", "https://chat.example:443", app.base.as_str()] {
        assert!(app.ws(path, &visitor.token, Some(ours)).await.is_ok(), "{ours}");
    }
}
