//! The operator's pages in a real browser: the API reference, linked from Settings.

use crate::harness::*;
use crate::screens::shot;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_reference_is_linked_from_settings_and_renders() {
    let server = Server::start().await;
    with_browser("api_docs", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        b.click("#nav-settings").await?;
        let link = b.find("#api-docs-link").await?;
        assert_eq!(link.attr("href").await?.as_deref(), Some("/api/docs/"));
        assert_eq!(link.attr("target").await?.as_deref(), Some("_blank"));
        // The link opens a tab of its own; the page is followed here directly.
        b.goto(&server.url("/api/docs/")).await?;
        b.until_text(".swagger-ui .info .title", "Natter API").await?;
        b.until_text(".swagger-ui .opblock-summary-path", "/api/v1/conversations/{id}/messages").await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "makes pictures for people; run with `just screenshots`"]
async fn api_reference_screens() {
    let server = Server::start().await;
    with_browser("api_docs_screens", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        b.goto(&server.url("/api/docs/")).await?;
        b.until_text(".swagger-ui .info .title", "Natter API").await?;
        shot(&b, "31-api-reference").await?;
        b.goto(&server.url("/settings")).await?;
        b.find("#api-docs-link").await?;
        b.js("document.getElementById('settings-keys').scrollIntoView(); return 1").await?;
        shot(&b, "32-settings-api-keys").await?;
        Ok(())
    })
    .await;
}
