//! Snooze and mark unread in the browser: a snoozed conversation leaves the
//! open list for the Snoozed one, the server wakes it at its time (on the
//! injected clock) and it comes back purple; "Mark as unread" brings the dot back.

use crate::harness::*;
use backend::clock::Clock;
use chrono::Duration;
use shared::api::*;

async fn snoozed_until(server: &Server, id: shared::ConversationId) -> Option<chrono::DateTime<chrono::Utc>> {
    let c: ConversationDetail = server.get(&format!("/api/v1/conversations/{id}"), &server.admin.access_token).await;
    c.conversation.snoozed_until
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snoozed_conversation_comes_back_purple_and_unread_brings_the_dot_back() {
    let server = Server::start().await;
    let token = server.admin.access_token.clone();
    let conv = server.visitor_says(&server.new_visitor().await, "Call me back in a few minutes").await;
    let reply = PostMessage {
        kind: PostKind::Reply,
        body: "Sure, talk soon".into(),
        client_id: "soon".into(),
        attachment_ids: vec![],
    };
    let _: Message = server.post(&format!("/api/v1/conversations/{conv}/messages"), &token, &reply, 201).await;
    with_browser("snooze", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        b.find(&format!("{}[data-dot=none]", card(conv))).await?;
        b.click(&card(conv)).await?;
        b.until_text("#thread .msg.visitor", "Call me back").await?;

        // Snoozed until a time picked in the menu (eleven minutes from now, local time).
        b.find("body").await?.send_keys("s").await?;
        b.js("const d = new Date(Date.now() + 11 * 60000); \
              const p = n => String(n).padStart(2, '0'); \
              const c = document.querySelector('#snooze-custom'); \
              c.value = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`; \
              c.dispatchEvent(new Event('input', {bubbles: true})); return 1")
            .await?;
        b.click("#snooze-menu button[type=submit]").await?;
        b.find("#snoozed-pill").await?;
        let until = snoozed_until(&server, conv).await.expect("snoozed");
        // The browser picked it on the real clock; the server's stands still until moved.
        let ahead = until - chrono::Utc::now();
        assert!(ahead > Duration::minutes(9) && ahead <= Duration::minutes(11), "{ahead}");

        // Out of the open list, in the Snoozed one.
        b.click("#nav-conversations").await?;
        b.until_gone(&card(conv)).await?;
        b.click("#filter-snoozed").await?;
        b.find(&card(conv)).await?;
        b.click("#filter-open").await?;
        b.until_gone(&card(conv)).await?;

        // The server wakes it: back in the open list, purple for whoever snoozed it.
        server.clock.advance(until - server.clock.now() + Duration::seconds(1));
        b.find(&format!("{}[data-dot=purple]", card(conv))).await?;
        assert_eq!(snoozed_until(&server, conv).await, None);

        // Opened, it is read; marked unread, the dot comes back and the thread closes.
        b.click(&card(conv)).await?;
        b.find(&format!("{}[data-dot=none]", card(conv))).await?;
        b.click("#action-unread").await?;
        b.until("the list alone", "location.pathname === '/conversations'").await?;
        b.find(&format!("{}[data-dot=purple]", card(conv))).await?;
        Ok(())
    })
    .await;
}
