//! Screenshots of every screen with realistic data, for people to look at
//! (`just screenshots` → target/screenshots/). Not a check: ignored by `just test`.

use crate::harness::*;
use fantoccini::key::Key;
use shared::api::*;

pub async fn shot(b: &Browser, name: &str) -> TestResult {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join(format!("{name}.png")), b.c.screenshot().await?)?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "makes pictures for people; run with `just screenshots`"]
async fn inbox_screens() {
    let server = Server::start().await;
    let token = server.admin.access_token.clone();
    server.new_agent("Ana López", "ana@natter.test").await;
    let _: Group = server.post("/api/v1/groups", &token, &GroupInput { name: "Billing".into() }, 201).await;
    let saved = SavedReplyInput {
        kind: Some(SavedReplyKind::Template),
        shortcut: "welcome".into(),
        title: "Welcome".into(),
        body: "Hi {{contact.name}}, thanks for writing! How can I help?".into(),
    };
    let _: SavedReply = server.post("/api/v1/saved-replies", &token, &saved, 201).await;
    let people = [
        ("Marta García", "marta@example.com", "Hi! My order #1042 hasn't arrived yet, can you check?"),
        ("Jonas Weber", "jonas@example.de", "Do you offer a discount for annual plans?"),
        ("Priya Natarajan", "priya@example.in", "The invoice PDF is missing the VAT number."),
        ("Tom Baker", "tom@example.co.uk", "Thanks, that fixed it!"),
    ];
    let mut first = None;
    for (name, email, text) in people {
        let visitor = server.new_visitor().await;
        let change =
            WidgetContactUpdate { name: Some(name.into()), email: Some(email.into()), phone: None, attributes: None };
        server
            .http
            .patch(server.url("/api/v1/widget/contact"))
            .bearer_auth(&visitor.token)
            .json(&change)
            .send()
            .await
            .ok();
        let id = server.visitor_says(&visitor, text).await;
        first.get_or_insert((id, visitor));
    }
    let (conversation, visitor) = first.expect("a conversation");
    let reply = PostMessage {
        kind: PostKind::Reply,
        body: "Hi Marta! Let me look that up for you — one moment.".into(),
        client_id: unique("s"),
        attachment_ids: vec![],
    };
    let _: Message = server.post(&format!("/api/v1/conversations/{conversation}/messages"), &token, &reply, 201).await;
    let comment = PostMessage {
        kind: PostKind::Comment,
        body: "Courier shows it stuck in **Madrid** since Monday. Escalating to @Ana.".into(),
        client_id: unique("s"),
        attachment_ids: vec![],
    };
    let _: Message =
        server.post(&format!("/api/v1/conversations/{conversation}/messages"), &token, &comment, 201).await;
    server.visitor_says(&visitor, "Great, thank you! It's a birthday present so it's a bit urgent.").await;
    let _socket = server.visitor_socket(&visitor).await;

    with_browser("screens", |b| async move {
        b.goto(&server.url("/login")).await?;
        b.find("#email").await?;
        shot(&b, "01-login").await?;
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        b.click(&card(conversation)).await?;
        b.until_text("#thread .msg.comment", "Escalating").await?;
        b.until("the contact's email", "document.querySelector('#contact-email')?.value === 'marta@example.com'")
            .await?;
        b.type_into("#composer-input", "/wel").await?;
        b.until_text("#suggestions", "/welcome").await?;
        shot(&b, "02-conversations").await?;
        b.press("#composer-input", &Key::Escape).await?;
        b.click("#mode-comment").await?;
        shot(&b, "03-comment-mode").await?;
        b.click("#action-agent").await?;
        b.find("#agent-menu").await?;
        shot(&b, "04-assign-menu").await?;
        b.click("#action-delete").await?;
        b.find("[role=alertdialog]").await?;
        shot(&b, "05-delete-confirmation").await?;
        b.click("#dialog-cancel").await?;
        b.find("body").await?.send_keys("?").await?;
        b.find("#help").await?;
        shot(&b, "06-shortcuts").await?;
        b.find("body").await?.send_keys(&Key::Escape).await?;
        b.click("#nav-visitors").await?;
        b.find("#visitors-table").await?;
        b.until_text("#visitors-table", "Marta").await?;
        shot(&b, "07-visitors").await?;
        b.click("#nav-contacts").await?;
        b.until_text("#contacts-table", "Jonas").await?;
        shot(&b, "08-contacts").await?;
        b.click("#nav-saved-replies").await?;
        b.until_text("#saved-table", "welcome").await?;
        shot(&b, "09-saved-replies").await?;
        b.click("#nav-settings").await?;
        b.until_text("#settings-agents", "Ana").await?;
        shot(&b, "10-settings").await?;
        b.find("#language").await?.select_by_value("es").await?;
        b.click("#nav-conversations").await?;
        b.until_text("#nav-conversations", "Conversaciones").await?;
        b.click(&card(conversation)).await?;
        b.until_text("#thread .msg.comment", "Escalating").await?;
        shot(&b, "11-conversations-es").await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "makes pictures for people; run with `just screenshots`"]
async fn widget_screens() {
    let server = Server::start().await;
    let key = site_key(&server).await;
    let site = HostSite::start(&server, &key, "").await;
    with_browser("widget_offline", |visitor| async move {
        visitor.open_widget(&site).await?;
        visitor.find("#offline-notice").await?;
        visitor.leave_chat().await?;
        shot(&visitor, "21-widget-offline").await?;
        Ok(())
    })
    .await;
    let settings_of = &server;
    with_browser("widget_settings", |admin| async move {
        admin.sign_in(settings_of, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        admin.click("#nav-settings").await?;
        admin.find("#origins-warning").await?;
        admin.js("document.getElementById('settings-widget').scrollIntoView(); return 1").await?;
        shot(&admin, "24-widget-settings").await?;
        admin.js("document.getElementById('rotate-secret').scrollIntoView(); return 1").await?;
        admin.click("#rotate-secret").await?;
        admin.find("#dialog-confirm").await?;
        shot(&admin, "25-widget-rotate-secret").await
    })
    .await;
    let site = HostSite::start(&server, &key, "").await;
    with_browser("widget_agent", |agent| async move {
        agent.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        with_browser("widget_visitor", |visitor| async move {
            visitor.open_widget(&site).await?;
            visitor.type_into("#widget-input", "Hi! Is the blue scarf back in stock?").await?;
            visitor.press("#widget-input", &Key::Enter).await?;
            visitor.find("#bot-form").await?;
            agent.click(".card").await?;
            agent.type_into("#composer-input", "Hello! Yes, it arrived this morning. Want me to reserve one?").await?;
            agent.press("#composer-input", &Key::Enter).await?;
            visitor.until_text("#chat-body .row.theirs", "reserve").await?;
            visitor.leave_chat().await?;
            shot(&visitor, "22-widget-open").await?;
            visitor.js("natterChat('close'); return 1").await?;
            agent.type_into("#composer-input", "It's the last one in blue.").await?;
            agent.press("#composer-input", &Key::Enter).await?;
            visitor.until("the unread badge", "document.getElementById('natter-chat').dataset.unread === '1'").await?;
            shot(&visitor, "23-widget-closed-unread").await?;
            Ok(())
        })
        .await;
        Ok(())
    })
    .await;
}
