//! The conversation list: further pages load as it scrolls, and the by-group filter.

use crate::harness::*;
use futures_util::StreamExt;
use shared::api::*;

/// A team already at work: the admin's own socket, open (and read) while the
/// conversations arrive, so none of them turns red for want of an agent online,
/// and none turns back — live, on the inbox's socket — when the browser signs in.
async fn admin_at_work(server: &Server) -> tokio::task::JoinHandle<()> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let url = format!("ws://127.0.0.1:{}/api/v1/ws/agent", server.port);
    let mut request = url.into_client_request().expect("a request");
    let protocols = format!("natter.v1, bearer.{}", server.admin.access_token);
    request.headers_mut().insert("sec-websocket-protocol", protocols.parse().expect("a header"));
    let (mut stream, _) = tokio_tungstenite::connect_async(request).await.expect("the agent socket opens");
    // The first frame is `ready`: the admin counts as online from here.
    stream.next().await.expect("a frame").expect("ready");
    tokio::spawn(async move { while let Some(Ok(_)) = stream.next().await {} })
}

/// How many cards the list shows.
fn cards_are(n: usize) -> String {
    format!("document.querySelectorAll('#cards .card').length === {n}")
}

fn cards_at_least(n: usize) -> String {
    format!("document.querySelectorAll('#cards .card').length >= {n}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scrolling_loads_the_next_pages_of_the_list() {
    let server = Server::start_with(|s| s.new_visitors_per_ip = 0).await;
    let at_work = admin_at_work(&server).await;
    // A page is 50 conversations: three pages.
    for i in 0..120 {
        server.visitor_says(&server.new_visitor().await, &format!("question {i}")).await;
    }
    with_browser("list_pages", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        b.until("the first page", &cards_at_least(50)).await?;
        let shown = b.js("return document.querySelectorAll('#cards .card').length").await?;
        assert!(shown.as_u64().is_some_and(|n| n < 120), "not everything at once: {shown}");
        for pages in [100, 120] {
            b.js("const list = document.querySelector('#cards'); list.scrollTop = list.scrollHeight; \
                  list.dispatchEvent(new Event('scroll')); return 1")
                .await?;
            b.until("the next page", &cards_at_least(pages)).await?;
        }
        b.until("every conversation once", &cards_are(120)).await?;
        b.until_text("#cards", "question 0").await?;
        Ok(())
    })
    .await;
    at_work.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_group_filter_shows_only_that_groups_conversations() {
    let server = Server::start().await;
    let token = server.admin.access_token.clone();
    let billing: Group = server.post("/api/v1/groups", &token, &GroupInput { name: "Billing".into() }, 201).await;
    let _sales: Group = server.post("/api/v1/groups", &token, &GroupInput { name: "Sales".into() }, 201).await;
    let invoice = server.visitor_says(&server.new_visitor().await, "My invoice").await;
    let other = server.visitor_says(&server.new_visitor().await, "Just looking").await;
    let assign = AssignRequest { agent_id: None, group_id: Some(billing.id) };
    let _: Conversation = server.post(&format!("/api/v1/conversations/{invoice}/assign"), &token, &assign, 200).await;
    with_browser("group_filter", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        b.find(&card(other)).await?;
        b.find("#filter-group").await?.select_by_value(&billing.id.to_string()).await?;
        b.until_gone(&card(other)).await?;
        b.find(&card(invoice)).await?;
        b.until("one card", &cards_are(1)).await?;

        b.find("#filter-group").await?.select_by_value("").await?;
        b.find(&card(other)).await?;
        b.until("both cards", &cards_are(2)).await?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_beyond_the_loaded_pages_waits_for_its_page() {
    let server = Server::start_with(|s| s.new_visitors_per_ip = 0).await;
    let at_work = admin_at_work(&server).await;
    let token = server.admin.access_token.clone();
    let mut ids = Vec::new();
    for i in 0..55 {
        ids.push(server.visitor_says(&server.new_visitor().await, &format!("question {i}")).await);
    }
    let oldest = ids[0];
    with_browser("list_beyond_pages", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        b.until("the first page", &cards_are(50)).await?;
        // The oldest, on the second page, is assigned (its activity stays old)…
        let assign = AssignRequest { agent_id: Some(server.admin.agent.id), group_id: None };
        let _: Conversation =
            server.post(&format!("/api/v1/conversations/{oldest}/assign"), &token, &assign, 200).await;
        // …then a new conversation arrives, after it in the log: it goes on top, the oldest stays unloaded.
        let newest = server.visitor_says(&server.new_visitor().await, "a new question").await;
        b.find(&card(newest)).await?;
        b.until("the first page and the new one", &cards_are(51)).await?;
        assert!(b.js(&format!("return !document.querySelector({:?})", card(oldest))).await?.as_bool() == Some(true));
        // Its page brings it, once.
        b.js("const list = document.querySelector('#cards'); list.scrollTop = list.scrollHeight; \
              list.dispatchEvent(new Event('scroll')); return 1")
            .await?;
        b.until("every conversation once", &cards_are(56)).await?;
        b.find(&card(oldest)).await?;
        Ok(())
    })
    .await;
    at_work.abort();
}
