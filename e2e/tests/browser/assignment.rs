//! Automatic assignment set up in Settings: the admin joins a group, turns its
//! automatic assignment on, gives themselves a capacity and a routing rule for
//! the pricing page; a visitor writing from that page lands assigned to them,
//! with the note in the thread.

use crate::harness::*;
use shared::api::*;
use shared::{ConversationId, Page};

async fn group_named(server: &Server, name: &str) -> Group {
    let page: Page<Group> = server.get("/api/v1/groups", &server.admin.access_token).await;
    page.items.into_iter().find(|g| g.name == name).expect("the group")
}

async fn detail(server: &Server, id: ConversationId) -> Conversation {
    let c: ConversationDetail = server.get(&format!("/api/v1/conversations/{id}"), &server.admin.access_token).await;
    c.conversation
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_routed_group_assigns_new_conversations_to_its_members_online() {
    let server = Server::start().await;
    let token = server.admin.access_token.clone();
    let me = server.admin.agent.id;
    let _: Group = server.post("/api/v1/groups", &token, &GroupInput { name: "Sales".into() }, 201).await;
    with_browser("assignment", |b| async move {
        b.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        b.click("#nav-settings").await?;
        let sales = group_named(&server, "Sales").await;
        let row = format!("#settings-groups .group-row[data-group='{}']", sales.id);

        // Join the group, and turn its automatic assignment on.
        b.click(&format!("{row} .chip")).await?;
        b.find(&format!("{row} .chip.on")).await?;
        b.click(&format!("{row} .auto-assign")).await?;
        server_until("automatic assignment on", || async { group_named(&server, "Sales").await.auto_assign }).await;
        assert_eq!(group_named(&server, "Sales").await.member_ids, [me]);

        // A capacity for the admin.
        b.type_into(&format!("#capacity-{me}"), "3").await?;
        b.js(&format!("document.querySelector('#capacity-{me}').dispatchEvent(new Event('change')); return 1")).await?;
        server_until("the capacity stored", || async {
            let agents: Page<Agent> = server.get("/api/v1/agents", &token).await;
            agents.items.iter().any(|a| a.id == me && a.capacity == Some(3))
        })
        .await;

        // A routing rule: pricing pages go to Sales.
        b.click("#routing-add").await?;
        b.type_into("#settings-routing .routing-text", "/pricing").await?;
        b.click("#routing-save").await?;
        b.until_text("#routing-status", "Saved").await?;
        let rules: RoutingRules = server.get("/api/v1/routing-rules", &token).await;
        assert_eq!(rules.rules, [RoutingRule { url_contains: "/pricing".into(), group_id: sales.id }]);

        // A visitor on the pricing page writes: the conversation is theirs.
        let conv = server.visitor_says(&server.new_visitor().await, "Which plan has SSO?").await;
        b.click("#nav-conversations").await?;
        b.click(&card(conv)).await?;
        b.until_text("#thread .msg.system", "automatically").await?;
        let c = detail(&server, conv).await;
        assert_eq!((c.assignee_id, c.group_id), (Some(me), Some(sales.id)));
        Ok(())
    })
    .await;
}
