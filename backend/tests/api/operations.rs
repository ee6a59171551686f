//! The operator's paths: the API reference served by Natter itself, and no
//! operational or API path ever answered with the inbox's page.

use crate::helpers::{Backend, spawn_app, spawn_app_with};
use reqwest::Method;
use shared::ErrorCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_reference_is_served_without_a_cdn() {
    let Some(app) = spawn_app(Backend::Sqlite).await else { return };
    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let moved = no_redirects.get(app.url("/api/docs")).send().await.expect("answer");
    assert_eq!(moved.status().as_u16(), 301);
    assert_eq!(moved.headers()["location"], "/api/docs/");

    let page = app.send(app.request(Method::GET, "/api/docs/", None)).await;
    assert_eq!(page.status, 200);
    assert!(page.headers["content-type"].to_str().unwrap_or("").starts_with("text/html"));
    let html = String::from_utf8_lossy(&page.bytes).into_owned();
    assert!(html.contains("<title>Natter API reference</title>") && html.contains("swagger-ui"));
    // Every script, style and icon is a relative link that Natter serves itself.
    let links: Vec<&str> = ["src=\"", "href=\""]
        .iter()
        .flat_map(|attr| html.split(attr).skip(1).map(|rest| rest.split('"').next().unwrap_or_default()))
        .collect();
    assert!(links.len() >= 5, "{links:?}");
    for link in links {
        assert!(!link.contains("//"), "{link} is not served by Natter");
        let file = app.send(app.request(Method::GET, &format!("/api/docs/{}", link.trim_start_matches("./")), None));
        assert_eq!(file.await.status, 200, "{link}");
    }
    let init = app.send(app.request(Method::GET, "/api/docs/swagger-initializer.js", None)).await;
    assert!(String::from_utf8_lossy(&init.bytes).contains("/api/v1/openapi.json"), "points at our document");
    app.send(app.request(Method::GET, "/api/docs/nope.js", None)).await.error(404, ErrorCode::NotFound);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operational_paths_never_fall_back_to_the_inbox() {
    let web = tempfile::tempdir().expect("dir");
    std::fs::write(web.path().join("index.html"), "<!doctype html><title>Natter</title>").expect("index");
    let dir = web.path().to_path_buf();
    let Some(app) = spawn_app_with(Backend::Sqlite, move |s| s.web_dir = dir).await else { return };
    let metrics = app.send(app.request(Method::GET, "/metrics", None)).await;
    assert_eq!(metrics.status, 200);
    assert!(metrics.headers["content-type"].to_str().unwrap_or("").starts_with("text/plain"));
    let probes = ["/metrics/", "/metrics/x", "/healthz/x", "/readyz/", "/livez", "/api", "/api/v2/conversations"];
    for path in probes.into_iter().chain(["/favicon.ico", "/.env", "/.well-known/security.txt", "/widget/x"]) {
        let answer = app.send(app.request(Method::GET, path, None)).await;
        assert!(!String::from_utf8_lossy(&answer.bytes).contains("<title>Natter</title>"), "{path} got the inbox");
        answer.error(404, ErrorCode::NotFound);
    }
    let inbox = app.send(app.request(Method::GET, "/settings", None)).await;
    assert!(String::from_utf8_lossy(&inbox.bytes).contains("<title>Natter</title>"), "pages still load the app");
}
