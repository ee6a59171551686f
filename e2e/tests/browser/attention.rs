//! Getting the agent's attention: a new message for them chimes and raises a
//! desktop notification (counted by the page's test hook), also after a
//! reload; and the availability switch, saved on the server.

use crate::harness::*;
use shared::api::*;

/// A stand-in for the browser's notifications, allowed, that records their titles.
const FAKE_NOTIFICATIONS: &str = "window.shown = []; \
    window.Notification = function (title) { window.shown.push(title); }; \
    window.Notification.permission = 'granted'; \
    window.Notification.requestPermission = () => Promise.resolve('granted'); return 1";

fn counted(name: &str, n: u32) -> String {
    format!("document.documentElement.dataset.{name} === '{n}'")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_message_chimes_and_notifies_also_after_a_reload() {
    let server = Server::start().await;
    with_browser("attention", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        b.c.refresh().await?;
        b.until("the live link", "document.querySelector('#link-state')?.dataset.state === 'live'").await?;
        b.js(FAKE_NOTIFICATIONS).await?;
        // The sound unlocks on the first gesture after the reload.
        b.click("#me-name").await?;

        let visitor = server.new_visitor().await;
        let change = WidgetContactUpdate { name: Some("Pablo".into()), email: None, phone: None, attributes: None };
        let response = server
            .http
            .patch(server.url("/api/v1/widget/contact"))
            .bearer_auth(&visitor.token)
            .json(&change)
            .send()
            .await?;
        assert!(response.status().is_success());
        let conversation = server.visitor_says(&visitor, "Is my order on its way?").await;
        b.find(&card(conversation)).await?;
        b.until("one chime", &counted("chimes", 1)).await?;
        b.until("one notification", &counted("notifications", 1)).await?;
        assert_eq!(b.js("return window.shown").await?, serde_json::json!(["Pablo"]));
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_availability_switch_is_saved() {
    let server = Server::start().await;
    with_browser("availability", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        b.find(".me .presence.online").await?;
        for (value, expected) in
            [("away", Availability::Away), ("offline", Availability::Offline), ("online", Availability::Online)]
        {
            b.find("#availability").await?.select_by_value(value).await?;
            b.find(&format!(".me .presence.{value}")).await?;
            let me: Agent = server.get("/api/v1/me", &server.admin.access_token).await;
            assert_eq!(me.availability, expected);
        }
        // The notifications button (shown while the browser has not been asked) says when sounds can play.
        let hint = b.js("return document.querySelector('#enable-notifications')?.title ?? null").await?;
        if let Some(hint) = hint.as_str() {
            assert!(hint.contains("clicked or typed"), "{hint}");
        }
        Ok(())
    })
    .await;
}
