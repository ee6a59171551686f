//! Labels: an admin defines them in Settings; agents put them on a conversation
//! from its header (or `l`), see them on the cards, filter the list by them and
//! take them off; a label deleted in Settings leaves its conversations.

use crate::harness::*;
use serde_json::json;
use shared::api::*;
use shared::{ConversationId, LabelId, Page};

async fn labels_of(server: &Server, id: ConversationId) -> Vec<LabelId> {
    let c: ConversationDetail = server.get(&format!("/api/v1/conversations/{id}"), &server.admin.access_token).await;
    c.conversation.label_ids
}

async fn label_named(server: &Server, name: &str) -> Option<Label> {
    let page: Page<Label> = server.get("/api/v1/labels", &server.admin.access_token).await;
    page.items.into_iter().find(|l| l.name == name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn labels_go_on_conversations_show_on_cards_and_filter_the_list() {
    let server = Server::start().await;
    let token = server.admin.access_token.clone();
    let invoice = server.visitor_says(&server.new_visitor().await, "My invoice is wrong").await;
    let other = server.visitor_says(&server.new_visitor().await, "Hello there").await;
    with_browser("labels", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;

        // Settings: a new label with its colour.
        b.click("#nav-settings").await?;
        b.type_into("#label-name", "Billing").await?;
        b.js("const c = document.querySelector('#label-color'); c.value = '#e5484d'; \
              c.dispatchEvent(new Event('input', {bubbles: true})); return 1")
            .await?;
        b.click("#settings-labels button[type=submit]").await?;
        b.until_text("#settings-labels .label-row", "Billing").await?;
        let billing = label_named(&server, "Billing").await.expect("the label was stored");
        assert_eq!(billing.color, "#e5484d");
        let vip: Label = server.post("/api/v1/labels", &token, &json!({"name": "VIP", "color": "#2f9e44"}), 201).await;

        // The conversation's header: `l` opens the menu, a click puts the label on.
        b.click("#nav-conversations").await?;
        b.click(&card(invoice)).await?;
        b.until_text("#thread .msg.visitor", "invoice").await?;
        b.find("body").await?.send_keys("l").await?;
        b.click(&format!("#label-menu [data-label='{}']", billing.id)).await?;
        b.until_text("#thread-labels", "Billing").await?;
        b.until_text(&format!("{} .card-labels", card(invoice)), "Billing").await?;
        b.find(&format!("#label-menu [data-label='{}'][aria-checked=true]", billing.id)).await?;
        assert_eq!(labels_of(&server, invoice).await, [billing.id]);

        // A label put on elsewhere shows on its card live.
        let _: Conversation = server
            .post(&format!("/api/v1/conversations/{other}/labels"), &token, &json!({"label_id": vip.id}), 200)
            .await;
        b.until_text(&format!("{} .card-labels", card(other)), "VIP").await?;

        // The list filtered by a label.
        b.find("#filter-label").await?.select_by_value(&billing.id.to_string()).await?;
        b.until_gone(&card(other)).await?;
        b.find(&card(invoice)).await?;
        b.find("#filter-label").await?.select_by_value("").await?;
        b.find(&card(other)).await?;

        // Taken off from its chip.
        b.click(&format!("#thread-labels [data-label='{}'] .chip-remove", billing.id)).await?;
        b.until_gone(&format!("#thread-labels [data-label='{}']", billing.id)).await?;
        b.until_gone(&format!("{} .card-labels [data-label='{}']", card(invoice), billing.id)).await?;
        assert!(labels_of(&server, invoice).await.is_empty());

        // Deleted in Settings (after asking): it leaves its conversations.
        b.click("#nav-settings").await?;
        b.click(&format!("#settings-labels .label-row[data-label='{}'] .danger", vip.id)).await?;
        b.click("#dialog-confirm").await?;
        b.until_gone(&format!("#settings-labels .label-row[data-label='{}']", vip.id)).await?;
        assert!(labels_of(&server, other).await.is_empty());
        assert!(label_named(&server, "VIP").await.is_none());
        Ok(())
    })
    .await;
}
