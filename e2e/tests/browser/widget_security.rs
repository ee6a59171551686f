//! The widget on someone else's website, tried as an attacker would: a shared
//! browser where a second user signs in, a third-party script on the host page,
//! an attacker's page on a second origin, a visitor back after months away.

use crate::harness::*;
use crate::widget::{contacts, identify_script, visitor_token};
use backend::clock::Clock;
use fantoccini::key::Key;
use shared::api::*;

async fn chat_text(b: &Browser) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    Ok(b.js("return document.getElementById('chat-body').textContent").await?.as_str().unwrap_or_default().into())
}

async fn say(b: &Browser, text: &str) -> TestResult {
    b.type_into("#widget-input", text).await?;
    b.press("#widget-input", &Key::Enter).await?;
    b.until_text("#chat-body .row.mine", text).await
}

/// The visitor's only conversation, answered by the admin over the API.
async fn reply(server: &Server, text: &str) {
    let list: shared::Page<Conversation> = server.get("/api/v1/conversations", &server.admin.access_token).await;
    let conversation = list.items.first().expect("the visitor's conversation").id;
    let body = PostMessage { kind: PostKind::Reply, body: text.into(), client_id: unique("r"), attachment_ids: vec![] };
    let _: Message = server
        .post(&format!("/api/v1/conversations/{conversation}/messages"), &server.admin.access_token, &body, 201)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_user_on_a_shared_browser_never_sees_the_first_users_chat() {
    let server = Server::start().await;
    let settings: WidgetSettings = server.get("/api/v1/settings/widget", &server.admin.access_token).await;
    let now = server.clock.now().timestamp();
    let signed = |user: &str, name: &str| {
        identify_script(user, now, &backend::domain::identity::sign(&settings.identity_secret, user, now), name)
    };
    let pages = vec![
        HostPage::new("/ann", &signed("user-ann", "Ann")),
        HostPage::new("/ben", &signed("user-ben", "Ben")),
        // The site's logout page.
        HostPage::new("/bye", "natterChat('reset');"),
    ];
    let site = HostSite::with_pages(&server, &settings.site_key, pages).await;
    with_browser("shared_browser", |b| async move {
        b.open_widget_at(&site.page("/ann")).await?;
        say(&b, "my card ends 4242").await?;

        // Ben signs in on the same computer: a chat of his own, nothing of Ann's.
        b.leave_chat().await?;
        b.open_widget_at(&site.page("/ben")).await?;
        say(&b, "Ben here").await?;
        assert!(!chat_text(&b).await?.contains("4242"), "Ben never sees Ann's messages");
        let ben_token = visitor_token(&b).await?;
        let all = contacts(&server).await;
        let ann = all.iter().find(|c| c.external_id.as_deref() == Some("user-ann")).expect("Ann's contact");
        let ben = all.iter().find(|c| c.external_id.as_deref() == Some("user-ben")).expect("Ben's contact");
        assert_eq!(ann.name.as_deref(), Some("Ann"), "Ann's contact stays Ann's");
        assert_eq!(ben.name.as_deref(), Some("Ben"));
        let ann_detail: ContactDetail =
            server.get(&format!("/api/v1/contacts/{}", ann.id), &server.admin.access_token).await;
        let previews: Vec<_> = ann_detail.conversations.iter().map(|c| c.last_message_preview.clone()).collect();
        assert_eq!(previews, vec![Some("my card ends 4242".to_owned())]);

        // Ben logs out: the widget forgets him, here and on the server.
        b.leave_chat().await?;
        b.open_widget_at(&site.page("/bye")).await?;
        let fresh = format!("(t => t && t !== {ben_token:?})(localStorage.getItem('natter.visitor'))");
        b.until("a new anonymous visitor", &fresh).await?;
        assert!(!chat_text(&b).await?.contains("Ben here"), "nothing of Ben's after the logout");
        assert_eq!(server.status_of("/api/v1/widget/conversation", &ben_token).await, 401);
        say(&b, "anonymous again").await
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_page_hears_chat_messages_only_once_it_subscribes() {
    let server = Server::start().await;
    let key = site_key(&server).await;
    // A third-party script on the host page listens to everything posted to the window.
    let sniffer = "window.sniffed = []; addEventListener('message', function (e) { window.sniffed.push(JSON.stringify(e.data)); });";
    let page = HostPage { path: "/", script: sniffer.into(), listens: false };
    let site = HostSite::with_pages(&server, &key, vec![page]).await;
    with_browser("subscribe", |v| async move {
        // The site keeps a token in its URL's fragment: it never leaves the browser.
        v.open_widget_at(&format!("{}#access_token=s3cret", site.url)).await?;
        say(&v, "I live at 1 Main St").await?;
        reply(&server, "Your code is 7731").await;
        v.until_text("#chat-body .row.theirs", "7731").await?;
        v.leave_chat().await?;
        let sniffed = v.js("return window.sniffed.join('\\n')").await?.as_str().unwrap_or_default().to_owned();
        assert!(sniffed.contains("\"ready\""), "the sniffer hears the widget: {sniffed}");
        assert!(!sniffed.contains("7731") && !sniffed.contains("Main St"), "no message reached the page: {sniffed}");
        let visitor = contacts(&server).await.into_iter().next().expect("the visitor");
        assert_eq!(visitor.current_page.as_deref(), Some(site.url.as_str()), "the page without its fragment");
        // The loader itself never sends a fragment, also when the page moves on.
        v.enter_chat().await?;
        v.js("window.fromHost = []; addEventListener('message', e => window.fromHost.push(JSON.stringify(e.data))); return 1")
            .await?;
        v.leave_chat().await?;
        v.js("history.pushState({}, '', '/next?x=1#card=4242'); return 1").await?;
        v.enter_chat().await?;
        v.until("the next page", "window.fromHost.some(m => m.includes('/next?x=1'))").await?;
        let heard = v.js("return window.fromHost.join('\\n')").await?.as_str().unwrap_or_default().to_owned();
        assert!(!heard.contains("4242"), "no fragment reaches the chat: {heard}");
        v.leave_chat().await?;

        // Once the site subscribes, it gets the messages (as markdown source, `body`).
        v.js("window.heard = []; natterChat('on', 'message', function (m) { window.heard.push(m) }); return 1").await?;
        reply(&server, "And **welcome** back").await;
        v.until("the subscriber hears it", "window.heard.some(m => m.body === 'And **welcome** back')").await
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_listed_sites_can_drive_the_chat() {
    let server = Server::start().await;
    let key = site_key(&server).await;
    let site = HostSite::start(&server, &key, "").await;
    let attacker = AttackerSite::start(&server, &key).await;
    with_browser("listed_sites_admin", |admin| async move {
        admin.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        admin.click("#nav-settings").await?;
        admin.until_text("#origins-warning", "Any website").await?;
        admin.type_into("#widget-origins", &site.origin).await?;
        admin.click("#widget-save").await?;
        admin.until_gone("#origins-warning").await?;
        with_browser("listed_sites_visitor", |visitor| async move {
            visitor.open_widget(&site).await?;
            say(&visitor, "hello from the shop").await?;
            let before = contacts(&server).await.into_iter().next().expect("the visitor");

            // The attacker's page frames the chat and tries to drive it: the chat never runs there.
            visitor.goto(&attacker.url).await?;
            visitor.until("the frame to settle", "window.framed === true").await?;
            visitor.c.enter_frame(0).await?;
            visitor.until("the page in the frame", "document.readyState === 'complete'").await?;
            let inside = visitor.js("return [location.href, !!document.querySelector('.chat')]").await?;
            assert_eq!(inside[1], false, "no chat in the attacker's page: {inside}");
            visitor.leave_chat().await?;
            assert_eq!(visitor.js("return window.stolen.length").await?, 0);
            let after = contacts(&server).await.into_iter().next().expect("the visitor");
            assert_eq!((after.name, after.current_page), (before.name, before.current_page), "nothing changed");
            Ok(())
        })
        .await;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_visitor_session_is_replaced_without_a_word() {
    let mut server = Server::start().await;
    let key = site_key(&server).await;
    let site = HostSite::start(&server, &key, "").await;
    with_browser("expired_session", |v| async move {
        v.open_widget(&site).await?;
        say(&v, "before the holidays").await?;
        let old = visitor_token(&v).await?;

        server.clock.advance(chrono::Duration::days(91));
        server.admin = server.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        v.leave_chat().await?;
        v.c.refresh().await?;
        v.open_widget(&site).await?;
        let fresh = format!("(t => t && t !== {old:?})(localStorage.getItem('natter.visitor'))");
        v.until("a new visitor token", &fresh).await?;
        say(&v, "back again").await?;
        assert!(!chat_text(&v).await?.contains("before the holidays"));
        let errors = v.js("return [...document.querySelectorAll('.error')].map(e => e.textContent).join('')").await?;
        assert_eq!(errors.as_str(), Some(""), "no error shown to the visitor");
        assert_eq!(server.status_of("/api/v1/widget/conversation", &old).await, 401);
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_rotates_the_identity_secret_in_settings() {
    let server = Server::start().await;
    let before: WidgetSettings = server.get("/api/v1/settings/widget", &server.admin.access_token).await;
    with_browser("rotate_secret", |admin| async move {
        admin.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        admin.click("#nav-settings").await?;
        admin.until_text("#identity-secret", &before.identity_secret).await?;
        admin.click("#rotate-secret").await?;
        admin.click("#dialog-confirm").await?;
        admin.find("#secret-rotated").await?;
        let after: WidgetSettings = server.get("/api/v1/settings/widget", &server.admin.access_token).await;
        assert_ne!(after.identity_secret, before.identity_secret);
        admin.until_text("#identity-secret", &after.identity_secret).await
    })
    .await;
}
