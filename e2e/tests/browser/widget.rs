//! The widget on a hostile host page, a visitor's browser and an agent's side by side.

use crate::harness::*;
use fantoccini::key::Key;
use shared::api::*;

/// The visitor's token in the chat frame's storage (run inside the frame).
pub async fn visitor_token(b: &Browser) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    Ok(b.js("return localStorage.getItem('natter.visitor')").await?.as_str().unwrap_or_default().to_owned())
}

pub async fn contacts(server: &Server) -> Vec<Contact> {
    let page: shared::Page<Contact> = server.get("/api/v1/contacts?limit=200", &server.admin.access_token).await;
    page.items
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_and_an_agent_talk_both_ways_live_with_files() {
    let server = Server::start().await;
    let key = site_key(&server).await;
    let site = HostSite::start(&server, &key, "").await;
    let files = tempfile::tempdir().expect("a temp dir");
    let photo = files.path().join("broken-zip.png");
    std::fs::write(&photo, crate::inbox::PNG).expect("a file");
    let manual = files.path().join("manual.txt");
    std::fs::write(&manual, "Step 1: unzip.").expect("a file");
    with_browser("widget_agent", |agent| async move {
        agent.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        with_browser("widget_visitor", |visitor| async move {
            visitor.open_widget(&site).await?;
            visitor.find("#greeting").await?;
            visitor.until_text("#team-status", "online").await?;
            visitor.type_into("#widget-input", "Hello from the shop!").await?;
            visitor.press("#widget-input", &Key::Enter).await?;
            visitor.until_text("#chat-body .row.mine", "Hello from the shop!").await?;

            // The agent sees it live, and the page the visitor is on.
            agent.until_text(".card", "Hello from the shop!").await?;
            agent.click(".card").await?;
            agent.until_text("#thread .msg.visitor", "Hello from the shop!").await?;
            agent.until_text("#visitor-page", "localhost").await?;

            // Typing shows both ways.
            visitor.type_into("#widget-input", "one more thing").await?;
            agent.until_text("#typing", "typing").await?;
            agent.type_into("#composer-input", "Hi! How can I help?").await?;
            visitor.until_text("#agent-typing", "typing").await?;
            agent.press("#composer-input", &Key::Enter).await?;
            visitor.until_text("#chat-body .row.theirs", "Hi! How can I help?").await?;
            visitor.until_text("#team-status", ADMIN_NAME).await?;
            // A comment never reaches the widget.
            agent.click("#mode-comment").await?;
            agent.type_into("#composer-input", "internal only").await?;
            agent.press("#composer-input", &Key::Enter).await?;
            agent.until_text("#thread .msg.comment", "internal only").await?;

            // Files both ways.
            visitor.type_into("#widget-file", &photo.display().to_string()).await?;
            visitor.find("#widget-uploads .pending-file.done").await?;
            visitor.click("#widget-send").await?;
            agent
                .until(
                    "the visitor's image",
                    "document.querySelector('#thread .msg.visitor img.preview')?.naturalWidth === 1",
                )
                .await?;
            agent.click("#mode-reply").await?;
            agent.type_into("#file-input", &manual.display().to_string()).await?;
            agent.find(".upload.done").await?;
            agent.type_into("#composer-input", "Here is the manual").await?;
            agent.press("#composer-input", &Key::Enter).await?;
            visitor.until_text("#chat-body .row.theirs", "manual.txt").await?;
            visitor.until_text("#chat-body", "Here is the manual").await?;
            let body: String = visitor
                .js("return document.getElementById('chat-body').textContent")
                .await?
                .as_str()
                .unwrap_or_default()
                .into();
            assert!(!body.contains("internal only"), "the visitor never sees a comment");

            // The host page's plugin API heard the messages.
            visitor.leave_chat().await?;
            // Closed: replies count on the bubble until the visitor opens the chat again.
            visitor.js("natterChat('close'); return 1").await?;
            agent.type_into("#composer-input", "Anything else?").await?;
            agent.press("#composer-input", &Key::Enter).await?;
            visitor.until("one unread reply", "document.getElementById('natter-chat').dataset.unread === '1'").await?;
            visitor.js("natterChat('open'); return 1").await?;
            visitor.until("no unread reply", "document.getElementById('natter-chat').dataset.unread === '0'").await?;
            visitor
                .until("the host's message listener", "window.received.some(m => m.body === 'Hi! How can I help?')")
                .await?;
            let other = visitor.js("return window.natter.version").await?;
            assert_eq!(other.as_str(), Some("another library's natter"), "someone else's global is left alone");
            Ok(())
        })
        .await;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_contact_form_bot_fills_the_agents_contact_panel() {
    let server = Server::start().await;
    let key = site_key(&server).await;
    let site = HostSite::start(&server, &key, "").await;
    with_browser("bot_agent", |agent| async move {
        agent.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        with_browser("bot_visitor", |visitor| async move {
            visitor.open_widget(&site).await?;
            visitor.type_into("#widget-input", "Do you ship to Norway?").await?;
            visitor.press("#widget-input", &Key::Enter).await?;
            visitor.find("#bot-form").await?;
            agent.click(".card").await?;
            agent.until_text("#thread .msg.visitor", "Norway").await?;

            visitor.type_into("#bot-form input[name=name]", "Ingrid Berg").await?;
            visitor.type_into("#bot-form input[name=email]", "not an email").await?;
            visitor.click("#bot-form .send-details").await?;
            visitor.until_text("#bot-form .error", "valid email").await?;
            visitor.find("#bot-form input[name=email]").await?.clear().await?;
            visitor.type_into("#bot-form input[name=email]", "ingrid@example.no").await?;
            visitor.click("#bot-form .send-details").await?;
            visitor.until_gone("#bot-form").await?;

            agent
                .until(
                    "the email in the contact panel",
                    "document.querySelector('#contact-email')?.value === 'ingrid@example.no'",
                )
                .await?;
            agent
                .until(
                    "the name in the contact panel",
                    "document.querySelector('#contact-name')?.value === 'Ingrid Berg'",
                )
                .await?;
            agent.until_text(".card", "Ingrid Berg").await?;
            Ok(())
        })
        .await;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_nobody_online_the_widget_asks_for_an_email_and_keeps_the_message() {
    let server = Server::start().await;
    let key = site_key(&server).await;
    let site = HostSite::start(&server, &key, "").await;
    with_browser("offline", |visitor| async move {
        visitor.open_widget(&site).await?;
        visitor.find("#offline-notice").await?;
        visitor.type_into("#widget-input", "Are you open on Sunday?").await?;
        visitor.press("#widget-input", &Key::Enter).await?;
        visitor.until_text("#chat-body .row.mine", "Sunday").await?;
        visitor.type_into("#offline-form input[name=email]", "late@example.com").await?;
        visitor.click("#offline-form .send-details").await?;
        visitor.until_gone("#offline-form").await?;
        let all = contacts(&server).await;
        assert!(all.iter().any(|c| c.email.as_deref() == Some("late@example.com")), "the email is on the contact");
        let list: shared::Page<Conversation> = server.get("/api/v1/conversations", &server.admin.access_token).await;
        assert!(list.items.iter().any(|c| c.last_message_preview.as_deref() == Some("Are you open on Sunday?")));
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_banned_visitor_is_told_politely_and_cannot_write() {
    let server = Server::start().await;
    let key = site_key(&server).await;
    let site = HostSite::start(&server, &key, "").await;
    with_browser("banned", |visitor| async move {
        visitor.open_widget(&site).await?;
        visitor.type_into("#widget-input", "spam spam spam").await?;
        visitor.press("#widget-input", &Key::Enter).await?;
        visitor.until_text("#chat-body .row.mine", "spam").await?;
        let token = visitor_token(&visitor).await?;
        let contact = contacts(&server).await.into_iter().find(|c| c.name.is_none()).expect("the visitor's contact");
        let _: Contact = server
            .post(
                &format!("/api/v1/contacts/{}/ban", contact.id),
                &server.admin.access_token,
                &serde_json::json!({}),
                200,
            )
            .await;

        visitor.leave_chat().await?;
        visitor.c.refresh().await?;
        visitor.open_widget(&site).await?;
        visitor.until_text("#banned-notice", "can't send messages").await?;
        let session = WidgetSession { token, contact_id: contact.id };
        assert_eq!(server.visitor_tries(&session, "more spam").await, (403, Some("contact_banned".into())));
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_visitors_never_see_each_other_and_a_reload_keeps_the_conversation() {
    let server = Server::start().await;
    let key = site_key(&server).await;
    let site = HostSite::start(&server, &key, "").await;
    with_browser("isolation_a", |a| async move {
        with_browser("isolation_b", |b| async move {
            a.open_widget(&site).await?;
            b.open_widget(&site).await?;
            a.type_into("#widget-input", "I am visitor A").await?;
            a.press("#widget-input", &Key::Enter).await?;
            b.type_into("#widget-input", "I am visitor B").await?;
            b.press("#widget-input", &Key::Enter).await?;
            a.until_text("#chat-body .row.mine", "visitor A").await?;
            b.until_text("#chat-body .row.mine", "visitor B").await?;
            assert_ne!(visitor_token(&a).await?, visitor_token(&b).await?);

            a.leave_chat().await?;
            a.c.refresh().await?;
            a.open_widget(&site).await?;
            a.until_text("#chat-body .row.mine", "visitor A").await?;
            let text: String = a
                .js("return document.getElementById('chat-body').textContent")
                .await?
                .as_str()
                .unwrap_or_default()
                .into();
            assert!(!text.contains("visitor B"), "A never sees B's messages");
            let text: String = b
                .js("return document.getElementById('chat-body').textContent")
                .await?
                .as_str()
                .unwrap_or_default()
                .into();
            assert!(!text.contains("visitor A"), "B never sees A's messages");
            Ok(())
        })
        .await;
        Ok(())
    })
    .await;
}

/// What a host page that knows its signed-in user runs (signed by its server at render).
pub fn identify_script(user_id: &str, timestamp: i64, hash: &str, name: &str) -> String {
    format!(
        "natterChat('setContact', {{ user_id: '{user_id}', timestamp: {timestamp}, user_hash: '{hash}', name: '{name}' }});"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_identity_merges_devices_and_a_forged_one_does_not() {
    let server = Server::start().await;
    let settings: WidgetSettings = server.get("/api/v1/settings/widget", &server.admin.access_token).await;
    let now = chrono::Utc::now().timestamp();
    let good = backend::domain::identity::sign(&settings.identity_secret, "user-77", now);
    let signed = HostSite::start(&server, &settings.site_key, &identify_script("user-77", now, &good, "Sam Lee")).await;
    let forged_hash = backend::domain::identity::sign("a guess", "user-77", now);
    let forged =
        HostSite::start(&server, &settings.site_key, &identify_script("user-77", now, &forged_hash, "Sam Lee")).await;
    with_browser("identity_laptop", |laptop| async move {
        laptop.open_widget(&signed).await?;
        laptop.type_into("#widget-input", "From my laptop").await?;
        laptop.press("#widget-input", &Key::Enter).await?;
        laptop.until_text("#chat-body .row.mine", "laptop").await?;
        with_browser("identity_phone", |phone| async move {
            phone.open_widget(&signed).await?;
            // Same person on another device: the same conversation.
            phone.until_text("#chat-body .row.mine", "From my laptop").await?;
            with_browser("identity_forger", |forger| async move {
                forger.open_widget(&forged).await?;
                forger.type_into("#widget-input", "Let me in").await?;
                forger.press("#widget-input", &Key::Enter).await?;
                forger.until_text("#chat-body .row.mine", "Let me in").await?;
                let text: String = forger
                    .js("return document.getElementById('chat-body').textContent")
                    .await?
                    .as_str()
                    .unwrap_or_default()
                    .into();
                assert!(!text.contains("laptop"), "a forged identity sees nothing of the user's");
                Ok(())
            })
            .await;
            Ok(())
        })
        .await;
        let all = contacts(&server).await;
        let verified: Vec<_> = all.iter().filter(|c| c.verified).collect();
        assert_eq!(verified.len(), 1, "one verified contact for the user");
        assert_eq!(verified[0].external_id.as_deref(), Some("user-77"));
        assert_eq!(verified[0].name.as_deref(), Some("Sam Lee"), "setContact's fields reach the contact");
        assert!(all.iter().any(|c| !c.verified), "the forger stays an anonymous visitor");
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_widget_follows_its_settings_from_the_inbox() {
    let server = Server::start().await;
    let key = site_key(&server).await;
    let site = HostSite::start(&server, &key, "").await;
    with_browser("widget_settings", |admin| async move {
        admin.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        admin.click("#nav-settings").await?;
        admin.until_text("#widget-snippet", &key).await?;
        admin.until("the loaded settings", "document.querySelector('#widget-team').value === 'Support'").await?;
        admin.find("#widget-team").await?.clear().await?;
        admin.type_into("#widget-team", "Acme help desk").await?;
        admin.find("#widget-greeting").await?.clear().await?;
        admin.type_into("#widget-greeting", "Hola! We answer in English and Spanish.").await?;
        admin.click("#widget-save").await?;
        admin.find("#settings-widget .saved").await?;
        with_browser("widget_settings_visitor", |visitor| async move {
            visitor.open_widget(&site).await?;
            visitor.until_text("#team-name", "Acme help desk").await?;
            visitor.until_text("#greeting", "We answer in English and Spanish").await?;
            Ok(())
        })
        .await;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_widget_refuses_files_over_the_servers_limit() {
    let server = Server::start_with(|s| s.max_upload_bytes = 3 * 1024 * 1024).await;
    let key = site_key(&server).await;
    let site = HostSite::start(&server, &key, "").await;
    let files = tempfile::tempdir().expect("a temp dir");
    let big = files.path().join("scan.pdf");
    std::fs::File::create(&big).and_then(|f| f.set_len(4 * 1024 * 1024)).expect("a big file");
    with_browser("widget_limit", |visitor| async move {
        visitor.open_widget(&site).await?;
        visitor.type_into("#widget-file", &big.display().to_string()).await?;
        visitor.until_text("#widget-uploads .pending-file.failed", "3 MB").await?;
        Ok(())
    })
    .await;
}
