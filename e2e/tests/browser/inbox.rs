//! The agent's day in the inbox, checked in Chromium against a real server.

use crate::harness::*;
use fantoccini::key::Key;
use shared::api::*;
use shared::frames::VisitorServerFrame;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_and_logout() {
    let server = Server::start().await;
    with_browser("login_and_logout", |b| async move {
        b.goto(&server.url("/conversations")).await?;
        // Signed out: the app sends us to the login form.
        b.find("#email").await?;
        b.type_into("#email", ADMIN_EMAIL).await?;
        b.type_into("#password", "wrong password").await?;
        b.click("#login").await?;
        b.until_text(".login-card .error", "").await?;
        b.find(".login-card [role=alert]").await?;

        b.find("#password").await?.clear().await?;
        b.type_into("#password", ADMIN_PASSWORD).await?;
        b.click("#login").await?;
        b.until_text("#me-name", ADMIN_NAME).await?;
        b.until("the live link", "document.querySelector('#link-state').dataset.state === 'live'").await?;

        // A reload keeps the session.
        b.c.refresh().await?;
        b.until_text("#me-name", ADMIN_NAME).await?;

        b.click("#logout").await?;
        b.find("#email").await?;
        let stored = b.js("return localStorage.getItem('natter.session')").await?;
        assert!(stored.is_null(), "the session is forgotten on log out");
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_message_appears_live_with_a_purple_dot_and_opening_clears_it() {
    let server = Server::start().await;
    with_browser("purple_dot", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        let visitor = server.new_visitor().await;
        let conversation = server.visitor_says(&visitor, "Hello, is anyone there?").await;

        let card = card(conversation);
        b.find(&format!("{card}[data-dot=purple]")).await?;
        b.until_text(&card, "Hello, is anyone there?").await?;
        b.until("the tab title to count it", "document.title === '(1) Natter'").await?;

        b.click(&card).await?;
        b.until_text("#thread .msg.visitor", "Hello, is anyone there?").await?;
        b.find(&format!("{card}[data-dot=none]")).await?;
        b.until("the title without a count", "document.title === 'Natter'").await?;

        // The read state is the server's, not just the page's.
        let seen: ConversationDetail =
            server.get(&format!("/api/v1/conversations/{conversation}"), &server.admin.access_token).await;
        assert_eq!(seen.conversation.dot, shared::Dot::None);
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_reaches_the_visitor_and_a_comment_never_does() {
    let server = Server::start().await;
    with_browser("reply_and_comment", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        let visitor = server.new_visitor().await;
        let conversation = server.visitor_says(&visitor, "Do you ship to Spain?").await;
        let mut socket = server.visitor_socket(&visitor).await;

        b.click(&card(conversation)).await?;
        b.type_into("#composer-input", "Yes, we do.").await?;
        b.type_into("#composer-input", &(Key::Shift + &Key::Enter)).await?;
        b.type_into("#composer-input", "Delivery takes 3 days.").await?;
        b.press("#composer-input", &Key::Enter).await?;
        let reply = socket.next_message().await;
        assert_eq!(reply.body, "Yes, we do.\nDelivery takes 3 days.", "Shift+Enter is a new line, Enter sends");
        assert_eq!(reply.kind, VisitorMessageKind::Agent);
        b.until_text("#thread .msg.reply", "Delivery takes 3 days.").await?;

        // A comment: visibly internal, and never sent to the visitor.
        b.click("#mode-comment").await?;
        b.find("#composer.comment").await?;
        b.type_into("#composer-input", "VIP customer, be nice").await?;
        b.press("#composer-input", &Key::Enter).await?;
        b.until_text("#thread .msg.comment", "VIP customer, be nice").await?;

        b.click("#mode-reply").await?;
        b.type_into("#composer-input", "Anything else?").await?;
        b.press("#composer-input", &Key::Enter).await?;
        // The very next thing the visitor gets is the second reply: the comment was skipped.
        loop {
            match socket.next().await {
                VisitorServerFrame::Message { message, .. } => {
                    assert_eq!(message.body, "Anything else?", "the visitor never receives a comment");
                    break;
                }
                VisitorServerFrame::Typing { .. } | VisitorServerFrame::Conversation { .. } => {}
                other => panic!("unexpected frame for the visitor: {other:?}"),
            }
        }
        let thread: WidgetConversation = server.get("/api/v1/widget/conversation", &visitor.token).await;
        assert!(thread.messages.iter().all(|m| !m.body.contains("VIP")), "nor can they fetch it");
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dot_turns_red_after_the_deadline_and_clears_on_reply() {
    let server = Server::start().await;
    with_browser("red_dot", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        let visitor = server.new_visitor().await;
        let conversation = server.visitor_says(&visitor, "Hello?").await;
        let card = card(conversation);
        b.find(&format!("{card}[data-dot=purple]")).await?;

        server.clock.advance(chrono::Duration::seconds(31));
        b.find(&format!("{card}[data-dot=red]")).await?;

        b.click(&card).await?;
        // Opening a missed conversation doesn't answer it: still red.
        b.until_text("#thread .msg.visitor", "Hello?").await?;
        b.find(&format!("{card}[data-dot=red]")).await?;

        b.type_into("#composer-input", "Sorry for the wait!").await?;
        b.press("#composer-input", &Key::Enter).await?;
        b.find(&format!("{card}[data-dot=none]")).await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_missed_filter_lists_the_red_ones_until_answered() {
    let server = Server::start().await;
    with_browser("missed_filter", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        let waiting = server.visitor_says(&server.new_visitor().await, "Hello?").await;
        let late = server.visitor_says(&server.new_visitor().await, "Anyone?").await;
        b.find(&format!("{}[data-dot=purple]", card(late))).await?;
        server.clock.advance(chrono::Duration::seconds(31));
        b.find(&format!("{}[data-dot=red]", card(waiting))).await?;
        b.find(&format!("{}[data-dot=red]", card(late))).await?;
        let fresh = server.visitor_says(&server.new_visitor().await, "Just arrived").await;
        b.find(&card(fresh)).await?;

        b.click("#filter-missed").await?;
        b.until_gone(&card(fresh)).await?;
        b.until("the two red ones", "document.querySelectorAll('#cards .card').length === 2").await?;
        // Answered late (from elsewhere), it leaves the list live.
        let reply = PostMessage {
            kind: PostKind::Reply,
            body: "Sorry!".into(),
            client_id: unique("m"),
            attachment_ids: vec![],
        };
        let token = &server.admin.access_token;
        let _: Message = server.post(&format!("/api/v1/conversations/{late}/messages"), token, &reply, 201).await;
        b.until_gone(&card(late)).await?;
        b.find(&format!("{}[data-dot=red]", card(waiting))).await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_reopen_assign_ban_and_delete_from_the_header_icons() {
    let server = Server::start().await;
    let ana = server.new_agent("Ana López", "ana@natter.test").await;
    let group: Group =
        server.post("/api/v1/groups", &server.admin.access_token, &GroupInput { name: "Billing".into() }, 201).await;
    with_browser("header_icons", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        let visitor = server.new_visitor().await;
        let conversation = server.visitor_says(&visitor, "My invoice is wrong").await;
        b.click(&card(conversation)).await?;
        b.until_text("#thread .msg.visitor", "My invoice is wrong").await?;

        // Every icon has an accessible name and a tooltip.
        for id in ["action-close", "action-ban", "action-delete", "action-group", "action-agent"] {
            let button = b.find(&format!("#{id}")).await?;
            assert!(button.attr("aria-label").await?.is_some_and(|l| !l.is_empty()), "{id} has a name");
            assert!(button.attr("title").await?.is_some_and(|l| !l.is_empty()), "{id} has a tooltip");
        }

        b.click("#action-close").await?;
        b.find(".thread-title .pill").await?;
        b.until_text("#thread .msg.system", "").await?;
        let detail: ConversationDetail =
            server.get(&format!("/api/v1/conversations/{conversation}"), &server.admin.access_token).await;
        assert_eq!(detail.conversation.status, ConversationStatus::Closed);
        b.click("#action-close").await?;
        b.until_gone(".thread-title .pill").await?;

        b.click("#action-agent").await?;
        b.click(&format!("#agent-menu [data-agent='{ana}']")).await?;
        b.until_text("#thread-assignee", "Ana López").await?;
        b.click("#action-group").await?;
        b.click(&format!("#group-menu [data-group='{}']", group.id)).await?;
        b.until_text("#thread-assignee", "Billing").await?;
        let detail: ConversationDetail =
            server.get(&format!("/api/v1/conversations/{conversation}"), &server.admin.access_token).await;
        assert_eq!(detail.conversation.assignee_id, Some(ana));
        assert_eq!(detail.conversation.group_id, Some(group.id));

        // Ban asks first; cancelling changes nothing.
        b.click("#action-ban").await?;
        b.click("#dialog-cancel").await?;
        b.until_gone("[role=alertdialog]").await?;
        assert_eq!(server.visitor_tries(&visitor, "still here").await.0, 201);
        b.click("#action-ban").await?;
        b.click("#dialog-confirm").await?;
        b.find(".thread-title .pill.danger").await?;
        assert_eq!(server.visitor_tries(&visitor, "let me in").await, (403, Some("contact_banned".into())));

        b.click("#action-delete").await?;
        b.click("#dialog-confirm").await?;
        b.until_gone(&card(conversation)).await?;
        b.until("the dashboard without a conversation", "location.pathname === '/conversations'").await?;
        let status =
            server.status_of(&format!("/api/v1/conversations/{conversation}"), &server.admin.access_token).await;
        assert_eq!(status, 404);
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_reply_is_inserted_with_slash_and_its_placeholders_filled() {
    let server = Server::start().await;
    let saved = SavedReplyInput {
        kind: Some(SavedReplyKind::Template),
        shortcut: "thanks".into(),
        title: "Thank you".into(),
        body: "Thanks for writing, {{contact.name}}!".into(),
    };
    let _: SavedReply = server.post("/api/v1/saved-replies", &server.admin.access_token, &saved, 201).await;
    with_browser("saved_reply", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        let visitor = server.new_visitor().await;
        let conversation = server.visitor_says(&visitor, "Hi").await;
        let change = WidgetContactUpdate { name: Some("Marta".into()), email: None, phone: None, attributes: None };
        let response = server
            .http
            .patch(server.url("/api/v1/widget/contact"))
            .bearer_auth(&visitor.token)
            .json(&change)
            .send()
            .await?;
        assert!(response.status().is_success());
        let mut socket = server.visitor_socket(&visitor).await;

        b.click(&card(conversation)).await?;
        b.type_into("#composer-input", "/tha").await?;
        b.until_text("#suggestions", "/thanks").await?;
        b.press("#composer-input", &Key::Enter).await?;
        b.until(
            "the template in the composer",
            "document.querySelector('#composer-input').value === 'Thanks for writing, Marta!'",
        )
        .await?;
        b.press("#composer-input", &Key::Enter).await?;
        assert_eq!(socket.next_message().await.body, "Thanks for writing, Marta!");
        Ok(())
    })
    .await;
}

/// A 1×1 PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d,
    0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_upload_with_progress_and_show_a_preview() {
    let server = Server::start().await;
    let files = tempfile::tempdir().expect("a temp dir");
    let image = files.path().join("receipt.png");
    std::fs::write(&image, PNG).expect("the image is written");
    let huge = files.path().join("video.mp4");
    std::fs::File::create(&huge).and_then(|f| f.set_len(11 * 1024 * 1024)).expect("a big file");
    with_browser("attachments", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        let visitor = server.new_visitor().await;
        let conversation = server.visitor_says(&visitor, "Here is my problem").await;
        let mut socket = server.visitor_socket(&visitor).await;
        b.click(&card(conversation)).await?;
        b.find("#composer").await?;

        // Over 10 MB: refused in the page, before any upload.
        b.type_into("#file-input", &huge.display().to_string()).await?;
        b.until_text(".upload.failed", "10 MB").await?;
        b.click(".upload.failed .remove-upload").await?;
        b.until_gone(".upload").await?;

        b.type_into("#file-input", &image.display().to_string()).await?;
        b.find(".upload.done[data-name='receipt.png'] progress").await?;
        b.type_into("#composer-input", "Your receipt").await?;
        b.click("#send").await?;

        let message = socket.next_message().await;
        assert_eq!(message.attachments.len(), 1);
        assert_eq!(message.attachments[0].filename, "receipt.png");
        b.until("the preview", "document.querySelector('#thread .msg.reply img.preview')?.src.startsWith('blob:')")
            .await?;
        b.until("the image to load", "document.querySelector('#thread .msg.reply img.preview').naturalWidth === 1")
            .await?;
        b.until_gone(".upload").await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_reconnects_after_a_restart_without_losing_a_message() {
    let mut server = Server::start().await;
    let visitor = server.new_visitor().await;
    let conversation = server.visitor_says(&visitor, "First question").await;
    with_browser("reconnect", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        b.click(&card(conversation)).await?;
        b.until_text("#thread .msg.visitor", "First question").await?;

        server.stop().await;
        b.until("the reconnecting state", "document.querySelector('#link-state').dataset.state === 'reconnecting'")
            .await?;
        b.until_text("#link-state", "Reconnecting").await?;

        // While the inbox can't reach its server, the visitor writes again.
        let visitor_for_other = visitor.clone();
        server
            .while_unreachable(|other| async move {
                other.visitor_says(&visitor_for_other, "Sent while you were away").await;
            })
            .await;
        server.start_again().await;

        b.until("the live link again", "document.querySelector('#link-state').dataset.state === 'live'").await?;
        b.until_text("#thread .msg.visitor", "Sent while you were away").await?;
        b.until_text(&card(conversation), "Sent while you were away").await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyboard_shortcuts_move_through_conversations_and_show_help() {
    let server = Server::start().await;
    with_browser("keyboard", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        let first = server.visitor_says(&server.new_visitor().await, "older").await;
        let second = server.visitor_says(&server.new_visitor().await, "newer").await;
        b.find(&card(first)).await?;
        b.find(&card(second)).await?;
        b.click("#me-name").await?;

        let body = b.find("body").await?;
        body.send_keys("j").await?;
        b.until("the newest to open", &format!("location.pathname === '/conversations/{second}'")).await?;
        body.send_keys("j").await?;
        b.until("the next to open", &format!("location.pathname === '/conversations/{first}'")).await?;
        body.send_keys("k").await?;
        b.until("the previous to open", &format!("location.pathname === '/conversations/{second}'")).await?;
        b.until_text("#thread .msg.visitor", "newer").await?;

        body.send_keys("c").await?;
        b.find("#composer.comment").await?;
        b.until("the composer to have focus", "document.activeElement.id === 'composer-input'").await?;
        b.press("#composer-input", &Key::Escape).await?;
        body.send_keys("r").await?;
        b.until("reply mode", "!document.querySelector('#composer').classList.contains('comment')").await?;
        b.press("#composer-input", &Key::Escape).await?;

        body.send_keys("?").await?;
        b.find("#help").await?;
        body.send_keys(&Key::Escape).await?;
        b.until_gone("#help").await?;

        body.send_keys("/").await?;
        b.until("the search to have focus", "document.activeElement.id === 'search'").await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_speaks_spanish_when_asked() {
    let server = Server::start().await;
    with_browser("spanish", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        b.until_text("#nav-conversations", "Conversations").await?;
        let select = b.find("#language").await?;
        select.select_by_value("es").await?;
        b.until_text("#nav-conversations", "Conversaciones").await?;
        b.until("the page language", "document.documentElement.lang === 'es'").await?;
        b.c.refresh().await?;
        b.until_text("#nav-conversations", "Conversaciones").await?;
        Ok(())
    })
    .await;
}
